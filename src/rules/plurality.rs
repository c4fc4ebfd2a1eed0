//! Plurality (Snapshot multi-choice proposals): the choice with the most
//! power wins if it is the only one with that score and the score is above
//! zero. On a proposal with For/Against roles it is For > Against.

use std::sync::Arc;

use super::registry::{named, NoOptions};
use super::{majority, Judging, PassTest, Verdict};
use super::{PassRule, PassRulePlugin};
use crate::error::Result;
use crate::score::Score;

/// The unique top choice wins.
#[derive(Debug)]
pub(super) struct Plurality;

impl PassTest for Plurality {
    fn label(&self) -> String {
        "plurality".into()
    }

    fn needs_roles(&self) -> bool {
        false
    }

    fn decide(&self, j: &Judging<'_>) -> Result<Verdict> {
        if j.roles.is_some() {
            return majority::for_beats_against(j);
        }
        let scores = j.standing.scores;
        let max = scores.iter().max().cloned().unwrap_or_default();
        let top: Vec<usize> = (0..scores.len()).filter(|&i| scores[i] == max).collect();
        if max == Score::default() {
            return Ok(Verdict::rejected("no choice received any power".into()));
        }
        Ok(if let [winner] = top[..] {
            Verdict::passed(
                format!(
                    "{:?} has the most power ({})",
                    j.name(winner),
                    j.show_power(max.as_rational())
                ),
                Some(winner),
            )
        } else {
            let names: Vec<&str> = top.iter().map(|&i| j.name(i)).collect();
            Verdict::rejected(format!(
                "tie at the top between {} ({} each)",
                names.join(", "),
                j.show_power(max.as_rational())
            ))
        })
    }
}

/// The registry entry: `pass = "plurality"`.
pub(super) fn plugin() -> Arc<dyn PassRulePlugin> {
    named::<NoOptions>(
        "plurality",
        "the unique top choice wins (multi-choice proposals)",
        &[],
        |_, _| Ok(PassRule::plurality()),
    )
}
