//! Voting mechanisms: how much power each voter has.
//!
//! A mechanism sees the whole electorate at once, because the interesting
//! ones need it: delegation moves power between voters, quadratic voting
//! with identities merges wallets before taking roots. Token-weighted voting
//! (one token, one vote) is the reference mechanism.
//!
//! Architecture invariant: a mechanism returns exactly one [`Power`] per
//! vote, in integer power units, computed with checked arithmetic; it never
//! looks at choices (that is the ballot type's job).

mod cap;
mod conviction;
mod quadratic;
mod registry;
mod token_weighted;
pub mod vote_escrow;

use std::sync::Arc;

use crate::amount::{Amount, Power};
use crate::error::Result;
use crate::holders::Holders;
use crate::vote::Vote;

pub use crate::identities::Identities;
pub use crate::locks::{LockState, Locks, TokenLock};
pub use cap::Cap;
pub use conviction::ConvictionVoting;
pub use quadratic::{Quadratic, RootOf};
pub use registry::{BuildContext, MechanismPlugin, MechanismRegistry, MechanismSpec, OptionTable};
pub use token_weighted::TokenWeighted;
pub use vote_escrow::{Escrow, EscrowError, Preset, VoteEscrow};

/// The mechanisms that ship with govkit, in the order help texts list
/// them: one line per mechanism file.
const BUILTIN: &[fn() -> Arc<dyn MechanismPlugin>] = &[
    token_weighted::plugin,
    quadratic::plugin,
    conviction::plugin,
    vote_escrow::plugin,
];

/// What a mechanism may look at.
#[derive(Clone, Copy, Debug)]
pub struct Electorate<'a> {
    /// The vote file, for error messages.
    pub source: &'a std::path::Path,
    /// The votes that count (one per voter), with their attributes.
    pub votes: &'a [Vote],
    /// Each vote's token weight: its own weight from the vote file, else
    /// the voter's balance in the holder snapshot, after delegation when
    /// the proposal delegates (same order as `votes`).
    pub weights: &'a [Amount],
    /// The holder snapshot, when the proposal has one.
    pub holders: Option<&'a Holders>,
    /// The token's decimals.
    pub decimals: u8,
}

/// A rule that assigns voting power.
///
/// Implement it (and [`MechanismPlugin`] to make it nameable) to add a
/// mechanism; delegation and caps are stages around every mechanism, not
/// hooks of this trait.
pub trait Mechanism: Send + Sync {
    /// The mechanism's name as shown in reports.
    fn name(&self) -> String;

    /// Decimals of the power unit, for display: token-weighted power is in
    /// base units, so it has the token's decimals.
    fn power_decimals(&self, token_decimals: u8) -> u8 {
        token_decimals
    }

    /// One power per vote, in the order of `electorate.votes`.
    fn assign_power(&self, electorate: &Electorate<'_>) -> Result<Vec<Power>>;

    /// Caveats a report should carry (e.g. "not sybil-resistant").
    fn notes(&self) -> Vec<String> {
        Vec::new()
    }

    /// Lines describing how this electorate's power came about (e.g. the
    /// capital, votes and locks per conviction level).
    fn details(&self, electorate: &Electorate<'_>, powers: &[Power]) -> Vec<String> {
        let _ = (electorate, powers);
        Vec::new()
    }
}
