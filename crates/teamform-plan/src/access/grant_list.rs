//! A user's grant changes in [`canonical`] order, kept as a part shared by many users (the
//! grants of their role, made once per role) and a part of their own, read merged: a first
//! plan of a large org would otherwise copy each role's grants into the lists of tens of
//! thousands of users (a hundred megabytes, about a tenth of the plan's time).

use super::grants::{GrantChange, canonical};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Grant changes in [`canonical`] order; reads as one list (iterating, comparing, hashing and
/// serializing merge the two parts).
#[derive(Clone, Debug, Default)]
pub struct GrantList {
    /// Changes shared with other users' lists, in canonical order.
    shared: Arc<[GrantChange]>,
    /// This list's own changes, in canonical order.
    own: Vec<GrantChange>,
    /// Which part each position of the merged list comes from, a bit per position (set: its
    /// own part), worked out once; empty when there is no shared part.
    from_own: Vec<u64>,
}

impl From<Vec<GrantChange>> for GrantList {
    /// A list of `changes` alone, already in canonical order.
    fn from(changes: Vec<GrantChange>) -> Self {
        GrantList {
            own: changes,
            ..GrantList::default()
        }
    }
}

impl GrantList {
    /// `shared` and `own` (both in canonical order) merged in that order, the shared change
    /// first where two are equal in it.
    pub fn merged(shared: Arc<[GrantChange]>, own: Vec<GrantChange>) -> Self {
        if shared.is_empty() {
            return own.into();
        }
        let mut from_own = vec![0u64; (shared.len() + own.len()).div_ceil(64)];
        let (mut s, mut o) = (0, 0);
        while s < shared.len() || o < own.len() {
            let take_own =
                s == shared.len() || (o < own.len() && canonical(&shared[s], &own[o]).is_gt());
            if take_own {
                let at = s + o;
                from_own[at / 64] |= 1 << (at % 64);
                o += 1;
            } else {
                s += 1;
            }
        }
        GrantList {
            shared,
            own,
            from_own,
        }
    }

    /// The changes, in canonical order.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            list: self,
            shared: 0,
            own: 0,
        }
    }

    /// How many changes.
    pub fn len(&self) -> usize {
        self.shared.len() + self.own.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The changes as one list of their own.
    pub fn into_vec(self) -> Vec<GrantChange> {
        if self.shared.is_empty() {
            return self.own;
        }
        self.iter().cloned().collect()
    }
}

/// The changes of a [`GrantList`], in canonical order.
#[derive(Clone)]
pub struct Iter<'a> {
    list: &'a GrantList,
    /// The next positions in the shared part and in the list's own (their sum is the next
    /// position in the merged list).
    shared: usize,
    own: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = &'a GrantChange;

    fn next(&mut self) -> Option<&'a GrantChange> {
        let list = self.list;
        let at = self.shared + self.own;
        if at >= list.len() {
            return None;
        }
        let from_own = list.shared.is_empty()
            || list
                .from_own
                .get(at / 64)
                .is_some_and(|bits| bits & (1 << (at % 64)) != 0);
        if from_own {
            self.own += 1;
            list.own.get(self.own - 1)
        } else {
            self.shared += 1;
            list.shared.get(self.shared - 1)
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.list.len().saturating_sub(self.shared + self.own);
        (left, Some(left))
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl<'a> IntoIterator for &'a GrantList {
    type Item = &'a GrantChange;
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl PartialEq for GrantList {
    fn eq(&self, other: &Self) -> bool {
        // Lists made from the same shared part (users of one role) compare their own parts.
        let same_parts = Arc::ptr_eq(&self.shared, &other.shared)
            && self.own == other.own
            && self.from_own == other.from_own;
        same_parts || (self.len() == other.len() && self.iter().eq(other.iter()))
    }
}

impl Eq for GrantList {}

impl std::hash::Hash for GrantList {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_usize(self.len());
        for change in self {
            change.hash(state);
        }
    }
}

impl Serialize for GrantList {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for GrantList {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<GrantChange>::deserialize(deserializer).map(GrantList::from)
    }
}

impl schemars::JsonSchema for GrantList {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        <Vec<GrantChange>>::schema_name()
    }

    fn inline_schema() -> bool {
        <Vec<GrantChange>>::inline_schema()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        <Vec<GrantChange>>::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::grants::{Grant, GrantScope, Risk, Via, sorted};
    use teamform_model::{CrmAction, CrmObject};

    fn crm(object: CrmObject, scope: GrantScope, role: &str) -> GrantChange {
        let grant = Grant::Crm {
            action: CrmAction::View,
            object,
            scope,
        };
        GrantChange {
            risk: grant.risk(),
            grant,
            via: Via::Role { role: role.into() },
        }
    }

    #[test]
    fn merging_the_two_parts_reads_as_them_sorted_together() {
        let all = vec![
            crm(CrmObject::Contacts, GrantScope::Everything, "a"),
            crm(CrmObject::Deals, GrantScope::Owned, "a"),
            crm(CrmObject::Contacts, GrantScope::Owned, "b"),
            crm(CrmObject::Companies, GrantScope::Everything, "c"),
            crm(CrmObject::Tickets, GrantScope::Owned, "a"),
            // Equal to the first: on a tie, the shared one comes first.
            crm(CrmObject::Contacts, GrantScope::Everything, "a"),
        ];
        assert!(all.iter().any(|c| c.risk == Risk::High));
        let whole = GrantList::from(sorted(all.clone()));
        for mask in 0u32..(1 << all.len()) {
            let (mut shared, mut own) = (Vec::new(), Vec::new());
            for (i, c) in all.iter().enumerate() {
                if mask & (1 << i) != 0 {
                    shared.push(c.clone());
                } else {
                    own.push(c.clone());
                }
            }
            let list = GrantList::merged(sorted(shared).into(), sorted(own));
            let read: Vec<GrantChange> = list.iter().cloned().collect();
            assert_eq!(read, sorted(all.clone()), "split {mask:b}");
            assert_eq!(list.iter().len(), all.len());
            // It equals, hashes and serializes as the list sorted whole.
            assert_eq!(list, whole, "split {mask:b}");
            assert_eq!(crate::distinct::hash(&list), crate::distinct::hash(&whole));
            assert_eq!(
                serde_json::to_string(&list).ok(),
                serde_json::to_string(&read).ok()
            );
            assert_eq!(list.into_vec(), read);
        }
    }

    #[test]
    fn a_list_of_more_than_64_changes_keeps_the_order_of_each_position() {
        let objects = [CrmObject::Contacts, CrmObject::Companies, CrmObject::Deals];
        let all: Vec<GrantChange> = (0..150)
            .map(|i| crm(objects[i % 3], GrantScope::Owned, &format!("r{i:03}")))
            .collect();
        let (shared, own): (Vec<_>, Vec<_>) = all.iter().cloned().partition(|c| {
            let Via::Role { role } = &c.via else {
                return false;
            };
            role.ends_with(['1', '4', '7'])
        });
        let list = GrantList::merged(sorted(shared).into(), sorted(own));
        assert_eq!(list.iter().cloned().collect::<Vec<_>>(), sorted(all));
    }
}
