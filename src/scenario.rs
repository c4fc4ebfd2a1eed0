//! What-if scenarios, applied to the votes before the tally.
//!
//! - `sybil:K` — the largest voter (by token weight) splits into K wallets;
//! - `whales-abstain:N` — the N largest voters abstain (their ballots move
//!   to the Abstain choice; on ballots without one they do not vote);
//! - `turnout:X` — a random fraction X of the holders who did not vote join,
//!   each copying the ballot of a random voter, so that they vote like the
//!   observed distribution of choices (needs `[holders]`; seeded, so a run
//!   is repeatable);
//! - `cap:X` — every mechanism gets a whale cap of X (a share such as `5%`).
//!
//! Scenarios compose left to right with `+`: `sybil:10+whales-abstain:3`.
//!
//! Architecture invariant: a scenario changes only the votes (and for
//! `cap`, the mechanisms); rules, choices and ballot type stay the
//! proposal's. Votes carry their token weight explicitly after a scenario,
//! so split or joined wallets need no holder entry.

use std::collections::HashSet;
use std::fmt;
use std::str::FromStr;

use crate::amount::Amount;
use crate::error::{Error, Result};
use crate::mechanism::Cap;
use crate::proposal::Prepared;
use crate::rng::Xoshiro256;
use crate::share::Share;
use crate::sybil::split_vote;
use crate::vote::{largest_first, Selection, Vote, VoteSet, Voter};

/// One what-if step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// The largest voter splits into this many wallets.
    Sybil(u64),
    /// The N largest voters abstain.
    WhalesAbstain(usize),
    /// This fraction of non-voting holders joins.
    Turnout(Share),
    /// Every mechanism is capped at this fraction of the total power.
    Cap(Share),
    /// Every voter (re-)locks its tokens for this many weeks from the
    /// snapshot time (vote-escrow: `relock:208` is Curve's maximum).
    Relock(u64),
}

/// A named chain of steps, applied in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    /// As written (`sybil:10+whales-abstain:3`).
    pub label: String,
    /// The steps.
    pub steps: Vec<Step>,
}

impl fmt::Display for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label)
    }
}

impl FromStr for Scenario {
    type Err = Error;

    fn from_str(text: &str) -> Result<Scenario> {
        let bad = |part: &str, why: &str| {
            Error::invalid(format!(
                "scenario {part:?}: {why} (known: sybil:K, whales-abstain:N, turnout:X, cap:X, \
                 relock:WEEKS; combine with +)"
            ))
        };
        let mut steps = Vec::new();
        for part in text.split('+').map(str::trim) {
            let (name, arg) = part
                .split_once(':')
                .ok_or_else(|| bad(part, "expected NAME:VALUE"))?;
            steps.push(match name.trim() {
                "sybil" => match arg.trim().parse::<u64>() {
                    Ok(k) if k > crate::sybil::MAX_SPLIT => {
                        return Err(bad(
                            part,
                            &format!("K is at most {} wallets", crate::sybil::MAX_SPLIT),
                        ))
                    }
                    Ok(k) if k >= 1 => Step::Sybil(k),
                    _ => return Err(bad(part, "K must be a whole number of wallets, at least 1")),
                },
                "whales-abstain" => Step::WhalesAbstain(
                    arg.trim()
                        .parse()
                        .map_err(|_| bad(part, "N must be a whole number of voters"))?,
                ),
                "turnout" => Step::Turnout(
                    arg.parse()
                        .map_err(|e: crate::share::ShareError| bad(part, &e.to_string()))?,
                ),
                "cap" => Step::Cap(
                    arg.parse()
                        .map_err(|e: crate::share::ShareError| bad(part, &e.to_string()))?,
                ),
                "relock" => match arg.trim().parse::<u64>() {
                    Ok(w) if (1..=208).contains(&w) => Step::Relock(w),
                    _ => return Err(bad(part, "WEEKS must be a whole number from 1 to 208")),
                },
                _ => return Err(bad(part, "unknown scenario")),
            });
        }
        Ok(Scenario {
            label: text.trim().to_string(),
            steps,
        })
    }
}

/// The votes (and cap) a scenario produces.
#[derive(Clone, Debug)]
pub struct Applied {
    /// The changed votes, each with its token weight stated.
    pub votes: VoteSet,
    /// A cap every mechanism must apply, if the scenario sets one.
    pub cap: Option<Cap>,
}

impl Scenario {
    /// Applies the steps to a prepared proposal's votes.
    pub fn apply(&self, prepared: &Prepared, seed: u64) -> Result<Applied> {
        let holders = prepared.holders.as_ref();
        let mut votes = prepared
            .evaluation()
            .pin_weights(&prepared.votes, holders)?;
        let mut cap = None;
        let mut rng = Xoshiro256::new(seed, 0x5ce4_a210);
        for step in &self.steps {
            match step {
                Step::Sybil(k) => {
                    let weights = weights_of(&votes);
                    if let Some(i) = largest_first(&weights).first().copied() {
                        votes = split_vote(&votes, &weights, i, *k).0;
                    }
                }
                Step::WhalesAbstain(n) => {
                    let weights = weights_of(&votes);
                    let whales: HashSet<usize> =
                        largest_first(&weights).into_iter().take(*n).collect();
                    match prepared.rules.roles.and_then(|r| r.abstain) {
                        Some(abstain) => {
                            let choice = u32::try_from(abstain + 1).expect("few choices");
                            for &i in &whales {
                                votes.votes[i].selection = Selection::Single(choice);
                            }
                        }
                        None => {
                            let mut i = 0;
                            votes.votes.retain(|_| {
                                i += 1;
                                !whales.contains(&(i - 1))
                            });
                        }
                    }
                }
                Step::Turnout(x) => {
                    let holders = holders.ok_or_else(|| {
                        Error::invalid("the turnout scenario needs the proposal's [holders]")
                    })?;
                    join(&mut votes, holders, x, &mut rng, prepared)?;
                }
                Step::Cap(share) => cap = Some(Cap::Fraction(share.clone())),
                Step::Relock(weeks) => relock(&mut votes, *weeks)?,
            }
        }
        Ok(Applied { votes, cap })
    }
}

/// Every vote's lock ends `weeks` whole weeks after its snapshot time.
fn relock(votes: &mut VoteSet, weeks: u64) -> Result<()> {
    use crate::mechanism::vote_escrow::{LOCK_END, SNAPSHOT_TIME};
    const WEEK: u64 = 604_800;
    for v in &mut votes.votes {
        let t: u64 = v
            .attributes
            .get(SNAPSHOT_TIME)
            .and_then(|t| t.parse().ok())
            .ok_or_else(|| {
                Error::invalid(format!(
                    "relock:{weeks} moves each vote's lock_end from its snapshot_time: the vote on \
                     line {} states no snapshot_time",
                    v.line
                ))
            })?;
        // Lock ends are whole weeks (Curve rounds them down).
        let end = (t / WEEK + weeks) * WEEK;
        v.attributes.set(LOCK_END, &end.to_string());
    }
    Ok(())
}

fn weights_of(votes: &VoteSet) -> Vec<Amount> {
    votes
        .votes
        .iter()
        .map(|v| v.weight.unwrap_or(Amount::ZERO))
        .collect()
}

/// Adds `x` of the non-voting holders, each copying a random valid ballot.
fn join(
    votes: &mut VoteSet,
    holders: &crate::io::Holders,
    x: &Share,
    rng: &mut Xoshiro256,
    prepared: &Prepared,
) -> Result<()> {
    let voted: HashSet<&Voter> = votes
        .votes
        .iter()
        .filter_map(|v| v.voter.as_ref())
        .collect();
    // Sorted, so the sample depends only on the seed, not on hashing.
    let mut absent: Vec<(&Voter, Amount)> =
        holders.iter().filter(|(v, _)| !voted.contains(v)).collect();
    absent.sort();
    // The ballots to copy, in an order that does not depend on the rows'
    // order: by voter, then by the ballot itself (anonymous votes).
    let mut n = choices_of_valid(votes, prepared);
    if n.is_empty() {
        return Ok(());
    }
    let key = |i: usize| {
        let v = &votes.votes[i];
        (v.voter.clone(), format!("{:?}", v.selection))
    };
    n.sort_by_cached_key(|&i| key(i));
    let count = u128::try_from(x.floor_of(absent.len() as u128)).expect("at most the count");
    let count = usize::try_from(count).expect("at most the count");
    // Partial Fisher-Yates: the first `count` entries become the sample.
    for i in 0..count {
        let j = i + rng.below((absent.len() - i) as u64) as usize;
        absent.swap(i, j);
    }
    let line = votes.votes.iter().map(|v| v.line).max().unwrap_or(0);
    let new: Vec<Vote> = absent[..count]
        .iter()
        .enumerate()
        .map(|(k, (voter, balance))| {
            let template = &votes.votes[n[rng.below(n.len() as u64) as usize]];
            Vote {
                voter: Some((*voter).clone()),
                selection: template.selection.clone(),
                weight: Some(*balance),
                cast_at: None,
                line: line + 1 + k as u64,
                attributes: crate::vote::Attributes::new(),
            }
        })
        .collect();
    votes.votes.extend(new);
    Ok(())
}

/// Indices of the valid ballots.
fn choices_of_valid(votes: &VoteSet, prepared: &Prepared) -> Vec<usize> {
    let n = prepared.choices.len();
    votes
        .votes
        .iter()
        .enumerate()
        .filter(|(_, v)| prepared.ballot.check(&v.selection, n).is_ok())
        .map(|(i, _)| i)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenarios_parse_and_compose() {
        let s: Scenario = "sybil:10+whales-abstain:3".parse().unwrap();
        assert_eq!(s.steps, vec![Step::Sybil(10), Step::WhalesAbstain(3)]);
        let s: Scenario = "turnout:10%+cap:5%".parse().unwrap();
        assert_eq!(
            s.steps,
            vec![
                Step::Turnout(Share::new(1, 10).unwrap()),
                Step::Cap(Share::new(1, 20).unwrap())
            ]
        );
        for bad in ["sybil", "sybil:0", "whales:3", "turnout:150%", "cap:lots"] {
            assert!(bad.parse::<Scenario>().is_err(), "{bad}");
        }
    }
}
