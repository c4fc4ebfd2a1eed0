//! Command-line parsing and output. All work is done by the library; this
//! module turns flags into library calls and results into text.
//!
//! Exit codes: 0 success (a rejected proposal is a successful run), 2 any
//! error (bad flags, unreadable or invalid input). A closed stdout (e.g.
//! `| head`) ends the program quietly with 0.

use std::io::Write;

use clap::{Parser, Subcommand, ValueEnum};

mod compare;
mod control;
mod conviction;
mod delegation;
mod evaluate;
mod fetch;
mod fund;
mod progress;
mod sybil;
mod synth;

#[derive(Parser)]
#[command(
    name = "govkit",
    version,
    about = "Exact DAO governance mechanisms on real data"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

// One variant per subcommand; each subcommand's flags and code live in its
// own file (`cli/evaluate.rs`, ...), which returns the text to print.
#[derive(Subcommand)]
enum Command {
    /// Evaluate a proposal file: tally its votes and decide it under its rules.
    Evaluate(evaluate::Args),
    /// Resolve delegations over a holder snapshot: who ends up with the power.
    Delegation(delegation::Args),
    /// Every mechanism side by side on one proposal (or on every proposal of a log).
    Compare(compare::Args),
    /// What a voter gains by splitting its wallet, under each mechanism.
    Sybil(sybil::Args),
    /// Write a synthetic DAO: holders, delegations, votes and a proposal.
    Synth(synth::Args),
    /// Conviction voting: when a funding pool's proposals pass, or an OpenGov referendum.
    Conviction(conviction::Args),
    /// How few holders decide: concentration, power indices, decisive sets.
    Control(control::Args),
    /// A quadratic funding round: each project's matching under QF, CLR and COCM.
    Fund(fund::Args),
    /// Fetch a Snapshot space's or a governor's votes into files govkit reads.
    Fetch(fetch::Args),
}

/// Output format shared by the subcommands.
#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum Format {
    /// A table for people.
    Table,
    /// One JSON object.
    Json,
}

/// Runs the CLI and returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    match run(cli) {
        Ok(text) => write_stdout(&text),
        Err(e) => {
            eprintln!("govkit: error: {e}");
            2
        }
    }
}

fn run(cli: Cli) -> govkit::Result<String> {
    // Commands without stages of their own show a spinner on a terminal;
    // compare, control and fetch report their own progress.
    let spinner = |what: &str| progress::Spinner::new(what);
    match cli.command {
        Command::Evaluate(args) => spinner("evaluating").then(|| evaluate::run(args)),
        Command::Delegation(args) => {
            spinner("resolving delegations").then(|| delegation::run(args))
        }
        Command::Compare(args) => compare::run(args),
        Command::Sybil(args) => spinner("splitting wallets").then(|| sybil::run(args)),
        Command::Synth(args) => spinner("generating").then(|| synth::run(args)),
        Command::Conviction(args) => spinner("simulating").then(|| conviction::run(args)),
        Command::Control(args) => control::run(args),
        Command::Fund(args) => spinner("matching").then(|| fund::run(args)),
        Command::Fetch(args) => fetch::run(args),
    }
}

fn write_stdout(text: &str) -> i32 {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => 0,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(e) => {
            eprintln!("govkit: error: writing output: {e}");
            2
        }
    }
}
