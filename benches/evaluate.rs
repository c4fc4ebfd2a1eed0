//! End-to-end evaluation benchmark: `Proposal::load(path)?.evaluate()?`
//! (read the TOML, read and parse the vote CSV, keep each voter's latest
//! vote, assign power, tally, decide, build the report).
//!
//! The data sets are synthetic and generated once per run into a temp dir:
//! - `basic/1000000` and `basic/100000`: a For/Against/Abstain ballot under
//!   Compound Bravo's rules (quorum 400,000 tokens on For, majority);
//! - `approval/100000`: an approval ballot over five choices.
//!
//! Voters are distinct `0x` + 40 hex addresses (some in mixed case, as
//! EIP-55 checksums are), choices mix names ("For", "against") and numbers
//! ("1"), weights are token strings with 0 to 18 decimals drawn from a
//! Pareto distribution (many small holders, a few whales). Before timing,
//! each data set is evaluated once and the report is checked against the
//! exact per-choice sums the generator computed.
//!
//! Throughput is in votes (CSV rows). The files are read from the page
//! cache, so this measures parsing and evaluation, not the disk.
//!
//! Run with `cargo bench --bench evaluate`.

use std::fs::File;
use std::hint::black_box;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{
    criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode, Throughput,
};
use govkit::{Amount, Outcome, Proposal};

/// SplitMix64: tiny, deterministic, good enough for synthetic data.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix64(self.0)
    }

    /// Uniform in `0..n` (multiply-shift; the bias is irrelevant here).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `(0, 1]`.
    fn unit(&mut self) -> f64 {
        ((self.next_u64() >> 11) + 1) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// The SplitMix64 finaliser: a bijection on `u64`, so distinct inputs give
/// distinct outputs (used to make voter addresses distinct by construction).
fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

const DECIMALS: u32 = 18;
const ONE_TOKEN: u128 = 10u128.pow(DECIMALS);

/// Writes voter number `i` as `0x` + 40 hex digits. The first 16 digits are
/// a bijection of `i` (so addresses are distinct, also after lower-casing);
/// the other 24 are random. About a third are written in mixed case.
fn write_voter(out: &mut String, i: u64, rng: &mut SplitMix64) {
    let hex = format!(
        "{:016x}{:016x}{:08x}",
        mix64(i ^ 0x5eed_0000_0000_0000),
        rng.next_u64(),
        rng.next_u64() as u32
    );
    out.push_str("0x");
    if rng.chance(33) {
        // Checksum-like case: upper-case letters where a random bit says so.
        let mut bits = rng.next_u64();
        for c in hex.chars() {
            out.push(if bits & 1 == 1 {
                c.to_ascii_uppercase()
            } else {
                c
            });
            bits = bits.rotate_right(1);
        }
    } else {
        out.push_str(&hex);
    }
}

/// Writes a heavy-tailed token amount and returns it in base units.
///
/// Tokens ~ Pareto(x_min = 2, alpha = 1.1), capped at 3,000,000: the
/// median holder has ~3.5 tokens, one in a thousand has ~1,000 or more,
/// the largest of a million has ~10^5..10^6. Written with 0 to 18
/// decimals (a fifth as whole numbers, 1% as exactly "0").
fn write_weight(out: &mut String, rng: &mut SplitMix64) -> u128 {
    if rng.chance(1) {
        out.push('0');
        return 0;
    }
    let tokens = (2.0 * rng.unit().powf(-1.0 / 1.1)).min(3_000_000.0);
    let int_part = tokens as u64;
    let mut units = u128::from(int_part) * ONE_TOKEN;
    out.push_str(&int_part.to_string());
    if !rng.chance(20) {
        let places = 1 + rng.below(u64::from(DECIMALS)) as u32; // 1..=18
        let frac = rng.below(10u64.pow(places));
        out.push_str(&format!(".{frac:0width$}", width = places as usize));
        units += u128::from(frac) * 10u128.pow(DECIMALS - places);
    }
    units
}

/// The choice names of the synthetic approval proposal.
const APPROVAL_CHOICES: [&str; 5] = ["Alice", "Bob", "Carol", "Dave", "Erin"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ballot {
    Basic,
    Approval,
}

impl Ballot {
    fn name(self) -> &'static str {
        match self {
            Ballot::Basic => "basic",
            Ballot::Approval => "approval",
        }
    }

    fn choices(self) -> &'static [&'static str] {
        match self {
            Ballot::Basic => &["For", "Against", "Abstain"],
            Ballot::Approval => &APPROVAL_CHOICES,
        }
    }

    /// Writes a random valid selection; returns the 0-based choices it names.
    fn write_choice(self, out: &mut String, rng: &mut SplitMix64) -> Vec<usize> {
        match self {
            Ballot::Basic => {
                // For 50%, Against 35%, Abstain 15%.
                let c = match rng.below(100) {
                    0..50 => 0,
                    50..85 => 1,
                    _ => 2,
                };
                match rng.below(100) {
                    0..55 => out.push_str(self.choices()[c]),
                    55..60 => out.push_str(&self.choices()[c].to_ascii_lowercase()),
                    _ => out.push_str(&(c + 1).to_string()),
                }
                vec![c]
            }
            Ballot::Approval => {
                // 1 to 3 distinct choices, as names, numbers or a JSON list.
                let n = self.choices().len() as u64;
                let k = 1 + rng.below(3) as usize;
                let mut picked: Vec<usize> = Vec::with_capacity(k);
                while picked.len() < k {
                    let c = rng.below(n) as usize;
                    if !picked.contains(&c) {
                        picked.push(c);
                    }
                }
                let numbers: Vec<String> = picked.iter().map(|c| (c + 1).to_string()).collect();
                match rng.below(3) {
                    0 => {
                        let names: Vec<&str> = picked.iter().map(|&c| self.choices()[c]).collect();
                        out.push_str(&names.join(";"));
                    }
                    1 => out.push_str(&numbers.join(";")),
                    _ => {
                        // A JSON list contains commas: quote the field.
                        out.push_str("\"[");
                        out.push_str(&numbers.join(","));
                        out.push_str("]\"");
                    }
                }
                picked
            }
        }
    }
}

/// A generated proposal and what its report must say.
struct Dataset {
    label: String,
    votes: u64,
    proposal: PathBuf,
    /// Exact score of each choice in base units.
    expected: Vec<u128>,
}

/// Writes `<name>.csv` and `<name>.toml` into `dir`.
fn generate(dir: &Path, ballot: Ballot, votes: u64, seed: u64) -> Dataset {
    let name = format!("{}-{votes}", ballot.name());
    let csv_path = dir.join(format!("{name}.csv"));
    let mut csv = BufWriter::with_capacity(1 << 20, File::create(&csv_path).expect("create CSV"));
    let mut rng = SplitMix64(seed);
    let mut expected = vec![0u128; ballot.choices().len()];
    let mut line = String::with_capacity(128);
    csv.write_all(b"voter,choice,weight\n").expect("write CSV");
    for i in 0..votes {
        line.clear();
        write_voter(&mut line, i, &mut rng);
        line.push(',');
        let picked = ballot.write_choice(&mut line, &mut rng);
        line.push(',');
        let weight = write_weight(&mut line, &mut rng);
        line.push('\n');
        csv.write_all(line.as_bytes()).expect("write CSV");
        for c in picked {
            expected[c] += weight;
        }
    }
    csv.flush().expect("write CSV");

    let rules = match ballot {
        Ballot::Basic => "quorum = \"400000\"\nquorum_counts = [\"For\"]\npass = \"majority\"\n",
        Ballot::Approval => "quorum = \"400000\"\npass = \"plurality\"\n",
    };
    let choices = match ballot {
        Ballot::Basic => String::new(),
        Ballot::Approval => {
            let quoted: Vec<String> = APPROVAL_CHOICES.iter().map(|c| format!("{c:?}")).collect();
            format!("choices = [{}]\n", quoted.join(", "))
        }
    };
    let toml = format!(
        "id = \"bench-{name}\"\n\
         title = \"Synthetic {ballot} ballot, {votes} votes\"\n\
         ballot = \"{ballot}\"\n\
         {choices}\
         decimals = {DECIMALS}\n\
         \n\
         [votes]\n\
         path = \"{name}.csv\"\n\
         format = \"csv\"\n\
         \n\
         [rules]\n\
         {rules}\
         \n\
         [mechanism]\n\
         kind = \"token-weighted\"\n",
        ballot = ballot.name(),
    );
    let proposal = dir.join(format!("{name}.toml"));
    std::fs::write(&proposal, toml).expect("write proposal");
    Dataset {
        label: ballot.name().to_string(),
        votes,
        proposal,
        expected,
    }
}

/// Evaluates once, untimed, and checks the report against the generator.
fn check(d: &Dataset) {
    let report = Proposal::load(&d.proposal).unwrap().evaluate().unwrap();
    assert_eq!(report.votes.read, d.votes, "{}: votes read", d.label);
    assert_eq!(report.votes.counted, d.votes, "{}: votes counted", d.label);
    assert_eq!(report.votes.invalid, 0, "{}: invalid ballots", d.label);
    assert_eq!(report.votes.replaced, 0, "{}: voters are distinct", d.label);
    for (got, &want) in report.choices.iter().zip(&d.expected) {
        let want = Amount::from_base_units(want).to_tokens_string(DECIMALS as u8);
        assert_eq!(got.power, want, "{}: score of {}", d.label, got.name);
    }
    let size = std::fs::metadata(d.proposal.with_extension("csv")).map_or(0, |m| m.len());
    let scores: Vec<String> = report
        .choices
        .iter()
        .map(|c| format!("{} {} ({})", c.name, c.power, c.share))
        .collect();
    eprintln!(
        "{}/{}: {:.1} MB CSV, outcome {:?}: {}",
        d.label,
        d.votes,
        size as f64 / 1e6,
        report.outcome,
        scores.join(", ")
    );
    if d.label == "basic" {
        // Quorum 400,000 on For and For > Against: the data are sized so
        // that both hold, so the whole decision path runs.
        assert_eq!(
            report.outcome,
            Outcome::Passed,
            "{}: {}",
            d.label,
            report.reason
        );
    }
}

fn bench_evaluate(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let datasets = [
        generate(dir.path(), Ballot::Basic, 1_000_000, 1),
        generate(dir.path(), Ballot::Basic, 100_000, 2),
        generate(dir.path(), Ballot::Approval, 100_000, 3),
    ];
    for d in &datasets {
        check(d);
    }

    let mut group = c.benchmark_group("evaluate");
    // A 1M iteration takes about 2 s on a 2-core VM: ten samples of one
    // iteration each and a short warm-up keep the whole run near a minute.
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    for d in &datasets {
        group.measurement_time(Duration::from_secs(if d.votes >= 1_000_000 {
            22
        } else {
            5
        }));
        group.throughput(Throughput::Elements(d.votes));
        group.bench_with_input(
            BenchmarkId::new(&d.label, d.votes),
            &d.proposal,
            |b, path| {
                b.iter(|| Proposal::load(black_box(path)).unwrap().evaluate().unwrap());
            },
        );
    }
    group.finish();
    drop(dir);
}

criterion_group!(benches, bench_evaluate);
criterion_main!(benches);
