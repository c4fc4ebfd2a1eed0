//! The batch table names the proposals whose outcome changes (per
//! mechanism and per scenario) with their titles, which come from the
//! source: a governor log's description (first line), checked here against
//! the raw CSV.

mod common;

use assert_cmd::Command;
use serde_json::Value;

fn run(args: &[&str]) -> String {
    let out = Command::cargo_bin("govkit")
        .unwrap()
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).unwrap()
}

#[test]
fn whales_abstaining_lists_the_changed_bravo_proposals_with_titles() {
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/proposals/headline/compound-bravo.toml"
    );
    let args = ["compare", "--all", file, "--scenario", "whales-abstain:1"];
    let json: Value =
        serde_json::from_str(&run(&[&args[..], &["--format", "json"]].concat())).unwrap();
    // The proposals whose token-weighted outcome the scenario changes,
    // from the per-proposal results.
    let changed: Vec<&str> = json["proposals"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["scenarios"][0]["mechanisms"][0]["changed"] == Value::Bool(true))
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert!(!changed.is_empty());
    let table = run(&args);
    let line = table
        .lines()
        .find(|l| {
            l.trim_start().starts_with("whales-abstain:1 changes")
                && l.contains("under token-weighted")
        })
        .unwrap_or_else(|| panic!("no changes line in:\n{table}"));
    assert!(
        line.contains(&format!("changes {} under", changed.len())),
        "{line}"
    );
    // The first listed proposal, with the first line of its description in
    // the log.
    let first = changed[0];
    let log = common::shared("data/governor-events/compound_governor_bravo.csv");
    let mut reader = csv::Reader::from_path(log).unwrap();
    let h = reader.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|x| x == n).unwrap();
    let (event, id, description) = (col("event_name"), col("id"), col("description"));
    let title = reader
        .records()
        .map(|r| r.unwrap())
        .find(|r| &r[event] == "ProposalCreated" && r[id].trim_end_matches(".0") == first)
        .map(|r| {
            r[description]
                .lines()
                .map(|l| l.trim().trim_start_matches('#').trim())
                .find(|l| !l.is_empty())
                .unwrap()
                .to_string()
        })
        .unwrap();
    assert!(line.contains(&format!("{first} ({title})")), "{line}");
}
