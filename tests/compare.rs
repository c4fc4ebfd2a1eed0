//! `govkit compare`: a hand-checkable DAO (tests/data/compare), the real
//! Compound log, scenarios, stable JSON and the HTML report in Chromium.

use std::path::{Path, PathBuf};
use std::process::Command as Process;

mod common;

use assert_cmd::Command;
use serde_json::Value;

fn toy() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/compare/proposal.toml")
}

fn govkit(args: &[&str]) -> Vec<u8> {
    Command::cargo_bin("govkit")
        .unwrap()
        .args(args)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone()
}

fn compare_json(extra: &[&str]) -> Value {
    let toy = toy();
    let mut args = vec!["compare", toy.to_str().unwrap(), "--format", "json"];
    args.extend_from_slice(extra);
    serde_json::from_slice(&govkit(&args)).unwrap()
}

#[test]
fn mechanisms_side_by_side_match_the_hand_calculation() {
    // See tests/data/compare/proposal.toml for the arithmetic.
    let c = compare_json(&["--mechanisms", "token-weighted,quadratic,capped:40%"]);
    let rows = c["rows"].as_array().unwrap();
    let get = |i: usize, key: &str| rows[i][key].clone();
    assert_eq!(get(0, "outcome"), "passed");
    assert_eq!(get(0, "margin"), "15");
    assert_eq!(get(0, "deciders"), 1); // A alone switching flips it
    assert_eq!(get(0, "nakamoto"), 1); // 100 of 185 > 1/2
                                       // Gini of [100, 49, 36]: 2*(1*36 + 2*49 + 3*100)/(3*185) - 4/3 = 0.2306306...
    assert_eq!(get(0, "gini"), "0.230631");
    assert_eq!(get(1, "outcome"), "rejected");
    assert_eq!(get(1, "margin"), "-3"); // 10 - (7 + 6)
    assert_eq!(get(1, "nakamoto"), 2); // 10 of 23 is not > 1/2; 10 + 7 is
    assert_eq!(get(1, "deciders"), 1); // B (7) switching: 17 > 6
    assert_eq!(get(2, "outcome"), "rejected");
    assert_eq!(get(2, "margin"), "-11"); // min(100, 74) - (49 + 36)
    assert_eq!(get(1, "differs_from_first"), true);
    assert_eq!(c["flips"].as_array().unwrap().len(), 2);
}

#[test]
fn scenarios_report_which_mechanisms_change() {
    let c = compare_json(&[
        "--mechanisms",
        "token-weighted,quadratic,capped:40%",
        "--scenario",
        "sybil:4",
        "--scenario",
        "whales-abstain:1",
        "--scenario",
        "cap:40%",
    ]);
    let changed = |s: usize| -> Vec<bool> {
        c["scenarios"][s]["mechanisms"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["changed"].as_bool().unwrap())
            .collect()
    };
    // sybil:4: A becomes 4 x 25. Quadratic: 4*5 = 20 > 13 passes; capped
    // at 74: nobody is capped, 100 > 85 passes; token-weighted unchanged.
    assert_eq!(changed(0), [false, true, true]);
    // whales-abstain:1: A abstains, For is 0: all reject.
    assert_eq!(changed(1), [true, false, false]);
    // cap:40% on every mechanism: token-weighted becomes capped:40%
    // (rejects); quadratic capped at floor(0.4 * 23) = 9: 9 < 13 rejects.
    assert_eq!(changed(2), [true, false, false]);
}

#[test]
fn turnout_scenario_adds_non_voters_repeatably() {
    use govkit::scenario::Scenario;
    let prepared = govkit::Proposal::load(toy()).unwrap().prepare().unwrap();
    let s: Scenario = "turnout:100%".parse().unwrap();
    let a = s.apply(&prepared, 7).unwrap();
    let b = s.apply(&prepared, 7).unwrap();
    assert_eq!(a.votes.votes, b.votes.votes, "same seed, same votes");
    assert_eq!(a.votes.votes.len(), 5, "D and E join");
    let joined: Vec<(String, u128)> = a.votes.votes[3..]
        .iter()
        .map(|v| {
            (
                v.voter.as_ref().unwrap().to_string(),
                v.weight.unwrap().base_units(),
            )
        })
        .collect();
    let mut names: Vec<&str> = joined.iter().map(|(n, _)| n.as_str()).collect();
    names.sort();
    assert_eq!(names, ["D", "E"]);
    for (name, w) in &joined {
        assert_eq!(*w, if name == "D" { 81 } else { 16 });
    }
    // Each copies a ballot that was cast (For = 1 or Against = 2).
    for v in &a.votes.votes[3..] {
        assert!(matches!(v.selection, govkit::Selection::Single(1 | 2)));
    }
    let half: Scenario = "turnout:50%".parse().unwrap();
    assert_eq!(
        half.apply(&prepared, 7).unwrap().votes.votes.len(),
        4,
        "floor(2/2) = 1 joins"
    );
}

#[test]
fn json_output_is_byte_identical_across_runs() {
    let toy = toy();
    let args = [
        "compare",
        toy.to_str().unwrap(),
        "--format",
        "json",
        "--scenario",
        "turnout:100%",
    ];
    assert_eq!(govkit(&args), govkit(&args));
}

#[test]
fn every_compound_proposal_under_every_mechanism() {
    // --all walks the whole Bravo log with the bundled proposal as the
    // template; token-weighted must reproduce every official outcome
    // (as governor_outcomes.rs checks independently).
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("proposals/compound-43.toml");
    let template = std::fs::read_to_string(&path).unwrap().replace(
        "data/compound-43-events.csv",
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/data/governor-events/compound_governor_bravo.csv")
            .to_str()
            .unwrap(),
    );
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bravo.toml");
    std::fs::write(&p, template).unwrap();
    let out: Value = serde_json::from_slice(&govkit(&[
        "compare",
        p.to_str().unwrap(),
        "--all",
        "--format",
        "json",
    ]))
    .unwrap();
    let summary = &out["summary"];
    assert_eq!(summary["proposals"], 83);
    let tw = &summary["mechanisms"][0];
    assert_eq!(tw["label"], "token-weighted");
    assert_eq!(tw["with_official"], 83);
    assert_eq!(tw["differs_from_official"], 0);
}

use common::chromium;

#[test]
fn html_report_renders_every_chart_offline_in_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("report.html");
    let toy = toy();
    govkit(&[
        "compare",
        toy.to_str().unwrap(),
        "--scenario",
        "sybil:4",
        "--html",
        html.to_str().unwrap(),
    ]);
    let text = std::fs::read_to_string(&html).unwrap();
    // Self-contained: no scripts, no external resources (the SVG namespace
    // is an identifier, not a request).
    let without_ns = text.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    for needle in [
        "<script", "src=", "href=", "http://", "https://", "@import", "url(",
    ] {
        assert!(
            !without_ns.contains(needle),
            "the report contains {needle:?}"
        );
    }
    let Some((dom, requests)) = load_in_chromium(&html) else {
        return;
    };

    // Both charts were parsed into the DOM, with drawn content, titles and
    // axis labels.
    for id in ["scores", "lorenz"] {
        let start = dom
            .find(&format!("<figure id=\"{id}\""))
            .unwrap_or_else(|| panic!("no {id} figure"));
        let figure = &dom[start..start + dom[start..].find("</figure>").unwrap()];
        assert!(figure.contains("<svg"), "{id}: no svg");
        assert!(
            figure.matches("<rect").count() + figure.matches("<polyline").count() >= 3,
            "{id}: empty"
        );
    }
    for label in [
        "Share of power by choice",
        "share of counted power (%)",
        "mechanism",
        "Lorenz curves of voting power",
        "share of voters, smallest first",
        "share of voting power",
        "quadratic",
    ] {
        assert!(dom.contains(label), "missing {label:?}");
    }
    assert!(dom.contains("id=\"scenarios\""));
    assert_eq!(
        requests,
        Vec::<String>::new(),
        "the page made network requests"
    );
}

#[test]
fn the_network_check_sees_a_page_that_does_request() {
    // The check above must be able to fail: a page with an image on a
    // loopback port (nothing listens there) is caught.
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("leaky.html");
    std::fs::write(
        &html,
        "<html><body><img src=\"http://127.0.0.1:9/x.png\"></body></html>",
    )
    .unwrap();
    let Some((_, requests)) = load_in_chromium(&html) else {
        return;
    };
    assert!(
        requests
            .iter()
            .any(|u| u.starts_with("http://127.0.0.1:9/")),
        "{requests:?}"
    );
}

/// Loads a file in headless Chromium: the DOM after load and the URLs of
/// network requests the page started (Chromium's own background requests,
/// whose initiator is "not an origin", are left out). `None` without
/// Chromium.
fn load_in_chromium(html: &Path) -> Option<(String, Vec<String>)> {
    let chromium = chromium()?;
    let dir = tempfile::tempdir().unwrap();
    let netlog = dir.path().join("net.json");
    let out = Process::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--dump-dom",
        ])
        .arg(format!(
            "--user-data-dir={}",
            dir.path().join("profile").display()
        ))
        .arg(format!("--log-net-log={}", netlog.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dom = String::from_utf8(out.stdout).unwrap();
    let log: Value = serde_json::from_str(&std::fs::read_to_string(&netlog).unwrap()).unwrap();
    let start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"].clone();
    let requests = log["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == start_job)
        .filter(|e| e["params"]["initiator"] != "not an origin")
        .filter_map(|e| e["params"]["url"].as_str())
        .filter(|u| !u.starts_with("file:") && !u.starts_with("data:"))
        .map(str::to_string)
        .collect();
    Some((dom, requests))
}
