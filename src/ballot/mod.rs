//! Ballot types: how a voter's choices and power become scores.
//!
//! A ballot type is independent of the mechanism: the mechanism decides how
//! much power each voter has ([`crate::mechanism`]), the ballot type decides
//! which ballots are valid and how their power is spread over the choices.
//! The rules are Snapshot's (`snapshot.js` `src/voting/*.ts`).
//!
//! | ballot type | file | selection | score |
//! |---|---|---|---|
//! | `basic`, `single-choice` | `single_choice.rs` | one choice | integer sum of power |
//! | `approval` | `approval.rs` | list of choices | integer sum of power |
//! | `weighted` | `weighted.rs` | `{choice: weight}` | exact rational |
//! | `quadratic` | `quadratic.rs` | `{choice: weight}` | rational from floor square roots at 10^-40 (error bound on [`QuadraticBallot`]) |
//! | `ranked-choice` | `ranked_choice.rs` | full ranking | integer (instant runoff, final round) |
//! | `copeland` | `copeland.rs` | full ranking | exact rational |
//! | `fractional` | `fractional.rs` | one choice, or amounts per choice; casts add up | exact rational (power × amount / weight) |
//!
//! Architecture invariant: `tally` sees only ballots that `check` accepted,
//! and scores are exact ([`Score`]) — the one documented exception is the
//! quadratic ballot, whose square roots are floored at a fixed scale.

mod approval;
mod copeland;
mod fractional;
mod quadratic;
mod ranked_choice;
mod single_choice;
mod voice_credits;
mod weighted;

use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;

use crate::amount::Power;
use crate::score::Score;
use crate::vote::ChoiceShape;
use crate::vote::Selection;

pub use approval::Approval;
pub use copeland::Copeland;
pub use fractional::{combine as combine_fractional_casts, Combined, FractionalBallot};
pub use quadratic::{QuadraticBallot, SQRT_DIGITS};
pub use ranked_choice::RankedChoice;
pub use single_choice::SingleChoice;
pub use voice_credits::VoiceCredits;
pub use weighted::Weighted;

/// Why a ballot is invalid. Invalid ballots are counted, never silently
/// dropped, and never scored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum InvalidBallot {
    /// The selection has the wrong shape for this ballot type (a list on a
    /// single-choice ballot, a number on an approval ballot).
    WrongShape,
    /// A choice number that the proposal does not have.
    OutOfRange,
    /// The same choice twice in one list (or one weight map).
    DuplicateChoice,
    /// A ranking that does not rank every choice (ranked-choice and
    /// copeland need a full ranking; the empty list is incomplete too).
    IncompleteRanking,
    /// A weight map with a negative weight (weighted, quadratic).
    NegativeWeight,
    /// A weight map without any positive weight, including the empty map
    /// (weighted, quadratic).
    NoPositiveWeight,
    /// Not a choice at all.
    Unreadable,
    /// The votes cost more voice credits than the voter has.
    OverBudget,
    /// A fractional cast spends more than the voter's remaining weight
    /// (`GovernorExceedRemainingWeight`).
    ExceedsRemainingWeight,
    /// A cast after the voter's weight is spent (`GovernorAlreadyCastVote`).
    AlreadyCast,
}

impl InvalidBallot {
    /// Stable identifier used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            InvalidBallot::WrongShape => "wrong-shape",
            InvalidBallot::OutOfRange => "out-of-range",
            InvalidBallot::DuplicateChoice => "duplicate-choice",
            InvalidBallot::IncompleteRanking => "incomplete-ranking",
            InvalidBallot::NegativeWeight => "negative-weight",
            InvalidBallot::NoPositiveWeight => "no-positive-weight",
            InvalidBallot::Unreadable => "unreadable",
            InvalidBallot::OverBudget => "over-budget",
            InvalidBallot::ExceedsRemainingWeight => "exceeds-remaining-weight",
            InvalidBallot::AlreadyCast => "already-cast",
        }
    }
}

impl fmt::Display for InvalidBallot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A valid ballot with the power its voter has.
#[derive(Clone, Copy, Debug)]
pub struct CountedBallot<'a> {
    /// The choices.
    pub selection: &'a Selection,
    /// The voter's power under the mechanism.
    pub power: Power,
    /// Source line, for error messages.
    pub line: u64,
}

/// A score would not fit in `u128` power units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TallyOverflow {
    /// The line of the ballot whose power no longer fit.
    pub line: u64,
    /// 0-based choice index.
    pub choice: usize,
}

/// A rule that turns ballots and powers into scores.
///
/// Implement `check` and `tally`; the evaluator does the rest (invalid
/// ballot counting, decision rules, reporting).
pub trait BallotType {
    /// The ballot type's name as written in proposal files.
    fn name(&self) -> &'static str;

    /// The shape of a selection, so that readers of plain formats know how
    /// to read a bare choice.
    fn shape(&self) -> ChoiceShape;

    /// Whether the selection is a valid ballot for a proposal with
    /// `choices` choices.
    fn check(&self, selection: &Selection, choices: usize) -> Result<(), InvalidBallot>;

    /// Whether the selection is a valid ballot for a voter with this much
    /// power; the evaluator calls this. Only ballot types whose validity
    /// depends on the power (voice credits) need more than `check`.
    fn check_with_power(
        &self,
        selection: &Selection,
        choices: usize,
        power: Power,
    ) -> Result<(), InvalidBallot> {
        let _ = power;
        self.check(selection, choices)
    }

    /// Whether a voter's casts add up (fractional votes) rather than the
    /// latest replacing the others: the evaluator then merges each voter's
    /// casts with [`combine_fractional_casts`] before the mechanism runs.
    fn accumulates_casts(&self) -> bool {
        false
    }

    /// Whether the scores of a set of ballots are the sums of each
    /// ballot's own scores (not true of quadratic normalisation or of
    /// rankings): the voting-window rules replay such ballots one at a
    /// time.
    fn adds_up(&self) -> bool {
        false
    }

    /// Scores of the `choices` choices from valid ballots.
    fn tally(
        &self,
        choices: usize,
        ballots: &[CountedBallot<'_>],
    ) -> Result<Vec<Score>, TallyOverflow>;
}

impl<B: BallotType + ?Sized> BallotType for &B {
    fn name(&self) -> &'static str {
        (**self).name()
    }
    fn shape(&self) -> ChoiceShape {
        (**self).shape()
    }
    fn check(&self, selection: &Selection, choices: usize) -> Result<(), InvalidBallot> {
        (**self).check(selection, choices)
    }
    fn check_with_power(
        &self,
        selection: &Selection,
        choices: usize,
        power: Power,
    ) -> Result<(), InvalidBallot> {
        (**self).check_with_power(selection, choices, power)
    }
    fn accumulates_casts(&self) -> bool {
        (**self).accumulates_casts()
    }
    fn adds_up(&self) -> bool {
        (**self).adds_up()
    }
    fn tally(
        &self,
        choices: usize,
        ballots: &[CountedBallot<'_>],
    ) -> Result<Vec<Score>, TallyOverflow> {
        (**self).tally(choices, ballots)
    }
}

/// The ballot types a proposal file can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BallotKind {
    /// For / Against / Abstain (Snapshot `basic`, every governor contract).
    Basic,
    /// One choice out of many (Snapshot `single-choice`).
    SingleChoice,
    /// Any subset of the choices, each approved with the full power
    /// (Snapshot `approval`).
    Approval,
    /// Power split over the choices in proportion to the voter's weights
    /// (Snapshot `weighted`).
    Weighted,
    /// Weighted, but each choice's total is the square of the sum of
    /// square roots (Snapshot `quadratic`).
    Quadratic,
    /// A full ranking, counted by instant runoff (Snapshot `ranked-choice`).
    RankedChoice,
    /// A full ranking, counted by pairwise victories (Snapshot `copeland`).
    Copeland,
    /// Votes bought with voice credits: v votes cost v² credits, the
    /// budget is the voter's power.
    QuadraticCredits,
    /// For / Against / Abstain with OpenZeppelin's fractional votes: a
    /// voter splits its weight over the choices, over several casts.
    Fractional,
}

impl BallotKind {
    /// Every kind, in documentation order.
    pub const ALL: [BallotKind; 9] = [
        BallotKind::Basic,
        BallotKind::SingleChoice,
        BallotKind::Approval,
        BallotKind::Weighted,
        BallotKind::Quadratic,
        BallotKind::RankedChoice,
        BallotKind::Copeland,
        BallotKind::QuadraticCredits,
        BallotKind::Fractional,
    ];

    /// The name in proposal files.
    pub fn name(self) -> &'static str {
        match self {
            BallotKind::Basic => "basic",
            BallotKind::SingleChoice => "single-choice",
            BallotKind::Approval => "approval",
            BallotKind::Weighted => "weighted",
            BallotKind::Quadratic => "quadratic",
            BallotKind::RankedChoice => "ranked-choice",
            BallotKind::QuadraticCredits => "quadratic-credits",
            BallotKind::Copeland => "copeland",
            BallotKind::Fractional => "fractional",
        }
    }

    /// Whether its choices are For, Against, Abstain (basic and fractional
    /// ballots).
    pub fn has_basic_choices(self) -> bool {
        matches!(self, BallotKind::Basic | BallotKind::Fractional)
    }

    /// The rule for this kind (voice credits counted in whole power units).
    pub fn ballot_type(self) -> Box<dyn BallotType + Send + Sync> {
        self.ballot_type_for(0)
    }

    /// The rule for this kind, for a mechanism whose power has
    /// `power_decimals` decimals (only voice credits depend on it: a
    /// budget of `p` units is `p / 10^power_decimals` credits).
    pub fn ballot_type_for(self, power_decimals: u8) -> Box<dyn BallotType + Send + Sync> {
        match self {
            BallotKind::QuadraticCredits => Box::new(VoiceCredits { power_decimals }),
            BallotKind::Basic => Box::new(SingleChoice::basic()),
            BallotKind::SingleChoice => Box::new(SingleChoice::new()),
            BallotKind::Approval => Box::new(Approval),
            BallotKind::Weighted => Box::new(Weighted),
            BallotKind::Quadratic => Box::new(QuadraticBallot),
            BallotKind::RankedChoice => Box::new(RankedChoice),
            BallotKind::Copeland => Box::new(Copeland),
            BallotKind::Fractional => Box::new(FractionalBallot),
        }
    }
}

impl FromStr for BallotKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        BallotKind::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| {
                let names: Vec<_> = BallotKind::ALL.iter().map(|k| k.name()).collect();
                format!("unknown ballot type {s:?} (known: {})", names.join(", "))
            })
    }
}

/// Adds `power` to `sums[choice]`, checked.
pub(crate) fn add_power(
    sums: &mut [u128],
    choice: usize,
    ballot: &CountedBallot<'_>,
) -> Result<(), TallyOverflow> {
    sums[choice] = sums[choice]
        .checked_add(ballot.power.units())
        .ok_or(TallyOverflow {
            line: ballot.line,
            choice,
        })?;
    Ok(())
}

/// Integer sums as scores.
pub(crate) fn scores_of(sums: Vec<u128>) -> Vec<Score> {
    sums.into_iter()
        .map(|s| Score::from_power(Power::from_units(s)))
        .collect()
}

/// 0-based index of a 1-based choice number, if in range.
pub(crate) fn index(choice: u32, choices: usize) -> Option<usize> {
    let i = usize::try_from(choice).ok()?.checked_sub(1)?;
    (i < choices).then_some(i)
}

/// Whether a list repeats a choice: a bit set for the usual small choice
/// numbers, a hash set beyond 128.
pub(crate) fn has_duplicates(list: impl ExactSizeIterator<Item = u32> + Clone) -> bool {
    if list.clone().all(|c| c < 128) {
        let mut seen = 0u128;
        list.into_iter().any(|c| {
            let bit = 1u128 << c;
            let dup = seen & bit != 0;
            seen |= bit;
            dup
        })
    } else {
        let mut seen = HashSet::with_capacity(list.len());
        !list.into_iter().all(|c| seen.insert(c))
    }
}

/// Checks a full ranking (ranked-choice, copeland; snapshot.js
/// `isValidChoice` of both): a list of existing choices, no duplicates,
/// every choice ranked.
pub(crate) fn check_full_ranking(
    selection: &Selection,
    choices: usize,
) -> Result<(), InvalidBallot> {
    match selection {
        Selection::List(list) => {
            if list.iter().any(|c| index(*c, choices).is_none()) {
                return Err(InvalidBallot::OutOfRange);
            }
            if has_duplicates(list.iter().copied()) {
                return Err(InvalidBallot::DuplicateChoice);
            }
            if list.len() != choices || list.is_empty() {
                return Err(InvalidBallot::IncompleteRanking);
            }
            Ok(())
        }
        Selection::Unreadable(_) => Err(InvalidBallot::Unreadable),
        _ => Err(InvalidBallot::WrongShape),
    }
}
