//! The capability model: what a provider can read, create, change and delete, per kind.

use serde::{Deserialize, Serialize};

/// A kind of object in the portal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ObjectKind {
    /// Teams.
    Team,
    /// Permission sets.
    Role,
    /// Users.
    User,
    /// Asset partitions.
    Asset,
}

impl ObjectKind {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectKind::Team => "team",
            ObjectKind::Role => "role",
            ObjectKind::User => "user",
            ObjectKind::Asset => "asset",
        }
    }

    /// Reads a kind name.
    pub fn parse(text: &str) -> Option<ObjectKind> {
        match text {
            "team" => Some(ObjectKind::Team),
            "role" => Some(ObjectKind::Role),
            "user" => Some(ObjectKind::User),
            "asset" => Some(ObjectKind::Asset),
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

    /// Nothing: not even listed.
    pub const NONE: KindCaps = KindCaps {
        read: false,
        read_contents: false,
        create: false,
        update: false,
        delete: false,
    };
}

/// A field of a user that some providers cannot write (HubSpot's public API cannot make a
/// super admin, and writes seats only when allowed to).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum UserField {
    /// Super-admin status.
    SuperAdmin,
    /// Paid seats.
    Seats,
}

impl UserField {
    /// Every field.
    pub const ALL: [UserField; 2] = [UserField::SuperAdmin, UserField::Seats];
}

/// Everything a provider declares it can do: per kind of object, what it can read and write
/// ([`Capabilities::of`]), and which user fields it can write ([`Capabilities::writes`]).
/// A provider starts from [`Capabilities::FULL`] and takes away what it cannot do, so a new
/// kind or field is one variant, not a field every provider spells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Capabilities {
    /// Per kind, in the order of [`ObjectKind`].
    kinds: [KindCaps; 4],
    /// Per user field, in the order of [`UserField`]: whether it can be written.
    user_fields: [bool; 2],
}

impl Capabilities {
    /// Full capabilities, as the sandbox has.
    pub const FULL: Capabilities = Capabilities {
        kinds: [KindCaps::FULL; 4],
        user_fields: [true; 2],
    };

    /// The capabilities for `kind`.
    pub const fn of(&self, kind: ObjectKind) -> KindCaps {
        self.kinds[kind as usize]
    }

    /// These capabilities with `caps` for `kind`.
    pub const fn with(mut self, kind: ObjectKind, caps: KindCaps) -> Self {
        self.kinds[kind as usize] = caps;
        self
    }

    /// Whether the provider can write `field` of a user.
    pub const fn writes(&self, field: UserField) -> bool {
        self.user_fields[field as usize]
    }

    /// These capabilities with `field` writable or not.
    pub const fn writing(mut self, field: UserField, writable: bool) -> Self {
        self.user_fields[field as usize] = writable;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_and_field_is_its_own() {
        let caps = Capabilities::FULL
            .with(ObjectKind::Asset, KindCaps::NONE)
            .writing(UserField::Seats, false);
        for kind in [ObjectKind::Team, ObjectKind::Role, ObjectKind::User] {
            assert_eq!(caps.of(kind), KindCaps::FULL, "{kind:?}");
        }
        assert_eq!(caps.of(ObjectKind::Asset), KindCaps::NONE);
        assert!(caps.writes(UserField::SuperAdmin));
        assert!(!caps.writes(UserField::Seats));
    }
}
