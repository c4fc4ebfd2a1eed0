//! Resolution: where every holder's power ends up under a [`Policy`].
//!
//! Two engines compute the same function:
//! - whole delegations only (each delegator gives everything to one
//!   delegate): the graph is functional (one out-edge per node), so cycles
//!   are found by walking each node once, and a depth limit is applied by a
//!   depth-first walk down the delegation forest that keeps the current path
//!   on a stack (the final holder of a node at depth `d` is the path's entry
//!   at `d - N`). O(holders + delegations).
//! - with split delegations: strongly connected components (petgraph's
//!   iterative `kosaraju_scc`) find the cycles; power then flows in
//!   topological order (Kahn), each node splitting what passes through it by
//!   largest remainder. O((holders + delegations) · L) where L is 2 without
//!   a depth limit and `min(N + 1, longest chain)` with limit N.
//!
//! The unit tests check that both engines agree on graphs without splits.

use std::collections::{BTreeMap, HashSet};

use num_bigint::BigUint;
use num_integer::Integer;
use num_traits::{ToPrimitive, Zero};

use super::graph::Delegations;
use super::policy::{Policy, SelfDelegation, Undelegated};
use crate::amount::Amount;
use crate::error::{Error, Result};
use crate::holders::Holders;
use crate::share::Share;
use crate::vote::Voter;

const NONE: u32 = u32::MAX;

/// What happened, in numbers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Holders listed in the snapshot.
    pub holders: usize,
    /// Holders whose balance counts (all of them, unless undelegated
    /// balances are ignored).
    pub counted_holders: usize,
    /// Holders with a delegation (self-delegations included).
    pub delegators: usize,
    /// Delegations of a holder to itself.
    pub self_delegations: usize,
    /// Delegators who voted and therefore kept their power (override).
    pub overridden: usize,
    /// Holders whose power (all or part) ends with someone else.
    pub moved: usize,
    /// Final holders that received power from at least one other holder.
    pub delegates: usize,
    /// Holders on a delegation cycle.
    pub in_cycles: usize,
    /// Delegations void because they lie on a cycle (transitive policies).
    pub voided: usize,
    /// Delegators missing from the holder snapshot (zero balance).
    pub unknown_delegators: usize,
    /// Delegates missing from the holder snapshot (zero own balance).
    pub unknown_delegates: usize,
}

/// Where a holder's own power goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route<'r> {
    /// It stays with the holder: no delegation, a self-delegation, an
    /// override (the holder voted), or a delegation voided by a cycle.
    Own,
    /// All of it ends with `to`, after `hops` hops.
    Delegate {
        /// The final holder.
        to: &'r Voter,
        /// Delegations it passed through.
        hops: u32,
    },
    /// It is split among `holders` final holders (split delegation; the
    /// holder itself is one of them if it kept a part), at most `max_hops`
    /// away.
    Split {
        /// Number of final holders that get a part.
        holders: usize,
        /// The longest way a part travelled.
        max_hops: u32,
    },
    /// It counts for nothing ([`Undelegated::Ignore`] and no delegation).
    Uncounted,
}

/// A final holder that received delegated power.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DelegateInfo<'r> {
    /// The delegate.
    pub voter: &'r Voter,
    /// Its final power: its own kept balance plus what reached it.
    pub power: Amount,
    /// The part of its own balance it kept.
    pub own: Amount,
    /// What reached it from others.
    pub received: Amount,
    /// Holders whose power (some of it) ends with it.
    pub delegators: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NodeRoute {
    Own,
    To(u32),
    Split(u32),
}

/// The result of [`resolve`]: each holder's final power and how it got
/// there. Holders that take no part in any delegation are not stored; their
/// power is their balance (or nothing, if undelegated balances are ignored).
#[derive(Clone, Debug)]
pub struct Resolution<'a> {
    holders: &'a Holders,
    delegations: &'a Delegations,
    policy: Policy,
    balance: Vec<u128>,
    counted: Vec<bool>,
    /// Per holder (in [`Holders::iter`] order): whether it is a node.
    in_graph: Vec<bool>,
    power: Vec<u128>,
    kept_own: Vec<u128>,
    route: Vec<NodeRoute>,
    hops: Vec<u32>,
    behind: Vec<u32>,
    cycles: Vec<Vec<u32>>,
    chain_lengths: BTreeMap<u32, u64>,
    counts: Counts,
    total: u128,
    delegated: u128,
}

/// Resolves `delegations` over `holders` under `policy`.
///
/// `voted` is the set of holders who voted themselves; it matters only with
/// [`Policy::override_votes`] (`None` there means nobody voted). The result
/// depends on the set, never on the order of votes or rows.
///
/// Errors: a maximum depth of 0; a self-delegation under
/// [`SelfDelegation::Reject`]; with [`Policy::require_holders`], a delegator
/// or delegate missing from `holders` (each naming the delegation's line).
pub fn resolve<'a>(
    holders: &'a Holders,
    delegations: &'a Delegations,
    policy: &Policy,
    voted: Option<&HashSet<Voter>>,
) -> Result<Resolution<'a>> {
    if policy.max_depth() == Some(0) {
        return Err(Error::invalid(
            "a delegation's maximum depth must be at least 1",
        ));
    }
    let prep = Prepared::new(holders, delegations, policy, voted)?;
    if delegations.has_split() {
        general::run(prep)
    } else {
        whole::run(prep)
    }
}

/// [`resolve`] with the general (split) engine, whatever the data.
#[cfg(test)]
fn resolve_general<'a>(
    holders: &'a Holders,
    delegations: &'a Delegations,
    policy: &Policy,
    voted: Option<&HashSet<Voter>>,
) -> Result<Resolution<'a>> {
    general::run(Prepared::new(holders, delegations, policy, voted)?)
}

/// What both engines start from.
struct Prepared<'a> {
    holders: &'a Holders,
    delegations: &'a Delegations,
    policy: Policy,
    balance: Vec<u128>,
    counted: Vec<bool>,
    /// Nodes that pass their own power on (a non-self delegation that was
    /// not overridden).
    passes: Vec<bool>,
    /// Per holder (in [`Holders::iter`] order): whether it is a node.
    in_graph: Vec<bool>,
    counts: Counts,
}

impl<'a> Prepared<'a> {
    fn new(
        holders: &'a Holders,
        delegations: &'a Delegations,
        policy: &Policy,
        voted: Option<&HashSet<Voter>>,
    ) -> Result<Prepared<'a>> {
        let nodes = delegations.nodes();
        let n = nodes.len();
        let mut balance = vec![0u128; n];
        let mut listed = vec![false; n];
        // One lookup per node (there are usually far fewer nodes than
        // holders): its balance, whether it is listed at all (a zero
        // balance does not tell a listed holder from an absent one), and
        // which holders are in the graph, so that the holders outside it
        // are later found without hashing.
        let mut in_graph = vec![false; holders.len()];
        // The lookups are independent: ranges of nodes on each core.
        let chunk = n.div_ceil(super::threads()).max(1 << 14);
        let found: Vec<Vec<usize>> = std::thread::scope(|scope| {
            let parts: Vec<_> = balance
                .chunks_mut(chunk)
                .zip(listed.chunks_mut(chunk))
                .enumerate()
                .map(|(c, (balance, listed))| {
                    scope.spawn(move || {
                        let mut found = Vec::with_capacity(balance.len());
                        for (j, (b, l)) in balance.iter_mut().zip(listed.iter_mut()).enumerate() {
                            if let Some((k, amount)) = holders.find(&nodes[c * chunk + j]) {
                                *b = amount.base_units();
                                *l = true;
                                found.push(k);
                            }
                        }
                        found
                    })
                })
                .collect();
            parts
                .into_iter()
                .map(|p| p.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        });
        for k in found.into_iter().flatten() {
            in_graph[k] = true;
        }
        let mut voted_node = vec![false; n];
        if policy.override_votes {
            for v in voted.into_iter().flatten() {
                if let Some(i) = delegations.node(v) {
                    voted_node[i as usize] = true;
                }
            }
        }
        let mut counts = Counts {
            holders: holders.len(),
            ..Counts::default()
        };
        let mut counted = vec![policy.undelegated == Undelegated::Count; n];
        let mut passes = vec![false; n];
        let mut is_delegate = vec![false; n];
        let fields = delegations.fields();
        for i in 0..n as u32 {
            let edges = delegations.out_edges(i);
            if edges.is_empty() {
                continue;
            }
            counts.delegators += 1;
            counted[i as usize] = true;
            let mut other = false;
            for e in edges {
                if e.delegate == i {
                    counts.self_delegations += 1;
                    if policy.self_delegation == SelfDelegation::Reject {
                        return Err(Error::input(
                            delegations.location(e.line, &fields.delegate),
                            format!(
                                "{} delegates to itself, which this policy does not allow \
                                 (as in Polkadot)",
                                nodes[i as usize]
                            ),
                        ));
                    }
                } else {
                    other = true;
                    is_delegate[e.delegate as usize] = true;
                }
            }
            if !listed[i as usize] {
                counts.unknown_delegators += 1;
                if policy.require_holders {
                    return Err(Error::input(
                        delegations.location(edges[0].line, &fields.delegator),
                        format!(
                            "delegator {} is not in the holder snapshot",
                            nodes[i as usize]
                        ),
                    ));
                }
            }
            if other && voted_node[i as usize] {
                counts.overridden += 1;
            } else {
                passes[i as usize] = other;
            }
        }
        for i in 0..n {
            if is_delegate[i] && !listed[i] {
                counts.unknown_delegates += 1;
                if policy.require_holders {
                    let e = delegations
                        .iter()
                        .find(|(_, d, _, _)| *d == &nodes[i])
                        .expect("a delegate has an edge");
                    return Err(Error::input(
                        delegations.location(e.3, &fields.delegate),
                        format!("delegate {} is not in the holder snapshot", nodes[i]),
                    ));
                }
            }
        }
        counts.counted_holders = match policy.undelegated {
            Undelegated::Count => holders.len(),
            Undelegated::Ignore => (0..n).filter(|&i| counted[i] && listed[i]).count(),
        };
        Ok(Prepared {
            holders,
            delegations,
            policy: policy.clone(),
            balance,
            counted,
            passes,
            in_graph,
            counts,
        })
    }

    /// The own power of node `i` that takes part (its balance if counted).
    fn own(&self, i: usize) -> u128 {
        if self.counted[i] {
            self.balance[i]
        } else {
            0
        }
    }

    /// Finishes a resolution from per-node results.
    #[allow(clippy::too_many_arguments)]
    fn finish(
        self,
        power: Vec<u128>,
        kept_own: Vec<u128>,
        route: Vec<NodeRoute>,
        hops: Vec<u32>,
        behind: Vec<u32>,
        mut cycles: Vec<Vec<u32>>,
        voided: usize,
    ) -> Result<Resolution<'a>> {
        let nodes = self.delegations.nodes();
        let mut counts = self.counts;
        counts.voided = voided;
        counts.in_cycles = cycles.iter().map(Vec::len).sum();
        for c in &mut cycles {
            let first = (0..c.len())
                .min_by(|&a, &b| nodes[c[a] as usize].cmp(&nodes[c[b] as usize]))
                .unwrap_or(0);
            c.rotate_left(first);
        }
        cycles.sort_by(|a, b| nodes[a[0] as usize].cmp(&nodes[b[0] as usize]));
        let mut chain_lengths = BTreeMap::new();
        for (i, r) in route.iter().enumerate() {
            if *r != NodeRoute::Own {
                counts.moved += 1;
                *chain_lengths.entry(hops[i]).or_insert(0) += 1;
            }
        }
        counts.delegates = behind.iter().filter(|&&b| b > 0).count();
        let overflow = || Error::overflow(None, "the total voting power");
        let mut total: u128 = 0;
        let mut delegated: u128 = 0;
        let mut involved: u128 = 0;
        for i in 0..nodes.len() {
            total = total.checked_add(self.own(i)).ok_or_else(overflow)?;
            involved = involved.checked_add(self.balance[i]).ok_or_else(overflow)?;
            delegated += power[i] - kept_own[i];
        }
        if self.policy.undelegated == Undelegated::Count {
            // Holders outside the graph keep their balances.
            total = self.holders.total().base_units();
            debug_assert!(involved <= total);
        }
        Ok(Resolution {
            holders: self.holders,
            delegations: self.delegations,
            policy: self.policy,
            balance: self.balance,
            counted: self.counted,
            in_graph: self.in_graph,
            power,
            kept_own,
            route,
            hops,
            behind,
            cycles,
            chain_lengths,
            counts,
            total,
            delegated,
        })
    }
}

impl<'a> Resolution<'a> {
    /// The policy it was resolved under.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The holder snapshot.
    pub fn holders(&self) -> &'a Holders {
        self.holders
    }

    /// The delegations.
    pub fn delegations(&self) -> &'a Delegations {
        self.delegations
    }

    /// `voter`'s final voting power: the part of its own balance it kept
    /// plus everything that reached it. Zero for someone unknown.
    pub fn power(&self, voter: &Voter) -> Amount {
        match self.delegations.node(voter) {
            Some(i) => Amount::from_base_units(self.power[i as usize]),
            None => self.outside(voter),
        }
    }

    /// `voter`'s own balance as it counts before delegation (zero if its
    /// undelegated balance is ignored).
    pub fn own_balance(&self, voter: &Voter) -> Amount {
        match self.delegations.node(voter) {
            Some(i) => {
                let i = i as usize;
                Amount::from_base_units(if self.counted[i] { self.balance[i] } else { 0 })
            }
            None => self.outside(voter),
        }
    }

    /// The part of `voter`'s own balance that stayed with it.
    pub fn kept(&self, voter: &Voter) -> Amount {
        match self.delegations.node(voter) {
            Some(i) => Amount::from_base_units(self.kept_own[i as usize]),
            None => self.outside(voter),
        }
    }

    /// The power that reached `voter` from other holders.
    pub fn received(&self, voter: &Voter) -> Amount {
        match self.delegations.node(voter) {
            Some(i) => {
                let i = i as usize;
                Amount::from_base_units(self.power[i] - self.kept_own[i])
            }
            None => Amount::ZERO,
        }
    }

    fn outside(&self, voter: &Voter) -> Amount {
        match self.policy.undelegated {
            Undelegated::Count => self.holders.balance(voter),
            Undelegated::Ignore => Amount::ZERO,
        }
    }

    /// Where `voter`'s own power went.
    pub fn route(&self, voter: &Voter) -> Route<'a> {
        let nodes = self.delegations.nodes();
        match self.delegations.node(voter) {
            Some(i) => {
                let i = i as usize;
                match self.route[i] {
                    NodeRoute::Own if !self.counted[i] => Route::Uncounted,
                    NodeRoute::Own => Route::Own,
                    NodeRoute::To(d) => Route::Delegate {
                        to: &nodes[d as usize],
                        hops: self.hops[i],
                    },
                    NodeRoute::Split(k) => Route::Split {
                        holders: k as usize,
                        max_hops: self.hops[i],
                    },
                }
            }
            None if self.policy.undelegated == Undelegated::Ignore => Route::Uncounted,
            None => Route::Own,
        }
    }

    /// The holder that ends up with all of `voter`'s power, if that is
    /// someone else (`None` if it kept its power or split it).
    pub fn final_delegate(&self, voter: &Voter) -> Option<&'a Voter> {
        match self.route(voter) {
            Route::Delegate { to, .. } => Some(to),
            _ => None,
        }
    }

    /// Number of holders whose power (some of it) ends with `voter`.
    pub fn delegators_behind(&self, voter: &Voter) -> usize {
        self.delegations
            .node(voter)
            .map_or(0, |i| self.behind[i as usize] as usize)
    }

    /// Every final holder that received power from another holder, by
    /// power (largest first), then address.
    pub fn delegates(&self) -> Vec<DelegateInfo<'a>> {
        let nodes = self.delegations.nodes();
        let mut out: Vec<DelegateInfo<'a>> = (0..nodes.len())
            .filter(|&i| self.behind[i] > 0)
            .map(|i| DelegateInfo {
                voter: &nodes[i],
                power: Amount::from_base_units(self.power[i]),
                own: Amount::from_base_units(self.kept_own[i]),
                received: Amount::from_base_units(self.power[i] - self.kept_own[i]),
                delegators: self.behind[i] as usize,
            })
            .collect();
        // Voters are distinct nodes: the order is total, so an unstable sort
        // gives the one order a stable sort would.
        out.sort_unstable_by(|a, b| b.power.cmp(&a.power).then_with(|| a.voter.cmp(b.voter)));
        out
    }

    /// Every holder (and delegate) with a positive final power, in no
    /// particular order. The powers sum to [`Resolution::total`].
    pub fn final_powers(&self) -> impl Iterator<Item = (&'a Voter, Amount)> + '_ {
        let nodes = self.delegations.nodes();
        let inside = (0..nodes.len())
            .filter(|&i| self.power[i] > 0)
            .map(move |i| (&nodes[i], Amount::from_base_units(self.power[i])));
        inside.chain(self.outside_holders())
    }

    /// Every holder's own balance that counts, in no particular order (the
    /// distribution before delegation).
    pub fn own_balances(&self) -> impl Iterator<Item = (&'a Voter, Amount)> + '_ {
        let nodes = self.delegations.nodes();
        let inside = (0..nodes.len())
            .filter(|&i| self.counted[i] && self.balance[i] > 0)
            .map(move |i| (&nodes[i], Amount::from_base_units(self.balance[i])));
        inside.chain(self.outside_holders())
    }

    /// Holders outside the graph with a positive balance that counts.
    fn outside_holders(&self) -> impl Iterator<Item = (&'a Voter, Amount)> + '_ {
        let count = self.policy.undelegated == Undelegated::Count;
        let holders: &'a Holders = self.holders;
        holders
            .iter()
            .zip(&self.in_graph)
            .filter(move |((_, a), &inside)| count && !inside && a.base_units() > 0)
            .map(|(h, _)| h)
    }

    /// Every delegation cycle, in delegation order (each member delegates to
    /// the next, the last to the first), starting with its smallest address;
    /// cycles ordered by that address. With split delegations a cycle is a
    /// strongly connected group, listed in delegation order when it is a
    /// simple ring and by address otherwise.
    pub fn cycles(&self) -> Vec<Vec<&'a Voter>> {
        let nodes = self.delegations.nodes();
        self.cycles
            .iter()
            .map(|c| c.iter().map(|&i| &nodes[i as usize]).collect())
            .collect()
    }

    /// How far power moved: hops → number of holders whose power moved
    /// that far (for split delegations, the longest way).
    pub fn chain_lengths(&self) -> &BTreeMap<u32, u64> {
        &self.chain_lengths
    }

    /// Counts of what happened.
    pub fn counts(&self) -> &Counts {
        &self.counts
    }

    /// Total power: the balances that count. Final powers sum to it exactly.
    pub fn total(&self) -> Amount {
        Amount::from_base_units(self.total)
    }

    /// Power that ended with someone other than its owner.
    pub fn delegated(&self) -> Amount {
        Amount::from_base_units(self.delegated)
    }

    /// `delegated / total` (zero when the total is zero).
    pub fn delegated_share(&self) -> Share {
        Share::new(self.delegated, self.total).unwrap_or_else(Share::zero)
    }
}

/// Cycles of a functional graph (`next[i]` or `NONE`), each in delegation
/// order. Every node is walked once.
fn functional_cycles(next: &[u32]) -> Vec<Vec<u32>> {
    const NEW: u32 = u32::MAX;
    const DONE: u32 = u32::MAX - 1;
    let n = next.len();
    // Walk id of the walk that is visiting a node, or NEW / DONE.
    let mut state = vec![NEW; n];
    let mut pos = vec![0u32; n];
    let mut path: Vec<u32> = Vec::new();
    let mut cycles = Vec::new();
    for start in 0..n as u32 {
        if state[start as usize] != NEW {
            continue;
        }
        path.clear();
        let mut j = start;
        while j != NONE && state[j as usize] == NEW {
            state[j as usize] = start;
            pos[j as usize] = path.len() as u32;
            path.push(j);
            j = next[j as usize];
        }
        if j != NONE && state[j as usize] == start {
            cycles.push(path[pos[j as usize] as usize..].to_vec());
        }
        for &p in &path {
            state[p as usize] = DONE;
        }
    }
    cycles
}

mod whole {
    //! Whole delegations: a functional graph.

    use super::*;

    pub(super) fn run(prep: Prepared<'_>) -> Result<Resolution<'_>> {
        let n = prep.balance.len();
        let mut next = vec![NONE; n];
        for (i, slot) in next.iter_mut().enumerate() {
            if prep.passes[i] {
                *slot = prep.delegations.out_edges(i as u32)[0].delegate;
            }
        }
        let cycles = functional_cycles(&next);
        let mut fin: Vec<u32> = (0..n as u32).collect();
        let mut hops = vec![0u32; n];
        let mut voided = 0;
        match prep.policy.max_depth() {
            Some(1) => {
                for i in 0..n {
                    if next[i] != NONE {
                        fin[i] = next[i];
                        hops[i] = 1;
                    }
                }
            }
            limit => {
                // Delegations on a cycle are void: members keep their power
                // and stop what reaches them.
                for c in &cycles {
                    for &m in c {
                        next[m as usize] = NONE;
                    }
                    voided += c.len();
                }
                descend(&next, limit, &mut fin, &mut hops);
            }
        }
        let mut power = vec![0u128; n];
        let mut kept_own = vec![0u128; n];
        let mut behind = vec![0u32; n];
        let mut route = vec![NodeRoute::Own; n];
        for i in 0..n {
            let f = fin[i] as usize;
            let own = prep.own(i);
            power[f] += own;
            if f == i {
                kept_own[i] = own;
            } else {
                behind[f] += 1;
                route[i] = NodeRoute::To(f as u32);
            }
        }
        prep.finish(power, kept_own, route, hops, behind, cycles, voided)
    }

    /// In the forest given by `next` (no cycles left), sets each node's
    /// final holder and hop count: the ancestor `min(depth, limit)` levels
    /// up. One iterative depth-first walk from the roots.
    fn descend(next: &[u32], limit: Option<u32>, fin: &mut [u32], hops: &mut [u32]) {
        let n = next.len();
        // Children in CSR form.
        let mut start = vec![0u32; n + 1];
        for &p in next {
            if p != NONE {
                start[p as usize + 1] += 1;
            }
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut children = vec![0u32; start[n] as usize];
        for (i, &p) in next.iter().enumerate() {
            if p != NONE {
                children[fill[p as usize] as usize] = i as u32;
                fill[p as usize] += 1;
            }
        }
        let mut path: Vec<u32> = Vec::new();
        // (node, index of the next child to visit)
        let mut stack: Vec<(u32, u32)> = Vec::new();
        for root in 0..n as u32 {
            if next[root as usize] != NONE {
                continue;
            }
            stack.push((root, start[root as usize]));
            path.push(root);
            while let Some(&mut (v, ref mut c)) = stack.last_mut() {
                if *c < start[v as usize + 1] {
                    let child = children[*c as usize];
                    *c += 1;
                    let depth = path.len() as u32;
                    let up = limit.map_or(depth, |l| depth.min(l));
                    fin[child as usize] = path[(depth - up) as usize];
                    hops[child as usize] = up;
                    path.push(child);
                    stack.push((child, start[child as usize]));
                } else {
                    stack.pop();
                    path.pop();
                }
            }
        }
    }
}

mod general {
    //! Split delegations: flows on a graph with fractional edges.

    use super::*;

    /// How a node passes on what goes through it.
    enum Out {
        /// Keeps everything.
        Keep,
        /// Passes everything to one node.
        Whole(u32),
        /// Keeps `keep / den`, passes `parts[k].1 / den` to `parts[k].0`.
        Split {
            den: BigUint,
            keep: BigUint,
            parts: Vec<(u32, BigUint)>,
        },
    }

    impl Out {
        fn targets(&self) -> impl Iterator<Item = u32> + '_ {
            let (one, many) = match self {
                Out::Keep => (None, &[][..]),
                Out::Whole(j) => (Some(*j), &[][..]),
                Out::Split { parts, .. } => (None, &parts[..]),
            };
            one.into_iter().chain(many.iter().map(|p| p.0))
        }

        fn keeps_some(&self) -> bool {
            match self {
                Out::Keep => true,
                Out::Whole(_) => false,
                Out::Split { keep, .. } => !keep.is_zero(),
            }
        }
    }

    fn outs(prep: &Prepared<'_>) -> Vec<Out> {
        let n = prep.balance.len();
        let mut outs = Vec::with_capacity(n);
        for i in 0..n as u32 {
            let edges = prep.delegations.out_edges(i);
            if !prep.passes[i as usize] {
                outs.push(Out::Keep);
                continue;
            }
            if edges.len() == 1 && edges[0].fraction.is_none() {
                outs.push(Out::Whole(edges[0].delegate));
                continue;
            }
            let mut den = BigUint::from(1u8);
            for e in edges {
                let f = e.fraction.as_ref().expect("split rows have fractions");
                let d = f.as_rational().denom().magnitude();
                den = den.lcm(d);
            }
            let mut parts = Vec::with_capacity(edges.len());
            for e in edges {
                let f = e
                    .fraction
                    .as_ref()
                    .expect("split rows have fractions")
                    .as_rational();
                // A part delegated to oneself is kept, like the remainder.
                if e.delegate != i {
                    let num = f.numer().magnitude() * (&den / f.denom().magnitude());
                    parts.push((e.delegate, num));
                }
            }
            let passed: BigUint = parts.iter().map(|p| &p.1).sum();
            let keep = &den - passed;
            outs.push(Out::Split { den, keep, parts });
        }
        outs
    }

    /// Splits `amount` into `keep` and `parts` shares by largest remainder:
    /// each share gets `floor(amount × w / den)`, then the base units left
    /// over go one each to the largest remainders (ties: the kept share
    /// first, then delegates in address order, which is the edge order).
    pub(super) fn apportion(
        amount: u128,
        den: &BigUint,
        keep: &BigUint,
        parts: &[(u32, BigUint)],
        out: &mut Vec<u128>,
    ) {
        out.clear();
        if amount == 0 {
            out.resize(parts.len() + 1, 0);
            return;
        }
        let a = BigUint::from(amount);
        let mut rema = Vec::with_capacity(parts.len() + 1);
        let mut given: u128 = 0;
        for w in std::iter::once(keep).chain(parts.iter().map(|p| &p.1)) {
            let (q, r) = (&a * w).div_rem(den);
            let q = q.to_u128().expect("a share of a u128 fits in u128");
            given += q;
            out.push(q);
            rema.push(r);
        }
        let left = (amount - given) as usize;
        if left > 0 {
            let mut order: Vec<usize> = (0..rema.len()).collect();
            order.sort_by(|&x, &y| rema[y].cmp(&rema[x]).then(x.cmp(&y)));
            for &k in &order[..left] {
                out[k] += 1;
            }
        }
    }

    pub(super) fn run(prep: Prepared<'_>) -> Result<Resolution<'_>> {
        let n = prep.balance.len();
        let mut outs = outs(&prep);
        let limit = prep.policy.max_depth();

        // Cycles: strongly connected groups of more than one node, found by
        // petgraph on the part of the graph that can hold a cycle at all.
        let (group, mut cycles) = cycle_groups(&outs)?;
        for c in &mut cycles {
            order_cycle(c, &outs, &group, prep.delegations.nodes());
        }
        let mut voided = 0;
        if limit != Some(1) {
            // Void every delegation inside a group: its share is kept.
            for (i, o) in outs.iter_mut().enumerate() {
                if group[i] == NONE {
                    continue;
                }
                let same = |t: u32| group[t as usize] == group[i];
                match o {
                    Out::Whole(j) if same(*j) => {
                        *o = Out::Keep;
                        voided += 1;
                    }
                    Out::Split { keep, parts, .. } => {
                        parts.retain(|(t, w)| {
                            if same(*t) {
                                *keep += w;
                                voided += 1;
                                false
                            } else {
                                true
                            }
                        });
                        if parts.is_empty() {
                            *o = Out::Keep;
                        }
                    }
                    _ => {}
                }
            }
        }

        let mut power = vec![0u128; n];
        let mut kept_own = vec![0u128; n];
        let order: Vec<u32> = if limit == Some(1) {
            Vec::new()
        } else {
            topological(&outs)
        };
        let mut shares = Vec::new();
        // Passes `amount` on from `v` (or keeps it); `send(to, amount)`
        // delivers a part. Returns the part kept.
        let mut pass = |v: usize, amount: u128, send: &mut dyn FnMut(u32, u128)| -> u128 {
            match &outs[v] {
                Out::Keep => amount,
                Out::Whole(j) => {
                    send(*j, amount);
                    0
                }
                Out::Split { den, keep, parts } => {
                    apportion(amount, den, keep, parts, &mut shares);
                    for (p, &s) in parts.iter().zip(&shares[1..]) {
                        if s > 0 {
                            send(p.0, s);
                        }
                    }
                    shares[0]
                }
            }
        };
        match limit {
            Some(1) => {
                // Own balances move once; what arrives stays.
                for v in 0..n {
                    let kept = pass(v, prep.own(v), &mut |t, a| power[t as usize] += a);
                    power[v] += kept;
                    kept_own[v] = kept;
                }
            }
            None => {
                // A delegator's whole power (its own balance and what
                // arrived) is apportioned once, as documented: floors, then
                // the largest remainders. What it keeps counts as its own
                // balance first.
                let mut moved = vec![0u128; n];
                for &v in &order {
                    let v = v as usize;
                    let own = prep.own(v);
                    let whole = own + moved[v];
                    let kept = pass(v, whole, &mut |t, a| moved[t as usize] += a);
                    kept_own[v] = kept.min(own);
                    power[v] = kept;
                }
            }
            Some(max) => {
                // Amounts per number of hops travelled; at `max` they stop.
                let mut inflow: Vec<Vec<(u32, u128)>> = vec![Vec::new(); n];
                for &v in &order {
                    let v = v as usize;
                    let mut here = std::mem::take(&mut inflow[v]);
                    let own = prep.own(v);
                    if own > 0 {
                        here.push((0, own));
                    }
                    here.sort_unstable_by_key(|x| x.0);
                    let mut k = 0;
                    while k < here.len() {
                        let level = here[k].0;
                        let mut amount: u128 = 0;
                        while k < here.len() && here[k].0 == level {
                            amount += here[k].1;
                            k += 1;
                        }
                        let kept = if level >= max {
                            amount
                        } else {
                            pass(v, amount, &mut |t, a| {
                                inflow[t as usize].push((level + 1, a))
                            })
                        };
                        power[v] += kept;
                        if level == 0 {
                            kept_own[v] = kept;
                        }
                    }
                }
            }
        }

        // Statistics: hops (longest way) and final holders of each node's
        // own power.
        let mut hops = vec![0u32; n];
        let mut route = vec![NodeRoute::Own; n];
        let mut behind = vec![0u32; n];
        // Longest way from each node to where power stops, by dynamic
        // programming in reverse topological order.
        let mut longest = vec![0u32; n];
        for &v in order.iter().rev() {
            let o = &outs[v as usize];
            longest[v as usize] = o
                .targets()
                .map(|t| 1 + longest[t as usize])
                .max()
                .unwrap_or(0);
        }
        // Without a limit, where the power that reaches a node ends, if in
        // one place: this shortcuts whole chains in the walks below.
        let mut sole = vec![NONE; n];
        if limit.is_none() {
            for &v in order.iter().rev() {
                sole[v as usize] = match &outs[v as usize] {
                    Out::Keep => v,
                    Out::Whole(j) => sole[*j as usize],
                    Out::Split { .. } => NONE,
                };
            }
        }
        let stops = |k: u32| limit.is_some_and(|l| k >= l);
        let level_key = |k: u32| if limit.is_some() { k } else { k.min(1) };
        let mut seen: HashSet<(u32, u32), foldhash::fast::RandomState> = HashSet::default();
        let mut dests: Vec<u32> = Vec::new();
        let mut stack: Vec<(u32, u32)> = Vec::new();
        for h in 0..n as u32 {
            let o = &outs[h as usize];
            let max_hops = match limit {
                Some(1) => 1,
                Some(l) => longest[h as usize].min(l),
                None => longest[h as usize],
            };
            match o {
                Out::Keep => continue,
                Out::Whole(j) if limit == Some(1) || sole[*j as usize] != NONE => {
                    let to = if limit == Some(1) {
                        *j
                    } else {
                        sole[*j as usize]
                    };
                    behind[to as usize] += 1;
                    route[h as usize] = NodeRoute::To(to);
                    hops[h as usize] = max_hops;
                    continue;
                }
                _ => {}
            }
            // Final holders of h's power: walk (node, level) states.
            seen.clear();
            dests.clear();
            stack.clear();
            stack.push((h, 0));
            while let Some((v, level)) = stack.pop() {
                if !seen.insert((v, level_key(level))) {
                    continue;
                }
                if level > 0 && sole[v as usize] != NONE {
                    dests.push(sole[v as usize]);
                    continue;
                }
                let o = &outs[v as usize];
                let stop_here = stops(level);
                if stop_here || o.keeps_some() {
                    dests.push(v);
                }
                if !stop_here {
                    for t in o.targets() {
                        stack.push((t, level + 1));
                    }
                }
            }
            dests.sort_unstable();
            dests.dedup();
            let others = dests.iter().filter(|&&d| d != h).count();
            for &d in dests.iter().filter(|&&d| d != h) {
                behind[d as usize] += 1;
            }
            if others == 0 {
                continue;
            }
            hops[h as usize] = max_hops;
            route[h as usize] = if others == 1 && !o.keeps_some() {
                NodeRoute::To(*dests.iter().find(|&&d| d != h).expect("one other"))
            } else {
                NodeRoute::Split(dests.len() as u32)
            };
        }
        prep.finish(power, kept_own, route, hops, behind, cycles, voided)
    }

    /// Strongly connected groups of more than one node (`group[i]` is the
    /// index of i's group in the returned list, or `NONE`). Nodes without a
    /// predecessor or successor left are peeled off first (linear), so
    /// petgraph's `kosaraju_scc` only sees the part that can hold cycles.
    fn cycle_groups(outs: &[Out]) -> Result<(Vec<u32>, Vec<Vec<u32>>)> {
        let n = outs.len();
        let mut indeg = vec![0u32; n];
        let mut outdeg = vec![0u32; n];
        // Predecessors in CSR form.
        let mut start = vec![0u32; n + 1];
        for (i, o) in outs.iter().enumerate() {
            for t in o.targets() {
                indeg[t as usize] += 1;
                outdeg[i] += 1;
                start[t as usize + 1] += 1;
            }
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut preds = vec![0u32; start[n] as usize];
        for (i, o) in outs.iter().enumerate() {
            for t in o.targets() {
                preds[fill[t as usize] as usize] = i as u32;
                fill[t as usize] += 1;
            }
        }
        let mut gone = vec![false; n];
        let mut queue: Vec<u32> = (0..n as u32)
            .filter(|&i| indeg[i as usize] == 0 || outdeg[i as usize] == 0)
            .collect();
        while let Some(v) = queue.pop() {
            let v = v as usize;
            if gone[v] {
                continue;
            }
            gone[v] = true;
            for t in outs[v].targets() {
                let t = t as usize;
                indeg[t] -= 1;
                if indeg[t] == 0 && !gone[t] {
                    queue.push(t as u32);
                }
            }
            for &p in &preds[start[v] as usize..start[v + 1] as usize] {
                let p = p as usize;
                outdeg[p] -= 1;
                if outdeg[p] == 0 && !gone[p] {
                    queue.push(p as u32);
                }
            }
        }
        let core: Vec<u32> = (0..n as u32).filter(|&i| !gone[i as usize]).collect();
        strongly_connected(n, &core, outs)
    }

    /// Without petgraph: every node of a non-empty core has a predecessor
    /// and a successor in it, so the core holds a cycle that cannot be
    /// split into groups here.
    #[cfg(not(feature = "delegation-graph"))]
    fn strongly_connected(n: usize, core: &[u32], _: &[Out]) -> Result<(Vec<u32>, Vec<Vec<u32>>)> {
        if core.is_empty() {
            return Ok((vec![NONE; n], Vec::new()));
        }
        Err(Error::invalid(
            "these split delegations form a cycle; finding its groups needs govkit's \
             `delegation-graph` feature (petgraph)",
        ))
    }

    /// petgraph's `kosaraju_scc` on the core.
    #[cfg(feature = "delegation-graph")]
    fn strongly_connected(
        n: usize,
        core: &[u32],
        outs: &[Out],
    ) -> Result<(Vec<u32>, Vec<Vec<u32>>)> {
        use petgraph::graph::{Graph, NodeIndex};
        let mut local = vec![NONE; n];
        let mut g: Graph<(), (), petgraph::Directed, u32> =
            Graph::with_capacity(core.len(), core.len());
        for (k, &v) in core.iter().enumerate() {
            local[v as usize] = k as u32;
            g.add_node(());
        }
        for &v in core {
            for t in outs[v as usize].targets() {
                if local[t as usize] != NONE {
                    g.add_edge(
                        NodeIndex::new(local[v as usize] as usize),
                        NodeIndex::new(local[t as usize] as usize),
                        (),
                    );
                }
            }
        }
        let mut group = vec![NONE; n];
        let mut cycles: Vec<Vec<u32>> = Vec::new();
        for scc in petgraph::algo::kosaraju_scc(&g) {
            if scc.len() > 1 {
                let id = cycles.len() as u32;
                let members: Vec<u32> = scc.iter().map(|x| core[x.index()]).collect();
                for &m in &members {
                    group[m as usize] = id;
                }
                cycles.push(members);
            }
        }
        Ok((group, cycles))
    }

    /// Kahn's algorithm; the graph must be acyclic.
    fn topological(outs: &[Out]) -> Vec<u32> {
        let n = outs.len();
        let mut indegree = vec![0u32; n];
        for o in outs {
            for t in o.targets() {
                indegree[t as usize] += 1;
            }
        }
        let mut order: Vec<u32> = (0..n as u32)
            .filter(|&i| indegree[i as usize] == 0)
            .collect();
        let mut k = 0;
        while k < order.len() {
            let v = order[k];
            k += 1;
            for t in outs[v as usize].targets() {
                indegree[t as usize] -= 1;
                if indegree[t as usize] == 0 {
                    order.push(t);
                }
            }
        }
        debug_assert_eq!(order.len(), n, "cycles were voided");
        order
    }

    /// A simple ring in delegation order, else members by address.
    fn order_cycle(c: &mut Vec<u32>, outs: &[Out], group: &[u32], nodes: &[Voter]) {
        let id = group[c[0] as usize];
        let inside = |v: u32| -> Vec<u32> {
            outs[v as usize]
                .targets()
                .filter(|&t| group[t as usize] == id)
                .collect()
        };
        if c.iter().all(|&v| inside(v).len() == 1) {
            let start = *c
                .iter()
                .min_by(|&&a, &&b| nodes[a as usize].cmp(&nodes[b as usize]))
                .expect("a cycle has members");
            let mut ring = vec![start];
            let mut v = inside(start)[0];
            while v != start && ring.len() <= c.len() {
                ring.push(v);
                v = inside(v)[0];
            }
            if ring.len() == c.len() {
                *c = ring;
                return;
            }
        }
        c.sort_by(|&a, &b| nodes[a as usize].cmp(&nodes[b as usize]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::delegation::{Delegation, DelegationFields, Reach};
    use proptest::prelude::*;

    fn v(i: usize) -> Voter {
        Voter::new(&format!("h{i}"))
    }

    /// Random whole-delegation graphs over `n` names (some delegates are
    /// not holders, some rows are self-delegations, cycles are common).
    fn graph() -> impl Strategy<Value = (Vec<u64>, Vec<(usize, usize)>, Vec<bool>)> {
        (2usize..14).prop_flat_map(|n| {
            (
                prop::collection::vec(0u64..1000, n - 1),
                prop::collection::vec((0..n, 0..n), 0..n),
                prop::collection::vec(any::<bool>(), n),
            )
        })
    }

    fn build(balances: &[u64], edges: &[(usize, usize)]) -> (Holders, Delegations) {
        let holders = Holders::from_balances(
            balances
                .iter()
                .enumerate()
                .map(|(i, &b)| (v(i), Amount::from_base_units(u128::from(b)))),
        )
        .unwrap();
        let mut seen = HashSet::new();
        let rows = edges
            .iter()
            .filter(|(a, _)| seen.insert(*a))
            .enumerate()
            .map(|(k, &(a, b))| Delegation {
                delegator: v(a),
                delegate: v(b),
                fraction: None,
                scope: None,
                line: k as u64 + 2,
            })
            .collect();
        let d = Delegations::from_rows("t", DelegationFields::default(), rows, None).unwrap();
        (holders, d)
    }

    fn same(a: &Resolution<'_>, b: &Resolution<'_>, n: usize) {
        for i in 0..n {
            assert_eq!(a.power(&v(i)), b.power(&v(i)), "power of h{i}");
            assert_eq!(a.kept(&v(i)), b.kept(&v(i)), "kept of h{i}");
            assert_eq!(a.route(&v(i)), b.route(&v(i)), "route of h{i}");
            assert_eq!(a.delegators_behind(&v(i)), b.delegators_behind(&v(i)));
        }
        assert_eq!(a.cycles(), b.cycles());
        assert_eq!(a.chain_lengths(), b.chain_lengths());
        assert_eq!(a.counts(), b.counts());
        assert_eq!(a.total(), b.total());
        assert_eq!(a.delegated(), b.delegated());
    }

    proptest! {
        /// The two engines agree on whole delegations under every policy.
        #[test]
        fn engines_agree((balances, edges, voted) in graph(), depth in 0u32..5, ignore in any::<bool>()) {
            let (holders, d) = build(&balances, &edges);
            let voted: HashSet<Voter> =
                voted.iter().enumerate().filter(|x| *x.1).map(|x| v(x.0)).collect();
            let mut policy = Policy::liquid(if depth == 0 { None } else { Some(depth) });
            if depth == 1 {
                policy.reach = Reach::OneHop;
            }
            if ignore {
                policy.undelegated = Undelegated::Ignore;
            }
            let a = resolve(&holders, &d, &policy, Some(&voted)).unwrap();
            let b = resolve_general(&holders, &d, &policy, Some(&voted)).unwrap();
            same(&a, &b, balances.len() + 1);
        }
    }

    #[test]
    fn largest_remainder_ties_go_to_the_kept_part_first() {
        let third = BigUint::from(1u8);
        let mut out = Vec::new();
        general_apportion(
            10,
            &BigUint::from(3u8),
            &third,
            &[(7, third.clone()), (8, third.clone())],
            &mut out,
        );
        assert_eq!(out, vec![4, 3, 3]);
    }

    fn general_apportion(
        a: u128,
        den: &BigUint,
        keep: &BigUint,
        parts: &[(u32, BigUint)],
        out: &mut Vec<u128>,
    ) {
        general::apportion(a, den, keep, parts, out)
    }
}
