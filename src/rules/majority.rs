//! For > Against: every governor (OpenZeppelin `GovernorCountingSimple`,
//! Compound Bravo and Alpha, Uniswap) and Snapshot's `basic` voting.
//! A tie is rejected.

use std::sync::Arc;

use super::registry::{named, NoOptions};
use super::{Judging, PassTest, Verdict};
use super::{PassRule, PassRulePlugin};
use crate::error::Result;

/// For > Against.
#[derive(Debug)]
pub(super) struct Majority;

impl PassTest for Majority {
    fn label(&self) -> String {
        "majority".into()
    }

    fn decide(&self, j: &Judging<'_>) -> Result<Verdict> {
        for_beats_against(j)
    }
}

/// The majority test, shared with plurality on For/Against proposals.
pub(super) fn for_beats_against(j: &Judging<'_>) -> Result<Verdict> {
    let roles = j.roles()?;
    let (yes, no) = (j.power(roles.for_choice), j.power(roles.against));
    let (f, a) = (j.name(roles.for_choice), j.name(roles.against));
    Ok(if yes > no {
        Verdict::passed(
            format!(
                "{f} ({}) exceeds {a} ({})",
                j.show_power(yes),
                j.show_power(no)
            ),
            Some(roles.for_choice),
        )
    } else {
        Verdict::rejected(format!(
            "{f} ({}) does not exceed {a} ({})",
            j.show_power(yes),
            j.show_power(no)
        ))
    })
}

/// The registry entry: `pass = "majority"`.
pub(super) fn plugin() -> Arc<dyn PassRulePlugin> {
    named::<NoOptions>(
        "majority",
        "For > Against (governors, Snapshot basic)",
        &[],
        |_, _| Ok(PassRule::majority()),
    )
}
