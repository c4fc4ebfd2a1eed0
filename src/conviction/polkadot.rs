//! Lock-multiplier conviction, as Polkadot's `pallet-conviction-voting`
//! counts it.
//!
//! A voter locks its balance for longer to multiply its votes:
//! [`Conviction::None`] counts a tenth of the capital and locks nothing;
//! `Locked1x` … `Locked6x` multiply by 1 … 6 and lock for 1, 2, 4, 8, 16, 32
//! lock periods, and only if the vote was on the winning side.
//! A [`ReferendumTally`] keeps `ayes` and `nays` in convicted votes and `support` in
//! plain capital of aye (and abstain) votes. Policy, as in the pallet:
//! - split and split-abstain votes count at 0.1x (no conviction); abstain
//!   capital counts toward support only;
//! - delegation is one hop: an account's delegated balance counts, with
//!   the delegator's own conviction, only while the target casts a
//!   standard vote; delegations to an account that itself delegates are
//!   kept but not passed on ("we don't support second level delegating");
//!   delegating to oneself is an error;
//! - an account either votes or delegates, never both.
//!
//! Deviation, on purpose: the pallet saturates `Conviction::votes` at the
//! balance type's maximum and adds delegations with saturation; govkit's
//! [`ReferendumTally`] refuses overflow instead ([`Conviction::votes`] saturates for
//! compatibility, [`Conviction::checked_votes`] does not).

use std::collections::HashMap;

use super::lock::Conviction;

use crate::error::{Error, Result};

impl Conviction {
    /// Votes and capital for `capital` ([`ConvictionDelegations`] as the pallet calls
    /// the pair).
    pub fn delegations(self, capital: u128) -> Option<ConvictionDelegations> {
        Some(ConvictionDelegations {
            votes: self.checked_votes(capital)?,
            capital,
        })
    }
}

/// A standard vote: a side and a conviction (the pallet's `Vote`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StandardVote {
    /// True for aye.
    pub aye: bool,
    /// The conviction.
    pub conviction: Conviction,
}

/// An account's vote on one referendum.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountVote {
    /// One side, with a conviction.
    Standard {
        /// Side and conviction.
        vote: StandardVote,
        /// Capital voted.
        balance: u128,
    },
    /// Both sides, no conviction (0.1x).
    Split {
        /// Capital for aye.
        aye: u128,
        /// Capital for nay.
        nay: u128,
    },
    /// Both sides and abstain, no conviction (0.1x); abstain counts toward
    /// support only.
    SplitAbstain {
        /// Capital for aye.
        aye: u128,
        /// Capital for nay.
        nay: u128,
        /// Capital abstaining.
        abstain: u128,
    },
}

impl AccountVote {
    /// A standard aye.
    pub fn aye(balance: u128, conviction: Conviction) -> AccountVote {
        AccountVote::Standard {
            vote: StandardVote {
                aye: true,
                conviction,
            },
            balance,
        }
    }

    /// A standard nay.
    pub fn nay(balance: u128, conviction: Conviction) -> AccountVote {
        AccountVote::Standard {
            vote: StandardVote {
                aye: false,
                conviction,
            },
            balance,
        }
    }

    /// The lock this vote leaves once the referendum ended `approved` or
    /// not: `(lock periods, balance)` for a standard vote with conviction on
    /// the winning side, else none.
    pub fn locked_if(self, approved: bool) -> Option<(u32, u128)> {
        match self {
            AccountVote::Standard { vote, balance }
                if vote.conviction != Conviction::None && vote.aye == approved =>
            {
                Some((vote.conviction.lock_periods(), balance))
            }
            _ => None,
        }
    }

    /// The total capital involved.
    pub fn balance(self) -> Option<u128> {
        match self {
            AccountVote::Standard { balance, .. } => Some(balance),
            AccountVote::Split { aye, nay } => aye.checked_add(nay),
            AccountVote::SplitAbstain { aye, nay, abstain } => {
                aye.checked_add(nay)?.checked_add(abstain)
            }
        }
    }

    /// `Some(aye)` for a standard vote, `None` for split votes.
    pub fn as_standard(self) -> Option<bool> {
        match self {
            AccountVote::Standard { vote, .. } => Some(vote.aye),
            _ => None,
        }
    }
}

/// Votes (after conviction) and capital (before): the pallet's
/// `Delegations`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ConvictionDelegations {
    /// Convicted votes.
    pub votes: u128,
    /// Raw capital (counts for support).
    pub capital: u128,
}

impl ConvictionDelegations {
    fn checked_add(self, o: ConvictionDelegations) -> Option<ConvictionDelegations> {
        Some(ConvictionDelegations {
            votes: self.votes.checked_add(o.votes)?,
            capital: self.capital.checked_add(o.capital)?,
        })
    }

    fn checked_sub(self, o: ConvictionDelegations) -> Option<ConvictionDelegations> {
        Some(ConvictionDelegations {
            votes: self.votes.checked_sub(o.votes)?,
            capital: self.capital.checked_sub(o.capital)?,
        })
    }
}

/// An ongoing referendum's tally, as `pallet-conviction-voting` keeps it
/// (the pallet's `Tally`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReferendumTally {
    /// Aye votes, after conviction.
    pub ayes: u128,
    /// Nay votes, after conviction.
    pub nays: u128,
    /// Aye and abstain capital, before conviction.
    pub support: u128,
}

impl ReferendumTally {
    /// `from_parts(ayes, nays, support)`, as the pallet's tests write `Tally::from_parts`.
    pub const fn from_parts(ayes: u128, nays: u128, support: u128) -> ReferendumTally {
        ReferendumTally {
            ayes,
            nays,
            support,
        }
    }

    /// Adds a vote; `None` on overflow (the pallet's `add`).
    ///
    /// ```
    /// use govkit::conviction::{AccountVote, Conviction, ReferendumTally};
    /// let mut t = ReferendumTally::default();
    /// t.add(AccountVote::aye(2, Conviction::Locked5x)).unwrap();
    /// assert_eq!(t, ReferendumTally::from_parts(10, 0, 2));
    /// ```
    pub fn add(&mut self, vote: AccountVote) -> Option<()> {
        self.apply(ReferendumTally::of_vote(vote)?, u128::checked_add)
    }

    /// Removes a vote added before; `None` if it was not there.
    pub fn remove(&mut self, vote: AccountVote) -> Option<()> {
        self.apply(ReferendumTally::of_vote(vote)?, u128::checked_sub)
    }

    /// Adds delegated votes to one side (capital to support for aye).
    pub fn increase(&mut self, aye: bool, d: ConvictionDelegations) -> Option<()> {
        self.apply(ReferendumTally::of_side(aye, d), u128::checked_add)
    }

    /// Removes delegated votes from one side.
    pub fn reduce(&mut self, aye: bool, d: ConvictionDelegations) -> Option<()> {
        self.apply(ReferendumTally::of_side(aye, d), u128::checked_sub)
    }

    /// What one vote counts: a standard vote its convicted votes on its
    /// side (and its capital as support if aye); split and split-abstain
    /// votes 0.1x on each side, aye and abstain capital as support.
    fn of_vote(vote: AccountVote) -> Option<ReferendumTally> {
        let none = Conviction::None;
        Some(match vote {
            AccountVote::Standard { vote, balance } => {
                ReferendumTally::of_side(vote.aye, vote.conviction.delegations(balance)?)
            }
            AccountVote::Split { aye, nay } => {
                ReferendumTally::from_parts(none.votes(aye), none.votes(nay), aye)
            }
            AccountVote::SplitAbstain { aye, nay, abstain } => ReferendumTally::from_parts(
                none.votes(aye),
                none.votes(nay),
                aye.checked_add(abstain)?,
            ),
        })
    }

    /// Votes on one side (capital as support for aye).
    fn of_side(aye: bool, d: ConvictionDelegations) -> ReferendumTally {
        if aye {
            ReferendumTally::from_parts(d.votes, 0, d.capital)
        } else {
            ReferendumTally::from_parts(0, d.votes, 0)
        }
    }

    /// Adds or subtracts `other` part by part; unchanged and `None` if any
    /// part overflows (or goes below zero).
    fn apply(&mut self, other: ReferendumTally, op: fn(u128, u128) -> Option<u128>) -> Option<()> {
        *self = ReferendumTally {
            ayes: op(self.ayes, other.ayes)?,
            nays: op(self.nays, other.nays)?,
            support: op(self.support, other.support)?,
        };
        Some(())
    }

    /// `ayes / (ayes + nays)` as the pallet's `Perbill::from_rational`
    /// (rounded down; 100% when nobody voted aye or nay).
    pub fn approval(&self) -> super::Perbill {
        super::Perbill::from_rational(self.ayes, self.ayes.saturating_add(self.nays))
    }

    /// `support / total issuance`, rounded down.
    pub fn support(&self, total_issuance: u128) -> super::Perbill {
        super::Perbill::from_rational(self.support, total_issuance)
    }
}

/// What one account is doing on the referendum: casting (possibly with
/// delegations received) or delegating.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Voting {
    /// Voting directly (or not at all yet).
    Casting {
        /// The account's vote, if any.
        vote: Option<AccountVote>,
        /// Delegations received.
        delegations: ConvictionDelegations,
    },
    /// Delegating its voting power.
    Delegating {
        /// The delegated balance.
        balance: u128,
        /// The account delegated to.
        target: String,
        /// The delegator's conviction.
        conviction: Conviction,
        /// Delegations this account received (not passed on: one hop).
        delegations: ConvictionDelegations,
    },
}

impl Default for Voting {
    fn default() -> Voting {
        Voting::Casting {
            vote: None,
            delegations: ConvictionDelegations::default(),
        }
    }
}

/// Why the pallet would refuse a voting action.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VotingError {
    /// Voting while delegating.
    #[error("{0} is delegating and cannot vote (undelegate first)")]
    AlreadyDelegating(String),
    /// Delegating while having a vote.
    #[error("{0} has a vote and cannot delegate (remove the vote first)")]
    AlreadyVoting(String),
    /// Delegating to oneself (the pallet's `Nonsense`).
    #[error("{0} cannot delegate to itself")]
    SelfDelegation(String),
    /// Undelegating without delegating.
    #[error("{0} is not delegating")]
    NotDelegating(String),
    /// Removing a vote that is not there.
    #[error("{0} has no vote to remove")]
    NotVoter(String),
    /// A sum left u128.
    #[error("the tally overflows u128")]
    Overflow,
}

/// The votes and delegations of every account on one referendum, and the
/// resulting [`ReferendumTally`].
///
/// ```
/// use govkit::conviction::{AccountVote, Conviction, ReferendumTally, VoteBook};
/// // ANCHORS: 1 delegates 5 at 1x to 2; 2 votes aye(10, 0x); 3 and 4 nay(10, 0x).
/// let mut book = VoteBook::default();
/// book.delegate("1", "2", Conviction::Locked1x, 5).unwrap();
/// book.vote("2", AccountVote::aye(10, Conviction::None)).unwrap();
/// book.vote("3", AccountVote::nay(10, Conviction::None)).unwrap();
/// book.vote("4", AccountVote::nay(10, Conviction::None)).unwrap();
/// assert_eq!(book.tally(), ReferendumTally::from_parts(6, 2, 15));
/// ```
#[derive(Clone, Debug, Default)]
pub struct VoteBook {
    accounts: HashMap<String, Voting>,
    tally: ReferendumTally,
}

impl VoteBook {
    /// The current tally.
    pub fn tally(&self) -> ReferendumTally {
        self.tally
    }

    /// What `account` is doing.
    pub fn voting(&self, account: &str) -> Option<&Voting> {
        self.accounts.get(account)
    }

    /// Every account and what it is doing (unordered).
    pub fn accounts(&self) -> impl Iterator<Item = (&str, &Voting)> {
        self.accounts.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Casts or replaces `account`'s vote.
    pub fn vote(
        &mut self,
        account: &str,
        vote: AccountVote,
    ) -> std::result::Result<(), VotingError> {
        let mut tally = self.tally;
        let entry = self.accounts.entry(account.to_string()).or_default();
        let Voting::Casting {
            vote: current,
            delegations,
        } = entry
        else {
            return Err(VotingError::AlreadyDelegating(account.to_string()));
        };
        if let Some(old) = *current {
            tally.remove(old).ok_or(VotingError::Overflow)?;
            if let Some(aye) = old.as_standard() {
                tally
                    .reduce(aye, *delegations)
                    .ok_or(VotingError::Overflow)?;
            }
        }
        tally.add(vote).ok_or(VotingError::Overflow)?;
        if let Some(aye) = vote.as_standard() {
            tally
                .increase(aye, *delegations)
                .ok_or(VotingError::Overflow)?;
        }
        *current = Some(vote);
        self.tally = tally;
        Ok(())
    }

    /// Removes `account`'s vote.
    pub fn remove_vote(&mut self, account: &str) -> std::result::Result<AccountVote, VotingError> {
        let mut tally = self.tally;
        let Some(Voting::Casting {
            vote: current @ Some(_),
            delegations,
        }) = self.accounts.get_mut(account)
        else {
            return Err(VotingError::NotVoter(account.to_string()));
        };
        let old = current.take().expect("matched Some");
        tally.remove(old).ok_or(VotingError::Overflow)?;
        if let Some(aye) = old.as_standard() {
            tally
                .reduce(aye, *delegations)
                .ok_or(VotingError::Overflow)?;
        }
        self.tally = tally;
        Ok(old)
    }

    /// `account` delegates `balance` at `conviction` to `target`.
    pub fn delegate(
        &mut self,
        account: &str,
        target: &str,
        conviction: Conviction,
        balance: u128,
    ) -> std::result::Result<(), VotingError> {
        if account == target {
            return Err(VotingError::SelfDelegation(account.to_string()));
        }
        let amount = conviction
            .delegations(balance)
            .ok_or(VotingError::Overflow)?;
        let received = match self.accounts.get(account) {
            Some(Voting::Delegating { .. }) => {
                return Err(VotingError::AlreadyDelegating(account.to_string()))
            }
            Some(Voting::Casting { vote: Some(_), .. }) => {
                return Err(VotingError::AlreadyVoting(account.to_string()))
            }
            Some(Voting::Casting { delegations, .. }) => *delegations,
            None => ConvictionDelegations::default(),
        };
        self.change_upstream(target, amount, true)?;
        self.accounts.insert(
            account.to_string(),
            Voting::Delegating {
                balance,
                target: target.to_string(),
                conviction,
                delegations: received,
            },
        );
        Ok(())
    }

    /// Ends `account`'s delegation; returns `(conviction, balance)` of the
    /// delegation ended (its lock starts now).
    pub fn undelegate(
        &mut self,
        account: &str,
    ) -> std::result::Result<(Conviction, u128), VotingError> {
        let Some(Voting::Delegating {
            balance,
            target,
            conviction,
            delegations,
        }) = self.accounts.get(account).cloned()
        else {
            return Err(VotingError::NotDelegating(account.to_string()));
        };
        let amount = conviction
            .delegations(balance)
            .ok_or(VotingError::Overflow)?;
        self.change_upstream(&target, amount, false)?;
        self.accounts.insert(
            account.to_string(),
            Voting::Casting {
                vote: None,
                delegations,
            },
        );
        Ok((conviction, balance))
    }

    /// `increase_upstream_delegation` / `reduce_upstream_delegation`.
    fn change_upstream(
        &mut self,
        target: &str,
        amount: ConvictionDelegations,
        add: bool,
    ) -> std::result::Result<(), VotingError> {
        let mut tally = self.tally;
        let entry = self.accounts.entry(target.to_string()).or_default();
        let (Voting::Casting { delegations, .. } | Voting::Delegating { delegations, .. }) = entry;
        let updated = if add {
            delegations.checked_add(amount)
        } else {
            delegations.checked_sub(amount)
        }
        .ok_or(VotingError::Overflow)?;
        if let Voting::Casting { vote: Some(v), .. } = entry {
            if let Some(aye) = v.as_standard() {
                if add {
                    tally.increase(aye, amount)
                } else {
                    tally.reduce(aye, amount)
                }
                .ok_or(VotingError::Overflow)?;
            }
        }
        let (Voting::Casting { delegations, .. } | Voting::Delegating { delegations, .. }) = entry;
        *delegations = updated;
        self.tally = tally;
        Ok(())
    }
}

/// The old democracy pallet's adaptive quorum biasing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VoteThreshold {
    /// Positive turnout bias: low turnout needs a supermajority to pass.
    SuperMajorityApprove,
    /// Negative turnout bias: low turnout needs a supermajority to fail.
    SuperMajorityAgainst,
    /// More ayes than nays.
    SimpleMajority,
}

/// The democracy pallet's tally: convicted ayes and nays, and turnout in
/// capital.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DemocracyTally {
    /// Aye votes after conviction.
    pub ayes: u128,
    /// Nay votes after conviction.
    pub nays: u128,
    /// Capital that voted, either way.
    pub turnout: u128,
}

/// Floor integer square root.
pub fn integer_sqrt(n: u128) -> u128 {
    if n < 2 {
        return n;
    }
    let mut x = (n as f64).sqrt() as u128;
    while x.checked_mul(x).is_none_or(|sq| sq > n) {
        x -= 1;
    }
    while (x + 1).checked_mul(x + 1).is_some_and(|sq| sq <= n) {
        x += 1;
    }
    x
}

impl VoteThreshold {
    /// Whether `tally` passes with an electorate of `electorate` (total
    /// issuance), exactly as `pallet-democracy`'s `Approved::approved`:
    /// `SuperMajorityApprove` iff `nays/√turnout < ayes/√electorate`,
    /// `SuperMajorityAgainst` iff `nays/√electorate < ayes/√turnout`,
    /// `SimpleMajority` iff `ayes > nays`, with integer square roots; no
    /// turnout never passes. An error if the electorate's root is zero
    /// while someone voted (the pallet would divide by zero).
    ///
    /// ```
    /// use govkit::conviction::{DemocracyTally, VoteThreshold};
    /// let t = |ayes, nays, turnout| DemocracyTally { ayes, nays, turnout };
    /// let smpa = VoteThreshold::SuperMajorityApprove;
    /// assert!(!smpa.approved(t(60, 50, 110), 210).unwrap());
    /// assert!(smpa.approved(t(100, 50, 150), 210).unwrap());
    /// ```
    pub fn approved(self, tally: DemocracyTally, electorate: u128) -> Result<bool> {
        let sqrt_voters = integer_sqrt(tally.turnout);
        let sqrt_electorate = integer_sqrt(electorate);
        if sqrt_voters == 0 {
            return Ok(false);
        }
        let less = |n1: u128, d1: u128, n2: u128, d2: u128| -> Result<bool> {
            if d1 == 0 || d2 == 0 {
                return Err(Error::invalid(
                    "adaptive quorum biasing needs a positive electorate (total issuance)",
                ));
            }
            // n1/d1 < n2/d2, exactly (the pallet compares continued fractions).
            Ok(super::u256::U256::mul_wide(n1, d2) < super::u256::U256::mul_wide(n2, d1))
        };
        match self {
            VoteThreshold::SuperMajorityApprove => {
                less(tally.nays, sqrt_voters, tally.ayes, sqrt_electorate)
            }
            VoteThreshold::SuperMajorityAgainst => {
                less(tally.nays, sqrt_electorate, tally.ayes, sqrt_voters)
            }
            VoteThreshold::SimpleMajority => Ok(tally.ayes > tally.nays),
        }
    }
}

impl DemocracyTally {
    /// Adds a vote as `pallet-democracy` does: standard votes add their
    /// capital to turnout and convicted votes to their side; split votes
    /// count at 0.1x with both parts in turnout (split-abstain did not
    /// exist there: its abstain part counts as turnout only).
    pub fn add(&mut self, vote: AccountVote) -> Option<()> {
        match vote {
            AccountVote::Standard { vote, balance } => {
                let d = vote.conviction.delegations(balance)?;
                self.turnout = self.turnout.checked_add(d.capital)?;
                if vote.aye {
                    self.ayes = self.ayes.checked_add(d.votes)?;
                } else {
                    self.nays = self.nays.checked_add(d.votes)?;
                }
            }
            AccountVote::Split { aye, nay } | AccountVote::SplitAbstain { aye, nay, .. } => {
                let abstain = match vote {
                    AccountVote::SplitAbstain { abstain, .. } => abstain,
                    _ => 0,
                };
                self.turnout = self
                    .turnout
                    .checked_add(aye)?
                    .checked_add(nay)?
                    .checked_add(abstain)?;
                self.ayes = self.ayes.checked_add(aye / 10)?;
                self.nays = self.nays.checked_add(nay / 10)?;
            }
        }
        Some(())
    }

    /// Adds delegated votes to the delegate's side (capital to turnout).
    pub fn increase(&mut self, aye: bool, d: ConvictionDelegations) -> Option<()> {
        self.turnout = self.turnout.checked_add(d.capital)?;
        if aye {
            self.ayes = self.ayes.checked_add(d.votes)?;
        } else {
            self.nays = self.nays.checked_add(d.votes)?;
        }
        Some(())
    }
}

impl VoteBook {
    /// The democracy pallet's tally of the same votes and delegations.
    pub fn democracy_tally(&self) -> Option<DemocracyTally> {
        let mut t = DemocracyTally::default();
        for voting in self.accounts.values() {
            if let Voting::Casting {
                vote: Some(v),
                delegations,
            } = voting
            {
                t.add(*v)?;
                if let Some(aye) = v.as_standard() {
                    t.increase(aye, *delegations)?;
                }
            }
        }
        Some(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Conviction::*;

    fn tally_of(votes: &[AccountVote]) -> ReferendumTally {
        let mut t = ReferendumTally::default();
        for v in votes {
            t.add(*v).unwrap();
        }
        t
    }

    #[test]
    fn pallet_vectors() {
        // pallet-conviction-voting tests.rs, Tally::from_parts(ayes, nays, support).
        assert_eq!(
            tally_of(&[AccountVote::aye(2, Locked5x)]),
            ReferendumTally::from_parts(10, 0, 2)
        );
        assert_eq!(
            tally_of(&[AccountVote::nay(2, Locked5x)]),
            ReferendumTally::from_parts(0, 10, 0)
        );
        assert_eq!(
            tally_of(&[AccountVote::aye(5, Locked1x)]),
            ReferendumTally::from_parts(5, 0, 5)
        );
        assert_eq!(
            tally_of(&[AccountVote::aye(10, None)]),
            ReferendumTally::from_parts(1, 0, 10)
        );
        assert_eq!(
            tally_of(&[AccountVote::Split { aye: 10, nay: 0 }]),
            ReferendumTally::from_parts(1, 0, 10)
        );
        assert_eq!(
            tally_of(&[AccountVote::Split { aye: 5, nay: 5 }]),
            ReferendumTally::from_parts(0, 0, 5)
        );
        // abstain_voting_works: (0,0,10) then 6 votes split_abstain(10,0,20) -> (1,0,40).
        let t = tally_of(&[
            AccountVote::SplitAbstain {
                aye: 0,
                nay: 0,
                abstain: 10,
            },
            AccountVote::SplitAbstain {
                aye: 10,
                nay: 0,
                abstain: 20,
            },
        ]);
        assert_eq!(t, ReferendumTally::from_parts(1, 0, 40));
    }

    #[test]
    fn delegation_vector_and_policies() {
        let mut book = VoteBook::default();
        book.delegate("1", "2", Locked1x, 5).unwrap();
        book.vote("2", AccountVote::aye(10, None)).unwrap();
        book.vote("3", AccountVote::nay(10, None)).unwrap();
        book.vote("4", AccountVote::nay(10, None)).unwrap();
        assert_eq!(book.tally(), ReferendumTally::from_parts(6, 2, 15));
        // Changing the delegate's vote carries the delegation along.
        book.vote("2", AccountVote::nay(10, None)).unwrap();
        assert_eq!(book.tally(), ReferendumTally::from_parts(0, 8, 0));
        // A split vote does not carry delegations.
        book.vote("2", AccountVote::Split { aye: 10, nay: 0 })
            .unwrap();
        assert_eq!(book.tally(), ReferendumTally::from_parts(1, 2, 10));
        book.vote("2", AccountVote::aye(10, None)).unwrap();
        book.undelegate("1").unwrap();
        assert_eq!(book.tally(), ReferendumTally::from_parts(1, 2, 10));
        assert_eq!(
            book.delegate("5", "5", Locked1x, 1),
            Err(VotingError::SelfDelegation("5".into()))
        );
        assert_eq!(
            book.delegate("3", "2", Locked1x, 1),
            Err(VotingError::AlreadyVoting("3".into()))
        );
        book.delegate("6", "2", Locked2x, 3).unwrap();
        assert_eq!(book.tally(), ReferendumTally::from_parts(7, 2, 13));
        assert!(matches!(
            book.vote("6", AccountVote::aye(1, None)),
            Err(VotingError::AlreadyDelegating(_))
        ));
        // Second level: 7 delegates to 6, which delegates: not passed on.
        book.delegate("7", "6", Locked6x, 100).unwrap();
        assert_eq!(book.tally(), ReferendumTally::from_parts(7, 2, 13));
        book.remove_vote("2").unwrap();
        assert_eq!(book.tally(), ReferendumTally::from_parts(0, 2, 0));
        assert!(book.remove_vote("2").is_err());
    }

    #[test]
    fn adaptive_quorum_biasing() {
        let t = |ayes, nays, turnout| DemocracyTally {
            ayes,
            nays,
            turnout,
        };
        use VoteThreshold::*;
        assert!(!SuperMajorityApprove.approved(t(60, 50, 110), 210).unwrap());
        assert!(SuperMajorityApprove.approved(t(100, 50, 150), 210).unwrap());
        // Against: nays/sqrt(210)=50/14 < ayes/sqrt(110)=60/10 -> passes.
        assert!(SuperMajorityAgainst.approved(t(60, 50, 110), 210).unwrap());
        assert!(SimpleMajority.approved(t(60, 50, 110), 210).unwrap());
        assert!(!SimpleMajority.approved(t(50, 50, 100), 210).unwrap());
        assert!(!SuperMajorityApprove.approved(t(0, 0, 0), 210).unwrap());
        assert!(SuperMajorityApprove.approved(t(1, 0, 1), 0).is_err());
        assert_eq!(integer_sqrt(210), 14);
        assert_eq!(integer_sqrt(u128::MAX), u64::MAX as u128);
    }
}
