//! Voting-window rules: OpenZeppelin's `GovernorSuperQuorum` and
//! `GovernorPreventLateQuorum`, on the extensions' own test scenarios and on
//! the real Compound Bravo proposal 43 log. Expected values are worked out
//! by hand in the comments, or (Compound) recomputed from the CSV rows by a
//! separate script whose numbers are quoted.

use std::path::{Path, PathBuf};

use govkit::{Outcome, Proposal, Report};

/// Writes `votes` (CSV with a `created` column holding blocks) beside a
/// proposal whose `[rules]` are `rules`, and evaluates it.
fn run(dir: &Path, rules: &str, votes: &str) -> govkit::Result<Report> {
    std::fs::write(dir.join("votes.csv"), votes).unwrap();
    let text = format!(
        "id = \"window\"\nballot = \"basic\"\ndecimals = 0\n\n[votes]\npath = \"votes.csv\"\n\
         format = \"csv\"\n\n[rules]\n{rules}\n"
    );
    let path = dir.join("window.toml");
    std::fs::write(&path, &text).unwrap();
    Proposal::from_toml(&path, &text)?.evaluate()
}

fn powers(r: &Report) -> Vec<String> {
    r.choices.iter().map(|c| c.power.to_string()).collect()
}

#[test]
fn super_quorum_closes_the_vote_as_openzeppelin_test_does() {
    // GovernorSuperQuorum.test.js: quorum 10, super-quorum 40 (of 100).
    // 30 For: For >= quorum, but < super-quorum: still active. 20 more For
    // at block 102: 50 >= 40 and For > Against: Succeeded at once. The
    // Against 60 at block 103 arrives after that and does not count
    // (counted, it would defeat the proposal 50 to 60).
    let dir = tempfile::tempdir().unwrap();
    let rules =
        "quorum = \"10%\"\nquorum_counts = [\"For\", \"Abstain\"]\ntotal_supply = \"100\"\n\
                 super_quorum = \"40%\"";
    let votes = "voter,choice,weight,created\n0xa,For,30,101\n0xb,For,20,102\n0xc,Against,60,103\n";
    let r = run(dir.path(), rules, votes).unwrap();
    assert_eq!(powers(&r), ["50", "0", "0"]);
    assert_eq!(r.outcome, Outcome::Passed);
    assert!(
        r.reason.starts_with("super-quorum reached at 102 (line 3)"),
        "{}",
        r.reason
    );
    assert_eq!((r.votes.counted, r.votes.too_late), (2, 1));
    let w = r.window.as_ref().unwrap();
    assert_eq!((w.closed_at, w.too_late), (Some(102), 1));

    // The first vote alone (30 For) does not close it; Against 60 then
    // counts and defeats it.
    let votes = "voter,choice,weight,created\n0xa,For,30,101\n0xc,Against,60,103\n";
    let r = run(dir.path(), rules, votes).unwrap();
    assert_eq!(powers(&r), ["30", "60", "0"]);
    assert_eq!(r.outcome, Outcome::Rejected);
    assert_eq!(r.window.as_ref().unwrap().closed_at, None);

    // Order is by block, not by line: the same votes listed backwards
    // close at block 102 all the same.
    let votes = "voter,choice,weight,created\n0xc,Against,60,103\n0xb,For,20,102\n0xa,For,30,101\n";
    let r = run(dir.path(), rules, votes).unwrap();
    assert_eq!(powers(&r), ["50", "0", "0"]);
    assert_eq!(r.votes.too_late, 1);
}

#[test]
fn super_quorum_needs_for_above_against() {
    // 40 For reach the super-quorum but 45 Against came first: For >
    // Against fails, the vote stays open; nothing is too late.
    let dir = tempfile::tempdir().unwrap();
    let rules = "quorum = \"10%\"\ntotal_supply = \"100\"\nsuper_quorum = \"40\"";
    let votes = "voter,choice,weight,created\n0xc,Against,45,100\n0xa,For,40,101\n0xb,For,10,102\n";
    let r = run(dir.path(), rules, votes).unwrap();
    // After 0xb: For 50 >= 40 and 50 > 45: closed at 102, all counted.
    assert_eq!(powers(&r), ["50", "45", "0"]);
    assert_eq!(r.window.as_ref().unwrap().closed_at, Some(102));
    assert_eq!(r.votes.too_late, 0);
}

#[test]
fn late_quorum_extends_the_deadline() {
    // GovernorPreventLateQuorum: deadline 116, extension 8. Quorum (10 of
    // 100, For + Abstain) is first reached by the vote at 115: the
    // deadline becomes max(116, 115 + 8) = 123. Against 20 at 120 counts;
    // Against 30 at 124 is too late. For 11, Against 20: rejected.
    let dir = tempfile::tempdir().unwrap();
    let rules =
        "quorum = \"10%\"\nquorum_counts = [\"For\", \"Abstain\"]\ntotal_supply = \"100\"\n\
                 vote_end = 116\nlate_quorum_extension = 8";
    let votes = "voter,choice,weight,created\n0xa,For,5,110\n0xb,For,6,115\n\
                 0xc,Against,20,120\n0xd,Against,30,124\n";
    let r = run(dir.path(), rules, votes).unwrap();
    assert_eq!(powers(&r), ["11", "20", "0"]);
    assert_eq!(r.outcome, Outcome::Rejected);
    let w = r.window.as_ref().unwrap();
    assert_eq!(
        (w.end, w.quorum_reached_at, w.effective_end, w.too_late),
        (Some(116), Some(115), Some(123), 1)
    );

    // Quorum at 104: 104 + 8 = 112 < 116, the deadline stays 116; the vote
    // at 117 is too late, the one at 116 counts (the deadline is inclusive).
    let votes =
        "voter,choice,weight,created\n0xa,For,11,104\n0xc,Against,3,116\n0xd,Against,30,117\n";
    let r = run(dir.path(), rules, votes).unwrap();
    assert_eq!(powers(&r), ["11", "3", "0"]);
    assert_eq!(r.outcome, Outcome::Passed);
    let w = r.window.as_ref().unwrap();
    assert_eq!(
        (w.quorum_reached_at, w.effective_end, w.too_late),
        (Some(104), Some(116), 1)
    );
    let table = r.to_table();
    assert!(
        table.contains("1 too late")
            && table
                .contains("window    deadline 116; quorum reached at 104; 1 valid votes too late"),
        "{table}"
    );
}

#[test]
fn a_deadline_alone_drops_late_votes() {
    let dir = tempfile::tempdir().unwrap();
    let votes = "voter,choice,weight,created\n0xa,For,5,110\n0xd,Against,30,117\n";
    let r = run(dir.path(), "vote_end = 116", votes).unwrap();
    assert_eq!(powers(&r), ["5", "0", "0"]);
    assert_eq!((r.votes.read, r.votes.counted, r.votes.too_late), (2, 1, 1));
}

#[test]
fn window_rules_refuse_what_they_cannot_use() {
    let dir = tempfile::tempdir().unwrap();
    let ok_votes = "voter,choice,weight,created\n0xa,For,5,110\n";
    // No deadline.
    let err = run(
        dir.path(),
        "quorum = \"1\"\nlate_quorum_extension = 8",
        ok_votes,
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("needs the proposal's deadline"),
        "{err}"
    );
    // No quorum to react to.
    let err = run(
        dir.path(),
        "vote_end = 200\nlate_quorum_extension = 8",
        ok_votes,
    )
    .unwrap_err();
    assert!(err.to_string().contains("set rules.quorum"), "{err}");
    // A time that is not a block or unix time, named with its line.
    let votes = "voter,choice,weight,created\n0xa,For,5,110\n0xb,For,5,2022-05-01T00:00:00Z\n";
    let err = run(dir.path(), "super_quorum = \"5\"", votes).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("votes.csv") && text.contains("line 3"),
        "{text}"
    );
    // A vote without a time.
    let votes = "voter,choice,weight,created\n0xa,For,5,\n";
    let err = run(dir.path(), "super_quorum = \"5\"", votes).unwrap_err();
    assert!(err.to_string().contains("line 2"), "{err}");
    // A zero super-quorum means nothing.
    let err = run(dir.path(), "super_quorum = \"0\"", ok_votes).unwrap_err();
    assert!(err.to_string().contains("super_quorum"), "{err}");
}

fn compound_43(rules: &str) -> Report {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("proposals");
    let path = dir.join("compound-43.toml");
    let text = std::fs::read_to_string(&path).unwrap().replace(
        "pass = \"majority\"",
        &format!("pass = \"majority\"\n{rules}"),
    );
    Proposal::from_toml(&path, &text)
        .unwrap()
        .evaluate()
        .unwrap()
}

#[test]
fn compound_43_replayed_block_by_block() {
    // The real VoteCast rows of Compound Bravo #43 (95 votes, blocks
    // 12,236,0xx to 12,252,727; ProposalCreated endBlock 12,252,952).
    // Recomputed from the CSV by a separate script (rows sorted by block,
    // then file line; For summed in base units): For first reaches the
    // 400,000 COMP quorum with the vote at block 12,239,976, and crosses
    // 1,000,000 COMP (with Against 0) with the vote on line 89 at block
    // 12,247,107, after 87 votes; 8 votes follow.
    let r = compound_43("late_quorum_extension = 20000");
    let w = r.window.as_ref().unwrap();
    assert_eq!(w.end, Some(12_252_952));
    assert_eq!(w.quorum_reached_at, Some(12_239_976));
    assert_eq!(w.effective_end, Some(12_259_976));
    assert_eq!(w.too_late, 0);
    assert_eq!(r.votes.counted, 95);
    assert_eq!(r.outcome, Outcome::Passed);

    // A one-day extension (6,570 blocks) ends before the deadline: no move.
    let r = compound_43("late_quorum_extension = 6570");
    assert_eq!(r.window.as_ref().unwrap().effective_end, Some(12_252_952));

    let r = compound_43("super_quorum = \"1000000\"");
    let w = r.window.as_ref().unwrap();
    assert_eq!((w.closed_at, w.too_late), (Some(12_247_107), 8));
    assert_eq!(r.votes.counted, 87);
    assert_eq!(powers(&r)[0], "1225447.305990906370446769");
    assert_eq!(powers(&r)[1], "0");
    assert_eq!(r.outcome, Outcome::Passed);
}
