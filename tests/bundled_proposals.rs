//! The examples in `proposals/` run from a fresh clone and give the
//! officially recorded or hand-computed outcomes.

use std::path::PathBuf;

use govkit::{Outcome, Proposal};

fn load(name: &str) -> govkit::Report {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("proposals")
        .join(name);
    Proposal::load(path).unwrap().evaluate().unwrap()
}

#[test]
fn compound_43_passed_as_on_chain() {
    let r = load("compound-43.toml");
    assert_eq!(r.outcome, Outcome::Passed);
    assert_eq!(r.official_outcome, Some(govkit::OfficialStatus::Passed));
    // 95 VoteCast events; the For sum is the exact sum of their `votes`
    // (cross-checked against the full log in governor_outcomes.rs).
    assert_eq!(r.votes.read, 95);
    assert_eq!(r.choices[0].power, "1367841.964900760752685033");
    assert_eq!(r.choices[1].power, "5000");
    assert_eq!(r.quorum.required, "400000");
}

#[test]
fn decentraland_poi_rejected_on_yes_threshold() {
    // Official status in proposals.csv: rejected; threshold 500000 VP.
    // yes = 499638.58 VP by the export's own per-vote VP (sum of 'yes' rows).
    let r = load("decentraland-poi-14-14.toml");
    assert_eq!(r.outcome, Outcome::Rejected);
    assert!(!r.quorum.reached);
    assert!(r.choices[0]
        .power
        .to_string()
        .starts_with("499638.57792326"));
    assert_eq!(r.votes.read, 20);
}

#[test]
fn snapshot_approval_fixture_scores() {
    let r = load("snapshot-approval.toml");
    let powers: Vec<String> = r.choices.iter().map(|c| c.power.to_string()).collect();
    assert_eq!(powers, ["257", "171", "139", "125"]);
    assert_eq!(r.winner.as_deref(), Some("Article 1"));
}

#[test]
fn aragon_example_executable_after_end_only() {
    // ANCHORS: yes 30 / no 10 of 100 -> executable after end, not early.
    let r = load("aragon-example.toml");
    assert_eq!(r.outcome, Outcome::Passed);
    assert_eq!(r.early_execution, Some(false));
    assert_eq!(r.quorum.required, "25");
    assert_eq!(r.quorum.counted, "40");
}

#[test]
fn compound_43_under_quadratic_voting() {
    // Independent check (Python): sum of math.isqrt(votes) over the 95
    // VoteCast rows by support: For 4431555493790, Against 70710678118
    // (= floor(sqrt(5000e18))), in units of 1e-9 sqrt-COMP.
    let r = load("compound-43-quadratic.toml");
    assert_eq!(r.power_decimals, 9);
    assert_eq!(r.choices[0].power, "4431.55549379");
    assert_eq!(r.choices[1].power, "70.710678118");
    assert_eq!(r.outcome, Outcome::Passed);
    assert!(r.notes[0].contains("not sybil-resistant"));
    // The quorum still counts COMP: 400,000 required, the For turnout is
    // the token sum of the For votes (as in compound_43_passed_as_on_chain).
    assert_eq!(r.quorum.required, "400000");
    assert_eq!(r.quorum.counted, "1367841.964900760752685033");
}

#[test]
fn conviction_mechanism_example() {
    // By hand (see the file): For 100 x 6 = 600, Against 1000 / 10 + 300 x 1
    // = 400, Abstain 50 x 3 = 150; quorum counts capital For + Abstain = 150.
    let r = load("conviction-mechanism.toml");
    let powers: Vec<String> = r.choices.iter().map(|c| c.power.to_string()).collect();
    assert_eq!(powers, ["600", "400", "150"]);
    assert_eq!(r.outcome, Outcome::Passed);
    assert_eq!(r.quorum.counted, "150");
    assert!(r
        .mechanism_details
        .iter()
        .any(|d| d.starts_with("conviction 6x: 1 voters, capital 100, votes 600, lock 32")));
}

#[test]
fn fractional_votes_add_up_as_governor_counting_fractional() {
    // Hand-computed in the proposal file's comment, from OpenZeppelin's
    // `_countVote`: For 2 + 15 + 12, Against 4 + 5, Abstain 1; one cast
    // over the remaining weight and one after the weight was spent are
    // refused and counted.
    let r = load("fractional-votes.toml");
    let powers: Vec<String> = r.choices.iter().map(|c| c.power.to_string()).collect();
    assert_eq!(powers, ["29", "9", "1"]);
    assert_eq!(r.outcome, Outcome::Passed);
    assert_eq!(r.quorum.counted, "30");
    assert_eq!((r.votes.read, r.votes.counted, r.votes.merged), (7, 3, 2));
    assert_eq!(r.votes.invalid_reasons["exceeds-remaining-weight"], 1);
    assert_eq!(r.votes.invalid_reasons["already-cast"], 1);
}

#[test]
fn fractional_votes_under_quadratic_split_each_voters_root() {
    // Quadratic prices each voter once: floor roots of the weights 7, 30,
    // 12 are 2, 5, 3, and each choice gets power × amount / weight:
    // For 2·2/7 + 5·15/30 + 3·12/12 = 85/14, Against 2·4/7 + 5·5/30 =
    // 83/42, Abstain 2·1/7 = 2/7.
    let dir = tempfile::tempdir().unwrap();
    let proposals = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("proposals");
    let text = std::fs::read_to_string(proposals.join("fractional-votes.toml"))
        .unwrap()
        .replace(
            "data/fractional-votes.csv",
            &proposals
                .join("data/fractional-votes.csv")
                .display()
                .to_string()
                .replace('\\', "/"),
        )
        + "\n[mechanism]\nkind = \"quadratic\"\n";
    let path = dir.path().join("q.toml");
    std::fs::write(&path, text).unwrap();
    let r = Proposal::load(path).unwrap().evaluate().unwrap();
    let powers: Vec<String> = r.choices.iter().map(|c| c.power.to_string()).collect();
    assert_eq!(powers, ["85/14", "83/42", "2/7"]);
}
