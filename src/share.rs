//! Exact fractions in [0, 1]: quorums, thresholds, shares of a total.
//!
//! Architecture invariant: a [`Share`] is an exact rational; no float takes
//! part in a pass/fail decision.

use std::fmt;
use std::str::FromStr;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Zero};

use crate::decimal::{format_rational, DecimalLiteral};

/// An exact fraction between 0 and 1 inclusive.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Share(BigRational);

/// Why a text is not a share.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a fraction between 0 and 1 (write \"4%\", \"2/3\" or \"0.5\"){detail}")]
pub struct ShareError {
    text: String,
    detail: String,
}

impl Share {
    /// The share `numerator / denominator`; `None` unless `0 <= n/d <= 1`.
    pub fn new(numerator: u128, denominator: u128) -> Option<Share> {
        if denominator == 0 || numerator > denominator {
            return None;
        }
        Some(Share(BigRational::new(
            numerator.into(),
            denominator.into(),
        )))
    }

    /// Wraps a rational known to lie in [0, 1].
    pub(crate) fn from_rational(value: BigRational) -> Share {
        debug_assert!(value >= BigRational::zero() && value <= BigRational::one());
        Share(value)
    }

    /// The exact value.
    pub fn as_rational(&self) -> &BigRational {
        &self.0
    }

    /// Zero.
    pub fn zero() -> Share {
        Share(BigRational::zero())
    }

    /// One (everything).
    pub fn one() -> Share {
        Share(BigRational::one())
    }

    /// `total × self`, exact.
    pub fn of(&self, total: u128) -> BigRational {
        BigRational::from_integer(BigInt::from(total)) * &self.0
    }

    /// `ceil(total × self)`: Aragon's `_applyRatioCeiled`.
    pub fn ceil_of(&self, total: u128) -> BigInt {
        self.of(total).ceil().to_integer()
    }

    /// `floor(total × self)`: Solidity's `total * numerator / denominator`.
    pub fn floor_of(&self, total: u128) -> BigInt {
        self.of(total).floor().to_integer()
    }
}

/// A threshold written either as a share of a total (`"4%"`, `"1/25"`)
/// or as an amount in whole units (`"400000"`): the one syntax of quorums
/// and caps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShareOrAmount {
    /// A fraction of a total.
    Share(Share),
    /// An amount in integer units of a unit with the given decimals.
    Amount(crate::amount::Amount),
}

impl ShareOrAmount {
    /// Parses `text`; an amount is in whole units with `decimals`.
    pub fn parse(text: &str, decimals: u8) -> Result<ShareOrAmount, String> {
        if text.trim().ends_with('%') || text.contains('/') {
            text.parse()
                .map(ShareOrAmount::Share)
                .map_err(|e: ShareError| e.to_string())
        } else {
            crate::amount::Amount::parse(text, crate::amount::AmountUnit::Token, decimals)
                .map(ShareOrAmount::Amount)
                .map_err(|e| e.to_string())
        }
    }
}

impl FromStr for Share {
    type Err = ShareError;

    /// Parses "4%", "66.7%", "2/3", "0.5", "1".
    fn from_str(text: &str) -> Result<Share, ShareError> {
        let err = |detail: String| ShareError {
            text: crate::error::shown(text),
            detail,
        };
        let s = text.trim();
        let parse = |t: &str| {
            DecimalLiteral::parse(t)
                .map_err(|_| err(String::new()))?
                .bounded_rational()
                .map_err(|e| err(format!(": {e}")))
        };
        let value = if let Some(pct) = s.strip_suffix('%') {
            parse(pct)? / BigRational::from_integer(100.into())
        } else if let Some((n, d)) = s.split_once('/') {
            let d = parse(d)?;
            if d.is_zero() {
                return Err(err(": the denominator is zero".into()));
            }
            parse(n)? / d
        } else {
            parse(s)?
        };
        if value < BigRational::zero() {
            return Err(err(": it is negative".into()));
        }
        if value > BigRational::one() {
            return Err(err(": it is more than 100%".into()));
        }
        Ok(Share(value))
    }
}

impl fmt::Display for Share {
    /// A percentage when it terminates ("4%", "66.7%"), else a fraction.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pct = &self.0 * BigRational::from_integer(100.into());
        let text = format_rational(&pct, 30);
        if text.contains('/') {
            write!(f, "{}/{}", self.0.numer(), self.0.denom())
        } else {
            write!(f, "{text}%")
        }
    }
}

impl<'de> serde::Deserialize<'de> for Share {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Share, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn share(s: &str) -> Share {
        s.parse().unwrap()
    }

    #[test]
    fn parses_percent_fraction_and_decimal_exactly() {
        assert_eq!(share("4%"), Share::new(1, 25).unwrap());
        assert_eq!(share("2/3"), Share::new(2, 3).unwrap());
        assert_eq!(share("0.5"), Share::new(1, 2).unwrap());
        assert_eq!(share("66.7%"), Share::new(667, 1000).unwrap());
        assert_eq!(share("1"), Share::one());
    }

    #[test]
    fn rejects_out_of_range_and_garbage() {
        for bad in ["150%", "-1%", "3/2", "1/0", "half", "", "%"] {
            assert!(bad.parse::<Share>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn rounding_helpers_match_solidity_and_aragon() {
        // OpenZeppelin: supply 100, 8% -> quorum 8.
        assert_eq!(share("8%").floor_of(100), BigInt::from(8));
        // 25% of 10 = 2.5: Solidity floors to 2, Aragon ceils to 3.
        assert_eq!(share("25%").floor_of(10), BigInt::from(2));
        assert_eq!(share("25%").ceil_of(10), BigInt::from(3));
    }

    #[test]
    fn displays_as_percent_or_fraction() {
        assert_eq!(share("4%").to_string(), "4%");
        assert_eq!(share("2/3").to_string(), "2/3");
    }
}
