//! Per-proposal metadata for batches: a proposal export CSV (e.g. a
//! Snapshot space's proposals) with each proposal's quorum and official
//! status, named in a proposal file's `[batch]`.

use std::collections::HashMap;
use std::path::PathBuf;

use csv::StringRecord;

use super::csv_file::CsvFile;
use super::{normalize_proposal_id, OfficialStatus};
use crate::amount::{Amount, AmountUnit};
use crate::error::{Error, Result};

/// How `govkit compare --all` finds per-proposal facts in a metadata CSV
/// (e.g. a Snapshot space's proposal export): quorum and official outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchSpec {
    /// The metadata file (resolved path), if any.
    pub metadata: Option<PathBuf>,
    /// Column with the proposal id (as in the vote file).
    pub id_column: String,
    /// Column with each proposal's quorum in tokens (replaces
    /// `rules.quorum`).
    pub quorum_column: Option<String>,
    /// Column with the official status.
    pub status_column: Option<String>,
    /// Column with the proposal's title.
    pub title_column: Option<String>,
    /// Status values that mean "passed".
    pub passed: Vec<String>,
    /// Status values that mean "defeated".
    pub defeated: Vec<String>,
}

/// What a metadata row says about one proposal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Facts {
    /// Its quorum in tokens, if the file has a quorum column.
    pub quorum: Option<Amount>,
    /// Its official outcome, if the status is one of the listed values.
    pub status: Option<OfficialStatus>,
    /// Its title, if the file has a title column.
    pub title: Option<String>,
}

/// Reads the metadata file of `spec` (none: `None`), facts by normalised
/// proposal id.
pub fn read(spec: &BatchSpec, decimals: u8) -> Result<Option<HashMap<String, Facts>>> {
    let Some(path) = &spec.metadata else {
        return Ok(None);
    };
    let mut csv = CsvFile::open(path)?;
    let id = csv.required_column(Some(&spec.id_column), &[])?;
    let quorum = spec
        .quorum_column
        .as_deref()
        .map(|c| csv.required_column(Some(c), &[]))
        .transpose()?;
    let status = spec
        .status_column
        .as_deref()
        .map(|c| csv.required_column(Some(c), &[]))
        .transpose()?;
    let title = spec
        .title_column
        .as_deref()
        .map(|c| csv.required_column(Some(c), &[]))
        .transpose()?;
    let mut facts = HashMap::new();
    let mut lines: HashMap<String, u64> = HashMap::new();
    let mut record = StringRecord::new();
    while let Some(line) = csv.next_record(&mut record)? {
        let q = match quorum {
            Some(c) => Some(
                Amount::parse(&record[c], AmountUnit::Token, decimals)
                    .map_err(|e| Error::input(csv.at(line, c), e.to_string()))?,
            ),
            None => None,
        };
        let st = status.and_then(|c| {
            let v = record[c].trim();
            if spec.passed.iter().any(|p| p == v) {
                Some(OfficialStatus::Passed)
            } else if spec.defeated.iter().any(|d| d == v) {
                Some(OfficialStatus::Defeated)
            } else {
                None
            }
        });
        let key = normalize_proposal_id(&record[id]);
        if let Some(first) = lines.insert(key.clone(), line) {
            return Err(Error::input(
                csv.at(line, id),
                format!(
                    "proposal {:?} is listed twice (first on line {first}); which row holds \
                     its facts is a guess",
                    crate::error::shown(&key)
                ),
            ));
        }
        facts.insert(
            key,
            Facts {
                quorum: q,
                status: st,
                title: title
                    .map(|c| record[c].trim().to_string())
                    .filter(|t| !t.is_empty()),
            },
        );
    }
    Ok(Some(facts))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proposal_listed_twice_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.csv");
        std::fs::write(&path, "id,status\n0x1,passed\n0x2,rejected\n0x1,rejected\n").unwrap();
        let spec = BatchSpec {
            metadata: Some(path),
            id_column: "id".into(),
            quorum_column: None,
            status_column: Some("status".into()),
            title_column: None,
            passed: vec!["passed".into()],
            defeated: vec!["rejected".into()],
        };
        let e = read(&spec, 18).unwrap_err().to_string();
        assert!(e.contains("m.csv line 4"), "{e}");
        assert!(e.contains("listed twice (first on line 2)"), "{e}");
    }
}
