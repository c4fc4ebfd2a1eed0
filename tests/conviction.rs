//! Conviction voting end to end: every 1Hive, Polkadot conviction, curve
//! and adaptive-quorum vector of `../shared/docs/ANCHORS.md`, the two
//! bundled examples with hand-computed expectations, and the CLI's errors
//! for bad parameters and timelines (exit 2, file, line and field named).

use std::path::PathBuf;

use assert_cmd::Command;
use govkit::conviction::{
    AccountVote, Conviction, ConvictionFile, Curve, DemocracyTally, FundingParams, Perbill,
    RefOutcome, ReferendumTally, TimelineRow, VoteBook, VoteThreshold,
};
use govkit::io::conviction_files;
use govkit::Location;
use predicates::prelude::*;
use serde_json::Value;

fn bundled(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("proposals")
        .join(name)
}

// ---------------------------------------------------------------- ANCHORS

fn anchor_params() -> FundingParams {
    // a 0.9, beta 0.2, rho 0.002, min stake 20%.
    FundingParams::parse("0.9", "0.2", "0.002", "20%").unwrap()
}

#[test]
fn anchors_1hive_conviction_and_thresholds() {
    let p = anchor_params();
    // Conviction after 10 blocks from 0 at stake 15000 = 97698.234 -> 97698.
    assert_eq!(p.conviction(10, 0, 15_000).unwrap(), 97_698);
    // threshold(1000) with 45000 staked = 50625; with 0 staked the 20%
    // minimum (9000 of 45000) applies: 10125.
    let s = p.effective_supply(45_000, 45_000);
    assert_eq!(p.threshold(1000, 15_000, s).unwrap(), 50_625);
    let s = p.effective_supply(0, 45_000);
    assert_eq!(s, 9_000);
    assert_eq!(p.threshold(1000, 15_000, s).unwrap(), 10_125);
    // a = 0.9999599, 17280 blocks at 15000 from 0 -> 186994020.
    let p = FundingParams::parse("0.9999599", "0.2", "0.002", "20%").unwrap();
    assert_eq!(p.conviction(17_280, 0, 15_000).unwrap(), 186_994_020);
}

#[test]
fn anchors_polkadot_tallies() {
    let tally = |v: AccountVote| {
        let mut t = ReferendumTally::default();
        t.add(v).unwrap();
        t
    };
    use Conviction::*;
    assert_eq!(
        tally(AccountVote::aye(2, Locked5x)),
        ReferendumTally::from_parts(10, 0, 2)
    );
    assert_eq!(
        tally(AccountVote::nay(2, Locked5x)),
        ReferendumTally::from_parts(0, 10, 0)
    );
    assert_eq!(
        tally(AccountVote::aye(5, Locked1x)),
        ReferendumTally::from_parts(5, 0, 5)
    );
    assert_eq!(
        tally(AccountVote::aye(10, None)),
        ReferendumTally::from_parts(1, 0, 10)
    );
    assert_eq!(
        tally(AccountVote::Split { aye: 10, nay: 0 }),
        ReferendumTally::from_parts(1, 0, 10)
    );
    // Account 1 delegates 5 at 1x to account 2; 2 votes aye(10, 0x); 3 and 4
    // vote nay(10, 0x): ayes 1 + 5, nays 1 + 1, support 10 + 5.
    let mut book = VoteBook::default();
    book.delegate("1", "2", Locked1x, 5).unwrap();
    book.vote("2", AccountVote::aye(10, None)).unwrap();
    book.vote("3", AccountVote::nay(10, None)).unwrap();
    book.vote("4", AccountVote::nay(10, None)).unwrap();
    assert_eq!(book.tally(), ReferendumTally::from_parts(6, 2, 15));
    assert!(book.delegate("1", "1", Locked1x, 5).is_err());
    // Lock periods 0, 1, 2, 4, 8, 16, 32.
    let periods: Vec<u32> = Conviction::ALL.iter().map(|c| c.lock_periods()).collect();
    assert_eq!(periods, [0, 1, 2, 4, 8, 16, 32]);
}

#[test]
fn anchors_stepped_curve() {
    let pc = Perbill::from_percent;
    let c = Curve::SteppedDecreasing {
        begin: pc(80),
        end: pc(30),
        step: pc(10),
        period: pc(15),
    };
    for (x, y) in [(0, 80), (15, 70), (45, 50), (75, 30), (100, 30)] {
        assert_eq!(c.threshold(pc(x)), pc(y), "x = {x}%");
    }
}

#[test]
fn anchors_adaptive_quorum_biasing() {
    let t = |ayes, nays, turnout| DemocracyTally {
        ayes,
        nays,
        turnout,
    };
    let smpa = VoteThreshold::SuperMajorityApprove;
    assert!(!smpa.approved(t(60, 50, 110), 210).unwrap());
    assert!(smpa.approved(t(100, 50, 150), 210).unwrap());
}

// ------------------------------------------------------- bundled examples

#[test]
fn bundled_funding_example() {
    let ConvictionFile::Funding(file) =
        conviction_files::load(bundled("conviction-funding.toml")).unwrap()
    else {
        panic!("a funding file");
    };
    let report = conviction_files::simulate(&file, None).unwrap();
    let by_id = |id: &str| {
        report
            .proposals
            .iter()
            .find(|o| o.id == id)
            .unwrap()
            .clone()
    };
    // threshold = 0.02·S/(0.2 − r/15000)²; S = max(staked, 9000).
    //
    // garden (1000: 1.125·S): alice 1000 from block 0 (limit 10000 < 10125);
    // carol adds 2000 at block 5, where conviction is 10000·(1 − 0.9^5) =
    // 4095.1 -> 4095. Then y = 30000 − 25905·0.9^t: t = 2 gives 9017,
    // t = 3 gives 11115.3 > 10125 (S = 6000 staked -> 9000): block 8.
    let garden = by_id("garden");
    assert_eq!(garden.passes_at, Some(8));
    assert_eq!((garden.threshold, garden.conviction), (10_125, 11_115));
    // Issue 16 item 9: staked is taken at block 8 (alice 1000 + carol
    // 2000), the limit at the final stake (alice leaves at 25: carol's 2000,
    // 2000/(1 − 0.9) = 20000), and the report says which is which.
    assert_eq!(
        (garden.staked, garden.final_stake, garden.limit),
        (3_000, 2_000, 20_000)
    );
    // bridge (2000: 4.5·S): bob 3000 from 0 (limit 30000 < 40500); dave adds
    // 6000 at 12, conviction 30000·(1 − 0.9^12) = 21527.1 -> 21527; staked
    // 12000 -> S 12000, threshold 54000; y = 90000 − 68473·0.9^t: t = 6
    // gives 53610, t = 7 gives 57249.6 -> 57250 > 54000: block 19.
    let bridge = by_id("bridge");
    assert_eq!(bridge.passes_at, Some(19));
    assert_eq!((bridge.threshold, bridge.conviction), (54_000, 57_250));
    // zine (500: 0.72·S): erin 500 from 20, limit 5000 below any threshold
    // (8280 at S = 11500 after alice leaves at 25): never. Conviction at
    // block 25: 5000·(1 − 0.9^5) = 2047.55 -> 2048.
    let zine = by_id("zine");
    assert_eq!(zine.passes_at, None);
    assert_eq!(
        (zine.at_block, zine.threshold, zine.conviction, zine.limit),
        (25, 8_280, 2_048, 5_000)
    );
    // Until block 10: bridge has not passed yet.
    let report = conviction_files::simulate(&file, Some(10)).unwrap();
    assert_eq!(report.proposals[1].passes_at, None);
    assert_eq!(report.proposals[0].passes_at, Some(8));
}

#[test]
fn bundled_referendum_example() {
    let ConvictionFile::Referendum(file) =
        conviction_files::load(bundled("referendum-small-spend.toml")).unwrap()
    else {
        panic!("a referendum file");
    };
    let d = file.run().unwrap().decision;
    let tokens = |t: u128| t * 10u128.pow(10);
    // Deciding from block 10 (prepare 10). Before: ayes 3000 (alice 1000 at
    // 3x) + 1200 (carol's 600 at 2x, delegated), nays 500, support 1600.
    // Approval 4200/4700 = 89.36% needs 100% − 50%·x: from x = 22%; support
    // 16% needs 20% until x = 25%: passing from block 35, confirm to 55.
    // Bob's switch to 6x at block 50 (nays 3000 + dave's 200) drops approval
    // to 4200/7400 = 56.76% < 80%: aborted at 50. Passing again when
    // 100% − 50%·x <= 56.76%: x = 87% (block 97), confirmed at 117.
    assert_eq!(d.deciding_since, 10);
    assert_eq!(d.confirmations.len(), 2);
    assert_eq!(
        (d.confirmations[0].started, d.confirmations[0].aborted),
        (35, Some(50))
    );
    assert_eq!(d.confirmations[1].started, 97);
    assert_eq!(d.outcome, RefOutcome::Approved(117));
    // Frank's 100 at 6x (block 100) joins: ayes 4800, nays 3200, support
    // 1600 + erin's 500 abstain + 100 = 2200.
    assert_eq!(
        d.tally,
        ReferendumTally::from_parts(tokens(4800), tokens(3200), tokens(2200))
    );
    assert_eq!(d.approval, Perbill::from_percent(60));
    // Winning-side locks: alice 3x (4 periods), frank 6x (32); carol is
    // still delegating at 2x; bob (losing side) and dave (0.1x) are free.
    let locks: Vec<(&str, u32)> = d
        .locks
        .iter()
        .map(|l| (l.account.as_str(), l.periods))
        .collect();
    assert_eq!(locks, [("alice", 4), ("carol", 2), ("frank", 32)]);
    // Democracy, SuperMajorityApprove: turnout 4700 (capital), sqrt 68;
    // electorate 10000, sqrt 100: 3200/68 = 47.06 < 4800/100 = 48.
    assert_eq!(
        d.adaptive_quorum,
        Some((VoteThreshold::SuperMajorityApprove, true))
    );
}

#[test]
fn cli_runs_both_bundled_examples() {
    let out = Command::cargo_bin("govkit")
        .unwrap()
        .args(["conviction", "--format", "json"])
        .arg(bundled("conviction-funding.toml"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    let p = &v["proposals"];
    assert_eq!(p[0]["id"], "garden");
    assert_eq!(p[0]["requested"], "1000");
    assert_eq!(p[0]["threshold"], "10125");
    assert_eq!(p[0]["passes_at"], 8);
    assert_eq!(p[2]["passes_at"], Value::Null);
    assert_eq!(
        (&p[0]["staked"], &p[0]["final_stake"]),
        (&"3000".into(), &"2000".into())
    );
    assert_eq!(p[0]["limit"], "20000");
    // The table's columns match their footnote: the limit is the final
    // stake's, in its own column.
    Command::cargo_bin("govkit")
        .unwrap()
        .arg("conviction")
        .arg(bundled("conviction-funding.toml"))
        .assert()
        .success()
        .stdout(predicate::str::contains("staked  final stake  limit"))
        .stdout(predicate::str::contains("3000         2000  20000"))
        .stdout(predicate::str::contains("limit = final stake/(1 − a)"));
    Command::cargo_bin("govkit")
        .unwrap()
        .arg("conviction")
        .arg(bundled("referendum-small-spend.toml"))
        .assert()
        .success()
        .stdout(predicate::str::contains("APPROVED at block 117"));
}

#[test]
fn cli_writes_the_series() {
    let dir = tempfile::tempdir().unwrap();
    let series = dir.path().join("curve.csv");
    Command::cargo_bin("govkit")
        .unwrap()
        .arg("conviction")
        .arg(bundled("conviction-funding.toml"))
        .arg("--series")
        .arg(&series)
        .args(["--step", "5"])
        .assert()
        .success();
    let text = std::fs::read_to_string(&series).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("block,proposal,staked,conviction,threshold,passing")
    );
    assert!(text.contains("8,garden,3000,11115,10125,true"), "{text}");
    assert!(text.contains("5,garden,3000,4095,10125,false"), "{text}");
}

// ------------------------------------------------------------ bad input

/// Writes a funding file (with `conviction` as the body of its
/// `[conviction]` table, on line 2 onward) and a timeline, runs the CLI and
/// returns stderr of the failing run.
fn funding_error(conviction: &str, proposals: &str, stakes: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let toml = format!("[conviction]\n{conviction}\ntimeline = \"stakes.csv\"\n{proposals}");
    std::fs::write(dir.path().join("f.toml"), toml).unwrap();
    std::fs::write(dir.path().join("stakes.csv"), stakes).unwrap();
    let out = Command::cargo_bin("govkit")
        .unwrap()
        .arg("conviction")
        .arg(dir.path().join("f.toml"))
        .assert()
        .code(2)
        .get_output()
        .clone();
    String::from_utf8(out.stderr).unwrap()
}

const PARAMS: &str = r#"decay = "0.9"
max_ratio = "0.2"
weight = "0.002"
min_threshold_stake = "20%"
funds = "15000"
supply = "45000"
decimals = 0"#;
const ONE: &str = "[[proposal]]\nid = \"p\"\nrequested = \"1000\"\n";
const STAKES: &str = "block,account,proposal,amount\n0,a,p,10\n";

#[test]
fn bad_parameters_name_the_parameter_and_line() {
    let e = funding_error(&PARAMS.replace("\"0.9\"", "\"1.5\""), ONE, STAKES);
    assert!(
        e.contains("f.toml line 2: field 'conviction.decay': a = 1.5 is outside (0, 1)"),
        "{e}"
    );
    let e = funding_error(
        &PARAMS.replace("max_ratio = \"0.2\"", "max_ratio = \"0\""),
        ONE,
        STAKES,
    );
    assert!(
        e.contains("line 3: field 'conviction.max_ratio': beta must be positive"),
        "{e}"
    );
    let e = funding_error(
        &PARAMS.replace("max_ratio = \"0.2\"", "max_ratio = \"-0.2\""),
        ONE,
        STAKES,
    );
    assert!(
        e.contains("field 'conviction.max_ratio'") && e.contains("negative"),
        "{e}"
    );
    let e = funding_error(&PARAMS.replace("\"0.9\"", "0.9"), ONE, STAKES);
    assert!(e.contains("line 2") && e.contains("not exact"), "{e}");
    // r >= beta·R: 3000 of 15000 at beta 0.2.
    let e = funding_error(
        PARAMS,
        "[[proposal]]\nid = \"p\"\nrequested = \"3000\"\n",
        STAKES,
    );
    assert!(
        e.contains("line 12: field 'proposal.requested'") && e.contains("can never pass"),
        "{e}"
    );
}

#[test]
fn bad_timelines_name_file_line_and_field() {
    let e = funding_error(
        PARAMS,
        ONE,
        "block,account,proposal,amount\n0,a,p,10\n1,b,p,-5\n",
    );
    assert!(
        e.contains("stakes.csv line 3: field 'amount'") && e.contains("negative"),
        "{e}"
    );
    let e = funding_error(
        PARAMS,
        ONE,
        "block,account,proposal,amount\n5,a,p,10\n3,b,p,5\n",
    );
    assert!(
        e.contains("stakes.csv line 3: field 'block': block 3 comes before block 5"),
        "{e}"
    );
    let e = funding_error(PARAMS, ONE, "block,account,proposal,amount\n5,a,q,10\n");
    assert!(
        e.contains("line 2: field 'proposal'") && e.contains("no [[proposal]] with id \"q\""),
        "{e}"
    );
    let e = funding_error(PARAMS, ONE, "block,account,proposal,amount\nx,a,p,10\n");
    assert!(e.contains("line 2: field 'block'"), "{e}");
}

#[test]
fn bad_referendum_votes_name_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let base = std::fs::read_to_string(bundled("referendum-small-spend.toml")).unwrap();
    let run = |text: String| {
        std::fs::write(dir.path().join("r.toml"), text).unwrap();
        let out = Command::cargo_bin("govkit")
            .unwrap()
            .arg("conviction")
            .arg(dir.path().join("r.toml"))
            .assert()
            .code(2)
            .get_output()
            .clone();
        String::from_utf8(out.stderr).unwrap()
    };
    // Carol delegates, then votes: the pallet refuses (AlreadyDelegating).
    let e = run(base.clone() + "\n[[vote]]\nblock = 101\naccount = \"carol\"\nvote = \"aye\"\nbalance = \"1\"\nconviction = \"1x\"\n");
    assert!(
        e.contains("field 'vote'") && e.contains("carol is delegating"),
        "{e}"
    );
    // Time going backwards.
    let e = run(base.clone() + "\n[[vote]]\nblock = 3\naccount = \"zed\"\nvote = \"aye\"\nbalance = \"1\"\nconviction = \"1x\"\n");
    assert!(
        e.contains("field 'vote.block': block 3 comes before block 100"),
        "{e}"
    );
    // Delegating to oneself.
    let e = run(base.clone() + "\n[[vote]]\nblock = 101\naccount = \"zed\"\nvote = \"delegate\"\nto = \"zed\"\nbalance = \"1\"\nconviction = \"1x\"\n");
    assert!(
        e.contains("field 'vote.to': zed cannot delegate to itself"),
        "{e}"
    );
    // A conviction that does not exist.
    let e = run(base.replace("conviction = \"3x\"", "conviction = \"7x\""));
    assert!(
        e.contains("field 'vote.conviction'") && e.contains("\"7x\" is not a conviction"),
        "{e}"
    );
}

#[test]
fn a_file_of_neither_kind_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("x.toml"), "id = \"x\"\n").unwrap();
    Command::cargo_bin("govkit")
        .unwrap()
        .arg("conviction")
        .arg(dir.path().join("x.toml"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("neither a funding file"));
}

/// An embedder without files: the funding file's text and its timeline rows
/// in memory give the same report as reading them from disk.
#[test]
fn funding_in_memory_matches_the_files() {
    let path = bundled("conviction-funding.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let ConvictionFile::Funding(file) = ConvictionFile::from_toml(&path, &text).unwrap() else {
        panic!("a funding file");
    };
    let rows = [
        ("0", "alice", "garden", "1000"),
        ("0", "bob", "bridge", "3000"),
        ("5", "carol", "garden", "2000"),
        ("12", "dave", "bridge", "6000"),
        ("20", "erin", "zine", "500"),
        ("25", "alice", "garden", "0"),
    ];
    let mut timeline = file.timeline();
    for (i, &(block, account, proposal, amount)) in rows.iter().enumerate() {
        let line = i as u64 + 2;
        let row = TimelineRow {
            block,
            account,
            proposal,
            amount,
        };
        timeline
            .push(line, row, |_| Location::line("memory", line))
            .unwrap();
    }
    let in_memory = file.simulate(&timeline.finish(), None).unwrap();
    let from_files = conviction_files::simulate(&file, None).unwrap();
    assert_eq!(in_memory.proposals, from_files.proposals);
    assert_eq!(in_memory.to_json(), from_files.to_json());

    // Rows are checked as the CSV's are, at the location the caller gives.
    let mut timeline = file.timeline();
    let row = TimelineRow {
        block: "7",
        account: "zed",
        proposal: "nope",
        amount: "1",
    };
    let e = timeline
        .push(9, row, |f| {
            Location::line("memory", 9).with_field(format!("{f:?}"))
        })
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("memory line 9: field 'Proposal': no [[proposal]] with id \"nope\""),
        "{e}"
    );
}
