//! Delegated voting: the delegation graph, its semantics, and who ends up
//! holding the power.
//!
//! [`Delegations`] is a validated graph read from a file
//! ([`crate::io::delegations`]) or built from [`Delegation`] rows;
//! [`resolve`] computes, under a [`Policy`], each holder's final power (its
//! own kept balance plus everything that reached it, exact
//! [`Amount`](crate::Amount)s),
//! where each holder's power went ([`Route`]), how far it travelled, the
//! cycles, and counts. [`Analysis`] turns a resolution into the report of
//! `govkit delegation`.
//!
//! ```
//! use govkit::delegation::{resolve, Delegation, DelegationFields, Delegations, Policy};
//! use govkit::{Amount, Holders, Voter};
//!
//! let v = Voter::new;
//! let holders = Holders::from_balances(
//!     [("a", 10), ("b", 20), ("c", 30)].map(|(h, b)| (v(h), Amount::from_base_units(b))),
//! )
//! .unwrap();
//! let row = |from: &str, to: &str, line| Delegation {
//!     delegator: v(from), delegate: v(to), fraction: None, scope: None, line,
//! };
//! let graph = Delegations::from_rows(
//!     "delegations.csv", DelegationFields::default(),
//!     vec![row("a", "b", 2), row("b", "c", 3)], None,
//! ).unwrap();
//!
//! // One hop: a's 10 goes to b, b's 20 to c; power never moves twice.
//! let r = resolve(&holders, &graph, &Policy::one_hop(), None).unwrap();
//! assert_eq!(r.power(&v("b")).base_units(), 10);
//! assert_eq!(r.power(&v("c")).base_units(), 50);
//!
//! // Transitive: everything ends with c.
//! let r = resolve(&holders, &graph, &Policy::transitive(None), None).unwrap();
//! assert_eq!(r.power(&v("c")).base_units(), 60);
//! assert_eq!(r.final_delegate(&v("a")), Some(&v("c")));
//! ```
//!
//! # Semantics
//!
//! | policy (`--policy`) | reach | override | undelegated | self-delegation | used by |
//! |---|---|---|---|---|---|
//! | `one-hop` | 1 hop | no | count | keeps | the plain model |
//! | `snapshot` | 1 hop | yes | count | keeps | Snapshot `delegation` strategy |
//! | `openzeppelin` | 1 hop | no | ignored | keeps, activates | ERC20Votes / Compound `delegate` |
//! | `openzeppelin-overridable` | 1 hop | yes | ignored | keeps, activates | `GovernorCountingOverridable` |
//! | `polkadot` | 1 hop | no | count | error | conviction-voting `delegate` |
//! | `transitive[:N]` | chain, at most N hops | no | count | keeps | liquid democracy |
//! | `liquid[:N]` | chain, at most N hops | yes | count | keeps | liquid democracy with direct votes |
//!
//! - **One hop** ([`Reach::OneHop`]): a delegate votes with its own balance
//!   plus the balances delegated to it; power never moves twice. If A
//!   delegates to B and B to C, then B has A's balance and C has B's.
//! - **Transitive** ([`Reach::Transitive`]): power follows the chain until it
//!   reaches a holder who does not pass it on (no delegation, a
//!   self-delegation, or, with override, a holder who voted), or after N
//!   hops if a maximum depth is set. Depth 1 is one hop.
//! - **Override** ([`Policy::override_votes`]): a delegator who voted keeps
//!   its own power instead of passing it on, whether it voted before or
//!   after its delegate (only the set of voters is used). Under a transitive
//!   policy a voter also stops the power that reaches it: it votes with it.
//! - **Undelegated balances** ([`Undelegated`]): counted (Snapshot, Polkadot),
//!   or ignored (OpenZeppelin: a holder must delegate, possibly to itself, to
//!   activate its votes). Power delegated *to* a holder counts either way.
//! - **Self-delegation** ([`SelfDelegation`]): the holder keeps its power
//!   (never a cycle), or it is an error (Polkadot).
//! - **Split delegation** (Snapshot split-delegation): rows with fractions
//!   (`25%`, `1/4`, `0.25`, or basis points) give parts of the power to
//!   several delegates; the rest (100% minus the fractions) stays with the
//!   delegator. Splits cascade under a transitive policy.
//!
//! **Rounding** (split delegation only; whole delegations move exact
//! amounts): at each delegator, the power passing through it is split among
//! its delegates and its kept remainder by the largest-remainder (Hamilton)
//! method: each gets `floor(power × fraction)`, then the base units left
//! over go one each to the largest remainders, ties to the kept remainder
//! first and then to delegates in address order. The delegator's own
//! balance and the power that reached it are split separately (and, with a
//! maximum depth, power is split separately per number of hops travelled).
//! So no base unit is ever lost or created: the final powers sum exactly to
//! the balances that count.
//!
//! **Cycles** (A → B → A, or A → B → C → A with tails leading in) are always
//! detected and reported with their members, in delegation order. Under one
//! hop a cycle needs no rule: each member passes its balance once (as in
//! ERC20Votes, where two accounts delegating to each other each vote with
//! the other's balance). Under a transitive policy (depth 2 or more) the
//! delegations that form a cycle are void: each member keeps its own power,
//! as if it had not delegated, and power arriving from outside stops at the
//! first member it reaches. With split delegations a cycle is a strongly
//! connected group; only the delegations inside the group are void (their
//! share stays with the delegator), shares delegated outside still move.
//! Resolution never loops.
//!
//! **Bad inputs.** A delegator or delegate missing from the holder snapshot
//! is a holder with a zero balance (a delegate need not hold tokens), counted
//! in [`Counts`]; [`Policy::require_holders`] makes it an error naming the
//! row. Readers reject malformed addresses (a `0x` address must have 40 hex
//! digits), a delegator with two whole delegations or the same delegate
//! twice, zero fractions and fractions above 100% in total, each with file,
//! line and field.
//!
//! **Cost.** O(holders + delegations) with whole delegations, whatever the
//! depth limit; with split delegations O((holders + delegations) · L), L = 2
//! without a limit and at most N + 1 with limit N (the statistics per holder
//! walk each split holder's reachable delegates).

mod graph;
mod policy;
mod report;
mod resolve;
mod stage;

pub use graph::{Delegation, DelegationFields, Delegations, ReadCounts};
pub use policy::{Policy, PolicyError, Reach, SelfDelegation, Undelegated};
pub use report::{
    Analysis, ChainRow, DelegateRow, FileCheck, FileMismatch, IncompleteDelegate,
    InconsistentDelegate, ReportedDelegate, RowCounts, Top, TopRow,
};
pub use resolve::{resolve, Counts, DelegateInfo, Resolution, Route};
pub use stage::{DelegationStage, Order};

use crate::parallel::threads;

/// `f` over `items` on several threads, results in the order of `items`
/// (so the same as a sequential map). The calling thread maps the first
/// chunk straight into the result, so only the other chunks are copied
/// (the results can be large: a delegation report's rows).
fn par_map<T: Sync, U: Send>(items: &[T], f: impl Fn(&T) -> U + Sync) -> Vec<U> {
    let chunk = items.len().div_ceil(threads()).max(4096);
    if items.len() <= chunk {
        return items.iter().map(f).collect();
    }
    let f = &f;
    let (first, rest) = items.split_at(chunk);
    std::thread::scope(|scope| {
        let parts: Vec<_> = rest
            .chunks(chunk)
            .map(|c| scope.spawn(move || c.iter().map(f).collect::<Vec<U>>()))
            .collect();
        let mut out = Vec::with_capacity(items.len());
        out.extend(first.iter().map(f));
        for p in parts {
            out.extend(p.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        }
        out
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn par_map_keeps_the_order_of_a_sequential_map() {
        for n in [0usize, 1, 4095, 4096, 4097, 8192, 20_001] {
            let items: Vec<u64> = (0..n as u64).collect();
            let want: Vec<u64> = items.iter().map(|x| x * 3 + 1).collect();
            assert_eq!(super::par_map(&items, |x| x * 3 + 1), want, "{n} items");
        }
    }
}
