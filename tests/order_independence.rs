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
