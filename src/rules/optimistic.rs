//! Optimism's optimistic module (`voteagora/optimism-governor`,
//! `src/modules/OptimisticModule.sol`, `_voteSucceeded`): a proposal
//! succeeds unless its Against votes reach a threshold. The threshold is
//! either an absolute number of votes, or (`isRelativeToVotableSupply`)
//! whole basis points of the votable supply S at the snapshot, floored as
//! the contract does: `threshold = floor(S · againstThreshold / 10^4)`.
//! It passes iff `Against < threshold` (strictly: reaching the threshold
//! vetoes). There is no quorum and nobody needs to vote For. Votes are
//! counted as the contract counts them (tokens), whatever the mechanism.

use std::sync::Arc;

use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;

use super::registry::named;
use super::{basis_points, Judging, PassRule, PassRulePlugin, PassTest, Verdict, BPS};
use crate::error::Result;
use crate::share::ShareOrAmount;
use crate::toml_util::NumberText;

/// `ProposalSettings.againstThreshold`, with its `isRelativeToVotableSupply`.
#[derive(Debug)]
pub(super) enum AgainstThreshold {
    /// Whole basis points of the votable supply.
    OfSupply(u32),
    /// An absolute number of votes, in base units.
    Absolute(u128),
}

/// Passes iff Against stays below the threshold.
#[derive(Debug)]
pub(super) struct Optimistic {
    threshold: AgainstThreshold,
}

/// `[rules]` options of `pass = "optimistic"`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    /// `"20%"` (relative to the votable supply, whole basis points) or an
    /// amount of tokens (`"5000000"`, absolute).
    against_threshold: NumberText,
}

impl Optimistic {
    /// The threshold in base units for this supply.
    fn threshold(&self, j: &Judging<'_>) -> Result<BigRational> {
        Ok(match self.threshold {
            AgainstThreshold::Absolute(units) => BigRational::from_integer(BigInt::from(units)),
            AgainstThreshold::OfSupply(bps) => {
                let supply = BigInt::from(j.supply()?.base_units());
                BigRational::from_integer(
                    (supply * BigInt::from(bps)).div_floor(&BigInt::from(BPS)),
                )
            }
        })
    }
}

impl PassTest for Optimistic {
    fn label(&self) -> String {
        "optimistic".into()
    }

    fn needs_supply(&self) -> bool {
        matches!(self.threshold, AgainstThreshold::OfSupply(_))
    }

    fn decide(&self, j: &Judging<'_>) -> Result<Verdict> {
        let roles = j.roles()?;
        let against = j.tokens(roles.against);
        let threshold = self.threshold(j)?;
        let ok = *against < threshold;
        let of_supply = match self.threshold {
            AgainstThreshold::OfSupply(bps) => {
                format!(" ({bps} basis points of the votable supply)")
            }
            AgainstThreshold::Absolute(_) => String::new(),
        };
        let text = format!(
            "{} {} {} the veto threshold {}{of_supply}",
            j.name(roles.against),
            j.show_tokens(against),
            if ok { "is below" } else { "reaches" },
            j.show_tokens(&threshold),
        );
        Ok(Verdict::by(ok, text, roles.for_choice))
    }
}

/// The registry entry: `pass = "optimistic"`.
pub(super) fn plugin() -> Arc<dyn PassRulePlugin> {
    named::<Options>(
        "optimistic",
        "Optimism's optimistic module: passes unless Against reaches the threshold, a share of the votable supply (whole basis points, floored) or an amount (option: against_threshold)",
        &["against_threshold"],
        |o, ctx| {
            let threshold = match ShareOrAmount::parse(o.against_threshold.as_str(), ctx.decimals)
                .map_err(|e| ctx.error("against_threshold", e))?
            {
                ShareOrAmount::Share(s) => AgainstThreshold::OfSupply(
                    basis_points(&s).map_err(|e| ctx.error("against_threshold", e))?,
                ),
                ShareOrAmount::Amount(a) => AgainstThreshold::Absolute(a.base_units()),
            };
            if matches!(
                threshold,
                AgainstThreshold::OfSupply(0) | AgainstThreshold::Absolute(0)
            ) {
                // `propose` reverts with InvalidParams on a zero threshold.
                return Err(ctx.error(
                    "against_threshold",
                    "the against threshold must be above zero (the module refuses 0)",
                ));
            }
            Ok(PassRule::new(Optimistic { threshold }))
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{DecisionRules, Outcome, Roles};

    fn rules(threshold: AgainstThreshold) -> DecisionRules {
        DecisionRules {
            quorum: None,
            pass: PassRule::new(Optimistic { threshold }),
            roles: Some(Roles::BASIC),
        }
    }

    #[test]
    fn relative_threshold_is_floored_basis_points_and_strict() {
        // 20% of a votable supply of 1,001: floor(1001 · 2000 / 10^4) =
        // floor(200.2) = 200. Against 199 < 200 passes; 200 vetoes.
        let r = rules(AgainstThreshold::OfSupply(2_000));
        let decide = |no| crate::rules::tests::decide(&r, &[0, no, 0], 1_001);
        assert_eq!(decide(199).outcome, Outcome::Passed);
        assert_eq!(
            decide(0).outcome,
            Outcome::Passed,
            "nobody needs to vote For"
        );
        let d = decide(200);
        assert_eq!(d.outcome, Outcome::Rejected);
        assert!(
            d.reason.contains("reaches the veto threshold 200"),
            "{}",
            d.reason
        );
        // For votes change nothing.
        assert_eq!(
            crate::rules::tests::decide(&r, &[900, 200, 0], 1_001).outcome,
            Outcome::Rejected
        );
    }

    #[test]
    fn absolute_threshold_needs_no_supply() {
        let r = rules(AgainstThreshold::Absolute(50));
        assert!(!r.pass.test().needs_supply());
        let decide = |no| crate::rules::tests::decide(&r, &[0, no, 0], 0).outcome;
        assert_eq!(decide(49), Outcome::Passed);
        assert_eq!(decide(50), Outcome::Rejected);
    }
}
