//! Conviction voting, in both of its widely used senses.
//!
//! **Continuous conviction for funding** (1Hive / Commons Stack / Gardens,
//! [`funding`]): tokens staked on a proposal accumulate conviction per block,
//! `y_t = a·y_{t−1} + x_t`; a request passes once conviction exceeds a
//! threshold that grows with the share of the pool requested. Decisions use
//! the 1Hive contract's own fixed point ([`contract`]: `D = 10^7`, `2^128`
//! scaling in the power function, its rounding at every step), so a
//! simulated passing block is the block at which `executeProposal` would
//! succeed. [`FundingFile`] holds parameters (as the contract takes them, or
//! a half-life) and requests, [`TimelineBuilder`] a stake timeline;
//! [`Funding::simulate`] is event-driven.
//!
//! **Lock-multiplier conviction** (Polkadot OpenGov, [`polkadot`],
//! [`curve`], [`referendum`]): a voter multiplies its votes by locking its
//! balance longer ([`Conviction`]: 0.1x unlocked to 6x for 32 lock
//! periods); a [`ReferendumTally`] keeps ayes, nays and support exactly as
//! `pallet-conviction-voting`, with one-hop delegation ([`VoteBook`]); a
//! [`Track`]'s approval and support [`Curve`]s (Perbill arithmetic as
//! `sp-arithmetic`) decide a referendum over its decision and confirm
//! periods; the old democracy pallet's adaptive quorum biasing is
//! [`VoteThreshold`]. [`ReferendumFile`] holds a track and a vote timeline.
//!
//! [`ConvictionFile::from_toml`] validates either kind of file, telling them
//! apart by their top-level table: `[conviction]` or `[referendum]`. The
//! module does no file IO: `io::conviction_files` reads the TOML and the
//! stake timeline CSV and writes the curve CSV.
//!
//! For ordinary proposal files, [`Conviction::votes`] and
//! [`Conviction::lock_periods`] are what a per-vote conviction mechanism
//! needs: `votes(capital)` is the vote's power, `lock_periods()` the lock
//! its voter accepted. [`Conviction`] (in `lock.rs`) is all that the core
//! needs; every other submodule is the simulators', used only by `govkit
//! conviction` (and `io::conviction_files`), so they can sit behind a cargo
//! feature.

mod lock;

pub use lock::{Conviction, ConvictionError};

// The simulators: funding (1Hive) and referendum (OpenGov). Nothing outside
// `conviction`, `io::conviction_files` and `cli::conviction` uses them.
#[cfg(feature = "conviction-sim")]
pub mod contract;
#[cfg(feature = "conviction-sim")]
pub mod curve;
#[cfg(feature = "conviction-sim")]
pub mod file;
#[cfg(feature = "conviction-sim")]
pub mod funding;
#[cfg(feature = "conviction-sim")]
pub mod funding_file;
#[cfg(feature = "conviction-sim")]
pub mod polkadot;
#[cfg(feature = "conviction-sim")]
pub mod referendum;
#[cfg(feature = "conviction-sim")]
pub mod referendum_file;
#[cfg(feature = "conviction-sim")]
mod u256;

#[cfg(feature = "conviction-sim")]
pub use curve::{Curve, FixedI64, Perbill, Rounding};
#[cfg(feature = "conviction-sim")]
pub use file::{funding_only, ConvictionFile, ConvictionReport};
#[cfg(feature = "conviction-sim")]
pub use funding::{Funding, FundingParams, ParamError, Segment, Simulation, StakeEvent};
#[cfg(feature = "conviction-sim")]
pub use funding_file::{
    FundingFile, FundingOutcome, FundingReport, Request, Timeline, TimelineBuilder, TimelineField,
    TimelineRow, SERIES_HEADER,
};
#[cfg(feature = "conviction-sim")]
pub use polkadot::{
    AccountVote, ConvictionDelegations, DemocracyTally, ReferendumTally, StandardVote, VoteBook,
    VoteThreshold, Voting, VotingError,
};
#[cfg(feature = "conviction-sim")]
pub use referendum::{
    Action, Confirmation, Lock, RefOutcome, ReferendumDecision, TimedAction, Track,
};
#[cfg(feature = "conviction-sim")]
pub use referendum_file::{ReferendumFile, ReferendumReport};
