//! Each voter's latest vote, as [`VoteSet::latest_per_voter`] keeps it,
//! for the parts the fast path read: on every core, without reading a
//! voter's text again.
//!
//! Voters are spread over the threads by their hash, so all the votes of
//! one voter meet in one thread, in file order, and the rule is applied to
//! them exactly as the one-thread pass applies it: the greatest `cast_at`
//! when both votes have one, else the later in the file. The map is keyed
//! by the hash the parser computed while the voter's text was in cache;
//! the text is compared only when two hashes are equal. Which thread sees
//! which voter changes nothing but the work each does.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::path::PathBuf;

use super::fast::Rows;
use crate::vote::{Vote, VoteSet, Voter};

/// A voter in the map: its hash and where its latest vote is.
struct Key<'a> {
    hash: u64,
    voter: &'a Voter,
}

impl Hash for Key<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

impl PartialEq for Key<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.hash == other.hash && self.voter == other.voter
    }
}

impl Eq for Key<'_> {}

/// The hash is already a hash: passed through.
#[derive(Default)]
struct Passed(u64);

impl Hasher for Passed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// The thread that handles a hash (bits the map's index and tag do not
/// use first).
fn owner(hash: u64, threads: usize) -> usize {
    (((hash >> 32) & 0xffff_ffff) * threads as u64 >> 32) as usize
}

/// The votes that count, one per voter, in file order; `threads` only
/// spreads the work.
pub(super) fn latest_per_voter(source: PathBuf, rows: Rows, threads: usize) -> VoteSet {
    let Rows {
        mut votes, hashes, ..
    } = rows;
    let total = votes.len();
    let threads = threads.clamp(1, 8).min(total / (64 << 10) + 1);
    let dropped: Vec<Vec<usize>> = std::thread::scope(|s| {
        let (votes, hashes) = (&votes, &hashes);
        let handles: Vec<_> = (1..threads)
            .map(|t| s.spawn(move || replaced(votes, hashes, t, threads)))
            .collect();
        let mut all = vec![replaced(votes, hashes, 0, threads)];
        for h in handles {
            all.push(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        }
        all
    });
    let mut keep = vec![true; total];
    let mut replaced_count = 0u64;
    for i in dropped.into_iter().flatten() {
        keep[i] = false;
        replaced_count += 1;
    }
    if replaced_count > 0 {
        let mut flags = keep.into_iter();
        votes.retain(|_| flags.next().expect("one flag per vote"));
    }
    VoteSet {
        source,
        votes,
        read: total as u64,
        replaced: replaced_count,
    }
}

/// The votes of thread `t`'s voters that a later (or newer) vote
/// replaces.
fn replaced(votes: &[Vote], hashes: &[u64], t: usize, threads: usize) -> Vec<usize> {
    let share = votes.len() / threads;
    let mut latest: HashMap<Key<'_>, usize, BuildHasherDefault<Passed>> =
        HashMap::with_capacity_and_hasher(share + share / 8, Default::default());
    let mut dropped = Vec::new();
    for (i, (vote, &hash)) in votes.iter().zip(hashes).enumerate() {
        if owner(hash, threads) != t {
            continue;
        }
        let Some(voter) = &vote.voter else { continue };
        match latest.entry(Key { hash, voter }) {
            Entry::Vacant(slot) => {
                slot.insert(i);
            }
            Entry::Occupied(mut slot) => {
                let j = *slot.get();
                let newer = match (&votes[j].cast_at, &vote.cast_at) {
                    (Some(earlier), Some(this)) => this >= earlier,
                    _ => true,
                };
                if newer {
                    dropped.push(j);
                    slot.insert(i);
                } else {
                    dropped.push(i);
                }
            }
        }
    }
    dropped
}
