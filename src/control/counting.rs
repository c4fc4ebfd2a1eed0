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
//! count exceeds 2^j, so only the low `⌈(j+1)/64⌉` limbs are added. Players
//! are taken lightest first, so the nonzero part of each row grows slowly.
//!
//! Each factor is one pass over the table; a pass is split by weight into
//! contiguous parts, one per thread. A part reads the cells just below its
//! own start (weights `[start − w, start)`, which the part below is
//! rewriting) from a copy made before the pass; everything else is its own.
//! The counts are exact, so the split changes nothing in the result.

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
    for k in 1..row.len() / l {
        add_within(row, k * l, (k - 1) * l, l);
    }
}

/// Worker threads for the passes (the machine's cores, at most 8).
pub(super) fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
}

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

/// Builds the Shapley-Shubik table for `weights` (ascending, each `< q`).
#[allow(clippy::needless_range_loop)] // rows s and s + 1 side by side
pub(super) fn size_table(
    weights: &[usize],
    q: usize,
    progress: &mut dyn FnMut(u64, u64),
) -> SizeTable {
    let n = weights.len();
    let mut t = SizeTable::new(weights, q);
    t.cells[0] = 1; // row 0: the empty coalition, weight 0 (q >= 1)
                    // Nonzero range of each row so far.
    let mut cur_hi = vec![0usize; n + 1];
    let threads = threads();
    for (j, &w) in weights.iter().enumerate() {
        // Sources s = 0..=j (s + 1 <= n); target ranges [a_s, b_s].
        let e_max = limbs_for_power(j + 1);
        let mut ranges: Vec<(usize, usize, usize)> = Vec::with_capacity(j + 1); // (s, a, b+1)
        for s in 0..=j.min(n - 1) {
            let lo_s = t.lo[s];
            if lo_s >= q {
                break;
            }
            let a = (lo_s + w).max(t.lo[s + 1]);
            let b = (cur_hi[s] + w).min(q - 1);
            if a <= b {
                ranges.push((s, a, b + 1));
            }
        }
        let e_of = |s: usize| e_max.min(t.limbs[s + 1]);
        let work_below = |m: usize| -> u64 {
            ranges
                .iter()
                .map(|&(s, a, b)| (m.clamp(a, b) - a) as u64 * e_of(s) as u64)
                .sum()
        };
        let total = work_below(q);
        let parts = if total >= SPLIT_WORK { threads } else { 1 };
        let cuts = split_points(q, parts, total, work_below);
        let nparts = cuts.len() - 1;
        // Per part, the old cells [max(lo_s, m0 − w), m0) of each source row.
        let snaps: Vec<Vec<(usize, Vec<u64>)>> = cuts[..nparts]
            .iter()
            .map(|&m0| {
                ranges
                    .iter()
                    .map(|&(s, _, _)| {
                        let from = t.lo[s].max(m0.saturating_sub(w));
                        let l = t.limbs[s];
                        if from >= m0 {
                            return (from, Vec::new());
                        }
                        let row = t.row(s);
                        (from, row[(from - t.lo[s]) * l..(m0 - t.lo[s]) * l].to_vec())
                    })
                    .collect()
            })
            .collect();
        // Each row cut into the parts.
        let rows = ranges.last().map_or(0, |r| r.0 + 2);
        let mut part_rows: Vec<Vec<&mut [u64]>> = (0..nparts).map(|_| Vec::new()).collect();
        let mut rest: &mut [u64] = &mut t.cells[..t.offset[rows.min(n + 1)]];
        for s in 0..rows.min(n + 1) {
            let (row, r) = rest.split_at_mut(t.offset[s + 1] - t.offset[s]);
            rest = r;
            let mut row = row;
            let lo_s = t.lo[s];
            for (p, win) in cuts.windows(2).enumerate() {
                let len =
                    (win[1].max(lo_s) - win[0].max(lo_s)).min(q.saturating_sub(lo_s)) * t.limbs[s];
                let (part, r) = row.split_at_mut(len.min(row.len()));
                part_rows[p].push(part);
                row = r;
            }
        }
        let lo = &t.lo;
        let limbs = &t.limbs;
        let ranges = &ranges;
        let jobs: Vec<_> = part_rows
            .into_iter()
            .zip(&snaps)
            .zip(cuts.windows(2))
            .map(|((mut own, snap), win)| {
                let (m0, m1) = (win[0], win[1]);
                move || {
                    for (i, &(s, a, b)) in ranges.iter().enumerate().rev() {
                        let (src_rows, dst_rows) = own.split_at_mut(s + 1);
                        let dst = &mut dst_rows[0];
                        let src = &src_rows[s];
                        let (ld, ls) = (limbs[s + 1], limbs[s]);
                        let e = e_max.min(ld);
                        let es = e.min(ls);
                        let (dlo, slo) = (lo[s + 1].max(m0), lo[s].max(m0));
                        let (a, b) = (a.max(m0), b.min(m1));
                        if a >= b {
                            continue;
                        }
                        // Targets whose source is in the part.
                        let inner = a.max(m0 + w);
                        if inner < b {
                            add_run(
                                &mut dst[(inner - dlo) * ld..],
                                ld,
                                e,
                                &src[(inner - w - slo) * ls..],
                                ls,
                                es,
                                b - inner,
                            );
                        }
                        // Targets whose source is below the part.
                        let top = b.min(m0 + w);
                        if a < top {
                            let (from, cells) = &snap[i];
                            add_run(
                                &mut dst[(a - dlo) * ld..],
                                ld,
                                e,
                                &cells[(a - w - from) * ls..],
                                ls,
                                es,
                                top - a,
                            );
                        }
                    }
                }
            })
            .collect();
        run_parts(jobs);
        for &(s, _, b) in ranges.iter() {
            cur_hi[s + 1] = cur_hi[s + 1].max(b - 1);
        }
        progress(j as u64 + 1, n as u64);
    }
    t
}
