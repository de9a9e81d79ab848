//! The fields an operation changes, as a closed set: renderers and the wording of manual steps
//! match on them instead of on text. They read and write as the text they always had
//! (`name`, `super_admin`, `contacts owner`), so plans and their JSON keep their shape.

use std::fmt;
use teamform_portal::RecordObject;

/// A field an operation changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// A team's, role's, user's or asset's name.
    Name,
    /// A user's email.
    Email,
    /// A team's parent team.
    Parent,
    /// A user's role (permission set).
    Role,
    /// A user's primary team.
    Team,
    /// A user's additional teams, or an asset's teams.
    Teams,
    /// A user's seats.
    Seats,
    /// A user's super admin status.
    SuperAdmin,
    /// A permission set's contents.
    Permissions,
    /// Why a user is removed (an expiry).
    Reason,
    /// The owner of a removed user's records of one object type.
    Owner(RecordObject),
}

impl Field {
    /// The fields with a name of their own, in the order of [`Field::parse`].
    const NAMED: [(Field, &'static str); 10] = [
        (Field::Name, "name"),
        (Field::Email, "email"),
        (Field::Parent, "parent"),
        (Field::Role, "role"),
        (Field::Team, "team"),
        (Field::Teams, "teams"),
        (Field::Seats, "seats"),
        (Field::SuperAdmin, "super_admin"),
        (Field::Permissions, "permissions"),
        (Field::Reason, "reason"),
    ];

    /// Reads a field's text.
    pub fn parse(text: &str) -> Option<Field> {
        if let Some(object) = text.strip_suffix(" owner") {
            return RecordObject::parse(object).map(Field::Owner);
        }
        Field::NAMED
            .iter()
            .find(|(_, name)| *name == text)
            .map(|(f, _)| *f)
    }

    /// Whether its values are names, shown quoted.
    pub fn names_something(self) -> bool {
        matches!(
            self,
            Field::Name | Field::Parent | Field::Role | Field::Team
        )
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Field::Owner(object) => write!(f, "{} owner", object.as_str()),
            named => {
                let text = Field::NAMED
                    .iter()
                    .find(|(field, _)| field == named)
                    .map_or("", |(_, name)| name);
                f.write_str(text)
            }
        }
    }
}

impl serde::Serialize for Field {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Field {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Field::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("`{text}` is not a field of a plan")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_reads_back_from_its_text() {
        let mut all: Vec<Field> = Field::NAMED.iter().map(|(f, _)| *f).collect();
        all.extend(RecordObject::ALL.map(Field::Owner));
        for field in all {
            assert_eq!(Field::parse(&field.to_string()), Some(field), "{field}");
        }
        assert_eq!(Field::Owner(RecordObject::Deals).to_string(), "deals owner");
        assert_eq!(Field::SuperAdmin.to_string(), "super_admin");
        assert_eq!(Field::parse("colour"), None);
    }
}
