//! Numbering distinct values among many: each value's hash is taken beforehand (on every
//! thread, [`hash`]), and values are compared only when their hashes are equal. The groups of
//! an access diff and the JSON plan's table of grant changes number tens and hundreds of
//! thousands of values this way.

use std::hash::{BuildHasher, Hash};

/// The hash used for [`Distinct`]: the same for equal values, in every run.
pub(crate) fn hash(value: impl Hash) -> u64 {
    foldhash::fast::FixedState::default().hash_one(value)
}

/// The positions of the distinct values met so far, by hash.
#[derive(Default)]
pub(crate) struct Distinct {
    by_hash: foldhash::HashMap<u64, Vec<usize>>,
}

impl Distinct {
    /// The position of a value met before with `hash` for which `same(position)` holds, or,
    /// when there is none, `Err(next)` after recording `next` as this value's position.
    pub(crate) fn find_or_add(
        &mut self,
        hash: u64,
        next: usize,
        same: impl Fn(usize) -> bool,
    ) -> Result<usize, usize> {
        let positions = self.by_hash.entry(hash).or_default();
        match positions.iter().copied().find(|&at| same(at)) {
            Some(at) => Ok(at),
            None => {
                positions.push(next);
                Err(next)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_values_share_a_position_and_colliding_hashes_are_told_apart() {
        let values = ["a", "b", "a", "c", "b"];
        let mut distinct = Distinct::default();
        let mut table: Vec<&str> = Vec::new();
        let mut positions = Vec::new();
        for v in values {
            // Every value under one hash: only the comparison tells them apart.
            let at = distinct
                .find_or_add(0, table.len(), |at| table[at] == v)
                .unwrap_or_else(|next| {
                    table.push(v);
                    next
                });
            positions.push(at);
        }
        assert_eq!(table, ["a", "b", "c"]);
        assert_eq!(positions, [0, 1, 0, 2, 1]);
        assert_eq!(hash("a"), hash("a"));
    }
}
