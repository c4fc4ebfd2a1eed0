//! Times the phases of `govkit delegation` on two files (for profiling):
//! `cargo run --release --example delegation_phases HOLDERS DELEGATIONS [POLICY]`.
use std::time::Instant;

use govkit::delegation::{resolve, Analysis, Policy};
use govkit::io::delegations::{read, DelegationSource};
use govkit::{Holders, HoldersSource};

/// Process CPU time (user + system, all threads) in milliseconds, from
/// /proc (10 ms resolution); 0 elsewhere.
fn cpu() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |x| x.1);
    let f: Vec<u64> = after
        .split_whitespace()
        .filter_map(|x| x.parse().ok())
        .collect();
    // Fields 14 and 15 of the file (utime, stime) are 11 and 12 after the name.
    f.get(10).zip(f.get(11)).map_or(0, |(u, s)| (u + s) * 10)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let policy: Policy = args
        .get(3)
        .map_or_else(Policy::one_hop, |p| p.parse().expect("a policy"));
    if std::env::var_os("ONLY_DELEGATIONS").is_some() {
        for _ in 0..5 {
            let t = Instant::now();
            let d = read(&DelegationSource::new(&args[2])).expect("delegations");
            eprintln!("delegations {:?} ({} delegators)", t.elapsed(), d.len());
        }
        return;
    }
    let t = Instant::now();
    let mut cpus = vec![cpu()];
    let holders = Holders::read(&HoldersSource::new(&args[1]), 18).expect("holders");
    let t1 = t.elapsed();
    cpus.push(cpu());
    let d = read(&DelegationSource::new(&args[2])).expect("delegations");
    let t2 = t.elapsed();
    cpus.push(cpu());
    let r = resolve(&holders, &d, &policy, None).expect("resolution");
    let t3 = t.elapsed();
    cpus.push(cpu());
    let a = Analysis::new(&r, &args[1], "csv", 10, 18);
    let t4 = t.elapsed();
    cpus.push(cpu());
    let table = a.to_table();
    let t5 = t.elapsed();
    cpus.push(cpu());
    drop(a);
    drop(r);
    drop(d);
    drop(holders);
    let t6 = t.elapsed();
    cpus.push(cpu());
    eprintln!(
        "holders {t1:?}, delegations {:?}, resolve {:?}, analysis {:?}, table {:?} ({} bytes), drop {:?}",
        t2 - t1,
        t3 - t2,
        t4 - t3,
        t5 - t4,
        table.len(),
        t6 - t5
    );
    let d: Vec<u64> = cpus.windows(2).map(|w| w[1] - w[0]).collect();
    eprintln!("cpu ms per phase: {d:?}");
}
