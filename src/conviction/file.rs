//! A conviction file of either kind, told apart by its top-level table,
//! and the report of running it. The text comes from the io layer
//! (`io::conviction_files::load`); nothing here touches the file system.

use std::path::Path;

use super::funding_file::{FundingFile, FundingReport};
use super::referendum_file::{ReferendumFile, ReferendumReport};
use crate::error::{Error, Location, Result};

/// A conviction file of either kind.
#[derive(Clone, Debug)]
pub enum ConvictionFile {
    /// `[conviction]`: a funding pool and its stake timeline.
    Funding(FundingFile),
    /// `[referendum]`: an OpenGov referendum and its votes.
    Referendum(ReferendumFile),
}

impl ConvictionFile {
    /// Validates a conviction file given as text, choosing its kind by its
    /// top-level table: `[conviction]` for funding, `[referendum]` for an
    /// OpenGov referendum. `path` names the file in errors and anchors the
    /// timeline path of a funding file.
    pub fn from_toml(path: &Path, text: &str) -> Result<ConvictionFile> {
        let table: toml::Table = crate::toml_util::parse(path, text)?;
        match (
            table.contains_key("conviction"),
            table.contains_key("referendum"),
        ) {
            (true, false) => FundingFile::from_toml(path, text).map(ConvictionFile::Funding),
            (false, true) => ReferendumFile::from_toml(path, text).map(ConvictionFile::Referendum),
            (true, true) => Err(Error::input(
                Location::file(path),
                "has both [conviction] and [referendum]: one kind per file",
            )),
            (false, false) => Err(crate::toml_util::other_kind(
                path,
                text,
                "govkit conviction",
                Error::input(
                    Location::file(path),
                    "is neither a funding file ([conviction]) nor a referendum file \
                     ([referendum])",
                ),
            )),
        }
    }
}

/// The report of a conviction file of either kind.
// One report per run, built once and never moved in a loop: boxing the
// larger variant would only make matching on it clumsier.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug)]
pub enum ConvictionReport {
    /// A funding simulation.
    Funding(FundingReport),
    /// A referendum decision.
    Referendum(ReferendumReport),
}

impl ConvictionReport {
    /// The report as a table for people.
    pub fn to_table(&self) -> String {
        match self {
            ConvictionReport::Funding(r) => r.to_table(),
            ConvictionReport::Referendum(r) => r.to_table(),
        }
    }

    /// The report as one JSON object (no trailing newline).
    pub fn to_json(&self) -> String {
        match self {
            ConvictionReport::Funding(r) => r.to_json(),
            ConvictionReport::Referendum(r) => r.to_json(),
        }
    }
}

/// The error for a funding-only option (`until`, `series`) given with a
/// referendum file.
pub fn funding_only(option: &str) -> Error {
    Error::invalid(format!(
        "{option} applies to funding files ([conviction]), not to referendum files ([referendum])"
    ))
}
