//! Nouns DAO's dynamic quorum (`nounsDAO/nouns-monorepo`,
//! `NounsDAOV3DynamicQuorum.sol`, `dynamicQuorumVotes`): the quorum rises
//! with the Against votes, in integer basis points of the total supply S
//! (Nouns: one vote per noun):
//!
//! - `againstBPS = floor(10^4 · Against / S)`
//! - `quorumBPS = min(max_quorum_bps, min_quorum_bps + floor(coefficient ·
//!   againstBPS / 10^6))`
//! - `quorum = floor(S · quorumBPS / 10^4)`
//!
//! A proposal is defeated when `For <= Against || For < quorum`
//! (`NounsDAOLogicV3.state`), so it passes iff For > Against and
//! For >= quorum. The counts are votes as the contract counts them
//! (tokens), whatever the mechanism.

use std::sync::Arc;

use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;

use super::registry::named;
use super::{Judging, PassRule, PassRulePlugin, PassTest, Verdict};
use crate::error::{Error, Result};

/// The dynamic quorum parameters (as `DynamicQuorumParams`).
#[derive(Debug, Clone, Copy, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct NounsDynamicQuorum {
    /// `minQuorumVotesBPS`.
    min_quorum_bps: u32,
    /// `maxQuorumVotesBPS`.
    max_quorum_bps: u32,
    /// `quorumCoefficient`, fixed point with 6 decimals (10^6 = 1).
    quorum_coefficient: u64,
}

impl NounsDynamicQuorum {
    /// `dynamicQuorumVotes(againstVotes, totalSupply, params)`.
    fn quorum(&self, against: &BigInt, supply: &BigInt) -> BigInt {
        let against_bps = (against * BigInt::from(10_000)).div_floor(supply);
        let adjustment = (BigInt::from(self.quorum_coefficient) * against_bps)
            .div_floor(&BigInt::from(1_000_000));
        let bps =
            (BigInt::from(self.min_quorum_bps) + adjustment).min(BigInt::from(self.max_quorum_bps));
        (supply * bps).div_floor(&BigInt::from(10_000))
    }
}

impl PassTest for NounsDynamicQuorum {
    fn label(&self) -> String {
        "nouns-dynamic-quorum".into()
    }

    fn needs_supply(&self) -> bool {
        true
    }

    fn decide(&self, j: &Judging<'_>) -> Result<Verdict> {
        let roles = j.roles()?;
        let supply = BigInt::from(j.supply()?.base_units());
        if supply == BigInt::from(0) {
            return Err(Error::invalid("the total supply is zero"));
        }
        let (yes, no) = (j.tokens(roles.for_choice), j.tokens(roles.against));
        let (f, a) = (j.name(roles.for_choice), j.name(roles.against));
        // Votes are whole base units.
        let quorum = BigRational::from_integer(self.quorum(&no.to_integer(), &supply));
        Ok(if yes <= no {
            Verdict::rejected(format!(
                "{f} ({}) does not exceed {a} ({})",
                j.show_tokens(yes),
                j.show_tokens(no)
            ))
        } else if *yes < quorum {
            Verdict::rejected(format!(
                "{f} ({}) is below the dynamic quorum ({}, raised by {a})",
                j.show_tokens(yes),
                j.show_tokens(&quorum)
            ))
        } else {
            Verdict::passed(
                format!(
                    "{f} ({}) exceeds {a} and meets the dynamic quorum ({})",
                    j.show_tokens(yes),
                    j.show_tokens(&quorum)
                ),
                Some(roles.for_choice),
            )
        })
    }
}

/// The registry entry: `pass = "nouns-dynamic-quorum"`.
pub(super) fn plugin() -> Arc<dyn PassRulePlugin> {
    named::<NounsDynamicQuorum>(
        "nouns-dynamic-quorum",
        "Nouns DAO: For > Against and For >= a quorum that rises with Against (options: min_quorum_bps, max_quorum_bps, quorum_coefficient)",
        &["min_quorum_bps", "max_quorum_bps", "quorum_coefficient"],
        |q, ctx| {
            if q.min_quorum_bps > q.max_quorum_bps || q.max_quorum_bps > 10_000 {
                return Err(ctx.error(
                    "max_quorum_bps",
                    "need min_quorum_bps <= max_quorum_bps <= 10000",
                ));
            }
            Ok(PassRule::new(q))
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dynamic_quorum_vectors_from_the_nouns_subgraph_tests() {
        // (against, supply, minBPS, maxBPS, coefficient) -> quorum, from the
        // Nouns subgraph's dynamic quorum tests.
        for (against, supply, min, max, coef, want) in [
            (12, 200, 1000, 4000, 0, 20),
            (18, 200, 1000, 4000, 1_000_000, 38),
            (60, 200, 1000, 10000, 3_000_000, 200),
            (30, 200, 1000, 4000, 2_000_000, 80),
        ] {
            let q = NounsDynamicQuorum {
                min_quorum_bps: min,
                max_quorum_bps: max,
                quorum_coefficient: coef,
            };
            assert_eq!(
                q.quorum(&BigInt::from(against), &BigInt::from(supply)),
                BigInt::from(want),
                "({against}, {supply}, {min}, {max}, {coef})"
            );
        }
    }

    #[test]
    fn for_must_beat_against_and_meet_the_raised_quorum() {
        use crate::rules::{DecisionRules, Outcome, Roles};
        let rules = DecisionRules {
            quorum: None,
            pass: PassRule::new(NounsDynamicQuorum {
                min_quorum_bps: 1000,
                max_quorum_bps: 4000,
                quorum_coefficient: 1_000_000,
            }),
            roles: Some(Roles::BASIC),
        };
        let decide = |yes, no| crate::rules::tests::decide(&rules, &[yes, no, 0], 200).outcome;
        // Against 18 raises the quorum to 38 (the vector above).
        assert_eq!(decide(37, 18), Outcome::Rejected);
        assert_eq!(decide(38, 18), Outcome::Passed);
        // No Against: quorum 20; a tie is rejected.
        assert_eq!(decide(20, 0), Outcome::Passed);
        assert_eq!(decide(19, 0), Outcome::Rejected);
        assert_eq!(decide(25, 25), Outcome::Rejected);
    }
}
