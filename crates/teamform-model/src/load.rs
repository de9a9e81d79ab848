//! Finding, reading and parsing the policy files. Only [`load_dir`] and [`discover`] touch the
//! file system; [`load_sources`] works on text already in memory.

use crate::file::read_policy_file;
use crate::merge::merge;
use crate::read::{Reader, read_document};
use crate::types::Policy;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use teamform_diagnostics::{Code, Diagnostic, FileId, SourceFile, SourceMap, Span};

/// A loaded policy: the merged model, the files it came from and the problems found.
#[derive(Debug, Default)]
pub struct LoadResult {
    /// The merged policy (as complete as the files allowed).
    pub policy: Policy,
    /// The files, addressed by the spans in `policy` and `diagnostics`.
    pub sources: SourceMap,
    /// The problems found while loading.
    pub diagnostics: Vec<Diagnostic>,
}

/// The directory directly under a policy directory that holds its tests (`teamform test`):
/// expectation files, not policy files, so [`discover`] leaves it out.
pub const TESTS_DIR: &str = "tests";

/// Lists the `*.toml` files under `dir`, recursively, in a stable (sorted) order. Hidden
/// entries (starting with `.`) are skipped, and so is the tests directory directly under `dir`
/// ([`TESTS_DIR`]), and symbolic links to directories are not
/// followed, so that a link cannot lead outside the policy or into a loop. Symbolic links to
/// files are listed; [`load_dir`] refuses those that lead outside `dir` (see
/// [`read_policy_file`](crate::read_policy_file)).
pub fn discover(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        let mut entries: Vec<_> = std::fs::read_dir(&current)?.collect::<Result<_, _>>()?;
        entries.sort_by_key(|e| e.file_name());
        let mut subdirs = Vec::new();
        for entry in entries {
            let name = entry.file_name();
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            let file_type = entry.file_type()?;
            let path = entry.path();
            if file_type.is_dir() {
                if current == dir && name == TESTS_DIR {
                    continue;
                }
                subdirs.push(path);
            } else if path.extension().is_some_and(|e| e == "toml")
                && (file_type.is_file() || path.is_file())
            {
                out.push(path);
            }
        }
        stack.extend(subdirs.into_iter().rev());
    }
    out.sort();
    Ok(out)
}

/// Loads every policy file under `dir`. Problems reading the files are diagnostics too.
pub fn load_dir(dir: &Path) -> LoadResult {
    let mut sources = SourceMap::new();
    let mut early = Vec::new();
    // The canonical root, against which the targets of symbolic links are checked. If it
    // cannot be resolved, `discover` fails below and reports why.
    let root = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    match discover(dir) {
        Ok(paths) => {
            // Reading, checking the UTF-8 and indexing the lines of each file is done on
            // every thread; numbering the files, in order, on this one.
            let read: Vec<_> = paths
                .par_iter()
                .map(|p| {
                    let shown = p.display().to_string();
                    let file = read_policy_file(&root, p).map(|bytes| match decode(bytes) {
                        Ok(text) => Ok(SourceFile::new(shown.clone(), text)),
                        Err((text, bad)) => Err((SourceFile::new(shown.clone(), text), bad)),
                    });
                    (shown, file)
                })
                .collect();
            for (shown, file) in read {
                match file {
                    Ok(Ok(file)) => {
                        sources.add(file);
                    }
                    Ok(Err((file, bad))) => {
                        let id = sources.add(file);
                        early.push(
                            Diagnostic::new(
                                Code::UnreadableFile,
                                format!("`{shown}` is not valid UTF-8"),
                            )
                            .primary(Span::new(id, bad..bad + 1), "invalid byte here")
                            .help("save the file as UTF-8"),
                        );
                    }
                    Err(refusal) => early.push(
                        Diagnostic::new(
                            Code::UnreadableFile,
                            format!("cannot read `{shown}`: {refusal}"),
                        )
                        .help(refusal.help()),
                    ),
                }
            }
        }
        Err(e) => early.push(
            Diagnostic::new(
                Code::UnreadableFile,
                format!(
                    "cannot read the policy directory `{}`: {}",
                    dir.display(),
                    io_reason(&e)
                ),
            )
            .help("pass the directory holding the policy files with `--policies DIR`"),
        ),
    }
    let unreadable: Vec<FileId> = early
        .iter()
        .filter_map(|d| d.main_span().map(|s| s.file))
        .collect();
    let mut result = load_sources_skipping(sources, &unreadable);
    if result.sources.is_empty() && early.is_empty() {
        result.diagnostics.push(
            Diagnostic::new(
                Code::NoPolicyFiles,
                format!("no policy files (`*.toml`) in `{}`", dir.display()),
            )
            .help("write a `portal.toml` with a `[portal]` table, or pass `--policies DIR`"),
        );
    }
    early.append(&mut result.diagnostics);
    result.diagnostics = early;
    result
}

/// The text of a file: a UTF-8 BOM is dropped; invalid UTF-8 gives the lossy text and the
/// offset of the first bad byte.
fn decode(mut bytes: Vec<u8>) -> Result<String, (String, usize)> {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).map_err(|e| {
        let bad = e.utf8_error().valid_up_to();
        (String::from_utf8_lossy(e.as_bytes()).into_owned(), bad)
    })
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string().to_lowercase(),
    }
}

/// Parses and merges files already in memory. Pure: the same sources give the same result.
pub fn load_sources(sources: SourceMap) -> LoadResult {
    load_sources_skipping(sources, &[])
}

fn load_sources_skipping(sources: SourceMap, skip: &[FileId]) -> LoadResult {
    let files: Vec<(FileId, &SourceFile)> = sources.iter().collect();
    let fragments: Vec<(Policy, Vec<Diagnostic>)> = files
        .par_iter()
        .map(|(id, file)| {
            if skip.contains(id) {
                (Policy::default(), Vec::new())
            } else {
                parse_file(*id, &file.text)
            }
        })
        .collect();
    let (policy, diagnostics) = merge(fragments);
    LoadResult {
        policy,
        sources,
        diagnostics,
    }
}

/// One file parsed on its own: its fragment of the policy and its own diagnostics. Editors
/// keep these per file and parse again only the file that changed.
#[derive(Clone, Debug, Default)]
pub struct ParsedFile {
    /// What the file defines.
    pub fragment: Policy,
    /// The problems found in it alone.
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses one file, whose spans will carry `file`.
pub fn parse_one(file: FileId, text: &str) -> ParsedFile {
    let (fragment, diagnostics) = parse_file(file, text);
    ParsedFile {
        fragment,
        diagnostics,
    }
}

/// Loads a policy from files already parsed (for example, kept in an editor's cache), in
/// `sources` order: the same result as [`load_sources`] on the same texts.
pub fn load_parsed(sources: SourceMap, parsed: &[&ParsedFile]) -> LoadResult {
    let fragments = parsed
        .iter()
        .map(|p| (p.fragment.clone(), p.diagnostics.clone()))
        .collect();
    let (policy, diagnostics) = merge(fragments);
    LoadResult {
        policy,
        sources,
        diagnostics,
    }
}

/// Parses one file into a policy fragment: a large file of users or assets in parts (see
/// `parts`), with the same result. A file with syntax errors still contributes what could be
/// recovered (so that other files' references to it resolve), but only its syntax errors are
/// reported, since the rest would mostly be echoes of them.
pub(crate) fn parse_file(file: FileId, text: &str) -> (Policy, Vec<Diagnostic>) {
    parse_file_at(file, text, 0)
}

/// [`parse_file`] of a piece of a file, `text`, found at `base` in it (an editor's table):
/// the spans are the file's.
pub(crate) fn parse_file_at(file: FileId, text: &str, base: usize) -> (Policy, Vec<Diagnostic>) {
    parse_file_in(file, (text, base), crate::parts::PART_BYTES)
}

/// [`parse_file_at`] with parts of at least `part_bytes` (tests cut small files).
pub(crate) fn parse_file_in(
    file: FileId,
    (text, base): (&str, usize),
    part_bytes: usize,
) -> (Policy, Vec<Diagnostic>) {
    let cut = crate::parts::cut(text, part_bytes);
    if let Some(policy) = cut.and_then(|parts| crate::parts::read(file, (text, base), &parts)) {
        return (policy, Vec::new());
    }
    parse_whole(file, (text, base))
}

/// Parses the whole of `text`, found at `base` in a file, at once (see [`parse_file`]).
pub(crate) fn parse_whole(file: FileId, (text, base): (&str, usize)) -> (Policy, Vec<Diagnostic>) {
    let (fragment, errors, diags) = read_text(file, text, base);
    if errors.is_empty() {
        return (fragment, diags);
    }
    // Only the first syntax error is reported: after it, the parser's recovery mostly finds
    // echoes of the same mistake.
    let syntax = errors
        .iter()
        .take(1)
        .map(|e| {
            let range = e.span().unwrap_or(0..0);
            let range = if range.is_empty() {
                range.start..(range.start + 1).min(text.len().max(range.start))
            } else {
                range
            };
            let range = range.start + base..range.end + base;
            Diagnostic::new(Code::TomlSyntax, e.message().trim().to_string())
                .primary(Span::new(file, range), "here")
                .help("fix the TOML syntax; see https://toml.io/en/v1.0.0")
        })
        .collect();
    (fragment, syntax)
}

/// Parses `text`, found at `base` in `file`, and reads its tables: what it defines, its TOML
/// syntax errors, and the values that do not fit.
pub(crate) fn read_text(
    file: FileId,
    text: &str,
    base: usize,
) -> (Policy, Vec<toml::de::Error>, Vec<Diagnostic>) {
    let (doc, errors) = toml::de::DeTable::parse_recoverable(text);
    let mut diags = Vec::new();
    let mut reader = Reader {
        file,
        base,
        diags: &mut diags,
    };
    let fragment = read_document(&mut reader, doc.get_ref());
    (fragment, errors, diags)
}
