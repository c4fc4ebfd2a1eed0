//! Errors with the position of the offending input.
//!
//! Every error that comes from a file names the file, and where the format
//! allows it the line and the field, so that a user can open the file and fix
//! it: `votes.csv line 7: field 'votes': "12x" is not an amount`.
//! The shape follows rust-csv: a boxed, `#[non_exhaustive]` kind, so the
//! error stays one pointer wide on the happy path.

use std::fmt;
use std::path::PathBuf;

/// Where in the input something went wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The file, as the user named it (or as the proposal file resolved it).
    pub path: PathBuf,
    /// 1-based line number, when the format has lines.
    pub line: Option<u64>,
    /// The field (column, key) that holds the bad value.
    pub field: Option<String>,
}

impl Location {
    /// A whole file, no line or field.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Location {
            path: path.into(),
            line: None,
            field: None,
        }
    }

    /// A line of a file.
    pub fn line(path: impl Into<PathBuf>, line: u64) -> Self {
        Location {
            path: path.into(),
            line: Some(line),
            field: None,
        }
    }

    /// The same location narrowed to a field.
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, " line {line}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": field '{}'", clean(field, MAX_ECHO))?;
        }
        Ok(())
    }
}

/// The error type of every fallible govkit operation.
pub struct Error(Box<ErrorKind>);

impl fmt::Debug for Error {
    /// The message, as `Display` writes it, then the kind: `?` in
    /// `main() -> Result<(), govkit::Error>` and `unwrap()` show what went
    /// wrong in words.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self} ({:?})", self.0)
    }
}

/// What went wrong.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A file could not be opened or read.
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// A file named by a setting (a proposal key, a flag) could not be
    /// read: reported at the setting, with the operating system's error
    /// kept as the cause.
    Unreadable {
        /// The setting that names the file.
        location: Location,
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// A value in an input file is malformed or not allowed.
    Input {
        /// Where the value is.
        location: Location,
        /// What is wrong with it, written for a human.
        message: String,
    },
    /// An exact computation would leave the range of `u128`.
    Overflow {
        /// Where the operands came from (may lack a line).
        location: Option<Location>,
        /// The operation, e.g. "sum of votes for 'For'".
        what: String,
    },
    /// The request itself is inconsistent (no file involved), e.g. a library
    /// caller asking for a quorum fraction without a total supply.
    Invalid(String),
}

impl Error {
    /// The kind of this error.
    pub fn kind(&self) -> &ErrorKind {
        &self.0
    }

    /// Consumes the error, returning its kind.
    pub fn into_kind(self) -> ErrorKind {
        *self.0
    }

    pub(crate) fn from_kind(kind: ErrorKind) -> Self {
        Error(Box::new(kind))
    }

    /// Where in the input the error is, when it is about one place: a
    /// value (file, line, field), a setting naming an unreadable file, or
    /// the operands of an overflow.
    pub fn location(&self) -> Option<&Location> {
        match &*self.0 {
            ErrorKind::Input { location, .. } | ErrorKind::Unreadable { location, .. } => {
                Some(location)
            }
            ErrorKind::Overflow { location, .. } => location.as_ref(),
            ErrorKind::Io { .. } | ErrorKind::Invalid(_) => None,
        }
    }

    /// A file that cannot be opened is reported at the setting that names
    /// it (so the user knows which key or flag to fix); other errors pass
    /// through.
    pub fn named_by(self, setting: impl FnOnce() -> Location) -> Error {
        match *self.0 {
            ErrorKind::Io { path, source } => Error(Box::new(ErrorKind::Unreadable {
                location: setting(),
                path,
                source,
            })),
            kind => Error::from_kind(kind),
        }
    }

    /// A file that could not be read or written.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error(Box::new(ErrorKind::Io {
            path: path.into(),
            source,
        }))
    }

    pub(crate) fn input(location: Location, message: impl Into<String>) -> Self {
        Error(Box::new(ErrorKind::Input {
            location,
            message: message.into(),
        }))
    }

    pub(crate) fn overflow(location: Option<Location>, what: impl Into<String>) -> Self {
        Error(Box::new(ErrorKind::Overflow {
            location,
            what: what.into(),
        }))
    }

    /// An error about the request itself (no file involved), e.g. an
    /// unknown mechanism name on the command line.
    pub fn invalid(message: impl Into<String>) -> Self {
        Error(Box::new(ErrorKind::Invalid(message.into())))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.0 {
            ErrorKind::Io { path, source } => write!(f, "{}: {source}", path.display()),
            ErrorKind::Unreadable {
                location,
                path,
                source,
            } => write!(f, "{location}: cannot read {}: {source}", path.display()),
            ErrorKind::Input { location, message } => {
                write!(f, "{location}: {}", clean(message, MAX_MESSAGE))
            }
            ErrorKind::Overflow {
                location: Some(location),
                what,
            } => write!(f, "{location}: {} overflows u128", clean(what, MAX_MESSAGE)),
            ErrorKind::Overflow {
                location: None,
                what,
            } => write!(f, "{} overflows u128", clean(what, MAX_MESSAGE)),
            ErrorKind::Invalid(message) => f.write_str(&clean(message, MAX_MESSAGE)),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &*self.0 {
            ErrorKind::Io { source, .. } | ErrorKind::Unreadable { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// The most characters of an input value an error message echoes.
pub(crate) const MAX_ECHO: usize = 120;

/// The most characters of a whole error message (a long list of names is
/// cut there).
pub(crate) const MAX_MESSAGE: usize = 2000;

/// `text` cut to [`MAX_ECHO`] characters, for echoing an input value in a
/// message: a 100 MB field is not printed whole.
pub(crate) fn shown(text: &str) -> String {
    cut(text, MAX_ECHO)
}

fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some((end, _)) => format!("{}… ({} bytes in all)", &text[..end], text.len()),
    }
}

/// Control characters (NUL, escape, carriage return, …) written as escapes,
/// so that input echoed in a message cannot drive the terminal; newlines
/// and tabs of the message itself are kept.
fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() && c != '\n' && c != '\t' {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Writes an input-derived piece of a message: escaped and cut.
fn clean(text: &str, max: usize) -> String {
    escaped(&cut(text, max))
}

/// Shorthand for results of govkit operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_starts_with_the_message() {
        let e = Error::input(Location::line("votes.csv", 7), "bad");
        assert!(format!("{e:?}").starts_with("votes.csv line 7: bad ("));
    }

    #[test]
    fn display_names_file_line_and_field() {
        let e = Error::input(
            Location::line("votes.csv", 7).with_field("votes"),
            "\"12x\" is not an amount",
        );
        assert_eq!(
            e.to_string(),
            "votes.csv line 7: field 'votes': \"12x\" is not an amount"
        );
    }

    #[test]
    fn echoed_input_is_cut_and_escaped() {
        let huge = "9".repeat(10_000_000);
        let e = Error::input(
            Location::line("v.csv", 1).with_field("a\u{0}\u{1b}[31m"),
            format!("{huge:?} is not an amount"),
        );
        let text = e.to_string();
        assert!(text.len() < 3000, "{}", text.len());
        assert!(
            !text.contains('\u{0}') && !text.contains('\u{1b}'),
            "{text}"
        );
        assert!(shown(&huge).len() < 200);
    }
}
