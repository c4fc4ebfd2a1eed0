//! `govkit sybil PROPOSAL.toml [--split K] [--voter ADDR | --top N]`

use std::path::PathBuf;

use govkit::sybil::{self, Subjects};
use govkit::{Proposal, Voter};

use super::Format;

/// Flags of `govkit sybil`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// The proposal file (TOML).
    proposal: PathBuf,
    /// Split each analysed wallet into this many wallets for the gains.
    #[arg(long, default_value_t = 10)]
    split: u64,
    /// Analyse this voter (default: the largest voters of the losing side,
    /// the only ones whose splitting can change the outcome).
    #[arg(long, conflicts_with = "top")]
    voter: Option<String>,
    /// Analyse the N largest voters of the losing side.
    #[arg(long, default_value_t = 5)]
    top: usize,
    /// With --top: the N largest voters of either side.
    #[arg(long)]
    any_side: bool,
    /// Largest split tried when searching for an outcome flip.
    #[arg(long, default_value_t = 1_000_000)]
    max_split: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// This proposal of a multi-proposal vote file instead of the file's
    /// `votes.proposal_id`.
    #[arg(long)]
    proposal_id: Option<String>,
}

pub(crate) fn run(args: Args) -> govkit::Result<String> {
    let mut proposal = Proposal::load(&args.proposal)?;
    if let Some(id) = &args.proposal_id {
        proposal = proposal.select(id);
    }
    let prepared = proposal.prepare()?;
    let subjects = match &args.voter {
        Some(v) => Subjects::Voter(Voter::new(v)),
        None if args.any_side => Subjects::Largest(args.top),
        None => Subjects::Losing(args.top),
    };
    let report = sybil::analyze(
        &prepared.evaluation(),
        &prepared.votes,
        prepared.holders.as_ref(),
        &subjects,
        args.split,
        args.max_split,
    )?;
    Ok(match args.format {
        Format::Table => report.to_table(),
        Format::Json => serde_json::to_string_pretty(&report).expect("serialisable") + "\n",
    })
}
