//! Proposal files (TOML): what to evaluate, from which files, under which
//! rules. The schema is documented in the README; unknown keys are errors.
//!
//! Architecture invariant: loading validates everything that can be checked
//! without the data files, and every error names the proposal file and the
//! line of the offending key. Paths are relative to the proposal file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use std::sync::Arc;

use crate::amount::{Amount, AmountUnit};
use crate::ballot::{BallotKind, BallotType};
use crate::choices::Choices;
use crate::delegation::{DelegationStage, Order, Policy};
use crate::error::{Error, Location, Result};
use crate::evaluate::Evaluation;
use crate::io::delegations::{self, DelegationColumns, DelegationFormat, DelegationSource};
pub use crate::io::metadata::BatchSpec;
pub use crate::io::LoadedVotes;
use crate::io::{
    csv_votes, source, Holders, HoldersSource, OfficialStatus, VoteColumns, VoteFormat,
    VoteRequest, VoteSource,
};
use crate::mechanism::{BuildContext, Cap, MechanismSpec};
use crate::registry::Registry;
use crate::report::Report;
use crate::rules::{
    DecisionRules, PassRule, Quorum, QuorumRole, QuorumRounding, QuorumThreshold, Roles, VoteWindow,
};
use crate::share::{Share, ShareOrAmount};
use crate::toml_util::{self, key_lines, line_at, NumberText};
use crate::vote::VoteSet;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProposalFile {
    id: String,
    title: Option<String>,
    #[serde(default = "default_ballot")]
    ballot: BallotKind,
    choices: Option<Spanned<Vec<String>>>,
    decimals: Option<Spanned<u8>>,
    votes: VotesSection,
    holders: Option<HoldersSection>,
    #[serde(default)]
    rules: RulesSection,
    #[serde(default)]
    mechanism: MechanismSection,
    delegation: Option<DelegationSection>,
    batch: Option<BatchSection>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DelegationSection {
    path: PathBuf,
    format: Option<Spanned<String>>,
    #[serde(default = "default_policy")]
    policy: Spanned<String>,
    #[serde(rename = "override")]
    override_votes: Option<bool>,
    #[serde(default)]
    order: Order,
    scope: Option<String>,
    #[serde(default)]
    columns: DelegationColumns,
}

fn default_policy() -> Spanned<String> {
    Spanned::new(0..0, "one-hop".to_string())
}

/// Delegation as configured in `[delegation]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DelegationSpec {
    /// Where the delegations are.
    pub source: DelegationSource,
    /// Their semantics.
    pub policy: Policy,
    /// Whether the mechanism applies before or after delegation.
    pub order: Order,
}

impl DelegationSpec {
    /// Reads the delegations: the pipeline stage.
    pub fn stage(&self) -> Result<DelegationStage> {
        Ok(DelegationStage {
            delegations: Arc::new(delegations::read(&self.source)?),
            policy: self.policy.clone(),
            order: self.order,
            resolved: None,
        })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BatchSection {
    metadata: Option<PathBuf>,
    /// A fact of each proposal (e.g. a governor log's `executor`) that
    /// picks its rules from `rules`.
    rules_by: Option<String>,
    /// Rule sets by fact value: `[batch.rules."VALUE"]` tables whose keys
    /// replace the `[rules]` keys of the same name.
    #[serde(default)]
    rules: BTreeMap<String, toml::Table>,
    id_column: Option<String>,
    quorum_column: Option<String>,
    status_column: Option<String>,
    title_column: Option<String>,
    scores_column: Option<String>,
    scores_total_column: Option<String>,
    votes_column: Option<String>,
    #[serde(default)]
    include_canceled: bool,
    #[serde(default)]
    passed: Vec<String>,
    #[serde(default)]
    defeated: Vec<String>,
}

fn default_ballot() -> BallotKind {
    BallotKind::Basic
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VotesSection {
    path: PathBuf,
    /// Detected from the file when absent.
    format: Option<VoteFormat>,
    proposal_id: Option<String>,
    unit: Option<AmountUnit>,
    #[serde(default)]
    columns: VoteColumns,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HoldersSection {
    path: PathBuf,
    format: Option<HoldersFormat>,
    address_column: Option<String>,
    balance_column: Option<String>,
    unit: Option<AmountUnit>,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
enum HoldersFormat {
    Csv,
    Json,
}

/// `[rules]`: the quorum, the choice roles and `pass`; every other key is
/// an option of the passing rule (checked by the rule's plugin).
#[derive(Deserialize, Default)]
struct RulesSection {
    quorum: Option<Spanned<NumberText>>,
    quorum_counts: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    quorum_rounding: QuorumRounding,
    quorum_type: Option<QuorumType>,
    /// Snapshot's `hideAbstain`: the abstain choice does not count toward
    /// the quorum.
    hide_abstain: Option<bool>,
    min_participation: Option<Share>,
    pass: Option<String>,
    for_choice: Option<Spanned<String>>,
    against_choice: Option<Spanned<String>>,
    abstain_choice: Option<Spanned<String>>,
    total_supply: Option<Spanned<NumberText>>,
    /// The deadline (inclusive), a block or unix time: later votes do not
    /// count (and are reported as too late). The window rules use it;
    /// governor logs give it (`endBlock`) when this is not set.
    vote_end: Option<u64>,
}

/// The `[rules]` keys that are not a passing rule's options.
const CORE_RULE_KEYS: &[&str] = &[
    "quorum",
    "quorum_counts",
    "quorum_rounding",
    "quorum_type",
    "hide_abstain",
    "min_participation",
    "pass",
    "for_choice",
    "against_choice",
    "abstain_choice",
    "total_supply",
    "vote_end",
];

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
enum QuorumType {
    Default,
    Rejection,
}

/// `[mechanism]`: `kind` picks a mechanism from the registry, `cap` is a
/// stage after any mechanism, every other key is the mechanism's own
/// option (checked by its plugin).
#[derive(Deserialize, Default)]
struct MechanismSection {
    kind: Option<String>,
    cap: Option<NumberText>,
    #[serde(flatten)]
    options: toml::Table,
}

/// The mission's name for delegation over token weights: token-weighted
/// voting with a `[delegation]` section.
const DELEGATED: &str = "delegated";

/// Where the votes are and how to read them.
#[derive(Clone, Debug)]
pub struct VotesSpec {
    /// The vote file (resolved against the proposal file's folder).
    pub path: PathBuf,
    /// Its format.
    pub format: VoteFormat,
    /// The proposal to select in a multi-proposal file.
    pub proposal_id: Option<String>,
    /// How weights are written (CSV; default tokens).
    pub unit: AmountUnit,
    /// CSV column names.
    pub columns: VoteColumns,
}

/// A choice named in the rules, with its line for error messages.
#[derive(Clone, Debug)]
struct NamedChoice {
    name: String,
    line: u64,
    key: &'static str,
}

/// Rules as written, resolved against the choices once those are known
/// (a snapshot.js fixture carries its own choices).
#[derive(Clone, Debug)]
struct RulesSpec {
    quorum: Option<QuorumThreshold>,
    quorum_counts: Option<Vec<NamedChoice>>,
    rounding: QuorumRounding,
    pass: PassRule,
    hide_abstain: bool,
    for_choice: Option<NamedChoice>,
    against_choice: Option<NamedChoice>,
    abstain_choice: Option<NamedChoice>,
    /// The deadline, when the file sets one.
    vote_end: Option<u64>,
    /// Rules on the voting window (super-quorum, late quorum).
    window: Vec<std::sync::Arc<dyn crate::rules::WindowRule>>,
}

/// A loaded, validated proposal file.
#[derive(Clone, Debug)]
pub struct Proposal {
    /// The proposal file.
    pub path: PathBuf,
    /// Proposal id.
    pub id: String,
    /// Title.
    pub title: Option<String>,
    /// Ballot type.
    pub ballot: BallotKind,
    /// Choices, if the file lists them (else the ballot's or the vote
    /// file's).
    pub choices: Option<Choices>,
    /// The token's decimals.
    pub decimals: u8,
    /// The votes.
    pub votes: VotesSpec,
    /// The holder snapshot, if any.
    pub holders: Option<HoldersSource>,
    /// Explicit total supply, if set.
    pub total_supply: Option<Amount>,
    /// The mechanism (built), with its cap.
    pub mechanism: MechanismSpec,
    /// Delegation ahead of the mechanism, if any.
    pub delegation: Option<DelegationSpec>,
    /// The per-vote attributes the mechanism reads.
    pub attributes: Vec<&'static str>,
    /// Settings for running every proposal of the vote file.
    pub batch: Option<BatchSpec>,
    rules: RulesSpec,
    /// `[rules]` as written, for rule variants.
    raw_rules: crate::options::OptionTable,
    rule_sets: Option<RuleSets>,
    key_lines: BTreeMap<String, u64>,
}

/// Per-proposal rules for batches: the rule set named by one fact of each
/// proposal (`[batch] rules_by`, `[batch.rules."VALUE"]`).
#[derive(Clone, Debug)]
struct RuleSets {
    by: String,
    /// By lower-cased fact value (addresses compare case-insensitively).
    sets: BTreeMap<String, (RulesSpec, Option<Amount>)>,
}

/// Where `key` is in the proposal file (its line if the file sets it).
fn located(path: &Path, key_lines: &BTreeMap<String, u64>, key: &str) -> Location {
    let mut location = Location::file(path).with_field(key);
    location.line = key_lines.get(key).copied();
    location
}

impl Proposal {
    /// Reads and validates a proposal file; its mechanism is one of
    /// govkit's own.
    pub fn load(path: impl AsRef<Path>) -> Result<Proposal> {
        Proposal::load_with(path, &Registry::builtin())
    }

    /// Reads and validates a proposal file whose mechanism may be any in
    /// `registry` (e.g. one an embedding program registered).
    pub fn load_with(path: impl AsRef<Path>, registry: &Registry) -> Result<Proposal> {
        crate::io::toml_file::load(path.as_ref(), |path, text| {
            Proposal::from_toml_with(path, text, registry)
        })
    }

    /// Validates a proposal given as text; `path` names it and anchors
    /// relative paths.
    pub fn from_toml(path: &Path, text: &str) -> Result<Proposal> {
        Proposal::from_toml_with(path, text, &Registry::builtin())
    }

    /// [`Proposal::from_toml`] with the mechanisms of `registry`.
    pub fn from_toml_with(path: &Path, text: &str, registry: &Registry) -> Result<Proposal> {
        let file: ProposalFile = toml_util::parse(path, text)
            .map_err(|e| toml_util::other_kind(path, text, "govkit evaluate", e))?;
        let at = |span: std::ops::Range<usize>, key: &str| {
            toml_util::at(path, text, &Spanned::new(span, ()), key)
        };
        let key_lines = key_lines(text);
        let key_at = |key: &str| located(path, &key_lines, key);
        let base = path.parent().unwrap_or(Path::new(""));
        let decimals = toml_util::decimals(path, text, file.decimals.as_ref(), 18)?;
        let choices = match &file.choices {
            None => None,
            Some(c) => Some(Choices::new(c.get_ref().clone()).ok_or_else(|| {
                Error::input(
                    at(c.span(), "choices"),
                    format!(
                        "choices must be non-empty, distinct and at most {}",
                        crate::choices::MAX_CHOICES
                    ),
                )
            })?),
        };
        if file.ballot.has_basic_choices() {
            if let (Some(c), Some(spanned)) = (&choices, &file.choices) {
                if c.len() != 3 {
                    return Err(Error::input(
                        at(spanned.span(), "choices"),
                        "a basic ballot has exactly three choices: For, Against, Abstain (in that order)",
                    ));
                }
            }
        }
        let vote_format = match file.votes.format {
            Some(f) => f,
            None => VoteFormat::detect(&base.join(&file.votes.path))
                .map_err(|e| e.named_by(|| key_at("votes.path")))?,
        };
        if vote_format == VoteFormat::GovernorEvents && file.ballot != BallotKind::Basic {
            return Err(Error::input(
                key_at("ballot"),
                "governor event logs carry For/Against/Abstain votes: use ballot = \"basic\"",
            ));
        }

        let m = file.mechanism;
        let kind = m.kind.as_deref().unwrap_or("token-weighted");
        if kind == DELEGATED && file.delegation.is_none() {
            return Err(Error::input(
                key_at("mechanism.kind"),
                "kind = \"delegated\" is token-weighted voting over delegations: add a \
                 [delegation] section",
            ));
        }
        let kind = if kind == DELEGATED {
            "token-weighted"
        } else {
            kind
        };
        let ctx = BuildContext::for_file(decimals, path, &key_lines);
        let mut mechanism = registry.mechanisms.build(kind, &m.options, &ctx)?;
        let attributes = mechanism.attributes.to_vec();
        // Caps are in the mechanism's power units (quorums are in tokens).
        if let Some(cap) = &m.cap {
            mechanism.cap = Some(
                Cap::parse(cap.as_str(), mechanism.power_decimals(decimals))
                    .map_err(|e| Error::input(key_at("mechanism.cap"), e))?,
            );
        }
        let known_attributes = registry.mechanisms.attributes();
        if let Some(column) = file
            .votes
            .columns
            .attributes
            .keys()
            .find(|k| !known_attributes.contains(&k.as_str()))
        {
            return Err(Error::input(
                key_at(&format!("votes.columns.{column}")),
                format!(
                    "unknown column setting (known: voter, choice, weight, proposal, created, and \
                     the mechanisms' vote attributes: {})",
                    known_attributes.join(", ")
                ),
            ));
        }
        let delegation =
            match file.delegation {
                None => None,
                Some(d) => {
                    let mut policy: Policy = d.policy.get_ref().parse().map_err(
                        |e: crate::delegation::PolicyError| {
                            Error::input(key_at("delegation.policy"), e.to_string())
                        },
                    )?;
                    if let Some(o) = d.override_votes {
                        policy.override_votes = o;
                    }
                    let format = match &d.format {
                        None => None,
                        Some(f) => Some(f.get_ref().parse::<DelegationFormat>().map_err(|e| {
                            Error::input(at(f.span(), "delegation.format"), e.to_string())
                        })?),
                    };
                    if file.holders.is_none() {
                        return Err(Error::input(
                            key_at("delegation.path"),
                            "delegation moves the holders' balances: add a [holders] snapshot",
                        ));
                    }
                    Some(DelegationSpec {
                        source: DelegationSource {
                            path: base.join(d.path),
                            format,
                            columns: d.columns,
                            scope: d.scope,
                            until: None,
                        },
                        policy,
                        order: d.order,
                    })
                }
            };
        let raw_rules: crate::options::OptionTable = toml::from_str::<toml::Table>(text)
            .ok()
            .and_then(|t| t.get("rules").and_then(toml::Value::as_table).cloned())
            .unwrap_or_default();
        let rules_src = RulesSource {
            path,
            text,
            key_lines: &key_lines,
            table_line: None,
            ctx: BuildContext::for_section(decimals, path, &key_lines, "rules", "pass"),
        };
        let (rules, total_supply) = rules_spec(
            &file.rules,
            &raw_rules,
            file.ballot,
            decimals,
            &rules_src,
            registry,
        )?;
        let rule_sets = match &file.batch {
            Some(b) if b.rules_by.is_some() || !b.rules.is_empty() => Some(rule_sets(
                b,
                &raw_rules,
                file.ballot,
                decimals,
                &rules_src,
                registry,
            )?),
            _ => None,
        };

        let holders = file.holders.map(|h| {
            let mut source = HoldersSource::new(base.join(&h.path));
            if let Some(format) = h.format {
                source.json = format == HoldersFormat::Json;
            }
            source.address_column = h.address_column;
            source.balance_column = h.balance_column;
            source.unit = h.unit;
            source
        });
        let batch = file.batch.map(|b| BatchSpec {
            metadata: b.metadata.map(|p| base.join(p)),
            id_column: b.id_column.unwrap_or_else(|| "id".into()),
            quorum_column: b.quorum_column,
            status_column: b.status_column,
            title_column: b.title_column,
            scores_column: b.scores_column,
            scores_total_column: b.scores_total_column,
            votes_column: b.votes_column,
            include_canceled: b.include_canceled,
            passed: b.passed,
            defeated: b.defeated,
        });
        let proposal = Proposal {
            batch,
            path: path.to_path_buf(),
            id: file.id,
            title: file.title,
            ballot: file.ballot,
            decimals,
            votes: VotesSpec {
                path: base.join(&file.votes.path),
                format: vote_format,
                proposal_id: file.votes.proposal_id,
                unit: file.votes.unit.unwrap_or_default(),
                columns: file.votes.columns,
            },
            holders,
            total_supply,
            mechanism,
            delegation,
            attributes,
            rules,
            raw_rules,
            rule_sets,
            choices,
            key_lines: key_lines.clone(),
        };
        // Validate the rules now when the choices are already known.
        if let Some(c) = proposal.known_choices() {
            proposal.decision_rules(&c)?;
        }
        Ok(proposal)
    }

    /// The copy that evaluates one proposal of a multi-proposal source
    /// (`evaluate --proposal-id`): that id, the source's title, and the
    /// rule set its facts pick when the file has `[batch.rules]` (read at
    /// evaluation).
    pub fn select(&self, proposal_id: &str) -> Proposal {
        let mut p = self.clone();
        p.votes.proposal_id = Some(proposal_id.to_string());
        p.id = proposal_id.to_string();
        p.title = None;
        p
    }

    /// A copy that also reads the vote attributes of these mechanisms
    /// (for comparing mechanisms on votes read once).
    pub fn reading_attributes_of<'a>(
        &self,
        mechanisms: impl IntoIterator<Item = &'a MechanismSpec>,
    ) -> Proposal {
        let mut p = self.clone();
        for m in mechanisms {
            for a in m.attributes {
                if !p.attributes.contains(a) {
                    p.attributes.push(a);
                }
            }
        }
        p
    }

    /// The copy of this proposal that a batch evaluates for a proposal
    /// with these facts: with the rule set its `[batch] rules_by` fact
    /// names, if the template has rule sets. `Err` says why no rule set
    /// applies (the proposal is then skipped with that reason).
    pub fn for_facts(
        &self,
        facts: &BTreeMap<String, String>,
    ) -> std::result::Result<Proposal, String> {
        let Some(sets) = &self.rule_sets else {
            return Ok(self.clone());
        };
        let value = facts
            .get(&sets.by)
            .ok_or_else(|| format!("the source records no {} for it", sets.by))?;
        let (rules, supply) = sets.sets.get(&value.to_ascii_lowercase()).ok_or_else(|| {
            format!(
                "{} {value} has no rule set in [batch.rules] (sets: {})",
                sets.by,
                sets.sets.keys().cloned().collect::<Vec<_>>().join(", ")
            )
        })?;
        Ok(self.with_rules_spec(rules.clone(), *supply))
    }

    /// A copy with other decision rules: `table`'s keys replace those of
    /// this proposal's `[rules]` (errors name `label`).
    pub fn with_rules(
        &self,
        label: &str,
        table: &crate::options::OptionTable,
        registry: &Registry,
    ) -> Result<Proposal> {
        let located = |e: Error| Error::invalid(format!("rules {label:?}: {e}"));
        let src = RulesSource {
            path: Path::new(label),
            text: "",
            key_lines: &self.key_lines,
            table_line: Some(0),
            ctx: BuildContext::for_label(self.decimals, label),
        };
        let (rules, supply) =
            overridden_rules(&self.raw_rules, table, self.ballot, src, registry, &|e| e)
                .map_err(located)?;
        Ok(self.with_rules_spec(rules, supply))
    }

    /// A copy with these rules (and explicit supply, when they set one).
    fn with_rules_spec(&self, rules: RulesSpec, supply: Option<Amount>) -> Proposal {
        let mut p = self.clone();
        p.rules = rules;
        if supply.is_some() {
            p.total_supply = supply;
        }
        p
    }

    /// A copy whose quorum is this many tokens (absolute), e.g. from a
    /// per-proposal metadata file.
    pub fn with_quorum(&self, tokens: Amount) -> Proposal {
        let mut p = self.clone();
        p.rules.quorum = Some(QuorumThreshold::Absolute(tokens));
        p
    }

    /// A data file that cannot be opened is reported with the proposal key
    /// that names it, so the user knows which setting to fix.
    fn name_source(&self, e: Error, key: &str) -> Error {
        e.named_by(|| self.key_at(key))
    }

    fn key_at(&self, key: &str) -> Location {
        located(&self.path, &self.key_lines, key)
    }

    /// The choices a CSV vote file is read against.
    pub fn choices_for_csv(&self) -> Result<Choices> {
        self.known_choices().ok_or_else(|| {
            Error::input(
                self.key_at("ballot"),
                "a CSV vote file needs the proposal's choices",
            )
        })
    }

    /// How to read this proposal's CSV vote file.
    pub fn csv_options<'a>(&'a self, choices: &'a Choices) -> csv_votes::CsvVoteOptions<'a> {
        csv_votes::CsvVoteOptions {
            columns: &self.votes.columns,
            unit: self.votes.unit,
            decimals: self.decimals,
            proposal_id: self.votes.proposal_id.as_deref(),
            choices,
            shape: self.ballot.ballot_type().shape(),
            attributes: &self.attributes,
        }
    }

    /// The choices, when known without reading the votes.
    fn known_choices(&self) -> Option<Choices> {
        match (&self.choices, self.ballot) {
            (Some(c), _) => Some(c.clone()),
            (None, b) if b.has_basic_choices() => Some(Choices::basic()),
            (None, _) => None,
        }
    }

    /// Builds the decision rules for these choices.
    pub fn decision_rules(&self, choices: &Choices) -> Result<DecisionRules> {
        let r = &self.rules;
        let resolve = |c: &NamedChoice| {
            choices
                .number_of(&c.name)
                .map(|n| n as usize - 1)
                .ok_or_else(|| {
                    Error::input(
                        Location::line(&self.path, c.line).with_field(c.key),
                        format!(
                            "{:?} is not a choice of this proposal (choices: {})",
                            c.name,
                            choices.names().join(", ")
                        ),
                    )
                })
        };
        let roles = match (&r.for_choice, &r.against_choice) {
            (Some(f), Some(a)) => Some(Roles {
                for_choice: resolve(f)?,
                against: resolve(a)?,
                abstain: r.abstain_choice.as_ref().map(resolve).transpose()?,
            }),
            (None, None) if self.ballot.has_basic_choices() => Some(Roles::BASIC),
            (None, None) => None,
            _ => {
                return Err(Error::input(
                    self.key_at(if r.for_choice.is_some() {
                        "rules.for_choice"
                    } else {
                        "rules.against_choice"
                    }),
                    "set both for_choice and against_choice",
                ))
            }
        };
        let pass = r.pass.clone();
        let rejection = pass.test().quorum_role() == QuorumRole::Read;
        let counts = match &r.quorum_counts {
            Some(names) => names.iter().map(resolve).collect::<Result<Vec<_>>>()?,
            None if rejection => match roles {
                Some(roles) => vec![roles.against],
                None => Vec::new(),
            },
            None if r.hide_abstain => match roles.and_then(|r| r.abstain) {
                Some(abstain) => (0..choices.len()).filter(|&i| i != abstain).collect(),
                None => {
                    return Err(Error::input(
                        self.key_at("rules.hide_abstain"),
                        "hide_abstain needs an abstain choice (basic ballots, or \
                         rules.abstain_choice)",
                    ))
                }
            },
            None => (0..choices.len()).collect(),
        };
        let rules = DecisionRules {
            quorum: r.quorum.clone().map(|threshold| Quorum {
                threshold,
                counts,
                rounding: r.rounding,
            }),
            pass,
            roles,
        };
        rules
            .validate(choices)
            .map_err(|m| Error::input(self.key_at("rules.pass"), m))?;
        if rules.pass.test().needs_supply() && self.holders.is_none() && self.total_supply.is_none()
        {
            return Err(Error::input(
                self.key_at("rules.pass"),
                format!(
                    "pass = {:?} takes fractions of the total supply: add [holders] or \
                     rules.total_supply",
                    rules.pass.test().label()
                ),
            ));
        }
        if let (Some(QuorumThreshold::OfSupply(_)), None, None) =
            (&r.quorum, &self.holders, self.total_supply)
        {
            return Err(Error::input(
                self.key_at("rules.quorum"),
                "a quorum in percent is a fraction of the total supply: add [holders] or \
                 rules.total_supply",
            ));
        }
        Ok(rules)
    }

    /// How to ask this proposal's vote source for its votes.
    pub fn vote_request<'a>(&'a self, choices: Option<&'a Choices>) -> VoteRequest<'a> {
        VoteRequest {
            decimals: self.decimals,
            unit: self.votes.unit,
            columns: &self.votes.columns,
            proposal_id: self.votes.proposal_id.as_deref(),
            choices,
            shape: self.ballot.ballot_type().shape(),
            attributes: &self.attributes,
        }
    }

    /// The vote file as a source.
    pub fn vote_source(&self) -> Result<Box<dyn VoteSource>> {
        source::open(&self.votes.path, Some(self.votes.format))
    }

    /// Reads the votes (and, for fixtures, the choices they carry).
    pub fn read_votes(&self) -> Result<LoadedVotes> {
        if self.votes.format == VoteFormat::GovernorEvents && self.votes.proposal_id.is_none() {
            return Err(Error::input(
                self.key_at("votes.format"),
                "a governor event log holds many proposals: set proposal_id (or pass \
                 --proposal-id, or compare them all with --all)",
            ));
        }
        let choices = match self.votes.format {
            VoteFormat::Csv => Some(self.choices_for_csv()?),
            _ => None,
        };
        self.vote_source()?
            .read(&self.vote_request(choices.as_ref()))
    }

    /// Reads every file the proposal names and evaluates it.
    pub fn evaluate(&self) -> Result<Report> {
        self.prepare()?.run()
    }

    /// Reads every file the proposal names and resolves choices, rules and
    /// mechanism, ready to evaluate (or to analyse further: what-ifs,
    /// sybil splits, control).
    pub fn prepare(&self) -> Result<Prepared> {
        let loaded = self
            .read_votes()
            .map_err(|e| self.name_source(e, "votes.path"))?;
        if self.rule_sets.is_some() {
            // One proposal of a batch file: the rule set its facts pick.
            let picked = self
                .for_facts(&loaded.facts)
                .map_err(|why| Error::input(self.key_at("batch.rules_by"), why))?;
            return picked.prepare_with(loaded);
        }
        self.prepare_with(loaded)
    }

    /// Like [`Proposal::prepare`], with votes read elsewhere (e.g. one
    /// proposal of a whole governor log, with this file as the template).
    pub fn prepare_with(&self, loaded: LoadedVotes) -> Result<Prepared> {
        let choices = match (self.known_choices(), loaded.choices) {
            (Some(c), _) => c,
            (None, Some(names)) => Choices::new(names).ok_or_else(|| {
                Error::input(
                    Location::file(&self.votes.path).with_field("proposal.choices"),
                    format!(
                        "choices must be non-empty, distinct and at most {}",
                        crate::choices::MAX_CHOICES
                    ),
                )
            })?,
            (None, None) => {
                return Err(Error::input(
                    self.key_at("ballot"),
                    format!("a {} ballot needs its choices", self.ballot.name()),
                ))
            }
        };
        let holders = self
            .holders
            .as_ref()
            .map(|h| Holders::read(h, self.decimals))
            .transpose()
            .map_err(|e| self.name_source(e, "holders.path"))?;
        let delegation = self
            .delegation
            .as_ref()
            .map(|d| d.stage())
            .transpose()
            .map_err(|e| self.name_source(e, "delegation.path"))?;
        // A title the source records (metadata, a governor description)
        // when the proposal file gives none.
        let title = self.title.clone().or_else(|| {
            loaded
                .facts
                .get("title")
                .or_else(|| loaded.facts.get("description"))
                .and_then(|d| {
                    d.lines()
                        .map(|l| l.trim().trim_start_matches('#').trim())
                        .find(|l| !l.is_empty())
                })
                .map(|t| t.chars().take(80).collect())
        });
        // The window exists when the file sets a deadline or a rule that
        // depends on when votes are cast. Its deadline: the file's, else
        // the governor log's endBlock.
        let window = if self.rules.window.is_empty() && self.rules.vote_end.is_none() {
            None
        } else {
            let end = match self.rules.vote_end {
                Some(end) => Some(end),
                None => loaded
                    .facts
                    .get("endBlock")
                    .map(|text| {
                        block_number(text).ok_or_else(|| {
                            Error::input(
                                Location::file(&self.votes.path).with_field("endBlock"),
                                format!("{:?} is not a block number", crate::error::shown(text)),
                            )
                        })
                    })
                    .transpose()?,
            };
            Some(VoteWindow {
                end,
                rules: self.rules.window.clone(),
            })
        };
        Ok(Prepared {
            id: self.id.clone(),
            title,
            window,
            rules: self.decision_rules(&choices)?,
            choices,
            ballot: self
                .ballot
                .ballot_type_for(self.mechanism.power_decimals(self.decimals)),
            mechanism: self.mechanism.clone(),
            delegation,
            decimals: self.decimals,
            total_supply: self.total_supply,
            official: loaded.official,
            votes: loaded.votes,
            holders,
            read_notes: loaded.notes,
        })
    }
}

/// A proposal with its files read: everything [`Evaluation`] needs, owned.
pub struct Prepared {
    /// Proposal id.
    pub id: String,
    /// Title.
    pub title: Option<String>,
    /// The choices.
    pub choices: Choices,
    /// The ballot type.
    pub ballot: Box<dyn BallotType + Send + Sync>,
    /// The mechanism, with its cap if any.
    pub mechanism: MechanismSpec,
    /// Delegation ahead of the mechanism, read, if any.
    pub delegation: Option<DelegationStage>,
    /// Quorum and passing rules.
    pub rules: DecisionRules,
    /// The voting window, when rules depend on when votes are cast.
    pub window: Option<VoteWindow>,
    /// The token's decimals.
    pub decimals: u8,
    /// Explicit total supply.
    pub total_supply: Option<Amount>,
    /// The official outcome, if the vote file records one.
    pub official: Option<OfficialStatus>,
    /// The votes, one per voter.
    pub votes: VoteSet,
    /// The holder snapshot, if any.
    pub holders: Option<Holders>,
    /// What reading the votes changed (e.g. rounded vp), added to the
    /// report's notes.
    pub read_notes: Vec<String>,
}

impl Prepared {
    /// The evaluation, borrowing from `self`.
    pub fn evaluation(&self) -> Evaluation<'_> {
        Evaluation {
            id: self.id.clone(),
            title: self.title.clone(),
            choices: self.choices.clone(),
            ballot: self.ballot.as_ref(),
            mechanism: self.mechanism.mechanism.as_ref(),
            delegation: self.delegation.as_ref(),
            cap: self.mechanism.cap.clone(),
            rules: self.rules.clone(),
            window: self.window.clone(),
            decimals: self.decimals,
            total_supply: self.total_supply,
            official: self.official,
        }
    }

    /// Evaluates the votes.
    pub fn run(&self) -> Result<Report> {
        let mut report = self.evaluation().run(&self.votes, self.holders.as_ref())?;
        report.notes.extend(self.read_notes.iter().cloned());
        Ok(report)
    }
}

/// A block number as governor exports write it (`12235672`, or
/// `12235672.0` from a dataframe that held it as a float).
fn block_number(text: &str) -> Option<u64> {
    let t = text.trim();
    t.strip_suffix(".0").unwrap_or(t).parse().ok()
}

/// Where a `[rules]` table was written, for error messages: the proposal
/// file itself, or a per-proposal rule set under `[batch.rules]` (whose
/// errors point at that table).
struct RulesSource<'a> {
    path: &'a Path,
    text: &'a str,
    key_lines: &'a BTreeMap<String, u64>,
    /// Set for a `[batch.rules."KEY"]` table: every error is on its line.
    table_line: Option<u64>,
    ctx: BuildContext<'a>,
}

impl RulesSource<'_> {
    fn line_of(&self, span: std::ops::Range<usize>) -> u64 {
        self.table_line
            .unwrap_or_else(|| line_at(self.text, span.start))
    }

    fn at(&self, span: std::ops::Range<usize>, key: &str) -> Location {
        Location::line(self.path, self.line_of(span)).with_field(key)
    }

    fn key_at(&self, key: &str) -> Location {
        let mut at = located(self.path, self.key_lines, key);
        if self.table_line.is_some() {
            at.line = self.table_line;
        }
        at
    }
}

/// The rules of a `[rules]` table (typed `r`, raw `raw` for the passing
/// rule's own options) and the explicit total supply.
fn rules_spec(
    r: &RulesSection,
    raw: &crate::options::OptionTable,
    ballot: BallotKind,
    decimals: u8,
    src: &RulesSource<'_>,
    registry: &Registry,
) -> Result<(RulesSpec, Option<Amount>)> {
    let named = |s: &Option<Spanned<String>>, key: &'static str| {
        s.as_ref().map(|s| NamedChoice {
            name: s.get_ref().clone(),
            line: src.line_of(s.span()),
            key,
        })
    };
    let quorum = match (&r.quorum, &r.min_participation) {
        (Some(q), None) => Some(
            match ShareOrAmount::parse(q.get_ref().as_str(), decimals)
                .map_err(|e| Error::input(src.at(q.span(), "rules.quorum"), e))?
            {
                ShareOrAmount::Share(s) => QuorumThreshold::OfSupply(s),
                ShareOrAmount::Amount(a) => QuorumThreshold::Absolute(a),
            },
        ),
        (None, Some(mp)) => Some(QuorumThreshold::OfSupply(mp.clone())),
        (None, None) => None,
        (Some(q), Some(_)) => {
            return Err(Error::input(
                src.at(q.span(), "rules.quorum"),
                "set either quorum or min_participation, not both",
            ))
        }
    };
    let rejection = r.quorum_type == Some(QuorumType::Rejection);
    if rejection && r.pass.is_some() {
        return Err(Error::input(
            src.key_at("rules.pass"),
            "quorum_type = \"rejection\" decides by the Against votes alone; remove `pass`",
        ));
    }
    // The passing rule, from the registry, with its own options: the
    // [rules] keys that are no core setting.
    let has_roles =
        ballot.has_basic_choices() || (r.for_choice.is_some() && r.against_choice.is_some());
    let pass_text = match (&r.pass, rejection, has_roles) {
        (Some(p), _, _) => p.as_str(),
        (None, true, _) => "snapshot-rejection",
        (None, false, true) => "majority",
        (None, false, false) => "plurality",
    };
    let window_keys = registry.rules.window_keys();
    let pass_options: crate::options::OptionTable = raw
        .iter()
        .filter(|(k, _)| {
            !CORE_RULE_KEYS.contains(&k.as_str()) && !window_keys.contains(&k.as_str())
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let window = registry.rules.window_rules(raw, &src.ctx)?;
    let pass = registry
        .rules
        .pass_rule(pass_text, &pass_options, &src.ctx)?;
    let rounding = if r.min_participation.is_some() && r.quorum_rounding == QuorumRounding::Exact {
        QuorumRounding::Ceil
    } else {
        r.quorum_rounding
    };
    let total_supply = r
        .total_supply
        .as_ref()
        .map(|s| {
            ShareOrAmount::parse(s.get_ref().as_str(), decimals)
                .and_then(|v| match v {
                    ShareOrAmount::Amount(a) => Ok(a),
                    ShareOrAmount::Share(_) => Err("the total supply is an amount".into()),
                })
                .map_err(|e| Error::input(src.at(s.span(), "rules.total_supply"), e))
        })
        .transpose()?;
    if r.hide_abstain == Some(true) && r.quorum_counts.is_some() {
        return Err(Error::input(
            src.key_at("rules.hide_abstain"),
            "set either quorum_counts or hide_abstain, not both",
        ));
    }
    let spec = RulesSpec {
        quorum,
        quorum_counts: r.quorum_counts.as_ref().map(|names| {
            names
                .iter()
                .map(|name| NamedChoice {
                    name: name.get_ref().clone(),
                    line: src.line_of(name.span()),
                    key: "rules.quorum_counts",
                })
                .collect()
        }),
        rounding,
        pass,
        hide_abstain: r.hide_abstain.unwrap_or(false),
        for_choice: named(&r.for_choice, "rules.for_choice"),
        against_choice: named(&r.against_choice, "rules.against_choice"),
        abstain_choice: named(&r.abstain_choice, "rules.abstain_choice"),
        vote_end: r.vote_end,
        window,
    };
    Ok((spec, total_supply))
}

/// The `[batch.rules."VALUE"]` rule sets, each the `[rules]` table with
/// the set's keys replacing those of the same name. Errors point at the
/// set's table.
fn rule_sets(
    b: &BatchSection,
    raw_rules: &crate::options::OptionTable,
    ballot: BallotKind,
    decimals: u8,
    src: &RulesSource<'_>,
    registry: &Registry,
) -> Result<RuleSets> {
    let at_batch = || src.key_at("batch.rules_by");
    let by = b.rules_by.clone().ok_or_else(|| {
        Error::input(
            at_batch(),
            "[batch.rules] tables need rules_by: the fact that picks a set (e.g. \"executor\")",
        )
    })?;
    if b.rules.is_empty() {
        return Err(Error::input(
            at_batch(),
            "rules_by needs [batch.rules.\"VALUE\"] tables, one per value",
        ));
    }
    let mut sets = BTreeMap::new();
    for (value, table) in &b.rules {
        let line = toml_util::header_line(src.text, |h| h.contains(value.as_str()));
        let field = format!("batch.rules.{value}");
        let located = |message: String| {
            let mut at = Location::file(src.path).with_field(&field);
            at.line = line;
            Error::input(at, message)
        };
        let set_src = RulesSource {
            path: src.path,
            text: src.text,
            key_lines: src.key_lines,
            table_line: line,
            ctx: BuildContext::for_section(decimals, src.path, src.key_lines, "rules", "pass"),
        };
        let spec = overridden_rules(raw_rules, table, ballot, set_src, registry, &|e| {
            located(e.to_string())
        })?;
        sets.insert(value.to_ascii_lowercase(), spec);
    }
    Ok(RuleSets { by, sets })
}

/// The rules of a `[rules]` table `base` whose keys `overrides` replace
/// (a `[batch.rules."VALUE"]` set, a `compare --rules` variant): the merged
/// table is written out and read like any `[rules]`. `parse_error` places
/// an error of reading the merged table; errors of the rules themselves are
/// placed by `src`, whose text is set here to the merged table.
fn overridden_rules(
    base: &crate::options::OptionTable,
    overrides: &crate::options::OptionTable,
    ballot: BallotKind,
    src: RulesSource<'_>,
    registry: &Registry,
    parse_error: &dyn Fn(Error) -> Error,
) -> Result<(RulesSpec, Option<Amount>)> {
    let mut merged = base.clone();
    merged.extend(overrides.iter().map(|(k, v)| (k.clone(), v.clone())));
    let text = toml::to_string(&merged).map_err(|e| parse_error(Error::invalid(e.to_string())))?;
    let section: RulesSection = toml_util::parse(src.path, &text).map_err(parse_error)?;
    let decimals = src.ctx.decimals;
    let src = RulesSource { text: &text, ..src };
    rules_spec(&section, &merged, ballot, decimals, &src, registry)
}
