//! `govkit compare PROPOSAL.toml|DIR [--mechanisms ...] [--all] [--scenario ...]`

use std::path::{Path, PathBuf};

use govkit::batch;
use govkit::compare::{self, Variant};
use govkit::io::proposal_dir::proposal_files;
use govkit::render::compare::{
    batches_json, batches_table, comparisons_json, comparisons_table, holders_curve, NamedBatch,
};
use govkit::scenario::Scenario;
use govkit::{Proposal, Result};

use super::progress::{Counter, Spinner};
use super::Format;

/// Flags of `govkit compare`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// A proposal file (TOML), or a folder: every `*.toml` in it.
    proposal: PathBuf,
    /// Comma-separated mechanisms (the registry's labels; see --help).
    #[arg(long, value_delimiter = ',', long_help = govkit::Registry::builtin().mechanisms.compare_help())]
    mechanisms: Option<Vec<String>>,
    /// Compare this proposal of a multi-proposal vote file (instead of
    /// the file's `votes.proposal_id`).
    #[arg(long, conflicts_with = "all")]
    proposal_id: Option<String>,
    /// Other decision rules beside the proposal's own (repeatable), as
    /// `LABEL = {pass = "aave-v2", vote_differential = "0.5%", ...}`: the
    /// keys replace the proposal's [rules]; a row `rules:LABEL` runs the
    /// proposal's own mechanism under them.
    #[arg(long)]
    rules: Vec<String>,
    /// Run every proposal of the proposal file's vote file (a governor
    /// event log, a Snapshot export CSV or Snapshot JSON), with the file as
    /// the template, and summarise how often each mechanism changes the
    /// official result.
    #[arg(long)]
    all: bool,
    /// What-if scenario applied before the tally (repeatable): sybil:K,
    /// whales-abstain:N, turnout:X, cap:X, combined with `+`.
    #[arg(long)]
    scenario: Vec<String>,
    /// Seed for random scenarios (turnout).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Also write a self-contained HTML report (tables and SVG charts; with
    /// --all, one page for every proposal).
    #[arg(long)]
    html: Option<PathBuf>,
    /// Also write the charts as SVG files into this folder (with --all,
    /// ID-scores.svg and ID-lorenz.svg per proposal).
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
    let _spinner = Spinner::new("comparing");
    let mut list = Vec::new();
    for file in &files {
        let mut proposal = Proposal::load(file)?;
        if let Some(id) = &args.proposal_id {
            proposal = proposal.select(id);
        }
        let variants = variants(&args, &proposal)?;
        let mut prepared = proposal.prepare()?;
        let c = compare::compare_with_scenarios(&mut prepared, &variants, &scenarios, args.seed)?;
        if files.len() == 1 && (args.html.is_some() || args.svg.is_some()) {
            let curve = holders_curve(prepared.holders.as_ref())?;
            let html = || govkit::html::comparison_html(&c, &curve);
            write_reports(&args, html, || govkit::html::comparison_charts(&c, &curve))?;
        }
        list.push(c);
    }
    if files.len() > 1 && (args.html.is_some() || args.svg.is_some()) {
        return Err(govkit::Error::invalid(
            "--html and --svg take a single proposal file",
        ));
    }
    Ok(match args.format {
        Format::Table => comparisons_table(&list),
        Format::Json => comparisons_json(&list),
    })
}

fn variants(args: &Args, proposal: &Proposal) -> govkit::Result<Vec<Variant>> {
    let registry = govkit::Registry::builtin();
    Variant::with_rule_variants(args.mechanisms.as_deref(), &args.rules, proposal, &registry)
}

/// The HTML report and the SVG charts (file name, SVG), where asked.
fn write_reports(
    args: &Args,
    html: impl FnOnce() -> String,
    charts: impl FnOnce() -> Vec<(String, String)>,
) -> Result<()> {
    if let Some(path) = &args.html {
        write(path, &html())?;
    }
    if let Some(dir) = &args.svg {
        std::fs::create_dir_all(dir).map_err(|e| govkit::Error::io(dir, e))?;
        for (name, svg) in charts() {
            write(&dir.join(name), &svg)?;
        }
    }
    Ok(())
}

fn run_all(args: &Args, files: &[PathBuf], scenarios: &[Scenario]) -> Result<String> {
    let mut bar = Counter::new("reading");
    let mut results = Vec::new();
    for file in files {
        bar.set_message(format!("reading {}", file.display()));
        let template = Proposal::load(file)?;
        let variants = variants(args, &template)?;
        bar.set_message(file.display().to_string());
        let mut progress = |done: usize, total: usize| bar.update(done, total);
        let batch = batch::compare_all(&template, &variants, scenarios, args.seed, &mut progress)?;
        let name = file.file_stem().map(|s| s.to_string_lossy().into_owned());
        results.push(NamedBatch::new(name.unwrap_or_default(), batch));
    }
    drop(bar);
    let html = || govkit::html::batch_html(&results);
    write_reports(args, html, || govkit::html::batch_charts(&results))?;
    Ok(match args.format {
        Format::Table => batches_table(&results),
        Format::Json => batches_json(&results),
    })
}

fn write(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).map_err(|e| govkit::Error::io(path, e))
}
