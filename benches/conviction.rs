//! Conviction funding simulator benchmark: 10,000 proposals over 1,000,000
//! blocks with 100,000 stake events, decided exactly in the 1Hive
//! contract's fixed point (`Funding::simulate`, no file IO).
//!
//! The events are synthetic: 20,000 accounts stake at random blocks
//! (sorted) on proposals drawn with a strong skew (a few popular proposals
//! draw most of the stake, as in real pools), amounts from 1 to 100,000
//! tokens with 18 decimals, a quarter of the events unstaking (amount 0).
//! Requests are spread between 0.01% and 19.9% of the pool (beta = 20%,
//! rho = 0.00001); decay is a half-life of three days of 5-second blocks. Before timing, the result is
//! checked to have both passing and never-passing proposals.
//!
//! The cost grows with stake events, not blocks: between a proposal's own
//! stake changes conviction follows the closed form, and only stretches
//! that might pass are narrowed down (segment tree of minimum effective
//! supply, then bisection).
//!
//! Run with `cargo bench --bench conviction`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};
use govkit::conviction::{Funding, FundingParams, StakeEvent};

/// SplitMix64: tiny, deterministic, good enough for synthetic data.
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
        self.next_u64() % n
    }
}

const PROPOSALS: usize = 10_000;
const BLOCKS: u64 = 1_000_000;
const EVENTS: usize = 100_000;
const TOKEN: u128 = 1_000_000_000_000_000_000;

fn scenario() -> (Funding, Vec<u128>, Vec<StakeEvent>) {
    let mut rng = SplitMix64(7);
    let decay = FundingParams::decay_for_half_life(3 * 24 * 720).unwrap();
    let params = FundingParams::new(decay, 2_000_000, 100, 20 * TOKEN / 100).unwrap();
    let funds = 1_000_000 * TOKEN;
    let funding = Funding {
        params,
        funds,
        supply: 100_000_000 * TOKEN,
    };
    let requests = (0..PROPOSALS)
        .map(|_| funds / 10_000 * u128::from(1 + rng.below(1_990)))
        .collect();
    let mut blocks: Vec<u64> = (0..EVENTS).map(|_| rng.below(BLOCKS)).collect();
    blocks.sort_unstable();
    let events = blocks
        .into_iter()
        .map(|block| StakeEvent {
            block,
            account: rng.below(20_000) as u32,
            // Skewed: a few proposals draw most stake (index = N·u^4).
            proposal: {
                let u = rng.below(1 << 20) as f64 / f64::from(1 << 20);
                (PROPOSALS as f64 * u.powi(4)) as u32
            },
            amount: if rng.below(4) == 0 {
                0
            } else {
                u128::from(1 + rng.below(100_000)) * TOKEN
            },
        })
        .collect();
    (funding, requests, events)
}

fn bench(c: &mut Criterion) {
    let (funding, requests, events) = scenario();
    let sim = funding.simulate(&requests, &events, Some(BLOCKS)).unwrap();
    let passed = (0..PROPOSALS)
        .filter(|&p| sim.passes_at(p).is_some())
        .count();
    assert!(
        passed > 0 && passed < PROPOSALS,
        "{passed} of {PROPOSALS} pass"
    );
    eprintln!("{passed} of {PROPOSALS} proposals pass within {BLOCKS} blocks");
    let mut group = c.benchmark_group("conviction");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Elements(EVENTS as u64));
    group.bench_function("10000x1000000/100000-events", |b| {
        b.iter(|| {
            let sim = funding
                .simulate(black_box(&requests), black_box(&events), Some(BLOCKS))
                .unwrap();
            black_box(sim.passes_at(0))
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
