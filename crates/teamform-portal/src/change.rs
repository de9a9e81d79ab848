//! A change to perform on a portal, in portal terms (ids resolved), and its outcome.

use crate::records::RecordObject;
use crate::state::Permissions;
use serde::{Deserialize, Deserializer, Serialize};

/// Reads a field that distinguishes "absent" (leave as is: `None`) from `null` (clear it:
/// `Some(None)`); written back with the absent case skipped, so saved plans keep the meaning.
fn double<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// One change to the live portal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    /// Create a team.
    CreateTeam {
        /// The name.
        name: String,
        /// The parent's id.
        parent_id: Option<String>,
    },
    /// Rename or re-parent a team.
    UpdateTeam {
        /// The team's id.
        id: String,
        /// A new name.
        name: Option<String>,
        /// A new parent (`Some(None)`: make it a root team).
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "double"
        )]
        parent_id: Option<Option<String>>,
    },
    /// Delete a team.
    DeleteTeam {
        /// The team's id.
        id: String,
    },
    /// Create a permission set.
    CreateRole {
        /// The name.
        name: String,
        /// The contents.
        permissions: Permissions,
    },
    /// Change a permission set.
    UpdateRole {
        /// The id.
        id: String,
        /// A new name.
        name: Option<String>,
        /// New contents.
        permissions: Option<Permissions>,
    },
    /// Delete a permission set.
    DeleteRole {
        /// The id.
        id: String,
    },
    /// Create a user.
    CreateUser {
        /// The login email.
        email: String,
        /// The name.
        name: String,
        /// The permission set's id.
        role_id: Option<String>,
        /// The primary team's id.
        primary_team_id: Option<String>,
        /// The additional teams' ids.
        additional_team_ids: Vec<String>,
        /// Whether the user is a super admin.
        super_admin: bool,
        /// Paid seats.
        seats: Vec<String>,
    },
    /// Change a user; `None` leaves a field as it is.
    UpdateUser {
        /// The id.
        id: String,
        /// A new name.
        name: Option<String>,
        /// A new permission set (`Some(None)`: none).
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "double"
        )]
        role_id: Option<Option<String>>,
        /// A new primary team (`Some(None)`: none).
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "double"
        )]
        primary_team_id: Option<Option<String>>,
        /// New additional teams.
        additional_team_ids: Option<Vec<String>>,
        /// A new super-admin status.
        super_admin: Option<bool>,
        /// New seats.
        seats: Option<Vec<String>>,
    },
    /// Remove a user.
    DeleteUser {
        /// The id.
        id: String,
    },
    /// Register an asset's partition.
    CreateAsset {
        /// The asset type.
        kind: String,
        /// The name.
        name: String,
        /// The teams it is partitioned to.
        team_ids: Vec<String>,
    },
    /// Change an asset's partition.
    UpdateAsset {
        /// The id.
        id: String,
        /// A new name.
        name: Option<String>,
        /// The new teams.
        team_ids: Option<Vec<String>>,
    },
    /// Forget an asset.
    DeleteAsset {
        /// The id.
        id: String,
    },
    /// Give every record of one object type that a user owns to another user (before the
    /// first is removed). Idempotent: it moves what the first user still owns, and is done
    /// when they own none.
    ReassignRecords {
        /// The object type.
        object: RecordObject,
        /// The id of the user who owns the records now.
        from_id: String,
        /// The id of the user who receives them (a placeholder while the plan creates them).
        to_id: String,
    },
}

/// What a performed change produced.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// The id of the object created (or found already there).
    pub created_id: Option<String>,
}
