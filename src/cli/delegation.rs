//! `govkit delegation HOLDERS DELEGATIONS`

use std::path::PathBuf;

use clap::ValueEnum;
use govkit::delegation::{self as dg, Policy, SelfDelegation, Undelegated};
use govkit::io::delegations::{
    analyze_keeping, Cutoff, DelegationFormat, DelegationRequest, DelegationSource,
};
use govkit::{CastAt, HoldersSource};

use super::Format;

/// Flags of `govkit delegation`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// The holder snapshot: CSV or JSON `address,balance`, or a Decentraland
    /// members export (own voting power per member).
    holders: PathBuf,
    /// The delegations: CSV `delegator,delegate[,fraction][,scope]`, a
    /// governor event log (`DelegateChanged`), or a Decentraland members
    /// export.
    delegations: PathBuf,
    /// Delegation semantics: one-hop, transitive, transitive:N, snapshot,
    /// openzeppelin, openzeppelin-overridable, polkadot, liquid, liquid:N.
    #[arg(long, default_value = "one-hop", value_parser = parse_policy)]
    policy: Policy,
    /// Whether balances of holders who did not delegate count (overrides
    /// the policy's choice).
    #[arg(long, value_enum)]
    undelegated: Option<UndelegatedArg>,
    /// A delegation to oneself is an error (as in Polkadot).
    #[arg(long)]
    reject_self_delegation: bool,
    /// A delegator or delegate missing from the holder file is an error
    /// (by default it is a holder with a zero balance).
    #[arg(long)]
    require_holders: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// The token's decimals.
    #[arg(long, default_value_t = 18, value_parser = clap::value_parser!(u8).range(0..=38))]
    decimals: u8,
    /// The delegation file's format (default: detected from its header).
    #[arg(long, value_parser = parse_format)]
    from: Option<DelegationFormat>,
    /// Use this scope's delegations (e.g. a Snapshot space) where a
    /// delegator has them, else its global ones.
    #[arg(long)]
    scope: Option<String>,
    /// Governor events: only events up to this block.
    #[arg(long, conflicts_with = "until_time")]
    until_block: Option<u64>,
    /// Governor events: only events up to this time (as the file writes it).
    #[arg(long)]
    until_time: Option<String>,
    /// How many of the largest holders to compare before and after.
    #[arg(long, default_value_t = 10)]
    top: usize,
    /// The holder file's address column.
    #[arg(long)]
    address_column: Option<String>,
    /// The holder file's balance column.
    #[arg(long)]
    balance_column: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum UndelegatedArg {
    /// They count (Snapshot, Polkadot).
    Count,
    /// They do not (OpenZeppelin: only delegated or self-delegated
    /// balances vote).
    Ignore,
}

fn parse_policy(s: &str) -> Result<Policy, String> {
    s.parse().map_err(|e: dg::PolicyError| e.to_string())
}

fn parse_format(s: &str) -> Result<DelegationFormat, String> {
    s.parse()
}

pub(crate) fn run(args: Args) -> govkit::Result<String> {
    let mut policy = args.policy;
    if let Some(u) = args.undelegated {
        policy.undelegated = match u {
            UndelegatedArg::Count => Undelegated::Count,
            UndelegatedArg::Ignore => Undelegated::Ignore,
        };
    }
    if args.reject_self_delegation {
        policy.self_delegation = SelfDelegation::Reject;
    }
    policy.require_holders |= args.require_holders;
    let mut holders = HoldersSource::new(&args.holders);
    holders.address_column = args.address_column;
    holders.balance_column = args.balance_column;
    let mut delegations = DelegationSource::new(&args.delegations);
    delegations.format = args.from;
    delegations.scope = args.scope;
    delegations.until = match (args.until_block, args.until_time) {
        (Some(b), _) => Some(Cutoff::Block(b)),
        (None, Some(t)) => Some(Cutoff::Time(CastAt::new(&t))),
        (None, None) => None,
    };
    let mut req = DelegationRequest::new(holders, delegations);
    req.policy = policy;
    req.top = args.top;
    req.decimals = args.decimals;
    let (analysis, inputs) = analyze_keeping(&req)?;
    // The process ends right after printing: the holders and the graph are
    // left to the exit rather than freed one allocation at a time.
    std::mem::forget(inputs);
    Ok(match args.format {
        Format::Table => analysis.to_table(),
        Format::Json => analysis.to_json() + "\n",
    })
}
