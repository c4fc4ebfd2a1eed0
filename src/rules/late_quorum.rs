//! OpenZeppelin `GovernorPreventLateQuorum` (`contracts/governance/
//! extensions/GovernorPreventLateQuorum.sol`, `_tallyUpdated` and
//! `proposalDeadline`): the first time a vote makes the quorum reached,
//! the extended deadline becomes `clock() + lateQuorumVoteExtension`, and
//! the deadline is `max(original deadline, extended deadline)`. Only the
//! first time counts. Votes up to the deadline (inclusive, as `state`
//! keeps a proposal `Active` while `deadline >= clock()`) are counted.
//!
//! The extension is in the governor's clock: blocks for block-number
//! governors, seconds for timestamp governors; votes carry the same clock
//! (a governor log's `block_number`, a vote file's `created`).

use std::sync::Arc;

use super::registry::WindowRulePlugin;
use super::window::{WindowRule, WindowState, WindowStep};
use crate::error::{Error, Result};
use crate::options::BuildContext;

/// The vote extension after a late quorum.
#[derive(Debug)]
pub struct LateQuorum {
    /// `lateQuorumVoteExtension`, in the clock's unit.
    pub extension: u64,
}

impl LateQuorum {
    /// A late-quorum rule.
    pub fn rule(extension: u64) -> Arc<dyn WindowRule> {
        Arc::new(LateQuorum { extension })
    }
}

impl WindowRule for LateQuorum {
    fn label(&self) -> String {
        "late_quorum_extension".into()
    }

    fn needs_end(&self) -> bool {
        true
    }

    fn after_vote(&self, step: &WindowStep<'_>, state: &mut WindowState) -> Result<()> {
        let Some(quorum) = step.quorum else {
            return Err(Error::invalid(
                "late_quorum_extension reacts to the quorum being reached: set rules.quorum",
            ));
        };
        if state.quorum_reached_at.is_some() || !quorum.reached {
            return Ok(());
        }
        let extended = step.at.checked_add(self.extension).ok_or_else(|| {
            Error::overflow(
                None,
                "the extended deadline (vote time + late_quorum_extension)",
            )
        })?;
        state.quorum_reached_at = Some(step.at);
        state.extended_end = Some(extended);
        state.end = Some(state.end.map_or(extended, |end| end.max(extended)));
        Ok(())
    }
}

/// The registry entry: `late_quorum_extension = 7200` (blocks or seconds).
struct Plugin;

impl WindowRulePlugin for Plugin {
    fn key(&self) -> &'static str {
        "late_quorum_extension"
    }

    fn summary(&self) -> &'static str {
        "OpenZeppelin GovernorPreventLateQuorum: the first vote that reaches the quorum moves the deadline to at least its time + the extension (blocks or seconds; needs rules.vote_end)"
    }

    fn parse(&self, value: &toml::Value, ctx: &BuildContext<'_>) -> Result<Arc<dyn WindowRule>> {
        match value {
            // The contract stores a uint48.
            toml::Value::Integer(i) if (0..1 << 48).contains(i) => Ok(LateQuorum::rule(*i as u64)),
            _ => Err(ctx.error(
                "late_quorum_extension",
                "expected a whole number of blocks or seconds below 2^48 (the contract's uint48)",
            )),
        }
    }
}

pub(super) fn plugin() -> Arc<dyn WindowRulePlugin> {
    Arc::new(Plugin)
}
