//! Governor event logs as indexers export them: one CSV row per event,
//! `event_name` first, other columns empty where the event lacks them.
//!
//! Read: `VoteCast(voter, proposalId, support, votes)` from Compound Governor
//! Alpha/Bravo, Uniswap Governor Alpha and OpenZeppelin Governor (and
//! OpenZeppelin's `VoteCastWithParams`, its weight in `votes`; support
//! `0`/`1`/`2`, possibly written `1.0`, or `True`/`False`), Aave v2
//! `VoteEmitted(id, voter, support, votingPower)` (bool support), and the
//! lifecycle events `ProposalCreated`, `ProposalQueued`, `ProposalExecuted`,
//! `ProposalCanceled`, which give the official outcome. Other events are
//! skipped. Vote weights are base units.
//!
//! Support maps onto the `basic` ballot's choices: For = 1, Against = 2,
//! Abstain = 3 (governor support 1, 0, 2 respectively).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use csv::StringRecord;

use super::csv_file::CsvFile;
use super::{normalize_proposal_id, parse_amount};
use crate::amount::AmountUnit;
use crate::error::{Error, Location, Result};
use crate::vote::{Selection, Vote, VoteSet, Voter};

/// What the governor decided, from the lifecycle events.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OfficialStatus {
    /// Queued or executed: the vote passed.
    Passed,
    /// Canceled: not decided by the vote.
    Canceled,
    /// Neither queued, executed nor canceled: the vote failed.
    Defeated,
}

/// One proposal of a governor log.
#[derive(Clone, Debug)]
pub struct GovernorProposal {
    /// The proposal id, normalised (`43.0` is `43`).
    pub id: String,
    /// Its votes, one per voter.
    pub votes: VoteSet,
    /// The official outcome.
    pub status: OfficialStatus,
    /// Whether a `ProposalCreated` event is in the log.
    pub created: bool,
    /// The non-empty fields of its `ProposalCreated` row by column name
    /// (`executor`, `startBlock`, ...): facts a batch can pick rules by.
    pub facts: BTreeMap<String, String>,
}

/// All proposals of one governor event log, by id.
#[derive(Clone, Debug)]
pub struct GovernorLog {
    /// The file.
    pub source: PathBuf,
    /// Proposals in id order (numeric ids compare numerically).
    pub proposals: Vec<GovernorProposal>,
}

#[derive(Default)]
struct Pending {
    votes: Vec<Vote>,
    created: bool,
    facts: BTreeMap<String, String>,
    queued_or_executed: bool,
    canceled: bool,
    /// Line of the first ProposalExecuted, of the first ProposalCanceled.
    executed_line: Option<u64>,
    canceled_line: Option<u64>,
    /// Line of each voter's vote: a governor accepts one per voter.
    voted: std::collections::HashMap<Voter, u64>,
}

impl GovernorLog {
    /// Reads every proposal of the log. `only` keeps one proposal's votes
    /// (the others' rows are still checked for shape).
    pub fn read(path: &Path, only: Option<&str>) -> Result<GovernorLog> {
        let only = only.map(normalize_proposal_id);
        let mut csv = CsvFile::open(path)?;
        let event_col = csv.required_column(None, &["event_name", "event"])?;
        let voter_col = csv.column(None, &["voter"], false)?;
        let pid_col = csv.column(None, &["proposalId"], false)?;
        let id_col = csv.column(None, &["id"], false)?;
        let support_col = csv.column(None, &["support"], false)?;
        let votes_col = csv.column(None, &["votes", "votingPower"], false)?;
        // The block a vote was cast in: the voting-window rules (late
        // quorum, super-quorum) replay votes by it.
        let block_col = csv.column(None, &["block_number", "blockNumber"], false)?;

        let mut pending: BTreeMap<String, Pending> = BTreeMap::new();
        let mut record = StringRecord::new();
        while let Some(line) = csv.next_record(&mut record)? {
            let event = record[event_col].trim();
            let is_vote = matches!(event, "VoteCast" | "VoteCastWithParams" | "VoteEmitted");
            let is_lifecycle = matches!(
                event,
                "ProposalCreated" | "ProposalQueued" | "ProposalExecuted" | "ProposalCanceled"
            );
            if !is_vote && !is_lifecycle {
                continue;
            }
            let need = |col: Option<usize>, name: &str| -> Result<usize> {
                col.ok_or_else(|| {
                    Error::input(
                        Location::line(path, line).with_field(name),
                        format!("{event} event, but the file has no {name:?} column"),
                    )
                })
            };
            // VoteCast(WithParams) names the proposal `proposalId`; VoteEmitted and the
            // lifecycle events name it `id`.
            let id_column = if event == "VoteCast" || event == "VoteCastWithParams" {
                need(pid_col, "proposalId")?
            } else {
                need(id_col, "id")?
            };
            let at = |col: usize| csv.at(line, col);
            let raw_id = record[id_column].trim();
            if raw_id.is_empty() {
                return Err(Error::input(at(id_column), "the proposal id is empty"));
            }
            let id = normalize_proposal_id(raw_id);
            if only.as_ref().is_some_and(|o| *o != id) {
                continue;
            }
            let entry = pending.entry(id).or_default();
            match event {
                "ProposalCreated" => {
                    entry.created = true;
                    entry.facts = csv
                        .names()
                        .iter()
                        .zip(record.iter())
                        .filter(|(_, v)| !v.trim().is_empty())
                        .map(|(k, v)| (k.clone(), v.trim().to_string()))
                        .collect();
                }
                "ProposalQueued" => entry.queued_or_executed = true,
                "ProposalExecuted" | "ProposalCanceled" => {
                    if event == "ProposalExecuted" {
                        entry.queued_or_executed = true;
                        entry.executed_line.get_or_insert(line);
                    } else {
                        entry.canceled = true;
                        entry.canceled_line.get_or_insert(line);
                    }
                    if let (Some(e), Some(c)) = (entry.executed_line, entry.canceled_line) {
                        return Err(Error::input(
                            Location::line(path, line).with_field(csv.names()[event_col].clone()),
                            format!(
                                "the proposal is both executed (line {e}) and canceled \
                                 (line {c}); a governor does neither after the other"
                            ),
                        ));
                    }
                }
                _ => {
                    let voter_col = need(voter_col, "voter")?;
                    let support_col = need(support_col, "support")?;
                    let votes_col = need(votes_col, "votes")?;
                    let voter = record[voter_col].trim();
                    if voter.is_empty() {
                        return Err(Error::input(at(voter_col), "the voter is empty"));
                    }
                    let choice = support_choice(&record[support_col]).ok_or_else(|| {
                        Error::input(
                            at(support_col),
                            format!(
                                "{:?} is not a governor support value (0, 1, 2, True or False)",
                                &record[support_col]
                            ),
                        )
                    })?;
                    let weight =
                        parse_amount(&record[votes_col], AmountUnit::Base, 0, || at(votes_col))?;
                    let voter = Voter::new(voter);
                    if let Some(first) = entry.voted.insert(voter.clone(), line) {
                        return Err(Error::input(
                            at(voter_col),
                            format!(
                                "{voter} already voted on this proposal on line {first}; a \
                                 governor accepts one vote per voter"
                            ),
                        ));
                    }
                    entry.votes.push(Vote {
                        voter: Some(voter),
                        selection: Selection::Single(choice),
                        weight: Some(weight),
                        cast_at: block_col
                            .map(|c| record[c].trim())
                            .filter(|b| !b.is_empty())
                            .map(crate::vote::CastAt::new),
                        line,
                        attributes: crate::vote::Attributes::new(),
                    });
                }
            }
        }
        let mut proposals: Vec<GovernorProposal> = pending
            .into_iter()
            .map(|(id, p)| GovernorProposal {
                votes: VoteSet::latest_per_voter(path.to_path_buf(), p.votes),
                status: if p.canceled {
                    OfficialStatus::Canceled
                } else if p.queued_or_executed {
                    OfficialStatus::Passed
                } else {
                    OfficialStatus::Defeated
                },
                created: p.created,
                facts: p.facts,
                id,
            })
            .collect();
        proposals.sort_by(|a, b| id_order(&a.id, &b.id));
        Ok(GovernorLog {
            source: path.to_path_buf(),
            proposals,
        })
    }

    /// The proposal with this id (normalised), if the log has it.
    pub fn proposal(&self, id: &str) -> Option<&GovernorProposal> {
        let id = normalize_proposal_id(id);
        self.proposals.iter().find(|p| p.id == id)
    }
}

fn id_order(a: &str, b: &str) -> std::cmp::Ordering {
    let numeric = |s: &str| s.bytes().all(|c| c.is_ascii_digit());
    if numeric(a) && numeric(b) {
        a.len().cmp(&b.len()).then_with(|| a.cmp(b))
    } else {
        a.cmp(b)
    }
}

/// Governor support to the basic ballot's 1-based choice.
fn support_choice(text: &str) -> Option<u32> {
    match text.trim() {
        "True" | "true" | "TRUE" => Some(1),
        "False" | "false" | "FALSE" => Some(2),
        other => match super::normalize_proposal_id(other).as_str() {
            "0" => Some(2),
            "1" => Some(1),
            "2" => Some(3),
            _ => None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn support_values_map_to_basic_choices() {
        assert_eq!(support_choice("1.0"), Some(1));
        assert_eq!(support_choice("0"), Some(2));
        assert_eq!(support_choice("2.0"), Some(3));
        assert_eq!(support_choice("True"), Some(1));
        assert_eq!(support_choice("False"), Some(2));
        assert_eq!(support_choice("3"), None);
        assert_eq!(support_choice(""), None);
    }
}
