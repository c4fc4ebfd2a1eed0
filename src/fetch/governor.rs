//! A governor's and its token's events from an Ethereum node's
//! `eth_getLogs`, decoded with alloy's `sol!` event types and written as
//! the governor-events CSV that [`crate::io::governor_events`] and the
//! delegation reader take.
//!
//! Events: `ProposalCreated`, `VoteCast` (OpenZeppelin and Compound Bravo:
//! `uint8 support` and a reason; Compound/Uniswap Governor Alpha: `bool
//! support`, written `True`/`False` as indexers do), `VoteCastWithParams`,
//! `ProposalQueued`, `ProposalExecuted`, `ProposalCanceled`; with a token,
//! `DelegateChanged` and `DelegateVotesChanged`.
//!
//! The block range is asked in pieces of at most `max_range` blocks; a
//! piece the node refuses as too large (too many results, range too wide,
//! response too big) is split in two until it passes. Rows are sorted by
//! block and log index. `DIR/events.csv` is rewritten (temporary file, then
//! rename) at checkpoints with every row so far, and
//! `DIR/cache/events-progress.json` records the last block written, so a
//! rerun with the same contracts resumes after it (and a rerun with a
//! later `--to-block` only asks for the new blocks).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::SolEvent;
use serde::{Deserialize, Serialize};

use super::http::Client;
use super::{iso_utc, write_atomic, FetchProgress, Retry};
use crate::error::{Error, Location, Result};

/// The events, as their contracts declare them.
mod abi {
    alloy_sol_types::sol! {
        event ProposalCreated(uint256 id, address proposer, address[] targets, uint256[] values, string[] signatures, bytes[] calldatas, uint256 startBlock, uint256 endBlock, string description);
        event VoteCast(address indexed voter, uint256 proposalId, uint8 support, uint256 votes, string reason);
        event VoteCastWithParams(address indexed voter, uint256 proposalId, uint8 support, uint256 weight, string reason, bytes params);
        event ProposalQueued(uint256 id, uint256 eta);
        event ProposalExecuted(uint256 id);
        event ProposalCanceled(uint256 id);
        event DelegateChanged(address indexed delegator, address indexed fromDelegate, address indexed toDelegate);
        event DelegateVotesChanged(address indexed delegate, uint256 previousBalance, uint256 newBalance);
    }

    /// Compound and Uniswap Governor Alpha: a bool `support`, no reason.
    pub(super) mod alpha {
        alloy_sol_types::sol! {
            event VoteCast(address voter, uint256 proposalId, bool support, uint256 votes);
        }
    }
}

/// The columns of the CSV written, in order (Compound Bravo's export's
/// columns that these events fill, and the delegation events' own).
pub const COLUMNS: [&str; 28] = [
    "event_name",
    "block_number",
    "txhash",
    "log_index",
    "timestamp",
    "id",
    "proposer",
    "targets",
    "values",
    "signatures",
    "calldatas",
    "startBlock",
    "endBlock",
    "description",
    "voter",
    "proposalId",
    "support",
    "votes",
    "reason",
    "params",
    "eta",
    "delegator",
    "fromDelegate",
    "toDelegate",
    "delegate",
    "previousBalance",
    "newBalance",
    "contract_address",
];

/// What to fetch from a node, and where to write it.
#[derive(Clone, Debug)]
pub struct GovernorRequest {
    /// The node's JSON-RPC URL (may hold a key: it is never shown whole).
    pub rpc: String,
    /// The governor contract.
    pub governor: String,
    /// The voting token, for delegation events.
    pub token: Option<String>,
    /// The first block asked.
    pub from_block: u64,
    /// The last block asked (default: the node's latest).
    pub to_block: Option<u64>,
    /// The folder written (`events.csv`, `cache/`).
    pub out: PathBuf,
    /// The most blocks asked in one `eth_getLogs`.
    pub max_range: u64,
    /// Retries of failed requests.
    pub retry: Retry,
    /// How often `events.csv` is rewritten while fetching (and at the end).
    pub checkpoint_every: Duration,
}

impl GovernorRequest {
    /// The events of `governor` from `from_block` to the latest block.
    pub fn new(rpc: &str, governor: &str, from_block: u64, out: &Path) -> GovernorRequest {
        GovernorRequest {
            rpc: rpc.to_string(),
            governor: governor.to_string(),
            token: None,
            from_block,
            to_block: None,
            out: out.to_path_buf(),
            max_range: 100_000,
            retry: Retry::default(),
            checkpoint_every: Duration::from_secs(5),
        }
    }
}

/// What a governor fetch did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct GovernorFetch {
    /// Rows in `events.csv`.
    pub rows: usize,
    /// Rows added by this run.
    pub new_rows: usize,
    /// The block this run started at (after the last block of an earlier
    /// run when resuming).
    pub started_at: u64,
    /// Whether an earlier run's progress was resumed.
    pub resumed: bool,
    /// The last block fetched.
    pub to_block: u64,
    /// HTTP requests sent, retries included.
    pub requests: u64,
    /// Ranges split because the node refused them.
    pub splits: u64,
    /// The CSV written.
    pub path: PathBuf,
}

impl GovernorFetch {
    /// A few lines for people: what was written, from which blocks.
    pub fn to_text(&self) -> String {
        format!(
            "{}: {} rows ({} new), blocks {}..={}{}\n{} requests, {} ranges split\n",
            self.path.display(),
            self.rows,
            self.new_rows,
            self.started_at,
            self.to_block,
            if self.resumed { " (resumed)" } else { "" },
            self.requests,
            self.splits
        )
    }
}

/// The RPC URL: `rpc` if given, else the value of the environment
/// variable `env` (default `GOVKIT_RPC_URL`), so that a URL with a key
/// need not be typed where the shell's history keeps it.
pub fn rpc_url(rpc: Option<String>, env: Option<&str>) -> Result<String> {
    if let Some(url) = rpc {
        return Ok(url);
    }
    let var = env.unwrap_or("GOVKIT_RPC_URL");
    match std::env::var(var) {
        Ok(url) if !url.trim().is_empty() => Ok(url.trim().to_string()),
        _ => Err(Error::invalid(format!(
            "no RPC URL: set the environment variable {var} (or pass --rpc-env VAR or --rpc URL)"
        ))),
    }
}

#[derive(Serialize, Deserialize, PartialEq, Eq)]
struct Progress {
    governor: String,
    token: Option<String>,
    from_block: u64,
    next_block: u64,
}

#[derive(Deserialize)]
struct RpcLog {
    address: String,
    topics: Vec<String>,
    data: String,
    #[serde(rename = "blockNumber")]
    block_number: String,
    #[serde(rename = "transactionHash")]
    transaction_hash: String,
    #[serde(rename = "logIndex")]
    log_index: String,
    #[serde(rename = "blockTimestamp")]
    block_timestamp: Option<String>,
    #[serde(default)]
    removed: bool,
}

/// A row's place in the chain: (block, log index).
type RowKey = (u64, u64);

type Rows = BTreeMap<RowKey, Vec<String>>;

/// Fetches the events `request` names into `DIR/events.csv` (see the
/// module docs).
pub fn fetch(
    request: &GovernorRequest,
    progress: &mut dyn FnMut(FetchProgress),
) -> Result<GovernorFetch> {
    let governor = parse_address(&request.governor, "--governor")?;
    let token = request
        .token
        .as_deref()
        .map(|t| parse_address(t, "--token"))
        .transpose()?;
    if request.max_range == 0 {
        return Err(Error::invalid(
            "the block range per request must be at least 1",
        ));
    }
    let mut client = Client::new(&request.rpc, request.retry);
    let to_block = match request.to_block {
        Some(b) => b,
        None => block_number(&mut client)?,
    };
    if to_block < request.from_block {
        return Err(Error::invalid(format!(
            "--to-block {to_block} is before --from-block {}",
            request.from_block
        )));
    }
    let csv_path = request.out.join("events.csv");
    let progress_path = request.out.join("cache/events-progress.json");
    let mut rows = read_rows(&csv_path, &[governor, token.unwrap_or(governor)])?;
    let before = rows.len();
    let mark = Progress {
        governor: governor.to_string(),
        token: token.map(|t| t.to_string()),
        from_block: request.from_block,
        next_block: request.from_block,
    };
    let mut start = request.from_block;
    let mut resumed = false;
    if let Some(text) = crate::io::read_optional_text(&progress_path, 1 << 20, "JSON")? {
        let done: Progress = serde_json::from_str(&text).map_err(|e| {
            Error::input(
                Location::file(&progress_path),
                format!("not a progress file: {e}"),
            )
        })?;
        if done.governor == mark.governor
            && done.token == mark.token
            && done.from_block <= request.from_block
            && done.next_block > start
        {
            start = done.next_block;
            resumed = true;
        }
    }
    let mut summary = GovernorFetch {
        started_at: start,
        resumed,
        to_block,
        path: csv_path.clone(),
        ..GovernorFetch::default()
    };
    let mut addresses = vec![governor];
    addresses.extend(token.filter(|t| *t != governor));
    let topics: Vec<B256> = vec![
        abi::ProposalCreated::SIGNATURE_HASH,
        abi::VoteCast::SIGNATURE_HASH,
        abi::alpha::VoteCast::SIGNATURE_HASH,
        abi::VoteCastWithParams::SIGNATURE_HASH,
        abi::ProposalQueued::SIGNATURE_HASH,
        abi::ProposalExecuted::SIGNATURE_HASH,
        abi::ProposalCanceled::SIGNATURE_HASH,
        abi::DelegateChanged::SIGNATURE_HASH,
        abi::DelegateVotesChanged::SIGNATURE_HASH,
    ];
    let total = to_block - request.from_block + 1;
    let mut last_write = Instant::now();
    let mut next = start;
    let mut dirty = false;
    // The width of the last piece the node accepted: halved on a refusal,
    // doubled back (up to max_range) after each success.
    let mut width = request.max_range;
    while next <= to_block {
        let mut hi = to_block.min(next.saturating_add(width - 1));
        // Narrow the piece until the node accepts it.
        let logs = loop {
            match get_logs(&mut client, next, hi, &addresses, &topics)? {
                Ok(logs) => break logs,
                Err(_) if hi > next => {
                    summary.splits += 1;
                    hi = next + (hi - next) / 2;
                    width = hi - next + 1;
                }
                Err(refusal) => {
                    return Err(Error::invalid(format!(
                        "{}: eth_getLogs for block {next} alone was refused: {refusal}",
                        client.shown_url()
                    )))
                }
            }
        };
        width = width.saturating_mul(2).min(request.max_range);
        for (i, log) in logs.iter().enumerate() {
            if let Some((key, row)) = decode(log, i, next, hi, &client)? {
                rows.insert(key, row);
                dirty = true;
            }
        }
        next = hi + 1;
        progress(FetchProgress::Step {
            done: next - request.from_block,
            total,
            what: format!("block {hi}"),
        });
        if next > to_block || last_write.elapsed() >= request.checkpoint_every {
            if dirty || next > to_block {
                write_atomic(&csv_path, &rows_csv(&rows)?)?;
            }
            let mark = Progress {
                next_block: next,
                ..mark_clone(&mark)
            };
            let text = serde_json::to_string_pretty(&mark).expect("progress serialises");
            write_atomic(&progress_path, text.as_bytes())?;
            last_write = Instant::now();
            dirty = false;
        }
    }
    if start > to_block && !csv_path.exists() {
        write_atomic(&csv_path, &rows_csv(&rows)?)?;
    }
    summary.rows = rows.len();
    summary.new_rows = rows.len() - before;
    summary.requests = client.requests;
    Ok(summary)
}

fn mark_clone(p: &Progress) -> Progress {
    Progress {
        governor: p.governor.clone(),
        token: p.token.clone(),
        from_block: p.from_block,
        next_block: p.next_block,
    }
}

fn parse_address(text: &str, flag: &str) -> Result<Address> {
    text.trim().parse::<Address>().map_err(|e| {
        Error::invalid(format!(
            "{flag} {:?} is not an address (0x and 40 hex digits): {e}",
            crate::error::shown(text)
        ))
    })
}

/// A JSON-RPC call's `result`, or the node's error object as text.
fn rpc(
    client: &mut Client,
    method: &str,
    params: serde_json::Value,
    what: &dyn Fn() -> String,
) -> Result<std::result::Result<Box<serde_json::value::RawValue>, String>> {
    #[derive(Deserialize)]
    struct Answer {
        result: Option<Box<serde_json::value::RawValue>>,
        error: Option<serde_json::Value>,
    }
    let body = serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
        .to_string();
    let reply = client.post(&body, what)?;
    let bad = |msg: String| {
        Error::input(
            Location::file(client.shown_url()),
            format!("{}: {msg}", what()),
        )
    };
    let answer: Answer = match serde_json::from_str(&reply.body) {
        Ok(a) => a,
        Err(e) if reply.status == 200 => {
            return Err(bad(format!(
                "not a JSON-RPC answer ({e}): {}",
                crate::error::shown(reply.body.trim())
            )))
        }
        Err(_) => {
            return Ok(Err(format!(
                "HTTP {}: {}",
                reply.status,
                crate::error::shown(reply.body.trim())
            )))
        }
    };
    match (answer.result, answer.error) {
        (_, Some(error)) if reply.status == 200 => Ok(Err(crate::error::shown(&error.to_string()))),
        (_, Some(error)) => Ok(Err(format!(
            "HTTP {}: {}",
            reply.status,
            crate::error::shown(&error.to_string())
        ))),
        (Some(result), None) if reply.status == 200 => Ok(Ok(result)),
        _ => Err(bad(format!(
            "HTTP {} without a result: {}",
            reply.status,
            crate::error::shown(reply.body.trim())
        ))),
    }
}

fn block_number(client: &mut Client) -> Result<u64> {
    let what = || "eth_blockNumber".to_string();
    let raw = rpc(client, "eth_blockNumber", serde_json::json!([]), &what)?
        .map_err(|e| Error::invalid(format!("{}: eth_blockNumber: {e}", client.shown_url())))?;
    let text: String = serde_json::from_str(raw.get()).unwrap_or_default();
    quantity(&text).ok_or_else(|| {
        Error::input(
            Location::file(client.shown_url()).with_field("result"),
            format!(
                "eth_blockNumber: {} is not a block number",
                crate::error::shown(raw.get())
            ),
        )
    })
}

/// Whether a node's error means "ask for less" (too many results, range
/// too wide, response too large), as Geth, Erigon, Infura, Alchemy and
/// QuickNode word it.
fn is_too_large(error: &str) -> bool {
    let e = error.to_ascii_lowercase();
    if e.contains("rate limit") || e.contains("too many requests") {
        return false;
    }
    [
        "-32005",
        "too many",
        "more than",
        "limit",
        "exceed",
        "too large",
        "range",
        "response size",
        "timeout",
        "timed out",
    ]
    .iter()
    .any(|p| e.contains(p))
}

/// The logs of blocks `from..=to`, or the node's refusal when it asks for
/// a smaller range; any other node error is an `Err`.
fn get_logs(
    client: &mut Client,
    from: u64,
    to: u64,
    addresses: &[Address],
    topics: &[B256],
) -> Result<std::result::Result<Vec<RpcLog>, String>> {
    let what = || format!("eth_getLogs blocks {from}..={to}");
    let params = serde_json::json!([{
        "fromBlock": format!("{from:#x}"),
        "toBlock": format!("{to:#x}"),
        "address": addresses.iter().map(|a| a.to_string().to_lowercase()).collect::<Vec<_>>(),
        "topics": [topics.iter().map(|t| t.to_string()).collect::<Vec<_>>()],
    }]);
    match rpc(client, "eth_getLogs", params, &what)? {
        Ok(raw) => serde_json::from_str(raw.get()).map(Ok).map_err(|e| {
            Error::input(
                Location::file(client.shown_url()).with_field("result"),
                format!("{}: not a list of logs: {e}", what()),
            )
        }),
        Err(error) if is_too_large(&error) => Ok(Err(error)),
        Err(error) => Err(Error::invalid(format!(
            "{}: {}: the node answered {error}",
            client.shown_url(),
            what()
        ))),
    }
}

fn quantity(hex: &str) -> Option<u64> {
    u64::from_str_radix(hex.strip_prefix("0x")?, 16).ok()
}

/// One log as a CSV row keyed by (block, log index); `None` for a log
/// removed by a reorganisation or of an event not asked for.
fn decode(
    log: &RpcLog,
    i: usize,
    from: u64,
    to: u64,
    client: &Client,
) -> Result<Option<(RowKey, Vec<String>)>> {
    let bad = |field: &str, msg: String| {
        Error::input(
            Location::file(client.shown_url()).with_field(format!("result[{i}].{field}")),
            format!("eth_getLogs blocks {from}..={to}: {msg}"),
        )
    };
    if log.removed {
        return Ok(None);
    }
    let block = quantity(&log.block_number).ok_or_else(|| {
        bad(
            "blockNumber",
            format!("{:?} is not a block number", log.block_number),
        )
    })?;
    let index = quantity(&log.log_index).ok_or_else(|| {
        bad(
            "logIndex",
            format!("{:?} is not a log index", log.log_index),
        )
    })?;
    let topics: Vec<B256> = log
        .topics
        .iter()
        .map(|t| t.parse::<B256>())
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| bad("topics", format!("not 32-byte hex: {e}")))?;
    let data = alloy_primitives::hex::decode(&log.data)
        .map_err(|e| bad("data", format!("not hex: {e}")))?;
    let address = parse_address(&log.address, "address")
        .map_err(|_| bad("address", format!("{:?} is not an address", log.address)))?;
    let Some(topic0) = topics.first() else {
        return Ok(None);
    };
    let mut row = vec![String::new(); COLUMNS.len()];
    let mut set = |col: &str, value: String| {
        let at = COLUMNS
            .iter()
            .position(|c| *c == col)
            .expect("a known column");
        row[at] = value;
    };
    let here = format!("block {block} log {index} (tx {})", log.transaction_hash);
    let undecodable = |event: &str, e: alloy_sol_types::Error| {
        bad("data", format!("{here}: {event} does not decode: {e}"))
    };
    let list = |items: Vec<String>| format!("[{}]", items.join(", "));
    let event = match *topic0 {
        abi::ProposalCreated::SIGNATURE_HASH => {
            let e = abi::ProposalCreated::decode_raw_log(topics.iter().copied(), &data)
                .map_err(|e| undecodable("ProposalCreated", e))?;
            set("id", e.id.to_string());
            set("proposer", e.proposer.to_string());
            set(
                "targets",
                list(e.targets.iter().map(|t| format!("\"{t}\"")).collect()),
            );
            set(
                "values",
                list(e.values.iter().map(U256::to_string).collect()),
            );
            set(
                "signatures",
                list(
                    e.signatures
                        .iter()
                        .map(|s| serde_json::to_string(s).expect("str"))
                        .collect(),
                ),
            );
            set(
                "calldatas",
                list(e.calldatas.iter().map(|c| format!("\"{c}\"")).collect()),
            );
            set("startBlock", e.startBlock.to_string());
            set("endBlock", e.endBlock.to_string());
            set("description", e.description);
            "ProposalCreated"
        }
        abi::VoteCast::SIGNATURE_HASH => {
            let e = abi::VoteCast::decode_raw_log(topics.iter().copied(), &data)
                .map_err(|e| undecodable("VoteCast", e))?;
            set("voter", e.voter.to_string());
            set("proposalId", e.proposalId.to_string());
            set("support", e.support.to_string());
            set("votes", e.votes.to_string());
            set("reason", e.reason);
            "VoteCast"
        }
        abi::alpha::VoteCast::SIGNATURE_HASH => {
            let e = abi::alpha::VoteCast::decode_raw_log(topics.iter().copied(), &data)
                .map_err(|e| undecodable("VoteCast", e))?;
            set("voter", e.voter.to_string());
            set("proposalId", e.proposalId.to_string());
            set("support", if e.support { "True" } else { "False" }.into());
            set("votes", e.votes.to_string());
            "VoteCast"
        }
        abi::VoteCastWithParams::SIGNATURE_HASH => {
            let e = abi::VoteCastWithParams::decode_raw_log(topics.iter().copied(), &data)
                .map_err(|e| undecodable("VoteCastWithParams", e))?;
            set("voter", e.voter.to_string());
            set("proposalId", e.proposalId.to_string());
            set("support", e.support.to_string());
            set("votes", e.weight.to_string());
            set("reason", e.reason);
            set("params", e.params.to_string());
            "VoteCastWithParams"
        }
        abi::ProposalQueued::SIGNATURE_HASH => {
            let e = abi::ProposalQueued::decode_raw_log(topics.iter().copied(), &data)
                .map_err(|e| undecodable("ProposalQueued", e))?;
            set("id", e.id.to_string());
            set("eta", e.eta.to_string());
            "ProposalQueued"
        }
        abi::ProposalExecuted::SIGNATURE_HASH => {
            let e = abi::ProposalExecuted::decode_raw_log(topics.iter().copied(), &data)
                .map_err(|e| undecodable("ProposalExecuted", e))?;
            set("id", e.id.to_string());
            "ProposalExecuted"
        }
        abi::ProposalCanceled::SIGNATURE_HASH => {
            let e = abi::ProposalCanceled::decode_raw_log(topics.iter().copied(), &data)
                .map_err(|e| undecodable("ProposalCanceled", e))?;
            set("id", e.id.to_string());
            "ProposalCanceled"
        }
        abi::DelegateChanged::SIGNATURE_HASH => {
            let e = abi::DelegateChanged::decode_raw_log(topics.iter().copied(), &data)
                .map_err(|e| undecodable("DelegateChanged", e))?;
            set("delegator", e.delegator.to_string());
            set("fromDelegate", e.fromDelegate.to_string());
            set("toDelegate", e.toDelegate.to_string());
            "DelegateChanged"
        }
        abi::DelegateVotesChanged::SIGNATURE_HASH => {
            let e = abi::DelegateVotesChanged::decode_raw_log(topics.iter().copied(), &data)
                .map_err(|e| undecodable("DelegateVotesChanged", e))?;
            set("delegate", e.delegate.to_string());
            set("previousBalance", e.previousBalance.to_string());
            set("newBalance", e.newBalance.to_string());
            "DelegateVotesChanged"
        }
        _ => return Ok(None),
    };
    set("event_name", event.into());
    set("block_number", block.to_string());
    set("txhash", log.transaction_hash.clone());
    set("log_index", index.to_string());
    if let Some(ts) = &log.block_timestamp {
        let secs =
            quantity(ts).ok_or_else(|| bad("blockTimestamp", format!("{ts:?} is not a time")))?;
        set("timestamp", iso_utc(secs));
    }
    set("contract_address", address.to_string());
    Ok(Some(((block, index), row)))
}

fn rows_csv(rows: &Rows) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| Error::invalid(format!("writing events.csv: {e}"));
    w.write_record(COLUMNS).map_err(err)?;
    for row in rows.values() {
        w.write_record(row).map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| Error::invalid(format!("writing events.csv: {e}")))
}

/// The rows of an `events.csv` an earlier run wrote, keyed by (block, log
/// index); its contracts must be among `contracts`.
fn read_rows(path: &Path, contracts: &[Address]) -> Result<Rows> {
    let mut rows = Rows::new();
    let Some(text) = crate::io::read_optional_text(path, crate::io::MAX_JSON_BYTES, "CSV")? else {
        return Ok(rows);
    };
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| Error::input(Location::line(path, 1), e.to_string()))?
        .clone();
    if header.iter().ne(COLUMNS) {
        return Err(Error::input(
            Location::line(path, 1),
            "not an events.csv written by `govkit fetch governor` (other columns): \
             choose another --out folder",
        ));
    }
    let at = |name: &str| COLUMNS.iter().position(|c| *c == name).expect("known");
    for (n, record) in reader.records().enumerate() {
        let line = n as u64 + 2;
        let record = record.map_err(|e| Error::input(Location::line(path, line), e.to_string()))?;
        let number = |col: &str| -> Result<u64> {
            record[at(col)].parse().map_err(|_| {
                Error::input(
                    Location::line(path, line).with_field(col),
                    format!(
                        "{:?} is not a number",
                        crate::error::shown(&record[at(col)])
                    ),
                )
            })
        };
        let key = (number("block_number")?, number("log_index")?);
        let contract = record[at("contract_address")].parse::<Address>().ok();
        if !contract.is_some_and(|c| contracts.contains(&c)) {
            return Err(Error::input(
                Location::line(path, line).with_field("contract_address"),
                "an event of another contract: this folder holds another fetch; choose \
                 another --out folder",
            ));
        }
        rows.insert(key, record.iter().map(str::to_string).collect());
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_that_ask_for_less() {
        for e in [
            r#"{"code":-32005,"message":"query returned more than 10000 results"}"#,
            r#"{"code":-32602,"message":"Log response size exceeded."}"#,
            r#"{"code":-32000,"message":"block range is too wide"}"#,
        ] {
            assert!(is_too_large(e), "{e}");
        }
        assert!(!is_too_large(
            r#"{"code":-32601,"message":"method not found"}"#
        ));
    }

    #[test]
    fn event_signatures_are_the_contracts() {
        // keccak256("VoteCast(address,uint256,uint8,uint256,string)") as
        // on Etherscan for Compound Governor Bravo.
        assert_eq!(
            abi::VoteCast::SIGNATURE_HASH.to_string(),
            "0xb8e138887d0aa13bab447e82de9d5c1777041ecd21ca36ba824ff1e6c07ddda4"
        );
        assert_eq!(
            abi::alpha::VoteCast::SIGNATURE,
            "VoteCast(address,uint256,bool,uint256)"
        );
    }
}
