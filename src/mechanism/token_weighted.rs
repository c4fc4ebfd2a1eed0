//! One token, one vote: a voter's power is its token weight in base units.

use super::{Electorate, Mechanism};
use crate::amount::Power;
use crate::error::Result;

/// Token-weighted voting (OpenZeppelin/Compound governors, Snapshot's
/// default strategies): power = token weight, unchanged.
#[derive(Clone, Copy, Debug, Default)]
pub struct TokenWeighted;

impl Mechanism for TokenWeighted {
    fn name(&self) -> String {
        "token-weighted".into()
    }

    fn assign_power(&self, electorate: &Electorate<'_>) -> Result<Vec<Power>> {
        Ok(electorate.weights.iter().map(|&w| Power::from(w)).collect())
    }
}
