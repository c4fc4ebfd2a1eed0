//! Which ballots count: each vote's ballot checked by the ballot type
//! with the voter's power, and the sums of what was cast and counted, on
//! two threads for large vote sets.
//!
//! Invariant: the result, and the first error in file order, are those
//! of one pass over the votes in order. Two threads each take half the
//! votes and write their valid ballots straight into the one list
//! ([`crate::fill_apart`], with room for every vote of each half, so
//! nothing spills); if anything overflows on either thread, or when
//! their sums are added, the one-thread pass runs from the start and
//! reports the overflow at the line it reaches it.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::amount::{Amount, Power};
use crate::ballot::{BallotType, CountedBallot};
use crate::fill_apart::{fill_apart, Filler, Joined};
use crate::vote::Vote;

/// From this many votes the check uses two threads.
const PARALLEL_VOTES: usize = if cfg!(test) {
    8
} else {
    crate::parallel::PARALLEL_ITEMS
};

/// The valid ballots and the sums of one check pass.
pub(crate) struct Counted<'v> {
    /// The valid ballots, in file order.
    pub valid: Vec<CountedBallot<'v>>,
    /// Each valid ballot's index among the votes (empty unless asked for).
    pub valid_index: Vec<usize>,
    /// The sums and counts.
    pub sums: Sums,
}

/// What one check pass adds up.
#[derive(Default)]
pub(crate) struct Sums {
    /// The power of every vote.
    pub cast_power: Power,
    /// The power of the valid ballots.
    pub counted_power: Power,
    /// The tokens of the valid ballots.
    pub counted_tokens: Amount,
    /// Ballots the ballot type rejected, by reason.
    pub invalid: BTreeMap<&'static str, u64>,
}

impl Sums {
    /// Both parts' sums, or `None` if one would overflow.
    fn add(mut self, other: Sums) -> Option<Sums> {
        self.cast_power = self.cast_power.checked_add(other.cast_power)?;
        self.counted_power = self.counted_power.checked_add(other.counted_power)?;
        self.counted_tokens = self.counted_tokens.checked_add(other.counted_tokens)?;
        for (reason, count) in other.invalid {
            *self.invalid.entry(reason).or_default() += count;
        }
        Some(self)
    }
}

/// A sum that overflowed, at the vote (by index) that made it overflow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Overflow {
    /// The total power cast.
    CastPower(usize),
    /// The total tokens counted.
    CountedTokens(usize),
}

/// What the check reads: the votes with their powers and token weights
/// (one of each per vote), and the ballot rules.
pub(crate) struct Check<'a, 'v> {
    pub ballot: &'a (dyn BallotType + Sync),
    pub choices: usize,
    pub votes: &'v [Vote],
    /// Each vote's power, or `None` when every vote's power is its token
    /// weight (token-weighted voting): the caller then need not hold a
    /// second list of a million equal numbers while the valid ballots are
    /// written (16 MB at a million votes, at the peak of the run).
    pub powers: Option<&'a [Power]>,
    pub weights: &'a [Amount],
    /// Whether to keep each valid ballot's vote index.
    pub indexed: bool,
}

impl<'v> Check<'_, 'v> {
    /// Checks every vote: the valid ballots and the sums, or the first
    /// overflow in file order.
    pub(crate) fn run(&self) -> Result<Counted<'v>, Overflow> {
        assert!(
            self.powers.is_none_or(|p| p.len() == self.votes.len())
                && self.weights.len() == self.votes.len(),
            "one power and one weight per vote"
        );
        let n = self.votes.len();
        if n >= PARALLEL_VOTES {
            if let Some(counted) = self.on_two_threads() {
                return Ok(counted);
            }
        }
        let mut valid = Filler::spilling(Vec::with_capacity(n));
        let mut index = Filler::spilling(Vec::with_capacity(if self.indexed { n } else { 0 }));
        let sums = self.part(0..n, &mut valid, &mut index)?;
        Ok(Counted {
            valid: valid.into_spill(),
            valid_index: index.into_spill(),
            sums,
        })
    }

    /// The two-thread check, or `None` when anything overflowed (the
    /// one-thread pass then finds where).
    fn on_two_threads(&self) -> Option<Counted<'v>> {
        let n = self.votes.len();
        let mid = n / 2;
        let rooms = (mid, n - mid);
        let index_rooms = if self.indexed { rooms } else { (0, 0) };
        let mut valid = Vec::new();
        let mut valid_index = Vec::new();
        let sums = fill_apart(
            &mut valid,
            rooms,
            |mut valid_a, mut valid_b| {
                fill_apart(
                    &mut valid_index,
                    index_rooms,
                    |mut index_a, mut index_b| {
                        let (a, b) = crate::parallel::both(
                            || self.part(0..mid, &mut valid_a, &mut index_a),
                            || {
                                let sums = self.part(mid..n, &mut valid_b, &mut index_b);
                                (sums, valid_b, index_b)
                            },
                        );
                        let (b, valid_b, index_b) = b;
                        let sums = a.ok()?.add(b.ok()?)?;
                        Some((
                            Joined::Both(index_a, index_b),
                            (Joined::Both(valid_a, valid_b), sums),
                        ))
                    },
                    |_| {},
                )
            },
            |_| {},
        )?;
        Some(Counted {
            valid,
            valid_index,
            sums,
        })
    }

    /// Checks the votes of `range` in order, pushing the valid ballots
    /// and (if indexed) their indices.
    fn part(
        &self,
        range: Range<usize>,
        valid: &mut Filler<'_, CountedBallot<'v>>,
        index: &mut Filler<'_, usize>,
    ) -> Result<Sums, Overflow> {
        let mut sums = Sums::default();
        let votes: &'v [Vote] = &self.votes[range.clone()];
        let powers = self.powers.map(|p| &p[range.clone()]);
        let weights = &self.weights[range.clone()];
        for (j, ((i, vote), &weight)) in range.zip(votes).zip(weights).enumerate() {
            let power = match powers {
                Some(powers) => powers[j],
                None => Power::from(weight),
            };
            sums.cast_power = sums
                .cast_power
                .checked_add(power)
                .ok_or(Overflow::CastPower(i))?;
            match self
                .ballot
                .check_with_power(&vote.selection, self.choices, power)
            {
                Ok(()) => {
                    sums.counted_power = sums
                        .counted_power
                        .checked_add(power)
                        .expect("<= cast power");
                    sums.counted_tokens = sums
                        .counted_tokens
                        .checked_add(weight)
                        .ok_or(Overflow::CountedTokens(i))?;
                    valid.push(CountedBallot {
                        selection: &vote.selection,
                        power,
                        line: vote.line,
                    });
                    if self.indexed {
                        index.push(i);
                    }
                }
                Err(reason) => *sums.invalid.entry(reason.as_str()).or_default() += 1,
            }
        }
        Ok(sums)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::ballot::SingleChoice;
    use crate::vote::{Attributes, Selection};

    /// The rule read literally, one vote after another: the valid
    /// ballots' (line, power, index), the three sums, the invalid count,
    /// or the first overflow.
    #[allow(clippy::type_complexity)]
    fn model(
        selections: &[u32],
        powers: &[u128],
        weights: &[u128],
        choices: u32,
    ) -> Result<(Vec<(u64, u128, usize)>, u128, u128, u128, u64), Overflow> {
        let (mut cast, mut counted, mut tokens, mut invalid) = (0u128, 0u128, 0u128, 0u64);
        let mut valid = Vec::new();
        for i in 0..selections.len() {
            cast = cast.checked_add(powers[i]).ok_or(Overflow::CastPower(i))?;
            if (1..=choices).contains(&selections[i]) {
                counted += powers[i];
                tokens = tokens
                    .checked_add(weights[i])
                    .ok_or(Overflow::CountedTokens(i))?;
                valid.push((i as u64 + 10, powers[i], i));
            } else {
                invalid += 1;
            }
        }
        Ok((valid, cast, counted, tokens, invalid))
    }

    /// A power or weight: mostly small, sometimes near the u128 limit.
    fn amount() -> impl Strategy<Value = u128> {
        prop_oneof![
            8 => 0u128..1_000,
            1 => Just(u128::MAX / 3),
            1 => Just(u128::MAX),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// One or two threads, the same ballots, sums and first overflow
        /// as the one-pass model (sets of 8 or more votes take two
        /// threads in tests); without a power list, each vote's power is
        /// its weight.
        #[test]
        fn the_check_equals_one_pass_in_order(
            votes in prop::collection::vec((0u32..5, amount(), amount()), 0..40),
            indexed in any::<bool>(),
            weights_are_powers in any::<bool>(),
        ) {
            let choices = 3;
            let selections: Vec<u32> = votes.iter().map(|v| v.0).collect();
            let powers: Vec<u128> = votes
                .iter()
                .map(|v| if weights_are_powers { v.2 } else { v.1 })
                .collect();
            let weights: Vec<u128> = votes.iter().map(|v| v.2).collect();
            let list: Vec<Vote> = selections
                .iter()
                .enumerate()
                .map(|(i, &s)| Vote {
                    voter: None,
                    selection: Selection::Single(s),
                    weight: None,
                    cast_at: None,
                    line: i as u64 + 10,
                    attributes: Attributes::new(),
                })
                .collect();
            let power_list: Vec<Power> = powers.iter().map(|&p| Power::from_units(p)).collect();
            let weight_list: Vec<Amount> =
                weights.iter().map(|&w| Amount::from_base_units(w)).collect();
            let ballot = SingleChoice::new();
            let got = Check {
                ballot: &ballot,
                choices: choices as usize,
                votes: &list,
                powers: (!weights_are_powers).then_some(&power_list[..]),
                weights: &weight_list,
                indexed,
            }
            .run();
            match (got, model(&selections, &powers, &weights, choices)) {
                (Ok(c), Ok((valid, cast, counted, tokens, invalid))) => {
                    let got_valid: Vec<(u64, u128)> =
                        c.valid.iter().map(|b| (b.line, b.power.units())).collect();
                    let want_valid: Vec<(u64, u128)> =
                        valid.iter().map(|&(l, p, _)| (l, p)).collect();
                    prop_assert_eq!(got_valid, want_valid);
                    for (b, v) in c.valid.iter().zip(&valid) {
                        prop_assert!(std::ptr::eq(b.selection, &list[v.2].selection));
                    }
                    let want_index: Vec<usize> = if indexed {
                        valid.iter().map(|v| v.2).collect()
                    } else {
                        Vec::new()
                    };
                    prop_assert_eq!(c.valid_index, want_index);
                    prop_assert_eq!(c.sums.cast_power.units(), cast);
                    prop_assert_eq!(c.sums.counted_power.units(), counted);
                    prop_assert_eq!(c.sums.counted_tokens.base_units(), tokens);
                    prop_assert_eq!(c.sums.invalid.values().sum::<u64>(), invalid);
                    let reasons: Vec<&str> = c.sums.invalid.keys().copied().collect();
                    prop_assert!(reasons.iter().all(|r| *r == "out-of-range" || *r == "wrong-shape"));
                }
                (Err(a), Err(b)) => prop_assert_eq!(a, b),
                (a, b) => prop_assert!(false, "{:?} vs {:?}", a.map(|_| ()), b.map(|_| ())),
            }
        }
    }
}
