//! Ranked-choice ballots counted by instant runoff (snapshot.js
//! `rankedChoice.ts`).
//!
//! A ballot is valid iff it ranks *every* choice exactly once (snapshot.js
//! does not support partial rankings): `out-of-range`, `duplicate-choice`,
//! `incomplete-ranking` (also the empty list), `wrong-shape`, `unreadable`
//! otherwise.
//!
//! Counting, as snapshot.js's `irv`:
//! 1. every ballot counts for its highest-ranked choice still in the race;
//! 2. stop if the leader has more than half of the power of all valid
//!    ballots (`2·top > T`, strictly), or fewer than three choices remain;
//! 3. otherwise eliminate the choice with the least power (on a tie, the
//!    lowest-numbered one) and go to 1.
//!
//! The scores are the final round's totals; eliminated choices score 0.
//! Since every valid ballot ranks every choice, no ballot is ever exhausted
//! and the final totals add up to `T`. Everything is integer power, exact;
//! snapshot.js compares the same sums in doubles, which can differ only
//! when fractional balances make float sums tie or cross where exact sums
//! do not.
//!
//! Cost: O(votes × choices) in total. Each ballot keeps a pointer to its
//! current choice and each choice a list of the ballots counting for it;
//! eliminating a choice moves only its own ballots, each pointer only moves
//! forward.

use super::{
    check_full_ranking, index, scores_of, BallotType, CountedBallot, InvalidBallot, TallyOverflow,
};
use crate::score::Score;
use crate::vote::ChoiceShape;
use crate::vote::Selection;

/// Full rankings, instant runoff.
#[derive(Clone, Copy, Debug, Default)]
pub struct RankedChoice;

impl BallotType for RankedChoice {
    fn name(&self) -> &'static str {
        "ranked-choice"
    }

    fn shape(&self) -> ChoiceShape {
        ChoiceShape::List
    }

    fn check(&self, selection: &Selection, choices: usize) -> Result<(), InvalidBallot> {
        // snapshot.js counts a ranking written as strings (`["1","2"]`)
        // as the numbers (its candidates are object keys).
        match selection {
            Selection::List(list) if list.iter().any(|c| crate::vote::written_as_text(*c)) => {
                let numbers = list
                    .iter()
                    .map(|c| crate::vote::choice_number(*c))
                    .collect();
                check_full_ranking(&Selection::List(numbers), choices)
            }
            _ => check_full_ranking(selection, choices),
        }
    }

    fn tally(
        &self,
        choices: usize,
        ballots: &[CountedBallot<'_>],
    ) -> Result<Vec<Score>, TallyOverflow> {
        let rankings: Vec<std::borrow::Cow<'_, [u32]>> = ballots
            .iter()
            .map(|b| match b.selection {
                Selection::List(list) if list.iter().any(|c| crate::vote::written_as_text(*c)) => {
                    list.iter()
                        .map(|c| crate::vote::choice_number(*c))
                        .collect()
                }
                Selection::List(list) => std::borrow::Cow::Borrowed(list.as_slice()),
                _ => std::borrow::Cow::Borrowed(&[][..]),
            })
            .collect();
        let mut counts = vec![0u128; choices];
        let mut eliminated = vec![false; choices];
        // Position of each ballot's current choice in its ranking.
        let mut position = vec![0usize; ballots.len()];
        // The ballots currently counting for each choice.
        let mut holders: Vec<Vec<usize>> = vec![Vec::new(); choices];
        let mut total = 0u128;
        for (v, b) in ballots.iter().enumerate() {
            let Some(&first) = rankings[v].first() else {
                continue;
            };
            let c = index(first, choices).expect("checked ballot");
            let overflow = TallyOverflow {
                line: b.line,
                choice: c,
            };
            total = total.checked_add(b.power.units()).ok_or(overflow)?;
            counts[c] = counts[c].checked_add(b.power.units()).ok_or(overflow)?;
            holders[c].push(v);
        }
        if ballots.is_empty() {
            return Ok(scores_of(counts));
        }
        let mut remaining = choices;
        while remaining >= 3 {
            let live = || (0..choices).filter(|&c| !eliminated[c]);
            let top = live().map(|c| counts[c]).max().unwrap_or(0);
            if top > total - top {
                break;
            }
            // The first minimum in choice order: the lowest-numbered on a tie.
            let bottom = live()
                .min_by_key(|&c| counts[c])
                .expect("at least three choices remain");
            eliminated[bottom] = true;
            remaining -= 1;
            counts[bottom] = 0;
            for v in std::mem::take(&mut holders[bottom]) {
                let ranking = &rankings[v];
                let next = loop {
                    position[v] += 1;
                    let Some(&choice) = ranking.get(position[v]) else {
                        break None;
                    };
                    let c = index(choice, choices).expect("checked ballot");
                    if !eliminated[c] {
                        break Some(c);
                    }
                };
                match next {
                    Some(c) => {
                        // Bounded by `total`, which fitted.
                        counts[c] += ballots[v].power.units();
                        holders[c].push(v);
                    }
                    // Unreachable with full rankings; an exhausted ballot
                    // leaves the count, as in snapshot.js.
                    None => total -= ballots[v].power.units(),
                }
            }
        }
        Ok(scores_of(counts))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::amount::Power;

    fn run(choices: usize, ballots: &[(Vec<u32>, u128)]) -> Vec<u128> {
        let selections: Vec<Selection> = ballots
            .iter()
            .map(|(r, _)| Selection::List(r.clone()))
            .collect();
        let counted: Vec<CountedBallot<'_>> = selections
            .iter()
            .zip(ballots)
            .enumerate()
            .map(|(i, (s, (_, p)))| CountedBallot {
                selection: s,
                power: Power::from_units(*p),
                line: i as u64 + 1,
            })
            .collect();
        RankedChoice
            .tally(choices, &counted)
            .unwrap()
            .iter()
            .map(|s| s.as_rational().to_integer().try_into().unwrap())
            .collect()
    }

    #[test]
    fn validity_requires_a_full_ranking() {
        let b = RankedChoice;
        assert_eq!(b.check(&Selection::List(vec![2, 1, 3]), 3), Ok(()));
        assert_eq!(
            b.check(&Selection::List(vec![2, 1]), 3),
            Err(InvalidBallot::IncompleteRanking)
        );
        assert_eq!(
            b.check(&Selection::List(vec![]), 3),
            Err(InvalidBallot::IncompleteRanking)
        );
        assert_eq!(
            b.check(&Selection::List(vec![1, 1, 2]), 3),
            Err(InvalidBallot::DuplicateChoice)
        );
        assert_eq!(
            b.check(&Selection::List(vec![1, 2, 4]), 3),
            Err(InvalidBallot::OutOfRange)
        );
        assert_eq!(
            b.check(&Selection::Single(1), 1),
            Err(InvalidBallot::WrongShape)
        );
    }

    #[test]
    fn majority_in_the_first_round_stops() {
        assert_eq!(
            run(3, &[(vec![1, 2, 3], 6), (vec![2, 1, 3], 5)]),
            vec![6, 5, 0]
        );
    }

    #[test]
    fn exactly_half_is_not_a_majority_and_ties_eliminate_the_lowest_number() {
        // 1: 2, 2: 1, 3: 1 -> top 2 is not > 4/2; 2 and 3 tie at the bottom,
        // 2 goes (lowest-numbered), its ballot moves to 3; two remain: stop.
        assert_eq!(
            run(
                3,
                &[
                    (vec![1, 2, 3], 1),
                    (vec![1, 3, 2], 1),
                    (vec![2, 3, 1], 1),
                    (vec![3, 1, 2], 1)
                ]
            ),
            vec![2, 0, 2]
        );
    }

    #[test]
    fn transfers_skip_eliminated_choices() {
        // Round 1: 1: 4, 2: 3, 3: 2, 4: 1 (total 10). 4 goes; its ballot
        // [4, 3, 2, 1] moves to 3: 1: 4, 2: 3, 3: 3. 2 goes (tie with 3,
        // lower number); [2, 4, 3, 1] skips 4 to 3. Final 1: 4, 3: 6.
        assert_eq!(
            run(
                4,
                &[
                    (vec![1, 2, 3, 4], 4),
                    (vec![2, 4, 3, 1], 3),
                    (vec![3, 2, 1, 4], 2),
                    (vec![4, 3, 2, 1], 1)
                ]
            ),
            vec![4, 0, 6, 0]
        );
    }
}
