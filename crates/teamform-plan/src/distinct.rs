//! Numbering distinct values among many: each value's hash is taken beforehand (on every
//! thread, [`hash`]), and values are compared only when their hashes are equal. The groups of
//! an access diff, the JSON plan's table of grant changes and an access review's computations
//! and table of grants number tens and hundreds of thousands of values this way.

use std::hash::{BuildHasher, Hash};

/// The hash used for [`Distinct`]: the same for equal values, in every run.
pub fn hash(value: impl Hash) -> u64 {
    foldhash::fast::FixedState::default().hash_one(value)
}

/// The distinct values met so far, numbered from 0 in the order they were met, by hash: the
/// caller keeps the values (position `n` is the `n`th distinct value) and says whether the
/// value at a position is the one looked for.
#[derive(Default)]
pub struct Distinct {
    /// The last position recorded with each hash.
    last: foldhash::HashMap<u64, u32>,
    /// Per position, the previous position recorded with the same hash (`u32::MAX`: none).
    previous: Vec<u32>,
}

impl Distinct {
    /// The position of a value met before with `hash` for which `same(position)` holds.
    pub fn find(&self, hash: u64, same: impl Fn(usize) -> bool) -> Option<usize> {
        let mut at = self.last.get(&hash).copied().unwrap_or(u32::MAX);
        while at != u32::MAX {
            if same(at as usize) {
                return Some(at as usize);
            }
            at = self.previous[at as usize];
        }
        None
    }

    /// The position of a value met before with `hash` for which `same(position)` holds, or,
    /// when there is none, `Err(next)` after recording the next position (the number of
    /// distinct values met before) as this value's.
    pub fn find_or_add(&mut self, hash: u64, same: impl Fn(usize) -> bool) -> Result<usize, usize> {
        if let Some(at) = self.find(hash, same) {
            return Ok(at);
        }
        let next = self.previous.len();
        let position = u32::try_from(next).unwrap_or(u32::MAX);
        self.previous
            .push(self.last.insert(hash, position).unwrap_or(u32::MAX));
        Err(next)
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
                .find_or_add(0, |at| table[at] == v)
                .unwrap_or_else(|next| {
                    table.push(v);
                    next
                });
            positions.push(at);
        }
        assert_eq!(table, ["a", "b", "c"]);
        assert_eq!(positions, [0, 1, 0, 2, 1]);
        assert_eq!(distinct.find(0, |at| table[at] == "c"), Some(2));
        assert_eq!(distinct.find(0, |at| table[at] == "d"), None);
        assert_eq!(hash("a"), hash("a"));
    }
}
