//! Whale caps: no voter's power may exceed a limit; the excess is dropped.
//!
//! The limit is a fixed power or a fraction of the total *uncapped* power of
//! all votes cast, so it does not depend on itself. A fractional limit is
//! rounded down (`floor(total × fraction)`), so that no voter ever exceeds
//! the stated fraction. A cap never raises anyone's power.

use super::{Electorate, Mechanism};
use crate::amount::Power;
use crate::error::{Error, Result};
use crate::share::Share;

/// How large the cap is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cap {
    /// At most this much power per voter.
    Absolute(Power),
    /// At most this fraction of the total uncapped power.
    Fraction(Share),
}

/// A mechanism whose powers are capped.
#[derive(Clone, Debug)]
pub struct Capped<M> {
    /// The mechanism that assigns the uncapped power.
    pub inner: M,
    /// The cap.
    pub cap: Cap,
}

impl<M: Mechanism> Mechanism for Capped<M> {
    fn name(&self) -> String {
        match &self.cap {
            Cap::Absolute(p) => format!("{} capped at {} units", self.inner.name(), p),
            Cap::Fraction(s) => format!("{} capped at {s}", self.inner.name()),
        }
    }

    fn power_decimals(&self, token_decimals: u8) -> u8 {
        self.inner.power_decimals(token_decimals)
    }

    fn assign_power(&self, e: &Electorate<'_>) -> Result<Vec<Power>> {
        let mut powers = self.inner.assign_power(e)?;
        let limit = match &self.cap {
            Cap::Absolute(p) => *p,
            Cap::Fraction(share) => {
                let mut total = Power::ZERO;
                for p in &powers {
                    total = total
                        .checked_add(*p)
                        .ok_or_else(|| Error::overflow(None, "the total uncapped power"))?;
                }
                let limit = share.floor_of(total.units());
                Power::from_units(u128::try_from(limit).expect("at most the total"))
            }
        };
        for p in &mut powers {
            *p = (*p).min(limit);
        }
        Ok(powers)
    }

    fn notes(&self) -> Vec<String> {
        self.inner.notes()
    }

    fn details(&self, electorate: &Electorate<'_>, powers: &[Power]) -> Vec<String> {
        self.inner.details(electorate, powers)
    }

    fn token_weights(
        &self,
        electorate: &Electorate<'_>,
    ) -> Result<Option<Vec<crate::amount::Amount>>> {
        self.inner.token_weights(electorate)
    }
}
