//! Quadratic voting with voice credits, end to end from files (the
//! arithmetic is in tests/data/credits/proposal.toml).

use std::path::PathBuf;

use govkit::{Outcome, Proposal};

#[test]
fn over_budget_ballots_are_invalid_and_counted() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/credits/proposal.toml");
    let r = Proposal::load(path).unwrap().evaluate().unwrap();
    let powers: Vec<String> = r.choices.iter().map(|c| c.power.to_string()).collect();
    assert_eq!(powers, ["11", "18", "5"]);
    assert_eq!(r.votes.counted, 3);
    assert_eq!(r.votes.invalid, 1);
    assert_eq!(r.votes.invalid_reasons.get("over-budget"), Some(&1));
    assert_eq!(r.outcome, Outcome::Passed);
    assert_eq!(r.winner.as_deref(), Some("Road"));
}
