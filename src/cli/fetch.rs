//! `govkit fetch snapshot|governor`: get a space's or a governor's data.

use std::path::PathBuf;

use govkit::fetch::{governor, snapshot, FetchProgress, Retry};

/// Flags of `govkit fetch`.
#[derive(clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    source: Source,
}

#[derive(clap::Subcommand)]
enum Source {
    /// A Snapshot space's proposals and votes from the hub's GraphQL API.
    Snapshot(SnapshotArgs),
    /// A governor's (and its token's) events from an Ethereum node.
    Governor(GovernorArgs),
}

#[derive(clap::Args)]
struct Common {
    /// The folder written (created if missing; reruns resume from it).
    #[arg(long)]
    out: PathBuf,
    /// Tries per request on HTTP 429/5xx and connection failures.
    #[arg(long, default_value_t = 6)]
    retries: u32,
    /// The first wait between tries, in milliseconds (doubled each time).
    #[arg(long, default_value_t = 1000)]
    backoff_ms: u64,
}

#[derive(clap::Args)]
struct SnapshotArgs {
    /// The space, e.g. `ens.eth`.
    #[arg(long)]
    space: String,
    /// Only this proposal.
    #[arg(long, conflicts_with = "since")]
    proposal: Option<String>,
    /// Only proposals created at or after this date (YYYY-MM-DD, UTC).
    #[arg(long)]
    since: Option<String>,
    /// The hub's GraphQL endpoint.
    #[arg(long, default_value = snapshot::DEFAULT_HUB)]
    hub: String,
    /// Items per request (the hub allows at most 1000).
    #[arg(long, default_value_t = snapshot::HUB_MAX_FIRST)]
    page_size: u32,
    #[command(flatten)]
    common: Common,
}

#[derive(clap::Args)]
struct GovernorArgs {
    /// The node's JSON-RPC URL. Prefer --rpc-env: a URL with a key on the
    /// command line ends up in the shell's history.
    #[arg(long, conflicts_with = "rpc_env")]
    rpc: Option<String>,
    /// The environment variable holding the RPC URL (default GOVKIT_RPC_URL).
    #[arg(long)]
    rpc_env: Option<String>,
    /// The governor contract.
    #[arg(long)]
    governor: String,
    /// The voting token, for its delegation events.
    #[arg(long)]
    token: Option<String>,
    /// The first block (e.g. the governor's deployment block).
    #[arg(long)]
    from_block: u64,
    /// The last block (default: the node's latest).
    #[arg(long)]
    to_block: Option<u64>,
    /// The most blocks per eth_getLogs request (halved when the node refuses).
    #[arg(long, default_value_t = 100_000)]
    max_range: u64,
    #[command(flatten)]
    common: Common,
}

pub(crate) fn run(args: Args) -> govkit::Result<String> {
    // A progress bar on stderr when it is a terminal, nothing otherwise.
    let bar = indicatif::ProgressBar::new(0);
    if !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let mut progress = |p: FetchProgress| {
        if let FetchProgress::Step { done, total, what } = p {
            bar.set_length(total);
            bar.set_position(done);
            bar.set_message(what);
        }
    };
    let text = match args.source {
        Source::Snapshot(a) => {
            let mut req = snapshot::SnapshotRequest::new(&a.space, &a.common.out);
            req.hub = a.hub;
            req.proposal = a.proposal;
            req.since = a
                .since
                .as_deref()
                .map(govkit::fetch::parse_date)
                .transpose()?;
            req.page_size = a.page_size;
            req.retry = Retry::with_backoff(a.common.retries, a.common.backoff_ms);
            snapshot::fetch(&req, &mut progress)?.to_text()
        }
        Source::Governor(a) => {
            let rpc = governor::rpc_url(a.rpc, a.rpc_env.as_deref())?;
            let mut req =
                governor::GovernorRequest::new(&rpc, &a.governor, a.from_block, &a.common.out);
            req.token = a.token;
            req.to_block = a.to_block;
            req.max_range = a.max_range;
            req.retry = Retry::with_backoff(a.common.retries, a.common.backoff_ms);
            governor::fetch(&req, &mut progress)?.to_text()
        }
    };
    bar.finish_and_clear();
    Ok(text)
}
