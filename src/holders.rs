//! A holder snapshot: token balances by holder at the proposal's snapshot
//! block ([`crate::io::holders`] reads them from CSV or JSON).

use crate::amount::Amount;
use crate::vote::Voter;
use crate::voter_index::{Inserted, VoterIndex};

/// Token balances by holder.
///
/// Holders are kept in the order they were added (a file's row order) and
/// numbered `0..len()` in that order; lookups by address go through a hash
/// index (`voter_index`, built on two threads for a file read on the fast
/// path). Iteration is therefore deterministic, but nothing in the crate
/// depends on it.
#[derive(Clone, Debug, Default)]
pub struct Holders {
    voters: VoterIndex,
    /// Each holder's balance, by number.
    amounts: Vec<Amount>,
    total: Amount,
}

/// Why holders could not be added.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NotAdded {
    /// The holder is listed already.
    Duplicate,
    /// The total supply would not fit `u128` base units.
    TotalOverflow,
    /// More holders than `u32` numbers (4,294,967,295).
    TooMany,
}

impl NotAdded {
    /// What overflowed, for [`crate::Error::overflow`].
    pub(crate) fn what(self) -> &'static str {
        match self {
            NotAdded::Duplicate => "a holder listed twice",
            NotAdded::TotalOverflow => "the total supply of the snapshot",
            NotAdded::TooMany => "the number of holders (at most 4,294,967,295)",
        }
    }
}

impl Holders {
    /// Builds a snapshot from pairs; `None` if an address repeats or the
    /// total overflows.
    pub fn from_balances(pairs: impl IntoIterator<Item = (Voter, Amount)>) -> Option<Holders> {
        let pairs = pairs.into_iter();
        let mut h = Holders::with_capacity(pairs.size_hint().0);
        for (voter, amount) in pairs {
            h.insert(voter, amount).ok()?;
        }
        Some(h)
    }

    /// An empty snapshot with room for `n` holders.
    pub(crate) fn with_capacity(n: usize) -> Holders {
        Holders {
            voters: VoterIndex::with_capacity(n),
            amounts: Vec::with_capacity(n),
            total: Amount::ZERO,
        }
    }

    /// The snapshot of `voters[i]` holding `amounts[i]`, in that order, its
    /// index built on two threads: the snapshot inserting them one by one
    /// gives, or a reason that would have stopped that (not necessarily the
    /// earliest row's: a reader then reads the file the careful way, which
    /// reports the row).
    pub(crate) fn from_columns(
        voters: Vec<Voter>,
        amounts: Vec<Amount>,
    ) -> Result<Holders, NotAdded> {
        assert_eq!(voters.len(), amounts.len(), "one amount per holder");
        let mut total = Amount::ZERO;
        for amount in &amounts {
            total = total.checked_add(*amount).ok_or(NotAdded::TotalOverflow)?;
        }
        let too_many = u32::try_from(voters.len()).is_err();
        let voters = VoterIndex::from_voters(voters).ok_or(if too_many {
            NotAdded::TooMany
        } else {
            NotAdded::Duplicate
        })?;
        Ok(Holders {
            voters,
            amounts,
            total,
        })
    }

    pub(crate) fn insert(&mut self, voter: Voter, amount: Amount) -> Result<(), NotAdded> {
        let total = self
            .total
            .checked_add(amount)
            .ok_or(NotAdded::TotalOverflow)?;
        match self.voters.insert(voter) {
            None => Err(NotAdded::TooMany),
            Some(Inserted::Present(_)) => Err(NotAdded::Duplicate),
            Some(Inserted::New(_)) => {
                self.amounts.push(amount);
                self.total = total;
                Ok(())
            }
        }
    }

    /// The holder's balance (zero if absent: it held nothing at the snapshot).
    pub fn balance(&self, voter: &Voter) -> Amount {
        self.find(voter).map_or(Amount::ZERO, |(_, a)| a)
    }

    /// Sum of all balances.
    pub fn total(&self) -> Amount {
        self.total
    }

    /// Number of holders listed.
    pub fn len(&self) -> usize {
        self.amounts.len()
    }

    /// True if no holder is listed.
    pub fn is_empty(&self) -> bool {
        self.amounts.is_empty()
    }

    /// Holders and balances, in the order they were added (no other
    /// order is promised).
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&Voter, Amount)> + Clone {
        self.voters
            .as_slice()
            .iter()
            .zip(self.amounts.iter().copied())
    }

    /// The number of `voter` in [`Holders::iter`]'s order and its
    /// balance, if listed.
    pub(crate) fn find(&self, voter: &Voter) -> Option<(usize, Amount)> {
        let i = self.voters.get(voter)? as usize;
        Some((i, self.amounts[i]))
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn voter(k: u16) -> Voter {
        Voter::new(&format!("0x{:040x}", u64::from(k) * 0x9e37_79b9))
    }

    proptest! {
        /// Against a plain model: refused iff a holder repeats or the total
        /// passes u128; otherwise each holder's number is its row and its
        /// balance its amount.
        #[test]
        fn columns_make_the_snapshot_of_their_rows(
            rows in proptest::collection::vec(
                (0u16..400, prop_oneof![0u128..1_000_000, (u128::MAX / 4)..=(u128::MAX / 2)]),
                0..300,
            ),
        ) {
            let keys: std::collections::HashSet<u16> = rows.iter().map(|r| r.0).collect();
            let sum = rows.iter().try_fold(0u128, |s, r| s.checked_add(r.1));
            let got = Holders::from_columns(
                rows.iter().map(|r| voter(r.0)).collect(),
                rows.iter().map(|r| Amount::from_base_units(r.1)).collect(),
            );
            let one_by_one = Holders::from_balances(
                rows.iter().map(|r| (voter(r.0), Amount::from_base_units(r.1))),
            );
            let fine = keys.len() == rows.len() && sum.is_some();
            prop_assert_eq!(got.is_ok(), fine);
            prop_assert_eq!(one_by_one.is_some(), fine);
            let (Ok(got), Some(one_by_one)) = (got, one_by_one) else { return Ok(()) };
            prop_assert_eq!(got.total().base_units(), sum.unwrap());
            prop_assert_eq!(one_by_one.total(), got.total());
            for (i, &(k, a)) in rows.iter().enumerate() {
                let want = Some((i, Amount::from_base_units(a)));
                prop_assert_eq!(got.find(&voter(k)), want);
                prop_assert_eq!(one_by_one.find(&voter(k)), want);
            }
            prop_assert_eq!(got.balance(&Voter::new("absent")), Amount::ZERO);
            let listed: Vec<(Voter, Amount)> = got.iter().map(|(v, a)| (v.clone(), a)).collect();
            let want: Vec<(Voter, Amount)> =
                rows.iter().map(|r| (voter(r.0), Amount::from_base_units(r.1))).collect();
            prop_assert_eq!(listed, want);
        }
    }

    #[test]
    fn refusals_name_their_reason() {
        let one = |k| (voter(k), Amount::from_base_units(1));
        let mut h = Holders::default();
        assert_eq!(h.insert(one(1).0, one(1).1), Ok(()));
        assert_eq!(h.insert(one(1).0, one(1).1), Err(NotAdded::Duplicate));
        let whale = Amount::from_base_units(u128::MAX);
        assert_eq!(h.insert(voter(2), whale), Err(NotAdded::TotalOverflow));
        assert_eq!((h.len(), h.total().base_units()), (1, 1));
        assert_eq!(
            Holders::from_columns(vec![voter(1), voter(2)], vec![whale, whale]).err(),
            Some(NotAdded::TotalOverflow)
        );
        assert_eq!(
            Holders::from_columns(vec![voter(1), voter(1)], vec![one(1).1, one(1).1]).err(),
            Some(NotAdded::Duplicate)
        );
    }
}
