//! Exact power indices of a weighted voting game [q; w_1, …, w_n].
//!
//! A coalition S wins iff w(S) >= q. Player i *swings* in a coalition S of
//! the others iff w(S) < q <= w(S) + w_i.
//! - Banzhaf: η_i = number of swings; absolute β'_i = η_i / 2^(n−1),
//!   normalized β_i = η_i / Σ_j η_j.
//! - Shapley-Shubik: φ_i = Σ over swing coalitions S of
//!   |S|!·(n−|S|−1)! / n!.
//!
//! Method: pseudo-polynomial dynamic programming over coalition weights
//! below the quota, with exact big-integer counts (counts reach 2^n, so
//! they are stored as ⌈(n+1)/64⌉ 64-bit limbs per cell, in one flat vector).
//! - Banzhaf, O(n·q): the generating function F(x) = Π (1 + x^{w_j})
//!   truncated below x^q (one in-place knapsack pass per player). The
//!   coalitions of the *others* of a player of weight w are
//!   G = F / (1 + x^w) = F · Σ_j (−1)^j x^{jw}, so its swings
//!   η = Σ_{q−w <= k < q} g_k = `Σ_j (−1)^j · F[q−(j+1)w, q−jw)`: an
//!   alternating sum of range counts, O(q/w) with F turned into prefix
//!   sums. Players of equal weight share one computation (grouping).
//! - Shapley-Shubik, O(n²·q): the same with a second dimension for the
//!   coalition size, `F[s][k]`, and `c_s = Σ_j (−1)^j F[s−j][q−(j+1)w, q−jw)`
//!   for each size s, per distinct weight.
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
    /// Limb additions (a proxy for time; about 10^9 per second).
    pub max_limb_ops: u64,
}

impl Default for ExactLimits {
    /// 2 GiB of tables and 2·10^10 limb operations (tens of seconds).
    fn default() -> Self {
        ExactLimits {
            max_bytes: 2 << 30,
            max_limb_ops: 20_000_000_000,
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

/// Limbs per count: counts are at most 2^n.
fn limbs_for(players: usize) -> usize {
    players / 64 + 1
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

    /// Bytes and limb operations the exact computation needs.
    pub fn exact_cost(&self, shapley_shubik: bool) -> (u64, u64) {
        let n = self.active().len() as u64;
        let q = self.quota;
        let l = limbs_for(n as usize) as u64;
        let distinct = {
            let mut w = self.active();
            w.sort_unstable();
            w.dedup();
            w.len() as u64
        };
        if shapley_shubik {
            let bytes = (n + 1)
                .saturating_mul(q)
                .saturating_mul(l)
                .saturating_mul(8);
            let ops = (n.saturating_mul(n + 3) / 2)
                .saturating_mul(q)
                .saturating_mul(l)
                .saturating_add(
                    distinct
                        .saturating_mul(n)
                        .saturating_mul(n)
                        .saturating_mul(l),
                );
            (bytes, ops)
        } else {
            let bytes = 2u64.saturating_mul(q).saturating_mul(l).saturating_mul(8);
            let ops = (n + distinct).saturating_mul(q).saturating_mul(l);
            (bytes, ops)
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

    /// Exact Banzhaf counts, O(n·q).
    pub fn banzhaf(&self, limits: &ExactLimits) -> Result<Banzhaf> {
        self.check_limits(limits, false)?;
        let active = self.active();
        let n = active.len();
        let l = limbs_for(n);
        let q = self.quota as usize;
        // f[k] = number of coalitions (of all active players) of weight k < q.
        let mut f = vec![0u64; q * l];
        f[0] = 1;
        let mut top = 0usize; // largest k with f[k] != 0
        for &w in &active {
            let w = w as usize;
            if w >= q {
                continue; // 1 + x^w is 1 below x^q
            }
            let hi = (top + w).min(q - 1);
            for k in (w..=hi).rev() {
                add_within(&mut f, k * l, (k - w) * l, l);
            }
            top = hi;
        }
        // Prefix sums in place: f[k] = coalitions of weight <= k.
        prefix_sums(&mut f, l);
        let mut distinct = active.clone();
        distinct.sort_unstable();
        distinct.dedup();
        let mut by_weight: Vec<(u64, BigUint)> = Vec::with_capacity(distinct.len());
        let mut acc = Alternating::new(l);
        for &w in &distinct {
            // η(w) = Σ_j (−1)^j · #{coalitions of weight in [q−(j+1)w, q−jw)}
            // (G = F / (1 + x^w) = F · Σ_j (−1)^j x^{jw}).
            acc.clear();
            let wu = w as usize;
            let mut j = 0usize;
            while let Some(hi) = q.checked_sub(j * wu).filter(|&h| h > 0) {
                let lo = hi.saturating_sub(wu);
                acc.add_range(&f, l, lo, hi, j % 2 == 1);
                j += 1;
            }
            by_weight.push((w, acc.value()));
        }
        let swings = self
            .weights
            .iter()
            .map(|&w| {
                if w == 0 {
                    BigUint::zero()
                } else {
                    let i = by_weight
                        .binary_search_by_key(&w, |(bw, _)| *bw)
                        .expect("every active weight has a count");
                    by_weight[i].1.clone()
                }
            })
            .collect();
        Ok(Banzhaf { swings, players: n })
    }

    /// Exact Shapley-Shubik indices (input order), O(n²·q).
    pub fn shapley_shubik(&self, limits: &ExactLimits) -> Result<Vec<BigRational>> {
        self.check_limits(limits, true)?;
        let active = self.active();
        let n = active.len();
        let l = limbs_for(n);
        let q = self.quota as usize;
        let row = q * l;
        // f[s][k]: coalitions of size s and weight k < q.
        let mut f = vec![0u64; (n + 1) * row];
        f[0] = 1;
        // Non-zero range of each row, to skip empty cells.
        let mut lo = vec![usize::MAX; n + 1];
        let mut hi = vec![0usize; n + 1];
        lo[0] = 0;
        let mut processed = 0usize;
        for &w in &active {
            let w = w as usize;
            if w >= q {
                processed += 1;
                continue;
            }
            for s in (0..=processed).rev() {
                if lo[s] == usize::MAX || lo[s] + w >= q {
                    continue;
                }
                let from = lo[s] + w;
                let to = (hi[s] + w).min(q - 1);
                let (a, b) = f.split_at_mut((s + 1) * row);
                let src = &a[s * row..];
                let dst = &mut b[..row];
                add_cells(
                    &mut dst[from * l..(to + 1) * l],
                    &src[(from - w) * l..(to + 1 - w) * l],
                    l,
                );
                lo[s + 1] = lo[s + 1].min(from);
                hi[s + 1] = if lo[s + 1] == usize::MAX {
                    to
                } else {
                    hi[s + 1].max(to)
                };
            }
            processed += 1;
        }
        // Weights of s! (n-1-s)! for s = 0..n-1, and n!.
        let mut fact = vec![BigUint::one(); n + 1];
        for i in 1..=n {
            fact[i] = &fact[i - 1] * BigUint::from(i);
        }
        let n_fact = BigInt::from(fact[n].clone());
        let mut distinct = active.clone();
        distinct.sort_unstable();
        distinct.dedup();
        for s in 0..=n {
            prefix_sums(&mut f[s * row..(s + 1) * row], l);
        }
        let mut by_weight: Vec<(u64, BigRational)> = Vec::with_capacity(distinct.len());
        let mut acc = Alternating::new(l);
        for &w in &distinct {
            let wu = w as usize;
            let mut numer = BigUint::zero();
            // Swing coalitions of the others of size s:
            // c_s = Σ_j (−1)^j · #{size s−j, weight in [q−(j+1)w, q−jw)}
            // (G = F / (1 + y·x^w)); the ranges leave [0, q) after q/w steps.
            for s in 0..n {
                acc.clear();
                let mut j = 0usize;
                while j <= s {
                    let Some(hi) = q.checked_sub(j * wu).filter(|&h| h > 0) else {
                        break;
                    };
                    let lo = hi.saturating_sub(wu);
                    let r = s - j;
                    acc.add_range(&f[r * row..(r + 1) * row], l, lo, hi, j % 2 == 1);
                    j += 1;
                }
                let c = acc.value();
                if !c.is_zero() {
                    numer += c * &fact[s] * &fact[n - 1 - s];
                }
            }
            by_weight.push((w, BigRational::new(BigInt::from(numer), n_fact.clone())));
        }
        Ok(self
            .weights
            .iter()
            .map(|&w| {
                if w == 0 {
                    BigRational::zero()
                } else {
                    let i = by_weight
                        .binary_search_by_key(&w, |(bw, _)| *bw)
                        .expect("every active weight has an index");
                    by_weight[i].1.clone()
                }
            })
            .collect())
    }
}

/// `v[dst..dst+l] += v[src..src+l]` (dst > src), limbs little-endian.
#[inline]
fn add_within(v: &mut [u64], dst: usize, src: usize, l: usize) {
    let mut carry = false;
    for j in 0..l {
        let (a, c1) = v[dst + j].overflowing_add(v[src + j]);
        let (b, c2) = a.overflowing_add(u64::from(carry));
        v[dst + j] = b;
        carry = c1 | c2;
    }
    debug_assert!(!carry, "counts fit their limbs");
}

/// Cell-wise `dst += src` over two equally long runs of `l`-limb cells.
fn add_cells(dst: &mut [u64], src: &[u64], l: usize) {
    match l {
        1 => add_cells_n::<1>(dst, src),
        2 => add_cells_n::<2>(dst, src),
        3 => add_cells_n::<3>(dst, src),
        4 => add_cells_n::<4>(dst, src),
        5 => add_cells_n::<5>(dst, src),
        6 => add_cells_n::<6>(dst, src),
        7 => add_cells_n::<7>(dst, src),
        8 => add_cells_n::<8>(dst, src),
        _ => {
            for (d, s) in dst.chunks_exact_mut(l).zip(src.chunks_exact(l)) {
                add_into(d, s);
            }
        }
    }
}

/// [`add_cells`] with the limb count known at compile time (unrolled).
fn add_cells_n<const L: usize>(dst: &mut [u64], src: &[u64]) {
    for (d, s) in dst.chunks_exact_mut(L).zip(src.chunks_exact(L)) {
        let mut carry = 0u64;
        for j in 0..L {
            let (a, c1) = d[j].overflowing_add(s[j]);
            let (b, c2) = a.overflowing_add(carry);
            d[j] = b;
            carry = u64::from(c1 | c2);
        }
        debug_assert_eq!(carry, 0, "counts fit their limbs");
    }
}

/// `dst += src`.
#[inline]
fn add_into(dst: &mut [u64], src: &[u64]) {
    let mut carry = false;
    for (d, &s) in dst.iter_mut().zip(src) {
        let (a, c1) = d.overflowing_add(s);
        let (b, c2) = a.overflowing_add(u64::from(carry));
        *d = b;
        carry = c1 | c2;
    }
    debug_assert!(!carry, "counts fit their limbs");
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

/// Rows of counts (`l` limbs per cell) become running sums, in place.
fn prefix_sums(row: &mut [u64], l: usize) {
    for k in 1..row.len() / l {
        add_within(row, k * l, (k - 1) * l, l);
    }
}

/// A sum of ± range counts, kept as two non-negative limb sums.
struct Alternating {
    plus: Vec<u64>,
    minus: Vec<u64>,
    tmp: Vec<u64>,
}

impl Alternating {
    fn new(l: usize) -> Alternating {
        // One extra limb: up to n terms of at most 2^n each.
        Alternating {
            plus: vec![0; l + 1],
            minus: vec![0; l + 1],
            tmp: vec![0; l + 1],
        }
    }

    fn clear(&mut self) {
        self.plus.fill(0);
        self.minus.fill(0);
    }

    /// Adds (or subtracts) the number of coalitions with weight in
    /// [lo, hi), from a row of prefix sums.
    fn add_range(&mut self, prefix: &[u64], l: usize, lo: usize, hi: usize, negative: bool) {
        if lo >= hi {
            return;
        }
        let upper = &prefix[(hi - 1) * l..hi * l];
        let tmp = &mut self.tmp[..l];
        if lo == 0 {
            tmp.copy_from_slice(upper);
        } else {
            sub_into(tmp, upper, &prefix[(lo - 1) * l..lo * l]);
        }
        self.tmp[l] = 0;
        let target = if negative {
            &mut self.minus
        } else {
            &mut self.plus
        };
        add_into(target, &self.tmp);
    }

    /// plus − minus (never negative: it counts coalitions).
    fn value(&self) -> BigUint {
        limbs_to_biguint(&self.plus) - limbs_to_biguint(&self.minus)
    }
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
