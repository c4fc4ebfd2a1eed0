//! The result of an evaluation, as data (JSON via serde); its table is
//! `crate::render::report`.
//!
//! Architecture invariant: every number a decision depends on is written
//! exactly (decimal strings in token units, or `a/b` when a fraction does
//! not terminate). Percentages in the table are rounded for reading only.

use crate::rules::WindowReport;
use std::collections::BTreeMap;

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use crate::amount::{Amount, Power};
use crate::io::OfficialStatus;
use crate::quantity::{Proportion, Quantity};
use crate::rules::Outcome;
use crate::score::Score;

/// Counts of votes by fate.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct VoteCounts {
    /// Votes read for this proposal (before replacements).
    pub read: u64,
    /// Valid ballots that were scored.
    pub counted: u64,
    /// Ballots the ballot type rejected (see `invalid_reasons`).
    pub invalid: u64,
    /// Earlier votes replaced by a later vote of the same voter.
    pub replaced: u64,
    /// Fractional ballots: later casts of a voter merged into its ballot
    /// (they add up rather than replace).
    #[serde(skip_serializing_if = "is_zero")]
    pub merged: u64,
    /// Valid ballots cast after the voting window closed (its deadline,
    /// moved by a late-quorum rule, or an early super-quorum close): not
    /// counted.
    #[serde(skip_serializing_if = "is_zero")]
    pub too_late: u64,
    /// Invalid ballots by reason.
    pub invalid_reasons: BTreeMap<String, u64>,
}

/// The tally before the rules: scores and counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tally {
    /// Score of each choice in power units, in choice order.
    pub scores: Vec<Score>,
    /// Token weight behind each choice in base units (the same ballot rule
    /// applied to token weights): the turnout that quorums count.
    pub turnout: Vec<Score>,
    /// Each vote's token weight (same order as the votes).
    pub weights: Vec<Amount>,
    /// Each vote's power under the mechanism (same order as the votes).
    pub powers: Vec<Power>,
    /// The mechanism's account of how the power came about.
    pub details: Vec<String>,
    /// Power of the valid ballots.
    pub counted_power: Power,
    /// Token weight of the valid ballots.
    pub counted_tokens: Amount,
    /// Power of all ballots, valid or not (Snapshot's `scores_total`).
    pub cast_power: Power,
    /// What happened to the votes.
    pub counts: VoteCounts,
    /// What the voting-window rules did, when the proposal has any.
    pub window: Option<WindowReport>,
}

/// One choice's result.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ChoiceResult {
    /// The choice's name.
    pub name: String,
    /// Its score in power units, exact. Written as a decimal, or a
    /// fraction `a/b` when the decimal would not terminate (weighted or
    /// quadratic ballots); JSON adds `power_approx`, the same rounded to
    /// 18 decimals for reading.
    pub power: Quantity,
    /// Its share of the valid power, exact (written rounded to 6 decimals).
    pub share: Proportion,
}

impl Serialize for ChoiceResult {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let approx = self.power.approx();
        let mut st = s.serialize_struct("ChoiceResult", 3 + usize::from(approx.is_some()))?;
        st.serialize_field("name", &self.name)?;
        st.serialize_field("power", &self.power)?;
        if let Some(a) = approx {
            st.serialize_field("power_approx", &a)?;
        }
        st.serialize_field("share", &self.share)?;
        st.end()
    }
}

/// Quorum state, in tokens (quorums count turnout, whatever the mechanism).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct QuorumReport {
    /// Whether the rules have a quorum at all.
    pub set: bool,
    /// Required tokens (0 when the rules have no quorum).
    pub required: Quantity,
    /// The count must exceed `required` (Aave v2's `forVotes > minimum`)
    /// rather than meet it; serialised only when true.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub strict: bool,
    /// Tokens counted toward the quorum.
    pub counted: Quantity,
    /// Whether it was reached (for Snapshot's rejection quorum: whether the
    /// Against votes exceeded it).
    pub reached: bool,
    /// The choices that count toward it.
    pub counts: Vec<String>,
}

/// What an evaluation found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Report {
    /// Proposal id.
    pub id: String,
    /// Title, if known.
    pub title: Option<String>,
    /// Mechanism name.
    pub mechanism: String,
    /// Ballot type name.
    pub ballot: String,
    /// Decimals of the power unit (the token's, for token-weighted).
    pub power_decimals: u8,
    /// Each choice's power and share.
    pub choices: Vec<ChoiceResult>,
    /// Power of the valid ballots.
    pub counted_power: Quantity,
    /// Power of all ballots including invalid ones (Snapshot `scores_total`).
    pub cast_power: Quantity,
    /// Quorum state.
    pub quorum: QuorumReport,
    /// `passed` or `rejected`.
    pub outcome: Outcome,
    /// Why, in one sentence.
    pub reason: String,
    /// The winning choice, if any.
    pub winner: Option<String>,
    /// Aragon only: decided before the end (early execution).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub early_execution: Option<bool>,
    /// What happened to the votes.
    pub votes: VoteCounts,
    /// Caveats of the mechanism (e.g. not sybil-resistant).
    pub notes: Vec<String>,
    /// How the mechanism's power came about (e.g. per conviction level).
    pub mechanism_details: Vec<String>,
    /// The official outcome, when the source records it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub official_outcome: Option<OfficialStatus>,
    /// What the voting-window rules did (deadline moved, early close,
    /// votes too late), when the proposal has any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window: Option<WindowReport>,
    /// The tally behind the outcome: exact per-choice scores and turnout,
    /// each vote's token weight and power (for further analysis: decisive
    /// sets, what-ifs). Not serialised.
    #[serde(skip)]
    pub tally: Tally,
}

impl Report {
    /// Pretty JSON (stable key order).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a report always serialises")
    }
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

#[cfg(test)]
mod tests {
    #[test]
    fn rounding_is_half_up_and_exact() {
        let r = |n: i64, d: i64| num_rational::BigRational::new(n.into(), d.into());
        assert_eq!(crate::decimal::round_half_up(&r(2, 3), 6), "0.666667");
        assert_eq!(crate::decimal::round_half_up(&r(1, 8), 2), "0.13");
        assert_eq!(crate::decimal::round_half_up(&r(1, 1), 6), "1.000000");
    }
}
