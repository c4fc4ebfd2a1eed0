//! Delegation resolution benchmark: 1,000,000 holders, 300,000 delegations.
//!
//! The graph is synthetic and built in memory (deterministic):
//! - 210,000 holders delegate directly to one of 20,000 delegates chosen
//!   with a heavy tail (a few delegates get most delegators); 2,000 of those
//!   delegates are not holders (a delegate need not hold tokens);
//! - 60,000 holders sit on 3,000 chains of 20 (h1 → h2 → … → h20, the last
//!   one delegating to a popular delegate), so transitive power travels up
//!   to 21 hops;
//! - 30,000 holders sit on about 10,000 cycles of 2 to 4 members, and 3,000 of the
//!   direct delegators above point into a cycle (tails);
//! - the split variant gives 30,000 of the direct delegators a second
//!   delegate (fractions `k/7`, so largest-remainder rounding matters):
//!   300,000 delegators, 330,000 rows.
//!
//! Balances are random up to 10^24 base units (a million 18-decimal
//! tokens). Before timing, every case is resolved once and checked: the
//! final powers sum exactly to the total, and the cycles found are the
//! ones built. Timed: `delegation::resolve` alone (the files are read and
//! the graph interned once, outside the loop), for one hop, transitive,
//! transitive with a depth limit, liquid democracy with 100,000 voters, and
//! the split graph; plus building the graph from rows.
//!
//! Run with `cargo bench --bench delegation`. The same population as files
//! (holders CSV, delegation CSV, split variant) comes from
//! `scripts/bench-peers/gen_delegation.py` (same generator, same seed), for
//! timing the whole `govkit delegation` process;
//! `scripts/bench-peers/bench.py --tasks delegation` runs it against networkx.
//! `examples/delegation_phases.rs` times the phases of one run.

use std::collections::HashSet;
use std::hint::black_box;
use std::time::Duration;

use criterion::{
    criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, SamplingMode, Throughput,
};
use govkit::delegation::{resolve, Delegation, DelegationFields, Delegations, Policy};
use govkit::{Amount, Holders, Share, Voter};

const HOLDERS: usize = 1_000_000;
const DELEGATES: usize = 20_000;
const CHAINS: usize = 3_000;
const CHAIN_LEN: usize = 20;

struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }
}

fn address(i: usize) -> Voter {
    Voter::new(&format!("0x{:040x}", (i as u128) * 0x9e37_79b9 + 1))
}

struct Data {
    holders: Holders,
    rows: Vec<Delegation>,
    split_rows: Vec<Delegation>,
    voted: HashSet<Voter>,
    /// Cycles built.
    cycles: usize,
}

fn generate() -> Data {
    let mut rng = SplitMix64(42);
    let holders = Holders::from_balances((0..HOLDERS).map(|i| {
        let tokens = rng.below(1_000_000);
        let wei = u128::from(tokens) * 10u128.pow(18) + u128::from(rng.next_u64());
        (address(i), Amount::from_base_units(wei))
    }))
    .expect("distinct holders");
    // Holders 0..DELEGATES are delegates (the last 2,000 replaced by
    // non-holders); then chains, cycles, direct delegators.
    let delegate = |rng: &mut SplitMix64| -> usize {
        // Heavy tail: squaring a uniform favours small indices.
        let u = rng.below(1 << 16) as u128;
        ((u * u * DELEGATES as u128) >> 32) as usize
    };
    let name = |i: usize| {
        if (DELEGATES - 2_000..DELEGATES).contains(&i) {
            address(HOLDERS + i) // not a holder
        } else {
            address(i)
        }
    };
    let mut edges: Vec<(usize, usize)> = Vec::new();
    let mut next = DELEGATES;
    for _ in 0..CHAINS {
        for k in 0..CHAIN_LEN {
            let to = if k + 1 < CHAIN_LEN {
                next + 1
            } else {
                delegate(&mut rng)
            };
            edges.push((next, to));
            next += 1;
        }
    }
    let mut cycle_members = Vec::new();
    let mut built = 0;
    let mut cycles = 0;
    while built < 30_000 {
        cycles += 1;
        let len = 2 + rng.below(3) as usize;
        let len = len.min(30_000 - built).max(2);
        for k in 0..len {
            edges.push((next + k, next + (k + 1) % len));
            cycle_members.push(next + k);
        }
        next += len;
        built += len;
    }
    let direct = 300_000 - edges.len();
    for k in 0..direct {
        let to = if k < 3_000 {
            cycle_members[rng.below(cycle_members.len() as u64) as usize]
        } else {
            delegate(&mut rng)
        };
        edges.push((next, to));
        next += 1;
    }
    assert!(next <= HOLDERS);
    let row = |(a, b): (usize, usize), fraction: Option<Share>, line: usize| Delegation {
        delegator: name(a),
        delegate: name(b),
        fraction,
        scope: None,
        line: line as u64 + 2,
    };
    let rows: Vec<Delegation> = edges
        .iter()
        .enumerate()
        .map(|(k, &e)| row(e, None, k))
        .collect();
    let mut split_rows = Vec::with_capacity(330_000);
    let mut splits = 0;
    for (k, &(a, b)) in edges.iter().enumerate() {
        let is_direct = k >= edges.len() - direct + 3_000;
        if is_direct && splits < 30_000 {
            splits += 1;
            let mut other = delegate(&mut rng);
            if other == b {
                other = (other + 1) % DELEGATES;
            }
            let n = 1 + rng.below(5) as u128;
            split_rows.push(row((a, b), Share::new(n, 7), split_rows.len()));
            split_rows.push(row((a, other), Share::new(6 - n, 7), split_rows.len()));
        } else {
            split_rows.push(row((a, b), None, split_rows.len()));
        }
    }
    let voted = (0..100_000)
        .map(|_| name(rng.below(next as u64) as usize))
        .collect();
    Data {
        holders,
        rows,
        split_rows,
        voted,
        cycles,
    }
}

fn graph(rows: &[Delegation]) -> Delegations {
    Delegations::from_rows(
        "bench.csv",
        DelegationFields::default(),
        rows.to_vec(),
        None,
    )
    .expect("valid rows")
}

fn bench_delegation(c: &mut Criterion) {
    let data = generate();
    let whole = graph(&data.rows);
    let split = graph(&data.split_rows);
    assert_eq!(whole.len(), 300_000);
    assert_eq!(split.len(), 300_000);
    let cases: Vec<(&str, &Delegations, Policy, bool)> = vec![
        ("one-hop", &whole, Policy::one_hop(), false),
        ("transitive", &whole, Policy::transitive(None), false),
        ("transitive:5", &whole, Policy::transitive(Some(5)), false),
        ("liquid+100k-voters", &whole, Policy::liquid(None), true),
        ("split/one-hop", &split, Policy::one_hop(), false),
        ("split/transitive", &split, Policy::transitive(None), false),
        (
            "split/transitive:5",
            &split,
            Policy::transitive(Some(5)),
            false,
        ),
    ];
    for (label, g, policy, voters) in &cases {
        let voted = voters.then_some(&data.voted);
        let start = std::time::Instant::now();
        let r = resolve(&data.holders, g, policy, voted).unwrap();
        let once = start.elapsed();
        let sum: u128 = r.final_powers().map(|(_, a)| a.base_units()).sum();
        assert_eq!(sum, r.total().base_units(), "{label}: power conserved");
        assert_eq!(r.total(), data.holders.total(), "{label}: everyone counts");
        if !voters {
            assert_eq!(r.cycles().len(), data.cycles, "{label}: cycles found");
        }
        eprintln!(
            "{label}: {} delegates, {} moved, longest chain {} hops, {} cycles, delegated share {}, first run {:?}",
            r.counts().delegates,
            r.counts().moved,
            r.chain_lengths().keys().last().copied().unwrap_or(0),
            r.cycles().len(),
            r.delegated_share(),
            once
        );
    }

    let mut group = c.benchmark_group("delegation");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Elements(300_000));
    for (label, g, policy, voters) in &cases {
        let voted = voters.then_some(&data.voted);
        group.bench_with_input(BenchmarkId::new("resolve", label), g, |b, g| {
            b.iter(|| resolve(black_box(&data.holders), g, policy, voted).unwrap());
        });
    }
    group.bench_function("build-graph/300000", |b| {
        b.iter_batched(
            || data.rows.clone(),
            |rows| {
                Delegations::from_rows("bench.csv", DelegationFields::default(), rows, None)
                    .unwrap()
            },
            BatchSize::LargeInput,
        );
    });
    group.finish();
}

criterion_group!(benches, bench_delegation);
criterion_main!(benches);
