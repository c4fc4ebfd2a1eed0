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
        let scale = pow(BigUint::from(10u8), 2 * SQRT_DIGITS);
        let mut roots = vec![BigUint::zero(); choices];
        let mut split = Split::default();
        let mut total = Sum::default();
        for b in ballots {
            let Selection::Weighted(ws) = b.selection else {
                continue;
            };
            let p = b.power.units();
            total.add(p);
            if p == 0 {
                continue;
            }
            // x_vi · 10^80 = p · 10^80 · m_i / M
            let scaled_power = &scale * p;
            match split.of(ws, choices) {
                Whole::Small(whole) => {
                    for &(i, m) in &split.small {
                        let root = ((&scaled_power * m) / whole).sqrt();
                        roots[i] += root;
                    }
                }
                Whole::Big(whole) => {
                    for (i, m) in &split.big {
                        let root = ((&scaled_power * m) / &whole).sqrt();
                        roots[*i] += root;
                    }
                }
            }
        }
        // q_i = A_i² (the common factor 10^-80 cancels in the rescaling).
        let q = roots
            .into_iter()
            .map(|a| BigRational::from_integer((&a * &a).into()))
            .collect();
        Ok(rescale(q, &total.total()))
    }
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
                .map(|&(c, w)| (c, BigRational::from_integer(w.into())))
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
    fn zero_power_gives_zero_scores() {
        let s = weights(&[(1, 1)]);
        let got = QuadraticBallot.tally(2, &[ballot(&s, 0)]).unwrap();
        assert!(got.iter().all(Score::is_zero));
    }
}
