//! OpenGov's approval and support curves, with `sp-arithmetic`'s
//! fixed-point rounding: [`Perbill`] (parts per 10^9, in [0, 1]) and
//! [`FixedI64`] (signed, 10^9 scale).
//!
//! Rounding, as in `sp-arithmetic` and `pallet-referenda`:
//! - `Perbill::from_rational(p, q)` rounds down; `q = 0` or `p > q` gives
//!   100% (so approval with no ayes and no nays is 100%);
//! - `Perbill × Perbill` rounds down; `saturating_div` rounds as asked;
//! - [`Curve::threshold`]: linear `ceil − floor(min(x, len)/len) ×
//!   (ceil − floor)`, stepped `max(begin − step × ⌊x/period⌋, end)`,
//!   reciprocal `factor / (x + x_offset)` rounded toward −∞, plus
//!   `y_offset`, clamped to [0, 1] (100% if the division fails);
//! - passing is `y ≥ threshold(x)`.

use std::fmt;

use super::u256::U256;

/// How to round an unsigned division.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rounding {
    /// Toward infinity.
    Up,
    /// Toward zero.
    Down,
    /// Nearest, up when equidistant.
    NearestPrefUp,
    /// Nearest, down when equidistant.
    NearestPrefDown,
}

/// How to round a signed division.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignedRounding {
    /// Toward +∞.
    High,
    /// Toward −∞.
    Low,
    /// Nearest, toward −∞ when equidistant.
    NearestPrefLow,
}

impl Rounding {
    fn from_signed(r: SignedRounding, negative: bool) -> Rounding {
        match (r, negative) {
            (SignedRounding::Low, true) | (SignedRounding::High, false) => Rounding::Up,
            (SignedRounding::High, true) | (SignedRounding::Low, false) => Rounding::Down,
            (SignedRounding::NearestPrefLow, true) => Rounding::NearestPrefUp,
            (SignedRounding::NearestPrefLow, false) => Rounding::NearestPrefDown,
        }
    }
}

/// `a·b/c` rounded as asked; `None` if `c = 0` or the result exceeds u128
/// (`sp-arithmetic`'s `multiply_by_rational_with_rounding`).
pub fn mul_div(a: u128, b: u128, c: u128, r: Rounding) -> Option<u128> {
    if c == 0 {
        return None;
    }
    let prod = U256::mul_wide(a, b);
    let q = prod.checked_div_u128(c)?;
    let rem = prod
        .checked_sub(q.checked_mul_u128(c)?)?
        .to_u128()
        .expect("remainder < c");
    let q = q.to_u128()?;
    let up = match r {
        Rounding::Down => false,
        Rounding::Up => rem > 0,
        // Compare 2·rem with c without overflow: rem ≥ c − rem.
        Rounding::NearestPrefUp => rem >= c - rem,
        Rounding::NearestPrefDown => rem > c - rem,
    };
    if up {
        q.checked_add(1)
    } else {
        Some(q)
    }
}

/// Parts per billion, in [0, 1].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Perbill(u32);

impl Perbill {
    /// 10^9 parts = 100%.
    pub const ACCURACY: u32 = 1_000_000_000;

    /// `parts / 10^9`, saturating at 100%.
    pub const fn from_parts(parts: u32) -> Perbill {
        Perbill(if parts > Self::ACCURACY {
            Self::ACCURACY
        } else {
            parts
        })
    }

    /// `x%` (at most 100).
    pub const fn from_percent(x: u32) -> Perbill {
        Perbill::from_parts(if x > 100 { 100 } else { x } * 10_000_000)
    }

    /// The parts.
    pub const fn parts(self) -> u32 {
        self.0
    }

    /// 0%.
    pub const fn zero() -> Perbill {
        Perbill(0)
    }

    /// 100%.
    pub const fn one() -> Perbill {
        Perbill(Self::ACCURACY)
    }

    /// `p/q` rounded as asked; `None` if `q = 0` or `p > q`.
    pub fn from_rational_with_rounding(p: u128, q: u128, r: Rounding) -> Option<Perbill> {
        if q == 0 || p > q {
            return None;
        }
        let parts = mul_div(u128::from(Self::ACCURACY), p, q, r)?;
        Some(Perbill(parts as u32))
    }

    /// `p/q` rounded down; 100% if `q = 0` or `p > q` (as `sp-arithmetic`).
    pub fn from_rational(p: u128, q: u128) -> Perbill {
        Perbill::from_rational_with_rounding(p, q, Rounding::Down).unwrap_or(Perbill::one())
    }

    /// `self / rhs`, 100% when it would exceed it.
    pub fn saturating_div(self, rhs: Perbill, r: Rounding) -> Perbill {
        Perbill::from_rational_with_rounding(u128::from(self.0), u128::from(rhs.0), r)
            .unwrap_or(Perbill::one())
    }

    /// `self − rhs`, at least 0.
    pub fn saturating_sub(self, rhs: Perbill) -> Perbill {
        Perbill(self.0.saturating_sub(rhs.0))
    }

    /// `self × n`, at most 100%.
    pub fn int_mul(self, n: u32) -> Perbill {
        Perbill::from_parts(self.0.saturating_mul(n))
    }

    /// `⌊self / b⌋` as an integer; `None` if `b` is 0%.
    pub fn int_div(self, b: Perbill) -> Option<u32> {
        self.0.checked_div(b.0)
    }

    /// Parses `"50%"`, `"0.5"`, `"1/3"`… exactly; `None` unless it is a
    /// whole number of parts per billion in [0, 1].
    pub fn parse(text: &str) -> Option<Perbill> {
        let share: crate::Share = text.parse().ok()?;
        let parts =
            share.as_rational() * num_rational::BigRational::from_integer(Self::ACCURACY.into());
        if !parts.is_integer() {
            return None;
        }
        u32::try_from(parts.to_integer()).ok().map(Perbill)
    }
}

impl std::ops::Mul for Perbill {
    type Output = Perbill;

    /// `self × rhs`, rounded down (as `sp-arithmetic`'s `impl Mul`).
    fn mul(self, rhs: Perbill) -> Perbill {
        Perbill((u64::from(self.0) * u64::from(rhs.0) / u64::from(Self::ACCURACY)) as u32)
    }
}

impl fmt::Display for Perbill {
    /// An exact percentage: `50%`, `33.3333333%`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}%",
            crate::decimal::format_scaled(u128::from(self.0), 7)
        )
    }
}

/// A signed fixed-point number with 9 decimals (`sp-arithmetic`'s
/// `FixedI64`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FixedI64(i64);

impl FixedI64 {
    /// The scale, 10^9.
    pub const DIV: i64 = 1_000_000_000;

    /// From the inner value (`inner / 10^9`).
    pub const fn from_inner(inner: i64) -> FixedI64 {
        FixedI64(inner)
    }

    /// The inner value.
    pub const fn into_inner(self) -> i64 {
        self.0
    }

    /// A whole number.
    pub const fn from_u32(n: u32) -> FixedI64 {
        FixedI64(n as i64 * Self::DIV)
    }

    /// `a/b`, nearest (down when equidistant), as the const constructor.
    pub fn from_rational(a: u128, b: u128) -> Option<FixedI64> {
        let v = mul_div(Self::DIV as u128, a, b, Rounding::NearestPrefDown)?;
        i64::try_from(v).ok().map(FixedI64)
    }

    /// A Perbill, exactly.
    pub fn from_perbill(p: Perbill) -> FixedI64 {
        FixedI64(i64::from(p.parts()))
    }

    /// Parses a decimal with at most 9 fractional digits ("0.5", "-1.25").
    pub fn parse(text: &str) -> Option<FixedI64> {
        let lit = crate::decimal::DecimalLiteral::parse(text).ok()?;
        let magnitude = crate::decimal::DecimalLiteral {
            negative: false,
            ..lit.clone()
        }
        .scaled_integer(9)
        .ok()?;
        let v = i64::try_from(magnitude).ok()?;
        Some(FixedI64(if lit.negative { -v } else { v }))
    }

    fn checked_add(self, o: FixedI64) -> Option<FixedI64> {
        self.0.checked_add(o.0).map(FixedI64)
    }

    fn checked_sub(self, o: FixedI64) -> Option<FixedI64> {
        self.0.checked_sub(o.0).map(FixedI64)
    }

    fn signed(value: u128, negative: bool) -> Option<FixedI64> {
        if negative {
            if value == i64::MAX as u128 + 1 {
                return Some(FixedI64(i64::MIN));
            }
            i64::try_from(value).ok().map(|v| FixedI64(-v))
        } else {
            i64::try_from(value).ok().map(FixedI64)
        }
    }

    /// `self / other` rounded as asked; `None` on division by zero or
    /// overflow.
    pub fn checked_rounding_div(self, other: FixedI64, r: SignedRounding) -> Option<FixedI64> {
        if other.0 == 0 {
            return None;
        }
        let negative = (self.0 < 0) != (other.0 < 0);
        let value = mul_div(
            u128::from(self.0.unsigned_abs()),
            Self::DIV as u128,
            u128::from(other.0.unsigned_abs()),
            Rounding::from_signed(r, negative),
        )?;
        FixedI64::signed(value, negative && value != 0)
    }

    /// `self × other`, nearest (toward −∞ when equidistant).
    pub fn checked_mul(self, other: FixedI64) -> Option<FixedI64> {
        let negative = (self.0 < 0) != (other.0 < 0);
        let value = mul_div(
            u128::from(self.0.unsigned_abs()),
            u128::from(other.0.unsigned_abs()),
            Self::DIV as u128,
            Rounding::from_signed(SignedRounding::NearestPrefLow, negative),
        )?;
        FixedI64::signed(value, negative && value != 0)
    }

    /// Square root (`try_sqrt`): `√(v·10^9)` when that fits u128, else
    /// `√v·√10^9`; `None` for negative values.
    pub fn sqrt(self) -> Option<FixedI64> {
        if self.0 < 0 {
            return None;
        }
        let v = self.0 as u128;
        let r = match v.checked_mul(Self::DIV as u128) {
            Some(vd) => super::polkadot::integer_sqrt(vd),
            None => {
                super::polkadot::integer_sqrt(v) * super::polkadot::integer_sqrt(Self::DIV as u128)
            }
        };
        i64::try_from(r).ok().map(FixedI64)
    }

    /// Clamped into [0, 1] as a Perbill.
    pub fn into_clamped_perbill(self) -> Perbill {
        if self.0 <= 0 {
            Perbill::zero()
        } else if self.0 >= Self::DIV {
            Perbill::one()
        } else {
            Perbill::from_parts(self.0 as u32)
        }
    }
}

impl fmt::Display for FixedI64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        write!(
            f,
            "{sign}{}",
            crate::decimal::format_scaled(u128::from(self.0.unsigned_abs()), 9)
        )
    }
}

/// A curve over the decision period: the approval or support a referendum
/// needs at `x` = elapsed share of the decision period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Curve {
    /// From `(0, ceil)` linearly to `(length, floor)`, then flat.
    LinearDecreasing {
        /// Where the floor is reached.
        length: Perbill,
        /// Lowest value.
        floor: Perbill,
        /// Starting value.
        ceil: Perbill,
    },
    /// From `begin`, down by `step` every `period`, never below `end`.
    SteppedDecreasing {
        /// Starting value.
        begin: Perbill,
        /// Lowest value.
        end: Perbill,
        /// Drop per period.
        step: Perbill,
        /// Period length (share of the decision period), positive.
        period: Perbill,
    },
    /// `factor / (x + x_offset) + y_offset`, clamped to [0, 1].
    Reciprocal {
        /// K.
        factor: FixedI64,
        /// S.
        x_offset: FixedI64,
        /// T.
        y_offset: FixedI64,
    },
}

/// `(−b + √(b² − 4ac)) / 2a` in const fixed point (`pos_quad_solution`).
fn pos_quad_solution(a: FixedI64, b: FixedI64, c: FixedI64) -> Option<FixedI64> {
    let two = FixedI64::from_u32(2);
    let four = FixedI64::from_u32(4);
    let disc = b
        .checked_mul(b)?
        .checked_sub(four.checked_mul(a)?.checked_mul(c)?)?;
    FixedI64(0)
        .checked_sub(b)?
        .checked_add(disc.sqrt()?)?
        .checked_rounding_div(two.checked_mul(a)?, SignedRounding::NearestPrefLow)
}

impl Curve {
    /// The threshold at `x` (share of the decision period elapsed).
    ///
    /// ```
    /// use govkit::conviction::{Curve, Perbill};
    /// let pc = Perbill::from_percent;
    /// let stepped = Curve::SteppedDecreasing { begin: pc(80), end: pc(30), step: pc(10), period: pc(15) };
    /// assert_eq!(stepped.threshold(pc(45)), pc(50));
    /// ```
    pub fn threshold(&self, x: Perbill) -> Perbill {
        match *self {
            Curve::LinearDecreasing {
                length,
                floor,
                ceil,
            } => {
                let progress = x.min(length).saturating_div(length, Rounding::Down);
                ceil.saturating_sub(progress * ceil.saturating_sub(floor))
            }
            Curve::SteppedDecreasing {
                begin,
                end,
                step,
                period,
            } => {
                let steps = x.int_div(period).unwrap_or(u32::MAX);
                begin
                    .saturating_sub(step.int_mul(steps).min(begin))
                    .max(end)
            }
            Curve::Reciprocal {
                factor,
                x_offset,
                y_offset,
            } => FixedI64::from_perbill(x)
                .checked_add(x_offset)
                .and_then(|d| factor.checked_rounding_div(d, SignedRounding::Low))
                .and_then(|yp| yp.checked_add(y_offset))
                .map_or(Perbill::one(), FixedI64::into_clamped_perbill),
        }
    }

    /// True iff `y ≥ threshold(x)`.
    pub fn passing(&self, x: Perbill, y: Perbill) -> bool {
        y >= self.threshold(x)
    }

    /// Whether the curve is well formed: a linear floor at most its ceil, a
    /// stepped curve with a positive period and end at most begin, a
    /// reciprocal with a positive factor. `Err` says what is wrong.
    pub fn check(&self) -> Result<(), String> {
        match *self {
            Curve::LinearDecreasing { floor, ceil, .. } if floor > ceil => {
                Err(format!("floor {floor} is above ceil {ceil}"))
            }
            Curve::SteppedDecreasing { period, .. } if period == Perbill::zero() => {
                Err("period must be positive".into())
            }
            Curve::SteppedDecreasing { begin, end, .. } if end > begin => {
                Err(format!("end {end} is above begin {begin}"))
            }
            Curve::Reciprocal { factor, .. } if factor.into_inner() <= 0 => {
                Err("factor must be positive (the curve must decrease)".into())
            }
            _ => Ok(()),
        }
    }

    /// `Curve::make_linear(length, period, floor, ceil)` as runtimes write
    /// tracks: reaches `floor` after `length` of `period` (days, blocks…).
    pub fn make_linear(
        length: u128,
        period: u128,
        floor: FixedI64,
        ceil: FixedI64,
    ) -> Option<Curve> {
        Some(Curve::LinearDecreasing {
            length: FixedI64::from_rational(length, period)?.into_clamped_perbill(),
            floor: floor.into_clamped_perbill(),
            ceil: ceil.into_clamped_perbill(),
        })
    }

    fn reciprocal_from_parts(factor: FixedI64, floor: FixedI64, ceil: FixedI64) -> Option<Curve> {
        let delta = ceil.checked_sub(floor)?;
        let x_offset = pos_quad_solution(delta, delta, FixedI64(0).checked_sub(factor)?)?;
        let y_offset = floor.checked_sub(factor.checked_rounding_div(
            FixedI64::from_u32(1).checked_add(x_offset)?,
            SignedRounding::NearestPrefLow,
        )?)?;
        Some(Curve::Reciprocal {
            factor,
            x_offset,
            y_offset,
        })
    }

    /// `Curve::make_reciprocal(delay, period, level, floor, ceil)` as
    /// runtimes write tracks: from `ceil` at 0 to `floor` at the end,
    /// through `level` after `delay` of `period`; the factor is found by
    /// bisection on its inner value, as `pallet-referenda` does at build
    /// time.
    pub fn make_reciprocal(
        delay: u128,
        period: u128,
        level: FixedI64,
        floor: FixedI64,
        ceil: FixedI64,
    ) -> Option<Curve> {
        let delay = FixedI64::from_rational(delay, period)?.into_clamped_perbill();
        let at = |factor: FixedI64| -> Option<(Curve, FixedI64)> {
            let curve = Curve::reciprocal_from_parts(factor, floor, ceil)?;
            let Curve::Reciprocal {
                factor,
                x_offset,
                y_offset,
            } = curve
            else {
                unreachable!()
            };
            let level = match factor.checked_rounding_div(
                FixedI64::from_perbill(delay).checked_add(x_offset)?,
                SignedRounding::Low,
            ) {
                Some(yp) => {
                    FixedI64::from_perbill(yp.checked_add(y_offset)?.into_clamped_perbill())
                }
                None => FixedI64::from_u32(1),
            };
            Some((curve, level))
        };
        let zero = FixedI64(0);
        let one = FixedI64::from_u32(1);
        let (c0, _) = at(zero)?;
        let (c1, _) = at(one)?;
        let mut bounds = (
            (zero, c0, FixedI64(i64::MAX)),
            (one, c1, FixedI64(i64::MAX)),
        );
        while bounds.1 .0.into_inner() - bounds.0 .0.into_inner() > 1 {
            let factor = bounds
                .0
                 .0
                .checked_add(bounds.1 .0)?
                .checked_rounding_div(FixedI64::from_u32(2), SignedRounding::NearestPrefLow)?;
            let (curve, curve_level) = at(factor)?;
            if curve_level > level {
                bounds = (bounds.0, (factor, curve, curve_level.checked_sub(level)?));
            } else {
                bounds = ((factor, curve, level.checked_sub(curve_level)?), bounds.1);
            }
        }
        Some(if bounds.0 .2 < bounds.1 .2 {
            bounds.0 .1
        } else {
            bounds.1 .1
        })
    }
}

impl fmt::Display for Curve {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Curve::LinearDecreasing {
                length,
                floor,
                ceil,
            } => {
                write!(f, "linear from {ceil} to {floor} at {length}")
            }
            Curve::SteppedDecreasing {
                begin,
                end,
                step,
                period,
            } => write!(
                f,
                "stepped from {begin} by {step} every {period} down to {end}"
            ),
            Curve::Reciprocal {
                factor,
                x_offset,
                y_offset,
            } => write!(f, "reciprocal {factor}/(x + {x_offset}) + {y_offset}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pc(x: u32) -> Perbill {
        Perbill::from_percent(x)
    }

    #[test]
    fn stepped_anchor_vector() {
        let c = Curve::SteppedDecreasing {
            begin: pc(80),
            end: pc(30),
            step: pc(10),
            period: pc(15),
        };
        for (x, y) in [(0, 80), (15, 70), (45, 50), (75, 30), (100, 30)] {
            assert_eq!(c.threshold(pc(x)), pc(y), "x = {x}%");
        }
    }

    #[test]
    fn linear_curve() {
        let c = Curve::LinearDecreasing {
            length: pc(50),
            floor: pc(50),
            ceil: pc(100),
        };
        assert_eq!(c.threshold(pc(0)), pc(100));
        assert_eq!(c.threshold(pc(25)), pc(75));
        assert_eq!(c.threshold(pc(50)), pc(50));
        assert_eq!(c.threshold(pc(90)), pc(50));
        // x/len rounds down, then the product rounds down: 1/3 of the way.
        let third = Perbill::from_rational(1, 6);
        assert_eq!(third.parts(), 166_666_666);
        assert_eq!(c.threshold(third).parts(), 1_000_000_000 - 166_666_666);
        assert!(c.passing(pc(50), pc(50)));
        assert!(!c.passing(pc(49), pc(50)));
    }

    #[test]
    fn reciprocal_curve_rounds_toward_minus_infinity() {
        // Polkadot's root approval curve, make_reciprocal(4, 28, 80%, 50%, 100%).
        let c = Curve::make_reciprocal(
            4,
            28,
            FixedI64::from_rational(80, 100).unwrap(),
            FixedI64::from_rational(50, 100).unwrap(),
            FixedI64::from_rational(100, 100).unwrap(),
        )
        .unwrap();
        let Curve::Reciprocal {
            factor,
            x_offset,
            y_offset,
        } = c
        else {
            panic!()
        };
        // The values Polkadot's runtime metadata shows for the Root track's
        // approval curve, built by the same bisection.
        assert_eq!(factor.into_inner(), 222_222_224);
        assert_eq!(x_offset.into_inner(), 333_333_335);
        assert_eq!(y_offset.into_inner(), 333_333_332);
        // make_linear(10, 28, 50%, 100%): length 10/28 rounded to nearest.
        let Some(Curve::LinearDecreasing { length, .. }) = Curve::make_linear(
            10,
            28,
            FixedI64::from_rational(50, 100).unwrap(),
            FixedI64::from_rational(100, 100).unwrap(),
        ) else {
            panic!()
        };
        assert_eq!(length.parts(), 357_142_857);
        // It runs through its three anchors (to a few parts per billion).
        let near =
            |a: Perbill, b: Perbill| (i64::from(a.parts()) - i64::from(b.parts())).abs() <= 5;
        assert!(near(c.threshold(pc(0)), pc(100)), "{}", c.threshold(pc(0)));
        assert!(near(c.threshold(Perbill::from_rational(4, 28)), pc(80)));
        assert!(near(c.threshold(pc(100)), pc(50)));
        assert!(factor.into_inner() > 0 && x_offset.into_inner() > 0 && y_offset.into_inner() > 0);
        let manual = Curve::Reciprocal {
            factor: FixedI64::from_inner(1),
            x_offset: FixedI64::from_inner(0),
            y_offset: FixedI64::from_inner(0),
        };
        // x = 0: division by zero -> 100%.
        assert_eq!(manual.threshold(pc(0)), Perbill::one());
    }

    #[test]
    fn perbill_rounding() {
        assert_eq!(Perbill::from_rational(2, 3).parts(), 666_666_666);
        assert_eq!(Perbill::from_rational(0, 0), Perbill::one());
        assert_eq!(Perbill::from_rational(5, 4), Perbill::one());
        assert_eq!(Perbill::parse("50%"), Some(pc(50)));
        assert_eq!(Perbill::parse("1/3"), None);
        assert_eq!(pc(50).to_string(), "50%");
        assert_eq!(mul_div(7, 1, 2, Rounding::NearestPrefDown), Some(3));
        assert_eq!(mul_div(7, 1, 2, Rounding::NearestPrefUp), Some(4));
        assert_eq!(
            FixedI64::parse("-0.5"),
            Some(FixedI64::from_inner(-500_000_000))
        );
        assert_eq!(
            FixedI64::from_inner(-1)
                .checked_rounding_div(FixedI64::from_u32(3), SignedRounding::Low),
            Some(FixedI64::from_inner(-1))
        );
    }
}
