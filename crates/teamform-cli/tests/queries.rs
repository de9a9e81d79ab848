//! `teamform why` and `teamform who-can` on the demo policy: account permissions and super
//! admin next to CRM and tool actions, as text and as JSON (`docs/queries.md`), and the usage
//! errors of words that do not go together.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests stop with a clear message.

mod common;

use common::*;
use serde_json::{Value, json};

const TODAY: &str = "--today=2026-11-25";

fn json_of(args: &[&str]) -> Value {
    let run = teamform(args);
    assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    serde_json::from_str(&run.stdout).expect("a JSON document")
}

#[test]
fn who_can_export_lists_the_super_admins() {
    let run = teamform(&["who-can", "export", TODAY]);
    assert_eq!(
        format!("exit {}\n{}{}", run.code, run.stdout, run.stderr),
        "exit 0\n\
         ioana.ionescu@acme.example           super admin   Ioana Ionescu\n\
         marc-antoine.chevalier@acme.example  super admin   Marc-Antoine Chevalier\n\
         2 users\n"
    );
    // Both spellings of super admin, and dashes for underscores in permissions.
    for spelling in ["super_admin", "super-admin"] {
        let admins = teamform(&["who-can", spelling, TODAY]);
        assert_eq!(admins.code, 0, "{}", admins.stderr);
        assert_eq!(admins.stdout, run.stdout, "{spelling}");
    }
    let dashed = teamform(&["who-can", "reassign-owner", TODAY]);
    let underscored = teamform(&["who-can", "reassign_owner", TODAY]);
    assert_eq!((dashed.code, &dashed.stdout), (0, &underscored.stdout));
}

#[test]
fn who_can_import_says_which_role_grants_it() {
    let run = teamform(&["who-can", "import", TODAY]);
    assert_eq!(
        format!("exit {}\n{}{}", run.code, run.stdout, run.stderr),
        "exit 0\n\
         helene.rousseau@acme.example         via role `marketing-manager`  Hélène Rousseau\n\
         ioana.ionescu@acme.example           super admin                   Ioana Ionescu\n\
         marc-antoine.chevalier@acme.example  super admin                   Marc-Antoine Chevalier\n\
         catalin.enache@acme.example          via role `revops-admin`       Cătălin Enache\n\
         4 users\n"
    );
}

#[test]
fn who_can_as_json() {
    let doc = json_of(&["who-can", "import", "--format", "json", TODAY]);
    assert_eq!(doc["version"], 1);
    assert_eq!(
        doc["target"],
        json!({"kind": "account", "permission": "import"})
    );
    assert_eq!(
        (&doc["owned_by"], &doc["asset"]),
        (&Value::Null, &Value::Null)
    );
    assert_eq!(
        doc["users"][0],
        json!({
            "email": "helene.rousseau@acme.example",
            "name": "Hélène Rousseau",
            "how": "via role `marketing-manager`",
            "via": "role",
            "role": "marketing-manager",
            "scope": null,
        })
    );
    assert_eq!(
        doc["users"][1],
        json!({
            "email": "ioana.ionescu@acme.example",
            "name": "Ioana Ionescu",
            "how": "super admin",
            "via": "super_admin",
            "role": null,
            "scope": null,
        })
    );
    assert_eq!(doc["users"].as_array().map(Vec::len), Some(4));

    let admins = json_of(&["who-can", "super-admin", "--format=json", TODAY]);
    assert_eq!(admins["target"], json!({"kind": "super_admin"}));
    let emails: Vec<_> = admins["users"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|u| u["email"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        emails,
        [
            "ioana.ionescu@acme.example",
            "marc-antoine.chevalier@acme.example"
        ]
    );

    // CRM targets carry the scope and the owner asked about.
    let crm = json_of(&[
        "who-can",
        "edit",
        "contacts",
        "--owned-by",
        "theo.girard@acme.example",
        "--format",
        "json",
        TODAY,
    ]);
    assert_eq!(
        crm["target"],
        json!({"kind": "crm", "object": "contacts", "action": "edit"})
    );
    assert_eq!(crm["owned_by"], "theo.girard@acme.example");
    let camille = crm["users"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|u| u["email"] == "camille.lefevre@acme.example")
        .cloned();
    assert_eq!(
        camille,
        Some(json!({
            "email": "camille.lefevre@acme.example",
            "name": "Camille Lefèvre",
            "how": "team",
            "via": "role",
            "role": "sales-manager",
            "scope": "team",
        }))
    );

    // Tool targets, with an asset.
    let tool = json_of(&[
        "who-can",
        "view",
        "forms",
        "--asset",
        "form.contact-fr",
        "--format",
        "json",
        TODAY,
    ]);
    assert_eq!(
        tool["target"],
        json!({"kind": "tool", "tool": "forms", "action": "view"})
    );
    assert_eq!(tool["asset"], "form.contact-fr");
}

#[test]
fn crm_and_tool_forms_of_who_can_keep_working() {
    let run = teamform(&[
        "who-can",
        "edit",
        "contacts",
        "--owned-by",
        "theo.girard@acme.example",
        TODAY,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("camille.lefevre@acme.example         team          Camille Lefèvre\n"),
        "{}",
        run.stdout
    );
    let tool = teamform(&["who-can", "publish", "forms", TODAY]);
    assert_eq!(tool.code, 0, "{}", tool.stderr);
    assert!(tool.stdout.contains("publish in forms"), "{}", tool.stdout);
}

#[test]
fn why_an_account_permission() {
    let run = teamform(&["why", "catalin.enache@acme.example", "import", TODAY]);
    assert_eq!(
        format!("exit {}\n{}{}", run.code, run.stdout, run.stderr),
        "exit 0\n\
         catalin.enache@acme.example may import: yes\n\
         \x20 policies/users/other.toml:23:7  user `catalin.enache@acme.example`\n\
         \x20 policies/users/other.toml:25:8  holds role `revops-admin`\n\
         \x20 policies/roles.toml:197:22      which grants `account = { import = true }`\n"
    );
    let denied = teamform(&["why", "camille.lefevre@acme.example", "export", TODAY]);
    assert_eq!(
        format!("exit {}\n{}{}", denied.code, denied.stdout, denied.stderr),
        "exit 0\n\
         camille.lefevre@acme.example may export: no\n\
         \x20 policies/users/sales.toml:15:7  user `camille.lefevre@acme.example`\n\
         \x20 policies/users/sales.toml:17:8  holds role `sales-manager`\n\
         \x20 policies/roles.toml:46:45       which denies it: `account = { export = false }`\n"
    );
}

#[test]
fn why_super_admin() {
    let run = teamform(&["why", "ioana.ionescu@acme.example", "super_admin", TODAY]);
    assert_eq!(
        format!("exit {}\n{}{}", run.code, run.stdout, run.stderr),
        "exit 0\n\
         ioana.ionescu@acme.example is a super admin: yes\n\
         \x20 policies/users/other.toml:9:7    user `ioana.ionescu@acme.example`\n\
         \x20 policies/users/other.toml:13:15  is a super admin (`super_admin = true`)\n"
    );
    let export = teamform(&["why", "ioana.ionescu@acme.example", "export", TODAY]);
    assert!(
        export.stdout.contains("may export: yes\n")
            && export.stdout.contains(
                "policies/users/other.toml:13:15  is a super admin: every account permission"
            ),
        "{}",
        export.stdout
    );
    let dashed = teamform(&["why", "catalin.enache@acme.example", "super-admin", TODAY]);
    assert_eq!(dashed.code, 0, "{}", dashed.stderr);
    assert!(
        dashed
            .stdout
            .starts_with("catalin.enache@acme.example is a super admin: no\n"),
        "{}",
        dashed.stdout
    );
}

#[test]
fn why_as_json() {
    let doc = json_of(&[
        "why",
        "catalin.enache@acme.example",
        "import",
        "--format",
        "json",
        TODAY,
    ]);
    assert_eq!(
        doc,
        json!({
            "version": 1,
            "user": {"email": "catalin.enache@acme.example", "name": "Cătălin Enache"},
            "access": {"kind": "account", "permission": "import"},
            "granted": true,
            "scope": null,
            "steps": [
                {"text": "user `catalin.enache@acme.example`",
                 "file": "policies/users/other.toml", "line": 23, "column": 7},
                {"text": "holds role `revops-admin`",
                 "file": "policies/users/other.toml", "line": 25, "column": 8},
                {"text": "which grants `account = { import = true }`",
                 "file": "policies/roles.toml", "line": 197, "column": 22},
            ],
        })
    );
    let admin = json_of(&[
        "why",
        "catalin.enache@acme.example",
        "super_admin",
        "--format",
        "json",
        TODAY,
    ]);
    assert_eq!(admin["access"], json!({"kind": "super_admin"}));
    assert_eq!(admin["granted"], false);
    // The CRM form: the scope, and `granted` when it is not `none`.
    let crm = json_of(&[
        "why",
        "camille.lefevre@acme.example",
        "deals",
        "edit",
        "--format",
        "json",
        TODAY,
    ]);
    assert_eq!(
        crm["access"],
        json!({"kind": "crm", "object": "deals", "action": "edit"})
    );
    assert_eq!(
        (&crm["scope"], &crm["granted"]),
        (&json!("team"), &json!(true))
    );
    assert_eq!(crm["steps"].as_array().map(Vec::len), Some(5));
    assert_eq!(
        crm["steps"][2],
        json!({"text": "which grants `edit = \"team\"` on deals",
               "file": "policies/roles.toml", "line": 36, "column": 41})
    );
}

#[test]
fn words_that_do_not_go_together_are_usage_errors() {
    let cases: [(&[&str], &str); 11] = [
        (
            &["who-can", "export", "contacts"],
            "error: `export` is account-wide, not per object (`contacts`): ask `teamform who-can export`",
        ),
        (
            &[
                "who-can",
                "export",
                "--owned-by",
                "theo.girard@acme.example",
            ],
            "error: `--owned-by` applies to CRM objects and tools, not to `export`, which is account-wide",
        ),
        (
            &["who-can", "super_admin", "--asset", "form.contact-fr"],
            "error: `--asset` applies to CRM objects and tools, not to `super_admin`, which is account-wide",
        ),
        (
            &["who-can", "exprot"],
            "error: `exprot` is not an account permission, `super_admin` or an action; did you mean `export`?",
        ),
        (
            &["who-can", "edit"],
            "error: `edit` needs a CRM object or a tool after it, as in `teamform who-can edit contacts`",
        ),
        (
            &[
                "who-can",
                "publish",
                "forms",
                "--owned-by",
                "theo.girard@acme.example",
            ],
            "error: `--owned-by` applies to CRM objects, not tools",
        ),
        (
            &["who-can", "edit", "contcts"],
            "error: `contcts` is not a CRM object or tool; did you mean `contacts`?",
        ),
        (
            &["why", "camille.lefevre@acme.example", "deals"],
            "error: `deals` needs an action after it (`view`, `edit`, `delete`), as in `teamform why USER deals edit`",
        ),
        (
            &["why", "camille.lefevre@acme.example", "export", "contacts"],
            "error: `export` is account-wide and takes no action (`contacts`): ask `teamform why USER export`",
        ),
        (
            &["why", "camille.lefevre@acme.example", "imprt"],
            "error: `imprt` is not an account permission, `super_admin` or a CRM object; did you mean `import`?",
        ),
        (
            &["why", "camille.lefevre@acme.exampl", "export"],
            "error: no user `camille.lefevre@acme.exampl` in the policy; did you mean `camille.lefevre@acme.example`?",
        ),
    ];
    for (args, message) in cases {
        let mut args = args.to_vec();
        args.push(TODAY);
        let run = teamform(&args);
        assert_eq!(run.code, 1, "{args:?}: {}", run.stderr);
        assert_eq!(run.stdout, "", "{args:?}");
        assert_eq!(run.stderr, format!("{message}\n"), "{args:?}");
    }
    // A format that does not exist, and no permission at all, are refused by the parser.
    let format = teamform(&["who-can", "export", "--format", "markdown"]);
    assert_eq!(format.code, 1, "{}", format.stderr);
    assert!(
        format.stderr.contains("[possible values: human, json]"),
        "{}",
        format.stderr
    );
    for args in [&["who-can"][..], &["why", "camille.lefevre@acme.example"]] {
        let run = teamform(args);
        assert_eq!(run.code, 1, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("Usage: teamform"), "{}", run.stderr);
    }
}

#[test]
fn account_queries_on_an_invalid_policy_refuse() {
    for args in [
        &["who-can", "export", "-p", "examples/broken", TODAY][..],
        &[
            "why",
            "camille.lefevre@acme.example",
            "export",
            "-p",
            "examples/broken",
            TODAY,
        ],
    ] {
        let run = teamform(args);
        assert_eq!(run.code, 1, "{args:?}");
        assert!(
            run.stderr.contains("the policy is invalid"),
            "{}",
            run.stderr
        );
    }
}
