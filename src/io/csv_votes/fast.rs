//! The fast path of the vote CSV reader: the file taken in windows of
//! 16 MiB (each ending at a record boundary, the rest carried over; a file
//! of 4 MiB or more is memory-mapped and its windows move along the map,
//! a smaller one is read a window at a time into one buffer), each window
//! split at record boundaries and parsed on every core, fields borrowed
//! from the window.
//!
//! It only ever *accepts*: any row or file it is not sure about (a row
//! error, a mixed `created` format, several proposals, invalid UTF-8, a
//! line near the length limit, a split that turns out to fall inside a
//! quoted field) makes it return `None`, and the caller reads the file
//! again through the exact streaming path, which then reports the same
//! error, at the same line and field, as it always did. So a file the fast
//! path reads gives what the streaming path gives (`fast_tests` checks
//! that on random files cut into random windows and parts), and errors
//! keep their one source.
//!
//! - Records: a line without a quote is split at its commas (the csv
//!   crate does the same with no quote in sight); a record with a quote is
//!   handed to `csv_core`, the csv crate's own parser, with the crate's
//!   settings, so quoted fields, doubled quotes and quoted newlines are
//!   read as before.
//! - Lines: a record's line is one plus the line terminators before its
//!   first byte (`\n`, `\r\n`, a lone `\r`), quoted newlines included: the
//!   rule of `csv_file`.
//! - Splits: each window and each part but the last ends just after a
//!   `\n` with an even number of quotes since its first record (outside
//!   quotes for well-formed quoting); a part's parser may not read past
//!   its end, and a record still open there fails the fast path. A part is parsed from
//!   a record start either way, so the parts together read what one pass
//!   reads; line numbers of later parts are shifted by the terminators
//!   before them.
//! - Values: amounts written as `digits[.digits]` go straight into `u128`
//!   base units (checked; anything else, or an overflow, goes to
//!   [`Amount::parse`]); a single choice that is a short number or a name
//!   is looked up without allocating; a hex address is lower-cased into a
//!   reused buffer, so the voter is one allocation; each voter's hash is
//!   computed here, while its text is in cache, for `latest`.

use std::io::Read;
use std::path::Path;

use memchr::{memchr, memchr_iter};

use super::{fractional_amounts, parse_choice_field, CsvVoteOptions};
use crate::amount::Amount;
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

/// The rows the fast path read, in file order.
#[derive(Default)]
pub(super) struct Rows {
    /// The votes of the wanted rows.
    pub votes: Vec<Vote>,
    /// Each voter's [`crate::vote::voter_hash`], in [`Mode::One`].
    pub hashes: Vec<u64>,
    /// Each vote's (normalised) proposal id, in [`Mode::All`].
    pub ids: Vec<String>,
}

impl Rows {
    /// Moves a later part's rows here, their lines shifted by `base`
    /// (`part` keeps its room for the next window: one allocation per
    /// part for the whole file, which the allocator then returns).
    fn append(&mut self, part: &mut Rows, base: u64) {
        self.votes.extend(part.votes.drain(..).map(|mut v| {
            v.line += base;
            v
        }));
        self.hashes.append(&mut part.hashes);
        self.ids.append(&mut part.ids);
    }
}

/// How the file is cut up: the window read at a time and the parts each
/// window is split into (tests use tiny ones).
#[derive(Clone, Copy, Debug)]
pub(super) struct Split {
    /// The most parts (threads) a window is split into.
    pub parts: usize,
    /// Parts smaller than this are not worth a thread.
    pub min_part: usize,
    /// Bytes read at a time (a window holds at least this much and ends
    /// at the last record boundary found in it).
    pub block: usize,
    /// Whether the file is mapped rather than read: `None` decides by its
    /// size ([`crate::io::file_text::maps`]); tests force either.
    pub map: Option<bool>,
}

impl Split {
    /// The split for `threads` threads.
    pub fn new(threads: usize) -> Split {
        Split {
            parts: threads.clamp(1, MAX_PARTS),
            min_part: MIN_PART,
            block: BLOCK,
            map: None,
        }
    }
}

/// The file as the windows see it: read a block at a time into one
/// buffer, or mapped whole, the visible part moving along the map.
///
/// Why map: reading copies every byte from the page cache into a buffer
/// whose 32 MB of fresh pages the kernel first zeroes, on the one thread
/// that is not parsing meanwhile; a map shows the cached pages themselves,
/// and the pages of passed windows are given back, so the peak memory has
/// no buffer in it.
enum Input {
    Read {
        file: std::fs::File,
        buf: Vec<u8>,
    },
    Mapped {
        map: crate::io::file_text::MappedBytes,
        /// The visible bytes are `map[from..to]`.
        from: usize,
        to: usize,
    },
}

impl Input {
    fn open(path: &Path, size: usize, reserve: usize, split: Split) -> Option<Input> {
        let file = crate::io::open_regular(path).ok()?;
        let mapped = size > 0
            && split
                .map
                .unwrap_or_else(|| crate::io::file_text::maps(size as u64));
        Some(if mapped {
            Input::Mapped {
                map: crate::io::file_text::MappedBytes::map(path, &file).ok()?,
                from: 0,
                to: 0,
            }
        } else {
            Input::Read {
                file,
                buf: Vec::with_capacity(reserve),
            }
        })
    }

    /// The visible bytes.
    fn bytes(&self) -> &[u8] {
        match self {
            Input::Read { buf, .. } => buf,
            Input::Mapped { map, from, to } => &map[*from..*to],
        }
    }

    /// Makes the visible bytes at least `len` long, or all the rest of
    /// the file; `Some(true)` when the file ended first.
    fn fill(&mut self, len: usize) -> Option<bool> {
        match self {
            Input::Read { file, buf } => {
                let want = len.saturating_sub(buf.len());
                if want == 0 {
                    return Some(false);
                }
                buf.reserve(want);
                let got = file.by_ref().take(want as u64).read_to_end(buf).ok()?;
                Some(got < want)
            }
            Input::Mapped { map, from, to } => {
                let want = len.saturating_sub(*to - *from);
                if want == 0 {
                    return Some(false);
                }
                let got = want.min(map.len() - *to);
                *to += got;
                Some(got < want)
            }
        }
    }

    /// Drops the first `n` visible bytes (a parsed window; the votes own
    /// what they took from it).
    fn pass(&mut self, n: usize) {
        match self {
            Input::Read { buf, .. } => {
                buf.drain(..n);
            }
            Input::Mapped { map, from, .. } => {
                map.release(*from, *from + n);
                *from += n;
            }
        }
    }
}

/// Bytes read at a time.
const BLOCK: usize = 16 << 20;

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
        })
    }
}

/// Reads the rows of `path` on the fast path, or `None` when the exact
/// streaming path has to read it (see the module docs).
pub(super) fn read(
    path: &Path,
    opts: &CsvVoteOptions<'_>,
    mode: Mode,
    split: Split,
) -> Option<Rows> {
    let csv = CsvFile::open(path).ok()?;
    let layout = Layout::new(&csv, opts, mode)?;
    let header_end = usize::try_from(csv.header_end()).ok()?;
    drop(csv);
    let size = usize::try_from(std::fs::metadata(path).ok()?.len()).ok()?;
    let block = split.block.max(1);
    let mut input = Input::open(path, size, size.min(header_end + 2 * block) + 1, split)?;
    let mut eof = input.fill(header_end + block)?;
    let buf = input.bytes();
    if buf.len() < header_end {
        return None;
    }
    let mut start = header_end;
    // The csv crate stops a CRLF header after its `\r`.
    if start > 0 && buf[start - 1] == b'\r' && buf.get(start) == Some(&b'\n') {
        start += 1;
    }
    let mut base = terminators(&buf[..start], None);
    let mut rows = Rows::default();
    // The later parts' rows, kept from window to window.
    let mut spares: Vec<Rows> = Vec::new();
    let estimate = estimate_rows(&input.bytes()[start..], size.saturating_sub(start));
    rows.votes.reserve(estimate);
    if mode == Mode::One {
        rows.hashes.reserve(estimate);
    }
    let (mut kind, mut id) = (None, None);
    // Bytes between the file's start (the header's) and the window: the
    // length limit counts them for the first record.
    let mut origin = start;
    loop {
        let end = if eof {
            input.bytes().len()
        } else {
            match last_cut(input.bytes(), start) {
                Some(end) => end,
                None => {
                    let more = input.bytes().len() + block;
                    eof = input.fill(more)?;
                    continue;
                }
            }
        };
        let window = Window {
            bytes: &input.bytes()[..end],
            start,
            last: eof,
            origin,
            base,
        };
        let (lines, first_kind, first_id) =
            window.parse(&layout, split, &mut rows, &mut spares, estimate, size)?;
        match (&kind, first_kind) {
            (_, None) => {}
            (None, k) => kind = k,
            (Some(a), Some(b)) if *a == b => {}
            _ => return None,
        }
        match (&id, first_id) {
            (_, None) => {}
            (None, i) => id = i,
            (Some(a), Some(b)) if *a == b => {}
            _ => return None,
        }
        base += lines;
        if eof {
            return Some(rows);
        }
        input.pass(end);
        start = 0;
        origin = 0;
        eof = input.fill(block)?;
    }
}

/// The end of the last record that ends in `buf[start..]` at a `\n` with
/// an even number of quotes before it (since `start`, a record start).
fn last_cut(buf: &[u8], start: usize) -> Option<usize> {
    let end = buf.len();
    let last_newline = memchr::memrchr(b'\n', &buf[start..])? + start;
    // Most files quote nothing: then every `\n` ends a record.
    if memchr(b'"', &buf[start..end]).is_none() {
        return (last_newline + 1 > start).then_some(last_newline + 1);
    }
    let mut quotes = memchr_iter(b'"', &buf[start..]).count();
    let mut end = end;
    for _ in 0..64 {
        let i = memchr::memrchr(b'\n', &buf[start..end])? + start;
        quotes -= memchr_iter(b'"', &buf[i + 1..end]).count();
        if quotes % 2 == 0 {
            return (i + 1 > start).then_some(i + 1);
        }
        end = i;
    }
    None
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

/// Records `bytes[start..]`, ending at a record boundary (or the end of
/// the file when `last`).
struct Window<'b> {
    bytes: &'b [u8],
    start: usize,
    last: bool,
    origin: usize,
    base: u64,
}

impl Window<'_> {
    /// Parses the window's parts, the first into `rows` and the others
    /// beside it; returns the window's terminators and its first `created`
    /// kind and proposal id.
    fn parse(
        &self,
        layout: &Layout<'_>,
        split: Split,
        rows: &mut Rows,
        spares: &mut Vec<Rows>,
        estimate: usize,
        size: usize,
    ) -> Option<(u64, Option<bool>, Option<String>)> {
        let cuts = &cuts(self.bytes, self.start, split.parts, split.min_part);
        let per_byte = |len: usize| {
            usize::try_from(estimate as u128 * len as u128 / size.max(1) as u128).unwrap_or(0) + 16
        };
        let text = |k: usize| std::str::from_utf8(&self.bytes[cuts[k]..cuts[k + 1]]).ok();
        let last_part = cuts.len() - 2;
        spares.resize_with(last_part.max(spares.len()), Rows::default);
        let taken: Vec<Rows> = spares.drain(..last_part).collect();
        let results = std::thread::scope(|s| {
            let handles: Vec<_> = (1..=last_part)
                .zip(taken)
                .map(|(k, mut rows)| {
                    s.spawn(move || {
                        rows.votes.reserve(per_byte(cuts[k + 1] - cuts[k]));
                        let part = text(k).and_then(|t| {
                            parse_part(t, self.last && k == last_part, 0, 0, layout, &mut rows)
                        });
                        (part, rows)
                    })
                })
                .collect();
            let first = text(0).and_then(|t| {
                parse_part(
                    t,
                    self.last && last_part == 0,
                    self.base,
                    self.origin,
                    layout,
                    rows,
                )
            });
            let others: Vec<_> = handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect();
            (first, others)
        });
        let first = results.0?;
        let (mut kind, mut id) = (first.first_kind, first.first_id);
        let mut base = self.base + first.lines;
        for (part, mut part_rows) in results.1 {
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
            rows.append(&mut part_rows, base);
            spares.push(part_rows);
            base += part.lines;
        }
        Some((base - self.base, kind, id))
    }
}

/// About how many records a file of `size` bytes holds, from a sample
/// (its first 64 KiB), with room to spare: capacity never touched costs
/// no memory.
fn estimate_rows(sample: &[u8], size: usize) -> usize {
    let sample = &sample[..sample.len().min(64 << 10)];
    let lines = memchr_iter(b'\n', sample).count().max(1);
    let per_line = (sample.len() / lines).max(1);
    size / per_line + size / per_line / 8 + 16
}

/// Where the parts start: `start`, cuts just after a `\n` with an even
/// number of quotes since `start`, and the end.
fn cuts(bytes: &[u8], start: usize, parts: usize, min_part: usize) -> Vec<usize> {
    let len = bytes.len();
    let n = ((len - start) / min_part.max(1)).clamp(1, parts.clamp(1, MAX_PARTS));
    let quote_free = n > 1 && memchr(b'"', &bytes[start..]).is_none();
    let count = |a: usize, b: usize| {
        if quote_free {
            0
        } else {
            memchr_iter(b'"', &bytes[a..b]).count()
        }
    };
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

/// What a part found besides its rows.
struct Part {
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
    rows: &mut Rows,
) -> Option<Part> {
    let b = text.as_bytes();
    let n = b.len();
    let mut part = Part {
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
                row(&fields, record_line, layout, &mut part, rows, &mut lower)?;
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
                row(&got, record_line, layout, &mut part, rows, &mut lower)?;
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
    loop {
        // Eight bytes at a time past bytes above `,`: the lowest flagged
        // byte of `w - 0x2d..2d & !w & 0x80..80` is the first below 0x2d
        // (flags above it may be false; they are looked at one by one).
        while let Some(chunk) = b.get(i..i + 8) {
            let w = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
            let low = w.wrapping_sub(0x2d2d_2d2d_2d2d_2d2d) & !w & 0x8080_8080_8080_8080;
            if low == 0 {
                i += 8;
            } else {
                i += (low.trailing_zeros() / 8) as usize;
                break;
            }
        }
        let Some(&c) = b.get(i) else {
            break;
        };
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
                    let (res, _, _, e) =
                        self.reader
                            .read_record(&[], &mut self.out[nout..], &mut self.ends[nend..]);
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
    rows: &mut Rows,
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
        Some(wc) => Some(Amount::parse(fields[wc], opts.unit, opts.decimals).ok()?),
        None => None,
    };
    let mut attributes = Attributes::new();
    for &(name, c) in &layout.attributes {
        attributes.set(name, fields[c]);
    }
    let voter = voter(voter_text, lower);
    if layout.mode == Mode::One {
        rows.hashes.push(crate::vote::voter_hash(Some(&voter)));
    }
    rows.votes.push(Vote {
        voter: Some(voter),
        selection,
        weight,
        cast_at,
        line,
        attributes,
    });
    if layout.mode == Mode::All {
        rows.ids
            .push(id.expect("all-proposal reads have a proposal column"));
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
