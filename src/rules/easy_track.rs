//! Optimistic (veto) governance, Lido Easy Track (`lidofinance/easy-track`,
//! `EasyTrack.sol`, `objectToMotion`): a motion passes unless objections
//! reach a threshold of the token supply S, in integer basis points:
//! rejected iff `floor(objections · 10^4 / S) >= objectionsThreshold`
//! (0.5% of LDO by default). Objections are the Against votes; For and
//! Abstain change nothing (nobody votes for a motion).

use std::sync::Arc;

use num_bigint::BigInt;

use super::registry::named;
use super::{basis_points, bps_of, Judging, PassRule, PassRulePlugin, PassTest, Verdict};
use crate::error::{Error, Result};

use crate::share::Share;

/// The objections threshold in basis points.
#[derive(Debug)]
pub(super) struct EasyTrack {
    threshold_bps: u32,
}

/// `[rules]` options of `pass = "easy-track"`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    /// `objectionsThreshold` as a share of the supply (whole basis points).
    objections_threshold: Share,
}

impl PassTest for EasyTrack {
    fn label(&self) -> String {
        "easy-track".into()
    }

    fn needs_supply(&self) -> bool {
        true
    }

    fn decide(&self, j: &Judging<'_>) -> Result<Verdict> {
        let roles = j.roles()?;
        let supply = j.supply()?.base_units();
        if supply == 0 {
            return Err(Error::invalid("the total supply is zero"));
        }
        let objections = j.tokens(roles.against);
        let pct = bps_of(objections, supply);
        let rejected = pct >= BigInt::from(self.threshold_bps);
        let text = format!(
            "objections {} = {} basis points of the supply, {} the {} basis point threshold",
            j.show_tokens(objections),
            pct,
            if rejected { "at or above" } else { "below" },
            self.threshold_bps
        );
        Ok(if rejected {
            Verdict::rejected(text)
        } else {
            Verdict::passed(text, Some(roles.for_choice))
        })
    }
}

/// The registry entry: `pass = "easy-track"`.
pub(super) fn plugin() -> Arc<dyn PassRulePlugin> {
    named::<Options>(
        "easy-track",
        "Lido Easy Track (optimistic): passes unless Against reaches the objections threshold of the supply, whole basis points (option: objections_threshold)",
        &["objections_threshold"],
        |o, ctx| {
            let threshold_bps = basis_points(&o.objections_threshold)
                .map_err(|e| ctx.error("objections_threshold", e))?;
            Ok(PassRule::new(EasyTrack { threshold_bps }))
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{DecisionRules, Outcome, Roles};

    #[test]
    fn objections_at_the_threshold_reject_below_it_pass() {
        // 0.5% of a 1,000,000 supply = 50 bps = 5,000 objections.
        let rules = DecisionRules {
            quorum: None,
            pass: PassRule::new(EasyTrack { threshold_bps: 50 }),
            roles: Some(Roles::BASIC),
        };
        let decide = |no| crate::rules::tests::decide(&rules, &[0, no, 0], 1_000_000);
        // 4,999 objections: floor(49.99) = 49 bps < 50: the motion passes,
        // with nobody voting for it.
        assert_eq!(decide(4_999).outcome, Outcome::Passed);
        assert_eq!(decide(0).outcome, Outcome::Passed);
        // 5,000: 50 bps >= 50: rejected.
        let d = decide(5_000);
        assert_eq!(d.outcome, Outcome::Rejected);
        assert!(d.reason.contains("50 basis points"), "{}", d.reason);
    }
}
