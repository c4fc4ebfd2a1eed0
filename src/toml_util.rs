//! Small helpers for govkit's TOML files (proposals, conviction parameters,
//! referenda): exact number text, lines of keys, and parse errors that name
//! file, line and dotted key.

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::amount::{Amount, AmountUnit};
use crate::error::{Error, Location, Result};

/// A number as written: a string (`"15000"`, `"0.9"`, `"20%"`) or a TOML
/// integer. TOML floats are refused: they are binary and not exact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct NumberText(pub String);

impl NumberText {
    /// The text as written.
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for NumberText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Visit;
        impl serde::de::Visitor<'_> for Visit {
            type Value = NumberText;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string such as \"15000\" or \"0.9\", or an integer")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<NumberText, E> {
                Ok(NumberText(v.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> std::result::Result<NumberText, E> {
                Ok(NumberText(v.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> std::result::Result<NumberText, E> {
                Ok(NumberText(v.to_string()))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> std::result::Result<NumberText, E> {
                Err(E::custom(format!(
                    "write {v} as a string (\"{v}\"): a TOML float is binary and not exact"
                )))
            }
        }
        d.deserialize_any(Visit)
    }
}

/// Line (1-based) of a byte offset.
pub(crate) fn line_at(text: &str, offset: usize) -> u64 {
    1 + text[..offset.min(text.len())].matches('\n').count() as u64
}

/// The line of every `key = …` in a TOML text, by dotted name
/// (`rules.quorum`), so that errors found after parsing can name it.
pub(crate) fn key_lines(text: &str) -> std::collections::BTreeMap<String, u64> {
    let mut lines = std::collections::BTreeMap::new();
    let mut section = String::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if let Some(header) = line.strip_prefix('[') {
            section = header
                .trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or("")
                .trim()
                .to_string();
        } else if let Some((key, _)) = line.split_once('=') {
            let key = key.trim().trim_matches('"');
            if !key.is_empty() && !key.starts_with('#') {
                let dotted = if section.is_empty() {
                    key.to_string()
                } else {
                    format!("{section}.{key}")
                };
                lines.entry(dotted).or_insert(i as u64 + 1);
            }
        }
    }
    lines
}

/// The dotted name of the key on `line` (1-based), if the line holds one.
pub(crate) fn key_on_line(text: &str, line: u64) -> Option<String> {
    key_lines(text)
        .into_iter()
        .find(|&(_, l)| l == line)
        .map(|(k, _)| k)
}

/// The line (1-based) of the first table header `[...]` that `matches`.
pub(crate) fn header_line(text: &str, matches: impl Fn(&str) -> bool) -> Option<u64> {
    text.lines()
        .position(|l| {
            let l = l.trim();
            l.starts_with('[') && matches(l)
        })
        .map(|i| i as u64 + 1)
}

/// Where a spanned value is: its line and the dotted key naming it.
pub(crate) fn at<T>(path: &Path, text: &str, value: &Spanned<T>, key: &str) -> Location {
    Location::line(path, line_at(text, value.span().start)).with_field(key)
}

/// The key of serde's "missing field `KEY`" message.
fn missing_field(message: &str) -> Option<&str> {
    message
        .trim()
        .strip_prefix("missing field `")?
        .split('`')
        .next()
        .filter(|k| !k.is_empty())
}

/// Parses `text` as `T`, turning TOML errors into errors with the line and
/// the key written on that line.
pub(crate) fn parse<T: serde::de::DeserializeOwned>(path: &Path, text: &str) -> Result<T> {
    toml::from_str(text).map_err(|e| {
        let mut location = Location::file(path);
        if let Some(span) = e.span() {
            let line = line_at(text, span.start);
            location.line = Some(line);
            location.field = key_on_line(text, line);
            // A missing key is reported by serde at its table (the table's
            // header, or the file's first key): name the missing key itself.
            if let Some(missing) = missing_field(e.message()) {
                let header = text
                    .lines()
                    .nth(line.saturating_sub(1) as usize)
                    .map(str::trim)
                    .and_then(|l| l.strip_prefix('['))
                    .map(|h| {
                        h.trim_start_matches('[')
                            .split(']')
                            .next()
                            .unwrap_or("")
                            .trim()
                    });
                location.field = Some(match header {
                    Some(section) if !section.is_empty() => format!("{section}.{missing}"),
                    _ => missing.to_string(),
                });
            }
        }
        Error::input(location, e.message().trim().to_string())
    })
}

/// An amount in token units (or base units with `decimals = 0`), located
/// at `key` on error.
// Used by the conviction simulators' files only.
#[cfg_attr(not(feature = "conviction-sim"), allow(dead_code))]
pub(crate) fn amount(
    path: &Path,
    text: &str,
    value: &Spanned<NumberText>,
    key: &str,
    decimals: u8,
) -> Result<u128> {
    Amount::parse(&value.get_ref().0, AmountUnit::Token, decimals)
        .map(Amount::base_units)
        .map_err(|e| Error::input(at(path, text, value, key), e.to_string()))
}

/// Token decimals, at most 38 (u128).
pub(crate) fn decimals(
    path: &Path,
    text: &str,
    value: Option<&Spanned<u8>>,
    default: u8,
) -> Result<u8> {
    match value {
        None => Ok(default),
        Some(d) if *d.get_ref() <= 38 => Ok(*d.get_ref()),
        Some(d) => Err(Error::input(
            at(path, text, d, "decimals"),
            format!(
                "{} decimals do not fit in u128 base units (at most 38)",
                d.get_ref()
            ),
        )),
    }
}

/// A file of another command's kind (told by its top-level table) given to
/// `command`: the error `e` is replaced by one that names the command that
/// reads it. Any other error is returned as it is.
pub(crate) fn other_kind(path: &Path, text: &str, command: &str, e: Error) -> Error {
    let Ok(table) = toml::from_str::<toml::Table>(text) else {
        return e;
    };
    let kinds = [
        ("votes", "proposal", "govkit evaluate"),
        ("conviction", "[conviction]", "govkit conviction"),
        ("referendum", "[referendum]", "govkit conviction"),
        ("round", "[round]", "govkit fund"),
    ];
    let found = kinds
        .into_iter()
        .find(|(key, _, _)| table.contains_key(*key));
    match found {
        Some((key, kind, reader)) if reader != command => {
            let header = format!("[{key}]");
            let mut at = Location::file(path).with_field(key);
            at.line = header_line(text, |h| h == header);
            let what = if key == "votes" {
                "a proposal file ([votes]; `govkit compare` and `govkit control --proposal` \
                 read it too)"
                    .to_string()
            } else {
                format!("a {kind} file")
            };
            Error::input(
                at,
                format!(
                    "this is {what}, not what `{command}` reads: run `{reader} {}`",
                    path.display()
                ),
            )
        }
        _ => e,
    }
}
