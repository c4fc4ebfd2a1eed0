//! `govkit compare PROPOSAL.toml|DIR [--mechanisms ...] [--all] [--scenario ...]`

use std::path::{Path, PathBuf};

use govkit::batch::{self, Batch};
use govkit::compare::{self, Summary, Variant};
use govkit::scenario::Scenario;
use govkit::Proposal;

use super::Format;

/// Flags of `govkit compare`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// A proposal file (TOML), or a folder: every `*.toml` in it.
    proposal: PathBuf,
    /// Comma-separated mechanisms: token-weighted, quadratic,
    /// quadratic-tokens, capped:X, quadratic-capped:X (X a share such as 5%
    /// or a power), conviction; with [delegation] also delegated:POLICY and
    /// no-delegation.
    #[arg(long, value_delimiter = ',')]
    mechanisms: Option<Vec<String>>,
    /// Run every proposal of the proposal file's vote file (a governor
    /// event log or a Snapshot export CSV), with the file as the template,
    /// and summarise how often each mechanism changes the official result.
    #[arg(long)]
    all: bool,
    /// What-if scenario applied before the tally (repeatable): sybil:K,
    /// whales-abstain:N, turnout:X, cap:X, combined with `+`.
    #[arg(long)]
    scenario: Vec<String>,
    /// Seed for random scenarios (turnout).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Also write a self-contained HTML report (tables and SVG charts).
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
    let scenarios = args
        .scenario
        .iter()
        .map(|s| s.parse())
        .collect::<govkit::Result<Vec<Scenario>>>()?;
    let files = proposal_files(&args.proposal)?;
    if args.all {
        return run_all(&args, &files, &scenarios);
    }
    let mut tables = Vec::new();
    let mut json = Vec::new();
    for file in &files {
        let proposal = Proposal::load(file)?;
        let variants = variants(&args, &proposal)?;
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
        if files.len() == 1 {
            if let Some(path) = &args.html {
                write(path, &govkit::html::comparison_html(&c, &holders_curve))?;
            }
            if let Some(dir) = &args.svg {
                std::fs::create_dir_all(dir).map_err(|e| govkit::Error::io(dir, e))?;
                for (name, svg) in govkit::html::comparison_charts(&c, &holders_curve) {
                    write(&dir.join(name), &svg)?;
                }
            }
        }
        tables.push(c.to_table());
        json.push(c);
    }
    if files.len() > 1 && (args.html.is_some() || args.svg.is_some()) {
        return Err(govkit::Error::invalid(
            "--html and --svg take a single proposal file",
        ));
    }
    Ok(match args.format {
        Format::Table => tables.join("\n"),
        Format::Json if json.len() == 1 => json[0].to_json() + "\n",
        Format::Json => serde_json::to_string_pretty(&json).expect("serialisable") + "\n",
    })
}

fn variants(args: &Args, proposal: &Proposal) -> govkit::Result<Vec<Variant>> {
    Variant::for_proposal(
        args.mechanisms.as_deref(),
        proposal,
        &govkit::Registry::builtin(),
    )
}

/// The file itself, or every `*.toml` in the folder, sorted.
fn proposal_files(path: &Path) -> govkit::Result<Vec<PathBuf>> {
    if !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| govkit::Error::io(path, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(govkit::Error::invalid(format!(
            "{} holds no .toml proposal files",
            path.display()
        )));
    }
    Ok(files)
}

fn run_all(args: &Args, files: &[PathBuf], scenarios: &[Scenario]) -> govkit::Result<String> {
    // A progress bar on stderr when it is a terminal, nothing otherwise.
    let bar = indicatif::ProgressBar::new(0);
    if !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let mut results: Vec<(String, Summary, Batch)> = Vec::new();
    for file in files {
        let template = Proposal::load(file)?;
        let variants = variants(args, &template)?;
        bar.set_message(file.display().to_string());
        let batch = batch::compare_all(
            &template,
            &variants,
            scenarios,
            args.seed,
            &mut |done, total| {
                bar.set_length(total as u64);
                bar.set_position(done as u64);
            },
        )?;
        let name = file
            .file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
        results.push((
            name,
            Summary::of(&batch.comparisons, batch.skipped.len()),
            batch,
        ));
    }
    bar.finish_and_clear();
    Ok(match args.format {
        Format::Table => results
            .iter()
            .map(|(name, summary, _)| format!("{name}: {}", summary.to_table()))
            .collect::<Vec<_>>()
            .join("\n"),
        Format::Json => {
            let list: Vec<serde_json::Value> = results
                .iter()
                .map(|(name, summary, batch)| {
                    serde_json::json!({
                        "source": name,
                        "summary": summary,
                        "proposals": batch.comparisons,
                        "skipped": batch.skipped,
                    })
                })
                .collect();
            let value = if list.len() == 1 {
                list.into_iter().next().expect("one")
            } else {
                serde_json::Value::Array(list)
            };
            serde_json::to_string_pretty(&value).expect("serialisable") + "\n"
        }
    })
}

fn write(path: &Path, text: &str) -> govkit::Result<()> {
    std::fs::write(path, text).map_err(|e| govkit::Error::io(path, e))
}
