//! A holder snapshot: token balances by holder at the proposal's snapshot
//! block ([`crate::io::holders`] reads them from CSV or JSON).

use std::hash::BuildHasher;

use hashbrown::hash_table::{Entry, HashTable};

use crate::amount::Amount;
use crate::vote::Voter;

/// Token balances by holder.
///
/// Holders are kept in the order they were added (a file's row order) and
/// numbered `0..len()` in that order; lookups by address go through a hash
/// index. Iteration is therefore deterministic, but nothing in the crate
/// depends on it.
///
/// The index holds `u32` positions in two tables, one per half of the
/// hash space, so that a large snapshot read on the fast path has its
/// index built on two threads (`Holders::from_entries`). foldhash,
/// seeded per snapshot: several times faster than SipHash on addresses,
/// and an adversarial file cannot aim at one table layout; the order of
/// the holders does not depend on it.
#[derive(Clone, Debug, Default)]
pub struct Holders {
    entries: Vec<(Voter, Amount)>,
    shards: [HashTable<u32>; SHARDS],
    state: foldhash::fast::RandomState,
    total: Amount,
}

/// Index tables (and threads that build them).
const SHARDS: usize = 2;

/// The table of a hash: bit 40 (hashbrown places entries by the low bits
/// and tags them with the top seven, so neither loses entropy).
fn shard(hash: u64) -> usize {
    (hash >> 40) as usize % SHARDS
}

/// Why holders could not be added.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NotAdded {
    /// The holder is listed already.
    Duplicate,
    /// The total supply would not fit `u128` base units.
    TotalOverflow,
    /// More holders than `u32` positions (4,294,967,295).
    TooMany,
}

impl NotAdded {
    /// What overflowed, for [`crate::Error::overflow`].
    pub(crate) fn what(self) -> &'static str {
        match self {
            NotAdded::Duplicate => "a holder listed twice",
            NotAdded::TotalOverflow => "the total supply of the snapshot",
            NotAdded::TooMany => "the number of holders (at most 4,294,967,295)",
        }
    }
}

impl Holders {
    /// Builds a snapshot from pairs; `None` if an address repeats or the
    /// total overflows.
    pub fn from_balances(pairs: impl IntoIterator<Item = (Voter, Amount)>) -> Option<Holders> {
        let pairs = pairs.into_iter();
        let mut h = Holders::with_capacity(pairs.size_hint().0);
        for (voter, amount) in pairs {
            h.insert(voter, amount).ok()?;
        }
        Some(h)
    }

    /// An empty snapshot with room for `n` holders.
    pub(crate) fn with_capacity(n: usize) -> Holders {
        let per_shard = n / SHARDS + n / 16;
        Holders {
            entries: Vec::with_capacity(n),
            shards: std::array::from_fn(|_| HashTable::with_capacity(per_shard)),
            state: foldhash::fast::RandomState::default(),
            total: Amount::ZERO,
        }
    }

    /// The snapshot of `entries` in their order, its index built on two
    /// threads: the same snapshot as inserting them one by one, or a
    /// reason that would have stopped that (not necessarily the earliest
    /// row's: a reader then reads the file the careful way, which reports
    /// the row).
    pub(crate) fn from_entries(entries: Vec<(Voter, Amount)>) -> Result<Holders, NotAdded> {
        u32::try_from(entries.len()).map_err(|_| NotAdded::TooMany)?;
        let mut total = Amount::ZERO;
        for (_, amount) in &entries {
            total = total.checked_add(*amount).ok_or(NotAdded::TotalOverflow)?;
        }
        let state = foldhash::fast::RandomState::default();
        let capacity = entries.len() / SHARDS + entries.len() / 16;
        // Each thread indexes the holders of its half of the hash space;
        // a repeated holder is found by the thread that owns its hash.
        let build = |me: usize| -> Result<HashTable<u32>, usize> {
            let mut table = HashTable::with_capacity(capacity);
            let rehash = |&j: &u32| state.hash_one(&entries[j as usize].0);
            for (i, (voter, _)) in entries.iter().enumerate() {
                let hash = state.hash_one(voter);
                if shard(hash) != me {
                    continue;
                }
                match table.entry(hash, |&j| entries[j as usize].0 == *voter, rehash) {
                    Entry::Occupied(_) => return Err(i),
                    Entry::Vacant(slot) => {
                        slot.insert(i as u32);
                    }
                }
            }
            Ok(table)
        };
        let (first, second) = crate::parallel::both(|| build(0), || build(1));
        let shards = match (first, second) {
            (Ok(a), Ok(b)) => [a, b],
            // The one-by-one insertion stops at the earliest repeat, and
            // checks the total before it (an overflow there comes first).
            _ => return Err(NotAdded::Duplicate),
        };
        Ok(Holders {
            entries,
            shards,
            state,
            total,
        })
    }

    pub(crate) fn insert(&mut self, voter: Voter, amount: Amount) -> Result<(), NotAdded> {
        let total = self
            .total
            .checked_add(amount)
            .ok_or(NotAdded::TotalOverflow)?;
        let position = u32::try_from(self.entries.len()).map_err(|_| NotAdded::TooMany)?;
        let hash = self.state.hash_one(&voter);
        let (entries, state) = (&self.entries, &self.state);
        match self.shards[shard(hash)].entry(
            hash,
            |&j| entries[j as usize].0 == voter,
            |&j| state.hash_one(&entries[j as usize].0),
        ) {
            Entry::Occupied(_) => Err(NotAdded::Duplicate),
            Entry::Vacant(slot) => {
                slot.insert(position);
                self.entries.push((voter, amount));
                self.total = total;
                Ok(())
            }
        }
    }

    /// The position of `voter` in [`Holders::iter`]'s order.
    fn position(&self, voter: &Voter) -> Option<usize> {
        let hash = self.state.hash_one(voter);
        self.shards[shard(hash)]
            .find(hash, |&j| self.entries[j as usize].0 == *voter)
            .map(|&j| j as usize)
    }

    /// The holder's balance (zero if absent: it held nothing at the snapshot).
    pub fn balance(&self, voter: &Voter) -> Amount {
        self.position(voter)
            .map_or(Amount::ZERO, |i| self.entries[i].1)
    }

    /// Sum of all balances.
    pub fn total(&self) -> Amount {
        self.total
    }

    /// Number of holders listed.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True if no holder is listed.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Holders and balances, in the order they were added (no other
    /// order is promised).
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&Voter, Amount)> + Clone {
        self.entries.iter().map(|(v, a)| (v, *a))
    }

    /// The number of `voter` in [`Holders::iter`]'s order and its
    /// balance, if listed.
    pub(crate) fn find(&self, voter: &Voter) -> Option<(usize, Amount)> {
        self.position(voter).map(|i| (i, self.entries[i].1))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn voter(k: u16) -> Voter {
        // Addresses (kept as words) and names (kept as text) alike.
        if k % 3 == 0 {
            Voter::new(&format!("name-{k}"))
        } else {
            Voter::new(&format!("0x{:040x}", u64::from(k) * 0x9e37_79b9))
        }
    }

    fn amount() -> impl Strategy<Value = u128> {
        prop_oneof![0u128..1_000_000, (u128::MAX / 4)..=(u128::MAX / 2)]
    }

    proptest! {
        /// The index built on two threads is the one inserting row by row
        /// builds: same order, balances, positions and total, and it
        /// refuses what row by row refuses.
        #[test]
        fn entries_indexed_together_equal_entries_inserted_one_by_one(
            rows in proptest::collection::vec((0u16..400, amount()), 0..300),
        ) {
            let entries: Vec<(Voter, Amount)> = rows
                .iter()
                .map(|&(k, a)| (voter(k), Amount::from_base_units(a)))
                .collect();
            let mut one_by_one = Holders::default();
            let inserted = entries
                .iter()
                .try_for_each(|(v, a)| one_by_one.insert(v.clone(), *a));
            let together = Holders::from_entries(entries.clone());
            prop_assert_eq!(inserted.is_ok(), together.is_ok());
            let Ok(together) = together else { return Ok(()) };
            prop_assert_eq!(together.len(), entries.len());
            prop_assert_eq!(together.total(), one_by_one.total());
            let listed: Vec<(Voter, Amount)> = together.iter().map(|(v, a)| (v.clone(), a)).collect();
            prop_assert_eq!(&listed, &entries);
            for k in 0..400 {
                let v = voter(k);
                prop_assert_eq!(together.find(&v), one_by_one.find(&v));
                prop_assert_eq!(together.balance(&v), one_by_one.balance(&v));
            }
        }
    }

    #[test]
    fn a_large_snapshot_finds_every_holder_and_each_repeat() {
        let n = 50_000u64;
        let address =
            |i: u64| Voter::new(&format!("0x{:040x}", i.wrapping_mul(0x9e37_79b9_7f4a_7c15)));
        let entries: Vec<(Voter, Amount)> = (0..n)
            .map(|i| (address(i), Amount::from_base_units(u128::from(i))))
            .collect();
        let h = Holders::from_entries(entries.clone()).expect("distinct holders");
        assert_eq!(
            h.total(),
            Amount::from_base_units(u128::from(n * (n - 1) / 2))
        );
        for i in (0..n).step_by(7) {
            assert_eq!(
                h.find(&address(i)),
                Some((i as usize, Amount::from_base_units(u128::from(i))))
            );
        }
        assert_eq!(h.balance(&Voter::new("0xabc")), Amount::ZERO);
        // A repeat anywhere (either half of the hash space) is refused.
        for repeat in [0u64, 1, n / 2, n - 1] {
            let mut with_repeat = entries.clone();
            with_repeat.push((address(repeat), Amount::ZERO));
            assert_eq!(
                Holders::from_entries(with_repeat).err(),
                Some(NotAdded::Duplicate)
            );
        }
        let mut overflowing = entries;
        overflowing.push((Voter::new("whale"), Amount::from_base_units(u128::MAX)));
        assert_eq!(
            Holders::from_entries(overflowing).err(),
            Some(NotAdded::TotalOverflow)
        );
    }
}
