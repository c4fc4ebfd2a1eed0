//! An OpenGov referendum decided over time: track curves, decision and
//! confirm periods, a timeline of votes and delegations.
//!
//! Model (`pallet-referenda`'s `service_referendum`, evaluated at every
//! block):
//! - the referendum is submitted at `submitted` and starts deciding at
//!   `submitted + prepare_period` (the decision deposit is assumed placed
//!   and the track to have room); votes cast before count from the start;
//! - at block `b ≥ since` it is *passing* iff `support ≥ min_support(x)`
//!   and `approval ≥ min_approval(x)` with `x = min(b − since, period) /
//!   period` (Perbill, rounded down), approval `ayes/(ayes + nays)` and
//!   support `support / total issuance`;
//! - passing and not confirming: confirming starts, to end at `b +
//!   confirm_period`; passing at or after that end: **approved**; not
//!   passing while confirming: confirmation is aborted; not passing at or
//!   after `since + decision_period`: **rejected**;
//! - votes at block `b` count in `b`'s check; votes after the decision are
//!   ignored (and counted).
//!
//! The pallet itself wakes on votes and on alarms it computes with
//! `Curve::delay` to land on the first passing block; evaluating every block
//! gives the same decision whenever those alarms land there. Between votes
//! the tally is fixed and passing can only switch on (curves never rise), so
//! the first passing block of a quiet stretch is found by bisection: the
//! cost grows with the votes, not the blocks.

use super::curve::{Curve, Perbill};
use super::polkadot::{AccountVote, ReferendumTally, VoteBook, VoteThreshold};
use super::Conviction;
use crate::error::{Error, Result};

/// A track's timing and curves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Track {
    /// Blocks between submission and the start of deciding.
    pub prepare_period: u64,
    /// Blocks the curves run over.
    pub decision_period: u64,
    /// Blocks a referendum must keep passing to be approved.
    pub confirm_period: u64,
    /// Approval needed over the decision period.
    pub min_approval: Curve,
    /// Support needed over the decision period.
    pub min_support: Curve,
}

/// One action of the vote timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Cast or replace a vote.
    Vote(AccountVote),
    /// Remove the account's vote.
    Remove,
    /// Delegate `balance` at `conviction` to `target`.
    Delegate {
        /// The delegate.
        target: String,
        /// The delegator's conviction.
        conviction: Conviction,
        /// Balance delegated.
        balance: u128,
    },
    /// End the account's delegation.
    Undelegate,
}

/// An action at a block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimedAction {
    /// Block at which it happens.
    pub block: u64,
    /// The acting account.
    pub account: String,
    /// What it does.
    pub action: Action,
}

/// How a referendum ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefOutcome {
    /// Confirmed at this block.
    Approved(u64),
    /// Failed at the end of the decision period (at this block).
    Rejected(u64),
}

impl RefOutcome {
    /// The block of the decision.
    pub fn block(self) -> u64 {
        match self {
            RefOutcome::Approved(b) | RefOutcome::Rejected(b) => b,
        }
    }

    /// True if approved.
    pub fn approved(self) -> bool {
        matches!(self, RefOutcome::Approved(_))
    }
}

/// A confirmation period that started, and how it ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Confirmation {
    /// First passing block.
    pub started: u64,
    /// Block at which it would (or did) complete.
    pub ends: u64,
    /// Block at which it was aborted (the referendum stopped passing).
    pub aborted: Option<u64>,
}

/// A lock left by the referendum on an account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lock {
    /// The account.
    pub account: String,
    /// Balance locked.
    pub balance: u128,
    /// The conviction that set it.
    pub conviction: Conviction,
    /// Lock periods (0, 1, 2, 4, ... 32).
    pub periods: u32,
    /// Why: `vote` (winning side), `delegation` (ended at `from`) or
    /// `delegating` (still delegating: locked until undelegated plus the
    /// periods).
    pub reason: &'static str,
    /// Block the periods count from.
    pub from: u64,
}

/// The decision and everything that led to it.
#[derive(Clone, Debug)]
pub struct ReferendumDecision {
    /// When deciding began.
    pub deciding_since: u64,
    /// Approved or rejected, and when.
    pub outcome: RefOutcome,
    /// Every confirmation period started.
    pub confirmations: Vec<Confirmation>,
    /// The tally at the decision.
    pub tally: ReferendumTally,
    /// Approval at the decision.
    pub approval: Perbill,
    /// Support at the decision.
    pub support: Perbill,
    /// Share of the decision period elapsed at the decision.
    pub x: Perbill,
    /// Approval needed at the decision.
    pub approval_needed: Perbill,
    /// Support needed at the decision.
    pub support_needed: Perbill,
    /// Timeline actions applied (at or before the decision).
    pub actions_applied: usize,
    /// Timeline actions after the decision (ignored).
    pub actions_ignored: usize,
    /// Locks the decision leaves.
    pub locks: Vec<Lock>,
    /// The democracy pallet's adaptive quorum biasing on the final tally,
    /// when asked for.
    pub adaptive_quorum: Option<(VoteThreshold, bool)>,
}

/// Starts a confirmation at block `at`; the block it ends at.
fn start_confirming(confirmations: &mut Vec<Confirmation>, at: u64, period: u64) -> Option<u64> {
    let ends = at.saturating_add(period);
    confirmations.push(Confirmation {
        started: at,
        ends,
        aborted: None,
    });
    Some(ends)
}

impl Track {
    /// Checks the curves and periods.
    pub fn check(&self) -> std::result::Result<(), String> {
        if self.decision_period == 0 {
            return Err("decision_period must be at least 1 block".into());
        }
        self.min_approval
            .check()
            .map_err(|e| format!("min_approval: {e}"))?;
        self.min_support
            .check()
            .map_err(|e| format!("min_support: {e}"))
    }

    /// `x` for `elapsed` blocks into the decision period.
    pub fn x(&self, elapsed: u64) -> Perbill {
        Perbill::from_rational(
            u128::from(elapsed.min(self.decision_period)),
            u128::from(self.decision_period),
        )
    }

    /// `pallet-referenda`'s `is_passing`.
    pub fn is_passing(&self, tally: &ReferendumTally, elapsed: u64, total_issuance: u128) -> bool {
        let x = self.x(elapsed);
        self.min_support.passing(x, tally.support(total_issuance))
            && self.min_approval.passing(x, tally.approval())
    }

    /// Decides a referendum submitted at `submitted` with the given vote
    /// timeline (sorted by block). `total_issuance` is the support
    /// denominator. Errors name the action (by index) the pallet would
    /// refuse.
    pub fn decide(
        &self,
        submitted: u64,
        total_issuance: u128,
        actions: &[TimedAction],
        adaptive: Option<VoteThreshold>,
    ) -> Result<ReferendumDecision> {
        self.check().map_err(Error::invalid)?;
        if total_issuance == 0 {
            return Err(Error::invalid("total issuance must be positive"));
        }
        let since = submitted
            .checked_add(self.prepare_period)
            .ok_or_else(|| Error::invalid("submitted + prepare_period overflows"))?;
        let end = since.saturating_add(self.decision_period);
        let mut book = VoteBook::default();
        let mut ended_delegations: Vec<(String, Conviction, u128, u64)> = Vec::new();
        let mut next = 0usize;
        let mut apply_through = |book: &mut VoteBook, block: u64, next: &mut usize| -> Result<()> {
            while *next < actions.len() && actions[*next].block <= block {
                let a = &actions[*next];
                if *next > 0 && a.block < actions[*next - 1].block {
                    return Err(Error::invalid(format!(
                        "action #{} at block {} comes before block {}: the timeline must be in block order",
                        *next,
                        a.block,
                        actions[*next - 1].block
                    )));
                }
                let who = a.account.as_str();
                let r = match &a.action {
                    Action::Vote(v) => book.vote(who, *v),
                    Action::Remove => book.remove_vote(who).map(|_| ()),
                    Action::Delegate {
                        target,
                        conviction,
                        balance,
                    } => book.delegate(who, target, *conviction, *balance),
                    Action::Undelegate => book.undelegate(who).map(|(c, b)| {
                        ended_delegations.push((who.to_string(), c, b, a.block));
                    }),
                };
                r.map_err(|e| {
                    Error::invalid(format!("action #{} at block {}: {e}", *next, a.block))
                })?;
                *next += 1;
            }
            Ok(())
        };
        let passing =
            |book: &VoteBook, b: u64| self.is_passing(&book.tally(), b - since, total_issuance);
        // Everything up to `since` counts at the start of deciding.
        apply_through(&mut book, since, &mut next)?;
        let mut confirmations: Vec<Confirmation> = Vec::new();
        let mut confirming: Option<u64> = None;
        if passing(&book, since) {
            confirming = start_confirming(&mut confirmations, since, self.confirm_period);
        }
        let mut b = since;
        let outcome = loop {
            let nb = actions.get(next).map_or(u64::MAX, |a| a.block);
            // Quiet stretch (b, nb): the tally is fixed.
            if let Some(c) = confirming {
                let at = c.max(b.saturating_add(1));
                if at < nb {
                    break RefOutcome::Approved(at);
                }
            } else {
                let reject_at = end.max(b.saturating_add(1));
                let search_hi = nb.saturating_sub(1).min(end.max(b.saturating_add(1)));
                let first = if b < search_hi {
                    self.first_passing(
                        &book.tally(),
                        since,
                        b.saturating_add(1),
                        search_hi,
                        total_issuance,
                    )
                } else {
                    None
                };
                match first {
                    Some(p) if p <= reject_at => {
                        confirming = start_confirming(&mut confirmations, p, self.confirm_period);
                        b = p;
                        continue;
                    }
                    _ if reject_at < nb => break RefOutcome::Rejected(reject_at),
                    _ => {}
                }
            }
            // The next vote block.
            b = nb;
            apply_through(&mut book, b, &mut next)?;
            if passing(&book, b) {
                match confirming {
                    Some(t) if b >= t => break RefOutcome::Approved(b),
                    Some(_) => {}
                    None => {
                        confirming = start_confirming(&mut confirmations, b, self.confirm_period);
                    }
                }
            } else {
                if b >= end {
                    break RefOutcome::Rejected(b);
                }
                if confirming.take().is_some() {
                    confirmations.last_mut().expect("confirming").aborted = Some(b);
                }
            }
        };
        let decided = outcome.block();
        let tally = book.tally();
        let x = self.x(decided - since);
        let adaptive_quorum = match adaptive {
            None => None,
            Some(threshold) => {
                let t = book
                    .democracy_tally()
                    .ok_or_else(|| Error::overflow(None, "democracy tally"))?;
                Some((threshold, threshold.approved(t, total_issuance)?))
            }
        };
        let mut locks = Vec::new();
        let mut accounts: Vec<(&str, &super::polkadot::Voting)> = book.accounts().collect();
        accounts.sort_by(|a, b| a.0.cmp(b.0));
        for (account, voting) in accounts {
            match voting {
                super::polkadot::Voting::Casting { vote: Some(v), .. } => {
                    if let (Some((periods, balance)), AccountVote::Standard { vote, .. }) =
                        (v.locked_if(outcome.approved()), v)
                    {
                        locks.push(Lock {
                            account: account.to_string(),
                            balance,
                            conviction: vote.conviction,
                            periods,
                            reason: "vote",
                            from: decided,
                        });
                    }
                }
                super::polkadot::Voting::Delegating {
                    balance,
                    conviction,
                    ..
                } if *conviction != Conviction::None => locks.push(Lock {
                    account: account.to_string(),
                    balance: *balance,
                    conviction: *conviction,
                    periods: conviction.lock_periods(),
                    reason: "delegating",
                    from: decided,
                }),
                _ => {}
            }
        }
        for (account, conviction, balance, block) in ended_delegations {
            if conviction != Conviction::None {
                locks.push(Lock {
                    account,
                    balance,
                    conviction,
                    periods: conviction.lock_periods(),
                    reason: "delegation",
                    from: block,
                });
            }
        }
        Ok(ReferendumDecision {
            deciding_since: since,
            outcome,
            confirmations,
            tally,
            approval: tally.approval(),
            support: tally.support(total_issuance),
            x,
            approval_needed: self.min_approval.threshold(x),
            support_needed: self.min_support.threshold(x),
            actions_applied: next,
            actions_ignored: actions.len() - next,
            locks,
            adaptive_quorum,
        })
    }

    /// First block in `[lo, hi]` at which `tally` passes (monotone in the
    /// block: the curves never rise).
    fn first_passing(
        &self,
        tally: &ReferendumTally,
        since: u64,
        lo: u64,
        hi: u64,
        issuance: u128,
    ) -> Option<u64> {
        if !self.is_passing(tally, hi - since, issuance) {
            return None;
        }
        let (mut lo, mut hi) = (lo, hi);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.is_passing(tally, mid - since, issuance) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        Some(lo)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pc(x: u32) -> Perbill {
        Perbill::from_percent(x)
    }

    /// 100 blocks; approval linear 100% -> 50%; support linear 50% -> 0%.
    fn track() -> Track {
        Track {
            prepare_period: 10,
            decision_period: 100,
            confirm_period: 10,
            min_approval: Curve::LinearDecreasing {
                length: pc(100),
                floor: pc(50),
                ceil: pc(100),
            },
            min_support: Curve::LinearDecreasing {
                length: pc(100),
                floor: pc(0),
                ceil: pc(50),
            },
        }
    }

    fn vote(block: u64, who: &str, v: AccountVote) -> TimedAction {
        TimedAction {
            block,
            account: who.into(),
            action: Action::Vote(v),
        }
    }

    #[test]
    fn unanimous_aye_confirms_at_once() {
        // aye 300 of 1000 issuance: approval 100%, support 30% >= 50% − 50%·x
        // from x = 40% (block 10 + 40 = 50); confirm 10 blocks -> 60.
        let d = track()
            .decide(
                0,
                1000,
                &[vote(0, "a", AccountVote::aye(300, Conviction::Locked1x))],
                None,
            )
            .unwrap();
        assert_eq!(d.deciding_since, 10);
        assert_eq!(d.confirmations[0].started, 50);
        assert_eq!(d.outcome, RefOutcome::Approved(60));
        assert_eq!(d.locks.len(), 1);
        assert_eq!(d.locks[0].periods, 1);
    }

    #[test]
    fn a_late_nay_aborts_confirmation_and_the_referendum_fails() {
        let actions = [
            vote(0, "a", AccountVote::aye(300, Conviction::Locked1x)),
            // At block 55 (confirming since 50) a nay drops approval to 3/(3+4).
            vote(55, "b", AccountVote::nay(400, Conviction::Locked1x)),
        ];
        let d = track().decide(0, 1000, &actions, None).unwrap();
        assert_eq!(d.confirmations[0].aborted, Some(55));
        // Approval 300/700 = 42.9% never reaches the 50% floor: rejected at 110.
        assert_eq!(d.outcome, RefOutcome::Rejected(110));
        // The winning (nay) side is locked.
        assert_eq!(d.locks[0].account, "b");
    }

    #[test]
    fn nobody_votes() {
        // No ayes and no nays: approval is 100% (Perbill::from_rational(0, 0)
        // saturates to one, as in the pallet), and this track's support
        // floor is 0%: the referendum passes at the very end (x = 100%) and
        // is confirmed 10 blocks later.
        let d = track().decide(5, 1000, &[], None).unwrap();
        assert_eq!(d.confirmations[0].started, 115);
        assert_eq!(d.outcome, RefOutcome::Approved(125));
        // With a 1% support floor it is rejected at the end.
        let mut t = track();
        t.min_support = Curve::LinearDecreasing {
            length: pc(100),
            floor: pc(1),
            ceil: pc(50),
        };
        let d = t.decide(5, 1000, &[], None).unwrap();
        assert_eq!(d.outcome, RefOutcome::Rejected(115));
        assert!(d.confirmations.is_empty());
    }
}
