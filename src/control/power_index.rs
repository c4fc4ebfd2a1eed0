//! Exact power indices of a weighted voting game [q; w_1, …, w_n].
//!
//! A coalition S wins iff w(S) >= q. Player i *swings* in a coalition S of
//! the others iff w(S) < q <= w(S) + w_i.
//! - Banzhaf: η_i = number of swings; absolute β'_i = η_i / 2^(n−1),
//!   normalized β_i = η_i / Σ_j η_j.
//! - Shapley-Shubik: φ_i = Σ over swing coalitions S of
//!   |S|!·(n−|S|−1)! / n!.
//!
//! Method: generating functions truncated below the quota, with exact
//! multi-limb counts (`counting.rs`: lightest players first, each row's
//! limbs sized to its largest possible count, passes split over the cores).
//! The quota counted is min(q, T − q + 1) (T the total weight): a player
//! swings in S at quota q iff it swings in the complement of S ∪ {i} at
//! quota T − q + 1, so swing counts are equal, and the Shapley-Shubik weight
//! s!(n−1−s)! is the same for s and n−1−s. With q that quota, n the players
//! and L = ⌈n/64⌉ limbs:
//! - Banzhaf, O(n·q·L) time (O(n·q) limb additions while the counts fit
//!   one limb), O(q·L) memory: F(x) = Π (1 + x^{w_j}) below x^q computed
//!   once; the coalitions of the *others* of a player of weight w are
//!   G = F / (1 + x^w) = F · Σ_j (−1)^j x^{jw}, so its swings
//!   η = Σ_{q−w <= k < q} g_k = `Σ_j (−1)^j · F[q−(j+1)w, q−jw)`: an
//!   alternating sum of range counts, O(q/w·L) with F turned into prefix
//!   sums. Players of equal weight share one division.
//! - Shapley-Shubik, O(n²·q·L) time, O(n·q·L) memory: the same with a
//!   second dimension for the coalition size, `F[s][k]` (row s only from
//!   the least weight of s players, limbs per pass from C(j, s)), and
//!   `c_s = Σ_j (−1)^j F[s−j][q−(j+1)w, q−jw)` for each size s, per
//!   distinct weight: O(n·min(n, q/w)·L) (rows outer, so each row is
//!   read once for all the weights of a thread). On the seeded 200-player
//!   games (q ≈ 50,000) that is about 3.4·10^8 limb additions for the
//!   table, split over the cores by rows, and 2.5·10^6 range sums.
//!
//! Players of weight 0 are dummies: index 0, left out of the counting (the
//! other players' indices do not change). Memory and work are checked
//! against [`ExactLimits`] before anything is allocated: a game that would
//! not fit is refused with an error that suggests the approximate mode.
//!
//! Real balances are 18-decimal integers; [`ScaledGame::new`] maps them to
//! a game of small integers at a chosen [`WeightResolution`], stating the
//! rounding.

use num_bigint::{BigInt, BigUint};
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};

use super::counting::{
    banzhaf_table, limbs_for_power, prefix_sums, size_table, size_table_bytes, threads,
};
use super::Threshold;
use crate::error::{Error, Result};

/// A weighted voting game with integer weights: a coalition wins iff its
/// weight is at least `quota`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WeightedGame {
    /// The quota q (>= 1).
    pub quota: u64,
    /// The players' weights.
    pub weights: Vec<u64>,
}

/// How much an exact computation may use before it is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExactLimits {
    /// Bytes of counting tables.
    pub max_bytes: u64,
    /// Limb additions (a proxy for time; several 10^9 per second on two
    /// cores).
    pub max_limb_ops: u64,
}

impl Default for ExactLimits {
    /// 2 GiB of tables and 2·10^11 limb operations (counted as in
    /// [`WeightedGame::exact_cost`]; about a minute on two cores).
    fn default() -> Self {
        ExactLimits {
            max_bytes: 2 << 30,
            max_limb_ops: 200_000_000_000,
        }
    }
}

/// Exact Banzhaf counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Banzhaf {
    /// η_i, the number of swings of each player (input order).
    pub swings: Vec<BigUint>,
    /// Players with weight > 0 (dummies do not change absolute indices:
    /// each doubles both η_i and 2^(n−1)).
    pub players: usize,
}

impl Banzhaf {
    /// Σ η_i.
    pub fn total_swings(&self) -> BigUint {
        self.swings.iter().sum()
    }

    /// Normalized index η_i / Σ η (all zero if nobody ever swings).
    pub fn normalized(&self) -> Vec<BigRational> {
        let total = BigInt::from(self.total_swings());
        self.swings
            .iter()
            .map(|s| {
                if total.is_zero() {
                    BigRational::zero()
                } else {
                    BigRational::new(BigInt::from(s.clone()), total.clone())
                }
            })
            .collect()
    }

    /// Absolute index η_i / 2^(n−1).
    pub fn absolute(&self) -> Vec<BigRational> {
        let denom = BigInt::one() << self.players.saturating_sub(1);
        self.swings
            .iter()
            .map(|s| BigRational::new(BigInt::from(s.clone()), denom.clone()))
            .collect()
    }
}

/// The game as the counting tables see it.
struct Counting {
    /// Players with a positive weight.
    n: usize,
    /// The quota counted: `min(q, T − q + 1)` (a player swings in S iff it
    /// swings in the complement of S ∪ {i} at quota T − q + 1, so the
    /// swing counts are equal and the Shapley-Shubik weight s!(n−1−s)! is
    /// symmetric); `None` if no coalition reaches q.
    quota: Option<usize>,
    /// Weights below the counted quota, ascending (the others are 1 in
    /// every factor below it).
    small: Vec<usize>,
    /// Distinct positive weights, ascending.
    distinct: Vec<u64>,
}

impl WeightedGame {
    fn active(&self) -> Vec<u64> {
        self.weights.iter().copied().filter(|&w| w > 0).collect()
    }

    fn check_quota(&self) -> Result<()> {
        if self.quota == 0 {
            return Err(Error::invalid(
                "the quota of a weighted voting game must be at least 1",
            ));
        }
        Ok(())
    }

    fn counting(&self) -> Counting {
        let mut active = self.active();
        active.sort_unstable();
        let total: u128 = active.iter().map(|&w| u128::from(w)).sum();
        let q = u128::from(self.quota);
        let quota = (q <= total).then(|| {
            let dual = total - q + 1;
            usize::try_from(q.min(dual)).unwrap_or(usize::MAX)
        });
        let small = match quota {
            Some(qd) => active
                .iter()
                .filter(|&&w| (w as u128) < qd as u128)
                .map(|&w| w as usize)
                .collect(),
            None => Vec::new(),
        };
        let n = active.len();
        active.dedup();
        Counting {
            n,
            quota,
            small,
            distinct: active,
        }
    }

    /// Bytes and limb operations the exact computation needs (upper bounds;
    /// the quota is the smaller of q and T − q + 1).
    ///
    /// Banzhaf: one row of q limb cells and one pass per player whose
    /// weight is below the quota, each over the nonzero part of the row
    /// (lightest first, so the part is min(q, w_1 + … + w_j) cells) and the
    /// ⌈j/64⌉ limbs in use: O(n·q·n/64) limb additions at most, then
    /// O(q) prefix sums and O(q/w) per distinct weight w.
    /// Shapley-Shubik: rows s = 0..n of [lo_s, q) (lo_s the least weight of
    /// s players) with ⌈log2 C(n, s)/64⌉ limbs each, and one pass per player
    /// over the rows in use: O(n²·q·n/64) limb additions at most, then
    /// O(n·min(n, q/w)) range sums per distinct weight w.
    pub fn exact_cost(&self, shapley_shubik: bool) -> (u64, u64) {
        let c = self.counting();
        let Some(q) = c.quota else {
            return (0, 0);
        };
        let q = q as u64;
        let ns = c.small.len();
        let l = limbs_for_power(ns) as u64;
        let mut ops = 0u64;
        let mut reach = 0u64; // w_1 + … + w_j, capped at q
        for (j, &w) in c.small.iter().enumerate() {
            reach = reach.saturating_add(w as u64).min(q);
            let e = limbs_for_power(j + 1) as u64;
            let rows = if shapley_shubik { j as u64 + 1 } else { 1 };
            ops = ops.saturating_add(reach.saturating_mul(e).saturating_mul(rows));
        }
        let d = c.distinct.len() as u64;
        let n = c.n as u64;
        if shapley_shubik {
            let bytes = size_table_bytes(&c.small, q as usize).unwrap_or(u64::MAX);
            let extract = d.saturating_mul(n).saturating_mul(n).saturating_mul(l + 1);
            (bytes, ops.saturating_add(extract))
        } else {
            let bytes = q.saturating_mul(l).saturating_mul(8);
            let extract = q.saturating_mul(l).saturating_add(
                c.distinct
                    .iter()
                    .map(|&w| (q / w + 1).saturating_mul(l))
                    .fold(0u64, u64::saturating_add),
            );
            (bytes, ops.saturating_add(extract))
        }
    }

    /// Refuses the game up front if the exact computation would exceed
    /// `limits`, with a message that suggests the approximate mode.
    pub fn check_limits(&self, limits: &ExactLimits, shapley_shubik: bool) -> Result<()> {
        self.check_quota()?;
        let (bytes, ops) = self.exact_cost(shapley_shubik);
        if bytes > limits.max_bytes || ops > limits.max_limb_ops {
            return Err(Error::invalid(format!(
                "exact {} indices for {} players at quota {} would need {:.1} GiB of tables and \
                 about {:.1e} limb operations (limits: {:.1} GiB, {:.1e}); use the approximate \
                 mode (`--indices approx`: Monte Carlo with a Hoeffding bound) or a smaller \
                 `--resolution`",
                if shapley_shubik {
                    "Shapley-Shubik"
                } else {
                    "Banzhaf"
                },
                self.active().len(),
                self.quota,
                bytes as f64 / f64::from(1u32 << 30),
                ops as f64,
                limits.max_bytes as f64 / f64::from(1u32 << 30),
                limits.max_limb_ops as f64,
            )));
        }
        Ok(())
    }

    /// Exact Banzhaf counts; see [`WeightedGame::exact_cost`] for the work.
    pub fn banzhaf(&self, limits: &ExactLimits) -> Result<Banzhaf> {
        self.banzhaf_with_progress(limits, &mut |_, _| {})
    }

    /// [`WeightedGame::banzhaf`], calling `progress(done, total)` after
    /// each factor of the generating function.
    pub fn banzhaf_with_progress(
        &self,
        limits: &ExactLimits,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Banzhaf> {
        self.check_limits(limits, false)?;
        let c = self.counting();
        let n = c.n;
        let Some(q) = c.quota else {
            return Ok(Banzhaf {
                swings: vec![BigUint::zero(); self.weights.len()],
                players: n,
            });
        };
        let l = limbs_for_power(c.small.len());
        let mut f = banzhaf_table(&c.small, q, l, progress);
        prefix_sums(&mut f, l);
        let f = &f;
        // η(w) = Σ_j (−1)^j · #{coalitions of weight in [q−(j+1)w, q−jw)}
        // (G = F / (1 + x^w) = F · Σ_j (−1)^j x^{jw}).
        let by_weight = per_weight(&c.distinct, |w| {
            let mut acc = Alternating::new(l);
            let wu = w as usize;
            let mut j = 0usize;
            while let Some(hi) = q.checked_sub(j * wu).filter(|&h| h > 0) {
                let lo = hi.saturating_sub(wu);
                acc.add_range(f, l, 0, lo, hi, j % 2 == 1);
                j += 1;
            }
            acc.value()
        });
        let swings = self
            .weights
            .iter()
            .map(|&w| {
                if w == 0 {
                    BigUint::zero()
                } else {
                    let i = c
                        .distinct
                        .binary_search(&w)
                        .expect("every active weight has a count");
                    by_weight[i].clone()
                }
            })
            .collect();
        Ok(Banzhaf { swings, players: n })
    }

    /// Exact Shapley-Shubik indices (input order); see
    /// [`WeightedGame::exact_cost`] for the work.
    pub fn shapley_shubik(&self, limits: &ExactLimits) -> Result<Vec<BigRational>> {
        self.shapley_shubik_with_progress(limits, &mut |_, _| {})
    }

    /// [`WeightedGame::shapley_shubik`], calling `progress(done, total)`
    /// after each factor of the generating function.
    pub fn shapley_shubik_with_progress(
        &self,
        limits: &ExactLimits,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Vec<BigRational>> {
        self.check_limits(limits, true)?;
        let c = self.counting();
        let n = c.n;
        let Some(q) = c.quota else {
            return Ok(vec![BigRational::zero(); self.weights.len()]);
        };
        let mut t = size_table(&c.small, q, progress);
        let rows = c.small.len() + 1;
        // Rows into running sums, the rows cut into one run per thread.
        let parts = threads().min(rows);
        let total_cells = t.offset[rows];
        let mut runs: Vec<(usize, &mut [u64])> = Vec::with_capacity(parts);
        let mut rest: &mut [u64] = &mut t.cells[..total_cells];
        let mut s0 = 0usize;
        for p in 1..=parts {
            let mut s1 = s0;
            while s1 < rows && (p == parts || t.offset[s1] * parts < total_cells * p) {
                s1 += 1;
            }
            let (run, r) = std::mem::take(&mut rest).split_at_mut(t.offset[s1] - t.offset[s0]);
            runs.push((s0, run));
            rest = r;
            s0 = s1;
        }
        let (offset, limbs) = (&t.offset, &t.limbs);
        std::thread::scope(|scope| {
            for (s0, run) in runs {
                scope.spawn(move || {
                    let base = offset[s0];
                    let mut s = s0;
                    while offset[s] - base < run.len() {
                        let (a, b) = (offset[s] - base, offset[s + 1] - base);
                        prefix_sums(&mut run[a..b], limbs[s]);
                        s += 1;
                    }
                });
            }
        });
        let t = &t;
        let width = t.limbs.iter().copied().max().unwrap_or(1);
        // s!·(n−1−s)! for s = 0..n−1, and n!.
        let mut fact = vec![BigUint::one(); n + 1];
        for i in 1..=n {
            fact[i] = &fact[i - 1] * BigUint::from(i);
        }
        let coef: Vec<BigUint> = (0..n).map(|s| &fact[s] * &fact[n - 1 - s]).collect();
        let coef = &coef;
        let n_fact = BigInt::from(fact[n].clone());
        // Swing coalitions of the others of size s, for a player of weight w:
        // c_s = Σ_j (−1)^j · #{size s−j, weight in [q−(j+1)w, q−jw)}
        // (G = F / (1 + y·x^w)); the ranges leave row r's [lo_r, q) after
        // (q − lo_r)/w steps. Rows outer, a thread's weights inner: the
        // cells read lie near the end of each row for the light weights,
        // so a row is read while it is in cache, once for all of them
        // (weights outer read the whole table once per weight). c_s is kept
        // as + and − limb sums.
        let by_weight = per_weight_chunk(&c.distinct, |chunk| {
            // Each range count is P(hi) − P(lo) (P the running sums), so
            // P(hi) goes to one side and P(lo) to the other; the sides are
            // summed limb by limb in u128 (fewer than 2^64 terms of less
            // than 2^64 each: no carries in the loop) and carried at the end.
            let stride = n * width;
            let mut pos = vec![0u128; chunk.len() * stride];
            let mut neg = vec![0u128; chunk.len() * stride];
            for r in 0..rows.min(n) {
                let start = t.lo[r];
                if start >= q {
                    break;
                }
                let (row, l) = (t.row(r), t.limbs[r]);
                let cell = |k: usize| &row[(k - 1 - start) * l..(k - start) * l];
                for (wi, &w) in chunk.iter().enumerate() {
                    let wu = w as usize;
                    let mut j = 0usize;
                    while r + j < n {
                        let Some(hi) = q.checked_sub(j * wu).filter(|&h| h > start) else {
                            break;
                        };
                        let lo = hi.saturating_sub(wu).max(start);
                        let at = wi * stride + (r + j) * width;
                        let (up, down) = if j % 2 == 1 {
                            (&mut neg, &mut pos)
                        } else {
                            (&mut pos, &mut neg)
                        };
                        for (acc, &x) in up[at..at + l].iter_mut().zip(cell(hi)) {
                            *acc += u128::from(x);
                        }
                        if lo > start {
                            for (acc, &x) in down[at..at + l].iter_mut().zip(cell(lo)) {
                                *acc += u128::from(x);
                            }
                        }
                        j += 1;
                    }
                }
            }
            (0..chunk.len())
                .map(|wi| {
                    let mut numer = BigUint::zero();
                    for (s, coef) in coef.iter().enumerate() {
                        let at = wi * stride + s * width;
                        let count = carried(&pos[at..at + width]) - carried(&neg[at..at + width]);
                        if !count.is_zero() {
                            numer += count * coef;
                        }
                    }
                    BigRational::new(BigInt::from(numer), n_fact.clone())
                })
                .collect()
        });
        Ok(self
            .weights
            .iter()
            .map(|&w| {
                if w == 0 {
                    BigRational::zero()
                } else {
                    let i = c
                        .distinct
                        .binary_search(&w)
                        .expect("every active weight has an index");
                    by_weight[i].clone()
                }
            })
            .collect())
    }
}

/// `values(part)` (one value per weight of the part, in order) with the
/// distinct weights dealt out round-robin, one part per thread (light and
/// heavy weights, whose work differs a lot, in every part); the values are
/// put back in order, so nothing depends on the split.
fn per_weight_chunk<T: Send>(distinct: &[u64], values: impl Fn(&[u64]) -> Vec<T> + Sync) -> Vec<T> {
    let threads = threads().min(distinct.len().max(1));
    if threads <= 1 || distinct.len() < 8 {
        return values(distinct);
    }
    let parts: Vec<Vec<u64>> = (0..threads)
        .map(|p| distinct.iter().copied().skip(p).step_by(threads).collect())
        .collect();
    let values = &values;
    let mut done: Vec<std::vec::IntoIter<T>> = std::thread::scope(|scope| {
        let handles: Vec<_> = parts
            .iter()
            .map(|part| scope.spawn(move || values(part)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("no worker panics").into_iter())
            .collect()
    });
    (0..distinct.len())
        .map(|i| done[i % threads].next().expect("one value per weight"))
        .collect()
}

/// `value(w)` for every distinct weight, in order, split over threads
/// (contiguous chunks, so the order and the values do not depend on them).
fn per_weight<T: Send>(distinct: &[u64], value: impl Fn(u64) -> T + Sync) -> Vec<T> {
    let threads = threads().min(distinct.len().max(1));
    if threads <= 1 || distinct.len() < 8 {
        return distinct.iter().map(|&w| value(w)).collect();
    }
    let chunk = distinct.len().div_ceil(threads);
    let value = &value;
    std::thread::scope(|scope| {
        let handles: Vec<_> = distinct
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(|&w| value(w)).collect::<Vec<T>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("no worker panics"))
            .collect()
    })
}

/// `out = a - b` (a >= b).
#[inline]
fn sub_into(out: &mut [u64], a: &[u64], b: &[u64]) {
    let mut borrow = false;
    for ((o, &x), &y) in out.iter_mut().zip(a).zip(b) {
        let (d, b1) = x.overflowing_sub(y);
        let (e, b2) = d.overflowing_sub(u64::from(borrow));
        *o = e;
        borrow = b1 | b2;
    }
    debug_assert!(!borrow, "exact division leaves non-negative counts");
}

/// `dst += src` (`src` no longer than `dst`; the sum fits).
#[inline]
fn add_into(dst: &mut [u64], src: &[u64]) {
    let mut carry = false;
    for (j, d) in dst.iter_mut().enumerate() {
        let s = src.get(j).copied().unwrap_or(0);
        if j >= src.len() && !carry {
            break;
        }
        let (a, c1) = d.overflowing_add(s);
        let (b, c2) = a.overflowing_add(u64::from(carry));
        *d = b;
        carry = c1 | c2;
    }
    debug_assert!(!carry, "counts fit their limbs");
}

/// A sum of ± range counts, kept as two non-negative limb sums.
struct Alternating {
    plus: Vec<u64>,
    minus: Vec<u64>,
    tmp: Vec<u64>,
}

impl Alternating {
    fn new(l: usize) -> Alternating {
        // Two extra limbs: many terms of at most 2^(64l) each.
        Alternating {
            plus: vec![0; l + 2],
            minus: vec![0; l + 2],
            tmp: vec![0; l],
        }
    }

    /// Adds (or subtracts) the number of coalitions with weight in
    /// [lo, hi), from a row of prefix sums (`l` limbs a cell) that starts
    /// at weight `start`.
    fn add_range(
        &mut self,
        prefix: &[u64],
        l: usize,
        start: usize,
        lo: usize,
        hi: usize,
        negative: bool,
    ) {
        let lo = lo.max(start);
        if lo >= hi {
            return;
        }
        let upper = &prefix[(hi - 1 - start) * l..(hi - start) * l];
        let tmp = &mut self.tmp[..l];
        if lo == start {
            tmp.copy_from_slice(upper);
        } else {
            sub_into(tmp, upper, &prefix[(lo - 1 - start) * l..(lo - start) * l]);
        }
        let target = if negative {
            &mut self.minus
        } else {
            &mut self.plus
        };
        add_into(target, &self.tmp[..l]);
    }

    /// plus − minus (never negative: it counts coalitions).
    fn value(&self) -> BigUint {
        limbs_to_biguint(&self.plus) - limbs_to_biguint(&self.minus)
    }
}

/// Σ_j sums[j]·2^(64j) for limb-wise sums kept in u128.
fn carried(sums: &[u128]) -> BigUint {
    let mut limbs = Vec::with_capacity(sums.len() + 2);
    let mut carry = 0u128;
    for &x in sums {
        let v = x + carry; // x < 2^127 here: at most 2^63 terms below 2^64
        limbs.push(v as u64);
        carry = v >> 64;
    }
    while carry > 0 {
        limbs.push(carry as u64);
        carry >>= 64;
    }
    limbs_to_biguint(&limbs)
}

fn limbs_to_biguint(limbs: &[u64]) -> BigUint {
    let digits: Vec<u32> = limbs
        .iter()
        .flat_map(|&x| [x as u32, (x >> 32) as u32])
        .collect();
    BigUint::new(digits)
}

/// How real balances become the small integer weights of a game.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WeightResolution {
    /// Scale so the total is about `N` units: w'_i = round(w_i·N / S),
    /// rounded half up (a holder below half a unit becomes a dummy).
    Total(u64),
    /// Divide every weight by their greatest common divisor, no rounding
    /// (refused if the result does not fit `u64`).
    Exact,
}

/// A game built from real balances, with what the scaling did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScaledGame {
    /// The integer game (weights in the order given).
    pub game: WeightedGame,
    /// Base units per game unit (`S / N` for [`WeightResolution::Total`], the gcd
    /// for [`WeightResolution::Exact`]).
    pub unit: BigRational,
    /// Holders with a positive balance whose weight rounded to 0.
    pub rounded_to_zero: usize,
    /// The largest rounding error of one weight, in game units (at most
    /// 1/2; 0 for [`WeightResolution::Exact`]).
    pub max_rounding_error: BigRational,
}

impl ScaledGame {
    /// Scales `weights` (base units) and sets the quota to the least
    /// integer weight that meets `quota` of the *scaled* total.
    pub fn new(
        weights: &[u128],
        resolution: WeightResolution,
        quota: &Threshold,
    ) -> Result<ScaledGame> {
        let total: BigUint = weights.iter().map(|&w| BigUint::from(w)).sum();
        if total.is_zero() {
            return Err(Error::invalid(
                "the holders hold nothing: a weighted voting game needs a positive total",
            ));
        }
        let too_big = || {
            Error::invalid(
                "the game's integer weights do not fit 64 bits: use the approximate mode \
                 (`--indices approx`: Monte Carlo with a Hoeffding bound) or a `--resolution` total",
            )
        };
        let (scaled, unit, zeros, max_err) = match resolution {
            WeightResolution::Total(n) => {
                if n == 0 {
                    return Err(Error::invalid("the resolution must be at least 1"));
                }
                let two_s = &total * 2u32;
                let mut zeros = 0;
                let mut max_err = BigRational::zero();
                let mut out = Vec::with_capacity(weights.len());
                for &w in weights {
                    let num = BigUint::from(w) * n * 2u32 + &total;
                    let r = num / &two_s;
                    let exact = BigRational::new(
                        BigInt::from(w) * BigInt::from(n),
                        BigInt::from(total.clone()),
                    );
                    let err = (exact - BigRational::from_integer(BigInt::from(r.clone()))).abs();
                    if err > max_err {
                        max_err = err;
                    }
                    if w > 0 && r.is_zero() {
                        zeros += 1;
                    }
                    out.push(u64::try_from(r).map_err(|_| too_big())?);
                }
                let unit = BigRational::new(BigInt::from(total.clone()), BigInt::from(n));
                (out, unit, zeros, max_err)
            }
            WeightResolution::Exact => {
                let g = weights.iter().fold(0u128, |g, &w| g.gcd(&w)).max(1);
                let out = weights
                    .iter()
                    .map(|&w| u64::try_from(w / g).map_err(|_| too_big()))
                    .collect::<Result<Vec<u64>>>()?;
                (
                    out,
                    BigRational::from_integer(g.into()),
                    0,
                    BigRational::zero(),
                )
            }
        };
        let scaled_total: u128 = scaled.iter().map(|&w| u128::from(w)).sum();
        let q = quota.least_amount(scaled_total);
        let q = u64::try_from(q.max(BigInt::one())).map_err(|_| too_big())?;
        Ok(ScaledGame {
            game: WeightedGame {
                quota: q,
                weights: scaled,
            },
            unit,
            rounded_to_zero: zeros,
            max_rounding_error: max_err,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(n: i64, d: i64) -> BigRational {
        BigRational::new(n.into(), d.into())
    }

    fn game(q: u64, w: &[u64]) -> WeightedGame {
        WeightedGame {
            quota: q,
            weights: w.to_vec(),
        }
    }

    fn lim() -> ExactLimits {
        ExactLimits::default()
    }

    // ANCHORS.md, "Concentration and voting power".
    #[test]
    fn banzhaf_anchor_6_4321() {
        let b = game(6, &[4, 3, 2, 1]).banzhaf(&lim()).unwrap();
        assert_eq!(b.normalized(), vec![r(5, 12), r(1, 4), r(1, 4), r(1, 12)]);
        assert_eq!(b.absolute(), vec![r(5, 8), r(3, 8), r(3, 8), r(1, 8)]);
    }

    #[test]
    fn banzhaf_anchor_swings_8_443211() {
        let b = game(8, &[4, 4, 3, 2, 1, 1]).banzhaf(&lim()).unwrap();
        let expect: Vec<BigUint> = [16u32, 16, 12, 4, 4, 4].iter().map(|&x| x.into()).collect();
        assert_eq!(b.swings, expect);
    }

    #[test]
    fn shapley_shubik_anchor_4_321() {
        let s = game(4, &[3, 2, 1]).shapley_shubik(&lim()).unwrap();
        assert_eq!(s, vec![r(2, 3), r(1, 6), r(1, 6)]);
    }

    #[test]
    fn shapley_shubik_anchor_12_444221() {
        let s = game(12, &[4, 4, 4, 2, 2, 1])
            .shapley_shubik(&lim())
            .unwrap();
        assert_eq!(
            s,
            vec![r(7, 30), r(7, 30), r(7, 30), r(3, 20), r(3, 20), r(0, 1)]
        );
    }

    #[test]
    fn dictators_dummies_and_unreachable_quotas() {
        let b = game(5, &[5, 1, 1, 0]).banzhaf(&lim()).unwrap();
        assert_eq!(b.normalized(), vec![r(1, 1), r(0, 1), r(0, 1), r(0, 1)]);
        let s = game(5, &[5, 1, 1, 0]).shapley_shubik(&lim()).unwrap();
        assert_eq!(s, vec![r(1, 1), r(0, 1), r(0, 1), r(0, 1)]);
        let b = game(100, &[1, 2]).banzhaf(&lim()).unwrap();
        assert_eq!(b.normalized(), vec![r(0, 1), r(0, 1)]);
        assert!(game(0, &[1]).banzhaf(&lim()).is_err());
    }

    #[test]
    fn counts_beyond_64_bits_are_exact() {
        // 130 equal players, quota 66: every player swings in
        // C(129, 65) coalitions; each Shapley-Shubik index is 1/130.
        let g = game(66, &[1; 130]);
        let b = g.banzhaf(&lim()).unwrap();
        let mut c = BigUint::one();
        for i in 0..65u32 {
            c = c * (129 - i) / (i + 1);
        }
        assert_eq!(b.swings[0], c);
        let s = g.shapley_shubik(&lim()).unwrap();
        assert!(s.iter().all(|x| *x == r(1, 130)));
    }

    #[test]
    fn exploding_games_are_refused_up_front() {
        let g = game(1 << 40, &[1 << 39; 3]);
        let e = g.banzhaf(&lim()).unwrap_err().to_string();
        assert!(e.contains("approximate mode"), "{e}");
        assert!(g.shapley_shubik(&lim()).is_err());
    }

    #[test]
    fn scaling_rounds_half_up_and_states_it() {
        let t = Threshold::majority();
        let s = ScaledGame::new(&[600, 300, 99, 1], WeightResolution::Total(10), &t).unwrap();
        assert_eq!(s.game.weights, vec![6, 3, 1, 0]);
        assert_eq!(s.game.quota, 6); // > 1/2 of 10
        assert_eq!(s.rounded_to_zero, 1);
        assert_eq!(s.max_rounding_error, r(1, 100));
        let s = ScaledGame::new(&[4000, 2000, 2000], WeightResolution::Exact, &t).unwrap();
        assert_eq!(s.game.weights, vec![2, 1, 1]);
        assert_eq!(s.game.quota, 3);
        assert_eq!(s.unit, r(2000, 1));
    }
}
