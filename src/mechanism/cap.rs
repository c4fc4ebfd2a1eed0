//! Whale caps: no voter's power may exceed a limit; the excess is dropped.
//! A cap is a stage after any mechanism (`[mechanism] cap`, `compare`'s
//! `capped:X` and `M-capped:X`), not a mechanism of its own.
//!
//! The limit is a fixed power or a fraction of the total *uncapped* power of
//! all votes cast, so it does not depend on itself. A fractional limit is
//! rounded down (`floor(total × fraction)`), so that no voter ever exceeds
//! the stated fraction. A cap never raises anyone's power.

use crate::amount::Power;
use crate::error::{Error, Result};
use crate::share::{Share, ShareOrAmount};

/// How large the cap is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cap {
    /// At most this much power per voter.
    Absolute(Power),
    /// At most this fraction of the total uncapped power.
    Fraction(Share),
}

impl Cap {
    /// Parses `"5%"`, `"1/20"` (a fraction of the total) or `"50000"` (a
    /// power, written in whole units of a power with `power_decimals`).
    /// The one cap syntax of proposal files and `compare` labels.
    pub fn parse(text: &str, power_decimals: u8) -> std::result::Result<Cap, String> {
        Ok(match ShareOrAmount::parse(text, power_decimals)? {
            ShareOrAmount::Share(s) => Cap::Fraction(s),
            ShareOrAmount::Amount(a) => Cap::Absolute(Power::from_units(a.base_units())),
        })
    }

    /// The name of `mechanism` with this cap.
    pub fn describe(&self, mechanism: &str) -> String {
        match self {
            Cap::Absolute(p) => format!("{mechanism} capped at {p} units"),
            Cap::Fraction(s) => format!("{mechanism} capped at {s}"),
        }
    }

    /// Caps the powers a mechanism assigned, in place.
    pub fn apply(&self, powers: &mut [Power]) -> Result<()> {
        let limit = match self {
            Cap::Absolute(p) => *p,
            Cap::Fraction(share) => {
                let mut total = Power::ZERO;
                for p in powers.iter() {
                    total = total
                        .checked_add(*p)
                        .ok_or_else(|| Error::overflow(None, "the total uncapped power"))?;
                }
                let limit = share.floor_of(total.units());
                Power::from_units(u128::try_from(limit).expect("at most the total"))
            }
        };
        for p in powers {
            *p = (*p).min(limit);
        }
        Ok(())
    }
}
