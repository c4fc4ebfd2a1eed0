//! Control analyzer benchmarks (`cargo bench --bench control`).
//!
//! - `metrics/1000000`: every concentration measure of 1,000,000 holders
//!   with heavy-tailed 18-decimal balances: sort (n log n), Nakamoto > 1/2,
//!   top-k shares, Gini, HHI, entropy, Theil, Lorenz points.
//! - `exact/banzhaf/200` and `exact/shapley_shubik/200`: exact indices of a
//!   200-player game whose heavy-tailed weights are scaled to a total of
//!   100,000 units (quota > 1/2 of the scaled total, so q ≈ 50,000).
//! - `exact/banzhaf/1000`: exact Banzhaf of a 1,000-player game scaled to
//!   a total of 1,000,000 units (q ≈ 500,000). Its Shapley-Shubik table
//!   (n·q cells of up to 16 limbs) is beyond `ExactLimits`: `--indices
//!   auto` counts Banzhaf exactly and estimates Shapley-Shubik.
//! - `approx/uni_airdrop_top100`: Monte Carlo Banzhaf and Shapley-Shubik
//!   of the 100 largest of the 252,803 UNI airdrop holders (ε = 0.01,
//!   δ = 0.01), when ../shared is present.
//!
//! Sample sizes are small (10).

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use govkit::control::{approx, Distribution, ExactLimits, ScaledGame, Threshold, WeightResolution};

/// SplitMix64: deterministic synthetic data.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Pareto(α = 1.2) balance in base units, at least one token.
    fn balance(&mut self) -> u128 {
        let u = ((self.next_u64() >> 11) + 1) as f64 / (1u64 << 53) as f64;
        let tokens = u.powf(-1.0 / 1.2).min(1e9);
        (tokens * 1e18) as u128 + u128::from(self.next_u64() % 1_000_000)
    }
}

fn balances(n: usize, seed: u64) -> Vec<u128> {
    let mut rng = SplitMix64(seed);
    (0..n).map(|_| rng.balance()).collect()
}

fn metrics(c: &mut Criterion) {
    let data = balances(1_000_000, 1);
    let mut group = c.benchmark_group("metrics");
    group.sample_size(10).sampling_mode(SamplingMode::Flat);
    group.bench_function("1000000", |b| {
        b.iter(|| {
            let d = Distribution::new(black_box(data.clone())).unwrap();
            black_box((
                d.nakamoto(&Threshold::majority()),
                d.top_share(100),
                d.gini(),
                d.hhi(),
                d.effective_holders(),
                d.entropy_bits(),
                d.theil_t(),
                d.lorenz(100),
            ))
        })
    });
    group.finish();
}

/// A game of `n` heavy-tailed players scaled to a total of about `total`
/// units, quota > 1/2 of the scaled total.
fn game(n: usize, seed: u64, total: u64) -> govkit::control::WeightedGame {
    ScaledGame::new(
        &balances(n, seed),
        WeightResolution::Total(total),
        &Threshold::majority(),
    )
    .unwrap()
    .game
}

fn exact(c: &mut Criterion) {
    let game200 = game(200, 2, 100_000);
    let game1000 = game(1000, 3, 1_000_000);
    let limits = ExactLimits::default();
    let mut group = c.benchmark_group("exact");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("banzhaf/200", |b| {
        b.iter(|| black_box(game200.banzhaf(&limits).unwrap()))
    });
    group.bench_function("shapley_shubik/200", |b| {
        b.iter(|| black_box(game200.shapley_shubik(&limits).unwrap()))
    });
    group.bench_function("banzhaf/1000", |b| {
        b.iter(|| black_box(game1000.banzhaf(&limits).unwrap()))
    });
    group.finish();
}

fn approximate(c: &mut Criterion) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/uniswap-airdrop/uni_airdrop_claims.csv");
    if !path.exists() {
        return;
    }
    let holders = govkit::Holders::read(&govkit::HoldersSource::new(path), 18).unwrap();
    let d = Distribution::new(holders.iter().map(|(_, a)| a.base_units()).collect()).unwrap();
    let quota = u128::try_from(Threshold::majority().least_amount(d.total())).unwrap();
    let opts = approx::ApproxOptions::default();
    let mut group = c.benchmark_group("approx");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .measurement_time(Duration::from_secs(30));
    group.bench_function("uni_airdrop_top100", |b| {
        b.iter(|| black_box(approx::estimate(d.descending(), quota, &opts).unwrap()))
    });
    group.finish();
}

criterion_group!(benches, metrics, exact, approximate);
criterion_main!(benches);
