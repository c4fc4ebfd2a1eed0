//! A holder snapshot: token balances by holder at the proposal's snapshot
//! block ([`crate::io::holders`] reads them from CSV or JSON).

use indexmap::map::Entry;
use indexmap::IndexMap;

use crate::amount::Amount;
use crate::vote::Voter;

/// foldhash: several times faster than SipHash on addresses, which matters
/// with a million holders. Seeded per map, so an adversarial file cannot
/// aim at one table layout; the iteration order does not depend on it.
type Index = IndexMap<Voter, Amount, foldhash::fast::RandomState>;

/// Token balances by holder.
///
/// Holders are kept in the order they were added (a file's row order) and
/// numbered `0..len()` in that order; lookups by address go through a hash
/// index. Iteration is therefore deterministic, but nothing in the crate
/// depends on it.
#[derive(Clone, Debug, Default)]
pub struct Holders {
    balances: Index,
    total: Amount,
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
            balances: Index::with_capacity_and_hasher(n, Default::default()),
            total: Amount::ZERO,
        }
    }

    pub(crate) fn insert(
        &mut self,
        voter: Voter,
        amount: Amount,
    ) -> std::result::Result<(), &'static str> {
        self.total = self
            .total
            .checked_add(amount)
            .ok_or("the total supply of the snapshot")?;
        match self.balances.entry(voter) {
            Entry::Occupied(_) => Err("duplicate"),
            Entry::Vacant(v) => {
                v.insert(amount);
                Ok(())
            }
        }
    }

    /// The holder's balance (zero if absent: it held nothing at the snapshot).
    pub fn balance(&self, voter: &Voter) -> Amount {
        self.balances.get(voter).copied().unwrap_or(Amount::ZERO)
    }

    /// Sum of all balances.
    pub fn total(&self) -> Amount {
        self.total
    }

    /// Number of holders listed.
    pub fn len(&self) -> usize {
        self.balances.len()
    }

    /// True if no holder is listed.
    pub fn is_empty(&self) -> bool {
        self.balances.is_empty()
    }

    /// Holders and balances, in the order they were added (no other
    /// order is promised).
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&Voter, Amount)> + Clone {
        self.balances.iter().map(|(v, a)| (v, *a))
    }

    /// The number of `voter` in [`Holders::iter`]'s order and its
    /// balance, if listed.
    pub(crate) fn find(&self, voter: &Voter) -> Option<(usize, Amount)> {
        self.balances.get_full(voter).map(|(i, _, a)| (i, *a))
    }
}
