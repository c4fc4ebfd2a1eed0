//! A holder snapshot: token balances by holder at the proposal's snapshot
//! block ([`crate::io::holders`] reads them from CSV or JSON).

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use crate::amount::Amount;
use crate::vote::Voter;

/// Token balances by holder.
#[derive(Clone, Debug, Default)]
pub struct Holders {
    balances: HashMap<Voter, Amount>,
    total: Amount,
}

impl Holders {
    /// Builds a snapshot from pairs; `None` if an address repeats or the
    /// total overflows.
    pub fn from_balances(pairs: impl IntoIterator<Item = (Voter, Amount)>) -> Option<Holders> {
        let mut h = Holders::default();
        for (voter, amount) in pairs {
            h.insert(voter, amount).ok()?;
        }
        Some(h)
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

    /// Holders and balances, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&Voter, Amount)> {
        self.balances.iter().map(|(v, a)| (v, *a))
    }
}
