//! Copeland ballots (snapshot.js `copeland.ts`): full rankings counted by
//! pairwise victories.
//!
//! A ballot is valid iff it ranks *every* choice exactly once
//! (`out-of-range`, `duplicate-choice`, `incomplete-ranking`, `wrong-shape`,
//! `unreadable` otherwise).
//!
//! Counting, with `n` choices and `T` the power of the valid ballots
//! (snapshot.js's `getScoresTotal`, which for copeland counts valid
//! ballots only):
//! - for each ballot and each pair with `a` ranked above `b`:
//!   `P[a][b] += p`, `P[b][a] -= p`, `support[a] += p`;
//! - for each ordered pair `(i, j)`, `i != j`: `+1` to `i` if `P[i][j] > 0`,
//!   `+1` to `j` if `P[i][j] < 0`, `+1/2` to each if 0 (both orders are
//!   visited, so a pairwise win is worth 2 and a tie 1 to each);
//! - tie-break by average support, if `T > 0` and `n > 1`:
//!   `score_i += support_i / (2·(n-1)·T)`, which is below 1/2 and cannot
//!   overturn a victory;
//! - `score_i · T / Σ_j score_j`, or `T / n` each if the sum is 0.
//!
//! govkit keeps `P` as two non-negative sums (`W[a][b]`, the power ranking
//! `a` above `b`; `P[a][b] = W[a][b] - W[b][a]`) and the victory points as
//! integers (2 per win, 1 per tie), so every score is an exact rational.
//!
//! Cost: O(votes × choices²).

use std::cmp::Ordering;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::Zero;

use super::{check_full_ranking, index, BallotType, CountedBallot, InvalidBallot, TallyOverflow};
use crate::score::Score;
use crate::vote::ChoiceShape;
use crate::vote::Selection;

/// Full rankings, Copeland's method with snapshot.js's tie-break.
#[derive(Clone, Copy, Debug, Default)]
pub struct Copeland;

impl BallotType for Copeland {
    fn name(&self) -> &'static str {
        "copeland"
    }

    fn shape(&self) -> ChoiceShape {
        ChoiceShape::List
    }

    fn check(&self, selection: &Selection, choices: usize) -> Result<(), InvalidBallot> {
        check_full_ranking(selection, choices)
    }

    fn tally(
        &self,
        choices: usize,
        ballots: &[CountedBallot<'_>],
    ) -> Result<Vec<Score>, TallyOverflow> {
        let n = choices;
        // above[a * n + b]: power of the ballots ranking a above b.
        let mut above = vec![0u128; n * n];
        let mut total = 0u128;
        let mut ranks: Vec<usize> = Vec::with_capacity(n);
        for b in ballots {
            let Selection::List(list) = b.selection else {
                continue;
            };
            let p = b.power.units();
            ranks.clear();
            ranks.extend(list.iter().map(|&c| index(c, n).expect("checked ballot")));
            let overflow = |choice| TallyOverflow {
                line: b.line,
                choice,
            };
            total = total
                .checked_add(p)
                .ok_or(overflow(ranks.first().copied().unwrap_or(0)))?;
            if p == 0 {
                continue;
            }
            for (r, &a) in ranks.iter().enumerate() {
                let row = &mut above[a * n..(a + 1) * n];
                for &lower in &ranks[r + 1..] {
                    // Each entry is at most `total`, which fitted.
                    row[lower] += p;
                }
            }
        }

        // Victory points: snapshot.js visits each unordered pair twice, as
        // (i, j) and (j, i), giving 1 to the winner each time or 1/2 to both
        // on a tie; so a win is worth 2 and a tie 1, integers.
        let mut points = vec![0u64; n];
        for i in 0..n {
            for j in i + 1..n {
                match above[i * n + j].cmp(&above[j * n + i]) {
                    Ordering::Greater => points[i] += 2,
                    Ordering::Less => points[j] += 2,
                    Ordering::Equal => {
                        points[i] += 1;
                        points[j] += 1;
                    }
                }
            }
        }
        let total_big = BigInt::from(total);
        let mut scores: Vec<BigRational> = points
            .iter()
            .map(|&p| BigRational::from_integer(BigInt::from(p)))
            .collect();
        if total > 0 && n > 1 {
            let denominator = BigInt::from(2u8) * BigInt::from(n - 1) * &total_big;
            for (i, score) in scores.iter_mut().enumerate() {
                let support: BigInt = above[i * n..(i + 1) * n]
                    .iter()
                    .map(|&w| BigInt::from(w))
                    .sum();
                if !support.is_zero() {
                    *score += BigRational::new(support, denominator.clone());
                }
            }
        }
        let sum: BigRational = scores.iter().sum();
        let t = BigRational::from_integer(total_big);
        if sum.is_zero() {
            let each = if n == 0 {
                BigRational::zero()
            } else {
                &t / BigRational::from_integer(BigInt::from(n))
            };
            return Ok(vec![Score::from_rational(each); n]);
        }
        let factor = t / sum;
        Ok(scores
            .into_iter()
            .map(|s| Score::from_rational(s * &factor))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::amount::Power;

    fn run(choices: usize, ballots: &[(Vec<u32>, u128)]) -> Vec<BigRational> {
        let selections: Vec<Selection> = ballots
            .iter()
            .map(|(r, _)| Selection::List(r.clone().into()))
            .collect();
        let counted: Vec<CountedBallot<'_>> = selections
            .iter()
            .zip(ballots)
            .map(|(s, (_, p))| CountedBallot {
                selection: s,
                power: Power::from_units(*p),
                line: 1,
            })
            .collect();
        Copeland
            .tally(choices, &counted)
            .unwrap()
            .into_iter()
            .map(|s| s.as_rational().clone())
            .collect()
    }

    fn r(n: i64, d: i64) -> BigRational {
        BigRational::new(n.into(), d.into())
    }

    #[test]
    fn snapshot_example_by_hand() {
        // [1,2,3,4], [2,1,3,4], [1,3,2,4], power 1 each, T = 3.
        // Pairwise: 1 beats 2, 3, 4; 2 beats 3, 4; 3 beats 4.
        // Points (win = 2): 6, 4, 2, 0. Support: 8, 6, 4, 0, over 2·3·3 = 18.
        // Scores 6 + 8/18 = 58/9, 4 + 6/18 = 39/9, 2 + 4/18 = 20/9, 0;
        // sum 117/9 = 13; times 3/13: 58/39, 1, 20/39, 0.
        let got = run(
            4,
            &[
                (vec![1, 2, 3, 4], 1),
                (vec![2, 1, 3, 4], 1),
                (vec![1, 3, 2, 4], 1),
            ],
        );
        assert_eq!(got, vec![r(58, 39), r(1, 1), r(20, 39), r(0, 1)]);
    }

    #[test]
    fn ties_give_half_a_point_per_visit() {
        // [1,2] and [2,1] with equal power: one tie, 1 point each; support
        // 1 each over 2·1·2 = 4 -> 1.25 each; sum 2.5; each gets T/2 = 1.
        let got = run(2, &[(vec![1, 2], 1), (vec![2, 1], 1)]);
        assert_eq!(got, vec![r(1, 1), r(1, 1)]);
    }

    #[test]
    fn no_ballots_and_a_single_choice() {
        assert_eq!(run(3, &[]), vec![r(0, 1); 3]);
        // One choice: no pairs, so the sum is 0 and T / n goes to it.
        assert_eq!(run(1, &[(vec![1], 5)]), vec![r(5, 1)]);
    }
}
