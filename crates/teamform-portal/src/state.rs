//! The live state of a portal, in portal terms: ids and names, never policy keys. Every object
//! has a fingerprint, so that a saved plan can tell whether it changed since.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};

/// A permission set's contents, normalised: no entry means no access.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Permissions {
    /// Per CRM object (`contacts`...): its scopes.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub crm: BTreeMap<String, CrmPermission>,
    /// Per tool (`forms`...): the actions, sorted.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tools: BTreeMap<String, BTreeSet<String>>,
    /// The account permissions granted (`export`...).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub account: BTreeSet<String>,
}

/// Access to one CRM object.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CrmPermission {
    /// The view scope.
    pub view: String,
    /// The edit scope.
    pub edit: String,
    /// Whether records in the edit scope may be deleted.
    pub delete: bool,
}

/// A team in the portal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveTeam {
    /// The portal id.
    pub id: String,
    /// The name.
    pub name: String,
    /// The parent team's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
}

/// A permission set in the portal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveRole {
    /// The portal id.
    pub id: String,
    /// The name.
    pub name: String,
    /// The contents, when the provider can read them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<Permissions>,
}

/// A user in the portal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveUser {
    /// The portal id.
    pub id: String,
    /// The login email.
    pub email: String,
    /// The person's name.
    #[serde(default)]
    pub name: String,
    /// The permission set's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_id: Option<String>,
    /// The primary team's id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_team_id: Option<String>,
    /// The additional teams' ids, sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub additional_team_ids: Vec<String>,
    /// Whether the user is a super admin.
    #[serde(default)]
    pub super_admin: bool,
    /// Paid seats, sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seats: Vec<String>,
}

/// A partitioned asset in the portal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveAsset {
    /// The portal id.
    pub id: String,
    /// The asset type (`form`...).
    pub kind: String,
    /// The name.
    pub name: String,
    /// The teams it is partitioned to, sorted; `None` when the provider cannot read them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_ids: Option<Vec<String>>,
}

/// Everything read from a portal.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveState {
    /// Teams.
    #[serde(default)]
    pub teams: Vec<LiveTeam>,
    /// Permission sets.
    #[serde(default)]
    pub roles: Vec<LiveRole>,
    /// Users.
    #[serde(default)]
    pub users: Vec<LiveUser>,
    /// Asset partitions.
    #[serde(default)]
    pub assets: Vec<LiveAsset>,
}

/// A short, stable fingerprint of an object's contents (hex of a SHA-256 prefix).
pub fn fingerprint<T: Serialize>(object: &T) -> String {
    let bytes = serde_json::to_vec(object).unwrap_or_default();
    let digest = Sha256::digest(&bytes);
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

impl LiveState {
    /// Every object's fingerprint, keyed `kind:id`.
    pub fn fingerprints(&self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for t in &self.teams {
            out.insert(format!("team:{}", t.id), fingerprint(t));
        }
        for r in &self.roles {
            out.insert(format!("role:{}", r.id), fingerprint(r));
        }
        for u in &self.users {
            out.insert(format!("user:{}", u.id), fingerprint(u));
        }
        for a in &self.assets {
            out.insert(format!("asset:{}", a.id), fingerprint(a));
        }
        out
    }
}
