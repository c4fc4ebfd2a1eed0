//! Per-proposal metadata for batches: a proposal export CSV (e.g. a
//! Snapshot space's proposals) with each proposal's quorum and official
//! status, named in a proposal file's `[batch]`.

use std::collections::HashMap;
use std::path::PathBuf;

use csv::StringRecord;
use serde_json::value::RawValue;

use super::csv_file::CsvFile;
use super::{normalize_proposal_id, OfficialStatus};
use crate::amount::{Amount, AmountUnit};
use crate::error::{Error, Location, Result};

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
    /// Column with the scores the source published, one per choice: a
    /// JSON list (`[1200.5, 30]`, as the Snapshot hub's `scores`).
    pub scores_column: Option<String>,
    /// Column with the published total of the votes' power (the hub's
    /// `scores_total`, Decentraland's `Total VP`).
    pub scores_total_column: Option<String>,
    /// Column with the number of votes the source counted (the hub's
    /// `votes`, Decentraland's `Votes`).
    pub votes_column: Option<String>,
    /// Compare canceled proposals too ("what would have happened"), marked
    /// `canceled` as their official outcome, instead of listing them as
    /// skipped.
    pub include_canceled: bool,
    /// Status values that mean "passed".
    pub passed: Vec<String>,
    /// Status values that mean "defeated".
    pub defeated: Vec<String>,
}

/// What a source publishes about one proposal's scores, as written there.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PublishedScores {
    /// One score per choice, in the proposal's choice order (`None`: not
    /// published).
    pub scores: Option<Vec<String>>,
    /// The total of the valid votes' power (`None`: not published).
    pub total: Option<String>,
    /// The number of votes (`None`: not published).
    pub votes: Option<String>,
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
    /// The status as written, when it is neither a passed nor a defeated
    /// value (the batch lists these: the official outcome is unknown).
    pub other_status: Option<String>,
    /// The scores the source published, if the file has them.
    pub published: PublishedScores,
}

/// Reads the metadata file of `spec` (none: `None`), facts by normalised
/// proposal id. A file whose first non-blank byte is `{` or `[` is read as
/// JSON: the hub's GraphQL answer `{"data": {"proposals": [...]}}`,
/// `{"proposals": [...]}` or a bare list, the spec's column names read as
/// the proposals' field names (`id`, `title`, `state`, `quorum`, `scores`,
/// `scores_total`).
pub fn read(spec: &BatchSpec, decimals: u8) -> Result<Option<HashMap<String, Facts>>> {
    let Some(path) = &spec.metadata else {
        return Ok(None);
    };
    if super::starts_like_json(path)? {
        let text = super::read_text(path, super::MAX_JSON_BYTES, "JSON")?;
        return read_json(spec, decimals, path, &text).map(Some);
    }
    let mut csv = CsvFile::open(path)?;
    let id = csv.required_column(Some(&spec.id_column), &[])?;
    let optional = |csv: &CsvFile, name: &Option<String>| {
        name.as_deref()
            .map(|c| csv.required_column(Some(c), &[]))
            .transpose()
    };
    let quorum = optional(&csv, &spec.quorum_column)?;
    let status = optional(&csv, &spec.status_column)?;
    let title = optional(&csv, &spec.title_column)?;
    let scores = optional(&csv, &spec.scores_column)?;
    let scores_total = optional(&csv, &spec.scores_total_column)?;
    let votes = optional(&csv, &spec.votes_column)?;
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
        let published = PublishedScores {
            scores: match scores {
                Some(c) => {
                    Some(score_list(&record[c]).map_err(|why| Error::input(csv.at(line, c), why))?)
                }
                None => None,
            },
            total: scores_total.map(|c| record[c].trim().to_string()),
            votes: votes.map(|c| record[c].trim().to_string()),
        };
        let key = normalize_proposal_id(&record[id]);
        if let Some(first) = lines.insert(key.clone(), line) {
            return Err(listed_twice(
                csv.at(line, id),
                &key,
                &format!("line {first}"),
            ));
        }
        let status_text = status.map(|c| record[c].trim());
        facts.insert(
            key,
            facts_of(
                spec,
                q,
                status_text,
                title.map(|c| record[c].trim()),
                published,
            ),
        );
    }
    Ok(Some(facts))
}

fn facts_of(
    spec: &BatchSpec,
    quorum: Option<Amount>,
    status: Option<&str>,
    title: Option<&str>,
    published: PublishedScores,
) -> Facts {
    let official = status.and_then(|v| {
        if spec.passed.iter().any(|p| p == v) {
            Some(OfficialStatus::Passed)
        } else if spec.defeated.iter().any(|d| d == v) {
            Some(OfficialStatus::Defeated)
        } else {
            None
        }
    });
    Facts {
        quorum,
        status: official,
        title: title.filter(|t| !t.is_empty()).map(str::to_string),
        other_status: status
            .filter(|_| official.is_none())
            .map(|s| crate::error::shown(s).to_string()),
        published,
    }
}

fn listed_twice(at: Location, key: &str, first: &str) -> Error {
    Error::input(
        at,
        format!(
            "proposal {:?} is listed twice (first on {first}); which row holds its facts is \
             a guess",
            crate::error::shown(key)
        ),
    )
}

/// A JSON list of numbers (or numeric strings), each kept as written: a
/// number's text is never passed through a float.
fn score_list(text: &str) -> std::result::Result<Vec<String>, String> {
    let items: Vec<&RawValue> =
        serde_json::from_str(text.trim()).map_err(|e| format!("not a JSON list of scores: {e}"))?;
    items
        .iter()
        .map(|v| match scalar_text(v) {
            Some(t) => Ok(t),
            None => Err(format!(
                "a score is {}, not a number",
                crate::error::shown(v.get())
            )),
        })
        .collect()
}

/// A JSON string's value or a number's text as written; `None` for
/// anything else.
fn scalar_text(v: &RawValue) -> Option<String> {
    let t = v.get();
    match t.as_bytes().first() {
        Some(b'"') => serde_json::from_str::<String>(t).ok(),
        Some(b'-' | b'0'..=b'9') => Some(t.to_string()),
        _ => None,
    }
}

type RawProposal<'a> = HashMap<String, &'a RawValue>;

/// The proposals of a JSON metadata file.
fn read_json(
    spec: &BatchSpec,
    decimals: u8,
    path: &std::path::Path,
    text: &str,
) -> Result<HashMap<String, Facts>> {
    #[derive(serde::Deserialize)]
    struct Data<'a> {
        #[serde(borrow)]
        proposals: Option<Vec<RawProposal<'a>>>,
    }
    #[derive(serde::Deserialize)]
    struct Top<'a> {
        #[serde(borrow)]
        data: Option<Data<'a>>,
        #[serde(borrow)]
        proposals: Option<Vec<RawProposal<'a>>>,
    }
    let not_json = |e: serde_json::Error| {
        Error::input(
            Location::line(path, e.line() as u64),
            format!("not a JSON proposal list: {e}"),
        )
    };
    let list: Vec<RawProposal<'_>> = if text.trim_start().starts_with('[') {
        serde_json::from_str(text).map_err(not_json)?
    } else {
        let top: Top<'_> = serde_json::from_str(text).map_err(not_json)?;
        top.data
            .and_then(|d| d.proposals)
            .or(top.proposals)
            .ok_or_else(|| {
                Error::input(
                    Location::file(path),
                    "a JSON metadata file is a list of proposals, {\"proposals\": [...]} or the \
                     hub's {\"data\": {\"proposals\": [...]}}",
                )
            })?
    };
    let mut facts = HashMap::new();
    let mut first_at: HashMap<String, usize> = HashMap::new();
    for (i, p) in list.iter().enumerate() {
        let at = |key: &str| Location::file(path).with_field(format!("proposals[{i}].{key}"));
        let text_of = |key: &Option<String>| -> Option<String> {
            p.get(key.as_deref()?).and_then(|v| scalar_text(v))
        };
        let id = text_of(&Some(spec.id_column.clone()))
            .ok_or_else(|| Error::input(at(&spec.id_column), "no proposal id"))?;
        let quorum = match text_of(&spec.quorum_column) {
            Some(q) => Some(Amount::parse(&q, AmountUnit::Token, decimals).map_err(|e| {
                Error::input(
                    at(spec.quorum_column.as_deref().unwrap_or("")),
                    e.to_string(),
                )
            })?),
            None => None,
        };
        let scores = match spec.scores_column.as_deref().and_then(|k| p.get(k)) {
            Some(v) if v.get() != "null" => Some(score_list(v.get()).map_err(|why| {
                Error::input(at(spec.scores_column.as_deref().unwrap_or("")), why)
            })?),
            _ => None,
        };
        let published = PublishedScores {
            scores,
            total: text_of(&spec.scores_total_column),
            votes: text_of(&spec.votes_column),
        };
        let key = normalize_proposal_id(&id);
        if let Some(first) = first_at.insert(key.clone(), i) {
            return Err(listed_twice(
                at(&spec.id_column),
                &key,
                &format!("proposals[{first}]"),
            ));
        }
        let status = text_of(&spec.status_column);
        let title = text_of(&spec.title_column);
        facts.insert(
            key,
            facts_of(spec, quorum, status.as_deref(), title.as_deref(), published),
        );
    }
    Ok(facts)
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
            scores_column: None,
            scores_total_column: None,
            votes_column: None,
            include_canceled: false,
            passed: vec!["passed".into()],
            defeated: vec!["rejected".into()],
        };
        let e = read(&spec, 18).unwrap_err().to_string();
        assert!(e.contains("m.csv line 4"), "{e}");
        assert!(e.contains("listed twice (first on line 2)"), "{e}");
    }
}
