//! Turning `revoke` and `change` decisions into edits of the policy files, for a normal pull
//! request: a revoked user's `[user."EMAIL"]` table is removed, a changed user's `role` or
//! `team` is set, everything else in the files (comments, order, formatting) kept as it was
//! (`toml_edit`). Each file is rewritten atomically.

use super::{Decision, DecisionFile};
use std::collections::BTreeMap;
use std::path::PathBuf;
use teamform_diagnostics::SourceMap;
use teamform_email::EmailKey;
use teamform_model::Policy;

/// One change to the policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Edit {
    /// Remove the user.
    Revoke {
        /// The email.
        email: String,
        /// The policy file declaring the user.
        file: PathBuf,
    },
    /// Change the user's role or primary team.
    Change {
        /// The email.
        email: String,
        /// The policy file declaring the user.
        file: PathBuf,
        /// The new role's key.
        role: Option<String>,
        /// The new primary team's key.
        team: Option<String>,
    },
    /// A decision about a user the policy does not declare: nothing to edit (a revoked
    /// portal-only user is removed by the next apply; a kept one must be declared by hand).
    NotInPolicy {
        /// The email.
        email: String,
        /// The decision.
        decision: Decision,
    },
}

/// Why the policy files could not be edited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditError(pub String);

impl std::fmt::Display for EditError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for EditError {}

/// The edits the decisions call for, in file order.
pub fn edits(files: &[DecisionFile], policy: &Policy, sources: &SourceMap) -> Vec<Edit> {
    let declared: BTreeMap<String, PathBuf> = policy
        .users
        .iter()
        .filter_map(|u| {
            let file = sources.get(u.key.span.file)?;
            Some((
                EmailKey::new(&u.key.value).as_str().to_string(),
                PathBuf::from(&file.path),
            ))
        })
        .collect();
    let mut out = Vec::new();
    for f in files {
        for m in &f.members {
            let Some(decision) = &m.decision else {
                continue;
            };
            let email = m.email.value.clone();
            let file = declared.get(EmailKey::new(&email).as_str()).cloned();
            match (decision.value, file) {
                (Decision::Keep, Some(_)) => {}
                (d, None) => out.push(Edit::NotInPolicy { email, decision: d }),
                (Decision::Revoke, Some(file)) => out.push(Edit::Revoke { email, file }),
                (Decision::Change, Some(file)) => out.push(Edit::Change {
                    email,
                    file,
                    role: m.role.as_ref().map(|r| r.value.clone()),
                    team: m.team.as_ref().map(|t| t.value.clone()),
                }),
            }
        }
    }
    out
}

/// Applies the edits to the policy files; returns the files changed.
pub fn apply_edits(edits: &[Edit]) -> Result<Vec<PathBuf>, EditError> {
    let mut by_file: BTreeMap<&PathBuf, Vec<&Edit>> = BTreeMap::new();
    for e in edits {
        match e {
            Edit::Revoke { file, .. } | Edit::Change { file, .. } => {
                by_file.entry(file).or_default().push(e);
            }
            Edit::NotInPolicy { .. } => {}
        }
    }
    let mut changed = Vec::new();
    for (path, edits) in by_file {
        let text = std::fs::read_to_string(path)
            .map_err(|e| EditError(format!("cannot read `{}`: {e}", path.display())))?;
        let mut doc: toml_edit::DocumentMut = text
            .parse()
            .map_err(|e| EditError(format!("cannot edit `{}`: {e}", path.display())))?;
        for edit in edits {
            edit_one(&mut doc, edit)
                .map_err(|why| EditError(format!("`{}`: {why}", path.display())))?;
        }
        crate::pack::write_atomic(path, doc.to_string().as_bytes())
            .map_err(|e| EditError(format!("cannot write `{}`: {e}", path.display())))?;
        changed.push(path.clone());
    }
    Ok(changed)
}

fn edit_one(doc: &mut toml_edit::DocumentMut, edit: &Edit) -> Result<(), String> {
    let email = match edit {
        Edit::Revoke { email, .. } | Edit::Change { email, .. } => email,
        Edit::NotInPolicy { .. } => return Ok(()),
    };
    let users = doc
        .get_mut("user")
        .and_then(|u| u.as_table_like_mut())
        .ok_or_else(|| format!("no `user` table declares `{email}`"))?;
    let wanted = EmailKey::new(email);
    let key = users
        .iter()
        .map(|(k, _)| k.to_string())
        .find(|k| EmailKey::new(k) == wanted)
        .ok_or_else(|| format!("no `[user.\"{email}\"]` here"))?;
    match edit {
        Edit::Revoke { .. } => {
            users.remove(&key);
        }
        Edit::Change { role, team, .. } => {
            let user = users
                .get_mut(&key)
                .and_then(|u| u.as_table_like_mut())
                .ok_or_else(|| format!("`{email}` is not a table"))?;
            if let Some(role) = role {
                set(user, "role", role);
            }
            if let Some(team) = team {
                set(user, "team", team);
            }
        }
        Edit::NotInPolicy { .. } => {}
    }
    Ok(())
}

/// Sets `key` to a string, keeping the decoration of the value it replaces.
fn set(table: &mut dyn toml_edit::TableLike, key: &str, value: &str) {
    match table.get_mut(key).and_then(|i| i.as_value_mut()) {
        Some(v) => {
            let decor = v.decor().clone();
            *v = toml_edit::Value::from(value);
            *v.decor_mut() = decor;
        }
        None => {
            table.insert(key, toml_edit::value(value));
        }
    }
}
