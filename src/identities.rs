//! Identities: which wallets belong to one person, for sybil-resistant
//! quadratic voting ([`crate::io::identities`] reads them from a CSV; the
//! quadratic mechanism merges them).
//!
//! Addresses that did not vote are simply unused; an address listed twice
//! is an error (it would belong to two people).

use std::collections::HashMap;

use crate::vote::Voter;

/// Wallet → identity.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Identities {
    by_wallet: HashMap<Voter, String>,
}

impl Identities {
    /// From pairs; `None` if a wallet repeats.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (Voter, String)>) -> Option<Identities> {
        let mut by_wallet = HashMap::new();
        for (wallet, id) in pairs {
            if by_wallet.insert(wallet, id).is_some() {
                return None;
            }
        }
        Some(Identities { by_wallet })
    }

    /// The identity of a wallet, if listed.
    pub fn identity_of(&self, wallet: &Voter) -> Option<&str> {
        self.by_wallet.get(wallet).map(String::as_str)
    }

    /// Number of wallets listed.
    pub fn len(&self) -> usize {
        self.by_wallet.len()
    }

    /// True if no wallet is listed.
    pub fn is_empty(&self) -> bool {
        self.by_wallet.is_empty()
    }
}
