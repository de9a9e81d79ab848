//! Record ownership in the sandbox: handing a user's records of one object type to another.

use crate::{LiveRecord, RecordObject};

/// Gives every record of `object` owned by `from` to `to`; returns how many moved.
pub(super) fn reassign(
    records: &mut [LiveRecord],
    object: RecordObject,
    from: &str,
    to: &str,
) -> usize {
    let mut moved = 0;
    for r in records
        .iter_mut()
        .filter(|r| r.object == object && r.owner.as_deref() == Some(from))
    {
        r.owner = Some(to.to_string());
        moved += 1;
    }
    moved
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_only_the_object_and_owner_named() {
        let record = |id: &str, object, owner: &str| LiveRecord {
            id: id.into(),
            object,
            owner: Some(owner.into()),
            properties: Default::default(),
        };
        let mut records = vec![
            record("1", RecordObject::Contacts, "a"),
            record("2", RecordObject::Deals, "a"),
            record("3", RecordObject::Contacts, "b"),
        ];
        assert_eq!(reassign(&mut records, RecordObject::Contacts, "a", "c"), 1);
        let owners: Vec<_> = records.iter().map(|r| r.owner.as_deref()).collect();
        assert_eq!(owners, vec![Some("c"), Some("a"), Some("b")]);
        // Done again, it moves nothing: the change is idempotent.
        assert_eq!(reassign(&mut records, RecordObject::Contacts, "a", "c"), 0);
    }
}
