//! Results do not depend on row order: Compound 43 under a 1% cap, whose
//! capped voters tie in power (the case where the fewest deciders used to
//! depend on which of them came first in the file), read in file order
//! and with its rows reversed.

use govkit::compare::{compare, Variant};
use govkit::{Proposal, Registry};

const PROPOSAL: &str = r#"id = "compound-43"
ballot = "basic"
decimals = 18
[votes]
path = "events.csv"
format = "governor-events"
proposal_id = "43"
[rules]
quorum = "400000"
quorum_counts = ["For"]
pass = "majority"
[mechanism]
kind = "token-weighted"
cap = "1%"
"#;

/// The events file, its records (not lines: descriptions span lines) in
/// file order or reversed.
fn rows(order_reversed: bool) -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/proposals/data/compound-43-events.csv"
    );
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader.headers().unwrap().clone();
    let mut records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    if order_reversed {
        records.reverse();
    }
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&header).unwrap();
    for r in &records {
        writer.write_record(r).unwrap();
    }
    String::from_utf8(writer.into_inner().unwrap()).unwrap()
}

fn compared(reversed: bool) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("events.csv"), rows(reversed)).unwrap();
    let path = dir.path().join("p.toml");
    std::fs::write(&path, PROPOSAL).unwrap();
    let p = Proposal::load(&path).unwrap();
    let variants = Variant::for_proposal(None, &p, &Registry::builtin()).unwrap();
    compare(&p, &variants).unwrap().to_json()
}

#[test]
fn capped_deciders_do_not_depend_on_row_order() {
    let forward = compared(false);
    let backward = compared(true);
    assert_eq!(forward, backward);
    // And the rows really were in another order.
    assert_ne!(rows(false), rows(true));
}

#[test]
fn turnout_scenario_copies_the_same_ballots_whatever_the_row_order() {
    // tests/data/compare: A For, B and C Against; D (81) and E (16) do not
    // vote. `turnout:100%` makes D and E join, each copying a ballot drawn
    // with the seed. The draw is over the ballots ordered by voter, so the
    // rows' order changes nothing: for every seed, the votes of D and E
    // are the same with the rows as written and in every permutation.
    use govkit::scenario::Scenario;
    let data = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/compare");
    let proposal = std::fs::read_to_string(data.join("proposal.toml")).unwrap();
    let holders = std::fs::read_to_string(data.join("holders.csv")).unwrap();
    let rows = ["A,For", "B,Against", "C,Against"];
    let orders = [
        [0, 1, 2],
        [2, 0, 1],
        [1, 2, 0],
        [2, 1, 0],
        [0, 2, 1],
        [1, 0, 2],
    ];
    let joined = |order: &[usize; 3], seed: u64| -> Vec<(String, String)> {
        let dir = tempfile::tempdir().unwrap();
        let votes: Vec<&str> = order.iter().map(|&i| rows[i]).collect();
        std::fs::write(
            dir.path().join("votes.csv"),
            format!("voter,choice\n{}\n", votes.join("\n")),
        )
        .unwrap();
        std::fs::write(dir.path().join("holders.csv"), &holders).unwrap();
        std::fs::write(dir.path().join("proposal.toml"), &proposal).unwrap();
        let prepared = Proposal::load(dir.path().join("proposal.toml"))
            .unwrap()
            .prepare()
            .unwrap();
        let s: Scenario = "turnout:100%".parse().unwrap();
        let mut out: Vec<(String, String)> = s
            .apply(&prepared, seed)
            .unwrap()
            .votes
            .votes
            .iter()
            .skip(3)
            .map(|v| {
                (
                    v.voter.as_ref().unwrap().to_string(),
                    format!("{:?}", v.selection),
                )
            })
            .collect();
        out.sort();
        out
    };
    let mut differ = 0;
    for seed in 0..16 {
        let first = joined(&orders[0], seed);
        assert_eq!(first.len(), 2);
        for order in &orders[1..] {
            assert_eq!(joined(order, seed), first, "seed {seed}, order {order:?}");
        }
        differ += usize::from(first[0].1 != first[1].1);
    }
    // The draw is a draw: over 16 seeds D and E do not always copy alike.
    assert!(differ > 0);
}

mod shuffled_rows {
    //! Issue 17: shuffling the rows of any input changes no output. Random
    //! small DAOs (votes, holders, delegations, each voter once) are read
    //! with their rows as generated and in a random permutation; the
    //! evaluation, the comparison of mechanisms (decisive sets included),
    //! the control analysis (exact power indices, before and after
    //! delegation) and the delegation report must be the same JSON bytes.

    use govkit::compare::{compare, Variant};
    use govkit::control::{self, ControlRequest, DelegationsInput, HoldersInput, IndicesMode};
    use govkit::io::delegations::{analyze, DelegationRequest, DelegationSource};
    use govkit::{HoldersSource, Proposal, Registry};
    use proptest::prelude::*;
    use std::path::Path;

    const PROPOSAL: &str = "id = \"t\"\nballot = \"basic\"\ndecimals = 0\n[votes]\n\
        path = \"votes.csv\"\nformat = \"csv\"\n[holders]\npath = \"holders.csv\"\n\
        [delegation]\npath = \"delegations.csv\"\npolicy = \"transitive\"\n[rules]\n\
        quorum = \"50\"\n";

    fn address(i: usize) -> String {
        format!("0x{i:040x}")
    }

    /// Everything the library reports on the DAO in `dir`, as JSON text.
    fn outputs(dir: &Path) -> Vec<String> {
        let p = dir.join("p.toml");
        let proposal = Proposal::load(&p).unwrap();
        let registry = Registry::builtin();
        let variants: Vec<Variant> = ["token-weighted", "quadratic", "capped:10%"]
            .iter()
            .map(|s| Variant::parse(s, 0, &registry).unwrap())
            .collect();
        let mut req = ControlRequest::new(
            Some(HoldersInput::File(HoldersSource::new(
                dir.join("holders.csv"),
            ))),
            Some(p.clone()),
        );
        req.delegations = Some(DelegationsInput::File(DelegationSource::new(
            dir.join("delegations.csv"),
        )));
        req.decimals = 0;
        req.options.indices = IndicesMode::Exact;
        let report = control::analyze(&req, &mut |_| {}).unwrap();
        let delegation = analyze(&DelegationRequest::new(
            HoldersSource::new(dir.join("holders.csv")),
            DelegationSource::new(dir.join("delegations.csv")),
        ))
        .unwrap();
        vec![
            proposal.evaluate().unwrap().to_json(),
            compare(&proposal, &variants).unwrap().to_json(),
            govkit::render::control::to_json(&report),
            delegation.to_json(),
        ]
    }

    fn write(dir: &Path, name: &str, header: &str, rows: &[String], order: &[usize]) {
        let body: Vec<&str> = order.iter().map(|&i| rows[i].as_str()).collect();
        std::fs::write(dir.join(name), format!("{header}\n{}\n", body.join("\n"))).unwrap();
    }

    /// A permutation of 0..n from sort keys.
    fn permutation(keys: &[u32], n: usize) -> Vec<usize> {
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by_key(|&i| (keys[i % keys.len()], i));
        order
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        #[test]
        fn outputs_do_not_depend_on_row_order(
            balances in prop::collection::vec(0u64..1_000, 4..16),
            votes in prop::collection::vec(0u8..4, 16),
            delegates in prop::collection::vec(0usize..64, 16),
            keys in prop::collection::vec(any::<u32>(), 16),
        ) {
            let n = balances.len();
            let holders: Vec<String> = balances
                .iter()
                .enumerate()
                .map(|(i, b)| format!("{},{b}", address(i)))
                .collect();
            // Choice 0 abstains from voting; 1..3 For, Against, Abstain.
            let names = ["", "For", "Against", "Abstain"];
            let cast: Vec<String> = (0..n)
                .filter(|&i| votes[i] > 0)
                .map(|i| format!("{},{}", address(i), names[votes[i] as usize]))
                .collect();
            prop_assume!(!cast.is_empty());
            // Some holders delegate to another (cycles allowed; the
            // resolver reports them).
            let delegations: Vec<String> = (0..n)
                .filter(|&i| delegates[i] % 3 == 0)
                .map(|i| (i, delegates[i] % n))
                .filter(|&(i, d)| i != d)
                .map(|(i, d)| format!("{},{}", address(i), address(d)))
                .collect();
            let dir = tempfile::tempdir().unwrap();
            let d = dir.path();
            std::fs::write(d.join("p.toml"), PROPOSAL).unwrap();
            let identity = |len: usize| (0..len).collect::<Vec<_>>();
            write(d, "holders.csv", "address,balance", &holders, &identity(holders.len()));
            write(d, "votes.csv", "voter,choice", &cast, &identity(cast.len()));
            write(d, "delegations.csv", "delegator,delegate", &delegations, &identity(delegations.len()));
            let before = outputs(d);
            write(d, "holders.csv", "address,balance", &holders, &permutation(&keys, holders.len()));
            write(d, "votes.csv", "voter,choice", &cast, &permutation(&keys[1..], cast.len()));
            write(d, "delegations.csv", "delegator,delegate", &delegations, &permutation(&keys[2..], delegations.len()));
            let after = outputs(d);
            for (a, b) in before.iter().zip(&after) {
                prop_assert_eq!(a, b);
            }
        }
    }
}
