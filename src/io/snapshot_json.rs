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

use super::{normalize_proposal_id, SingleProposalGuard};

/// The fast path (declared here: it is this reader's, not another source).
#[path = "snapshot_fast.rs"]
pub(crate) mod fast;
use crate::amount::AmountUnit;
use crate::decimal::DecimalLiteral;
use crate::error::{Error, Location, Result};
use crate::vote::{Attributes, CastAt, Selection, Vote, VoteSet, Voter, AS_TEXT};

/// What a Snapshot JSON file holds.
#[derive(Debug)]
pub struct SnapshotVotes {
    /// The votes, one per voter.
    pub votes: VoteSet,
    /// The choices, when the file carries them (snapshot.js fixtures).
    pub choices: Option<Vec<String>>,
    /// The `vp` values written with more decimals than the token has,
    /// rounded to the nearest base unit (see [`VpRounding`]).
    pub rounded: VpRounding,
}

/// The `vp` (or `balance`) values of a file written with more decimals than
/// the token has (hub exports carry doubles such as
/// `5.421010862427522e-20`). Each is rounded to the nearest base unit, a
/// half up, instead of refusing the file; this counts them and adds up the
/// exact absolute changes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct VpRounding {
    /// How many votes' amounts were rounded.
    pub votes: u64,
    /// `Σ |rounded − written|`, exactly, in base units.
    pub total_change: num_rational::BigRational,
}

impl VpRounding {
    fn add(&mut self, change: num_rational::BigRational) {
        self.votes += 1;
        self.total_change += change;
    }

    /// One sentence for a report's notes, `None` when nothing was rounded.
    pub fn note(&self, decimals: u8) -> Option<String> {
        if self.votes == 0 {
            return None;
        }
        let tokens = &self.total_change
            / num_rational::BigRational::from_integer(
                num_bigint::BigInt::from(10u8).pow(u32::from(decimals)),
            );
        Some(format!(
            "{} vote(s) had a vp with more than {decimals} decimals (the token's); \
             each was rounded to the nearest base unit, a half up: total absolute change \
             {} base units ({} tokens)",
            self.votes,
            crate::decimal::format_rational(&self.total_change, 40),
            crate::decimal::format_rational(&tokens, 60),
        ))
    }
}

#[derive(Deserialize)]
struct FixtureProposal {
    choices: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct RawVote<'a> {
    #[serde(borrow)]
    voter: Option<std::borrow::Cow<'a, str>>,
    /// `null` is kept (an invalid ballot); only a missing field is `None`.
    #[serde(borrow, default, deserialize_with = "present")]
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

/// A field's raw value, `null` included.
fn present<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<&'de RawValue>, D::Error> {
    <&'de RawValue as Deserialize<'de>>::deserialize(d).map(Some)
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
    let text = super::file_text::load_json(path)?;
    let release = |start, end| text.release(start, end);
    if let Some(fast) = fast::read(&text, opts, fast::SplitAt::Auto, Some(&release)) {
        // The text goes before the duplicate search's tables come: a lower
        // peak of memory on large files.
        drop(text);
        return Ok(fast_votes(path, fast));
    }
    parse_general(path, &text, opts)
}

fn fast_votes(path: &Path, fast: fast::FastVotes) -> SnapshotVotes {
    SnapshotVotes {
        votes: VoteSet::latest_per_voter_hashed(path.to_path_buf(), fast.votes, fast.hashes),
        choices: None,
        rounded: fast.rounded,
    }
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
    parse_split(path, text, opts, fast::SplitAt::Auto)
}

/// [`parse_with`] with the fast path's split chosen (tests); the general
/// reader decides whenever the fast path gives up.
pub(crate) fn parse_split(
    path: &Path,
    text: &str,
    opts: &JsonVoteOptions<'_>,
    split: fast::SplitAt,
) -> Result<SnapshotVotes> {
    if let Some(fast) = fast::read(text, opts, split, None) {
        return Ok(fast_votes(path, fast));
    }
    parse_general(path, text, opts)
}

/// The general reader alone: every shape, every error (the reference the
/// fast path is tested against).
pub(crate) fn parse_general(
    path: &Path,
    text: &str,
    opts: &JsonVoteOptions<'_>,
) -> Result<SnapshotVotes> {
    let mut guard = SingleProposalGuard::default();
    let mut votes = Vec::new();
    let (choices, rounded) = scan(path, text, opts, |id, vote, at| {
        if let (Some(id), None) = (id, opts.proposal_id) {
            guard.check(id, at)?;
        }
        votes.push(vote?);
        Ok(())
    })?;
    Ok(SnapshotVotes {
        votes: VoteSet::latest_per_voter(path.to_path_buf(), votes),
        choices,
        rounded,
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
    let text = super::file_text::load_json(path)?;
    let mut groups = super::ProposalGroups::default();
    let (choices, _rounded) = scan(path, &text, opts, |id, vote, at| {
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
///
/// One pass over the text: a serde visitor walks the envelope (a bare list,
/// `{"data": {"votes": [...]}}` or `{"votes": [...], "proposal": ...}`)
/// and hands each vote, borrowed from the text, to [`VoteScan::vote`] as it
/// is reached; no list of votes is built and nothing is scanned twice but
/// each vote's own object.
fn scan(
    path: &Path,
    text: &str,
    opts: &JsonVoteOptions<'_>,
    sink: impl FnMut(Option<&str>, Result<Vote>, &dyn Fn() -> Location) -> Result<()>,
) -> Result<(Option<Vec<String>>, VpRounding)> {
    let mut state = VoteScan {
        path,
        text,
        opts,
        wanted: opts.proposal_id.map(normalize_proposal_id),
        lines: LineCounter::new(text),
        sink,
        failed: None,
        choices: None,
        saw_votes: false,
        rounded: VpRounding::default(),
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let outcome =
        serde::de::DeserializeSeed::deserialize(Top(&mut state), &mut de).and_then(|()| de.end());
    if let Some(e) = state.failed.take() {
        return Err(e);
    }
    if let Err(e) = outcome {
        return Err(Error::input(
            Location::line(path, e.line() as u64),
            format!("invalid JSON: {e}"),
        ));
    }
    if !state.saw_votes {
        return Err(Error::input(
            Location::line(path, 1),
            "expected a list of votes, {\"data\": {\"votes\": [...]}} \
             or {\"votes\": [...]}",
        ));
    }
    Ok((state.choices, state.rounded))
}

/// The state of one pass over a Snapshot JSON file.
struct VoteScan<'p, 't, 'o, F> {
    path: &'p Path,
    text: &'t str,
    opts: &'o JsonVoteOptions<'o>,
    wanted: Option<String>,
    lines: LineCounter<'t>,
    sink: F,
    /// The first error of ours (not of the JSON syntax): it ends the scan.
    failed: Option<Error>,
    choices: Option<Vec<String>>,
    saw_votes: bool,
    rounded: VpRounding,
}

impl<F> VoteScan<'_, '_, '_, F>
where
    F: FnMut(Option<&str>, Result<Vote>, &dyn Fn() -> Location) -> Result<()>,
{
    /// One vote, borrowed from the text.
    fn vote(&mut self, item: &RawValue) -> Result<()> {
        let path = self.path;
        let line = self.lines.line_at(item.get());
        let at = |field: &str| Location::line(path, line).with_field(field);
        let raw: RawVote<'_> = serde_json::from_str(item.get())
            .map_err(|e| Error::input(Location::line(path, line), format!("not a vote: {e}")))?;
        let id = raw.proposal.map(|p| proposal_id_of(p.get()));
        match (&self.wanted, &id) {
            (Some(w), Some(id)) if w != id => return Ok(()),
            (Some(_), None) => {
                return Err(Error::input(
                    at("proposal"),
                    "`proposal_id` is set but this vote names no proposal",
                ))
            }
            _ => {}
        }
        let vote = read_vote(raw, item, self.opts, line, &at, &mut self.rounded);
        (self.sink)(id.as_deref(), vote, &|| at("proposal"))
    }

    /// Records `e` and returns the serde error that unwinds the visitor.
    fn fail<E: serde::de::Error>(&mut self, e: Error) -> E {
        self.failed = Some(e);
        E::custom("stopped")
    }

    fn data_error<E: serde::de::Error>(&mut self, what: &str) -> E {
        let line = line_of(self.text, self.text);
        let e = Error::input(
            Location::line(self.path, line).with_field(what),
            format!("expected {{\"votes\": [...]}} in `{what}`"),
        );
        self.fail(e)
    }
}

use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// The whole file: a list of votes or an envelope.
struct Top<'s, S>(&'s mut S);
/// `data`: an object with `votes`.
struct Data<'s, S>(&'s mut S);
/// A list of votes.
struct Votes<'s, S>(&'s mut S);

macro_rules! seed_any {
    ($name:ident, $how:ident) => {
        impl<'de, F> DeserializeSeed<'de> for $name<'_, VoteScan<'_, '_, '_, F>>
        where
            F: FnMut(Option<&str>, Result<Vote>, &dyn Fn() -> Location) -> Result<()>,
        {
            type Value = ();
            fn deserialize<D: serde::Deserializer<'de>>(
                self,
                d: D,
            ) -> std::result::Result<(), D::Error> {
                d.$how(self)
            }
        }
    };
}
seed_any!(Top, deserialize_any);
seed_any!(Data, deserialize_any);
seed_any!(Votes, deserialize_seq);

impl<'de, F> Visitor<'de> for Top<'_, VoteScan<'_, '_, '_, F>>
where
    F: FnMut(Option<&str>, Result<Vote>, &dyn Fn() -> Location) -> Result<()>,
{
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a list of votes or an object with `votes` or `data`")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> std::result::Result<(), A::Error> {
        Votes(self.0).visit_seq(seq)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match key.as_ref() {
                "votes" if !self.0.saw_votes => map.next_value_seed(Votes(&mut *self.0))?,
                "data" if !self.0.saw_votes => map.next_value_seed(Data(&mut *self.0))?,
                "proposal" => {
                    let p: Option<FixtureProposal> = map.next_value()?;
                    self.0.choices = p.and_then(|p| p.choices);
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

impl<'de, F> Visitor<'de> for Data<'_, VoteScan<'_, '_, '_, F>>
where
    F: FnMut(Option<&str>, Result<Vote>, &dyn Fn() -> Location) -> Result<()>,
{
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("{\"votes\": [...]}")
    }
    fn visit_unit<E: serde::de::Error>(self) -> std::result::Result<(), E> {
        Err(self.0.data_error("data"))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == "votes" && !self.0.saw_votes {
                map.next_value_seed(Votes(&mut *self.0))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        if !self.0.saw_votes {
            return Err(self.0.data_error("data"));
        }
        Ok(())
    }
}

impl<'de, F> Visitor<'de> for Votes<'_, VoteScan<'_, '_, '_, F>>
where
    F: FnMut(Option<&str>, Result<Vote>, &dyn Fn() -> Location) -> Result<()>,
{
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a list of votes")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        self.0.saw_votes = true;
        while let Some(item) = seq.next_element::<&'de RawValue>()? {
            if let Err(e) = self.0.vote(item) {
                return Err(self.0.fail(e));
            }
        }
        Ok(())
    }
}

/// One vote's fields; errors name the field.
fn read_vote(
    raw: RawVote<'_>,
    item: &RawValue,
    opts: &JsonVoteOptions<'_>,
    line: u64,
    at: &dyn Fn(&str) -> Location,
    rounded: &mut VpRounding,
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
        Some(t) => {
            let (amount, change) =
                crate::amount::Amount::parse_rounded(t, AmountUnit::Token, opts.decimals)
                    .map_err(|e| Error::input(at(field), e.to_string()))?;
            if let Some(change) = change {
                rounded.add(change);
            }
            Some(amount)
        }
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
    let unreadable = || Selection::Unreadable(json.into());
    match json.as_bytes().first() {
        Some(b'[') => {
            let Ok(items) = serde_json::from_str::<Vec<&RawValue>>(json) else {
                return Ok(unreadable());
            };
            let numbers: Option<Box<[u32]>> = items.iter().map(|i| list_item(i.get())).collect();
            Ok(numbers.map_or_else(unreadable, Selection::List))
        }
        Some(b'{') => {
            let Ok(map) = serde_json::from_str::<BTreeMap<String, &RawValue>>(json) else {
                return Ok(unreadable());
            };
            let mut weights = Vec::with_capacity(map.len());
            for (key, value) in map {
                let n = map_key(&key);
                let Ok(w) = DecimalLiteral::parse(value.get()) else {
                    return Ok(unreadable());
                };
                let w = w.bounded_rational().map_err(|e| {
                    format!(
                        "weight {:?} of choice {n}: {e}",
                        crate::error::shown(value.get())
                    )
                })?;
                weights.push((n, crate::vote::Weight::new(w)));
            }
            weights.sort_by_key(|(n, _)| *n);
            Ok(Selection::Weighted(weights.into()))
        }
        _ => Ok(choice_number(json).map_or_else(unreadable, Selection::Single)),
    }
}

/// A weight map's key as snapshot.js reads it: the canonical text of a
/// number (`"1"`, `"12"`) is that choice; any other text that
/// JavaScript's `Number(key)` reads as a positive integer (`"01"`, `"1.0"`,
/// `" 1"`, `"1e0"`, `"0x1"`) names that choice for validity but its
/// weight goes to no choice ([`AS_TEXT`]); anything else (`"a"`, `"1.5"`,
/// `"0"`, `""`) is 0, a choice that does not exist, so the ballot is
/// invalid.
fn map_key(key: &str) -> u32 {
    let canonical = |k: &str| {
        !k.is_empty() && k.bytes().all(|b| b.is_ascii_digit()) && (k == "0" || !k.starts_with('0'))
    };
    if canonical(key) {
        return key
            .parse::<u32>()
            .ok()
            .filter(|&n| n < AS_TEXT)
            .unwrap_or(0);
    }
    match js_number_integer(key) {
        Some(n) if n >= 1 && n < u64::from(AS_TEXT) => n as u32 | AS_TEXT,
        _ => 0,
    }
}

/// `Number(text)` in JavaScript, when it is a non-negative integer:
/// whitespace trimmed, `0x`/`0o`/`0b` integers, decimal literals with a
/// sign, a point and an exponent (`"1."`, `".1e1"`, `"+1"`). The decimal
/// value is taken exactly (JavaScript rounds to a double first; the two
/// differ only for texts of more than about 16 significant digits).
fn js_number_integer(text: &str) -> Option<u64> {
    let t = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if t.is_empty() {
        return Some(0);
    }
    for (prefix, radix) in [
        ("0x", 16),
        ("0X", 16),
        ("0o", 8),
        ("0O", 8),
        ("0b", 2),
        ("0B", 2),
    ] {
        if let Some(digits) = t.strip_prefix(prefix) {
            if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
                return None;
            }
            return u64::from_str_radix(digits, radix).ok();
        }
    }
    let lit = DecimalLiteral::parse(t).ok()?;
    if lit.negative && !lit.is_zero() {
        return None;
    }
    u64::try_from(lit.scaled_integer(0).ok()?).ok()
}

/// A ranking or approval list's item: a JSON number that is a choice
/// number, or a string holding the canonical text of one (`"2"`), kept
/// with [`AS_TEXT`]; anything else makes the list unreadable.
fn list_item(json: &str) -> Option<u32> {
    let json = json.trim();
    match json.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        Some(t) => {
            let canonical =
                !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) && !t.starts_with('0');
            canonical
                .then(|| t.parse::<u32>().ok())
                .flatten()
                .filter(|&n| n < AS_TEXT)
                .map(|n| n | AS_TEXT)
        }
        None => choice_number(json),
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

pub(crate) fn unquote(text: &str) -> &str {
    // Most values (numbers) need neither trim: one look at each end. A
    // byte that is printable ASCII and no quote is no whitespace and no
    // quote, so both trims would leave the text as it is.
    let plain = |b: Option<&u8>| b.is_some_and(|&b| b.is_ascii_graphic() && b != b'"');
    if plain(text.as_bytes().first()) && plain(text.as_bytes().last()) {
        return text;
    }
    text.trim().trim_matches('"')
}

pub(crate) fn proposal_id_of(json: &str) -> String {
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

    proptest::proptest! {
        /// The one-look shortcut gives what both trims give.
        #[test]
        fn unquote_is_trim_then_trim_quotes(
            text in "[ \"0-9a-z.\u{a0}\u{2003}\t\n\u{e9}-]{0,8}"
        ) {
            proptest::prop_assert_eq!(unquote(&text), text.trim().trim_matches('"'));
        }
    }

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
            Selection::List(vec![1, 3].into())
        );
        assert_eq!(
            parse_selection(r#"{"2": 1, "1": 0.5}"#).unwrap(),
            Selection::Weighted(
                vec![
                    (1, BigRational::new(1.into(), 2.into()).into()),
                    (2, crate::vote::Weight::from(1i64))
                ]
                .into()
            )
        );
        for bad in ["1.5", "-1", "\"abc\"", "[1, \"x\"]", "[\"01\"]", "null"] {
            assert!(
                matches!(parse_selection(bad), Ok(Selection::Unreadable(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn map_keys_and_string_lists_follow_javascript() {
        // By hand from JavaScript: Number("01") = Number("1.0") =
        // Number(" 1") = Number("1e0") = Number("0x1") = 1, but only the
        // key "1" is `String(1)`; Number("a") is NaN, Number("") is 0,
        // Number("1.5") is not an index.
        assert_eq!(map_key("1"), 1);
        assert_eq!(map_key("12"), 12);
        for k in ["01", "1.0", " 1", "1e0", "0x1", "+1", "1."] {
            assert_eq!(map_key(k), 1 | AS_TEXT, "{k:?}");
        }
        for k in ["a", "", "1.5", "-1", "0", "Infinity", "0x"] {
            assert_eq!(map_key(k), 0, "{k:?}");
        }
        assert_eq!(
            parse_selection(r#"["3", "1", 2]"#).unwrap(),
            Selection::List(vec![3 | AS_TEXT, 1 | AS_TEXT, 2].into())
        );
        assert_eq!(
            parse_selection(r#"{"01": 1, "1": 2}"#).unwrap(),
            Selection::Weighted(
                vec![
                    (1, crate::vote::Weight::from(2i64)),
                    (1 | AS_TEXT, crate::vote::Weight::from(1i64)),
                ]
                .into()
            )
        );
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
