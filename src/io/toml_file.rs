//! Reading a TOML file's text. Parsing, with errors that name file, line and
//! dotted key, is `toml_util::parse` on the text, so that a file's errors
//! look the same whoever reads it.

use std::path::Path;

use crate::error::Result;

/// The text of the TOML file at `path` (an `Io` error naming it if it
/// cannot be read).
pub(crate) fn read(path: &Path) -> Result<String> {
    super::read_text(path, super::MAX_TOML_BYTES, "TOML")
}

/// Reads the TOML file at `path` and hands its text to `from_toml`
/// (`Kind::from_toml(path, text)`), which validates it.
pub(crate) fn load<T>(path: &Path, from_toml: impl FnOnce(&Path, &str) -> Result<T>) -> Result<T> {
    from_toml(path, &read(path)?)
}
