//! pallet-conviction-voting's tally vectors (ANCHORS.md) through govkit's
//! evaluator: ayes and nays are the For and Against scores, support is the
//! capital (turnout) behind For and Abstain.

use govkit::{
    Amount, BallotKind, Choices, DecisionRules, Evaluation, Roles, Selection, Vote, VoteSet, Voter,
};

/// (ayes, nays, support) for votes of (choice, capital, conviction).
fn tally(votes: &[(u32, u128, &str)]) -> (String, String, String) {
    let set = VoteSet::latest_per_voter(
        "pallet".into(),
        votes
            .iter()
            .enumerate()
            .map(|(i, &(choice, capital, conviction))| Vote {
                voter: Some(Voter::new(&format!("account{i}"))),
                selection: Selection::Single(choice),
                weight: Some(Amount::from_base_units(capital)),
                cast_at: None,
                line: i as u64 + 1,
                attributes: govkit::vote::Attributes::new().with("conviction", conviction),
            })
            .collect(),
    );
    let ballot = BallotKind::Basic.ballot_type();
    let mechanism = govkit::mechanism::ConvictionVoting::default();
    let report = Evaluation::new(
        "pallet",
        Choices::basic(),
        ballot.as_ref(),
        &mechanism,
        DecisionRules::majority(Roles::BASIC),
        0,
    )
    .run(&set, None)
    .unwrap();
    let support = report.tally.turnout[0].as_rational() + report.tally.turnout[2].as_rational();
    (
        report.choices[0].power.to_string(),
        report.choices[1].power.to_string(),
        support.to_string(),
    )
}

fn t(a: &str, n: &str, s: &str) -> (String, String, String) {
    (a.into(), n.into(), s.into())
}

#[test]
fn pallet_tally_vectors() {
    // aye(2, 5x) -> Tally(10, 0, 2)
    assert_eq!(tally(&[(1, 2, "5x")]), t("10", "0", "2"));
    // nay(2, 5x) -> Tally(0, 10, 0)
    assert_eq!(tally(&[(2, 2, "5x")]), t("0", "10", "0"));
    // aye(5, 1x) -> Tally(5, 0, 5)
    assert_eq!(tally(&[(1, 5, "1x")]), t("5", "0", "5"));
    // aye(10, 0x) -> Tally(1, 0, 10)
    assert_eq!(tally(&[(1, 10, "none")]), t("1", "0", "10"));
}
