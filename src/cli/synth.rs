//! `govkit synth --holders N --distribution ... --out DIR`

use std::path::PathBuf;

use govkit::synth::{self, BalanceModel, Options};

/// Flags of `govkit synth`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// Number of holders.
    #[arg(long)]
    holders: usize,
    /// pareto:ALPHA | lognormal:MU,SIGMA | airdrop:FILE (resample a snapshot).
    #[arg(long, default_value = "pareto:1.16")]
    distribution: String,
    /// Probability that a holder delegates.
    #[arg(long, default_value_t = 0.0)]
    delegation_rate: f64,
    /// Probability that a holder who does not delegate votes.
    #[arg(long, default_value_t = 0.2)]
    turnout: f64,
    /// Relative weights of For, Against, Abstain.
    #[arg(long, value_delimiter = ',', default_value = "60,30,10")]
    choices: Vec<f64>,
    /// Token decimals.
    #[arg(long, default_value_t = 18)]
    decimals: u8,
    /// Seed: the same seed gives the same files.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Folder to write holders.csv, delegations.csv, votes.csv, proposal.toml.
    #[arg(long)]
    out: PathBuf,
    /// Vote-escrow locks for the voters: uniform:WEEKS (remaining lock a
    /// whole number of weeks, uniform in 1..=WEEKS); the proposal then
    /// uses Curve's vote-escrow.
    #[arg(long)]
    locks: Option<String>,
    /// Overwrite files in an --out folder that already holds some.
    #[arg(long)]
    force: bool,
}

pub(crate) fn run(args: Args) -> govkit::Result<String> {
    let [f, a, b] = args.choices[..] else {
        return Err(govkit::Error::invalid(
            "--choices takes three weights: For,Against,Abstain",
        ));
    };
    let dao = synth::generate(&Options {
        holders: args.holders,
        distribution: args.distribution.parse::<BalanceModel>()?,
        delegation_rate: args.delegation_rate,
        turnout: args.turnout,
        choice_weights: [f, a, b],
        decimals: args.decimals,
        seed: args.seed,
        locks: args.locks.as_deref().map(str::parse).transpose()?,
    })?;
    dao.write_to(&args.out, args.force)?;
    Ok(format!(
        "wrote {} holders, {} delegations, {} votes to {}\n",
        dao.balances.len(),
        dao.delegations.len(),
        dao.votes.len(),
        args.out.display()
    ))
}
