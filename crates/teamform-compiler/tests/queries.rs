//! The `why` and `who-can` queries on the demo policy (`policies/` at the workspace root):
//! account permissions and super admin as accesses of their own, next to CRM and tool actions.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests stop with a clear message.

use std::path::Path;
use teamform_compiler::{
    AccountAccess, Compiled, Options, Step, Via, WhoCanTarget, compile, who_can, why_account,
};
use teamform_model::{
    AccountPermission, CrmAction, CrmObject, Date, LoadResult, Scope, Tool, ToolAction,
};

const TODAY: Date = Date {
    year: 2026,
    month: 11,
    day: 25,
};

fn demo() -> (LoadResult, Compiled) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../policies");
    let load = teamform_model::load_dir(&root);
    let compiled = compile(&load, Options { today: TODAY });
    assert!(!compiled.has_errors(), "the demo policy is valid");
    (load, compiled)
}

/// `EMAIL  HOW` per user found.
fn who(target: WhoCanTarget) -> Vec<String> {
    let (load, compiled) = demo();
    who_can(&load.policy, &compiled, target, None, None)
        .iter()
        .map(|w| format!("{}  {}", load.policy.users[w.user.index()].key.value, w.how))
        .collect()
}

/// `granted`, then `FILE:LINE:COLUMN  TEXT` per step.
fn why(email: &str, access: AccountAccess) -> (bool, Vec<String>) {
    let (load, compiled) = demo();
    let user = compiled.index.user(email).expect("a demo user");
    let why = why_account(&load.policy, &compiled, user, access);
    let place = |s: &Step| {
        s.span
            .and_then(|span| load.sources.locate(span))
            .map(|(f, lc)| {
                let file = f.rsplit_once("policies/").map_or(f, |(_, rel)| rel);
                format!("{file}:{}:{}", lc.line, lc.column)
            })
            .unwrap_or_default()
    };
    let steps = why
        .steps
        .iter()
        .map(|s| format!("{}  {}", place(s), s.text))
        .collect();
    (why.granted, steps)
}

const IOANA: &str = "ioana.ionescu@acme.example";
const MARC: &str = "marc-antoine.chevalier@acme.example";
const CATALIN: &str = "catalin.enache@acme.example";
const CAMILLE: &str = "camille.lefevre@acme.example";

#[test]
fn who_can_export_is_the_super_admins_only() {
    // No role of the demo grants `export` (a deny rule forbids it to the sales tree).
    assert_eq!(
        who(WhoCanTarget::Account(AccountPermission::Export)),
        [
            format!("{IOANA}  super admin"),
            format!("{MARC}  super admin"),
        ]
    );
}

#[test]
fn who_can_import_names_the_roles_that_grant_it() {
    assert_eq!(
        who(WhoCanTarget::Account(AccountPermission::Import)),
        [
            "helene.rousseau@acme.example  via role `marketing-manager`".to_string(),
            format!("{IOANA}  super admin"),
            format!("{MARC}  super admin"),
            format!("{CATALIN}  via role `revops-admin`"),
        ]
    );
    // A role that writes `false` grants nothing.
    assert_eq!(
        who(WhoCanTarget::Account(AccountPermission::ReassignOwner)),
        [
            format!("{IOANA}  super admin"),
            format!("{MARC}  super admin"),
            "gaelle.robin@acme.example  via role `service-manager`".to_string(),
            "amelie.durand@acme.example  via role `sales-director`".to_string(),
            format!("{CAMILLE}  via role `sales-manager`"),
            "juergen.mueller@acme.example  via role `sales-manager`".to_string(),
            "jose.garcia@acme.example  via role `sales-manager`".to_string(),
            "stefan.popescu@acme.example  via role `sales-manager`".to_string(),
        ]
    );
}

#[test]
fn who_can_super_admin_lists_the_super_admins() {
    assert_eq!(
        who(WhoCanTarget::SuperAdmin),
        [
            format!("{IOANA}  super admin"),
            format!("{MARC}  super admin"),
        ]
    );
}

#[test]
fn who_can_says_how_in_fields_too() {
    let (load, compiled) = demo();
    let role = |key: &str| compiled.index.roles.get(key).copied().expect("a demo role");
    let found = who_can(
        &load.policy,
        &compiled,
        WhoCanTarget::Account(AccountPermission::Import),
        None,
        None,
    );
    let fields: Vec<_> = found.iter().map(|w| (w.via, w.scope)).collect();
    assert_eq!(
        fields,
        [
            (Via::Role(role("marketing-manager")), None),
            (Via::SuperAdmin, None),
            (Via::SuperAdmin, None),
            (Via::Role(role("revops-admin")), None),
        ]
    );
    // CRM targets carry the scope; a super admin's is `everything`.
    let edit = who_can(
        &load.policy,
        &compiled,
        WhoCanTarget::Crm(CrmObject::Deals, CrmAction::Edit),
        None,
        None,
    );
    let camille = compiled.index.user(CAMILLE).expect("a demo user");
    let ioana = compiled.index.user(IOANA).expect("a demo user");
    let of = |u| edit.iter().find(|w| w.user == u).map(|w| (w.via, w.scope));
    assert_eq!(
        of(camille),
        Some((Via::Role(role("sales-manager")), Some(Scope::Team)))
    );
    assert_eq!(of(ioana), Some((Via::SuperAdmin, Some(Scope::Everything))));
    // Tool targets keep working, and say `ACTION in TOOL`.
    let tools = who_can(
        &load.policy,
        &compiled,
        WhoCanTarget::Tool(Tool::Forms, ToolAction::Publish),
        None,
        None,
    );
    assert!(
        tools.iter().any(|w| w.how == "publish in forms"),
        "{tools:?}"
    );
    assert!(tools.iter().all(|w| w.scope.is_none()));
}

#[test]
fn why_an_account_permission_goes_from_the_user_to_the_role_line() {
    assert_eq!(
        why(
            CATALIN,
            AccountAccess::Permission(AccountPermission::Import)
        ),
        (
            true,
            vec![
                format!("users/other.toml:23:7  user `{CATALIN}`"),
                "users/other.toml:25:8  holds role `revops-admin`".to_string(),
                "roles.toml:197:22  which grants `account = { import = true }`".to_string(),
            ]
        )
    );
    // Written `false`: the line that denies it.
    assert_eq!(
        why(
            CAMILLE,
            AccountAccess::Permission(AccountPermission::Export)
        ),
        (
            false,
            vec![
                format!("users/sales.toml:15:7  user `{CAMILLE}`"),
                "users/sales.toml:17:8  holds role `sales-manager`".to_string(),
                "roles.toml:46:45  which denies it: `account = { export = false }`".to_string(),
            ]
        )
    );
    // Not written at all: the role's table.
    assert_eq!(
        why(CATALIN, AccountAccess::Permission(AccountPermission::Export)),
        (
            false,
            vec![
                format!("users/other.toml:23:7  user `{CATALIN}`"),
                "users/other.toml:25:8  holds role `revops-admin`".to_string(),
                "roles.toml:187:1  which does not grant it (no `account.export`: not granted by default)"
                    .to_string(),
            ]
        )
    );
}

#[test]
fn why_a_super_admin_holds_everything_points_at_their_super_admin_line() {
    assert_eq!(
        why(IOANA, AccountAccess::Permission(AccountPermission::Export)),
        (
            true,
            vec![
                format!("users/other.toml:9:7  user `{IOANA}`"),
                "users/other.toml:13:15  is a super admin: every account permission".to_string(),
            ]
        )
    );
    assert_eq!(
        why(IOANA, AccountAccess::SuperAdmin),
        (
            true,
            vec![
                format!("users/other.toml:9:7  user `{IOANA}`"),
                "users/other.toml:13:15  is a super admin (`super_admin = true`)".to_string(),
            ]
        )
    );
    assert_eq!(
        why(CATALIN, AccountAccess::SuperAdmin),
        (
            false,
            vec![
                format!("users/other.toml:23:7  user `{CATALIN}`"),
                "users/other.toml:23:1  is not a super admin (no `super_admin`)".to_string(),
            ]
        )
    );
}

#[test]
fn a_user_without_a_role_holds_no_account_permission() {
    let (mut load, _) = demo();
    // The policy as loaded, with one user's role taken away.
    let i = load
        .policy
        .users
        .iter()
        .position(|u| u.key.value == CATALIN)
        .expect("a demo user");
    load.policy.users[i].role = None;
    let compiled = compile(&load, Options { today: TODAY });
    let user = compiled.index.user(CATALIN).expect("a demo user");
    let why = why_account(
        &load.policy,
        &compiled,
        user,
        AccountAccess::Permission(AccountPermission::Import),
    );
    assert!(!why.granted);
    assert_eq!(
        why.steps.last().map(|s| s.text.as_str()),
        Some("holds no role: no account permission")
    );
    let found = who_can(
        &load.policy,
        &compiled,
        WhoCanTarget::Account(AccountPermission::Import),
        None,
        None,
    );
    assert!(found.iter().all(|w| w.user != user));
}

#[test]
fn visible_assets_are_the_assets_a_user_can_see() {
    let (load, compiled) = demo();
    let assets = compiled.index.asset_teams.len();
    let mut seen = 0;
    for u in 0..load.policy.users.len() {
        let user = teamform_compiler::UserId(u as u32);
        let by_test: Vec<teamform_compiler::AssetId> = (0..assets)
            .map(|a| teamform_compiler::AssetId(a as u32))
            .filter(|a| {
                compiled
                    .access
                    .can_see_asset(&compiled.graph, &compiled.index, user, *a)
            })
            .collect();
        let listed = compiled
            .access
            .visible_assets(&compiled.graph, &compiled.index, user);
        assert_eq!(listed, by_test, "{}", load.policy.users[u].key.value);
        seen += listed.len();
    }
    // Some users see some assets and not others: the comparison is not between empty lists.
    assert!(seen > 0 && seen < assets * load.policy.users.len());
}
