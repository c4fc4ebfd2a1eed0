//! Identity files: `address,identity` CSV rows (which wallets belong to
//! one person), for identity-merged quadratic voting.

use std::collections::HashMap;
use std::path::Path;

use csv::StringRecord;

use super::csv_file::CsvFile;
use crate::error::{Error, Result};
use crate::identities::Identities;
use crate::vote::Voter;

/// Reads `address,identity` rows (columns `address`/`wallet`/`voter` and
/// `identity`/`person`/`id`); a wallet listed twice is an error naming
/// both lines.
pub fn read(path: &Path) -> Result<Identities> {
    let mut csv = CsvFile::open(path)?;
    let address = csv.required_column(None, &["address", "wallet", "voter"])?;
    let identity = csv.required_column(None, &["identity", "person", "id"])?;
    let mut by_wallet = Vec::new();
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
        by_wallet.push((voter, id.to_string()));
    }
    Ok(Identities::from_pairs(by_wallet).expect("repeats were refused above"))
}
