//! The library call behind `govkit control`: `control::analyze` with a
//! `ControlRequest`, in memory and from files.
//!
//! Expected values are the ones `tests/control.rs` checks independently
//! (hand calculation, brute force, the UNI airdrop README, a Python reading
//! of Decentraland's members export) or are recomputed here from the raw
//! CSV with the csv crate and u128 sums.

mod common;

use std::path::PathBuf;

use govkit::control::{
    self, ControlReport, ControlRequest, ControlSource, ControlStage, DelegationsInput, Flip,
    HoldersInput, IndexValues, IndicesMode, Threshold,
};
use govkit::delegation::Policy;
use govkit::io::delegations::DelegationSource;
use govkit::{Amount, AmountUnit, Holders, HoldersSource, Outcome, Voter};
use num_bigint::BigInt;
use num_rational::BigRational;

fn ratio(n: i64, d: i64) -> BigRational {
    BigRational::new(BigInt::from(n), BigInt::from(d))
}

fn run(req: &ControlRequest) -> ControlReport {
    control::analyze(req, &mut |_| {}).unwrap()
}

fn small_holders() -> Holders {
    Holders::from_balances(
        [("0xa", 4), ("0xb", 3), ("0xc", 2), ("0xd", 1)].map(|(a, b)| {
            (
                Voter::new(a),
                Amount::parse(&b.to_string(), AmountUnit::Token, 18).unwrap(),
            )
        }),
    )
    .unwrap()
}

fn small_request(holders: HoldersInput) -> ControlRequest {
    let mut req = ControlRequest::new(Some(holders), None);
    req.options.quota = ">=3/5".parse().unwrap();
    req.options.thresholds = vec![">1/2".parse().unwrap(), ">=1/2".parse().unwrap()];
    req
}

#[test]
fn in_memory_holders_give_exact_metrics_and_indices() {
    // [6; 4,3,2,1]: the values tests/control.rs checks through the CLI
    // (4 + 3 > 5, 4 < 5 <= 7; Gini 1/4, HHI 30/100, top-1 share 4/10;
    // Banzhaf swings 5,3,3,1 of 2^3: absolute 5/8, normalized 5/12, 1/12).
    let req = small_request(HoldersInput::Memory {
        name: "four holders".into(),
        holders: small_holders(),
    });
    let mut stages = Vec::new();
    let r = control::analyze(&req, &mut |s| stages.push(s)).unwrap();
    // Progress within the indices aside (tests/control_power_index.rs).
    stages.retain(|s| !matches!(s, ControlStage::IndexWork { .. }));
    assert_eq!(
        stages,
        [
            ControlStage::Reading,
            ControlStage::Concentration,
            ControlStage::Indices
        ]
    );
    assert_eq!(r.source, ControlSource::Holders("four holders".into()));
    assert_eq!(r.holders, 4);
    assert_eq!(r.total.units(), 10 * 10u128.pow(18));
    assert_eq!(r.nakamoto[0].holders, Some(2));
    assert!(r.nakamoto[0].threshold.strict);
    assert_eq!(r.nakamoto[1].holders, Some(2));
    assert_eq!(r.gini, Some(ratio(1, 4)));
    assert_eq!(r.hhi.as_ref().unwrap().value, ratio(3, 10));
    assert_eq!(r.hhi.as_ref().unwrap().effective_holders, ratio(10, 3));
    assert_eq!(r.top_shares[0].share, Some(ratio(2, 5)));
    let ix = r.power_indices.as_ref().unwrap();
    assert_eq!(ix.players[0].holder, "0xa");
    let IndexValues::Exact(e) = &ix.values else {
        panic!("a four-player game is counted exactly")
    };
    assert_eq!(e.game_quota, 6);
    assert_eq!(e.banzhaf[0].absolute, ratio(5, 8));
    assert_eq!(e.banzhaf[0].normalized, ratio(5, 12));
    assert_eq!(e.banzhaf[3].normalized, ratio(1, 12));
    assert!(r.proposal.is_none() && r.before_delegation.is_none());
}

#[test]
fn a_file_and_the_same_holders_in_memory_give_the_same_report() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("holders.csv");
    std::fs::write(&path, "address,balance\n0xa,4\n0xb,3\n0xc,2\n0xd,1\n").unwrap();
    let from_file = run(&small_request(HoldersInput::File(HoldersSource::new(
        &path,
    ))));
    let mut in_memory = run(&small_request(HoldersInput::Memory {
        name: path.display().to_string(),
        holders: small_holders(),
    }));
    assert_eq!(from_file, in_memory);
    in_memory.source = ControlSource::ProposalVotes;
    assert_ne!(from_file, in_memory);
}

#[test]
fn uni_airdrop_from_the_file() {
    // The UNI airdrop README and tests/control.rs: 252,803 claims, 65,304
    // hold more than half, Gini 0.32491, 150M UNI minus rounding.
    let src = HoldersSource::new(common::shared(
        "data/uniswap-airdrop/uni_airdrop_claims.csv",
    ));
    let mut req = ControlRequest::new(Some(HoldersInput::File(src)), None);
    req.options.indices = IndicesMode::None;
    let r = run(&req);
    assert_eq!(r.holders, 252_803);
    assert_eq!(r.zero_balances, 0);
    assert_eq!(r.nakamoto[0].holders, Some(65_304));
    assert_eq!(
        control::rounded_decimal(r.gini.as_ref().unwrap(), 5),
        "0.32491"
    );
    assert_eq!(r.total.units(), 149_999_999_975_656_000_000_000_000);
    assert!(r.power_indices.is_none());
}

#[test]
fn decentraland_members_before_and_after_delegation() {
    // Python (decimal) reading of members.csv, as in tests/control.rs:
    // total 51996263.531770162143871877; the largest 20 members hold more
    // than half before delegation, the largest 14 after.
    let members = common::shared("data/decentraland/members.csv");
    let mut req = ControlRequest::new(Some(HoldersInput::File(HoldersSource::new(&members))), None);
    req.delegations = Some(DelegationsInput::File(DelegationSource::new(&members)));
    req.policy = Policy::snapshot();
    req.options.indices = IndicesMode::None;
    let r = run(&req);
    assert_eq!(r.total.to_decimal_string(18), "51996263.531770162143871877");
    // One population on both sides: 4,811 members + 20 delegates who are
    // not members (Python over the same file).
    assert_eq!(r.holders, 4831);
    assert_eq!(r.nakamoto[0].holders, Some(14));
    let before = r.before_delegation.as_ref().unwrap();
    assert_eq!(before.nakamoto[0].holders, Some(20));
    assert_eq!(before.policy, Policy::snapshot());
    assert_eq!((before.holders, before.zero_balances), (4831, 1123));
    assert_eq!(r.zero_balances, 1332);
    assert_eq!(before.total, r.total);
}

/// Compound proposal 43's VoteCast rows: (support, votes), straight from
/// the CSV (Bravo: 0 Against, 1 For, 2 Abstain).
fn compound_43_votes() -> Vec<(u8, u128)> {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("proposals/data/compound-43-events.csv");
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (event, support, votes) = (col("event_name"), col("support"), col("votes"));
    reader
        .records()
        .map(Result::unwrap)
        .filter(|r| &r[event] == "VoteCast")
        .map(|r| {
            let s: u8 = r[support].trim_end_matches(".0").parse().unwrap();
            (s, r[votes].trim_end_matches(".0").parse().unwrap())
        })
        .collect()
}

#[test]
fn compound_43_decisive_sets_from_the_proposal_alone() {
    let proposal = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("proposals/compound-43.toml");
    let mut req = ControlRequest::new(None, Some(proposal));
    req.options.indices = IndicesMode::None;
    req.options.thresholds = vec![Threshold::majority()];
    let r = run(&req);
    let votes = compound_43_votes();
    let e18 = 10u128.pow(18);
    let sum = |s: u8| votes.iter().filter(|v| v.0 == s).map(|v| v.1).sum::<u128>();
    let (for_, against) = (sum(1), sum(0));
    let cast: u128 = votes.iter().map(|v| v.1).sum();
    // No snapshot: the distribution is the power of the 95 votes.
    assert_eq!(r.source, ControlSource::ProposalVotes);
    assert_eq!(r.holders, 95);
    assert_eq!(r.total.units(), cast);
    let p = r.proposal.as_ref().unwrap();
    assert_eq!(p.outcome, Outcome::Passed);
    assert_eq!(p.votes, 95);
    assert_eq!(p.cast.units(), cast);
    // Majority: the largest voters until more than half of the cast.
    let mut all: Vec<u128> = votes.iter().map(|v| v.1).collect();
    all.sort_unstable_by(|a, b| b.cmp(a));
    let k = (1..=all.len())
        .find(|&k| 2 * all[..k].iter().sum::<u128>() > cast)
        .unwrap();
    let majority = p.min_majority.as_ref().unwrap();
    assert_eq!(majority.voters.len(), k);
    assert_eq!(majority.power.units(), all[..k].iter().sum::<u128>());
    assert_eq!(r.nakamoto[0].holders, Some(k));
    // Flip For -> Against: fails once For − p < 400,000 (quorum on For) or
    // For − p <= Against + p.
    let mut for_voters: Vec<u128> = votes.iter().filter(|v| v.0 == 1).map(|v| v.1).collect();
    for_voters.sort_unstable_by(|a, b| b.cmp(a));
    let fails = |p: u128| for_ - p < 400_000 * e18 || for_ - p <= against + p;
    let need = (0..=for_voters.len())
        .find(|&k| fails(for_voters[..k].iter().sum()))
        .unwrap();
    let Flip::Switch { from, to, set } = &p.flip else {
        panic!("basic ballots have roles")
    };
    assert_eq!((from.as_str(), to.as_str()), ("For", "Against"));
    assert_eq!(set.as_ref().unwrap().voters.len(), need);
    // Margin and the two voters that alone pass it (tests/control.rs:
    // 670747.158161088206648685 COMP, hand sum of their VoteCast votes).
    assert_eq!(
        p.margin.as_ref().unwrap(),
        &BigRational::from_integer(BigInt::from(for_ - against))
    );
    assert_eq!(for_ - against, 1_362_841_964_900_760_752_685_033);
    let passing = p.min_passing.as_ref().unwrap();
    assert_eq!(passing.voters.len(), 2);
    assert_eq!(
        passing.power.to_decimal_string(18),
        "670747.158161088206648685"
    );
}

#[test]
fn requests_without_a_distribution_or_with_orphan_delegations_are_errors() {
    let err = control::analyze(&ControlRequest::new(None, None), &mut |_| {}).unwrap_err();
    assert!(
        err.to_string().contains("holder snapshot or a proposal"),
        "{err}"
    );
    let proposal = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("proposals/compound-43.toml");
    let mut req = ControlRequest::new(None, Some(proposal));
    let none =
        govkit::Delegations::from_rows("none", Default::default(), Vec::new(), None).unwrap();
    req.delegations = Some(DelegationsInput::Memory(none));
    let err = control::analyze(&req, &mut |_| {}).unwrap_err();
    assert!(err.to_string().contains("holder snapshot"), "{err}");
}
