//! Aave governance v3 (`bgd-labs/aave-governance-v3`,
//! `src/contracts/GovernanceCore.sol`): a proposal passes iff
//! `_isPassingYesThreshold` and `_isPassingYesNoDifferential`:
//!
//! - `For > yesThreshold · 10^18` (strictly),
//! - `For >= Against` and `For − Against > yesNoDifferential · 10^18`
//!   (strictly).
//!
//! Both parameters are absolute amounts of the voting token, stored in
//! whole tokens (`_normalize` floors a configured value to whole tokens, so
//! govkit floors `yes_threshold` and `yes_no_differential` the same way).
//! Level 1 (short executor): 320,000 / 80,000 AAVE; level 2 (long
//! executor): 1,400,000 / 1,400,000 AAVE. The votes compared are tokens
//! (the contract's voting power), whatever the mechanism.

use std::sync::Arc;

use num_bigint::BigInt;
use num_rational::BigRational;

use super::registry::named;
use super::{Judging, PassRule, PassRulePlugin, PassTest, Verdict};
use crate::amount::{Amount, AmountUnit};
use crate::error::Result;
use crate::options::BuildContext;
use crate::toml_util::NumberText;

/// Aave v3's yes threshold and yes/no differential, in base units (whole
/// tokens).
#[derive(Debug)]
pub(super) struct AaveV3 {
    yes_threshold: u128,
    differential: u128,
}

/// `[rules]` options of `pass = "aave-v3"`, in tokens.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    yes_threshold: NumberText,
    yes_no_differential: NumberText,
}

/// Whole tokens, floored as the contract's `_normalize`, in base units.
fn whole_tokens(ctx: &BuildContext<'_>, key: &str, text: &NumberText) -> Result<u128> {
    let amount = Amount::parse(text.as_str(), AmountUnit::Token, ctx.decimals)
        .map_err(|e| ctx.error(key, e))?;
    let unit = 10u128.pow(u32::from(ctx.decimals));
    Ok(amount.base_units() / unit * unit)
}

impl PassTest for AaveV3 {
    fn label(&self) -> String {
        "aave-v3".into()
    }

    fn decide(&self, j: &Judging<'_>) -> Result<Verdict> {
        let roles = j.roles()?;
        let (yes, no) = (j.tokens(roles.for_choice), j.tokens(roles.against));
        let (f, a) = (j.name(roles.for_choice), j.name(roles.against));
        let int = |n: u128| BigRational::from_integer(BigInt::from(n));
        let threshold = int(self.yes_threshold);
        let differential = int(self.differential);
        if *yes <= threshold {
            return Ok(Verdict::rejected(format!(
                "{f} ({}) does not exceed the yes threshold ({})",
                j.show_tokens(yes),
                j.show_tokens(&threshold)
            )));
        }
        let margin = yes - no;
        let ok = yes >= no && margin > differential;
        let text = format!(
            "{f} - {a} = {} {} the yes/no differential ({})",
            j.show_tokens(&margin),
            if ok { "exceeds" } else { "does not exceed" },
            j.show_tokens(&differential)
        );
        Ok(Verdict::by(ok, text, roles.for_choice))
    }
}

/// The registry entry: `pass = "aave-v3"`.
pub(super) fn plugin() -> Arc<dyn PassRulePlugin> {
    named::<Options>(
        "aave-v3",
        "Aave governance v3: For above the yes threshold, For >= Against and For - Against above the differential, absolute whole tokens (options: yes_threshold, yes_no_differential)",
        &["yes_threshold", "yes_no_differential"],
        |o, ctx| {
            Ok(PassRule::new(AaveV3 {
                yes_threshold: whole_tokens(ctx, "yes_threshold", &o.yes_threshold)?,
                differential: whole_tokens(ctx, "yes_no_differential", &o.yes_no_differential)?,
            }))
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{DecisionRules, Outcome, Roles};

    fn level(threshold: u128, differential: u128) -> DecisionRules {
        DecisionRules {
            quorum: None,
            pass: PassRule::new(AaveV3 {
                yes_threshold: threshold,
                differential,
            }),
            roles: Some(Roles::BASIC),
        }
    }

    #[test]
    fn level_one_needs_more_than_320000_for_and_80000_margin() {
        // Level 1 (GovernanceCore's voting config): 320,000 / 80,000, in
        // whole tokens (decimals 0 here).
        let l1 = level(320_000, 80_000);
        let decide = |yes, no| crate::rules::tests::decide(&l1, &[yes, no, 0], 1).outcome;
        // Exactly the threshold is not enough (`>`).
        assert_eq!(decide(320_000, 0), Outcome::Rejected);
        assert_eq!(decide(320_001, 0), Outcome::Passed);
        // Margin exactly 80,000 fails, 80,001 passes.
        assert_eq!(decide(400_000, 320_000), Outcome::Rejected);
        assert_eq!(decide(400_001, 320_000), Outcome::Passed);
        // Level 2: 1,400,000 / 1,400,000.
        let l2 = level(1_400_000, 1_400_000);
        let d = crate::rules::tests::decide(&l2, &[2_800_000, 1_400_000, 0], 1);
        assert_eq!(d.outcome, Outcome::Rejected, "{}", d.reason);
        assert!(d.reason.contains("does not exceed the yes/no differential"));
        assert_eq!(
            crate::rules::tests::decide(&l2, &[1_400_000, 0, 0], 1).outcome,
            Outcome::Rejected
        );
        let d = crate::rules::tests::decide(&l2, &[1_400_001, 0, 0], 1);
        assert_eq!(d.outcome, Outcome::Passed, "{}", d.reason);
    }
}
