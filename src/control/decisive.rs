//! Decisive sets of voters.
//!
//! - [`min_majority_set`]: the smallest set of voters whose power is
//!   strictly more than half of the power cast (`>`, not `>=`). Taking the
//!   largest voters first is optimal: no k voters hold more than the k
//!   largest.
//! - [`min_flip_set`]: the smallest set of voters on one side whose switch
//!   to the other side would change the outcome, for any rule where moving
//!   more power helps monotonically (majority, supermajority, quorums,
//!   Aragon's support test). The caller says, for a switched power P,
//!   whether the outcome flips; the largest voters are again taken first,
//!   and a binary search over k finds the least.

use num_bigint::BigInt;
use num_rational::BigRational;

use crate::error::{Error, Result};
use crate::proposal::Prepared;
use crate::report::Report;
use crate::rules::Outcome;
use crate::score::Score;
use crate::vote::{largest_first, Selection, VoteSet, Voter};

/// A set of voters, by index into the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MinSet {
    /// Indices into the input slice, largest power first (ties: input
    /// order).
    pub members: Vec<usize>,
    /// Their total power.
    pub power: u128,
}

/// The smallest set whose power is more than half of the total; `None` if
/// the total is 0 (nothing can exceed half of nothing) or overflows.
pub fn min_majority_set(powers: &[u128]) -> Option<MinSet> {
    let total = powers.iter().try_fold(0u128, |s, &p| s.checked_add(p))?;
    if total == 0 {
        return None;
    }
    let mut members = Vec::new();
    let mut power: u128 = 0;
    for i in largest_first(powers) {
        members.push(i);
        power += powers[i];
        // power > total / 2, exactly, without halving.
        if power > total - power {
            return Some(MinSet { members, power });
        }
    }
    unreachable!("the whole set holds more than half of a positive total")
}

/// The smallest set of `side` voters whose switch flips the outcome,
/// taking voters by power, then tokens (exact when the flip depends on
/// power alone; when it also depends on tokens, as under a cap whose
/// quorum counts tokens, it is the smallest such prefix: an upper bound).
/// `side` holds each candidate's (power, tokens); `flips(p, t)` says
/// whether switching power `p` backed by `t` tokens flips the outcome and
/// must be monotone (if a prefix of the largest voters flips it, any longer
/// prefix does). `None` if even switching everyone does not flip it.
pub fn min_flip_set(side: &[(u128, u128)], flips: impl Fn(u128, u128) -> bool) -> Option<MinSet> {
    // Largest power first; among equal powers, most tokens first (a
    // switch also moves tokens out of a quorum), so that voters tied in
    // power are taken in an order the file's row order cannot change: two
    // voters equal in both give the same prefix sums either way.
    let order = largest_first(side);
    let mut prefix = Vec::with_capacity(order.len() + 1);
    prefix.push((0u128, 0u128));
    for &i in &order {
        let (p, t) = *prefix.last().expect("non-empty");
        prefix.push((p.saturating_add(side[i].0), t.saturating_add(side[i].1)));
    }
    let test = |k: usize| flips(prefix[k].0, prefix[k].1);
    if !test(order.len()) {
        return None;
    }
    // Least k in 0..=n with test(k).
    let (mut lo, mut hi) = (0usize, order.len());
    while lo < hi {
        let mid = (lo + hi) / 2;
        if test(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    Some(MinSet {
        members: order[..lo].to_vec(),
        power: prefix[lo].0,
    })
}

/// What the votes of one proposal say about control: who could decide it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProposalControl {
    /// The report of the proposal as evaluated.
    pub report: Report,
    /// Each vote's voter (`None` for anonymous fixture votes) and power.
    pub voters: Vec<(Option<Voter>, u128)>,
    /// The power cast by all votes (valid or not), in power units.
    pub cast: u128,
    /// The smallest set of voters holding more than half of the power cast
    /// (indices into `voters`); `None` if nothing was cast.
    pub min_majority: Option<MinSet>,
    /// The switch a flip needs: (from choice, to choice), 0-based; `None`
    /// if the rules have no For/Against roles (plurality).
    pub switch: Option<(usize, usize)>,
    /// The smallest set of voters on the `from` side whose switch to the
    /// `to` side flips the outcome (indices into `voters`); `None` if no
    /// switch of that side flips it (or no roles).
    pub min_flip: Option<MinSet>,
    /// For − Against in power units (negative if Against leads), exact.
    pub margin: Option<BigRational>,
    /// The smallest set of voters whose votes alone, all For and nobody
    /// else voting, would meet the quorum and pass under the proposal's
    /// rules (largest power first; indices into `voters`); `None` if even
    /// all voters together would not, or the rules have no roles.
    pub min_passing: Option<MinSet>,
    /// Decimals of the power unit.
    pub power_decimals: u8,
}

impl ProposalControl {
    /// Evaluates a prepared proposal and finds its decisive sets.
    ///
    /// A *switch* moves a voter's whole power from the side that won to the
    /// other side: For → Against if the proposal passed, Against → For if
    /// it was rejected (abstainers and non-voters are not moved). Only valid
    /// single-choice ballots on the `from` side can switch. Every rule that
    /// govkit implements is monotone in the switched power, so the largest
    /// voters first is optimal, and each candidate is checked with the
    /// proposal's own decision rules.
    pub fn analyze(prepared: &Prepared) -> Result<ProposalControl> {
        let evaluation = prepared.evaluation();
        let holders = prepared.holders.as_ref();
        let report = evaluation.run(&prepared.votes, holders)?;
        // The votes in the order of the tally's powers (fractional casts
        // merged per voter).
        let counted = evaluation.counted_votes(&prepared.votes, holders)?;
        let votes: &VoteSet = &counted;
        let powers: Vec<u128> = report.tally.powers.iter().map(|p| p.units()).collect();
        let cast = powers
            .iter()
            .try_fold(0u128, |s, &p| s.checked_add(p))
            .ok_or_else(|| Error::overflow(None, "the total power cast"))?;
        // Voters tied in power are taken by address, not by row: the sets
        // must not depend on the order of the file (anonymous votes, which
        // have no address, last in input order).
        let mut canonical: Vec<usize> = (0..votes.votes.len()).collect();
        canonical.sort_by(
            |&a, &b| match (&votes.votes[a].voter, &votes.votes[b].voter) {
                (Some(x), Some(y)) => x.cmp(y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => a.cmp(&b),
            },
        );
        let back = |m: MinSet, at: &[usize]| MinSet {
            members: m.members.iter().map(|&j| at[j]).collect(),
            power: m.power,
        };
        let in_canonical_order: Vec<u128> = canonical.iter().map(|&i| powers[i]).collect();
        let min_majority = min_majority_set(&in_canonical_order).map(|m| back(m, &canonical));
        let voters: Vec<(Option<Voter>, u128)> = votes
            .votes
            .iter()
            .zip(&powers)
            .map(|(v, &p)| (v.voter.clone(), p))
            .collect();

        let power_decimals = report.power_decimals;
        let roles = prepared.rules.roles;
        let n = prepared.choices.len();
        let (switch, min_flip, margin) = match roles {
            None => (None, None, None),
            Some(roles) => {
                let (from, to) = match report.outcome {
                    Outcome::Passed => (roles.for_choice, roles.against),
                    Outcome::Rejected => (roles.against, roles.for_choice),
                };
                // Candidates: valid single-choice ballots for `from`, by
                // address.
                let side: Vec<usize> = canonical
                    .iter()
                    .map(|&i| (i, &votes.votes[i]))
                    .filter(|(i, v)| {
                        prepared
                            .ballot
                            .check_with_power(&v.selection, n, report.tally.powers[*i])
                            .is_ok()
                    })
                    .filter(|(_, v)| {
                        matches!(v.selection, Selection::Single(c) if c as usize == from + 1)
                    })
                    .map(|(i, _)| i)
                    .collect();
                let side_values: Vec<(u128, u128)> = side
                    .iter()
                    .map(|&i| (powers[i], report.tally.weights[i].base_units()))
                    .collect();
                // Switching moves power between the scores and tokens
                // between the turnouts; the proposal's own rules decide.
                let flips = |moved: u128, tokens: u128| -> bool {
                    let shift = |v: &[Score], amount: u128| {
                        let amount = BigRational::from_integer(BigInt::from(amount));
                        let mut v = v.to_vec();
                        v[from] = Score::from_rational(v[from].as_rational() - &amount);
                        v[to] = Score::from_rational(v[to].as_rational() + &amount);
                        v
                    };
                    let scores = shift(&report.tally.scores, moved);
                    let turnout = shift(&report.tally.turnout, tokens);
                    evaluation
                        .decide_scores(&scores, &turnout, holders)
                        .is_ok_and(|d| d.outcome != report.outcome)
                };
                let flip = min_flip_set(&side_values, flips).map(|m| back(m, &side));
                let margin = report.tally.scores[roles.for_choice].as_rational()
                    - report.tally.scores[roles.against].as_rational();
                (Some((from, to)), flip, Some(margin))
            }
        };
        let min_passing = match roles {
            None => None,
            Some(roles) => {
                // Every voter (valid ballot or not: the question is what
                // their power could do), all For, nobody against.
                let all: Vec<(u128, u128)> = canonical
                    .iter()
                    .map(|&i| (powers[i], report.tally.weights[i].base_units()))
                    .collect();
                let zero = vec![Score::zero(); n];
                let passes = |power: u128, tokens: u128| -> bool {
                    let put = |amount: u128| {
                        let mut v = zero.clone();
                        v[roles.for_choice] =
                            Score::from_rational(BigRational::from_integer(BigInt::from(amount)));
                        v
                    };
                    evaluation
                        .decide_scores(&put(power), &put(tokens), holders)
                        .is_ok_and(|d| d.outcome == Outcome::Passed)
                };
                min_flip_set(&all, passes).map(|m| back(m, &canonical))
            }
        };
        Ok(ProposalControl {
            report,
            voters,
            cast,
            min_majority,
            switch,
            min_flip,
            margin,
            min_passing,
            power_decimals,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn majority_is_strict() {
        let s = min_majority_set(&[1, 3, 2]).unwrap();
        assert_eq!(s.members, vec![1, 2]); // 3 of 6 is not more than half
        assert_eq!(min_majority_set(&[1, 3, 2, 0]).unwrap().members, vec![1, 2]);
        assert_eq!(min_majority_set(&[1, 4, 2]).unwrap().members, vec![1]);
        let s = min_majority_set(&[2, 1, 3]).unwrap();
        assert_eq!((s.members, s.power), (vec![2, 0], 5));
        assert_eq!(min_majority_set(&[5, 5]).unwrap().members, vec![0, 1]);
        assert_eq!(min_majority_set(&[0, 0]), None);
        assert_eq!(min_majority_set(&[]), None);
    }

    #[test]
    fn flip_set_is_the_least_prefix() {
        // For 10 + 7 + 3 = 20 against 12: For > Against flips once
        // 20 - p <= 12 + p, i.e. p >= 4: the largest (10) alone.
        let side = [3u128, 10, 7];
        let side: Vec<(u128, u128)> = side.iter().map(|&p| (p, p)).collect();
        let s = min_flip_set(&side, |p, _| 20 - p <= 12 + p).unwrap();
        assert_eq!((s.members, s.power), (vec![1], 10));
        // A margin of 0 needs nobody... but the outcome must change, so
        // callers only ask for sides that currently win.
        assert_eq!(min_flip_set(&side, |p, _| p >= 100), None);
        assert_eq!(
            min_flip_set(&side, |_, _| true).unwrap().members,
            Vec::<usize>::new()
        );
        // Tokens move with the same voters: 10 power backed by 1 token.
        let side = [(10u128, 1u128), (3, 30)];
        let s = min_flip_set(&side, |_, t| t >= 31).unwrap();
        assert_eq!(s.members, vec![0, 1]);
    }
}
