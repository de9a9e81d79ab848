//! Tests of the JSON Schema: it matches the reader, every shipped policy validates against it
//! with a real JSON Schema validator, and the committed copy is current.

use super::json_schema;
use crate::read;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn keys(schema: &Value, object: &Value) -> Vec<String> {
    let resolved = match object.get("$ref").and_then(Value::as_str) {
        Some(r) => &schema["definitions"][r.trim_start_matches("#/definitions/")],
        None => object,
    };
    let mut k: Vec<String> = resolved["properties"]
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    k.sort();
    k
}

fn sorted(fields: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = fields.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

#[test]
fn the_schema_lists_exactly_the_fields_the_reader_accepts() {
    let s = json_schema();
    let p = &s["properties"];
    assert_eq!(keys(&s, &s), sorted(read::TOP));
    assert_eq!(keys(&s, &p["portal"]), sorted(read::PORTAL));
    assert_eq!(
        keys(&s, &s["definitions"]["ManageTable"]),
        sorted(read::MANAGE)
    );
    assert_eq!(
        keys(&s, &p["team"]["additionalProperties"]),
        sorted(read::TEAM)
    );
    assert_eq!(
        keys(&s, &p["role"]["additionalProperties"]),
        sorted(read::ROLE)
    );
    assert_eq!(
        keys(&s, &p["user"]["additionalProperties"]),
        sorted(read::USER)
    );
    assert_eq!(
        keys(
            &s,
            &p["asset"]["properties"]["form"]["additionalProperties"]
        ),
        sorted(read::ASSET)
    );
    assert_eq!(keys(&s, &p["guardrails"]), sorted(read::GUARDRAILS));
    assert_eq!(
        keys(&s, &s["definitions"]["MembershipTable"]),
        sorted(read::MEMBERSHIP)
    );
    assert_eq!(
        keys(&s, &p["offboard"]["additionalProperties"]),
        sorted(read::OFFBOARD)
    );
    assert_eq!(keys(&s, &s["definitions"]["DenyTable"]), sorted(read::DENY));
    assert_eq!(
        keys(&s, &s["definitions"]["CrmTable"]),
        sorted(read::CRM_FIELDS)
    );
}

/// TOML to JSON as editors see it: dates become strings.
fn to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, to_json(v))).collect())
        }
    }
}

fn errors_of(text: &str) -> Vec<String> {
    let schema = json_schema();
    let Ok(validator) = jsonschema::validator_for(&schema) else {
        return vec!["the schema does not compile".to_string()];
    };
    let Ok(table) = toml::from_str::<toml::Table>(text) else {
        return vec!["not TOML".to_string()];
    };
    let instance = to_json(toml::Value::Table(table));
    validator
        .iter_errors(&instance)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect()
}

#[test]
fn every_shipped_policy_file_validates_against_the_schema() {
    let mut dirs = vec![root().join("policies")];
    for entry in std::fs::read_dir(root().join("examples"))
        .into_iter()
        .flatten()
        .flatten()
    {
        if entry.path().is_dir() && entry.file_name() != "broken" {
            dirs.push(entry.path());
        }
    }
    let mut checked = 0;
    for dir in dirs {
        for file in crate::discover(&dir).unwrap_or_default() {
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            let errors = errors_of(&text);
            assert!(errors.is_empty(), "{}: {errors:#?}", file.display());
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} files checked");
}

#[test]
fn the_schema_rejects_what_the_language_rejects() {
    assert!(!errors_of("[team.a]\nname = \"A\"\nparnet = \"b\"\n").is_empty());
    assert!(!errors_of("[role.r]\nname = \"R\"\ncrm.contacts = { view = \"own\" }\n").is_empty());
    assert!(!errors_of("[asset.blogg.x]\nname = \"X\"\n").is_empty());
    assert!(!errors_of("[user.\"bob-at-acme\"]\nname = \"Bob\"\nteam = \"a\"\n").is_empty());
    assert!(
        errors_of(
            "[user.\"bob@acme.example\"]\nname = \"Bob\"\nteam = \"a\"\nexpires = 2027-01-31\n"
        )
        .is_empty()
    );
}

#[test]
fn the_committed_schema_is_current() {
    let path = root().join("schema/teamform.schema.json");
    let mut generated = serde_json::to_string_pretty(&json_schema()).unwrap_or_default();
    generated.push('\n');
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        assert!(std::fs::create_dir_all(root().join("schema")).is_ok());
        assert!(std::fs::write(&path, &generated).is_ok());
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "schema/teamform.schema.json is out of date: run `UPDATE_EXPECT=1 cargo test -p teamform-model schema` and commit it"
    );
}
