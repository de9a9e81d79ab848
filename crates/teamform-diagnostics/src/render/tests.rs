//! Snapshot tests of every renderer on the same diagnostics.

use super::{Format, HumanOptions, render};
use crate::{Code, Diagnostic, FileId, SourceFile, SourceMap, Span};

fn sample() -> (Vec<Diagnostic>, SourceMap) {
    let mut sources = SourceMap::new();
    let teams = "[team.sales]\nname = \"Sales Team\"\n\n[team.sales-fr]\nname = \"Sales France\"\nparnet = \"sales\"\n";
    let users = "[user.\"amélie@acme.example\"]\nname = \"Amélie Durand\"\nteam = \"sales-fra\"\n";
    let more = "[team.sales]\nname = \"Sales\"\n";
    let t = sources.add(SourceFile::new("policies/teams.toml", teams));
    let u = sources.add(SourceFile::new("policies/users.toml", users));
    let m = sources.add(SourceFile::new("policies/more.toml", more));
    let at = |f: FileId, text: &str, needle: &str| {
        let start = text.find(needle).unwrap_or_default();
        Span::new(f, start..start + needle.len())
    };
    let diags = vec![
        Diagnostic::new(
            Code::UnknownField,
            "unknown field `parnet` in team `sales-fr`",
        )
        .primary(at(t, teams, "parnet"), "not a team field")
        .help("did you mean `parent`?"),
        Diagnostic::new(Code::UnknownTeam, "unknown team `sales-fra`")
            .primary(at(u, users, "\"sales-fra\""), "no team has this key")
            .help("did you mean `sales-fr`?"),
        Diagnostic::new(Code::DuplicateDefinition, "team `sales` is defined twice")
            .primary(at(m, more, "[team.sales]"), "defined again here")
            .secondary(at(t, teams, "[team.sales]"), "first defined here")
            .help("remove one of the definitions or give it another key"),
        Diagnostic::new(
            Code::EmptyTeam,
            "team `sales-fr` has no members and no child teams",
        )
        .primary(at(t, teams, "[team.sales-fr]"), ""),
    ];
    (diags, sources)
}

fn rendered(format: Format) -> String {
    let (diags, sources) = sample();
    let mut out = Vec::new();
    let result = render(format, &diags, &sources, &HumanOptions::default(), &mut out);
    assert!(result.is_ok());
    String::from_utf8(out).unwrap_or_default()
}

#[test]
fn human() {
    insta::assert_snapshot!(rendered(Format::Human));
}

#[test]
fn human_notes_in_other_files_have_no_empty_heading() {
    let text = rendered(Format::Human);
    assert!(
        text.contains("help: remove one of the definitions or give it another key\n\n  ☞ first defined here\n   ╭─[policies/teams.toml:1:1]\n"),
        "{text}"
    );
    assert!(!text.contains("Advice:"), "{text}");
}

#[test]
fn json() {
    insta::assert_snapshot!(rendered(Format::Json));
}

#[test]
fn github() {
    insta::assert_snapshot!(rendered(Format::Github));
}

#[test]
fn sarif() {
    let text = rendered(Format::Sarif);
    let value: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    let results = &value["runs"][0]["results"];
    insta::assert_json_snapshot!(results);
}

#[test]
fn sarif_is_valid_against_the_sarif_2_1_0_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../tests/sarif-schema-2.1.0.json"))
            .unwrap_or_default();
    let text = rendered(Format::Sarif);
    let instance: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    let validator = jsonschema::validator_for(&schema);
    assert!(validator.is_ok(), "the schema compiles");
    if let Ok(validator) = validator {
        let errors: Vec<String> = validator
            .iter_errors(&instance)
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
    }
}
