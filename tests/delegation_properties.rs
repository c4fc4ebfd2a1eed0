//! Property tests of delegation resolution: conservation of power, order
//! independence, depth 1 = one hop, and agreement with a deliberately naive
//! reference (one walk per holder) on whole delegations.

use std::collections::{BTreeMap, HashSet};

use govkit::delegation::{
    resolve, Delegation, DelegationFields, Delegations, Policy, Reach, Resolution, Undelegated,
};
use govkit::{Amount, Holders, Share, Voter};
use proptest::prelude::*;

fn name(i: usize) -> Voter {
    Voter::new(&format!("h{i:02}"))
}

/// What one holder does: nothing, delegate all to one, or split among
/// several (weights w_k over sum(w) + rest, so the fractions sum to at most
/// 100%).
#[derive(Clone, Debug)]
enum Act {
    Nothing,
    Whole(usize),
    Split(Vec<(usize, u32)>, u32),
}

#[derive(Clone, Debug)]
struct Case {
    n: usize,
    /// Balances of h00..h(n-2); h(n-1) is not a holder.
    balances: Vec<u128>,
    acts: Vec<Act>,
    voted: Vec<bool>,
}

fn act(n: usize, split: bool) -> BoxedStrategy<Act> {
    let whole = (0..n).prop_map(Act::Whole);
    if split {
        prop_oneof![
            2 => Just(Act::Nothing),
            3 => whole,
            2 => (prop::collection::vec((0..n, 1u32..5), 1..4), 0u32..4).prop_map(|(mut ws, rest)| {
                let mut seen = HashSet::new();
                ws.retain(|(d, _)| seen.insert(*d));
                Act::Split(ws, rest)
            }),
        ]
        .boxed()
    } else {
        prop_oneof![1 => Just(Act::Nothing), 2 => whole].boxed()
    }
}

fn case(split: bool) -> impl Strategy<Value = Case> {
    (2usize..12).prop_flat_map(move |n| {
        let balance = prop_oneof![0u128..1000, 0u128..(1u128 << 90)];
        (
            prop::collection::vec(balance, n - 1),
            prop::collection::vec(act(n, split), n),
            prop::collection::vec(any::<bool>(), n),
        )
            .prop_map(move |(balances, acts, voted)| Case {
                n,
                balances,
                acts,
                voted,
            })
    })
}

fn policy() -> impl Strategy<Value = Policy> {
    (0u32..5, any::<bool>(), any::<bool>()).prop_map(|(depth, over, ignore)| Policy {
        reach: match depth {
            0 => Reach::Transitive(None),
            1 => Reach::OneHop,
            d => Reach::Transitive(Some(d - 1)),
        },
        override_votes: over,
        undelegated: if ignore {
            Undelegated::Ignore
        } else {
            Undelegated::Count
        },
        ..Policy::one_hop()
    })
}

impl Case {
    fn holders(&self) -> Holders {
        Holders::from_balances(
            self.balances
                .iter()
                .enumerate()
                .map(|(i, &b)| (name(i), Amount::from_base_units(b))),
        )
        .unwrap()
    }

    fn rows(&self) -> Vec<Delegation> {
        let mut rows = Vec::new();
        let mut push = |a: usize, b: usize, f: Option<Share>| {
            rows.push(Delegation {
                delegator: name(a),
                delegate: name(b),
                fraction: f,
                scope: None,
                line: rows.len() as u64 + 2,
            })
        };
        for (i, a) in self.acts.iter().enumerate() {
            match a {
                Act::Nothing => {}
                Act::Whole(j) => push(i, *j, None),
                Act::Split(ws, rest) => {
                    let total: u32 = ws.iter().map(|w| w.1).sum::<u32>() + rest;
                    for &(j, w) in ws {
                        push(i, j, Share::new(u128::from(w), u128::from(total)));
                    }
                }
            }
        }
        rows
    }

    fn voted(&self) -> HashSet<Voter> {
        (0..self.n).filter(|&i| self.voted[i]).map(name).collect()
    }

    /// The balances that count, computed from the case directly.
    fn counted_total(&self, policy: &Policy) -> u128 {
        (0..self.n - 1)
            .filter(|&i| {
                policy.undelegated == Undelegated::Count || !matches!(self.acts[i], Act::Nothing)
            })
            .map(|i| self.balances[i])
            .sum()
    }
}

fn graph(rows: Vec<Delegation>) -> Delegations {
    Delegations::from_rows("p.csv", DelegationFields::default(), rows, None).unwrap()
}

/// Everything observable per holder, for comparing two resolutions.
fn observe(r: &Resolution<'_>, n: usize) -> Vec<String> {
    let mut out: Vec<String> = (0..n)
        .map(|i| {
            let v = name(i);
            format!(
                "{v}: power {} kept {} behind {} route {:?}",
                r.power(&v),
                r.kept(&v),
                r.delegators_behind(&v),
                r.route(&v)
            )
        })
        .collect();
    out.push(format!("{:?}", r.cycles()));
    out.push(format!("{:?}", r.chain_lengths()));
    out.push(format!("{:?}", r.counts()));
    out.push(format!("{} {}", r.total(), r.delegated()));
    out
}

/// The naive reference for whole delegations: walk each holder's power
/// hop by hop. `next` is the delegate after self-delegations and overrides
/// are removed; a holder is on a cycle if walking from it comes back to it.
fn naive(c: &Case, policy: &Policy) -> BTreeMap<usize, u128> {
    let voted = c.voted();
    let next = |i: usize| -> Option<usize> {
        match c.acts[i] {
            Act::Whole(j) if j != i && !(policy.override_votes && voted.contains(&name(i))) => {
                Some(j)
            }
            _ => None,
        }
    };
    let on_cycle = |i: usize| {
        let mut j = i;
        for _ in 0..c.n {
            match next(j) {
                Some(k) if k == i => return true,
                Some(k) => j = k,
                None => return false,
            }
        }
        false
    };
    let limit = policy.max_depth().unwrap_or(u32::MAX);
    let void_cycles = limit != 1;
    let mut power = BTreeMap::new();
    for i in 0..c.n - 1 {
        let counted =
            policy.undelegated == Undelegated::Count || !matches!(c.acts[i], Act::Nothing);
        if !counted {
            continue;
        }
        let mut at = i;
        let mut hops = 0;
        while hops < limit && !(void_cycles && on_cycle(at)) {
            match next(at) {
                Some(j) => {
                    at = j;
                    hops += 1;
                }
                None => break,
            }
        }
        *power.entry(at).or_insert(0) += c.balances[i];
    }
    power
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Final powers sum exactly to the balances that count, with or without
    /// splits, cycles, overrides and depth limits.
    #[test]
    fn power_is_conserved(c in case(true), policy in policy()) {
        let h = c.holders();
        let d = graph(c.rows());
        let r = resolve(&h, &d, &policy, Some(&c.voted())).unwrap();
        let expected = c.counted_total(&policy);
        prop_assert_eq!(r.total().base_units(), expected);
        let sum: u128 = r.final_powers().map(|(_, a)| a.base_units()).sum();
        prop_assert_eq!(sum, expected);
        let per_holder: u128 = (0..c.n).map(|i| r.power(&name(i)).base_units()).sum();
        prop_assert_eq!(per_holder, expected);
        prop_assert!(r.delegated() <= r.total());
    }

    /// Shuffling the rows changes nothing.
    #[test]
    fn order_does_not_matter(
        (c, shuffled) in case(true).prop_flat_map(|c| {
            let rows = c.rows();
            (Just(c), Just(rows).prop_shuffle())
        }),
        policy in policy(),
    ) {
        let h = c.holders();
        let a = graph(c.rows());
        let b = graph(shuffled);
        let voted = c.voted();
        let ra = resolve(&h, &a, &policy, Some(&voted)).unwrap();
        let rb = resolve(&h, &b, &policy, Some(&voted)).unwrap();
        prop_assert_eq!(observe(&ra, c.n), observe(&rb, c.n));
    }

    /// Transitive with a maximum depth of 1 is one hop.
    #[test]
    fn depth_one_is_one_hop(c in case(true), policy in policy()) {
        let h = c.holders();
        let d = graph(c.rows());
        let voted = c.voted();
        let one = Policy { reach: Reach::OneHop, ..policy.clone() };
        let depth1 = Policy { reach: Reach::Transitive(Some(1)), ..policy };
        let a = resolve(&h, &d, &one, Some(&voted)).unwrap();
        let b = resolve(&h, &d, &depth1, Some(&voted)).unwrap();
        prop_assert_eq!(observe(&a, c.n), observe(&b, c.n));
    }

    /// Whole delegations agree with the naive walk.
    #[test]
    fn whole_delegations_match_the_naive_walk(c in case(false), policy in policy()) {
        let h = c.holders();
        let d = graph(c.rows());
        let r = resolve(&h, &d, &policy, Some(&c.voted())).unwrap();
        let expected = naive(&c, &policy);
        for i in 0..c.n {
            let want = expected.get(&i).copied().unwrap_or(0);
            prop_assert_eq!(r.power(&name(i)).base_units(), want, "h{:02}", i);
        }
    }
}
