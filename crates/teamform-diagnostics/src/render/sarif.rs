//! The SARIF 2.1.0 renderer, for GitHub code scanning and other SARIF consumers.

use super::location;
use crate::{CODES, Code, Diagnostic, Severity, SourceMap};
use serde_json::{Value, json};
use std::io::{self, Write};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub(super) fn render(
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
    out: &mut dyn Write,
) -> io::Result<()> {
    let rules: Vec<Value> = CODES
        .iter()
        .map(|doc| {
            json!({
                "id": doc.code,
                "name": doc.name,
                "shortDescription": { "text": doc.summary },
                "fullDescription": { "text": doc.summary },
                "help": { "text": doc.doc, "markdown": doc.doc },
                "defaultConfiguration": { "level": level(doc.severity) },
            })
        })
        .collect();
    let results: Vec<Value> = diagnostics.iter().map(|d| result(d, sources)).collect();
    let doc = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "teamform",
                    "informationUri": "https://github.com/teamform/teamform",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn result(d: &Diagnostic, sources: &SourceMap) -> Value {
    let mut text = d.message.clone();
    if let Some(help) = d.help_text() {
        text.push_str("\nhelp: ");
        text.push_str(&help);
    }
    let mut value = json!({
        "ruleId": d.code.as_str(),
        "ruleIndex": Code::ALL.iter().position(|c| *c == d.code).unwrap_or(0),
        "level": level(d.severity),
        "message": { "text": text },
    });
    if let Some(l) = location(d, sources) {
        value["locations"] = json!([physical(l.file, l.line, l.column, l.end_line, l.end_column)]);
    }
    let related: Vec<Value> = d
        .labels
        .iter()
        .filter(|l| !l.primary)
        .filter_map(|l| {
            let file = sources.get(l.span.file)?;
            let s = file.line_col(l.span.start);
            let e = file.line_col(l.span.end);
            let mut loc = physical(&file.path, s.line, s.column, e.line, e.column);
            loc["message"] =
                json!({ "text": if l.message.is_empty() { "related" } else { &l.message } });
            Some(loc)
        })
        .collect();
    if !related.is_empty() {
        value["relatedLocations"] = Value::Array(related);
    }
    value
}

fn physical(file: &str, line: u32, column: u32, end_line: u32, end_column: u32) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": file.replace('\\', "/") },
            "region": {
                "startLine": line,
                "startColumn": column,
                "endLine": end_line,
                "endColumn": end_column,
            }
        }
    })
}
