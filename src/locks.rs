//! Token locks for vote-escrow voting: an amount locked until an end
//! time, and each address's lock history ([`crate::io::locks`] reads them
//! from a file; [`crate::mechanism`]'s vote-escrow prices them).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::amount::Amount;
use crate::vote::Voter;

/// A lock: an amount until an end time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TokenLock {
    /// Locked base units.
    pub amount: Amount,
    /// When it ends, unix seconds (as written; rounded by [`crate::mechanism::Escrow`]).
    pub end: u64,
}

/// One row of a locks file: an address's lock from `time` on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockState {
    /// Whose lock.
    pub voter: Voter,
    /// Since when this is the address's lock (unix seconds); `None`: the
    /// file has no time column and later rows replace earlier ones.
    pub time: Option<u64>,
    /// The lock (amount 0: withdrawn).
    pub lock: TokenLock,
    /// Line in the file.
    pub line: u64,
}

/// Locks by address, with their history ([`crate::io::locks`] reads them).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Locks {
    source: PathBuf,
    by_voter: HashMap<Voter, Vec<LockState>>,
}

impl Locks {
    /// From rows in file order; `source` names them in errors.
    pub fn from_states(source: impl Into<PathBuf>, states: Vec<LockState>) -> Locks {
        let mut by_voter: HashMap<Voter, Vec<LockState>> = HashMap::new();
        for s in states {
            by_voter.entry(s.voter.clone()).or_default().push(s);
        }
        for list in by_voter.values_mut() {
            // Stable: equal times keep file order, the later row wins.
            list.sort_by_key(|s| s.time);
        }
        Locks {
            source: source.into(),
            by_voter,
        }
    }

    /// The file they came from.
    pub fn source(&self) -> &Path {
        &self.source
    }

    /// Number of addresses listed.
    pub fn len(&self) -> usize {
        self.by_voter.len()
    }

    /// True if no address is listed.
    pub fn is_empty(&self) -> bool {
        self.by_voter.is_empty()
    }

    /// The address's latest state at `t`: its last row with no time or a
    /// time at or before `t`.
    pub fn at(&self, voter: &Voter, t: u64) -> Option<&LockState> {
        self.by_voter
            .get(voter)?
            .iter()
            .rev()
            .find(|s| s.time.is_none_or(|time| time <= t))
    }
}
