//! Identities: which wallets belong to one person, for sybil-resistant
//! quadratic voting. A CSV `address,identity` (header names configurable
//! by position: first column address, second identity).
//!
//! Addresses that did not vote are simply unused; an address listed twice
//! is an error (it would belong to two people).

use std::collections::HashMap;
use std::path::Path;

use csv::StringRecord;

use crate::error::{Error, Result};
use crate::io::csv_file::CsvFile;
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

    /// Reads `address,identity` rows.
    pub fn read(path: &Path) -> Result<Identities> {
        let mut csv = CsvFile::open(path)?;
        let address = csv.required_column(None, &["address", "wallet", "voter"])?;
        let identity = csv.required_column(None, &["identity", "person", "id"])?;
        let mut by_wallet = HashMap::new();
        let mut first_line: HashMap<Voter, u64> = HashMap::new();
        let mut record = StringRecord::new();
        while let Some(line) = csv.next_record(&mut record)? {
            let wallet = record[address].trim();
            let id = record[identity].trim();
            if wallet.is_empty() {
                return Err(Error::input(csv.at(line, address), "the address is empty"));
            }
            if id.is_empty() {
                return Err(Error::input(
                    csv.at(line, identity),
                    "the identity is empty",
                ));
            }
            let voter = Voter::new(wallet);
            if let Some(first) = first_line.insert(voter.clone(), line) {
                return Err(Error::input(
                    csv.at(line, address),
                    format!("{wallet} is listed twice (first on line {first})"),
                ));
            }
            by_wallet.insert(voter, id.to_string());
        }
        Ok(Identities { by_wallet })
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
