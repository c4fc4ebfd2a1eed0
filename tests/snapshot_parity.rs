//! Parity with snapshot.js for every Snapshot ballot type.
//!
//! Expected numbers come from snapshot.js itself, never from govkit:
//! - the six fixtures in `../shared/vectors/snapshot/*.json` (their own
//!   `scores` and `scoresTotal`), cross-checked against the values listed in
//!   `../shared/docs/ANCHORS.md` (section "Snapshot");
//! - copeland: the vitest snapshot `copeland.spec.js.snap` (the `scores`
//!   inside copeland.json are stale), parsed from the file; the inputs are
//!   those of snapshot.js's `copeland.spec.js`;
//! - the quadratic "every balance 3" variant and the IRV vector of
//!   ANCHORS.md.
//!
//! Integer results must be equal exactly; fractional ones within a relative
//! error of 1e-12 of snapshot.js's double (compared exactly, in rationals).

mod common;

use std::path::Path;

use govkit::{BallotKind, Choices, DecisionRules, Evaluation, Report, Score};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::Signed;

/// Evaluates Snapshot JSON votes (a fixture) with a ballot type; amounts in
/// tokens with `decimals`.
fn evaluate_text(text: &str, ballot: BallotKind, decimals: u8) -> Report {
    let read = govkit::io::snapshot_json::parse(Path::new("fixture.json"), text, decimals, None)
        .expect("fixture reads");
    let ballot_type = ballot.ballot_type();
    let mechanism = govkit::TokenWeighted;
    Evaluation::new(
        "parity",
        Choices::new(read.choices.expect("fixture has choices")).unwrap(),
        ballot_type.as_ref(),
        &mechanism,
        DecisionRules::plurality(),
        decimals,
    )
    .run(&read.votes, None)
    .expect("evaluation runs")
}

fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(common::shared(&format!("vectors/snapshot/{name}"))).unwrap()
}

fn fixture_json(name: &str) -> serde_json::Value {
    serde_json::from_str(&fixture_text(name)).unwrap()
}

/// The exact value of a double.
fn exact(x: f64) -> BigRational {
    BigRational::from_float(x).expect("finite")
}

/// Scores in tokens.
fn tokens(scores: &[Score], decimals: u8) -> Vec<BigRational> {
    let scale = BigRational::from_integer(BigInt::from(10u8).pow(u32::from(decimals)));
    scores.iter().map(|s| s.as_rational() / &scale).collect()
}

fn tokens_of(text: &str) -> BigRational {
    // Report strings are exact decimals (or a/b fractions).
    match text.split_once('/') {
        Some((n, d)) => BigRational::new(n.parse().unwrap(), d.parse().unwrap()),
        None => {
            let (int, frac) = text.split_once('.').unwrap_or((text, ""));
            let n: BigInt = format!("{int}{frac}").parse().unwrap();
            BigRational::new(n, BigInt::from(10u8).pow(frac.len() as u32))
        }
    }
}

/// |got - want| <= 1e-12 · |want| (exactly 0 when want is 0).
fn assert_close(what: &str, got: &BigRational, want: f64) {
    let want_exact = exact(want);
    let tolerance = want_exact.abs() * BigRational::new(1.into(), BigInt::from(10u8).pow(12));
    let error = (got - &want_exact).abs();
    assert!(
        error <= tolerance,
        "{what}: govkit {} vs snapshot.js {want}: relative error {:e}",
        decimal(got),
        if want == 0.0 {
            f64::INFINITY
        } else {
            to_f64(&(error / want_exact.abs()))
        }
    );
}

fn assert_all_close(what: &str, got: &[BigRational], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "{what}: number of choices");
    let mut worst = 0f64;
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert_close(&format!("{what}, choice {}", i + 1), g, *w);
        if *w != 0.0 {
            worst = worst.max(to_f64(&((g - exact(*w)).abs() / exact(*w).abs())));
        }
    }
    eprintln!("{what}: largest relative difference to snapshot.js {worst:.1e}");
}

fn assert_integers(what: &str, got: &[BigRational], want: &[i64]) {
    let want: Vec<BigRational> = want
        .iter()
        .map(|&n| BigRational::from_integer(n.into()))
        .collect();
    assert_eq!(got, want.as_slice(), "{what}");
}

fn to_f64(x: &BigRational) -> f64 {
    // For messages only.
    let digits = 30u32;
    let scaled = (x * BigRational::from_integer(BigInt::from(10u8).pow(digits))).to_integer();
    scaled.to_string().parse::<f64>().unwrap() / 10f64.powi(digits as i32)
}

fn decimal(x: &BigRational) -> String {
    format!("{:.17}", to_f64(x))
}

fn floats(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .expect("a list")
        .iter()
        .map(|x| x.as_f64().expect("a number"))
        .collect()
}

/// A fixture reproduces its own `scores` and `scoresTotal` (= cast power:
/// snapshot.js sums all votes, valid or not) and the ANCHORS.md values.
fn check_fixture(name: &str, ballot: BallotKind, anchors: &[f64], anchor_total: f64) {
    let raw = fixture_json(name);
    let fixture_scores = floats(&raw["scores"]);
    let fixture_total = raw["scoresTotal"].as_f64().unwrap();
    // The fixture and ANCHORS.md agree (so neither is a typo).
    assert_eq!(fixture_scores, anchors, "{name}: fixture vs ANCHORS.md");
    assert_eq!(
        fixture_total, anchor_total,
        "{name}: fixture total vs ANCHORS.md"
    );

    let report = evaluate_text(&fixture_text(name), ballot, 0);
    let scores = tokens(&report.tally.scores, 0);
    if fixture_scores.iter().all(|s| s.fract() == 0.0) {
        let ints: Vec<i64> = fixture_scores.iter().map(|&s| s as i64).collect();
        assert_integers(name, &scores, &ints);
        assert_eq!(
            report.cast_power,
            format!("{}", fixture_total as i64),
            "{name}: total"
        );
    } else {
        assert_all_close(name, &scores, &fixture_scores);
        assert_close(
            &format!("{name}: scoresTotal"),
            &tokens_of(&report.cast_power.to_string()),
            fixture_total,
        );
    }
    assert_eq!(
        report.votes.read as usize,
        raw["votes"].as_array().unwrap().len()
    );
}

#[test]
fn single_choice_fixture() {
    check_fixture(
        "singleChoice.json",
        BallotKind::SingleChoice,
        &[586.0, 74.0, 59.0, 40.0],
        759.0,
    );
}

#[test]
fn approval_fixture() {
    check_fixture(
        "approval.json",
        BallotKind::Approval,
        &[257.0, 171.0, 139.0, 125.0],
        406.0,
    );
}

#[test]
fn weighted_fixture() {
    check_fixture(
        "weighted.json",
        BallotKind::Weighted,
        &[
            352.04216474311204,
            89.19288532217655,
            50.07800225903897,
            51.68694767567245,
        ],
        543.0,
    );
}

#[test]
fn quadratic_fixture() {
    check_fixture(
        "quadratic.json",
        BallotKind::Quadratic,
        &[
            284.8896779654694,
            45.02408310751503,
            39.671068856935065,
            24.415170070080556,
        ],
        394.0,
    );
}

#[test]
fn ranked_choice_fixture() {
    check_fixture(
        "rankedChoice.json",
        BallotKind::RankedChoice,
        &[117.0, 0.0, 80.0, 0.0],
        197.0,
    );
}

/// The fixture's votes with every balance set to `balance`, and extra votes
/// (JSON texts) in front, as snapshot.js's spec files build their variants.
fn variant(name: &str, balance: u32, extra: &[&str]) -> String {
    let mut raw = fixture_json(name);
    let votes = raw["votes"].as_array_mut().unwrap();
    for v in votes.iter_mut() {
        v["balance"] = balance.into();
    }
    let mut all: Vec<serde_json::Value> = extra
        .iter()
        .map(|e| serde_json::from_str(e).unwrap())
        .collect();
    all.append(votes);
    raw["votes"] = all.into();
    raw.to_string()
}

#[test]
fn quadratic_with_every_balance_three() {
    // quadratic.spec.js `example2`; values from ANCHORS.md.
    let report = evaluate_text(&variant("quadratic.json", 3, &[]), BallotKind::Quadratic, 0);
    assert_all_close(
        "quadratic, balance 3",
        &tokens(&report.tally.scores, 0),
        &[
            854.6690338964088,
            135.07224932254462,
            119.01320657080512,
            73.24551021024158,
        ],
    );
    assert_eq!(report.cast_power, "1182");
}

#[test]
fn weighted_and_quadratic_drop_invalid_maps_but_count_their_power() {
    // Invalid maps in front of the fixture change no score, but snapshot.js's
    // scoresTotal (govkit's cast power) includes them.
    let extra = [
        r#"{"choice": {}, "balance": 1}"#,
        r#"{"choice": {"5": 1}, "balance": 1}"#,
        r#"{"choice": {"0": 1}, "balance": 1}"#,
        r#"{"choice": {"1": -1, "2": 3}, "balance": 1}"#,
        r#"{"choice": {"1": 0, "2": 0}, "balance": 1}"#,
        r#"{"choice": [1, 2], "balance": 1}"#,
        r#"{"choice": 1, "balance": 1}"#,
        r#"{"choice": {"1": "x"}, "balance": 1}"#,
    ];
    for (name, ballot) in [
        ("weighted.json", BallotKind::Weighted),
        ("quadratic.json", BallotKind::Quadratic),
    ] {
        let raw = fixture_json(name);
        let report = evaluate_text(&variant(name, 1, &extra), ballot, 0);
        assert_all_close(
            name,
            &tokens(&report.tally.scores, 0),
            &floats(&raw["scores"]),
        );
        let total = raw["scoresTotal"].as_f64().unwrap() as u64;
        assert_eq!(report.cast_power, (total + 8).to_string());
        assert_eq!(report.counted_power, total.to_string());
        let reasons: Vec<(&str, u64)> = report
            .votes
            .invalid_reasons
            .iter()
            .map(|(k, v)| (k.as_str(), *v))
            .collect();
        assert_eq!(
            reasons,
            vec![
                ("negative-weight", 1),
                ("no-positive-weight", 2),
                ("out-of-range", 2),
                ("unreadable", 1),
                ("wrong-shape", 2),
            ],
            "{name}"
        );
    }
}

#[test]
fn ranked_choice_anchor_vector() {
    // ANCHORS.md: [1,2,3,4]:100, [2,1,3,4]:200, [3,1,2,4]:150, [4,1,2,3]:50.
    // Round 1: 100, 200, 150, 50 (no majority of 500); 4 goes, its vote
    // moves to 1 (150, 200, 150); 1 and 3 tie at the bottom, 1 goes
    // (lowest-numbered), its votes move to 2: final 2: 350, 3: 150.
    let text = r#"{"proposal": {"choices": ["a", "b", "c", "d"]}, "votes": [
        {"choice": [1, 2, 3, 4], "balance": 100},
        {"choice": [2, 1, 3, 4], "balance": 200},
        {"choice": [3, 1, 2, 4], "balance": 150},
        {"choice": [4, 1, 2, 3], "balance": 50},
        {"choice": [2, 1], "balance": 1000},
        {"choice": [1, 1, 2, 3], "balance": 1000}
    ]}"#;
    let report = evaluate_text(text, BallotKind::RankedChoice, 0);
    assert_integers("IRV", &tokens(&report.tally.scores, 0), &[0, 350, 150, 0]);
    // The two invalid ballots (partial, duplicate) would have changed the
    // winner; they are dropped and counted, and their power is cast.
    assert_eq!(report.votes.invalid, 2);
    assert_eq!(report.cast_power, "2500");
    assert_eq!(report.counted_power, "500");
}

/// The arrays of a vitest snapshot file: `exports[`NAME`] = `[ … ]`;`.
fn vitest_snapshot(name: &str) -> Vec<f64> {
    let text = fixture_text("copeland.spec.js.snap");
    let key = format!("exports[`{name}`] = `");
    let start = text
        .find(&key)
        .unwrap_or_else(|| panic!("{name} not in snap"))
        + key.len();
    let body = &text[start..start + text[start..].find('`').unwrap()];
    body.split(|c: char| c == '[' || c == ']' || c == ',' || c.is_whitespace())
        .filter(|t| !t.is_empty())
        .map(|t| t.parse().unwrap())
        .collect()
}

fn copeland_votes(choices: &[&str], votes: &[(&str, &str)]) -> String {
    let votes: Vec<String> = votes
        .iter()
        .map(|(c, b)| format!(r#"{{"choice": {c}, "balance": {b}}}"#))
        .collect();
    format!(
        r#"{{"proposal": {{"choices": {}}}, "votes": [{}]}}"#,
        serde_json::to_string(choices).unwrap(),
        votes.join(", ")
    )
}

#[test]
fn copeland_fixture_and_spec_vectors() {
    // getScores 1: copeland.json itself (three full rankings and a partial
    // [2, 1] that is dropped). ANCHORS.md lists the same numbers.
    let report = evaluate_text(&fixture_text("copeland.json"), BallotKind::Copeland, 0);
    let want = vitest_snapshot("getScores 1");
    assert_eq!(want, [1.4871794871794872, 1.0, 0.5128205128205128, 0.0]);
    assert_all_close("copeland.json", &tokens(&report.tally.scores, 0), &want);
    // Copeland's scoresTotal counts valid ballots only.
    assert_eq!(
        report.counted_power,
        vitest_snapshot("getScoresTotal 1")[0].to_string()
    );
    assert_eq!(report.cast_power, "4");
    assert_eq!(report.votes.invalid_reasons["incomplete-ranking"], 1);

    // getScores 2: the invalid ballots of votesWithInvalidChoices in front.
    let invalid = [
        r#"{"choice": [0, 1], "balance": 1}"#,
        r#"{"choice": [1, 5], "balance": 1}"#,
        r#"{"choice": [1, 1], "balance": 1}"#,
        r#"{"choice": [], "balance": 1}"#,
        r#"{"choice": [1, 2, 3, 4, 5], "balance": 1}"#,
    ];
    let report = evaluate_text(
        &variant("copeland.json", 1, &invalid),
        BallotKind::Copeland,
        0,
    );
    assert_all_close(
        "copeland with invalid",
        &tokens(&report.tally.scores, 0),
        &vitest_snapshot("getScores 2"),
    );
    assert_eq!(report.counted_power, "3");
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
            ("incomplete-ranking", 2),
            ("out-of-range", 3)
        ]
    );

    // getScores 3 and 4: every balance 3 (example2), with and without the
    // invalid ballots (balance 3 too).
    let report = evaluate_text(&variant("copeland.json", 3, &[]), BallotKind::Copeland, 0);
    assert_all_close(
        "copeland, balance 3",
        &tokens(&report.tally.scores, 0),
        &vitest_snapshot("getScores 3"),
    );
    assert_eq!(
        report.counted_power,
        vitest_snapshot("getScoresTotal 2")[0].to_string()
    );
    let invalid3: Vec<String> = invalid.iter().map(|v| v.replace(": 1}", ": 3}")).collect();
    let invalid3: Vec<&str> = invalid3.iter().map(String::as_str).collect();
    let report = evaluate_text(
        &variant("copeland.json", 3, &invalid3),
        BallotKind::Copeland,
        0,
    );
    assert_all_close(
        "copeland, balance 3 with invalid",
        &tokens(&report.tally.scores, 0),
        &vitest_snapshot("getScores 4"),
    );
}

#[test]
fn copeland_mixed_voting_powers() {
    // copeland.spec.js "getScores with mixed voting powers"; ANCHORS.md.
    let text = copeland_votes(
        &["Alice", "Bob", "Carol"],
        &[
            ("[1, 2, 3]", "1000000.75"),
            ("[2, 3, 1]", "0.25"),
            ("[3, 1, 2]", "2500.5"),
        ],
    );
    let report = evaluate_text(&text, BallotKind::Copeland, 2);
    let want = vitest_snapshot("getScores with mixed voting powers 1");
    assert_eq!(
        want,
        [668241.7037037036, 334074.5648148148, 185.23148148148144]
    );
    let got = tokens(&report.tally.scores, 2);
    assert_all_close("copeland mixed powers", &got, &want);
    // "Verify total voting power is preserved": exactly, here.
    let sum: BigRational = got.iter().sum();
    assert_eq!(sum, BigRational::new(10025015.into(), 10.into()));
}

#[test]
fn copeland_with_no_votes() {
    let text = copeland_votes(&["Alice", "Bob", "Carol"], &[]);
    let report = evaluate_text(&text, BallotKind::Copeland, 0);
    let want = vitest_snapshot("getScores with 0 votes 1");
    assert_eq!(want, [0.0, 0.0, 0.0]);
    assert!(report.tally.scores.iter().all(Score::is_zero));
}

#[test]
fn copeland_breaks_victory_ties_by_average_support() {
    // copeland.spec.js "getScores breaks victory ties by average support":
    // Alice and Bob tie on victories; Alice has more support and must lead,
    // and swapping Alice and Bob on every ballot must flip the order.
    let votes = [
        ("[1, 2, 3]", "20"),
        ("[1, 3, 2]", "15"),
        ("[2, 1, 3]", "20"),
        ("[2, 3, 1]", "5"),
        ("[3, 2, 1]", "10"),
    ];
    let report = evaluate_text(
        &copeland_votes(&["Alice", "Bob", "Carol"], &votes),
        BallotKind::Copeland,
        0,
    );
    let s = &report.tally.scores;
    assert!(s[0] > s[1] && s[1] > s[2], "{s:?}");
    let swapped: Vec<(String, &str)> = votes
        .iter()
        .map(|(c, b)| (c.replace('1', "x").replace('2', "1").replace('x', "2"), *b))
        .collect();
    let swapped: Vec<(&str, &str)> = swapped.iter().map(|(c, b)| (c.as_str(), *b)).collect();
    let report = evaluate_text(
        &copeland_votes(&["Alice", "Bob", "Carol"], &swapped),
        BallotKind::Copeland,
        0,
    );
    let s = &report.tally.scores;
    assert!(s[1] > s[0] && s[0] > s[2], "{s:?}");
}
