//! Checking expectations against a compiled policy. Each expectation is checked on its own
//! users only (a user, a team's members, a role's holders; `only` every user), with what the
//! compiler computed: scopes from `Access`, asset visibility from `Access::can_see_asset`,
//! tools and account permissions from the user's role.

use crate::chain::{self, Link};
use crate::{Expectation, ExpectationKind, Subject, Suite, Target};
use teamform_compiler::{AssetId, Compiled, UserId};
use teamform_diagnostics::{Code, Diagnostic, Span, did_you_mean};
use teamform_model::{Permission, Policy, Scope, Sp};
use teamform_plan::{Plan, Risk};

/// How many failing users a diagnostic names, and explains with related labels.
const NAMED: usize = 5;
const EXPLAINED: usize = 3;

/// The outcome of checking expectations.
#[derive(Debug, Default)]
pub struct Report {
    /// One diagnostic per failing or unusable expectation, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// How many expectations were checked.
    pub checked: usize,
    /// How many of them passed.
    pub passed: usize,
    /// How many failed or could not be checked, plus the problems reading the test files.
    pub failed: usize,
}

/// What checking the expectations reads (the policy and its compilation) and the marks it
/// keeps between subjects.
struct Checker<'a> {
    policy: &'a Policy,
    compiled: &'a Compiled,
    /// Per user, the number of the last subject that listed them: deduplicates the members
    /// of overlapping teams without clearing a set per expectation.
    mark: Vec<u32>,
    generation: u32,
}

/// Checks the expectations of `suite` against `compiled` (compiled from `policy`). The report
/// holds the suite's reading problems and the failures, sorted by file and position.
pub fn run(policy: &Policy, compiled: &Compiled, suite: &Suite) -> Report {
    let mut report = check(policy, compiled, &suite.expectations);
    // A problem reading the tests counts as a failed expectation: something written was not
    // checked.
    report.checked += suite.diagnostics.len();
    report.failed += suite.diagnostics.len();
    report.diagnostics.extend(suite.diagnostics.iter().cloned());
    sort(&mut report.diagnostics);
    report
}

/// Sorts diagnostics by file, position and code.
fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by_key(|d| {
        let span = d.main_span();
        (span.map(|s| (s.file, s.start)), d.code)
    });
}

/// Checks `expectations` against `compiled` (compiled from `policy`).
pub fn check(policy: &Policy, compiled: &Compiled, expectations: &[Expectation]) -> Report {
    let mut cx = Checker {
        policy,
        compiled,
        mark: vec![0; policy.users.len()],
        generation: 0,
    };
    let mut report = Report::default();
    // Expectations about a plan need one (`check_plan`).
    for e in expectations
        .iter()
        .filter(|e| e.kind != ExpectationKind::Plan)
    {
        report.checked += 1;
        if let Some(d) = cx.check_one(e) {
            report.failed += 1;
            report.diagnostics.push(d);
        }
    }
    report.passed = report.checked - report.failed;
    sort(&mut report.diagnostics);
    report
}

fn unusable(span: Span, message: String, label: &str, help: String) -> Diagnostic {
    Diagnostic::new(Code::InvalidExpectation, message)
        .primary(span, label.to_string())
        .help(help)
}

/// An expectation naming a user, team or role (`what`) the policy does not define: the
/// nearest key is suggested as a fix.
fn unknown<'k>(
    what: &str,
    key: &Sp<String>,
    keys: impl IntoIterator<Item = &'k str>,
) -> Diagnostic {
    let d = Diagnostic::new(
        Code::InvalidExpectation,
        format!("the policy has no {what} `{}`", key.value),
    )
    .primary(key.span, format!("unknown {what}"));
    match did_you_mean(&key.value, keys) {
        Some(s) => d.suggest(key.span, s),
        None => d.help("expectations name what the policy defines"),
    }
}

fn suggest<'k>(input: &str, keys: impl IntoIterator<Item = &'k str>) -> String {
    match did_you_mean(input, keys) {
        Some(s) => format!("did you mean `{s}`?"),
        None => "expectations name what the policy defines".to_string(),
    }
}

impl Checker<'_> {
    fn email(&self, user: UserId) -> &str {
        &self.policy.users[user.index()].key.value
    }

    fn names(&self, users: &[UserId]) -> String {
        let mut s = users
            .iter()
            .take(NAMED)
            .map(|u| format!("`{}`", self.email(*u)))
            .collect::<Vec<_>>()
            .join(", ");
        if users.len() > NAMED {
            s.push_str(&format!(" and {} more", users.len() - NAMED));
        }
        s
    }

    /// The users an expectation is about, without duplicates, in id order.
    fn subject(&mut self, subject: &Subject) -> Result<(Vec<UserId>, String), Diagnostic> {
        let index = &self.compiled.index;
        let graph = &self.compiled.graph;
        match subject {
            Subject::User(email) => match index.user(&email.value) {
                Some(u) => Ok((vec![u], format!("`{}`", email.value))),
                None => Err(unknown(
                    "user",
                    email,
                    self.policy.users.iter().map(|u| u.key.value.as_str()),
                )),
            },
            Subject::MembersOf(key) => {
                let Some(team) = index.team(&key.value) else {
                    return Err(unknown(
                        "team",
                        key,
                        self.policy.teams.iter().map(|t| t.key.value.as_str()),
                    ));
                };
                self.generation += 1;
                let mut users = Vec::new();
                for t in graph.descendants(team) {
                    for (u, _) in &graph.members[t.index()] {
                        let mark = &mut self.mark[u.index()];
                        if *mark != self.generation {
                            *mark = self.generation;
                            users.push(*u);
                        }
                    }
                }
                users.sort_unstable();
                if users.is_empty() {
                    return Err(unusable(
                        key.span,
                        format!(
                            "team `{}` and its child teams have no members: the expectation checks nobody",
                            key.value
                        ),
                        "no members",
                        "add members to the team, or remove the expectation".to_string(),
                    ));
                }
                Ok((users, format!("member of `{}`", key.value)))
            }
            Subject::Role(key) => {
                let Some(role) = index.role(&key.value) else {
                    return Err(unknown(
                        "role",
                        key,
                        self.policy.roles.iter().map(|r| r.key.value.as_str()),
                    ));
                };
                let mut users = graph.holders[role.index()].clone();
                users.sort_unstable();
                users.dedup();
                if users.is_empty() {
                    return Err(unusable(
                        key.span,
                        format!(
                            "nobody holds role `{}`: the expectation checks nobody",
                            key.value
                        ),
                        "no holders",
                        "give the role to a user, or remove the expectation".to_string(),
                    ));
                }
                Ok((users, format!("holder of role `{}`", key.value)))
            }
        }
    }

    /// Per role, whether it grants a tool action or an account permission (empty for CRM and
    /// super admin, which are read from the access of each user).
    fn role_grants(&self, target: Target) -> Vec<bool> {
        self.policy
            .roles
            .iter()
            .map(|role| match target {
                Target::Permission(Permission::Tool(tool, action)) => role
                    .tool(tool)
                    .is_some_and(|g| g.actions.iter().any(|a| a.value == action)),
                Target::Permission(Permission::Account(flag)) => role.account(flag).is_some(),
                _ => false,
            })
            .collect()
    }

    /// The level at which `user` holds `target`: the scope for CRM permissions, `everything`
    /// or `none` for the others.
    fn level(&self, user: UserId, target: Target, grants: &[bool]) -> Scope {
        let access = self.compiled.access.user(user);
        let held = match target {
            Target::Permission(Permission::Crm(object, action)) => {
                return access.scope(object, action);
            }
            Target::SuperAdmin => access.super_admin,
            Target::Permission(_) => {
                access.super_admin
                    || self.compiled.index.resolved_users[user.index()]
                        .role
                        .is_some_and(|r| grants.get(r.index()).copied().unwrap_or(false))
            }
        };
        if held { Scope::Everything } else { Scope::None }
    }

    fn explain_access(&self, users: &[UserId], target: Target, d: Diagnostic) -> Diagnostic {
        let mut links = Vec::new();
        for u in users.iter().take(EXPLAINED) {
            chain::access(self.policy, self.compiled, *u, target, &mut links);
        }
        with_links(d, links)
    }

    fn explain_asset(&self, users: &[UserId], asset: AssetId, d: Diagnostic) -> Diagnostic {
        let mut links = Vec::new();
        for u in users.iter().take(EXPLAINED) {
            chain::asset(self.policy, self.compiled, *u, asset, &mut links);
        }
        with_links(d, links)
    }

    fn check_one(&mut self, e: &Expectation) -> Option<Diagnostic> {
        match e.kind {
            ExpectationKind::Can | ExpectationKind::Cannot => self.check_access(e),
            ExpectationKind::Only => self.check_only(e),
            ExpectationKind::Sees | ExpectationKind::NotSees => self.check_sees(e),
            ExpectationKind::Plan => None,
        }
    }

    fn check_access(&mut self, e: &Expectation) -> Option<Diagnostic> {
        let target = e.target.as_ref()?.value;
        let subject = e.subject.as_ref()?;
        let (users, who) = match self.subject(subject) {
            Ok(s) => s,
            Err(d) => return Some(d),
        };
        let grants = self.role_grants(target);
        let can = e.kind == ExpectationKind::Can;
        let at_least = e.at_least.as_ref().map_or(Scope::Owned, |s| s.value);
        let widest = e.wider_than.as_ref().map_or(Scope::None, |s| s.value);
        let failing: Vec<(UserId, Scope)> = users
            .iter()
            .map(|u| (*u, self.level(*u, target, &grants)))
            .filter(|(_, level)| {
                if can {
                    *level < at_least
                } else {
                    *level > widest
                }
            })
            .collect();
        if failing.is_empty() {
            return None;
        }
        let crm = matches!(target, Target::Permission(Permission::Crm(..)));
        let wanted = match (can, crm) {
            (true, true) => format!("`{target}` at least `{at_least}`"),
            (false, true) if widest > Scope::None => format!("`{target}` wider than `{widest}`"),
            _ => format!("`{target}`"),
        };
        let single = matches!(subject, Subject::User(_));
        let message = if single {
            let (_, level) = failing[0];
            let holds = if crm {
                format!("they hold `{level}`")
            } else if can {
                "they do not".to_string()
            } else {
                "they do".to_string()
            };
            if can {
                format!("expected {who} to hold {wanted}, but {holds}")
            } else {
                format!("expected {who} not to hold {wanted}, but {holds}")
            }
        } else {
            let ids: Vec<UserId> = failing.iter().map(|(u, _)| *u).collect();
            let every = if can { "every" } else { "no" };
            let (n, total) = (failing.len(), users.len());
            let tail = match (can, n) {
                (true, 1) => "does not",
                (true, _) => "do not",
                (false, 1) => "does",
                (false, _) => "do",
            };
            let levels = if crm {
                let mut seen: Vec<Scope> = failing.iter().map(|(_, l)| *l).collect();
                seen.sort_unstable();
                seen.dedup();
                let list: Vec<String> = seen.iter().map(|s| format!("`{s}`")).collect();
                format!(" (they hold {})", list.join(", "))
            } else {
                String::new()
            };
            format!(
                "expected {every} {who} to hold {wanted}, but {n} of {total} {tail}{levels}: {}",
                self.names(&ids)
            )
        };
        let code = if can {
            Code::MissingExpectedAccess
        } else {
            Code::ForbiddenAccessHeld
        };
        let default_help = if can {
            "grant it through the users' role or teams, or change the expectation if the policy's intent has changed"
        } else {
            "take it away in the role or teams that grant it, or change the expectation if the policy's intent has changed"
        };
        let label = if can {
            "expected access missing"
        } else {
            "forbidden access held"
        };
        let d = Diagnostic::new(code, message)
            .primary(e.span, label)
            .help(help(e, default_help));
        let ids: Vec<UserId> = failing.iter().map(|(u, _)| *u).collect();
        Some(self.explain_access(&ids, target, d))
    }

    fn check_only(&mut self, e: &Expectation) -> Option<Diagnostic> {
        let target = e.target.as_ref()?.value;
        let grants = self.role_grants(target);
        let at_least = e.at_least.as_ref().map_or(Scope::Owned, |s| s.value);
        let crm = matches!(target, Target::Permission(Permission::Crm(..)));
        let wanted = if crm && at_least > Scope::Owned {
            format!("`{target}` at least `{at_least}`")
        } else {
            format!("`{target}`")
        };
        let holders: Vec<UserId> = (0..self.policy.users.len())
            .map(|u| UserId(u as u32))
            .filter(|u| self.level(*u, target, &grants) >= at_least)
            .collect();
        if let Some(max) = &e.at_most {
            if holders.len() <= max.value as usize {
                return None;
            }
            let d = Diagnostic::new(
                Code::UnexpectedHolders,
                format!(
                    "expected at most {} users to hold {wanted}, but {} hold it: {}",
                    max.value,
                    holders.len(),
                    self.names(&holders)
                ),
            )
            .primary(e.span, "too many holders")
            .secondary(max.span, format!("at most {}", max.value))
            .help(help(
                e,
                "take the access away from the users who should not hold it, or change the expectation if the policy's intent has changed",
            ));
            return Some(self.explain_access(&holders, target, d));
        }
        let listed = e.users.as_ref()?;
        let mut expected = Vec::new();
        for email in &listed.value {
            match self.compiled.index.user(&email.value) {
                Some(u) => expected.push((u, email.span)),
                None => {
                    return Some(unknown(
                        "user",
                        email,
                        self.policy.users.iter().map(|u| u.key.value.as_str()),
                    ));
                }
            }
        }
        let extra: Vec<UserId> = holders
            .iter()
            .copied()
            .filter(|h| !expected.iter().any(|(u, _)| u == h))
            .collect();
        let missing: Vec<(UserId, Span)> = expected
            .iter()
            .copied()
            .filter(|(u, _)| holders.binary_search(u).is_err())
            .collect();
        if extra.is_empty() && missing.is_empty() {
            return None;
        }
        let mut parts = Vec::new();
        if !extra.is_empty() {
            parts.push(format!(
                "{} also hold it: {}",
                extra.len(),
                self.names(&extra)
            ));
        }
        if !missing.is_empty() {
            let ids: Vec<UserId> = missing.iter().map(|(u, _)| *u).collect();
            let verb = if missing.len() == 1 { "does" } else { "do" };
            parts.push(format!(
                "{} {verb} not: {}",
                missing.len(),
                self.names(&ids)
            ));
        }
        let count = expected.len();
        let plural = if count == 1 { "user" } else { "users" };
        let mut d = Diagnostic::new(
            Code::UnexpectedHolders,
            format!(
                "expected exactly the {count} listed {plural} to hold {wanted}, but {}",
                parts.join("; ")
            ),
        )
        .primary(e.span, "other holders than listed")
        .help(help(
            e,
            "grant or take away the access so that exactly the listed users hold it, or change the list if the policy's intent has changed",
        ));
        for (_, span) in &missing {
            d = d.secondary(*span, "does not hold it");
        }
        let explained: Vec<UserId> = extra
            .iter()
            .copied()
            .chain(missing.iter().map(|(u, _)| *u))
            .collect();
        Some(self.explain_access(&explained, target, d))
    }

    fn check_sees(&mut self, e: &Expectation) -> Option<Diagnostic> {
        let reference = e.asset.as_ref()?;
        let subject = e.subject.as_ref()?;
        let Some(asset) = self.compiled.index.assets.get(&reference.value).copied() else {
            return Some(unusable(
                reference.span,
                format!("the policy has no asset `{}`", reference.value),
                "unknown asset",
                format!(
                    "write the asset as `TYPE.KEY`, for example `form.contact-fr`; {}",
                    suggest(
                        &reference.value,
                        self.policy
                            .assets
                            .iter()
                            .map(|a| a.reference())
                            .collect::<Vec<_>>()
                            .iter()
                            .map(String::as_str)
                    )
                ),
            ));
        };
        let (users, who) = match self.subject(subject) {
            Ok(s) => s,
            Err(d) => return Some(d),
        };
        let sees = e.kind == ExpectationKind::Sees;
        let failing: Vec<UserId> = users
            .iter()
            .copied()
            .filter(|u| {
                self.compiled.access.can_see_asset(
                    &self.compiled.graph,
                    &self.compiled.index,
                    *u,
                    asset,
                ) != sees
            })
            .collect();
        if failing.is_empty() {
            return None;
        }
        let r = &reference.value;
        let message = match (matches!(subject, Subject::User(_)), sees) {
            (true, true) => format!("expected {who} to see `{r}`, but they do not"),
            (true, false) => format!("expected {who} not to see `{r}`, but they do"),
            (false, true) => format!(
                "expected every {who} to see `{r}`, but {} of {} {}: {}",
                failing.len(),
                users.len(),
                if failing.len() == 1 {
                    "does not"
                } else {
                    "do not"
                },
                self.names(&failing)
            ),
            (false, false) => format!(
                "expected no {who} to see `{r}`, but {} of {} {}: {}",
                failing.len(),
                users.len(),
                if failing.len() == 1 { "does" } else { "do" },
                self.names(&failing)
            ),
        };
        let (code, label, default_help) = if sees {
            (
                Code::AssetHidden,
                "asset not visible",
                "partition the asset to one of the users' teams and grant `view` in its tool, or change the expectation if the policy's intent has changed",
            )
        } else {
            (
                Code::AssetVisible,
                "asset visible",
                "partition the asset away from the users' teams (an unassigned asset is visible to every team), or change the expectation if the policy's intent has changed",
            )
        };
        let d = Diagnostic::new(code, message)
            .primary(e.span, label)
            .help(help(e, default_help));
        Some(self.explain_asset(&failing, asset, d))
    }
}

/// The help line: the expectation's `because` first, when written.
fn help(e: &Expectation, default: &str) -> String {
    match &e.because {
        Some(b) => format!("the test says: {}; {default}", b.value),
        None => default.to_string(),
    }
}

/// Adds the chain as related labels, each place once (the first explanation of it).
fn with_links(mut d: Diagnostic, links: Vec<Link>) -> Diagnostic {
    let mut seen: Vec<Span> = d.labels.iter().map(|l| l.span).collect();
    for (span, text) in links {
        if seen.contains(&span) {
            continue;
        }
        seen.push(span);
        d = d.secondary(span, text);
    }
    d
}

/// The groups and grant changes of `plan` that an expectation `no_gain = LEVEL` forbids: grants
/// gained, and scopes changed, at that level or higher.
fn gains(plan: &Plan, level: Risk) -> Vec<(&[String], String)> {
    let mut out = Vec::new();
    for g in &plan.groups {
        let at = |c: &&teamform_plan::GrantChange| c.risk >= level;
        for c in teamform_plan::shown(g.grants.gained.iter().filter(at)) {
            out.push((
                g.users.as_slice(),
                format!("`{}` ({}, {})", c.grant, c.via, c.change.risk.as_str()),
            ));
        }
        for c in g.grants.changed.iter().filter(|c| c.risk >= level) {
            out.push((
                g.users.as_slice(),
                format!(
                    "`{} {}: {} → {}` ({}, {})",
                    c.action,
                    c.object,
                    c.before.text(),
                    c.after.text(),
                    c.via.text(),
                    c.risk.as_str()
                ),
            ));
        }
    }
    out
}

/// Checks the `[[plan]]` expectations of `expectations` against a saved plan: no user may gain
/// access of the expectation's risk level or higher (`teamform test --plan FILE`).
pub fn check_plan(expectations: &[Expectation], plan: &Plan) -> Report {
    let mut report = Report::default();
    for e in expectations
        .iter()
        .filter(|e| e.kind == ExpectationKind::Plan)
    {
        let Some(level) = &e.no_gain else { continue };
        report.checked += 1;
        let found = gains(plan, level.value);
        if found.is_empty() {
            continue;
        }
        report.failed += 1;
        let users: std::collections::BTreeSet<&str> = found
            .iter()
            .flat_map(|(users, _)| users.iter().map(String::as_str))
            .collect();
        let d = Diagnostic::new(
            Code::RiskyAccessGained,
            format!(
                "the plan gives {} user{} `{}` access or higher",
                users.len(),
                if users.len() == 1 { "" } else { "s" },
                level.value.as_str()
            ),
        )
        .primary(
            e.span,
            format!("no user may gain `{}` access", level.value.as_str()),
        );
        let mut lines: Vec<String> = found
            .iter()
            .take(NAMED)
            .map(|(users, change)| {
                let mut who = users
                    .iter()
                    .take(NAMED)
                    .map(|u| format!("`{u}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                if users.len() > NAMED {
                    who.push_str(&format!(" and {} more", users.len() - NAMED));
                }
                let verb = if users.len() == 1 { "gains" } else { "gain" };
                format!("{who} {verb} {change}")
            })
            .collect();
        if found.len() > NAMED {
            lines.push(format!("and {} more such change(s)", found.len() - NAMED));
        }
        let advice = match &e.because {
            Some(b) => format!("{}: review the change, or change the expectation", b.value),
            None => "review the change (`teamform plan` lists it first); if it is intended, change the expectation".to_string(),
        };
        let help = format!("{}\n{advice}", lines.join("\n"));
        report.diagnostics.push(d.help(help));
    }
    report.passed = report.checked - report.failed;
    sort(&mut report.diagnostics);
    report
}
