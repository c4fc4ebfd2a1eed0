//! `govkit compare PROPOSAL.toml [--mechanisms ...] [--all]`

use std::path::PathBuf;

use govkit::compare::{self, Variant};
use govkit::proposal::LoadedVotes;
use govkit::scenario::Scenario;
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
    /// What-if scenario applied before the tally (repeatable): sybil:K,
    /// whales-abstain:N, turnout:X, cap:X, combined with `+`.
    #[arg(long)]
    scenario: Vec<String>,
    /// Seed for random scenarios (turnout).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Also write a self-contained HTML report (tables and SVG charts) to
    /// this file.
    #[arg(long)]
    html: Option<PathBuf>,
    /// Also write the charts as SVG files into this folder.
    #[arg(long)]
    svg: Option<PathBuf>,
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
    let scenarios = args
        .scenario
        .iter()
        .map(|s| s.parse())
        .collect::<govkit::Result<Vec<Scenario>>>()?;
    if !args.all {
        let mut prepared = proposal.prepare()?;
        let c = compare::compare_with_scenarios(&mut prepared, &variants, &scenarios, args.seed)?;
        let holders_curve = match &prepared.holders {
            Some(h) => {
                let d = govkit::control::Distribution::new(
                    h.iter().map(|(_, a)| a.base_units()).collect(),
                )?;
                vec![("holders (tokens)".to_string(), compare::lorenz_points(&d))]
            }
            None => Vec::new(),
        };
        if let Some(path) = &args.html {
            write(path, &govkit::html::comparison_html(&c, &holders_curve))?;
        }
        if let Some(dir) = &args.svg {
            std::fs::create_dir_all(dir).map_err(|e| govkit::Error::io(dir, e))?;
            for (name, svg) in govkit::html::comparison_charts(&c, &holders_curve) {
                write(&dir.join(name), &svg)?;
            }
        }
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
    let todo: Vec<_> = log
        .proposals
        .into_iter()
        .filter(|p| p.status != OfficialStatus::Canceled)
        .collect();
    // A progress bar on stderr when it is a terminal, nothing otherwise.
    let bar = indicatif::ProgressBar::new(todo.len() as u64);
    if !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    for p in todo {
        bar.inc(1);
        let mut template = proposal.clone();
        template.id = p.id.clone();
        template.title = None;
        let mut prepared = template.prepare_with(LoadedVotes {
            votes: p.votes,
            choices: None,
            official: Some(p.status),
        })?;
        comparisons.push(compare::compare_with_scenarios(
            &mut prepared,
            &variants,
            &scenarios,
            args.seed,
        )?);
    }
    bar.finish_and_clear();
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

fn write(path: &std::path::Path, text: &str) -> govkit::Result<()> {
    std::fs::write(path, text).map_err(|e| govkit::Error::io(path, e))
}
