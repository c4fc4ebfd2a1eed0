//! The fast path of the Snapshot JSON reader ([`super::snapshot_json`]).
//!
//! Why a second reader: the general one walks the file with serde, keeps
//! each vote as a `RawValue` and deserialises that text a second time; on a
//! hub export of a million votes that is most of `govkit evaluate`'s time.
//! This one reads the usual shape of a hub export in one pass over the
//! bytes, borrowing every field from the text, and splits the vote list
//! over two threads.
//!
//! **It never decides anything the general reader would decide
//! differently.** It accepts a strict subset of JSON (no escapes in any
//! string of the vote list, no fixture `proposal`, no mechanism
//! attributes) and every value it reads goes through the same functions
//! as the general reader's ([`super::snapshot_json::parse_selection`] for
//! anything but the plainest choices, `Amount::parse_rounded`, `Voter::new`,
//! `CastAt::new`). On anything else (an error of any kind, a shape it does
//! not know, a duplicate field) it gives up and the caller runs the general
//! reader from the start, so errors, their wording and their lines are the
//! general reader's by construction. `tests` below and
//! `tests/fast_paths.rs` check both readers agree on random files.
//!
//! **The split is provably at a vote boundary.** The second thread starts
//! at a guessed position near the middle (a `{` after a `,`); the first
//! thread reads from the start and takes the second thread's votes only if
//! one of its own votes starts exactly at that position, i.e. the guess is
//! the start of an element of the vote list as the sequential reading sees
//! it. Reading on from a true element boundary is what the sequential
//! reading would do, so the result is the same; otherwise (the guess fell
//! inside a string or a nested value) the first thread reads on alone and
//! the second thread's work is dropped.
//!
//! **The second thread writes where its votes end up.** The first votes
//! (a sample) tell how long a vote is; the list's room is cut at the
//! estimated count of votes before the guess, and the two threads fill
//! it from both ends of that cut ([`crate::fill_apart`]), so joining them
//! moves the second half down a little instead of copying it into fresh
//! memory.

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};

use super::{parse_selection, proposal_id_of, unquote, JsonVoteOptions, VpRounding};
use crate::amount::{Amount, AmountUnit};
use crate::fill_apart::{fill_apart, Filler, Joined};
use crate::io::normalize_proposal_id;
use crate::vote::{Attributes, CastAt, Selection, Vote, Voter, Weight};

/// Where the second thread starts.
#[derive(Clone, Copy, Debug)]
pub(crate) enum SplitAt {
    /// Near the middle of the vote list, when it is large enough.
    Auto,
    /// At this byte offset (tests: a guess inside a string, a value, ...).
    #[cfg_attr(not(test), allow(dead_code))]
    Offset(usize),
    /// One thread.
    #[cfg_attr(not(test), allow(dead_code))]
    Never,
}

/// Votes read by the fast path, in file order, before duplicates are
/// removed.
pub(crate) struct FastVotes {
    pub votes: Vec<Vote>,
    /// Each vote's [`crate::vote::voter_hash`], taken while its voter was
    /// in cache.
    pub hashes: Vec<u64>,
    pub rounded: VpRounding,
}

/// Below this many bytes of vote list one thread reads it all (a thread
/// costs more than it saves).
const MIN_SPLIT_BYTES: usize = 1 << 20;

/// How much of the vote list one thread reads before the split, to learn
/// how long a vote is (small in tests, so that estimates miss both ways).
const SAMPLE_BYTES: usize = if cfg!(test) { 48 } else { 256 << 10 };

/// Nesting deeper than this inside the vote list is left to the general
/// reader (serde_json's own limit is 128).
const MAX_DEPTH: u32 = 64;

/// How much text a thread passes before it gives it back.
const RELEASE_EVERY: usize = if cfg!(test) { 64 } else { 4 << 20 };

/// The votes of `text`, or `None` when the general reader must decide.
pub(crate) fn read(
    text: &str,
    opts: &JsonVoteOptions<'_>,
    split: SplitAt,
    release: Option<&(dyn Fn(usize, usize) + Sync)>,
) -> Option<FastVotes> {
    if !opts.attributes.is_empty() {
        return None;
    }
    let ctx = Context {
        opts,
        release,
        wanted: opts.proposal_id.map(normalize_proposal_id),
    };
    let mut cur = Cursor::new(text, 0);
    cur.ws();
    let mut out = None;
    match cur.peek()? {
        b'[' => out = Some(cur.vote_list(&ctx, split)?),
        b'{' => {
            cur.pos += 1;
            cur.ws();
            if cur.peek()? == b'}' {
                return None;
            }
            loop {
                let key = cur.string()?;
                cur.ws();
                cur.expect(b':')?;
                cur.ws();
                match key {
                    "votes" if out.is_none() => out = Some(cur.vote_list(&ctx, split)?),
                    "data" if out.is_none() => {
                        out = Some(cur.data(&ctx, split)?);
                    }
                    "proposal" => return None,
                    _ => {
                        cur.value(1)?;
                    }
                }
                if !cur.more(b'}')? {
                    break;
                }
            }
        }
        _ => return None,
    }
    cur.ws();
    if cur.pos != cur.b.len() {
        return None;
    }
    let (seg, votes) = out?;
    Some(FastVotes {
        votes,
        hashes: seg.hashes,
        rounded: seg.rounded,
    })
}

struct Context<'o> {
    opts: &'o JsonVoteOptions<'o>,
    /// Called with `(start, end)` byte ranges of the text the reader has
    /// passed and will not read again (a mapped file gives them back).
    release: Option<&'o (dyn Fn(usize, usize) + Sync)>,
    wanted: Option<String>,
}

/// What one thread read (its votes go to a [`Filler`]).
#[derive(Default)]
struct Segment<'t> {
    /// Each vote's voter hash, in file order.
    hashes: Vec<u64>,
    rounded: VpRounding,
    /// The first proposal id seen (when no proposal is picked, every vote
    /// must name the same one).
    first_id: Option<String>,
    /// The last `proposal` value's text and its id (hub exports repeat
    /// one value a million times).
    last_proposal: Option<(&'t str, String)>,
}

impl Segment<'_> {
    /// Takes in what the second thread read (its votes are joined by
    /// [`fill_apart`]).
    fn append(&mut self, mut other: Segment<'_>) -> Option<()> {
        match (&self.first_id, other.first_id.take()) {
            (Some(a), Some(b)) if *a != b => return None,
            (None, b) => self.first_id = b,
            _ => {}
        }
        self.rounded.votes += other.rounded.votes;
        self.rounded.total_change += other.rounded.total_change;
        self.hashes.extend(other.hashes);
        Some(())
    }
}

/// Room for the votes in `bytes` of text at `per_vote` bytes a vote, with
/// a little to spare (room never written costs no memory).
fn room(bytes: usize, per_vote: usize) -> usize {
    let votes = bytes / per_vote.max(1);
    votes + votes / 16 + ROOM_SLACK
}

/// Votes of room added to every estimate (none in tests, so that a wrong
/// estimate runs out of room).
const ROOM_SLACK: usize = if cfg!(test) { 0 } else { 64 };

/// A position in the text; `newlines` counts the line breaks passed since
/// the cursor started, `line_base` is the line it started on.
struct Cursor<'t> {
    text: &'t str,
    b: &'t [u8],
    pos: usize,
    newlines: u64,
    line_base: u64,
    /// Where the text the cursor passed was last given back up to.
    released: usize,
    /// Reused while a plain choice is read, so that each vote's list or
    /// map is allocated once, at its exact size.
    scratch_list: Vec<u32>,
    scratch_map: Vec<(u32, Weight)>,
}

/// The known fields of one vote, as JSON text.
#[derive(Default)]
struct Fields<'t> {
    voter: Option<&'t str>,
    choice: Option<&'t str>,
    vp: Option<&'t str>,
    balance: Option<&'t str>,
    created: Option<&'t str>,
    proposal: Option<&'t str>,
    /// The choice read straight from the text when it is plain
    /// ([`Cursor::plain_choice`]).
    plain_choice: Option<Selection>,
}

/// Which part of the vote list a thread reads.
#[derive(Clone, Copy)]
enum Role<'a> {
    /// All of it.
    Alone,
    /// From the start; stops at an element starting exactly at the offset,
    /// raises the flag once past it (the second thread's work is then
    /// useless).
    First(usize, &'a AtomicBool),
    /// From the guessed offset; gives up when the flag is raised.
    Second(&'a AtomicBool),
    /// From the start up to the first element starting at or after the
    /// offset (the sample before a split).
    Sample(usize),
}

/// How a vote list ended in one thread.
enum End {
    /// At the `]`; the cursor is after it.
    Closed,
    /// At the split offset, at the start of an element.
    AtSplit,
    /// At the first element starting at or after the sample's end.
    Sampled,
}

impl<'t> Cursor<'t> {
    fn new(text: &'t str, pos: usize) -> Self {
        Cursor {
            text,
            b: text.as_bytes(),
            pos,
            newlines: 0,
            line_base: 1,
            released: pos,
            scratch_list: Vec::new(),
            scratch_map: Vec::new(),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.pos += 1;
        Some(c)
    }

    fn expect(&mut self, c: u8) -> Option<()> {
        (self.next()? == c).then_some(())
    }

    /// JSON whitespace; strings cannot hold a raw line break, so this is
    /// the one place lines are counted.
    fn ws(&mut self) {
        while let Some(&c) = self.b.get(self.pos) {
            match c {
                b' ' | b'\t' | b'\r' => {}
                b'\n' => self.newlines += 1,
                _ => break,
            }
            self.pos += 1;
        }
    }

    /// A string without escapes; its contents.
    fn string(&mut self) -> Option<&'t str> {
        self.expect(b'"')?;
        let start = self.pos;
        // Eight bytes at a time up to the first that may be special.
        while let Some(chunk) = self.b.get(self.pos..self.pos + 8) {
            let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
            if may_be_special(word) {
                break;
            }
            self.pos += 8;
        }
        loop {
            let c = self.next()?;
            if c == b'"' {
                return self.text.get(start..self.pos - 1);
            }
            if c == b'\\' || c < 0x20 {
                return None;
            }
        }
    }

    /// After a member or item: whitespace, then `,` (and whitespace: more
    /// follow, `Some(true)`) or `close` (the end, `Some(false)`); `None`
    /// for anything else.
    fn more(&mut self, close: u8) -> Option<bool> {
        self.ws();
        match self.next()? {
            b',' => {
                self.ws();
                Some(true)
            }
            c if c == close => Some(false),
            _ => None,
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        self.pos - start
    }

    /// The plainest choices read in place, without serde: a choice number
    /// (`3`), a list of them (`[1, 2, 3]`) or a weight map of them with
    /// whole weights (`{"1": 2, "3": 4}`, no repeated key); choice numbers
    /// have 1 to 9 digits and are not 0, weights 1 to 18 digits. `None`,
    /// with the cursor where it was, for anything else: the value is then
    /// read as text and goes through [`selection`] (the general reader's
    /// rules), so "not plain" never means "invalid".
    fn plain_choice(&mut self) -> Option<Selection> {
        let (start, newlines) = (self.pos, self.newlines);
        let read = match self.peek()? {
            b'[' => self.plain_list(),
            b'{' => self.plain_map(),
            b'1'..=b'9' => self
                .plain_choice_number()
                // `4.5`, `4e0`: a number, but not a choice number.
                .filter(|_| !matches!(self.peek(), Some(b'.' | b'e' | b'E')))
                .map(Selection::Single),
            _ => None,
        };
        if read.is_none() {
            (self.pos, self.newlines) = (start, newlines);
        }
        read
    }

    /// At most `max` digits up to a non-digit, without a leading zero (a
    /// lone `0` is 0).
    fn plain_digits(&mut self, max: usize) -> Option<u64> {
        let start = self.pos;
        let count = self.digits();
        let t = &self.b[start..self.pos];
        if count == 0 || count > max || (count > 1 && t[0] == b'0') {
            return None;
        }
        Some(t.iter().fold(0u64, |n, &d| n * 10 + u64::from(d - b'0')))
    }

    /// A choice number: 1 to 9 digits, no leading zero, not 0.
    fn plain_choice_number(&mut self) -> Option<u32> {
        let n = self.plain_digits(9)?;
        u32::try_from(n).ok().filter(|&n| n != 0)
    }

    /// `open`, one or more items separated by commas, `close` (JSON
    /// whitespace anywhere between), each item read by `item`.
    fn plain_items(
        &mut self,
        open: u8,
        close: u8,
        mut item: impl FnMut(&mut Self) -> Option<()>,
    ) -> Option<()> {
        self.expect(open)?;
        self.ws();
        if self.peek()? == close {
            return None;
        }
        loop {
            item(self)?;
            if !self.more(close)? {
                return Some(());
            }
        }
    }

    fn plain_list(&mut self) -> Option<Selection> {
        self.scratch_list.clear();
        self.plain_items(b'[', b']', |cur| {
            let n = cur.plain_choice_number()?;
            cur.scratch_list.push(n);
            Some(())
        })?;
        Some(Selection::List(self.scratch_list.as_slice().into()))
    }

    fn plain_map(&mut self) -> Option<Selection> {
        self.scratch_map.clear();
        self.plain_items(b'{', b'}', |cur| {
            cur.expect(b'"')?;
            let n = cur.plain_choice_number()?;
            cur.expect(b'"')?;
            cur.ws();
            cur.expect(b':')?;
            cur.ws();
            let w = cur.plain_digits(18)?;
            if cur.scratch_map.iter().any(|(m, _)| *m == n) {
                return None;
            }
            cur.scratch_map.push((n, Weight::from(w)));
            Some(())
        })?;
        self.scratch_map.sort_by_key(|(n, _)| *n);
        Some(Selection::Weighted(self.scratch_map.as_slice().into()))
    }

    /// A number by JSON's grammar.
    fn number(&mut self) -> Option<()> {
        if self.peek()? == b'-' {
            self.pos += 1;
        }
        match self.peek()? {
            b'0' => self.pos += 1,
            b'1'..=b'9' => {
                self.digits();
            }
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return None;
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return None;
            }
        }
        Some(())
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.pos + word.len();
        (self.b.get(self.pos..end)? == word).then(|| self.pos = end)
    }

    /// Any value; its text.
    fn value(&mut self, depth: u32) -> Option<&'t str> {
        if depth > MAX_DEPTH {
            return None;
        }
        let start = self.pos;
        match self.peek()? {
            b'"' => {
                self.string()?;
            }
            b'{' => {
                self.pos += 1;
                self.ws();
                if self.peek()? == b'}' {
                    self.pos += 1;
                } else {
                    loop {
                        self.string()?;
                        self.ws();
                        self.expect(b':')?;
                        self.ws();
                        self.value(depth + 1)?;
                        if !self.more(b'}')? {
                            break;
                        }
                    }
                }
            }
            b'[' => {
                self.pos += 1;
                self.ws();
                if self.peek()? == b']' {
                    self.pos += 1;
                } else {
                    loop {
                        self.value(depth + 1)?;
                        if !self.more(b']')? {
                            break;
                        }
                    }
                }
            }
            b't' => self.literal(b"true")?,
            b'f' => self.literal(b"false")?,
            b'n' => self.literal(b"null")?,
            _ => self.number()?,
        }
        self.text.get(start..self.pos)
    }

    /// `data`: an object whose `votes` is the vote list.
    fn data(&mut self, ctx: &Context<'_>, split: SplitAt) -> Option<(Segment<'t>, Vec<Vote>)> {
        self.expect(b'{')?;
        self.ws();
        let mut out = None;
        if self.peek()? == b'}' {
            return None;
        }
        loop {
            let key = self.string()?;
            self.ws();
            self.expect(b':')?;
            self.ws();
            if key == "votes" && out.is_none() {
                out = Some(self.vote_list(ctx, split)?);
            } else {
                self.value(2)?;
            }
            if !self.more(b'}')? {
                break;
            }
        }
        out
    }

    /// The vote list, from its `[` to after its `]`, and its votes.
    fn vote_list(&mut self, ctx: &Context<'_>, split: SplitAt) -> Option<(Segment<'t>, Vec<Vote>)> {
        self.expect(b'[')?;
        self.ws();
        let mut seg = Segment::default();
        let mut sink = Filler::spilling(Vec::new());
        if self.peek()? == b']' {
            self.pos += 1;
            return Some((seg, sink.into_spill()));
        }
        let start = self.pos;
        let guess = match split {
            SplitAt::Never => None,
            SplitAt::Offset(at) => (at > self.pos && at < self.b.len()).then_some(at),
            SplitAt::Auto => guess_split(self.b, self.pos),
        };
        let Some(guess) = guess else {
            self.elements(ctx, &mut seg, &mut sink, Role::Alone)?;
            return Some((seg, sink.into_spill()));
        };
        let sample_end = start + (guess - start).min(SAMPLE_BYTES);
        match self.elements(ctx, &mut seg, &mut sink, Role::Sample(sample_end))? {
            End::Sampled => {}
            _ => return Some((seg, sink.into_spill())),
        }
        let per_vote = (self.pos - start) / sink.len().max(1);
        let rooms = (
            room(guess.saturating_sub(self.pos), per_vote),
            room(self.b.len() - guess, per_vote),
        );
        let mut votes = sink.into_spill();
        let cancel = AtomicBool::new(false);
        let text = self.text;
        // The second thread's lines count from its start; this is where it
        // started, once the first thread knows.
        let second_line = Cell::new(0);
        let cancel = &cancel;
        fill_apart(
            &mut votes,
            rooms,
            |mut first, mut second| {
                std::thread::scope(|s| {
                    let spawned = std::thread::Builder::new().spawn_scoped(s, move || {
                        let mut cur = Cursor::new(text, guess);
                        cur.line_base = 0;
                        let mut seg = Segment::default();
                        let end = cur.elements(ctx, &mut seg, &mut second, Role::Second(cancel));
                        (end.map(|_| (seg, cur.pos, cur.newlines)), second)
                    });
                    let Ok(handle) = spawned else {
                        // No second thread: one reads it all.
                        self.elements(ctx, &mut seg, &mut first, Role::Alone)?;
                        return Some((Joined::First(first), ()));
                    };
                    let mine = self.elements(ctx, &mut seg, &mut first, Role::First(guess, cancel));
                    if !matches!(mine, Some(End::AtSplit)) {
                        cancel.store(true, Ordering::Relaxed);
                        // Its votes are dropped: the guess was no boundary
                        // (`Closed`) or the general reader decides (`None`).
                        let _ = handle.join();
                        return mine.map(|_| (Joined::First(first), ()));
                    }
                    let (tail, second) = handle.join().ok()?;
                    let (tail, end, newlines) = tail?;
                    seg.append(tail)?;
                    second_line.set(self.line_base + self.newlines);
                    self.pos = end;
                    self.newlines += newlines;
                    Some((Joined::Both(first, second), ()))
                })
            },
            |v| v.line += second_line.get(),
        )?;
        // The rooms were estimates with slack, and the second thread's
        // room was touched up to where it stopped: giving back the unused
        // end releases those pages (about 5 MB at a million votes; on
        // glibc a large block shrinks in place, without a copy).
        votes.shrink_to_fit();
        Some((seg, votes))
    }

    /// Elements of the vote list from the cursor (at an element's start)
    /// to the `]`, in the given role.
    fn elements(
        &mut self,
        ctx: &Context<'_>,
        seg: &mut Segment<'t>,
        sink: &mut Filler<'_, Vote>,
        role: Role<'_>,
    ) -> Option<End> {
        let mut passed = false;
        loop {
            match role {
                Role::Alone => {}
                Role::Second(cancel) => {
                    if cancel.load(Ordering::Relaxed) {
                        return None;
                    }
                }
                Role::First(at, cancel) => {
                    if self.pos == at {
                        return Some(End::AtSplit);
                    }
                    if self.pos > at && !passed {
                        passed = true;
                        cancel.store(true, Ordering::Relaxed);
                    }
                }
                Role::Sample(end) => {
                    if self.pos >= end {
                        return Some(End::Sampled);
                    }
                }
            }
            let line = self.line_base + self.newlines;
            let fields = self.vote()?;
            vote(ctx, seg, sink, fields, line)?;
            if let Some(release) = ctx.release {
                if self.pos - self.released >= RELEASE_EVERY {
                    release(self.released, self.pos);
                    self.released = self.pos;
                }
            }
            if !self.more(b']')? {
                return Some(End::Closed);
            }
        }
    }

    /// One vote object's known fields (a duplicate is left to the general
    /// reader, which refuses it).
    fn vote(&mut self) -> Option<Fields<'t>> {
        self.expect(b'{')?;
        self.ws();
        let mut f = Fields::default();
        if self.peek()? == b'}' {
            self.pos += 1;
            return Some(f);
        }
        loop {
            let key = self.string()?;
            self.ws();
            self.expect(b':')?;
            self.ws();
            if key == "choice" && f.choice.is_none() {
                let start = self.pos;
                f.plain_choice = self.plain_choice();
                if f.plain_choice.is_some() {
                    // Kept so that a second `choice` is refused below.
                    f.choice = self.text.get(start..self.pos);
                    if !self.more(b'}')? {
                        return Some(f);
                    }
                    continue;
                }
            }
            let slot = match key {
                "voter" => &mut f.voter,
                "choice" => &mut f.choice,
                "vp" => &mut f.vp,
                "balance" => &mut f.balance,
                "created" => &mut f.created,
                "proposal" => &mut f.proposal,
                _ => {
                    self.value(4)?;
                    if !self.more(b'}')? {
                        return Some(f);
                    }
                    continue;
                }
            };
            if slot.is_some() {
                return None;
            }
            *slot = Some(self.value(4)?);
            if !self.more(b'}')? {
                return Some(f);
            }
        }
    }
}

/// Whether one of the eight bytes of `word` is a quote, a backslash or a
/// control byte (the exact "has a zero byte" and "has a byte below n" bit
/// tests: never a false "no").
fn may_be_special(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero_in = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let quote = zero_in(word ^ (ONES * u64::from(b'"')));
    let backslash = zero_in(word ^ (ONES * u64::from(b'\\')));
    let control = word.wrapping_sub(ONES * 0x20) & !word & HIGH;
    quote | backslash | control != 0
}

/// A `{` after a `,` near the middle of the list, or `None` if the list is
/// small or none is near.
fn guess_split(b: &[u8], start: usize) -> Option<usize> {
    let len = b.len().checked_sub(start)?;
    if len < MIN_SPLIT_BYTES {
        return None;
    }
    let mid = start + len / 2;
    let end = (mid + 64 * 1024).min(b.len());
    let mut i = mid;
    while i < end {
        if b[i] == b'{' {
            let before = b[start..i]
                .iter()
                .rev()
                .find(|c| !matches!(c, b' ' | b'\t' | b'\r' | b'\n'));
            if before == Some(&b',') {
                return Some(i);
            }
        }
        i += 1;
    }
    None
}

/// `null` is no value for every field but `choice`.
fn non_null(raw: Option<&str>) -> Option<&str> {
    raw.filter(|r| *r != "null")
}

/// One vote, exactly as the general reader's `VoteScan::vote` and
/// `read_vote` would read it, or `None` where they would report an error
/// (the general reader then reports it).
fn vote<'t>(
    ctx: &Context<'_>,
    seg: &mut Segment<'t>,
    sink: &mut Filler<'_, Vote>,
    f: Fields<'t>,
    line: u64,
) -> Option<()> {
    let voter = match f.voter {
        None | Some("null") => None,
        Some(v) => Some(v.strip_prefix('"')?.strip_suffix('"')?),
    };
    // The id is borrowed from the last `proposal` value read (hub exports
    // repeat one value a million times: no string per vote).
    let id = match non_null(f.proposal) {
        None => None,
        Some(p) => {
            if !matches!(&seg.last_proposal, Some((text, _)) if *text == p) {
                seg.last_proposal = Some((p, proposal_id_of(p)));
            }
            seg.last_proposal.as_ref().map(|(_, id)| id.as_str())
        }
    };
    match (&ctx.wanted, id) {
        (Some(w), Some(id)) if w != id => return Some(()),
        (Some(_), None) => return None,
        (None, Some(id)) => match &seg.first_id {
            None => seg.first_id = Some(id.to_string()),
            Some(first) if first != id => return None,
            Some(_) => {}
        },
        _ => {}
    }
    let selection = match f.plain_choice {
        Some(plain) => plain,
        None => selection(f.choice?)?,
    };
    let amount = match (non_null(f.vp), non_null(f.balance)) {
        (Some(vp), _) => Some(vp),
        (None, b) => b,
    };
    let weight = match amount.map(unquote) {
        None | Some("null") => None,
        Some(t) => {
            let (amount, change) =
                Amount::parse_rounded(t, AmountUnit::Token, ctx.opts.decimals).ok()?;
            if let Some(change) = change {
                seg.rounded.votes += 1;
                seg.rounded.total_change += change;
            }
            Some(amount)
        }
    };
    let cast_at = non_null(f.created)
        .map(unquote)
        .filter(|c| *c != "null")
        .map(CastAt::new);
    let voter = voter.map(Voter::new);
    seg.hashes.push(crate::vote::voter_hash(voter.as_ref()));
    sink.push(Vote {
        voter,
        selection,
        weight,
        cast_at,
        line,
        attributes: Attributes::new(),
    });
    Some(())
}

/// A choice that is not plain ([`Cursor::plain_choice`] refused it), as
/// the general reader reads it; `None` where that is an error.
fn selection(raw: &str) -> Option<Selection> {
    parse_selection(raw).ok()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use proptest::prelude::*;

    use super::super::{parse_general, parse_split, JsonVoteOptions};
    use super::*;

    fn opts(proposal_id: Option<&str>) -> JsonVoteOptions<'_> {
        JsonVoteOptions {
            decimals: 18,
            proposal_id,
            attributes: &[],
        }
    }

    /// Both readers give the same votes, counts and rounding, or the same
    /// error text.
    fn same(
        text: &str,
        proposal_id: Option<&str>,
        split: SplitAt,
    ) -> std::result::Result<(), String> {
        let path = Path::new("v.json");
        let o = opts(proposal_id);
        let fast = parse_split(path, text, &o, split);
        let general = parse_general(path, text, &o);
        match (fast, general) {
            (Ok(a), Ok(b)) => {
                if a.votes.votes != b.votes.votes
                    || a.votes.read != b.votes.read
                    || a.votes.replaced != b.votes.replaced
                    || a.rounded != b.rounded
                    || a.choices != b.choices
                {
                    return Err(format!("different votes for {split:?}"));
                }
                Ok(())
            }
            (Err(a), Err(b)) if a.to_string() == b.to_string() => Ok(()),
            (a, b) => Err(format!("{:?} vs {:?}", a.map(|_| ()), b.map(|_| ()))),
        }
    }

    fn voter() -> impl Strategy<Value = String> {
        prop_oneof![
            6 => (0u8..12).prop_map(|i| format!("\"0x{:040x}\"", u64::from(i) * 0x9E37_79B9)),
            2 => (0u8..12).prop_map(|i| format!("\"0xAb{:038X}\"", i)),
            1 => Just("\"alice\"".to_string()),
            1 => Just("null".to_string()),
            1 => Just("7".to_string()),
            1 => Just("\"a\\u0062\"".to_string()),
        ]
    }

    fn number() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => (0u64..200).prop_map(|n| n.to_string()),
            1 => Just("0".to_string()),
            1 => Just("1.5".to_string()),
            1 => Just("-1".to_string()),
            1 => Just("1e2".to_string()),
            1 => Just("4294967297".to_string()),
            1 => Just("18446744073709551616".to_string()),
            1 => Just("\"2\"".to_string()),
            1 => Just("\"01\"".to_string()),
            1 => Just("null".to_string()),
        ]
    }

    fn choice() -> impl Strategy<Value = String> {
        let key = prop_oneof![
            6 => (1u32..6).prop_map(|n| n.to_string()),
            1 => Just("01".to_string()),
            1 => Just("0".to_string()),
            1 => Just("x".to_string()),
            1 => Just("9999999999".to_string()),
        ];
        prop_oneof![
            3 => number(),
            3 => prop::collection::vec(number(), 0..5).prop_map(|v| format!("[{}]", v.join(", "))),
            4 => prop::collection::vec((key, number()), 0..5).prop_map(|v| {
                let parts: Vec<String> = v.iter().map(|(k, w)| format!("\"{k}\": {w}")).collect();
                format!("{{{}}}", parts.join(","))
            }),
            1 => Just("\"abc\"".to_string()),
            1 => Just("{\"1\": 1e999999}".to_string()),
            // Plain lists and maps over several lines (the fast reader
            // reads them in place and must count their line breaks), and
            // values nested where a plain one would be.
            2 => prop::collection::vec(number(), 1..4)
                .prop_map(|v| format!("[\n  {} ]", v.join(" ,\n\t"))),
            2 => prop::collection::vec(((1u32..6), number()), 1..4).prop_map(|v| {
                let parts: Vec<String> =
                    v.iter().map(|(k, w)| format!("\"{k}\" :\n {w}")).collect();
                format!("{{ {}\n}}", parts.join(",\r\n"))
            }),
            1 => Just("[[1], 2]".to_string()),
            1 => Just("{\"1\": {\"2\": 3}}".to_string()),
        ]
    }

    fn amount() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => (0u64..u64::MAX, 0u32..19).prop_map(|(n, d)| {
                let s = n.to_string();
                let d = (d as usize).min(s.len().saturating_sub(1));
                if d == 0 { s } else { format!("{}.{}", &s[..s.len() - d], &s[s.len() - d..]) }
            }),
            1 => Just("\"2.5\"".to_string()),
            1 => Just("5.421010862427522e-20".to_string()),
            1 => Just("1.0000000000000000005".to_string()),
            1 => Just("340282366920938463463.374607431768211455".to_string()),
            1 => Just("340282366920938463463.374607431768211456".to_string()),
            1 => Just("\"12x\"".to_string()),
            1 => Just("null".to_string()),
            1 => Just("-3".to_string()),
        ]
    }

    fn vote() -> impl Strategy<Value = String> {
        let field = |name: &'static str, v: BoxedStrategy<String>| prop_oneof![8 => v.prop_map(move |v| Some(format!("\"{name}\": {v}"))), 1 => Just(None)];
        (
            field("voter", voter().boxed()),
            field("choice", choice().boxed()),
            field("vp", amount().boxed()),
            field("balance", amount().boxed()),
            field(
                "created",
                prop_oneof![
                    (1_700_000_000u64..1_700_000_004).prop_map(|t| t.to_string()),
                    Just("\"2022-05-15T05:14:33.000Z\"".to_string()),
                    Just("null".to_string()),
                ]
                .boxed(),
            ),
            field(
                "proposal",
                prop_oneof![
                    6 => Just("{\"id\": \"0xbench\"}".to_string()),
                    1 => Just("\"0xBENCH\"".to_string()),
                    1 => Just("{\"id\": \"other\"}".to_string()),
                    1 => Just("null".to_string()),
                ]
                .boxed(),
            ),
            prop_oneof![
                4 => Just(None),
                1 => Just(Some("\"note\": \"a, {b\"".to_string())),
                1 => Just(Some("\"x\": [1, {\"y\": [true, false, null]}]".to_string())),
                1 => Just(Some("\"vp\": 1".to_string())),
            ],
            prop::sample::select(vec![" ", "", "\n", "\n  ", "\r\n"]),
        )
            .prop_map(|(a, b, c, d, e, f, g, ws)| {
                let fields: Vec<String> = [a, b, c, d, e, f, g].into_iter().flatten().collect();
                format!("{{{}}}", fields.join(&format!(",{ws}")))
            })
    }

    fn file() -> impl Strategy<Value = String> {
        (
            prop::collection::vec(vote(), 0..24),
            0u8..4,
            prop::sample::select(vec![",\n", ", ", ","]),
        )
            .prop_map(|(votes, envelope, sep)| {
                let list = format!("[\n{}\n]", votes.join(sep));
                match envelope {
                    0 => list,
                    1 => format!("{{\"data\": {{\"votes\": {list}}}}}"),
                    2 => format!("{{\"other\": [1, \"x\"], \"votes\": {list}}}"),
                    _ => format!("{{\"data\": {{\"votes\": {list}, \"more\": {{}}}}}} "),
                }
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn the_fast_reader_agrees_with_the_general_reader(text in file(), at in 0usize..4000) {
            for split in [SplitAt::Never, SplitAt::Auto, SplitAt::Offset(at % (text.len() + 1))] {
                prop_assert_eq!(same(&text, None, split), Ok(()));
                prop_assert_eq!(same(&text, Some("0xbench"), split), Ok(()));
            }
        }

        #[test]
        fn plain_choices_equal_the_general_reading(choice in choice()) {
            let mut cur = Cursor::new(&choice, 0);
            if let Some(s) = cur.plain_choice() {
                // Read whole, as the general reader reads it.
                prop_assert_eq!(cur.pos, choice.len());
                prop_assert_eq!(Ok(s), parse_selection(&choice));
            } else {
                prop_assert_eq!(cur.pos, 0);
            }
        }
    }

    /// A clean hub export: the fast path reads it (it must not give up on
    /// the common shape), and every split offset, including ones inside
    /// strings and nested values, gives the sequential result.
    #[test]
    fn every_split_offset_gives_the_sequential_votes() {
        let mut text = String::from("{\"data\": {\"votes\": [\n");
        for i in 0..40 {
            if i > 0 {
                text.push_str(",\n");
            }
            text.push_str(&format!(
                "{{\"voter\": \"0x{:040X}\", \"note\": \"x, {{y\", \"choice\": {{\"1\": {}, \"2\": 3}}, \
                 \"vp\": {}.25, \"created\": {}, \"proposal\": {{\"id\": \"0xbench\"}}}}",
                i % 17,
                i,
                i * 7,
                1_700_000_000 + i % 5
            ));
        }
        text.push_str("\n]}}");
        let o = opts(None);
        let seq =
            read(&text, &o, SplitAt::Never, None).expect("the fast path reads a clean export");
        assert_eq!(seq.votes.len(), 40);
        assert_eq!(seq.votes[39].line, 41);
        let mut split_used = 0;
        for at in 0..=text.len() {
            // What each thread gives back: passed text, each byte once.
            let released = std::sync::Mutex::new(Vec::new());
            let release = |a: usize, b: usize| released.lock().unwrap().push((a, b));
            let got =
                read(&text, &o, SplitAt::Offset(at), Some(&release)).expect("same as sequential");
            assert_eq!(got.votes, seq.votes, "split at {at}");
            let mut ranges = released.into_inner().unwrap();
            ranges.sort();
            assert!(ranges.len() > 10, "split at {at}: {ranges:?}");
            for pair in ranges.windows(2) {
                assert!(pair[0].1 <= pair[1].0, "split at {at}: overlap {pair:?}");
            }
            assert!(ranges.iter().all(|&(a, b)| a < b && b <= text.len()));
            assert_eq!(got.rounded, seq.rounded);
            if text[..at].trim_end().ends_with(',') && text[at..].starts_with("{\"voter") {
                split_used += 1;
            }
        }
        assert_eq!(split_used, 39);
        assert_eq!(same(&text, None, SplitAt::Auto), Ok(()));
    }

    /// A list whose votes carry a note of the given lengths: the first
    /// vote is the sample the room is estimated from.
    fn noted_export(notes: &[usize]) -> String {
        let votes: Vec<String> = notes
            .iter()
            .enumerate()
            .map(|(i, &n)| {
                format!(
                    "{{\"voter\": \"0x{i:040x}\", \"note\": \"{}\", \"choice\": [{}], \"vp\": {i}}}",
                    "n".repeat(n),
                    i % 3 + 1
                )
            })
            .collect();
        format!("[\n{}\n]", votes.join(",\n"))
    }

    #[test]
    fn a_wrong_estimate_of_either_half_reads_the_same_votes() {
        let long = 300;
        let cases: [(&str, Vec<usize>); 4] = [
            // The sample is long, both halves short: both run out of room.
            ("both short", [vec![long], vec![0; 24]].concat()),
            // The first half as long as the sample (its room fits), the
            // second short (runs out).
            ("second short", [vec![long; 12], vec![0; 12]].concat()),
            // A short sample, then long votes: room to spare on both sides.
            ("both long", [vec![0], vec![long; 12]].concat()),
            // Short then long: the first runs out, the second fits.
            (
                "first short",
                [vec![long], vec![0; 11], vec![long; 6]].concat(),
            ),
        ];
        let o = opts(None);
        for (case, notes) in cases {
            let text = noted_export(&notes);
            let seq = read(&text, &o, SplitAt::Never, None).expect("a clean export");
            // Independently of this reader: vote k is on line k + 2 (after
            // the `[` line), and the general reader reads the same votes.
            let lines: Vec<u64> = seq.votes.iter().map(|v| v.line).collect();
            let want: Vec<u64> = (0..notes.len() as u64).map(|k| k + 2).collect();
            assert_eq!(lines, want, "{case}");
            assert_eq!(same(&text, None, SplitAt::Never), Ok(()), "{case}");
            let mut boundaries = 0;
            for at in 0..=text.len() {
                let got = read(&text, &o, SplitAt::Offset(at), None).expect("same as sequential");
                assert_eq!(got.votes, seq.votes, "{case}: split at {at}");
                assert_eq!(got.hashes, seq.hashes, "{case}: split at {at}");
                boundaries += usize::from(text[at..].starts_with("{\"voter"));
            }
            assert_eq!(boundaries, notes.len(), "{case}");
        }
    }

    #[test]
    fn a_large_export_is_split_and_read_like_the_general_reader() {
        let mut text = String::from("[");
        let mut i = 0;
        while text.len() < 3 * MIN_SPLIT_BYTES {
            if i > 0 {
                text.push_str(",\n");
            }
            text.push_str(&format!(
                "{{\"voter\": \"0x{:040x}\", \"choice\": [{}, 2], \"vp\": {}, \"created\": {}}}",
                i % 9000,
                1 + i % 3,
                i,
                i % 11
            ));
            i += 1;
        }
        text.push(']');
        assert!(guess_split(text.as_bytes(), 1).is_some());
        assert_eq!(same(&text, None, SplitAt::Auto), Ok(()));
        // A bad value in the second half: the general reader's error.
        let bad = text.replacen(&format!("\"vp\": {}", i - 5), "\"vp\": \"12x\"", 1);
        let e = parse_split(Path::new("v.json"), &bad, &opts(None), SplitAt::Auto).unwrap_err();
        assert!(e.to_string().contains("field 'vp'"), "{e}");
        assert_eq!(same(&bad, None, SplitAt::Auto), Ok(()));
    }
}
