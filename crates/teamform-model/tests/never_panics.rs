//! Property tests: loading arbitrary input never panics, and always accounts for every file.

use proptest::prelude::*;
use teamform_diagnostics::{SourceFile, SourceMap};
use teamform_model::load_sources;

fn load(texts: &[String]) -> usize {
    let mut sources = SourceMap::new();
    for (i, t) in texts.iter().enumerate() {
        sources.add(SourceFile::new(format!("f{i}.toml"), t.as_str()));
    }
    let result = load_sources(sources);
    // Every diagnostic points into a file that exists, within its text.
    for d in &result.diagnostics {
        for label in &d.labels {
            let file = result.sources.get(label.span.file);
            assert!(file.is_some());
            if let Some(f) = file {
                assert!(label.span.end as usize <= f.text.len() + 1);
            }
        }
    }
    result.diagnostics.len()
}

/// Fragments of valid-looking policy TOML, to be shuffled into documents.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("[portal]\nname = \"p\"\n".to_string()),
        Just("[portal]\ntiers = { marketing = \"pro\" }\nseats = { sales = -1 }\n".to_string()),
        "[a-z]{1,6}".prop_map(|k| format!("[team.{k}]\nname = \"{k}\"\nparent = \"{k}\"\n")),
        "[a-z]{1,6}".prop_map(|k| format!("[role.{k}]\nname = 1\ncrm.deals = {{ view = \"team\", edit = \"everything\", delete = true }}\ntools.forms = [\"publish\", 3]\naccount = {{ export = \"yes\" }}\n")),
        "[a-z@.]{1,12}".prop_map(|k| format!("[user.\"{k}\"]\nname = \"É\"\nteam = \"x\"\nteams = [\"x\", \"x\"]\nexpires = 2020-01-01T10:00:00\nseats = [\"gold\"]\n")),
        "[a-z_]{1,10}".prop_map(|t| format!("[asset.{t}.k]\nname = \"n\"\nteams = 4\n")),
        Just("[guardrails]\nmax_removal_ratio = 7.5\n[[guardrails.deny]]\npermission = \"crm.nope.view\"\n".to_string()),
        Just("[[team]]\n".to_string()),
        Just("user = 3\n".to_string()),
        "\\PC{0,40}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_text_never_panics(texts in proptest::collection::vec("\\PC{0,200}", 1..4)) {
        load(&texts);
    }

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        load(&[text]);
    }

    #[test]
    fn valid_looking_toml_never_panics(parts in proptest::collection::vec(fragment(), 1..8), split in 0usize..8) {
        let cut = split.min(parts.len());
        let a = parts[..cut].concat();
        let b = parts[cut..].concat();
        load(&[a, b]);
    }
}
