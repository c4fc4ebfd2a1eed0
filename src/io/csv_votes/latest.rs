//! Each voter's latest vote, as [`VoteSet::latest_per_voter`] keeps it,
//! for the parts the fast path read: on every core, without reading a
//! voter's text again.
//!
//! Voters are spread over the threads by their hash, so all the votes of
//! one voter meet in one thread, in file order, and the rule is applied to
//! them exactly as the one-thread pass applies it: the greatest `cast_at`
//! when both votes have one, else the later in the file. The map is keyed
//! by the hash the parser computed while the voter's text was in cache
//! and holds only vote indices; the text is compared only when two hashes
//! are equal. Which thread sees
//! which voter changes nothing but the work each does.

use std::path::PathBuf;

use hashbrown::hash_table::{Entry, HashTable};

use super::fast::Rows;
use crate::vote::{Vote, VoteSet};

/// The thread that handles a hash, from bits 24 to 55: the table's index
/// takes the low bits and its tag the top seven.
fn owner(hash: u64, threads: usize) -> usize {
    ((((hash >> 24) & 0xffff_ffff) * threads as u64) >> 32) as usize
}

/// The votes that count, one per voter, in file order, found on
/// `threads` threads (which only spreads the work). Every vote of `rows` names its voter (the fast path
/// reads no anonymous votes).
pub(super) fn latest_per_voter(source: PathBuf, rows: Rows, threads: usize) -> VoteSet {
    let Rows {
        mut votes, hashes, ..
    } = rows;
    let total = votes.len();
    if u32::try_from(total).is_err() {
        return VoteSet::latest_per_voter(source, votes);
    }
    let threads = threads.clamp(1, 8);
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
    // Each voter's latest vote, by index: four bytes an entry, so the table
    // stays small; the hash of an entry is `hashes[index]`.
    let mut latest: HashTable<u32> = HashTable::with_capacity(share + share / 8);
    let mut dropped = Vec::new();
    for (i, &hash) in hashes.iter().enumerate() {
        if owner(hash, threads) != t {
            continue;
        }
        // The fast path names every voter (so `Option`s compare as the
        // voters do); the votes themselves are read
        // only when two hashes are equal (a voter's later vote, or a rare
        // collision), so the scan touches the hashes and the table alone.
        let same = |&j: &u32| {
            let j = j as usize;
            hashes[j] == hash && votes[j].voter == votes[i].voter
        };
        match latest.entry(hash, same, |&j| hashes[j as usize]) {
            Entry::Vacant(slot) => {
                slot.insert(i as u32);
            }
            Entry::Occupied(mut slot) => {
                let j = *slot.get() as usize;
                let newer = match (&votes[j].cast_at, &votes[i].cast_at) {
                    (Some(earlier), Some(this)) => this >= earlier,
                    _ => true,
                };
                if newer {
                    dropped.push(j);
                    *slot.get_mut() = i as u32;
                } else {
                    dropped.push(i);
                }
            }
        }
    }
    dropped
}
