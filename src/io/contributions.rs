//! Funding rounds on disk: the round TOML, its contributions file
//! (`contributor,project,amount` as CSV, or a JSON list of objects with
//! those keys) and its identities; [`run`] is the library call behind
//! `govkit fund`.
//!
//! Amounts are in whole tokens with the round's decimals, read exactly
//! (a JSON number keeps its text). Every row counts; a bad value is an
//! error naming file, line and field.

use std::collections::BTreeMap;
use std::path::Path;

use csv::StringRecord;
use serde_json::value::RawValue;

use super::csv_file::CsvFile;
use super::{identities, parse_amount, toml_file};
use crate::amount::AmountUnit;
use crate::error::{Error, Location, Result};
use crate::funding::{self, Contribution, Contributions, RoundFile, RoundReport};
use crate::vote::Voter;

/// Column names, first match (case-insensitive) wins.
const CONTRIBUTOR: &[&str] = &["contributor", "donor", "voter", "address", "from"];
const PROJECT: &[&str] = &["project", "grant", "recipient", "project_id", "to"];
const AMOUNT: &[&str] = &["amount", "value", "contribution"];

/// Reads and validates a round file.
pub fn load(path: impl AsRef<Path>) -> Result<RoundFile> {
    toml_file::load(path.as_ref(), RoundFile::from_toml)
}

/// Reads contributions (CSV, or JSON when the file starts with `[`).
pub fn read(path: &Path, decimals: u8) -> Result<Contributions> {
    let head = super::read_head(path, 1)?;
    if head
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('[')
    {
        read_json(path, decimals)
    } else {
        read_csv(path, decimals)
    }
}

fn read_csv(path: &Path, decimals: u8) -> Result<Contributions> {
    let mut csv = CsvFile::open(path)?;
    let columns = [
        csv.required_column(None, CONTRIBUTOR)?,
        csv.required_column(None, PROJECT)?,
        csv.required_column(None, AMOUNT)?,
    ];
    let mut rows = Vec::new();
    let mut record = StringRecord::new();
    while let Some(line) = csv.next_record(&mut record)? {
        let [who, project, amount] = columns.map(|i| record.get(i).unwrap_or("").trim());
        rows.push(row(
            who,
            project,
            amount,
            decimals,
            |k| csv.at(line, columns[k]),
            line,
        )?);
    }
    Ok(Contributions {
        path: path.to_path_buf(),
        rows,
    })
}

fn row(
    who: &str,
    project: &str,
    amount: &str,
    decimals: u8,
    at: impl Fn(usize) -> Location,
    line: u64,
) -> Result<Contribution> {
    if who.is_empty() {
        return Err(Error::input(at(0), "the contributor is empty"));
    }
    if project.is_empty() {
        return Err(Error::input(at(1), "the project is empty"));
    }
    Ok(Contribution {
        contributor: Voter::new(who),
        project: project.to_string(),
        amount: parse_amount(amount, AmountUnit::Token, decimals, || at(2))?,
        line,
    })
}

fn read_json(path: &Path, decimals: u8) -> Result<Contributions> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let line_of = |raw: &RawValue| {
        let offset = (raw.get().as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
        1 + text[..offset.min(text.len())].matches('\n').count() as u64
    };
    let list: Vec<&RawValue> = serde_json::from_str(&text).map_err(|e| {
        Error::input(
            Location::line(path, e.line() as u64),
            format!("not a JSON list of contributions: {e}"),
        )
    })?;
    let mut rows = Vec::with_capacity(list.len());
    for raw in list {
        let line = line_of(raw);
        let object: BTreeMap<String, &RawValue> = serde_json::from_str(raw.get()).map_err(|e| {
            Error::input(
                Location::line(path, line),
                format!("a contribution is an object: {e}"),
            )
        })?;
        let field = |names: &[&str], k: usize| -> Result<String> {
            let value = names
                .iter()
                .find_map(|n| object.iter().find(|(key, _)| key.eq_ignore_ascii_case(n)))
                .map(|(_, v)| *v)
                .ok_or_else(|| {
                    Error::input(
                        Location::line(path, line).with_field(names[0]),
                        format!("missing (looked for {})", names.join(", ")),
                    )
                })?;
            let text = value.get();
            Ok(match serde_json::from_str::<String>(text) {
                Ok(s) => s,
                Err(_) if k == 2 || !text.starts_with(['{', '[']) => text.to_string(),
                Err(_) => String::new(),
            })
        };
        let who = field(CONTRIBUTOR, 0)?;
        let project = field(PROJECT, 1)?;
        let amount = field(AMOUNT, 2)?;
        let names = [CONTRIBUTOR[0], PROJECT[0], AMOUNT[0]];
        rows.push(row(
            who.trim(),
            project.trim(),
            amount.trim(),
            decimals,
            |k| Location::line(path, line).with_field(names[k]),
            line,
        )?);
    }
    Ok(Contributions {
        path: path.to_path_buf(),
        rows,
    })
}

/// A round file with everything it names read: the round, its
/// contributions and identities.
struct RoundInputs {
    file: RoundFile,
    contributions: Contributions,
    identities: Option<crate::identities::Identities>,
}

fn read_inputs(path: &Path) -> Result<RoundInputs> {
    let file = load(path)?;
    let contributions = read(&file.contributions, file.round.decimals)?;
    let identities = file
        .identities
        .as_deref()
        .map(identities::read)
        .transpose()?;
    Ok(RoundInputs {
        file,
        contributions,
        identities,
    })
}

/// Reads a round file, its contributions and identities, and runs the
/// round ([`funding::fund`]).
pub fn run(path: impl AsRef<Path>) -> Result<RoundReport> {
    let i = read_inputs(path.as_ref())?;
    funding::fund(&i.file.round, &i.contributions, i.identities.as_ref())
}

/// Reads a round and splits one contributor (`govkit fund --sybil`): see
/// [`funding::sybil::analyze`].
pub fn sybil(
    path: impl AsRef<Path>,
    who: &crate::vote::Voter,
    split: u64,
    max_split: u64,
) -> Result<funding::sybil::RoundSybil> {
    let i = read_inputs(path.as_ref())?;
    funding::sybil::analyze(
        &i.file.round,
        &i.contributions,
        i.identities.as_ref(),
        who,
        split,
        max_split,
    )
}
