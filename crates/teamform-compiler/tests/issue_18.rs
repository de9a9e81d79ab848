//! Regression tests for issue 18, on the demo policy (`policies/` at the workspace root) with
//! one edit each: a deny rule broken by a role is reported once at the role's grant (item 7),
//! and one bad value gives one diagnostic, not a cascade of guesses (item 8).

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests stop with a clear message.

use std::path::{Path, PathBuf};
use teamform_compiler::{Options, compile};
use teamform_diagnostics::{SourceFile, SourceMap};
use teamform_model::{Date, LoadResult, load_sources};

const TODAY: Date = Date {
    year: 2026,
    month: 11,
    day: 25,
};

fn demo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../policies")
}

/// The demo policy with `edits` applied: in the file `path` (relative to `policies/`), the one
/// occurrence of `from` replaced with `to`.
fn demo_with(edits: &[(&str, &str, &str)]) -> LoadResult {
    let root = demo_dir();
    let paths = teamform_model::discover(&root).expect("the demo policy is readable");
    let mut sources = SourceMap::new();
    let mut used = vec![false; edits.len()];
    for path in paths {
        let rel = path
            .strip_prefix(&root)
            .expect("under the root")
            .to_string_lossy()
            .replace('\\', "/");
        let mut text = std::fs::read_to_string(&path).expect("a policy file is readable");
        for (i, (file, from, to)) in edits.iter().enumerate() {
            if *file == rel {
                assert_eq!(text.matches(from).count(), 1, "`{from}` once in {rel}");
                text = text.replace(from, to);
                used[i] = true;
            }
        }
        sources.add(SourceFile::new(rel, text));
    }
    assert!(used.iter().all(|u| *u), "every edit applies to a file");
    load_sources(sources)
}

/// One line per diagnostic: `file:line code message`, then one indented line per label
/// (`file:line primary|related: message`).
fn render(edits: &[(&str, &str, &str)]) -> String {
    let load = demo_with(edits);
    let compiled = compile(&load, Options { today: TODAY });
    let place = |span| {
        load.sources
            .locate(span)
            .map(|(f, lc)| format!("{f}:{}", lc.line))
            .unwrap_or_default()
    };
    let mut out = String::new();
    for d in &compiled.diagnostics {
        let main = d.main_span().map(place).unwrap_or_default();
        out.push_str(&format!("{main} {} {}\n", d.code, d.message));
        for l in &d.labels {
            let kind = if l.primary { "primary" } else { "related" };
            out.push_str(&format!("    {} {kind}: {}\n", place(l.span), l.message));
        }
    }
    out
}

#[test]
fn the_demo_policy_is_clean() {
    assert_eq!(render(&[]), "");
}

#[test]
fn issue_18_a_role_edit_breaking_a_deny_rule_is_reported_once_at_the_role() {
    let out = render(&[(
        "roles.toml",
        "account = { reassign_owner = true, export = false }",
        "account = { reassign_owner = true, export = true }",
    )]);
    assert_eq!(
        out,
        "roles.toml:46 TF0120 no member of the sales team may export data
    roles.toml:46 primary: role `sales-manager` grants `account.export` to 4 members of `sales`
    portal.toml:45 related: forbidden by this guardrail
    users/sales.toml:17 related: `camille.lefevre@acme.example` is a member of `sales` and holds this role
    users/sales.toml:44 related: `juergen.mueller@acme.example` is a member of `sales` and holds this role
    users/sales.toml:70 related: `jose.garcia@acme.example` is a member of `sales` and holds this role
    users/sales.toml:90 related: `stefan.popescu@acme.example` is a member of `sales` and holds this role
"
    );
}

#[test]
fn issue_18_a_member_moved_into_the_team_is_reported_at_their_team() {
    // Events coordinators may publish forms; one of them moves to the sales tree, where a new
    // rule forbids it. The role is fine for the two who stay: the move is what breaks the rule.
    let out = render(&[
        (
            "users/marketing.toml",
            "name = \"Zoé Bernard\"\nrole = \"events-coordinator\"\nteam = \"events\"",
            "name = \"Zoé Bernard\"\nrole = \"events-coordinator\"\nteam = \"sales-ro\"",
        ),
        (
            "portal.toml",
            "[[guardrails.deny]]\nmessage = \"only the sales director",
            "[[guardrails.deny]]\nmessage = \"sales does not publish forms\"\npermission = \"tools.forms.publish\"\nmembers_of = \"sales\"\n\n[[guardrails.deny]]\nmessage = \"only the sales director",
        ),
    ]);
    assert_eq!(
        out,
        "users/marketing.toml:15 TF0120 sales does not publish forms
    users/marketing.toml:15 primary: `zoe.bernard@acme.example` is a member of `sales` here, and role `events-coordinator` grants `tools.forms.publish`
    portal.toml:52 related: forbidden by this guardrail
    users/marketing.toml:14 related: the user's role
    roles.toml:94 related: the role grants it here
"
    );
}

#[test]
fn issue_18_a_super_admin_in_the_team_is_reported_at_super_admin() {
    let out = render(&[(
        "users/sales.toml",
        "name = \"Théo Girard\"\n",
        "name = \"Théo Girard\"\nsuper_admin = true\n",
    )]);
    assert!(
        out.contains(
            "users/sales.toml:24 TF0120 no member of the sales team may export data
    users/sales.toml:24 primary: `theo.girard@acme.example`, a member of `sales`, gets `account.export` as a super admin
"
        ),
        "{out}"
    );
    assert_eq!(out.matches("TF0120").count(), 1, "{out}");
}

/// The first line of each diagnostic of [`render`].
fn headlines(edits: &[(&str, &str, &str)]) -> Vec<String> {
    render(edits)
        .lines()
        .filter(|l| !l.starts_with(' '))
        .map(str::to_string)
        .collect()
}

#[test]
fn issue_18_a_seat_capacity_out_of_range_is_not_a_missing_seat() {
    assert_eq!(
        headlines(&[(
            "portal.toml",
            "sales = 18",
            "sales = 99999999999999999999999"
        )]),
        [
            "portal.toml:23 TF0004 the capacity of seat `sales` must be a whole number from 0 to 4294967295"
        ]
    );
}

#[test]
fn issue_18_a_tier_that_is_not_a_tier_is_not_free() {
    assert_eq!(
        headlines(&[(
            "portal.toml",
            "marketing = \"enterprise\"",
            "marketing = \"enterprize\""
        )]),
        ["portal.toml:19 TF0004 `enterprize` is not a valid value for the tier of `marketing`"]
    );
}

#[test]
fn issue_18_a_scope_that_is_not_a_scope_is_not_none() {
    assert_eq!(
        headlines(&[(
            "roles.toml",
            "[role.sales-manager]\nname = \"Sales Manager\"\ncrm.contacts  = { view = \"team\"",
            "[role.sales-manager]\nname = \"Sales Manager\"\ncrm.contacts  = { view = \"teams\"",
        )]),
        [
            "roles.toml:34 TF0004 `teams` is not a valid value for `view` of `crm.contacts` of role `sales-manager`"
        ]
    );
}

#[test]
fn issue_18_an_action_that_is_not_an_action_is_not_missing() {
    assert_eq!(
        headlines(&[(
            "roles.toml",
            "name = \"Web Designer\"\ntools.website_pages = [\"view\"",
            "name = \"Web Designer\"\ntools.website_pages = [\"veiw\"",
        )]),
        ["roles.toml:119 TF0004 `veiw` is not a valid value for a tool action"]
    );
}

#[test]
fn issue_18_a_misspelt_key_does_not_hide_the_values_inside_it() {
    assert_eq!(
        headlines(&[
            (
                "roles.toml",
                "[role.sales-manager]\nname = \"Sales Manager\"\ncrm.contacts  = { view = \"team\"",
                "[role.sales-manager]\nname = \"Sales Manager\"\ncrm.contact  = { view = \"teams\"",
            ),
            (
                "roles.toml",
                "name = \"Web Designer\"\ntools.website_pages = [\"view\"",
                "name = \"Web Designer\"\ntools.website_page = [\"veiw\"",
            ),
            (
                "roles.toml",
                "account = { reassign_owner = true, export = false }",
                "account = { reassign_owner = true, exports = \"no\" }",
            ),
            ("portal.toml", "sales = 18", "sale = -1"),
            (
                "portal.toml",
                "service = \"professional\"",
                "servise = \"pro\""
            ),
        ]),
        [
            "portal.toml:19 TF0002 unknown field `servise` in `tiers`",
            "portal.toml:19 TF0004 `pro` is not a valid value for the tier of `servise`",
            "portal.toml:23 TF0002 unknown field `sale` in `seats`",
            "portal.toml:23 TF0004 the capacity of seat `sale` must be a whole number from 0 to 4294967295",
            "roles.toml:34 TF0002 unknown field `contact` in `crm` of role `sales-manager`",
            "roles.toml:34 TF0004 `teams` is not a valid value for `view` of `crm.contact` of role `sales-manager`",
            "roles.toml:46 TF0002 unknown field `exports` in `account` of role `sales-manager`",
            "roles.toml:46 TF0003 `account.exports` of role `sales-manager` must be a boolean (`true` or `false`), found a string",
            "roles.toml:119 TF0002 unknown field `website_page` in `tools` of role `web-designer`",
            "roles.toml:119 TF0004 `veiw` is not a valid value for a tool action",
        ]
    );
}

#[test]
fn issue_18_a_deny_rule_with_a_bad_value_is_not_widened() {
    // Taken as absent, the misspelt scope would make the rule forbid any contact editing.
    assert_eq!(
        headlines(&[(
            "portal.toml",
            "scope = \"everything\"",
            "scope = \"everythin\""
        )]),
        ["portal.toml:53 TF0004 `everythin` is not a valid value for `scope` of a deny rule"]
    );
}

#[test]
fn issue_18_a_bad_scope_in_a_table_of_its_own_is_not_none() {
    let out = headlines(&[
        (
            "roles.toml",
            "[role.sales-manager]\nname = \"Sales Manager\"\ncrm.contacts  = { view = \"team\", edit = \"team\" }\n",
            "[role.sales-manager]\nname = \"Sales Manager\"\n",
        ),
        (
            "roles.toml",
            "account = { reassign_owner = true, export = false }\n",
            "account = { reassign_owner = true, export = false }\n\n[role.sales-manager.crm.contacts]\nview = \"teams\"\nedit = \"team\"\n",
        ),
    ]);
    assert_eq!(
        out,
        [
            "roles.toml:48 TF0004 `teams` is not a valid value for `view` of `crm.contacts` of role `sales-manager`"
        ]
    );
}
