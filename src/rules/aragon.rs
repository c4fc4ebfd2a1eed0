//! Aragon OSx token voting (`MajorityVotingBase`): support is strict,
//! `(1 − st)·yes > st·no`; minimum participation is the quorum (rounded
//! up, `_applyRatioCeiled`); with a minimum approval, `yes >= ceil(ma ×
//! supply)`. Early execution: decided before the end if the tokens not yet
//! cast could not change the support test.

use num_rational::BigRational;
use num_traits::{One, Zero};

use std::sync::Arc;

use super::registry::named;
use super::PassRule;
use super::PassRulePlugin;
use super::{int, Judging, PassTest, Verdict};
use crate::error::Result;

use crate::share::Share;

/// Aragon's support threshold and minimum approval.
#[derive(Debug)]
pub(super) struct Aragon {
    pub(super) support_threshold: Share,
    pub(super) min_approval: Option<Share>,
}

/// `[rules]` options of `pass = "aragon"`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Options {
    pub(super) support_threshold: Share,
    pub(super) min_approval: Option<Share>,
}

impl PassTest for Aragon {
    fn label(&self) -> String {
        "aragon".into()
    }

    fn needs_supply(&self) -> bool {
        true
    }

    fn decide(&self, j: &Judging<'_>) -> Result<Verdict> {
        let roles = j.roles()?;
        let (yes, no) = (j.power(roles.for_choice), j.power(roles.against));
        let (f, a) = (j.name(roles.for_choice), j.name(roles.against));
        let st = self.support_threshold.as_rational();
        let one_minus = BigRational::one() - st;
        let support_ok = &one_minus * yes > st * no;
        let approval_required = match &self.min_approval {
            Some(ma) => Some(BigRational::from_integer(
                ma.ceil_of(j.supply()?.base_units()),
            )),
            None => None,
        };
        let yes_tokens = j.tokens(roles.for_choice);
        let approval_ok = approval_required.as_ref().is_none_or(|r| yes_tokens >= r);
        // Early execution asks whether the tokens not yet cast could still
        // change the support test: token units throughout.
        let early = j.supply.map(|n| {
            let abstain = roles
                .abstain
                .map_or_else(BigRational::zero, |i| j.tokens(i).clone());
            let not_yet = int(n.base_units()) - yes_tokens - abstain;
            let participation_ok = j.quorum.is_none_or(|q| q.reached);
            &one_minus * yes_tokens > st * not_yet && participation_ok && approval_ok
        });
        let threshold = &self.support_threshold;
        let mut verdict = if !support_ok {
            Verdict::rejected(format!(
                "support {} of {f} + {a} does not exceed the threshold {threshold} \
                 ((1 - st) * {f} > st * {a} fails)",
                j.show_power(yes)
            ))
        } else if !approval_ok {
            Verdict::rejected(format!(
                "approval too low: {f} ({}) below the minimum approval ({})",
                j.show_tokens(yes_tokens),
                j.show_tokens(approval_required.as_ref().expect("set"))
            ))
        } else {
            Verdict::passed(
                format!("support threshold {threshold} met and participation reached"),
                Some(roles.for_choice),
            )
        };
        verdict.early_execution = early;
        Ok(verdict)
    }
}

/// The registry entry: `pass = "aragon"`.
pub(super) fn plugin() -> Arc<dyn PassRulePlugin> {
    named::<Options>(
        "aragon",
        "Aragon OSx: strict support threshold, minimum approval of the supply (options: support_threshold, min_approval)",
        &["support_threshold", "min_approval"],
        |o, _| Ok(PassRule::aragon(o.support_threshold, o.min_approval)),
    )
}
