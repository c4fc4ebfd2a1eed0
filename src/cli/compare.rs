//! `govkit compare PROPOSAL.toml [--mechanisms ...] [--all]`

use std::path::PathBuf;

use govkit::compare::{self, Variant};
use govkit::proposal::LoadedVotes;
use govkit::{GovernorLog, OfficialStatus, Proposal, VoteFormat};

use super::Format;

/// Flags of `govkit compare`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// The proposal file (TOML).
    proposal: PathBuf,
    /// Comma-separated mechanisms: token-weighted, quadratic,
    /// quadratic-tokens, capped:X, quadratic-capped:X (X a share such as 5%
    /// or a power).
    #[arg(long, value_delimiter = ',')]
    mechanisms: Option<Vec<String>>,
    /// Run every proposal of the proposal's vote file (a governor event
    /// log), with this proposal file as the template for the rules, and
    /// summarise how often each mechanism changes the official result.
    #[arg(long)]
    all: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

pub(crate) fn run(args: Args) -> govkit::Result<String> {
    let proposal = Proposal::load(&args.proposal)?;
    let variants = match &args.mechanisms {
        Some(list) => list
            .iter()
            .map(|t| Variant::parse(t, proposal.decimals))
            .collect::<govkit::Result<Vec<_>>>()?,
        None => Variant::defaults(proposal.decimals),
    };
    if !args.all {
        let c = compare::compare(&proposal, &variants)?;
        return Ok(match args.format {
            Format::Table => c.to_table(),
            Format::Json => c.to_json() + "\n",
        });
    }
    if proposal.votes.format != VoteFormat::GovernorEvents {
        return Err(govkit::Error::invalid(
            "--all runs every proposal of a governor event log: the proposal's votes.format \
             must be governor-events",
        ));
    }
    let log = GovernorLog::read(&proposal.votes.path, None)?;
    let mut comparisons = Vec::new();
    for p in log
        .proposals
        .into_iter()
        .filter(|p| p.status != OfficialStatus::Canceled)
    {
        let mut template = proposal.clone();
        template.id = p.id.clone();
        template.title = None;
        let mut prepared = template.prepare_with(LoadedVotes {
            votes: p.votes,
            choices: None,
            official: Some(p.status),
        })?;
        comparisons.push(compare::compare_prepared(&mut prepared, &variants)?);
    }
    let summary = compare::Summary::of(&comparisons);
    Ok(match args.format {
        Format::Table => summary.to_table(),
        Format::Json => {
            serde_json::to_string_pretty(&serde_json::json!({
                "summary": summary,
                "proposals": comparisons,
            }))
            .expect("serialisable")
                + "\n"
        }
    })
}
