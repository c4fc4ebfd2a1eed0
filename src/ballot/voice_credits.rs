//! Quadratic voting with voice credits: a ballot spends credits, and `v`
//! votes on a choice cost `v²` credits.
//!
//! A ballot is a map `{choice: votes}` (votes may be fractional and are
//! exact). The voter's budget is its power under the mechanism, read in
//! whole units (power / 10^power_decimals): with token-weighted power each
//! token is a credit; a vote file whose weight column holds 100 for every
//! voter gives everyone 100 credits. A ballot is valid iff its map is a
//! valid weighted map (existing choices, no negative votes, at least one
//! positive) and `Σ votes² <= budget`; a ballot over budget is invalid,
//! counted as `over-budget`. A choice's score is the sum of its votes
//! (shown with the power's decimals, so a score reads as a number of
//! votes). Everything is exact: the budget test compares rationals.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::Zero;

use super::weighted::check_weights;
use super::{index, BallotType, CountedBallot, InvalidBallot, TallyOverflow};
use crate::amount::Power;
use crate::score::Score;
use crate::vote::ChoiceShape;
use crate::vote::Selection;

/// Votes bought with voice credits at a quadratic price.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VoiceCredits {
    /// Decimals of the power unit: a budget of `p` power units is
    /// `p / 10^power_decimals` credits.
    pub power_decimals: u8,
}

impl VoiceCredits {
    fn scale(&self) -> BigRational {
        BigRational::from_integer(num_traits::pow(
            BigInt::from(10u8),
            usize::from(self.power_decimals),
        ))
    }

    /// Credits a selection costs: Σ votes².
    pub fn cost(selection: &Selection) -> BigRational {
        match selection {
            Selection::Weighted(ws) => ws
                .iter()
                .map(|(_, v)| {
                    let v = v.to_rational();
                    &v * &v
                })
                .sum(),
            _ => BigRational::zero(),
        }
    }
}

impl BallotType for VoiceCredits {
    fn adds_up(&self) -> bool {
        true
    }
    fn name(&self) -> &'static str {
        "quadratic-credits"
    }

    fn shape(&self) -> ChoiceShape {
        ChoiceShape::Weighted
    }

    fn check(&self, selection: &Selection, choices: usize) -> Result<(), InvalidBallot> {
        check_weights(selection, choices)
    }

    fn check_with_power(
        &self,
        selection: &Selection,
        choices: usize,
        power: Power,
    ) -> Result<(), InvalidBallot> {
        self.check(selection, choices)?;
        let budget = BigRational::new(BigInt::from(power.units()), BigInt::from(1)) / self.scale();
        if Self::cost(selection) > budget {
            return Err(InvalidBallot::OverBudget);
        }
        Ok(())
    }

    fn tally(
        &self,
        choices: usize,
        ballots: &[CountedBallot<'_>],
    ) -> Result<Vec<Score>, TallyOverflow> {
        let mut votes = vec![BigRational::zero(); choices];
        for b in ballots {
            if let Selection::Weighted(ws) = b.selection {
                for (c, v) in ws {
                    votes[index(*c, choices).expect("checked ballot")] += v.to_rational();
                }
            }
        }
        let scale = self.scale();
        Ok(votes
            .into_iter()
            .map(|v| Score::from_rational(v * &scale))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(u32, i64)]) -> Selection {
        Selection::Weighted(
            pairs
                .iter()
                .map(|&(c, v)| (c, crate::vote::Weight::from(v)))
                .collect(),
        )
    }

    #[test]
    fn budget_is_the_sum_of_squares() {
        let b = VoiceCredits { power_decimals: 0 };
        // 100 credits: 6 and 8 votes cost 36 + 64 = 100: exactly on budget.
        assert_eq!(
            b.check_with_power(&map(&[(1, 6), (2, 8)]), 3, Power::from_units(100)),
            Ok(())
        );
        // 7 and 8 cost 113 > 100.
        assert_eq!(
            b.check_with_power(&map(&[(1, 7), (2, 8)]), 3, Power::from_units(100)),
            Err(InvalidBallot::OverBudget)
        );
        // With 2 decimals, 10000 power units are 100 credits.
        let b2 = VoiceCredits { power_decimals: 2 };
        assert_eq!(
            b2.check_with_power(&map(&[(1, 10)]), 3, Power::from_units(10_000)),
            Ok(())
        );
        assert_eq!(
            b2.check_with_power(&map(&[(1, 11)]), 3, Power::from_units(10_000)),
            Err(InvalidBallot::OverBudget)
        );
        assert_eq!(
            b.check_with_power(&map(&[(1, -1)]), 3, Power::from_units(100)),
            Err(InvalidBallot::NegativeWeight)
        );
    }

    #[test]
    fn scores_are_vote_sums() {
        let b = VoiceCredits { power_decimals: 0 };
        let (s1, s2) = (map(&[(1, 6), (2, 8)]), map(&[(1, 3)]));
        let ballots = [
            CountedBallot {
                selection: &s1,
                power: Power::from_units(100),
                line: 1,
            },
            CountedBallot {
                selection: &s2,
                power: Power::from_units(9),
                line: 2,
            },
        ];
        let scores = b.tally(3, &ballots).unwrap();
        let ints: Vec<String> = scores.iter().map(|s| s.to_string()).collect();
        assert_eq!(ints, ["9", "8", "0"]);
    }
}
