//! CRM records and who owns them, in portal terms: the four object types whose records have
//! an owner that teamform hands over when the owner is removed, a record as the sandbox keeps
//! it, and the per-user counts that a plan's hand-overs are made from.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A CRM object type whose records have an owner.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RecordObject {
    /// Contacts.
    Contacts,
    /// Companies.
    Companies,
    /// Deals.
    Deals,
    /// Tickets.
    Tickets,
}

impl RecordObject {
    /// Every object type, in the order plans list them.
    pub const ALL: [RecordObject; 4] = [
        RecordObject::Contacts,
        RecordObject::Companies,
        RecordObject::Deals,
        RecordObject::Tickets,
    ];

    /// The plural name the API and policies use (`contacts`).
    pub fn as_str(self) -> &'static str {
        match self {
            RecordObject::Contacts => "contacts",
            RecordObject::Companies => "companies",
            RecordObject::Deals => "deals",
            RecordObject::Tickets => "tickets",
        }
    }

    /// Reads a plural name; `None` for anything else (HubSpot's numeric type ids included).
    pub fn parse(text: &str) -> Option<RecordObject> {
        RecordObject::ALL.into_iter().find(|o| o.as_str() == text)
    }
}

/// A CRM record as a local portal keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveRecord {
    /// The record id (HubSpot's `hs_object_id`).
    pub id: String,
    /// Its object type.
    pub object: RecordObject,
    /// The id of the user who owns it; absent when it has no owner. It stays after the user
    /// is removed, as HubSpot keeps a removed owner's id on their records.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Its other properties, as the API wrote them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub properties: BTreeMap<String, String>,
}

/// Per user id, per object type, how many records the user owns (only non-zero counts).
pub type OwnedRecords = BTreeMap<String, BTreeMap<RecordObject, u64>>;

/// Counts the records of `records` owned by each of `user_ids`.
pub fn count_owned(records: &[LiveRecord], user_ids: &[String]) -> OwnedRecords {
    let wanted: std::collections::HashSet<&str> = user_ids.iter().map(String::as_str).collect();
    let mut out = OwnedRecords::new();
    for r in records {
        if let Some(owner) = r.owner.as_deref().filter(|o| wanted.contains(o)) {
            *out.entry(owner.to_string())
                .or_default()
                .entry(r.object)
                .or_insert(0) += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str, object: RecordObject, owner: Option<&str>) -> LiveRecord {
        LiveRecord {
            id: id.into(),
            object,
            owner: owner.map(Into::into),
            properties: BTreeMap::new(),
        }
    }

    #[test]
    fn counts_only_the_users_asked_for() {
        let records = vec![
            record("1", RecordObject::Contacts, Some("7")),
            record("2", RecordObject::Contacts, Some("7")),
            record("3", RecordObject::Deals, Some("7")),
            record("4", RecordObject::Deals, Some("8")),
            record("5", RecordObject::Tickets, None),
        ];
        let counts = count_owned(&records, &["7".to_string()]);
        assert_eq!(counts.len(), 1);
        assert_eq!(counts["7"][&RecordObject::Contacts], 2);
        assert_eq!(counts["7"][&RecordObject::Deals], 1);
    }

    #[test]
    fn object_names_round_trip() {
        for o in RecordObject::ALL {
            assert_eq!(RecordObject::parse(o.as_str()), Some(o));
        }
        assert_eq!(RecordObject::parse("0-1"), None);
    }
}
