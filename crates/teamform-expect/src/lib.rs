//! Access expectations as tests (`teamform test`): files under the policy directory's
//! `tests/` say who can and cannot do what (`[[can]]`, `[[cannot]]`), who exactly holds an
//! access (`[[only]]`) and who sees which asset (`[[sees]]`, `[[not_sees]]`). [`parse`] reads
//! one test file, [`check`] checks expectations against a compiled policy; a failure is a
//! diagnostic at the expectation, with the policy lines that break it (the `why` chain) as
//! related labels. The format is documented in `docs/policy-tests.md`.
//!
//! [`parse`] and [`check`] are pure; only [`load_dir`] reads the file system.

mod chain;
mod eval;
mod read;

pub use eval::check_plan;
pub use eval::{Report, check, run};
pub use read::{KINDS, parse};

use std::path::{Path, PathBuf};
use teamform_diagnostics::{Code, Diagnostic, SourceFile, SourceMap, Span};
use teamform_model::{Permission, Scope, Sp, TESTS_DIR, read_policy_file};

/// The kind of an expectation: the name of its array of tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExpectationKind {
    /// `[[can]]`: each user of the subject holds the permission (at least a scope).
    Can,
    /// `[[cannot]]`: no user of the subject holds it (or none wider than a scope).
    Cannot,
    /// `[[only]]`: exactly these users hold it, or at most so many.
    Only,
    /// `[[sees]]`: each user of the subject sees the asset.
    Sees,
    /// `[[not_sees]]`: no user of the subject sees the asset.
    NotSees,
    /// `[[plan]]`: a saved plan (`teamform test --plan FILE`) gives no user access of a risk
    /// level or higher.
    Plan,
}

impl ExpectationKind {
    /// The name as written in test files.
    pub fn as_str(self) -> &'static str {
        match self {
            ExpectationKind::Can => "can",
            ExpectationKind::Cannot => "cannot",
            ExpectationKind::Only => "only",
            ExpectationKind::Sees => "sees",
            ExpectationKind::NotSees => "not_sees",
            ExpectationKind::Plan => "plan",
        }
    }
}

/// Whom an expectation is about.
#[derive(Clone, Debug)]
pub enum Subject {
    /// `user = "EMAIL"`: one user.
    User(Sp<String>),
    /// `members_of = "TEAM"`: every member (primary or additional) of the team and of its
    /// descendant teams.
    MembersOf(Sp<String>),
    /// `role = "ROLE"`: every holder of the role.
    Role(Sp<String>),
}

/// What an expectation is about: a permission as deny rules name it, or super admin status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// `account.FLAG`, `crm.OBJECT.ACTION` or `tools.TOOL.ACTION`.
    Permission(Permission),
    /// `super_admin`.
    SuperAdmin,
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Permission(p) => write!(f, "{p}"),
            Target::SuperAdmin => f.write_str("super_admin"),
        }
    }
}

/// One expectation as read from a test file.
#[derive(Clone, Debug)]
pub struct Expectation {
    /// Its kind.
    pub kind: ExpectationKind,
    /// Its header (`[[can]]`), where a failure is reported.
    pub span: Span,
    /// Whom it is about (every kind but `only`).
    pub subject: Option<Subject>,
    /// The permission (`can`, `cannot`, `only`).
    pub target: Option<Sp<Target>>,
    /// For CRM permissions: the narrowest scope that counts as holding it (`can`, `only`).
    pub at_least: Option<Sp<Scope>>,
    /// For CRM permissions: the widest scope allowed (`cannot`).
    pub wider_than: Option<Sp<Scope>>,
    /// The exact holders (`only`).
    pub users: Option<Sp<Vec<Sp<String>>>>,
    /// The most holders allowed (`only`).
    pub at_most: Option<Sp<u32>>,
    /// The asset, `TYPE.KEY` (`sees`, `not_sees`).
    pub asset: Option<Sp<String>>,
    /// Why the expectation holds, shown with a failure.
    pub because: Option<Sp<String>>,
    /// The lowest risk level no user may gain (`plan`).
    pub no_gain: Option<Sp<teamform_plan::Risk>>,
}

/// The expectations of a policy's tests and the problems found reading them.
#[derive(Debug, Default)]
pub struct Suite {
    /// The expectations, in file order.
    pub expectations: Vec<Expectation>,
    /// Problems reading the files (syntax, unknown fields, unusable expectations).
    pub diagnostics: Vec<Diagnostic>,
    /// How many test files were read.
    pub files: usize,
}

/// The tests directory of a policy directory: `DIR/tests`.
pub fn tests_dir(policy_dir: &Path) -> PathBuf {
    policy_dir.join(TESTS_DIR)
}

/// Lists the `*.toml` files under `dir`, recursively and sorted, skipping hidden entries; a
/// missing directory has none.
pub fn discover(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    if !dir.exists() {
        return Ok(out);
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current)? {
            let entry = entry?;
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "toml") {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Reads every test file under `dir` (see [`tests_dir`]) into `sources` and parses it.
/// Problems reading the files are diagnostics too (TF0007), never failures.
pub fn load_dir(dir: &Path, sources: &mut SourceMap) -> Suite {
    let mut suite = Suite::default();
    let paths = match discover(dir) {
        Ok(p) => p,
        Err(e) => {
            suite.diagnostics.push(
                Diagnostic::new(
                    Code::UnreadableFile,
                    format!("cannot list the tests directory `{}`: {e}", dir.display()),
                )
                .help("check that the directory exists and is readable"),
            );
            return suite;
        }
    };
    let root = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    for path in paths {
        let shown = path.display().to_string();
        let bytes = match read_policy_file(&root, &path) {
            Ok(b) => b,
            Err(refusal) => {
                suite.diagnostics.push(
                    Diagnostic::new(
                        Code::UnreadableFile,
                        format!("cannot read the test file `{shown}`: {refusal}"),
                    )
                    .help("fix or remove the file"),
                );
                continue;
            }
        };
        let bytes = bytes
            .strip_prefix(b"\xEF\xBB\xBF")
            .unwrap_or(&bytes)
            .to_vec();
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let bad = e.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                let id = sources.add(SourceFile::new(shown.clone(), text));
                suite.diagnostics.push(
                    Diagnostic::new(
                        Code::UnreadableFile,
                        format!("`{shown}` is not valid UTF-8"),
                    )
                    .primary(Span::new(id, bad..bad + 1), "invalid byte here")
                    .help("save the file as UTF-8"),
                );
                continue;
            }
        };
        let text: std::sync::Arc<str> = text.into();
        let id = sources.add(SourceFile::new(shown, text.clone()));
        let (expectations, diagnostics) = parse(id, &text);
        suite.expectations.extend(expectations);
        suite.diagnostics.extend(diagnostics);
        suite.files += 1;
    }
    suite
}

/// A plan saved with `teamform plan -o FILE`, its checksum verified, for the `[[plan]]`
/// expectations.
pub fn load_plan(path: &Path) -> Result<teamform_plan::Plan, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the plan `{}`: {e}", path.display()))?;
    teamform_plan::SavedPlan::from_json(&text)
        .map(|s| s.plan)
        .map_err(|e| format!("cannot use the plan `{}`: {e}", path.display()))
}
