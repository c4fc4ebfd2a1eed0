//! `govkit conviction FILE.toml`: a funding simulation (`[conviction]`) or
//! an OpenGov referendum (`[referendum]`), told apart by the file's
//! top-level table.

use std::path::PathBuf;

use govkit::io::conviction_files::{self, RunOptions};

use super::Format;

/// Flags of `govkit conviction`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// A funding file (`[conviction]`, `[[proposal]]`, stake timeline CSV)
    /// or a referendum file (`[referendum]`, `[track]`, `[[vote]]`).
    file: PathBuf,
    /// Funding: simulate up to this block (default: until the stakes after
    /// the last event decide, however long that takes).
    #[arg(long)]
    until: Option<u64>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Funding: write the conviction curves as CSV
    /// (`block,proposal,staked,conviction,threshold,passing`).
    #[arg(long, value_name = "FILE.csv")]
    series: Option<PathBuf>,
    /// Funding: blocks between curve rows in --series (default: about 500
    /// rows per proposal; stake changes and passing blocks are always
    /// included).
    #[arg(long, requires = "series")]
    step: Option<u64>,
}

pub(crate) fn run(args: Args) -> govkit::Result<String> {
    let options = RunOptions {
        until: args.until,
        series: args.series,
        step: args.step,
    };
    let report = conviction_files::run(&args.file, &options)?;
    Ok(match args.format {
        Format::Table => report.to_table(),
        Format::Json => report.to_json() + "\n",
    })
}
