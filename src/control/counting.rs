//! The counting tables behind the exact power indices: truncated
//! generating functions with exact multi-limb counts.
//!
//! Banzhaf: F(x) = Π_j (1 + x^{w_j}) below x^q, one row of `q` cells.
//! Shapley-Shubik: F(x, y) = Π_j (1 + y·x^{w_j}) below x^q, one row per
//! coalition size s, row s kept only from `lo_s` (the least weight of s
//! players) up to q.
//!
//! Counts are little-endian runs of 64-bit limbs. A cell of row s holds at
//! most C(n, s) coalitions, so row s gets `limbs(C(n, s))` limbs (the
//! Banzhaf row `limbs(2^n)`); while the j-th factor is multiplied in, no
//! Banzhaf count exceeds 2^j and no count of row s exceeds C(j, s), so only
//! the limbs those bounds need are added. Players are taken lightest first,
//! so the nonzero part of each row grows slowly.
//!
//! Each factor is one pass over the table. A Banzhaf pass is split by
//! weight into contiguous parts, one per thread: a part reads the cells
//! just below its own start (weights `[start − w, start)`, which the part
//! below is rewriting) from a copy made before the pass. A Shapley-Shubik
//! pass is split by coalition size instead (row s feeds row s + 1 only), so
//! parts share one row and copy at most q cells of it; copying w cells of
//! every row, as a split by weight must, costs as much as the pass when w
//! is large. The counts are exact, so no split changes the result.

use num_bigint::BigUint;

/// Limbs needed for a count with `bits` significant bits (at least one).
pub(super) fn limbs_for_bits(bits: u64) -> usize {
    (bits.div_ceil(64) as usize).max(1)
}

/// Limbs for counts up to 2^n.
pub(super) fn limbs_for_power(n: usize) -> usize {
    n / 64 + 1
}

/// Cell-wise `dst += src` over `cells` cells: `e` limbs added, the source
/// has `es <= e` limbs (higher ones are zero), cells `ds` and `ss` limbs
/// apart. The caller guarantees that no sum carries out of limb `e`.
fn add_run(dst: &mut [u64], ds: usize, e: usize, src: &[u64], ss: usize, es: usize, cells: usize) {
    if cells == 0 {
        return;
    }
    let dst = &mut dst[..(cells - 1) * ds + e];
    let src = &src[..(cells - 1) * ss + es];
    macro_rules! dispatch {
        ($(($a:literal, $b:literal)),*) => {
            match (e, es) {
                $(($a, $b) => add_run_n::<$a, $b>(dst, ds, src, ss, cells),)*
                _ => add_run_dyn(dst, ds, e, src, ss, es, cells),
            }
        };
    }
    dispatch!(
        (1, 1),
        (2, 1),
        (2, 2),
        (3, 1),
        (3, 2),
        (3, 3),
        (4, 1),
        (4, 2),
        (4, 3),
        (4, 4),
        (5, 4),
        (5, 5),
        (6, 5),
        (6, 6),
        (7, 6),
        (7, 7),
        (8, 7),
        (8, 8),
        (9, 9),
        (10, 10),
        (11, 11),
        (12, 12),
        (13, 13),
        (14, 14),
        (15, 15),
        (16, 16)
    )
}

#[inline(always)]
fn add_run_n<const E: usize, const ES: usize>(
    dst: &mut [u64],
    ds: usize,
    src: &[u64],
    ss: usize,
    cells: usize,
) {
    for c in 0..cells {
        let d = &mut dst[c * ds..c * ds + E];
        let s = &src[c * ss..c * ss + ES];
        let mut carry = false;
        for j in 0..E {
            let sv = if j < ES { s[j] } else { 0 };
            let (a, c1) = d[j].overflowing_add(sv);
            let (b, c2) = a.overflowing_add(u64::from(carry));
            d[j] = b;
            carry = c1 | c2;
        }
        debug_assert!(!carry, "counts fit their limbs");
    }
}

fn add_run_dyn(
    dst: &mut [u64],
    ds: usize,
    e: usize,
    src: &[u64],
    ss: usize,
    es: usize,
    cells: usize,
) {
    for c in 0..cells {
        let d = &mut dst[c * ds..c * ds + e];
        let s = &src[c * ss..c * ss + es];
        let mut carry = false;
        for j in 0..e {
            let sv = if j < es { s[j] } else { 0 };
            let (a, c1) = d[j].overflowing_add(sv);
            let (b, c2) = a.overflowing_add(u64::from(carry));
            d[j] = b;
            carry = c1 | c2;
        }
        debug_assert!(!carry, "counts fit their limbs");
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

/// A row of `l`-limb counts becomes running sums, in place.
pub(super) fn prefix_sums(row: &mut [u64], l: usize) {
    match l {
        1 => prefix_sums_n::<1>(row),
        2 => prefix_sums_n::<2>(row),
        3 => prefix_sums_n::<3>(row),
        4 => prefix_sums_n::<4>(row),
        5 => prefix_sums_n::<5>(row),
        6 => prefix_sums_n::<6>(row),
        _ => {
            for k in 1..row.len() / l {
                add_within(row, k * l, (k - 1) * l, l);
            }
        }
    }
}

/// [`prefix_sums`] for `L` limbs, the running sum kept in registers (read
/// back from memory, each cell would wait on the store of the one before).
fn prefix_sums_n<const L: usize>(row: &mut [u64]) {
    let mut acc = [0u64; L];
    for cell in row.chunks_exact_mut(L) {
        let mut carry = false;
        for j in 0..L {
            let (a, c1) = acc[j].overflowing_add(cell[j]);
            let (b, c2) = a.overflowing_add(u64::from(carry));
            acc[j] = b;
            carry = c1 | c2;
        }
        debug_assert!(!carry, "counts fit their limbs");
        cell.copy_from_slice(&acc);
    }
}

pub(super) use crate::parallel::threads;

/// Limb additions below which a pass is not worth splitting.
const SPLIT_WORK: u64 = 1 << 17;

/// Splits `[0, q)` into at most `parts` contiguous parts of about equal
/// work, `work(m)` being the (monotone) work below weight `m`.
fn split_points(q: usize, parts: usize, total: u64, work: impl Fn(usize) -> u64) -> Vec<usize> {
    let mut cuts = vec![0usize];
    for p in 1..parts {
        let target = total * p as u64 / parts as u64;
        let (mut lo, mut hi) = (*cuts.last().expect("non-empty"), q);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if work(mid) < target {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if lo > *cuts.last().expect("non-empty") && lo < q {
            cuts.push(lo);
        }
    }
    cuts.push(q);
    cuts
}

/// Runs `jobs` (one per part) on scoped threads, the first on this one.
fn run_parts<J: FnOnce() + Send>(mut jobs: Vec<J>) {
    if jobs.len() == 1 {
        (jobs.pop().expect("one job"))();
        return;
    }
    std::thread::scope(|scope| {
        let first = jobs.remove(0);
        for job in jobs {
            scope.spawn(job);
        }
        first();
    });
}

/// The Banzhaf table: `f[k]` = coalitions (of all players) of weight `k`,
/// for `k < q`, `l` limbs a cell. `weights` ascending, each `< q`.
pub(super) fn banzhaf_table(
    weights: &[usize],
    q: usize,
    l: usize,
    progress: &mut dyn FnMut(u64, u64),
) -> Vec<u64> {
    let mut f = vec![0u64; q * l];
    f[0] = 1;
    let mut top = 0usize; // largest k with f[k] != 0
    let threads = threads();
    for (j, &w) in weights.iter().enumerate() {
        let e = limbs_for_power(j + 1).min(l);
        let hi = (top + w).min(q - 1); // targets [w, hi]
        let work = ((hi + 1 - w) * e) as u64;
        let parts = if work >= SPLIT_WORK { threads } else { 1 };
        let cuts = split_points(q, parts, work, |m| {
            (m.clamp(w, hi + 1) - w) as u64 * e as u64
        });
        // Old cells just below each part's start.
        let snaps: Vec<Vec<u64>> = cuts[..cuts.len() - 1]
            .iter()
            .map(|&m0| f[m0.saturating_sub(w) * l..m0 * l].to_vec())
            .collect();
        let mut slices = Vec::with_capacity(cuts.len() - 1);
        let mut rest: &mut [u64] = &mut f;
        for win in cuts.windows(2) {
            let (part, r) = rest.split_at_mut((win[1] - win[0]) * l);
            slices.push(part);
            rest = r;
        }
        let jobs: Vec<_> = slices
            .into_iter()
            .zip(&snaps)
            .zip(cuts.windows(2))
            .map(|((own, snap), win)| {
                let (m0, m1) = (win[0], win[1]);
                move || banzhaf_part(own, snap, m0, m1, w, hi, l, e)
            })
            .collect();
        run_parts(jobs);
        top = hi;
        progress(j as u64 + 1, weights.len() as u64);
    }
    f
}

/// One part `[m0, m1)` of a Banzhaf pass: `f[k] += f[k − w]` for targets
/// `k` in `[w, hi]`, sources below `m0` from `snap` (cells `[m0 − w, m0)`).
#[allow(clippy::too_many_arguments)]
fn banzhaf_part(
    own: &mut [u64],
    snap: &[u64],
    m0: usize,
    m1: usize,
    w: usize,
    hi: usize,
    l: usize,
    e: usize,
) {
    let end = m1.min(hi + 1); // exclusive
                              // Sources inside the part, descending in blocks of at most w cells so
                              // that every block reads cells not yet rewritten.
    let mut bh = end;
    let inner_lo = m0 + w; // first k with k − w >= m0
    while bh > inner_lo {
        let bl = bh.saturating_sub(w).max(inner_lo);
        let (lower, upper) = own.split_at_mut((bl - m0) * l);
        let src = &lower[(bl - w - m0) * l..];
        add_run(upper, l, e, src, l, e, bh - bl);
        bh = bl;
    }
    // Sources below the part: from the copy.
    let lo = m0.max(w);
    let top = end.min(m0 + w);
    if lo < top {
        let snap_start = m0.saturating_sub(w);
        let src = &snap[(lo - w - snap_start) * l..];
        add_run(&mut own[(lo - m0) * l..], l, e, src, l, e, top - lo);
    }
}

/// The Shapley-Shubik table, row by coalition size.
pub(super) struct SizeTable {
    /// Row s holds weights `[lo[s], q)` (empty if `lo[s] >= q`).
    pub lo: Vec<usize>,
    /// Limbs per cell of row s.
    pub limbs: Vec<usize>,
    /// Offset of row s in `cells`.
    pub offset: Vec<usize>,
    /// All rows, one after the other.
    pub cells: Vec<u64>,
}

impl SizeTable {
    /// Rows `0..=n` for `weights` (ascending, each `< q`).
    fn new(weights: &[usize], q: usize) -> SizeTable {
        let n = weights.len();
        let mut lo = Vec::with_capacity(n + 1);
        let mut acc = 0usize;
        lo.push(0);
        for &w in weights {
            acc = acc.saturating_add(w);
            lo.push(acc);
        }
        let mut limbs = Vec::with_capacity(n + 1);
        let mut c = BigUint::from(1u8);
        for s in 0..=n {
            limbs.push(limbs_for_bits(c.bits()));
            c = c * (n - s) / (s + 1);
        }
        let mut offset = Vec::with_capacity(n + 2);
        let mut at = 0usize;
        for s in 0..=n {
            offset.push(at);
            at += q.saturating_sub(lo[s]) * limbs[s];
        }
        offset.push(at);
        SizeTable {
            lo,
            limbs,
            offset,
            cells: vec![0; at],
        }
    }

    /// Row s.
    pub fn row(&self, s: usize) -> &[u64] {
        &self.cells[self.offset[s]..self.offset[s + 1]]
    }
}

/// Bytes of the Shapley-Shubik table for `weights` (ascending, `< q`),
/// without allocating it; `None` on overflow.
pub(super) fn size_table_bytes(weights: &[usize], q: usize) -> Option<u64> {
    let n = weights.len() as f64;
    let mut lo = 0u64;
    let mut bytes = 0u64;
    let ln_fact = |k: f64| ln_gamma(k + 1.0);
    for s in 0..=weights.len() {
        if lo >= q as u64 {
            break;
        }
        // log2 C(n, s), rounded up with room for float error.
        let bits =
            (ln_fact(n) - ln_fact(s as f64) - ln_fact(n - s as f64)) / std::f64::consts::LN_2;
        let limbs = limbs_for_bits((bits + 2.0).max(1.0) as u64);
        bytes = bytes.checked_add((q as u64 - lo).checked_mul(limbs as u64 * 8)?)?;
        if s < weights.len() {
            lo += weights[s] as u64;
        }
    }
    Some(bytes)
}

/// ln Γ(x) for x >= 1 (Stirling with a few terms; only sizes estimates).
fn ln_gamma(x: f64) -> f64 {
    if x < 8.0 {
        let mut p = 1.0;
        let mut k = x;
        while k < 8.0 {
            p *= k;
            k += 1.0;
        }
        return ln_gamma(k) - p.ln();
    }
    (x - 0.5) * x.ln() - x + 0.5 * (2.0 * std::f64::consts::PI).ln() + 1.0 / (12.0 * x)
        - 1.0 / (360.0 * x * x * x)
}

/// Builds the Shapley-Shubik table for `weights` (ascending, each `< q`),
/// each large pass split over the machine's cores.
pub(super) fn size_table(
    weights: &[usize],
    q: usize,
    progress: &mut dyn FnMut(u64, u64),
) -> SizeTable {
    size_table_split(weights, q, threads(), SPLIT_WORK, progress)
}

/// [`size_table`] with passes of at least `split_work` limb additions cut
/// into at most `parts` groups of rows (tests force small splits).
///
/// A pass adds row s, shifted by w, into row s + 1 for every source row s
/// in use. It is split by coalition size, not by weight: each part takes a
/// contiguous run of source rows and owns their target rows, so the only
/// row two parts share is the first source row of a part (the last target
/// of the part below), and only the cells that part reads from it (at most
/// one row, q cells) are copied before the pass. A part walks its rows
/// from the top down, so every source row is read before it is rewritten.
/// The counts are exact sums, so the split changes nothing in the result.
pub(super) fn size_table_split(
    weights: &[usize],
    q: usize,
    parts: usize,
    split_work: u64,
    progress: &mut dyn FnMut(u64, u64),
) -> SizeTable {
    let n = weights.len();
    let mut t = SizeTable::new(weights, q);
    t.cells[0] = 1; // row 0: the empty coalition, weight 0 (q >= 1)
                    // Largest nonzero weight of each row so far.
    let mut cur_hi = vec![0usize; n + 1];
    let log2_fact: Vec<f64> = (0..=n + 1)
        .map(|k| ln_gamma(k as f64 + 1.0) / std::f64::consts::LN_2)
        .collect();
    for (j, &w) in weights.iter().enumerate() {
        // Source rows s = 0..=j (s + 1 <= n): (s, a, b + 1, limbs added),
        // targets [a, b] of row s + 1. After this factor a count of row
        // s + 1 is at most C(j + 1, s + 1) (coalitions of s + 1 of the first
        // j + 1 players), so only the limbs that bound needs are added (2
        // bits of room for the float estimate; the exact C(n, s + 1) caps it).
        let mut ranges: Vec<(usize, usize, usize, usize)> = Vec::with_capacity(j + 1);
        for s in 0..=j.min(n - 1) {
            let lo_s = t.lo[s];
            if lo_s >= q {
                break;
            }
            let a = (lo_s + w).max(t.lo[s + 1]);
            let b = (cur_hi[s] + w).min(q - 1);
            if a <= b {
                let bits = log2_fact[j + 1] - log2_fact[s + 1] - log2_fact[j - s] + 2.0;
                let e = limbs_for_bits(bits.max(1.0) as u64).min(t.limbs[s + 1]);
                ranges.push((s, a, b + 1, e));
            }
        }
        let work: Vec<u64> = ranges
            .iter()
            .map(|&(_, a, b, e)| ((b - a) * e) as u64)
            .collect();
        let total: u64 = work.iter().sum();
        let parts = if total >= split_work { parts.max(1) } else { 1 };
        // Cut the ranges into contiguous groups of about equal work.
        let mut cuts = vec![0usize];
        let mut acc = 0u64;
        for (i, &wk) in work.iter().enumerate() {
            acc += wk;
            let next = cuts.len() as u64;
            if next < parts as u64 && acc * parts as u64 >= total * next && i + 1 < ranges.len() {
                cuts.push(i + 1);
            }
        }
        cuts.push(ranges.len());
        // Each group: the rows it owns (its first source row too for the
        // first group) and, for the others, a copy of what it reads from
        // its first source row.
        let snaps: Vec<Option<Vec<u64>>> = cuts
            .windows(2)
            .enumerate()
            .map(|(g, win)| {
                let group = &ranges[win[0]..win[1]];
                (g > 0 && !group.is_empty()).then(|| {
                    let (s, a, b, _) = group[0];
                    let (l, lo_s) = (t.limbs[s], t.lo[s]);
                    t.row(s)[(a - w - lo_s) * l..(b - w - lo_s) * l].to_vec()
                })
            })
            .collect();
        let mut jobs = Vec::with_capacity(cuts.len() - 1);
        let mut rest: &mut [u64] = &mut t.cells;
        let mut rest_at = 0usize; // offset of `rest` in the table
        for ((g, win), snap) in cuts.windows(2).enumerate().zip(snaps) {
            let group = &ranges[win[0]..win[1]];
            if group.is_empty() {
                continue;
            }
            let s_first = group[0].0;
            let s_last = group[group.len() - 1].0;
            let own_from = if g == 0 { s_first } else { s_first + 1 };
            let (from, to) = (t.offset[own_from], t.offset[s_last + 2]);
            let (_, r) = std::mem::take(&mut rest).split_at_mut(from - rest_at);
            let (own, r) = r.split_at_mut(to - from);
            rest = r;
            rest_at = to;
            jobs.push((group, own, from, own_from, snap));
        }
        let (lo, limbs, offset) = (&t.lo, &t.limbs, &t.offset);
        let jobs: Vec<_> = jobs
            .into_iter()
            .map(|(group, own, base, own_from, snap)| {
                move || {
                    for &(s, a, b, e) in group.iter().rev() {
                        let (ld, ls) = (limbs[s + 1], limbs[s]);
                        let es = e.min(ls);
                        let d0 = offset[s + 1] - base + (a - lo[s + 1]) * ld;
                        if s < own_from {
                            // The first source row of a later group: its copy.
                            let src = snap.as_deref().expect("a copy of the shared row");
                            add_run(&mut own[d0..], ld, e, src, ls, es, b - a);
                        } else {
                            let s0 = offset[s] - base + (a - w - lo[s]) * ls;
                            let (src, dst) = own.split_at_mut(offset[s + 1] - base);
                            let d0 = d0 - (offset[s + 1] - base);
                            add_run(&mut dst[d0..], ld, e, &src[s0..], ls, es, b - a);
                        }
                    }
                }
            })
            .collect();
        run_parts(jobs);
        for &(s, _, b, _) in ranges.iter() {
            cur_hi[s + 1] = cur_hi[s + 1].max(b - 1);
        }
        progress(j as u64 + 1, n as u64);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Coalitions of each size and weight below q, counted one player at a
    /// time in u128 (enough for up to 100 players).
    fn naive(weights: &[usize], q: usize) -> Vec<Vec<u128>> {
        let n = weights.len();
        let mut f = vec![vec![0u128; q]; n + 1];
        f[0][0] = 1;
        for &w in weights {
            for s in (0..n).rev() {
                for k in (w..q).rev() {
                    f[s + 1][k] += f[s][k - w];
                }
            }
        }
        f
    }

    fn cell(t: &SizeTable, s: usize, k: usize) -> u128 {
        if k < t.lo[s] {
            return 0;
        }
        let l = t.limbs[s];
        let c = &t.row(s)[(k - t.lo[s]) * l..(k - t.lo[s] + 1) * l];
        assert!(c.iter().skip(2).all(|&x| x == 0), "fits u128");
        u128::from(c[0]) | c.get(1).map_or(0, |&h| u128::from(h) << 64)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// Every pass split into 1, 2, 3 or 7 groups of rows (even the
        /// smallest): the table equals a plain count, cell by cell, so the
        /// copies of the shared rows and the limbs added are right and the
        /// split changes nothing.
        #[test]
        fn size_table_is_exact_for_any_split(
            mut weights in prop::collection::vec(prop_oneof![3 => 1usize..6, 2 => 1usize..80], 1..=90),
            quota_pct in 5usize..=60,
        ) {
            weights.sort_unstable();
            let total: usize = weights.iter().sum();
            let q = (total * quota_pct / 100).max(2);
            weights.retain(|&w| w < q);
            prop_assume!(!weights.is_empty());
            let want = naive(&weights, q);
            for parts in [1, 2, 3, 7] {
                let t = size_table_split(&weights, q, parts, 0, &mut |_, _| {});
                for (s, row) in want.iter().enumerate() {
                    for (k, &c) in row.iter().enumerate() {
                        prop_assert_eq!(cell(&t, s, k), c, "parts {} size {} weight {}", parts, s, k);
                    }
                }
            }
        }
    }
}
