//! Each voter's latest vote ([`VoteSet::latest_per_voter`]), on every
//! core, keyed by 64-bit hashes of the voters.
//!
//! Voters are spread over the threads by their hash, so all the votes of
//! one voter meet in one thread, in file order, and the rule is applied to
//! them exactly as a one-thread pass applies it: the greatest `cast_at`
//! when both votes have one, else the later in the file. The table holds
//! only vote indices keyed by the hashes (which a reader computes while
//! the voter's text is in cache); the votes themselves are read only when
//! two hashes are equal (a voter's later vote, or a rare collision, which
//! the exact comparison of the voters then tells apart). Which thread sees
//! which voter changes nothing but the work each does.
//!
//! [`VoteSet::latest_per_voter`]: super::VoteSet::latest_per_voter

use std::hash::BuildHasher;

use hashbrown::hash_table::{Entry, HashTable};

use super::{Vote, Voter};

/// From this many votes the hashes and the search use every core.
pub(super) const PARALLEL_VOTES: usize = crate::parallel::PARALLEL_ITEMS;

/// The hash of a vote without a voter (fixture votes; never merged). A
/// voter whose hash happens to be this value is still told apart: the
/// vote itself is looked at for this one value.
const ANONYMOUS: u64 = 0;

/// The hash votes are keyed by (fixed seed: nothing depends on the run).
pub(crate) fn voter_hash(voter: Option<&Voter>) -> u64 {
    voter.map_or(ANONYMOUS, |v| {
        foldhash::fast::FixedState::with_seed(0x5eed_9e37_79b9_7f4a).hash_one(v)
    })
}

/// Every vote's [`voter_hash`], on two threads for large sets.
pub(super) fn hashes(votes: &[Vote]) -> Vec<u64> {
    crate::parallel::map_all(votes.len(), PARALLEL_VOTES, |i| {
        voter_hash(votes[i].voter.as_ref())
    })
}

/// The indices of the votes a later (or newer) vote of the same voter
/// replaces, in no particular order. `hashes[i]` is `votes[i]`'s
/// [`voter_hash`] (any hash of the voter, as long as equal voters hash
/// alike and a vote without a voter has [`ANONYMOUS`]).
pub(super) fn replaced(votes: &[Vote], hashes: &[u64]) -> Vec<usize> {
    assert_eq!(votes.len(), hashes.len(), "one hash per vote");
    let threads = if votes.len() < PARALLEL_VOTES {
        1
    } else {
        crate::parallel::threads()
    };
    if threads == 1 {
        return replaced_by(votes, hashes, 0, 1);
    }
    std::thread::scope(|s| {
        let handles: Vec<_> = (1..threads)
            .map(|t| s.spawn(move || replaced_by(votes, hashes, t, threads)))
            .collect();
        let mut all = replaced_by(votes, hashes, 0, threads);
        for h in handles {
            all.extend(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        }
        all
    })
}

/// The thread that handles a hash, from bits 24 to 55: the table's index
/// takes the low bits and its tag the top seven.
fn owner(hash: u64, threads: usize) -> usize {
    ((((hash >> 24) & 0xffff_ffff) * threads as u64) >> 32) as usize
}

/// Whether `this`, read after `earlier`, replaces it: a later or equal
/// `cast_at`, or file order when either has none.
fn replaces(earlier: &Vote, this: &Vote) -> bool {
    match (&earlier.cast_at, &this.cast_at) {
        (Some(earlier), Some(this)) => this >= earlier,
        _ => true,
    }
}

/// The replaced votes among those of thread `t`'s voters.
fn replaced_by(votes: &[Vote], hashes: &[u64], t: usize, threads: usize) -> Vec<usize> {
    let share = votes.len() / threads;
    // Each voter's latest vote, by index (u64 only past 2^32 votes); the
    // hash of an entry is `hashes[index]`.
    let mut latest: HashTable<usize> = HashTable::with_capacity(share + share / 8);
    let mut dropped = Vec::new();
    for (i, &hash) in hashes.iter().enumerate() {
        if owner(hash, threads) != t || (hash == ANONYMOUS && votes[i].voter.is_none()) {
            continue;
        }
        let same = |&j: &usize| hashes[j] == hash && votes[j].voter == votes[i].voter;
        match latest.entry(hash, same, |&j| hashes[j]) {
            Entry::Vacant(slot) => {
                slot.insert(i);
            }
            Entry::Occupied(mut slot) => {
                let j = *slot.get();
                if replaces(&votes[j], &votes[i]) {
                    dropped.push(j);
                    *slot.get_mut() = i;
                } else {
                    dropped.push(i);
                }
            }
        }
    }
    dropped
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::vote::{Attributes, CastAt, Selection};

    fn vote(voter: Option<&str>, at: Option<&str>, line: u64) -> Vote {
        Vote {
            voter: voter.map(Voter::new),
            selection: Selection::Single(1),
            weight: None,
            cast_at: at.map(CastAt::new),
            line,
            attributes: Attributes::new(),
        }
    }

    /// The rule read literally: one map from voter to its latest vote's
    /// index, one pass in file order.
    fn reference(votes: &[Vote]) -> Vec<usize> {
        let mut latest: HashMap<&Voter, usize> = HashMap::new();
        let mut dropped = Vec::new();
        for (i, v) in votes.iter().enumerate() {
            let Some(voter) = &v.voter else { continue };
            match latest.get(voter) {
                None => {
                    latest.insert(voter, i);
                }
                Some(&j) if replaces(&votes[j], v) => {
                    dropped.push(j);
                    latest.insert(voter, i);
                }
                Some(_) => dropped.push(i),
            }
        }
        dropped.sort_unstable();
        dropped
    }

    fn seeded_votes(n: u64) -> Vec<Vote> {
        let mut seed = 7u64;
        let mut votes = Vec::new();
        for line in 0..n {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let at = match seed >> 60 {
                0 => None,
                t => Some((t % 4).to_string()),
            };
            let voter = (seed >> 58 != 1).then(|| format!("0x{:x}", (seed >> 33) % 70_000));
            votes.push(vote(voter.as_deref(), at.as_deref(), line));
        }
        votes
    }

    fn sorted(mut v: Vec<usize>) -> Vec<usize> {
        v.sort_unstable();
        v
    }

    #[test]
    fn hashed_search_on_every_core_equals_the_literal_rule() {
        let votes = seeded_votes(2 * PARALLEL_VOTES as u64 + 3);
        assert!(votes.iter().any(|v| v.voter.is_none()));
        let expected = reference(&votes);
        assert!(expected.len() > 1000);
        let hashes = hashes(&votes);
        assert_eq!(sorted(replaced(&votes, &hashes)), expected);
        for threads in [1, 3] {
            let all: Vec<usize> = (0..threads)
                .flat_map(|t| replaced_by(&votes, &hashes, t, threads))
                .collect();
            assert_eq!(sorted(all), expected, "{threads} threads");
        }
    }

    proptest::proptest! {
        /// On any number of threads and with hashes that collide often
        /// (deliberately weak ones), the same votes are dropped as by the
        /// literal rule.
        #[test]
        fn any_threads_and_weak_hashes_drop_what_the_literal_rule_drops(
            votes in proptest::collection::vec(
                (proptest::option::of(0u8..12), proptest::option::of(0u8..6)),
                0..200,
            ),
            weak in 0u64..3,
            threads in 1usize..=5,
        ) {
            let votes: Vec<Vote> = votes
                .into_iter()
                .enumerate()
                .map(|(k, (voter, at))| {
                    let voter = voter.map(|v| format!("0xA{v}"));
                    vote(voter.as_deref(), at.map(|t| t.to_string()).as_deref(), k as u64)
                })
                .collect();
            let hashes: Vec<u64> = hashes(&votes)
                .into_iter()
                .map(|h| if weak == 0 { h } else { h % weak })
                .collect();
            let all: Vec<usize> = (0..threads)
                .flat_map(|t| replaced_by(&votes, &hashes, t, threads))
                .collect();
            proptest::prop_assert_eq!(sorted(all), reference(&votes));
        }
    }

    #[test]
    fn equal_hashes_of_different_voters_are_told_apart() {
        // Every vote given one hash, the anonymous one included: only the
        // exact comparison can tell the voters apart.
        let votes = vec![
            vote(Some("0xa"), Some("5"), 1),
            vote(Some("0xb"), None, 2),
            vote(None, None, 3),
            vote(Some("0xA"), Some("4"), 4), // older than line 1: dropped
            vote(None, None, 5),
            vote(Some("0xb"), None, 6), // file order: replaces line 2
        ];
        // (A vote without a voter always has the anonymous hash.)
        for hash in [ANONYMOUS, 42] {
            let hashes: Vec<u64> = votes
                .iter()
                .map(|v| if v.voter.is_some() { hash } else { ANONYMOUS })
                .collect();
            assert_eq!(
                sorted(replaced_by(&votes, &hashes, 0, 1)),
                vec![1, 3],
                "hash {hash}"
            );
        }
        assert_eq!(reference(&votes), vec![1, 3]);
    }
}
