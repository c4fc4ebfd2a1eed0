//! `govkit conviction FILE.toml`: a funding simulation (`[conviction]`) or
//! an OpenGov referendum (`[referendum]`), told apart by the file's
//! top-level table.

use std::path::PathBuf;

use govkit::conviction::{self, ConvictionFile};

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
    match conviction::load(&args.file)? {
        ConvictionFile::Funding(file) => {
            let report = file.run(args.until)?;
            if let Some(path) = &args.series {
                report.write_series(path, args.step)?;
            }
            Ok(match args.format {
                Format::Table => report.to_table(),
                Format::Json => report.to_json() + "\n",
            })
        }
        ConvictionFile::Referendum(file) => {
            if args.until.is_some() {
                return Err(conviction::funding_only("--until"));
            }
            if args.series.is_some() {
                return Err(conviction::funding_only("--series"));
            }
            let report = file.run()?;
            Ok(match args.format {
                Format::Table => report.to_table(),
                Format::Json => report.to_json() + "\n",
            })
        }
    }
}
