//! Lock-multiplier conviction (Polkadot OpenGov) for ordinary proposals:
//! a vote's power is `Conviction::votes(capital)`, exactly as
//! pallet-conviction-voting computes it: capital / 10 (rounded down) for
//! no conviction, capital × 1..6 for Locked1x..Locked6x. The capital is the
//! vote's token weight, so quorums (turnout) count capital, which is
//! OpenGov's *support*, and passing compares conviction-weighted votes,
//! OpenGov's *approval*.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::{BuildContext, Electorate, Mechanism, MechanismPlugin};
use crate::amount::{Amount, Power};
use crate::conviction::Conviction;
use crate::error::{Error, Location, Result};
use crate::vote::Vote;

/// The per-vote attribute: `none`/`0.1x`, `1x`..`6x`.
const ATTRIBUTE: &str = "conviction";

/// The registry entry: `kind = "conviction"`.
pub(super) fn plugin() -> Arc<dyn MechanismPlugin> {
    Arc::new(Plugin)
}

struct Plugin;

/// `[mechanism]` options of `kind = "conviction"`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    /// The conviction of votes that state none (default none, 0.1x).
    default_conviction: Option<String>,
}

impl MechanismPlugin for Plugin {
    fn name(&self) -> &'static str {
        "conviction"
    }
    fn summary(&self) -> &'static str {
        "Polkadot lock-multiplier conviction: capital x 0.1..6 by each vote's `conviction` \
         (option: default_conviction)"
    }
    fn attributes(&self) -> &'static [&'static str] {
        &[ATTRIBUTE]
    }
    fn build(&self, options: &toml::Table, ctx: &BuildContext<'_>) -> Result<Arc<dyn Mechanism>> {
        let o: Options = ctx.options(options)?;
        let default = match o.default_conviction {
            None => Conviction::None,
            Some(text) => text
                .parse()
                .map_err(|e: crate::conviction::ConvictionError| {
                    ctx.error("default_conviction", e)
                })?,
        };
        Ok(Arc::new(ConvictionVoting { default }))
    }
}

/// Conviction-weighted voting.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ConvictionVoting {
    /// The conviction of votes that state none.
    pub default: Conviction,
}

impl ConvictionVoting {
    /// The vote's own conviction, else the default.
    fn conviction(&self, vote: &Vote, source: &std::path::Path) -> Result<Conviction> {
        match vote.attributes.get(ATTRIBUTE) {
            None => Ok(self.default),
            Some(text) => text
                .parse()
                .map_err(|e: crate::conviction::ConvictionError| {
                    Error::input(
                        Location::line(source, vote.line).with_field(ATTRIBUTE),
                        e.to_string(),
                    )
                }),
        }
    }
}

impl Mechanism for ConvictionVoting {
    fn name(&self) -> String {
        "conviction".into()
    }

    fn assign_power(&self, e: &Electorate<'_>) -> Result<Vec<Power>> {
        e.votes
            .iter()
            .zip(e.weights)
            .map(|(v, w)| {
                self.conviction(v, e.source)?
                    .checked_votes(w.base_units())
                    .map(Power::from_units)
                    .ok_or_else(|| {
                        Error::overflow(
                            Some(Location::line(e.source, v.line).with_field("conviction")),
                            "the conviction-weighted votes",
                        )
                    })
            })
            .collect()
    }

    fn details(&self, e: &Electorate<'_>, powers: &[Power]) -> Vec<String> {
        // Per conviction: voters, capital, votes, lock periods.
        let mut levels: BTreeMap<Conviction, (u64, u128, u128)> = BTreeMap::new();
        for ((v, w), p) in e.votes.iter().zip(e.weights).zip(powers) {
            // Unreadable convictions failed assign_power already.
            let Ok(c) = self.conviction(v, e.source) else {
                continue;
            };
            let slot = levels.entry(c).or_default();
            slot.0 += 1;
            slot.1 = slot.1.saturating_add(w.base_units());
            slot.2 = slot.2.saturating_add(p.units());
        }
        levels
            .into_iter()
            .map(|(c, (n, capital, votes))| {
                format!(
                    "conviction {c}: {n} voters, capital {}, votes {}, lock {} period(s) if on the \
                     winning side",
                    Amount::from_base_units(capital).to_tokens_string(e.decimals),
                    Power::from_units(votes).to_decimal_string(e.decimals),
                    c.lock_periods()
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vote::{Attributes, Selection, Voter};

    #[test]
    fn pallet_vectors_as_powers() {
        // ANCHORS (pallet tests): aye(2, 5x) -> 10 votes; aye(5, 1x) -> 5;
        // aye(10, 0x) -> 1 (capital / 10).
        let votes: Vec<Vote> = [(2u128, "5x"), (5, "1x"), (10, "none")]
            .iter()
            .enumerate()
            .map(|(i, (_, c))| Vote {
                voter: Some(Voter::new(&format!("a{i}"))),
                selection: Selection::Single(1),
                weight: None,
                cast_at: None,
                line: i as u64 + 1,
                attributes: Attributes::new().with(ATTRIBUTE, c),
            })
            .collect();
        let weights: Vec<Amount> = [2u128, 5, 10]
            .iter()
            .map(|&w| Amount::from_base_units(w))
            .collect();
        let powers = ConvictionVoting::default()
            .assign_power(&Electorate {
                source: std::path::Path::new("t"),
                votes: &votes,
                weights: &weights,
                holders: None,
                decimals: 0,
            })
            .unwrap();
        let units: Vec<u128> = powers.iter().map(|p| p.units()).collect();
        assert_eq!(units, vec![10, 5, 1]);
    }
}
