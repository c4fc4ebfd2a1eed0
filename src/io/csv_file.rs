//! A streaming CSV reader that knows the true line of every record.
//!
//! The csv crate's `Position::line` miscounts with CRLF line endings and
//! after blank lines (rust-csv issues #395 and #208), but its byte offsets
//! are right. So the file is read through [`NewlineLog`], which notes the
//! offset of every line terminator (`\n`, `\r\n`, or a lone `\r` as old Mac
//! exports end their lines, which the csv crate also takes as a terminator)
//! as bytes stream past; a record's line is the number of terminators
//! before its byte offset, plus one. The log holds only the
//! newlines between the last record asked about and the reader's read-ahead,
//! so memory stays bounded and the extra cost is one pass over the bytes.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use csv::StringRecord;

use crate::error::{Error, Location, Result};

#[derive(Default)]
struct NewlineLog {
    /// Offsets of line terminators read but not yet passed by a lookup
    /// (the offset of the `\r` of a `\r\n`), each with whether it is a
    /// two-byte `\r\n`.
    pending: VecDeque<(u64, bool)>,
    /// Newlines before the last looked-up offset.
    passed: u64,
    /// Bytes read so far.
    read: u64,
    /// Whether the last byte read was `\r`.
    last_was_cr: bool,
    /// Bytes since the last newline.
    line_bytes: u64,
    /// Offset of the last record asked about.
    record_start: u64,
}

impl NewlineLog {
    /// The line of a record that the csv crate says starts at `byte`.
    ///
    /// The crate's offset can point at the terminator of the line before
    /// (CRLF files) or at a blank line before the record; those newlines
    /// belong before the record, so they are skipped.
    fn line_at(&mut self, mut byte: u64) -> u64 {
        loop {
            while let Some(&(nl, crlf)) = self.pending.front().filter(|&&(nl, _)| nl < byte) {
                self.pending.pop_front();
                self.passed += 1;
                // An offset at the `\n` of a `\r\n` is past that terminator.
                if crlf && nl + 1 == byte {
                    byte += 1;
                }
            }
            match self.pending.front() {
                Some(&(nl, crlf)) if nl == byte => byte += if crlf { 2 } else { 1 },
                _ => return self.passed + 1,
            }
        }
    }
}

struct Tracked<R> {
    inner: R,
    log: Rc<RefCell<NewlineLog>>,
}

impl<R: Read> Read for Tracked<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut log = self.log.borrow_mut();
        let start = log.read;
        for (i, &b) in buf[..n].iter().enumerate() {
            log.line_bytes += 1;
            let after_cr = if i == 0 {
                log.last_was_cr
            } else {
                buf[i - 1] == b'\r'
            };
            match b {
                b'\r' => {
                    log.line_bytes = 0;
                    log.pending.push_back((start + i as u64, false));
                }
                b'\n' if after_cr => {
                    // The `\r` just before was this terminator's start.
                    let at = start + i as u64 - 1;
                    match log.pending.back_mut() {
                        Some(last) if last.0 == at => last.1 = true,
                        _ => {}
                    }
                }
                b'\n' => {
                    log.line_bytes = 0;
                    log.pending.push_back((start + i as u64, false));
                }
                _ => {}
            }
        }
        if n > 0 {
            log.last_was_cr = buf[n - 1] == b'\r';
        }
        log.read += n as u64;
        // A line, or a record (quoted fields may span lines), past the
        // limit: refused before the csv crate buffers it whole.
        let max = super::MAX_LINE_BYTES;
        if log.line_bytes > max || log.read - log.record_start > 2 * max {
            let line = log.passed + log.pending.len() as u64 + 1;
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("line {line} (or its record) is longer than the limit of {max} bytes"),
            ));
        }
        Ok(n)
    }
}

/// An open CSV file with a header row.
pub(crate) struct CsvFile {
    path: PathBuf,
    reader: csv::Reader<Tracked<File>>,
    log: Rc<RefCell<NewlineLog>>,
    names: Vec<String>,
}

impl CsvFile {
    /// Opens `path` and reads its header.
    pub fn open(path: &Path) -> Result<CsvFile> {
        let file = super::open_regular(path)?;
        let log = Rc::new(RefCell::new(NewlineLog::default()));
        let reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(Tracked {
                inner: file,
                log: Rc::clone(&log),
            });
        let mut csv = CsvFile {
            path: path.to_path_buf(),
            reader,
            log,
            names: Vec::new(),
        };
        csv.names = match csv.reader.headers() {
            Ok(h) => h
                .iter()
                .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
                .collect(),
            Err(e) => return Err(csv.error(e)),
        };
        Ok(csv)
    }

    /// Reads the next record into `record`; returns its 1-based line, or
    /// `None` at the end of the file.
    pub fn next_record(&mut self, record: &mut StringRecord) -> Result<Option<u64>> {
        match self.reader.read_record(record) {
            Ok(false) => Ok(None),
            Ok(true) => {
                let byte = record.position().map_or(0, |p| p.byte());
                let mut log = self.log.borrow_mut();
                log.record_start = byte;
                Ok(Some(log.line_at(byte)))
            }
            Err(e) => Err(self.error(e)),
        }
    }

    /// The byte offset just after the header record (its terminator's
    /// first byte included).
    pub fn header_end(&self) -> u64 {
        self.reader.position().byte()
    }

    /// The header's column names.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Converts a csv error into one that names the file and line.
    fn error(&self, err: csv::Error) -> Error {
        let line = err
            .position()
            .map(|p| self.log.borrow_mut().line_at(p.byte()));
        let message = match err.kind() {
            csv::ErrorKind::Io(e) => {
                return Error::io(&self.path, std::io::Error::new(e.kind(), e.to_string()))
            }
            csv::ErrorKind::Utf8 { err, .. } => format!("invalid UTF-8 ({err})"),
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => format!("has {len} fields, but the header has {expected_len}"),
            _ => err.to_string(),
        };
        let mut location = Location::file(&self.path);
        location.line = line;
        Error::input(location, message)
    }

    /// Index of the configured column (which must exist), else of the first
    /// default name present (case-insensitive).
    pub fn column(
        &self,
        configured: Option<&str>,
        defaults: &[&str],
        required: bool,
    ) -> Result<Option<usize>> {
        let position = |name: &str| self.names.iter().position(|h| h.eq_ignore_ascii_case(name));
        // A column read by name must be named once: with two, which one
        // holds the data is a guess.
        let unique = |i: usize| -> Result<usize> {
            let name = &self.names[i];
            match self.names[i + 1..]
                .iter()
                .position(|h| h.eq_ignore_ascii_case(name))
            {
                Some(j) => Err(Error::input(
                    Location::line(&self.path, 1).with_field(crate::error::shown(name)),
                    format!(
                        "the header names this column twice (columns {} and {})",
                        i + 1,
                        i + j + 2
                    ),
                )),
                None => Ok(i),
            }
        };
        if let Some(name) = configured {
            return match position(name) {
                Some(i) => unique(i).map(Some),
                None => Err(Error::input(
                    Location::line(&self.path, 1).with_field(name),
                    format!("no such column (the header has: {})", self.names.join(", ")),
                )),
            };
        }
        let found = match defaults.iter().find_map(|d| position(d)) {
            Some(i) => Some(unique(i)?),
            None => None,
        };
        if found.is_none() && required {
            return Err(Error::input(
                Location::line(&self.path, 1),
                format!(
                    "no {} column (looked for {}; the header has: {})",
                    defaults[0],
                    defaults.join(", "),
                    self.names.join(", ")
                ),
            ));
        }
        Ok(found)
    }

    /// A required column (configured or by default names).
    pub fn required_column(&self, configured: Option<&str>, defaults: &[&str]) -> Result<usize> {
        Ok(self
            .column(configured, defaults, true)?
            .expect("required columns are found or an error"))
    }

    /// The header name of column `i`.
    pub fn name(&self, i: usize) -> &str {
        &self.names[i]
    }

    /// Location of a field of the record on `line`.
    pub fn at(&self, line: u64, column: usize) -> Location {
        Location::line(&self.path, line).with_field(self.name(column))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn lines_of(content: &[u8]) -> Vec<u64> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        std::fs::File::create(&path)
            .unwrap()
            .write_all(content)
            .unwrap();
        let mut csv = CsvFile::open(&path).unwrap();
        let mut rec = StringRecord::new();
        let mut lines = Vec::new();
        while let Some(line) = csv.next_record(&mut rec).unwrap() {
            lines.push(line);
        }
        lines
    }

    #[test]
    fn lines_are_right_with_lf_crlf_blank_lines_and_quoted_newlines() {
        assert_eq!(lines_of(b"a,b\n1,2\n3,4\n"), [2, 3]);
        assert_eq!(lines_of(b"a,b\r\n1,2\r\n3,4\r\n"), [2, 3]);
        assert_eq!(lines_of(b"a,b\n1,2\n\n3,4\n"), [2, 4]);
        assert_eq!(lines_of(b"a,b\n\"x\ny\",2\n3,4"), [2, 4]);
        assert_eq!(lines_of(b"a,b\r\n1,2\r\n\r\n\r\n3,4\r\n"), [2, 5]);
        assert_eq!(lines_of(b"a,b\n\n1,2\n"), [3]);
        // Old Mac files end lines with a lone CR.
        assert_eq!(lines_of(b"a,b\r1,2\r3,4\r"), [2, 3]);
        assert_eq!(lines_of(b"a,b\r1,2\r\r\r3,4\r"), [2, 5]);
        assert_eq!(lines_of(b"a,b\r\"x\ry\",2\r3,4"), [2, 4]);
    }
}
