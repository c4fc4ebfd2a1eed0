//! Single-choice and basic ballots (snapshot.js `singleChoice.ts`; `basic`
//! is single-choice over For / Against / Abstain).
//!
//! Valid iff the selection is one number naming an existing choice.
//! score_i = sum of the power of ballots choosing i.

use super::{add_power, index, scores_of, BallotType, CountedBallot, InvalidBallot, TallyOverflow};
use crate::score::Score;
use crate::vote::ChoiceShape;
use crate::vote::Selection;

/// One choice per ballot.
#[derive(Clone, Copy, Debug, Default)]
pub struct SingleChoice {
    basic: bool,
}

impl SingleChoice {
    /// Snapshot's `single-choice`.
    pub fn new() -> Self {
        SingleChoice { basic: false }
    }

    /// Snapshot's `basic`: the same rule, named differently.
    pub fn basic() -> Self {
        SingleChoice { basic: true }
    }
}

impl BallotType for SingleChoice {
    fn adds_up(&self) -> bool {
        true
    }
    fn name(&self) -> &'static str {
        if self.basic {
            "basic"
        } else {
            "single-choice"
        }
    }

    fn shape(&self) -> ChoiceShape {
        ChoiceShape::Single
    }

    fn check(&self, selection: &Selection, choices: usize) -> Result<(), InvalidBallot> {
        match selection {
            Selection::Single(c) => index(*c, choices)
                .map(|_| ())
                .ok_or(InvalidBallot::OutOfRange),
            Selection::Unreadable(_) => Err(InvalidBallot::Unreadable),
            _ => Err(InvalidBallot::WrongShape),
        }
    }

    fn tally(
        &self,
        choices: usize,
        ballots: &[CountedBallot<'_>],
    ) -> Result<Vec<Score>, TallyOverflow> {
        let mut sums = vec![0u128; choices];
        for b in ballots {
            if let Selection::Single(c) = b.selection {
                let i = index(*c, choices).expect("checked ballot");
                add_power(&mut sums, i, b)?;
            }
        }
        Ok(scores_of(sums))
    }
}
