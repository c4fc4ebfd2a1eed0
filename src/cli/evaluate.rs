//! `govkit evaluate PROPOSAL.toml`

use std::path::PathBuf;

use govkit::Proposal;

use super::Format;

/// Flags of `govkit evaluate`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// The proposal file (TOML).
    proposal: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Evaluate this proposal of a multi-proposal vote file instead of
    /// the file's `votes.proposal_id`.
    #[arg(long)]
    proposal_id: Option<String>,
}

pub(crate) fn run(args: Args) -> govkit::Result<String> {
    let mut p = Proposal::load(&args.proposal)?;
    if let Some(id) = &args.proposal_id {
        p = p.select(id);
    }
    let prepared = p.prepare()?;
    let report = prepared.run()?;
    // The process ends right after printing: freeing a million votes one
    // allocation at a time would take 25-50 ms of a 0.4 s run for nothing
    // (the system takes the memory back at exit), so they are left alone.
    std::mem::forget(prepared);
    Ok(match args.format {
        Format::Table => report.to_table(),
        Format::Json => report.to_json() + "\n",
    })
}
