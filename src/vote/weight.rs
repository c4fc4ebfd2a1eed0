//! One weight of a weighted ballot (`{"1": 2, "3": 0.5}`), exact.
//!
//! Why not a plain `BigRational`: a big rational is two heap big integers
//! (64 bytes in place and two allocations), and a million weighted ballots
//! carry two or three weights each, almost all small whole numbers. A
//! [`Weight`] keeps a whole number that fits an `i64` in place (16 bytes,
//! no allocation) and only anything else as a boxed rational, so reading,
//! checking and counting the usual ballot never touches the heap. The
//! value is the same exact rational either way.

use std::fmt;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, ToPrimitive, Zero};

/// An exact rational weight (may be negative or zero: the ballot type
/// decides what is valid).
///
/// Invariant: a value that is an integer fitting an `i64` is always held
/// in place (never boxed), so two equal weights have one representation and
/// the derived equality is the rationals' equality.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Weight(Repr);

#[derive(Clone, PartialEq, Eq, Hash)]
enum Repr {
    Small(i64),
    Big(Box<BigRational>),
}

impl Weight {
    /// The weight `value`.
    pub fn new(value: BigRational) -> Weight {
        match value.is_integer().then(|| value.numer().to_i64()).flatten() {
            Some(n) => Weight(Repr::Small(n)),
            None => Weight(Repr::Big(Box::new(value))),
        }
    }

    /// The weight as a rational.
    pub fn to_rational(&self) -> BigRational {
        match &self.0 {
            Repr::Small(n) => BigRational::from_integer(BigInt::from(*n)),
            Repr::Big(r) => (**r).clone(),
        }
    }

    /// The weight if it is a whole number from 0 to `u64::MAX` (the
    /// weighted and quadratic tallies' integer path).
    pub fn as_u64(&self) -> Option<u64> {
        match &self.0 {
            Repr::Small(n) => u64::try_from(*n).ok(),
            Repr::Big(r) => r.is_integer().then(|| r.numer().to_u64()).flatten(),
        }
    }

    /// Whether the weight is zero.
    pub fn is_zero(&self) -> bool {
        match &self.0 {
            Repr::Small(n) => *n == 0,
            Repr::Big(r) => r.is_zero(),
        }
    }

    /// Whether the weight is below zero.
    pub fn is_negative(&self) -> bool {
        match &self.0 {
            Repr::Small(n) => *n < 0,
            Repr::Big(r) => r.is_negative(),
        }
    }
}

impl From<BigRational> for Weight {
    fn from(value: BigRational) -> Weight {
        Weight::new(value)
    }
}

impl From<i64> for Weight {
    fn from(value: i64) -> Weight {
        Weight(Repr::Small(value))
    }
}

impl From<u64> for Weight {
    fn from(value: u64) -> Weight {
        match i64::try_from(value) {
            Ok(n) => Weight(Repr::Small(n)),
            Err(_) => Weight::new(BigRational::from_integer(BigInt::from(value))),
        }
    }
}

impl fmt::Display for Weight {
    /// As the rational displays (`3`, `1/2`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Small(n) => write!(f, "{n}"),
            Repr::Big(r) => write!(f, "{r}"),
        }
    }
}

impl fmt::Debug for Weight {
    /// As the rational's `Debug`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.to_rational(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rat(n: i128, d: i128) -> BigRational {
        BigRational::new(n.into(), d.into())
    }

    #[test]
    fn whole_numbers_of_an_i64_are_small_and_everything_round_trips() {
        let values = [
            rat(0, 1),
            rat(7, 1),
            rat(-3, 1),
            rat(6, 3),
            rat(1, 2),
            rat(-5, 4),
            rat(i64::MAX as i128, 1),
            rat(i64::MIN as i128, 1),
            rat(i64::MAX as i128 + 1, 1),
            rat(u64::MAX as i128, 1),
            rat(u64::MAX as i128 + 1, 1),
        ];
        for r in values {
            let w = Weight::new(r.clone());
            let small = r.is_integer() && r.numer().to_i64().is_some();
            assert_eq!(matches!(w.0, Repr::Small(_)), small, "{r}");
            assert_eq!(w.to_rational(), r);
            assert_eq!(w.to_string(), r.to_string());
            assert_eq!(format!("{w:?}"), format!("{r:?}"));
            assert_eq!(w.is_zero(), r.is_zero());
            assert_eq!(w.is_negative(), r.is_negative());
            let u = (r.is_integer() && !r.is_negative())
                .then(|| r.numer().to_u64())
                .flatten();
            assert_eq!(w.as_u64(), u, "{r}");
        }
    }

    #[test]
    fn equal_values_are_equal_weights_whatever_they_were_made_from() {
        assert_eq!(Weight::new(rat(4, 2)), Weight::from(2i64));
        assert_eq!(Weight::from(5u64), Weight::from(5i64));
        assert_eq!(
            Weight::from(u64::MAX),
            Weight::new(rat(u64::MAX as i128, 1))
        );
        assert_ne!(Weight::new(rat(1, 2)), Weight::from(0i64));
        assert_eq!(std::mem::size_of::<(u32, Weight)>(), 24);
    }
}
