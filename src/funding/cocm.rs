//! Plural QF (`Jmiller4/plural-qf`, `pluralqf.py`):
//! connection-oriented cluster matching (`connection_oriented_cluster_match`)
//! and pairwise matching (`pairwise_matching`), on one project's
//! contributions `c_i` (whole tokens, as the source's numbers are: the
//! formulas mix `c` and `√c`, so the unit matters).
//!
//! COCM, with groups `G`, `m_i` the number of groups agent `i` is in, and
//! `K(i, h) = √c_i` if `i` shares a group with some member of `h` (itself
//! included), else `c_i`:
//!
//! ```text
//! F = Σ_i c_i + Σ_{g<h} 2 · √(Σ_{i∈g} K(i,h)/m_i) · √(Σ_{j∈h} K(j,g)/m_j)
//! ```
//!
//! With singleton groups no agent is connected to another's group and `F`
//! is plain QF. In a round, the groups are the projects' sets of
//! contributors (as Gitcoin's qf-calculator runs COCM with projects as
//! clusters), and a project's matching is `F − Σ_i c_i`.
//!
//! Pairwise matching with bound `M`:
//! `F = Σ_i c_i + Σ_{i<j} M / (M + √(c_i c_j)) · √(c_i c_j)`.
//!
//! **Error bound.** Roots are floored at 40 digits, so nothing exceeds
//! the exact value. Pairwise: each term `M·r/(M + r)` grows with `r` with
//! slope at most 1, so it is low by less than `10^-40` tokens, the total by
//! less than `n(n−1)/2 · 10^-40`. COCM: each `K` is low by less than
//! `10^-40`, so each group sum `X` by less than `n·10^-40` (`n` agents),
//! and each `√X` by less than `ε = √n · 10^-20 + 10^-40`; a group pair's
//! term is low by less than `2 · (√X + √Y) · ε` tokens.

use std::collections::HashSet;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, Zero};

use super::{root, Matrix};

/// pluralqf.py's `connection_oriented_cluster_match(groups, contributions)`:
/// the project's funding `F` (contributions included). Agents are indices
/// into `contributions`; an index out of range in a group is ignored.
pub fn cluster_match(groups: &[Vec<usize>], contributions: &[BigRational]) -> BigRational {
    let n = contributions.len();
    let groups: Vec<Vec<usize>> = groups
        .iter()
        .map(|g| {
            let mut g: Vec<usize> = g.iter().copied().filter(|&i| i < n).collect();
            g.sort_unstable();
            g.dedup();
            g
        })
        .collect();
    let mut groups_of: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (k, g) in groups.iter().enumerate() {
        for &i in g {
            groups_of[i].push(k);
        }
    }
    let positive = |i: usize| contributions[i].is_positive();
    // The agents each positive agent shares a group with.
    let friends: Vec<HashSet<usize>> = (0..n)
        .map(|i| {
            if positive(i) {
                groups_of[i]
                    .iter()
                    .flat_map(|&k| groups[k].iter().copied())
                    .collect()
            } else {
                HashSet::new()
            }
        })
        .collect();
    let roots: Vec<BigRational> = contributions.iter().map(root).collect();
    let live: Vec<usize> = (0..groups.len())
        .filter(|&k| groups[k].iter().any(|&i| positive(i)))
        .collect();
    // Σ_{i∈g} K(i, h) / m_i
    let side = |g: usize, h: usize| -> BigRational {
        groups[g]
            .iter()
            .filter(|&&i| positive(i))
            .map(|&i| {
                let k = if groups[h].iter().any(|j| friends[i].contains(j)) {
                    roots[i].clone()
                } else {
                    contributions[i].clone()
                };
                k / BigRational::from_integer(BigInt::from(groups_of[i].len()))
            })
            .sum()
    };
    let mut total: BigRational = contributions.iter().sum();
    let two = BigRational::from_integer(2.into());
    for (a, &g) in live.iter().enumerate() {
        for &h in &live[a + 1..] {
            total += &two * root(&side(g, h)) * root(&side(h, g));
        }
    }
    total
}

/// pluralqf.py's `pairwise_matching(groups, contributions, M)`: the
/// project's funding `F` (contributions included).
pub fn pairwise_match(contributions: &[BigRational], m: &BigRational) -> BigRational {
    let mut total: BigRational = contributions.iter().sum();
    for (k, ci) in contributions.iter().enumerate() {
        for cj in &contributions[k + 1..] {
            let r = root(&(ci * cj));
            if !r.is_zero() {
                total += m * &r / (m + &r);
            }
        }
    }
    total
}

/// A project's counted amounts in whole tokens.
fn tokens(list: &[(usize, u128)], unit: &BigRational) -> Vec<BigRational> {
    list.iter()
        .map(|&(_, c)| BigRational::from_integer(BigInt::from(c)) / unit)
        .collect()
}

/// COCM over a round, groups = each project's contributors; base units.
pub(super) fn round_cluster_matching(matrix: &Matrix, unit: &BigRational) -> Vec<BigRational> {
    let groups: Vec<Vec<usize>> = matrix
        .projects
        .iter()
        .map(|list| list.iter().map(|&(i, _)| i).collect())
        .collect();
    matrix
        .projects
        .iter()
        .map(|list| {
            let mut c = vec![BigRational::zero(); matrix.persons];
            for (&(i, _), t) in list.iter().zip(tokens(list, unit)) {
                c[i] = t;
            }
            let own: BigRational = c.iter().sum();
            (cluster_match(&groups, &c) - own) * unit
        })
        .collect()
}

/// Pairwise matching over a round; base units.
pub(super) fn round_pairwise_matching(
    matrix: &Matrix,
    m: &BigRational,
    unit: &BigRational,
) -> Vec<BigRational> {
    matrix
        .projects
        .iter()
        .map(|list| {
            let c = tokens(list, unit);
            let own: BigRational = c.iter().sum();
            (pairwise_match(&c, m) - own) * unit
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_traits::ToPrimitive;

    fn ints(xs: &[i64]) -> Vec<BigRational> {
        xs.iter()
            .map(|&x| BigRational::from_integer(x.into()))
            .collect()
    }

    fn rat(n: i64, d: i64) -> BigRational {
        BigRational::new(n.into(), d.into())
    }

    #[test]
    fn pluralqf_pairwise_vector() {
        // `python pluralqf.py pm "[]" "[1, 4, 9]" 100` -> 24.534 (printed as a
        // float). By hand, the roots are exact: 14 + 100·2/102 + 100·3/103
        // + 100·6/106 = 14 + 100/51 + 300/103 + 300/53.
        let f = pairwise_match(&ints(&[1, 4, 9]), &rat(100, 1));
        assert_eq!(f, rat(14, 1) + rat(100, 51) + rat(300, 103) + rat(300, 53));
        assert!((f.to_f64().unwrap() - 24.534).abs() < 0.0005);
    }

    #[test]
    fn pluralqf_cocm_vector() {
        // `python pluralqf.py cocm "[[0, 1], [1, 2]]" "[10, 20, 0]"` -> 36.9487
        // (the usage example of pluralqf.py). By hand: 30 + 2·√(√10 + √20/2)
        // ·√(√20/2 + √0) = 36.94870...
        let f = cluster_match(&[vec![0, 1], vec![1, 2]], &ints(&[10, 20, 0]));
        assert!((f.to_f64().unwrap() - 36.9487).abs() < 0.00005, "{f}");
    }

    #[test]
    fn cocm_with_singleton_groups_is_plain_qf() {
        // pluralqf.py: with singleton groups K(i, {j}) = c_i, and the terms
        // 2·√c_i·√c_j make (Σ √c_i)². [1, 4, 9] -> 36 exactly.
        let singletons = [vec![0], vec![1], vec![2]];
        assert_eq!(cluster_match(&singletons, &ints(&[1, 4, 9])), rat(36, 1));
        // With irrational roots it equals quadratic.rs on the same floored
        // roots: [2, 3] -> 5 + 2·⌊√2⌋·⌊√3⌋ at 40 digits.
        let qf = super::super::quadratic::matching(&Matrix {
            persons: 2,
            projects: vec![vec![(0, 2), (1, 3)]],
        });
        let cocm = cluster_match(&[vec![0], vec![1]], &ints(&[2, 3]));
        assert_eq!(cocm, &qf[0] + rat(5, 1));
    }

    #[test]
    fn a_project_funded_by_one_cluster_is_not_matched() {
        // One group holding every contributor: no pair of groups, F = Σ c.
        let f = cluster_match(&[vec![0, 1, 2]], &ints(&[1, 4, 9]));
        assert_eq!(f, rat(14, 1));
    }
}
