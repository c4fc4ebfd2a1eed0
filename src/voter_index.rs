//! [`VoterIndex`]: voters numbered in order of insertion and found by
//! hash, the one index behind a holder snapshot and a delegation graph.
//!
//! The index holds `u32` numbers (half an `IndexMap`'s `usize`) in two
//! hashbrown tables, one per half of the hash space, so that a large
//! snapshot's index is built on two threads ([`VoterIndex::from_voters`]).
//! foldhash, seeded per index: several times faster than SipHash on
//! addresses, and an adversarial file cannot aim at one table layout;
//! the numbering does not depend on it.

use std::hash::BuildHasher;
use std::ops::Index;

use hashbrown::hash_table::{Entry, HashTable};

use crate::vote::Voter;

#[derive(Clone, Debug, Default)]
pub(crate) struct VoterIndex {
    voters: Vec<Voter>,
    shards: [HashTable<u32>; SHARDS],
    state: foldhash::fast::RandomState,
}

/// Index tables (and threads that build them).
const SHARDS: usize = 2;

/// The table of a hash: bit 40 (hashbrown places entries by the low bits
/// and tags them with the top seven, so neither loses entropy).
fn shard(hash: u64) -> usize {
    (hash >> 40) as usize % SHARDS
}

/// What [`VoterIndex::insert`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Inserted {
    /// The voter is new and has this number.
    New(u32),
    /// The voter was there already, with this number.
    Present(u32),
}

impl VoterIndex {
    /// An empty index with room for `n` voters.
    pub(crate) fn with_capacity(n: usize) -> VoterIndex {
        let mut index = VoterIndex::default();
        index.reserve(n);
        index
    }

    /// Room for `n` more voters.
    pub(crate) fn reserve(&mut self, n: usize) {
        self.voters.reserve(n);
        let (voters, state) = (&self.voters, &self.state);
        for table in &mut self.shards {
            table.reserve(n / SHARDS + n / 16, |&j| {
                state.hash_one(&voters[j as usize])
            });
        }
    }

    /// Numbers `voter` if it is new; `None` when every `u32` number is
    /// taken.
    pub(crate) fn insert(&mut self, voter: Voter) -> Option<Inserted> {
        let hash = self.state.hash_one(&voter);
        let (voters, state) = (&self.voters, &self.state);
        match self.shards[shard(hash)].entry(
            hash,
            |&j| voters[j as usize] == voter,
            |&j| state.hash_one(&voters[j as usize]),
        ) {
            Entry::Occupied(slot) => Some(Inserted::Present(*slot.get())),
            Entry::Vacant(slot) => {
                let n = u32::try_from(self.voters.len()).ok()?;
                slot.insert(n);
                self.voters.push(voter);
                Some(Inserted::New(n))
            }
        }
    }

    /// The index of `voters`, numbered in their order, its two tables
    /// built on two threads; `None` if a voter repeats or there are more
    /// than `u32` numbers.
    pub(crate) fn from_voters(voters: Vec<Voter>) -> Option<VoterIndex> {
        u32::try_from(voters.len()).ok()?;
        let state = foldhash::fast::RandomState::default();
        let capacity = voters.len() / SHARDS + voters.len() / 16;
        // Each thread indexes the voters of its half of the hash space; a
        // repeated voter is found by the thread that owns its hash.
        let build = |me: usize| -> Option<HashTable<u32>> {
            let mut table = HashTable::with_capacity(capacity);
            let rehash = |&j: &u32| state.hash_one(&voters[j as usize]);
            for (i, voter) in voters.iter().enumerate() {
                let hash = state.hash_one(voter);
                if shard(hash) != me {
                    continue;
                }
                match table.entry(hash, |&j| voters[j as usize] == *voter, rehash) {
                    Entry::Occupied(_) => return None,
                    Entry::Vacant(slot) => {
                        slot.insert(i as u32);
                    }
                }
            }
            Some(table)
        };
        let (first, second) = crate::parallel::both(|| build(0), || build(1));
        Some(VoterIndex {
            shards: [first?, second?],
            voters,
            state,
        })
    }

    /// The number of `voter`, if it is in the index.
    pub(crate) fn get(&self, voter: &Voter) -> Option<u32> {
        let hash = self.state.hash_one(voter);
        self.shards[shard(hash)]
            .find(hash, |&j| self.voters[j as usize] == *voter)
            .copied()
    }

    /// The voters, by number.
    pub(crate) fn as_slice(&self) -> &[Voter] {
        &self.voters
    }

    pub(crate) fn len(&self) -> usize {
        self.voters.len()
    }
}

impl Index<usize> for VoterIndex {
    type Output = Voter;

    fn index(&self, i: usize) -> &Voter {
        &self.voters[i]
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

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

    proptest! {
        /// Against a plain model: a voter's number is the position of its
        /// first appearance; built together, a repeat is refused.
        #[test]
        fn voters_are_numbered_by_first_appearance(
            keys in proptest::collection::vec(0u16..400, 0..300),
        ) {
            let mut first: HashMap<u16, u32> = HashMap::new();
            let mut one_by_one = VoterIndex::default();
            for &k in &keys {
                let next = first.len() as u32;
                let want = match first.get(&k) {
                    Some(&n) => Inserted::Present(n),
                    None => {
                        first.insert(k, next);
                        Inserted::New(next)
                    }
                };
                prop_assert_eq!(one_by_one.insert(voter(k)), Some(want));
            }
            let together = VoterIndex::from_voters(keys.iter().map(|&k| voter(k)).collect());
            prop_assert_eq!(together.is_some(), first.len() == keys.len());
            for k in 0..400 {
                let want = first.get(&k).copied();
                prop_assert_eq!(one_by_one.get(&voter(k)), want);
                if let Some(together) = &together {
                    prop_assert_eq!(together.get(&voter(k)), want);
                }
            }
        }
    }

    #[test]
    fn a_large_index_finds_every_voter_and_each_repeat() {
        let n = 50_000u64;
        let address =
            |i: u64| Voter::new(&format!("0x{:040x}", i.wrapping_mul(0x9e37_79b9_7f4a_7c15)));
        let voters: Vec<Voter> = (0..n).map(address).collect();
        let index = VoterIndex::from_voters(voters.clone()).expect("distinct voters");
        for i in (0..n).step_by(7) {
            assert_eq!(index.get(&address(i)), Some(i as u32));
            assert_eq!(index[i as usize], address(i));
        }
        assert_eq!(index.get(&Voter::new("0xabc")), None);
        // A repeat anywhere (either half of the hash space) is refused.
        for repeat in [0u64, 1, n / 2, n - 1] {
            let mut with_repeat = voters.clone();
            with_repeat.push(address(repeat));
            assert!(VoterIndex::from_voters(with_repeat).is_none());
        }
        // Inserted one by one past the reserved room, case-insensitive for
        // addresses.
        let mut grown = VoterIndex::with_capacity(2);
        for (i, v) in voters.iter().enumerate() {
            assert_eq!(grown.insert(v.clone()), Some(Inserted::New(i as u32)));
        }
        let upper = address(5)
            .to_string()
            .to_uppercase()
            .replacen("0X", "0x", 1);
        assert_eq!(grown.insert(Voter::new(&upper)), Some(Inserted::Present(5)));
        assert_eq!(grown.len(), n as usize);
        assert_eq!(grown.as_slice()[3], address(3));
    }
}
