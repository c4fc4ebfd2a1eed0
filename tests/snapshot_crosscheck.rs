//! Cross-check against snapshot.js on real data: every Decentraland proposal
//! of `../shared/data/decentraland/votes.csv` re-tallied as a *quadratic*
//! ballot (each single-choice vote `c` as the map `{c: 1}`, balance = VP).
//!
//! The expected numbers are snapshot.js's own: `QuadraticVoting.getScores()`
//! and `getScoresTotal()` of `@snapshot-labs/snapshot.js` (the version pinned
//! in `scripts/snapshot-crosscheck/package.json`), run by
//! `scripts/snapshot-crosscheck/crosscheck.js` and committed as
//! `scripts/snapshot-crosscheck/expected.json` (see the README there to
//! regenerate it). govkit must agree within a relative error of 1e-12.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use govkit::io::csv_votes::{self, CsvVoteOptions};
use govkit::io::{ChoiceShape, VoteColumns};
use govkit::{
    Amount, AmountUnit, BallotKind, Choices, DecisionRules, Evaluation, Selection, Tally, Vote,
    VoteSet, Voter,
};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, Zero};
use serde::Deserialize;

#[derive(Deserialize)]
struct Expected {
    snapshot_js: String,
    ballot: String,
    proposals: Vec<ExpectedProposal>,
}

#[derive(Deserialize)]
struct ExpectedProposal {
    id: String,
    choices: usize,
    votes: usize,
    scores: Vec<f64>,
    #[serde(rename = "scoresTotal")]
    scores_total: f64,
}

fn expected() -> Expected {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/snapshot-crosscheck/expected.json");
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn choices(n: usize) -> Choices {
    Choices::new((1..=n).map(|i| format!("choice {i}")).collect()).unwrap()
}

/// govkit's pipeline up to the scores (`Evaluation::tally`: weights, power,
/// validity, tally). The report step is left out: it only formats.
fn evaluate(n: usize, votes: &VoteSet) -> Tally {
    let ballot = BallotKind::Quadratic.ballot_type();
    let mechanism = govkit::TokenWeighted;
    Evaluation::new(
        "crosscheck",
        choices(n),
        ballot.as_ref(),
        &mechanism,
        DecisionRules::plurality(),
        18,
    )
    .tally(votes, None)
    .unwrap()
}

/// Relative error of govkit's exact value against snapshot.js's double
/// (computed exactly; 0 against 0 is 0, anything else against 0 is 1).
fn relative_error(got: &BigRational, want: f64) -> BigRational {
    let want = BigRational::from_float(want).unwrap();
    if want.is_zero() {
        return if got.is_zero() {
            BigRational::zero()
        } else {
            BigRational::from_integer(1.into())
        };
    }
    ((got - &want) / &want).abs()
}

fn tokens(units: &BigRational) -> BigRational {
    units / BigRational::from_integer(BigInt::from(10u8).pow(18))
}

/// Compares one proposal; returns its largest relative error.
fn compare(p: &ExpectedProposal, tally: &Tally) -> BigRational {
    assert_eq!(tally.scores.len(), p.scores.len(), "{}", p.id);
    assert_eq!(tally.counts.counted as usize, p.votes, "{}: votes", p.id);
    let cast = BigRational::from_integer(tally.cast_power.units().into());
    let mut worst = relative_error(&tokens(&cast), p.scores_total);
    for (i, (got, want)) in tally.scores.iter().zip(&p.scores).enumerate() {
        let e = relative_error(&tokens(got.as_rational()), *want);
        assert!(
            e <= tolerance(),
            "{} choice {}: govkit {} vs snapshot.js {want}",
            p.id,
            i + 1,
            got.to_decimal_string(18)
        );
        worst = worst.max(e);
    }
    assert!(
        worst <= tolerance(),
        "{}: scoresTotal {} vs {}",
        p.id,
        tokens(&cast),
        p.scores_total
    );
    worst
}

fn tolerance() -> BigRational {
    BigRational::new(1.into(), BigInt::from(10u8).pow(12))
}

/// Every proposal of the export, votes built in memory from the CSV rows.
#[test]
fn every_decentraland_proposal_as_a_quadratic_ballot_matches_snapshot_js() {
    let expected = expected();
    assert_eq!(expected.ballot, "quadratic");
    assert!(!expected.snapshot_js.is_empty());

    let path = common::shared("data/decentraland/votes.csv");
    let mut reader = csv::Reader::from_path(&path).unwrap();
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (member, proposal, created, choice, vp) = (
        col("Member"),
        col("Proposal ID"),
        col("Created"),
        col("Choice #"),
        col("VP"),
    );
    let mut by_proposal: HashMap<String, Vec<Vote>> = HashMap::new();
    for (row, record) in reader.records().enumerate() {
        let r = record.unwrap();
        let c: u32 = r[choice].parse().unwrap();
        by_proposal
            .entry(r[proposal].to_string())
            .or_default()
            .push(Vote {
                voter: Some(Voter::new(&r[member])),
                selection: Selection::Weighted(vec![(c, govkit::vote::Weight::from(1i64))].into()),
                weight: Some(Amount::parse(&r[vp], AmountUnit::Token, 18).unwrap()),
                cast_at: Some(govkit::CastAt::new(&r[created])),
                line: row as u64 + 2,
                attributes: Default::default(),
            });
    }
    // The table covers the whole export, not a convenient part of it.
    assert_eq!(expected.proposals.len(), by_proposal.len());
    assert_eq!(
        expected.proposals.iter().map(|p| p.votes).sum::<usize>(),
        19_409
    );

    let mut worst = BigRational::zero();
    let mut multi_choice = 0;
    for p in &expected.proposals {
        let votes = by_proposal.remove(&p.id).expect("proposal in the CSV");
        let set = VoteSet::latest_per_voter(path.clone(), votes);
        let tally = evaluate(p.choices, &set);
        assert_eq!(tally.counts.invalid, 0, "{}", p.id);
        worst = worst.max(compare(p, &tally));
        multi_choice += usize::from(p.scores.iter().filter(|s| **s > 0.0).count() > 1);
    }
    assert!(multi_choice > 500, "{multi_choice} contested proposals");
    eprintln!(
        "{} proposals ({multi_choice} with votes on several choices): largest relative \
         difference to snapshot.js {}",
        expected.proposals.len(),
        format_small(&worst)
    );
}

fn format_small(x: &BigRational) -> String {
    // x · 10^20 as an integer, for a readable message.
    let scaled = (x * BigRational::from_integer(BigInt::from(10u8).pow(20))).to_integer();
    format!("{scaled}e-20")
}

/// A few proposals through govkit's own CSV reader (`Choice #` read as the
/// map `{c: 1}` for a weighted-shape ballot, `proposal_id` filter, VP
/// parsed exactly).
#[test]
fn csv_reader_path_matches_snapshot_js() {
    let expected = expected();
    let path = common::shared("data/decentraland/votes.csv");
    let columns = VoteColumns {
        voter: Some("Member".into()),
        choice: Some("Choice #".into()),
        weight: Some("VP".into()),
        proposal: Some("Proposal ID".into()),
        created: Some("Created".into()),
        ..VoteColumns::default()
    };
    for id in [
        // Add the location 14,14 to the Points of Interest (2 choices)
        "QmeaYbHi18r5WzY515oQ4UQzv5dwETS8oNYHjyks7vnrxf",
        // Should Wearables Including Guns Be Allowed? (5 choices)
        "QmbquFCDxLv3TJzvCKSEtMNPs7Lz18XdEKw5Y2nRZe2wZn",
        // the cost of claiming an NFT name (3 choices, 159 votes)
        "QmZZL8S79bb7zZy4mDRufP4QjcmkDCyKhJdjv4kRKrU3FE",
    ] {
        let p = expected
            .proposals
            .iter()
            .find(|p| p.id == id)
            .expect("in expected.json");
        let set = csv_votes::read(
            Path::new(&path),
            &CsvVoteOptions {
                columns: &columns,
                unit: AmountUnit::Token,
                decimals: 18,
                proposal_id: Some(id),
                choices: &choices(p.choices),
                shape: BallotKind::Quadratic.ballot_type().shape(),
                attributes: &[],
            },
        )
        .unwrap();
        assert!(set.votes.iter().all(|v| matches!(
            &v.selection,
            Selection::Weighted(w) if w.len() == 1
        )));
        let tally = evaluate(p.choices, &set);
        compare(p, &tally);
    }
    assert_eq!(
        BallotKind::Quadratic.ballot_type().shape(),
        ChoiceShape::Weighted
    );
}

/// One case of `scripts/snapshot-crosscheck/shapes.json`.
#[derive(Deserialize)]
struct ShapeCase<'a> {
    name: String,
    #[serde(rename = "type")]
    ballot: String,
    choices: Vec<String>,
    #[serde(default = "eighteen")]
    decimals: u8,
    #[serde(borrow)]
    votes: &'a serde_json::value::RawValue,
}

fn eighteen() -> u8 {
    18
}

#[derive(Deserialize)]
struct ShapeExpected {
    snapshot_js: String,
    cases: Vec<ShapeResult>,
}

#[derive(Deserialize)]
struct ShapeResult {
    name: String,
    valid: u64,
    scores: Vec<f64>,
}

/// Issue 16 item 5: the vote shapes snapshot.js tallies that govkit used to
/// refuse or read differently (map keys `"01"`, `"1.0"`, `" 1"`, `"1e0"`;
/// rankings as strings; `"choice": null`; over-precise vp), each tallied
/// through govkit's reader and ballot types and compared with snapshot.js's
/// own scores (`scripts/snapshot-crosscheck/shapes.js`, committed as
/// `shapes-expected.json`).
#[test]
fn snapshot_shapes_match_snapshot_js() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/snapshot-crosscheck");
    let cases_text = std::fs::read_to_string(dir.join("shapes.json")).unwrap();
    let cases: Vec<ShapeCase<'_>> = serde_json::from_str(&cases_text).unwrap();
    let expected: ShapeExpected =
        serde_json::from_str(&std::fs::read_to_string(dir.join("shapes-expected.json")).unwrap())
            .unwrap();
    assert_eq!(expected.snapshot_js, "0.17.5");
    assert_eq!(cases.len(), expected.cases.len());
    for (case, want) in cases.iter().zip(&expected.cases) {
        assert_eq!(case.name, want.name);
        let kind = BallotKind::ALL
            .into_iter()
            .find(|k| k.name() == case.ballot)
            .unwrap_or_else(|| panic!("{}: ballot {}", case.name, case.ballot));
        let text = format!(
            "{{\"proposal\": {{\"choices\": {}}}, \"votes\": {}}}",
            serde_json::to_string(&case.choices).unwrap(),
            case.votes.get()
        );
        let read =
            govkit::io::snapshot_json::parse(Path::new("shapes.json"), &text, case.decimals, None)
                .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        let ballot = kind.ballot_type();
        let mechanism = govkit::TokenWeighted;
        let tally = Evaluation::new(
            "shape",
            Choices::new(case.choices.clone()).unwrap(),
            ballot.as_ref(),
            &mechanism,
            DecisionRules::plurality(),
            case.decimals,
        )
        .tally(&read.votes, None)
        .unwrap();
        assert_eq!(
            tally.counts.counted, want.valid,
            "{}: valid ballots",
            case.name
        );
        let unit = BigRational::from_integer(BigInt::from(10u8).pow(u32::from(case.decimals)));
        for (i, (got, w)) in tally.scores.iter().zip(&want.scores).enumerate() {
            let e = relative_error(&(got.as_rational() / &unit), *w);
            assert!(
                e <= tolerance(),
                "{} choice {}: govkit {} vs snapshot.js {w}",
                case.name,
                i + 1,
                got.as_rational()
            );
        }
    }
}

/// Over-precise vp are rounded to the nearest base unit (a half up) and
/// counted: 5.421010862427522e-20 tokens at 18 decimals is 0.0542... base
/// units (to 0, change 0.0542...), 3.0000000000000000006 is 3·10^18 + 0.6
/// (up, change 0.4), 1.23456789012345678901 is 1234567890123456789.01
/// base units (down, change 0.01): three votes, total change
/// 0.0542... + 0.4 + 0.01 base units, by hand.
#[test]
fn over_precise_vp_is_rounded_and_reported() {
    let text = r#"[
{"voter": "a", "choice": 1, "vp": 5.421010862427522e-20},
{"voter": "b", "choice": 1, "vp": 3.0000000000000000006},
{"voter": "c", "choice": 2, "vp": 2.5},
{"voter": "d", "choice": 2, "vp": 1.23456789012345678901}
]"#;
    let read = govkit::io::snapshot_json::parse(Path::new("v.json"), text, 18, None).unwrap();
    let w: Vec<u128> = read
        .votes
        .votes
        .iter()
        .map(|v| v.weight.unwrap().base_units())
        .collect();
    assert_eq!(
        w,
        vec![
            0,
            3_000_000_000_000_000_001,
            2_500_000_000_000_000_000,
            1_234_567_890_123_456_789
        ]
    );
    assert_eq!(read.rounded.votes, 3);
    let r = |n: i64, d: i64| BigRational::new(n.into(), d.into());
    let first = r(5_421_010_862_427_522, 1) / BigRational::from_integer(BigInt::from(10u8).pow(17));
    let want = first + r(4, 10) + r(1, 100);
    assert_eq!(read.rounded.total_change, want);
    let note = read.rounded.note(18).unwrap();
    assert!(
        note.starts_with("3 vote(s) had a vp with more than 18 decimals"),
        "{note}"
    );
}
