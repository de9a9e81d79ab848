//! The capability model: what a provider can read, create, change and delete, per kind.

use serde::{Deserialize, Serialize};

/// A kind of object in the portal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Teams.
    Team,
    /// Permission sets.
    Role,
    /// Users.
    User,
    /// Asset partitions.
    Asset,
}

impl Kind {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Team => "team",
            Kind::Role => "role",
            Kind::User => "user",
            Kind::Asset => "asset",
        }
    }

    /// Reads a kind name.
    pub fn parse(text: &str) -> Option<Kind> {
        match text {
            "team" => Some(Kind::Team),
            "role" => Some(Kind::Role),
            "user" => Some(Kind::User),
            "asset" => Some(Kind::Asset),
            _ => None,
        }
    }
}

/// What a provider can do with one kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindCaps {
    /// Whether the objects can be listed.
    pub read: bool,
    /// Whether their contents (a role's permissions, an asset's teams) can be read back.
    pub read_contents: bool,
    /// Whether they can be created.
    pub create: bool,
    /// Whether they can be changed.
    pub update: bool,
    /// Whether they can be deleted.
    pub delete: bool,
}

impl KindCaps {
    /// Everything.
    pub const FULL: KindCaps = KindCaps {
        read: true,
        read_contents: true,
        create: true,
        update: true,
        delete: true,
    };
}

/// Everything a provider declares it can do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capabilities {
    /// Teams.
    pub teams: KindCaps,
    /// Permission sets.
    pub roles: KindCaps,
    /// Users.
    pub users: KindCaps,
    /// Asset partitions.
    pub assets: KindCaps,
    /// Whether super-admin status can be written.
    pub super_admin: bool,
    /// Whether seats can be written.
    pub seats: bool,
}

impl Capabilities {
    /// Full capabilities, as the sandbox has.
    pub const FULL: Capabilities = Capabilities {
        teams: KindCaps::FULL,
        roles: KindCaps::FULL,
        users: KindCaps::FULL,
        assets: KindCaps::FULL,
        super_admin: true,
        seats: true,
    };

    /// The capabilities for `kind`.
    pub fn of(&self, kind: Kind) -> KindCaps {
        match kind {
            Kind::Team => self.teams,
            Kind::Role => self.roles,
            Kind::User => self.users,
            Kind::Asset => self.assets,
        }
    }
}
