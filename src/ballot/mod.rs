//! Ballot types: how a voter's choices and power become scores.
//!
//! A ballot type is independent of the mechanism: the mechanism decides how
//! much power each voter has ([`crate::mechanism`]), the ballot type decides
//! which ballots are valid and how their power is spread over the choices.
//! The rules are Snapshot's (`snapshot.js` `src/voting/*.ts`).
//!
//! Architecture invariant: `tally` sees only ballots that `check` accepted,
//! and scores are exact ([`Score`]).

mod approval;
mod single_choice;

use std::fmt;
use std::str::FromStr;

use crate::amount::Power;
use crate::io::ChoiceShape;
use crate::score::Score;
use crate::vote::Selection;

pub use approval::Approval;
pub use single_choice::SingleChoice;

/// Why a ballot is invalid. Invalid ballots are counted, never silently
/// dropped, and never scored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum InvalidBallot {
    /// The selection has the wrong shape for this ballot type (a list on a
    /// single-choice ballot, a number on an approval ballot).
    WrongShape,
    /// A choice number that the proposal does not have.
    OutOfRange,
    /// The same choice twice in one list.
    DuplicateChoice,
    /// Not a choice at all.
    Unreadable,
}

impl InvalidBallot {
    /// Stable identifier used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            InvalidBallot::WrongShape => "wrong-shape",
            InvalidBallot::OutOfRange => "out-of-range",
            InvalidBallot::DuplicateChoice => "duplicate-choice",
            InvalidBallot::Unreadable => "unreadable",
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
}

impl BallotKind {
    /// Every kind, in documentation order.
    pub const ALL: [BallotKind; 3] = [
        BallotKind::Basic,
        BallotKind::SingleChoice,
        BallotKind::Approval,
    ];

    /// The name in proposal files.
    pub fn name(self) -> &'static str {
        match self {
            BallotKind::Basic => "basic",
            BallotKind::SingleChoice => "single-choice",
            BallotKind::Approval => "approval",
        }
    }

    /// The rule for this kind.
    pub fn ballot_type(self) -> Box<dyn BallotType + Send + Sync> {
        match self {
            BallotKind::Basic => Box::new(SingleChoice::basic()),
            BallotKind::SingleChoice => Box::new(SingleChoice::new()),
            BallotKind::Approval => Box::new(Approval),
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
