//! `govkit fund ROUND.toml`: a quadratic funding round under each matching
//! rule. Flags in, one `govkit::io::contributions::run` call, one renderer.

use std::path::PathBuf;

use govkit::io::contributions;
use govkit::render::fund::{render, FundFormat};

/// Flags of `govkit fund`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// The round file (TOML): pool, rules, filters, contributions file.
    round: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FundFormat::Table)]
    format: FundFormat,
}

pub(crate) fn run(args: Args) -> govkit::Result<String> {
    let report = contributions::run(&args.round)?;
    Ok(render(&report, args.format))
}
