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
