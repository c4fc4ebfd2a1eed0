//! A vote file in the csv format, read and evaluated through a fixed
//! proposal (basic ballot, 4% quorum over holders.csv).
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    static PROPOSAL: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    let proposal =
        PROPOSAL.get_or_init(|| common::proposal("p-csv_votes.toml", "votes.fuzz.csv", "csv", ""));
    common::input("votes.fuzz.csv", data);
    common::evaluate(proposal);
});
