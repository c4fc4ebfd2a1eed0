//! Reading real exports: vote files, holder snapshots, governor event logs.
//!
//! Architecture invariant: this is the only module that touches the file
//! system for data (the proposal loader reads the TOML itself). Readers
//! stream: CSV records are read one at a time into a reused buffer, or, on
//! the fast paths of plain vote, holder and delegation files, in bounded
//! windows parsed on every core; JSON is read once into a string and votes
//! are borrowed from it. A fast path never reports an error itself: on
//! anything it does not cover it gives up and the careful reader reads the
//! file again, so every message comes from one place.
//! Every rejected value becomes an [`Error`] naming file, line and field.

pub mod contributions;
#[cfg(feature = "conviction-sim")]
pub mod conviction_files;
pub(crate) mod csv_file;
pub mod csv_votes;
pub mod delegations;
pub mod detect;
pub(crate) mod file_text;
pub mod governor_events;
pub mod holders;
pub mod identities;
pub mod locks;
pub mod metadata;
pub mod proposal_dir;
pub mod snapshot_json;
pub mod source;
pub(crate) mod toml_file;

use serde::Deserialize;

use crate::amount::{Amount, AmountUnit};
use crate::error::{Error, Location, Result};

pub use crate::vote::ChoiceShape;
pub use governor_events::{GovernorLog, GovernorProposal, OfficialStatus};
pub use holders::{Holders, HoldersSource};
pub use source::{LoadedVotes, SourcedProposal, VoteRequest, VoteSource};

/// The formats a vote file can come in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VoteFormat {
    /// Plain CSV: voter, choice (name or 1-based number), optional weight.
    Csv,
    /// Snapshot hub JSON: a list of votes, a GraphQL response, or a
    /// snapshot.js fixture.
    SnapshotJson,
    /// Governor event logs (`VoteCast` / Aave `VoteEmitted` rows).
    GovernorEvents,
}

/// Column names of a vote CSV; `None` means "use the default names".
///
/// Besides the fixed columns, a key named after a mechanism's per-vote
/// attribute (`conviction = "Conviction"`) names that attribute's column;
/// by default an attribute is read from the column of its own name. The
/// proposal loader checks those extra keys against the registry.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct VoteColumns {
    /// Voter column (default: voter, address, member).
    pub voter: Option<String>,
    /// Choice column (default: choice).
    pub choice: Option<String>,
    /// Weight column (default: weight, votes, vp, balance; optional).
    pub weight: Option<String>,
    /// Proposal id column (default: proposal_id, proposal; optional).
    pub proposal: Option<String>,
    /// Time column used to find a voter's latest vote (default: created,
    /// timestamp; optional).
    pub created: Option<String>,
    /// Columns of mechanism attributes, by attribute name.
    #[serde(flatten)]
    pub attributes: std::collections::BTreeMap<String, String>,
}

impl VoteColumns {
    /// The column of attribute `name`: as configured, else its own name.
    pub fn attribute<'a>(&'a self, name: &'a str) -> &'a str {
        self.attributes.get(name).map_or(name, String::as_str)
    }
}

/// Normalises a proposal id as exporters write it: `43.0` and `43` are the
/// same proposal (pandas writes integer columns with gaps as floats).
pub fn normalize_proposal_id(id: &str) -> String {
    let id = id.trim();
    if let Some((int, frac)) = id.split_once('.') {
        if !int.is_empty()
            && int.bytes().all(|b| b.is_ascii_digit())
            && !frac.is_empty()
            && frac.bytes().all(|b| b == b'0')
        {
            return normalize_proposal_id(int);
        }
    }
    if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) {
        let t = id.trim_start_matches('0');
        return if t.is_empty() { "0".into() } else { t.into() };
    }
    id.to_string()
}

/// The longest physical line (and the largest CSV record) any reader
/// accepts, in bytes.
pub const MAX_LINE_BYTES: u64 = 16 << 20;

/// The largest TOML file (proposal, conviction file) read, in bytes.
pub const MAX_TOML_BYTES: u64 = 16 << 20;

/// The largest JSON file (Snapshot votes, holder balances) read whole into
/// memory, in bytes.
pub const MAX_JSON_BYTES: u64 = 256 << 20;

/// The largest Snapshot vote or holder JSON file read through a memory map
/// (from 4 MiB on, unless `GOVKIT_NO_MMAP` is set), in bytes: a hub export
/// of ten million votes is about 1.5 GB. A map copies nothing, so the
/// memory a file costs is its votes (about the file's size), not twice it.
pub const MAX_MAPPED_JSON_BYTES: u64 = 4 << 30;

/// An `Io` error about `path` with a message of govkit's own.
pub(crate) fn refuse(path: &std::path::Path, message: String) -> Error {
    Error::io(
        path,
        std::io::Error::new(std::io::ErrorKind::InvalidData, message),
    )
}

/// Opens `path` for reading if it is a regular file. A directory, a device
/// (`/dev/zero`), a FIFO or a socket is refused before it is opened, so an
/// endless or blocking input cannot hang or exhaust memory.
pub(crate) fn open_regular(path: &std::path::Path) -> Result<std::fs::File> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if !meta.is_file() {
        let what = if meta.is_dir() {
            "a directory"
        } else {
            "not a regular file (a device, pipe or socket)"
        };
        return Err(refuse(
            path,
            format!("is {what}; govkit reads regular files"),
        ));
    }
    std::fs::File::open(path).map_err(|e| Error::io(path, e))
}

/// The whole text of a regular file of at most `limit` bytes (`kind`
/// names the format in the error), without a leading UTF-8 byte order
/// mark.
pub(crate) fn read_text(path: &std::path::Path, limit: u64, kind: &str) -> Result<String> {
    use std::io::Read;
    let file = open_regular(path)?;
    let len = file.metadata().map_err(|e| Error::io(path, e))?.len();
    if len > limit {
        return Err(too_large(path, limit, kind));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > limit {
        return Err(too_large(path, limit, kind));
    }
    let mut text =
        String::from_utf8(bytes).map_err(|e| not_utf8(path, e.utf8_error().valid_up_to()))?;
    if text.starts_with('\u{feff}') {
        text.drain(..3);
    }
    Ok(text)
}

/// A file above the size limit of its kind.
fn too_large(path: &std::path::Path, limit: u64, kind: &str) -> Error {
    refuse(
        path,
        format!("is larger than the limit of {limit} bytes for a {kind} file"),
    )
}

/// A file that is not UTF-8 from byte `offset` on.
fn not_utf8(path: &std::path::Path, offset: usize) -> Error {
    refuse(
        path,
        format!("is not UTF-8 text (invalid byte at offset {offset})"),
    )
}

/// The text of a file of at most `limit` bytes, or `None` if it does not
/// exist (the fetchers' caches and the files they resume).
#[cfg(feature = "fetch")]
pub(crate) fn read_optional_text(
    path: &std::path::Path,
    limit: u64,
    kind: &str,
) -> Result<Option<String>> {
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        _ => read_text(path, limit, kind).map(Some),
    }
}

/// The first `lines` lines of a file (format sniffing), without reading
/// the rest; each line at most [`MAX_LINE_BYTES`].
pub fn read_head(path: &std::path::Path, lines: usize) -> Result<String> {
    use std::io::{BufRead, Read};
    let file = open_regular(path)?;
    let mut reader = std::io::BufReader::new(file);
    let mut head = String::new();
    for _ in 0..lines {
        let mut line = Vec::new();
        let n = (&mut reader)
            .take(MAX_LINE_BYTES + 1)
            .read_until(b'\n', &mut line)
            .map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        if n as u64 > MAX_LINE_BYTES {
            return Err(refuse(
                path,
                format!("has a line longer than the limit of {MAX_LINE_BYTES} bytes"),
            ));
        }
        head.push_str(&String::from_utf8_lossy(&line));
    }
    Ok(head)
}

/// Whether the file's first non-blank byte (after a UTF-8 byte order mark)
/// opens a JSON object or list: how every reader tells JSON from CSV. Only
/// the head is read, so a long single-line JSON file costs nothing here.
pub(crate) fn starts_like_json(path: &std::path::Path) -> Result<bool> {
    use std::io::Read;
    let mut head = Vec::with_capacity(4096);
    open_regular(path)?
        .take(4096)
        .read_to_end(&mut head)
        .map_err(|e| Error::io(path, e))?;
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&head);
    Ok(matches!(
        head.iter().find(|b| !b.is_ascii_whitespace()),
        Some(b'{' | b'[')
    ))
}

/// Whether `dir` is a folder with at least one entry (a missing folder
/// holds nothing).
pub fn holds_files(dir: &std::path::Path) -> Result<bool> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => Ok(entries.next().is_some()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(Error::io(dir, e)),
    }
}

/// Votes of a multi-proposal file grouped by proposal, in order of first
/// appearance; a proposal whose rows hold a bad value keeps the first error.
#[derive(Default)]
pub(crate) struct ProposalGroups {
    order: Vec<String>,
    groups: std::collections::HashMap<String, Result<Vec<crate::vote::Vote>>>,
}

impl ProposalGroups {
    pub fn push(&mut self, id: &str, vote: Result<crate::vote::Vote>) {
        let slot = match self.groups.get_mut(id) {
            Some(slot) => slot,
            None => {
                self.order.push(id.to_string());
                self.groups.entry(id.to_string()).or_insert(Ok(Vec::new()))
            }
        };
        if let Ok(list) = slot {
            match vote {
                Ok(v) => list.push(v),
                Err(e) => *slot = Err(e),
            }
        }
    }

    /// Each proposal's votes (one per voter, or every cast for a shape
    /// that keeps them), or its first error.
    pub fn finish(
        mut self,
        path: &std::path::Path,
        shape: ChoiceShape,
    ) -> Vec<csv_votes::ProposalVotes> {
        self.order
            .into_iter()
            .map(|id| {
                let votes = self
                    .groups
                    .remove(&id)
                    .expect("every id has a group")
                    .map(|v| crate::vote::VoteSet::for_shape(path.to_path_buf(), v, shape));
                (id, votes)
            })
            .collect()
    }
}

/// Parses an amount field, naming file, line and field on failure.
pub(crate) fn parse_amount(
    text: &str,
    unit: AmountUnit,
    decimals: u8,
    at: impl FnOnce() -> Location,
) -> Result<Amount> {
    Amount::parse(text, unit, decimals).map_err(|e| Error::input(at(), e.to_string()))
}

/// Tracks the proposal ids seen in a multi-proposal file when the user did
/// not pick one, so a file with several proposals is an error rather than
/// a silent mix.
#[derive(Default)]
pub(crate) struct SingleProposalGuard {
    first: Option<String>,
}

impl SingleProposalGuard {
    pub fn check(&mut self, id: &str, at: impl FnOnce() -> Location) -> Result<()> {
        match &self.first {
            None => {
                self.first = Some(id.to_string());
                Ok(())
            }
            Some(first) if first == id => Ok(()),
            Some(first) => Err(Error::input(
                at(),
                format!(
                    "the file holds votes of several proposals ({first:?}, {id:?}, ...): \
                     set `proposal_id` in [votes] to pick one"
                ),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proposal_ids_normalise_float_exports() {
        assert_eq!(normalize_proposal_id("43.0"), "43");
        assert_eq!(normalize_proposal_id("43"), "43");
        assert_eq!(normalize_proposal_id(" 007 "), "7");
        assert_eq!(normalize_proposal_id("43.5"), "43.5");
        assert_eq!(normalize_proposal_id("QmWaFX"), "QmWaFX");
    }
}
