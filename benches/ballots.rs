//! Tally benchmark of the Snapshot ballot types: `BallotType::tally` over
//! 1,000,000 valid ballots with 4 choices, selections built in memory (no
//! IO, no validity check, no report: the ballot rule alone).
//!
//! - `weighted` and `quadratic`: weight maps of 1 to 4 choices; 90% integer
//!   weights 1..=10, 10% decimal weights (0.25, 1.5, …) that take the
//!   big-rational path;
//! - `ranked-choice` and `copeland`: uniformly random full rankings, so the
//!   instant runoff goes the full two elimination rounds.
//!
//! Powers are heavy-tailed token amounts in base units (18 decimals):
//! Pareto(x_min = 2, alpha = 1.1) tokens, capped at 3,000,000, with random
//! sub-token digits. Before timing, each tally is checked once: the scores
//! must add up exactly to the total power (snapshot.js rescales to it).
//!
//! Run with `cargo bench --bench ballots` (about 1–2 minutes: 10 samples per
//! ballot type).

use std::hint::black_box;
use std::time::Duration;

use criterion::{
    criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode, Throughput,
};
use govkit::ballot::CountedBallot;
use govkit::{BallotKind, Power, Score, Selection};
use num_bigint::BigInt;
use num_rational::BigRational;

const VOTES: usize = 1_000_000;
const CHOICES: usize = 4;
const ONE_TOKEN: u128 = 1_000_000_000_000_000_000;

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

    /// Uniform in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `(0, 1]`.
    fn unit(&mut self) -> f64 {
        ((self.next_u64() >> 11) + 1) as f64 / (1u64 << 53) as f64
    }
}

/// A heavy-tailed power in base units.
fn power(rng: &mut SplitMix64) -> Power {
    let tokens = (2.0 * rng.unit().powf(-1.0 / 1.1)).min(3_000_000.0) as u128;
    Power::from_units(tokens * ONE_TOKEN + u128::from(rng.next_u64()) % ONE_TOKEN)
}

/// A random permutation of `1..=CHOICES`.
fn ranking(rng: &mut SplitMix64) -> Vec<u32> {
    let mut r: Vec<u32> = (1..=CHOICES as u32).collect();
    for i in (1..r.len()).rev() {
        r.swap(i, rng.below(i as u64 + 1) as usize);
    }
    r
}

/// A valid weight map of 1 to 4 distinct choices.
fn weights(rng: &mut SplitMix64) -> Vec<(u32, govkit::vote::Weight)> {
    let keys = ranking(rng);
    let k = 1 + rng.below(CHOICES as u64) as usize;
    let decimal = rng.below(10) == 0;
    let mut map: Vec<(u32, govkit::vote::Weight)> = keys[..k]
        .iter()
        .map(|&c| {
            let w = if decimal {
                // 0.25 .. 10.00 in quarters.
                BigRational::new(BigInt::from(1 + rng.below(40)), BigInt::from(4))
            } else {
                BigRational::from_integer(BigInt::from(1 + rng.below(10)))
            };
            (c, w.into())
        })
        .collect();
    map.sort_by_key(|(c, _)| *c);
    map
}

struct Data {
    selections: Vec<Selection>,
    powers: Vec<Power>,
}

impl Data {
    fn new(seed: u64, make: impl Fn(&mut SplitMix64) -> Selection) -> Data {
        let mut rng = SplitMix64(seed);
        let mut selections = Vec::with_capacity(VOTES);
        let mut powers = Vec::with_capacity(VOTES);
        for _ in 0..VOTES {
            selections.push(make(&mut rng));
            powers.push(power(&mut rng));
        }
        Data { selections, powers }
    }

    fn ballots(&self) -> Vec<CountedBallot<'_>> {
        self.selections
            .iter()
            .zip(&self.powers)
            .enumerate()
            .map(|(i, (selection, &power))| CountedBallot {
                selection,
                power,
                line: i as u64 + 2,
            })
            .collect()
    }

    fn total(&self) -> u128 {
        self.powers.iter().map(|p| p.units()).sum()
    }
}

fn ballots(c: &mut Criterion) {
    let maps = Data::new(1, |rng| Selection::Weighted(weights(rng).into()));
    let rankings = Data::new(2, |rng| Selection::List(ranking(rng).into()));

    let mut group = c.benchmark_group("tally");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(5))
        .throughput(Throughput::Elements(VOTES as u64));
    for (kind, data) in [
        (BallotKind::Weighted, &maps),
        (BallotKind::Quadratic, &maps),
        (BallotKind::RankedChoice, &rankings),
        (BallotKind::Copeland, &rankings),
    ] {
        let ballot = kind.ballot_type();
        let counted = data.ballots();
        // Every selection is valid, and the scores add up to the power.
        assert!(counted
            .iter()
            .all(|b| ballot.check(b.selection, CHOICES).is_ok()));
        let scores = ballot.tally(CHOICES, &counted).unwrap();
        assert_eq!(
            Score::sum(&scores),
            Score::from_power(Power::from_units(data.total())),
            "{}",
            kind.name()
        );
        group.bench_with_input(
            BenchmarkId::new(kind.name(), VOTES),
            &counted,
            |b, counted| b.iter(|| ballot.tally(CHOICES, black_box(counted)).unwrap()),
        );
    }
    group.finish();
}

criterion_group!(benches, ballots);
criterion_main!(benches);
