//! Hostile inputs (issue 17): every one ends quickly with exit 2 and a
//! message that names the flag, file, line or field; never a hang, an
//! abort, a panic or a silent acceptance.

use std::path::Path;
use std::time::{Duration, Instant};

use assert_cmd::Command;

const A: &str = "0x00000000000000000000000000000000000000aa";
const B: &str = "0x00000000000000000000000000000000000000bb";

/// Runs govkit in `dir` with `args`, under a 20 s kill switch; returns
/// (exit code, stdout, stderr, elapsed).
fn govkit(dir: &Path, args: &[&str]) -> (i32, String, String, Duration) {
    let started = Instant::now();
    let out = Command::cargo_bin("govkit")
        .expect("binary")
        .current_dir(dir)
        .args(args)
        .timeout(Duration::from_secs(20))
        .output()
        .expect("run govkit");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        started.elapsed(),
    )
}

/// Writes the files into a fresh folder.
fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, content) in files {
        std::fs::write(dir.path().join(name), content).expect("write");
    }
    dir
}

/// Asserts a refusal: exit 2 within `secs`, a `govkit: error:` message with
/// every fragment, no panic, a short message.
#[track_caller]
fn refused(result: (i32, String, String, Duration), secs: u64, fragments: &[&str]) {
    let (code, _out, err, took) = result;
    assert_eq!(
        code,
        2,
        "exit code; stderr: {}",
        &err[..err.len().min(2000)]
    );
    assert!(err.starts_with("govkit: error: "), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(took < Duration::from_secs(secs), "took {took:?}");
    assert!(err.len() < 4000, "message of {} bytes", err.len());
    for f in fragments {
        assert!(err.contains(f), "missing {f:?} in {err}");
    }
}

fn proposal(votes: &str, format: &str, rules: &str) -> String {
    format!(
        "id = \"t1\"\nballot = \"basic\"\ndecimals = 18\n[votes]\npath = \"{votes}\"\nformat = \"{format}\"\n[rules]\n{rules}\n"
    )
}

// ---------------------------------------------------------------------------
// 1. Exponents and magnitudes
// ---------------------------------------------------------------------------

#[test]
fn huge_exponent_quorum_is_refused_quickly() {
    let p = proposal(
        "votes.csv",
        "csv",
        "quorum = \"1e-999999/1e-999999\"\npass = \"majority\"",
    );
    let votes = format!("voter,choice,votes\n{A},For,1\n");
    let dir = folder(&[("p.toml", &p), ("votes.csv", &votes)]);
    refused(
        govkit(dir.path(), &["evaluate", "p.toml"]),
        5,
        &["quorum", "out of range"],
    );
}

#[test]
fn huge_exponent_delegation_fraction_is_refused_quickly() {
    let holders = format!("address,balance\n{A},1\n{B},2\n");
    let dl = format!("delegator,delegate,fraction\n{A},{B},1e-999999/1e-999999\n");
    let dir = folder(&[("h.csv", &holders), ("d.csv", &dl)]);
    refused(
        govkit(dir.path(), &["delegation", "h.csv", "d.csv"]),
        5,
        &["d.csv line 2", "fraction", "out of range"],
    );
}

#[test]
fn huge_exponent_weighted_ballot_is_refused_quickly() {
    let p = "id = \"w\"\nballot = \"weighted\"\nchoices = [\"a\", \"b\"]\n[votes]\npath = \"v.json\"\nformat = \"snapshot-json\"\n";
    let votes = format!(
        "[\n{{\"voter\": \"{A}\", \"choice\": {{\"1\": 1e999999, \"2\": 1e-999999}}, \"vp\": 1}}\n]\n"
    );
    let dir = folder(&[("p.toml", p), ("v.json", &votes)]);
    refused(
        govkit(dir.path(), &["evaluate", "p.toml"]),
        5,
        &["v.json line 2", "choice", "out of range"],
    );
}

// ---------------------------------------------------------------------------
// 2. Absurd flag values: refused before allocating, naming flag and limit
// ---------------------------------------------------------------------------

/// The repository root (where `proposals/` is).
fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn synth_refuses_more_holders_than_its_limit() {
    let dir = tempfile::tempdir().unwrap();
    for n in ["18446744073709551615", "1000000000000"] {
        refused(
            govkit(dir.path(), &["synth", "--holders", n, "--out", "out"]),
            5,
            &["--holders", "5000000"],
        );
    }
}

#[test]
fn sybil_splits_beyond_the_limit_are_refused() {
    refused(
        govkit(
            root(),
            &[
                "sybil",
                "proposals/compound-43.toml",
                "--split",
                "1000000000000",
            ],
        ),
        10,
        &["--split", "1000000"],
    );
    refused(
        govkit(
            root(),
            &[
                "compare",
                "proposals/compound-43.toml",
                "--scenario",
                "sybil:1000000000000",
            ],
        ),
        10,
        &["sybil:1000000000000", "1000000"],
    );
}

fn holders_dir() -> tempfile::TempDir {
    folder(&[("h.csv", &format!("address,balance\n{A},1\n{B},2\n"))])
}

#[test]
fn lorenz_points_beyond_the_holders_cost_nothing() {
    let dir = holders_dir();
    for n in ["1000000000", "18446744073709551615"] {
        let (code, out, err, took) = govkit(
            dir.path(),
            &["control", "h.csv", "--lorenz-points", n, "--format", "json"],
        );
        assert_eq!(code, 0, "{err}");
        assert!(took < Duration::from_secs(5), "{took:?}");
        let (_, same, _, _) = govkit(
            dir.path(),
            &[
                "control",
                "h.csv",
                "--lorenz-points",
                "2",
                "--format",
                "json",
            ],
        );
        assert_eq!(out, same);
    }
}

#[test]
fn monte_carlo_past_its_budget_needs_force() {
    let dir = holders_dir();
    refused(
        govkit(
            dir.path(),
            &[
                "control",
                "h.csv",
                "--indices",
                "approx",
                "--epsilon",
                "1e-9",
            ],
        ),
        5,
        &["--epsilon", "draws", "10000000", "--force"],
    );
}

#[test]
fn control_decimals_beyond_38_are_refused() {
    let dir = holders_dir();
    for d in ["39", "255"] {
        refused(
            govkit(dir.path(), &["control", "h.csv", "--decimals", d]),
            5,
            &["--decimals", "at most 38"],
        );
    }
}

#[test]
fn conviction_series_rows_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let series = dir.path().join("s.csv");
    for until in ["1000000000", "18446744073709551615"] {
        refused(
            govkit(
                root(),
                &[
                    "conviction",
                    "proposals/conviction-funding.toml",
                    "--series",
                    series.to_str().unwrap(),
                    "--step",
                    "1",
                    "--until",
                    until,
                ],
            ),
            10,
            &["--step", "1000000"],
        );
    }
}

// ---------------------------------------------------------------------------
// 3. synth terminates when few holders have a balance
// ---------------------------------------------------------------------------

#[test]
fn synth_airdrop_with_one_positive_balance_terminates() {
    let air = format!("address,balance\n{A},0\n{B},5\n");
    let dir = folder(&[("air.csv", &air)]);
    let (code, _, err, took) = govkit(
        dir.path(),
        &[
            "synth",
            "--holders",
            "2",
            "--distribution",
            "airdrop:air.csv",
            "--delegation-rate",
            "1",
            "--out",
            "out",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(took < Duration::from_secs(5), "{took:?}");
    // Three holders, one owning almost everything: the delegate draw ends.
    let air = format!("address,balance\n{A},0.000000000000000001\n{B},1000000000000\n");
    let dir = folder(&[("air.csv", &air)]);
    let (code, _, err, took) = govkit(
        dir.path(),
        &[
            "synth",
            "--holders",
            "50",
            "--distribution",
            "airdrop:air.csv",
            "--delegation-rate",
            "1",
            "--out",
            "out",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(took < Duration::from_secs(5), "{took:?}");
}

#[test]
fn synth_decimals_and_totals_never_saturate() {
    let dir = tempfile::tempdir().unwrap();
    refused(
        govkit(
            dir.path(),
            &["synth", "--holders", "10", "--decimals", "39", "--out", "o"],
        ),
        5,
        &["--decimals", "38"],
    );
    // 10^12 tokens at 38 decimals is far beyond u128.
    refused(
        govkit(
            dir.path(),
            &["synth", "--holders", "10", "--decimals", "38", "--out", "o"],
        ),
        5,
        &["--decimals 38"],
    );
    // 26 decimals: each balance (10^12 tokens) fits, the total of 10 does not.
    refused(
        govkit(
            dir.path(),
            &[
                "synth",
                "--holders",
                "10",
                "--decimals",
                "26",
                "--distribution",
                "lognormal:100,0",
                "--out",
                "o",
            ],
        ),
        5,
        &["total supply", "overflows u128"],
    );
}

// ---------------------------------------------------------------------------
// 4. Special files and error hygiene
// ---------------------------------------------------------------------------

/// `/dev/zero`, a FIFO nobody writes, a 1 GiB single-line sparse file and a
/// directory, each given to every reader: exit 2 with a message naming
/// the file, within seconds.
#[test]
fn special_files_are_refused_by_every_reader() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let status = std::process::Command::new("mkfifo")
        .arg(d.join("fifo"))
        .status()
        .expect("mkfifo");
    assert!(status.success());
    let big = std::fs::File::create(d.join("big")).unwrap();
    big.set_len(1 << 30).unwrap();
    drop(big);
    std::fs::create_dir(d.join("folder")).unwrap();
    std::fs::write(d.join("h.csv"), format!("address,balance\n{A},1\n")).unwrap();
    let specials = ["/dev/zero", "fifo", "big", "folder"];
    for special in specials {
        let path = if special.starts_with('/') {
            special.to_string()
        } else {
            d.join(special).display().to_string()
        };
        for format in ["csv", "snapshot-json", "governor-events"] {
            let p = proposal(&path, format, "pass = \"majority\"")
                .replace("[rules]", "proposal_id = \"1\"\n[rules]");
            std::fs::write(d.join("p.toml"), p).unwrap();
            refused(govkit(d, &["evaluate", "p.toml"]), 5, &[special]);
        }
        refused(govkit(d, &["evaluate", &path]), 5, &[special]);
        refused(govkit(d, &["control", &path]), 5, &[special]);
        refused(govkit(d, &["delegation", "h.csv", &path]), 5, &[special]);
        refused(govkit(d, &["delegation", &path, "h.csv"]), 5, &[special]);
        refused(govkit(d, &["conviction", &path]), 5, &[special]);
        let airdrop = format!("airdrop:{path}");
        refused(
            govkit(
                d,
                &[
                    "synth",
                    "--holders",
                    "2",
                    "--distribution",
                    &airdrop,
                    "--out",
                    "o",
                ],
            ),
            5,
            &[special],
        );
    }
}

#[test]
fn huge_fields_are_echoed_cut_and_control_bytes_escaped() {
    let field = "9x".repeat(5_000_000);
    let votes = format!("voter,choice,votes\n{A},For,{field}\n");
    let p = proposal("votes.csv", "csv", "pass = \"majority\"");
    let dir = folder(&[("p.toml", &p), ("votes.csv", &votes)]);
    refused(
        govkit(dir.path(), &["evaluate", "p.toml"]),
        5,
        &["votes.csv line 2", "bytes in all"],
    );
    let votes = format!("voter,choice,vo\u{1b}[31mtes\u{0}\n{A},For,1\n");
    let p = proposal("votes.csv", "csv", "pass = \"majority\"");
    let dir = folder(&[("p.toml", &p), ("votes.csv", &votes)]);
    let (code, _, err, _) = govkit(dir.path(), &["evaluate", "p.toml"]);
    if code == 2 {
        assert!(!err.contains('\u{1b}') && !err.contains('\u{0}'), "{err:?}");
    }
}

#[test]
fn json_with_a_byte_order_mark_is_read_like_csv() {
    let p =
        "id = \"s\"\nballot = \"basic\"\n[votes]\npath = \"v.json\"\nformat = \"snapshot-json\"\n";
    let votes = format!("\u{feff}[\n{{\"voter\": \"{A}\", \"choice\": 1, \"vp\": 1}}\n]\n");
    let dir = folder(&[("p.toml", p), ("v.json", &votes)]);
    let (code, _, err, _) = govkit(dir.path(), &["evaluate", "p.toml"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn a_missing_key_is_reported_as_itself() {
    let dir = folder(&[
        ("a.toml", "ballot = \"basic\"\n[votes]\npath = \"v.csv\"\n"),
        ("b.toml", "id = \"x\"\nballot = \"basic\"\n"),
    ]);
    refused(
        govkit(dir.path(), &["evaluate", "a.toml"]),
        10,
        &["field 'id'"],
    );
    refused(
        govkit(dir.path(), &["evaluate", "b.toml"]),
        10,
        &["field 'votes'"],
    );
}

// ---------------------------------------------------------------------------
// 5. Garbage that used to be accepted silently
// ---------------------------------------------------------------------------

#[test]
fn duplicate_header_names_are_errors() {
    let votes = format!("voter,choice,votes,votes\n{A},For,1,5\n");
    let p = proposal("votes.csv", "csv", "pass = \"majority\"");
    let dir = folder(&[("p.toml", &p), ("votes.csv", &votes)]);
    refused(
        govkit(dir.path(), &["evaluate", "p.toml"]),
        10,
        &[
            "votes.csv line 1",
            "field 'votes'",
            "twice (columns 3 and 4)",
        ],
    );
}

fn governor_log(rows: &str) -> String {
    format!("event_name,proposalId,id,voter,support,votes\n{rows}")
}

#[test]
fn governor_double_votes_are_errors() {
    let log = governor_log(&format!(
        "ProposalCreated,,7,,,\nVoteCast,7,,{A},1,5\nVoteCast,7,,{A},0,5\n"
    ));
    let p = proposal("log.csv", "governor-events", "pass = \"majority\"")
        .replace("[rules]", "proposal_id = \"7\"\n[rules]");
    let dir = folder(&[("p.toml", &p), ("log.csv", &log)]);
    refused(
        govkit(dir.path(), &["evaluate", "p.toml"]),
        10,
        &["log.csv line 4", "field 'voter'", "already voted", "line 3"],
    );
}

#[test]
fn governor_executed_and_canceled_is_an_error() {
    let log = governor_log(&format!(
        "ProposalCreated,,7,,,\nVoteCast,7,,{A},1,5\nProposalExecuted,,7,,,\nProposalCanceled,,7,,,\n"
    ));
    let p = proposal("log.csv", "governor-events", "pass = \"majority\"")
        .replace("[rules]", "proposal_id = \"7\"\n[rules]");
    let dir = folder(&[("p.toml", &p), ("log.csv", &log)]);
    refused(
        govkit(dir.path(), &["evaluate", "p.toml"]),
        10,
        &["log.csv line 5", "executed (line 4) and canceled (line 5)"],
    );
}

#[test]
fn conviction_stake_events_beyond_the_horizon_are_errors() {
    let toml = std::fs::read_to_string(root().join("proposals/conviction-funding.toml"))
        .unwrap()
        .replace("data/conviction-funding-stakes.csv", "stakes.csv");
    let stakes =
        "block,account,proposal,amount\n0,alice,garden,1000\n4611686018427387905,bob,garden,1000\n";
    let dir = folder(&[("c.toml", &toml), ("stakes.csv", stakes)]);
    refused(
        govkit(
            dir.path(),
            &["conviction", "c.toml", "--until", "18446744073709551615"],
        ),
        10,
        &["stakes.csv line 3", "block", "2^62"],
    );
}

#[test]
fn mixed_created_formats_are_errors() {
    let votes =
        format!("voter,choice,votes,created\n{A},For,1,2022-01-01T00:00:00Z\n{B},Against,1,9\n");
    let p = proposal("votes.csv", "csv", "pass = \"majority\"");
    let dir = folder(&[("p.toml", &p), ("votes.csv", &votes)]);
    refused(
        govkit(dir.path(), &["evaluate", "p.toml"]),
        10,
        &["votes.csv line 3", "field 'created'", "mixed formats"],
    );
}

// ---------------------------------------------------------------------------
// Stakes and votes beyond the token's supply
// ---------------------------------------------------------------------------

const FUNDING: &str = "[conviction]\ndecay = \"0.9\"\nmax_ratio = \"0.2\"\nweight = \"0.002\"\n\
min_threshold_stake = \"20%\"\nfunds = \"15000\"\nsupply = \"45000\"\ndecimals = 0\n\
timeline = \"stakes.csv\"\n[[proposal]]\nid = \"garden\"\nrequested = \"1000\"\n\
[[proposal]]\nid = \"bridge\"\nrequested = \"2000\"\n";

#[test]
fn stakes_beyond_the_supply_are_refused() {
    // 30000 + 20000 = 50000 staked at block 3 > 45000 tokens in existence.
    let dir = folder(&[
        ("f.toml", FUNDING),
        (
            "stakes.csv",
            "block,account,proposal,amount\n1,alice,garden,30000\n3,bob,bridge,20000\n",
        ),
    ]);
    refused(
        govkit(dir.path(), &["conviction", "f.toml"]),
        5,
        &[
            "stakes.csv line 3",
            "'amount'",
            "more than the supply (45000 tokens",
            "before this row: 30000",
        ],
    );
    // Alice moving her 30000 to bridge after bob unstakes stays within it:
    // stakes are replaced, not added (30000 + 15000 = 45000 at most).
    let dir = folder(&[
        ("f.toml", FUNDING),
        (
            "stakes.csv",
            "block,account,proposal,amount\n1,alice,garden,30000\n2,bob,bridge,15000\n\
             3,alice,garden,0\n4,alice,bridge,30000\n",
        ),
    ]);
    let (code, _, err, _) = govkit(dir.path(), &["conviction", "f.toml"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn referendum_votes_beyond_the_issuance_are_refused() {
    // Issuance 10000: alice 6000 then bob 5000 commit 11000.
    let base =
        std::fs::read_to_string(root().join("proposals/referendum-small-spend.toml")).unwrap();
    let head = &base[..base.find("[[vote]]").unwrap()];
    let votes = "[[vote]]\nblock = 2\naccount = \"alice\"\nvote = \"aye\"\nbalance = \"6000\"\n\
        conviction = \"1x\"\n\n[[vote]]\nblock = 3\naccount = \"bob\"\nvote = \"split\"\n\
        aye = \"2500\"\nnay = \"2500\"\n";
    let dir = folder(&[("r.toml", &format!("{head}{votes}"))]);
    refused(
        govkit(dir.path(), &["conviction", "r.toml"]),
        5,
        &[
            "r.toml line",
            "vote.vote",
            "more than the total issuance (10000 tokens",
            "committed before it: 6000",
        ],
    );
    // Alice changing her vote replaces her 6000: 4000 + 5000 fits.
    let votes = votes.replace(
        "[[vote]]\nblock = 3",
        "[[vote]]\nblock = 3\naccount = \"alice\"\nvote = \"aye\"\nbalance = \"4000\"\n\
         conviction = \"1x\"\n\n[[vote]]\nblock = 3",
    );
    let dir = folder(&[("r.toml", &format!("{head}{votes}"))]);
    let (code, _, err, _) = govkit(dir.path(), &["conviction", "r.toml"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn line_numbers_are_right_whatever_the_line_endings() {
    // The bad weight is on line 4 (header on line 1) with old Mac (CR),
    // Windows (CRLF) and Unix (LF) line endings, with and without a blank
    // line before it (then line 5).
    for (name, end) in [("cr", "\r"), ("crlf", "\r\n"), ("lf", "\n")] {
        for (blank, line) in [("", 4), ("blank", 5)] {
            let extra = if blank.is_empty() {
                String::new()
            } else {
                end.to_string()
            };
            let votes = format!(
                "voter,choice,weight{end}0xa,1,5{end}0xb,1,6{end}{extra}0xc,1,x7{end}0xd,1,1{end}"
            );
            let dir = folder(&[
                ("votes.csv", &votes),
                ("p.toml", &proposal("votes.csv", "csv", "")),
            ]);
            let expected = format!("votes.csv line {line}: field 'weight'");
            let result = govkit(dir.path(), &["evaluate", "p.toml"]);
            assert!(result.2.contains(&expected), "{name} {blank}: {}", result.2);
            refused(result, 5, &[&expected]);
        }
    }
}

#[test]
fn more_choices_than_the_limit_are_refused() {
    // 1,001 choices (the limit is Snapshot's 1,000): refused at once,
    // naming the field, with a short message. 1,000 are read.
    let names = |n: usize| {
        (1..=n)
            .map(|i| format!("\"c{i}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let file = |n: usize| {
        format!(
            "id = \"t\"\nballot = \"copeland\"\nchoices = [{}]\ndecimals = 0\n[votes]\n\
             path = \"votes.csv\"\nformat = \"csv\"\n",
            names(n)
        )
    };
    let votes = "voter,choice,weight\n0xa,\"[1,2]\",5\n";
    let dir = folder(&[("p.toml", &file(1001)), ("votes.csv", votes)]);
    refused(
        govkit(dir.path(), &["evaluate", "p.toml"]),
        5,
        &["p.toml line 3", "'choices'", "at most 1000"],
    );
    let dir = folder(&[("p.toml", &file(1000)), ("votes.csv", votes)]);
    let (code, _, err, _) = govkit(dir.path(), &["evaluate", "p.toml"]);
    assert_eq!(code, 0, "{err}");
}
