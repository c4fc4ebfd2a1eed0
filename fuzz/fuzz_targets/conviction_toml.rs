//! A conviction file (`[conviction]` funding with stakes.csv, or
//! `[referendum]`), run to its decision with a bounded horizon.
#![no_main]

#[path = "common.rs"]
mod common;

use govkit::io::conviction_files::{self, RunOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = common::input("conviction.fuzz.toml", data);
    let options = RunOptions {
        until: Some(100_000),
        ..RunOptions::default()
    };
    let _ = conviction_files::run(&path, &options);
});
