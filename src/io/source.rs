//! Vote sources behind one trait: a proposal's votes (`read`) or every
//! proposal a file holds (`read_all`, for batches), whatever the format.
//!
//! Format detection is here and only here ([`VoteFormat::detect`]); the
//! proposal loader, `compare --all` and embedders all go through
//! [`open`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::csv_file::CsvFile;
use super::{csv_votes, snapshot_json, ChoiceShape, GovernorLog, OfficialStatus};
use super::{VoteColumns, VoteFormat};
use crate::amount::AmountUnit;
use crate::choices::Choices;
use crate::error::{Error, Location, Result};
use crate::vote::VoteSet;

/// Votes read for one proposal.
#[derive(Clone, Debug)]
pub struct LoadedVotes {
    /// One vote per voter.
    pub votes: VoteSet,
    /// Choices carried by the vote file (snapshot.js fixtures).
    pub choices: Option<Vec<String>>,
    /// The official outcome (governor logs).
    pub official: Option<OfficialStatus>,
    /// Facts the source records about the proposal by name (a governor
    /// log's `ProposalCreated` fields, e.g. `executor`); empty otherwise.
    pub facts: BTreeMap<String, String>,
    /// What the reader changed on the way in, for the report's notes
    /// (e.g. over-precise Snapshot `vp` rounded to base units).
    pub notes: Vec<String>,
}

/// One proposal of a multi-proposal source: its votes, or why they could
/// not be read (a bad value fails only its own proposal).
#[derive(Debug)]
pub struct SourcedProposal {
    /// The proposal id as the source writes it (normalised).
    pub id: String,
    /// Its votes, or the error that stopped them.
    pub votes: Result<LoadedVotes>,
}

/// What a source needs to know besides the file.
#[derive(Clone, Copy, Debug)]
pub struct VoteRequest<'a> {
    /// The token's decimals.
    pub decimals: u8,
    /// How CSV weights are written.
    pub unit: AmountUnit,
    /// CSV column names.
    pub columns: &'a VoteColumns,
    /// The proposal to select in a multi-proposal file (`read`).
    pub proposal_id: Option<&'a str>,
    /// The proposal's choices, when known before reading (CSV needs them
    /// to resolve names).
    pub choices: Option<&'a Choices>,
    /// The ballot's shape (CSV choice fields).
    pub shape: ChoiceShape,
    /// Mechanism attributes to read from each vote.
    pub attributes: &'a [&'static str],
}

/// A file of votes in one format.
pub trait VoteSource {
    /// The file.
    fn path(&self) -> &Path;

    /// The votes of one proposal (`request.proposal_id` picks it in a
    /// multi-proposal file).
    fn read(&self, request: &VoteRequest<'_>) -> Result<LoadedVotes>;

    /// Every proposal in the file, in source order.
    fn read_all(&self, request: &VoteRequest<'_>) -> Result<Vec<SourcedProposal>>;
}

/// The source for `path` in `format` (detected from the file when `None`).
pub fn open(path: &Path, format: Option<VoteFormat>) -> Result<Box<dyn VoteSource>> {
    let format = match format {
        Some(f) => f,
        None => VoteFormat::detect(path)?,
    };
    let path = path.to_path_buf();
    Ok(match format {
        VoteFormat::Csv => Box::new(CsvSource { path }),
        VoteFormat::SnapshotJson => Box::new(SnapshotSource { path }),
        VoteFormat::GovernorEvents => Box::new(GovernorSource { path }),
    })
}

impl VoteFormat {
    /// The format of a vote file: JSON if it starts with `[` or `{`, a
    /// governor event log if its CSV header has `event_name` and
    /// `proposalId`, else a plain vote CSV.
    pub fn detect(path: &Path) -> Result<VoteFormat> {
        if super::starts_like_json(path)? {
            return Ok(VoteFormat::SnapshotJson);
        }
        let csv = CsvFile::open(path)?;
        let governor = csv.column(None, &["event_name"], false)?.is_some()
            && csv.column(None, &["proposalId"], false)?.is_some();
        Ok(if governor {
            VoteFormat::GovernorEvents
        } else {
            VoteFormat::Csv
        })
    }
}

struct CsvSource {
    path: PathBuf,
}

impl CsvSource {
    fn options<'a>(&self, r: &VoteRequest<'a>) -> Result<csv_votes::CsvVoteOptions<'a>> {
        let choices = r.choices.ok_or_else(|| {
            Error::input(
                Location::file(&self.path),
                "a CSV vote file needs the proposal's choices",
            )
        })?;
        Ok(csv_votes::CsvVoteOptions {
            columns: r.columns,
            unit: r.unit,
            decimals: r.decimals,
            proposal_id: r.proposal_id,
            choices,
            shape: r.shape,
            attributes: r.attributes,
        })
    }
}

/// Votes without facts from the source.
fn plain(votes: VoteSet) -> LoadedVotes {
    LoadedVotes {
        votes,
        choices: None,
        official: None,
        facts: BTreeMap::new(),
        notes: Vec::new(),
    }
}

impl VoteSource for CsvSource {
    fn path(&self) -> &Path {
        &self.path
    }

    fn read(&self, r: &VoteRequest<'_>) -> Result<LoadedVotes> {
        csv_votes::read(&self.path, &self.options(r)?).map(plain)
    }

    fn read_all(&self, r: &VoteRequest<'_>) -> Result<Vec<SourcedProposal>> {
        let all = csv_votes::read_all(&self.path, &self.options(r)?)?;
        Ok(all
            .into_iter()
            .map(|(id, votes)| SourcedProposal {
                id,
                votes: votes.map(plain),
            })
            .collect())
    }
}

struct SnapshotSource {
    path: PathBuf,
}

impl SnapshotSource {
    fn options<'a>(r: &VoteRequest<'a>) -> snapshot_json::JsonVoteOptions<'a> {
        snapshot_json::JsonVoteOptions {
            decimals: r.decimals,
            proposal_id: r.proposal_id,
            attributes: r.attributes,
        }
    }
}

impl VoteSource for SnapshotSource {
    fn path(&self) -> &Path {
        &self.path
    }

    fn read(&self, r: &VoteRequest<'_>) -> Result<LoadedVotes> {
        let s = snapshot_json::read_with(&self.path, &SnapshotSource::options(r))?;
        Ok(LoadedVotes {
            votes: s.votes,
            choices: s.choices,
            official: None,
            facts: BTreeMap::new(),
            notes: s.rounded.note(r.decimals).into_iter().collect(),
        })
    }

    fn read_all(&self, r: &VoteRequest<'_>) -> Result<Vec<SourcedProposal>> {
        let (all, choices) = snapshot_json::read_all(&self.path, &SnapshotSource::options(r))?;
        Ok(all
            .into_iter()
            .map(|(id, votes)| SourcedProposal {
                id,
                votes: votes.map(|votes| LoadedVotes {
                    votes,
                    choices: choices.clone(),
                    official: None,
                    facts: BTreeMap::new(),
                    notes: Vec::new(),
                }),
            })
            .collect())
    }
}

struct GovernorSource {
    path: PathBuf,
}

impl VoteSource for GovernorSource {
    fn path(&self) -> &Path {
        &self.path
    }

    fn read(&self, r: &VoteRequest<'_>) -> Result<LoadedVotes> {
        let Some(id) = r.proposal_id else {
            return Err(Error::input(
                Location::file(&self.path).with_field("proposalId"),
                "a governor event log holds many proposals: set proposal_id",
            ));
        };
        let log = GovernorLog::read(&self.path, Some(id))?;
        let p = log.proposals.into_iter().next().ok_or_else(|| {
            Error::input(
                Location::file(&self.path).with_field("proposalId"),
                format!("no events for proposal {id:?}"),
            )
        })?;
        Ok(LoadedVotes {
            votes: p.votes,
            choices: None,
            official: Some(p.status),
            facts: p.facts,
            notes: Vec::new(),
        })
    }

    fn read_all(&self, _: &VoteRequest<'_>) -> Result<Vec<SourcedProposal>> {
        let log = GovernorLog::read(&self.path, None)?;
        Ok(log
            .proposals
            .into_iter()
            .map(|p| SourcedProposal {
                id: p.id,
                votes: Ok(LoadedVotes {
                    votes: p.votes,
                    choices: None,
                    official: Some(p.status),
                    facts: p.facts,
                    notes: Vec::new(),
                }),
            })
            .collect())
    }
}
