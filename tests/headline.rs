//! The README's headline table is what `govkit compare --all
//! proposals/headline` prints, and its numbers agree with individual
//! evaluations of the same proposals.

use std::collections::HashMap;
use std::path::PathBuf;

use assert_cmd::Command;
use govkit::batch::compare_all;
use govkit::compare::Variant;
use govkit::{Amount, AmountUnit, Proposal};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn readme_headline_is_the_commands_output() {
    let out = Command::cargo_bin("govkit")
        .unwrap()
        .current_dir(root())
        .args(["compare", "--all", "proposals/headline"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme.find("<!-- headline:start -->\n```\n").unwrap() + 28;
    let end = readme.find("```\n<!-- headline:end -->").unwrap();
    assert_eq!(
        readme[start..end].trim_end(),
        out.trim_end(),
        "README.md's headline table is out of date: rerun the command"
    );
}

/// Each batch row under token-weighted voting equals `evaluate` of the
/// same proposal on its own.
fn check_against_evaluate(
    template: &str,
    every: usize,
    quorum_of: impl Fn(&str) -> Option<Amount>,
) -> usize {
    let template = Proposal::load(root().join("proposals/headline").join(template)).unwrap();
    let variants =
        vec![Variant::parse("token-weighted", 18, &govkit::Registry::builtin()).unwrap()];
    let batch = compare_all(&template, &variants, &[], 1, &mut |_, _| {}).unwrap();
    let mut checked = 0;
    for c in batch.comparisons.iter().step_by(every) {
        let mut single = match quorum_of(&c.id) {
            Some(q) => template.with_quorum(q),
            None => template.clone(),
        };
        single.votes.proposal_id = Some(c.id.clone());
        let report = single.evaluate().unwrap();
        let row = &c.rows[0];
        assert_eq!(report.outcome, row.outcome, "proposal {}", c.id);
        assert_eq!(report.choices, row.choices, "proposal {}", c.id);
        checked += 1;
    }
    checked
}

#[test]
fn governor_batch_rows_equal_single_evaluations() {
    assert_eq!(
        check_against_evaluate("compound-bravo.toml", 1, |_| None),
        83
    );
    assert_eq!(check_against_evaluate("uniswap-alpha.toml", 1, |_| None), 5);
}

#[test]
fn decentraland_batch_rows_equal_single_evaluations() {
    // Thresholds read straight from the DAO's proposals.csv.
    let path = root().join("../shared/data/decentraland/proposals.csv");
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers = reader.headers().unwrap().clone();
    let col = |n: &str| headers.iter().position(|h| h == n).unwrap();
    let (id, threshold) = (col("Snapshot ID"), col("Threshold"));
    let thresholds: HashMap<String, Amount> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (
                r[id].to_string(),
                Amount::parse(&r[threshold], AmountUnit::Token, 18).unwrap(),
            )
        })
        .collect();
    let checked = check_against_evaluate("decentraland.toml", 25, |id| thresholds.get(id).copied());
    assert!(checked >= 25, "{checked}");
}
