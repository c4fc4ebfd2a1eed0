//! Sybil analysis for funding rounds: what a contributor gains by
//! splitting its contributions over `k` wallets, and the smallest split
//! with which one of its projects overtakes the project just above it.
//!
//! A split replaces each of the contributor's rows by `k` rows of equal
//! parts (the remainder base units go to the first wallets, nothing is
//! lost) from wallets no identity file lists, so identity merging (which
//! would undo the split) does not apply to them. Every other row is
//! unchanged. Quadratic funding rewards breadth, so plain QF pays such a
//! split; CLR and COCM are built to resist it.

use serde::Serialize;

use super::{fund, Contribution, Contributions, Round, RoundReport};
use crate::error::{Error, Result};
use crate::identities::Identities;
use crate::quantity::Quantity;
use crate::vote::Voter;

/// The largest split tried (each split multiplies the contributor's rows).
pub const MAX_SPLIT: u64 = 1_000_000;

/// One rule's matching of one project before and after a split.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct MatchingSplit {
    /// The rule.
    pub rule: String,
    /// The project.
    pub project: String,
    /// Its matching with the contributor as one wallet.
    pub before: Quantity,
    /// With the contributor split over `k` wallets.
    pub after: Quantity,
    /// `after − before`, exact, in base units.
    pub gain: Quantity,
    /// The smallest split (up to the maximum tried) with which the
    /// project's matching exceeds that of the project just above it
    /// before the split; `None` when it is already first or no split
    /// tried does it.
    pub overtakes_at: Option<(u64, String)>,
}

/// The sybil analysis of one contributor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct RoundSybil {
    /// The contributor.
    pub contributor: String,
    /// The split reported in `gains`.
    pub split: u64,
    /// Per rule and per project the contributor funds.
    pub gains: Vec<MatchingSplit>,
}

/// The contributions with `who`'s rows split over `k` wallets.
fn split_rows(contributions: &Contributions, who: &Voter, k: u64) -> Contributions {
    let mut rows = Vec::with_capacity(contributions.rows.len());
    for row in &contributions.rows {
        if &row.contributor != who {
            rows.push(row.clone());
            continue;
        }
        let total = row.amount.base_units();
        let (part, extra) = (total / u128::from(k), total % u128::from(k));
        for i in 0..k {
            let amount = part + u128::from(u128::from(i) < extra);
            rows.push(Contribution {
                contributor: Voter::new(&format!("{who}#sybil{i}")),
                amount: crate::amount::Amount::from_base_units(amount),
                ..row.clone()
            });
        }
    }
    Contributions {
        path: contributions.path.clone(),
        rows,
    }
}

/// `(rule, project) -> matching` of a report.
fn matching(report: &RoundReport, rule: usize, project: &str) -> Quantity {
    report.rules[rule]
        .projects
        .iter()
        .find(|p| p.project == project)
        .map(|p| p.matching.clone())
        .unwrap_or_default()
}

/// Splits `who` over `k` wallets and reports, per rule and project it
/// funds, the matching before and after, and the smallest split (up to
/// `max_split`) with which the project overtakes the one above it.
pub fn analyze(
    round: &Round,
    contributions: &Contributions,
    identities: Option<&Identities>,
    who: &Voter,
    k: u64,
    max_split: u64,
) -> Result<RoundSybil> {
    if k < 1 || !(2..=MAX_SPLIT).contains(&max_split) || k > MAX_SPLIT {
        return Err(Error::invalid(format!(
            "the split must be 1 to {MAX_SPLIT} wallets and the largest split tried 2 to \
             {MAX_SPLIT}"
        )));
    }
    let mut projects: Vec<&str> = Vec::new();
    for row in contributions.rows.iter().filter(|r| &r.contributor == who) {
        if !projects.contains(&row.project.as_str()) {
            projects.push(&row.project);
        }
    }
    if projects.is_empty() {
        return Err(Error::invalid(format!("{who} contributed to no project")));
    }
    let base = fund(round, contributions, identities)?;
    let split = fund(round, &split_rows(contributions, who, k), identities)?;
    let mut gains = Vec::new();
    for (r, rule) in base.rules.iter().enumerate() {
        for &project in &projects {
            let before = matching(&base, r, project);
            let after = matching(&split, r, project);
            let gain = Quantity::from_rational(
                after.as_rational() - before.as_rational(),
                before.decimals(),
            );
            // The project just above this one before the split.
            let above = rule
                .projects
                .iter()
                .filter(|p| p.matching.as_rational() > before.as_rational())
                .min_by(|a, b| a.matching.cmp(&b.matching))
                .map(|p| p.project.clone());
            let overtakes_at = match above {
                None => None,
                Some(rival) => {
                    let passes = |k: u64| -> Result<bool> {
                        let report = fund(round, &split_rows(contributions, who, k), identities)?;
                        Ok(matching(&report, r, project) > matching(&report, r, &rival))
                    };
                    smallest_split(max_split, passes)?.map(|k| (k, rival))
                }
            };
            gains.push(MatchingSplit {
                rule: rule.rule.clone(),
                project: project.to_string(),
                before,
                after,
                gain,
                overtakes_at,
            });
        }
    }
    Ok(RoundSybil {
        contributor: who.to_string(),
        split: k,
        gains,
    })
}

/// The smallest `k` in `2..=max` with `passes(k)`, by doubling then
/// bisection (assumes that once a split works, larger ones do).
fn smallest_split(max: u64, passes: impl Fn(u64) -> Result<bool>) -> Result<Option<u64>> {
    let (mut lo, mut hi) = (1u64, 2u64);
    loop {
        if passes(hi)? {
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                if passes(mid)? {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            return Ok(Some(hi));
        }
        if hi >= max {
            return Ok(None);
        }
        lo = hi;
        hi = hi.saturating_mul(2).min(max);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::amount::Amount;
    use crate::funding::MatchingRule;

    fn row(who: &str, project: &str, amount: u128, line: u64) -> Contribution {
        Contribution {
            contributor: Voter::new(who),
            project: project.into(),
            amount: Amount::from_base_units(amount),
            line,
        }
    }

    #[test]
    fn splitting_pays_under_plain_qf() {
        // 0 decimals, a pool large enough not to scale. a gives 16 to p;
        // b 9 and c 16 to q. Plain QF before: p (√16)² − 16 = 0, q
        // (3 + 4)² − 25 = 24. Split a in 4 wallets of 4: p (4·2)² − 16 =
        // 48. In 2 wallets of 8: (2·√8)² − 16 = 16 < 24; in 3 (6, 5, 5):
        // (√6 + 2√5)² − 16 ≈ 31.9 > 24: p overtakes q at k = 3.
        let mut round = Round::new("t", Amount::from_base_units(1_000_000), 0);
        round.rules = vec![MatchingRule::Quadratic];
        let c = Contributions {
            path: "c.csv".into(),
            rows: vec![
                row("0xa", "p", 16, 2),
                row("0xb", "q", 9, 3),
                row("0xc", "q", 16, 4),
            ],
        };
        let s = analyze(&round, &c, None, &Voter::new("0xa"), 4, 64).unwrap();
        let g = &s.gains[0];
        assert_eq!(g.before, "0");
        assert_eq!(g.after, "48");
        assert_eq!(g.gain, "48");
        assert_eq!(g.overtakes_at, Some((3, "q".to_string())));
    }

    #[test]
    fn nothing_is_lost_in_a_split() {
        let c = Contributions {
            path: "c.csv".into(),
            rows: vec![row("0xa", "p", 10, 2)],
        };
        let s = split_rows(&c, &Voter::new("0xa"), 3);
        let parts: Vec<u128> = s.rows.iter().map(|r| r.amount.base_units()).collect();
        assert_eq!(parts, [4, 3, 3]);
    }
}
