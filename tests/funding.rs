//! `govkit fund`: funding rounds read from files, checked against the
//! sources' own examples and hand calculations (written in comments).

use std::path::{Path, PathBuf};

use govkit::funding::{fund, Contributions, MatchingRule, PoolScaling, Round, RoundReport};
use govkit::io::contributions;
use govkit::render::fund::{render, FundFormat};
use govkit::share::ShareOrAmount;
use govkit::{Amount, ErrorKind};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn matching(r: &RoundReport, rule: &str) -> Vec<String> {
    let m = r.rules.iter().find(|m| m.rule == rule).unwrap();
    m.projects.iter().map(|p| p.matching.to_string()).collect()
}

fn approx(r: &RoundReport, rule: &str, project: usize) -> f64 {
    let m = r.rules.iter().find(|m| m.rule == rule).unwrap();
    let q = &m.projects[project].matching;
    let text = q.approx().unwrap_or_else(|| q.to_string());
    text.parse().unwrap()
}

#[test]
fn clr_py_example_round_reproduces_its_printed_result() {
    // gitcoinco/quadratic-funding, quadratic-funding/clr.py: the
    // GRANT_CONTRIBUTIONS_EXAMPLE rows, run_clr_calcs(..., 25.0, 5000)
    // prints clr_amount 220.594... for grant "4" and 351.406... for "5",
    // contribution_amount 57 and 62, number_contributions 5 and 6.
    let r = contributions::run(root().join("proposals/fund-clr-example.toml")).unwrap();
    assert_eq!(r.rows, 16);
    assert_eq!(r.contributors, 8);
    let ids: Vec<&str> = r.projects.iter().map(|p| p.project.as_str()).collect();
    assert_eq!(ids, ["4", "5"]);
    assert_eq!(r.projects[0].contributions, "57");
    assert_eq!(r.projects[1].contributions, "62");
    assert_eq!(r.projects[0].contributors, 5);
    assert_eq!(r.projects[1].contributors, 6);
    assert!((approx(&r, "clr", 0) - 220.594).abs() < 0.0005);
    assert!((approx(&r, "clr", 1) - 351.406).abs() < 0.0005);
    // 572 < 5000: not normalised. Payouts: 220 + 351 = 571, the one unit
    // left of floor(572) goes to the larger remainder (.594): 221 and 351.
    let clr = r.rules.iter().find(|m| m.rule == "clr").unwrap();
    assert_eq!(clr.raw_total, "572");
    assert_eq!(clr.projects[0].payout, "221");
    assert_eq!(clr.projects[1].payout, "351");
    assert_eq!(clr.unallocated, "4428");
    // Plain QF by hand: grant 4 aggregates [10, 15, 7, 10, 15]:
    // (√10 + √15 + √7 + √10 + √15)² − 57 = 222.4338 (3.1623·2 + 3.8730·2
    // + 2.6458 = 16.7163, squared 279.4338).
    assert!((approx(&r, "quadratic", 0) - 222.4338).abs() < 0.0001);
}

#[test]
fn readme_shows_the_bundled_round_as_the_cli_prints_it() {
    let r = contributions::run(root().join("proposals/fund-clr-example.toml")).unwrap();
    let table = render(&r, FundFormat::Table);
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(
        readme.contains(&table),
        "README.md's funding example is out of date:\n{table}"
    );
    // The side-by-side numbers a reader checks (clr.py's 220.594 and
    // 351.406; QF by hand above; COCM by pluralqf.py's formula with the
    // two grants' contributor sets as groups).
    assert!(table.contains("222.434  220.594  15.164"), "{table}");
    assert!(table.contains("255.812  351.406  16.299"), "{table}");
}

#[test]
fn json_and_csv_contributions_give_the_same_round() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "c.csv",
        "donor,grant,amount\n0xA,p,1\n0xb,p,4\n0xc,p,9\n0xA,q,1\n",
    );
    write(
        dir.path(),
        "c.json",
        r#"[
  {"contributor": "0xa", "project": "p", "amount": 1},
  {"contributor": "0xB", "project": "p", "amount": "4"},
  {"contributor": "0xc", "project": "p", "amount": 9},
  {"contributor": "0xa", "project": "q", "amount": 1}
]"#,
    );
    let toml = |c: &str| {
        format!("[round]\npool = \"100\"\ndecimals = 0\ncontributions = \"{c}\"\nrules = [\"quadratic\"]\n")
    };
    let a = contributions::run(write(dir.path(), "a.toml", &toml("c.csv"))).unwrap();
    let b = contributions::run(write(dir.path(), "b.toml", &toml("c.json"))).unwrap();
    // [1, 4, 9] -> (1 + 2 + 3)² − 14 = 22 (Buterin, Hitzig, Weyl); q has one
    // contributor -> 0.
    assert_eq!(matching(&a, "quadratic"), ["22", "0"]);
    assert_eq!(a.rules, b.rules);
    assert_eq!(a.wallets, 3);
}

#[test]
fn bad_rows_name_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let csv = write(
        dir.path(),
        "c.csv",
        "contributor,project,amount\n0xa,p,1\n\n0xb,p,-4\n",
    );
    let e = contributions::read(&csv, 0).unwrap_err();
    let at = e.location().unwrap();
    assert_eq!(at.line, Some(4));
    assert_eq!(at.field.as_deref(), Some("amount"));
    let json = write(
        dir.path(),
        "c.json",
        "[\n {\"contributor\": \"a\", \"project\": \"p\", \"amount\": 1},\n {\"contributor\": \"b\", \"amount\": 1}\n]",
    );
    let e = contributions::read(&json, 0).unwrap_err();
    assert_eq!(e.location().unwrap().line, Some(3));
    assert_eq!(e.location().unwrap().field.as_deref(), Some("project"));
    let e = contributions::read(&csv, 0).unwrap_err().to_string();
    assert!(e.contains("c.csv"), "{e}");
}

#[test]
fn overflow_is_an_error_with_the_row() {
    let dir = tempfile::tempdir().unwrap();
    let max = u128::MAX.to_string();
    let csv = write(
        dir.path(),
        "c.csv",
        &format!("contributor,project,amount\na,p,{max}\nb,p,1\n"),
    );
    let rows = contributions::read(&csv, 0).unwrap();
    let e = fund(&Round::new("r", Amount::from_base_units(1), 0), &rows, None).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Overflow { .. }));
    assert_eq!(e.location().unwrap().line, Some(3));
}

fn rows(list: &[(&str, &str, u128)]) -> Contributions {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("contributor,project,amount\n");
    for (who, p, a) in list {
        text.push_str(&format!("{who},{p},{a}\n"));
    }
    let path = write(dir.path(), "c.csv", &text);
    contributions::read(&path, 0).unwrap()
}

#[test]
fn identities_minimum_and_caps() {
    let dir = tempfile::tempdir().unwrap();
    // 0xa and 0xb are one person: their 1 + 3 to p count as one 4.
    write(
        dir.path(),
        "ids.csv",
        "address,identity\n0xa,alice\n0xb,alice\n",
    );
    write(
        dir.path(),
        "c.csv",
        "contributor,project,amount\n0xa,p,1\n0xb,p,3\n0xc,p,9\n",
    );
    let round = write(
        dir.path(),
        "r.toml",
        "[round]\npool = \"100\"\ndecimals = 0\ncontributions = \"c.csv\"\nidentities = \"ids.csv\"\nrules = [\"quadratic\"]\n",
    );
    let r = contributions::run(&round).unwrap();
    // Merged: [4, 9] -> 2·2·3 = 12. Unmerged it would be
    // (1 + √3 + 3)² − 13 = 12.93 (the sybil gain).
    assert_eq!(matching(&r, "quadratic"), ["12"]);
    assert_eq!(r.projects[0].contributors, 2);
    assert_eq!(r.wallets, 3);

    let c = rows(&[("a", "p", 1), ("b", "p", 4), ("c", "p", 9), ("d", "p", 25)]);
    let mut round = Round::new("r", Amount::from_base_units(1000), 0);
    // Minimum 2: the 1 does not count: [4, 9, 25] -> 100 − 38 = 62.
    round.minimum = Some(Amount::from_base_units(2));
    let r = fund(&round, &c, None).unwrap();
    assert_eq!(matching(&r, "quadratic"), ["62"]);
    assert_eq!(r.projects[0].contributions, "39");
    assert_eq!(r.projects[0].counted, "38");
    // Contributor cap 9: [1, 4, 9, 9] -> (1 + 2 + 3 + 3)² − 23 = 58.
    round.minimum = None;
    round.contributor_cap = Some(Amount::from_base_units(9));
    let r = fund(&round, &c, None).unwrap();
    assert_eq!(matching(&r, "quadratic"), ["58"]);
}

#[test]
fn the_pool_scales_and_the_project_cap_redistributes() {
    // p: [1, 4, 9] -> 22; q: [1, 1] -> 2. Pool 12: scale 12/24 -> 11 and 1.
    let c = rows(&[
        ("a", "p", 1),
        ("b", "p", 4),
        ("c", "p", 9),
        ("a", "q", 1),
        ("b", "q", 1),
    ]);
    let mut round = Round::new("r", Amount::from_base_units(12), 0);
    let r = fund(&round, &c, None).unwrap();
    assert_eq!(matching(&r, "quadratic"), ["11", "1"]);
    assert_eq!(r.rules[0].scale, "0.500000");
    // Cap 50% of 12 = 6: p gets 6, the other 6 would go to q but λ ≤ 1
    // keeps q at its own 2: 4 stay unallocated.
    round.project_cap = Some(ShareOrAmount::parse("50%", 0).unwrap());
    let r = fund(&round, &c, None).unwrap();
    assert_eq!(matching(&r, "quadratic"), ["6", "2"]);
    assert_eq!(r.rules[0].unallocated, "4");
    assert!(r.rules[0].projects[0].capped);
    // Scaling "always": q may take the rest: 6 and 6.
    round.scaling = PoolScaling::Always;
    let r = fund(&round, &c, None).unwrap();
    assert_eq!(matching(&r, "quadratic"), ["6", "6"]);
    assert_eq!(r.rules[0].paid, "12");
}

#[test]
fn payouts_sum_exactly_to_an_exhausted_pool() {
    // Three projects matched 2·√2, 2·√3 and 2 (irrational shares) into a
    // pool of 1000 base units: the whole-unit payouts sum to 1000.
    let c = rows(&[
        ("a", "p", 1),
        ("b", "p", 2),
        ("a", "q", 1),
        ("b", "q", 3),
        ("a", "r", 1),
        ("b", "r", 1),
    ]);
    let mut round = Round::new("r", Amount::from_base_units(1000), 0);
    round.rules = vec![MatchingRule::Quadratic];
    round.scaling = PoolScaling::Always;
    let r = fund(&round, &c, None).unwrap();
    let total: u128 = r.rules[0]
        .projects
        .iter()
        .map(|p| p.payout.to_string().parse::<u128>().unwrap())
        .sum();
    assert_eq!(total, 1000);
    assert_eq!(r.rules[0].unallocated, "0");
    // 1000 · 2√2 / (2√2 + 2√3 + 2) = 1000 · 2.8284 / 8.2925 = 341.08;
    // 2√3 -> 417.74; 2 -> 241.18. Floors 341 + 417 + 241 = 999; the unit
    // left goes to the largest remainder (.74).
    let pays: Vec<String> = r.rules[0]
        .projects
        .iter()
        .map(|p| p.payout.to_string())
        .collect();
    assert_eq!(pays, ["341", "418", "241"]);
}

#[test]
fn csv_and_json_output_carry_every_rule_and_project() {
    let r = contributions::run(root().join("proposals/fund-clr-example.toml")).unwrap();
    let csv = render(&r, FundFormat::Csv);
    assert_eq!(csv.lines().count(), 1 + 3 * 2);
    assert!(csv
        .lines()
        .any(|l| l.starts_with("clr,4,57,5,57,") && l.contains(",221,")));
    let json: serde_json::Value = serde_json::from_str(&render(&r, FundFormat::Json)).unwrap();
    assert_eq!(json["rules"][1]["rule"], "clr");
    assert_eq!(json["rules"][1]["raw_total"], "572");
    assert!(json["rules"][1]["projects"][0]["matching_approx"]
        .as_str()
        .unwrap()
        .starts_with("220.594"));
}

#[test]
fn fund_sybil_reports_each_rule_and_project_of_the_contributor() {
    // Contributor 1 of clr.py's example funds projects 4 and 5. Splitting a
    // contribution over more wallets never lowers plain QF matching
    // (√ is concave: Σ√(c/k) over k parts = √(k·c) >= √c).
    let root = env!("CARGO_MANIFEST_DIR");
    let out = assert_cmd::Command::cargo_bin("govkit")
        .unwrap()
        .args([
            "fund",
            &format!("{root}/proposals/fund-clr-example.toml"),
            "--sybil",
            "1",
            "--split",
            "10",
            "--format",
            "json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let gains = v["gains"].as_array().unwrap();
    let pairs: Vec<(&str, &str)> = gains
        .iter()
        .map(|g| (g["rule"].as_str().unwrap(), g["project"].as_str().unwrap()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("quadratic", "4"),
            ("quadratic", "5"),
            ("clr", "4"),
            ("clr", "5"),
            ("cocm", "4"),
            ("cocm", "5")
        ]
    );
    // Exact values may be fractions "a/b": compared here as floats, for
    // the direction only.
    let value = |s: &str| -> f64 {
        match s.split_once('/') {
            Some((a, b)) => a.parse::<f64>().unwrap() / b.parse::<f64>().unwrap(),
            None => s.parse().unwrap(),
        }
    };
    for g in gains.iter().filter(|g| g["rule"] == "quadratic") {
        let before = value(g["before"].as_str().unwrap());
        let after = value(g["after"].as_str().unwrap());
        assert!(after > before, "{g}");
    }
}

#[test]
fn fund_html_report_is_self_contained_with_its_chart() {
    let root = env!("CARGO_MANIFEST_DIR");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("round.html");
    assert_cmd::Command::cargo_bin("govkit")
        .unwrap()
        .args([
            "fund",
            &format!("{root}/proposals/fund-clr-example.toml"),
            "--html",
        ])
        .arg(&out)
        .assert()
        .success();
    let html = std::fs::read_to_string(&out).unwrap();
    // clr.py's own numbers for the example (grant 4: 220.594, grant 5:
    // 351.406) in the table, one column per rule, and the chart inline.
    assert!(html.contains(">220.594</td>"), "{html}");
    assert!(html.contains(">351.406</td>"));
    for rule in ["quadratic", "clr", "cocm"] {
        assert!(html.contains(&format!("<th>{rule} matching</th>")));
    }
    assert!(html.contains("<svg") && html.contains("Matching by project"));
    // Nothing is fetched: no scripts, no external references.
    assert!(!html.contains("<script") && !html.contains("src=\"http"));
}
