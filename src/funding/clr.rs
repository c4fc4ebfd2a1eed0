//! Gitcoin's pairwise-bounded CLR, exactly as `gitcoinco/quadratic-funding`
//! `quadratic-funding/clr.py` defines it (`get_totals_by_pair`,
//! `calculate_clr`):
//!
//! ```text
//! P_ij    = Σ_q √(c_iq · c_jq)                 over every project q
//! clr_p   = Σ_{i<j, both fund p} √(c_ip · c_jp) / (P_ij / (M + 1))
//! ```
//!
//! with `c_ip` a contributor's aggregated contributions to `p` and `M`
//! the `threshold`. A pair that funds only `p` adds exactly `M + 1`; a
//! pair that co-funds several projects shares its `M + 1` among them in
//! proportion to `√(c_iq c_jq)`: the pair is bounded across the round.
//! The amounts cancel in the ratio, so `M + 1` is in the unit of the
//! result: whole tokens (clr.py's dollars), here `(M + 1) · 10^decimals`
//! base units. clr.py then normalises to the pot when the total reaches
//! it: [`super::PoolScaling::OverPool`].
//!
//! **Error bound.** Every `√(c_iq c_jq)` is floored at 40 digits of base
//! units; with integer base units each root is at least 1, so each is low
//! by a relative less than `10^-40`, and each pair's term is within a
//! relative `2·10^-40` of the exact value (a pair whose roots are all
//! exact, e.g. a pair funding one project, is exact).

use std::collections::HashMap;

use num_bigint::{BigInt, BigUint};
use num_rational::BigRational;

use super::{scaled_root, Matrix};

/// Each project's CLR matching in base units; `threshold` in whole tokens,
/// `unit` = `10^decimals`.
pub(super) fn matching(
    matrix: &Matrix,
    threshold: &BigRational,
    unit: &BigRational,
) -> Vec<BigRational> {
    // Each project's pair roots, and the pair totals over the round.
    let mut pair_totals: HashMap<(usize, usize), BigUint> = HashMap::new();
    let roots: Vec<Vec<((usize, usize), BigUint)>> = matrix
        .projects
        .iter()
        .map(|list| {
            let mut pairs = Vec::new();
            for (k, &(i, ci)) in list.iter().enumerate() {
                for &(j, cj) in &list[k + 1..] {
                    let r = scaled_root(&(BigUint::from(ci) * BigUint::from(cj)));
                    *pair_totals.entry((i, j)).or_default() += &r;
                    pairs.push(((i, j), r));
                }
            }
            pairs
        })
        .collect();
    let per_pair = (threshold + BigRational::from_integer(1.into())) * unit;
    roots
        .iter()
        .map(|pairs| {
            let sum: BigRational = pairs
                .iter()
                .map(|(pair, r)| {
                    let total = &pair_totals[pair];
                    if r == total {
                        BigRational::from_integer(1.into())
                    } else {
                        BigRational::new(BigInt::from(r.clone()), BigInt::from(total.clone()))
                    }
                })
                .sum();
            sum * &per_pair
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_traits::ToPrimitive;

    /// clr.py's `GRANT_CONTRIBUTIONS_EXAMPLE` (gitcoinco/quadratic-funding,
    /// quadratic-funding/clr.py), aggregated per contributor as its
    /// `aggregate_contributions` does. Grant "4": 1: 10, 2: 5 + 10, 3: 7,
    /// 5: 5 + 5 + 5, 4: 10. Grant "5": 1: 10 + 5, 2: 20 + 5, 3: 3, 8: 2,
    /// 9: 10, 7: 7. Persons indexed 1..=9 as their ids.
    fn example() -> Matrix {
        Matrix {
            persons: 10,
            projects: vec![
                vec![(1, 10), (2, 15), (3, 7), (4, 10), (5, 15)],
                vec![(1, 15), (2, 25), (3, 3), (7, 7), (8, 2), (9, 10)],
            ],
        }
    }

    #[test]
    fn clr_py_example() {
        // `run_clr_calcs(GRANT_CONTRIBUTIONS_EXAMPLE, 25.0, 5000)`: grant "4"
        // 220.594..., grant "5" 351.406...; their total is 572 < 5000, so
        // clr.py does not normalise.
        let m = matching(
            &example(),
            &BigRational::from_integer(25.into()),
            &BigRational::from_integer(1.into()),
        );
        let f = |x: &BigRational| x.to_f64().unwrap();
        assert!((f(&m[0]) - 220.594).abs() < 0.0005, "{}", f(&m[0]));
        assert!((f(&m[1]) - 351.406).abs() < 0.0005, "{}", f(&m[1]));
        // By hand: 7 + 12 pairs fund one grant (26 each); the 3 shared
        // pairs (1,2), (1,3), (2,3) split 26 each: 572 in all, exactly.
        assert_eq!(&m[0] + &m[1], BigRational::from_integer(572.into()));
    }

    #[test]
    fn a_pair_funding_one_project_adds_threshold_plus_one() {
        let m = Matrix {
            persons: 2,
            projects: vec![vec![(0, 3), (1, 1_000_000)]],
        };
        let unit = BigRational::from_integer(100.into());
        let out = matching(&m, &BigRational::from_integer(25.into()), &unit);
        assert_eq!(out, vec![BigRational::from_integer(2600.into())]);
    }
}
