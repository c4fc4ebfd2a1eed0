//! `govkit fund ROUND.toml`: a quadratic funding round under each matching
//! rule. Flags in, one `govkit::io::contributions::run` call, one renderer.

use std::path::PathBuf;

use govkit::io::contributions;
use govkit::render::fund::{render, render_sybil, FundFormat};
use govkit::Voter;

/// Flags of `govkit fund`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// The round file (TOML): pool, rules, filters, contributions file.
    round: PathBuf,
    /// Output format (csv: the round only).
    #[arg(long, value_enum, default_value_t = FundFormat::Table)]
    format: FundFormat,
    /// Sybil analysis: split this contributor's rows over --split wallets.
    #[arg(long)]
    sybil: Option<String>,
    /// Wallets in the split.
    #[arg(long, default_value_t = 10, requires = "sybil")]
    split: u64,
    /// Largest split tried when looking for one that overtakes a project.
    #[arg(long, default_value_t = 1024, requires = "sybil")]
    max_split: u64,
    /// Also write a self-contained HTML report with the matching chart.
    #[arg(long, conflicts_with = "sybil")]
    html: Option<PathBuf>,
}

pub(crate) fn run(args: Args) -> govkit::Result<String> {
    if let Some(who) = &args.sybil {
        if args.format == FundFormat::Csv {
            return Err(govkit::Error::invalid("--sybil writes a table or JSON"));
        }
        let s = contributions::sybil(&args.round, &Voter::new(who), args.split, args.max_split)?;
        return Ok(render_sybil(&s, args.format));
    }
    let report = contributions::run(&args.round)?;
    if let Some(path) = &args.html {
        std::fs::write(path, govkit::html::round_html(&report))
            .map_err(|e| govkit::Error::io(path, e))?;
    }
    Ok(render(&report, args.format))
}
