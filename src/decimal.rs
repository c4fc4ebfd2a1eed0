//! Exact parsing of decimal literals ("1367841.96", "4e-3", "-0.5").
//!
//! The single text-to-number path of the crate: amounts, shares and JSON
//! numbers all go through [`DecimalLiteral`], so a value is never routed
//! through `f64` on its way in.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Zero};

/// A decimal number as written: `digits × 10^exponent`, with a sign.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct DecimalLiteral {
    pub negative: bool,
    /// Significant digits, no leading or trailing zeros ("" means zero).
    pub digits: String,
    pub exponent: i64,
}

/// The most significant digits a literal may carry into exact rational
/// work (shares, weights, contract parameters). No field means more: a
/// `u128` has 39 digits, a token at most 38 decimals.
pub(crate) const MAX_SIGNIFICANT_DIGITS: usize = 100;

/// The largest power of ten (either sign) a literal may carry into exact
/// rational work: `1e-100` and `1e100` are accepted, `1e-101` is not. A
/// share, a weight or a contract parameter never needs more, and
/// `1e-999999` would otherwise make the exact arithmetic build a
/// million-digit integer.
pub(crate) const MAX_EXPONENT: i64 = 100;

/// Why a literal is refused for exact rational work: too many digits or too
/// large an exponent (see [`MAX_SIGNIFICANT_DIGITS`], [`MAX_EXPONENT`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct OutOfRange(pub String);

impl std::fmt::Display for OutOfRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why a string is not a decimal literal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct NotADecimal;

impl DecimalLiteral {
    /// Parses `[+-]digits[.digits][(e|E)[+-]digits]`; at least one digit
    /// before or after the point. Surrounding whitespace is ignored.
    pub fn parse(text: &str) -> Result<Self, NotADecimal> {
        let s = text.trim();
        let (negative, s) = match s.as_bytes().first() {
            Some(b'-') => (true, &s[1..]),
            Some(b'+') => (false, &s[1..]),
            _ => (false, s),
        };
        let (mantissa, exp_text) = match s.find(['e', 'E']) {
            Some(i) => (&s[..i], Some(&s[i + 1..])),
            None => (s, None),
        };
        let (int_part, frac_part) = match mantissa.find('.') {
            Some(i) => (&mantissa[..i], &mantissa[i + 1..]),
            None => (mantissa, ""),
        };
        let all_digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        if (int_part.is_empty() && frac_part.is_empty())
            || !all_digits(int_part)
            || !all_digits(frac_part)
        {
            return Err(NotADecimal);
        }
        let mut exponent: i64 = match exp_text {
            None => 0,
            Some(e) => {
                let unsigned = e.strip_prefix(['+', '-']).unwrap_or(e);
                if unsigned.is_empty() || unsigned.len() > 6 || !all_digits(unsigned) {
                    return Err(NotADecimal);
                }
                e.parse().map_err(|_| NotADecimal)?
            }
        };
        exponent -= frac_part.len() as i64;
        let mut digits: String = int_part.chars().chain(frac_part.chars()).collect();
        let trimmed_end = digits.trim_end_matches('0').len();
        exponent += (digits.len() - trimmed_end) as i64;
        digits.truncate(trimmed_end);
        let digits = digits.trim_start_matches('0').to_string();
        if digits.is_empty() {
            exponent = 0;
        }
        Ok(DecimalLiteral {
            negative,
            digits,
            exponent,
        })
    }

    /// True when the value is zero.
    pub fn is_zero(&self) -> bool {
        self.digits.is_empty()
    }

    /// The exact value as a rational, refusing literals that are out of
    /// any field's range before any big-integer work: more than
    /// [`MAX_SIGNIFICANT_DIGITS`] significant digits, or a power of ten
    /// beyond ±[`MAX_EXPONENT`] (for the value's leading digit or for its
    /// last one).
    pub fn bounded_rational(&self) -> Result<BigRational, OutOfRange> {
        if self.is_zero() {
            return Ok(BigRational::zero());
        }
        if self.digits.len() > MAX_SIGNIFICANT_DIGITS {
            return Err(OutOfRange(format!(
                "it has {} significant digits; at most {MAX_SIGNIFICANT_DIGITS} are accepted",
                self.digits.len()
            )));
        }
        let leading = self.exponent + self.digits.len() as i64 - 1;
        if self.exponent.abs() > MAX_EXPONENT || leading.abs() > MAX_EXPONENT {
            return Err(OutOfRange(format!(
                "its magnitude is out of range; numbers between 1e-{MAX_EXPONENT} and \
                 1e{MAX_EXPONENT} are accepted"
            )));
        }
        Ok(self.to_rational())
    }

    /// The exact value as a rational, without limits: for text govkit wrote
    /// itself. Input goes through [`DecimalLiteral::bounded_rational`].
    pub fn to_rational(&self) -> BigRational {
        if self.is_zero() {
            return BigRational::zero();
        }
        let mut n: BigInt = self.digits.parse().expect("digits are ASCII digits");
        if self.negative {
            n = -n;
        }
        let ten = BigInt::from(10u8);
        let scale = num_traits::pow(ten, self.exponent.unsigned_abs() as usize);
        if self.exponent >= 0 {
            BigRational::from_integer(n * scale)
        } else {
            BigRational::new(n, scale)
        }
    }

    /// `value × 10^shift` as an integer, if it is one and fits in `u128`.
    /// `Err(true)` means "not an integer", `Err(false)` "too large".
    pub fn scaled_integer(&self, shift: u32) -> Result<u128, ScaleError> {
        if self.is_zero() {
            return Ok(0);
        }
        let exp = self.exponent + i64::from(shift);
        if exp < 0 {
            return Err(ScaleError::Fractional);
        }
        let mantissa: u128 = self.digits.parse().map_err(|_| ScaleError::Overflow)?;
        let factor = u32::try_from(exp)
            .ok()
            .and_then(|e| 10u128.checked_pow(e))
            .ok_or(ScaleError::Overflow)?;
        mantissa.checked_mul(factor).ok_or(ScaleError::Overflow)
    }
}

/// Why [`DecimalLiteral::scaled_integer`] failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ScaleError {
    /// More fractional digits than the scale allows.
    Fractional,
    /// The integer does not fit in `u128`.
    Overflow,
}

/// Writes `numerator / 10^decimals` as a decimal string, without trailing
/// zeros ("1.5", "400000", "0.000001").
pub(crate) fn format_scaled(value: u128, decimals: u8) -> String {
    let s = value.to_string();
    let d = usize::from(decimals);
    if d == 0 {
        return s;
    }
    let (int, frac) = if s.len() > d {
        (s[..s.len() - d].to_string(), s[s.len() - d..].to_string())
    } else {
        ("0".to_string(), format!("{s:0>d$}"))
    };
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        int
    } else {
        format!("{int}.{frac}")
    }
}

/// Writes an exact rational in decimal if its expansion terminates within
/// `max_digits` fractional digits, else as `numerator/denominator`.
pub(crate) fn format_rational(value: &BigRational, max_digits: usize) -> String {
    if value.denom().is_one() {
        return value.numer().to_string();
    }
    // A reduced fraction has a terminating decimal iff its denominator is
    // 2^a·5^b, and then exactly max(a, b) digits: decide that directly
    // instead of trying every length.
    let (two, five) = (BigInt::from(2u8), BigInt::from(5u8));
    let mut rest = value.denom().clone();
    let (mut a, mut b) = (0usize, 0usize);
    while (&rest % &two).is_zero() {
        rest /= &two;
        a += 1;
    }
    while (&rest % &five).is_zero() {
        rest /= &five;
        b += 1;
    }
    let digits = a.max(b);
    if !rest.is_one() || digits > max_digits {
        return format!("{}/{}", value.numer(), value.denom());
    }
    let scale = num_traits::pow(BigInt::from(10u8), digits);
    let n = (value * BigRational::from_integer(scale)).to_integer();
    let negative = n < BigInt::zero();
    let s = n.magnitude().to_string();
    let s = format!("{s:0>width$}", width = digits + 1);
    let (int, frac) = s.split_at(s.len() - digits);
    format!("{}{int}.{frac}", if negative { "-" } else { "" })
}

/// `value` rounded half away from zero to `digits` decimals, as a decimal
/// string (for display: the exact value stays a rational).
pub(crate) fn round_half_up(value: &BigRational, digits: usize) -> String {
    let scale = BigInt::from(10u8).pow(digits as u32);
    let scaled = value * BigRational::from_integer(scale.clone());
    let negative = scaled < BigRational::from_integer(0.into());
    let magnitude = if negative { -scaled } else { scaled };
    let rounded = (magnitude + BigRational::new(1.into(), 2.into()))
        .floor()
        .to_integer();
    let (int, frac) = num_integer::Integer::div_rem(&rounded, &scale);
    let sign = if negative && rounded != BigInt::from(0) {
        "-"
    } else {
        ""
    };
    if digits == 0 {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{:0>digits$}", frac.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(s: &str) -> DecimalLiteral {
        DecimalLiteral::parse(s).unwrap()
    }

    #[test]
    fn parses_plain_fraction_and_exponent_forms() {
        assert_eq!(lit("1367841.96").digits, "136784196");
        assert_eq!(lit("1367841.96").exponent, -2);
        assert_eq!(lit("400000").digits, "4");
        assert_eq!(lit("400000").exponent, 5);
        assert_eq!(lit("1.5e-3").scaled_integer(4), Ok(15));
        assert_eq!(lit("43.0").scaled_integer(0), Ok(43));
        assert_eq!(lit(".5").scaled_integer(1), Ok(5));
        assert_eq!(lit("5.").scaled_integer(0), Ok(5));
        assert!(lit("-0.25").negative);
        assert!(lit("000").is_zero());
    }

    #[test]
    fn rejects_non_numbers() {
        for bad in [
            "",
            ".",
            "12x",
            "1e",
            "e5",
            "1.2.3",
            "--1",
            "0x10",
            "1e9999999",
            "NaN",
        ] {
            assert_eq!(DecimalLiteral::parse(bad), Err(NotADecimal), "{bad:?}");
        }
    }

    #[test]
    fn huge_exponents_are_refused_before_big_integer_work() {
        for bad in ["1e-999999", "1e999999", "1e101", "1e-101", "12e100"] {
            let l = lit(bad);
            assert!(l.bounded_rational().is_err(), "{bad:?}");
        }
        let long = "1".repeat(101);
        assert!(lit(&long).bounded_rational().is_err());
        assert!(lit("1e-100").bounded_rational().is_ok());
        assert!(lit("1e100").bounded_rational().is_ok());
        assert!(lit("0.333333333333333333333333333333")
            .bounded_rational()
            .is_ok());
        assert_eq!(lit("0e-999999").bounded_rational(), Ok(BigRational::zero()));
        // Scaling stays cheap at any exponent.
        assert_eq!(
            lit("1e999999").scaled_integer(18),
            Err(ScaleError::Overflow)
        );
        assert_eq!(
            lit("1e-999999").scaled_integer(18),
            Err(ScaleError::Fractional)
        );
    }

    #[test]
    fn scaling_reports_fraction_and_overflow() {
        assert_eq!(lit("0.1").scaled_integer(0), Err(ScaleError::Fractional));
        // u128::MAX is about 3.4e38
        assert_eq!(lit("1e39").scaled_integer(0), Err(ScaleError::Overflow));
        assert_eq!(
            lit("340282366920938463463374607431768211455").scaled_integer(0),
            Ok(u128::MAX)
        );
        assert_eq!(
            lit("340282366920938463463374607431768211456").scaled_integer(0),
            Err(ScaleError::Overflow)
        );
    }

    #[test]
    fn formats_scaled_values() {
        assert_eq!(format_scaled(1_500_000, 6), "1.5");
        assert_eq!(format_scaled(1, 6), "0.000001");
        assert_eq!(format_scaled(400_000, 0), "400000");
        assert_eq!(format_scaled(0, 18), "0");
    }

    #[test]
    fn formats_rationals_exactly_or_as_fractions() {
        let r = |n: i64, d: i64| BigRational::new(n.into(), d.into());
        assert_eq!(format_rational(&r(3, 8), 40), "0.375");
        assert_eq!(format_rational(&r(-3, 8), 40), "-0.375");
        assert_eq!(format_rational(&r(2, 3), 40), "2/3");
        assert_eq!(format_rational(&r(10, 2), 40), "5");
        // 1/1024 = 0.0009765625 (10 digits); 7/40 = 0.175 (2^3·5).
        assert_eq!(format_rational(&r(1, 1024), 40), "0.0009765625");
        assert_eq!(format_rational(&r(7, 40), 40), "0.175");
        // Terminating, but longer than allowed: kept as a fraction.
        assert_eq!(format_rational(&r(1, 1024), 5), "1/1024");
    }
}
