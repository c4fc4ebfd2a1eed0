//! The fast path of the vote CSV reader: the whole file in one buffer,
//! split at record boundaries and parsed on every core, no per-row buffer.
//!
//! It only ever *accepts*: any row or file it is not sure about (a row
//! error, a mixed `created` format, several proposals, invalid UTF-8, a
//! line near the length limit, a split that turns out to fall inside a
//! quoted field) makes it return `None`, and the caller reads the file
//! again through the exact streaming path, which then reports the same
//! error, at the same line and field, as it always did. So a file the fast
//! path reads gives what the streaming path gives (`tests` check that on
//! random files), and errors keep their one source.
//!
//! - Records: a line without a quote is split at its commas (the csv
//!   crate does the same with no quote in sight); a record with a quote is
//!   handed to `csv_core`, the csv crate's own parser, with the crate's
//!   settings, so quoted fields, doubled quotes and quoted newlines are
//!   read as before.
//! - Lines: a record's line is one plus the line terminators before its
//!   first byte (`\n`, `\r\n`, a lone `\r`), quoted newlines included: the
//!   rule of `csv_file`.
//! - Splits: each part but the last ends just after a `\n` with an even
//!   number of quotes since the first record (outside quotes for
//!   well-formed quoting); a part's parser may not read past its end, and
//!   a record still open there fails the fast path. A part is parsed from
//!   a record start either way, so the parts together read what one pass
//!   reads; line numbers of later parts are shifted by the terminators
//!   before them.
//! - Values: amounts written as `digits[.digits]` go straight into `u128`
//!   base units (checked; anything else, or an overflow, goes to
//!   [`Amount::parse`]); a single choice that is a short number or a name
//!   is looked up without allocating; a hex address with capitals is
//!   lower-cased on the stack, so the voter is one allocation.

use std::io::Read;
use std::path::Path;

use memchr::{memchr, memchr_iter};

use super::{fractional_amounts, parse_choice_field, CsvVoteOptions};
use crate::amount::{Amount, AmountUnit};
use crate::choices::Choices;
use crate::io::csv_file::CsvFile;
use crate::io::{normalize_proposal_id, ChoiceShape};
use crate::vote::{Attributes, CastAt, Selection, Vote, Voter};

/// What the caller will do with the rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Mode {
    /// One proposal (`read`): several proposals without `proposal_id` is
    /// an error.
    One,
    /// Every proposal (`read_all`): each vote's proposal id is kept.
    All,
}

/// The rows the fast path read, in file order, still in their parts.
pub(super) struct Rows {
    /// The votes of the wanted rows, part by part.
    pub parts: Vec<PartVotes>,
    /// Each vote's (normalised) proposal id, in [`Mode::All`].
    pub ids: Vec<String>,
}

/// The votes of one part.
pub(super) struct PartVotes {
    /// The votes, with lines counted from the part's start.
    pub votes: Vec<Vote>,
    /// Each voter's [`voter_hash`], in [`Mode::One`].
    pub hashes: Vec<u64>,
    /// The lines before the part, to add to its votes' lines.
    pub base: u64,
}

impl Rows {
    /// Every vote, in file order.
    pub fn into_votes(self) -> Vec<Vote> {
        let mut parts = self.parts.into_iter();
        let Some(first) = parts.next() else {
            return Vec::new();
        };
        let mut votes = first.votes;
        for part in parts {
            votes.extend(part.votes.into_iter().map(|mut v| {
                v.line += part.base;
                v
            }));
        }
        votes
    }
}

/// The hash the fast path keys voters by (fixed, so nothing depends on a
/// random seed; the results do not depend on it at all).
pub(super) fn voter_hash(voter: &str) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::with_seed(0x5eed_9e37_79b9_7f4a).hash_one(voter)
}

/// Files above this size are streamed by the exact path instead of read
/// into one buffer.
const MAX_BUFFERED: u64 = 1 << 30;

/// The longest record, counted from the start of the record before it
/// (blank lines between count), the fast path reads; well inside the
/// streaming reader's limits ([`crate::io::MAX_LINE_BYTES`]), so whatever
/// is near them is left to the streaming reader to accept or refuse.
const MAX_SPAN: usize = 4 << 20;

/// Parts smaller than this are not worth a thread.
const MIN_PART: usize = 1 << 20;

/// The most parts a file is split into.
const MAX_PARTS: usize = 8;

/// The file's columns, resolved as the streaming path resolves them.
struct Layout<'a> {
    fields: usize,
    voter: usize,
    choice: usize,
    weight: Option<usize>,
    proposal: Option<usize>,
    created: Option<usize>,
    attributes: Vec<(&'static str, usize)>,
    wanted: Option<String>,
    opts: &'a CsvVoteOptions<'a>,
    mode: Mode,
    shift: u8,
}

impl<'a> Layout<'a> {
    fn new(csv: &CsvFile, opts: &'a CsvVoteOptions<'a>, mode: Mode) -> Option<Layout<'a>> {
        let cols = &opts.columns;
        let voter = csv
            .required_column(cols.voter.as_deref(), &["voter", "address", "member"])
            .ok()?;
        let choice = csv
            .required_column(cols.choice.as_deref(), &["choice"])
            .ok()?;
        let weight = csv
            .column(
                cols.weight.as_deref(),
                &["weight", "votes", "vp", "balance"],
                false,
            )
            .ok()?;
        let proposal = csv
            .column(
                cols.proposal.as_deref(),
                &["proposal_id", "proposal", "proposalid", "proposal id"],
                false,
            )
            .ok()?;
        let created = csv
            .column(cols.created.as_deref(), &["created", "timestamp"], false)
            .ok()?;
        let mut attributes = Vec::with_capacity(opts.attributes.len());
        for &name in opts.attributes {
            let configured = cols.attributes.get(name).map(String::as_str);
            if let Some(c) = csv.column(configured, &[name], false).ok()? {
                attributes.push((name, c));
            }
        }
        let wanted = match (opts.proposal_id, proposal) {
            (Some(_), None) => return None,
            (Some(id), Some(_)) => Some(normalize_proposal_id(id)),
            (None, _) => None,
        };
        if mode == Mode::All && proposal.is_none() {
            return None;
        }
        Some(Layout {
            fields: csv.names().len(),
            voter,
            choice,
            weight,
            proposal,
            created,
            attributes,
            wanted,
            opts,
            mode,
            shift: match opts.unit {
                AmountUnit::Token => opts.decimals,
                AmountUnit::Base => 0,
            },
        })
    }
}

/// Reads the rows of `path` on the fast path in at most `parts` parts, or
/// `None` when the exact streaming path has to read it (see the module
/// docs).
pub(super) fn read(
    path: &Path,
    opts: &CsvVoteOptions<'_>,
    mode: Mode,
    parts: usize,
) -> Option<Rows> {
    read_min(path, opts, mode, parts, MIN_PART)
}

/// [`read`] with parts of at least `min_part` bytes (tests split small
/// files with it).
pub(super) fn read_min(
    path: &Path,
    opts: &CsvVoteOptions<'_>,
    mode: Mode,
    parts: usize,
    min_part: usize,
) -> Option<Rows> {
    let csv = CsvFile::open(path).ok()?;
    let layout = Layout::new(&csv, opts, mode)?;
    let header_end = usize::try_from(csv.header_end()).ok()?;
    drop(csv);
    let bytes = read_file(path)?;
    read_bytes(&bytes, header_end, &layout, parts, min_part)
}

fn read_file(path: &Path) -> Option<Vec<u8>> {
    let file = crate::io::open_regular(path).ok()?;
    let len = file.metadata().ok()?.len();
    if len > MAX_BUFFERED {
        return None;
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).ok()? + 1);
    file.take(MAX_BUFFERED + 1).read_to_end(&mut bytes).ok()?;
    if bytes.len() as u64 > MAX_BUFFERED {
        return None;
    }
    Some(bytes)
}

/// Line terminators starting in `bytes`: every `\r`, and every `\n` not
/// right after a `\r` (`before` is the byte before `bytes`, if any).
fn terminators(bytes: &[u8], before: Option<u8>) -> u64 {
    let crs = memchr_iter(b'\r', bytes).count() as u64;
    if crs == 0 {
        return memchr_iter(b'\n', bytes).count() as u64;
    }
    let mut prev = before;
    let mut n = 0;
    for &b in bytes {
        n += u64::from(b == b'\r' || (b == b'\n' && prev != Some(b'\r')));
        prev = Some(b);
    }
    n
}

/// Reads the records after the header (which ends at `header_end`).
fn read_bytes(
    bytes: &[u8],
    header_end: usize,
    layout: &Layout<'_>,
    parts: usize,
    min_part: usize,
) -> Option<Rows> {
    let mut start = header_end.min(bytes.len());
    // The csv crate stops a CRLF header after its `\r`.
    if start > 0 && bytes[start - 1] == b'\r' && bytes.get(start) == Some(&b'\n') {
        start += 1;
    }
    let head_lines = terminators(&bytes[..start], None);
    let cuts = cuts(bytes, start, parts, min_part);
    let estimate = estimate_rows(&bytes[start..]);
    let total = bytes.len() - start;
    let parse = |k: usize| {
        let (a, b) = (cuts[k], cuts[k + 1]);
        let text = std::str::from_utf8(&bytes[a..b]).ok()?;
        // The first part holds every vote in the end: room for all.
        let capacity = if k == 0 {
            estimate
        } else {
            usize::try_from(estimate as u128 * (b - a) as u128 / total.max(1) as u128)
                .unwrap_or(0)
                + 16
        };
        let origin = if k == 0 { a } else { 0 };
        parse_part(
            text,
            k + 2 == cuts.len(),
            if k == 0 { head_lines } else { 0 },
            origin,
            layout,
            capacity,
        )
    };
    let results: Vec<Option<Part>> = std::thread::scope(|s| {
        let handles: Vec<_> = (1..cuts.len() - 1)
            .map(|k| s.spawn(move || parse(k)))
            .collect();
        let mut results = vec![parse(0)];
        for h in handles {
            results.push(h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        }
        results
    });
    let mut rows = Rows {
        parts: Vec::with_capacity(results.len()),
        ids: Vec::new(),
    };
    let (mut kind, mut id) = (None, None);
    let mut base = head_lines;
    for (k, part) in results.into_iter().enumerate() {
        let part = part?;
        match (&kind, part.first_kind) {
            (_, None) => {}
            (None, k) => kind = k,
            (Some(a), Some(b)) if *a == b => {}
            _ => return None,
        }
        match (&id, part.first_id) {
            (_, None) => {}
            (None, i) => id = i,
            (Some(a), Some(b)) if *a == b => {}
            _ => return None,
        }
        rows.parts.push(PartVotes {
            votes: part.votes,
            hashes: part.hashes,
            // The first part counted from the top of the file.
            base: if k == 0 { 0 } else { base },
        });
        if rows.ids.is_empty() {
            rows.ids = part.ids;
        } else {
            rows.ids.extend(part.ids);
        }
        base += part.lines;
    }
    Some(rows)
}

/// About how many records `data` holds (from its first 64 KiB), with room
/// to spare: capacity never touched costs no memory.
fn estimate_rows(data: &[u8]) -> usize {
    let sample = &data[..data.len().min(64 << 10)];
    let lines = memchr_iter(b'\n', sample).count().max(1);
    let per_line = (sample.len() / lines).max(1);
    data.len() / per_line + data.len() / per_line / 8 + 16
}

/// Where the parts start: `start`, cuts just after a `\n` with an even
/// number of quotes since `start`, and the end.
fn cuts(bytes: &[u8], start: usize, parts: usize, min_part: usize) -> Vec<usize> {
    let len = bytes.len();
    let n = ((len - start) / min_part.max(1)).clamp(1, parts.clamp(1, MAX_PARTS));
    let count = |a: usize, b: usize| memchr_iter(b'"', &bytes[a..b]).count();
    // Quotes in `start..counted`.
    let (mut counted, mut quotes) = (start, 0usize);
    let mut cuts = vec![start];
    for k in 1..n {
        let mut at = start + (len - start) / n * k;
        // Try the next few line ends for an even quote count.
        for _ in 0..64 {
            let Some(i) = memchr(b'\n', &bytes[at..]) else {
                break;
            };
            let cut = at + i + 1;
            if cut >= len {
                break;
            }
            if cut >= counted {
                quotes += count(counted, cut);
            } else {
                quotes = count(start, cut);
            }
            counted = cut;
            at = cut;
            if quotes % 2 == 0 {
                if cut > *cuts.last().expect("cuts start with `start`") {
                    cuts.push(cut);
                }
                break;
            }
        }
    }
    cuts.push(len);
    cuts
}

/// One part's rows.
struct Part {
    votes: Vec<Vote>,
    hashes: Vec<u64>,
    ids: Vec<String>,
    /// Line terminators in the part.
    lines: u64,
    /// The first `created` kind (number or not) of the part.
    first_kind: Option<bool>,
    /// The first proposal id of the part (single-proposal guard).
    first_id: Option<String>,
}

/// Parses one part (`text`, starting at a record start). `base` is the
/// number of terminators before it, if known (the first part), and
/// `origin` the bytes before it that belong to the record before its
/// first one (the length limit counts them).
fn parse_part(
    text: &str,
    last: bool,
    base: u64,
    origin: usize,
    layout: &Layout<'_>,
    capacity: usize,
) -> Option<Part> {
    let b = text.as_bytes();
    let n = b.len();
    let mut part = Part {
        votes: Vec::with_capacity(capacity),
        hashes: Vec::with_capacity(if layout.mode == Mode::One { capacity } else { 0 }),
        ids: Vec::new(),
        lines: 0,
        first_kind: None,
        first_id: None,
    };
    let mut fields: Vec<&str> = Vec::with_capacity(layout.fields);
    let mut quoted = Quoted::new();
    let mut lower = String::new();
    let mut pos = 0;
    let mut line = 0u64;
    // Where the record before starts, as an offset that may be negative
    // (`origin` bytes before the part).
    let mut prev_start: isize = -(isize::try_from(origin).ok()?);
    loop {
        while pos < n {
            match b[pos] {
                b'\r' => pos += if b.get(pos + 1) == Some(&b'\n') { 2 } else { 1 },
                b'\n' => pos += 1,
                _ => break,
            }
            line += 1;
        }
        if pos >= n {
            if span(prev_start, n) > MAX_SPAN {
                return None;
            }
            break;
        }
        let start = pos;
        let record_line = base + line + 1;
        match scan_line(text, start, &mut fields) {
            Some(end) => {
                // A last record without a terminator ends the file.
                if end == n && !last {
                    return None;
                }
                pos = end;
                if span(prev_start, end) > MAX_SPAN {
                    return None;
                }
                if fields.len() != layout.fields {
                    return None;
                }
                row(&fields, record_line, layout, &mut part, &mut lower)?;
            }
            None => {
                let end = quoted.read(&b[start..], last)? + start;
                if span(prev_start, end) > MAX_SPAN {
                    return None;
                }
                line += terminators(&b[start..end], None);
                pos = end;
                let got = quoted.fields()?;
                if got.len() != layout.fields {
                    return None;
                }
                row(&got, record_line, layout, &mut part, &mut lower)?;
            }
        }
        prev_start = isize::try_from(start).ok()?;
    }
    part.lines = line;
    Some(part)
}

fn span(prev_start: isize, end: usize) -> usize {
    (end as isize - prev_start).unsigned_abs()
}

/// Splits the line at `from` at its commas into `fields`; returns where
/// it ends (its terminator, or the end of `text`), or `None` if it holds a
/// quote (a record for `csv_core`).
fn scan_line<'t>(text: &'t str, from: usize, fields: &mut Vec<&'t str>) -> Option<usize> {
    let b = text.as_bytes();
    fields.clear();
    let mut field = from;
    let mut i = from;
    while i < b.len() {
        let c = b[i];
        // `\n`, `\r`, `"` and `,` are all at most `,`.
        if c <= b',' {
            match c {
                b',' => {
                    fields.push(&text[field..i]);
                    field = i + 1;
                }
                b'\n' | b'\r' => break,
                b'"' => return None,
                _ => {}
            }
        }
        i += 1;
    }
    fields.push(&text[field..i]);
    Some(i)
}

/// Records with quotes, read by `csv_core` with the csv crate's settings.
struct Quoted {
    reader: csv_core::Reader,
    out: Vec<u8>,
    ends: Vec<usize>,
    len: usize,
}

impl Quoted {
    fn new() -> Quoted {
        let mut reader = csv_core::ReaderBuilder::new()
            .delimiter(b',')
            .quote(b'"')
            .double_quote(true)
            .escape(None)
            .comment(None)
            .quoting(true)
            .terminator(csv_core::Terminator::CRLF)
            .build();
        // A first record, so the reader no longer strips a byte order mark
        // (the header had it, if the file has one).
        let (mut out, mut ends) = ([0u8; 8], [0usize; 4]);
        let _ = reader.read_record(b"x\n", &mut out, &mut ends);
        Quoted {
            reader,
            out: vec![0; 1024],
            ends: vec![0; 64],
            len: 0,
        }
    }

    /// Reads the record at the start of `input`; returns the offset of its
    /// terminator (or the end of the input at the end of the file), or
    /// `None` if the record does not end within `input` and more follows.
    fn read(&mut self, input: &[u8], last: bool) -> Option<usize> {
        use csv_core::ReadRecordResult as R;
        let (mut nin, mut nout, mut nend) = (0, 0, 0);
        loop {
            if nin == input.len() {
                if !last {
                    return None;
                }
                // The end of the file: the empty input ends the record.
                loop {
                    let (res, _, _, e) = self.reader.read_record(
                        &[],
                        &mut self.out[nout..],
                        &mut self.ends[nend..],
                    );
                    nend += e;
                    match res {
                        R::OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
                        R::Record => {
                            self.len = nend;
                            return Some(input.len());
                        }
                        _ => return None,
                    }
                }
            }
            let (res, i, o, e) = self.reader.read_record(
                &input[nin..],
                &mut self.out[nout..],
                &mut self.ends[nend..],
            );
            nin += i;
            nout += o;
            nend += e;
            match res {
                R::OutputFull => self.out.resize(self.out.len() * 2, 0),
                R::OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
                R::InputEmpty => {}
                // Ended by a terminator, the last byte read.
                R::Record => {
                    self.len = nend;
                    return match input[..nin].last() {
                        Some(b'\r' | b'\n') => Some(nin - 1),
                        _ => None,
                    };
                }
                R::End => return None,
            }
        }
    }

    /// The fields of the record just read.
    fn fields(&self) -> Option<Vec<&str>> {
        let mut from = 0;
        let mut fields = Vec::with_capacity(self.len);
        for &end in &self.ends[..self.len] {
            fields.push(std::str::from_utf8(&self.out[from..end]).ok()?);
            from = end;
        }
        Some(fields)
    }
}

/// One record's vote (or nothing, for another proposal's row); `None` if
/// the streaming path has to say what is wrong with it.
fn row(
    fields: &[&str],
    line: u64,
    layout: &Layout<'_>,
    part: &mut Part,
    lower: &mut String,
) -> Option<()> {
    let opts = layout.opts;
    let id = layout.proposal.map(|pc| normalize_proposal_id(fields[pc]));
    if let (Some(w), Some(id)) = (&layout.wanted, &id) {
        if w != id {
            return Some(());
        }
    }
    if layout.mode == Mode::One && opts.proposal_id.is_none() {
        if let Some(id) = &id {
            match &part.first_id {
                None => part.first_id = Some(id.clone()),
                Some(first) if first == id => {}
                Some(_) => return None,
            }
        }
    }
    let mut cast_at = None;
    if let Some(c) = layout.created {
        let text = trim(fields[c]);
        if !text.is_empty() {
            let number = text.bytes().all(|b| b.is_ascii_digit());
            match part.first_kind {
                None => part.first_kind = Some(number),
                Some(first) if first != number => return None,
                Some(_) => {}
            }
            cast_at = Some(CastAt::new(text));
        }
    }
    let voter_text = trim(fields[layout.voter]);
    if voter_text.is_empty() {
        return None;
    }
    let choice = fields[layout.choice];
    let selection = match single_choice(choice, opts.choices, opts.shape) {
        Some(s) => s,
        None => {
            let s = parse_choice_field(choice, opts.choices, opts.shape).ok()?;
            if opts.shape == ChoiceShape::Fractional {
                fractional_amounts(s, opts.unit, opts.decimals).ok()?
            } else {
                s
            }
        }
    };
    let weight = match layout.weight {
        Some(wc) => Some(amount(fields[wc], opts.unit, opts.decimals, layout.shift)?),
        None => None,
    };
    let mut attributes = Attributes::new();
    for &(name, c) in &layout.attributes {
        attributes.set(name, fields[c]);
    }
    let voter = voter(voter_text, lower);
    if layout.mode == Mode::One {
        part.hashes.push(voter_hash(voter.as_str()));
    }
    part.votes.push(Vote {
        voter: Some(voter),
        selection,
        weight,
        cast_at,
        line,
        attributes,
    });
    if layout.mode == Mode::All {
        part.ids.push(id.expect("all-proposal reads have a proposal column"));
    }
    Some(())
}

/// A single-choice field that is a short number or a name, as
/// [`parse_choice_field`] reads it; `None` for everything else (the general
/// reader then reads it).
fn single_choice(text: &str, choices: &Choices, shape: ChoiceShape) -> Option<Selection> {
    if shape != ChoiceShape::Single {
        return None;
    }
    let t = trim(text);
    let b = t.as_bytes();
    if b.is_empty() {
        return None;
    }
    if b.iter().all(u8::is_ascii_digit) {
        if b.len() > 9 {
            return None;
        }
        let n = b.iter().fold(0u32, |n, &d| n * 10 + u32::from(d - b'0'));
        return Some(Selection::Single(n));
    }
    if matches!(b[0], b'[' | b'{') || memchr(b';', b).is_some() {
        return None;
    }
    choices.number_of(t).map(Selection::Single)
}

/// An amount field: `digits[.digits]` straight into base units, anything
/// else through [`Amount::parse`]; `None` if it is not an amount.
pub(super) fn amount(text: &str, unit: AmountUnit, decimals: u8, shift: u8) -> Option<Amount> {
    match plain_units(text.as_bytes(), shift) {
        Some(units) => Some(Amount::from_base_units(units)),
        None => Amount::parse(text, unit, decimals).ok(),
    }
}

const POW10: [u128; 39] = {
    let mut t = [1u128; 39];
    let mut i = 1;
    while i < 39 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

/// `digits[.digits]` (at least one digit before the point, at most
/// `shift` after it, at most 19 on either side) times `10^shift`; `None`
/// for any other text or an overflow.
pub(super) fn plain_units(text: &[u8], shift: u8) -> Option<u128> {
    let (int, frac) = match memchr(b'.', text) {
        Some(i) => (&text[..i], &text[i + 1..]),
        None => (text, &text[..0]),
    };
    let shift = usize::from(shift);
    if int.is_empty() || int.len() > 19 || frac.len() > shift || frac.len() > 19 || shift > 38 {
        return None;
    }
    let whole = digits(int)?;
    let part = digits(frac)?;
    u128::from(whole)
        .checked_mul(POW10[shift])?
        .checked_add(u128::from(part) * POW10[shift - frac.len()])
}

/// At most 19 ASCII digits as a number (`Some(0)` for none).
fn digits(text: &[u8]) -> Option<u64> {
    let mut v = 0u64;
    for &c in text {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v * 10 + u64::from(d);
    }
    Some(v)
}

/// The voter of a (trimmed) field, as [`Voter::new`] makes it, with one
/// allocation for a checksummed hex address (lower-cased in `lower`).
pub(super) fn voter(id: &str, lower: &mut String) -> Voter {
    let b = id.as_bytes();
    if b.len() > 2 && b[0] == b'0' && (b[1] == b'x' || b[1] == b'X') {
        lower.clear();
        lower.push_str(id);
        lower.make_ascii_lowercase();
        return Voter::new(lower);
    }
    Voter::new(id)
}

/// `text.trim()`, without looking at characters when both ends are
/// visible ASCII (every whitespace character is ASCII up to a space, or
/// not ASCII).
fn trim(text: &str) -> &str {
    match (text.as_bytes().first(), text.as_bytes().last()) {
        (Some(&a), Some(&z)) if (b'!'..=b'~').contains(&a) && (b'!'..=b'~').contains(&z) => text,
        _ => text.trim(),
    }
}
