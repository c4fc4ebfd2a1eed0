//! The result of an evaluation, as data (JSON via serde) and as a table.
//!
//! Architecture invariant: every number a decision depends on is written
//! exactly (decimal strings in token units, or `a/b` when a fraction does
//! not terminate). Percentages in the table are rounded for reading only.

use std::fmt::Write as _;

use num_rational::BigRational;
use serde::Serialize;

use crate::amount::{Amount, Power};
use crate::evaluate::{Evaluation, Tally, VoteCounts};
use crate::io::OfficialStatus;
use crate::rules::{Decision, Outcome};
use crate::score::Score;

/// One choice's result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChoiceResult {
    /// The choice's name.
    pub name: String,
    /// Its score in token units, exact (a fraction `a/b` when the decimal
    /// would not terminate, e.g. weighted or quadratic ballots).
    pub power: String,
    /// When `power` is a fraction: the same rounded to 18 decimals, for
    /// reading (display only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub power_approx: Option<String>,
    /// Its share of the valid power, rounded to 6 decimals (display only).
    pub share: String,
}

/// Quorum state, in tokens (quorums count turnout, whatever the mechanism).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QuorumReport {
    /// Whether the rules have a quorum at all.
    pub set: bool,
    /// Required power ("0" when the rules have no quorum).
    pub required: String,
    /// Power counted toward the quorum.
    pub counted: String,
    /// Whether it was reached (for Snapshot's rejection quorum: whether the
    /// Against votes exceeded it).
    pub reached: bool,
    /// The choices that count toward it.
    pub counts: Vec<String>,
}

/// What an evaluation found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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
    /// Power of the valid ballots, in token units.
    pub counted_power: String,
    /// Power of all ballots including invalid ones (Snapshot `scores_total`).
    pub cast_power: String,
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
    /// Exact scores in power units, for callers that compute further.
    #[serde(skip)]
    pub scores: Vec<Score>,
    /// Token weight behind each choice in base units (what quorums count).
    #[serde(skip)]
    pub turnout: Vec<Score>,
    /// Each vote's token weight, in the order of the votes.
    #[serde(skip)]
    pub weights: Vec<Amount>,
    /// Each vote's power under the mechanism, in the order of the votes.
    #[serde(skip)]
    pub powers: Vec<Power>,
}

impl Report {
    pub(crate) fn new(e: &Evaluation<'_>, tally: Tally, d: Decision, power_decimals: u8) -> Report {
        let names = e.choices.names();
        let total = Score::sum(&tally.scores);
        let choices = names
            .iter()
            .zip(&tally.scores)
            .map(|(name, s)| {
                let power = s.to_decimal_string(power_decimals);
                let power_approx = power.contains('/').then(|| {
                    let scale = num_traits::pow(
                        num_bigint::BigInt::from(10u8),
                        usize::from(power_decimals),
                    );
                    crate::decimal::round_half_up(
                        &(s.as_rational() / BigRational::from_integer(scale)),
                        18,
                    )
                });
                ChoiceResult {
                    name: name.clone(),
                    power,
                    power_approx,
                    share: crate::decimal::round_half_up(&s.share_of(&total), 6),
                }
            })
            .collect();
        // Quorums count turnout: tokens, in the token's decimals.
        let tokens =
            |r: &BigRational| Score::from_rational(r.clone()).to_decimal_string(e.decimals);
        let quorum = match &d.quorum {
            Some(q) => QuorumReport {
                set: true,
                required: tokens(&q.required),
                counted: tokens(q.counted.as_rational()),
                reached: q.reached,
                counts: q.counts.iter().map(|&i| names[i].clone()).collect(),
            },
            None => QuorumReport {
                set: false,
                required: "0".into(),
                counted: tally.counted_tokens.to_tokens_string(e.decimals),
                reached: true,
                counts: names.to_vec(),
            },
        };
        Report {
            id: e.id.clone(),
            title: e.title.clone(),
            mechanism: e.mechanism_name(),
            ballot: e.ballot.name().to_string(),
            power_decimals,
            choices,
            counted_power: tally.counted_power.to_decimal_string(power_decimals),
            cast_power: tally.cast_power.to_decimal_string(power_decimals),
            quorum,
            outcome: d.outcome,
            reason: d.reason,
            winner: d.winner.map(|i| names[i].clone()),
            early_execution: d.early_execution,
            votes: tally.counts,
            notes: e.mechanism.notes(),
            mechanism_details: tally.details.clone(),
            official_outcome: e.official,
            scores: tally.scores,
            turnout: tally.turnout,
            weights: tally.weights,
            powers: tally.powers,
        }
    }

    /// Pretty JSON (stable key order).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a report always serialises")
    }

    /// A table for people.
    pub fn to_table(&self) -> String {
        let mut out = String::new();
        let title = self
            .title
            .as_deref()
            .map(|t| format!(" — {t}"))
            .unwrap_or_default();
        let _ = writeln!(out, "proposal {}{title}", self.id);
        let _ = writeln!(out, "mechanism {}, ballot {}", self.mechanism, self.ballot);
        let _ = writeln!(out);
        let name_w = self
            .choices
            .iter()
            .map(|c| c.name.len())
            .max()
            .unwrap_or(6)
            .max(6);
        // Fractions are shown rounded (`~`); the JSON keeps them exact.
        let shown: Vec<String> = self
            .choices
            .iter()
            .map(|c| match &c.power_approx {
                Some(a) => format!("~{a}"),
                None => c.power.clone(),
            })
            .collect();
        let power_w = shown.iter().map(String::len).max().unwrap_or(5).max(5);
        let _ = writeln!(
            out,
            "  {:<name_w$}  {:>power_w$}  {:>8}",
            "choice", "power", "share"
        );
        for (c, power) in self.choices.iter().zip(&shown) {
            let pct = percent(&c.share);
            let _ = writeln!(out, "  {:<name_w$}  {power:>power_w$}  {pct:>8}", c.name);
        }
        let _ = writeln!(out);
        if !self.quorum.set {
            let _ = writeln!(out, "quorum    none");
        } else {
            let _ = writeln!(
                out,
                "quorum    {} required, {} counted ({}): {}",
                self.quorum.required,
                self.quorum.counted,
                self.quorum.counts.join(" + "),
                if self.quorum.reached {
                    "reached"
                } else {
                    "not reached"
                }
            );
        }
        let v = &self.votes;
        let mut invalid = String::new();
        if !v.invalid_reasons.is_empty() {
            let parts: Vec<_> = v
                .invalid_reasons
                .iter()
                .map(|(k, n)| format!("{k}: {n}"))
                .collect();
            invalid = format!(" ({})", parts.join(", "));
        }
        let _ = writeln!(
            out,
            "votes     {} read, {} counted, {} invalid{invalid}, {} replaced",
            v.read, v.counted, v.invalid, v.replaced
        );
        let _ = writeln!(
            out,
            "outcome   {}: {}",
            self.outcome.as_str().to_uppercase(),
            self.reason
        );
        if let Some(early) = self.early_execution {
            let _ = writeln!(out, "early execution  {}", if early { "yes" } else { "no" });
        }
        for line in &self.mechanism_details {
            let _ = writeln!(out, "power     {line}");
        }
        for note in &self.notes {
            let _ = writeln!(out, "note      {note}");
        }
        if let Some(official) = self.official_outcome {
            let agrees = match (official, self.outcome) {
                (OfficialStatus::Passed, Outcome::Passed)
                | (OfficialStatus::Defeated, Outcome::Rejected) => " (agrees)",
                (OfficialStatus::Canceled, _) => "",
                _ => " (DIFFERS)",
            };
            let _ = writeln!(
                out,
                "official  {}{agrees}",
                serde_json::to_value(official)
                    .expect("enum")
                    .as_str()
                    .unwrap_or("")
            );
        }
        out
    }
}

pub(crate) fn percent(share: &str) -> String {
    let v: BigRational = crate::decimal::DecimalLiteral::parse(share)
        .map(|d| d.to_rational())
        .unwrap_or_default();
    format!(
        "{}%",
        crate::decimal::round_half_up(&(v * BigRational::from_integer(100.into())), 2)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_is_half_up_and_exact() {
        let r = |n: i64, d: i64| BigRational::new(n.into(), d.into());
        assert_eq!(crate::decimal::round_half_up(&r(2, 3), 6), "0.666667");
        assert_eq!(crate::decimal::round_half_up(&r(1, 8), 2), "0.13");
        assert_eq!(crate::decimal::round_half_up(&r(1, 1), 6), "1.000000");
        assert_eq!(percent("0.666667"), "66.67%");
    }
}
