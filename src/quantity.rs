//! Exact results with their unit: what reports carry instead of strings.
//!
//! A [`Quantity`] is an exact rational in integer units (token base units
//! or a mechanism's power units) together with the decimals of that unit,
//! so a report keeps the number and knows how to write it. A
//! [`Proportion`] is an exact share. Both serialise as the documented
//! text (exact decimals, or `a/b` when a decimal would not terminate; a
//! share rounded half up to 6 decimals) and compare equal to that text,
//! so `assert_eq!(report.choices[0].power, "410000.5")` reads as before
//! while `report.choices[0].power.value()` is the exact number.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::OnceLock;

use num_bigint::BigInt;
use num_rational::BigRational;
use serde::{Serialize, Serializer};

use crate::amount::{Amount, Power};
use crate::score::Score;

/// An exact amount of tokens or power, with the decimals of its unit.
///
/// A whole number of units that fits `u128` (balances, token-weighted
/// powers: almost every quantity a report holds) is kept as that integer,
/// and its big rational is built only if [`Quantity::value`] asks for it:
/// a delegation report of 100,000 delegates holds 300,000 quantities, and
/// building a rational for each (two heap allocations) was a sixth of
/// that command's time. Equality, order and hashing are by exact value
/// (then decimals), whichever form holds it.
#[derive(Clone)]
pub struct Quantity {
    /// The value when it is whole units (built by [`Quantity::tokens`] or
    /// [`Quantity::power`]).
    units: Option<u128>,
    /// The exact value: given for any other value, built on first use
    /// when `units` holds it.
    exact: OnceLock<Box<Score>>,
    decimals: u8,
}

impl Quantity {
    /// `value` units of a unit with `decimals`.
    pub fn new(value: Score, decimals: u8) -> Quantity {
        Quantity {
            units: None,
            exact: OnceLock::from(Box::new(value)),
            decimals,
        }
    }

    /// `units` whole units of a unit with `decimals`.
    fn whole(units: u128, decimals: u8) -> Quantity {
        Quantity {
            units: Some(units),
            exact: OnceLock::new(),
            decimals,
        }
    }

    /// Token base units.
    pub fn tokens(amount: Amount, decimals: u8) -> Quantity {
        Quantity::whole(amount.base_units(), decimals)
    }

    /// Power units.
    pub fn power(power: Power, decimals: u8) -> Quantity {
        Quantity::whole(power.units(), decimals)
    }

    /// An exact rational number of units.
    pub fn from_rational(value: BigRational, decimals: u8) -> Quantity {
        Quantity::new(Score::from_rational(value), decimals)
    }

    /// The exact value in integer units.
    pub fn value(&self) -> &Score {
        self.exact.get_or_init(|| {
            let units = self
                .units
                .expect("a quantity without its exact value is whole units");
            Box::new(Score::from_power(Power::from_units(units)))
        })
    }

    /// The exact value in integer units, as a rational.
    pub fn as_rational(&self) -> &BigRational {
        self.value().as_rational()
    }

    /// The decimals of the unit.
    pub fn decimals(&self) -> u8 {
        self.decimals
    }

    /// When the exact text is a fraction (`a/b`): the value rounded half
    /// up to 18 decimals, for reading only.
    pub fn approx(&self) -> Option<String> {
        let text = self.to_string();
        text.contains('/').then(|| {
            let scale = num_traits::pow(BigInt::from(10u8), usize::from(self.decimals));
            crate::decimal::round_half_up(
                &(self.as_rational() / BigRational::from_integer(scale)),
                18,
            )
        })
    }
}

impl fmt::Display for Quantity {
    /// Exact: a terminating decimal in whole units, else `a/b`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(units) = self.units {
            return f.write_str(&units_text(units, false, self.decimals));
        }
        match whole_units_text(self.as_rational(), self.decimals) {
            Some(text) => f.write_str(&text),
            None => f.write_str(&self.value().to_decimal_string(self.decimals)),
        }
    }
}

/// The text of a whole number of units that fits a `u128` (balances,
/// token-weighted powers: almost every quantity a report writes), placed
/// around the decimal point directly; `None` for anything else, which
/// goes through the exact rational formatting. Both give the same text
/// (`tests::whole_units_text_equals_the_rational_formatting`); this one
/// spares a report of a million holders a big-rational division per
/// number.
fn whole_units_text(value: &BigRational, decimals: u8) -> Option<String> {
    use num_traits::{One, ToPrimitive};
    if !value.denom().is_one() {
        return None;
    }
    let magnitude = value.numer().magnitude().to_u128()?;
    let negative = value.numer().sign() == num_bigint::Sign::Minus;
    Some(units_text(magnitude, negative, decimals))
}

/// `magnitude` units (negated when `negative`) placed around the decimal
/// point of a unit with `decimals`, trailing zeros of the fraction cut.
fn units_text(magnitude: u128, negative: bool, decimals: u8) -> String {
    let digits = magnitude.to_string();
    let decimals = usize::from(decimals);
    let (int, frac) = if digits.len() > decimals {
        let (int, frac) = digits.split_at(digits.len() - decimals);
        (int.to_string(), frac.to_string())
    } else {
        ("0".to_string(), format!("{digits:0>decimals$}"))
    };
    let frac = frac.trim_end_matches('0');
    let mut out = String::with_capacity(int.len() + frac.len() + 2);
    if negative {
        out.push('-');
    }
    out.push_str(&int);
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
}

impl Default for Quantity {
    /// Zero units of a unit without decimals.
    fn default() -> Quantity {
        Quantity::whole(0, 0)
    }
}

impl PartialEq for Quantity {
    fn eq(&self, other: &Quantity) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Quantity {}

impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Quantity) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Quantity {
    /// By exact value, then decimals.
    fn cmp(&self, other: &Quantity) -> Ordering {
        let by_value = match (self.units, other.units) {
            (Some(a), Some(b)) => a.cmp(&b),
            _ => self.value().cmp(other.value()),
        };
        by_value.then(self.decimals.cmp(&other.decimals))
    }
}

impl Hash for Quantity {
    /// The exact value's hash (equal quantities in either form hash alike).
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.value().hash(state);
        self.decimals.hash(state);
    }
}

impl fmt::Debug for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Quantity({self})")
    }
}

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

// Equal to the documented text: the comparison is with the rendering.
#[allow(clippy::cmp_owned)]
impl PartialEq<str> for Quantity {
    fn eq(&self, text: &str) -> bool {
        self.to_string() == text
    }
}

// Equal to the documented text: the comparison is with the rendering.
#[allow(clippy::cmp_owned)]
impl PartialEq<&str> for Quantity {
    fn eq(&self, text: &&str) -> bool {
        self.to_string() == *text
    }
}

impl PartialEq<String> for Quantity {
    fn eq(&self, text: &String) -> bool {
        &self.to_string() == text
    }
}

/// An exact share (of the counted power, of the holders).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Proportion(BigRational);

impl Proportion {
    /// Digits shown and serialised.
    pub const DIGITS: usize = 6;

    /// The share `value`.
    pub fn new(value: BigRational) -> Proportion {
        Proportion(value)
    }

    /// The exact share.
    pub fn as_rational(&self) -> &BigRational {
        &self.0
    }

    /// The share in percent with 2 decimals, from the 6-decimal rounding
    /// (as reports have always shown it).
    pub fn percent(&self) -> String {
        let shown = crate::decimal::DecimalLiteral::parse(&self.to_string())
            .map(|d| d.to_rational())
            .unwrap_or_default();
        format!(
            "{}%",
            crate::decimal::round_half_up(&(shown * BigRational::from_integer(100.into())), 2)
        )
    }
}

impl fmt::Display for Proportion {
    /// Rounded half up to 6 decimals, for reading.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::decimal::round_half_up(&self.0, Proportion::DIGITS))
    }
}

impl fmt::Debug for Proportion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Proportion({}/{})", self.0.numer(), self.0.denom())
    }
}

impl Serialize for Proportion {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

// Equal to the documented text: the comparison is with the rendering.
#[allow(clippy::cmp_owned)]
impl PartialEq<&str> for Proportion {
    fn eq(&self, text: &&str) -> bool {
        self.to_string() == *text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy;

    #[test]
    fn quantities_write_exact_decimals_or_fractions() {
        // 410000.5 tokens with 18 decimals.
        let q = Quantity::tokens(Amount::from_base_units(4_100_005 * 10u128.pow(17)), 18);
        assert_eq!(q, "410000.5");
        assert_eq!(q.approx(), None);
        // 1/3 of a unit with 0 decimals: a fraction, rounded for reading.
        let third = Quantity::from_rational(BigRational::new(1.into(), 3.into()), 0);
        assert_eq!(third, "1/3");
        assert_eq!(third.approx().as_deref(), Some("0.333333333333333333"));
        assert_eq!(serde_json::to_string(&third).unwrap(), "\"1/3\"");
    }

    #[test]
    fn whole_units_text_is_placed_around_the_point() {
        // Worked by hand: 1.5 tokens of 18 decimals, half a base unit's
        // worth of nothing, a negative difference, no decimals at all.
        let units = |n: i128, d: u8| whole_units_text(&BigRational::from_integer(n.into()), d);
        assert_eq!(units(1_500_000_000_000_000_000, 18).as_deref(), Some("1.5"));
        assert_eq!(units(5, 1).as_deref(), Some("0.5"));
        assert_eq!(units(-5, 1).as_deref(), Some("-0.5"));
        assert_eq!(units(0, 18).as_deref(), Some("0"));
        assert_eq!(units(1200, 2).as_deref(), Some("12"));
        assert_eq!(units(7, 0).as_deref(), Some("7"));
        assert_eq!(units(7, 3).as_deref(), Some("0.007"));
        assert!(whole_units_text(&BigRational::new(1.into(), 3.into()), 0).is_none());
    }

    proptest::proptest! {
        #[test]
        fn whole_units_text_equals_the_rational_formatting(
            n in proptest::prop_oneof![
                proptest::num::i128::ANY,
                -1_000_000i128..1_000_000,
                (0u32..39).prop_map(|k| 10i128.pow(k.min(38))),
            ],
            wide in proptest::prop_oneof![proptest::strategy::Just(false), proptest::strategy::Just(true)],
            decimals in 0u8..=40,
        ) {
            // Beyond i128 too: magnitudes up to u128::MAX and past it.
            let value = if wide {
                BigInt::from(n) * BigInt::from(4u8)
            } else {
                BigInt::from(n)
            };
            let q = Quantity::from_rational(BigRational::from_integer(value), decimals);
            let fast = q.to_string();
            let exact = q.value().to_decimal_string(decimals);
            proptest::prop_assert_eq!(fast, exact);
        }
    }

    fn hash_of(q: &Quantity) -> u64 {
        use std::hash::BuildHasher;
        std::hash::BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default()
            .hash_one(q)
    }

    proptest::proptest! {
        /// Whole units kept as an integer behave as the same value kept
        /// as a rational: equal, ordered and hashed alike, same text.
        #[test]
        fn whole_units_equal_their_rational_form(
            a in proptest::prop_oneof![
                proptest::num::u128::ANY,
                0u128..1_000,
                (u128::MAX - 1_000)..=u128::MAX,
            ],
            b in proptest::prop_oneof![proptest::num::u128::ANY, 0u128..1_000],
            decimals in 0u8..=40,
            other_decimals in 0u8..=40,
        ) {
            let rational = |x: u128, d: u8| {
                Quantity::from_rational(BigRational::from_integer(BigInt::from(x)), d)
            };
            let (whole, exact) = (Quantity::tokens(Amount::from_base_units(a), decimals), rational(a, decimals));
            proptest::prop_assert_eq!(&whole, &exact);
            proptest::prop_assert_eq!(whole.to_string(), exact.value().to_decimal_string(decimals));
            proptest::prop_assert_eq!(whole.value(), exact.value());
            let state = std::collections::hash_map::RandomState::new();
            {
                use std::hash::BuildHasher;
                proptest::prop_assert_eq!(state.hash_one(&whole), state.hash_one(&exact));
            }
            // Order: by value, then decimals, in any mix of forms.
            let want = a.cmp(&b).then(decimals.cmp(&other_decimals));
            let power = Quantity::power(Power::from_units(b), other_decimals);
            proptest::prop_assert_eq!(whole.cmp(&power), want);
            proptest::prop_assert_eq!(exact.cmp(&power), want);
            proptest::prop_assert_eq!(whole.cmp(&rational(b, other_decimals)), want);
            proptest::prop_assert_eq!(whole.clone() == power, want == Ordering::Equal);
        }
    }

    #[test]
    fn a_whole_quantity_orders_among_fractions() {
        let half = Quantity::from_rational(BigRational::new(1.into(), 2.into()), 0);
        let zero = Quantity::tokens(Amount::ZERO, 0);
        let one = Quantity::power(Power::from_units(1), 0);
        assert!(zero < half && half < one);
        assert_eq!(Quantity::default(), zero);
        assert_eq!(
            hash_of(&Quantity::default()),
            hash_of(&Quantity::new(Score::zero(), 0))
        );
        assert_eq!(one.as_rational(), &BigRational::from_integer(1.into()));
    }

    #[test]
    fn proportions_round_half_up_to_six_digits() {
        let p = Proportion::new(BigRational::new(2.into(), 3.into()));
        assert_eq!(p, "0.666667");
        assert_eq!(p.percent(), "66.67%");
        let eighth = Proportion::new(BigRational::new(1.into(), 8.into()));
        assert_eq!(eighth, "0.125000");
    }
}
