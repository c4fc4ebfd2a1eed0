//! `govkit delegation HOLDERS DELEGATIONS`

use std::path::PathBuf;

use clap::ValueEnum;
use govkit::delegation::{self as dg, Analysis, FileCheck, Policy, SelfDelegation, Undelegated};
use govkit::io::delegations::{
    read as read_delegations, Cutoff, DelegationFormat, DelegationSource, MembersExport,
};
use govkit::{CastAt, Holders, HoldersSource};

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
    let mut policy = args.policy.clone();
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

    let source = DelegationSource {
        path: args.delegations.clone(),
        format: args.from,
        columns: Default::default(),
        scope: args.scope.clone(),
        until: match (args.until_block, &args.until_time) {
            (Some(b), _) => Some(Cutoff::Block(b)),
            (None, Some(t)) => Some(Cutoff::Time(CastAt::new(t))),
            (None, None) => None,
        },
    };
    let format = source.format()?;
    // A Decentraland export carries delegations, own power and its own
    // per-delegate numbers; read it once.
    let members = if format == DelegationFormat::DecentralandMembers {
        Some(MembersExport::read(&args.delegations, args.decimals)?)
    } else {
        None
    };
    let mut hs = HoldersSource::new(&args.holders);
    hs.address_column = args.address_column.clone();
    hs.balance_column = args.balance_column.clone();
    let holders_is_members = !hs.json
        && hs.address_column.is_none()
        && hs.balance_column.is_none()
        && DelegationFormat::detect(&args.holders)? == DelegationFormat::DecentralandMembers;
    let holders_owned: Holders;
    let holders: &Holders = match &members {
        Some(m) if holders_is_members && same_file(&args.holders, &args.delegations) => &m.holders,
        _ => {
            holders_owned = if holders_is_members {
                MembersExport::read(&args.holders, args.decimals)?.holders
            } else {
                Holders::read(&hs, args.decimals)?
            };
            &holders_owned
        }
    };
    let delegations_owned;
    let delegations = match &members {
        Some(m) => &m.delegations,
        None => {
            delegations_owned = read_delegations(&source)?;
            &delegations_owned
        }
    };
    let resolution = dg::resolve(holders, delegations, &policy, None)?;
    let mut analysis = Analysis::new(
        &resolution,
        &args.holders.display().to_string(),
        format.name(),
        args.top,
        args.decimals,
    );
    if let Some(m) = &members {
        // The export's numbers are one-hop (Snapshot's delegation strategy).
        if policy.max_depth() == Some(1) {
            analysis.file_check = Some(FileCheck::new(&resolution, &m.reported, args.decimals));
        }
    }
    Ok(match args.format {
        Format::Table => analysis.to_table(),
        Format::Json => analysis.to_json() + "\n",
    })
}

fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    a == b
        || matches!(
            (std::fs::canonicalize(a), std::fs::canonicalize(b)),
            (Ok(x), Ok(y)) if x == y
        )
}
