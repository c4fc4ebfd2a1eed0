//! [`Nodes`]: the holders a delegation graph names, interned as numbers.

use std::hash::BuildHasher;
use std::ops::Index;

use hashbrown::hash_table::{Entry, HashTable};

use crate::vote::Voter;

/// Interned holders: a node's number is its position, in order of first
/// appearance. The index holds `u32` positions (a graph has fewer than
/// 2^32 nodes: its rows are numbered by `u32` too), half the size of an
/// `IndexSet`'s, which shows when half a million nodes are interned one
/// after the other. foldhash, seeded per graph.
#[derive(Clone, Debug, Default)]
pub(crate) struct Nodes {
    voters: Vec<Voter>,
    index: HashTable<u32>,
    state: foldhash::fast::RandomState,
}

impl Nodes {
    /// Room for `n` more nodes.
    pub(crate) fn reserve(&mut self, n: usize) {
        self.voters.reserve(n);
        let (voters, state) = (&self.voters, &self.state);
        self.index
            .reserve(n, |&j| state.hash_one(&voters[j as usize]));
    }

    /// The number of `voter`, added as a new node if it is not one yet.
    pub(crate) fn intern(&mut self, voter: Voter) -> u32 {
        let hash = self.state.hash_one(&voter);
        let (voters, state) = (&self.voters, &self.state);
        match self.index.entry(
            hash,
            |&j| voters[j as usize] == voter,
            |&j| state.hash_one(&voters[j as usize]),
        ) {
            Entry::Occupied(slot) => *slot.get(),
            Entry::Vacant(slot) => {
                let n = u32::try_from(self.voters.len()).expect("fewer than 2^32 holders");
                slot.insert(n);
                self.voters.push(voter);
                n
            }
        }
    }

    /// The number of `voter`, if it is a node.
    pub(crate) fn get(&self, voter: &Voter) -> Option<u32> {
        let hash = self.state.hash_one(voter);
        self.index
            .find(hash, |&j| self.voters[j as usize] == *voter)
            .copied()
    }

    /// The nodes, by number.
    pub(crate) fn as_slice(&self) -> &[Voter] {
        &self.voters
    }

    pub(crate) fn len(&self) -> usize {
        self.voters.len()
    }
}

impl Index<usize> for Nodes {
    type Output = Voter;

    fn index(&self, i: usize) -> &Voter {
        &self.voters[i]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_are_numbered_in_order_of_first_appearance() {
        let mut nodes = Nodes::default();
        nodes.reserve(2);
        let names = ["b", "0xAA00000000000000000000000000000000000001", "a", "b"];
        let numbers: Vec<u32> = names.iter().map(|n| nodes.intern(Voter::new(n))).collect();
        assert_eq!(numbers, [0, 1, 2, 0]);
        // Past the reserved room, and case-insensitive for addresses.
        for i in 0..10_000u32 {
            assert_eq!(nodes.intern(Voter::new(&format!("n{i}"))), 3 + i);
        }
        assert_eq!(
            nodes.get(&Voter::new("0xaa00000000000000000000000000000000000001")),
            Some(1)
        );
        assert_eq!(nodes.get(&Voter::new("n9999")), Some(10_002));
        assert_eq!(nodes.get(&Voter::new("c")), None);
        assert_eq!(nodes.len(), 10_003);
        assert_eq!(nodes[2], Voter::new("a"));
        assert_eq!(nodes.as_slice()[0], Voter::new("b"));
    }
}
