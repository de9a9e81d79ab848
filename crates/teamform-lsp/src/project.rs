//! One policy as the editor sees it: every `*.toml` file under its directory (its test files
//! under `tests/` checked as expectations), and the decisions files of its open access
//! reviews (`reviews/PERIOD/*.toml` beside it, checked against it), with the unsaved
//! text of the buffers open in the editor in place of what is on disk, and its latest
//! compilation.
//!
//! Edits only mark the project dirty; it is compiled again when the server asks, so that a
//! burst of edits costs one compilation. The compilation is kept up to date in place
//! ([`Incremental`]): an edit within user tables re-reads and re-checks only those users; any
//! other change loads every file again (in parallel) and compiles afresh.

use crate::workspace::is_policy_file;
use lsp_types::TextDocumentContentChangeEvent;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use teamform_compiler::{Compiled, Incremental, Options};
use teamform_diagnostics::{Diagnostic, FileId, SourceFile, SourceMap};
use teamform_model::{Date, Policy, discover, load_sources};

/// One file of the project.
#[derive(Debug)]
struct Doc {
    /// The text with its line index, as the compiler will see it.
    source: SourceFile,
    /// The editor's version of the buffer while it is open; `None` for a file read from disk.
    version: Option<i32>,
}

/// A compilation of the project, with what is needed to map its file ids back to paths.
#[derive(Debug)]
pub struct Snapshot {
    /// The loaded and compiled policy, kept up to date by edits.
    state: Incremental,
    /// The test files, by `FileId` after the policy's files.
    tests: Vec<SourceFile>,
    /// The problems and failures of the test files.
    test_diagnostics: Vec<Diagnostic>,
    /// The path of each file, by `FileId`.
    pub paths: Vec<PathBuf>,
    /// The editor's version of each file, by `FileId` (`None` when not open).
    pub versions: Vec<Option<i32>>,
}

impl Snapshot {
    /// The id of the file at `path`.
    pub fn file_id(&self, path: &Path) -> Option<FileId> {
        let index = self.paths.iter().position(|p| p == path)?;
        u32::try_from(index).ok().map(FileId)
    }

    /// The file with id `id`.
    pub fn file(&self, id: FileId) -> Option<&SourceFile> {
        let sources = &self.state.load().sources;
        sources
            .get(id)
            .or_else(|| self.tests.get((id.0 as usize).checked_sub(sources.len())?))
    }

    /// The path of the file with id `id`.
    pub fn path(&self, id: FileId) -> Option<&Path> {
        self.paths.get(id.0 as usize).map(PathBuf::as_path)
    }

    /// The loaded policy.
    pub fn policy(&self) -> &Policy {
        &self.state.load().policy
    }

    /// The compiled policy.
    pub fn compiled(&self) -> &Compiled {
        self.state.compiled()
    }

    /// Every diagnostic: the policy's, then those of its test files.
    pub fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.compiled()
            .diagnostics
            .iter()
            .chain(&self.test_diagnostics)
    }
}

/// The files of one policy directory and their latest compilation.
#[derive(Debug)]
pub struct Project {
    /// The policy directory.
    pub dir: PathBuf,
    docs: BTreeMap<PathBuf, Doc>,
    dirty: bool,
    snapshot: Option<Snapshot>,
    /// Whether the latest compilation's diagnostics still have to be published.
    pub unpublished: bool,
}

impl Project {
    /// The project of the policy directory `dir`, with every policy file read from disk.
    /// Files that cannot be read are left out; a file that is not UTF-8 is read lossily.
    pub fn open(dir: PathBuf) -> Project {
        let mut docs = BTreeMap::new();
        let tests =
            teamform_expect::discover(&teamform_expect::tests_dir(&dir)).unwrap_or_default();
        let reviews = teamform_review::decisions::open_periods(&dir)
            .into_iter()
            .flat_map(|p| std::fs::read_dir(p).into_iter().flatten().flatten())
            .map(|e| e.path())
            .filter(|p| is_policy_file(p));
        for path in discover(&dir)
            .unwrap_or_default()
            .into_iter()
            .chain(tests)
            .chain(reviews)
        {
            if let Some(text) = read(&path) {
                let source = SourceFile::new(shown(&dir, &path), text);
                docs.insert(
                    path,
                    Doc {
                        source,
                        version: None,
                    },
                );
            }
        }
        Project {
            dir,
            docs,
            dirty: true,
            snapshot: None,
            unpublished: false,
        }
    }

    /// Whether the file at `path` belongs to this policy (a policy file or a test file).
    pub fn contains(&self, path: &Path) -> bool {
        (path.starts_with(&self.dir) || self.is_review(path)) && is_policy_file(path)
    }

    /// Whether the file at `path` is a decisions file of an access review
    /// (`reviews/PERIOD/*.toml` beside the policy directory): checked against the policy.
    fn is_review(&self, path: &Path) -> bool {
        path.parent()
            .and_then(Path::parent)
            .is_some_and(|d| d == teamform_review::decisions::reviews_dir(&self.dir))
    }

    /// Whether the file at `path` is one of the policy's test files (`DIR/tests/*.toml`):
    /// checked as expectations against the policy, never read as policy.
    fn is_test(&self, path: &Path) -> bool {
        path.starts_with(teamform_expect::tests_dir(&self.dir))
    }

    /// Sets the text of the buffer at `path`, as the editor has it.
    pub fn set_text(&mut self, path: &Path, text: String, version: Option<i32>) {
        // Opening a buffer whose text is the file's on disk changes no diagnostic.
        if let Some(doc) = self.docs.get_mut(path)
            && *doc.source.text == *text
        {
            doc.version = version;
            return;
        }
        let source = SourceFile::new(shown(&self.dir, path), text);
        self.docs
            .insert(path.to_path_buf(), Doc { source, version });
        self.dirty = true;
    }

    /// Applies the editor's changes to the buffer at `path`, in order. A change without a
    /// range replaces the whole text; ranges are in UTF-16 positions of the text as changed
    /// by the previous changes. Returns false when the buffer is unknown.
    pub fn edit(
        &mut self,
        path: &Path,
        changes: Vec<TextDocumentContentChangeEvent>,
        version: i32,
    ) -> bool {
        let Some(doc) = self.docs.get(path) else {
            return false;
        };
        let mut source = doc.source.clone();
        for change in changes {
            let text = match change.range {
                None => change.text,
                Some(range) => {
                    let start = crate::position::offset(&source, range.start) as usize;
                    let end = crate::position::offset(&source, range.end) as usize;
                    let old = &*source.text;
                    let (start, end) = (start.min(old.len()), end.clamp(start, old.len()));
                    let mut text = String::with_capacity(old.len() + change.text.len());
                    text.push_str(&old[..start]);
                    text.push_str(&change.text);
                    text.push_str(&old[end..]);
                    text
                }
            };
            source = SourceFile::new(source.path.clone(), text);
        }
        self.docs.insert(
            path.to_path_buf(),
            Doc {
                source,
                version: Some(version),
            },
        );
        self.dirty = true;
        true
    }

    /// Forgets the editor's buffer at `path` (closed, or changed on disk): the file is read
    /// from disk again, or dropped when it is gone.
    pub fn reload(&mut self, path: &Path) {
        match read(path) {
            Some(text) => self.set_text(path, text, None),
            None => {
                self.docs.remove(path);
                self.dirty = true;
            }
        }
    }

    /// Whether the buffer at `path` is open in the editor.
    pub fn is_open(&self, path: &Path) -> bool {
        self.docs.get(path).is_some_and(|d| d.version.is_some())
    }

    /// Compiles the project again if it changed since the last compilation.
    pub fn compile_if_dirty(&mut self, today: Date) {
        if !self.dirty {
            return;
        }
        let (reviews, rest): (Vec<_>, Vec<_>) =
            self.docs.iter().partition(|(path, _)| self.is_review(path));
        let (tests, policy): (Vec<_>, Vec<_>) =
            rest.into_iter().partition(|(path, _)| self.is_test(path));
        let mut paths: Vec<PathBuf> = policy.iter().map(|(p, _)| (*p).clone()).collect();
        let mut versions: Vec<Option<i32>> = policy.iter().map(|(_, d)| d.version).collect();
        // The same files, compiled for the same day: each changed file is taken in place,
        // which declines (and the policy is loaded afresh) unless only user tables changed.
        let kept = self.snapshot.take().and_then(|mut s| {
            let same = s.state.options().today == today
                && s.paths.len() >= paths.len()
                && s.paths[..paths.len()] == paths[..];
            let taken = same
                && policy.iter().enumerate().all(|(i, (_, doc))| {
                    u32::try_from(i).is_ok_and(|i| s.state.edit(FileId(i), doc.source.clone()))
                });
            if taken {
                Some(s)
            } else {
                // Freeing a large policy takes milliseconds: it is done off the path to
                // publication.
                std::thread::spawn(move || drop(s));
                None
            }
        });
        let state = match kept {
            Some(s) => s.state,
            None => {
                let mut sources = SourceMap::new();
                for (_, doc) in &policy {
                    sources.add(doc.source.clone());
                }
                Incremental::new(load_sources(sources), Options { today })
            }
        };
        // The test files, after the policy's: their expectations checked against this
        // compilation, their problems and failures reported in them (with the policy lines
        // that break them).
        let mut expectations = Vec::new();
        let mut test_diagnostics = Vec::new();
        let mut test_sources = Vec::new();
        for (path, doc) in tests {
            let id = FileId(u32::try_from(paths.len()).unwrap_or(u32::MAX));
            let (found, problems) = teamform_expect::parse(id, &doc.source.text);
            expectations.extend(found);
            test_diagnostics.extend(problems);
            test_sources.push(doc.source.clone());
            paths.push(path.clone());
            versions.push(doc.version);
        }
        if !expectations.is_empty() {
            let report =
                teamform_expect::check(&state.load().policy, state.compiled(), &expectations);
            test_diagnostics.extend(report.diagnostics);
        }
        // The decisions files of open reviews, after the tests: checked per period against
        // this compilation and the period's snapshot, their problems reported in them.
        let mut periods: BTreeMap<PathBuf, Vec<teamform_review::decisions::DecisionFile>> =
            BTreeMap::new();
        for (path, doc) in reviews {
            let id = FileId(u32::try_from(paths.len()).unwrap_or(u32::MAX));
            let mut problems = Vec::new();
            let file = teamform_review::decisions::parse(
                &doc.source.path,
                id,
                &doc.source.text,
                &mut problems,
            );
            test_diagnostics.extend(problems);
            test_sources.push(doc.source.clone());
            let period = path.parent().map(Path::to_path_buf).unwrap_or_default();
            periods.entry(period).or_default().extend(file);
            paths.push(path.clone());
            versions.push(doc.version);
        }
        for (dir, files) in periods {
            let snapshot = teamform_review::decisions::Period::snapshot(&dir).unwrap_or_else(|d| {
                test_diagnostics.push(d);
                None
            });
            let found = teamform_review::decisions::check(
                &files,
                &state.load().policy,
                state.compiled(),
                snapshot.as_ref(),
            );
            test_diagnostics.extend(found);
        }
        self.snapshot = Some(Snapshot {
            state,
            tests: test_sources,
            test_diagnostics,
            paths,
            versions,
        });
        self.dirty = false;
        self.unpublished = true;
    }

    /// The latest compilation (compile first for an up-to-date one).
    pub fn snapshot(&self) -> Option<&Snapshot> {
        self.snapshot.as_ref()
    }
}

/// The text of a file on disk, lossily decoded, without a UTF-8 byte order mark.
fn read(path: &Path) -> Option<String> {
    let bytes = std::fs::read(path).ok()?;
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(&bytes);
    Some(String::from_utf8_lossy(bytes).into_owned())
}

/// The path shown in messages: relative to the policy directory's parent, as the CLI shows
/// `policies/teams.toml`.
fn shown(dir: &Path, path: &Path) -> String {
    let base = dir.parent().unwrap_or(dir);
    path.strip_prefix(base)
        .unwrap_or(path)
        .display()
        .to_string()
}
