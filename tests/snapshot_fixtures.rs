//! Acceptance: snapshot.js's own fixtures reproduce their expected scores
//! and totals exactly. Expected numbers are those of
//! `../shared/docs/ANCHORS.md` (and the fixtures' own `scores` fields).

mod common;

use std::path::Path;

use govkit::{BallotKind, Choices, DecisionRules, Evaluation, Report, Score};
use num_rational::BigRational;

/// Token-weighted, plurality, balances in whole units: how snapshot.js
/// tallies its fixtures.
fn tally(read: govkit::io::snapshot_json::SnapshotVotes, ballot: BallotKind) -> Report {
    let ballot_type = ballot.ballot_type();
    let mechanism = govkit::TokenWeighted;
    Evaluation::new(
        "fixture",
        Choices::new(read.choices.unwrap()).unwrap(),
        ballot_type.as_ref(),
        &mechanism,
        DecisionRules::plurality(),
        0,
    )
    .run(&read.votes, None)
    .unwrap()
}

fn read_fixture(fixture: &str) -> govkit::io::snapshot_json::SnapshotVotes {
    let path = common::shared(&format!("vectors/snapshot/{fixture}"));
    govkit::io::snapshot_json::read(&path, 0, None).unwrap()
}

/// A fixture's report and its own integer `scores` field.
fn evaluate(fixture: &str, ballot: BallotKind) -> (Report, Vec<u64>) {
    let path = common::shared(&format!("vectors/snapshot/{fixture}"));
    let raw: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let fixture_scores = raw["scores"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_u64().unwrap())
        .collect();
    (tally(read_fixture(fixture), ballot), fixture_scores)
}

fn integers(scores: &[Score]) -> Vec<BigRational> {
    scores.iter().map(|s| s.as_rational().clone()).collect()
}

fn ints(v: &[i64]) -> Vec<BigRational> {
    v.iter()
        .map(|&n| BigRational::from_integer(n.into()))
        .collect()
}

#[test]
fn single_choice_fixture() {
    let (report, fixture) = evaluate("singleChoice.json", BallotKind::SingleChoice);
    assert_eq!(integers(&report.tally.scores), ints(&[586, 74, 59, 40]));
    assert_eq!(fixture, vec![586, 74, 59, 40]);
    assert_eq!(report.cast_power, "759"); // scoresTotal
    assert_eq!(report.votes.read, 759);
}

#[test]
fn approval_fixture() {
    let (report, fixture) = evaluate("approval.json", BallotKind::Approval);
    assert_eq!(integers(&report.tally.scores), ints(&[257, 171, 139, 125]));
    assert_eq!(fixture, vec![257, 171, 139, 125]);
    assert_eq!(report.cast_power, "406"); // scoresTotal
}

#[test]
fn invalid_snapshot_ballots_are_counted_not_scored() {
    // Hand-made: approval with a duplicate, an out-of-range choice, a bare
    // number (wrong shape) and a string; single valid ballot [1, 2] with vp 2.
    let text = r#"{"proposal": {"choices": ["a", "b"]}, "votes": [
        {"choice": [1, 2], "balance": 2},
        {"choice": [1, 1], "balance": 1},
        {"choice": [3], "balance": 1},
        {"choice": 1, "balance": 1},
        {"choice": "x", "balance": 1}
    ]}"#;
    let read = govkit::io::snapshot_json::parse(Path::new("t.json"), text, 0, None).unwrap();
    let report = tally(read, BallotKind::Approval);
    assert_eq!(integers(&report.tally.scores), ints(&[2, 2]));
    assert_eq!(report.votes.counted, 1);
    assert_eq!(report.votes.invalid, 4);
    let reasons: Vec<(&str, u64)> = report
        .votes
        .invalid_reasons
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    assert_eq!(
        reasons,
        vec![
            ("duplicate-choice", 1),
            ("out-of-range", 1),
            ("unreadable", 1),
            ("wrong-shape", 1)
        ]
    );
    // Snapshot's scoresTotal counts invalid ballots too.
    assert_eq!(report.cast_power, "6");
    assert_eq!(report.counted_power, "2");
}

#[test]
fn fractional_scores_come_with_a_rounded_decimal() {
    // snapshot.js quadratic fixture: expected 284.8896779654694 for the
    // first choice (ANCHORS.md). The exact score is a long fraction; the
    // report adds an 18-decimal rounding for reading.
    let report = tally(read_fixture("quadratic.json"), BallotKind::Quadratic);
    let first = &report.choices[0];
    assert!(first.power.to_string().contains('/'), "{}", first.power);
    let approx: f64 = first.power.approx().as_ref().unwrap().parse().unwrap();
    assert!((approx - 284.8896779654694).abs() < 1e-9, "{approx}");
    // Integer scores need no rounding.
    let (r, _) = evaluate("singleChoice.json", BallotKind::SingleChoice);
    assert!(r.choices.iter().all(|c| c.power.approx().is_none()));
}
