//! The voting window: which votes arrive in time to count, for rules that
//! depend on *when* votes are cast (OpenZeppelin's super-quorum and
//! late-quorum extensions).
//!
//! A governor accepts a vote only while the proposal is `Active`: up to
//! and including its deadline, and not after it has already succeeded.
//! [`walk`] replays the valid votes in time order (their block or unix
//! time, then file order: a governor log lists one block's votes in
//! chain order), keeps a running tally, and after each vote asks every
//! [`WindowRule`]; a rule may move the deadline (late quorum) or close the
//! vote early (super-quorum). Votes after the (possibly moved) deadline,
//! or after an early close, are not counted and are reported.
//!
//! Architecture invariant: the walk only decides which votes count; the
//! outcome is then decided by the proposal's rules on the votes kept,
//! except after an early close, which passes the proposal as the contract
//! does.

use std::fmt;
use std::sync::Arc;

use num_rational::BigRational;
use num_traits::Zero;

use super::{DecisionRules, Judging, QuorumStatus, Standing};
use crate::amount::Amount;
use crate::choices::Choices;
use crate::error::{Error, Result};
use crate::score::Score;

/// A rule that looks at the running tally after each vote.
pub trait WindowRule: fmt::Debug + Send + Sync {
    /// How proposal files write it (its `[rules]` key).
    fn label(&self) -> String;

    /// Whether it needs the proposal's deadline (`rules.vote_end`).
    fn needs_end(&self) -> bool {
        false
    }

    /// Called after each vote that counted, with the tally so far.
    fn after_vote(&self, step: &WindowStep<'_>, state: &mut WindowState) -> Result<()>;
}

/// One vote of the walk, with the tally up to and including it.
#[derive(Clone, Copy, Debug)]
pub struct WindowStep<'a> {
    /// When it was cast (block or unix time).
    pub at: u64,
    /// Its line in the vote file.
    pub line: u64,
    /// The running tally, as the rules see it.
    pub judging: &'a Judging<'a>,
    /// The proposal's quorum over the running tally, if it has one.
    pub quorum: Option<&'a QuorumStatus>,
}

/// What the rules have done to the window so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WindowState {
    /// The deadline now (the last block or time at which a vote counts).
    pub end: Option<u64>,
    /// When the quorum was first reached (late-quorum rule).
    pub quorum_reached_at: Option<u64>,
    /// The deadline the late-quorum rule set (`ProposalExtended`), even
    /// when it is not later than the original one.
    pub extended_end: Option<u64>,
    /// The vote closed early: when, and why.
    pub closed: Option<(u64, String)>,
}

/// The window of a proposal: its deadline and the rules that move it.
#[derive(Clone, Debug, Default)]
pub struct VoteWindow {
    /// The original deadline (inclusive), if known.
    pub end: Option<u64>,
    /// The rules, in the order they are asked.
    pub rules: Vec<Arc<dyn WindowRule>>,
}

impl PartialEq for VoteWindow {
    fn eq(&self, other: &Self) -> bool {
        format!("{self:?}") == format!("{other:?}")
    }
}

impl Eq for VoteWindow {}

/// A valid vote as the walk sees it: its time and what it adds to each
/// choice, in power and in tokens.
#[derive(Clone, Debug)]
pub struct TimedVote {
    /// Block or unix time.
    pub at: u64,
    /// Line in the vote file.
    pub line: u64,
    /// What it adds to each choice's score.
    pub power: Vec<Score>,
    /// What it adds to each choice's turnout.
    pub tokens: Vec<Score>,
}

/// What the window did, for the report.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct WindowReport {
    /// The original deadline.
    pub end: Option<u64>,
    /// The deadline after the rules moved it.
    pub effective_end: Option<u64>,
    /// When the quorum was first reached (late-quorum rule).
    pub quorum_reached_at: Option<u64>,
    /// When the vote closed early (super-quorum), if it did.
    pub closed_at: Option<u64>,
    /// Why it closed early.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed_reason: Option<String>,
    /// Valid votes cast after the deadline or the early close: not counted.
    pub too_late: u64,
}

/// The walk's inputs besides the votes.
#[derive(Clone, Copy, Debug)]
pub struct WalkContext<'a> {
    /// The proposal's rules (roles and quorum).
    pub rules: &'a DecisionRules,
    /// The choices.
    pub choices: &'a Choices,
    /// The total supply, if known.
    pub supply: Option<Amount>,
    /// Decimals of power and tokens, for reasons.
    pub power_decimals: u8,
    /// The token's decimals.
    pub token_decimals: u8,
}

/// Replays `votes` in time order (they must be sorted by time, then
/// line); returns which of them count (same order) and the report.
pub fn walk(
    window: &VoteWindow,
    cx: &WalkContext<'_>,
    votes: &[TimedVote],
) -> Result<(Vec<bool>, WindowReport)> {
    if window.end.is_none() {
        if let Some(rule) = window.rules.iter().find(|r| r.needs_end()) {
            return Err(Error::invalid(format!(
                "{} needs the proposal's deadline: set rules.vote_end (a block or unix time), \
                 or read the votes from a governor log whose ProposalCreated row has endBlock",
                rule.label()
            )));
        }
    }
    let n = cx.choices.len();
    let mut power = vec![BigRational::zero(); n];
    let mut tokens = vec![BigRational::zero(); n];
    let mut state = WindowState {
        end: window.end,
        ..WindowState::default()
    };
    let mut keep = Vec::with_capacity(votes.len());
    let mut too_late = 0;
    for v in votes {
        let late = state.closed.is_some() || state.end.is_some_and(|end| v.at > end);
        keep.push(!late);
        if late {
            too_late += 1;
            continue;
        }
        for (sum, add) in power.iter_mut().zip(&v.power) {
            *sum += add.as_rational();
        }
        for (sum, add) in tokens.iter_mut().zip(&v.tokens) {
            *sum += add.as_rational();
        }
        if window.rules.is_empty() {
            continue;
        }
        let scores: Vec<Score> = power.iter().cloned().map(Score::from_rational).collect();
        let turnout: Vec<Score> = tokens.iter().cloned().map(Score::from_rational).collect();
        let standing = Standing {
            scores: &scores,
            turnout: &turnout,
            power_decimals: cx.power_decimals,
            token_decimals: cx.token_decimals,
        };
        let quorum = cx
            .rules
            .quorum
            .as_ref()
            .map(|q| q.status(&turnout, cx.supply, false))
            .transpose()?;
        let judging = Judging {
            choices: cx.choices,
            roles: cx.rules.roles,
            standing: &standing,
            quorum: quorum.as_ref(),
            supply: cx.supply,
        };
        let step = WindowStep {
            at: v.at,
            line: v.line,
            judging: &judging,
            quorum: quorum.as_ref(),
        };
        for rule in &window.rules {
            rule.after_vote(&step, &mut state)?;
        }
    }
    let report = WindowReport {
        end: window.end,
        effective_end: state.end,
        quorum_reached_at: state.quorum_reached_at,
        closed_at: state.closed.as_ref().map(|(at, _)| *at),
        closed_reason: state.closed.map(|(_, why)| why),
        too_late,
    };
    Ok((keep, report))
}
