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

/// Reads a locks file; amounts in `unit` of a token with `decimals`. A
/// file with an `event_name` column is a `VotingEscrow` event log instead
/// ([`read_events`]).
pub fn read(path: &Path, unit: AmountUnit, decimals: u8) -> Result<Locks> {
    let mut csv = CsvFile::open(path)?;
    if csv.column(None, &["event_name", "event"], false)?.is_some() {
        return read_events(path);
    }
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

/// Reads Curve `VotingEscrow` event logs in the governor-events shape (one
/// row per event, `event_name` first): `Deposit(provider, value, locktime,
/// type, ts)` adds `value` to the provider's locked amount and, when
/// `locktime` is not 0, sets its end (`create_lock`,
/// `increase_unlock_time`; `deposit_for` and `increase_amount` repeat the
/// current end); `Withdraw(provider, value, ts)` empties the lock. Each
/// event gives the provider's lock from `ts` on; amounts are base units,
/// as the contract emits them. Other events (`Supply`) are not locks and
/// are passed over. A provider's events must be in time order.
pub fn read_events(path: &Path) -> Result<Locks> {
    let mut csv = CsvFile::open(path)?;
    let event = csv.required_column(None, &["event_name", "event"])?;
    let provider = csv.required_column(None, &["provider", "address"])?;
    let value = csv.required_column(None, &["value", "amount"])?;
    let locktime = csv.column(None, &["locktime"], false)?;
    let ts = csv.required_column(None, &["ts", "timestamp"])?;
    let mut current: std::collections::HashMap<Voter, (TokenLock, u64)> =
        std::collections::HashMap::new();
    let mut states = Vec::new();
    let mut record = StringRecord::new();
    while let Some(line) = csv.next_record(&mut record)? {
        let name = record[event].trim();
        if name != "Deposit" && name != "Withdraw" {
            continue;
        }
        let digits = |column: usize| -> Result<u128> {
            let text = record[column].trim().trim_end_matches(".0");
            text.parse().map_err(|_| {
                Error::input(
                    csv.at(line, column),
                    format!("{text:?} is not a whole number"),
                )
            })
        };
        let owner = record[provider].trim();
        if owner.is_empty() {
            return Err(Error::input(
                csv.at(line, provider),
                "the provider is empty",
            ));
        }
        let voter = Voter::new(owner);
        let time = u64::try_from(digits(ts)?)
            .map_err(|_| Error::input(csv.at(line, ts), "too large for unix seconds"))?;
        let (before, last) = current.get(&voter).copied().unwrap_or((
            TokenLock {
                amount: crate::amount::Amount::ZERO,
                end: 0,
            },
            0,
        ));
        if time < last {
            return Err(Error::input(
                csv.at(line, ts),
                format!("{owner}'s events are out of time order ({time} after {last})"),
            ));
        }
        let lock = if name == "Withdraw" {
            TokenLock {
                amount: crate::amount::Amount::ZERO,
                end: 0,
            }
        } else {
            let added = crate::amount::Amount::from_base_units(digits(value)?);
            let amount = before
                .amount
                .checked_add(added)
                .ok_or_else(|| Error::overflow(Some(csv.at(line, value)), "the locked amount"))?;
            let end = match locktime.map(digits).transpose()? {
                Some(0) | None => before.end,
                Some(t) => u64::try_from(t).map_err(|_| {
                    Error::input(csv.at(line, value), "locktime too large for unix seconds")
                })?,
            };
            TokenLock { amount, end }
        };
        current.insert(voter.clone(), (lock, time));
        states.push(LockState {
            voter,
            time: Some(time),
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

    #[test]
    fn voting_escrow_events_give_each_providers_lock_over_time() {
        // create_lock 100 until 2000 at ts 10; increase_amount 50 at 20
        // (locktime repeats 2000); increase_unlock_time to 3000 at 30;
        // withdraw at 40. A Supply event is not a lock.
        let (_dir, path) = write(
            "event_name,provider,value,locktime,type,ts\n\
             Deposit,0xA,100,2000,1,10\n\
             Supply,,100,,,10\n\
             Deposit,0xa,50,2000,2,20\n\
             Deposit,0xa,0,3000,3,30\n\
             Withdraw,0xa,150,,,40\n",
        );
        let locks = read(&path, AmountUnit::Token, 18).unwrap();
        let a = Voter::new("0xa");
        let at = |t| {
            locks
                .at(&a, t)
                .map(|s| (s.lock.amount.base_units(), s.lock.end))
        };
        assert_eq!(at(5), None);
        assert_eq!(at(15), Some((100, 2000)));
        assert_eq!(at(25), Some((150, 2000)));
        assert_eq!(at(35), Some((150, 3000)));
        assert_eq!(at(45), Some((0, 0)));
        // Out of order events are refused with their line.
        let (_dir, path) = write(
            "event_name,provider,value,locktime,type,ts\nDeposit,0xa,1,100,1,20\nDeposit,0xa,1,0,2,10\n",
        );
        let err = read(&path, AmountUnit::Token, 18).unwrap_err().to_string();
        assert!(
            err.contains("line 3") && err.contains("time order"),
            "{err}"
        );
    }
}
