//! Plan operations: what changes on which object, whether teamform can do it, and the
//! provider change to perform (with placeholders for objects the plan creates).

use serde::{Deserialize, Serialize};
use teamform_portal::{Change, ObjectKind};

/// Create, update or delete.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// A new object.
    Create,
    /// A change to an existing object.
    Update,
    /// A removal.
    Delete,
}

impl Action {
    /// The sign shown in plans: `+`, `~`, `-`.
    pub fn sign(self) -> char {
        match self {
            Action::Create => '+',
            Action::Update => '~',
            Action::Delete => '-',
        }
    }

    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
        }
    }
}

/// One field's change, shown to reviewers (names, not ids).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FieldChange {
    /// The field (`name`, `parent`, `role`, `permissions`...).
    #[schemars(with = "String")]
    pub field: crate::field::Field,
    /// The value before (absent for creates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    /// The value after (absent for deletes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

/// One operation of a plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Op {
    /// Create, update or delete.
    pub action: Action,
    /// The kind of object.
    pub kind: ObjectKind,
    /// The policy key (for an object only the portal has: its name or email).
    pub key: String,
    /// The name shown in the portal.
    pub name: String,
    /// The portal id of an existing object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub portal_id: Option<String>,
    /// The field changes.
    pub changes: Vec<FieldChange>,
    /// Whether teamform performs it (false: a manual step).
    pub automatic: bool,
    /// The provider change; ids of objects created by this plan are placeholders
    /// (`new:team:KEY`) until they exist.
    pub change: Change,
    /// The operations that must run before this one (indexes into the plan's operations).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<usize>,
    /// For what the portal cannot read back (a permission set's contents, an asset's teams):
    /// why this step stays in plans until a person confirms it (`teamform confirm`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirm: Option<Confirm>,
}

/// Why a step on something the portal cannot read back is pending (see [`Op::confirm`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Confirm {
    /// What the portal holds was never confirmed: the plan assumes the policy's value, and a
    /// person checks it by hand once.
    Unknown,
    /// What was last confirmed differs from the policy: the change is made by hand.
    Changed,
}

impl Op {
    /// Its object's address, as `--target` names it.
    pub fn address(&self) -> Address {
        Address {
            kind: self.kind,
            key: self.key.clone(),
        }
    }
}

/// An object as commands name it: `KIND:KEY` (`team:sales-fr`, `user:lea@acme.example`,
/// `asset:form.contact-us`), parsed once where it is read (`--target`, `--exclude`,
/// `confirm`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Address {
    /// The kind of object.
    pub kind: ObjectKind,
    /// Its policy key (for objects only the portal has: name or email).
    pub key: String,
}

impl std::fmt::Display for Address {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.kind.as_str(), self.key)
    }
}

impl std::str::FromStr for Address {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.split_once(':')
            .and_then(|(kind, key)| {
                let kind = ObjectKind::parse(kind)?;
                (!key.is_empty()).then(|| Address {
                    kind,
                    key: key.to_string(),
                })
            })
            .ok_or_else(|| format!("`{s}` is not `KIND:KEY` (KIND is team, role, user or asset)"))
    }
}

/// The placeholder for the id of an object created by the plan.
pub fn placeholder(kind: ObjectKind, key: &str) -> String {
    format!("new:{}:{key}", kind.as_str())
}

/// The `(kind, key)` a placeholder stands for.
pub fn parse_placeholder(id: &str) -> Option<(ObjectKind, &str)> {
    let rest = id.strip_prefix("new:")?;
    let (kind, key) = rest.split_once(':')?;
    Some((ObjectKind::parse(kind)?, key))
}
