//! Sybil analysis: what a voter gains by splitting its wallet.
//!
//! For a voter with token weight `w`, splitting into `k` wallets gives
//! `k` votes of `w / k` (the remainder spread one base unit each over the
//! first wallets, so nothing is created or lost). Token-weighted power is
//! unchanged (gain 1); quadratic power grows by about √k. The analysis
//! reports each mechanism's gain, exactly, and the smallest `k` at which the
//! voter alone would change the proposal's outcome under the proposal's own
//! mechanism.
//!
//! The flip search doubles `k` until the outcome changes (or `max_split` is
//! reached), then bisects. It relies on the voter's power growing with `k`,
//! which holds for quadratic power up to the flooring of each root; the `k`
//! reported is verified to flip the outcome.

use num_bigint::BigInt;
use num_rational::BigRational;
use serde::Serialize;

use crate::amount::{Amount, Power};
use crate::decimal::format_rational;
use crate::error::{Error, Result};
use crate::evaluate::Evaluation;
use crate::io::Holders;
use crate::mechanism::{Cap, Electorate, Mechanism, Quadratic, TokenWeighted};
use crate::quantity::Quantity;
use crate::rules::Outcome;
use crate::vote::{largest_first, Selection, Vote, VoteSet, Voter};

/// A mechanism's power for one voter before and after a split.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SplitGain {
    /// Mechanism name.
    pub mechanism: String,
    /// Power of the single wallet, in the mechanism's unit.
    pub before: Quantity,
    /// Total power of the `k` wallets.
    pub after: Quantity,
    /// `after / before`, exact (JSON: a decimal, or "a/b" if the decimal
    /// does not terminate within 30 digits; `gain_approx` rounds it to 6
    /// decimals for reading).
    pub gain: BigRational,
}

impl SplitGain {
    /// The gain rounded half up to 6 decimals, for reading.
    pub fn gain_approx(&self) -> String {
        let scaled = (&self.gain * BigRational::from_integer(BigInt::from(1_000_000)))
            .round()
            .to_integer();
        crate::decimal::format_scaled(u128::try_from(scaled).unwrap_or(u128::MAX), 6)
    }
}

impl Serialize for SplitGain {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("SplitGain", 5)?;
        st.serialize_field("mechanism", &self.mechanism)?;
        st.serialize_field("before", &self.before)?;
        st.serialize_field("after", &self.after)?;
        st.serialize_field("gain", &format_rational(&self.gain, 30))?;
        st.serialize_field("gain_approx", &self.gain_approx())?;
        st.end()
    }
}

/// What splitting does for one voter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct VoterSplit {
    /// The voter.
    pub voter: String,
    /// Its token weight.
    pub weight: Quantity,
    /// Number of wallets in the split.
    pub split: u64,
    /// Gain under each mechanism.
    pub gains: Vec<SplitGain>,
    /// The smallest number of wallets with which this voter alone changes
    /// the outcome under the proposal's mechanism (`None`: not up to
    /// `max_split`).
    pub flips_at: Option<u64>,
}

/// The sybil analysis of a proposal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SybilReport {
    /// Proposal id.
    pub id: String,
    /// The proposal's mechanism.
    pub mechanism: String,
    /// Outcome without any split.
    pub outcome: Outcome,
    /// Largest split tried in the flip search.
    pub max_split: u64,
    /// One entry per analysed voter.
    pub voters: Vec<VoterSplit>,
}

/// Which voters to analyse.
#[derive(Clone, Debug)]
pub enum Subjects {
    /// The `n` voters with the largest token weight.
    Largest(usize),
    /// The `n` largest voters on the losing side (Against when the
    /// proposal passed, For when it was rejected; every choice but the
    /// winner's under plurality): the voters whose splitting could change
    /// the outcome.
    Losing(usize),
    /// This voter.
    Voter(Voter),
}

/// Replaces the vote at `index` by `k` votes of equal weight (remainder
/// spread over the first wallets), voters named `VOTER#1` … `VOTER#k`.
pub fn split_vote(
    votes: &VoteSet,
    weights: &[Amount],
    index: usize,
    k: u64,
) -> (VoteSet, Vec<Amount>) {
    let original = &votes.votes[index];
    let w = weights[index].base_units();
    let (part, rest) = (w / u128::from(k), w % u128::from(k));
    let name = original
        .voter
        .as_ref()
        .map_or_else(|| "anonymous".to_string(), Voter::to_string);
    let mut out = Vec::with_capacity(votes.votes.len() + k as usize);
    let mut out_weights = Vec::with_capacity(out.capacity());
    for (i, (vote, &weight)) in votes.votes.iter().zip(weights).enumerate() {
        if i != index {
            out.push(vote.clone());
            out_weights.push(weight);
            continue;
        }
        for j in 0..k {
            let extra = u128::from(u128::from(j) < rest);
            let share = Amount::from_base_units(part + extra);
            out.push(Vote {
                voter: Some(Voter::new(&format!("{name}#{}", j + 1))),
                weight: Some(share),
                ..original.clone()
            });
            out_weights.push(share);
        }
    }
    let set = VoteSet {
        source: votes.source.clone(),
        votes: out,
        read: votes.read,
        replaced: votes.replaced,
    };
    (set, out_weights)
}

/// The most wallets a split may make (`--split`, `--max-split`,
/// `sybil:K`): each wallet is a vote held in memory.
pub const MAX_SPLIT: u64 = 1_000_000;

/// Runs the analysis. `k` is the split reported for gains; `max_split`
/// bounds the flip search. Both are at most [`MAX_SPLIT`].
pub fn analyze(
    evaluation: &Evaluation<'_>,
    votes: &VoteSet,
    holders: Option<&Holders>,
    subjects: &Subjects,
    k: u64,
    max_split: u64,
) -> Result<SybilReport> {
    if k < 1 || max_split < 2 {
        return Err(Error::invalid(
            "the split must be at least 1 and max_split at least 2",
        ));
    }
    if k > MAX_SPLIT || max_split > MAX_SPLIT {
        return Err(Error::invalid(format!(
            "--split {k} / --max-split {max_split}: a split is at most {MAX_SPLIT} wallets"
        )));
    }
    let pinned = evaluation.pin_weights(votes, holders)?;
    let weights: Vec<Amount> = pinned
        .votes
        .iter()
        .map(|v| v.weight.expect("pinned"))
        .collect();
    let baseline = evaluation.run(&pinned, holders)?;
    let key = |r: &crate::report::Report| (r.outcome, r.winner.clone());
    let base_key = key(&baseline);

    let indices: Vec<usize> = match subjects {
        Subjects::Voter(voter) => {
            let i = pinned
                .votes
                .iter()
                .position(|v| v.voter.as_ref() == Some(voter))
                .ok_or_else(|| Error::invalid(format!("{voter} did not vote on this proposal")))?;
            vec![i]
        }
        Subjects::Largest(n) => {
            let mut order = largest_first(&weights);
            order.truncate(*n);
            order
        }
        Subjects::Losing(n) => {
            let roles = evaluation.rules.roles;
            let winner = baseline
                .winner
                .as_ref()
                .and_then(|w| evaluation.choices.number_of(w));
            // 1-based choice numbers of the losing side.
            let losing = |c: u32| match (roles, baseline.outcome) {
                (Some(r), Outcome::Passed) => c as usize == r.against + 1,
                (Some(r), Outcome::Rejected) => c as usize == r.for_choice + 1,
                (None, _) => Some(c) != winner,
            };
            let mut order: Vec<usize> = largest_first(&weights)
                .into_iter()
                .filter(|&i| matches!(pinned.votes[i].selection, Selection::Single(c) if losing(c)))
                .collect();
            order.truncate(*n);
            order
        }
    };

    let quadratic = Quadratic::default();
    // The proposal's own mechanism, with its cap (delegation is already
    // in the pinned weights).
    let reference: [(&dyn Mechanism, Option<&Cap>); 3] = [
        (&TokenWeighted, None),
        (&quadratic, None),
        (evaluation.mechanism, evaluation.cap.as_ref()),
    ];
    let mut voters = Vec::with_capacity(indices.len());
    for i in indices {
        let mut gains: Vec<SplitGain> = Vec::new();
        for &(m, cap) in &reference {
            // The proposal's mechanism may be one of the references:
            // computed once.
            let name = mechanism_label(m, cap);
            if !gains.iter().any(|seen| seen.mechanism == name) {
                gains.push(gain(m, cap, &pinned, &weights, i, k, evaluation.decimals)?);
            }
        }
        let flips = |split: u64| -> Result<bool> {
            let (set, _) = split_vote(&pinned, &weights, i, split);
            Ok(key(&evaluation.run(&set, holders)?) != base_key)
        };
        let mut flips_at = None;
        let (mut lo, mut hi) = (1u64, 2u64);
        loop {
            if flips(hi)? {
                while hi - lo > 1 {
                    let mid = lo + (hi - lo) / 2;
                    if flips(mid)? {
                        hi = mid;
                    } else {
                        lo = mid;
                    }
                }
                flips_at = Some(hi);
                break;
            }
            if hi >= max_split {
                break;
            }
            lo = hi;
            hi = hi.saturating_mul(2).min(max_split);
        }
        voters.push(VoterSplit {
            voter: pinned.votes[i].voter.as_ref().map_or_else(
                || format!("vote on line {}", pinned.votes[i].line),
                |v| v.to_string(),
            ),
            weight: Quantity::tokens(weights[i], evaluation.decimals),
            split: k,
            gains,
            flips_at,
        });
    }
    Ok(SybilReport {
        id: evaluation.id.clone(),
        mechanism: evaluation.mechanism_name(),
        outcome: baseline.outcome,
        max_split,
        voters,
    })
}

/// A mechanism's name with its cap.
fn mechanism_label(m: &dyn Mechanism, cap: Option<&Cap>) -> String {
    cap.map_or_else(|| m.name(), |c| c.describe(&m.name()))
}

fn gain(
    m: &dyn Mechanism,
    cap: Option<&Cap>,
    votes: &VoteSet,
    weights: &[Amount],
    i: usize,
    k: u64,
    decimals: u8,
) -> Result<SplitGain> {
    let one = VoteSet {
        source: votes.source.clone(),
        votes: vec![votes.votes[i].clone()],
        read: 1,
        replaced: 0,
    };
    let (split, split_weights) = split_vote(&one, &weights[i..=i], 0, k);
    let power = |set: &VoteSet, w: &[Amount]| -> Result<Power> {
        let mut powers = m.assign_power(&Electorate {
            source: &set.source,
            votes: &set.votes,
            weights: w,
            holders: None,
            decimals,
        })?;
        if let Some(cap) = cap {
            cap.apply(&mut powers)?;
        }
        let mut total = Power::ZERO;
        for p in powers {
            total = total
                .checked_add(p)
                .ok_or_else(|| Error::overflow(None, "the power of the split wallets"))?;
        }
        Ok(total)
    };
    let before = power(&one, &weights[i..=i])?;
    let after = power(&split, &split_weights)?;
    let pd = m.power_decimals(decimals);
    let ratio = if before == Power::ZERO {
        BigRational::from_integer(BigInt::from(1))
    } else {
        BigRational::new(BigInt::from(after.units()), BigInt::from(before.units()))
    };
    Ok(SplitGain {
        mechanism: mechanism_label(m, cap),
        before: Quantity::power(before, pd),
        after: Quantity::power(after, pd),
        gain: ratio,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ballot::BallotKind;
    use crate::choices::Choices;
    use crate::rules::{DecisionRules, Roles};
    use crate::vote::Selection;

    fn vote(voter: &str, choice: u32, units: u128) -> Vote {
        Vote {
            voter: Some(Voter::new(voter)),
            selection: Selection::Single(choice),
            weight: Some(Amount::from_base_units(units)),
            cast_at: None,
            line: 1,
            attributes: crate::vote::Attributes::new(),
        }
    }

    #[test]
    fn split_keeps_every_base_unit() {
        let set = VoteSet::latest_per_voter("t".into(), vec![vote("a", 1, 10), vote("b", 2, 5)]);
        let w: Vec<Amount> = set.votes.iter().map(|v| v.weight.unwrap()).collect();
        let (split, sw) = split_vote(&set, &w, 0, 3);
        assert_eq!(split.votes.len(), 4);
        let units: Vec<u128> = sw.iter().map(|a| a.base_units()).collect();
        assert_eq!(units, vec![4, 3, 3, 5]);
    }

    #[test]
    fn quadratic_whale_flips_by_splitting() {
        // Quadratic, decimals 0: Against voter b has 100 units (power 10);
        // For voter a has 36 units (power 6). Split a into k wallets of
        // 36/k: k=2 -> 2*sqrt(18)=2*4=8; k=3 -> 3*sqrt(12)=9; k=4 ->
        // 4*sqrt(9)=12 > 10: the outcome flips at k = 4 (by hand).
        let set = VoteSet::latest_per_voter("t".into(), vec![vote("a", 1, 36), vote("b", 2, 100)]);
        let ballot = BallotKind::Basic.ballot_type();
        let mechanism = crate::mechanism::Quadratic::default();
        let evaluation = Evaluation::new(
            "t",
            Choices::basic(),
            ballot.as_ref(),
            &mechanism,
            DecisionRules::majority(Roles::BASIC),
            0,
        );
        let r = analyze(
            &evaluation,
            &set,
            None,
            &Subjects::Voter(Voter::new("a")),
            4,
            1000,
        )
        .unwrap();
        assert_eq!(r.outcome, Outcome::Rejected);
        let v = &r.voters[0];
        assert_eq!(v.flips_at, Some(4));
        // Token-weighted gain is exactly 1; quadratic gain 12/6 = 2 at k = 4.
        assert_eq!(v.gains[0].gain, BigRational::from_integer(1.into()));
        assert_eq!(v.gains[1].gain, BigRational::from_integer(2.into()));
        // The Against voter cannot flip a rejection by adding Against power.
        let r = analyze(
            &evaluation,
            &set,
            None,
            &Subjects::Voter(Voter::new("b")),
            4,
            1000,
        )
        .unwrap();
        assert_eq!(r.voters[0].flips_at, None);
    }
}
