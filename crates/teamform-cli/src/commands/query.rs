//! `teamform why` and `teamform who-can`: queries on the compiled policy, printed as aligned
//! text or as the JSON documents of `docs/queries.md`.
//!
//! Both take either an account-wide access (an account permission such as `export`, or
//! `super_admin`) or an access with an object (`deals edit` for `why`, `edit deals` for
//! `who-can`). The target is read before the policy is loaded, so a mistyped keyword is a usage
//! error whatever the policy holds.

use crate::cli::{PolicyArgs, QueryFormat, WhoCanArgs, WhyArgs};
use crate::error::{Error, ErrorKind, ExitStatus, Outcome};
use crate::policy::{self, Loaded};
use serde::Serialize;
use teamform_compiler::{AccountAccess, UserId, Via, WhoCanTarget};
use teamform_diagnostics::{SourceMap, Span, did_you_mean};
use teamform_model::{AccountPermission, CrmAction, CrmObject, Policy, Scope, Tool, ToolAction};

/// The version of the JSON documents of both queries.
const JSON_VERSION: u32 = 1;

/// The spelling of super admin on the command line; `super-admin` is accepted too.
const SUPER_ADMIN: &str = "super_admin";

fn valid_policy(args: &PolicyArgs) -> Result<Loaded, Error> {
    let loaded = policy::load(args).map_err(Error::invalid)?;
    if loaded.compiled.has_errors() {
        policy::report_errors(&loaded);
        return Err(Error::shown(ErrorKind::Invalid));
    }
    Ok(loaded)
}

fn find_user(loaded: &Loaded, email: &str) -> Result<UserId, Error> {
    loaded.compiled.index.user(email).ok_or_else(|| {
        let emails = loaded
            .load
            .policy
            .users
            .iter()
            .map(|u| u.key.value.as_str());
        let hint =
            did_you_mean(email, emails).map_or(String::new(), |s| format!("; did you mean `{s}`?"));
        Error::invalid(format!("no user `{email}` in the policy{hint}"))
    })
}

fn keyword<K>(
    text: &str,
    what: &str,
    parse: fn(&str) -> Option<K>,
    names: &[&'static str],
) -> Result<K, Error> {
    parse(text).ok_or_else(|| unknown(text, what, names))
}

/// The usage error of a word that is none of `names` (`what` they are, with its article),
/// with the nearest one or the list.
fn unknown(text: &str, what: &str, names: &[&'static str]) -> Error {
    let hint = did_you_mean(text, names.iter().copied()).map_or_else(
        || format!("; one of `{}`", names.join("`, `")),
        |s| format!("; did you mean `{s}`?"),
    );
    Error::invalid(format!("`{text}` is not {what}{hint}"))
}

/// Reads an account permission or super admin, as written in policy files (`export`,
/// `super_admin`) or with dashes (`reassign-owner`, `super-admin`).
fn account_access(text: &str) -> Option<AccountAccess> {
    let text = text.replace('-', "_");
    if text == SUPER_ADMIN {
        return Some(AccountAccess::SuperAdmin);
    }
    AccountPermission::parse(&text).map(AccountAccess::Permission)
}

/// Every account-wide access, as accepted.
fn account_names() -> Vec<&'static str> {
    AccountPermission::names()
        .chain(std::iter::once(SUPER_ADMIN))
        .collect()
}

/// Where a span is: file, line and column.
fn locate(sources: &SourceMap, span: Option<Span>) -> Option<(String, u32, u32)> {
    span.and_then(|s| sources.locate(s))
        .map(|(file, lc)| (file.to_string(), lc.line, lc.column))
}

fn place(sources: &SourceMap, span: Option<Span>) -> String {
    locate(sources, span).map_or_else(String::new, |(file, line, column)| {
        format!("{file}:{line}:{column}")
    })
}

/// What a query is about, in the JSON documents.
#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum JsonAccess {
    /// An action on CRM records.
    Crm {
        object: CrmObject,
        action: CrmAction,
    },
    /// An action in a tool.
    Tool { tool: Tool, action: ToolAction },
    /// An account permission.
    Account { permission: AccountPermission },
    /// Super admin.
    SuperAdmin,
}

impl From<WhoCanTarget> for JsonAccess {
    fn from(target: WhoCanTarget) -> Self {
        match target {
            WhoCanTarget::Crm(object, action) => JsonAccess::Crm { object, action },
            WhoCanTarget::Tool(tool, action) => JsonAccess::Tool { tool, action },
            WhoCanTarget::Account(permission) => JsonAccess::Account { permission },
            WhoCanTarget::SuperAdmin => JsonAccess::SuperAdmin,
        }
    }
}

impl From<AccountAccess> for JsonAccess {
    fn from(access: AccountAccess) -> Self {
        match access {
            AccountAccess::Permission(permission) => JsonAccess::Account { permission },
            AccountAccess::SuperAdmin => JsonAccess::SuperAdmin,
        }
    }
}

/// A user in the JSON documents.
#[derive(Serialize)]
struct JsonUser<'a> {
    email: &'a str,
    name: Option<&'a str>,
}

impl<'a> JsonUser<'a> {
    fn of(policy: &'a Policy, user: UserId) -> Self {
        let u = &policy.users[user.index()];
        JsonUser {
            email: &u.key.value,
            name: u.name.as_ref().map(|n| n.value.as_str()),
        }
    }
}

/// One step of an explanation in the JSON document of `why`.
#[derive(Serialize)]
struct JsonStep<'a> {
    text: &'a str,
    file: Option<String>,
    line: Option<u32>,
    column: Option<u32>,
}

/// The JSON document of `why`.
#[derive(Serialize)]
struct JsonWhy<'a> {
    version: u32,
    user: JsonUser<'a>,
    access: JsonAccess,
    granted: bool,
    scope: Option<Scope>,
    steps: Vec<JsonStep<'a>>,
}

/// Prints a JSON document and a newline.
fn print_json(doc: &impl Serialize) -> Outcome {
    let text = serde_json::to_string_pretty(doc).map_err(|e| {
        Error::invalid(format!("cannot write the JSON document: {e}")).with_source(e)
    })?;
    outln!("{text}");
    Ok(ExitStatus::Success)
}

/// What `why` asks about, read from its words.
enum WhyTarget {
    Crm(CrmObject, CrmAction),
    Account(AccountAccess),
}

fn why_target(object: &str, action: Option<&str>) -> Result<WhyTarget, Error> {
    let objects: Vec<_> = CrmObject::names().collect();
    let actions: Vec<_> = CrmAction::names().collect();
    let account = account_access(object);
    match (account, action) {
        (Some(access), None) => Ok(WhyTarget::Account(access)),
        (Some(_), Some(action)) => Err(Error::invalid(format!(
            "`{object}` is account-wide and takes no action (`{action}`): ask `teamform why USER {object}`"
        ))),
        (None, Some(action)) => {
            let object = keyword(object, "a CRM object", CrmObject::parse, &objects)?;
            let action = keyword(action, "a CRM action", CrmAction::parse, &actions)?;
            Ok(WhyTarget::Crm(object, action))
        }
        (None, None) if CrmObject::parse(object).is_some() => Err(Error::invalid(format!(
            "`{object}` needs an action after it (`{}`), as in `teamform why USER {object} edit`",
            actions.join("`, `")
        ))),
        (None, None) => {
            let mut names = account_names();
            names.extend(&objects);
            Err(unknown(
                object,
                "an account permission, `super_admin` or a CRM object",
                &names,
            ))
        }
    }
}

pub fn why(a: &WhyArgs) -> Outcome {
    let (args, user, object) = (&a.policy, a.user.as_str(), a.object.as_str());
    let (action, format) = (a.action.as_deref(), a.format);
    let run = || -> Outcome {
        let target = why_target(object, action)?;
        let loaded = valid_policy(args)?;
        let user = find_user(&loaded, user)?;
        let policy = &loaded.load.policy;
        let compiled = &loaded.compiled;
        let sources = &loaded.load.sources;
        let email = &policy.users[user.index()].key.value;
        let (access, granted, scope, steps, headline) = match target {
            WhyTarget::Crm(object, action) => {
                let why = teamform_compiler::why(policy, compiled, user, object, action);
                let headline = format!("{email} may {action} {object}: {}", why.scope);
                let access = WhoCanTarget::Crm(object, action).into();
                (
                    access,
                    why.scope != Scope::None,
                    Some(why.scope),
                    why.steps,
                    headline,
                )
            }
            WhyTarget::Account(access) => {
                let why = teamform_compiler::why_account(policy, compiled, user, access);
                let answer = if why.granted { "yes" } else { "no" };
                let headline = match access {
                    AccountAccess::SuperAdmin => format!("{email} is a super admin: {answer}"),
                    AccountAccess::Permission(p) => format!("{email} may {p}: {answer}"),
                };
                (access.into(), why.granted, None, why.steps, headline)
            }
        };
        if format == QueryFormat::Json {
            let steps = steps
                .iter()
                .map(|s| {
                    let at = locate(sources, s.span);
                    JsonStep {
                        text: &s.text,
                        file: at.as_ref().map(|(file, _, _)| file.clone()),
                        line: at.as_ref().map(|(_, line, _)| *line),
                        column: at.as_ref().map(|(_, _, column)| *column),
                    }
                })
                .collect();
            return print_json(&JsonWhy {
                version: JSON_VERSION,
                user: JsonUser::of(policy, user),
                access,
                granted,
                scope,
                steps,
            });
        }
        outln!("{headline}");
        let width = steps
            .iter()
            .map(|s| place(sources, s.span).len())
            .max()
            .unwrap_or(0);
        for s in &steps {
            outln!("  {:<width$}  {}", place(sources, s.span), s.text);
        }
        Ok(ExitStatus::Success)
    };
    run()
}

fn who_can_target(action: &str, object: Option<&str>) -> Result<WhoCanTarget, Error> {
    let account = account_access(action).map(|a| match a {
        AccountAccess::Permission(p) => WhoCanTarget::Account(p),
        AccountAccess::SuperAdmin => WhoCanTarget::SuperAdmin,
    });
    let Some(object) = object else {
        if let Some(target) = account {
            return Ok(target);
        }
        if CrmAction::parse(action).is_some() || ToolAction::parse(action).is_some() {
            return Err(Error::invalid(format!(
                "`{action}` needs a CRM object or a tool after it, as in `teamform who-can {action} contacts`"
            )));
        }
        let mut names = account_names();
        names.extend(CrmAction::names());
        names.extend(ToolAction::names().filter(|a| CrmAction::parse(a).is_none()));
        return Err(unknown(
            action,
            "an account permission, `super_admin` or an action",
            &names,
        ));
    };
    if account.is_some() {
        return Err(Error::invalid(format!(
            "`{action}` is account-wide, not per object (`{object}`): ask `teamform who-can {action}`"
        )));
    }
    if let Some(o) = CrmObject::parse(object) {
        let actions: Vec<_> = CrmAction::names().collect();
        return Ok(WhoCanTarget::Crm(
            o,
            keyword(action, "a CRM action", CrmAction::parse, &actions)?,
        ));
    }
    let mut names: Vec<_> = CrmObject::names().collect();
    names.extend(Tool::names());
    let tool = keyword(object, "a CRM object or tool", Tool::parse, &names)?;
    let actions: Vec<_> = ToolAction::names().collect();
    Ok(WhoCanTarget::Tool(
        tool,
        keyword(action, "a tool action", ToolAction::parse, &actions)?,
    ))
}

/// One user found, in the JSON document of `who-can`.
#[derive(Serialize)]
struct JsonWhoCanUser<'a> {
    email: &'a str,
    name: Option<&'a str>,
    how: &'a str,
    via: &'static str,
    role: Option<&'a str>,
    scope: Option<Scope>,
}

/// The JSON document of `who-can`.
#[derive(Serialize)]
struct JsonWhoCan<'a> {
    version: u32,
    target: JsonAccess,
    owned_by: Option<&'a str>,
    asset: Option<&'a str>,
    users: Vec<JsonWhoCanUser<'a>>,
}

pub fn who_can(a: &WhoCanArgs) -> Outcome {
    let args = &a.policy;

    let run = || -> Outcome {
        let target = who_can_target(a.action.as_str(), a.object.as_deref())?;
        match target {
            WhoCanTarget::Tool(..) if a.owned_by.as_deref().is_some() => {
                return Err(Error::invalid(
                    "`--owned-by` applies to CRM objects, not tools",
                ));
            }
            WhoCanTarget::Account(_) | WhoCanTarget::SuperAdmin => {
                let option = match (a.owned_by.as_deref(), a.asset.as_deref()) {
                    (Some(_), _) => Some("--owned-by"),
                    (None, Some(_)) => Some("--asset"),
                    (None, None) => None,
                };
                if let Some(option) = option {
                    return Err(Error::invalid(format!(
                        "`{option}` applies to CRM objects and tools, not to `{}`, which is account-wide",
                        a.action.as_str()
                    )));
                }
            }
            _ => {}
        }
        let mut loaded = valid_policy(args)?;
        super::adopt::left_alone(&mut loaded, &a.portal)?;
        let owner = a
            .owned_by
            .as_deref()
            .map(|o| find_user(&loaded, o))
            .transpose()?;
        let index = &loaded.compiled.index;
        let asset_id = match a.asset.as_deref() {
            None => None,
            Some(a) => Some(index.assets.get(a).copied().ok_or_else(|| {
                let refs: Vec<&str> = index.assets.keys().map(String::as_str).collect();
                let hint = did_you_mean(a, refs)
                    .map_or(String::new(), |s| format!("; did you mean `{s}`?"));
                Error::invalid(format!("no asset `{a}` in the policy{hint}"))
            })?),
        };
        let policy = &loaded.load.policy;
        let found = teamform_compiler::who_can(policy, &loaded.compiled, target, owner, asset_id);
        if a.format == QueryFormat::Json {
            let users = found
                .iter()
                .map(|w| {
                    let user = JsonUser::of(policy, w.user);
                    let (via, role) = match w.via {
                        Via::SuperAdmin => ("super_admin", None),
                        Via::Role(r) => ("role", Some(policy.roles[r.index()].key.value.as_str())),
                    };
                    JsonWhoCanUser {
                        email: user.email,
                        name: user.name,
                        how: &w.how,
                        via,
                        role,
                        scope: w.scope,
                    }
                })
                .collect();
            return print_json(&JsonWhoCan {
                version: JSON_VERSION,
                target: target.into(),
                owned_by: owner.map(|o| policy.users[o.index()].key.value.as_str()),
                asset: a.asset.as_deref(),
                users,
            });
        }
        let width = found
            .iter()
            .map(|w| policy.users[w.user.index()].key.value.len())
            .max()
            .unwrap_or(0);
        let how_width = found
            .iter()
            .map(|w| w.how.chars().count())
            .max()
            .unwrap_or(0)
            .max(12);
        for w in &found {
            let user = &policy.users[w.user.index()];
            let name = user.name.as_ref().map_or("", |n| n.value.as_str());
            outln!("{:<width$}  {:<how_width$}  {name}", user.key.value, w.how);
        }
        eprintln!(
            "{} user{}",
            found.len(),
            if found.len() == 1 { "" } else { "s" }
        );
        Ok(ExitStatus::Success)
    };
    run()
}
