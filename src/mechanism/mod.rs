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
mod delegated;
mod identity;
mod quadratic;
mod token_weighted;

use std::str::FromStr;

use crate::amount::{Amount, Power};
use crate::error::Result;
use crate::io::Holders;
use crate::vote::Vote;

pub use cap::{Cap, Capped};
pub use conviction::ConvictionVoting;
pub use delegated::{Delegated, Order};
pub use identity::Identities;
pub use quadratic::{Quadratic, RootOf};
pub use token_weighted::TokenWeighted;

/// What a mechanism may look at.
#[derive(Clone, Copy, Debug)]
pub struct Electorate<'a> {
    /// The vote file, for error messages.
    pub source: &'a std::path::Path,
    /// The votes that count (one per voter).
    pub votes: &'a [Vote],
    /// Each vote's token weight: its own weight from the vote file, else
    /// the voter's balance in the holder snapshot (same order as `votes`).
    pub weights: &'a [Amount],
    /// The holder snapshot, when the proposal has one.
    pub holders: Option<&'a Holders>,
    /// The token's decimals.
    pub decimals: u8,
}

/// A rule that assigns voting power.
pub trait Mechanism {
    /// The mechanism's name as written in proposal files and reports.
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

    /// The token weight of each vote, when the mechanism moves tokens
    /// between voters before anything else (delegation); `None` keeps the
    /// weights as read (the vote's own, else its holder balance). The
    /// evaluator uses these weights for turnout and passes them on.
    fn token_weights(&self, electorate: &Electorate<'_>) -> Result<Option<Vec<Amount>>> {
        let _ = electorate;
        Ok(None)
    }

    /// Lines describing how this electorate's power came about (e.g. the
    /// capital, votes and locks per conviction level).
    fn details(&self, electorate: &Electorate<'_>, powers: &[Power]) -> Vec<String> {
        let _ = (electorate, powers);
        Vec::new()
    }
}

impl<M: Mechanism + ?Sized> Mechanism for Box<M> {
    fn name(&self) -> String {
        (**self).name()
    }
    fn power_decimals(&self, token_decimals: u8) -> u8 {
        (**self).power_decimals(token_decimals)
    }
    fn assign_power(&self, electorate: &Electorate<'_>) -> Result<Vec<Power>> {
        (**self).assign_power(electorate)
    }
    fn notes(&self) -> Vec<String> {
        (**self).notes()
    }
    fn details(&self, electorate: &Electorate<'_>, powers: &[Power]) -> Vec<String> {
        (**self).details(electorate, powers)
    }
    fn token_weights(&self, electorate: &Electorate<'_>) -> Result<Option<Vec<Amount>>> {
        (**self).token_weights(electorate)
    }
}

impl<M: Mechanism + ?Sized> Mechanism for &M {
    fn name(&self) -> String {
        (**self).name()
    }
    fn power_decimals(&self, token_decimals: u8) -> u8 {
        (**self).power_decimals(token_decimals)
    }
    fn assign_power(&self, electorate: &Electorate<'_>) -> Result<Vec<Power>> {
        (**self).assign_power(electorate)
    }
    fn notes(&self) -> Vec<String> {
        (**self).notes()
    }
    fn details(&self, electorate: &Electorate<'_>, powers: &[Power]) -> Vec<String> {
        (**self).details(electorate, powers)
    }
    fn token_weights(&self, electorate: &Electorate<'_>) -> Result<Option<Vec<Amount>>> {
        (**self).token_weights(electorate)
    }
}

/// The mechanisms a proposal file can name.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MechanismKind {
    /// One token, one vote.
    #[default]
    TokenWeighted,
    /// Power is the integer square root of the token weight.
    Quadratic,
    /// Polkadot conviction: capital × 0.1..6 by the vote's conviction.
    Conviction,
}

impl MechanismKind {
    /// Every kind.
    pub const ALL: [MechanismKind; 3] = [
        MechanismKind::TokenWeighted,
        MechanismKind::Quadratic,
        MechanismKind::Conviction,
    ];

    /// The name in proposal files.
    pub fn name(self) -> &'static str {
        match self {
            MechanismKind::TokenWeighted => "token-weighted",
            MechanismKind::Quadratic => "quadratic",
            MechanismKind::Conviction => "conviction",
        }
    }

    /// The mechanism for this kind with its default settings.
    pub fn mechanism(self) -> Box<dyn Mechanism + Send + Sync> {
        match self {
            MechanismKind::TokenWeighted => Box::new(TokenWeighted),
            MechanismKind::Quadratic => Box::new(Quadratic::default()),
            MechanismKind::Conviction => Box::new(ConvictionVoting::default()),
        }
    }
}

impl FromStr for MechanismKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        MechanismKind::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| {
                format!("unknown mechanism {s:?} (known: token-weighted, quadratic, conviction)")
            })
    }
}
