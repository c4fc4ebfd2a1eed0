//! A fast path for plain CSV files: no quotes, `\n` or `\r\n` line ends.
//!
//! Holder snapshots and delegation files are usually millions of plain
//! lines (`0x…,12345`). For those, the file is read in large blocks, each
//! block cut at line ends into one part per core, and the parts parsed in
//! parallel; the rows come back in file order, so the result is the one a
//! sequential read gives. Anything the plain reading does not cover (a
//! quote anywhere, a lone `\r`, a line with another number of fields than
//! the header, invalid UTF-8, an over-long line, a leading blank line, an
//! I/O error) makes it give up, and so does any value the caller refuses:
//! the caller then reads the file again with `CsvFile`,
//! which reports the first problem with its file, line and field exactly
//! as before. So the fast path never decides an error message.
//!
//! The semantics match the csv crate's defaults that `CsvFile` uses: `,`
//! separates fields, empty lines are skipped, the last line needs no line
//! end, fields are not trimmed; a line's number counts every line end
//! before it (`\r\n` is one), as `CsvFile` does.

use std::io::Read;
use std::path::Path;

use crate::io::MAX_LINE_BYTES;

/// Bytes read per block.
const BLOCK: usize = 8 << 20;

use crate::parallel::threads;

/// Reads `path` as a plain CSV file whose header has `fields` fields.
///
/// `parse` gets each data line's fields and its 1-based line number and
/// returns a row, or `None` to give up. `sink` receives the rows of each
/// block in file order (and may give up too), with an estimate of the
/// number of data lines in the whole file, for pre-sizing; it takes the
/// rows out of the vector, which is then reused for later blocks (fresh
/// memory costs a page fault per page, which shows at a million rows).
///
/// Returns `None` if the file is not plain or anything gave up (the caller
/// then reads it the careful way), `Some(())` when every row was delivered.
pub(crate) fn read<T, P, S>(path: &Path, fields: usize, parse: P, mut sink: S) -> Option<()>
where
    T: Send,
    P: Fn(&[&str], u64) -> Option<T> + Sync,
    S: FnMut(&mut Vec<T>, usize) -> Option<()>,
{
    let mut file = crate::io::open_regular(path).ok()?;
    let size = file.metadata().ok()?.len();
    let threads = threads();
    let mut buf: Vec<u8> = Vec::with_capacity(BLOCK.min(size as usize + 1));
    // Lines before the first byte of `buf`.
    let mut line: u64 = 0;
    let mut header = true;
    let mut estimate = 0;
    // Rows parsed but not yet given to the sink.
    let mut pending: Vec<Vec<T>> = Vec::new();
    // Emptied vectors, for the next blocks.
    let mut spare: Vec<Vec<T>> = Vec::new();
    let mut eof = false;
    while !eof {
        // Fill the block (read into spare capacity: nothing is zeroed).
        let want = BLOCK.saturating_sub(buf.len()).max(1 << 16) as u64;
        buf.reserve(want as usize);
        let mut got = 0;
        while got < want {
            match (&mut file).take(want - got).read_to_end(&mut buf) {
                Ok(0) => {
                    eof = true;
                    break;
                }
                Ok(n) => got += n as u64,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return None,
            }
        }
        // Whole lines only, unless the file ends here.
        let end = if eof {
            buf.len()
        } else {
            match memchr::memrchr(b'\n', &buf) {
                Some(i) => i + 1,
                None => return None, // a line longer than a block
            }
        };
        let mut body = &buf[..end];
        if memchr::memchr(b'"', body).is_some() {
            return None;
        }
        if header {
            header = false;
            if body.first().is_some_and(|&b| b == b'\n' || b == b'\r') {
                return None;
            }
            let nl = memchr::memchr(b'\n', body).map_or(body.len(), |i| i + 1);
            let first = body[..nl].strip_suffix(b"\n").unwrap_or(&body[..nl]);
            let first = first.strip_suffix(b"\r").unwrap_or(first);
            if memchr::memchr(b'\r', first).is_some() {
                return None; // old Mac line ends
            }
            body = &body[nl..];
            line = 1;
        }
        let text = std::str::from_utf8(body).ok()?;
        if estimate == 0 && !text.is_empty() {
            let lines = count_lines(text).max(1);
            let per_line = (text.len() / lines).max(1) as u64;
            estimate = (size / per_line + size / per_line / 16).max(1) as usize;
        }
        let parts = split(text, threads);
        let mut firsts = Vec::with_capacity(parts.len());
        let mut at = line + 1;
        for p in &parts {
            firsts.push(at);
            at += count_lines(p) as u64;
        }
        // The parts are parsed while the rows of the block before go to
        // the sink (in order), so the sink's work overlaps the parsing.
        let (results, sunk) = std::thread::scope(|scope| {
            let handles: Vec<_> = parts
                .iter()
                .zip(&firsts)
                .map(|(&p, &first)| {
                    let parse = &parse;
                    let out = spare.pop().unwrap_or_default();
                    scope.spawn(move || parse_part(p, first, fields, parse, out))
                })
                .collect();
            let sunk = pending.iter_mut().try_for_each(|rows| {
                sink(rows, estimate)?;
                rows.clear();
                Some(())
            });
            let results: Vec<Option<Vec<T>>> = handles
                .into_iter()
                .map(|h| h.join().unwrap_or(None))
                .collect();
            (results, sunk)
        });
        sunk?;
        spare.append(&mut pending);
        pending = results.into_iter().collect::<Option<Vec<_>>>()?;
        line += count_lines(text) as u64;
        buf.drain(..end);
    }
    pending.iter_mut().try_for_each(|rows| sink(rows, estimate))
}

/// Line ends in `text` (a last line without one is not counted).
fn count_lines(text: &str) -> usize {
    memchr::memchr_iter(b'\n', text.as_bytes()).count()
}

/// `text` cut at line ends into at most `n` parts of similar size.
fn split(text: &str, n: usize) -> Vec<&str> {
    let bytes = text.as_bytes();
    // Small blocks are not worth a thread.
    let n = n.min(text.len() / (256 << 10)).max(1);
    let mut parts = Vec::with_capacity(n);
    let mut from = 0;
    for k in 1..n {
        let target = (text.len() * k / n).max(from);
        let cut = match memchr::memchr(b'\n', &bytes[target..]) {
            Some(i) => target + i + 1,
            None => break,
        };
        parts.push(&text[from..cut]);
        from = cut;
    }
    parts.push(&text[from..]);
    parts
}

/// Parses the lines of `part`, the first being line `first`.
fn parse_part<T, P>(
    part: &str,
    first: u64,
    fields: usize,
    parse: &P,
    mut out: Vec<T>,
) -> Option<Vec<T>>
where
    P: Fn(&[&str], u64) -> Option<T>,
{
    let bytes = part.as_bytes();
    // `\r` only as the first half of `\r\n`: checked line by line only
    // when the part has any.
    let crlf = memchr::memchr(b'\r', bytes).is_some();
    out.clear();
    out.reserve(part.len() / 48 + 1);
    let mut cells: Vec<&str> = Vec::with_capacity(fields);
    let mut line = first;
    let mut from = 0;
    while from < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[from..]).map_or(bytes.len(), |i| from + i);
        let mut l = &part[from..end];
        from = end + 1;
        if crlf {
            l = l.strip_suffix('\r').unwrap_or(l);
            if memchr::memchr(b'\r', l.as_bytes()).is_some() {
                return None;
            }
        }
        if l.len() as u64 > MAX_LINE_BYTES {
            return None;
        }
        if !l.is_empty() {
            cells.clear();
            let mut start = 0;
            for comma in memchr::memchr_iter(b',', l.as_bytes()) {
                cells.push(&l[start..comma]);
                start = comma + 1;
            }
            cells.push(&l[start..]);
            if cells.len() != fields {
                return None;
            }
            out.push(parse(&cells, line)?);
        }
        line += 1;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_cut_at_line_ends_and_cover_the_text() {
        let text: String = (0..100_000).map(|i| format!("{i},x\n")).collect();
        for n in 1..5 {
            let parts = split(&text, n);
            assert_eq!(parts.concat(), text);
            assert!(parts.iter().all(|p| p.ends_with('\n')));
        }
    }
}
