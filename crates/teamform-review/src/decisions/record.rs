//! `decisions.json` of a closed review: every decision with who recorded it, from git blame
//! of the line of its `decision` value.

use super::{DecisionFile, Member};
use serde::{Deserialize, Serialize};
use teamform_email::EmailKey;

/// Who committed a line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recorded {
    /// The commit.
    pub commit: String,
    /// Its author's name.
    pub author: String,
    /// Its author's email.
    pub email: String,
    /// Its author date (`YYYY-MM-DD`, UTC).
    pub date: String,
}

/// One decision, as the evidence keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionRecord {
    /// The team reviewed.
    pub team: String,
    /// The member.
    pub user: String,
    /// `keep`, `revoke` or `change`.
    pub decision: String,
    /// Why.
    pub reason: String,
    /// For `change`: the new role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// For `change`: the new primary team.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_team: Option<String>,
    /// The reviewer named in the file (or the member's `by`).
    pub decided_by: String,
    /// The findings the review made about the member.
    pub findings: Vec<String>,
    /// The commit that recorded the decision.
    pub recorded: Recorded,
    /// Whether that commit's author is the reviewer named (by email).
    pub recorded_by_decider: bool,
}

/// The records of a file's decided members, given who committed each line (index 0 is line
/// 1; `None` past the end).
pub fn records(
    file: &DecisionFile,
    recorded: impl Fn(usize) -> Option<Recorded>,
) -> Vec<DecisionRecord> {
    file.members
        .iter()
        .filter_map(|m: &Member| {
            let decision = m.decision.as_ref()?;
            let rec = recorded(m.line)?;
            let decided_by = m.decider(file).map(|d| d.value.clone()).unwrap_or_default();
            Some(DecisionRecord {
                team: file
                    .team
                    .as_ref()
                    .map(|t| t.value.clone())
                    .unwrap_or_default(),
                user: m.email.value.clone(),
                decision: decision.value.as_str().to_string(),
                reason: m
                    .reason
                    .as_ref()
                    .map(|r| r.value.clone())
                    .unwrap_or_default(),
                role: m.role.as_ref().map(|r| r.value.clone()),
                new_team: m.team.as_ref().map(|t| t.value.clone()),
                recorded_by_decider: EmailKey::new(&rec.email) == EmailKey::new(&decided_by),
                decided_by,
                findings: m.findings.clone(),
                recorded: rec,
            })
        })
        .collect()
}
