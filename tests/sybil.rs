//! `govkit sybil` on the real Compound 43 votes under quadratic voting.

use assert_cmd::Command;
use serde_json::Value;

const QUADRATIC_43: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/proposals/compound-43-quadratic.toml"
);

/// `govkit sybil ARGS --format json`, which must succeed.
fn sybil_json(args: &[&str]) -> Value {
    let out = Command::cargo_bin("govkit")
        .unwrap()
        .arg("sybil")
        .args(args)
        .args(["--format", "json"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

#[test]
fn the_against_voter_of_compound_43_flips_it_with_3928_wallets() {
    // Independent check (Python, math.isqrt): the only Against voter holds
    // 5000 COMP = 5e21 base units; split into k equal wallets (remainder
    // spread one unit each) its quadratic power is
    // r*isqrt(q+1) + (k-r)*isqrt(q) with (q, r) = divmod(5e21, k). For is
    // 4431555493790 units; the smallest k with power > For is 3928
    // (power 4431703961168; k = 3927 gives 4431139805169).
    let report = sybil_json(&[
        QUADRATIC_43,
        "--voter",
        "0x905cC474C34D43F39E740157E94F90b59d19E25A",
        "--split",
        "4",
    ]);
    let voter = &report["voters"][0];
    assert_eq!(voter["flips_at"], 3928);
    assert_eq!(voter["weight"], "5000");
    // Gains at k = 4: token-weighted exactly 1; quadratic
    // 4*isqrt(1.25e21) / isqrt(5e21) = 141421356236 / 70710678118 = 2.
    assert_eq!(voter["gains"][0]["mechanism"], "token-weighted");
    assert_eq!(voter["gains"][0]["gain"], "1");
    assert_eq!(voter["gains"][1]["mechanism"], "quadratic");
    assert_eq!(voter["gains"][1]["gain"], "2");
}

#[test]
fn an_unknown_voter_is_an_error() {
    Command::cargo_bin("govkit")
        .unwrap()
        .args([
            "sybil",
            concat!(env!("CARGO_MANIFEST_DIR"), "/proposals/compound-43.toml"),
            "--voter",
            "0x0000000000000000000000000000000000000001",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("did not vote on this proposal"));
}

#[test]
fn by_default_the_losing_side_is_analysed() {
    // Compound 43 passed: only the Against side can change it by
    // splitting. Its one Against voter is the only voter analysed, and it
    // flips the quadratic outcome at 3928 wallets (the independent value
    // above).
    let v = sybil_json(&[QUADRATIC_43]);
    let voters = v["voters"].as_array().unwrap();
    assert_eq!(voters.len(), 1);
    assert_eq!(
        voters[0]["voter"],
        "0x905cc474c34d43f39e740157e94f90b59d19e25a"
    );
    assert_eq!(voters[0]["flips_at"], 3928);
}
