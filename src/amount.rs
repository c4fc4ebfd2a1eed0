//! Token amounts and voting power: integer base units in `u128`.
//!
//! Architecture invariant: arithmetic on [`Amount`] and [`Power`] is checked;
//! an overflow is an error value, never a wrap or a saturation.

use std::fmt;

use crate::decimal::{format_scaled, DecimalLiteral, ScaleError};

/// Why a text is not an amount. `Display` quotes the text, so a caller only
/// has to add the location.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    /// Not a decimal number at all.
    #[error("{0:?} is not an amount")]
    NotANumber(String),
    /// Negative amounts do not exist.
    #[error("{0:?} is negative; amounts cannot be negative")]
    Negative(String),
    /// More fractional digits than the token's decimals.
    #[error("{text:?} has more than {decimals} decimal places (the token's `decimals`)")]
    TooPrecise {
        /// The text as written.
        text: String,
        /// The token's decimals.
        decimals: u8,
    },
    /// Larger than `u128::MAX` base units.
    #[error("{0:?} overflows u128 base units")]
    Overflow(String),
}

/// How amounts are written in a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AmountUnit {
    /// Whole tokens with up to `decimals` fractional digits ("1367841.96").
    #[default]
    Token,
    /// Integer base units ("1367841960000000000000000"), e.g. wei.
    Base,
}

/// A token amount in integer base units (`value / 10^decimals` tokens).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
// Aligned to 8 bytes, not u128's 16: an `Option<Amount>` then takes 24
// bytes instead of 32 in every vote, and a holder table's entries 40
// instead of 48 (the value is only ever copied out, never borrowed).
#[repr(Rust, packed(8))]
pub struct Amount(u128);

impl Amount {
    /// Zero tokens.
    pub const ZERO: Amount = Amount(0);

    /// An amount of `units` base units.
    pub const fn from_base_units(units: u128) -> Self {
        Amount(units)
    }

    /// The amount in base units.
    pub const fn base_units(self) -> u128 {
        self.0
    }

    /// Parses `text` written in `unit`, exactly.
    ///
    /// Token amounts may use a fraction and an exponent ("1.5e3"); base-unit
    /// amounts must be integers ("43.0" is accepted, "43.5" is not).
    ///
    /// ```
    /// use govkit::{Amount, AmountUnit};
    /// let a = Amount::parse("1367841.96", AmountUnit::Token, 18).unwrap();
    /// assert_eq!(a.base_units(), 1_367_841_960_000_000_000_000_000);
    /// assert_eq!(a.to_tokens_string(18), "1367841.96");
    /// assert!(Amount::parse("12x", AmountUnit::Token, 18).is_err());
    /// ```
    pub fn parse(text: &str, unit: AmountUnit, decimals: u8) -> Result<Self, AmountError> {
        let shift = match unit {
            AmountUnit::Token => decimals,
            AmountUnit::Base => 0,
        };
        if let Some(units) = parse_plain(text.trim().as_bytes(), shift) {
            return Ok(Amount(units));
        }
        let lit = DecimalLiteral::parse(text)
            .map_err(|_| AmountError::NotANumber(crate::error::shown(text)))?;
        if lit.negative && !lit.is_zero() {
            return Err(AmountError::Negative(crate::error::shown(text)));
        }
        lit.scaled_integer(u32::from(shift))
            .map(Amount)
            .map_err(|e| match e {
                ScaleError::Overflow => AmountError::Overflow(crate::error::shown(text)),
                ScaleError::Fractional => AmountError::TooPrecise {
                    text: crate::error::shown(text),
                    decimals: if unit == AmountUnit::Base {
                        0
                    } else {
                        decimals
                    },
                },
            })
    }

    /// Like [`Amount::parse`], but a value with more decimals than the
    /// token has is rounded to the nearest base unit, a half up (vp are
    /// non-negative, so "half up" is "half away from zero"), instead of
    /// refused. Returns the amount and, when it was rounded, the exact
    /// absolute change in base units (`|rounded − written|`, below 1/2).
    /// Values beyond the literal limits of exact work
    /// ([`crate::decimal::MAX_EXPONENT`]) stay errors.
    pub(crate) fn parse_rounded(
        text: &str,
        unit: AmountUnit,
        decimals: u8,
    ) -> Result<(Self, Option<num_rational::BigRational>), AmountError> {
        let err = match Amount::parse(text, unit, decimals) {
            Ok(a) => return Ok((a, None)),
            Err(e @ AmountError::TooPrecise { .. }) => e,
            Err(e) => return Err(e),
        };
        let shift = match unit {
            AmountUnit::Token => decimals,
            AmountUnit::Base => 0,
        };
        let Some(exact) = DecimalLiteral::parse(text)
            .ok()
            .and_then(|lit| lit.bounded_rational().ok())
        else {
            return Err(err);
        };
        let scaled = exact
            * num_rational::BigRational::from_integer(
                num_bigint::BigInt::from(10u8).pow(u32::from(shift)),
            );
        let half = num_rational::BigRational::new(1.into(), 2.into());
        let rounded = (scaled.clone() + half).floor();
        let change = (rounded.clone() - scaled).abs();
        use num_traits::{Signed, ToPrimitive};
        let units = rounded
            .to_integer()
            .to_u128()
            .ok_or_else(|| AmountError::Overflow(crate::error::shown(text)))?;
        Ok((Amount(units), Some(change)))
    }

    /// `self + other`, or `None` on overflow.
    pub fn checked_add(self, other: Amount) -> Option<Amount> {
        self.0.checked_add(other.0).map(Amount)
    }

    /// `self - other`, or `None` if it would be negative.
    pub fn checked_sub(self, other: Amount) -> Option<Amount> {
        self.0.checked_sub(other.0).map(Amount)
    }

    /// The amount in whole tokens as an exact decimal string.
    pub fn to_tokens_string(self, decimals: u8) -> String {
        format_scaled(self.0, decimals)
    }
}

/// Fast path for the common spelling `digits[.digits]`: the value times
/// `10^shift` without allocating, nineteen digits at a time in a `u64`
/// (below 10^19 < 2^64), the rest checked. `None` for anything else
/// (signs, exponents, too many decimals, overflow, malformed text), which
/// the exact general parser then handles or reports. The one plain-decimal
/// reader: the CSV fast paths go through [`Amount::parse`] too.
fn parse_plain(text: &[u8], shift: u8) -> Option<u128> {
    let (int, frac) = match memchr::memchr(b'.', text) {
        Some(i) => (&text[..i], &text[i + 1..]),
        None => (text, &text[..0]),
    };
    if int.is_empty() || frac.len() > usize::from(shift) {
        return None;
    }
    let mut value: u128 = 0;
    for digits in [int, frac] {
        for chunk in digits.chunks(19) {
            let mut v: u64 = 0;
            for &d in chunk {
                let d = d.wrapping_sub(b'0');
                if d > 9 {
                    return None;
                }
                v = v * 10 + u64::from(d);
            }
            value = value
                .checked_mul(10u128.pow(chunk.len() as u32))?
                .checked_add(u128::from(v))?;
        }
    }
    let remaining = u32::from(shift) - frac.len() as u32;
    value.checked_mul(10u128.checked_pow(remaining)?)
}

impl fmt::Display for Amount {
    /// Base units; use [`Amount::to_tokens_string`] for token units.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", { self.0 })
    }
}

/// Voting power as a mechanism assigns it, in integer power units.
///
/// For token-weighted voting one power unit is one base unit; other
/// mechanisms state their unit (see [`crate::Mechanism::power_decimals`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Power(u128);

impl Power {
    /// No power.
    pub const ZERO: Power = Power(0);

    /// Power of `units` power units.
    pub const fn from_units(units: u128) -> Self {
        Power(units)
    }

    /// The power in power units.
    pub const fn units(self) -> u128 {
        self.0
    }

    /// `self + other`, or `None` on overflow.
    pub fn checked_add(self, other: Power) -> Option<Power> {
        self.0.checked_add(other.0).map(Power)
    }

    /// The power as an exact decimal string with `decimals` fractional digits.
    pub fn to_decimal_string(self, decimals: u8) -> String {
        format_scaled(self.0, decimals)
    }
}

impl From<Amount> for Power {
    fn from(a: Amount) -> Self {
        Power(a.0)
    }
}

impl fmt::Display for Power {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_plain_by_hand() {
        assert_eq!(parse_plain(b"12.5", 2), Some(1250));
        assert_eq!(parse_plain(b"0", 0), Some(0));
        assert_eq!(
            parse_plain(b"340282366920938463463374607431768211455", 0),
            Some(u128::MAX)
        );
        assert_eq!(
            parse_plain(b"340282366920938463463374607431768211456", 0),
            None
        );
        assert_eq!(
            parse_plain(b"3402823669209384634633746074317682114.55", 2),
            Some(u128::MAX)
        );
        assert_eq!(
            parse_plain(b"3402823669209384634633746074317682114.56", 2),
            None
        );
        assert_eq!(parse_plain(b"1.234", 2), None);
        assert_eq!(parse_plain(b" 1", 2), None);
        assert_eq!(parse_plain(b"1e3", 2), None);
        assert_eq!(
            parse_plain(b"12345678901234567890123", 0),
            Some(12_345_678_901_234_567_890_123)
        );
    }

    fn tokens(s: &str, decimals: u8) -> Result<Amount, AmountError> {
        Amount::parse(s, AmountUnit::Token, decimals)
    }

    #[test]
    fn token_strings_parse_exactly() {
        assert_eq!(tokens("1367841.96", 2).unwrap().base_units(), 136_784_196);
        assert_eq!(
            tokens("116.48963677055151", 18).unwrap().base_units(),
            116_489_636_770_551_510_000
        );
        assert_eq!(
            tokens("400000", 18).unwrap().base_units(),
            400_000 * 10u128.pow(18)
        );
        assert_eq!(tokens("1e-18", 18).unwrap().base_units(), 1);
        assert_eq!(tokens("-0", 18).unwrap(), Amount::ZERO);
    }

    #[test]
    fn base_units_parse_exactly() {
        let a = Amount::parse("24107640000000000000000", AmountUnit::Base, 18).unwrap();
        assert_eq!(a.base_units(), 24_107_640_000_000_000_000_000);
        assert_eq!(a.to_tokens_string(18), "24107.64");
        assert_eq!(
            Amount::parse("43.0", AmountUnit::Base, 18)
                .unwrap()
                .base_units(),
            43
        );
    }

    #[test]
    fn bad_amounts_are_named() {
        assert_eq!(
            tokens("12x", 18).unwrap_err().to_string(),
            "\"12x\" is not an amount"
        );
        assert!(matches!(tokens("-5", 18), Err(AmountError::Negative(_))));
        assert!(matches!(
            tokens("0.001", 2),
            Err(AmountError::TooPrecise { .. })
        ));
        assert!(matches!(tokens("1e21", 18), Err(AmountError::Overflow(_))));
        assert!(matches!(
            Amount::parse("1.5", AmountUnit::Base, 18),
            Err(AmountError::TooPrecise { decimals: 0, .. })
        ));
    }

    #[test]
    fn arithmetic_is_checked() {
        let max = Amount::from_base_units(u128::MAX);
        assert_eq!(max.checked_add(Amount::from_base_units(1)), None);
        assert_eq!(Amount::ZERO.checked_sub(Amount::from_base_units(1)), None);
        assert_eq!(
            Power::from_units(u128::MAX).checked_add(Power::from_units(1)),
            None
        );
    }
}
