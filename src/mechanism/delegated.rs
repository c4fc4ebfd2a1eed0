//! Delegated voting as a mechanism wrapper: voters vote with their own
//! balance plus what delegation brings them ([`crate::delegation`]), and
//! holders who neither vote nor delegate to a voter count for nothing.
//!
//! The wrapped mechanism is applied in one of two orders, both real designs:
//! - [`Order::AfterDelegation`] (default): delegation first moves tokens;
//!   the mechanism then sees each voter's resolved tokens (quadratic: the
//!   root of a delegate's total, as Snapshot's `math` over a `delegation`
//!   strategy does);
//! - [`Order::BeforeDelegation`]: the mechanism first turns every holder's
//!   own balance into power (quadratic: the root of each holder's
//!   balance), and that power is what delegation moves.
//!
//! Either way, the votes' *token weights* (what quorums count) are the
//! resolved tokens. Votes must not carry their own weights: a weight in a
//! vote file (a Snapshot `vp`, a governor's `votes`) already includes
//! delegation and would be counted twice.

use std::collections::HashSet;

use super::{Electorate, Mechanism};
use crate::amount::{Amount, Power};
use crate::delegation::{resolve, Delegations, Policy, Resolution};
use crate::error::{Error, Location, Result};
use crate::io::Holders;
use crate::vote::{Vote, Voter};

/// When the wrapped mechanism is applied.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Order {
    /// To each voter's resolved tokens.
    #[default]
    AfterDelegation,
    /// To each holder's own balance, before the power is delegated.
    BeforeDelegation,
}

/// A mechanism with delegation in front of (or behind) it.
#[derive(Clone, Debug)]
pub struct Delegated<M> {
    /// The mechanism that turns tokens into power.
    pub inner: M,
    /// The delegation graph.
    pub delegations: Delegations,
    /// Its semantics.
    pub policy: Policy,
    /// When `inner` is applied.
    pub order: Order,
}

impl<M: Mechanism> Delegated<M> {
    fn resolve<'a>(&'a self, e: &Electorate<'_>, holders: &'a Holders) -> Result<Resolution<'a>> {
        let voted: HashSet<Voter> = e.votes.iter().filter_map(|v| v.voter.clone()).collect();
        resolve(holders, &self.delegations, &self.policy, Some(&voted))
    }

    fn holders<'h>(&self, e: &Electorate<'h>) -> Result<&'h Holders> {
        if let Some(v) = e.votes.iter().find(|v| v.weight.is_some()) {
            return Err(Error::input(
                Location::line(e.source, v.line),
                "the vote states its own weight, which already includes delegation: with \
                 [delegation], votes take their power from [holders] (use a vote file without \
                 weights)",
            ));
        }
        e.holders
            .ok_or_else(|| Error::invalid("delegated voting needs a [holders] snapshot"))
    }
}

impl<M: Mechanism> Mechanism for Delegated<M> {
    fn name(&self) -> String {
        let order = match self.order {
            Order::AfterDelegation => "",
            Order::BeforeDelegation => ", mechanism before delegation",
        };
        format!(
            "{} + delegation ({}{order})",
            self.inner.name(),
            self.policy
        )
    }

    fn power_decimals(&self, token_decimals: u8) -> u8 {
        self.inner.power_decimals(token_decimals)
    }

    fn token_weights(&self, e: &Electorate<'_>) -> Result<Option<Vec<Amount>>> {
        let holders = self.holders(e)?;
        let r = self.resolve(e, holders)?;
        Ok(Some(
            e.votes
                .iter()
                .map(|v| {
                    v.voter
                        .as_ref()
                        .map_or(Amount::ZERO, |voter| r.power(voter))
                })
                .collect(),
        ))
    }

    fn assign_power(&self, e: &Electorate<'_>) -> Result<Vec<Power>> {
        match self.order {
            // The evaluator has already put the resolved tokens in
            // `e.weights` (token_weights).
            Order::AfterDelegation => self.inner.assign_power(e),
            Order::BeforeDelegation => {
                let holders = self.holders(e)?;
                // Every holder's own power under the inner mechanism.
                let mut list: Vec<(&Voter, Amount)> = holders.iter().collect();
                list.sort();
                let as_votes: Vec<Vote> = list
                    .iter()
                    .map(|(voter, _)| Vote {
                        voter: Some((*voter).clone()),
                        selection: crate::vote::Selection::Single(1),
                        weight: None,
                        cast_at: None,
                        line: 0,
                        conviction: None,
                    })
                    .collect();
                let balances: Vec<Amount> = list.iter().map(|(_, a)| *a).collect();
                let own = self.inner.assign_power(&Electorate {
                    source: e.source,
                    votes: &as_votes,
                    weights: &balances,
                    holders: e.holders,
                    decimals: e.decimals,
                })?;
                let powers =
                    Holders::from_balances(list.iter().zip(own).map(|((voter, _), p)| {
                        ((*voter).clone(), Amount::from_base_units(p.units()))
                    }))
                    .ok_or_else(|| Error::overflow(None, "the total power of the holders"))?;
                let r = self.resolve(e, &powers)?;
                Ok(e.votes
                    .iter()
                    .map(|v| {
                        v.voter.as_ref().map_or(Power::ZERO, |voter| {
                            Power::from_units(r.power(voter).base_units())
                        })
                    })
                    .collect())
            }
        }
    }

    fn notes(&self) -> Vec<String> {
        self.inner.notes()
    }

    /// Derived from the electorate, without resolving again: its weights
    /// are already the resolved tokens (see `token_weights`).
    fn details(&self, e: &Electorate<'_>, powers: &[Power]) -> Vec<String> {
        let mut lines = self.inner.details(e, powers);
        if let Some(holders) = e.holders {
            let resolved: u128 = e.weights.iter().map(|w| w.base_units()).sum();
            let own: u128 = e
                .votes
                .iter()
                .filter_map(|v| v.voter.as_ref())
                .map(|v| holders.balance(v).base_units())
                .sum();
            let arrived = resolved.saturating_sub(own);
            let pct = if resolved == 0 {
                "0".to_string()
            } else {
                crate::decimal::round_half_up(
                    &num_rational::BigRational::new((arrived * 100).into(), resolved.into()),
                    2,
                )
            };
            lines.push(format!(
                "delegation ({}): {} of the voters' {} tokens came by delegation ({pct}%)",
                self.policy,
                Amount::from_base_units(arrived).to_tokens_string(e.decimals),
                Amount::from_base_units(resolved).to_tokens_string(e.decimals),
            ));
        }
        lines
    }
}
