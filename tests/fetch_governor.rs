//! `govkit fetch governor` against a local JSON-RPC node (no network).
//!
//! The node serves the real Compound Governor Bravo log of ../shared as
//! raw `eth_getLogs` logs: each CSV row is ABI-encoded here with alloy's
//! `sol!` types (declared in this file, independently of the fetcher's),
//! topics and data as a node returns them. The fetcher must decode them
//! back to the same rows, and `compare --all` on what it wrote must give
//! all 83 decided proposals their official outcome, as on the original.

#![cfg(feature = "fetch")]

mod common;
mod fetch_server;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use alloy_primitives::{Address, Bytes, U256};
use alloy_sol_types::{sol, SolEvent};
use fetch_server::{partial_files, quick_retry, TestServer};
use govkit::batch::compare_all;
use govkit::compare::Variant;
use govkit::fetch::governor::{fetch, GovernorRequest};
use govkit::{OfficialStatus, Outcome, Proposal, Registry};
use serde_json::{json, Value};

sol! {
    event ProposalCreated(uint256 id, address proposer, address[] targets, uint256[] values, string[] signatures, bytes[] calldatas, uint256 startBlock, uint256 endBlock, string description);
    event VoteCast(address indexed voter, uint256 proposalId, uint8 support, uint256 votes, string reason);
    event ProposalQueued(uint256 id, uint256 eta);
    event ProposalExecuted(uint256 id);
    event ProposalCanceled(uint256 id);
    event DelegateChanged(address indexed delegator, address indexed fromDelegate, address indexed toDelegate);
    event DelegateVotesChanged(address indexed delegate, uint256 previousBalance, uint256 newBalance);
}

/// Compound Governor Alpha's VoteCast: bool support, nothing indexed.
mod alpha {
    alloy_sol_types::sol! {
        event VoteCast(address voter, uint256 proposalId, bool support, uint256 votes);
    }
}

const BRAVO: &str = "data/governor-events/compound_governor_bravo.csv";
const GOVERNOR: &str = "0xc0Da02939E1441F497fd74F78cE7Decb17B66529";
const ALPHA: &str = "data/governor-events/compound_governor_alpha.csv";
const ALPHA_GOVERNOR: &str = "0xc0dA01a04C3f3E0be433606045bB7017A7323E38";

/// `43.0` -> `43`: how pandas wrote integer columns.
fn int(s: &str) -> String {
    s.strip_suffix(".0").unwrap_or(s).to_string()
}

fn u256(s: &str) -> U256 {
    int(s).parse().unwrap()
}

/// A Python list repr `['a', 'b']` (or `[1, 2]`) as its items.
fn py_list(s: &str) -> Vec<String> {
    let inner = s.trim().trim_start_matches('[').trim_end_matches(']');
    if inner.is_empty() {
        return vec![];
    }
    let sep = if inner.starts_with('\'') {
        "', '"
    } else {
        ", "
    };
    inner
        .split(sep)
        .map(|x| x.trim_matches('\'').to_string())
        .collect()
}

/// The original CSV rows of the events the fetcher asks for, by column name.
fn original_rows() -> Vec<BTreeMap<String, String>> {
    original_rows_of(BRAVO)
}

fn original_rows_of(file: &str) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(common::shared(file)).unwrap();
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect::<BTreeMap<_, _>>()
        })
        .filter(|r| {
            matches!(
                r["event_name"].as_str(),
                "ProposalCreated"
                    | "VoteCast"
                    | "ProposalQueued"
                    | "ProposalExecuted"
                    | "ProposalCanceled"
            )
        })
        .collect()
}

/// One row as a node's log object.
fn encode(r: &BTreeMap<String, String>) -> (u64, Value) {
    let log = match r["event_name"].as_str() {
        "ProposalCreated" => {
            let targets: Vec<Address> = py_list(&r["targets"])
                .iter()
                .map(|t| t.parse().unwrap())
                .collect();
            let n = targets.len();
            ProposalCreated {
                id: u256(&r["id"]),
                proposer: r["proposer"].parse().unwrap(),
                calldatas: vec![Bytes::new(); targets.len()],
                targets,
                // Governor Alpha's export has no values column.
                values: match r.get("values") {
                    Some(v) => py_list(v).iter().map(|v| u256(v)).collect(),
                    None => vec![U256::ZERO; n],
                },
                signatures: py_list(&r["signatures"]),
                startBlock: u256(&r["startBlock"]),
                endBlock: u256(&r["endBlock"]),
                description: r["description"].clone(),
            }
            .encode_log_data()
        }
        "VoteCast" if ["True", "False"].contains(&r["support"].as_str()) => alpha::VoteCast {
            voter: r["voter"].parse().unwrap(),
            proposalId: u256(&r["proposalId"]),
            support: r["support"] == "True",
            votes: r["votes"].parse().unwrap(),
        }
        .encode_log_data(),
        "VoteCast" => VoteCast {
            voter: r["voter"].parse().unwrap(),
            proposalId: u256(&r["proposalId"]),
            support: int(&r["support"]).parse().unwrap(),
            votes: r["votes"].parse().unwrap(),
            reason: r["reason"].clone(),
        }
        .encode_log_data(),
        "ProposalQueued" => ProposalQueued {
            id: u256(&r["id"]),
            eta: u256(&r["eta"]),
        }
        .encode_log_data(),
        "ProposalExecuted" => ProposalExecuted { id: u256(&r["id"]) }.encode_log_data(),
        _ => ProposalCanceled { id: u256(&r["id"]) }.encode_log_data(),
    };
    let block: u64 = r["block_number"].parse().unwrap();
    let time = govkit::fetch::parse_date(&r["timestamp"]).unwrap();
    let value = json!({
        "address": r["contract_address"].to_lowercase(),
        "topics": log.topics().iter().map(|t| t.to_string()).collect::<Vec<_>>(),
        "data": alloy_primitives::hex::encode_prefixed(&log.data),
        "blockNumber": format!("{block:#x}"),
        "transactionHash": r["txhash"],
        "transactionIndex": "0x0",
        "blockHash": format!("0x{:064x}", block),
        "logIndex": format!("{:#x}", r["log_index"].parse::<u64>().unwrap()),
        "blockTimestamp": format!("{time:#x}"),
        "removed": false,
    });
    (block, value)
}

/// A node holding `logs` (by block): `eth_getLogs` refuses a query with
/// more than `cap` results, as Infura does; `eth_blockNumber` is the last
/// block with a log.
struct Node {
    logs: Vec<(u64, Value)>,
    cap: usize,
}

impl Node {
    fn answer(&self, body: &str) -> (u16, String) {
        let req: Value = serde_json::from_str(body).unwrap();
        let id = req["id"].clone();
        let ok = |result: Value| {
            (
                200,
                json!({"jsonrpc": "2.0", "id": id, "result": result}).to_string(),
            )
        };
        match req["method"].as_str().unwrap() {
            "eth_blockNumber" => ok(json!(format!("{:#x}", self.logs.last().unwrap().0))),
            "eth_getLogs" => {
                let f = &req["params"][0];
                let block = |k: &str| {
                    u64::from_str_radix(f[k].as_str().unwrap().trim_start_matches("0x"), 16)
                        .unwrap()
                };
                let (from, to) = (block("fromBlock"), block("toBlock"));
                let addresses: Vec<String> = f["address"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| a.as_str().unwrap().to_lowercase())
                    .collect();
                let topics: Vec<&str> = f["topics"][0]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|t| t.as_str().unwrap())
                    .collect();
                let hits: Vec<&Value> = self
                    .logs
                    .iter()
                    .filter(|(b, l)| {
                        *b >= from
                            && *b <= to
                            && addresses.contains(&l["address"].as_str().unwrap().to_string())
                            && topics.contains(&l["topics"][0].as_str().unwrap())
                    })
                    .map(|(_, l)| l)
                    .collect();
                if hits.len() > self.cap {
                    return (200, json!({"jsonrpc": "2.0", "id": id, "error": {
                        "code": -32005, "message": format!("query returned more than {} results", self.cap)}})
                        .to_string());
                }
                ok(json!(hits))
            }
            other => panic!("unexpected method {other}"),
        }
    }
}

fn node() -> Arc<Node> {
    node_of(BRAVO)
}

fn node_of(file: &str) -> Arc<Node> {
    let mut logs: Vec<(u64, Value)> = original_rows_of(file).iter().map(encode).collect();
    // A node answers in chain order.
    logs.sort_by_key(|(b, l)| {
        let index = l["logIndex"].as_str().unwrap().trim_start_matches("0x");
        (*b, u64::from_str_radix(index, 16).unwrap())
    });
    Arc::new(Node { logs, cap: 2000 })
}

fn request(url: &str, out: &Path) -> GovernorRequest {
    let mut r = GovernorRequest::new(url, GOVERNOR, 12_000_000, out);
    r.to_block = Some(16_300_000);
    r.max_range = 10_000_000;
    r.retry = quick_retry();
    r.checkpoint_every = Duration::ZERO;
    r
}

/// The fetched CSV's rows by column name.
fn fetched_rows(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn compare_all_of(votes: &Path) -> govkit::batch::Batch {
    compare_all_with(votes, "400000")
}

fn compare_all_with(votes: &Path, quorum: &str) -> govkit::batch::Batch {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bravo.toml");
    std::fs::write(
        &path,
        format!(
            "id = \"bravo\"\nballot = \"basic\"\ndecimals = 18\n[votes]\npath = {:?}\nformat = \"governor-events\"\n\
             [rules]\nquorum = \"{quorum}\"\nquorum_counts = [\"For\"]\npass = \"majority\"\n",
            votes.display().to_string()
        ),
    )
    .unwrap();
    let template = Proposal::load(&path).unwrap();
    let variants = vec![Variant::parse("token-weighted", 18, &Registry::builtin()).unwrap()];
    compare_all(&template, &variants, &[], 1, &mut |_, _| {}).unwrap()
}

#[test]
fn bravo_logs_decode_back_to_the_original_rows_and_outcomes() {
    let node = node();
    let n = node.clone();
    let server = TestServer::start(move |_, body| n.answer(body));
    let out = tempfile::tempdir().unwrap();
    let got = fetch(&request(&server.url, out.path()), &mut |_| {}).unwrap();
    // Without --to-block the node's latest block is the end.
    let latest_dir = tempfile::tempdir().unwrap();
    let mut latest = request(&server.url, latest_dir.path());
    latest.from_block = 16_000_000;
    latest.to_block = None;
    let last_block = original_rows()
        .iter()
        .map(|r| r["block_number"].parse::<u64>().unwrap())
        .max();
    assert_eq!(
        Some(fetch(&latest, &mut |_| {}).unwrap().to_block),
        last_block
    );
    // 9,931 events in one range: refused (cap 2000) and split until each
    // piece has at most 2000.
    assert!(got.splits >= 3, "{got:?}");
    // The export is not in chain order; the fetcher writes chain order.
    let mut original = original_rows();
    original.sort_by_key(|r| {
        let n = |c: &str| r[c].parse::<u64>().unwrap();
        (n("block_number"), n("log_index"))
    });
    let fetched = fetched_rows(&got.path);
    assert_eq!(fetched.len(), original.len());
    assert_eq!(got.rows, original.len());
    for (o, f) in original.iter().zip(&fetched) {
        let here = format!(
            "{} block {} log {}",
            o["event_name"], o["block_number"], o["log_index"]
        );
        for col in [
            "event_name",
            "block_number",
            "txhash",
            "log_index",
            "timestamp",
            "proposer",
            "description",
            "voter",
            "votes",
            "reason",
            "contract_address",
        ] {
            assert_eq!(f[col], o[col], "{here}: {col}");
        }
        for col in [
            "id",
            "startBlock",
            "endBlock",
            "proposalId",
            "support",
            "eta",
        ] {
            assert_eq!(f[col], int(&o[col]), "{here}: {col}");
        }
        if o["event_name"] == "ProposalCreated" {
            let targets: Vec<String> = serde_json::from_str(&f["targets"]).unwrap();
            assert_eq!(targets, py_list(&o["targets"]), "{here}");
            let signatures: Vec<String> = serde_json::from_str(&f["signatures"]).unwrap();
            assert_eq!(signatures, py_list(&o["signatures"]), "{here}");
        }
    }

    // compare --all on the fetched log: every decided proposal gets its
    // official outcome, exactly as on the original file.
    let from_fetch = compare_all_of(&got.path);
    let from_original = compare_all_of(&common::shared(BRAVO));
    assert_eq!(from_fetch.comparisons.len(), 83);
    assert_eq!(from_fetch.skipped.len(), 16);
    for (a, b) in from_fetch
        .comparisons
        .iter()
        .zip(&from_original.comparisons)
    {
        assert_eq!(a.id, b.id);
        assert_eq!(a.rows, b.rows, "proposal {}", a.id);
        assert_eq!(a.official_outcome, b.official_outcome, "proposal {}", a.id);
        let official = match a.official_outcome.unwrap() {
            OfficialStatus::Passed => Outcome::Passed,
            _ => Outcome::Rejected,
        };
        assert_eq!(a.rows[0].outcome, official, "proposal {}", a.id);
    }

    // A rerun with nothing new asks nothing and leaves the bytes alone.
    let before = std::fs::read(&got.path).unwrap();
    let again = fetch(&request(&server.url, out.path()), &mut |_| {}).unwrap();
    assert!(again.resumed);
    assert_eq!((again.new_rows, again.requests), (0, 0));
    assert_eq!(std::fs::read(&got.path).unwrap(), before);
    assert!(partial_files(out.path()).is_empty());
}

#[test]
fn a_429_then_success_and_an_interrupted_run_resumes() {
    let node = node();
    // The uninterrupted result, for comparison.
    let n = node.clone();
    let healthy = TestServer::start(move |_, body| n.answer(body));
    let whole = tempfile::tempdir().unwrap();
    let mut req = request(&healthy.url, whole.path());
    req.max_range = 200_000;
    let full = fetch(&req, &mut |_| {}).unwrap();
    let want = std::fs::read(&full.path).unwrap();

    // First answer 429, then the node works for 6 more requests and then
    // fails for good (HTTP 503): the run stops with an error.
    let n = node.clone();
    let flaky = TestServer::start(move |i, body| match i {
        0 => (429, "{\"error\": \"rate limited\"}".into()),
        1..=6 => n.answer(body),
        _ => (503, "unavailable".into()),
    });
    let out = tempfile::tempdir().unwrap();
    let mut req = request(&flaky.url, out.path());
    req.max_range = 200_000;
    let err = fetch(&req, &mut |_| {}).unwrap_err().to_string();
    assert!(
        err.contains("HTTP 503") && err.contains("gave up after 3 attempts"),
        "{err}"
    );
    assert!(err.contains("eth_getLogs blocks"), "{err}");
    // Written so far: whole ranges, a complete CSV, no partial file.
    let partial = fetched_rows(&out.path().join("events.csv"));
    assert!(
        !partial.is_empty() && partial.len() < full.rows,
        "{}",
        partial.len()
    );
    assert!(partial_files(out.path()).is_empty());
    let last: u64 = partial.last().unwrap()["block_number"].parse().unwrap();

    // The rerun starts after the last block written.
    let first_from = Arc::new(AtomicUsize::new(usize::MAX));
    let (n, seen) = (node.clone(), first_from.clone());
    let resumed_server = TestServer::start(move |_, body| {
        let v: Value = serde_json::from_str(body).unwrap();
        if v["method"] == "eth_getLogs" {
            let from = v["params"][0]["fromBlock"]
                .as_str()
                .unwrap()
                .trim_start_matches("0x");
            let from = usize::from_str_radix(from, 16).unwrap();
            let _ = seen.compare_exchange(usize::MAX, from, Ordering::SeqCst, Ordering::SeqCst);
        }
        n.answer(body)
    });
    let mut req = request(&resumed_server.url, out.path());
    req.max_range = 200_000;
    let resumed = fetch(&req, &mut |_| {}).unwrap();
    assert!(resumed.resumed);
    assert!(
        resumed.started_at > last,
        "{} <= {last}",
        resumed.started_at
    );
    assert_eq!(first_from.load(Ordering::SeqCst) as u64, resumed.started_at);
    assert_eq!(
        std::fs::read(&resumed.path).unwrap(),
        want,
        "byte-identical to one run"
    );
}

#[test]
fn a_malformed_log_is_a_clear_error_and_nothing_is_half_written() {
    let node = node();
    let n = node.clone();
    let server = TestServer::start(move |_, body| {
        let (status, text) = n.answer(body);
        let mut v: Value = serde_json::from_str(&text).unwrap();
        if let Some(list) = v["result"].as_array_mut() {
            if let Some(i) = list
                .iter()
                .position(|l| l["data"].as_str().unwrap().len() > 600)
            {
                // Cut a log's data short: the ABI decoder must refuse it.
                let data = list[i]["data"].as_str().unwrap()[..130].to_string();
                list[i]["data"] = json!(data);
            }
        }
        (status, v.to_string())
    });
    let out = tempfile::tempdir().unwrap();
    let err = fetch(&request(&server.url, out.path()), &mut |_| {})
        .unwrap_err()
        .to_string();
    assert!(err.contains("field 'result["), "{err}");
    assert!(err.contains(".data'"), "{err}");
    assert!(err.contains("does not decode"), "{err}");
    assert!(err.contains("http://127.0.0.1:"), "{err}");
    assert!(!out.path().join("events.csv").exists());
    assert!(partial_files(out.path()).is_empty());
}

#[test]
fn the_cli_reads_the_rpc_url_from_the_environment_and_never_prints_its_key() {
    let node = node();
    let n = node.clone();
    let server = TestServer::start(move |_, body| n.answer(body));
    let url = format!("{}v2/SECRETKEY", server.url);
    let out = tempfile::tempdir().unwrap();
    // Proposal 43's whole life: created at 12235671, executed at 12266840.
    let run = assert_cmd::Command::cargo_bin("govkit")
        .unwrap()
        .env("NODE_URL", &url)
        .args([
            "fetch",
            "governor",
            "--rpc-env",
            "NODE_URL",
            "--governor",
            GOVERNOR,
        ])
        .args([
            "--from-block",
            "12235000",
            "--to-block",
            "12270000",
            "--out",
        ])
        .arg(out.path())
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&run.get_output().stdout).to_string();
    let want = original_rows()
        .iter()
        .filter(|r| (12_235_000..=12_270_000).contains(&r["block_number"].parse::<u64>().unwrap()))
        .count();
    assert!(
        stdout.contains(&format!("events.csv: {want} rows ({want} new)")),
        "{stdout}"
    );

    // govkit evaluate on what was written: the bundled Compound 43 result.
    let proposal = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("proposals/compound-43.toml"),
    )
    .unwrap()
    .replace("data/compound-43-events.csv", "events.csv");
    std::fs::write(out.path().join("43.toml"), proposal).unwrap();
    let evaluate = assert_cmd::Command::cargo_bin("govkit")
        .unwrap()
        .args(["evaluate", "--format", "json"])
        .arg(out.path().join("43.toml"))
        .assert()
        .success();
    let report: Value = serde_json::from_slice(&evaluate.get_output().stdout).unwrap();
    assert_eq!(report["outcome"], "passed");
    assert_eq!(report["official_outcome"], "passed");
    assert_eq!(report["choices"][0]["power"], "1367841.964900760752685033");
    assert_eq!(report["votes"]["read"], 95);

    // A node that refuses everything: the error names the host, not the key.
    let refusing = TestServer::start(|_, _| (403, "{\"error\": \"forbidden\"}".into()));
    let out = tempfile::tempdir().unwrap();
    let fail = assert_cmd::Command::cargo_bin("govkit")
        .unwrap()
        .env("GOVKIT_RPC_URL", format!("{}v2/SECRETKEY", refusing.url))
        .args([
            "fetch",
            "governor",
            "--governor",
            GOVERNOR,
            "--from-block",
            "1",
            "--to-block",
            "2",
        ])
        .args(["--backoff-ms", "1", "--out"])
        .arg(out.path())
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&fail.get_output().stderr).to_string();
    assert!(
        stderr.contains("127.0.0.1") && stderr.contains("403"),
        "{stderr}"
    );
    assert!(!stderr.contains("SECRETKEY"), "{stderr}");
}

#[test]
fn governor_alpha_bool_support_decodes_and_decides_as_the_original() {
    let node = node_of(ALPHA);
    let n = node.clone();
    let server = TestServer::start(move |_, body| n.answer(body));
    let out = tempfile::tempdir().unwrap();
    let mut req = GovernorRequest::new(&server.url, ALPHA_GOVERNOR, 9_900_000, out.path());
    req.to_block = Some(12_200_000);
    req.retry = quick_retry();
    let got = fetch(&req, &mut |_| {}).unwrap();
    let original = original_rows_of(ALPHA);
    let fetched = fetched_rows(&got.path);
    assert_eq!(fetched.len(), original.len());
    let votes: Vec<(&str, &str, &str)> = fetched
        .iter()
        .filter(|r| r["event_name"] == "VoteCast")
        .map(|r| {
            (
                r["voter"].as_str(),
                r["support"].as_str(),
                r["votes"].as_str(),
            )
        })
        .collect();
    let mut want: Vec<(&str, &str, &str)> = original
        .iter()
        .filter(|r| r["event_name"] == "VoteCast")
        .map(|r| {
            (
                r["voter"].as_str(),
                r["support"].as_str(),
                r["votes"].as_str(),
            )
        })
        .collect();
    let mut have = votes.clone();
    want.sort();
    have.sort();
    assert_eq!(have, want, "True/False support as the export writes it");
    let from_fetch = compare_all_of(&got.path);
    let from_original = compare_all_of(&common::shared(ALPHA));
    // 40 decided proposals, 2 canceled (tests/governor_outcomes.rs).
    assert_eq!(from_fetch.comparisons.len(), 40);
    for (a, b) in from_fetch
        .comparisons
        .iter()
        .zip(&from_original.comparisons)
    {
        assert_eq!((&a.id, &a.rows), (&b.id, &b.rows));
        let official = match a.official_outcome.unwrap() {
            OfficialStatus::Passed => Outcome::Passed,
            _ => Outcome::Rejected,
        };
        assert_eq!(a.rows[0].outcome, official, "proposal {}", a.id);
    }
}

#[test]
fn token_delegations_are_written_as_the_delegation_reader_takes_them() {
    let token = "0xc00e94Cb662C3520282E6f5717214004A7f26888";
    let [a, b, c]: [Address; 3] = [
        "0x1111111111111111111111111111111111111111",
        "0x2222222222222222222222222222222222222222",
        "0x3333333333333333333333333333333333333333",
    ]
    .map(|x| x.parse().unwrap());
    let log = |block: u64, index: u64, data: alloy_primitives::LogData| {
        (
            block,
            json!({
                "address": token.to_lowercase(),
                "topics": data.topics().iter().map(|t| t.to_string()).collect::<Vec<_>>(),
                "data": alloy_primitives::hex::encode_prefixed(&data.data),
                "blockNumber": format!("{block:#x}"),
                "transactionHash": format!("0x{:064x}", block * 1000 + index),
                "logIndex": format!("{index:#x}"),
            }),
        )
    };
    // a delegates to b, then to c; b delegates to itself.
    let logs = vec![
        log(
            10,
            0,
            DelegateChanged {
                delegator: a,
                fromDelegate: Address::ZERO,
                toDelegate: b,
            }
            .encode_log_data(),
        ),
        log(
            10,
            1,
            DelegateVotesChanged {
                delegate: b,
                previousBalance: U256::ZERO,
                newBalance: U256::from(5u64),
            }
            .encode_log_data(),
        ),
        log(
            11,
            0,
            DelegateChanged {
                delegator: b,
                fromDelegate: Address::ZERO,
                toDelegate: b,
            }
            .encode_log_data(),
        ),
        log(
            12,
            3,
            DelegateChanged {
                delegator: a,
                fromDelegate: b,
                toDelegate: c,
            }
            .encode_log_data(),
        ),
    ];
    let node = Arc::new(Node { logs, cap: 10 });
    let n = node.clone();
    let server = TestServer::start(move |_, body| n.answer(body));
    let out = tempfile::tempdir().unwrap();
    let mut req = GovernorRequest::new(&server.url, GOVERNOR, 1, out.path());
    req.token = Some(token.into());
    req.to_block = Some(20);
    req.retry = quick_retry();
    let got = fetch(&req, &mut |_| {}).unwrap();
    assert_eq!(got.rows, 4);
    let rows = fetched_rows(&got.path);
    assert_eq!(rows[1]["event_name"], "DelegateVotesChanged");
    assert_eq!(
        (rows[1]["delegate"].as_str(), rows[1]["newBalance"].as_str()),
        (b.to_string().as_str(), "5")
    );
    let source = govkit::io::delegations::DelegationSource::new(&got.path);
    let delegations = govkit::io::delegations::read(&source).unwrap();
    let of = |x: Address| -> Vec<String> {
        delegations
            .of(&govkit::Voter::new(&x.to_string()))
            .iter()
            .map(|(d, _)| d.to_string())
            .collect()
    };
    assert_eq!(of(a), vec![c.to_string().to_lowercase()]);
    assert_eq!(of(b), vec![b.to_string().to_lowercase()]);
}
