//! Every vote source goes through one trait, so `compare --all` works over
//! each format. The Decentraland export in ../shared is rewritten here as
//! a Snapshot hub JSON vote list (numbers kept as their text) and both
//! files must give the same comparisons, proposal by proposal.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use govkit::batch::compare_all;
use govkit::compare::Variant;
use govkit::io::VoteFormat;
use govkit::Proposal;

const TEMPLATE: &str = r#"
id = "decentraland"
ballot = "single-choice"
choices = ["yes", "no", "abstain"]
decimals = 18

[votes]
path = "VOTES"
format = "FORMAT"
[votes.columns]
voter = "Member"
choice = "Choice"
weight = "VP"
proposal = "Proposal ID"
created = "Created"

[rules]
for_choice = "yes"
against_choice = "no"
abstain_choice = "abstain"
quorum_counts = ["yes"]
pass = "majority"

[batch]
metadata = "PROPOSALS"
id_column = "Snapshot ID"
quorum_column = "Threshold"
status_column = "Status"
passed = ["passed", "enacted"]
defeated = ["rejected"]
"#;

fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

#[test]
fn compare_all_reads_snapshot_json_as_it_reads_the_csv_export() {
    let votes_csv = common::shared("data/decentraland/votes.csv");
    let proposals_csv = common::shared("data/decentraland/proposals.csv");
    // Keep the proposals whose every vote is yes/no/abstain, so that the
    // JSON choice numbers (1-based in the template's choices) are exact.
    let mut reader = csv::Reader::from_path(&votes_csv).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let names = ["yes", "no", "abstain"];
    let mut mixed: BTreeSet<String> = BTreeSet::new();
    for r in &rows {
        if !names.contains(&&r[5]) {
            mixed.insert(r[1].to_string());
        }
    }
    let mut json = String::from("[\n");
    let mut kept: BTreeMap<String, usize> = BTreeMap::new();
    for r in rows.iter().filter(|r| !mixed.contains(&r[1])) {
        let choice = names.iter().position(|n| *n == &r[5]).unwrap() + 1;
        if !json.ends_with("[\n") {
            json.push_str(",\n");
        }
        write!(
            json,
            r#"{{"voter": {}, "choice": {choice}, "vp": {}, "created": {}, "proposal": {{"id": {}}}}}"#,
            json_string(&r[0]),
            &r[6],
            json_string(&r[2]),
            json_string(&r[1]),
        )
        .unwrap();
        *kept.entry(r[1].to_string()).or_default() += 1;
    }
    json.push_str("\n]\n");
    assert!(kept.len() > 500, "{} proposals kept", kept.len());

    let dir = tempfile::tempdir().unwrap();
    let json_path = dir.path().join("votes.json");
    std::fs::write(&json_path, json).unwrap();
    let write = |name: &str, votes: &std::path::Path, format: &str| {
        let path = dir.path().join(name);
        let text = TEMPLATE
            .replace("VOTES", &votes.display().to_string())
            .replace("FORMAT", format)
            .replace("PROPOSALS", &proposals_csv.display().to_string());
        std::fs::write(&path, text).unwrap();
        Proposal::load(&path).unwrap()
    };
    let from_csv = write("csv.toml", &votes_csv, "csv");
    let from_json = write("json.toml", &json_path, "snapshot-json");
    assert_eq!(
        VoteFormat::detect(&json_path).unwrap(),
        VoteFormat::SnapshotJson
    );
    assert_eq!(VoteFormat::detect(&votes_csv).unwrap(), VoteFormat::Csv);

    let variants = Variant::defaults(18);
    let csv_batch = compare_all(&from_csv, &variants, &[], 1, &mut |_, _| {}).unwrap();
    let json_batch = compare_all(&from_json, &variants, &[], 1, &mut |_, _| {}).unwrap();

    // Every JSON proposal is accounted for, compared or skipped.
    assert_eq!(
        json_batch.comparisons.len() + json_batch.skipped.len(),
        kept.len()
    );
    let by_id: BTreeMap<&str, _> = csv_batch
        .comparisons
        .iter()
        .map(|c| (c.id.as_str(), c))
        .collect();
    assert!(json_batch.comparisons.len() > 400);
    for c in &json_batch.comparisons {
        let twin = by_id[c.id.as_str()];
        assert_eq!(c.rows, twin.rows, "proposal {}", c.id);
        assert_eq!(
            c.official_outcome, twin.official_outcome,
            "proposal {}",
            c.id
        );
    }
}

#[test]
fn governor_logs_are_detected_from_their_header() {
    let log = common::shared("data/governor-events/compound_governor_bravo.csv");
    assert_eq!(
        VoteFormat::detect(&log).unwrap(),
        VoteFormat::GovernorEvents
    );
}
