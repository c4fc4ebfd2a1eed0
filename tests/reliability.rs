//! Hostile inputs (issue 17): every one ends quickly with exit 2 and a
//! message that names the flag, file, line or field; never a hang, an
//! abort, a panic or a silent acceptance.

use std::path::Path;
use std::time::{Duration, Instant};

use assert_cmd::Command;

const A: &str = "0x00000000000000000000000000000000000000aa";
const B: &str = "0x00000000000000000000000000000000000000bb";

/// Runs govkit in `dir` with `args`, under a 20 s kill switch; returns
/// (exit code, stdout, stderr, elapsed).
fn govkit(dir: &Path, args: &[&str]) -> (i32, String, String, Duration) {
    let started = Instant::now();
    let out = Command::cargo_bin("govkit")
        .expect("binary")
        .current_dir(dir)
        .args(args)
        .timeout(Duration::from_secs(20))
        .output()
        .expect("run govkit");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        started.elapsed(),
    )
}

/// Writes the files into a fresh folder.
fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, content) in files {
        std::fs::write(dir.path().join(name), content).expect("write");
    }
    dir
}

/// Asserts a refusal: exit 2 within `secs`, a `govkit: error:` message with
/// every fragment, no panic, a short message.
#[track_caller]
fn refused(result: (i32, String, String, Duration), secs: u64, fragments: &[&str]) {
    let (code, _out, err, took) = result;
    assert_eq!(
        code,
        2,
        "exit code; stderr: {}",
        &err[..err.len().min(2000)]
    );
    assert!(err.starts_with("govkit: error: "), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(took < Duration::from_secs(secs), "took {took:?}");
    assert!(err.len() < 4000, "message of {} bytes", err.len());
    for f in fragments {
        assert!(err.contains(f), "missing {f:?} in {err}");
    }
}

fn proposal(votes: &str, format: &str, rules: &str) -> String {
    format!(
        "id = \"t1\"\nballot = \"basic\"\ndecimals = 18\n[votes]\npath = \"{votes}\"\nformat = \"{format}\"\n[rules]\n{rules}\n"
    )
}

// ---------------------------------------------------------------------------
// 1. Exponents and magnitudes
// ---------------------------------------------------------------------------

#[test]
fn huge_exponent_quorum_is_refused_quickly() {
    let p = proposal(
        "votes.csv",
        "csv",
        "quorum = \"1e-999999/1e-999999\"\npass = \"majority\"",
    );
    let votes = format!("voter,choice,votes\n{A},For,1\n");
    let dir = folder(&[("p.toml", &p), ("votes.csv", &votes)]);
    refused(
        govkit(dir.path(), &["evaluate", "p.toml"]),
        5,
        &["quorum", "out of range"],
    );
}

#[test]
fn huge_exponent_delegation_fraction_is_refused_quickly() {
    let holders = format!("address,balance\n{A},1\n{B},2\n");
    let dl = format!("delegator,delegate,fraction\n{A},{B},1e-999999/1e-999999\n");
    let dir = folder(&[("h.csv", &holders), ("d.csv", &dl)]);
    refused(
        govkit(dir.path(), &["delegation", "h.csv", "d.csv"]),
        5,
        &["d.csv line 2", "fraction", "out of range"],
    );
}

#[test]
fn huge_exponent_weighted_ballot_is_refused_quickly() {
    let p = "id = \"w\"\nballot = \"weighted\"\nchoices = [\"a\", \"b\"]\n[votes]\npath = \"v.json\"\nformat = \"snapshot-json\"\n";
    let votes = format!(
        "[\n{{\"voter\": \"{A}\", \"choice\": {{\"1\": 1e999999, \"2\": 1e-999999}}, \"vp\": 1}}\n]\n"
    );
    let dir = folder(&[("p.toml", p), ("v.json", &votes)]);
    refused(
        govkit(dir.path(), &["evaluate", "p.toml"]),
        5,
        &["v.json line 2", "choice", "out of range"],
    );
}
