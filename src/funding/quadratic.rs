//! Plain quadratic funding (Buterin, Hitzig, Weyl, "A Flexible Design for
//! Funding Public Goods", 2019): a project with contributions `c_i` is
//! funded `F = (Σ_i √c_i)²`, of which `Σ_i c_i` comes from the
//! contributors and the subsidy, the matching, is
//!
//! ```text
//! F − Σ_i c_i = (Σ_i √c_i)² − Σ_i c_i = 2 · Σ_{i<j} √c_i · √c_j
//! ```
//!
//! computed in base units (the formula is homogeneous: base units or
//! tokens give the same amount) from the floored roots
//! `a_i = floor(√(c_i · 10^80))` as `((Σ a_i)² − Σ a_i²) / 10^80`, so a
//! project with a single contributor is matched exactly 0.
//!
//! **Error bound.** Each `a_i / 10^40` is low by less than `10^-40`, so
//! with `S = Σ √c_i` over `n` contributors the computed matching is at
//! most the exact one and lower by less than `2 · n · 10^-40 · S` base
//! units. Integer (or perfect-square) amounts give exact results.

use num_bigint::{BigInt, BigUint};
use num_rational::BigRational;

use super::{root_scale, scaled_root, Matrix};

/// Each project's matching, base units.
pub(super) fn matching(matrix: &Matrix) -> Vec<BigRational> {
    matrix
        .projects
        .iter()
        .map(|list| {
            let roots: Vec<BigUint> = list
                .iter()
                .map(|&(_, c)| scaled_root(&BigUint::from(c)))
                .collect();
            let sum: BigUint = roots.iter().sum();
            let squares: BigUint = roots.iter().map(|a| a * a).sum();
            BigRational::new(
                BigInt::from(&sum * &sum - squares),
                BigInt::from(root_scale()),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(amounts: &[u128]) -> Matrix {
        Matrix {
            persons: amounts.len(),
            projects: vec![amounts.iter().copied().enumerate().collect()],
        }
    }

    #[test]
    fn buterin_hitzig_weyl_vector() {
        // Contributions [1, 4, 9]: F = (1 + 2 + 3)² = 36, subsidy 36 − 14 = 22.
        let m = matching(&project(&[1, 4, 9]));
        assert_eq!(m, vec![BigRational::from_integer(22.into())]);
    }

    #[test]
    fn one_contributor_is_not_matched_and_splitting_is() {
        assert_eq!(
            matching(&project(&[2]))[0],
            BigRational::from_integer(0.into())
        );
        // 2 split as 1 + 1: (1 + 1)² − 2 = 2.
        assert_eq!(
            matching(&project(&[1, 1]))[0],
            BigRational::from_integer(2.into())
        );
    }

    #[test]
    fn irrational_roots_stay_below_the_exact_value() {
        // [1, 2]: exact 2·√2 = 2.82842712474619009760337744841939615713934...
        let m = &matching(&project(&[1, 2]))[0];
        let exact_floor_30 = BigInt::parse_bytes(b"2828427124746190097603377448419", 10).unwrap();
        let scale = BigRational::from_integer(BigInt::from(10u8).pow(30));
        assert_eq!((m * scale).to_integer(), exact_floor_30);
    }
}
