//! Reading real exports: vote files, holder snapshots, governor event logs.
//!
//! Architecture invariant: this is the only module that touches the file
//! system for data (the proposal loader reads the TOML itself). Readers
//! stream: CSV records are read one at a time into a reused buffer; JSON is
//! read once into a string and votes are borrowed from it.
//! Every rejected value becomes an [`Error`] naming file, line and field.

pub(crate) mod csv_file;
pub mod csv_votes;
pub mod delegations;
pub mod detect;
pub mod governor_events;
pub mod holders;
pub mod proposal_dir;
pub mod snapshot_json;

use serde::Deserialize;

use crate::amount::{Amount, AmountUnit};
use crate::error::{Error, Location, Result};

pub use governor_events::{GovernorLog, GovernorProposal, OfficialStatus};
pub use holders::{Holders, HoldersSource};

/// The formats a vote file can come in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VoteFormat {
    /// Plain CSV: voter, choice (name or 1-based number), optional weight.
    Csv,
    /// Snapshot hub JSON: a list of votes, a GraphQL response, or a
    /// snapshot.js fixture.
    SnapshotJson,
    /// Governor event logs (`VoteCast` / Aave `VoteEmitted` rows).
    GovernorEvents,
}

/// How the choices of a ballot are shaped, so that a CSV field such as
/// `Alice` can be read as a one-element list for an approval ballot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChoiceShape {
    /// One choice per ballot.
    Single,
    /// A list of choices per ballot.
    List,
    /// A weight per choice.
    Weighted,
}

/// Column names of a vote CSV; `None` means "use the default names".
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoteColumns {
    /// Voter column (default: voter, address, member).
    pub voter: Option<String>,
    /// Choice column (default: choice).
    pub choice: Option<String>,
    /// Weight column (default: weight, votes, vp, balance; optional).
    pub weight: Option<String>,
    /// Proposal id column (default: proposal_id, proposal; optional).
    pub proposal: Option<String>,
    /// Time column used to find a voter's latest vote (default: created,
    /// timestamp; optional).
    pub created: Option<String>,
    /// Conviction column for the `conviction` mechanism (default:
    /// conviction; optional).
    pub conviction: Option<String>,
}

/// Normalises a proposal id as exporters write it: `43.0` and `43` are the
/// same proposal (pandas writes integer columns with gaps as floats).
pub fn normalize_proposal_id(id: &str) -> String {
    let id = id.trim();
    if let Some((int, frac)) = id.split_once('.') {
        if !int.is_empty()
            && int.bytes().all(|b| b.is_ascii_digit())
            && !frac.is_empty()
            && frac.bytes().all(|b| b == b'0')
        {
            return normalize_proposal_id(int);
        }
    }
    if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) {
        let t = id.trim_start_matches('0');
        return if t.is_empty() { "0".into() } else { t.into() };
    }
    id.to_string()
}

/// Parses an amount field, naming file, line and field on failure.
pub(crate) fn parse_amount(
    text: &str,
    unit: AmountUnit,
    decimals: u8,
    at: impl FnOnce() -> Location,
) -> Result<Amount> {
    Amount::parse(text, unit, decimals).map_err(|e| Error::input(at(), e.to_string()))
}

/// Tracks the proposal ids seen in a multi-proposal file when the user did
/// not pick one, so a file with several proposals is an error rather than
/// a silent mix.
#[derive(Default)]
pub(crate) struct SingleProposalGuard {
    first: Option<String>,
}

impl SingleProposalGuard {
    pub fn check(&mut self, id: &str, at: impl FnOnce() -> Location) -> Result<()> {
        match &self.first {
            None => {
                self.first = Some(id.to_string());
                Ok(())
            }
            Some(first) if first == id => Ok(()),
            Some(first) => Err(Error::input(
                at(),
                format!(
                    "the file holds votes of several proposals ({first:?}, {id:?}, ...): \
                     set `proposal_id` in [votes] to pick one"
                ),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proposal_ids_normalise_float_exports() {
        assert_eq!(normalize_proposal_id("43.0"), "43");
        assert_eq!(normalize_proposal_id("43"), "43");
        assert_eq!(normalize_proposal_id(" 007 "), "7");
        assert_eq!(normalize_proposal_id("43.5"), "43.5");
        assert_eq!(normalize_proposal_id("QmWaFX"), "QmWaFX");
    }
}
