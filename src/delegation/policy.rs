//! How delegated power moves: [`Policy`] and its parts.

use std::fmt;
use std::str::FromStr;

/// How far delegated power travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Reach {
    /// Power moves once, from a delegator to its delegate, and never again
    /// (OpenZeppelin ERC20Votes, Polkadot, Snapshot's `delegation`
    /// strategy). The same as `Transitive(Some(1))`.
    OneHop,
    /// Power follows the chain of delegations (liquid democracy) until it
    /// reaches a holder who does not pass it on, or after at most this many
    /// hops (`None`: no limit). `Some(1)` is [`Reach::OneHop`]; `Some(0)` is
    /// invalid.
    Transitive(Option<u32>),
}

impl Reach {
    /// The maximum number of hops (`None`: unlimited).
    pub fn max_depth(self) -> Option<u32> {
        match self {
            Reach::OneHop => Some(1),
            Reach::Transitive(n) => n,
        }
    }
}

/// Whether the balance of a holder who made no delegation at all counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Undelegated {
    /// It counts as the holder's own power (Snapshot, Polkadot, liquid
    /// democracy).
    #[default]
    Count,
    /// It counts for nothing: only balances that were delegated, to someone
    /// or to the holder itself, carry votes (OpenZeppelin ERC20Votes, where
    /// a holder must self-delegate to activate its votes). Power delegated
    /// *to* a holder counts either way.
    Ignore,
}

/// What a delegation from a holder to itself means.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum SelfDelegation {
    /// The holder keeps its power (and, with [`Undelegated::Ignore`], this
    /// activates it, as in OpenZeppelin). Never a cycle.
    #[default]
    Keep,
    /// An error naming the row (Polkadot: "delegating to oneself" fails).
    Reject,
}

/// A delegation semantics: everything [`crate::delegation::resolve`] needs
/// to know besides the data.
///
/// Split (partial) delegation is not a policy but a property of the data:
/// rows with fractions are split by largest remainder under any policy.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Policy {
    /// One hop or transitive.
    pub reach: Reach,
    /// A delegator who voted itself keeps its own power instead of passing
    /// it on (Snapshot; OpenZeppelin `GovernorCountingOverridable`); under
    /// [`Reach::Transitive`] a voter also stops power that reaches it. Only
    /// the set of voters matters, never the order of the votes.
    pub override_votes: bool,
    /// Whether balances of holders without any delegation count.
    pub undelegated: Undelegated,
    /// Self-delegation.
    pub self_delegation: SelfDelegation,
    /// A delegator or delegate missing from the holder snapshot is an error
    /// (naming the row) instead of a holder with a zero balance.
    pub require_holders: bool,
}

impl Policy {
    /// One hop, no override, undelegated balances count.
    pub fn one_hop() -> Policy {
        Policy {
            reach: Reach::OneHop,
            override_votes: false,
            undelegated: Undelegated::Count,
            self_delegation: SelfDelegation::Keep,
            require_holders: false,
        }
    }

    /// Transitive with an optional maximum depth, no override.
    pub fn transitive(max_depth: Option<u32>) -> Policy {
        Policy {
            reach: Reach::Transitive(max_depth),
            ..Policy::one_hop()
        }
    }

    /// Snapshot's `delegation` strategy: one hop, a delegator's own vote
    /// overrides, everyone's balance counts.
    pub fn snapshot() -> Policy {
        Policy {
            override_votes: true,
            ..Policy::one_hop()
        }
    }

    /// OpenZeppelin ERC20Votes: one hop, only delegated (or self-delegated)
    /// balances count, no override.
    pub fn openzeppelin() -> Policy {
        Policy {
            undelegated: Undelegated::Ignore,
            ..Policy::one_hop()
        }
    }

    /// OpenZeppelin with `GovernorCountingOverridable`: as
    /// [`Policy::openzeppelin`], and a delegator's own vote takes its
    /// balance back from its delegate.
    pub fn openzeppelin_overridable() -> Policy {
        Policy {
            override_votes: true,
            ..Policy::openzeppelin()
        }
    }

    /// Polkadot conviction voting: one hop, delegating to oneself is an
    /// error, a delegating account does not vote itself (no override).
    /// Conviction multipliers are not modelled here.
    pub fn polkadot() -> Policy {
        Policy {
            self_delegation: SelfDelegation::Reject,
            ..Policy::one_hop()
        }
    }

    /// Liquid democracy: transitive (optionally capped), a voter keeps its
    /// own power and stops what reaches it.
    pub fn liquid(max_depth: Option<u32>) -> Policy {
        Policy {
            override_votes: true,
            ..Policy::transitive(max_depth)
        }
    }

    /// The maximum number of hops (`None`: unlimited).
    pub fn max_depth(&self) -> Option<u32> {
        self.reach.max_depth()
    }
}

impl Default for Policy {
    fn default() -> Policy {
        Policy::one_hop()
    }
}

/// Why a text is not a policy.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "{0:?} is not a delegation policy (one-hop, transitive, transitive:N, snapshot, \
     openzeppelin, openzeppelin-overridable, polkadot, liquid, liquid:N; N >= 1)"
)]
pub struct PolicyError(String);

impl FromStr for Policy {
    type Err = PolicyError;

    /// Parses a policy name: `one-hop`, `transitive`, `transitive:N`
    /// (at most N hops), or a preset: `snapshot`, `openzeppelin`,
    /// `openzeppelin-overridable`, `polkadot`, `liquid`, `liquid:N`.
    fn from_str(text: &str) -> Result<Policy, PolicyError> {
        let err = || PolicyError(text.to_string());
        let s = text.trim().to_ascii_lowercase();
        let (name, depth) = match s.split_once(':') {
            Some((name, n)) => {
                let n: u32 = n.trim().parse().map_err(|_| err())?;
                if n == 0 {
                    return Err(err());
                }
                (name.trim().to_string(), Some(n))
            }
            None => (s, None),
        };
        let policy = match (name.as_str(), depth) {
            ("one-hop" | "onehop" | "one_hop", None) => Policy::one_hop(),
            ("transitive", d) => Policy::transitive(d),
            ("liquid", d) => Policy::liquid(d),
            ("snapshot", None) => Policy::snapshot(),
            ("openzeppelin" | "erc20votes", None) => Policy::openzeppelin(),
            ("openzeppelin-overridable", None) => Policy::openzeppelin_overridable(),
            ("polkadot", None) => Policy::polkadot(),
            _ => return Err(err()),
        };
        Ok(policy)
    }
}

impl<'de> serde::Deserialize<'de> for Policy {
    /// A policy name as in [`Policy::from_str`] (for `policy = "one-hop"` in
    /// a proposal file).
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Policy, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl fmt::Display for Policy {
    /// `one-hop`, `transitive`, `transitive:3`, then the options that differ
    /// from the defaults: `one-hop, override, undelegated ignored`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.reach {
            Reach::OneHop | Reach::Transitive(Some(1)) => f.write_str("one-hop")?,
            Reach::Transitive(None) => f.write_str("transitive")?,
            Reach::Transitive(Some(n)) => write!(f, "transitive:{n}")?,
        }
        if self.override_votes {
            f.write_str(", override")?;
        }
        if self.undelegated == Undelegated::Ignore {
            f.write_str(", undelegated ignored")?;
        }
        if self.self_delegation == SelfDelegation::Reject {
            f.write_str(", self-delegation rejected")?;
        }
        if self.require_holders {
            f.write_str(", holders required")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_and_presets() {
        assert_eq!("one-hop".parse::<Policy>().unwrap(), Policy::one_hop());
        assert_eq!(
            "transitive:3".parse::<Policy>().unwrap().max_depth(),
            Some(3)
        );
        assert_eq!("transitive".parse::<Policy>().unwrap().max_depth(), None);
        assert_eq!(
            "OpenZeppelin".parse::<Policy>().unwrap().undelegated,
            Undelegated::Ignore
        );
        assert!("snapshot".parse::<Policy>().unwrap().override_votes);
        for bad in ["", "two-hop", "transitive:0", "transitive:x", "one-hop:2"] {
            assert!(bad.parse::<Policy>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn displays_reach_and_options() {
        assert_eq!(Policy::transitive(Some(1)).to_string(), "one-hop");
        assert_eq!(
            Policy::liquid(Some(4)).to_string(),
            "transitive:4, override"
        );
        assert_eq!(
            Policy::openzeppelin().to_string(),
            "one-hop, undelegated ignored"
        );
    }
}
