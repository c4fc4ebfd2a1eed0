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

use crate::amount::{Amount, Power};
use crate::ballot::{BallotType, CountedBallot};
use crate::choices::Choices;
use crate::delegation::{DelegationStage, Order};
use crate::error::{Error, Location, Result};
use crate::io::{Holders, OfficialStatus};
use crate::mechanism::{Cap, Electorate, Mechanism};
use crate::quantity::{Proportion, Quantity};
use crate::report::{ChoiceResult, QuorumReport, Report, Tally, VoteCounts};
use crate::rules::window::{self, TimedVote, WalkContext};
use crate::rules::{
    Decision, DecisionRules, Outcome, QuorumRole, Standing, VoteWindow, WindowReport,
};
use crate::score::Score;
use crate::vote::{Vote, VoteSet};

/// The delegation stage and the holders it resolved, when there is one.
type DelegatedHolders<'h> = Option<(&'h DelegationStage, &'h Holders)>;

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
    pub mechanism: &'a dyn Mechanism,
    /// Delegation ahead of the mechanism (it needs holders), if any.
    pub delegation: Option<&'a DelegationStage>,
    /// A whale cap on the powers the mechanism assigns, if any.
    pub cap: Option<Cap>,
    /// Quorum and passing rules.
    pub rules: DecisionRules,
    /// The token's decimals.
    pub decimals: u8,
    /// Total supply for fractional quorums; by default the holders' total.
    pub total_supply: Option<Amount>,
    /// The official outcome, when the source records one (governor logs).
    pub official: Option<OfficialStatus>,
    /// The voting window, when rules depend on when votes are cast
    /// (super-quorum, late quorum): votes after it are not counted.
    pub window: Option<VoteWindow>,
}

impl<'a> Evaluation<'a> {
    /// An evaluation without title, explicit supply or official outcome
    /// (set those fields afterwards when needed).
    pub fn new(
        id: impl Into<String>,
        choices: Choices,
        ballot: &'a (dyn BallotType + Sync),
        mechanism: &'a dyn Mechanism,
        rules: DecisionRules,
        decimals: u8,
    ) -> Evaluation<'a> {
        Evaluation {
            id: id.into(),
            title: None,
            choices,
            ballot,
            mechanism,
            delegation: None,
            cap: None,
            rules,
            decimals,
            total_supply: None,
            official: None,
            window: None,
        }
    }

    /// Scores the votes without deciding.
    pub fn tally(&self, votes: &VoteSet, holders: Option<&Holders>) -> Result<Tally> {
        if !self.ballot.accumulates_casts() {
            return self.tally_ballots(votes, holders, None);
        }
        // Fractional votes: each voter's casts merged into one ballot (with
        // the weights the casts state or the holders give), then the
        // merged ballots go through the mechanism like any vote.
        if self.delegation.is_some() {
            return Err(Error::invalid(
                "fractional votes are cast with the delegates' weights already (the governor's \
                 voting power): remove the [delegation] section",
            ));
        }
        let (pinned, combined) = self.merge_casts(votes, holders)?;
        self.tally_ballots(&pinned, None, Some(&combined))
    }

    /// The votes the tally counts one by one, in the order of
    /// [`Tally::powers`]: `votes` itself, or for fractional ballots each
    /// voter's casts merged into one vote (in order of first cast).
    pub fn counted_votes<'v>(
        &self,
        votes: &'v VoteSet,
        holders: Option<&Holders>,
    ) -> Result<std::borrow::Cow<'v, VoteSet>> {
        if !self.ballot.accumulates_casts() {
            return Ok(std::borrow::Cow::Borrowed(votes));
        }
        Ok(std::borrow::Cow::Owned(self.merge_casts(votes, holders)?.0))
    }

    /// Fractional casts merged per voter, each merged vote pinned to its
    /// weight; with what the merge counted.
    fn merge_casts(
        &self,
        votes: &VoteSet,
        holders: Option<&Holders>,
    ) -> Result<(VoteSet, crate::ballot::Combined)> {
        let (weights, _) = self.token_weights(votes, holders)?;
        let combined =
            crate::ballot::combine_fractional_casts(votes, &weights, self.choices.len())?;
        let pinned = VoteSet {
            votes: combined
                .votes
                .votes
                .iter()
                .zip(&combined.weights)
                .map(|(v, &w)| Vote {
                    weight: Some(w),
                    ..v.clone()
                })
                .collect(),
            ..combined.votes.clone()
        };
        Ok((pinned, combined))
    }

    /// Each vote's token weight: its own, else its holder balance, then
    /// moved by the delegation stage; with the stage and its holders.
    fn token_weights<'h>(
        &'h self,
        votes: &VoteSet,
        holders: Option<&'h Holders>,
    ) -> Result<(Vec<Amount>, DelegatedHolders<'h>)> {
        let at = |line: u64| Location::line(&votes.source, line);
        let unweighted = |v: &Vote| {
            Error::input(
                at(v.line),
                "the vote states no weight and the proposal has no [holders] snapshot \
                 to look the voter up in",
            )
        };
        let Some(stage) = self.delegation else {
            let weights = crate::parallel::map_indices(
                votes.votes.len(),
                crate::parallel::PARALLEL_ITEMS,
                |i| {
                    let v = &votes.votes[i];
                    match (v.weight, holders, &v.voter) {
                        (Some(w), _, _) => Ok(w),
                        (None, Some(h), Some(voter)) => Ok(h.balance(voter)),
                        (None, _, _) => Err(i),
                    }
                },
            )
            .map_err(|i| unweighted(&votes.votes[i]))?;
            return Ok((weights, None));
        };
        // Behind a delegation stage the weights are the resolved ones: the
        // holders are not looked up for each vote first (a million-holder
        // comparison did that once per mechanism for nothing); the same
        // errors, in the same order, as before.
        if let Some(v) = votes
            .votes
            .iter()
            .find(|v| v.weight.is_none() && (holders.is_none() || v.voter.is_none()))
        {
            return Err(unweighted(v));
        }
        let h = stage.holders(&votes.source, &votes.votes, holders)?;
        let weights = stage.token_weights(&votes.votes, h)?;
        let delegated_holders = Some((stage, h));
        Ok((weights, delegated_holders))
    }

    /// The tally of votes that each count on their own (`merged`: the
    /// fractional casts they were merged from, for the counts).
    fn tally_ballots(
        &self,
        votes: &VoteSet,
        holders: Option<&Holders>,
        merged: Option<&crate::ballot::Combined>,
    ) -> Result<Tally> {
        let at = |line: u64| Location::line(&votes.source, line);
        let (weights, delegated_holders) = self.token_weights(votes, holders)?;
        let electorate = Electorate {
            source: &votes.source,
            votes: &votes.votes,
            weights: &weights,
            holders,
            decimals: self.decimals,
        };
        let mut powers = match delegated_holders {
            Some((stage, h)) if stage.order == Order::BeforeDelegation => {
                self.powers_before_delegation(stage, &electorate, h)?
            }
            _ => self.mechanism.assign_power(&electorate)?,
        };
        if powers.len() != votes.votes.len() {
            return Err(Error::invalid(format!(
                "mechanism {} returned {} powers for {} votes",
                self.mechanism.name(),
                powers.len(),
                votes.votes.len()
            )));
        }
        if let Some(cap) = &self.cap {
            cap.apply(&mut powers)?;
        }
        let mut details = self.mechanism.details(&electorate, &powers);
        if let Some((stage, h)) = delegated_holders {
            details.push(stage.details(&votes.votes, &weights, h, self.decimals));
        }

        let n = self.choices.len();
        let mut counts = VoteCounts {
            read: votes.read,
            replaced: votes.replaced,
            ..VoteCounts::default()
        };
        if let Some(m) = merged {
            counts.merged = m.merged;
            counts.invalid = m.invalid.len() as u64;
            for (_, reason) in &m.invalid {
                *counts
                    .invalid_reasons
                    .entry(reason.as_str().to_string())
                    .or_default() += 1;
            }
        }
        // Token-weighted powers are the weights, so the turnout is the
        // scores; otherwise the ballots are tallied again over the weights.
        let powers_are_weights = powers
            .iter()
            .zip(&weights)
            .all(|(p, w)| p.units() == w.base_units());
        // Where each valid ballot's vote is: needed only to tally again or
        // to replay the window (8 bytes a vote saved otherwise).
        let indexed = self.window.is_some() || !powers_are_weights;
        // Powers equal to the weights are not held twice while the valid
        // ballots are written (the run's peak memory: 16 bytes a vote);
        // they are made again from the weights once the tally is done.
        if powers_are_weights {
            powers = Vec::new();
        }
        let crate::counted::Counted {
            mut valid,
            mut valid_index,
            sums,
        } = crate::counted::Check {
            ballot: self.ballot,
            choices: n,
            votes: &votes.votes,
            powers: (!powers_are_weights).then_some(&powers[..]),
            weights: &weights,
            indexed,
        }
        .run()
        .map_err(|o| match o {
            crate::counted::Overflow::CastPower(i) => {
                Error::overflow(Some(at(votes.votes[i].line)), "the total power cast")
            }
            crate::counted::Overflow::CountedTokens(i) => {
                Error::overflow(Some(at(votes.votes[i].line)), "the total tokens counted")
            }
        })?;
        let mut counted_power = sums.counted_power;
        let mut counted_tokens = sums.counted_tokens;
        let cast_power = sums.cast_power;
        for (reason, count) in sums.invalid {
            counts.invalid += count;
            *counts
                .invalid_reasons
                .entry(reason.to_string())
                .or_default() += count;
        }
        let overflow = |o: crate::ballot::TallyOverflow| {
            Error::overflow(
                Some(at(o.line)),
                format!("the score of choice {:?}", self.choices.names()[o.choice]),
            )
        };
        let window_report = match &self.window {
            Some(w) => {
                let scored = !w.rules.is_empty();
                let timed = self.timed_votes(votes, &valid, &valid_index, &weights, scored)?;
                let supply = self.total_supply.or_else(|| holders.map(Holders::total));
                let (keep, report) = self.walk_window(w, &timed.0, supply)?;
                let mut kept = vec![true; valid.len()];
                for (&k, &pos) in keep.iter().zip(&timed.1) {
                    kept[pos] = k;
                }
                let mut k = kept.iter();
                valid.retain(|_| *k.next().expect("one flag per ballot"));
                let mut k = kept.iter();
                valid_index.retain(|_| *k.next().expect("one flag per ballot"));
                counted_power = Power::ZERO;
                counted_tokens = Amount::ZERO;
                for (b, &i) in valid.iter().zip(&valid_index) {
                    counted_power = counted_power.checked_add(b.power).expect("<= cast power");
                    counted_tokens = counted_tokens
                        .checked_add(weights[i])
                        .expect("summed above");
                }
                counts.too_late = report.too_late;
                Some(report)
            }
            None => None,
        };
        counts.counted = valid.len() as u64;
        let scores = self.ballot.tally(n, &valid).map_err(overflow)?;
        // Turnout: the same ballot rule over token weights. For
        // token-weighted voting these are the scores already.
        let turnout = if powers_are_weights {
            scores.clone()
        } else {
            for (ballot, &i) in valid.iter_mut().zip(&valid_index) {
                ballot.power = Power::from(weights[i]);
            }
            self.ballot.tally(n, &valid).map_err(overflow)?
        };
        drop(valid);
        if powers_are_weights {
            powers =
                crate::parallel::map_all(weights.len(), crate::parallel::PARALLEL_ITEMS, |i| {
                    Power::from(weights[i])
                });
        }
        Ok(Tally {
            scores,
            turnout,
            weights,
            powers,
            details,
            counted_power,
            counted_tokens,
            cast_power,
            counts,
            window: window_report,
        })
    }

    /// The valid ballots in time order, each with what it adds to each
    /// choice (in power and in tokens, when `scored`), and each one's
    /// position in `valid`.
    fn timed_votes(
        &self,
        votes: &VoteSet,
        valid: &[CountedBallot<'_>],
        valid_index: &[usize],
        weights: &[Amount],
        scored: bool,
    ) -> Result<(Vec<TimedVote>, Vec<usize>)> {
        if scored && !self.ballot.adds_up() {
            return Err(Error::invalid(format!(
                "the voting-window rules replay ballots one at a time, which needs a ballot whose \
                 scores add up; {} ballots do not (use single-choice, approval, weighted, \
                 basic or fractional)",
                self.ballot.name()
            )));
        }
        let n = self.choices.len();
        let overflow = |line: u64| {
            Error::overflow(Some(Location::line(&votes.source, line)), "a vote's score")
        };
        let mut timed = Vec::with_capacity(valid.len());
        for (pos, (b, &i)) in valid.iter().zip(valid_index).enumerate() {
            let vote = &votes.votes[i];
            let cast_at = vote.cast_at.as_ref().ok_or_else(|| {
                Error::input(
                    Location::line(&votes.source, vote.line),
                    "the voting-window rules need each vote's block or unix time (a governor log's \
                     block column, or the vote file's time column): this vote has none",
                )
            })?;
            let at: u64 = cast_at.as_str().parse().map_err(|_| {
                Error::input(
                    Location::line(&votes.source, vote.line),
                    format!(
                        "time {:?}: the voting-window rules compare block numbers or unix times \
                         (a whole number)",
                        cast_at.as_str()
                    ),
                )
            })?;
            let (power, tokens) = if scored {
                let as_tokens = CountedBallot {
                    power: Power::from(weights[i]),
                    ..*b
                };
                (
                    self.ballot
                        .tally(n, std::slice::from_ref(b))
                        .map_err(|o| overflow(o.line))?,
                    self.ballot
                        .tally(n, std::slice::from_ref(&as_tokens))
                        .map_err(|o| overflow(o.line))?,
                )
            } else {
                (Vec::new(), Vec::new())
            };
            timed.push((
                TimedVote {
                    at,
                    line: vote.line,
                    power,
                    tokens,
                },
                pos,
            ));
        }
        timed.sort_by_key(|(v, _)| (v.at, v.line));
        Ok(timed.into_iter().unzip())
    }

    fn walk_window(
        &self,
        w: &VoteWindow,
        timed: &[TimedVote],
        supply: Option<Amount>,
    ) -> Result<(Vec<bool>, WindowReport)> {
        window::walk(
            w,
            &WalkContext {
                rules: &self.rules,
                choices: &self.choices,
                supply,
                power_decimals: self.mechanism.power_decimals(self.decimals),
                token_decimals: self.decimals,
            },
            timed,
        )
    }

    /// [`Order::BeforeDelegation`]: the mechanism turns every holder's own
    /// balance into power, and delegation moves that power to the voters.
    fn powers_before_delegation(
        &self,
        stage: &DelegationStage,
        e: &Electorate<'_>,
        holders: &Holders,
    ) -> Result<Vec<Power>> {
        let list = DelegationStage::holder_list(holders);
        let as_votes: Vec<Vote> = list
            .iter()
            .map(|(voter, _)| Vote {
                voter: Some((*voter).clone()),
                selection: crate::vote::Selection::Single(1),
                weight: None,
                cast_at: None,
                line: 0,
                attributes: crate::vote::Attributes::new(),
            })
            .collect();
        let balances: Vec<Amount> = list.iter().map(|(_, a)| *a).collect();
        let own = self.mechanism.assign_power(&Electorate {
            votes: &as_votes,
            weights: &balances,
            ..*e
        })?;
        stage.resolve_powers(e.votes, &list, own)
    }

    /// The mechanism's name with its delegation and cap, as reports show it.
    pub fn mechanism_name(&self) -> String {
        let mut name = self.mechanism.name();
        if let Some(stage) = self.delegation {
            name = stage.describe(&name);
        }
        if let Some(cap) = &self.cap {
            name = cap.describe(&name);
        }
        name
    }

    /// The votes with each one's token weight written on it, as the tally
    /// resolves it (own weight, else holder balance, else what the
    /// mechanism moves to it): what-if analyses can then split or add
    /// wallets that no holder file lists.
    pub fn pin_weights(&self, votes: &VoteSet, holders: Option<&Holders>) -> Result<VoteSet> {
        let (weights, _) = self.token_weights(votes, holders)?;
        Ok(VoteSet {
            source: votes.source.clone(),
            votes: votes
                .votes
                .iter()
                .zip(weights)
                .map(|(v, w)| Vote {
                    weight: Some(w),
                    ..v.clone()
                })
                .collect(),
            read: votes.read,
            replaced: votes.replaced,
        })
    }

    /// Tallies the votes and applies the rules.
    pub fn run(&self, votes: &VoteSet, holders: Option<&Holders>) -> Result<Report> {
        let tally = self.tally(votes, holders)?;
        let power_decimals = self.mechanism.power_decimals(self.decimals);
        let decision = self.decide(&tally, holders)?;
        Ok(self.report(tally, decision, power_decimals))
    }

    /// The result: exact quantities with their units, the decision, and
    /// the tally behind it.
    fn report(&self, tally: Tally, d: Decision, power_decimals: u8) -> Report {
        let names = self.choices.names();
        let total = Score::sum(&tally.scores);
        let choices = names
            .iter()
            .zip(&tally.scores)
            .map(|(name, s)| ChoiceResult {
                name: name.clone(),
                power: Quantity::new(s.clone(), power_decimals),
                share: Proportion::new(s.share_of(&total)),
            })
            .collect();
        // Quorums count turnout: tokens, in the token's decimals.
        let tokens = |s: Score| Quantity::new(s, self.decimals);
        let quorum = match &d.quorum {
            Some(q) => QuorumReport {
                set: true,
                required: tokens(Score::from_rational(q.required.clone())),
                counted: tokens(q.counted.clone()),
                reached: q.reached,
                strict: q.strict && self.rules.pass.test().quorum_role() == QuorumRole::StrictGate,
                counts: q.counts.iter().map(|&i| names[i].clone()).collect(),
            },
            None => QuorumReport {
                set: false,
                required: Quantity::default(),
                strict: false,
                counted: Quantity::tokens(tally.counted_tokens, self.decimals),
                reached: true,
                counts: names.to_vec(),
            },
        };
        Report {
            id: self.id.clone(),
            title: self.title.clone(),
            mechanism: self.mechanism_name(),
            ballot: self.ballot.name().to_string(),
            power_decimals,
            choices,
            counted_power: Quantity::power(tally.counted_power, power_decimals),
            cast_power: Quantity::power(tally.cast_power, power_decimals),
            quorum,
            outcome: d.outcome,
            reason: d.reason,
            winner: d.winner.map(|i| names[i].clone()),
            early_execution: d.early_execution,
            votes: tally.counts.clone(),
            notes: self.mechanism.notes(),
            mechanism_details: tally.details.clone(),
            official_outcome: self.official,
            window: tally.window.clone(),
            tally,
        }
    }

    /// Applies the rules to a tally (scores possibly changed by a caller
    /// exploring what-ifs). The total supply is `total_supply` if set, else
    /// the holders' total.
    /// A vote that a window rule closed early (super-quorum) has passed,
    /// as the governor's state says, whatever the rules would say at the
    /// deadline.
    pub fn decide(&self, tally: &Tally, holders: Option<&Holders>) -> Result<Decision> {
        let mut d = self.decide_scores(&tally.scores, &tally.turnout, holders)?;
        if let Some(WindowReport {
            closed_at: Some(_),
            closed_reason,
            ..
        }) = &tally.window
        {
            d.outcome = Outcome::Passed;
            d.reason = closed_reason
                .clone()
                .unwrap_or_else(|| "closed early".into());
            d.winner = self.rules.roles.map(|r| r.for_choice);
        }
        Ok(d)
    }

    /// Applies the rules to scores (power units) and turnout (base units).
    pub fn decide_scores(
        &self,
        scores: &[Score],
        turnout: &[Score],
        holders: Option<&Holders>,
    ) -> Result<Decision> {
        let supply = self.total_supply.or_else(|| holders.map(Holders::total));
        self.rules.decide(
            &self.choices,
            &Standing {
                scores,
                turnout,
                power_decimals: self.mechanism.power_decimals(self.decimals),
                token_decimals: self.decimals,
            },
            supply,
        )
    }
}
