//! Decision rules: quorum and passing, exactly as the reference systems
//! define them, each rule one component in one file.
//!
//! | system | quorum counts | quorum test | passes iff | file |
//! |---|---|---|---|---|
//! | OpenZeppelin `GovernorCountingSimple` | For + Abstain | `quorum <= counted` (quorum = floor(supply × fraction)) | For > Against | `majority.rs` |
//! | Compound Bravo / Alpha, Uniswap Alpha | For | `For >= quorum` | For > Against | `majority.rs` |
//! | Snapshot `default` | all choices | `counted >= quorum` | For > Against | `majority.rs` |
//! | Snapshot `rejection` | Against | — | not (Against > quorum) | `rejection.rs` |
//! | Aave governance v2 | For | `For > floor(S × q)` | floor(For·10⁴/S) > floor(Against·10⁴/S) + differential | `aave_v2.rs` |
//! | Aave governance v3 | — | — | For > yesThreshold, For >= Against, For − Against > yesNoDifferential (absolute) | `aave_v3.rs` |
//! | Nouns DAO (dynamic quorum) | For | For >= floor(S · min(max, min + coef·againstBPS/10⁶)/10⁴) | For > Against | `nouns.rs` |
//! | Lido Easy Track (optimistic) | — | — | not (floor(Against·10⁴/S) >= threshold) | `easy_track.rs` |
//! | Optimism optimistic module | — | — | Against < floor(S·bps/10⁴) (or an absolute threshold) | `optimistic.rs` |
//! | OpenZeppelin `GovernorSuperQuorum` (window rule) | For | For >= super-quorum | closes early, passed, if also For > Against | `super_quorum.rs` |
//! | OpenZeppelin `GovernorPreventLateQuorum` (window rule) | as set | — | deadline = max(end, quorum block + extension) | `late_quorum.rs` |
//! | Aragon OSx token voting | all | `counted >= ceil(mp × supply)` | (1 − st)·yes > st·no and yes >= ceil(ma × supply) | `aragon.rs` |
//! | supermajorities (`2/3`, `>2/3`) | as set | as set | For / (For + Against) >= (or >) ratio | `supermajority.rs` |
//! | Snapshot multi-choice | as set | as set | a unique top choice | `plurality.rs` |
//!
//! The quorum is [`Quorum`] (`quorum.rs`); a passing rule is a
//! [`PassTest`] behind [`PassRule`], named in proposal files by `pass =`
//! and found through the [`RuleRegistry`], which also reads each rule's
//! own options from `[rules]` (Aragon's `support_threshold`). A new rule
//! is one file and one line in [`RuleRegistry::builtin`]. *Window rules*
//! ([`WindowRule`], `window.rs`) depend on when votes are cast: the
//! evaluator replays the valid votes in block/time order and they move the
//! deadline or close the vote; they sit beside any passing rule.
//!
//! Ties and empty votes, by design: For = Against is rejected (every
//! governor requires For > Against); with no votes at all, a quorum above
//! zero is not reached and majority fails, so the proposal is rejected;
//! a plurality with a tie at the top has no winner and is rejected; a
//! Snapshot rejection-quorum proposal with no votes passes (nobody rejected
//! it), as on Snapshot.
//!
//! Units: a quorum measures *turnout*: the tokens (voters' token weights)
//! behind the counted choices, whatever the mechanism. The passing test
//! compares the mechanism's *power*. For token-weighted voting the two are
//! the same numbers; under quadratic voting or a cap, "400,000 COMP must
//! vote For" stays a statement about COMP, while who wins is decided by
//! quadratic or capped power.
//!
//! Architecture invariant: every comparison is between exact rationals.

mod aave_v2;
mod aave_v3;
mod aragon;
mod easy_track;
mod late_quorum;
mod majority;
mod nouns;
mod optimistic;
mod plurality;
mod quorum;
mod registry;
mod rejection;
mod super_quorum;
mod supermajority;
pub mod window;

use std::fmt;
use std::sync::Arc;

use num_bigint::BigInt;
use num_rational::BigRational;

use crate::amount::Amount;
use crate::choices::Choices;
use crate::error::{Error, Result};
use crate::score::Score;
use crate::share::Share;

pub use late_quorum::LateQuorum;
pub use quorum::{Quorum, QuorumRounding, QuorumThreshold};
pub use registry::{PassRulePlugin, RuleRegistry, WindowRulePlugin};
pub use super_quorum::SuperQuorum;
pub use window::{VoteWindow, WindowReport, WindowRule};

/// Which choices mean For, Against and Abstain (0-based indices).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Roles {
    /// The choice that approves the proposal.
    pub for_choice: usize,
    /// The choice that rejects it.
    pub against: usize,
    /// The abstain choice, if any.
    pub abstain: Option<usize>,
}

impl Roles {
    /// For, Against, Abstain in the `basic` order.
    pub const BASIC: Roles = Roles {
        for_choice: 0,
        against: 1,
        abstain: Some(2),
    };
}

/// How a passing rule uses the quorum.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuorumRole {
    /// The quorum must be met before the rule is asked (every governor).
    Gate,
    /// The quorum must be exceeded before the rule is asked (Aave v2's
    /// `forVotes > minimum`).
    StrictGate,
    /// The rule reads the quorum itself, and "reached" means the count
    /// exceeds it (Snapshot's rejection quorum).
    Read,
}

/// A passing rule: given the standing of the choices (and the quorum's
/// state), passed or rejected, and why.
pub trait PassTest: fmt::Debug + Send + Sync {
    /// How proposal files write it (`majority`, `>2/3`, `aragon`).
    fn label(&self) -> String;

    /// Whether it needs For/Against roles (all but plurality).
    fn needs_roles(&self) -> bool {
        true
    }

    /// Whether it needs the total supply (fractions of it).
    fn needs_supply(&self) -> bool {
        false
    }

    /// How it uses the quorum.
    fn quorum_role(&self) -> QuorumRole {
        QuorumRole::Gate
    }

    /// The verdict. Only asked after a [`QuorumRole::Gate`] quorum is met.
    fn decide(&self, judging: &Judging<'_>) -> Result<Verdict>;
}

/// A passing rule, shared and comparable (by its label and settings).
#[derive(Clone, Debug)]
pub struct PassRule(Arc<dyn PassTest>);

impl PartialEq for PassRule {
    fn eq(&self, other: &Self) -> bool {
        format!("{:?}", self.0) == format!("{:?}", other.0)
    }
}

impl Eq for PassRule {}

impl PassRule {
    /// Any rule.
    pub fn new(test: impl PassTest + 'static) -> PassRule {
        PassRule(Arc::new(test))
    }

    /// For > Against.
    pub fn majority() -> PassRule {
        PassRule::new(majority::Majority)
    }

    /// For / (For + Against) >= `ratio` (> when `strict`); rejected when
    /// For + Against is zero.
    pub fn supermajority(ratio: Share, strict: bool) -> PassRule {
        PassRule::new(supermajority::Supermajority { ratio, strict })
    }

    /// Aragon OSx: (1 − st)·For > st·Against (strict), and For >=
    /// ceil(min_approval × supply) when a minimum approval is set.
    pub fn aragon(support_threshold: Share, min_approval: Option<Share>) -> PassRule {
        PassRule::new(aragon::Aragon {
            support_threshold,
            min_approval,
        })
    }

    /// Snapshot's `rejection` quorum type: rejected iff Against > quorum.
    pub fn snapshot_rejection() -> PassRule {
        PassRule::new(rejection::SnapshotRejection)
    }

    /// The choice with the most power wins, if it is the only one with
    /// that score and the score is above zero; with For/Against roles,
    /// For > Against.
    pub fn plurality() -> PassRule {
        PassRule::new(plurality::Plurality)
    }

    /// The rule itself.
    pub fn test(&self) -> &dyn PassTest {
        self.0.as_ref()
    }
}

/// Quorum and passing rules of a proposal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecisionRules {
    /// The quorum, if any.
    pub quorum: Option<Quorum>,
    /// The passing rule.
    pub pass: PassRule,
    /// Choice roles; required by every rule except plurality.
    pub roles: Option<Roles>,
}

/// Passed or rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// The proposal passed.
    Passed,
    /// The proposal was rejected (defeated).
    Rejected,
}

impl Outcome {
    /// "passed" or "rejected".
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Rejected => "rejected",
        }
    }
}

/// The quorum's state after the tally.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct QuorumStatus {
    /// Required power (exact; after rounding).
    pub required: BigRational,
    /// Power counted toward it.
    pub counted: Score,
    /// Whether the quorum is reached (for a rejection quorum: whether the
    /// Against votes exceeded it).
    pub reached: bool,
    /// Whether the count must exceed the threshold (Aave v2, Snapshot's
    /// rejection quorum) rather than meet it.
    pub strict: bool,
    /// 0-based indices of the choices counted.
    pub counts: Vec<usize>,
}

/// What a passing rule concludes.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verdict {
    /// Passed or rejected.
    pub outcome: Outcome,
    /// Why, in one sentence.
    pub reason: String,
    /// The winning choice (0-based), if any.
    pub winner: Option<usize>,
    /// Aragon only: whether the vote was already decided before its end.
    pub early_execution: Option<bool>,
}

impl Verdict {
    /// Passed, with the winning choice.
    pub fn passed(reason: String, winner: Option<usize>) -> Verdict {
        Verdict {
            outcome: Outcome::Passed,
            reason,
            winner,
            early_execution: None,
        }
    }

    /// Rejected.
    pub fn rejected(reason: String) -> Verdict {
        Verdict {
            outcome: Outcome::Rejected,
            reason,
            winner: None,
            early_execution: None,
        }
    }

    /// Passed iff `ok`, with the For choice as winner.
    pub fn by(ok: bool, reason: String, winner: usize) -> Verdict {
        if ok {
            Verdict::passed(reason, Some(winner))
        } else {
            Verdict::rejected(reason)
        }
    }
}

/// The result of applying the rules to the scores.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Decision {
    /// Quorum state, if the rules have a quorum.
    pub quorum: Option<QuorumStatus>,
    /// Passed or rejected.
    pub outcome: Outcome,
    /// Why, in one sentence.
    pub reason: String,
    /// The winning choice (0-based) for plurality, or the For choice when a
    /// For/Against proposal passed.
    pub winner: Option<usize>,
    /// Aragon only: whether the vote was already decided before its end
    /// (early execution).
    pub early_execution: Option<bool>,
}

/// What a passing rule may look at.
#[derive(Clone, Copy, Debug)]
pub struct Judging<'a> {
    /// The choices.
    pub choices: &'a Choices,
    /// For/Against/Abstain, when the proposal has them.
    pub roles: Option<Roles>,
    /// Power and turnout per choice.
    pub standing: &'a Standing<'a>,
    /// The quorum's state, if there is a quorum.
    pub quorum: Option<&'a QuorumStatus>,
    /// The total supply, if known.
    pub supply: Option<Amount>,
}

impl Judging<'_> {
    /// The roles (rules that need them are only asked when they exist).
    pub fn roles(&self) -> Result<Roles> {
        self.roles
            .ok_or_else(|| Error::invalid("this pass rule needs For and Against choices"))
    }

    /// A choice's name.
    pub fn name(&self, i: usize) -> &str {
        &self.choices.names()[i]
    }

    /// A choice's power (passing compares power).
    pub fn power(&self, i: usize) -> &BigRational {
        self.standing.scores[i].as_rational()
    }

    /// A choice's turnout in tokens (quorums and approvals count tokens).
    pub fn tokens(&self, i: usize) -> &BigRational {
        self.standing.turnout[i].as_rational()
    }

    /// A power for a reason sentence.
    pub fn show_power(&self, r: &BigRational) -> String {
        Score::from_rational(r.clone()).to_decimal_string(self.standing.power_decimals)
    }

    /// Tokens for a reason sentence.
    pub fn show_tokens(&self, r: &BigRational) -> String {
        Score::from_rational(r.clone()).to_decimal_string(self.standing.token_decimals)
    }

    /// The total supply, or the error that says how to give it.
    pub fn supply(&self) -> Result<Amount> {
        self.supply.ok_or_else(missing_supply)
    }
}

fn missing_supply() -> Error {
    Error::invalid(
        "the rules need the total supply: add a [holders] snapshot or set rules.total_supply",
    )
}

impl DecisionRules {
    /// Majority without quorum: For > Against.
    pub fn majority(roles: Roles) -> DecisionRules {
        DecisionRules {
            quorum: None,
            pass: PassRule::majority(),
            roles: Some(roles),
        }
    }

    /// Plurality without quorum: the choice with the most power wins.
    pub fn plurality() -> DecisionRules {
        DecisionRules {
            quorum: None,
            pass: PassRule::plurality(),
            roles: None,
        }
    }

    /// Checks that the rules fit a proposal with these choices.
    pub fn validate(&self, choices: &Choices) -> std::result::Result<(), String> {
        let n = choices.len();
        if let Some(r) = &self.roles {
            let mut idx = vec![r.for_choice, r.against];
            idx.extend(r.abstain);
            if idx.iter().any(|&i| i >= n) {
                return Err("a For/Against/Abstain role names a choice that does not exist".into());
            }
            if r.for_choice == r.against
                || r.abstain
                    .is_some_and(|a| a == r.for_choice || a == r.against)
            {
                return Err("For, Against and Abstain must be different choices".into());
            }
        } else if self.pass.test().needs_roles() {
            return Err(
                "this pass rule needs For and Against choices: use ballot = \"basic\" or set \
                 rules.for_choice and rules.against_choice"
                    .into(),
            );
        }
        if let Some(q) = &self.quorum {
            q.validate(n)?;
        }
        if self.pass.test().quorum_role() == QuorumRole::Read && self.quorum.is_none() {
            return Err(format!(
                "pass = {:?} needs a quorum",
                self.pass.test().label()
            ));
        }
        Ok(())
    }

    /// Applies the rules. Quorums (and Aragon's minimum approval) measure
    /// turnout in tokens, `standing.turnout`; passing compares mechanism
    /// power, `standing.scores`. `supply` is the total supply in base units
    /// for fractional quorums and Aragon.
    pub fn decide(
        &self,
        choices: &Choices,
        standing: &Standing<'_>,
        supply: Option<Amount>,
    ) -> Result<Decision> {
        self.validate(choices).map_err(Error::invalid)?;
        if standing.scores.len() != choices.len() || standing.turnout.len() != choices.len() {
            return Err(Error::invalid(
                "one score and one turnout per choice are needed",
            ));
        }
        let test = self.pass.test();
        let quorum = self
            .quorum
            .as_ref()
            .map(|q| {
                q.status(
                    standing.turnout,
                    supply,
                    test.quorum_role() != QuorumRole::Gate,
                )
            })
            .transpose()?;
        let judging = Judging {
            choices,
            roles: self.roles,
            standing,
            quorum: quorum.as_ref(),
            supply,
        };
        let verdict = match &quorum {
            Some(q) if !q.reached && test.quorum_role() != QuorumRole::Read => {
                Verdict::rejected(format!(
                    "quorum not reached: {} counted, {}{} required",
                    judging.show_tokens(q.counted.as_rational()),
                    if test.quorum_role() == QuorumRole::StrictGate {
                        "more than "
                    } else {
                        ""
                    },
                    judging.show_tokens(&q.required)
                ))
            }
            _ => test.decide(&judging)?,
        };
        Ok(Decision {
            quorum,
            outcome: verdict.outcome,
            reason: verdict.reason,
            winner: verdict.winner,
            early_execution: verdict.early_execution,
        })
    }
}

/// What the rules look at: each choice's power under the mechanism and
/// its turnout in tokens (the same numbers for token-weighted voting).
#[derive(Clone, Copy, Debug)]
pub struct Standing<'a> {
    /// Score of each choice in power units (decides passing).
    pub scores: &'a [Score],
    /// Token weight behind each choice in base units (decides quorums).
    pub turnout: &'a [Score],
    /// Decimals of the power unit (for reasons).
    pub power_decimals: u8,
    /// The token's decimals (for reasons).
    pub token_decimals: u8,
}

impl<'a> Standing<'a> {
    /// Token-weighted: power and turnout are the same numbers.
    pub fn token_weighted(scores: &'a [Score], decimals: u8) -> Standing<'a> {
        Standing {
            scores,
            turnout: scores,
            power_decimals: decimals,
            token_decimals: decimals,
        }
    }
}

/// Basis points in 100% (Aave's `ONE_HUNDRED_WITH_PRECISION`, Lido's
/// `HUNDRED_PERCENT`).
pub(super) const BPS: u32 = 10_000;

/// A share as whole basis points (the contract's unit).
pub(super) fn basis_points(share: &Share) -> std::result::Result<u32, String> {
    let bps = share.as_rational() * BigRational::from_integer(BigInt::from(BPS));
    if !bps.is_integer() {
        return Err(format!(
            "{share} is not a whole number of basis points (the contract counts in 0.01% steps)"
        ));
    }
    u32::try_from(bps.to_integer()).map_err(|_| format!("{share} is more than 100%"))
}

/// `floor(x · 10^4 / S)` for a whole number of base units `x`: the
/// contracts' `x * 10000 / S`.
pub(super) fn bps_of(x: &BigRational, supply: u128) -> BigInt {
    use num_integer::Integer;
    (x.to_integer() * BigInt::from(BPS)).div_floor(&BigInt::from(supply))
}

fn int(n: u128) -> BigRational {
    BigRational::from_integer(BigInt::from(n))
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::amount::Power;

    fn scores(v: &[u128]) -> Vec<Score> {
        v.iter()
            .map(|&p| Score::from_power(Power::from_units(p)))
            .collect()
    }

    fn share(s: &str) -> Share {
        s.parse().unwrap()
    }

    fn oz(fraction: &str) -> DecisionRules {
        DecisionRules {
            quorum: Some(Quorum {
                threshold: QuorumThreshold::OfSupply(share(fraction)),
                counts: vec![0, 2],
                rounding: QuorumRounding::Floor,
            }),
            pass: PassRule::majority(),
            roles: Some(Roles::BASIC),
        }
    }

    /// Decides token-weighted scores (0 decimals) of a basic ballot.
    pub(super) fn decide(rules: &DecisionRules, s: &[u128], supply: u128) -> Decision {
        let scores = scores(s);
        rules
            .decide(
                &Choices::basic(),
                &Standing::token_weighted(&scores, 0),
                Some(Amount::from_base_units(supply)),
            )
            .unwrap()
    }

    #[test]
    fn openzeppelin_quorum_fraction_vector() {
        // ANCHORS: supply 100, 8% -> quorum 8; 10 For passes, 7 For is defeated.
        let rules = oz("8%");
        let d = decide(&rules, &[10, 0, 0], 100);
        assert_eq!(d.quorum.as_ref().unwrap().required, int(8));
        assert_eq!(d.outcome, Outcome::Passed);
        assert_eq!(decide(&rules, &[7, 0, 0], 100).outcome, Outcome::Rejected);
        // Abstain counts toward the OpenZeppelin quorum but not for passing.
        assert_eq!(decide(&rules, &[1, 0, 7], 100).outcome, Outcome::Passed);
        // floor(2.5) = 2 with OpenZeppelin's integer division.
        assert_eq!(decide(&oz("25%"), &[2, 0, 0], 10).outcome, Outcome::Passed);
    }

    fn aragon() -> DecisionRules {
        DecisionRules {
            quorum: Some(Quorum {
                threshold: QuorumThreshold::OfSupply(share("25%")),
                counts: vec![0, 1, 2],
                rounding: QuorumRounding::Ceil,
            }),
            pass: PassRule::aragon(share("50%"), Some(share("21%"))),
            roles: Some(Roles::BASIC),
        }
    }

    #[test]
    fn aragon_vectors() {
        // ANCHORS: 10 holders x 10 tokens, st 50%, mp 25%, min approval 21%.
        let rules = aragon();
        let d = decide(&rules, &[20, 0, 0], 100);
        assert_eq!(d.outcome, Outcome::Rejected, "participation 20% < 25%");
        assert!(d.reason.starts_with("quorum not reached"));
        let d = decide(&rules, &[20, 10, 0], 100);
        assert_eq!(d.outcome, Outcome::Rejected, "approval 20% < 21%");
        assert!(d.reason.starts_with("approval too low"));
        let d = decide(&rules, &[30, 10, 0], 100);
        assert_eq!(d.outcome, Outcome::Passed);
        assert_eq!(d.early_execution, Some(false));
        let d = decide(&rules, &[70, 0, 0], 100);
        assert_eq!(d.outcome, Outcome::Passed);
        assert_eq!(d.early_execution, Some(true));
    }

    #[test]
    fn aragon_support_is_strict() {
        // (1 - 0.5) * 10 > 0.5 * 10 is false: a tie does not pass.
        let d = decide(&aragon(), &[30, 30, 0], 100);
        assert_eq!(d.outcome, Outcome::Rejected);
    }

    #[test]
    fn ties_and_empty_votes() {
        let m = DecisionRules::majority(Roles::BASIC);
        assert_eq!(decide(&m, &[5, 5, 0], 0).outcome, Outcome::Rejected);
        assert_eq!(decide(&m, &[0, 0, 0], 0).outcome, Outcome::Rejected);
        let p = DecisionRules {
            quorum: None,
            pass: PassRule::plurality(),
            roles: None,
        };
        let d = decide(&p, &[3, 3, 1], 0);
        assert_eq!(d.outcome, Outcome::Rejected);
        assert!(d.reason.starts_with("tie at the top"));
        assert_eq!(decide(&p, &[0, 0, 0], 0).outcome, Outcome::Rejected);
        assert_eq!(decide(&p, &[1, 3, 2], 0).winner, Some(1));
    }

    #[test]
    fn supermajority_boundaries() {
        let r = |strict| DecisionRules {
            quorum: None,
            pass: PassRule::supermajority(share("2/3"), strict),
            roles: Some(Roles::BASIC),
        };
        assert_eq!(decide(&r(false), &[2, 1, 0], 0).outcome, Outcome::Passed);
        assert_eq!(decide(&r(true), &[2, 1, 0], 0).outcome, Outcome::Rejected);
        assert_eq!(decide(&r(false), &[0, 0, 5], 0).outcome, Outcome::Rejected);
    }

    #[test]
    fn compound_bravo_counts_for_only() {
        let rules = DecisionRules {
            quorum: Some(Quorum {
                threshold: QuorumThreshold::Absolute(Amount::from_base_units(400)),
                counts: vec![0],
                rounding: QuorumRounding::Exact,
            }),
            pass: PassRule::majority(),
            roles: Some(Roles::BASIC),
        };
        assert_eq!(
            decide(&rules, &[399, 0, 1000], 0).outcome,
            Outcome::Rejected
        );
        assert_eq!(decide(&rules, &[400, 399, 0], 0).outcome, Outcome::Passed);
    }

    #[test]
    fn snapshot_quorum_types() {
        let q = |counts: Vec<usize>, pass| DecisionRules {
            quorum: Some(Quorum {
                threshold: QuorumThreshold::Absolute(Amount::from_base_units(10)),
                counts,
                rounding: QuorumRounding::Exact,
            }),
            pass,
            roles: Some(Roles::BASIC),
        };
        let default = q(vec![0, 1, 2], PassRule::majority());
        assert_eq!(decide(&default, &[4, 3, 3], 0).outcome, Outcome::Passed);
        assert_eq!(decide(&default, &[4, 3, 2], 0).outcome, Outcome::Rejected);
        let rejection = q(vec![1], PassRule::snapshot_rejection());
        assert_eq!(decide(&rejection, &[0, 10, 0], 0).outcome, Outcome::Passed);
        assert_eq!(
            decide(&rejection, &[50, 11, 0], 0).outcome,
            Outcome::Rejected
        );
        assert_eq!(decide(&rejection, &[0, 0, 0], 0).outcome, Outcome::Passed);
    }

    #[test]
    fn fractional_quorum_needs_supply() {
        let err = oz("4%")
            .decide(
                &Choices::basic(),
                &Standing::token_weighted(&scores(&[1, 0, 0]), 0),
                None,
            )
            .unwrap_err();
        assert!(err.to_string().contains("total supply"));
    }
}
