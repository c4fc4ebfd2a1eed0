//! A holder snapshot, as CSV and as JSON.
#![no_main]

#[path = "common.rs"]
mod common;

use govkit::{Holders, HoldersSource};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for name in ["holders.fuzz.csv", "holders.fuzz.json"] {
        let path = common::input(name, data);
        let _ = Holders::read(&HoldersSource::new(path), 18);
    }
});
