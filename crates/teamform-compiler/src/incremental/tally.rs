//! The counts that the guardrails compare with their limits, kept across edits: who is a
//! super admin, and per kind of seat how many each user holds. An edit of a user changes the
//! counts by the difference between their old and new definition, so that checking
//! `max_super_admins` and seat capacity costs the size of the answer, not of the org.

use crate::UserId;
use std::collections::BTreeSet;
use teamform_model::{Seat, User};

/// The super admins and the seats held, by user.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    /// The users with `super_admin = true`, in policy order.
    admins: BTreeSet<UserId>,
    /// Per kind of seat (by [`Seat::ALL`] order), the seats each user holds.
    seats: Vec<Counts>,
}

impl Tally {
    /// The counts of `users`.
    pub(crate) fn new(users: &[User]) -> Tally {
        let mut seats: Vec<Counts> = Seat::ALL.iter().map(|_| Counts::new(users.len())).collect();
        let mut admins = BTreeSet::new();
        for (i, user) in users.iter().enumerate() {
            let id = UserId(u32::try_from(i).unwrap_or(u32::MAX));
            if user.is_super_admin() {
                admins.insert(id);
            }
            for seat in &user.seats {
                seats[seat.value as usize].add(i, 1);
            }
        }
        Tally { admins, seats }
    }

    /// Takes the change of user `id` from `old` to `new` into the counts.
    pub(crate) fn replace(&mut self, id: UserId, old: &User, new: &User) {
        if old.is_super_admin() {
            self.admins.remove(&id);
        }
        if new.is_super_admin() {
            self.admins.insert(id);
        }
        for seat in &old.seats {
            self.seats[seat.value as usize].add(id.index(), -1);
        }
        for seat in &new.seats {
            self.seats[seat.value as usize].add(id.index(), 1);
        }
    }

    /// The super admins, in policy order.
    pub(crate) fn admins(&self) -> impl ExactSizeIterator<Item = UserId> + '_ {
        self.admins.iter().copied()
    }

    /// How many `seat` seats the users hold in all.
    pub(crate) fn held(&self, seat: Seat) -> usize {
        self.seats[seat as usize].total()
    }

    /// The `n`th (from 0) `seat` seat in policy order, counting each user's seats in the
    /// order written: the user holding it, and which of their `seat` seats it is.
    pub(crate) fn nth(&self, seat: Seat, n: usize) -> Option<(UserId, usize)> {
        let (user, before) = self.seats[seat as usize].find(n)?;
        Some((UserId(u32::try_from(user).ok()?), n - before))
    }
}

/// Counts per user in a Fenwick tree: a count changes, a prefix is summed and the user at a
/// given running total is found in logarithmic time.
#[derive(Debug)]
struct Counts {
    /// `tree[i]` sums the counts of users `i - lowbit(i) .. i` (1-based).
    tree: Vec<i64>,
    total: i64,
}

impl Counts {
    fn new(users: usize) -> Counts {
        Counts {
            tree: vec![0; users + 1],
            total: 0,
        }
    }

    fn add(&mut self, user: usize, by: i64) {
        self.total += by;
        let mut i = user + 1;
        while i < self.tree.len() {
            self.tree[i] += by;
            i += i & i.wrapping_neg();
        }
    }

    fn total(&self) -> usize {
        usize::try_from(self.total).unwrap_or(0)
    }

    /// The user whose counts hold the `n`th unit (from 0), with the sum of the counts of the
    /// users before them.
    fn find(&self, n: usize) -> Option<(usize, usize)> {
        let n = i64::try_from(n).ok()?;
        if n >= self.total {
            return None;
        }
        // Descend the tree: `at` is the number of users whose counts sum to `before` <= n.
        let (mut at, mut before) = (0, 0);
        let mut step = (self.tree.len()).next_power_of_two();
        while step > 0 {
            let next = at + step;
            if next < self.tree.len() && before + self.tree[next] <= n {
                at = next;
                before += self.tree[next];
            }
            step /= 2;
        }
        Some((at, usize::try_from(before).ok()?))
    }
}

#[cfg(test)]
mod tests {
    use super::Counts;

    #[test]
    fn the_nth_unit_is_found_in_user_order() {
        let per_user = [0, 2, 0, 1, 3, 0, 1];
        let mut counts = Counts::new(per_user.len());
        for (i, n) in per_user.iter().enumerate() {
            counts.add(i, *n);
        }
        let mut expected = Vec::new();
        let mut before = 0;
        for (user, n) in per_user.iter().enumerate() {
            for _ in 0..*n {
                expected.push(Some((user, before as usize)));
            }
            before += n;
        }
        expected.push(None);
        let found: Vec<_> = (0..expected.len()).map(|n| counts.find(n)).collect();
        assert_eq!(found, expected);
        counts.add(4, -3);
        assert_eq!(counts.find(3), Some((6, 3)));
        assert_eq!(counts.total(), 4);
    }
}
