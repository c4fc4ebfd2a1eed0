//! Plain CSV votes: `voter,choice[,weight][,proposal][,created]`.
//!
//! A choice is a name from the proposal's choices or a 1-based number; for
//! list ballots several are separated by `;` or written as a JSON list
//! (`[1,3]`), and weighted ballots take a JSON object (`{"1": 2, "3": 1}`).
//! A name that is not a choice is an error (it means the proposal file and
//! the votes disagree); a number out of range is an invalid ballot, as in
//! Snapshot, and is counted as such.

mod fast;
#[cfg(test)]
mod fast_tests;

use std::path::Path;

use csv::StringRecord;

use super::csv_file::CsvFile;
use super::{
    normalize_proposal_id, parse_amount, snapshot_json, ChoiceShape, SingleProposalGuard,
    VoteColumns,
};
use crate::amount::AmountUnit;
use crate::choices::Choices;
use crate::error::{Error, Location, Result};
use crate::vote::{Attributes, CastAt, Selection, Vote, VoteSet, Voter};

/// What the CSV reader needs to know besides the file.
#[derive(Clone, Debug)]
pub struct CsvVoteOptions<'a> {
    /// Column names.
    pub columns: &'a VoteColumns,
    /// How weights are written.
    pub unit: AmountUnit,
    /// The token's decimals.
    pub decimals: u8,
    /// Keep only this proposal's rows (needs a proposal column).
    pub proposal_id: Option<&'a str>,
    /// The proposal's choices, to resolve names.
    pub choices: &'a Choices,
    /// The ballot's shape.
    pub shape: ChoiceShape,
    /// Mechanism attributes to read, where the file has their column.
    pub attributes: &'a [&'static str],
}

/// Reads a vote CSV, keeping each voter's latest vote.
///
/// The file is read on the fast path (see `fast`) on every core, or, if
/// that path is not sure of it, record by record; both give the same votes
/// and the same errors.
pub fn read(path: &Path, opts: &CsvVoteOptions<'_>) -> Result<VoteSet> {
    read_split(path, opts, fast::Split::new(threads()))
}

use crate::parallel::threads;

/// [`read`], the fast path cut up as `split` says.
fn read_split(path: &Path, opts: &CsvVoteOptions<'_>, split: fast::Split) -> Result<VoteSet> {
    match fast::read(path, opts, fast::Mode::One, split) {
        Some(rows) if opts.shape.keeps_every_cast() => {
            Ok(VoteSet::every_cast(path.to_path_buf(), rows.votes))
        }
        Some(rows) => Ok(VoteSet::latest_per_voter_hashed(
            path.to_path_buf(),
            rows.votes,
            rows.hashes,
        )),
        None => read_streaming(path, opts),
    }
}

/// [`read`] record by record: the exact path, and the one that reports
/// what is wrong with a file the fast path does not take.
fn read_streaming(path: &Path, opts: &CsvVoteOptions<'_>) -> Result<VoteSet> {
    let mut guard = SingleProposalGuard::default();
    let mut votes = Vec::new();
    scan(path, opts, |id, vote, at| {
        if let Some(id) = id {
            if opts.proposal_id.is_none() {
                guard.check(id, at)?;
            }
        }
        votes.push(vote?);
        Ok(())
    })?;
    Ok(VoteSet::for_shape(path.to_path_buf(), votes, opts.shape))
}

/// The votes of one proposal of a multi-proposal CSV, or why they could not
/// be read (e.g. a choice name the template does not know).
pub type ProposalVotes = (String, Result<VoteSet>);

/// Reads every proposal of a multi-proposal vote CSV (a Snapshot export)
/// in one pass, in order of first appearance. A bad value fails only its
/// own proposal; a malformed file fails the whole read.
pub fn read_all(path: &Path, opts: &CsvVoteOptions<'_>) -> Result<Vec<ProposalVotes>> {
    read_all_split(path, opts, fast::Split::new(threads()))
}

/// [`read_all`], the fast path cut up as `split` says.
fn read_all_split(
    path: &Path,
    opts: &CsvVoteOptions<'_>,
    split: fast::Split,
) -> Result<Vec<ProposalVotes>> {
    if let Some(rows) = fast::read(path, opts, fast::Mode::All, split) {
        let mut groups = super::ProposalGroups::default();
        for (id, vote) in rows.ids.iter().zip(rows.votes) {
            groups.push(id, Ok(vote));
        }
        return Ok(groups.finish(path, opts.shape));
    }
    read_all_streaming(path, opts)
}

/// [`read_all`] record by record (see [`read_streaming`]).
fn read_all_streaming(path: &Path, opts: &CsvVoteOptions<'_>) -> Result<Vec<ProposalVotes>> {
    let mut groups = super::ProposalGroups::default();
    let mut no_column = false;
    scan(path, opts, |id, vote, _| {
        match id {
            Some(id) => groups.push(id, vote),
            None => no_column = true,
        }
        Ok(())
    })?;
    if no_column {
        return Err(Error::input(
            Location::line(path, 1),
            "the file has no proposal column (name it with `columns.proposal`)",
        ));
    }
    Ok(groups.finish(path, opts.shape))
}

/// Streams the file: for each row of the wanted proposal (all rows if none
/// is wanted), calls `sink(proposal id, vote or row error, location)`.
/// Errors of the file itself (missing columns, malformed CSV) end the scan.
fn scan(
    path: &Path,
    opts: &CsvVoteOptions<'_>,
    mut sink: impl FnMut(Option<&str>, Result<Vote>, &dyn Fn() -> Location) -> Result<()>,
) -> Result<()> {
    let mut csv = CsvFile::open(path)?;
    let cols = &opts.columns;
    let voter_col = csv.required_column(cols.voter.as_deref(), &["voter", "address", "member"])?;
    let choice_col = csv.required_column(cols.choice.as_deref(), &["choice"])?;
    let weight_col = csv.column(
        cols.weight.as_deref(),
        &["weight", "votes", "vp", "balance"],
        false,
    )?;
    let proposal_col = csv.column(
        cols.proposal.as_deref(),
        &["proposal_id", "proposal", "proposalid", "proposal id"],
        false,
    )?;
    let created_col = csv.column(cols.created.as_deref(), &["created", "timestamp"], false)?;
    let mut attribute_cols = Vec::with_capacity(opts.attributes.len());
    for &name in opts.attributes {
        let configured = cols.attributes.get(name).map(String::as_str);
        if let Some(c) = csv.column(configured, &[name], false)? {
            attribute_cols.push((name, c));
        }
    }
    let wanted = match (opts.proposal_id, proposal_col) {
        (Some(_), None) => {
            return Err(Error::input(
                Location::line(path, 1),
                "`proposal_id` is set but the file has no proposal column \
                 (name it with `columns.proposal`)",
            ))
        }
        (Some(id), Some(_)) => Some(normalize_proposal_id(id)),
        (None, _) => None,
    };

    // The first `created` value's kind (a number, else a timestamp) and
    // line: numbers and text cannot be ordered against each other.
    let mut created_kind: Option<(bool, u64)> = None;
    let mut record = StringRecord::new();
    while let Some(line) = csv.next_record(&mut record)? {
        let at = |col: usize| csv.at(line, col);
        let id = proposal_col.map(|pc| normalize_proposal_id(&record[pc]));
        if let (Some(w), Some(id)) = (&wanted, &id) {
            if w != id {
                continue;
            }
        }
        if let Some(c) = created_col {
            let text = record.get(c).unwrap_or("").trim();
            if !text.is_empty() {
                let number = text.bytes().all(|b| b.is_ascii_digit());
                match created_kind {
                    None => created_kind = Some((number, line)),
                    Some((first, first_line)) if first != number => {
                        let kind = |n: bool| if n { "a number" } else { "a timestamp" };
                        return Err(Error::input(
                            at(c),
                            format!(
                                "{:?} is {}, but line {first_line}'s is {}: mixed formats \
                                 cannot be put in time order",
                                crate::error::shown(text),
                                kind(number),
                                kind(first)
                            ),
                        ));
                    }
                    Some(_) => {}
                }
            }
        }
        let vote = (|| {
            let voter_text = record[voter_col].trim();
            if voter_text.is_empty() {
                return Err(Error::input(at(voter_col), "the voter is empty"));
            }
            let mut selection = parse_choice_field(&record[choice_col], opts.choices, opts.shape)
                .map_err(|message| Error::input(at(choice_col), message))?;
            if opts.shape == ChoiceShape::Fractional {
                selection = fractional_amounts(selection, opts.unit, opts.decimals)
                    .map_err(|message| Error::input(at(choice_col), message))?;
            }
            let weight = match weight_col {
                Some(wc) => Some(parse_amount(&record[wc], opts.unit, opts.decimals, || {
                    at(wc)
                })?),
                None => None,
            };
            let cast_at = created_col
                .map(|c| record[c].trim())
                .filter(|t| !t.is_empty())
                .map(CastAt::new);
            let mut attributes = Attributes::new();
            for &(name, c) in &attribute_cols {
                attributes.set(name, &record[c]);
            }
            Ok(Vote {
                voter: Some(Voter::new(voter_text)),
                selection,
                weight,
                cast_at,
                line,
                attributes,
            })
        })();
        let pc = proposal_col.unwrap_or(voter_col);
        sink(id.as_deref(), vote, &|| at(pc))?;
    }
    Ok(())
}

/// Reads one choice field. `Err` only for names that are not choices.
pub(crate) fn parse_choice_field(
    text: &str,
    choices: &Choices,
    shape: ChoiceShape,
) -> std::result::Result<Selection, String> {
    let text = text.trim();
    if text.starts_with('[') || text.starts_with('{') {
        if shape == ChoiceShape::Fractional && text.starts_with('{') {
            return snapshot_json::parse_selection(&numbered_keys(text, choices)?);
        }
        return snapshot_json::parse_selection(text);
    }
    let items: Vec<&str> = if text.contains(';') {
        text.split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect()
    } else {
        vec![text]
    };
    let mut numbers = Vec::with_capacity(items.len());
    for item in &items {
        if item.bytes().all(|b| b.is_ascii_digit()) && !item.is_empty() {
            match item.parse::<u32>() {
                Ok(n) => numbers.push(n),
                Err(_) => return Ok(Selection::Unreadable(text.into())),
            }
        } else {
            match choices.number_of(item) {
                Some(n) => numbers.push(n),
                None => {
                    return Err(format!(
                        "{item:?} is not a choice of this proposal (choices: {})",
                        choices.names().join(", ")
                    ))
                }
            }
        }
    }
    Ok(match (shape, numbers.as_slice()) {
        (ChoiceShape::Single | ChoiceShape::Fractional, [one]) => Selection::Single(*one),
        (ChoiceShape::Weighted, [one]) => {
            Selection::Weighted(vec![(*one, crate::vote::Weight::from(1i64))].into())
        }
        _ => Selection::List(numbers.into()),
    })
}

/// A fractional cast's amounts in base units: written in the file's unit,
/// a fraction of a base unit is an error (the contract casts integers).
fn fractional_amounts(
    selection: Selection,
    unit: AmountUnit,
    decimals: u8,
) -> std::result::Result<Selection, String> {
    let Selection::Weighted(amounts) = selection else {
        return Ok(selection);
    };
    let scale = match unit {
        AmountUnit::Token => num_bigint::BigInt::from(10u8).pow(u32::from(decimals)),
        AmountUnit::Base => num_bigint::BigInt::from(1u8),
    };
    amounts
        .into_vec()
        .into_iter()
        .map(|(c, a)| {
            let units = a.to_rational() * num_rational::BigRational::from_integer(scale.clone());
            if units.is_integer() {
                Ok((c, crate::vote::Weight::new(units)))
            } else {
                Err(format!(
                    "the amount for choice {c} has more decimals than the token ({decimals})"
                ))
            }
        })
        .collect::<std::result::Result<Box<[_]>, String>>()
        .map(Selection::Weighted)
}

/// A fractional cast's map may name its choices (`{"For": 2, "Against":
/// 1}`): the names become choice numbers, the amounts stay as written.
/// A text that is no JSON object is left for the JSON reader to call
/// unreadable.
fn numbered_keys(text: &str, choices: &Choices) -> std::result::Result<String, String> {
    type RawMap = std::collections::BTreeMap<String, Box<serde_json::value::RawValue>>;
    let Ok(map) = serde_json::from_str::<RawMap>(text) else {
        return Ok(text.to_string());
    };
    let mut parts = Vec::with_capacity(map.len());
    let mut seen = std::collections::BTreeSet::new();
    for (key, value) in map {
        let key = match choices.number_of(key.trim()) {
            Some(n) if !key.trim().bytes().all(|b| b.is_ascii_digit()) => n.to_string(),
            _ => key,
        };
        if !seen.insert(key.clone()) {
            return Err(format!(
                "choice {key} is given twice (by name and by number)"
            ));
        }
        parts.push(format!(
            "{}:{}",
            serde_json::Value::String(key),
            value.get()
        ));
    }
    Ok(format!("{{{}}}", parts.join(",")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choice_fields_accept_names_numbers_and_lists() {
        let c = Choices::new(vec!["Alice".into(), "Bob".into(), "Carol".into()]).unwrap();
        let p = |t: &str, s| parse_choice_field(t, &c, s);
        assert_eq!(p("bob", ChoiceShape::Single), Ok(Selection::Single(2)));
        assert_eq!(p("7", ChoiceShape::Single), Ok(Selection::Single(7)));
        assert_eq!(
            p("Alice;3", ChoiceShape::List),
            Ok(Selection::List(vec![1, 3].into()))
        );
        assert_eq!(
            p("Alice", ChoiceShape::List),
            Ok(Selection::List(vec![1].into()))
        );
        assert_eq!(
            p("[2,1]", ChoiceShape::List),
            Ok(Selection::List(vec![2, 1].into()))
        );
        assert!(p("Dave", ChoiceShape::Single)
            .unwrap_err()
            .contains("\"Dave\" is not a choice"));
    }
}
