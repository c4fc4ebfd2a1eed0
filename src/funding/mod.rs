//! Quadratic funding rounds: contributions to projects, a matching pool
//! and a matching rule; each project's matching, exactly.
//!
//! A round ([`Round`]) is the pool, the token's decimals, the rules to
//! apply and the round's filters; [`fund`] takes it with the
//! contributions ([`Contributions`], read by `crate::io::contributions`)
//! and the identities (one person's wallets count as one contributor) and
//! returns a [`RoundReport`]: per project its contributions and
//! contributors, and under each rule its matching, payout and share of
//! the pool. No IO here.
//!
//! # The rules (one file each)
//!
//! - [`MatchingRule::Quadratic`] (`quadratic.rs`): plain QF (Buterin,
//!   Hitzig, Weyl), `F_p = (Σ_i √c_ip)²`, matching `F_p − Σ_i c_ip`.
//! - [`MatchingRule::Clr`] (`clr.rs`): Gitcoin's pairwise-bounded CLR
//!   (`gitcoinco/quadratic-funding`, `quadratic-funding/clr.py`).
//! - [`MatchingRule::Cocm`] and [`MatchingRule::Pairwise`] (`cocm.rs`):
//!   connection-oriented cluster matching and pairwise matching
//!   (`Jmiller4/plural-qf`, `pluralqf.py`).
//!
//! # Filters, in order
//!
//! 1. every row is read and counted in the project's contributions;
//! 2. a row below `minimum` does not count for matching;
//! 3. wallets are merged by identity: a person's rows to a project add up;
//! 4. a person's counted amount to one project is at most
//!    `contributor_cap`;
//! 5. the rule computes each project's matching (`raw`);
//! 6. the matching is scaled down to the pool when the total exceeds it
//!    ([`PoolScaling::OverPool`], as clr.py and the QF paper do) or always
//!    scaled to the whole pool ([`PoolScaling::Always`]), with no project
//!    above `project_cap` (the excess goes to the others, in proportion to
//!    their matching, as long as the scale allows);
//! 7. payouts in whole base units: each project's exact matching rounded
//!    down or up by largest remainder, summing to the floor of the exact
//!    total, which is exactly the pool when the pool is exhausted.
//!
//! # Square roots
//!
//! Square roots are taken as in `ballot/quadratic.rs`: floored at
//! [`ROOT_DIGITS`] = 40 decimal digits, `floor(sqrt(x · 10^80)) / 10^40`,
//! exact big-integer arithmetic, no floats. Each root is low by less than
//! 10^-40 (of the unit it is taken in), so no computed matching exceeds
//! the exact one; each rule's module states its bound. Roots of perfect
//! squares are exact.

mod clr;
mod cocm;
mod quadratic;
mod round_file;
pub mod sybil;

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::PathBuf;

use num_bigint::{BigInt, BigUint};
use num_rational::BigRational;
use num_traits::{One, Signed, Zero};
use serde::Serialize;

use crate::amount::Amount;
use crate::error::{Error, Location, Result};
use crate::identities::Identities;
use crate::quantity::{Proportion, Quantity};
use crate::share::ShareOrAmount;
use crate::vote::Voter;

pub use cocm::{cluster_match, pairwise_match};
pub use round_file::RoundFile;

/// Decimal digits kept in every square root.
pub const ROOT_DIGITS: u32 = 40;

/// A matching rule.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MatchingRule {
    /// Plain quadratic funding: `(Σ √c)² − Σ c`.
    Quadratic,
    /// Gitcoin's pairwise-bounded CLR (clr.py) with threshold `M` in whole
    /// tokens: each pair of contributors to a project adds
    /// `(M + 1) · √(c_i c_j) / Σ_q √(c_iq c_jq)`.
    Clr {
        /// clr.py's `threshold`, in whole tokens.
        threshold: BigRational,
    },
    /// Connection-oriented cluster matching (pluralqf.py), each project's
    /// set of contributors a group; amounts in whole tokens.
    Cocm,
    /// pluralqf.py's pairwise matching with bound `M` (whole tokens):
    /// `Σ_{i<j} M / (M + √(c_i c_j)) · √(c_i c_j)`.
    Pairwise {
        /// The bound `M`, in whole tokens.
        threshold: BigRational,
    },
}

impl MatchingRule {
    /// The rule's name as round files write it.
    pub fn name(&self) -> &'static str {
        match self {
            MatchingRule::Quadratic => "quadratic",
            MatchingRule::Clr { .. } => "clr",
            MatchingRule::Cocm => "cocm",
            MatchingRule::Pairwise { .. } => "pairwise",
        }
    }

    /// Names of the rules a round file can ask for.
    pub const NAMES: [&'static str; 4] = ["quadratic", "clr", "cocm", "pairwise"];
}

/// How matching meets the pool.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PoolScaling {
    /// Scale down only when the matching exceeds the pool (clr.py, the QF
    /// paper); otherwise each project gets its matching and the rest of
    /// the pool stays.
    #[default]
    OverPool,
    /// Always distribute the whole pool in proportion to the matching.
    Always,
}

/// A funding round: pool, rules and filters.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Round {
    /// Round id (file stem).
    pub id: String,
    /// Optional title.
    pub title: Option<String>,
    /// The matching pool, base units.
    pub pool: Amount,
    /// Token decimals of contributions and pool.
    pub decimals: u8,
    /// The rules applied side by side (the first is the reference of the
    /// gains and losses).
    pub rules: Vec<MatchingRule>,
    /// Rows below this amount do not count for matching.
    pub minimum: Option<Amount>,
    /// The most of one person's contributions to one project that counts.
    pub contributor_cap: Option<Amount>,
    /// The most matching one project gets: an amount or a share of the pool.
    pub project_cap: Option<ShareOrAmount>,
    /// How matching meets the pool.
    pub scaling: PoolScaling,
}

impl Round {
    /// A round with `pool` base units, plain QF, no filters.
    pub fn new(id: impl Into<String>, pool: Amount, decimals: u8) -> Round {
        Round {
            id: id.into(),
            title: None,
            pool,
            decimals,
            rules: vec![MatchingRule::Quadratic],
            minimum: None,
            contributor_cap: None,
            project_cap: None,
            scaling: PoolScaling::OverPool,
        }
    }
}

/// One contribution row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contribution {
    /// The contributing wallet.
    pub contributor: Voter,
    /// The project funded.
    pub project: String,
    /// Base units.
    pub amount: Amount,
    /// Line (CSV) or line of the object (JSON).
    pub line: u64,
}

/// The rows of a contributions file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Contributions {
    /// The file (for errors).
    pub path: PathBuf,
    /// Every row, in file order.
    pub rows: Vec<Contribution>,
}

/// A project's contributions, before any rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ProjectFunds {
    /// Project id.
    pub project: String,
    /// Sum of every row.
    pub contributions: Quantity,
    /// Rows.
    pub rows: u64,
    /// Distinct contributors (persons, after identity merging).
    pub contributors: usize,
    /// What counts for matching (after minimum and contributor cap).
    pub counted: Quantity,
}

/// One project's matching under one rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ProjectMatch {
    /// Project id.
    pub project: String,
    /// The rule's matching before meeting the pool (base units, exact
    /// rational of the floored roots).
    pub raw: Quantity,
    /// After scaling and the project cap.
    pub matching: Quantity,
    /// Whole base units paid.
    pub payout: Quantity,
    /// `payout / pool`.
    pub share: Proportion,
    /// Whether the project cap bound.
    pub capped: bool,
}

/// A rule's result over the round.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct RuleMatches {
    /// Rule name.
    pub rule: String,
    /// Sum of the raw matching.
    pub raw_total: Quantity,
    /// The factor applied to uncapped projects (`min(1, pool / raw)` when
    /// scaling over the pool).
    pub scale: Proportion,
    /// Sum of the payouts.
    pub paid: Quantity,
    /// `pool − paid`.
    pub unallocated: Quantity,
    /// Per project, in the order of [`RoundReport::projects`].
    pub projects: Vec<ProjectMatch>,
}

/// The result of a round.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct RoundReport {
    /// Round id.
    pub id: String,
    /// Optional title.
    pub title: Option<String>,
    /// The pool.
    pub pool: Quantity,
    /// Rows read.
    pub rows: u64,
    /// Distinct wallets.
    pub wallets: usize,
    /// Distinct persons (wallets merged by identity).
    pub contributors: usize,
    /// How matching meets the pool.
    pub scaling: PoolScaling,
    /// Projects in order of first appearance.
    pub projects: Vec<ProjectFunds>,
    /// One entry per rule, in the round's order.
    pub rules: Vec<RuleMatches>,
}

/// Counted amounts: per project, `(person, base units)` with a positive
/// amount, by person index.
#[derive(Clone, Debug, Default)]
pub(crate) struct Matrix {
    pub persons: usize,
    pub projects: Vec<Vec<(usize, u128)>>,
}

/// Runs a round: every rule of `round` over the contributions.
pub fn fund(
    round: &Round,
    contributions: &Contributions,
    identities: Option<&Identities>,
) -> Result<RoundReport> {
    if round.rules.is_empty() {
        return Err(Error::invalid("the round has no matching rule"));
    }
    let at = |line: u64| Location::line(&contributions.path, line).with_field("amount");
    let mut project_index: HashMap<&str, usize> = HashMap::new();
    let mut person_index: HashMap<Cow<'_, str>, usize> = HashMap::new();
    let mut wallets: HashMap<&Voter, ()> = HashMap::new();
    let mut projects: Vec<(&str, u128, u64)> = Vec::new();
    // (project, person) -> counted amount, before the contributor cap
    let mut counted: Vec<HashMap<usize, u128>> = Vec::new();
    let mut persons_of: Vec<Vec<usize>> = Vec::new();
    for row in &contributions.rows {
        wallets.insert(&row.contributor, ());
        // An identity's name, else the wallet's text (an identity named
        // like an unlisted wallet is that wallet's person).
        let person_key: Cow<'_, str> = identities
            .and_then(|ids| ids.identity_of(&row.contributor))
            .map_or_else(|| Cow::Owned(row.contributor.to_string()), Cow::Borrowed);
        let next = person_index.len();
        let person = *person_index.entry(person_key).or_insert(next);
        let next = projects.len();
        let p = *project_index.entry(row.project.as_str()).or_insert(next);
        if p == projects.len() {
            projects.push((row.project.as_str(), 0, 0));
            counted.push(HashMap::new());
            persons_of.push(Vec::new());
        }
        let amount = row.amount.base_units();
        let entry = &mut projects[p];
        entry.1 = entry.1.checked_add(amount).ok_or_else(|| {
            Error::overflow(
                Some(at(row.line)),
                format!("sum of contributions to {:?}", row.project),
            )
        })?;
        entry.2 += 1;
        let slot = counted[p].entry(person).or_insert_with(|| {
            persons_of[p].push(person);
            0
        });
        if round.minimum.is_none_or(|m| row.amount >= m) {
            *slot = slot.checked_add(amount).ok_or_else(|| {
                Error::overflow(
                    Some(at(row.line)),
                    format!("contributions of {} to {:?}", row.contributor, row.project),
                )
            })?;
        }
    }
    let cap = round.contributor_cap.map(Amount::base_units);
    let mut matrix = Matrix {
        persons: person_index.len(),
        projects: Vec::with_capacity(projects.len()),
    };
    let mut funds = Vec::with_capacity(projects.len());
    for (p, &(id, total, rows)) in projects.iter().enumerate() {
        let mut list: Vec<(usize, u128)> = counted[p]
            .iter()
            .map(|(&person, &c)| (person, cap.map_or(c, |cap| c.min(cap))))
            .filter(|&(_, c)| c > 0)
            .collect();
        list.sort_unstable();
        let counted_total = list
            .iter()
            .try_fold(0u128, |s, &(_, c)| s.checked_add(c))
            .expect("at most the project's total");
        funds.push(ProjectFunds {
            project: id.to_string(),
            contributions: Quantity::tokens(Amount::from_base_units(total), round.decimals),
            rows,
            contributors: persons_of[p].len(),
            counted: Quantity::tokens(Amount::from_base_units(counted_total), round.decimals),
        });
        matrix.projects.push(list);
    }
    let pool = BigRational::from_integer(BigInt::from(round.pool.base_units()));
    let cap = round.project_cap.as_ref().map(|c| match c {
        ShareOrAmount::Share(s) => s.of(round.pool.base_units()),
        ShareOrAmount::Amount(a) => BigRational::from_integer(BigInt::from(a.base_units())),
    });
    let unit = BigRational::from_integer(BigInt::from(10u8).pow(u32::from(round.decimals)));
    let rules = round
        .rules
        .iter()
        .map(|rule| {
            let raw = match rule {
                MatchingRule::Quadratic => quadratic::matching(&matrix),
                MatchingRule::Clr { threshold } => clr::matching(&matrix, threshold, &unit),
                MatchingRule::Cocm => cocm::round_cluster_matching(&matrix, &unit),
                MatchingRule::Pairwise { threshold } => {
                    cocm::round_pairwise_matching(&matrix, threshold, &unit)
                }
            };
            meet_pool(rule.name(), &funds, raw, &pool, cap.as_ref(), round)
        })
        .collect();
    Ok(RoundReport {
        id: round.id.clone(),
        title: round.title.clone(),
        pool: Quantity::tokens(round.pool, round.decimals),
        rows: contributions.rows.len() as u64,
        wallets: wallets.len(),
        contributors: person_index.len(),
        scaling: round.scaling,
        projects: funds,
        rules,
    })
}

/// Steps 6 and 7: scale, cap, pay out.
fn meet_pool(
    rule: &str,
    funds: &[ProjectFunds],
    raw: Vec<BigRational>,
    pool: &BigRational,
    cap: Option<&BigRational>,
    round: &Round,
) -> RuleMatches {
    let (matching, capped, scale) = allocate(&raw, pool, cap, round.scaling);
    let payouts = largest_remainder(&matching);
    let d = round.decimals;
    let q = |r: &BigRational| Quantity::from_rational(r.clone(), d);
    let paid: BigInt = payouts.iter().sum();
    let share = |n: &BigInt| {
        if pool.is_zero() {
            Proportion::new(BigRational::zero())
        } else {
            Proportion::new(BigRational::from_integer(n.clone()) / pool)
        }
    };
    let projects = funds
        .iter()
        .zip(raw.iter().zip(&matching).zip(payouts.iter().zip(&capped)))
        .map(|(f, ((r, m), (pay, &c)))| ProjectMatch {
            project: f.project.clone(),
            raw: q(r),
            matching: q(m),
            payout: q(&BigRational::from_integer(pay.clone())),
            share: share(pay),
            capped: c,
        })
        .collect();
    RuleMatches {
        rule: rule.to_string(),
        raw_total: q(&raw.iter().sum()),
        scale: Proportion::new(scale),
        paid: q(&BigRational::from_integer(paid.clone())),
        unallocated: q(&(pool - BigRational::from_integer(paid))),
        projects,
    }
}

/// Scales `raw` to the pool with the project cap: every uncapped project
/// gets `λ · raw`, a capped one the cap, with `λ` as large as the pool
/// allows (at most 1 for [`PoolScaling::OverPool`]). Returns the
/// allocations, which projects are capped, and `λ`.
pub(crate) fn allocate(
    raw: &[BigRational],
    pool: &BigRational,
    cap: Option<&BigRational>,
    scaling: PoolScaling,
) -> (Vec<BigRational>, Vec<bool>, BigRational) {
    let mut capped = vec![false; raw.len()];
    let one = BigRational::one();
    let lambda = loop {
        let fixed = cap.map_or_else(BigRational::zero, |c| {
            c * BigRational::from_integer(capped.iter().filter(|&&x| x).count().into())
        });
        let rest: BigRational = raw
            .iter()
            .zip(&capped)
            .filter(|(_, &c)| !c)
            .map(|(r, _)| r)
            .sum();
        let remaining = pool - fixed;
        let mut lambda = if rest.is_zero() || !remaining.is_positive() {
            BigRational::zero()
        } else {
            remaining / rest
        };
        if scaling == PoolScaling::OverPool && lambda > one {
            lambda = one.clone();
        }
        let Some(cap) = cap else { break lambda };
        let mut changed = false;
        for (r, c) in raw.iter().zip(capped.iter_mut()) {
            if !*c && &(&lambda * r) > cap {
                *c = true;
                changed = true;
            }
        }
        if !changed {
            break lambda;
        }
    };
    let alloc = raw
        .iter()
        .zip(&capped)
        .map(|(r, &c)| match (c, cap) {
            (true, Some(cap)) => cap.clone(),
            _ => &lambda * r,
        })
        .collect();
    (alloc, capped, lambda)
}

/// Whole units for exact non-negative amounts: each rounded down, then the
/// `floor(Σ) − Σ floor` units left go one each to the largest fractional
/// parts (ties to the earlier). The parts sum to `floor(Σ amounts)`.
pub(crate) fn largest_remainder(amounts: &[BigRational]) -> Vec<BigInt> {
    let mut parts: Vec<BigInt> = amounts.iter().map(|a| a.floor().to_integer()).collect();
    let total = amounts.iter().sum::<BigRational>().floor().to_integer();
    let assigned: BigInt = parts.iter().sum();
    let mut order: Vec<(BigRational, usize)> = amounts
        .iter()
        .enumerate()
        .map(|(i, a)| (a - a.floor(), i))
        .collect();
    order.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let left = usize::try_from(total - assigned).expect("fewer than one unit per amount");
    for (_, i) in order.into_iter().take(left) {
        parts[i] += 1;
    }
    parts
}

/// `10^(2·ROOT_DIGITS)`.
pub(crate) fn root_scale() -> BigUint {
    BigUint::from(10u8).pow(2 * ROOT_DIGITS)
}

/// `floor(sqrt(x · 10^80))` of a non-negative integer: `√x` at 40 digits,
/// as an integer count of `10^-40`.
pub(crate) fn scaled_root(x: &BigUint) -> BigUint {
    (x * root_scale()).sqrt()
}

/// `√x` of a non-negative rational, floored at 40 digits:
/// `floor(sqrt(x · 10^80)) / 10^40` (floor of the floor of the quotient,
/// which is the same integer).
pub(crate) fn root(x: &BigRational) -> BigRational {
    if !x.is_positive() {
        return BigRational::zero();
    }
    let scaled = (x * BigRational::from_integer(BigInt::from(root_scale()))).to_integer();
    let r = scaled.magnitude().sqrt();
    BigRational::new(
        BigInt::from(r),
        BigInt::from(BigUint::from(10u8).pow(ROOT_DIGITS)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(n: i64) -> BigRational {
        BigRational::from_integer(n.into())
    }

    #[test]
    fn roots_are_floored_at_forty_digits() {
        assert_eq!(root(&r(9)), r(3));
        assert_eq!(
            root(&BigRational::new(1.into(), 4.into())),
            BigRational::new(1.into(), 2.into())
        );
        // √2 = 1.41421356237309504880168872420969807856967187537694...
        let two = root(&r(2));
        let scale = BigInt::from(10u8).pow(40);
        assert_eq!(
            (two * BigRational::from_integer(scale))
                .to_integer()
                .to_string(),
            "14142135623730950488016887242096980785696"
        );
    }

    #[test]
    fn payouts_round_by_largest_remainder() {
        // 10 split three ways: 10/3 each -> 4, 3, 3 (ties to the earlier).
        let third = BigRational::new(10.into(), 3.into());
        let parts = largest_remainder(&[third.clone(), third.clone(), third]);
        assert_eq!(parts, vec![4.into(), 3.into(), 3.into()]);
        // 1.5 + 2.25: floor(3.75) = 3 = 1 + 2, nothing left.
        let parts = largest_remainder(&[
            BigRational::new(3.into(), 2.into()),
            BigRational::new(9.into(), 4.into()),
        ]);
        assert_eq!(parts, vec![1.into(), 2.into()]);
    }

    #[test]
    fn the_pool_scales_and_the_cap_redistributes() {
        // raw 30 and 10 into a pool of 20: λ = 1/2 -> 15 and 5.
        let (a, capped, l) = allocate(&[r(30), r(10)], &r(20), None, PoolScaling::OverPool);
        assert_eq!(a, vec![r(15), r(5)]);
        assert_eq!(capped, vec![false, false]);
        assert_eq!(l, BigRational::new(1.into(), 2.into()));
        // Under the pool: nothing scales up unless asked.
        let (a, _, _) = allocate(&[r(3), r(1)], &r(20), None, PoolScaling::OverPool);
        assert_eq!(a, vec![r(3), r(1)]);
        let (a, _, _) = allocate(&[r(3), r(1)], &r(20), None, PoolScaling::Always);
        assert_eq!(a, vec![r(15), r(5)]);
        // Cap 12: 15 -> 12, the freed 3 goes to the other (5 -> 8), λ = 8/10.
        let (a, capped, _) = allocate(&[r(30), r(10)], &r(20), Some(&r(12)), PoolScaling::OverPool);
        assert_eq!(a, vec![r(12), r(8)]);
        assert_eq!(capped, vec![true, false]);
    }
}
