//! Quadratic ballots (snapshot.js `quadratic.ts`).
//!
//! Ballots and validity are those of [`Weighted`](super::Weighted): a map
//! `{choice: weight}`, non-empty, keys existing choices, no negative weight,
//! some positive weight. Each valid ballot `v` with power `p_v` contributes
//! the square root of its share to each choice, and a choice's total is the
//! square of the sum:
//!
//! ```text
//! x_vi    = (w_vi / Σ_k w_vk) · p_v
//! q_i     = (Σ_v sqrt(x_vi))²
//! score_i = T · q_i / Σ_j q_j        T = Σ_v p_v (valid ballots)
//! ```
//!
//! (rescaled to `T` as snapshot.js does, "so that features like quorum still
//! work"). No identity check: splitting a wallet in k pieces multiplies its
//! weight by sqrt(k). Sybil-resistant quadratic voting is a mechanism, not
//! this ballot type.
//!
//! The rounding of the square roots and its error bound are documented on
//! [`QuadraticBallot`].
//!
//! Cost: linear in the ballots, one big-integer square root per positive
//! weight.

use num_bigint::BigUint;
use num_rational::BigRational;
use num_traits::{pow, Zero};

use super::weighted::{check_weights, rescale, Split, Sum, Whole};
use super::{BallotType, CountedBallot, InvalidBallot, TallyOverflow};
use crate::score::Score;
use crate::vote::ChoiceShape;
use crate::vote::Selection;

/// Decimal digits kept in each square root: a root `sqrt(x)` is taken as
/// `floor(sqrt(x · 10^(2·SQRT_DIGITS))) / 10^SQRT_DIGITS`.
pub const SQRT_DIGITS: usize = 40;

/// Weighted ballots, counted quadratically (Snapshot `quadratic`):
/// `score_i = T · q_i / Σ_j q_j` with `q_i = (Σ_v sqrt(x_vi))²`, where
/// `x_vi` is the part of ballot `v`'s power its weights give choice `i`.
///
/// # Rounding (the one inexact ballot type)
///
/// Square roots of rationals are irrational, so the scores cannot all be
/// exact. govkit computes each square root as an exact big-integer floor
/// square root at a fixed scale of [`SQRT_DIGITS`] = 40 decimal digits:
///
/// ```text
/// a_vi = floor(sqrt(x_vi · 10^80))     (an integer; x_vi in power units)
/// A_i  = Σ_v a_vi                      (exact)
/// score_i = T · A_i² / Σ_j A_j²        (exact rational of the A_i)
/// ```
///
/// so `A_i / 10^40` approximates `S_i = Σ_v sqrt(x_vi)` from below. The
/// rounding is the floor, deterministic and platform-independent (no
/// floating point anywhere); the score is an exact rational function of
/// the floored roots.
///
/// **Error bound.** Each root is low by less than 10^-40:
/// `0 <= sqrt(x_vi) - a_vi/10^40 < 10^-40`. With `n_i` the number of
/// ballots giving choice `i` a positive weight,
/// `S_i - n_i·10^-40 < A_i/10^40 <= S_i`, i.e. a relative under-estimate
/// below `δ_i = n_i·10^-40 / S_i` (for `S_i > 0`). With `δ` the largest
/// `δ_i` and `δ < 1`, every score satisfies
/// `(1-δ)² < score_i / exact_score_i <= 1/(1-δ)²`, so its relative error is
/// at most `1/(1-δ)² - 1`, which is at most `3δ` for `δ <= 1/10`. A choice
/// nobody weighted scores exactly 0, as does a choice whose every `x_vi` is
/// below `10^-80` power units. Example: if every choice with `S_i > 0` has
/// `S_i >= 1` (some ballot gives it at least one power unit), then with up
/// to 10^9 ballots `δ <= 10^-31` and every score is within `3·10^-31`
/// relative of the exact value; snapshot.js's doubles are good to about
/// 1e-15.
///
/// A consequence worth knowing: two choices whose exact `S_i` are equal
/// but made of different irrational roots (`sqrt 2 + sqrt 2` vs `sqrt 8`)
/// may come out unequal by one unit in the 40th digit, so an exact tie can
/// be resolved either way. Ties made of the same roots, or of rational
/// roots, stay exact ties.
#[derive(Clone, Copy, Debug, Default)]
pub struct QuadraticBallot;

impl BallotType for QuadraticBallot {
    fn name(&self) -> &'static str {
        "quadratic"
    }

    fn shape(&self) -> ChoiceShape {
        ChoiceShape::Weighted
    }

    fn check(&self, selection: &Selection, choices: usize) -> Result<(), InvalidBallot> {
        check_weights(selection, choices)
    }

    fn tally(
        &self,
        choices: usize,
        ballots: &[CountedBallot<'_>],
    ) -> Result<Vec<Score>, TallyOverflow> {
        // The roots are integers, so their sums do not depend on the order
        // of the ballots: two halves summed apart give the same A_i.
        let parts: Vec<Partial> = crate::parallel::halves(
            ballots.len(),
            PARALLEL_BALLOTS,
            |range| vec![Partial::of(choices, &ballots[range])],
            |mut first, second| {
                first.extend(second);
                first
            },
        );
        let mut roots = vec![BigUint::zero(); choices];
        let mut total = Sum::default();
        for part in parts {
            for ((a, small), big) in roots.iter_mut().zip(&part.small).zip(part.big) {
                *a += to_big(small) + big;
            }
            total.add_big(&part.total.total());
        }
        // q_i = A_i² (the common factor 10^-80 cancels in the rescaling).
        let q = roots
            .into_iter()
            .map(|a| BigRational::from_integer((&a * &a).into()))
            .collect();
        Ok(rescale(q, &total.total()))
    }
}

/// From this many ballots on the roots are taken on two threads.
const PARALLEL_BALLOTS: usize = 4096;

/// 512-bit unsigned integers: `10^80 · p · m` is below `2^458` for any
/// `u128` power and `u64` weight.
type U512 = ruint::Uint<512, 8>;

/// The root sums of some ballots: per choice a 512-bit part (roots of
/// ballots with integer weights, the usual case) and a big part (the rest,
/// and the 512-bit part's overflow, which needs more than 2^250 ballots).
struct Partial {
    small: Vec<U512>,
    big: Vec<BigUint>,
    total: Sum,
}

impl Partial {
    fn of(choices: usize, ballots: &[CountedBallot<'_>]) -> Partial {
        let scale = pow(BigUint::from(10u8), 2 * SQRT_DIGITS);
        let scale512 = U512::from(10u8).pow(U512::from(2 * SQRT_DIGITS));
        let mut part = Partial {
            small: vec![U512::ZERO; choices],
            big: vec![BigUint::zero(); choices],
            total: Sum::default(),
        };
        let mut split = Split::default();
        for b in ballots {
            let Selection::Weighted(ws) = b.selection else {
                continue;
            };
            let p = b.power.units();
            part.total.add(p);
            if p == 0 {
                continue;
            }
            match split.of(ws, choices) {
                Whole::Small(whole) => {
                    // x_vi · 10^80 = p · 10^80 · m_i / M, all below 2^458.
                    let scaled_power = scale512 * U512::from(p);
                    for &(i, m) in &split.small {
                        // A ballot's only positive weight is its whole:
                        // x is the scaled power itself (no division).
                        let x = if u128::from(m) == whole {
                            scaled_power
                        } else {
                            (scaled_power * U512::from(m)) / U512::from(whole)
                        };
                        let root = isqrt(x);
                        match part.small[i].checked_add(root) {
                            Some(sum) => part.small[i] = sum,
                            None => part.big[i] += to_big(&root),
                        }
                    }
                }
                Whole::Big(whole) => {
                    let scaled_power = &scale * p;
                    for (i, m) in &split.big {
                        part.big[*i] += root_big(&scaled_power, m, &whole);
                    }
                }
            }
        }
        part
    }
}

/// `floor(sqrt(scaled_power · m / whole))` with big integers: the general
/// path, and the reference the 512-bit path is tested against.
fn root_big(scaled_power: &BigUint, m: &BigUint, whole: &BigUint) -> BigUint {
    ((scaled_power * m) / whole).sqrt()
}

/// `floor(sqrt(x))`, exactly, with two Newton steps whose divisors are
/// cut to one and two limbs (division by a long divisor is what a root
/// costs), then a check by squaring.
///
/// Why it is exact: an integer Newton step `r' = floor((r + floor(x/r))/2)`
/// is at least `n = floor(sqrt(x))` from *any* integer `r > 0` (`r + x/r >=
/// 2·sqrt(x) >= 2n`, and `floor(a) >= 2n` iff `a >= 2n`), so the result
/// is never below `n`, and the squaring loop brings it down to exactly `n`.
/// The steps only decide how far it has to go:
///
/// 1. `r0 = (isqrt(top 126 bits) + 1) · 2^h` is above `s = sqrt(x)` by a
///    factor below `1 + 2^-62`, and `floor(x / r0) = floor((x >> h) /
///    r0')` divides by the one-limb `r0' < 2^64`;
/// 2. `r1` is then within `1 + 2^-124` of `s`; cut to its top 128 bits
///    (rounded up, another `2^-127`), the second division is by two limbs;
/// 3. `r2` is within `s·2^-247 + 1` of `s`: at most two units above `n`
///    for the `x < 2^458` a ballot produces.
///
/// Should the loop take more than a few steps (only possible for `x` far
/// beyond what a ballot produces), the plain Newton iteration
/// ([`isqrt_newton`]) finishes instead.
fn isqrt(x: U512) -> U512 {
    let (r0, h0) = match first_root(x) {
        Ok(exact) => return exact,
        Err(start) => start,
    };
    let r1: U512 = ((r0 << h0) + (x >> h0) / r0) >> 1;
    let h1 = r1.bit_len().saturating_sub(128);
    let r1_cut = (r1 >> h1) + U512::from(1u8);
    let mut r: U512 = ((r1_cut << h1) + (x >> h1) / r1_cut) >> 1;
    for _ in 0..4 {
        match r.checked_mul(r) {
            Some(square) if square <= x => return r,
            _ => r -= U512::from(1u8),
        }
    }
    isqrt_newton(x)
}

/// `floor(sqrt(x))`, exactly: Newton's iteration from above, started from
/// the exact root of the top 126 bits, then a check by squaring (the
/// general fallback of [`isqrt`]).
///
/// Why two steps: the start `r0 = (isqrt(top) + 1) · 2^(shift/2)` is above
/// `s = sqrt(x)` by a factor below `1 + 2^-62` (`isqrt(top) >= 2^62`), and
/// a Newton step from `s(1 + e)` lands below `s(1 + e²/2)`, so two steps
/// leave `r < s(1 + 2^-251)`, i.e. `r <= floor(s) + 1` for `x < 2^500`.
/// Integer Newton steps from above never go below `floor(s)` (AM-GM), so
/// the squaring loop ends at `floor(s)` whatever the bound: it is a
/// correction, not an assumption.
fn isqrt_newton(x: U512) -> U512 {
    let (r0, h0) = match first_root(x) {
        Ok(exact) => return exact,
        Err(start) => start,
    };
    let mut r = r0 << h0;
    for _ in 0..2 {
        let next = (r + x / r) >> 1;
        if next >= r {
            break;
        }
        r = next;
    }
    while r.checked_mul(r).is_none_or(|square| square > x) {
        r -= U512::from(1u8);
    }
    r
}

/// The start both roots share: `Ok(floor(sqrt(x)))` when `x` fits 128
/// bits, else `Err((r0, h))` with `r0 · 2^h` above `sqrt(x)` by a factor
/// below `1 + 2^-62` (`r0 = isqrt(top 125 or 126 bits) + 1 < 2^64`).
fn first_root(x: U512) -> Result<U512, (U512, usize)> {
    let bits = x.bit_len();
    if bits <= 128 {
        return Ok(U512::from(x.to::<u128>().isqrt()));
    }
    // An even shift leaving 125 or 126 bits.
    let shift = (bits - 126 + 1) & !1;
    let top = (x >> shift).to::<u128>();
    Err((U512::from(top.isqrt() + 1), shift / 2))
}

fn to_big(x: &U512) -> BigUint {
    let bytes: [u8; 64] = x.to_le_bytes();
    BigUint::from_bytes_le(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::amount::Power;
    use num_bigint::BigInt;

    fn ballot(s: &Selection, p: u128) -> CountedBallot<'_> {
        CountedBallot {
            selection: s,
            power: Power::from_units(p),
            line: 1,
        }
    }

    fn weights(pairs: &[(u32, i64)]) -> Selection {
        Selection::Weighted(
            pairs
                .iter()
                .map(|&(c, w)| (c, crate::vote::Weight::from(w)))
                .collect(),
        )
    }

    #[test]
    fn perfect_squares_are_exact() {
        // Choice 1: sqrt(4) + sqrt(9) = 5 -> 25; choice 2: sqrt(16) = 4 -> 16.
        // T = 29, so scores are 29·25/41 and 29·16/41, exactly.
        let a = weights(&[(1, 1)]);
        let c = weights(&[(2, 7)]);
        let got = QuadraticBallot
            .tally(2, &[ballot(&a, 4), ballot(&a, 9), ballot(&c, 16)])
            .unwrap();
        let r = |n: i64, d: i64| BigRational::new(BigInt::from(n), BigInt::from(d));
        assert_eq!(got[0].as_rational(), &r(29 * 25, 41));
        assert_eq!(got[1].as_rational(), &r(29 * 16, 41));
    }

    #[test]
    fn splitting_power_is_rewarded_and_roots_are_floored() {
        // One ballot {1: 1, 2: 1} with power 2: each gets sqrt(1) = 1, equal.
        let s = weights(&[(1, 1), (2, 1)]);
        let got = QuadraticBallot.tally(2, &[ballot(&s, 2)]).unwrap();
        assert_eq!(got[0], got[1]);
        assert_eq!(got[0].as_rational(), &BigRational::from_integer(1.into()));
        // Choice 1 from two wallets of 1, choice 2 from one wallet of 2:
        // (1 + 1)² = 4 vs (sqrt 2)² = 2, so choice 1 gets T·4/6 = 8/3, a
        // little more since sqrt 2 is floored at 40 digits.
        let one = weights(&[(1, 1)]);
        let two = weights(&[(2, 1)]);
        let got = QuadraticBallot
            .tally(2, &[ballot(&one, 1), ballot(&one, 1), ballot(&two, 2)])
            .unwrap();
        let first = got[0].as_rational() - BigRational::new(8.into(), 3.into());
        let bound = BigRational::new(1.into(), BigInt::from(10u8).pow(39));
        assert!(first > BigRational::zero() && first < bound, "{first}");
        assert_eq!(
            Score::sum(&got).as_rational(),
            &BigRational::from_integer(4.into())
        );
    }

    #[test]
    fn fixed_width_roots_equal_big_integer_roots() {
        let big = |x: &U512| to_big(x);
        let mut values = vec![U512::ZERO, U512::from(1u8), U512::from(u128::MAX)];
        for bits in [
            127usize, 128, 129, 200, 255, 256, 300, 400, 457, 458, 511, 512,
        ] {
            let x = U512::MAX >> (512 - bits);
            values.push(x);
            let r = isqrt(x);
            values.push(r * r);
            values.push(r * r - U512::from(1u8));
        }
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..20_000 {
            let mut limbs = [0u64; 8];
            let n = (seed % 8) as usize + 1;
            for l in limbs.iter_mut().take(n) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                *l = seed;
            }
            let x = U512::from_limbs(limbs);
            values.push(x);
            let r = isqrt(x);
            if let Some(sq) = r.checked_mul(r) {
                values.push(sq);
            }
        }
        for x in values {
            let want = big(&x).sqrt();
            assert_eq!(big(&isqrt(x)), want, "{x}");
            assert_eq!(big(&isqrt_newton(x)), want, "{x}");
        }
    }

    #[test]
    fn fixed_width_and_big_paths_give_the_same_roots() {
        let scale = pow(BigUint::from(10u8), 2 * SQRT_DIGITS);
        let scale512 = U512::from(10u8).pow(U512::from(2 * SQRT_DIGITS));
        for (p, m, whole) in [
            (u128::MAX, u64::MAX, u128::from(u64::MAX)),
            (u128::MAX, 1, u128::MAX),
            (u128::MAX - 1, u64::MAX - 1, u128::MAX),
            (1, 1, 3),
            (3, 2, 7),
            (116_726_851_206_893_000_000, 49, 99),
        ] {
            let fast = isqrt((scale512 * U512::from(p)) * U512::from(m) / U512::from(whole));
            let slow = root_big(&(&scale * p), &BigUint::from(m), &BigUint::from(whole));
            assert_eq!(to_big(&fast), slow, "{p} {m} {whole}");
        }
    }

    #[test]
    fn zero_power_gives_zero_scores() {
        let s = weights(&[(1, 1)]);
        let got = QuadraticBallot.tally(2, &[ballot(&s, 0)]).unwrap();
        assert!(got.iter().all(Score::is_zero));
    }
}
