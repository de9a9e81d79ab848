//! Reading decisions files into [`DecisionFile`]s with the spans of every value; what cannot
//! be read is reported as TF0410 and left out, never guessed.

use super::{Decision, DecisionFile, Member};
use std::path::Path;
use teamform_diagnostics::{Code, Diagnostic, FileId, SourceFile, SourceMap, Span};
use teamform_model::{Sp, read_policy_file};
use toml::Spanned;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMember {
    #[serde(default)]
    findings: Vec<String>,
    decision: Option<Spanned<String>>,
    reason: Option<Spanned<String>>,
    role: Option<Spanned<String>>,
    team: Option<Spanned<String>>,
    by: Option<Spanned<String>>,
}

/// The table of members, kept in file order with each key's span.
mod ordered {
    use serde::de::{Deserializer, MapAccess, Visitor};

    pub(super) struct Members<K, V>(pub Vec<(K, V)>);

    impl<'de, K: serde::Deserialize<'de>, V: serde::Deserialize<'de>> serde::Deserialize<'de>
        for Members<K, V>
    {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V2<K, V>(std::marker::PhantomData<(K, V)>);
            impl<'de, K: serde::Deserialize<'de>, V: serde::Deserialize<'de>> Visitor<'de> for V2<K, V> {
                type Value = Members<K, V>;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("a table of members by email")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                    let mut out = Vec::new();
                    while let Some(entry) = map.next_entry()? {
                        out.push(entry);
                    }
                    Ok(Members(out))
                }
            }
            d.deserialize_map(V2(std::marker::PhantomData))
        }
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Shape {
    period: Option<Spanned<String>>,
    team: Option<Spanned<String>>,
    reviewer: Option<Spanned<String>>,
    #[serde(default)]
    member: Option<ordered::Members<Spanned<String>, Spanned<RawMember>>>,
}

fn sp(file: FileId, s: &Spanned<String>) -> Sp<String> {
    Sp::new(s.get_ref().trim().to_string(), Span::new(file, s.span()))
}

/// The 1-based line of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()
        .iter()
        .take(offset)
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// Parses one file, already in `sources` as `file`.
pub fn parse(
    path: &str,
    file: FileId,
    text: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<DecisionFile> {
    let whole = Span::new(file, 0..text.len());
    let shape: Shape = match toml::from_str(text) {
        Ok(s) => s,
        Err(e) => {
            let span = e.span().map_or(whole, |r| Span::new(file, r));
            diags.push(
                Diagnostic::new(
                    Code::InvalidDecisionFile,
                    format!("this decisions file cannot be read: {}", e.message()),
                )
                .primary(span, "here")
                .help("`teamform review start` writes the shape to keep: `period`, `team`, `reviewer` and a `[member.\"EMAIL\"]` table per member"),
            );
            return None;
        }
    };
    let mut out = DecisionFile {
        path: path.to_string(),
        file,
        span: whole,
        period: shape.period.as_ref().map(|s| sp(file, s)),
        team: shape.team.as_ref().map(|s| sp(file, s)),
        reviewer: shape.reviewer.as_ref().map(|s| sp(file, s)),
        members: Vec::new(),
    };
    for (email, raw) in shape.member.map(|m| m.0).unwrap_or_default() {
        let table = raw.span();
        let raw = raw.into_inner();
        let mut decision = None;
        let mut unreadable = false;
        if let Some(d) = &raw.decision {
            let text = d.get_ref().trim();
            match Decision::parse(text) {
                Some(v) => decision = Some(Sp::new(v, Span::new(file, d.span()))),
                None if text.is_empty() => {}
                None => {
                    unreadable = true;
                    diags.push(
                        Diagnostic::new(
                            Code::InvalidDecisionFile,
                            format!("`{text}` is not a decision"),
                        )
                        .primary(Span::new(file, d.span()), "here")
                        .help("write `keep`, `revoke` or `change`"),
                    );
                }
            }
        }
        let nonempty = |s: &Option<Spanned<String>>| {
            s.as_ref()
                .filter(|s| !s.get_ref().trim().is_empty())
                .map(|s| sp(file, s))
        };
        let line = raw
            .decision
            .as_ref()
            .map_or(line_of(text, table.start), |d| {
                line_of(text, d.span().start)
            });
        out.members.push(Member {
            email: sp(file, &email),
            findings: raw.findings,
            decision,
            unreadable,
            reason: nonempty(&raw.reason),
            role: nonempty(&raw.role),
            team: nonempty(&raw.team),
            by: nonempty(&raw.by),
            line,
        });
    }
    Some(out)
}

/// Reads every `*.toml` directly under a period's directory (sorted by name), adding them
/// to `sources`. Files are read with the policy's size and link limits.
pub fn load_dir(dir: &Path, sources: &mut SourceMap) -> (Vec<DecisionFile>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut files = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
                .collect()
        })
        .unwrap_or_default();
    paths.sort();
    for path in paths {
        let shown = path.display().to_string();
        let read = read_policy_file(dir, &path)
            .map_err(|r| r.to_string())
            .and_then(|b| String::from_utf8(b).map_err(|_| "it is not UTF-8".to_string()));
        let text = match read {
            Ok(t) => t,
            Err(refusal) => {
                diags.push(Diagnostic::new(
                    Code::InvalidDecisionFile,
                    format!("`{shown}` cannot be read: {refusal}"),
                ));
                continue;
            }
        };
        let id = sources.add(SourceFile::new(shown.clone(), text.clone()));
        files.extend(parse(&shown, id, &text, &mut diags));
    }
    (files, diags)
}
