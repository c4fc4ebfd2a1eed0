//! Fractional votes (OpenZeppelin `GovernorCountingFractional`, from
//! ScopeLift's flexible voting): a voter may split its weight over
//! Against, For and Abstain, partially and over several casts, until the
//! weight is spent.
//!
//! A cast is either *nominal* (one choice, as a plain governor vote: it
//! spends all of the voter's remaining weight on that choice) or
//! *fractional* (`{"For": 2, "Against": 1, "Abstain": 1}`: amounts of the
//! voter's token weight, in the vote file's unit; the contract's support
//! 255 with three packed `uint128`). As `_countVote` does:
//!
//! - a cast when nothing remains is refused (`GovernorAlreadyCastVote`):
//!   counted invalid as `already-cast`;
//! - a fractional cast whose amounts add up to more than what remains is
//!   refused (`GovernorExceedRemainingWeight`): `exceeds-remaining-weight`;
//! - otherwise its amounts are added to the choices and to the voter's
//!   used weight. Weight never spent is not counted anywhere.
//!
//! The casts of one voter are taken in time order (`created`, then file
//! order) and merged into one ballot per voter before the mechanism runs
//! ([`combine`]): the mechanism prices the voter once, and each choice gets
//! the share `amount / weight` of the voter's power, exactly. For
//! token-weighted voting that is the contract's tally to the base unit.
//!
//! Choices are the basic ones (1 For, 2 Against, 3 Abstain).

use std::collections::HashMap;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};

use super::{has_duplicates, index, BallotType, CountedBallot, InvalidBallot, TallyOverflow};
use crate::amount::Amount;
use crate::error::{Error, Location, Result};
use crate::score::Score;
use crate::vote::{ChoiceShape, Selection, Vote, VoteSet, Voter, Weight};

/// Fractional votes over For / Against / Abstain.
#[derive(Clone, Copy, Debug, Default)]
pub struct FractionalBallot;

impl BallotType for FractionalBallot {
    fn adds_up(&self) -> bool {
        true
    }
    fn name(&self) -> &'static str {
        "fractional"
    }

    fn shape(&self) -> ChoiceShape {
        ChoiceShape::Fractional
    }

    /// A merged ballot: each choice once, a share of the voter's weight
    /// (from [`combine`]), the shares adding up to at most 1.
    fn check(&self, selection: &Selection, choices: usize) -> Result<(), InvalidBallot> {
        let shares = match selection {
            Selection::Weighted(w) => w,
            Selection::Single(c) => {
                return index(*c, choices)
                    .map(|_| ())
                    .ok_or(InvalidBallot::OutOfRange)
            }
            Selection::Unreadable(_) => return Err(InvalidBallot::Unreadable),
            Selection::List(_) => return Err(InvalidBallot::WrongShape),
        };
        if shares.iter().any(|(c, _)| index(*c, choices).is_none()) {
            return Err(InvalidBallot::OutOfRange);
        }
        if has_duplicates(shares.iter().map(|(c, _)| *c)) {
            return Err(InvalidBallot::DuplicateChoice);
        }
        if shares.iter().any(|(_, s)| s.is_negative()) {
            return Err(InvalidBallot::NegativeWeight);
        }
        let total: BigRational = shares.iter().map(|(_, s)| s.to_rational()).sum();
        if total > BigRational::one() {
            return Err(InvalidBallot::ExceedsRemainingWeight);
        }
        Ok(())
    }

    fn accumulates_casts(&self) -> bool {
        true
    }

    fn tally(
        &self,
        choices: usize,
        ballots: &[CountedBallot<'_>],
    ) -> std::result::Result<Vec<Score>, TallyOverflow> {
        let mut sums = vec![BigRational::zero(); choices];
        for b in ballots {
            let power = BigRational::from_integer(BigInt::from(b.power.units()));
            match b.selection {
                Selection::Single(c) => {
                    if let Some(i) = index(*c, choices) {
                        sums[i] += &power;
                    }
                }
                Selection::Weighted(shares) => {
                    for (c, share) in shares {
                        if let Some(i) = index(*c, choices) {
                            sums[i] += &power * share.to_rational();
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(sums.into_iter().map(Score::from_rational).collect())
    }
}

/// The casts of a fractional proposal merged into one ballot per voter.
#[derive(Debug)]
pub struct Combined {
    /// One vote per voter whose casts counted: its selection is the share
    /// of its weight on each choice; in order of each voter's first cast.
    pub votes: VoteSet,
    /// Each merged vote's token weight.
    pub weights: Vec<Amount>,
    /// Casts refused, by reason.
    pub invalid: Vec<(u64, InvalidBallot)>,
    /// Casts that were merged into an earlier cast of the same voter.
    pub merged: u64,
}

/// A voter's running state: the merged vote's index, weight, amounts spent
/// per choice, total used.
struct Running {
    first: usize,
    weight: u128,
    weight_line: u64,
    spent: Vec<u128>,
    used: u128,
    casts: u64,
}

/// Merges each voter's casts as `_countVote` does, in time order (`cast_at`,
/// then file order). `weights` are the casts' token weights, in the order of
/// `votes.votes`; every cast of one voter must state the same weight.
pub fn combine(votes: &VoteSet, weights: &[Amount], choices: usize) -> Result<Combined> {
    let mut order: Vec<usize> = (0..votes.votes.len()).collect();
    order.sort_by(|&a, &b| {
        let (va, vb) = (&votes.votes[a], &votes.votes[b]);
        va.cast_at.cmp(&vb.cast_at).then(va.line.cmp(&vb.line))
    });
    let mut by_voter: HashMap<&Voter, Running> = HashMap::new();
    let mut anonymous = Vec::new();
    let mut invalid = Vec::new();
    for &i in &order {
        let vote = &votes.votes[i];
        let weight = weights[i].base_units();
        let Some(voter) = &vote.voter else {
            anonymous.push(i);
            continue;
        };
        let r = by_voter.entry(voter).or_insert_with(|| Running {
            first: i,
            weight,
            weight_line: vote.line,
            spent: vec![0; choices],
            used: 0,
            casts: 0,
        });
        if r.weight != weight {
            return Err(Error::input(
                Location::line(&votes.source, vote.line),
                format!(
                    "{voter} casts with weight {} here but {} on line {}: the casts of one \
                     voter share the weight at the proposal's snapshot",
                    weight, r.weight, r.weight_line
                ),
            ));
        }
        match apply_cast(r, &vote.selection, choices) {
            Ok(()) => r.casts += 1,
            Err(reason) => invalid.push((vote.line, reason)),
        }
    }
    let mut merged_votes: Vec<(usize, Vote, Amount)> = Vec::with_capacity(by_voter.len());
    let mut merged = 0;
    for r in by_voter.into_values() {
        if r.casts == 0 {
            continue;
        }
        merged += r.casts - 1;
        let first = &votes.votes[r.first];
        let shares = shares_of(&r);
        merged_votes.push((
            r.first,
            Vote {
                selection: Selection::Weighted(shares.into()),
                ..first.clone()
            },
            Amount::from_base_units(r.weight),
        ));
    }
    for i in anonymous {
        // Anonymous votes are never merged: each is its own voter.
        let mut r = Running {
            first: i,
            weight: weights[i].base_units(),
            weight_line: 0,
            spent: vec![0; choices],
            used: 0,
            casts: 0,
        };
        let vote = &votes.votes[i];
        match apply_cast(&mut r, &vote.selection, choices) {
            Ok(()) => merged_votes.push((
                i,
                Vote {
                    selection: Selection::Weighted(shares_of(&r).into()),
                    ..vote.clone()
                },
                weights[i],
            )),
            Err(reason) => invalid.push((vote.line, reason)),
        }
    }
    merged_votes.sort_by_key(|(first, _, _)| *first);
    invalid.sort();
    let (list, weights): (Vec<Vote>, Vec<Amount>) =
        merged_votes.into_iter().map(|(_, v, w)| (v, w)).unzip();
    Ok(Combined {
        votes: VoteSet {
            source: votes.source.clone(),
            votes: list,
            read: votes.read,
            replaced: votes.replaced,
        },
        weights,
        invalid,
        merged,
    })
}

fn shares_of(r: &Running) -> Vec<(u32, Weight)> {
    r.spent
        .iter()
        .enumerate()
        .filter(|(_, &a)| a > 0)
        .map(|(c, &a)| {
            (
                c as u32 + 1,
                // A voter with casts counted has a weight above zero.
                Weight::new(BigRational::new(BigInt::from(a), BigInt::from(r.weight))),
            )
        })
        .collect()
}

/// One cast, as `_countVote`: nominal spends what remains, fractional
/// spends its amounts if they fit.
fn apply_cast(
    r: &mut Running,
    selection: &Selection,
    choices: usize,
) -> std::result::Result<(), InvalidBallot> {
    let remaining = r.weight - r.used;
    if remaining == 0 {
        return Err(InvalidBallot::AlreadyCast);
    }
    match selection {
        Selection::Single(c) => {
            let i = index(*c, choices).ok_or(InvalidBallot::OutOfRange)?;
            r.spent[i] += remaining;
            r.used = r.weight;
            Ok(())
        }
        Selection::Weighted(amounts) => {
            if amounts.iter().any(|(c, _)| index(*c, choices).is_none()) {
                return Err(InvalidBallot::OutOfRange);
            }
            if has_duplicates(amounts.iter().map(|(c, _)| *c)) {
                return Err(InvalidBallot::DuplicateChoice);
            }
            let mut parts = Vec::with_capacity(amounts.len());
            let mut total: u128 = 0;
            for (c, a) in amounts {
                let a = a.to_rational();
                if a.is_negative() {
                    return Err(InvalidBallot::NegativeWeight);
                }
                // The readers give amounts in base units; a fraction of a
                // base unit cannot be cast.
                let units = a
                    .is_integer()
                    .then(|| u128::try_from(a.to_integer()).ok())
                    .flatten()
                    .ok_or(InvalidBallot::Unreadable)?;
                total = total
                    .checked_add(units)
                    .ok_or(InvalidBallot::ExceedsRemainingWeight)?;
                parts.push((index(*c, choices).expect("checked"), units));
            }
            if total > remaining {
                return Err(InvalidBallot::ExceedsRemainingWeight);
            }
            for (i, units) in parts {
                r.spent[i] += units;
            }
            r.used += total;
            Ok(())
        }
        Selection::Unreadable(_) => Err(InvalidBallot::Unreadable),
        Selection::List(_) => Err(InvalidBallot::WrongShape),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::amount::Power;

    fn cast(voter: &str, selection: Selection, line: u64) -> Vote {
        Vote {
            voter: Some(Voter::new(voter)),
            selection,
            weight: None,
            cast_at: None,
            line,
            attributes: Default::default(),
        }
    }

    fn amounts(a: &[(u32, i64)]) -> Selection {
        Selection::Weighted(a.iter().map(|&(c, n)| (c, Weight::from(n))).collect())
    }

    fn tally(set: &VoteSet, weights: &[u128]) -> (Vec<Score>, Combined) {
        let w: Vec<Amount> = weights
            .iter()
            .map(|&u| Amount::from_base_units(u))
            .collect();
        let c = combine(set, &w, 3).unwrap();
        let ballots: Vec<CountedBallot<'_>> = c
            .votes
            .votes
            .iter()
            .zip(&c.weights)
            .map(|(v, w)| CountedBallot {
                selection: &v.selection,
                power: Power::from(*w),
                line: v.line,
            })
            .collect();
        for b in &ballots {
            FractionalBallot.check(b.selection, 3).unwrap();
        }
        let scores = FractionalBallot.tally(3, &ballots).unwrap();
        drop(ballots);
        (scores, c)
    }

    fn ints(scores: &[Score]) -> Vec<BigRational> {
        scores.iter().map(|s| s.as_rational().clone()).collect()
    }

    fn r(n: i64) -> BigRational {
        BigRational::from_integer(n.into())
    }

    #[test]
    fn openzeppelin_vector_fractional_then_nominal() {
        // OpenZeppelin test/governance/extensions/GovernorCountingFractional:
        // weight 7, fractional [Against 1, For 2, Abstain 1], then a
        // nominal Against vote takes the rest: Against 4, For 2, Abstain 1.
        // govkit choices: 1 For, 2 Against, 3 Abstain.
        let set = VoteSet {
            source: "t.csv".into(),
            votes: vec![
                cast("0xa", amounts(&[(2, 1), (1, 2), (3, 1)]), 2),
                cast("0xa", Selection::Single(2), 3),
            ],
            read: 2,
            replaced: 0,
        };
        let (scores, c) = tally(&set, &[7, 7]);
        assert_eq!(ints(&scores), vec![r(2), r(4), r(1)]);
        assert_eq!(c.merged, 1);
        assert!(c.invalid.is_empty());
    }

    #[test]
    fn casts_beyond_the_weight_are_refused_and_counted() {
        let set = VoteSet {
            source: "t.csv".into(),
            votes: vec![
                cast("0xa", amounts(&[(1, 5)]), 2),
                // 3 more than the 2 that remain: GovernorExceedRemainingWeight.
                cast("0xa", amounts(&[(2, 3)]), 3),
                cast("0xa", amounts(&[(2, 2)]), 4),
                // Nothing remains: GovernorAlreadyCastVote.
                cast("0xa", Selection::Single(1), 5),
                // Partial use only: 3 of 10 counted, the rest is not.
                cast("0xb", amounts(&[(3, 3)]), 6),
            ],
            read: 5,
            replaced: 0,
        };
        let (scores, c) = tally(&set, &[7, 7, 7, 7, 10]);
        assert_eq!(ints(&scores), vec![r(5), r(2), r(3)]);
        assert_eq!(
            c.invalid,
            vec![
                (3, InvalidBallot::ExceedsRemainingWeight),
                (5, InvalidBallot::AlreadyCast)
            ]
        );
        assert_eq!(c.merged, 1);
        assert_eq!(c.votes.votes.len(), 2);
    }

    #[test]
    fn casts_follow_time_not_file_order() {
        let mut late = cast("0xa", Selection::Single(1), 2);
        late.cast_at = Some(crate::vote::CastAt::new("200"));
        let mut early = cast("0xa", amounts(&[(2, 3)]), 3);
        early.cast_at = Some(crate::vote::CastAt::new("100"));
        let set = VoteSet {
            source: "t.csv".into(),
            votes: vec![late, early],
            read: 2,
            replaced: 0,
        };
        // Against 3 first, then For takes the remaining 7.
        let (scores, _) = tally(&set, &[10, 10]);
        assert_eq!(ints(&scores), vec![r(7), r(3), r(0)]);
    }

    #[test]
    fn differing_weights_of_one_voter_are_an_error() {
        let set = VoteSet {
            source: "t.csv".into(),
            votes: vec![
                cast("0xa", amounts(&[(1, 1)]), 2),
                cast("0xa", amounts(&[(1, 1)]), 3),
            ],
            read: 2,
            replaced: 0,
        };
        let w = [Amount::from_base_units(5), Amount::from_base_units(6)];
        let err = combine(&set, &w, 3).unwrap_err().to_string();
        assert!(err.contains("line 2"), "{err}");
    }
}
