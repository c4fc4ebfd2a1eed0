//! Recognising input files by their header: the one place where govkit
//! sniffs a file's format.
//!
//! - Delegation files: an `event_name` (or `event`) column means governor
//!   event logs, a `Has Delegated` column a Decentraland `members.csv`
//!   export, anything else the plain delegation CSV.
//! - Holder snapshots: a CSV with a `Has Delegated` column is a Decentraland
//!   members export (each member's own voting power, summed from its
//!   per-asset columns), unless the caller named the columns to read or the
//!   file is JSON; anything else is an `address,balance` snapshot.

use std::path::Path;

use super::csv_file::CsvFile;
use super::delegations::{DelegationFormat, MembersExport};
use super::holders::{Holders, HoldersSource};
use crate::error::Result;

/// Guesses a delegation file's format from its header.
pub fn delegation_format(path: &Path) -> Result<DelegationFormat> {
    let csv = CsvFile::open(path)?;
    Ok(
        if csv.column(None, &["event_name", "event"], false)?.is_some() {
            DelegationFormat::GovernorEvents
        } else if csv.column(None, &["Has Delegated"], false)?.is_some() {
            DelegationFormat::DecentralandMembers
        } else {
            DelegationFormat::Csv
        },
    )
}

/// What a holder snapshot file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum HoldersFormat {
    /// `address,balance` rows (CSV) or objects (JSON).
    Balances,
    /// A Decentraland `members.csv` export: each member's own voting power.
    DecentralandMembers,
}

/// The format of a holder snapshot: a members export when the source is a
/// CSV with default columns whose header has `Has Delegated`.
pub fn holders_format(source: &HoldersSource) -> Result<HoldersFormat> {
    if source.json || source.address_column.is_some() || source.balance_column.is_some() {
        return Ok(HoldersFormat::Balances);
    }
    Ok(match delegation_format(&source.path)? {
        DelegationFormat::DecentralandMembers => HoldersFormat::DecentralandMembers,
        _ => HoldersFormat::Balances,
    })
}

/// Reads a holder snapshot of either format (see [`holders_format`]);
/// amounts with `decimals` decimals.
pub fn read_holders(source: &HoldersSource, decimals: u8) -> Result<Holders> {
    match holders_format(source)? {
        HoldersFormat::DecentralandMembers => {
            Ok(MembersExport::read(&source.path, decimals)?.holders)
        }
        HoldersFormat::Balances => Holders::read(source, decimals),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> std::path::PathBuf {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn headers_decide_the_format() {
        let dir = tempfile::tempdir().unwrap();
        let csv = write(&dir, "d.csv", "delegator,delegate\na,b\n");
        let ev = write(&dir, "e.csv", "event_name,delegator\nDelegateChanged,a\n");
        let members = write(
            &dir,
            "m.csv",
            "Member,Has Delegated,Delegate,Delegated VP\n0x1,false,,0\n",
        );
        assert_eq!(delegation_format(&csv).unwrap(), DelegationFormat::Csv);
        assert_eq!(
            delegation_format(&ev).unwrap(),
            DelegationFormat::GovernorEvents
        );
        assert_eq!(
            delegation_format(&members).unwrap(),
            DelegationFormat::DecentralandMembers
        );
        assert_eq!(
            holders_format(&HoldersSource::new(&members)).unwrap(),
            HoldersFormat::DecentralandMembers
        );
        let mut named = HoldersSource::new(&members);
        named.balance_column = Some("Delegated VP".into());
        assert_eq!(holders_format(&named).unwrap(), HoldersFormat::Balances);
        assert_eq!(
            holders_format(&HoldersSource::new(&csv)).unwrap(),
            HoldersFormat::Balances
        );
    }
}
