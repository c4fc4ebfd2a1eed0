//! Monte Carlo estimates of power indices for games too large to count
//! exactly (hundreds of thousands of holders with 18-decimal weights).
//!
//! The game is played with the real weights (base units, no rounding); the
//! indices of the `reported` largest holders are estimated from `m` random
//! coalitions of *all* holders:
//! - absolute Banzhaf β'_i = P(i swings in a uniformly random coalition of
//!   the others): each holder is in the coalition with probability 1/2;
//! - Shapley-Shubik φ_i = ∫₀¹ P(i swings | each other holder joins with
//!   probability t) dt (Owen's multilinear extension): draw t uniformly,
//!   then each holder joins with probability t.
//!
//! One draw gives a swing indicator (0 or 1) for every reported holder at
//! once (the others' weight is the coalition's weight minus the holder's
//! own). By Hoeffding's inequality a mean of m such indicators is within ε
//! of the index with probability at least 1 − 2·exp(−2mε²); with
//! m = ⌈ln(2k/δ) / (2ε²)⌉ this holds for all k reported holders at once
//! with probability at least 1 − δ (union bound). The bound is
//! distribution-free (no normal approximation).
//!
//! Speed: holders are drawn 64 at a time from one random word (a word of
//! independent biased bits for Shapley-Shubik, see `rng.rs`); holders of
//! equal weight (204,127 of the UNI airdrop's hold exactly 400 UNI) are
//! counted by popcount and multiplied once. Work is split into fixed
//! chunks with their own seeded streams, so the result depends on the seed
//! only, not on the number of threads.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::error::{Error, Result};
use crate::rng::Xoshiro256;

/// Parameters of an estimate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ApproxOptions {
    /// How many of the largest holders to report.
    pub reported: usize,
    /// The half-width of the error bound, on the index scale (0, 1).
    pub epsilon: f64,
    /// The probability that any reported bound fails, (0, 1).
    pub delta: f64,
    /// The PRNG seed.
    pub seed: u64,
    /// Worker threads (1 = none); does not change the result.
    pub threads: usize,
}

impl Default for ApproxOptions {
    fn default() -> Self {
        ApproxOptions {
            reported: 100,
            epsilon: 0.01,
            delta: 0.01,
            seed: 1,
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
        }
    }
}

/// An estimate with its bound: the index is in `value ± error` (with the
/// stated confidence).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// The estimate.
    pub value: f64,
    /// The half-width of the interval.
    pub error: f64,
}

/// Estimated indices of the largest holders.
#[derive(Clone, Debug, PartialEq)]
pub struct ApproxIndices {
    /// Random coalitions drawn for each index.
    pub samples: u64,
    /// Absolute Banzhaf of the reported holders, largest first.
    pub banzhaf_absolute: Vec<Estimate>,
    /// Shapley-Shubik of the reported holders, largest first.
    pub shapley_shubik: Vec<Estimate>,
    /// The options used.
    pub options: ApproxOptions,
}

/// Hoeffding's sample size: ⌈ln(2k/δ) / (2ε²)⌉ draws put every one of k
/// estimates of a [0, 1] mean within ε with probability >= 1 − δ.
pub fn samples_needed(epsilon: f64, delta: f64, k: usize) -> u64 {
    let k = k.max(1) as f64;
    ((2.0 * k / delta).ln() / (2.0 * epsilon * epsilon)).ceil() as u64
}

/// The game split for sampling: reported holders one by one; the other
/// holders either in blocks of four with a table of the 16 subset sums (one
/// lookup per four holders), or, where 64 or more share a weight, as a
/// group whose member count is drawn directly.
struct Layout<'a> {
    majors: &'a [u128],
    /// Subset sums of each block of four loose holders.
    tables: Vec<[u128; 16]>,
    groups: Vec<(u128, usize)>,
    quota: u128,
}

impl<'a> Layout<'a> {
    fn new(descending: &'a [u128], reported: usize, quota: u128) -> Layout<'a> {
        let (majors, rest) = descending.split_at(reported.min(descending.len()));
        let mut singles = Vec::new();
        let mut groups = Vec::new();
        let mut i = 0;
        while i < rest.len() {
            let w = rest[i];
            let mut j = i + 1;
            while j < rest.len() && rest[j] == w {
                j += 1;
            }
            if w > 0 {
                if j - i >= 64 {
                    groups.push((w, j - i));
                } else {
                    singles.extend_from_slice(&rest[i..j]);
                }
            }
            i = j;
        }
        // Pad to whole words of 64 holders (16 blocks); padding weighs 0.
        singles.resize(singles.len().div_ceil(64) * 64, 0);
        let tables = singles
            .chunks(4)
            .map(|b| {
                let mut t = [0u128; 16];
                for (mask, sum) in t.iter_mut().enumerate() {
                    *sum = (0..4).filter(|j| mask >> j & 1 == 1).map(|j| b[j]).sum();
                }
                t
            })
            .collect();
        Layout {
            majors,
            tables,
            groups,
            quota,
        }
    }

    /// `count` (at most [`BATCH`]) random coalitions, one after the other
    /// from `rng`; adds each major's swings to `swings`.
    ///
    /// The random words of every draw are taken in the order of a single
    /// draw (t for Shapley-Shubik, the majors, the blocks of four, the
    /// groups) and kept; the subset-sum tables are then read once for the
    /// whole batch (a table stays in the L1 cache for all its lookups
    /// instead of being fetched again for every draw).
    fn draw_batch(
        &self,
        rng: &mut Xoshiro256,
        shapley_shubik: bool,
        count: usize,
        scratch: &mut Scratch,
        swings: &mut [u64],
    ) {
        let mw = self.majors.len().div_ceil(64);
        let words = self.tables.len() / 16;
        for d in 0..count {
            let p = if shapley_shubik {
                Some(rng.next_u64())
            } else {
                None
            };
            let mut total: u128 = 0;
            for (c, chunk) in self.majors.chunks(64).enumerate() {
                let word = rng.bernoulli_word(p);
                scratch.bits[d * mw + c] = word;
                for (j, &w) in chunk.iter().enumerate() {
                    total += w & 0u128.wrapping_sub(u128::from((word >> j) & 1));
                }
            }
            for g in 0..words {
                scratch.words[g * BATCH + d] = rng.bernoulli_word(p);
            }
            for &(w, n) in &self.groups {
                total += w * u128::from(rng.binomial(n, p));
            }
            scratch.totals[d] = total;
        }
        let totals = &mut scratch.totals[..count];
        for (g, blocks) in self.tables.chunks_exact(16).enumerate() {
            let batch = &scratch.words[g * BATCH..g * BATCH + count];
            for (j, t) in blocks.iter().enumerate() {
                for (total, &word) in totals.iter_mut().zip(batch) {
                    *total += t[((word >> (4 * j)) & 15) as usize];
                }
            }
        }
        let q = self.quota;
        for (d, &total) in totals.iter().enumerate() {
            let bits = &scratch.bits[d * mw..(d + 1) * mw];
            for (i, &w) in self.majors.iter().enumerate() {
                let inside = (bits[i / 64] >> (i % 64)) & 1 == 1;
                let others = if inside { total - w } else { total };
                if others < q && q <= others + w {
                    swings[i] += 1;
                }
            }
        }
    }
}

/// Draws per batch of [`Layout::draw_batch`].
const BATCH: usize = 32;

/// A batch's random words and totals.
struct Scratch {
    bits: Vec<u64>,
    words: Vec<u64>,
    totals: [u128; BATCH],
}

const CHUNKS: u64 = 64;

/// Counts the swings of every major in `samples` draws, split into
/// [`CHUNKS`] fixed chunks with their own streams (so the counts depend on
/// the seed only); `progress(draws done)` hears each finished chunk on the
/// calling thread.
fn run(
    layout: &Layout<'_>,
    samples: u64,
    options: &ApproxOptions,
    shapley_shubik: bool,
    progress: &mut dyn FnMut(u64),
) -> Vec<u64> {
    let k = layout.majors.len();
    let next = AtomicUsize::new(0);
    let result = Mutex::new(vec![0u64; k]);
    let work = |report: &dyn Fn(u64)| {
        let mut swings = vec![0u64; k];
        let mut scratch = Scratch {
            bits: vec![0u64; k.div_ceil(64) * BATCH],
            words: vec![0u64; layout.tables.len() / 16 * BATCH],
            totals: [0; BATCH],
        };
        loop {
            let chunk = next.fetch_add(1, Ordering::Relaxed) as u64;
            if chunk >= CHUNKS {
                break;
            }
            let n = samples / CHUNKS + u64::from(chunk < samples % CHUNKS);
            let stream = chunk + if shapley_shubik { CHUNKS } else { 0 };
            let mut rng = Xoshiro256::new(options.seed, stream);
            let mut left = n;
            while left > 0 {
                let count = left.min(BATCH as u64) as usize;
                layout.draw_batch(&mut rng, shapley_shubik, count, &mut scratch, &mut swings);
                left -= count as u64;
            }
            report(n);
        }
        let mut r = result.lock().expect("no worker panics");
        for (t, s) in r.iter_mut().zip(&swings) {
            *t += s;
        }
    };
    let threads = options.threads.clamp(1, CHUNKS as usize);
    if threads == 1 {
        let done = std::cell::Cell::new(0u64);
        let progress = std::cell::RefCell::new(progress);
        work(&|n| {
            done.set(done.get() + n);
            (progress.borrow_mut())(done.get());
        });
    } else {
        let (tx, rx) = std::sync::mpsc::channel::<u64>();
        std::thread::scope(|scope| {
            for _ in 0..threads {
                let tx = tx.clone();
                let work = &work;
                scope.spawn(move || {
                    work(&|n| {
                        let _ = tx.send(n);
                    })
                });
            }
            drop(tx);
            let mut done = 0;
            for n in rx {
                done += n;
                progress(done);
            }
        });
    }
    result.into_inner().expect("no worker panics")
}

/// Which indices [`estimate_with`] estimates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Estimated {
    /// Absolute Banzhaf and Shapley-Shubik.
    Both,
    /// Shapley-Shubik only (`banzhaf_absolute` stays empty).
    ShapleyShubik,
}

/// Estimates absolute Banzhaf and Shapley-Shubik indices of the
/// `options.reported` largest holders of the game [quota; descending].
///
/// `descending` must be sorted largest first; `quota` is in the same units
/// (a coalition wins iff its weight >= quota).
pub fn estimate(
    descending: &[u128],
    quota: u128,
    options: &ApproxOptions,
) -> Result<ApproxIndices> {
    estimate_with(descending, quota, options, Estimated::Both, &mut |_, _| {})
}

/// [`estimate`] of the indices `which` says, calling `progress(done,
/// total)` (draws) on the calling thread as chunks of draws finish.
pub fn estimate_with(
    descending: &[u128],
    quota: u128,
    options: &ApproxOptions,
    which: Estimated,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ApproxIndices> {
    if !(options.epsilon > 0.0 && options.epsilon < 1.0) {
        return Err(Error::invalid(
            "epsilon must be between 0 and 1 (exclusive)",
        ));
    }
    if !(options.delta > 0.0 && options.delta < 1.0) {
        return Err(Error::invalid("delta must be between 0 and 1 (exclusive)"));
    }
    if descending.windows(2).any(|w| w[0] < w[1]) {
        return Err(Error::invalid("weights must be sorted largest first"));
    }
    let mut total: u128 = 0;
    for &w in descending {
        total = total
            .checked_add(w)
            .ok_or_else(|| Error::overflow(None, "the total weight of the game"))?;
    }
    let layout = Layout::new(descending, options.reported, quota);
    let k = layout.majors.len();
    let samples = samples_needed(options.epsilon, options.delta, k);
    let to_estimates = |swings: Vec<u64>| {
        swings
            .into_iter()
            .map(|s| Estimate {
                value: s as f64 / samples as f64,
                error: options.epsilon,
            })
            .collect()
    };
    let runs = if which == Estimated::Both { 2 } else { 1 };
    let all = samples * runs;
    let banzhaf_absolute = if which == Estimated::Both {
        to_estimates(run(&layout, samples, options, false, &mut |d| {
            progress(d, all)
        }))
    } else {
        Vec::new()
    };
    let offset = all - samples;
    let shapley_shubik = to_estimates(run(&layout, samples, options, true, &mut |d| {
        progress(offset + d, all)
    }));
    Ok(ApproxIndices {
        samples,
        banzhaf_absolute,
        shapley_shubik,
        options: *options,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hoeffding_sample_size() {
        // ln(2 * 100 / 0.01) / (2 * 0.01^2) = 9.903.../0.0002
        assert_eq!(samples_needed(0.01, 0.01, 100), 49_518);
        assert_eq!(samples_needed(0.1, 0.05, 1), 185);
    }

    #[test]
    fn estimates_cover_exact_values_of_a_small_game() {
        // [6; 4,3,2,1]: absolute Banzhaf 5/8, 3/8, 3/8, 1/8; SS 5/12, 1/4, 1/4, 1/12.
        let opts = ApproxOptions {
            reported: 4,
            epsilon: 0.02,
            delta: 0.001,
            seed: 42,
            threads: 2,
        };
        let est = estimate(&[4, 3, 2, 1], 6, &opts).unwrap();
        let bz = [5.0 / 8.0, 3.0 / 8.0, 3.0 / 8.0, 1.0 / 8.0];
        let ss = [5.0 / 12.0, 0.25, 0.25, 1.0 / 12.0];
        for i in 0..4 {
            let b = est.banzhaf_absolute[i];
            assert!((b.value - bz[i]).abs() <= b.error, "banzhaf {i}: {b:?}");
            let s = est.shapley_shubik[i];
            assert!((s.value - ss[i]).abs() <= s.error, "ss {i}: {s:?}");
        }
        // Same seed, other thread count: same numbers.
        let one = estimate(&[4, 3, 2, 1], 6, &ApproxOptions { threads: 1, ..opts }).unwrap();
        assert_eq!(
            one,
            ApproxIndices {
                options: one.options,
                ..est
            }
        );
    }

    #[test]
    fn grouped_minor_holders_are_sampled_correctly() {
        // Two majors of 100 and 200 players of weight 1; quota > half of 500.
        let mut w = vec![100u128, 100];
        w.extend(std::iter::repeat_n(1u128, 300));
        let opts = ApproxOptions {
            reported: 2,
            epsilon: 0.02,
            delta: 0.001,
            seed: 7,
            threads: 2,
        };
        let est = estimate(&w, 251, &opts).unwrap();
        // Exact absolute Banzhaf of a major: P(151 - 100 <= others < 251)
        // with others = 100·B + Bin(300, 1/2), B ~ Bernoulli(1/2).
        let exact = {
            let mut binom = vec![0f64; 301];
            // log-space binomial pmf
            let ln_fact = |n: usize| (1..=n).map(|i| (i as f64).ln()).sum::<f64>();
            for (j, b) in binom.iter_mut().enumerate() {
                *b = (ln_fact(300) - ln_fact(j) - ln_fact(300 - j) - 300.0 * 2f64.ln()).exp();
            }
            let p = |lo: i64, hi: i64| -> f64 {
                (lo.max(0)..hi.min(301)).map(|j| binom[j as usize]).sum()
            };
            0.5 * p(151, 251) + 0.5 * p(51, 151)
        };
        for e in &est.banzhaf_absolute {
            assert!((e.value - exact).abs() <= e.error, "{e:?} vs {exact}");
        }
    }
}
