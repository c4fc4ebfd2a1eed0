//! Aave governance v2 (`aave/governance-v2`,
//! `contracts/governance/ProposalValidator.sol`): a proposal passes iff
//! `isQuorumValid && isVoteDifferentialValid`, in basis points of the total
//! voting supply `S` at the proposal's start block, with integer division
//! as the contract does it:
//!
//! - quorum: `For > floor(S · MINIMUM_QUORUM / 10000)` (strictly greater:
//!   the contract's `isQuorumValid` uses `>`), written in a proposal as
//!   `quorum = "2%"`, `quorum_counts = ["For"]`, `quorum_rounding = "floor"`;
//! - vote differential: `floor(For · 10^4 / S) > floor(Against · 10^4 / S)
//!   + VOTE_DIFFERENTIAL` (strictly greater), `vote_differential = "0.5%"`.
//!
//! The executors carry the parameters: the short executor 2% / 0.5%, the
//! long executor 20% / 15% (the governance-v2 README). There is no
//! separate For > Against test: the differential implies it.

use std::sync::Arc;

use num_bigint::BigInt;
use num_rational::BigRational;

use super::registry::named;
use super::{
    basis_points, bps_of, Judging, PassRule, PassRulePlugin, PassTest, QuorumRole, Verdict,
};
use crate::error::{Error, Result};

use crate::share::Share;

/// Aave v2's vote differential (the quorum is the proposal's own).
#[derive(Debug)]
pub(super) struct AaveV2 {
    /// `VOTE_DIFFERENTIAL` in basis points.
    differential_bps: u32,
}

/// `[rules]` options of `pass = "aave-v2"`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    /// `VOTE_DIFFERENTIAL` as a share of the supply (whole basis points).
    vote_differential: Share,
}

impl PassTest for AaveV2 {
    fn label(&self) -> String {
        "aave-v2".into()
    }

    fn needs_supply(&self) -> bool {
        true
    }

    fn quorum_role(&self) -> QuorumRole {
        QuorumRole::StrictGate
    }

    fn decide(&self, j: &Judging<'_>) -> Result<Verdict> {
        let roles = j.roles()?;
        let supply = j.supply()?.base_units();
        if supply == 0 {
            return Err(Error::invalid("the voting supply is zero"));
        }
        // Both tests are on votes as the contract counts them: tokens.
        let (yes, no) = (j.tokens(roles.for_choice), j.tokens(roles.against));
        let (yes_bps, no_bps) = (bps_of(yes, supply), bps_of(no, supply));
        let needed = &no_bps + BigInt::from(self.differential_bps);
        let percent = |bps: &BigInt| {
            crate::decimal::format_rational(&BigRational::new(bps.clone(), BigInt::from(100)), 4)
        };
        let margin = &yes_bps - &no_bps;
        let text = format!(
            "margin {}% of supply ({} {}% - {} {}%, in whole basis points), {} the {}% vote \
             differential",
            percent(&margin),
            j.name(roles.for_choice),
            percent(&yes_bps),
            j.name(roles.against),
            percent(&no_bps),
            if yes_bps > needed {
                "above"
            } else {
                "not above"
            },
            percent(&BigInt::from(self.differential_bps)),
        );
        Ok(Verdict::by(yes_bps > needed, text, roles.for_choice))
    }
}

/// The registry entry: `pass = "aave-v2"`.
pub(super) fn plugin() -> Arc<dyn PassRulePlugin> {
    named::<Options>(
        "aave-v2",
        "Aave governance v2: For strictly above the quorum, and For exceeds Against by more than the vote differential, in whole basis points of the supply (option: vote_differential)",
        &["vote_differential"],
        |o, ctx| {
            let differential_bps = basis_points(&o.vote_differential)
                .map_err(|e| ctx.error("vote_differential", e))?;
            Ok(PassRule::new(AaveV2 { differential_bps }))
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{
        Decision, DecisionRules, Outcome, Quorum, QuorumRounding, QuorumThreshold, Roles,
    };

    fn rules(quorum: &str, differential_bps: u32) -> DecisionRules {
        DecisionRules {
            quorum: Some(Quorum {
                threshold: QuorumThreshold::OfSupply(quorum.parse().unwrap()),
                counts: vec![0],
                rounding: QuorumRounding::Floor,
            }),
            pass: PassRule::new(AaveV2 { differential_bps }),
            roles: Some(Roles::BASIC),
        }
    }

    fn decide(rules: &DecisionRules, yes: u128, no: u128, supply: u128) -> Decision {
        crate::rules::tests::decide(rules, &[yes, no, 0], supply)
    }

    #[test]
    fn quorum_is_strict_and_the_differential_counts_whole_basis_points() {
        // Short executor: 2% quorum, 0.5% differential, supply 16,000,000.
        let short = rules("2%", 50);
        // Quorum floor(16e6 * 200 / 1e4) = 320,000; exactly 320,000 For
        // is not enough (`>`), one more is.
        assert_eq!(
            decide(&short, 320_000, 0, 16_000_000).outcome,
            Outcome::Rejected
        );
        assert_eq!(
            decide(&short, 320_001, 0, 16_000_000).outcome,
            Outcome::Passed
        );
        // Aave #46 (AAVE, rounded to tokens here): For 340,578, Against
        // 309,403: 212 bps vs 193 bps; 212 > 193 + 50 fails: margin 0.19%.
        let d = decide(&short, 340_578, 309_403, 16_000_000);
        assert_eq!(d.outcome, Outcome::Rejected);
        assert!(
            d.reason.starts_with("margin 0.19% of supply"),
            "{}",
            d.reason
        );
        assert!(
            d.reason.contains("not above the 0.5% vote differential"),
            "{}",
            d.reason
        );
        // 244 bps For (390,400) against 193: 244 > 243 passes; 243 bps
        // (388,800) does not.
        assert_eq!(
            decide(&short, 390_400, 309_403, 16_000_000).outcome,
            Outcome::Passed
        );
        assert_eq!(
            decide(&short, 388_800, 309_403, 16_000_000).outcome,
            Outcome::Rejected
        );
    }

    #[test]
    fn differentials_must_be_whole_basis_points() {
        assert_eq!(basis_points(&"0.5%".parse().unwrap()), Ok(50));
        assert_eq!(basis_points(&"15%".parse().unwrap()), Ok(1500));
        assert!(basis_points(&"0.005%".parse().unwrap()).is_err());
    }
}
