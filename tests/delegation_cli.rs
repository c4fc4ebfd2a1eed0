//! End-to-end tests of `govkit delegation HOLDERS DELEGATIONS`: the real
//! binary on small files written into a temporary folder, and on
//! Decentraland's `members.csv`. Errors: exit code 2, nothing on stdout,
//! `govkit: error: FILE line N: field 'F': …` on stderr, never a panic.

mod common;

use assert_cmd::assert::Assert;
use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::{json, Value};

const A: &str = "0x00000000000000000000000000000000000000aa";
const B: &str = "0x00000000000000000000000000000000000000bb";
const C: &str = "0x00000000000000000000000000000000000000cc";
const D: &str = "0x00000000000000000000000000000000000000dd";

/// Holders a 1.5, b 2, c 4, d 8 tokens (18 decimals).
fn holders_csv() -> String {
    format!("address,balance\n{A},1.5\n{B},2\n{C},4\n{D},8\n")
}

fn run(holders: &str, delegations: &str, args: &[&str]) -> Assert {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("holders.csv"), holders).unwrap();
    std::fs::write(dir.path().join("delegations.csv"), delegations).unwrap();
    Command::cargo_bin("govkit")
        .expect("the govkit binary is built")
        .arg("delegation")
        .arg(dir.path().join("holders.csv"))
        .arg(dir.path().join("delegations.csv"))
        .args(args)
        .assert()
}

fn json_of(assert: Assert) -> Value {
    let out = assert.code(0).get_output().stdout.clone();
    serde_json::from_slice(&out).expect("JSON on stdout")
}

fn assert_fails(assert: Assert, fragments: &[&str]) {
    let assert = assert
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::starts_with("govkit: error: "))
        .stderr(predicate::str::contains("panicked").not());
    fragments
        .iter()
        .fold(assert, |a, f| a.stderr(predicate::str::contains(*f)));
}

#[test]
fn json_report_of_a_chain_and_a_cycle() {
    // a -> b -> c -> b: b and c form a cycle, a's tail leads into it.
    let dl = format!("delegator,delegate\n{A},{B}\n{B},{C}\n{C},{B}\n");
    // One hop: b gets a's 1.5 and c's 4 (5.5); c gets b's 2; d keeps 8.
    let j = json_of(run(&holders_csv(), &dl, &["--format", "json"]));
    assert_eq!(
        j["delegates"],
        json!([
            {"address": B, "power": "5.5", "delegators": 2, "own": "0", "received": "5.5"},
            {"address": C, "power": "2", "delegators": 1, "own": "0", "received": "2"},
        ])
    );
    assert_eq!(j["cycles"], json!([[B, C]]));
    // 7.5 of 15.5 moved: 0.483870967… -> 0.483871.
    assert_eq!(j["delegated_share"], "0.483871");
    assert_eq!(j["total_power"], "15.5");
    assert_eq!(j["chain_lengths"], json!([{"hops": 1, "holders": 3}]));

    // Transitive: the cycle is void (b keeps 2, c keeps 4), a's 1.5 stops at b.
    let j = json_of(run(
        &holders_csv(),
        &dl,
        &["--format", "json", "--policy", "transitive"],
    ));
    assert_eq!(
        j["delegates"],
        json!([{"address": B, "power": "3.5", "delegators": 1, "own": "2", "received": "1.5"}])
    );
    assert_eq!(j["counts"]["voided"], 2);
    assert_eq!(j["delegated_share"], "0.096774"); // 1.5 / 15.5
    assert_eq!(
        j["top"]["after"][0],
        json!({"address": D, "before": "8", "after": "8", "delegators": 0})
    );
}

#[test]
fn split_rows_and_openzeppelin_counting() {
    // a gives 1/3 to b and 1/3 to c and keeps the rest; d self-delegates.
    let dl = format!("delegator,delegate,fraction\n{A},{B},1/3\n{A},{C},1/3\n{D},{D},\n");
    let j = json_of(run(
        &holders_csv(),
        &dl,
        &["--format", "json", "--policy", "openzeppelin"],
    ));
    // Only a (1.5) and d (8) delegated, so only they count: 9.5. a's 1.5e18
    // base units split in exact thirds of 0.5.
    assert_eq!(j["total_power"], "9.5");
    assert_eq!(
        j["delegates"],
        json!([
            {"address": B, "power": "0.5", "delegators": 1, "own": "0", "received": "0.5"},
            {"address": C, "power": "0.5", "delegators": 1, "own": "0", "received": "0.5"},
        ])
    );
    assert_eq!(j["counts"]["counted_holders"], 2);
    assert_eq!(j["counts"]["self_delegations"], 1);
}

#[test]
fn table_names_the_essentials() {
    let dl = format!("delegator,delegate\n{A},{D}\n");
    run(&holders_csv(), &dl, &[])
        .code(0)
        .stdout(predicate::str::contains("delegated   1.5 (9.68%)"))
        .stdout(predicate::str::contains("chains      1 hop: 1"))
        .stdout(predicate::str::contains("cycles      none"))
        .stdout(predicate::str::contains("top 10 share of all power"));
}

#[test]
fn decentraland_members_export_is_checked_against_its_own_numbers() {
    let members = common::shared("data/decentraland/members.csv");
    let assert = Command::cargo_bin("govkit")
        .unwrap()
        .arg("delegation")
        .arg(&members)
        .arg(&members)
        .args(["--format", "json", "--policy", "snapshot"])
        .assert();
    let j = json_of(assert);
    assert_eq!(j["format"], "decentraland-members");
    // Python over the file: 321 members delegate to 122 delegates.
    assert_eq!(j["counts"]["delegators"], 321);
    assert_eq!(j["delegates"].as_array().unwrap().len(), 122);
    let check = &j["file_check"];
    assert_eq!(check["checked"], 57);
    assert_eq!(check["agree"], 57);
    assert_eq!(check["differ"], json!([]));
    assert_eq!(check["incomplete"].as_array().unwrap().len(), 88);
    assert_eq!(check["inconsistent"].as_array().unwrap().len(), 1);
    // The file's one real delegation cycle.
    assert_eq!(
        j["cycles"],
        json!([[
            "0x9dab43bc15bd29cfe3030ca1b7edb3eeb9f3b6c1",
            "0xd6eff8f07caf3443a1178407d3de4129149d6ef6"
        ]])
    );
}

#[test]
fn governor_event_logs_keep_the_latest_delegation() {
    let log = format!(
        "event_name,block_number,log_index,delegator,fromDelegate,toDelegate\n\
         DelegateChanged,100,0,{A},0x0000000000000000000000000000000000000000,{B}\n\
         DelegateChanged,200,3,{A},{B},{C}\n"
    );
    let j = json_of(run(&holders_csv(), &log, &["--format", "json"]));
    assert_eq!(j["delegates"][0]["address"], C);
    assert_eq!(j["delegates"][0]["power"], "5.5");
    assert_eq!(j["rows"]["replaced"], 1);
    let j = json_of(run(
        &holders_csv(),
        &log,
        &["--format", "json", "--until-block", "150"],
    ));
    assert_eq!(j["delegates"][0]["address"], B);
    assert_eq!(j["rows"]["after_cutoff"], 1);
}

#[test]
fn malformed_address_names_line_and_field() {
    let dl = format!("delegator,delegate\n{A},{B}\n{C},0x12345\n");
    assert_fails(
        run(&holders_csv(), &dl, &[]),
        &["delegations.csv line 3: field 'delegate': \"0x12345\" is not an address"],
    );
}

#[test]
fn fractions_above_100_percent_are_errors() {
    let dl = format!("delegator,delegate,fraction\n{A},{B},60%\n{A},{C},0.5\n");
    assert_fails(
        run(&holders_csv(), &dl, &[]),
        &[
            "delegations.csv line 3: field 'fraction': ",
            "110% in total, more than 100%",
        ],
    );
    let dl = format!("delegator,delegate,bps\n{A},{B},12000\n");
    assert_fails(
        run(&holders_csv(), &dl, &[]),
        &["delegations.csv line 2: field 'bps': \"12000\" basis points is more than 10000"],
    );
}

#[test]
fn duplicate_rows_are_errors() {
    let dl = format!("delegator,delegate\n{A},{B}\n{A},{B}\n");
    assert_fails(
        run(&holders_csv(), &dl, &[]),
        &[
            "delegations.csv line 3: field 'delegator': ",
            "already delegates on line 2",
        ],
    );
}

#[test]
fn a_delegate_outside_the_snapshot_is_reported_or_an_error() {
    let e = "0x00000000000000000000000000000000000000ee";
    let dl = format!("delegator,delegate\n{A},{e}\n");
    let j = json_of(run(&holders_csv(), &dl, &["--format", "json"]));
    assert_eq!(j["counts"]["unknown_delegates"], 1);
    assert_eq!(j["delegates"][0]["power"], "1.5");
    assert_fails(
        run(&holders_csv(), &dl, &["--require-holders"]),
        &[
            "delegations.csv line 2: field 'delegate': delegate 0x",
            "is not in the holder snapshot",
        ],
    );
}

#[test]
fn self_delegation_under_polkadot_is_an_error() {
    let dl = format!("delegator,delegate\n{A},{B}\n{C},{C}\n");
    assert_fails(
        run(&holders_csv(), &dl, &["--policy", "polkadot"]),
        &[
            "delegations.csv line 3: field 'delegate': ",
            "delegates to itself",
        ],
    );
}

#[test]
fn bad_flags_and_files_exit_2() {
    let dl = format!("delegator,delegate\n{A},{B}\n");
    run(&holders_csv(), &dl, &["--policy", "two-hop"])
        .code(2)
        .stderr(predicate::str::contains("is not a delegation policy"));
    run(&holders_csv(), &dl, &["--policy", "transitive:0"]).code(2);
    run(&holders_csv(), "who,whom\nx,y\n", &[])
        .code(2)
        .stderr(predicate::str::contains(
            "delegations.csv line 1: no delegator column",
        ));
    Command::cargo_bin("govkit")
        .unwrap()
        .args(["delegation", "/nonexistent/h.csv", "/nonexistent/d.csv"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/nonexistent/"));
}

#[test]
fn bundled_token_event_log_example() {
    // proposals/data/delegate-changed-example.csv: hand-made, in the exact
    // columns `govkit fetch governor --token` writes (those of the
    // governor-events exports). Holders a 100, b 50, c 30, d 20. Events: a
    // -> b (100), c -> c (120), a b -> d (150), d -> b (180), d -> zero
    // (210), and 4 DelegateVotesChanged rows. By hand, one hop:
    // - all events: a's 100 sits with d (120 with its own 20), b 50, c 30;
    //   100 of 200 delegated; 9 rows read, 2 replaced (a's first, d's
    //   first), 1 withdrawn (d), 4 other events skipped;
    // - up to block 200: d still delegates to b, so d 100 (a's), b 70;
    //   120 of 200 delegated.
    let root = env!("CARGO_MANIFEST_DIR");
    let holders = format!("{root}/proposals/data/delegation-holders-example.csv");
    let events = format!("{root}/proposals/data/delegate-changed-example.csv");
    let report = |extra: &[&str]| -> Value {
        json_of(
            Command::cargo_bin("govkit")
                .unwrap()
                .args(["delegation", &holders, &events, "--format", "json"])
                .args(extra)
                .assert(),
        )
    };
    let d = "0x4444444444444444444444444444444444444444";
    let b = "0x2222222222222222222222222222222222222222";
    let all = report(&[]);
    assert_eq!(all["format"], "governor-events");
    assert_eq!(all["delegated_power"], "100");
    assert_eq!(all["delegates"][0]["address"], d);
    assert_eq!(all["delegates"][0]["power"], "120");
    assert_eq!(
        all["rows"],
        serde_json::json!({"read": 9, "other_scope": 0, "replaced": 2,
            "after_cutoff": 0, "withdrawn": 1, "other_events": 4})
    );
    let early = report(&["--until-block", "200"]);
    assert_eq!(early["delegated_power"], "120");
    assert_eq!(early["delegates"][0]["address"], d);
    assert_eq!(early["delegates"][0]["power"], "100");
    assert_eq!(early["delegates"][1]["address"], b);
    assert_eq!(early["delegates"][1]["power"], "70");
    assert_eq!(early["rows"]["after_cutoff"], 1);
}
