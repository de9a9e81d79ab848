//! The review's table of grants: every grant held by a user, worded once, and for each
//! computation of grants the positions of its grants in the table. `review.json` lists the
//! table once and each user's grants as positions.
//!
//! A user's grants come in two parts ([`teamform_plan::Holdings`]): those through the role
//! alone, the same for every user with the same role key ([`RolePart`], numbered once), and
//! those through the teams, numbered per computation. The two are merged in the order plans
//! list grants ([`teamform_plan::canonical`]), and grants are numbered in the order they are
//! met, so the table is the same as if each user's whole list had been numbered.

use rayon::prelude::*;
use teamform_plan::distinct::{Distinct, hash};
use teamform_plan::{GrantChange, canonical};

use crate::types::HeldGrant;

/// A grant of a computation: its hash, itself, and its number when it was met before.
type Sorted<'g> = (u64, &'g GrantChange, Option<u32>);

/// The grants through one role key, in order, with their hashes and, once met, their numbers.
pub(crate) struct RolePart {
    grants: Vec<GrantChange>,
    hashes: Vec<u64>,
    numbers: Vec<Option<u32>>,
}

/// The review's table of grants, each worded once: the grants of every computation, in the
/// order they are met. Grants are numbered first (by value: computations share many), then
/// worded, and grants worded the same share a position.
#[derive(Default)]
pub(crate) struct Table {
    /// The grants as `review.json` lists them.
    pub(crate) table: Vec<HeldGrant>,
    /// The position of each wording.
    by_text: foldhash::HashMap<HeldGrant, u32>,
    /// Every distinct grant met, by number.
    met: Vec<GrantChange>,
    /// The numbers of `met`, by hash.
    numbered: Distinct,
    /// The position in `table` of each grant of `met` worded so far.
    at: Vec<u32>,
}

impl Table {
    /// The grants through a role key (sorted), hashed.
    pub(crate) fn role_part(grants: Vec<GrantChange>) -> RolePart {
        let hashes = grants.iter().map(hash).collect();
        RolePart {
            numbers: vec![None; grants.len()],
            hashes,
            grants,
        }
    }

    /// Interns the grants through the teams of consecutive computations (`made`, each sorted)
    /// with those through their role keys (`role_of`, numbers into `roles`): they are hashed
    /// and looked up on every thread, numbered in order, the new ones worded on every thread.
    /// Returns, per computation, the positions of its grants in the table.
    pub(crate) fn place(
        &mut self,
        made: &[Vec<GrantChange>],
        role_of: &[u32],
        roles: &mut [RolePart],
    ) -> Vec<Vec<u32>> {
        let table: &Table = self;
        let sorted: Vec<Vec<Sorted<'_>>> = made.par_iter().map(|held| table.sorted(held)).collect();
        let numbers: Vec<Vec<u32>> = sorted
            .iter()
            .zip(role_of)
            .map(|(teams, r)| self.numbers(&mut roles[*r as usize], teams))
            .collect();
        self.word_new();
        numbers
            .iter()
            .map(|n| n.iter().map(|i| self.at[*i as usize]).collect())
            .collect()
    }

    /// The grants of a computation riskiest first, as plans list them, each with its hash
    /// and its number when it was met before.
    fn sorted<'g>(&self, held: &'g [GrantChange]) -> Vec<Sorted<'g>> {
        let mut held: Vec<&GrantChange> = held.iter().collect();
        // Holdings come in this order already; the check costs a comparison per grant.
        if !held.is_sorted_by(|a, b| canonical(a, b).is_le()) {
            held.sort_by(|a, b| canonical(a, b));
        }
        held.into_iter()
            .map(|g| {
                let hash = hash(g);
                (hash, g, self.find(hash, g))
            })
            .collect()
    }

    /// The number of `g`, when it was met.
    fn find(&self, hash: u64, g: &GrantChange) -> Option<u32> {
        let n = self.numbered.find(hash, |at| self.met[at] == *g)?;
        Some(n as u32)
    }

    /// The numbers of the grants of `role` and `teams` merged in order; grants not met before
    /// get the next numbers.
    fn numbers(&mut self, role: &mut RolePart, teams: &[Sorted<'_>]) -> Vec<u32> {
        let mut out = Vec::with_capacity(role.grants.len() + teams.len());
        let (mut i, mut j) = (0, 0);
        loop {
            let from_role = match (role.grants.get(i), teams.get(j)) {
                (Some(r), Some((_, t, _))) => canonical(r, t).is_le(),
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            if from_role {
                let n = match role.numbers[i] {
                    Some(n) => n,
                    None => self.number(role.hashes[i], &role.grants[i]),
                };
                role.numbers[i] = Some(n);
                out.push(n);
                i += 1;
            } else {
                let (hash, g, found) = teams[j];
                out.push(found.unwrap_or_else(|| self.number(hash, g)));
                j += 1;
            }
        }
        out
    }

    /// The number of `g`, the next one when it was not met before.
    fn number(&mut self, hash: u64, g: &GrantChange) -> u32 {
        let met = &mut self.met;
        let n = self
            .numbered
            .find_or_add(hash, |at| met[at] == *g)
            .unwrap_or_else(|next| {
                met.push(g.clone());
                next
            });
        n as u32
    }

    /// Words the grants met since the last call, on every thread, and places them.
    fn word_new(&mut self) {
        let words: Vec<HeldGrant> = self.met[self.at.len()..]
            .par_iter()
            .map(|g| HeldGrant {
                grant: g.grant.text(),
                via: g.via.text(),
                risk: g.risk,
            })
            .collect();
        for w in words {
            let table = &mut self.table;
            let i = *self.by_text.entry(w).or_insert_with_key(|w| {
                table.push(w.clone());
                u32::try_from(table.len() - 1).unwrap_or(u32::MAX)
            });
            self.at.push(i);
        }
    }
}
