//! Reviewers' decisions, kept as files in the repository: `reviews/PERIOD/TEAM.toml` beside
//! the policy directory (never read as policy). `teamform review start` writes one file per
//! team with members (`start.rs`), reviewers fill in `keep`, `revoke` or `change` with a
//! reason and commit; `validate` and the language server check the files (`check.rs`,
//! TF0410–TF0415); `teamform review close` turns the decisions into edits of the policy
//! files (`edits.rs`).
