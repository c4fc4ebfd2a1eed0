//! A proposal file, loaded and evaluated. The scratch folder holds
//! votes.csv, votes.json, events.csv, holders.csv and delegations.csv for
//! it to name.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = common::input("proposal.fuzz.toml", data);
    common::evaluate(&path);
});
