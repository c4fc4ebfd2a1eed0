//! Approval ballots (snapshot.js `approval.ts`).
//!
//! Valid iff the selection is a list of existing choice numbers without
//! duplicates (the empty list is valid and approves nothing, as in
//! snapshot.js). Every approved choice receives the voter's full power.

use super::{
    add_power, has_duplicates, index, scores_of, BallotType, CountedBallot, InvalidBallot,
    TallyOverflow,
};
use crate::score::Score;
use crate::vote::ChoiceShape;
use crate::vote::Selection;

/// Any subset of the choices.
#[derive(Clone, Copy, Debug, Default)]
pub struct Approval;

impl BallotType for Approval {
    fn adds_up(&self) -> bool {
        true
    }
    fn name(&self) -> &'static str {
        "approval"
    }

    fn shape(&self) -> ChoiceShape {
        ChoiceShape::List
    }

    fn check(&self, selection: &Selection, choices: usize) -> Result<(), InvalidBallot> {
        match selection {
            Selection::List(list) => {
                // Items written as strings must name choices (snapshot.js
                // checks `choice - 1`), but `includes(i + 1)` never matches
                // them: the ballot counts for no choice.
                let number = |c: &u32| crate::vote::choice_number(*c);
                if list.iter().any(|c| index(number(c), choices).is_none()) {
                    return Err(InvalidBallot::OutOfRange);
                }
                if has_duplicates(list.iter().copied()) {
                    return Err(InvalidBallot::DuplicateChoice);
                }
                Ok(())
            }
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
            if let Selection::List(list) = b.selection {
                for c in list.iter().filter(|c| !crate::vote::written_as_text(**c)) {
                    add_power(&mut sums, index(*c, choices).expect("checked ballot"), b)?;
                }
            }
        }
        Ok(scores_of(sums))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validity_follows_snapshot() {
        let a = Approval;
        assert_eq!(a.check(&Selection::List(vec![1, 3].into()), 3), Ok(()));
        assert_eq!(a.check(&Selection::List(vec![].into()), 3), Ok(()));
        assert_eq!(
            a.check(&Selection::List(vec![1, 1].into()), 3),
            Err(InvalidBallot::DuplicateChoice)
        );
        assert_eq!(
            a.check(&Selection::List(vec![4].into()), 3),
            Err(InvalidBallot::OutOfRange)
        );
        assert_eq!(
            a.check(&Selection::List(vec![0].into()), 3),
            Err(InvalidBallot::OutOfRange)
        );
        assert_eq!(
            a.check(&Selection::Single(1), 3),
            Err(InvalidBallot::WrongShape)
        );
    }
}
