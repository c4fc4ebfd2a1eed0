//! Control analysis: how few holders decide.
//!
//! Pure functions over voting powers (`&[u128]` in integer power units) and
//! holder snapshots, no printing. Three concerns, one file each, and the
//! library call behind `govkit control` ([`analysis`]: a [`ControlRequest`]
//! in, a typed [`ControlReport`] out; the only part that reads files,
//! through `crate::io`; `crate::render::control` writes it as text, JSON
//! or CSV):
//!
//! - [`concentration`]: Nakamoto coefficient for any threshold, top-k
//!   shares, Gini, HHI and the effective number of holders, Shannon entropy,
//!   Theil-T and Lorenz points, over a [`Distribution`];
//! - [`power_index`]: exact Banzhaf and Shapley-Shubik indices of a
//!   weighted voting game by pseudo-polynomial dynamic programming with
//!   big-integer counts, and [`approx`]: Monte Carlo estimates with a
//!   Hoeffding bound for games too large to count;
//! - [`decisive`]: the smallest set of voters holding a majority of the
//!   votes cast, and the smallest set whose switch flips an outcome.
//!
//! Architecture invariant: every quantity that is rational is computed
//! exactly (`u128` with checked or 256-bit arithmetic, `BigRational`);
//! only Shannon entropy and Theil-T, which are irrational, are `f64`, and
//! they decide nothing. Monte Carlo estimates are `f64` with a stated bound.
//!
//! Extension point for delegation: every metric takes a slice of powers, so
//! the powers after delegation (or after a quadratic or capped mechanism)
//! go in exactly where token balances go now.

pub mod analysis;
pub mod approx;
pub mod concentration;
mod counting;
pub mod decisive;
pub mod power_index;
mod wide;

use std::fmt;
use std::str::FromStr;

use num_bigint::BigInt;
use num_rational::BigRational;

use crate::share::Share;

pub use analysis::{
    analyze, ApproximateIndices, BanzhafIndex, BeforeDelegation, ControlOptions, ControlReport,
    ControlRequest, ControlSource, ControlStage, DelegationsInput, ExactIndices, Flip, Hhi,
    HoldersInput, IndexValues, IndicesMode, LorenzRow, NakamotoCount, Player, PowerIndices,
    ProposalDecisive, TopShare, VoterSet,
};
pub use approx::{ApproxIndices, ApproxOptions, Estimate};
pub use concentration::{Distribution, LorenzPoint};
pub use decisive::{min_flip_set, min_majority_set, MinSet, ProposalControl};
pub use power_index::{ExactLimits, ScaledGame, WeightResolution, WeightedGame};

/// A fraction of the total and whether it must be exceeded (`>`) or only
/// reached (`>=`).
///
/// Written `">1/2"`, `">=2/3"`, `"> 50%"`, or without a sign (`"1/2"`),
/// which means strictly more (`>`), as in "a majority".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Threshold {
    /// The fraction of the total.
    pub share: Share,
    /// `true`: the total must exceed the fraction; `false`: reach it.
    pub strict: bool,
}

impl Threshold {
    /// More than half.
    pub fn majority() -> Threshold {
        Threshold {
            share: Share::new(1, 2).expect("1/2 is a share"),
            strict: true,
        }
    }

    /// `">"` or `">="`.
    pub fn comparison(&self) -> &'static str {
        if self.strict {
            ">"
        } else {
            ">="
        }
    }

    /// The least integer amount that meets the threshold of `total`:
    /// `floor(share × total) + 1` for `>`, `ceil(share × total)` for `>=`.
    /// May exceed `total` (then nothing meets it).
    pub fn least_amount(&self, total: u128) -> BigInt {
        let of = self.share.of(total);
        if self.strict {
            of.floor().to_integer() + 1
        } else {
            of.ceil().to_integer()
        }
    }

    /// Whether `amount` out of `total` meets the threshold, exactly.
    pub fn is_met(&self, amount: u128, total: u128) -> bool {
        BigInt::from(amount) >= self.least_amount(total)
    }
}

impl fmt::Display for Threshold {
    /// `"> 1/2"`, `">= 40%"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.comparison(), self.share)
    }
}

/// Why a text is not a threshold.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a threshold: write \">1/2\", \">=2/3\" or \"50%\" (a fraction between 0 and 1, `>` if no sign is given)")]
pub struct ThresholdError {
    text: String,
}

impl FromStr for Threshold {
    type Err = ThresholdError;

    fn from_str(text: &str) -> Result<Threshold, ThresholdError> {
        let s = text.trim();
        let (strict, rest) = if let Some(r) = s.strip_prefix(">=") {
            (false, r)
        } else if let Some(r) = s.strip_prefix('>') {
            (true, r)
        } else {
            (true, s)
        };
        let share = rest.trim().parse::<Share>().map_err(|_| ThresholdError {
            text: text.to_string(),
        })?;
        Ok(Threshold { share, strict })
    }
}

/// `value` rounded half-up to `digits` decimals, for display ("0.32491").
pub fn rounded_decimal(value: &BigRational, digits: usize) -> String {
    crate::decimal::round_half_up(value, digits)
}

/// An exact rational as `"p/q"`, or `"p"` when it is an integer.
pub fn fraction_string(value: &BigRational) -> String {
    if value.is_integer() {
        value.numer().to_string()
    } else {
        format!("{}/{}", value.numer(), value.denom())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_parse_with_and_without_sign() {
        let t: Threshold = ">1/2".parse().unwrap();
        assert!(t.strict);
        assert_eq!(t.share, Share::new(1, 2).unwrap());
        let t: Threshold = ">= 66%".parse().unwrap();
        assert!(!t.strict);
        assert_eq!(t.to_string(), ">= 66%");
        let t: Threshold = "0.5".parse().unwrap();
        assert!(t.strict);
        assert!("> 3/2".parse::<Threshold>().is_err());
        assert!("half".parse::<Threshold>().is_err());
    }

    #[test]
    fn least_amount_is_floor_plus_one_or_ceil() {
        let gt: Threshold = ">1/2".parse().unwrap();
        let ge: Threshold = ">=1/2".parse().unwrap();
        assert_eq!(gt.least_amount(10), BigInt::from(6));
        assert_eq!(ge.least_amount(10), BigInt::from(5));
        assert_eq!(gt.least_amount(11), BigInt::from(6));
        assert_eq!(ge.least_amount(11), BigInt::from(6));
        assert!(gt.is_met(6, 10) && !gt.is_met(5, 10) && ge.is_met(5, 10));
    }

    #[test]
    fn rounding_for_display_is_half_up() {
        let r = |n: i64, d: i64| BigRational::new(n.into(), d.into());
        assert_eq!(rounded_decimal(&r(2, 9), 5), "0.22222");
        assert_eq!(rounded_decimal(&r(1, 8), 2), "0.13");
        assert_eq!(rounded_decimal(&r(5, 1), 3), "5.000");
        assert_eq!(fraction_string(&r(6, 4)), "3/2");
    }
}
