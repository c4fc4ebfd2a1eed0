//! Scores: the exact total a ballot type gives each choice.

use std::fmt;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::Zero;

use crate::amount::Power;
use crate::decimal::format_rational;

/// A choice's score in power units, as an exact rational.
///
/// Token-weighted single-choice and approval scores are integers; ballot
/// types that split a voter's power (weighted) give fractions. Rationals keep
/// every one of them exact and comparable.
///
/// Ranked-choice scores are integers and copeland scores exact rationals.
/// Quadratic scores are the one approximation: exact rationals computed
/// from square roots floored at 40 decimal digits
/// ([`SQRT_DIGITS`](crate::ballot::SQRT_DIGITS)); the rounding and its error
/// bound are documented in the quadratic ballot type
/// ([`QuadraticBallot`](crate::ballot::QuadraticBallot)).
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Score(BigRational);

impl Score {
    /// Zero.
    pub fn zero() -> Score {
        Score(BigRational::zero())
    }

    /// A score of exactly `power`.
    pub fn from_power(power: Power) -> Score {
        Score(BigRational::from_integer(BigInt::from(power.units())))
    }

    /// Wraps an exact rational.
    pub fn from_rational(value: BigRational) -> Score {
        Score(value)
    }

    /// The exact value in power units.
    pub fn as_rational(&self) -> &BigRational {
        &self.0
    }

    /// True if zero.
    pub fn is_zero(&self) -> bool {
        self.0.is_zero()
    }

    /// Sum of scores.
    pub fn sum<'a>(scores: impl IntoIterator<Item = &'a Score>) -> Score {
        Score(scores.into_iter().map(|s| &s.0).sum())
    }

    /// The score in whole tokens (power units / 10^decimals) as an exact
    /// decimal string, or as a fraction if the decimal does not terminate.
    pub fn to_decimal_string(&self, decimals: u8) -> String {
        let scale = num_traits::pow(BigInt::from(10u8), usize::from(decimals));
        format_rational(&(&self.0 / BigRational::from_integer(scale)), 60)
    }

    /// `self / total` as an exact fraction (zero when the total is zero).
    pub fn share_of(&self, total: &Score) -> BigRational {
        if total.is_zero() {
            BigRational::zero()
        } else {
            &self.0 / &total.0
        }
    }
}

impl fmt::Display for Score {
    /// Power units, exact.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_rational(&self.0, 60))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_strings_are_exact() {
        let s = Score::from_power(Power::from_units(1_500_000_000_000_000_001));
        assert_eq!(s.to_decimal_string(18), "1.500000000000000001");
        let third = Score::from_rational(BigRational::new(1.into(), 3.into()));
        assert_eq!(third.to_decimal_string(0), "1/3");
    }
}
