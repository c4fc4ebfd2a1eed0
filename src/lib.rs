//! # govkit
//!
//! Exact, pluggable DAO governance mechanisms, evaluated on real data.
//!
//! govkit reads a proposal file (TOML), the votes cast (CSV, Snapshot JSON or
//! governor event logs) and optionally a holder snapshot, and computes the
//! outcome under a chosen *mechanism* (who has how much power) and *ballot
//! type* (how power and choices become scores), with the quorum and passing
//! rules of the system being modelled (OpenZeppelin, Compound, Snapshot,
//! Aragon).
//!
//! Design rules that hold everywhere:
//! - token amounts are `u128` base units ([`Amount`], [`Power`]) with checked
//!   arithmetic: an overflow is an [`Error`], never a wrap;
//! - shares, thresholds and scores are exact rationals ([`Share`],
//!   [`Score`]); floats never decide pass/fail;
//! - bad input is an [`Error`] that names the file, line and field; invalid
//!   ballots are counted and reported, never silently dropped.
//!
//! ## Example
//!
//! Evaluate votes held in memory under Compound Governor Bravo's rules
//! (400,000 COMP quorum on For votes, For > Against):
//!
//! ```
//! use govkit::{
//!     Amount, AmountUnit, BallotKind, Choices, DecisionRules, Evaluation,
//!     Outcome, PassRule, Quorum, QuorumRounding, QuorumThreshold, Roles, Selection, Vote,
//!     VoteSet, Voter,
//! };
//!
//! let comp = |tokens: &str| Amount::parse(tokens, AmountUnit::Token, 18).unwrap();
//! let vote = |voter: &str, choice: u32, tokens: &str, line: u64| Vote {
//!     voter: Some(Voter::new(voter)),
//!     selection: Selection::Single(choice), // 1 = For, 2 = Against, 3 = Abstain
//!     weight: Some(comp(tokens)),
//!     cast_at: None,
//!     line,
//!     attributes: Default::default(),
//! };
//! let votes = VoteSet::latest_per_voter(
//!     "in-memory".into(),
//!     vec![vote("0xa", 1, "350000", 1), vote("0xb", 1, "60000.5", 2), vote("0xc", 2, "90000", 3)],
//! );
//! let ballot = BallotKind::Basic.ballot_type();
//! let mechanism = govkit::TokenWeighted;
//! let evaluation = Evaluation {
//!     id: "example".into(),
//!     title: None,
//!     choices: Choices::basic(),
//!     ballot: ballot.as_ref(),
//!     mechanism: &mechanism,
//!     delegation: None,
//!     cap: None,
//!     rules: DecisionRules {
//!         quorum: Some(Quorum {
//!             threshold: QuorumThreshold::Absolute(comp("400000")),
//!             counts: vec![0], // For only, as in Compound Bravo
//!             rounding: QuorumRounding::Exact,
//!         }),
//!         pass: PassRule::majority(),
//!         roles: Some(Roles::BASIC),
//!     },
//!     decimals: 18,
//!     total_supply: None,
//!     official: None,
//!     window: None,
//! };
//! let report = evaluation.run(&votes, None).unwrap();
//! assert_eq!(report.outcome, Outcome::Passed);
//! assert_eq!(report.choices[0].power, "410000.5");
//! assert_eq!(report.quorum.required, "400000");
//! ```
//!
//! From files, the same is `Proposal::load("proposals/compound-43.toml")?.evaluate()?`.
//! See `ARCHITECTURE.md` for the module map.

#![deny(missing_docs)]

pub mod amount;
pub mod ballot;
pub mod batch;
#[cfg(feature = "charts")]
pub mod charts;
pub mod choices;
pub mod compare;
pub mod control;
pub mod conviction;
mod counted;
mod decimal;
pub mod delegation;
pub mod error;
pub mod evaluate;
#[cfg(feature = "fetch")]
pub mod fetch;
mod fill_apart;
pub mod funding;
pub mod holders;
#[cfg(feature = "charts")]
pub mod html;
pub mod identities;
mod inline_text;
pub mod io;
pub mod locks;
pub mod mechanism;
pub mod options;
mod parallel;
pub mod proposal;
pub mod quantity;
pub mod registry;
pub mod render;
pub mod report;
mod rng;
pub mod rules;
pub mod scenario;
pub mod score;
pub mod score_check;
pub mod share;
pub mod sybil;
pub mod synth;
mod toml_util;
pub mod vote;
mod voter_index;

// The curated API: every name below is unique across the crate, so an
// embedder can `use govkit::*` for the pipeline; the modules hold the rest.

// Domain values.
pub use amount::{Amount, AmountError, AmountUnit, Power};
pub use choices::Choices;
pub use quantity::{Proportion, Quantity};
pub use score::Score;
pub use share::Share;
pub use vote::{Attributes, CastAt, Selection, Vote, VoteSet, Voter};

// Errors.
pub use error::{Error, ErrorKind, Location, Result};

// Sources: files in, votes and holders out.
pub use io::delegations::{DelegationFormat, DelegationSource};
pub use io::{
    GovernorLog, Holders, HoldersSource, LoadedVotes, OfficialStatus, SourcedProposal, VoteFormat,
    VoteRequest, VoteSource,
};

// The pipeline: delegation, mechanism, ballot, rules, result.
pub use ballot::{BallotKind, BallotType, InvalidBallot};
pub use delegation::{
    Delegation, DelegationStage, Delegations, Order as DelegationOrder, Policy as DelegationPolicy,
};
pub use evaluate::Evaluation;
pub use mechanism::{
    BuildContext, Cap, ConvictionVoting, Electorate, Identities, Mechanism, MechanismPlugin,
    MechanismRegistry, MechanismSpec, OptionTable, Quadratic, RootOf, TokenWeighted,
};
pub use report::{ChoiceResult, QuorumReport, Report, Tally, VoteCounts};
pub use rules::{
    Decision, DecisionRules, Judging, Outcome, PassRule, PassRulePlugin, PassTest, Quorum,
    QuorumRole, QuorumRounding, QuorumStatus, QuorumThreshold, Roles, RuleRegistry, Standing,
    Verdict,
};

// Files and names: proposals and the registry of components.
pub use proposal::{Prepared, Proposal};
pub use registry::Registry;

// Analyses.
pub use compare::{Comparison, Variant, VariantDelegation};
pub use conviction::Conviction;
pub use sybil::SybilReport;
