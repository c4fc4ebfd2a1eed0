//! Locks files for vote-escrow voting: one row per lock state,
//! `address,amount,end` and optionally `time` (CSV).
//!
//! - `address` (or `provider`, `voter`, `account`): the lock's owner;
//! - `amount` (or `value`, `locked`): the locked amount, in the mechanism's
//!   `unit` (tokens by default; `0` for a withdrawn lock);
//! - `end` (or `locktime`, `unlock_time`, `lock_end`): when the lock ends,
//!   unix seconds;
//! - `time` (or `ts`, `timestamp`), optional: since when this row is the
//!   address's lock, unix seconds.
//!
//! An address may have several rows: its state at the snapshot time is its
//! last row with a `time` at or before it (all rows without a time column:
//! the last row). Every rejected value is an error naming file, line and
//! field.

use std::path::Path;

use csv::StringRecord;

use super::csv_file::CsvFile;
use super::parse_amount;
use crate::amount::AmountUnit;
use crate::error::{Error, Result};
use crate::locks::{LockState, Locks, TokenLock};
use crate::vote::Voter;

/// Reads a locks file; amounts in `unit` of a token with `decimals`.
pub fn read(path: &Path, unit: AmountUnit, decimals: u8) -> Result<Locks> {
    let mut csv = CsvFile::open(path)?;
    let address = csv.required_column(None, &["address", "provider", "voter", "account"])?;
    let amount = csv.required_column(None, &["amount", "value", "locked"])?;
    let end = csv.required_column(None, &["end", "locktime", "unlock_time", "lock_end"])?;
    let time = csv.column(None, &["time", "ts", "timestamp"], false)?;
    let mut states = Vec::new();
    let mut record = StringRecord::new();
    while let Some(line) = csv.next_record(&mut record)? {
        let owner = record[address].trim();
        if owner.is_empty() {
            return Err(Error::input(csv.at(line, address), "the address is empty"));
        }
        let seconds = |column: usize| -> Result<u64> {
            let text = record[column].trim();
            if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
                return Err(Error::input(
                    csv.at(line, column),
                    format!("{text:?} is not a time in unix seconds (digits only)"),
                ));
            }
            text.parse().map_err(|_| {
                Error::input(
                    csv.at(line, column),
                    format!("{text} is too large for unix seconds"),
                )
            })
        };
        let lock = TokenLock {
            amount: parse_amount(&record[amount], unit, decimals, || csv.at(line, amount))?,
            end: seconds(end)?,
        };
        let time = time.map(seconds).transpose()?;
        states.push(LockState {
            voter: Voter::new(owner),
            time,
            lock,
            line,
        });
    }
    Ok(Locks::from_states(path, states))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(content: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("locks.csv");
        std::fs::write(&path, content).unwrap();
        (dir, path)
    }

    #[test]
    fn latest_state_per_address_up_to_t() {
        let (_dir, path) = write(
            "address,amount,end,time\n\
             0xA,100,2000,10\n\
             0xb,5.5,3000,10\n\
             0xa,150,2000,20\n\
             0xa,0,0,40\n",
        );
        let locks = read(&path, AmountUnit::Token, 2).unwrap();
        assert_eq!(locks.len(), 2);
        let a = Voter::new("0xa");
        let at = |t| {
            locks
                .at(&a, t)
                .map(|s| (s.lock.amount.base_units(), s.line))
        };
        assert_eq!(at(5), None);
        assert_eq!(at(15), Some((10_000, 2)));
        assert_eq!(at(30), Some((15_000, 4)));
        assert_eq!(at(40), Some((0, 5)));
        let b = locks.at(&Voter::new("0xB"), 99).unwrap();
        assert_eq!(b.lock.amount.base_units(), 550);
    }

    #[test]
    fn without_time_the_last_row_wins() {
        let (_dir, path) = write("provider,value,locktime\n0xa,1,100\n0xa,2,200\n");
        let locks = read(&path, AmountUnit::Base, 18).unwrap();
        let s = locks.at(&Voter::new("0xa"), 0).unwrap();
        assert_eq!(
            (s.lock.amount.base_units(), s.lock.end, s.line),
            (2, 200, 3)
        );
    }

    #[test]
    fn bad_values_name_file_line_and_field() {
        let (_dir, path) = write("address,amount,end\n0xa,1,100\n0xb,1,next week\n");
        let err = read(&path, AmountUnit::Token, 18).unwrap_err().to_string();
        assert!(err.contains("locks.csv line 3"), "{err}");
        assert!(err.contains("end"), "{err}");
        let (_dir, path) = write("address,amount,end\n0xa,-1,100\n");
        let err = read(&path, AmountUnit::Token, 18).unwrap_err().to_string();
        assert!(err.contains("line 2") && err.contains("amount"), "{err}");
        let (_dir, path) = write("address,end\n0xa,100\n");
        let err = read(&path, AmountUnit::Token, 18).unwrap_err().to_string();
        assert!(err.contains("no amount column"), "{err}");
    }
}
