//! Votes as read from a file, before any mechanism or ballot rule applies.
//!
//! Architecture invariant: a [`Vote`] records what the voter submitted,
//! nothing more. Whether it is a valid ballot is the ballot type's business
//! ([`crate::ballot`]), how much it weighs the mechanism's
//! ([`crate::mechanism`]).

use std::cmp::Ordering;
use std::fmt;
use std::path::PathBuf;

use crate::amount::Amount;
use crate::inline_text::InlineText;

mod latest;
mod voter;
mod weight;

pub(crate) use latest::voter_hash;
pub use voter::{Voter, VoterText};
pub use weight::Weight;

/// Marks a choice number that a Snapshot file wrote as text where
/// snapshot.js compares it as written: a weight map's key that names choice
/// `n` only through JavaScript's `Number(key)` (`"01"`, `"1.0"`, `" 1"`,
/// `"1e0"`: snapshot.js accepts the ballot, counts the weight in the
/// ballot's total and gives it to no choice), or a list item written as a
/// string (`["1","2","3"]`: ranked-choice counts it as the number, approval
/// accepts the ballot and counts it for no choice, copeland refuses it).
/// Stored as `n | AS_TEXT`; [`choice_number`] takes the flag off.
pub const AS_TEXT: u32 = 1 << 31;

/// The choice number without the [`AS_TEXT`] flag.
pub fn choice_number(c: u32) -> u32 {
    c & !AS_TEXT
}

/// Whether the choice number carries the [`AS_TEXT`] flag.
pub fn written_as_text(c: u32) -> bool {
    c & AS_TEXT != 0
}

/// What a voter selected, with Snapshot's 1-based choice numbers.
///
/// A number outside the proposal's choices is kept as it is: the ballot
/// type decides that such a vote is invalid, and it is counted as invalid.
#[derive(Clone, Debug, PartialEq, Eq)]
///
/// Lists are boxed slices, not vectors: a selection is never grown once
/// read, and without a capacity word it is 24 bytes instead of 32 (8 MB
/// less for a million votes, each of which holds one).
pub enum Selection {
    /// One choice (single-choice, basic).
    Single(u32),
    /// A list of choices (approval; ranked ballots in later ballot types).
    List(Box<[u32]>),
    /// Weights per choice (weighted and quadratic ballots).
    Weighted(Box<[(u32, Weight)]>),
    /// Something that is not a choice at all (e.g. `"abc"` or `1.5` in
    /// a Snapshot export); always an invalid ballot. Holds the raw text.
    Unreadable(Box<str>),
}

impl Selection {
    /// Short description for messages.
    pub fn describe(&self) -> String {
        match self {
            Selection::Single(c) => c.to_string(),
            Selection::List(cs) => {
                let parts: Vec<String> = cs.iter().map(|&c| shown_choice(c)).collect();
                format!("[{}]", parts.join(", "))
            }
            Selection::Weighted(ws) => {
                let parts: Vec<String> = ws
                    .iter()
                    .map(|(c, w)| format!("{}: {w}", shown_choice(*c)))
                    .collect();
                format!("{{{}}}", parts.join(", "))
            }
            Selection::Unreadable(raw) => raw.to_string(),
        }
    }
}

fn shown_choice(c: u32) -> String {
    if written_as_text(c) {
        format!("\"{}\"", choice_number(c))
    } else {
        c.to_string()
    }
}

/// How the choices of a ballot are shaped, so that a CSV field such as
/// `Alice` can be read as a one-element list for an approval ballot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChoiceShape {
    /// One choice per ballot.
    Single,
    /// A list of choices per ballot.
    List,
    /// A weight per choice.
    Weighted,
    /// Fractional governor votes: one choice (all the remaining weight) or
    /// amounts per choice (`{"For": 2, "Against": 1}`), several casts per
    /// voter, all kept.
    Fractional,
}

impl ChoiceShape {
    /// Whether every cast of a voter is kept (fractional votes add up),
    /// rather than only the latest.
    pub fn keeps_every_cast(self) -> bool {
        self == ChoiceShape::Fractional
    }
}

/// When a vote was cast, as the file states it: a number (unix time, block)
/// or a sortable text (ISO 8601). Used only to order votes of one voter.
///
/// Up to 22 bytes (unix times, block numbers, ISO 8601 times without
/// milliseconds) are kept inline: a million votes then need no million
/// small allocations.
#[derive(Clone)]
pub struct CastAt(InlineText<INLINE_CAST>);

/// Bytes of a [`CastAt`] kept inline (with the length and the variant, 24
/// bytes, as a boxed `str` with the variant needs).
const INLINE_CAST: usize = 22;

impl CastAt {
    /// Wraps the text as written.
    pub fn new(text: &str) -> CastAt {
        CastAt(InlineText::new(text.trim()))
    }

    /// The text as written (trimmed).
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    fn is_integer(&self) -> bool {
        let text = self.as_str();
        !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
    }
}

impl fmt::Debug for CastAt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CastAt").field(&self.as_str()).finish()
    }
}

impl PartialEq for CastAt {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for CastAt {}

impl PartialOrd for CastAt {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for CastAt {
    /// Integers compare numerically, anything else as text (ISO 8601
    /// timestamps in one format sort correctly as text).
    fn cmp(&self, other: &Self) -> Ordering {
        let (a, b) = (self.as_str(), other.as_str());
        if self.is_integer() && other.is_integer() {
            let (a, b) = (a.trim_start_matches('0'), b.trim_start_matches('0'));
            a.len().cmp(&b.len()).then_with(|| a.cmp(b))
        } else {
            a.cmp(b)
        }
    }
}

/// One vote as read from a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vote {
    /// The voter; `None` for anonymous fixture votes, which are never
    /// merged as duplicates.
    pub voter: Option<Voter>,
    /// The choice(s) made.
    pub selection: Selection,
    /// The vote's own weight when the file states one (`votes`, `vp`,
    /// `balance`); otherwise the voter's balance from the holders file is used.
    pub weight: Option<Amount>,
    /// When it was cast, if the file says.
    pub cast_at: Option<CastAt>,
    /// 1-based line in the source file where the vote starts.
    pub line: u64,
    /// Inputs that belong to a mechanism (a conviction, a lock end...),
    /// as written in the source: every vote source reads the column or
    /// field of each attribute a registered mechanism declares
    /// ([`crate::mechanism::MechanismPlugin::attributes`]); the mechanism
    /// parses the text.
    pub attributes: Attributes,
}

/// Per-vote attributes that a mechanism declares, by name, as text.
///
/// Empty for most votes (no allocation). Names are the declared
/// attribute names (`conviction`, `lock_end`); values are trimmed text,
/// and an empty or `null` value is no value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
// A boxed Vec on purpose: one thin pointer keeps every `Vote` as small as
// before attributes existed (a Vec or boxed slice would add 16-24 bytes
// per vote, 16 MB at a million votes).
#[allow(clippy::box_collection)]
pub struct Attributes(Option<Box<Vec<Attribute>>>);

/// One attribute: its declared name and the value as written.
type Attribute = (&'static str, Box<str>);

impl Attributes {
    /// No attributes (one thin pointer, no allocation: most votes have
    /// none).
    pub const fn new() -> Attributes {
        Attributes(None)
    }

    /// Sets `name` to `value` (trimmed; empty or `null` is ignored).
    pub fn set(&mut self, name: &'static str, value: &str) {
        let value = value.trim();
        if value.is_empty() || value == "null" {
            return;
        }
        let list = self.0.get_or_insert_with(Box::default);
        match list.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value.into(),
            None => list.push((name, value.into())),
        }
    }

    /// With `name` set to `value`.
    pub fn with(mut self, name: &'static str, value: &str) -> Attributes {
        self.set(name, value);
        self
    }

    /// The value of `name`, if the vote states one.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .as_deref()?
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| &**v)
    }

    /// Whether no attribute is set.
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }
}

/// The votes of one proposal, one per voter.
#[derive(Clone, Debug)]
pub struct VoteSet {
    /// The file they came from (for error messages).
    pub source: PathBuf,
    /// The votes that count, in file order (a replacing vote stands where
    /// it was read).
    pub votes: Vec<Vote>,
    /// Votes read for this proposal, before removing replaced ones.
    pub read: u64,
    /// Earlier votes of a voter that a later vote replaced.
    pub replaced: u64,
}

impl VoteSet {
    /// Every cast as read, for ballots whose casts add up (fractional
    /// votes); `replaced` is 0.
    pub fn every_cast(source: PathBuf, votes: Vec<Vote>) -> VoteSet {
        VoteSet {
            source,
            read: votes.len() as u64,
            votes,
            replaced: 0,
        }
    }

    /// The votes a ballot of this shape counts: every cast, or the latest
    /// per voter.
    pub fn for_shape(source: PathBuf, votes: Vec<Vote>, shape: ChoiceShape) -> VoteSet {
        if shape.keeps_every_cast() {
            VoteSet::every_cast(source, votes)
        } else {
            VoteSet::latest_per_voter(source, votes)
        }
    }

    /// Keeps the latest vote of each voter and counts the others as replaced.
    ///
    /// "Latest" is the greatest `cast_at` when both votes have one, else the
    /// later one in the file (Snapshot and Aragon's VoteReplacement count a
    /// voter's last vote; a governor contract allows only one). Linear time;
    /// on every core from 100,000 votes on.
    pub fn latest_per_voter(source: PathBuf, votes: Vec<Vote>) -> VoteSet {
        let hashes = latest::hashes(&votes);
        VoteSet::latest_per_voter_hashed(source, votes, hashes)
    }

    /// [`VoteSet::latest_per_voter`] with each vote's [`voter_hash`]
    /// computed already (by a reader, while the voter's text was in cache).
    pub(crate) fn latest_per_voter_hashed(
        source: PathBuf,
        mut votes: Vec<Vote>,
        hashes: Vec<u64>,
    ) -> VoteSet {
        let read = votes.len() as u64;
        let replaced = latest::replaced(&votes, &hashes);
        drop(hashes);
        if !replaced.is_empty() {
            let mut keep = vec![true; votes.len()];
            for &i in &replaced {
                keep[i] = false;
            }
            let mut flags = keep.into_iter();
            votes.retain(|_| flags.next().expect("one flag per vote"));
            votes.shrink_to_fit();
        }
        VoteSet {
            source,
            votes,
            read,
            replaced: replaced.len() as u64,
        }
    }
}

/// Indices of `values`, largest first (ties: earlier first): the order in
/// which the biggest voters or holders are taken.
pub(crate) fn largest_first<T: Ord>(values: &[T]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[b].cmp(&values[a]).then(a.cmp(&b)));
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A million votes are held at once, so each byte of a `Vote` is a
    /// megabyte of peak memory (and pages the kernel zeroes): its layout
    /// is pinned. The sum of the field sizes, by hand: voter 24,
    /// selection 24 (a tag and a boxed slice), weight 24 (an 8-aligned
    /// `u128` and its tag), cast_at 24, line 8, attributes 8.
    #[test]
    fn a_vote_is_112_bytes() {
        use std::mem::size_of;
        assert_eq!(size_of::<Selection>(), 24);
        assert_eq!(size_of::<Option<Amount>>(), 24);
        assert_eq!(size_of::<Option<CastAt>>(), 24);
        assert_eq!(size_of::<Attributes>(), 8);
        assert_eq!(size_of::<Vote>(), 24 + 24 + 24 + 24 + 8 + 8);
    }

    fn vote(voter: &str, choice: u32, at: Option<&str>, line: u64) -> Vote {
        Vote {
            voter: Some(Voter::new(voter)),
            selection: Selection::Single(choice),
            weight: None,
            cast_at: at.map(CastAt::new),
            line,
            attributes: Attributes::new(),
        }
    }

    #[test]
    fn addresses_compare_case_insensitively() {
        assert_eq!(Voter::new("0xAbC1"), Voter::new("0xabc1"));
        assert_ne!(Voter::new("Alice"), Voter::new("alice"));
    }

    #[test]
    fn latest_vote_wins_by_time_then_file_order() {
        let set = VoteSet::latest_per_voter(
            "v.csv".into(),
            vec![
                vote("0xA", 1, Some("200"), 2),
                vote("0xB", 1, None, 3),
                vote("0xa", 2, Some("100"), 4), // older: does not replace
                vote("0xB", 2, None, 5),        // no times: file order
            ],
        );
        assert_eq!(set.read, 4);
        assert_eq!(set.replaced, 2);
        let choices: Vec<_> = set
            .votes
            .iter()
            .map(|v| (v.line, v.selection.clone()))
            .collect();
        assert_eq!(
            choices,
            vec![(2, Selection::Single(1)), (5, Selection::Single(2))]
        );
    }

    #[test]
    fn cast_times_compare_numerically_when_integers() {
        assert!(CastAt::new("99") < CastAt::new("100"));
        assert!(CastAt::new("2022-05-15T05:14:33.000Z") > CastAt::new("2022-05-15T05:12:14.000Z"));
    }
}
