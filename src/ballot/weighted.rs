//! Weighted ballots (snapshot.js `weighted.ts`).
//!
//! A ballot is a map `{choice: weight}`. It is valid iff the map is not
//! empty, every key is an existing choice (once), no weight is negative and
//! at least one weight is positive; zero weights are allowed. Invalid ballots
//! are counted by reason: `out-of-range`, `duplicate-choice` (two keys for
//! one choice, e.g. `"1"` and `"01"`), `negative-weight`,
//! `no-positive-weight` (including the empty map), `wrong-shape` (a number
//! or a list), `unreadable`.
//!
//! Each valid ballot `v` with power `p_v` gives choice `i` the fraction
//! `w_vi / Σ_k w_vk` of its power:
//!
//! ```text
//! r_i     = Σ_v (w_vi / Σ_k w_vk) · p_v
//! score_i = T · r_i / Σ_j r_j        T = Σ_v p_v (valid ballots)
//! ```
//!
//! as snapshot.js computes it (the rescaling is the identity here, since
//! the fractions of each ballot sum to 1, but it is kept literally). Every
//! step is exact: weights are exact rationals (a JSON `0.1` is 1/10, not the
//! nearest double), and the scores are exact rationals. snapshot.js computes
//! the same numbers in doubles, so the two agree to about 1e-15 relative.
//!
//! Cost: linear in the ballots. Each ballot's weights are brought to
//! integers over a common denominator `M_v = Σ_k m_vk`; ballots are grouped
//! by `M_v` and their integer numerators `p_v · m_vi` summed per group, so
//! the only rational additions are one per distinct denominator and choice.

use std::collections::HashMap;

use num_bigint::{BigInt, BigUint};
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{ToPrimitive, Zero};

use super::{has_duplicates, index, BallotType, CountedBallot, InvalidBallot, TallyOverflow};
use crate::score::Score;
use crate::vote::ChoiceShape;
use crate::vote::{Selection, Weight};

/// Power split in proportion to the voter's weights.
#[derive(Clone, Copy, Debug, Default)]
pub struct Weighted;

impl BallotType for Weighted {
    fn adds_up(&self) -> bool {
        true
    }
    fn name(&self) -> &'static str {
        "weighted"
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
        // Integer sums per group: two halves summed apart and merged give
        // the same sums.
        let (groups, total) = crate::parallel::halves(
            ballots.len(),
            PARALLEL_BALLOTS,
            |range| Groups::of(choices, &ballots[range]),
            |(mut groups, mut total), (more, more_total)| {
                groups.merge(more);
                total.add_sum(&more_total);
                (groups, total)
            },
        );
        // r_i = Σ_groups N_gi / M_g, exactly.
        let mut r = vec![BigRational::zero(); choices];
        for (whole, accs) in groups.into_groups() {
            let whole = BigInt::from(whole);
            for (ri, acc) in r.iter_mut().zip(accs) {
                let n = acc.total();
                if !n.is_zero() {
                    *ri += BigRational::new(BigInt::from(n), whole.clone());
                }
            }
        }
        Ok(rescale(r, &total.total()))
    }
}

/// From this many ballots the sums are taken on two threads.
const PARALLEL_BALLOTS: usize = 4096;

/// snapshot.js's final step for weighted and quadratic ballots:
/// `score_i = T · r_i / Σ_j r_j`, or 0 for every choice when `Σ_j r_j = 0`
/// (snapshot.js's `NaN` percentage becomes 0).
pub(super) fn rescale(r: Vec<BigRational>, total: &BigUint) -> Vec<Score> {
    let sum: BigRational = r.iter().sum();
    if sum.is_zero() {
        return r.into_iter().map(|_| Score::zero()).collect();
    }
    let factor = BigRational::from_integer(BigInt::from(total.clone())) / sum;
    r.into_iter()
        .map(|ri| Score::from_rational(ri * &factor))
        .collect()
}

/// snapshot.js's `isValidChoice` of `weighted.ts` and `quadratic.ts`.
pub(super) fn check_weights(selection: &Selection, choices: usize) -> Result<(), InvalidBallot> {
    match selection {
        Selection::Weighted(ws) => {
            // A key snapshot.js reads only through `Number(key)` must name
            // a choice too, but its weight goes to none (`AS_TEXT`).
            if ws
                .iter()
                .any(|(c, _)| index(crate::vote::choice_number(*c), choices).is_none())
            {
                return Err(InvalidBallot::OutOfRange);
            }
            // Without a key written as text (the usual ballot) the keys are
            // checked in place; otherwise the canonical ones are collected.
            let duplicate = if ws.iter().any(|(c, _)| crate::vote::written_as_text(*c)) {
                let canonical: Vec<u32> = ws
                    .iter()
                    .map(|(c, _)| *c)
                    .filter(|c| !crate::vote::written_as_text(*c))
                    .collect();
                has_duplicates(canonical.iter().copied())
            } else {
                has_duplicates(ws.iter().map(|(c, _)| *c))
            };
            if duplicate {
                return Err(InvalidBallot::DuplicateChoice);
            }
            if ws.iter().any(|(_, w)| w.is_negative()) {
                return Err(InvalidBallot::NegativeWeight);
            }
            if !ws.iter().any(|(_, w)| !w.is_zero()) {
                return Err(InvalidBallot::NoPositiveWeight);
            }
            Ok(())
        }
        Selection::Unreadable(_) => Err(InvalidBallot::Unreadable),
        _ => Err(InvalidBallot::WrongShape),
    }
}

/// The common denominator of one ballot's weights.
pub(super) enum Whole {
    /// The weights are integers below 2^64; their sum.
    Small(u128),
    /// Anything else.
    Big(BigUint),
}

/// One ballot's weights as non-negative integers over a common
/// denominator: the fraction of the power for choice `i` is `m_i / M` with
/// `M = Σ m_k` (the returned [`Whole`]). The buffers are reused from ballot
/// to ballot; zero weights are left out.
#[derive(Default)]
pub(super) struct Split {
    /// `(choice index, m_i)` when the whole is [`Whole::Small`].
    pub(super) small: Vec<(usize, u64)>,
    /// `(choice index, m_i)` when the whole is [`Whole::Big`].
    pub(super) big: Vec<(usize, BigUint)>,
}

impl Split {
    /// Splits a checked ballot's weights (non-negative, keys in range).
    pub(super) fn of(&mut self, ws: &[(u32, Weight)], choices: usize) -> Whole {
        self.small.clear();
        self.big.clear();
        let mut whole = 0u128;
        let mut small = true;
        for (c, w) in ws {
            match w.as_u64() {
                Some(m) => {
                    whole += u128::from(m); // at most 2^32 keys of < 2^64
                    if m > 0 && !crate::vote::written_as_text(*c) {
                        self.small
                            .push((index(*c, choices).expect("checked ballot"), m));
                    }
                }
                None => {
                    small = false;
                    break;
                }
            }
        }
        if small {
            return Whole::Small(whole);
        }
        self.small.clear();
        // Common denominator: the lcm of the weights' denominators.
        let ws: Vec<(u32, BigRational)> = ws.iter().map(|(c, w)| (*c, w.to_rational())).collect();
        let lcm = ws
            .iter()
            .fold(BigInt::from(1u8), |l, (_, w)| l.lcm(w.denom()));
        let mut whole = BigUint::zero();
        for (c, w) in &ws {
            let m = (w.numer() * (&lcm / w.denom()))
                .to_biguint()
                .expect("checked ballot: weights are not negative");
            if !m.is_zero() {
                whole += &m;
                if crate::vote::written_as_text(*c) {
                    continue;
                }
                self.big
                    .push((index(*c, choices).expect("checked ballot"), m));
            }
        }
        Whole::Big(whole)
    }
}

/// A sum of non-negative integers: `u128` while it fits, then big.
#[derive(Clone, Debug, Default)]
pub(super) struct Sum {
    small: u128,
    big: BigUint,
}

impl Sum {
    pub(super) fn add(&mut self, x: u128) {
        match self.small.checked_add(x) {
            Some(s) => self.small = s,
            None => {
                self.big += self.small;
                self.small = x;
            }
        }
    }

    pub(super) fn add_big(&mut self, x: &BigUint) {
        self.big += x;
    }

    pub(super) fn add_sum(&mut self, other: &Sum) {
        self.add(other.small);
        self.big += &other.big;
    }

    pub(super) fn total(&self) -> BigUint {
        &self.big + self.small
    }
}

/// Ballots grouped by their common denominator `M`, with the sums of
/// `p_v · m_vi` per choice.
struct Groups {
    choices: usize,
    small: HashMap<u128, Vec<Sum>, foldhash::fast::FixedState>,
    big: HashMap<BigUint, Vec<Sum>, foldhash::fast::FixedState>,
}

impl Groups {
    fn new(choices: usize) -> Self {
        Groups {
            choices,
            small: HashMap::default(),
            big: HashMap::default(),
        }
    }

    /// The groups of `ballots` (checked weighted ballots) and their total
    /// power.
    fn of(choices: usize, ballots: &[CountedBallot<'_>]) -> (Groups, Sum) {
        let mut groups = Groups::new(choices);
        let mut split = Split::default();
        let mut total = Sum::default();
        for b in ballots {
            let Selection::Weighted(ws) = b.selection else {
                continue;
            };
            let p = b.power.units();
            total.add(p);
            match split.of(ws, choices) {
                Whole::Small(whole) => {
                    let accs = groups.small_group(whole);
                    for &(i, m) in &split.small {
                        match p.checked_mul(u128::from(m)) {
                            Some(x) => accs[i].add(x),
                            None => accs[i].add_big(&(BigUint::from(p) * m)),
                        }
                    }
                }
                Whole::Big(whole) => {
                    let accs = groups.big_group(whole);
                    let p = BigUint::from(p);
                    for (i, m) in &split.big {
                        accs[*i].add_big(&(&p * m));
                    }
                }
            }
        }
        (groups, total)
    }

    /// Adds `other`'s sums to these.
    fn merge(&mut self, other: Groups) {
        for (whole, sums) in other.small {
            for (acc, s) in self.small_group(whole).iter_mut().zip(&sums) {
                acc.add_sum(s);
            }
        }
        for (whole, sums) in other.big {
            for (acc, s) in self.big_group(whole).iter_mut().zip(&sums) {
                acc.add_sum(s);
            }
        }
    }

    fn small_group(&mut self, whole: u128) -> &mut Vec<Sum> {
        let n = self.choices;
        self.small
            .entry(whole)
            .or_insert_with(|| vec![Sum::default(); n])
    }

    fn big_group(&mut self, whole: BigUint) -> &mut Vec<Sum> {
        let n = self.choices;
        match whole.to_u128() {
            Some(w) => self.small_group(w),
            None => self
                .big
                .entry(whole)
                .or_insert_with(|| vec![Sum::default(); n]),
        }
    }

    fn into_groups(self) -> impl Iterator<Item = (BigUint, Vec<Sum>)> {
        self.small
            .into_iter()
            .map(|(w, s)| (BigUint::from(w), s))
            .chain(self.big)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::amount::Power;

    fn w(pairs: &[(u32, i64, i64)]) -> Selection {
        Selection::Weighted(
            pairs
                .iter()
                .map(|&(c, n, d)| (c, Weight::new(BigRational::new(n.into(), d.into()))))
                .collect(),
        )
    }

    fn rat(n: i64, d: i64) -> BigRational {
        BigRational::new(n.into(), d.into())
    }

    #[test]
    fn validity_follows_snapshot() {
        let b = Weighted;
        assert_eq!(b.check(&w(&[(1, 1, 1), (3, 2, 1)]), 3), Ok(()));
        assert_eq!(b.check(&w(&[(1, 0, 1), (2, 1, 2)]), 3), Ok(()));
        assert_eq!(b.check(&w(&[]), 3), Err(InvalidBallot::NoPositiveWeight));
        assert_eq!(
            b.check(&w(&[(1, 0, 1), (2, 0, 1)]), 3),
            Err(InvalidBallot::NoPositiveWeight)
        );
        assert_eq!(
            b.check(&w(&[(1, -1, 1), (2, 3, 1)]), 3),
            Err(InvalidBallot::NegativeWeight)
        );
        assert_eq!(b.check(&w(&[(4, 1, 1)]), 3), Err(InvalidBallot::OutOfRange));
        assert_eq!(b.check(&w(&[(0, 1, 1)]), 3), Err(InvalidBallot::OutOfRange));
        assert_eq!(
            b.check(&w(&[(1, 1, 1), (1, 2, 1)]), 3),
            Err(InvalidBallot::DuplicateChoice)
        );
        assert_eq!(
            b.check(&Selection::List(vec![1].into()), 3),
            Err(InvalidBallot::WrongShape)
        );
        assert_eq!(
            b.check(&Selection::Single(1), 3),
            Err(InvalidBallot::WrongShape)
        );
    }

    #[test]
    fn splits_power_exactly() {
        // {1: 1, 2: 2} with power 3 -> 1, 2; {2: 0.5, 3: 0.25} with power 6
        // -> 4, 2; {1: 1} with power 1 -> 1. Totals [2, 6, 2], T = 10.
        let s1 = w(&[(1, 1, 1), (2, 2, 1)]);
        let s2 = w(&[(2, 1, 2), (3, 1, 4)]);
        let s3 = w(&[(1, 1, 1)]);
        let ballot = |s, p, line| CountedBallot {
            selection: s,
            power: Power::from_units(p),
            line,
        };
        let got = Weighted
            .tally(
                3,
                &[ballot(&s1, 3, 1), ballot(&s2, 6, 2), ballot(&s3, 1, 3)],
            )
            .unwrap();
        let want: Vec<_> = [2, 6, 2]
            .iter()
            .map(|&n| Score::from_rational(rat(n, 1)))
            .collect();
        assert_eq!(got, want);
        // A third each: exact thirds, not 0.333…
        let s4 = w(&[(1, 1, 1), (2, 1, 1), (3, 1, 1)]);
        let got = Weighted.tally(3, &[ballot(&s4, 1, 1)]).unwrap();
        assert!(got.iter().all(|s| *s.as_rational() == rat(1, 3)));
    }

    #[test]
    fn huge_weights_and_powers_do_not_overflow() {
        let big = BigRational::from_integer(BigInt::from(u64::MAX) * 1000);
        let s =
            Selection::Weighted(vec![(1, Weight::new(big.clone())), (2, Weight::new(big))].into());
        let b = CountedBallot {
            selection: &s,
            power: Power::from_units(u128::MAX),
            line: 1,
        };
        let got = Weighted.tally(2, &[b, b]).unwrap();
        let want = BigRational::from_integer(BigInt::from(u128::MAX));
        assert_eq!(got[0].as_rational(), &want);
        assert_eq!(got[1].as_rational(), &want);
    }
}
