//! Delegation as a stage of the evaluation pipeline: holders and
//! delegations in, each vote's resolved token weight out, ahead of the
//! mechanism, so that it composes with every mechanism.
//!
//! Two orders, both real designs:
//! - [`Order::AfterDelegation`] (default): delegation first moves tokens;
//!   the mechanism then sees each voter's resolved tokens (quadratic: the
//!   root of a delegate's total, as Snapshot's `math` over a `delegation`
//!   strategy does);
//! - [`Order::BeforeDelegation`]: the mechanism first turns every holder's
//!   own balance into power (quadratic: the root of each holder's
//!   balance), and that power is what delegation moves
//!   ([`DelegationStage::resolve_powers`]).
//!
//! Either way, the votes' *token weights* (what quorums count) are the
//! resolved tokens. Votes must not carry their own weights: a weight in a
//! vote file (a Snapshot `vp`, a governor's `votes`) already includes
//! delegation and would be counted twice.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

use super::{resolve, Delegations, Policy, Resolution};
use crate::amount::{Amount, Power};
use crate::error::{Error, Location, Result};
use crate::holders::Holders;
use crate::vote::{Vote, Voter};

/// When the mechanism is applied relative to delegation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Order {
    /// To each voter's resolved tokens.
    #[default]
    AfterDelegation,
    /// To each holder's own balance, before the power is delegated.
    BeforeDelegation,
}

/// Delegations with their semantics, ready to resolve.
#[derive(Clone, Debug)]
pub struct DelegationStage {
    /// The delegation graph (shared: read once per proposal).
    pub delegations: Arc<Delegations>,
    /// Its semantics.
    pub policy: Policy,
    /// When the mechanism is applied.
    pub order: Order,
    /// The resolved token weights of the votes this stage is evaluated on,
    /// when a comparison has already resolved the same delegations under
    /// the same policy for the same votes and holders
    /// ([`DelegationStage::with_resolved`]); `None` resolves as usual.
    pub(crate) resolved: Option<Arc<[Amount]>>,
}

impl DelegationStage {
    /// How reports name the stage after the mechanism's name.
    pub fn describe(&self, mechanism: &str) -> String {
        let order = match self.order {
            Order::AfterDelegation => "",
            Order::BeforeDelegation => ", mechanism before delegation",
        };
        format!("{mechanism} + delegation ({}{order})", self.policy)
    }

    /// The holders, refusing votes that carry their own weights.
    pub fn holders<'h>(
        &self,
        source: &Path,
        votes: &[Vote],
        holders: Option<&'h Holders>,
    ) -> Result<&'h Holders> {
        if let Some(v) = votes.iter().find(|v| v.weight.is_some()) {
            return Err(Error::input(
                Location::line(source, v.line),
                "the vote states its own weight, which already includes delegation: with \
                 [delegation], votes take their power from [holders] (use a vote file without \
                 weights)",
            ));
        }
        holders.ok_or_else(|| Error::invalid("delegated voting needs a [holders] snapshot"))
    }

    fn resolve<'a>(&'a self, votes: &[Vote], balances: &'a Holders) -> Result<Resolution<'a>> {
        // Who voted matters only when a vote overrides a delegation.
        if !self.policy.override_votes {
            return resolve(balances, &self.delegations, &self.policy, None);
        }
        let voted: HashSet<Voter> = votes.iter().filter_map(|v| v.voter.clone()).collect();
        resolve(balances, &self.delegations, &self.policy, Some(&voted))
    }

    /// This stage with the votes' token weights already resolved (by
    /// another stage with the same delegations and policy, on the same
    /// votes and holders): a comparison resolves each distinct delegation
    /// once, not once per mechanism. Only for the votes it was resolved on.
    pub(crate) fn with_resolved(mut self, resolved: Arc<[Amount]>) -> DelegationStage {
        self.resolved = Some(resolved);
        self
    }

    /// Whether `other` resolves exactly as this stage does.
    pub(crate) fn resolves_as(&self, other: &DelegationStage) -> bool {
        Arc::ptr_eq(&self.delegations, &other.delegations) && self.policy == other.policy
    }

    /// Each vote's resolved tokens (same order as `votes`).
    pub fn token_weights(&self, votes: &[Vote], holders: &Holders) -> Result<Vec<Amount>> {
        if let Some(resolved) = &self.resolved {
            if resolved.len() == votes.len() {
                return Ok(resolved.to_vec());
            }
        }
        let r = self.resolve(votes, holders)?;
        // Independent lookups: on every core, in vote order.
        Ok(super::par_map(votes, |v| {
            v.voter
                .as_ref()
                .map_or(Amount::ZERO, |voter| r.power(voter))
        }))
    }

    /// [`Order::BeforeDelegation`]: each vote's power after delegating the
    /// holders' own powers (`own_powers`, one per holder as listed by
    /// [`DelegationStage::holder_list`]).
    pub fn resolve_powers(
        &self,
        votes: &[Vote],
        holders: &[(&Voter, Amount)],
        own_powers: Vec<Power>,
    ) -> Result<Vec<Power>> {
        let powers = Holders::from_balances(
            holders
                .iter()
                .zip(own_powers)
                .map(|((voter, _), p)| ((*voter).clone(), Amount::from_base_units(p.units()))),
        )
        .ok_or_else(|| Error::overflow(None, "the total power of the holders"))?;
        let r = self.resolve(votes, &powers)?;
        Ok(super::par_map(votes, |v| {
            v.voter.as_ref().map_or(Power::ZERO, |voter| {
                Power::from_units(r.power(voter).base_units())
            })
        }))
    }

    /// Every holder with its own balance, in address order: the electorate
    /// a mechanism sees under [`Order::BeforeDelegation`].
    pub fn holder_list(holders: &Holders) -> Vec<(&Voter, Amount)> {
        let mut list: Vec<(&Voter, Amount)> = holders.iter().collect();
        list.sort();
        list
    }

    /// A line for the report: how much of the voters' tokens came by
    /// delegation (from the resolved weights, without resolving again).
    pub fn details(
        &self,
        votes: &[Vote],
        resolved: &[Amount],
        holders: &Holders,
        decimals: u8,
    ) -> String {
        fn sum(amounts: impl Iterator<Item = Amount>) -> Option<u128> {
            let mut total = 0u128;
            for a in amounts {
                total = total.checked_add(a.base_units())?;
            }
            Some(total)
        }
        let own = sum(super::par_map(votes, |v| {
            v.voter
                .as_ref()
                .map_or(Amount::ZERO, |v| holders.balance(v))
        })
        .into_iter());
        // The resolved tokens were summed with checks by the tally, and the
        // voters' own balances are part of the holders' checked total.
        let (Some(resolved), Some(own)) = (sum(resolved.iter().copied()), own) else {
            return format!("delegation ({}): totals beyond u128", self.policy);
        };
        let arrived = resolved.saturating_sub(own);
        let pct = if resolved == 0 {
            "0".to_string()
        } else {
            crate::decimal::round_half_up(
                &num_rational::BigRational::new((arrived * 100).into(), resolved.into()),
                2,
            )
        };
        format!(
            "delegation ({}): {} of the voters' {} tokens came by delegation ({pct}%)",
            self.policy,
            Amount::from_base_units(arrived).to_tokens_string(decimals),
            Amount::from_base_units(resolved).to_tokens_string(decimals),
        )
    }
}
