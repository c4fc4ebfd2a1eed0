//! Aave governance v2 re-decided on its own log (../shared), every decided
//! proposal with its own executor's rule, three ways that must agree:
//! - the official outcome (queued or executed = passed), read here from the
//!   lifecycle events with the csv crate;
//! - the contract's arithmetic (`ProposalValidator.sol`, aave/governance-v2)
//!   written out in this test in plain u128 on For/Against sums computed
//!   here: `For > floor(S·q/10^4)` and `floor(For·10^4/S) >
//!   floor(Against·10^4/S) + d`, S = 16,000,000 AAVE;
//! - govkit: one `compare --all` batch with per-executor rule sets
//!   (`proposals/headline/aave-v2.toml`) and one `evaluate` per proposal.

mod common;

use std::collections::BTreeMap;

use govkit::batch::compare_all;
use govkit::compare::Variant;
use govkit::{Outcome, Proposal};

const SHORT: &str = "0xee56e2b3d491590b5b31738cc34d5232f378a8d5";
const LONG: &str = "0x61910ecd7e8e942136ce7fe7943f956cea1cc2f7";
const SUPPLY: u128 = 16_000_000 * 10u128.pow(18);

#[derive(Default)]
struct Facts {
    yes: u128,
    no: u128,
    executor: String,
    canceled: bool,
    passed: bool,
}

fn id(raw: &str) -> String {
    raw.trim().trim_end_matches(".0").to_string()
}

fn log() -> BTreeMap<String, Facts> {
    let path = common::shared("data/governor-events/aave_governance_v2.csv");
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (event, pid, support, power, executor) = (
        col("event_name"),
        col("id"),
        col("support"),
        col("votingPower"),
        col("executor"),
    );
    let mut facts: BTreeMap<String, Facts> = BTreeMap::new();
    for row in reader.records() {
        let row = row.unwrap();
        let f = || id(&row[pid]);
        match &row[event] {
            "VoteEmitted" => {
                let e = facts.entry(f()).or_default();
                let p: u128 = row[power].trim_end_matches(".0").parse().unwrap();
                if &row[support] == "True" {
                    e.yes += p;
                } else {
                    e.no += p;
                }
            }
            "ProposalCreated" => {
                facts.entry(f()).or_default().executor = row[executor].to_ascii_lowercase()
            }
            "ProposalCanceled" => facts.entry(f()).or_default().canceled = true,
            "ProposalQueued" | "ProposalExecuted" => facts.entry(f()).or_default().passed = true,
            _ => {}
        }
    }
    facts
}

/// The contract's rule in plain integers: (quorum bps, differential bps)
/// by executor, from the governance-v2 README.
fn contract_passes(f: &Facts) -> bool {
    let (quorum, differential) = match f.executor.as_str() {
        SHORT => (200, 50),
        LONG => (2000, 1500),
        other => panic!("unknown executor {other}"),
    };
    let quorum_ok = f.yes > SUPPLY * quorum / 10_000;
    let differential_ok = f.yes * 10_000 / SUPPLY > f.no * 10_000 / SUPPLY + differential;
    quorum_ok && differential_ok
}

#[test]
fn the_contract_rule_reproduces_every_decided_outcome() {
    let facts = log();
    assert_eq!(facts.len(), 130);
    let decided: Vec<_> = facts.values().filter(|f| !f.canceled).collect();
    assert_eq!(decided.len(), 124);
    for f in &decided {
        assert_eq!(contract_passes(f), f.passed);
    }
    // #46: For 340,578.82, Against 309,403.24 AAVE: 212 vs 193 basis
    // points, below the 0.5% differential; defeated on chain.
    let p46 = &facts["46"];
    assert_eq!(
        (p46.yes * 10_000 / SUPPLY, p46.no * 10_000 / SUPPLY),
        (212, 193)
    );
    assert!(!p46.passed && !contract_passes(p46));
}

#[test]
fn one_batch_decides_every_proposal_with_its_executors_rule() {
    let facts = log();
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("proposals/headline/aave-v2.toml");
    let template = Proposal::load(path).unwrap();
    let variants = Variant::defaults(18);
    let batch = compare_all(&template, &variants, &[], 1, &mut |_, _| {}).unwrap();
    assert_eq!(batch.comparisons.len(), 124);
    assert_eq!(batch.skipped.len(), 6);
    for s in &batch.skipped {
        assert!(facts[&s.id].canceled, "{}", s.id);
        assert_eq!(s.reason, "canceled: not decided by the vote");
    }
    for c in &batch.comparisons {
        let f = &facts[&c.id];
        let want = if f.passed {
            Outcome::Passed
        } else {
            Outcome::Rejected
        };
        assert_eq!(c.rows[0].outcome, want, "proposal {}", c.id);
        assert_eq!(contract_passes(f), f.passed);
    }
}

#[test]
fn single_evaluations_agree_and_say_why() {
    let facts = log();
    let votes = common::shared("data/governor-events/aave_governance_v2.csv");
    for (pid, f) in facts.iter().filter(|(_, f)| !f.canceled) {
        let (quorum, differential) = if f.executor == SHORT {
            ("2%", "0.5%")
        } else {
            ("20%", "15%")
        };
        let text = format!(
            "id = \"{pid}\"\nballot = \"basic\"\n[votes]\npath = {:?}\nformat = \"governor-events\"\n\
             proposal_id = \"{pid}\"\n[rules]\npass = \"aave-v2\"\nquorum = \"{quorum}\"\n\
             quorum_counts = [\"For\"]\nquorum_rounding = \"floor\"\n\
             vote_differential = \"{differential}\"\ntotal_supply = \"16000000\"\n",
            votes.display().to_string()
        );
        let r = Proposal::from_toml(std::path::Path::new("aave.toml"), &text)
            .unwrap()
            .evaluate()
            .unwrap();
        assert_eq!(r.outcome == Outcome::Passed, f.passed, "proposal {pid}");
        if pid == "46" {
            assert_eq!(
                r.reason,
                "margin 0.19% of supply (For 2.12% - Against 1.93%, in whole basis points), \
                 not above the 0.5% vote differential"
            );
            assert!(r.quorum.reached && r.quorum.strict);
            assert_eq!(r.quorum.required, "320000");
        }
    }
}

#[test]
fn one_proposal_of_the_batch_file_uses_its_executors_rule_and_title() {
    // `govkit evaluate proposals/headline/aave-v2.toml --proposal-id 46`:
    // the [batch.rules] set of #46's executor (short: 0.5%) decides it.
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("proposals/headline/aave-v2.toml");
    let r = Proposal::load(&path)
        .unwrap()
        .select("46")
        .evaluate()
        .unwrap();
    assert_eq!(r.id, "46");
    assert_eq!(r.outcome, Outcome::Rejected);
    assert!(r.reason.contains("0.5% vote differential"), "{}", r.reason);
    // Compound Bravo #63's title is the first non-empty line of the
    // description in its ProposalCreated row, read here from the log.
    let log = common::shared("data/governor-events/compound_governor_bravo.csv");
    let mut reader = csv::Reader::from_path(log).unwrap();
    let h = reader.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (event, pid, description) = (col("event_name"), col("id"), col("description"));
    let want = reader
        .records()
        .map(|r| r.unwrap())
        .find(|r| &r[event] == "ProposalCreated" && id(&r[pid]) == "63")
        .map(|r| {
            r[description]
                .lines()
                .map(|l| l.trim().trim_start_matches('#').trim())
                .find(|l| !l.is_empty())
                .unwrap()
                .to_string()
        })
        .unwrap();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("proposals/headline/compound-bravo.toml");
    let r = Proposal::load(&path)
        .unwrap()
        .select("63")
        .evaluate()
        .unwrap();
    assert_eq!(r.title.as_deref(), Some(want.as_str()));
}
