//! Concentration measures of a power distribution.
//!
//! Definitions (n holders, total S, shares s_i = x_i / S):
//! - **Nakamoto coefficient** for a threshold τ: the smallest k such that
//!   the k largest holders together hold more than τ·S (`>`, the default)
//!   or at least τ·S (`>=`); `None` if no k does (e.g. `> 100%`).
//! - **Gini**, population form over all n listed holders, zero balances
//!   included (a holder listed with 0 is part of the population): with
//!   x sorted ascending and i = 1..n,
//!   G = 2·Σ i·x_i / (n·S) − (n+1)/n. Exact rational.
//! - **HHI** = Σ s_i² (exact; often shown × 10,000), and the **effective
//!   number of holders** 1/HHI = S² / Σ x_i².
//! - **Shannon entropy** H = −Σ s_i·log2 s_i in bits and **Theil-T**
//!   = ln n − H·ln 2 in nats (zero holders contribute 0 to both, n counts
//!   them). These are irrational: computed in `f64`, informative only.
//! - **Lorenz curve**: after the i poorest holders, the share of the total
//!   they hold (exact integer sums).
//!
//! Everything is O(n log n) (one sort) and then linear; sums run in exact
//! 384-bit integers, so no term can overflow.

use num_bigint::{BigInt, BigUint};
use num_rational::BigRational;
use num_traits::{ToPrimitive, Zero};

use super::wide::Wide;
use super::Threshold;
use crate::error::{Error, Result};

/// Powers sorted from largest to smallest, with their total.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Distribution {
    descending: Vec<u128>,
    total: u128,
}

/// One point of the Lorenz curve.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LorenzPoint {
    /// The number of holders counted, the poorest first.
    pub holders: usize,
    /// Their total power, exact.
    pub power: u128,
}

impl Distribution {
    /// Sorts `powers` (largest first); an error if the total overflows
    /// `u128`.
    pub fn new(mut powers: Vec<u128>) -> Result<Distribution> {
        powers.sort_unstable_by(|a, b| b.cmp(a));
        let mut total: u128 = 0;
        for &p in &powers {
            total = total
                .checked_add(p)
                .ok_or_else(|| Error::overflow(None, "the total power of the distribution"))?;
        }
        Ok(Distribution {
            descending: powers,
            total,
        })
    }

    /// The powers, largest first.
    pub fn descending(&self) -> &[u128] {
        &self.descending
    }

    /// Number of holders (zero balances included).
    pub fn len(&self) -> usize {
        self.descending.len()
    }

    /// True if there are no holders.
    pub fn is_empty(&self) -> bool {
        self.descending.is_empty()
    }

    /// Sum of all powers.
    pub fn total(&self) -> u128 {
        self.total
    }

    /// Holders with zero power.
    pub fn zeros(&self) -> usize {
        self.descending
            .iter()
            .rev()
            .take_while(|&&p| p == 0)
            .count()
    }

    /// Total power of the `k` largest holders.
    pub fn top_power(&self, k: usize) -> u128 {
        self.descending.iter().take(k).sum()
    }

    /// Share of the `k` largest holders, exact (`None` if the total is 0).
    pub fn top_share(&self, k: usize) -> Option<BigRational> {
        self.ratio(self.top_power(k))
    }

    fn ratio(&self, part: u128) -> Option<BigRational> {
        (self.total > 0).then(|| BigRational::new(part.into(), self.total.into()))
    }

    /// The Nakamoto coefficient: the smallest k whose top-k power meets the
    /// threshold (see the module docs); `None` if no k does.
    pub fn nakamoto(&self, threshold: &Threshold) -> Option<usize> {
        let need = threshold.least_amount(self.total);
        if need > BigInt::from(self.total) {
            return None;
        }
        let need = need.to_u128().unwrap_or(0); // need <= total, or negative -> 0
        if need == 0 {
            return Some(0);
        }
        let mut sum: u128 = 0;
        for (k, &p) in self.descending.iter().enumerate() {
            sum += p;
            if sum >= need {
                return Some(k + 1);
            }
        }
        None
    }

    /// Σ i·x_i with x ascending and i = 1..n, as the sum of the n prefix
    /// sums of the descending order (x_(j) is in n − j + 1 of them).
    fn rank_weighted_sum(&self) -> BigUint {
        let mut acc = Wide::default();
        let mut prefix: u128 = 0;
        for &p in &self.descending {
            prefix += p;
            acc.add(prefix);
        }
        acc.to_biguint()
    }

    /// The Gini coefficient, exact; zero balances included. `None` if the
    /// total is 0.
    pub fn gini(&self) -> Option<BigRational> {
        if self.total == 0 {
            return None;
        }
        let n = BigInt::from(self.len());
        let s = BigInt::from(self.total);
        let a = BigInt::from(self.rank_weighted_sum());
        let numer = BigInt::from(2) * a - (&n + 1) * &s;
        Some(BigRational::new(numer, n * s))
    }

    /// Σ x_i², exact.
    fn sum_of_squares(&self) -> BigUint {
        let mut acc = Wide::default();
        for &p in &self.descending {
            acc.add_product(p, p);
        }
        acc.to_biguint()
    }

    /// The Herfindahl-Hirschman index Σ s_i², exact (in [1/n, 1]).
    pub fn hhi(&self) -> Option<BigRational> {
        if self.total == 0 {
            return None;
        }
        let s = BigInt::from(self.total);
        Some(BigRational::new(
            BigInt::from(self.sum_of_squares()),
            &s * &s,
        ))
    }

    /// The effective number of holders, 1 / HHI, exact.
    pub fn effective_holders(&self) -> Option<BigRational> {
        self.hhi().filter(|h| !h.is_zero()).map(|h| h.recip())
    }

    /// Shannon entropy of the shares in bits (`f64`: irrational).
    pub fn entropy_bits(&self) -> Option<f64> {
        if self.total == 0 {
            return None;
        }
        let s = self.total as f64;
        let mut h = 0.0;
        let mut i = 0;
        // Equal powers are adjacent: one logarithm per distinct value.
        while i < self.descending.len() {
            let p = self.descending[i];
            let mut j = i + 1;
            while j < self.descending.len() && self.descending[j] == p {
                j += 1;
            }
            if p > 0 {
                let share = p as f64 / s;
                h -= (j - i) as f64 * share * share.log2();
            }
            i = j;
        }
        Some(h.max(0.0))
    }

    /// Theil-T index in nats: ln n − H (`f64`: irrational).
    pub fn theil_t(&self) -> Option<f64> {
        let h = self.entropy_bits()?;
        Some(((self.len() as f64).ln() - h * std::f64::consts::LN_2).max(0.0))
    }

    /// Lorenz curve at `points` + 1 evenly spaced population shares
    /// (0, 1/points, …, 1; the holder count rounded down), the poorest
    /// first. Duplicate points (fewer holders than points) are dropped.
    pub fn lorenz(&self, points: usize) -> Vec<LorenzPoint> {
        let n = self.len();
        // More points than holders name no further distinct point: the
        // same curve, in work linear in the holders.
        let points = points.clamp(1, n.max(1));
        // suffix[i] for the i poorest = total - (power of the n - i largest)
        let mut out: Vec<LorenzPoint> = Vec::with_capacity(points + 1);
        let mut targets = (0..=points).map(|j| (j as u128 * n as u128 / points as u128) as usize);
        let mut next = targets.next();
        let mut poorest: u128 = 0;
        let mut counted = 0usize;
        // Walk from the poorest (end of the descending vector).
        let mut iter = self.descending.iter().rev();
        while let Some(t) = next {
            while counted < t {
                poorest += iter.next().expect("t <= n");
                counted += 1;
            }
            if out.last().is_none_or(|p| p.holders != t) {
                out.push(LorenzPoint {
                    holders: t,
                    power: poorest,
                });
            }
            next = targets.next();
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::share::Share;

    fn dist(v: &[u128]) -> Distribution {
        Distribution::new(v.to_vec()).unwrap()
    }

    fn r(n: i64, d: i64) -> BigRational {
        BigRational::new(n.into(), d.into())
    }

    fn gt(s: &str) -> Threshold {
        s.parse().unwrap()
    }

    // ANCHORS.md, "Concentration and voting power". Its text says "MORE
    // than tau" but its first vector, [3,2,1] at 0.5 -> 1, needs ">=": the
    // largest holds exactly half (3 of 6). Both readings are checked.
    #[test]
    fn nakamoto_anchor_vectors() {
        let a = dist(&[3, 2, 1]);
        assert_eq!(a.nakamoto(&gt(">=0.5")), Some(1));
        assert_eq!(a.nakamoto(&gt(">0.5")), Some(2));
        assert_eq!(a.nakamoto(&gt(">0.66")), Some(2));
        let b = dist(&[3, 2, 1, 1, 1, 1]);
        assert_eq!(b.nakamoto(&gt(">0.5")), Some(2));
        assert_eq!(b.nakamoto(&gt(">0.33")), Some(1));
        assert_eq!(b.nakamoto(&gt(">0.66")), Some(3));
        // The other vectors give the same k under >= (no prefix equals tau·S).
        for (t, k) in [("0.5", 2), ("0.33", 1), ("0.66", 3)] {
            assert_eq!(b.nakamoto(&gt(&format!(">={t}"))), Some(k));
        }
        assert_eq!(a.nakamoto(&gt(">=0.66")), Some(2));
    }

    #[test]
    fn nakamoto_strict_and_non_strict_differ_on_exact_half() {
        let a = dist(&[1, 1, 1, 1]);
        assert_eq!(a.nakamoto(&gt(">1/2")), Some(3));
        assert_eq!(a.nakamoto(&gt(">=1/2")), Some(2));
        assert_eq!(a.nakamoto(&gt(">1")), None);
        assert_eq!(a.nakamoto(&gt(">=1")), Some(4));
        assert_eq!(a.nakamoto(&gt(">=0")), Some(0));
        assert_eq!(dist(&[]).nakamoto(&Threshold::majority()), None);
        assert_eq!(
            a.nakamoto(&Threshold {
                share: Share::zero(),
                strict: true
            }),
            Some(1)
        );
    }

    #[test]
    fn gini_anchor_vectors() {
        assert_eq!(dist(&[3, 2, 1]).gini(), Some(r(2, 9))); // 0.22222
        assert_eq!(dist(&[3, 2, 1, 1, 1, 1]).gini(), Some(r(13, 54))); // 0.24074
        assert_eq!(dist(&[5, 5, 5]).gini(), Some(r(0, 1)));
        // Zero balances are part of the population: one holder of all of it
        // among four has G = 1 - 1/4.
        assert_eq!(dist(&[8, 0, 0, 0]).gini(), Some(r(3, 4)));
        assert_eq!(dist(&[0, 0]).gini(), None);
    }

    #[test]
    fn hhi_anchor_vectors() {
        let a = dist(&[3, 2, 1]);
        assert_eq!(a.hhi(), Some(r(7, 18))); // x 10^4 = 3888.9 -> 3889
        assert_eq!(a.effective_holders(), Some(r(18, 7)));
        let b = dist(&[3, 2, 1, 1, 1, 1]);
        assert_eq!(b.hhi(), Some(r(17, 81))); // x 10^4 = 2098.8 -> 2099
        let scaled = |h: BigRational| super::super::rounded_decimal(&(h * r(10_000, 1)), 0);
        assert_eq!(scaled(a.hhi().unwrap()), "3889");
        assert_eq!(scaled(b.hhi().unwrap()), "2099");
    }

    #[test]
    fn entropy_and_theil_anchor_vectors() {
        let a = dist(&[3, 2, 1]);
        let h = a.entropy_bits().unwrap();
        assert!((h - 1.459).abs() < 5e-4, "{h}");
        let t = a.theil_t().unwrap();
        assert!((t - 0.087).abs() < 5e-4, "{t}");
        assert_eq!(dist(&[1, 1, 1, 1]).entropy_bits(), Some(2.0));
    }

    #[test]
    fn huge_balances_do_not_overflow() {
        let big = u128::MAX / 4;
        let d = dist(&[big, big, big]);
        assert_eq!(d.gini(), Some(r(0, 1)));
        assert_eq!(d.hhi(), Some(r(1, 3)));
        assert!(Distribution::new(vec![u128::MAX, 1]).is_err());
    }

    #[test]
    fn lorenz_points_are_exact_sums_of_the_poorest() {
        let d = dist(&[3, 2, 1, 1, 1, 1, 0, 0, 0, 1]);
        let pts = d.lorenz(5);
        let pairs: Vec<(usize, u128)> = pts.iter().map(|p| (p.holders, p.power)).collect();
        assert_eq!(
            pairs,
            vec![(0, 0), (2, 0), (4, 1), (6, 3), (8, 5), (10, 10)]
        );
        assert_eq!(dist(&[4]).lorenz(10).len(), 2);
        assert_eq!(d.top_share(2), Some(r(1, 2)));
        assert_eq!(d.zeros(), 3);
    }
}
