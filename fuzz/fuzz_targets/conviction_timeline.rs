//! A funding file's stake timeline CSV, simulated to its decision.
#![no_main]

#[path = "common.rs"]
mod common;

use govkit::io::conviction_files::{self, RunOptions};
use libfuzzer_sys::fuzz_target;

const FUNDING: &str = r#"[conviction]
decay = "0.9"
max_ratio = "0.2"
weight = "0.002"
min_threshold_stake = "20%"
funds = "15000"
supply = "45000"
decimals = 0
timeline = "stakes.fuzz.csv"

[[proposal]]
id = "p1"
requested = "1000"

[[proposal]]
id = "p2"
requested = "2000"
"#;

fuzz_target!(|data: &[u8]| {
    static FILE: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    let file = FILE.get_or_init(|| common::input("funding.fuzz.toml", FUNDING.as_bytes()));
    common::input("stakes.fuzz.csv", data);
    let _ = conviction_files::run(file, &RunOptions::default());
});
