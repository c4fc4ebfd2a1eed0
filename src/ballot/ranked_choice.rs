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
//! Cost: one hash of each ballot's ranking (ballots are grouped by
//! ranking, on two threads), then O(groups × choices) for the rounds: each
//! group keeps a pointer to its current choice and each choice a list of
//! the groups counting for it; eliminating a choice moves only its own
//! groups, each pointer only moves forward.

use std::collections::HashMap;

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
                Selection::List(list) => std::borrow::Cow::Borrowed(&list[..]),
                _ => std::borrow::Cow::Borrowed(&[][..]),
            })
            .collect();
        // The total in file order, so that an overflow names its ballot;
        // every sum below is part of it, so none can overflow.
        let mut total = 0u128;
        for (ranking, b) in rankings.iter().zip(ballots) {
            let Some(&first) = ranking.first() else {
                continue;
            };
            let c = index(first, choices).expect("checked ballot");
            total = total.checked_add(b.power.units()).ok_or(TallyOverflow {
                line: b.line,
                choice: c,
            })?;
        }
        let groups = groups(&rankings, ballots);
        let mut counts = vec![0u128; choices];
        let mut eliminated = vec![false; choices];
        // Position of each group's current choice in its ranking.
        let mut position = vec![0usize; groups.len()];
        // The groups currently counting for each choice.
        let mut holders: Vec<Vec<usize>> = vec![Vec::new(); choices];
        for (g, (ranking, power)) in groups.iter().enumerate() {
            let c = index(ranking[0], choices).expect("checked ballot");
            counts[c] += power;
            holders[c].push(g);
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
            for g in std::mem::take(&mut holders[bottom]) {
                let (ranking, power) = groups[g];
                let next = loop {
                    position[g] += 1;
                    let Some(&choice) = ranking.get(position[g]) else {
                        break None;
                    };
                    let c = index(choice, choices).expect("checked ballot");
                    if !eliminated[c] {
                        break Some(c);
                    }
                };
                match next {
                    Some(c) => {
                        counts[c] += power;
                        holders[c].push(g);
                    }
                    // Unreachable with full rankings; an exhausted ballot
                    // leaves the count, as in snapshot.js.
                    None => total -= power,
                }
            }
        }
        Ok(scores_of(counts))
    }
}

/// From this many ballots the rankings are grouped on two threads.
const PARALLEL_BALLOTS: usize = 1 << 16;

/// The distinct non-empty rankings with the power of the ballots ranking
/// that way, in no particular order.
///
/// Why group: ballots with one ranking move together in every round (each
/// goes to the first choice of its ranking still in the race), so instant
/// runoff over the groups gives the very sums it gives over the ballots.
/// With few choices the groups are few (at most 120 for five choices), and
/// the rounds touch a handful of groups instead of a million ballots.
/// Sums are exact integers, so neither the order of the groups nor the
/// split over threads can change a count. The caller has checked that the
/// total power fits.
fn groups<'r>(
    rankings: &'r [std::borrow::Cow<'_, [u32]>],
    ballots: &[CountedBallot<'_>],
) -> Vec<(&'r [u32], u128)> {
    type Sums<'r> = HashMap<&'r [u32], u128, foldhash::fast::FixedState>;
    let sums = |range: std::ops::Range<usize>| {
        let mut sums = Sums::default();
        for v in range {
            if !rankings[v].is_empty() {
                *sums.entry(&rankings[v][..]).or_default() += ballots[v].power.units();
            }
        }
        sums
    };
    let mut all = crate::parallel::halves(
        ballots.len(),
        PARALLEL_BALLOTS,
        sums,
        |mut first, second| {
            for (ranking, power) in second {
                *first.entry(ranking).or_default() += power;
            }
            first
        },
    );
    all.drain().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::amount::Power;

    fn run(choices: usize, ballots: &[(Vec<u32>, u128)]) -> Vec<u128> {
        let selections: Vec<Selection> = ballots
            .iter()
            .map(|(r, _)| Selection::List(r.clone().into()))
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
        assert_eq!(b.check(&Selection::List(vec![2, 1, 3].into()), 3), Ok(()));
        assert_eq!(
            b.check(&Selection::List(vec![2, 1].into()), 3),
            Err(InvalidBallot::IncompleteRanking)
        );
        assert_eq!(
            b.check(&Selection::List(vec![].into()), 3),
            Err(InvalidBallot::IncompleteRanking)
        );
        assert_eq!(
            b.check(&Selection::List(vec![1, 1, 2].into()), 3),
            Err(InvalidBallot::DuplicateChoice)
        );
        assert_eq!(
            b.check(&Selection::List(vec![1, 2, 4].into()), 3),
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

    /// snapshot.js's `irv` read literally: every round recounts every
    /// ballot for its highest-ranked choice still in the race.
    fn literal_irv(choices: usize, ballots: &[(Vec<u32>, u128)]) -> Vec<u128> {
        let total: u128 = ballots.iter().map(|(_, p)| p).sum();
        let mut out = vec![false; choices];
        loop {
            let mut counts = vec![0u128; choices];
            for (ranking, p) in ballots {
                if let Some(&c) = ranking.iter().find(|&&c| !out[c as usize - 1]) {
                    counts[c as usize - 1] += p;
                }
            }
            let live: Vec<usize> = (0..choices).filter(|&c| !out[c]).collect();
            let top = live.iter().map(|&c| counts[c]).max().unwrap_or(0);
            if 2 * top > total || live.len() < 3 {
                return counts;
            }
            let bottom = *live.iter().min_by_key(|&&c| counts[c]).unwrap();
            out[bottom] = true;
        }
    }

    proptest::proptest! {
        /// Grouping ballots by ranking (on two threads from
        /// `PARALLEL_BALLOTS` on) changes no count: the same final round
        /// as the literal count, also with many equal rankings and ties.
        #[test]
        fn grouped_runoff_equals_the_literal_count(
            choices in 1usize..7,
            seeds in proptest::collection::vec((0u64..720, 0u128..6), 0..60),
            copies in 1usize..3,
        ) {
            let mut ballots = Vec::new();
            for (seed, power) in &seeds {
                // The seed picks a permutation (factorial number system).
                let mut left: Vec<u32> = (1..=choices as u32).collect();
                let mut ranking = Vec::new();
                let mut k = *seed;
                while !left.is_empty() {
                    let i = (k % left.len() as u64) as usize;
                    k /= left.len() as u64;
                    ranking.push(left.remove(i));
                }
                ballots.push((ranking, *power));
            }
            // Enough copies to take the two-thread path now and then.
            let repeat = if copies == 2 { PARALLEL_BALLOTS / ballots.len().max(1) + 1 } else { 1 };
            let ballots: Vec<(Vec<u32>, u128)> = std::iter::repeat_n(ballots, repeat).flatten().collect();
            proptest::prop_assert_eq!(run(choices, &ballots), literal_irv(choices, &ballots));
        }
    }
}
