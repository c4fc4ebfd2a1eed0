//! Options of pluggable components (mechanisms, passing rules): a TOML
//! table read into the component's own serde struct, with errors that
//! name the key and its line.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::error::{Error, Location, Result};

/// A component's options as written (e.g. the `[mechanism]` table
/// without `kind` and `cap`), re-exported so plugins need no direct `toml`
/// dependency.
pub type OptionTable = toml::Table;

/// What a plugin may know while it builds: the token, where relative paths
/// start, and where the options came from (for error messages).
pub struct BuildContext<'a> {
    /// The token's decimals.
    pub decimals: u8,
    base_dir: &'a Path,
    origin: Origin<'a>,
    /// The table the options are in (`mechanism`, `rules`).
    section: &'static str,
    /// The key that picked the component (`kind`, `pass`).
    selector: &'static str,
}

enum Origin<'a> {
    File {
        path: &'a Path,
        key_lines: &'a BTreeMap<String, u64>,
    },
    Label(&'a str),
}

impl<'a> BuildContext<'a> {
    /// Options from a proposal file: errors name the file and the line of
    /// `mechanism.KEY`; relative paths start at the file's folder.
    pub fn for_file(
        decimals: u8,
        path: &'a Path,
        key_lines: &'a BTreeMap<String, u64>,
    ) -> BuildContext<'a> {
        BuildContext::for_section(decimals, path, key_lines, "mechanism", "kind")
    }

    /// Options in another table of a proposal file (`rules`, picked by
    /// `pass`).
    pub fn for_section(
        decimals: u8,
        path: &'a Path,
        key_lines: &'a BTreeMap<String, u64>,
        section: &'static str,
        selector: &'static str,
    ) -> BuildContext<'a> {
        BuildContext {
            decimals,
            base_dir: path.parent().unwrap_or(Path::new("")),
            origin: Origin::File { path, key_lines },
            section,
            selector,
        }
    }

    /// Options given in memory or by a `compare` label (`label` names them
    /// in errors); relative paths start at the working directory.
    pub fn for_label(decimals: u8, label: &'a str) -> BuildContext<'a> {
        BuildContext {
            decimals,
            base_dir: Path::new(""),
            origin: Origin::Label(label),
            section: "mechanism",
            selector: "kind",
        }
    }

    /// Where option `key` is, for error messages.
    pub fn location(&self, key: &str) -> Option<Location> {
        match &self.origin {
            Origin::File { path, key_lines } => {
                let field = format!("{}.{key}", self.section);
                let mut at = Location::file(path).with_field(&field);
                at.line = key_lines
                    .get(&field)
                    .or_else(|| key_lines.get(&format!("{}.{}", self.section, self.selector)))
                    .copied();
                Some(at)
            }
            Origin::Label(_) => None,
        }
    }

    /// An error about option `key`.
    pub fn error(&self, key: &str, message: impl fmt::Display) -> Error {
        match (&self.origin, self.location(key)) {
            (_, Some(at)) => Error::input(at, message.to_string()),
            (Origin::Label(label), None) => {
                Error::invalid(format!("mechanism {label:?}: {key}: {message}"))
            }
            (Origin::File { .. }, None) => Error::invalid(format!("{key}: {message}")),
        }
    }

    /// Reads the options into the plugin's own struct (use
    /// `#[serde(deny_unknown_fields)]`); an error names the key it is
    /// about.
    pub fn options<T: DeserializeOwned>(&self, table: &toml::Table) -> Result<T> {
        // Through TOML text, so the parser's span of the error names the
        // key even when the message does not.
        let text = toml::to_string(table).map_err(|e| self.error(self.selector, e))?;
        toml::from_str::<T>(&text).map_err(|e| {
            let key = e
                .span()
                .map(|span| {
                    // The line the span starts on.
                    let start = text[..span.start.min(text.len())]
                        .rfind('\n')
                        .map_or(0, |i| i + 1);
                    text[start..].lines().next().unwrap_or("")
                })
                .and_then(|line| line.split('=').next())
                .map(|k| k.trim().trim_matches('"'))
                .filter(|k| table.contains_key(*k))
                .or_else(|| {
                    table
                        .keys()
                        .map(String::as_str)
                        .find(|k| e.message().contains(&format!("`{k}`")))
                })
                .unwrap_or(self.selector);
            self.error(key, e.message())
        })
    }

    /// A path named by an option, relative to the proposal file.
    pub fn path(&self, relative: &Path) -> PathBuf {
        self.base_dir.join(relative)
    }
}
