//! The evaluator: votes + mechanism + ballot type + rules → [`Report`].
//!
//! This is the core and it does no IO: callers (the proposal loader, the
//! CLI, embedding programs) read the files and hand over a [`VoteSet`] and
//! optionally [`Holders`].
//!
//! Data flow, linear in the number of votes:
//! 1. each vote's token weight: its own weight, else its holder balance;
//! 2. the mechanism turns weights into powers (one per vote);
//! 3. the ballot type sorts valid from invalid ballots (invalid ones are
//!    counted by reason) and tallies the valid ones into exact scores;
//! 4. the decision rules compare scores with quorum and thresholds.

use std::collections::BTreeMap;

use crate::amount::{Amount, Power};
use crate::ballot::{BallotType, CountedBallot};
use crate::choices::Choices;
use crate::error::{Error, Location, Result};
use crate::io::{Holders, OfficialStatus};
use crate::mechanism::{Electorate, Mechanism};
use crate::report::Report;
use crate::rules::DecisionRules;
use crate::score::Score;
use crate::vote::VoteSet;

/// Everything about a proposal except its votes: what to evaluate and how.
pub struct Evaluation<'a> {
    /// Proposal id.
    pub id: String,
    /// Title, if known.
    pub title: Option<String>,
    /// The choices.
    pub choices: Choices,
    /// How ballots become scores.
    pub ballot: &'a (dyn BallotType + Sync),
    /// How voters get power.
    pub mechanism: &'a (dyn Mechanism + Sync),
    /// Quorum and passing rules.
    pub rules: DecisionRules,
    /// The token's decimals.
    pub decimals: u8,
    /// Total supply for fractional quorums; by default the holders' total.
    pub total_supply: Option<Amount>,
    /// The official outcome, when the source records one (governor logs).
    pub official: Option<OfficialStatus>,
}

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
    /// Invalid ballots by reason.
    pub invalid_reasons: BTreeMap<String, u64>,
}

/// The tally before the rules: scores and counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tally {
    /// Score of each choice, in choice order.
    pub scores: Vec<Score>,
    /// Power of the valid ballots.
    pub counted_power: Power,
    /// Power of all ballots, valid or not (Snapshot's `scores_total`).
    pub cast_power: Power,
    /// What happened to the votes.
    pub counts: VoteCounts,
}

impl Evaluation<'_> {
    /// Scores the votes without deciding.
    pub fn tally(&self, votes: &VoteSet, holders: Option<&Holders>) -> Result<Tally> {
        let at = |line: u64| Location::line(&votes.source, line);
        let mut weights: Vec<Amount> = Vec::with_capacity(votes.votes.len());
        for v in &votes.votes {
            weights.push(match (v.weight, holders, &v.voter) {
                (Some(w), _, _) => w,
                (None, Some(h), Some(voter)) => h.balance(voter),
                (None, _, _) => {
                    return Err(Error::input(
                        at(v.line),
                        "the vote states no weight and the proposal has no [holders] snapshot \
                         to look the voter up in",
                    ))
                }
            });
        }
        let electorate = Electorate {
            source: &votes.source,
            votes: &votes.votes,
            weights: &weights,
            holders,
            decimals: self.decimals,
        };
        let powers = self.mechanism.assign_power(&electorate)?;
        if powers.len() != votes.votes.len() {
            return Err(Error::invalid(format!(
                "mechanism {} returned {} powers for {} votes",
                self.mechanism.name(),
                powers.len(),
                votes.votes.len()
            )));
        }

        let n = self.choices.len();
        let mut counts = VoteCounts {
            read: votes.read,
            replaced: votes.replaced,
            ..VoteCounts::default()
        };
        let mut valid = Vec::with_capacity(votes.votes.len());
        let mut counted_power = Power::ZERO;
        let mut cast_power = Power::ZERO;
        for (vote, &power) in votes.votes.iter().zip(&powers) {
            cast_power = cast_power
                .checked_add(power)
                .ok_or_else(|| Error::overflow(Some(at(vote.line)), "the total power cast"))?;
            match self.ballot.check(&vote.selection, n) {
                Ok(()) => {
                    counted_power = counted_power.checked_add(power).expect("<= cast power");
                    valid.push(CountedBallot {
                        selection: &vote.selection,
                        power,
                        line: vote.line,
                    });
                }
                Err(reason) => {
                    counts.invalid += 1;
                    *counts
                        .invalid_reasons
                        .entry(reason.as_str().to_string())
                        .or_default() += 1;
                }
            }
        }
        counts.counted = valid.len() as u64;
        let scores = self.ballot.tally(n, &valid).map_err(|o| {
            Error::overflow(
                Some(at(o.line)),
                format!("the score of choice {:?}", self.choices.names()[o.choice]),
            )
        })?;
        Ok(Tally {
            scores,
            counted_power,
            cast_power,
            counts,
        })
    }

    /// Tallies the votes and applies the rules.
    pub fn run(&self, votes: &VoteSet, holders: Option<&Holders>) -> Result<Report> {
        let tally = self.tally(votes, holders)?;
        let supply = self
            .mechanism
            .supply_power(holders, self.total_supply, self.decimals)?
            .map(|p| Amount::from_base_units(p.units()));
        let power_decimals = self.mechanism.power_decimals(self.decimals);
        let decision = self
            .rules
            .decide(&self.choices, &tally.scores, supply, power_decimals)?;
        Ok(Report::new(self, tally, decision, power_decimals))
    }
}
