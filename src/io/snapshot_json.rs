//! Snapshot votes as JSON: the hub's vote list, a GraphQL response
//! `{"data": {"votes": [...]}}`, or a snapshot.js test fixture
//! `{"proposal": {"choices": [...]}, "votes": [...]}`.
//!
//! Numbers are read from their text (`serde_json::value::RawValue`), never
//! through `f64`: `"vp": 116.48963677055151` is exactly that many tokens.
//! Fields used: `voter`, `choice` (number, list or `{"index": weight}`),
//! `vp` or `balance`, `created`, `proposal` (`{"id": ...}` or an id).

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::{normalize_proposal_id, parse_amount, SingleProposalGuard};
use crate::amount::AmountUnit;
use crate::decimal::DecimalLiteral;
use crate::error::{Error, Location, Result};
use crate::vote::{Attributes, CastAt, Selection, Vote, VoteSet, Voter};

/// What a Snapshot JSON file holds.
#[derive(Debug)]
pub struct SnapshotVotes {
    /// The votes, one per voter.
    pub votes: VoteSet,
    /// The choices, when the file carries them (snapshot.js fixtures).
    pub choices: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow)]
    data: Option<&'a RawValue>,
    #[serde(borrow)]
    votes: Option<&'a RawValue>,
    proposal: Option<FixtureProposal>,
}

#[derive(Deserialize)]
struct FixtureProposal {
    choices: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct RawVote<'a> {
    voter: Option<String>,
    #[serde(borrow)]
    choice: Option<&'a RawValue>,
    #[serde(borrow)]
    vp: Option<&'a RawValue>,
    #[serde(borrow)]
    balance: Option<&'a RawValue>,
    #[serde(borrow)]
    created: Option<&'a RawValue>,
    #[serde(borrow)]
    proposal: Option<&'a RawValue>,
}

/// How to read a Snapshot JSON file besides the file itself.
#[derive(Clone, Copy, Debug, Default)]
pub struct JsonVoteOptions<'a> {
    /// The token's decimals (amounts are in tokens).
    pub decimals: u8,
    /// Keep only this proposal's votes.
    pub proposal_id: Option<&'a str>,
    /// Mechanism attributes to read from each vote's fields.
    pub attributes: &'a [&'static str],
}

/// Reads Snapshot votes from `path`, amounts in tokens with `decimals`.
pub fn read(path: &Path, decimals: u8, proposal_id: Option<&str>) -> Result<SnapshotVotes> {
    read_with(
        path,
        &JsonVoteOptions {
            decimals,
            proposal_id,
            attributes: &[],
        },
    )
}

/// Reads Snapshot votes from `path` with all options.
pub fn read_with(path: &Path, opts: &JsonVoteOptions<'_>) -> Result<SnapshotVotes> {
    let text = super::read_text(path, super::MAX_JSON_BYTES, "JSON")?;
    parse_with(path, &text, opts)
}

/// Parses Snapshot votes from `text` (`path` only names the source).
pub fn parse(
    path: &Path,
    text: &str,
    decimals: u8,
    proposal_id: Option<&str>,
) -> Result<SnapshotVotes> {
    parse_with(
        path,
        text,
        &JsonVoteOptions {
            decimals,
            proposal_id,
            attributes: &[],
        },
    )
}

/// Parses the votes of one proposal; a file with votes of several
/// proposals needs `proposal_id`.
pub fn parse_with(path: &Path, text: &str, opts: &JsonVoteOptions<'_>) -> Result<SnapshotVotes> {
    let mut guard = SingleProposalGuard::default();
    let mut votes = Vec::new();
    let choices = scan(path, text, opts, |id, vote, at| {
        if let (Some(id), None) = (id, opts.proposal_id) {
            guard.check(id, at)?;
        }
        votes.push(vote?);
        Ok(())
    })?;
    Ok(SnapshotVotes {
        votes: VoteSet::latest_per_voter(path.to_path_buf(), votes),
        choices,
    })
}

/// Every proposal of a multi-proposal Snapshot JSON file (a space's vote
/// export) in order of first appearance, and the choices the file carries.
/// A bad value fails only its own proposal; a malformed file fails the
/// whole read; votes that name no proposal are an error.
pub fn read_all(
    path: &Path,
    opts: &JsonVoteOptions<'_>,
) -> Result<(Vec<super::csv_votes::ProposalVotes>, Option<Vec<String>>)> {
    let text = super::read_text(path, super::MAX_JSON_BYTES, "JSON")?;
    let mut groups = super::ProposalGroups::default();
    let choices = scan(path, &text, opts, |id, vote, at| {
        let id = id.ok_or_else(|| Error::input(at(), "the vote names no proposal"))?;
        groups.push(id, vote);
        Ok(())
    })?;
    Ok((
        groups.finish(path, crate::vote::ChoiceShape::Single),
        choices,
    ))
}

/// Calls `sink(proposal id, vote or value error, location)` for each vote
/// of the wanted proposal (all votes if none is wanted); returns the
/// choices the file carries. Errors of the file itself end the scan.
fn scan(
    path: &Path,
    text: &str,
    opts: &JsonVoteOptions<'_>,
    mut sink: impl FnMut(Option<&str>, Result<Vote>, &dyn Fn() -> Location) -> Result<()>,
) -> Result<Option<Vec<String>>> {
    let json_error = |e: serde_json::Error| {
        Error::input(
            Location::line(path, e.line() as u64),
            format!("invalid JSON: {e}"),
        )
    };
    let trimmed = text.trim_start();
    let (list_text, choices): (&RawValue, Option<Vec<String>>) = if trimmed.starts_with('[') {
        (serde_json::from_str(text).map_err(json_error)?, None)
    } else {
        let env: Envelope<'_> = serde_json::from_str(text).map_err(json_error)?;
        let choices = env.proposal.and_then(|p| p.choices);
        let list = match (env.votes, env.data) {
            (Some(v), _) => v,
            (None, Some(data)) => {
                #[derive(Deserialize)]
                struct Data<'a> {
                    #[serde(borrow)]
                    votes: &'a RawValue,
                }
                let d: Data<'_> = serde_json::from_str(data.get()).map_err(|e| {
                    Error::input(
                        Location::line(path, line_of(text, data.get())).with_field("data"),
                        format!("expected {{\"votes\": [...]}}: {e}"),
                    )
                })?;
                d.votes
            }
            (None, None) => {
                return Err(Error::input(
                    Location::line(path, 1),
                    "expected a list of votes, {\"data\": {\"votes\": [...]}} \
                     or {\"votes\": [...]}",
                ))
            }
        };
        (list, choices)
    };
    let items: Vec<&RawValue> = serde_json::from_str(list_text.get()).map_err(|e| {
        Error::input(
            Location::line(path, line_of(text, list_text.get())).with_field("votes"),
            format!("expected a list of votes: {e}"),
        )
    })?;

    let wanted = opts.proposal_id.map(normalize_proposal_id);
    let mut lines = LineCounter::new(text);
    for item in items {
        let line = lines.line_at(item.get());
        let at = |field: &str| Location::line(path, line).with_field(field);
        let raw: RawVote<'_> = serde_json::from_str(item.get())
            .map_err(|e| Error::input(Location::line(path, line), format!("not a vote: {e}")))?;
        let id = raw.proposal.map(|p| proposal_id_of(p.get()));
        match (&wanted, &id) {
            (Some(w), Some(id)) if w != id => continue,
            (Some(_), None) => {
                return Err(Error::input(
                    at("proposal"),
                    "`proposal_id` is set but this vote names no proposal",
                ))
            }
            _ => {}
        }
        let vote = read_vote(raw, item, opts, line, &at);
        sink(id.as_deref(), vote, &|| at("proposal"))?;
    }
    Ok(choices)
}

/// One vote's fields; errors name the field.
fn read_vote(
    raw: RawVote<'_>,
    item: &RawValue,
    opts: &JsonVoteOptions<'_>,
    line: u64,
    at: &dyn Fn(&str) -> Location,
) -> Result<Vote> {
    let choice = raw
        .choice
        .ok_or_else(|| Error::input(at("choice"), "missing"))?;
    let selection = parse_selection(choice.get()).map_err(|e| Error::input(at("choice"), e))?;
    let (field, amount) = match (raw.vp, raw.balance) {
        (Some(vp), _) => ("vp", Some(vp)),
        (None, Some(b)) => ("balance", Some(b)),
        (None, None) => ("vp", None),
    };
    let weight = match amount.map(|a| unquote(a.get())) {
        None | Some("null") => None,
        Some(t) => Some(parse_amount(t, AmountUnit::Token, opts.decimals, || {
            at(field)
        })?),
    };
    let cast_at = raw
        .created
        .map(|c| unquote(c.get()))
        .filter(|c| *c != "null")
        .map(CastAt::new);
    let mut attributes = Attributes::new();
    if !opts.attributes.is_empty() {
        // Only proposals whose mechanisms declare attributes pay for
        // the second look at the vote's fields.
        let fields: std::collections::HashMap<String, &RawValue> = serde_json::from_str(item.get())
            .map_err(|e| Error::input(at(""), format!("not a vote: {e}")))?;
        for &name in opts.attributes {
            if let Some(value) = fields.get(name) {
                attributes.set(name, unquote(value.get()));
            }
        }
    }
    Ok(Vote {
        voter: raw.voter.as_deref().map(Voter::new),
        selection,
        weight,
        cast_at,
        line,
        attributes,
    })
}

/// Reads a Snapshot `choice` value from its JSON text. Anything that is not
/// a positive integer, a list of them, or an `{"index": weight}` map is
/// [`Selection::Unreadable`]: an invalid ballot, as snapshot.js treats it.
///
/// A weight out of any meaningful range (see
/// [`crate::decimal::MAX_EXPONENT`]) is an error, not an invalid ballot:
/// the file itself is broken.
pub(crate) fn parse_selection(json: &str) -> std::result::Result<Selection, String> {
    let json = json.trim();
    let unreadable = || Selection::Unreadable(json.to_string());
    match json.as_bytes().first() {
        Some(b'[') => {
            let Ok(items) = serde_json::from_str::<Vec<&RawValue>>(json) else {
                return Ok(unreadable());
            };
            let numbers: Option<Vec<u32>> = items.iter().map(|i| choice_number(i.get())).collect();
            Ok(numbers.map_or_else(unreadable, Selection::List))
        }
        Some(b'{') => {
            let Ok(map) = serde_json::from_str::<BTreeMap<String, &RawValue>>(json) else {
                return Ok(unreadable());
            };
            let mut weights = Vec::with_capacity(map.len());
            for (key, value) in map {
                let (Some(n), Ok(w)) = (choice_number(&key), DecimalLiteral::parse(value.get()))
                else {
                    return Ok(unreadable());
                };
                let w = w.bounded_rational().map_err(|e| {
                    format!(
                        "weight {:?} of choice {n}: {e}",
                        crate::error::shown(value.get())
                    )
                })?;
                weights.push((n, w));
            }
            weights.sort_by_key(|(n, _)| *n);
            Ok(Selection::Weighted(weights))
        }
        _ => Ok(choice_number(json).map_or_else(unreadable, Selection::Single)),
    }
}

/// A choice number: a non-negative integer literal (0 is kept, and is out
/// of range). Snapshot.js checks `typeof choice === "number"` and that the
/// index exists, so `1.0` counts as 1 and `1.5` is not a choice.
fn choice_number(text: &str) -> Option<u32> {
    let lit = DecimalLiteral::parse(text).ok()?;
    if lit.negative && !lit.is_zero() {
        return None;
    }
    u32::try_from(lit.scaled_integer(0).ok()?).ok()
}

fn unquote(text: &str) -> &str {
    text.trim().trim_matches('"')
}

fn proposal_id_of(json: &str) -> String {
    #[derive(Deserialize)]
    struct WithId {
        id: String,
    }
    match serde_json::from_str::<WithId>(json) {
        Ok(p) => normalize_proposal_id(&p.id),
        Err(_) => normalize_proposal_id(unquote(json)),
    }
}

/// 1-based line of a slice borrowed from `text`.
fn line_of(text: &str, slice: &str) -> u64 {
    LineCounter::new(text).line_at(slice)
}

/// Finds line numbers of successive slices of one text in linear total time.
struct LineCounter<'a> {
    text: &'a str,
    offset: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        LineCounter {
            text,
            offset: 0,
            line: 1,
        }
    }

    /// Line where `slice` (borrowed from the text, at or after the previous
    /// slice) starts.
    fn line_at(&mut self, slice: &str) -> u64 {
        let start = (slice.as_ptr() as usize).saturating_sub(self.text.as_ptr() as usize);
        let start = start.min(self.text.len());
        if start >= self.offset {
            let newlines = self.text.as_bytes()[self.offset..start]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            self.line += newlines as u64;
            self.offset = start;
        }
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_rational::BigRational;

    #[test]
    fn weights_out_of_range_are_errors_not_big_integer_work() {
        let started = std::time::Instant::now();
        let e = parse_selection(r#"{"1": 1e999999, "2": 1e-999999}"#).unwrap_err();
        assert!(e.contains("out of range"), "{e}");
        assert!(started.elapsed().as_secs() < 1);
    }

    #[test]
    fn selections_follow_snapshot_shapes() {
        assert_eq!(parse_selection("2").unwrap(), Selection::Single(2));
        assert_eq!(parse_selection("0").unwrap(), Selection::Single(0));
        assert_eq!(
            parse_selection("[1, 3]").unwrap(),
            Selection::List(vec![1, 3])
        );
        assert_eq!(
            parse_selection(r#"{"2": 1, "1": 0.5}"#).unwrap(),
            Selection::Weighted(vec![
                (1, BigRational::new(1.into(), 2.into())),
                (2, BigRational::from_integer(1.into()))
            ])
        );
        for bad in ["1.5", "-1", "\"abc\"", "[1, \"x\"]", "{\"a\": 1}", "null"] {
            assert!(
                matches!(parse_selection(bad), Ok(Selection::Unreadable(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn reads_hub_graphql_with_exact_vp_and_lines() {
        let text = "{\"data\": {\"votes\": [\n  {\"voter\": \"0xA\", \"choice\": 1, \"vp\": 116.48963677055151},\n  {\"voter\": \"0xB\", \"choice\": [1,2], \"vp\": \"2.5\"}\n]}}";
        let got = parse(Path::new("hub.json"), text, 18, None).unwrap();
        let v = &got.votes.votes;
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].line, 2);
        assert_eq!(v[1].line, 3);
        assert_eq!(
            v[0].weight.unwrap().base_units(),
            116_489_636_770_551_510_000
        );
        assert_eq!(v[1].weight.unwrap().base_units(), 2_500_000_000_000_000_000);
    }

    #[test]
    fn bad_vp_names_line_and_field() {
        let text = "[\n{\"voter\": \"a\", \"choice\": 1, \"vp\": 1},\n{\"voter\": \"b\", \"choice\": 1, \"vp\": \"12x\"}\n]";
        let err = parse(Path::new("v.json"), text, 18, None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "v.json line 3: field 'vp': \"12x\" is not an amount"
        );
    }
}
