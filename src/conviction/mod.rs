//! Conviction voting, in both of its widely used senses.
//!
//! **Continuous conviction for funding** (1Hive / Commons Stack / Gardens,
//! [`funding`]): tokens staked on a proposal accumulate conviction per block,
//! `y_t = a·y_{t−1} + x_t`; a request passes once conviction exceeds a
//! threshold that grows with the share of the pool requested. Decisions use
//! the 1Hive contract's own fixed point ([`contract`]: `D = 10^7`, `2^128`
//! scaling in the power function, its rounding at every step), so a
//! simulated passing block is the block at which `executeProposal` would
//! succeed. [`FundingFile`] reads parameters (as the contract takes them, or
//! a half-life) and a stake timeline; [`Funding::simulate`] is event-driven.
//!
//! **Lock-multiplier conviction** (Polkadot OpenGov, [`polkadot`],
//! [`curve`], [`referendum`]): a voter multiplies its votes by locking its
//! balance longer ([`Conviction`]: 0.1x unlocked to 6x for 32 lock
//! periods); a [`ReferendumTally`] keeps ayes, nays and support exactly as
//! `pallet-conviction-voting`, with one-hop delegation ([`VoteBook`]); a
//! [`Track`]'s approval and support [`Curve`]s (Perbill arithmetic as
//! `sp-arithmetic`) decide a referendum over its decision and confirm
//! periods; the old democracy pallet's adaptive quorum biasing is
//! [`VoteThreshold`]. [`ReferendumFile`] reads a track and a vote timeline.
//!
//! [`load`] reads either kind of file, telling them apart by their top-level
//! table: `[conviction]` or `[referendum]`.
//!
//! For ordinary proposal files, [`Conviction::votes`] and
//! [`Conviction::lock_periods`] are what a per-vote conviction mechanism
//! needs: `votes(capital)` is the vote's power, `lock_periods()` the lock
//! its voter accepted.

pub mod contract;
pub mod curve;
pub mod funding;
pub mod funding_file;
pub mod polkadot;
pub mod referendum;
pub mod referendum_file;
mod u256;

use std::path::Path;

pub use curve::{Curve, FixedI64, Perbill, Rounding};
pub use funding::{Funding, FundingParams, ParamError, Segment, Simulation, StakeEvent};
pub use funding_file::{FundingFile, FundingOutcome, FundingReport, Request, Timeline};
pub use polkadot::{
    AccountVote, Conviction, ConvictionDelegations, ConvictionError, DemocracyTally,
    ReferendumTally, StandardVote, VoteBook, VoteThreshold, Voting, VotingError,
};
pub use referendum::{
    Action, Confirmation, Lock, RefOutcome, ReferendumDecision, TimedAction, Track,
};
pub use referendum_file::{ReferendumFile, ReferendumReport};

use crate::error::{Error, Location, Result};

/// A conviction file of either kind.
#[derive(Clone, Debug)]
pub enum ConvictionFile {
    /// `[conviction]`: a funding pool and its stake timeline.
    Funding(FundingFile),
    /// `[referendum]`: an OpenGov referendum and its votes.
    Referendum(ReferendumFile),
}

/// Reads a conviction file, choosing its kind by its top-level table:
/// `[conviction]` for funding, `[referendum]` for an OpenGov referendum.
pub fn load(path: impl AsRef<Path>) -> Result<ConvictionFile> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let table: toml::Table = crate::toml_util::parse(path, &text)?;
    match (
        table.contains_key("conviction"),
        table.contains_key("referendum"),
    ) {
        (true, false) => FundingFile::from_toml(path, &text).map(ConvictionFile::Funding),
        (false, true) => ReferendumFile::from_toml(path, &text).map(ConvictionFile::Referendum),
        (true, true) => Err(Error::input(
            Location::file(path),
            "has both [conviction] and [referendum]: one kind per file",
        )),
        (false, false) => Err(Error::input(
            Location::file(path),
            "is neither a funding file ([conviction]) nor a referendum file ([referendum])",
        )),
    }
}

/// The error for a funding-only option (`until`, `series`) given with a
/// referendum file.
pub fn funding_only(option: &str) -> Error {
    Error::invalid(format!(
        "{option} applies to funding files ([conviction]), not to referendum files ([referendum])"
    ))
}
