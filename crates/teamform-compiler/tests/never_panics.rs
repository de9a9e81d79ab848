//! Property tests: compiling any loaded policy never panics, whatever its references, cycles
//! and guardrails.

use proptest::prelude::*;
use teamform_compiler::{Options, compile};
use teamform_diagnostics::{SourceFile, SourceMap};
use teamform_model::{Date, load_sources};

fn entity() -> impl Strategy<Value = String> {
    let key = "[a-c]{1,2}";
    prop_oneof![
        (key, key).prop_map(|(k, p)| format!("[team.{k}]\nname = \"T{k}\"\nparent = \"{p}\"\n")),
        key.prop_map(|k| format!("[team.{k}]\nname = \"same\"\n")),
        key.prop_map(|k| format!("[role.{k}]\nname = \"R{k}\"\ncrm.contacts = {{ view = \"owned\", edit = \"team\", delete = true }}\ntools.blog = [\"publish\"]\naccount = {{ export = true }}\n")),
        (key, key, key, key).prop_map(|(u, r, t, t2)| format!("[user.\"{u}@x.example\"]\nname = \"U\"\nrole = \"{r}\"\nteam = \"{t}\"\nteams = [\"{t2}\", \"{t}\"]\nsuper_admin = true\nseats = [\"sales\"]\nexpires = 2001-01-01\n")),
        (key, key).prop_map(|(a, t)| format!("[asset.blog.{a}]\nname = \"A\"\nteams = [\"{t}\"]\n")),
        Just("[portal]\nname = \"p\"\nseats = { sales = 0 }\n".to_string()),
        (key, key).prop_map(|(t, r)| format!("[guardrails]\nmin_super_admins = 9\nmax_super_admins = 0\nprotected_users = [\"z@x.example\"]\npublic_assets = [\"form.q\"]\n[[guardrails.deny]]\nmessage = \"m\"\npermission = \"crm.contacts.edit\"\nscope = \"team\"\nmembers_of = \"{t}\"\nunless_roles = [\"{r}\"]\n")),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn compiling_random_policies_never_panics(files in proptest::collection::vec(proptest::collection::vec(entity(), 1..6), 1..4)) {
        let mut sources = SourceMap::new();
        for (i, parts) in files.iter().enumerate() {
            sources.add(SourceFile::new(format!("f{i}.toml"), parts.concat()));
        }
        let load = load_sources(sources);
        let compiled = compile(&load, Options { today: Date { year: 2026, month: 11, day: 25 } });
        prop_assert_eq!(compiled.access.users.len(), load.policy.users.len());
    }
}
