//! Every mechanism side by side on one proposal snapshot.
//!
//! The votes and holders are read once; each [`Variant`] swaps the
//! mechanism (and its cap) and re-evaluates the same votes under the same
//! rules. Each row reports the scores, quorum, outcome, the winning margin,
//! the smallest number of voters whose switch would flip the outcome, and
//! the concentration (Nakamoto > 1/2, Gini) of the voting power counted.
//!
//! Architecture invariant: rows differ only in the mechanism; ballot type,
//! rules, votes and holders are the proposal's own.

use std::sync::Arc;

use serde::Serialize;

use crate::amount::Amount;
use crate::control::{Distribution, ProposalControl, Threshold};
use crate::delegation::{DelegationStage, Policy};
use crate::error::{Error, Result};
use crate::io::OfficialStatus;
use crate::mechanism::{Cap, MechanismSpec};
use crate::proposal::{Prepared, Proposal};
use crate::quantity::{Proportion, Quantity};
use crate::registry::Registry;
use crate::report::ChoiceResult;
use crate::rules::DecisionRules;
use crate::rules::Outcome;
use crate::scenario::Scenario;

/// One mechanism to compare, with the label used in reports.
#[derive(Clone, Debug, PartialEq)]
pub struct Variant {
    /// How it is written on the command line (`capped:5%`).
    pub label: String,
    /// The mechanism, with its cap.
    pub mechanism: MechanismSpec,
    /// The delegation stage in front of it.
    pub delegation: VariantDelegation,
    /// Other decision rules than the proposal's, if any.
    pub rules: Option<RulesVariant>,
}

/// A variant's own decision rules: the proposal with another `[rules]`
/// (`compare --rules 'LABEL = {pass = "aave-v2", ...}'`).
#[derive(Clone, Debug)]
pub struct RulesVariant {
    /// The name given to these rules.
    pub label: String,
    proposal: Box<Proposal>,
}

impl PartialEq for RulesVariant {
    fn eq(&self, other: &Self) -> bool {
        self.label == other.label
    }
}

impl RulesVariant {
    /// Rules written as a `[rules]` table (keys replace the proposal's
    /// own, e.g. `{pass = "aave-v2", vote_differential = "0.5%"}`).
    pub fn new(
        label: &str,
        table: &crate::options::OptionTable,
        proposal: &Proposal,
        registry: &Registry,
    ) -> Result<RulesVariant> {
        Ok(RulesVariant {
            label: label.to_string(),
            proposal: Box::new(proposal.with_rules(label, table, registry)?),
        })
    }

    /// Parses `LABEL = {key = value, ...}` (TOML).
    pub fn parse(text: &str, proposal: &Proposal, registry: &Registry) -> Result<RulesVariant> {
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            Error::invalid(format!(
                "--rules {text:?}: expected LABEL = {{pass = \"...\", ...}}: {}",
                e.message()
            ))
        })?;
        let mut entries = table.into_iter();
        match (entries.next(), entries.next()) {
            (Some((label, toml::Value::Table(t))), None) => {
                RulesVariant::new(&label, &t, proposal, registry)
            }
            _ => Err(Error::invalid(format!(
                "--rules {text:?}: expected one LABEL = {{...}} table"
            ))),
        }
    }
}

/// Which delegation a variant runs behind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VariantDelegation {
    /// The proposal's own `[delegation]`, if it has one.
    AsProposal,
    /// None: every voter with its own balance.
    Without,
    /// The proposal's delegations under another policy.
    Policy(Policy),
}

/// The default set: token-weighted, quadratic, capped at 5% and 1%.
const DEFAULTS: [&str; 4] = ["token-weighted", "quadratic", "capped:5%", "capped:1%"];

impl Variant {
    /// Parses a label of the registry (`token-weighted`, `quadratic`,
    /// `quadratic-tokens`, `conviction`, ...), `capped:X` (token-weighted
    /// with a cap X, e.g. `5%`) or `LABEL-capped:X` (that mechanism with a
    /// cap, e.g. `quadratic-capped:1%`).
    pub fn parse(text: &str, decimals: u8, registry: &Registry) -> Result<Variant> {
        let text = text.trim();
        let (name, cap) = match text.split_once(':') {
            Some((n, c)) => (n, Some(c)),
            None => (text, None),
        };
        let base = match name {
            "capped" => Some("token-weighted"),
            _ => name.strip_suffix("-capped"),
        };
        let mut mechanism = registry
            .mechanisms
            .build_label(base.unwrap_or(name), decimals)?;
        match (base, cap) {
            (Some(_), Some(c)) => {
                mechanism.cap = Some(
                    Cap::parse(c, mechanism.power_decimals(decimals))
                        .map_err(|e| Error::invalid(format!("cap: {e}")))?,
                );
            }
            (Some(_), None) => {
                return Err(Error::invalid(format!(
                    "{name} needs a cap: {name}:5% or {name}:50000"
                )))
            }
            (None, Some(_)) => {
                return Err(Error::invalid(format!(
                    "{name} takes no argument (did you mean capped:...?)"
                )))
            }
            (None, None) => {}
        }
        Ok(Variant {
            label: text.to_string(),
            mechanism,
            delegation: VariantDelegation::AsProposal,
            rules: None,
        })
    }

    /// The default set: token-weighted, quadratic, capped at 5% and 1%.
    pub fn defaults(decimals: u8) -> Vec<Variant> {
        let registry = Registry::builtin();
        DEFAULTS
            .iter()
            .map(|t| Variant::parse(t, decimals, &registry).expect("built-in variants parse"))
            .collect()
    }

    /// The variants for a proposal: `list` (or the defaults), each behind
    /// the proposal's delegation as written in its `[delegation]`. Two more
    /// names apply there: `delegated:POLICY` (the proposal's delegations
    /// under another policy, token-weighted) and `no-delegation`
    /// (token-weighted, every voter with its own balance); a proposal with
    /// delegation compares `no-delegation` by default too.
    pub fn for_proposal(
        list: Option<&[String]>,
        proposal: &Proposal,
        registry: &Registry,
    ) -> Result<Vec<Variant>> {
        let decimals = proposal.decimals;
        let delegated = proposal.delegation.is_some();
        let mut names: Vec<String> = match list {
            Some(l) => l.to_vec(),
            None => DEFAULTS.iter().map(|s| s.to_string()).collect(),
        };
        if list.is_none() && delegated {
            names.push("no-delegation".into());
        }
        let listed = names
            .iter()
            .map(|name| {
                let name = name.trim();
                let token_weighted = || registry.mechanisms.build_label("token-weighted", decimals);
                if name == "no-delegation" {
                    return Ok(Variant {
                        label: name.to_string(),
                        mechanism: token_weighted()?,
                        delegation: VariantDelegation::Without,
                        rules: None,
                    });
                }
                if let Some(policy) = name.strip_prefix("delegated:") {
                    if !delegated {
                        return Err(Error::invalid(format!(
                            "{name} needs a [delegation] section in the proposal"
                        )));
                    }
                    let policy = policy
                        .parse()
                        .map_err(|e: crate::delegation::PolicyError| {
                            Error::invalid(e.to_string())
                        })?;
                    return Ok(Variant {
                        label: name.to_string(),
                        mechanism: token_weighted()?,
                        delegation: VariantDelegation::Policy(policy),
                        rules: None,
                    });
                }
                Variant::parse(name, decimals, registry)
            })
            .collect::<Result<Vec<_>>>()?;
        // The proposal's own mechanism is always the first row; a listed
        // variant that is the same mechanism is not repeated.
        let own = Variant::own(proposal);
        let mut variants = vec![own];
        for v in listed {
            if v.mechanism != variants[0].mechanism || v.delegation != variants[0].delegation {
                variants.push(v);
            }
        }
        Ok(variants)
    }

    /// [`Variant::for_proposal`] followed by one `rules:LABEL` variant per
    /// rule table (`LABEL = {...}`, see [`RulesVariant::parse`]).
    pub fn with_rule_variants(
        list: Option<&[String]>,
        rules: &[String],
        proposal: &Proposal,
        registry: &Registry,
    ) -> Result<Vec<Variant>> {
        let mut variants = Variant::for_proposal(list, proposal, registry)?;
        for text in rules {
            let r = RulesVariant::parse(text, proposal, registry)?;
            variants.push(Variant::with_rules(proposal, r));
        }
        Ok(variants)
    }

    /// The proposal's own mechanism (with its cap and delegation), labelled
    /// by its kind, or `proposal (KIND)` when it has options or a cap.
    pub fn own(proposal: &Proposal) -> Variant {
        let m = &proposal.mechanism;
        let label = if m.options.is_empty() && m.cap.is_none() {
            m.kind.to_string()
        } else {
            format!("proposal ({})", m.kind)
        };
        Variant {
            label,
            mechanism: m.clone(),
            delegation: VariantDelegation::AsProposal,
            rules: None,
        }
    }

    /// The proposal's own mechanism under other rules, labelled
    /// `rules:LABEL`.
    pub fn with_rules(proposal: &Proposal, rules: RulesVariant) -> Variant {
        Variant {
            label: format!("rules:{}", rules.label),
            rules: Some(rules),
            ..Variant::own(proposal)
        }
    }

    /// The delegation stage this variant runs behind, given the
    /// proposal's.
    fn stage(&self, proposal: Option<&DelegationStage>) -> Option<DelegationStage> {
        match &self.delegation {
            VariantDelegation::AsProposal => proposal.cloned(),
            VariantDelegation::Without => None,
            VariantDelegation::Policy(policy) => proposal.map(|d| DelegationStage {
                policy: policy.clone(),
                resolved: None,
                ..d.clone()
            }),
        }
    }
}

/// One mechanism's result.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Row {
    /// The variant's label.
    pub label: String,
    /// The mechanism's full name.
    pub mechanism: String,
    /// Decimals of the power unit.
    pub power_decimals: u8,
    /// Each choice's power and share.
    pub choices: Vec<ChoiceResult>,
    /// Whether the quorum was reached.
    pub quorum_reached: bool,
    /// The quorum in full (required and counted tokens), for reports;
    /// the JSON keeps `quorum_reached` only.
    #[serde(skip)]
    pub quorum: crate::report::QuorumReport,
    /// Passed or rejected.
    pub outcome: Outcome,
    /// The winning choice, if any.
    pub winner: Option<String>,
    /// For − Against (For/Against proposals), exact, in power units.
    pub margin: Option<Quantity>,
    /// The smallest number of voters whose switch would flip the outcome.
    pub deciders: Option<usize>,
    /// The smallest number of voters holding more than half the power cast.
    pub majority_voters: Option<usize>,
    /// Nakamoto coefficient (> 1/2) of the power counted.
    pub nakamoto: Option<usize>,
    /// Gini coefficient of the power counted, exact (written rounded to 6
    /// decimals).
    pub gini: Option<Proportion>,
    /// Whether the outcome differs from the first row's.
    pub differs_from_first: bool,
    /// Caveats of the mechanism.
    pub notes: Vec<String>,
    /// Lorenz curve of the power counted (share of voters, share of
    /// power), for charts only.
    #[serde(skip)]
    pub lorenz: Vec<(f64, f64)>,
}

/// All rows for one proposal.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Comparison {
    /// Proposal id.
    pub id: String,
    /// Title.
    pub title: Option<String>,
    /// Ballot type.
    pub ballot: String,
    /// The official outcome, when the vote file records one.
    pub official_outcome: Option<OfficialStatus>,
    /// One row per mechanism, in the order asked.
    pub rows: Vec<Row>,
    /// Plain sentences for every outcome flip between mechanisms.
    pub flips: Vec<String>,
    /// What-if scenarios, if any were asked for.
    pub scenarios: Vec<ScenarioResult>,
}

/// One scenario's effect on each mechanism.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScenarioResult {
    /// The scenario as written.
    pub scenario: String,
    /// One entry per mechanism, in the comparison's order.
    pub mechanisms: Vec<ScenarioOutcome>,
}

/// A mechanism's outcome under a scenario.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScenarioOutcome {
    /// The variant's label.
    pub label: String,
    /// Passed or rejected under the scenario.
    pub outcome: Outcome,
    /// The winning choice, if any.
    pub winner: Option<String>,
    /// Whether this differs from the same mechanism without the scenario.
    pub changed: bool,
}

/// Compares the variants on a proposal (files read once).
pub fn compare(proposal: &Proposal, variants: &[Variant]) -> Result<Comparison> {
    let mut prepared = proposal
        .reading_attributes_of(variants.iter().map(|v| &v.mechanism))
        .prepare()?;
    compare_prepared(&mut prepared, variants)
}

/// Compares the variants on an already prepared proposal (its mechanism
/// and delegation are restored afterwards).
pub fn compare_prepared(prepared: &mut Prepared, variants: &[Variant]) -> Result<Comparison> {
    let own = (
        prepared.mechanism.clone(),
        prepared.delegation.clone(),
        prepared.rules.clone(),
        prepared.total_supply,
    );
    let result = compare_variants(prepared, variants, own.1.as_ref(), (&own.2, own.3));
    (
        prepared.mechanism,
        prepared.delegation,
        prepared.rules,
        prepared.total_supply,
    ) = own;
    result
}

/// `stage` with its resolved token weights taken from `resolved` (or
/// resolved now and kept there). A stage that cannot be resolved is
/// returned as it is: the evaluation reports the error as before.
fn with_shared_resolution(
    prepared: &Prepared,
    stage: DelegationStage,
    resolved: &mut Vec<(DelegationStage, Arc<[Amount]>)>,
) -> DelegationStage {
    if let Some((_, weights)) = resolved.iter().find(|(s, _)| s.resolves_as(&stage)) {
        return stage.with_resolved(weights.clone());
    }
    let votes = &prepared.votes;
    let weights = stage
        .holders(&votes.source, &votes.votes, prepared.holders.as_ref())
        .and_then(|h| stage.token_weights(&votes.votes, h));
    match weights {
        Ok(weights) => {
            let weights: Arc<[Amount]> = weights.into();
            resolved.push((stage.clone(), weights.clone()));
            stage.with_resolved(weights)
        }
        Err(_) => stage,
    }
}

fn compare_variants(
    prepared: &mut Prepared,
    variants: &[Variant],
    delegation: Option<&DelegationStage>,
    (rules, supply): (&DecisionRules, Option<Amount>),
) -> Result<Comparison> {
    if variants.is_empty() {
        return Err(Error::invalid("no mechanisms to compare"));
    }
    let mut rows: Vec<Row> = Vec::with_capacity(variants.len());
    // Each distinct delegation (graph and policy) is resolved once for
    // all the mechanisms behind it: the votes and holders are the same.
    let mut resolved: Vec<(DelegationStage, Arc<[Amount]>)> = Vec::new();
    for variant in variants {
        prepared.mechanism = variant.mechanism.clone();
        let stage = variant
            .stage(delegation)
            .map(|stage| with_shared_resolution(prepared, stage, &mut resolved));
        prepared.delegation = stage;
        (prepared.rules, prepared.total_supply) = match &variant.rules {
            None => (rules.clone(), supply),
            Some(r) => (
                r.proposal.decision_rules(&prepared.choices)?,
                r.proposal.total_supply.or(supply),
            ),
        };
        let control = ProposalControl::analyze(prepared)?;
        let report = &control.report;
        let counted: Vec<u128> = control.voters.iter().map(|(_, p)| *p).collect();
        let distribution = Distribution::new(counted)?;
        let pd = report.power_decimals;
        let differs = rows.first().is_some_and(|first| {
            (first.outcome, &first.winner) != (report.outcome, &report.winner)
        });
        rows.push(Row {
            label: variant.label.clone(),
            mechanism: report.mechanism.clone(),
            power_decimals: pd,
            choices: report.choices.clone(),
            quorum_reached: report.quorum.reached,
            quorum: report.quorum.clone(),
            outcome: report.outcome,
            winner: report.winner.clone(),
            margin: control
                .margin
                .as_ref()
                .map(|m| Quantity::from_rational(m.clone(), pd)),
            deciders: control.min_flip.as_ref().map(|s| s.members.len()),
            majority_voters: control.min_majority.as_ref().map(|s| s.members.len()),
            nakamoto: distribution.nakamoto(&Threshold::majority()),
            gini: distribution.gini().map(Proportion::new),
            differs_from_first: differs,
            notes: report.notes.clone(),
            lorenz: lorenz_points(&distribution),
        });
    }
    let mut flips = Vec::new();
    let first = &rows[0];
    for row in &rows[1..] {
        if row.differs_from_first {
            flips.push(format!(
                "{} {} where {} {}",
                row.label,
                describe(row.outcome, row.winner.as_deref()),
                first.label,
                describe(first.outcome, first.winner.as_deref()),
            ));
        }
    }
    Ok(Comparison {
        id: prepared.id.clone(),
        title: prepared.title.clone(),
        ballot: prepared.ballot.name().to_string(),
        official_outcome: prepared.official,
        rows,
        flips,
        scenarios: Vec::new(),
    })
}

/// Compares the variants, then runs each scenario and records which
/// mechanisms change their outcome under it. `seed` makes random scenarios
/// (turnout) repeatable.
pub fn compare_with_scenarios(
    prepared: &mut Prepared,
    variants: &[Variant],
    scenarios: &[Scenario],
    seed: u64,
) -> Result<Comparison> {
    let mut comparison = compare_prepared(prepared, variants)?;
    for scenario in scenarios {
        let applied = scenario.apply(prepared, seed)?;
        let capped: Vec<Variant> = variants
            .iter()
            .map(|v| {
                let mut v = v.clone();
                if applied.cap.is_some() {
                    v.mechanism.cap.clone_from(&applied.cap);
                }
                v
            })
            .collect();
        let original = std::mem::replace(&mut prepared.votes, applied.votes);
        let result = compare_prepared(prepared, &capped);
        prepared.votes = original;
        let under = result?;
        comparison.scenarios.push(ScenarioResult {
            scenario: scenario.label.clone(),
            mechanisms: under
                .rows
                .iter()
                .zip(&comparison.rows)
                .map(|(after, before)| ScenarioOutcome {
                    label: before.label.clone(),
                    outcome: after.outcome,
                    winner: after.winner.clone(),
                    changed: (after.outcome, &after.winner) != (before.outcome, &before.winner),
                })
                .collect(),
        });
    }
    Ok(comparison)
}

/// Up to 200 points of a distribution's Lorenz curve as floats (charts).
pub fn lorenz_points(d: &Distribution) -> Vec<(f64, f64)> {
    let n = d.len().max(1) as f64;
    let total = d.total().max(1) as f64;
    d.lorenz(200)
        .into_iter()
        .map(|p| (p.holders as f64 / n, p.power as f64 / total))
        .collect()
}

/// `passes (WINNER)` or `rejects`, as flips and tables write an outcome.
pub(crate) fn describe(outcome: Outcome, winner: Option<&str>) -> String {
    match (outcome, winner) {
        (Outcome::Passed, Some(w)) => format!("passes ({w})"),
        (Outcome::Passed, None) => "passes".into(),
        (Outcome::Rejected, _) => "rejects".into(),
    }
}

impl Comparison {
    /// Pretty JSON with a fixed key order: the same input gives the same
    /// bytes.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a comparison always serialises")
    }
}

pub(crate) fn official_str(s: OfficialStatus) -> &'static str {
    match s {
        OfficialStatus::Passed => "passed",
        OfficialStatus::Defeated => "defeated",
        OfficialStatus::Canceled => "canceled",
    }
}

/// How often each mechanism changes the result, over many proposals.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Proposals compared.
    pub proposals: usize,
    /// Proposals skipped (listed with reasons in the batch).
    pub skipped: usize,
    /// One line per mechanism, in the order compared.
    pub mechanisms: Vec<SummaryLine>,
    /// Per scenario and mechanism, the proposals whose outcome it changes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scenarios: Vec<ScenarioChanges>,
}

/// One mechanism over many proposals.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SummaryLine {
    /// The variant's label.
    pub label: String,
    /// Proposals it passes.
    pub passed: usize,
    /// Proposals with an official outcome (passed or defeated).
    pub with_official: usize,
    /// Of those, how many it decides differently from the official result.
    pub differs_from_official: usize,
    /// Proposals it decides differently from the first mechanism.
    pub differs_from_first: usize,
    /// Those proposals.
    pub changed: Vec<ProposalRef>,
}

/// A proposal named in a summary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProposalRef {
    /// Its id.
    pub id: String,
    /// Its title, when the source has one.
    pub title: Option<String>,
}

/// The proposals whose outcome one scenario changes under one mechanism.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScenarioChanges {
    /// The scenario as written.
    pub scenario: String,
    /// The variant's label.
    pub label: String,
    /// The proposals it changes.
    pub changed: Vec<ProposalRef>,
}

impl Comparison {
    /// Its id and title, for summaries.
    pub fn reference(&self) -> ProposalRef {
        ProposalRef {
            id: self.id.clone(),
            title: self.title.clone(),
        }
    }
}

impl Summary {
    /// Summarises comparisons made with the same variants.
    pub fn of(comparisons: &[Comparison], skipped: usize) -> Summary {
        let labels: Vec<String> = comparisons
            .first()
            .map(|c| c.rows.iter().map(|r| r.label.clone()).collect())
            .unwrap_or_default();
        let mechanisms = labels
            .iter()
            .enumerate()
            .map(|(i, label)| {
                let mut line = SummaryLine {
                    label: label.clone(),
                    passed: 0,
                    with_official: 0,
                    differs_from_official: 0,
                    differs_from_first: 0,
                    changed: Vec::new(),
                };
                for c in comparisons {
                    let row = &c.rows[i];
                    line.passed += usize::from(row.outcome == Outcome::Passed);
                    line.differs_from_first += usize::from(row.differs_from_first);
                    if row.differs_from_first {
                        line.changed.push(c.reference());
                    }
                    let official = match c.official_outcome {
                        Some(OfficialStatus::Passed) => Some(Outcome::Passed),
                        Some(OfficialStatus::Defeated) => Some(Outcome::Rejected),
                        _ => None,
                    };
                    if let Some(o) = official {
                        line.with_official += 1;
                        line.differs_from_official += usize::from(o != row.outcome);
                    }
                }
                line
            })
            .collect();
        let mut scenarios: Vec<ScenarioChanges> = Vec::new();
        for c in comparisons {
            for s in &c.scenarios {
                for m in s.mechanisms.iter().filter(|m| m.changed) {
                    let at = scenarios
                        .iter()
                        .position(|x| x.scenario == s.scenario && x.label == m.label)
                        .unwrap_or_else(|| {
                            scenarios.push(ScenarioChanges {
                                scenario: s.scenario.clone(),
                                label: m.label.clone(),
                                changed: Vec::new(),
                            });
                            scenarios.len() - 1
                        });
                    scenarios[at].changed.push(c.reference());
                }
            }
        }
        Summary {
            proposals: comparisons.len(),
            skipped,
            mechanisms,
            scenarios,
        }
    }
}
