//! `govkit control HOLDERS [--proposal PROPOSAL.toml]`: how few holders
//! decide. Flags in, one `govkit::control::analyze` call, one renderer; a
//! progress bar on stderr (a terminal) once power indices run for 0.5 s.

use std::path::PathBuf;

use clap::ValueEnum;
use govkit::control::{
    self, ControlRequest, ControlStage, DelegationsInput, HoldersInput, IndicesMode, Threshold,
    WeightResolution,
};
use govkit::delegation::PolicyError;
use govkit::io::delegations::DelegationSource;
use govkit::render::control::{render, ControlFormat};
use govkit::{AmountUnit, HoldersSource};

#[derive(Clone, Copy, ValueEnum)]
enum UnitArg {
    /// Whole tokens ("12.5").
    Token,
    /// Integer base units (wei).
    Base,
}

/// Flags of `govkit control`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// Holder snapshot (CSV `address,balance` or JSON). Optional with
    /// --proposal: then the proposal's [holders], else its votes.
    #[arg(required_unless_present = "proposal")]
    holders: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ControlFormat::Table)]
    format: ControlFormat,
    /// The token's decimals.
    #[arg(long, default_value_t = 18)]
    decimals: u8,
    /// How balances are written (default: base units if the balance column
    /// ends in _wei, else tokens).
    #[arg(long, value_enum)]
    unit: Option<UnitArg>,
    /// Address column of the holders CSV.
    #[arg(long)]
    address_column: Option<String>,
    /// Balance column of the holders CSV.
    #[arg(long)]
    balance_column: Option<String>,
    /// Nakamoto thresholds: ">1/2" (more than), ">=2/3" (at least); no sign
    /// means more than. Repeat or separate with commas.
    #[arg(long, value_delimiter = ',', default_value = ">1/2", value_parser = parse_threshold)]
    threshold: Vec<Threshold>,
    /// Top-k shares to report.
    #[arg(long, value_delimiter = ',', default_value = "1,10,100")]
    top: Vec<usize>,
    /// Lorenz curve points (population steps of 1/N).
    #[arg(long, default_value_t = 10)]
    lorenz_points: usize,
    /// Power indices: auto, exact, approx or none.
    #[arg(long, value_enum, default_value_t = IndicesMode::Auto)]
    indices: IndicesMode,
    /// The quota of the weighted voting game, as a threshold of the total.
    #[arg(long, default_value = ">1/2", value_parser = parse_threshold)]
    quota: Threshold,
    /// Exact mode: "exact" (weights divided by their gcd, no rounding) or N
    /// (weights scaled to a total of about N units, rounded half up).
    #[arg(long, default_value = "exact", value_parser = |s: &str| s.parse::<WeightResolution>())]
    resolution: WeightResolution,
    /// How many of the largest holders to list power indices for.
    #[arg(long, default_value_t = 100)]
    players: usize,
    /// Approximate mode: the error bound of each index.
    #[arg(long, default_value_t = 0.01)]
    epsilon: f64,
    /// Approximate mode: the probability that any bound fails.
    #[arg(long, default_value_t = 0.01)]
    delta: f64,
    /// Approximate mode: run past the budget of draws.
    #[arg(long)]
    force: bool,
    /// Approximate mode: the PRNG seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// A proposal file: report the decisive sets of its voters.
    #[arg(long)]
    proposal: Option<PathBuf>,
    /// With --proposal: this proposal of a multi-proposal vote file.
    #[arg(long, requires = "proposal")]
    proposal_id: Option<String>,
    /// Delegations (csv, governor events or Decentraland members.csv): the
    /// metrics are computed on the power after delegation, with the holders'
    /// own balances as `before_delegation`.
    #[arg(long, requires = "holders")]
    delegations: Option<PathBuf>,
    /// Delegation policy: one-hop, transitive[:N], liquid[:N], snapshot,
    /// openzeppelin, ...
    #[arg(long, default_value = "one-hop")]
    policy: String,
}

fn parse_threshold(s: &str) -> Result<Threshold, String> {
    s.parse()
        .map_err(|e: control::ThresholdError| e.to_string())
}

pub(crate) fn run(args: Args) -> govkit::Result<String> {
    let holders = args.holders.map(|path| {
        let mut src = HoldersSource::new(path);
        src.address_column = args.address_column;
        src.balance_column = args.balance_column;
        src.unit = args.unit.map(|u| match u {
            UnitArg::Token => AmountUnit::Token,
            UnitArg::Base => AmountUnit::Base,
        });
        HoldersInput::File(src)
    });
    let mut req = ControlRequest::new(holders, args.proposal);
    req.proposal_id = args.proposal_id;
    req.delegations = args
        .delegations
        .map(|p| DelegationsInput::File(DelegationSource::new(p)));
    req.policy = args
        .policy
        .parse()
        .map_err(|e: PolicyError| govkit::Error::invalid(e.to_string()))?;
    req.decimals = args.decimals;
    let o = &mut req.options;
    o.thresholds = args.threshold;
    o.top = args.top;
    o.lorenz_points = args.lorenz_points;
    o.indices = args.indices;
    o.quota = args.quota;
    o.resolution = args.resolution;
    o.players = args.players;
    o.epsilon = args.epsilon;
    o.delta = args.delta;
    o.seed = args.seed;
    o.force = args.force;
    let mut bar = super::progress::Counter::new("reading");
    let report = control::analyze(&req, &mut |stage| match stage {
        ControlStage::IndexWork { done, total } => bar.update(done as usize, total as usize),
        other => bar.set_message(format!("{other:?}").to_lowercase()),
    })?;
    drop(bar);
    Ok(render(&report, args.format))
}
