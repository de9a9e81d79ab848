//! Paths and URIs, and finding the policy directory of a workspace folder or of a file.
//!
//! A policy directory is the nearest directory holding a `[portal]` table in one of its own
//! `*.toml` files, or `policies/` under the workspace folder (the CLI's default).

use lsp_types::Url;
use std::path::{Path, PathBuf};

/// The file path of a `file:` URI.
pub fn path_of(uri: &Url) -> Option<PathBuf> {
    uri.to_file_path().ok()
}

/// The `file:` URI of an absolute path.
pub fn uri_of(path: &Path) -> Option<Url> {
    Url::from_file_path(path).ok()
}

/// Whether `path` names a policy file (`*.toml`, not hidden).
pub fn is_policy_file(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "toml")
        && !path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'))
}

/// Whether a TOML text holds a `[portal]` table. This is a line scan, not a parse, so that it
/// is cheap and works on files with syntax errors.
pub fn declares_portal(text: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim_start();
        line.starts_with("[portal]") || line.starts_with("[ portal ]")
    })
}

/// Whether one of the `*.toml` files directly in `dir` holds a `[portal]` table.
fn holds_portal(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.filter_map(Result::ok).any(|entry| {
        let path = entry.path();
        is_policy_file(&path)
            && path.is_file()
            && std::fs::read_to_string(&path).is_ok_and(|t| declares_portal(&t))
    })
}

/// The policy directory of a workspace folder: the folder itself when it holds a `[portal]`
/// table, else its `policies/` directory, else the nearest directory below it (three levels
/// at most, breadth first) that holds a `[portal]` table.
pub fn policy_dir_of_folder(folder: &Path) -> Option<PathBuf> {
    if holds_portal(folder) {
        return Some(folder.to_path_buf());
    }
    let default = folder.join("policies");
    if default.is_dir() {
        return Some(default);
    }
    let mut level = vec![folder.to_path_buf()];
    for _ in 0..3 {
        let mut next = Vec::new();
        for dir in &level {
            let Ok(entries) = std::fs::read_dir(dir) else {
                continue;
            };
            let mut subdirs: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                .filter(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    !name.starts_with('.') && name != "target" && name != "node_modules"
                })
                .map(|e| e.path())
                .collect();
            subdirs.sort();
            next.extend(subdirs);
        }
        if let Some(found) = next.iter().find(|d| holds_portal(d)) {
            return Some(found.clone());
        }
        level = next;
    }
    None
}

/// The policy directory of a file outside every known policy: its nearest ancestor directory
/// that holds a `[portal]` table, not looking above `ceiling` when given.
pub fn policy_dir_of_file(file: &Path, ceiling: Option<&Path>) -> Option<PathBuf> {
    for dir in file.ancestors().skip(1) {
        if holds_portal(dir) {
            return Some(dir.to_path_buf());
        }
        if ceiling.is_some_and(|c| c == dir) {
            break;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_policy_directory_of_a_folder_and_of_a_file() -> std::io::Result<()> {
        let tmp = tempfile::tempdir()?;
        let root = tmp.path();
        std::fs::create_dir_all(root.join("ops/acme/users"))?;
        std::fs::write(root.join("Cargo.toml"), "[package]\nname = \"x\"\n")?;
        std::fs::write(
            root.join("ops/acme/portal.toml"),
            "[portal]\nname = \"a\"\n",
        )?;
        let users = root.join("ops/acme/users/sales.toml");
        std::fs::write(&users, "")?;
        assert_eq!(policy_dir_of_folder(root), Some(root.join("ops/acme")));
        assert_eq!(
            policy_dir_of_file(&users, Some(root)),
            Some(root.join("ops/acme"))
        );
        assert_eq!(
            policy_dir_of_file(&root.join("Cargo.toml"), Some(root)),
            None
        );
        std::fs::create_dir(root.join("policies"))?;
        assert_eq!(policy_dir_of_folder(root), Some(root.join("policies")));
        Ok(())
    }

    #[test]
    fn portal_tables_are_found_by_a_line_scan() {
        assert!(declares_portal("# x\n  [portal]\nname = \"a\"\n"));
        assert!(!declares_portal("[portal.x]\n[team.portal]\n"));
        assert!(!declares_portal("[portals]\n"));
    }
}
