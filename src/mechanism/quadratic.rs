//! Quadratic voting: power is the square root of the token weight.
//!
//! Rounding, exactly: with `RootOf::BaseUnits` (the default) a weight of
//! `w` base units of a token with `d` decimals gets power
//! `floor(sqrt(w × 10^(d mod 2)))` in units of `10^-ceil(d/2)`: the exact
//! integer square root, rounded down, of the amount in units fine enough
//! that the root has a whole number of decimals. For an 18-decimal token,
//! 1 token (10^18 base units) has power 10^9 units = 1.000000000, and
//! 2 tokens have power 1.414213562 (floor of √2 at 9 decimals).
//! With `RootOf::WholeTokens` (as Snapshot's `math` strategy), the root is
//! taken of the whole-token part: `floor(sqrt(floor(w / 10^d)))`.
//!
//! Without an identity file nothing stops a voter from splitting its
//! tokens over k wallets, which multiplies its power by about √k; the
//! mechanism says so in its notes. With [`Identities`], the wallets of one
//! identity are merged before the root and the root is shared among them in
//! proportion to their weights (largest remainder, so no unit is lost or
//! created).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use num_bigint::BigUint;

use super::{BuildContext, Electorate, Identities, Mechanism, MechanismPlugin};
use crate::amount::{Amount, AmountUnit, Power};
use crate::error::{Error, Location, Result};
use crate::vote::Voter;

/// The registry entry: `kind = "quadratic"`.
pub(super) fn plugin() -> Arc<dyn MechanismPlugin> {
    Arc::new(Plugin)
}

struct Plugin;

/// `[mechanism]` options of `kind = "quadratic"`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    /// Take the root of base units (default) or of whole tokens.
    unit: Option<AmountUnit>,
    /// `address,identity` CSV merging the wallets of one person.
    identities: Option<PathBuf>,
}

impl MechanismPlugin for Plugin {
    fn name(&self) -> &'static str {
        "quadratic"
    }
    fn summary(&self) -> &'static str {
        "power = floor square root of the token weight (options: unit = \"token\" for whole \
         tokens, identities = FILE to merge wallets)"
    }
    fn variants(&self) -> Vec<(&'static str, &'static str)> {
        vec![("quadratic", ""), ("quadratic-tokens", "unit = \"token\"")]
    }
    fn build(&self, options: &toml::Table, ctx: &BuildContext<'_>) -> Result<Arc<dyn Mechanism>> {
        let o: Options = ctx.options(options)?;
        let identities = match o.identities {
            None => None,
            Some(path) => Some(crate::io::identities::read(&ctx.path(&path)).map_err(|e| {
                match ctx.location("identities") {
                    Some(at) => e.named_by(|| at),
                    None => e,
                }
            })?),
        };
        Ok(Arc::new(Quadratic {
            root_of: match o.unit {
                Some(AmountUnit::Token) => RootOf::WholeTokens,
                Some(AmountUnit::Base) | None => RootOf::BaseUnits,
            },
            identities,
        }))
    }
}

/// What the square root is taken of.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RootOf {
    /// Base units (exact; default).
    #[default]
    BaseUnits,
    /// Whole tokens, fractions dropped (Snapshot's `math` strategy).
    WholeTokens,
}

/// Quadratic voting, optionally with identities that merge wallets.
#[derive(Clone, Debug, Default)]
pub struct Quadratic {
    /// What the root is taken of.
    pub root_of: RootOf,
    /// Wallets that belong to one person.
    pub identities: Option<Identities>,
}

impl Quadratic {
    /// The power of a token weight, as described in the module docs.
    pub fn root(&self, weight: Amount, decimals: u8) -> Option<Power> {
        let w = weight.base_units();
        let x = match self.root_of {
            RootOf::BaseUnits => w.checked_mul(if decimals % 2 == 1 { 10 } else { 1 })?,
            RootOf::WholeTokens => w / 10u128.checked_pow(u32::from(decimals))?,
        };
        Some(Power::from_units(x.isqrt()))
    }
}

impl Mechanism for Quadratic {
    fn name(&self) -> String {
        let mut name = "quadratic".to_string();
        if self.root_of == RootOf::WholeTokens {
            name.push_str(" (whole tokens)");
        }
        if self.identities.is_some() {
            name.push_str(" + identities");
        }
        name
    }

    fn power_decimals(&self, token_decimals: u8) -> u8 {
        match self.root_of {
            RootOf::BaseUnits => token_decimals.div_ceil(2),
            RootOf::WholeTokens => 0,
        }
    }

    fn assign_power(&self, e: &Electorate<'_>) -> Result<Vec<Power>> {
        let root = |w: Amount, line: u64| {
            self.root(w, e.decimals).ok_or_else(|| {
                Error::overflow(
                    Some(Location::line(e.source, line)),
                    "the weight scaled for its square root",
                )
            })
        };
        let Some(ids) = &self.identities else {
            return e
                .votes
                .iter()
                .zip(e.weights)
                .map(|(v, &w)| root(w, v.line))
                .collect();
        };
        // Group votes by identity; a listed wallet goes under its identity,
        // an unlisted one is its own group, anonymous votes are never merged.
        // Groups are numbered in order of their first vote, so that an
        // overflow is reported at the same vote on every run.
        let mut powers: Vec<Option<Power>> = vec![None; e.votes.len()];
        let mut group_of: HashMap<Group<'_>, usize> = HashMap::new();
        let mut groups: Vec<Vec<usize>> = Vec::new();
        for (i, v) in e.votes.iter().enumerate() {
            match &v.voter {
                None => powers[i] = Some(root(e.weights[i], v.line)?),
                Some(voter) => {
                    let key = match ids.identity_of(voter) {
                        Some(id) => Group::Identity(id),
                        None => Group::Wallet(voter),
                    };
                    let next = groups.len();
                    let g = *group_of.entry(key).or_insert(next);
                    if g == next {
                        groups.push(Vec::new());
                    }
                    groups[g].push(i);
                }
            }
        }
        for members in &groups {
            let mut total = Amount::ZERO;
            for &i in members {
                total = total.checked_add(e.weights[i]).ok_or_else(|| {
                    Error::overflow(
                        Some(Location::line(e.source, e.votes[i].line)),
                        "the merged weight of one identity",
                    )
                })?;
            }
            let line = e.votes[members[0]].line;
            let identity_power = root(total, line)?;
            let weights: Vec<u128> = members.iter().map(|&i| e.weights[i].base_units()).collect();
            for (&i, share) in members
                .iter()
                .zip(largest_remainder(identity_power.units(), &weights))
            {
                powers[i] = Some(Power::from_units(share));
            }
        }
        Ok(powers
            .into_iter()
            .map(|p| p.expect("every vote assigned"))
            .collect())
    }

    fn notes(&self) -> Vec<String> {
        if self.identities.is_none() {
            vec![
                "quadratic voting without identities is not sybil-resistant: splitting a \
                  wallet into k wallets multiplies its power by about sqrt(k) \
                  (see `govkit sybil`)"
                    .into(),
            ]
        } else {
            Vec::new()
        }
    }
}

/// Splits `total` in proportion to `weights`: floors first, then one unit
/// each to the largest remainders (ties: earlier first). The parts add up
/// to `total` exactly; all weights zero gives everything to the first.
pub(crate) fn largest_remainder(total: u128, weights: &[u128]) -> Vec<u128> {
    let sum: BigUint = weights.iter().map(|&w| BigUint::from(w)).sum();
    if weights.is_empty() {
        return Vec::new();
    }
    if sum == BigUint::default() {
        let mut parts = vec![0; weights.len()];
        parts[0] = total;
        return parts;
    }
    let t = BigUint::from(total);
    let mut parts = Vec::with_capacity(weights.len());
    let mut remainders = Vec::with_capacity(weights.len());
    let mut assigned: u128 = 0;
    for (i, &w) in weights.iter().enumerate() {
        let product = &t * BigUint::from(w);
        let floor = &product / &sum;
        let rem = product - &floor * &sum;
        let floor = u128::try_from(floor).expect("a part is at most the total");
        assigned += floor;
        parts.push(floor);
        remainders.push((rem, i));
    }
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in remainders.into_iter().take((total - assigned) as usize) {
        parts[i] += 1;
    }
    parts
}

/// Whose votes share one root: a listed identity's wallets, or an
/// unlisted wallet alone.
#[derive(PartialEq, Eq, Hash)]
enum Group<'a> {
    Identity(&'a str),
    Wallet(&'a Voter),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(t: u128) -> Amount {
        Amount::from_base_units(t * 10u128.pow(18))
    }

    #[test]
    fn roots_are_floored_at_half_the_decimals() {
        let q = Quadratic::default();
        // sqrt(1 token) = 1.000000000 at 9 decimals.
        assert_eq!(
            q.root(tokens(1), 18),
            Some(Power::from_units(1_000_000_000))
        );
        // sqrt(2) = 1.41421356237... -> floor at 9 decimals.
        assert_eq!(
            q.root(tokens(2), 18),
            Some(Power::from_units(1_414_213_562))
        );
        assert_eq!(q.power_decimals(18), 9);
        // Odd decimals: 3 decimals, 1 token = 1000 units -> sqrt(10000) = 100 at 2 decimals.
        assert_eq!(
            q.root(Amount::from_base_units(1000), 3),
            Some(Power::from_units(100))
        );
        assert_eq!(q.power_decimals(3), 2);
        let whole = Quadratic {
            root_of: RootOf::WholeTokens,
            identities: None,
        };
        // 8.9 tokens -> sqrt(8) floored = 2.
        let w = Amount::from_base_units(89 * 10u128.pow(17));
        assert_eq!(whole.root(w, 18), Some(Power::from_units(2)));
    }

    #[test]
    fn an_overflowing_identity_is_reported_at_the_same_vote_every_time() {
        use crate::vote::{Attributes, Selection, Vote, Voter};
        let ids = Identities::from_pairs(
            [("0xa1", "a"), ("0xa2", "a"), ("0xb1", "b"), ("0xb2", "b")]
                .map(|(w, id)| (Voter::new(w), id.to_string())),
        )
        .expect("distinct wallets");
        // Each identity's two wallets together exceed u128: "b" votes
        // first (line 1), so its second wallet (line 3) is the first
        // overflow in order of the groups' first votes.
        let votes: Vec<Vote> = ["0xb1", "0xa1", "0xb2", "0xa2"]
            .iter()
            .enumerate()
            .map(|(k, w)| Vote {
                voter: Some(Voter::new(w)),
                selection: Selection::Single(1),
                weight: None,
                cast_at: None,
                line: k as u64 + 1,
                attributes: Attributes::new(),
            })
            .collect();
        let weights = vec![Amount::from_base_units(u128::MAX / 2 + 1); 4];
        // The groups live in a hash map seeded per run: repeat.
        for _ in 0..32 {
            let q = Quadratic {
                root_of: RootOf::BaseUnits,
                identities: Some(ids.clone()),
            };
            let e = Electorate {
                source: std::path::Path::new("votes.csv"),
                votes: &votes,
                weights: &weights,
                holders: None,
                decimals: 18,
            };
            let err = q.assign_power(&e).expect_err("the merged weights overflow");
            assert_eq!(err.location().and_then(|l| l.line), Some(3), "{err}");
        }
    }

    #[test]
    fn largest_remainder_conserves_the_total() {
        assert_eq!(largest_remainder(10, &[1, 1, 1]), vec![4, 3, 3]);
        assert_eq!(largest_remainder(7, &[3, 0, 1]), vec![5, 0, 2]);
        assert_eq!(largest_remainder(5, &[0, 0]), vec![5, 0]);
        let parts = largest_remainder(1_000_000_007, &[u128::MAX / 3, 5, u128::MAX / 7]);
        assert_eq!(parts.iter().sum::<u128>(), 1_000_000_007);
    }
}
