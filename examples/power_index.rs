//! Exact power indices of a weighted voting game read from a JSON file
//! `{"quota": Q, "weights": [...]}`, for side-by-side timing
//! (`scripts/powerindex-crosscheck/bench.py`):
//!
//!     cargo run --release --example power_index -- GAME.json [banzhaf|shapley_shubik|both] [RUNS]
//!
//! Prints JSON: the normalized Banzhaf and Shapley-Shubik indices as floats
//! (the exact rationals rounded, for comparison) and the median in-process
//! time of each over RUNS runs (default 3).

use std::time::Instant;

use govkit::control::{ExactLimits, WeightedGame};
use num_traits::ToPrimitive;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let text = std::fs::read_to_string(&args[1]).expect("a game file");
    let which = args.get(2).map_or("both", String::as_str);
    let runs: usize = args.get(3).map_or(3, |r| r.parse().expect("RUNS"));
    let v: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let game = WeightedGame {
        quota: v["quota"].as_u64().expect("quota"),
        weights: v["weights"]
            .as_array()
            .expect("weights")
            .iter()
            .map(|w| w.as_u64().expect("integer weight"))
            .collect(),
    };
    let limits = ExactLimits::default();
    let mut out = serde_json::Map::new();
    if which != "shapley_shubik" {
        let mut times = Vec::new();
        let mut result = None;
        for _ in 0..runs {
            let t = Instant::now();
            result = Some(game.banzhaf(&limits).expect("within the limits"));
            times.push(t.elapsed().as_secs_f64());
        }
        let b = result.expect("one run");
        let values: Vec<f64> = b.normalized().iter().map(|x| x.to_f64().unwrap()).collect();
        out.insert("banzhaf".into(), values.into());
        out.insert("banzhaf_seconds".into(), median(times).into());
    }
    if which != "banzhaf" {
        let mut times = Vec::new();
        let mut result = None;
        for _ in 0..runs {
            let t = Instant::now();
            result = Some(game.shapley_shubik(&limits).expect("within the limits"));
            times.push(t.elapsed().as_secs_f64());
        }
        let values: Vec<f64> = result
            .expect("one run")
            .iter()
            .map(|x| x.to_f64().unwrap())
            .collect();
        out.insert("shapley_shubik".into(), values.into());
        out.insert("shapley_shubik_seconds".into(), median(times).into());
    }
    println!("{}", serde_json::Value::Object(out));
}
