//! OpenZeppelin `GovernorSuperQuorum` (`contracts/governance/extensions/
//! GovernorSuperQuorum.sol`, `state`): an active proposal succeeds before
//! its deadline as soon as `forVotes >= superQuorum` and `_voteSucceeded`
//! (For > Against under `GovernorCountingSimple`). From then on it is no
//! longer `Active`, so later votes are refused (not counted).
//!
//! `super_quorum` is a share of the total supply (floored, as
//! `GovernorVotesSuperQuorumFraction`: `totalSupply · numerator /
//! denominator`) or an absolute amount. It counts For tokens only. The
//! contract does not check the ordinary quorum for the early success;
//! OpenZeppelin asks for a super-quorum above the quorum.

use std::sync::Arc;

use super::registry::WindowRulePlugin;
use super::window::{WindowRule, WindowState, WindowStep};
use super::{Quorum, QuorumRounding, QuorumThreshold};
use crate::error::Result;
use crate::options::BuildContext;
use crate::share::ShareOrAmount;

/// The super-quorum, in For tokens.
#[derive(Debug)]
pub struct SuperQuorum {
    /// The threshold.
    pub threshold: QuorumThreshold,
}

impl SuperQuorum {
    /// A super-quorum rule.
    pub fn rule(threshold: QuorumThreshold) -> Arc<dyn WindowRule> {
        Arc::new(SuperQuorum { threshold })
    }
}

impl WindowRule for SuperQuorum {
    fn label(&self) -> String {
        "super_quorum".into()
    }

    fn after_vote(&self, step: &WindowStep<'_>, state: &mut WindowState) -> Result<()> {
        if state.closed.is_some() {
            return Ok(());
        }
        let j = step.judging;
        let roles = j.roles()?;
        let quorum = Quorum {
            threshold: self.threshold.clone(),
            counts: vec![roles.for_choice],
            rounding: QuorumRounding::Floor,
        };
        let status = quorum.status(j.standing.turnout, j.supply, false)?;
        let (yes, no) = (j.power(roles.for_choice), j.power(roles.against));
        if status.reached && yes > no {
            state.closed = Some((
                step.at,
                format!(
                    "super-quorum reached at {} (line {}): {} {} >= {} and {} > {}; the \
                     proposal succeeded before its deadline",
                    step.at,
                    step.line,
                    j.name(roles.for_choice),
                    j.show_tokens(status.counted.as_rational()),
                    j.show_tokens(&status.required),
                    j.show_power(yes),
                    j.show_power(no)
                ),
            ));
        }
        Ok(())
    }
}

/// The registry entry: `super_quorum = "10%"` (or an amount of tokens).
struct Plugin;

impl WindowRulePlugin for Plugin {
    fn key(&self) -> &'static str {
        "super_quorum"
    }

    fn summary(&self) -> &'static str {
        "OpenZeppelin GovernorSuperQuorum: the proposal succeeds as soon as For reaches it (a share of the supply, floored, or tokens) with For > Against; later votes do not count"
    }

    fn parse(&self, value: &toml::Value, ctx: &BuildContext<'_>) -> Result<Arc<dyn WindowRule>> {
        let text = match value {
            toml::Value::String(s) => s.clone(),
            toml::Value::Integer(i) => i.to_string(),
            _ => return Err(ctx.error("super_quorum", "expected a share (\"10%\") or an amount")),
        };
        let parsed =
            ShareOrAmount::parse(&text, ctx.decimals).map_err(|e| ctx.error("super_quorum", e))?;
        let zero = match &parsed {
            ShareOrAmount::Share(s) => num_traits::Zero::is_zero(s.as_rational()),
            ShareOrAmount::Amount(a) => a.base_units() == 0,
        };
        if zero {
            // A zero super-quorum would close every vote at its first For.
            return Err(ctx.error("super_quorum", "must be above zero"));
        }
        let threshold = match parsed {
            ShareOrAmount::Share(s) => QuorumThreshold::OfSupply(s),
            ShareOrAmount::Amount(a) => QuorumThreshold::Absolute(a),
        };
        Ok(SuperQuorum::rule(threshold))
    }
}

pub(super) fn plugin() -> Arc<dyn WindowRulePlugin> {
    Arc::new(Plugin)
}
