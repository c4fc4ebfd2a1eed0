//! Decision rules: quorum and passing, exactly as the reference systems
//! define them.
//!
//! | system | quorum counts | quorum test | passes iff |
//! |---|---|---|---|
//! | OpenZeppelin `GovernorCountingSimple` | For + Abstain | `quorum <= counted` (quorum = floor(supply × fraction)) | For > Against |
//! | Compound Bravo / Alpha, Uniswap Alpha | For | `For >= quorum` | For > Against |
//! | Snapshot `default` | all choices | `counted >= quorum` | For > Against |
//! | Snapshot `rejection` | Against | — | not (Against > quorum) |
//! | Aragon OSx token voting | all | `counted >= ceil(mp × supply)` | (1 − st)·yes > st·no and yes >= ceil(ma × supply) |
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

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Zero};

use crate::amount::Amount;
use crate::choices::Choices;
use crate::error::{Error, Result};
use crate::score::Score;
use crate::share::Share;

/// How large the quorum is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QuorumThreshold {
    /// A fixed amount of tokens, in base units.
    Absolute(Amount),
    /// A fraction of the total supply (OpenZeppelin
    /// `GovernorVotesQuorumFraction`, Aragon minimum participation).
    OfSupply(Share),
}

/// How a fractional quorum (`supply × fraction`) is rounded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum QuorumRounding {
    /// Compare against the exact rational. For integer counts this is the
    /// same as rounding up.
    #[default]
    Exact,
    /// Round down, as Solidity's `supply * numerator / denominator` does
    /// (OpenZeppelin).
    Floor,
    /// Round up, as Aragon's `_applyRatioCeiled` does.
    Ceil,
}

/// A quorum: how much of which choices must be cast.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quorum {
    /// The threshold.
    pub threshold: QuorumThreshold,
    /// 0-based indices of the choices whose scores count toward it.
    pub counts: Vec<usize>,
    /// Rounding of a fractional threshold.
    pub rounding: QuorumRounding,
}

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

/// When a proposal passes (given its quorum).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PassRule {
    /// For > Against.
    Majority,
    /// For / (For + Against) >= ratio (or > ratio when `strict`); rejected
    /// when For + Against is zero.
    Supermajority {
        /// The required ratio.
        ratio: Share,
        /// Whether the ratio must be exceeded rather than met.
        strict: bool,
    },
    /// Aragon OSx: (1 − st)·For > st·Against (strict), and For >=
    /// ceil(min_approval × supply) when a minimum approval is set. Minimum
    /// participation is the quorum.
    Aragon {
        /// Support threshold st.
        support_threshold: Share,
        /// Minimum approval, as a fraction of the supply.
        min_approval: Option<Share>,
    },
    /// Snapshot's `rejection` quorum type: rejected iff Against > quorum.
    SnapshotRejection,
    /// The choice with the most power wins, if it is the only one with that
    /// score and the score is above zero (multi-choice Snapshot proposals).
    Plurality,
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
pub struct QuorumStatus {
    /// Required power (exact; after rounding).
    pub required: BigRational,
    /// Power counted toward it.
    pub counted: Score,
    /// Whether the quorum is reached (for a rejection quorum: whether the
    /// Against votes exceeded it).
    pub reached: bool,
    /// 0-based indices of the choices counted.
    pub counts: Vec<usize>,
}

/// The result of applying the rules to the scores.
#[derive(Clone, Debug, PartialEq, Eq)]
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

impl DecisionRules {
    /// Majority without quorum: For > Against.
    pub fn majority(roles: Roles) -> DecisionRules {
        DecisionRules {
            quorum: None,
            pass: PassRule::Majority,
            roles: Some(roles),
        }
    }

    /// Plurality without quorum: the choice with the most power wins.
    pub fn plurality() -> DecisionRules {
        DecisionRules {
            quorum: None,
            pass: PassRule::Plurality,
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
        } else if self.pass != PassRule::Plurality {
            return Err(
                "this pass rule needs For and Against choices: use ballot = \"basic\" or set \
                 rules.for_choice and rules.against_choice"
                    .into(),
            );
        }
        if let Some(q) = &self.quorum {
            if q.counts.iter().any(|&i| i >= n) {
                return Err("quorum_counts names a choice that does not exist".into());
            }
        }
        if matches!(self.pass, PassRule::SnapshotRejection) && self.quorum.is_none() {
            return Err("quorum_type = \"rejection\" needs a quorum".into());
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
        let (scores, turnout) = (standing.scores, standing.turnout);
        if scores.len() != choices.len() || turnout.len() != choices.len() {
            return Err(Error::invalid(
                "one score and one turnout per choice are needed",
            ));
        }
        let fmt = |r: &BigRational| {
            Score::from_rational(r.clone()).to_decimal_string(standing.power_decimals)
        };
        let tokens = |r: &BigRational| {
            Score::from_rational(r.clone()).to_decimal_string(standing.token_decimals)
        };
        let name = |i: usize| choices.names()[i].as_str();
        let need_supply = || {
            supply.ok_or_else(|| {
                Error::invalid(
                    "the rules need the total supply: add a [holders] snapshot or set \
                     rules.total_supply",
                )
            })
        };

        let quorum = match &self.quorum {
            None => None,
            Some(q) => {
                let required = match &q.threshold {
                    QuorumThreshold::Absolute(a) => int(a.base_units()),
                    QuorumThreshold::OfSupply(share) => {
                        let exact = share.of(need_supply()?.base_units());
                        match q.rounding {
                            QuorumRounding::Exact => exact,
                            QuorumRounding::Floor => exact.floor(),
                            QuorumRounding::Ceil => exact.ceil(),
                        }
                    }
                };
                let counted = Score::sum(q.counts.iter().map(|&i| &turnout[i]));
                let reached = if self.pass == PassRule::SnapshotRejection {
                    counted.as_rational() > &required
                } else {
                    counted.as_rational() >= &required
                };
                Some(QuorumStatus {
                    required,
                    counted,
                    reached,
                    counts: q.counts.clone(),
                })
            }
        };

        let rejected = |reason: String| Decision {
            quorum: quorum.clone(),
            outcome: Outcome::Rejected,
            reason,
            winner: None,
            early_execution: None,
        };
        let passed = |reason: String, winner: Option<usize>| Decision {
            quorum: quorum.clone(),
            outcome: Outcome::Passed,
            reason,
            winner,
            early_execution: None,
        };

        if self.pass == PassRule::SnapshotRejection {
            let q = quorum.as_ref().expect("validated");
            return Ok(if q.reached {
                rejected(format!(
                    "Against ({}) exceeds the rejection quorum ({})",
                    tokens(q.counted.as_rational()),
                    tokens(&q.required)
                ))
            } else {
                passed(
                    format!(
                        "Against ({}) does not exceed the rejection quorum ({})",
                        tokens(q.counted.as_rational()),
                        tokens(&q.required)
                    ),
                    self.roles.map(|r| r.for_choice),
                )
            });
        }
        if let Some(q) = &quorum {
            if !q.reached {
                return Ok(rejected(format!(
                    "quorum not reached: {} counted, {} required",
                    tokens(q.counted.as_rational()),
                    tokens(&q.required)
                )));
            }
        }

        let Some(roles) = self.roles else {
            return Ok(plurality(choices, scores, &fmt, quorum.clone()));
        };
        let yes = scores[roles.for_choice].as_rational();
        let no = scores[roles.against].as_rational();
        let (f, a) = (name(roles.for_choice), name(roles.against));
        match &self.pass {
            PassRule::Majority | PassRule::Plurality if yes > no => Ok(passed(
                format!("{f} ({}) exceeds {a} ({})", fmt(yes), fmt(no)),
                Some(roles.for_choice),
            )),
            PassRule::Majority | PassRule::Plurality => Ok(rejected(format!(
                "{f} ({}) does not exceed {a} ({})",
                fmt(yes),
                fmt(no)
            ))),
            PassRule::Supermajority { ratio, strict } => {
                let cast = yes + no;
                if cast.is_zero() {
                    return Ok(rejected(format!("no {f} or {a} votes")));
                }
                let support = yes / &cast;
                let ok = if *strict {
                    &support > ratio.as_rational()
                } else {
                    &support >= ratio.as_rational()
                };
                let text = format!(
                    "{f} has {} of {f} + {a} ({} of {}); the rule needs {} {ratio}",
                    Share::from_rational(support),
                    fmt(yes),
                    fmt(&cast),
                    if *strict { "more than" } else { "at least" },
                );
                Ok(if ok {
                    passed(text, Some(roles.for_choice))
                } else {
                    rejected(text)
                })
            }
            PassRule::Aragon {
                support_threshold,
                min_approval,
            } => {
                let st = support_threshold.as_rational();
                let one_minus = BigRational::one() - st;
                let support_ok = &one_minus * yes > st * no;
                let approval_required = match min_approval {
                    Some(ma) => Some(BigRational::from_integer(
                        ma.ceil_of(need_supply()?.base_units()),
                    )),
                    None => None,
                };
                let yes_tokens = turnout[roles.for_choice].as_rational();
                let approval_ok = approval_required.as_ref().is_none_or(|r| yes_tokens >= r);
                // Early execution asks whether the tokens not yet cast could
                // still change the support test: token units throughout.
                let early = match supply {
                    Some(n) => {
                        let abstain = roles
                            .abstain
                            .map_or_else(BigRational::zero, |i| turnout[i].as_rational().clone());
                        let not_yet = int(n.base_units()) - yes_tokens - abstain;
                        let participation_ok = quorum.as_ref().is_none_or(|q| q.reached);
                        Some(
                            &one_minus * yes_tokens > st * not_yet
                                && participation_ok
                                && approval_ok,
                        )
                    }
                    None => None,
                };
                let mut d = if !support_ok {
                    rejected(format!(
                        "support {} of {f} + {a} does not exceed the threshold {support_threshold} \
                         ((1 - st) * {f} > st * {a} fails)",
                        fmt(yes)
                    ))
                } else if !approval_ok {
                    rejected(format!(
                        "approval too low: {f} ({}) below the minimum approval ({})",
                        tokens(yes_tokens),
                        tokens(approval_required.as_ref().expect("set"))
                    ))
                } else {
                    passed(
                        format!(
                            "support threshold {support_threshold} met and participation reached"
                        ),
                        Some(roles.for_choice),
                    )
                };
                d.early_execution = early;
                Ok(d)
            }
            PassRule::SnapshotRejection => unreachable!("handled above"),
        }
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

fn int(n: u128) -> BigRational {
    BigRational::from_integer(BigInt::from(n))
}

fn plurality(
    choices: &Choices,
    scores: &[Score],
    fmt: &dyn Fn(&BigRational) -> String,
    quorum: Option<QuorumStatus>,
) -> Decision {
    let max = scores.iter().max().cloned().unwrap_or_default();
    let top: Vec<usize> = (0..scores.len()).filter(|&i| scores[i] == max).collect();
    let decision = |outcome, reason, winner| Decision {
        quorum: quorum.clone(),
        outcome,
        reason,
        winner,
        early_execution: None,
    };
    if max.is_zero() {
        return decision(
            Outcome::Rejected,
            "no choice received any power".into(),
            None,
        );
    }
    if let [winner] = top[..] {
        decision(
            Outcome::Passed,
            format!(
                "{:?} has the most power ({})",
                choices.names()[winner],
                fmt(max.as_rational())
            ),
            Some(winner),
        )
    } else {
        let names: Vec<_> = top.iter().map(|&i| choices.names()[i].as_str()).collect();
        decision(
            Outcome::Rejected,
            format!(
                "tie at the top between {} ({} each)",
                names.join(", "),
                fmt(max.as_rational())
            ),
            None,
        )
    }
}

#[cfg(test)]
mod tests {
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
            pass: PassRule::Majority,
            roles: Some(Roles::BASIC),
        }
    }

    fn decide(rules: &DecisionRules, s: &[u128], supply: u128) -> Decision {
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
            pass: PassRule::Aragon {
                support_threshold: share("50%"),
                min_approval: Some(share("21%")),
            },
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
            pass: PassRule::Plurality,
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
            pass: PassRule::Supermajority {
                ratio: share("2/3"),
                strict,
            },
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
            pass: PassRule::Majority,
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
        let default = q(vec![0, 1, 2], PassRule::Majority);
        assert_eq!(decide(&default, &[4, 3, 3], 0).outcome, Outcome::Passed);
        assert_eq!(decide(&default, &[4, 3, 2], 0).outcome, Outcome::Rejected);
        let rejection = q(vec![1], PassRule::SnapshotRejection);
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
