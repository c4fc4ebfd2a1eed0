//! Acceptance tests of the control analyzer (`govkit::control`).
//!
//! Expected values come from outside govkit: brute-force enumeration of
//! coalitions (written here, not shared with the library), PyPI
//! `powerindex` (scripts/powerindex-crosscheck/expected.json), the issue's
//! numbers for the UNI airdrop, and an independent reading of the Compound
//! governor logs with the csv crate.

mod common;

use std::collections::BTreeMap;

use govkit::control::{
    min_majority_set, Distribution, ExactLimits, ProposalControl, Threshold, WeightedGame,
};
use govkit::{GovernorLog, Holders, HoldersSource, Proposal};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{ToPrimitive, Zero};
use proptest::prelude::*;

fn rational(n: u128, d: u128) -> BigRational {
    BigRational::new(BigInt::from(n), BigInt::from(d))
}

/// Brute force over all 2^n coalitions: swings and Shapley-Shubik sums.
fn brute_force(quota: u64, weights: &[u64]) -> (Vec<u128>, Vec<BigRational>) {
    let n = weights.len();
    let mut fact = vec![1u128; n + 1];
    for i in 1..=n {
        fact[i] = fact[i - 1] * i as u128;
    }
    let mut swings = vec![0u128; n];
    // by_size[i][s]: swing coalitions of player i with s members.
    let mut by_size = vec![vec![0u128; n]; n];
    for mask in 0u32..(1 << n) {
        let w: u64 = (0..n)
            .filter(|&j| mask >> j & 1 == 1)
            .map(|j| weights[j])
            .sum();
        if w >= quota {
            continue;
        }
        let size = mask.count_ones() as usize;
        for i in 0..n {
            if mask >> i & 1 == 0 && quota <= w + weights[i] {
                swings[i] += 1;
                by_size[i][size] += 1;
            }
        }
    }
    let ss = by_size
        .iter()
        .map(|counts| {
            counts
                .iter()
                .enumerate()
                .fold(BigRational::zero(), |acc, (s, &c)| {
                    acc + rational(c * fact[s] * fact[n - s - 1], fact[n])
                })
        })
        .collect();
    (swings, ss)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn exact_indices_equal_brute_force(
        weights in prop::collection::vec(0u64..40, 1..=14),
        quota_pct in 1u64..=100,
    ) {
        let total: u64 = weights.iter().sum();
        let quota = (total * quota_pct / 100).max(1);
        let game = WeightedGame { quota, weights: weights.clone() };
        let limits = ExactLimits::default();
        let (swings, ss) = brute_force(quota, &weights);
        let b = game.banzhaf(&limits).unwrap();
        let got: Vec<u128> = b.swings.iter().map(|s| s.to_u128().unwrap()).collect();
        // Dummies (weight 0) are left out of the count: every other
        // player's swings double for each of them.
        let zeros = weights.iter().filter(|&&w| w == 0).count() as u32;
        let scaled: Vec<u128> = got.iter().map(|s| s << zeros).collect();
        prop_assert_eq!(scaled, swings);
        prop_assert_eq!(game.shapley_shubik(&limits).unwrap(), ss);
    }

}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn exact_indices_equal_brute_force_up_to_18_players(
        weights in prop::collection::vec(1u64..1000, 15..=18),
    ) {
        let total: u64 = weights.iter().sum();
        let quota = total / 2 + 1;
        let game = WeightedGame { quota, weights: weights.clone() };
        let limits = ExactLimits::default();
        let (swings, ss) = brute_force(quota, &weights);
        let got: Vec<u128> = game.banzhaf(&limits).unwrap().swings.iter()
            .map(|s| s.to_u128().unwrap()).collect();
        prop_assert_eq!(got, swings);
        prop_assert_eq!(game.shapley_shubik(&limits).unwrap(), ss);
    }
}

#[test]
fn exact_indices_match_pypi_powerindex() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scripts/powerindex-crosscheck/expected.json");
    let data: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let games = data["games"].as_array().unwrap();
    assert_eq!(games.len(), 5);
    let limits = ExactLimits::default();
    for g in games {
        let name = g["name"].as_str().unwrap();
        let weights: Vec<u64> = g["weights"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w.as_u64().unwrap())
            .collect();
        let game = WeightedGame {
            quota: g["quota"].as_u64().unwrap(),
            weights,
        };
        let check = |ours: Vec<BigRational>, theirs: &serde_json::Value, what: &str| {
            let theirs = theirs.as_array().unwrap();
            assert_eq!(ours.len(), theirs.len(), "{name} {what}");
            for (i, (o, t)) in ours.iter().zip(theirs).enumerate() {
                let (o, t) = (o.to_f64().unwrap(), t.as_f64().unwrap());
                assert!(
                    (o - t).abs() <= 1e-9,
                    "{name} {what} player {i}: {o} vs {t}"
                );
            }
        };
        check(
            game.banzhaf(&limits).unwrap().normalized(),
            &g["banzhaf"],
            "banzhaf",
        );
        if let Some(ss) = g.get("shapley_shubik") {
            check(game.shapley_shubik(&limits).unwrap(), ss, "shapley-shubik");
        }
    }
}

#[test]
fn uni_airdrop_nakamoto_and_gini() {
    let path = common::shared("data/uniswap-airdrop/uni_airdrop_claims.csv");
    let holders = Holders::read(&HoldersSource::new(path), 18).unwrap();
    assert_eq!(holders.len(), 252_803);
    let dist = Distribution::new(holders.iter().map(|(_, a)| a.base_units()).collect()).unwrap();
    assert_eq!(dist.nakamoto(&Threshold::majority()), Some(65_304));
    let gini = dist.gini().unwrap();
    assert_eq!(govkit::control::rounded_decimal(&gini, 5), "0.32491");
    assert_eq!(dist.zeros(), 0);
    // 150M UNI minus rounding, as the data README says.
    assert_eq!(dist.total(), 149_999_999_975_656_000_000_000_000);
}

/// Independent reading: VoteCast `votes` per proposal, straight from the CSV.
fn votes_by_proposal(file: &str) -> BTreeMap<u64, Vec<(String, u128)>> {
    let mut reader = csv::Reader::from_path(common::shared(file)).unwrap();
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (event, pid, voter, votes) = (
        col("event_name"),
        col("proposalId"),
        col("voter"),
        col("votes"),
    );
    let mut out: BTreeMap<u64, Vec<(String, u128)>> = BTreeMap::new();
    for row in reader.records() {
        let row = row.unwrap();
        if &row[event] != "VoteCast" {
            continue;
        }
        let id = row[pid]
            .trim()
            .trim_end_matches(".0")
            .parse::<u64>()
            .unwrap();
        let v = row[votes]
            .trim()
            .trim_end_matches(".0")
            .parse::<u128>()
            .unwrap();
        out.entry(id)
            .or_default()
            .push((row[voter].to_ascii_lowercase(), v));
    }
    out
}

#[test]
fn compound_min_majority_voters_on_every_proposal() {
    let mut checked = 0;
    for file in [
        "data/governor-events/compound_governor_alpha.csv",
        "data/governor-events/compound_governor_bravo.csv",
    ] {
        let expected = votes_by_proposal(file);
        let log = GovernorLog::read(&common::shared(file), None).unwrap();
        for p in &log.proposals {
            let id: u64 = p.id.parse().unwrap();
            let exp = expected.get(&id).map_or(&[][..], Vec::as_slice);
            let powers: Vec<u128> = p
                .votes
                .votes
                .iter()
                .map(|v| v.weight.unwrap().base_units())
                .collect();
            let set = min_majority_set(&powers);
            // Independent: sort descending, smallest k with 2 * top-k > total.
            let mut sorted: Vec<u128> = exp.iter().map(|e| e.1).collect();
            sorted.sort_unstable_by(|a, b| b.cmp(a));
            let total: u128 = sorted.iter().sum();
            if total == 0 {
                assert!(set.is_none(), "proposal {id}");
                continue;
            }
            let mut k = 0;
            let mut top = 0u128;
            while 2 * top <= total {
                top += sorted[k];
                k += 1;
            }
            let set = set.unwrap();
            assert_eq!(set.members.len(), k, "{file} proposal {id}");
            assert_eq!(set.power, top, "{file} proposal {id}");
            // The addresses are voters of the proposal holding exactly that much.
            let by_voter: BTreeMap<&str, u128> =
                exp.iter().map(|(a, v)| (a.as_str(), *v)).collect();
            let named: u128 = set
                .members
                .iter()
                .map(|&i| by_voter[&*p.votes.votes[i].voter.as_ref().unwrap().as_str()])
                .sum();
            assert_eq!(named, top, "{file} proposal {id}");
            checked += 1;
        }
    }
    assert!(checked >= 130, "{checked}");
}

#[test]
fn proposal_control_on_compound_43() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("proposals/compound-43.toml");
    let prepared = Proposal::load(path).unwrap().prepare().unwrap();
    let pc = ProposalControl::analyze(&prepared).unwrap();
    assert_eq!(pc.report.outcome, govkit::Outcome::Passed);
    assert_eq!(pc.voters.len(), 95);
    // Independent: largest voters first until more than half of the cast.
    let mut powers: Vec<u128> = pc.voters.iter().map(|v| v.1).collect();
    powers.sort_unstable_by(|a, b| b.cmp(a));
    let total: u128 = powers.iter().sum();
    let k = (1..=powers.len())
        .find(|&k| 2 * powers[..k].iter().sum::<u128>() > total)
        .unwrap();
    assert_eq!(pc.min_majority.as_ref().unwrap().members.len(), k);
    // Flip: For 1,367,841.96… vs Against 5,000. Moving p from For to
    // Against fails once For − p < 400,000 (quorum on For) or
    // For − p <= Against + p; take the largest For voters first.
    let flip = pc.min_flip.as_ref().unwrap();
    let e18 = 10u128.pow(18);
    let for_ = 1_367_841_964_900_760_752_685_033u128;
    let against = 5_000 * e18;
    let fails = |p: u128| for_ - p < 400_000 * e18 || for_ - p <= against + p;
    let mut for_voters: Vec<u128> = prepared
        .votes
        .votes
        .iter()
        .zip(&pc.voters)
        .filter(|(v, _)| v.selection == govkit::Selection::Single(1))
        .map(|(_, p)| p.1)
        .collect();
    for_voters.sort_unstable_by(|a, b| b.cmp(a));
    let need = (0..=for_voters.len())
        .find(|&k| fails(for_voters[..k].iter().sum()))
        .unwrap();
    assert_eq!(flip.members.len(), need);
    assert_eq!(pc.margin.as_ref().unwrap(), &rational(for_ - against, 1));
}

mod cli {
    use assert_cmd::Command;

    fn govkit() -> Command {
        Command::cargo_bin("govkit").unwrap()
    }

    fn holders_file(dir: &tempfile::TempDir, rows: &[(&str, &str)]) -> std::path::PathBuf {
        let path = dir.path().join("holders.csv");
        let mut text = String::from("address,balance\n");
        for (a, b) in rows {
            text += &format!("{a},{b}\n");
        }
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn json_has_the_documented_keys_and_exact_values() {
        let dir = tempfile::tempdir().unwrap();
        // [6; 4,3,2,1] as token balances: quota ">=3/5" of 10 is 6.
        let path = holders_file(
            &dir,
            &[("0xa", "4"), ("0xb", "3"), ("0xc", "2"), ("0xd", "1")],
        );
        let out = govkit()
            .args(["control", path.to_str().unwrap(), "--format", "json"])
            .args(["--quota", ">=3/5", "--threshold", ">1/2,>=1/2"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["holders"], 4);
        assert_eq!(v["nakamoto"][0]["k"], 2); // 4 + 3 > 5
        assert_eq!(v["nakamoto"][0]["strict"], true);
        assert_eq!(v["nakamoto"][1]["k"], 2); // 4 < 5 <= 7
        assert_eq!(v["gini"]["exact"], "1/4");
        assert_eq!(v["hhi"]["exact"], "3/10");
        assert_eq!(v["top_shares"][0]["exact"], "2/5");
        assert!(v["lorenz"].as_array().unwrap().len() >= 2);
        assert_eq!(v["power_indices"]["mode"], "exact");
        assert_eq!(v["power_indices"]["game_quota"], 6);
        let b = &v["banzhaf"];
        assert_eq!(b[0]["holder"], "0xa");
        assert_eq!(b[0]["normalized_exact"], "5/12");
        assert_eq!(b[3]["normalized_exact"], "1/12");
        assert_eq!(b[0]["exact"], "5/8");
        assert_eq!(b[0]["error"], "0");
        assert_eq!(v["shapley_shubik"][0]["holder"], "0xa");
        assert!(v["shapley_shubik"][0]["index"].is_string());
    }

    #[test]
    fn exact_mode_refuses_exploding_games_and_suggests_approx() {
        let dir = tempfile::tempdir().unwrap();
        let path = holders_file(
            &dir,
            &[
                ("0xa", "1000000.000000000000000001"),
                ("0xb", "3"),
                ("0xc", "2"),
            ],
        );
        govkit()
            .args(["control", path.to_str().unwrap(), "--indices", "exact"])
            .assert()
            .code(2)
            .stderr(predicates::str::contains("--indices approx"));
        // Weights that fit, but a quota of 5·10^9 times 3 players is too much.
        let small = holders_file(&dir, &[("0xa", "10000000000"), ("0xb", "3"), ("0xc", "2")]);
        govkit()
            .args([
                "control",
                small.to_str().unwrap(),
                "--indices",
                "exact",
                "--decimals",
                "0",
            ])
            .assert()
            .code(2)
            .stderr(predicates::str::contains("GiB of tables"))
            .stderr(predicates::str::contains("--indices approx"));
        // auto falls back to the approximate mode and prints the bound.
        govkit()
            .args([
                "control",
                path.to_str().unwrap(),
                "--format",
                "json",
                "--epsilon",
                "0.05",
            ])
            .assert()
            .success()
            .stdout(predicates::str::contains("\"mode\": \"approximate\""))
            .stdout(predicates::str::contains("\"error\": \"0.05\""));
    }

    #[test]
    fn proposal_reports_decisive_sets() {
        let toml =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("proposals/compound-43.toml");
        let out = govkit()
            .args([
                "control",
                "--proposal",
                toml.to_str().unwrap(),
                "--format",
                "json",
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let m = &v["min_majority_voters"];
        let count = m["count"].as_u64().unwrap();
        assert_eq!(m["addresses"].as_array().unwrap().len() as u64, count);
        assert!(m["addresses"][0].as_str().unwrap().starts_with("0x"));
        assert!(v["min_flip_voters"]["count"].as_u64().unwrap() >= 1);
        assert_eq!(v["min_flip_voters"]["switch"], "For -> Against");
        assert_eq!(v["margin"], "1362841.964900760752685033");
        // CSV and table render too.
        govkit()
            .args([
                "control",
                "--proposal",
                toml.to_str().unwrap(),
                "--format",
                "csv",
            ])
            .assert()
            .success()
            .stdout(predicates::str::contains("min_majority_voters,count,"));
    }
}

#[test]
fn control_after_delegation_on_decentraland_members() {
    // Independent check (Python, decimal): each member's own VP is the sum
    // of its per-asset columns (total 51996263.531770162143871877); moving
    // every `Has Delegated` member's own VP to its delegate (one hop), the
    // largest 20 members hold more than half before and the largest 14
    // holders after.
    let members = common::shared("data/decentraland/members.csv");
    let out = assert_cmd::Command::cargo_bin("govkit")
        .unwrap()
        .args([
            "control",
            members.to_str().unwrap(),
            "--delegations",
            members.to_str().unwrap(),
            "--policy",
            "snapshot",
            "--indices",
            "none",
            "--format",
            "json",
        ])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["total"], "51996263.531770162143871877");
    assert_eq!(v["before_delegation"]["nakamoto"][0]["k"], 20);
    assert_eq!(v["nakamoto"][0]["k"], 14);
    // Both sides on one population (issue 16 item 7): the 4,811 members
    // and the 20 delegates who are not members. An independent Python
    // reading with exact fractions (own VP = the "... VP" columns except
    // Total and Delegated; each `Has Delegated` member's own VP moves to
    // its delegate) gives, before / after: 1,123 / 1,332 at zero, Gini
    // 0.964142246 / 0.971441611 (it rises: delegation concentrates), top 10
    // 0.389436236 / 0.442032952, top 100 0.811835167 / 0.857400153.
    let b = &v["before_delegation"];
    assert_eq!(v["holders"], 4831);
    assert_eq!(b["holders"], 4831);
    assert_eq!(b["total"], v["total"]);
    assert_eq!(
        (&b["zero_balances"], &v["zero_balances"]),
        (&1123.into(), &1332.into())
    );
    assert_eq!(b["gini"], "0.964142246");
    assert_eq!(v["gini"]["value"], "0.971441611");
    assert_eq!(b["top_shares"][1]["share"], "0.389436236");
    assert_eq!(v["top_shares"][1]["share"], "0.442032952");
    assert_eq!(b["top_shares"][2]["share"], "0.811835167");
    assert_eq!(v["top_shares"][2]["share"], "0.857400153");
    assert_eq!(b["top_shares"][0]["share"], v["top_shares"][0]["share"]);
}

#[test]
fn control_table_shows_before_and_after_delegation_side_by_side() {
    // The same members.csv run as a table: both columns, the policy named,
    // shares in percent (the Python figures above times 100).
    let members = common::shared("data/decentraland/members.csv");
    let out = assert_cmd::Command::cargo_bin("govkit")
        .unwrap()
        .args(["control", members.to_str().unwrap(), "--delegations"])
        .arg(&members)
        .args(["--policy", "snapshot", "--indices", "none"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let table = String::from_utf8(out).unwrap();
    let line = |label: &str| -> Vec<String> {
        let l = table
            .lines()
            .find(|l| l.starts_with(label))
            .unwrap_or_else(|| panic!("no {label:?} line in\n{table}"));
        l[label.len()..]
            .split_whitespace()
            .map(String::from)
            .collect()
    };
    assert!(table.contains("policy one-hop, override"), "{table}");
    assert!(table.contains("before delegation"), "{table}");
    assert!(table.contains("after delegation"), "{table}");
    assert_eq!(line("holders "), ["4831", "4831"]);
    assert_eq!(line("zero balance "), ["1123", "1332"]);
    assert_eq!(line("nakamoto > 50% "), ["20", "holders", "14", "holders"]);
    assert_eq!(line("top 10 "), ["38.9436236%", "44.2032952%"]);
    assert_eq!(line("gini "), ["0.964142246", "0.971441611"]);
    // Lorenz populations in percent with their head count: 483 of 4,831.
    assert!(
        table.contains(" 10.00% (483 holders) -> 0.0000000%"),
        "{table}"
    );
}

#[test]
fn smallest_set_that_alone_meets_quorum_and_passes() {
    // Compound 43 (quorum 400,000 COMP on For): the largest voter holds
    // 344991.654683453186335123 < 400000; with the second largest,
    // 325755.503477635020313562, the two hold 670747.158161088206648685
    // (hand sum of their VoteCast `votes`): two voters suffice.
    let proposal =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("proposals/compound-43.toml");
    let out = assert_cmd::Command::cargo_bin("govkit")
        .unwrap()
        .args([
            "control",
            "--proposal",
            proposal.to_str().unwrap(),
            "--indices",
            "none",
            "--format",
            "json",
        ])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["min_passing_voters"]["count"], 2);
    assert_eq!(
        v["min_passing_voters"]["power"],
        "670747.158161088206648685"
    );
}

#[test]
fn control_table_names_the_smallest_passing_set() {
    // Issue 16 item 10: the table shows what the JSON has. The two largest
    // For voters of Compound 43 (hand sum of their VoteCast `votes`, see
    // above) alone meet the 400,000 COMP quorum and pass.
    let proposal =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("proposals/compound-43.toml");
    assert_cmd::Command::cargo_bin("govkit")
        .unwrap()
        .args(["control", "--proposal"])
        .arg(&proposal)
        .args(["--indices", "none"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains(
            "passing   2 voters alone, all For, meet the quorum and pass \
             (670747.158161088206648685)",
        ))
        // Top-k shares in percent, as elsewhere: the largest voter's
        // 344991.654683453186335123 of 1372841.964900760752685033 cast.
        .stdout(predicates::str::contains("top 1           25.1297428%"));
}

#[test]
fn fractional_casts_are_analysed_per_voter_not_per_cast() {
    // proposals/fractional-votes.toml: 7 casts by 3 voters (weights 0xa1 7,
    // 0xb2 30, 0xc3 12; 49 in all). The decisive sets are over the merged
    // voters (this panicked with an index past the 3 tallied powers): 0xb2's
    // 30 > 49/2 alone, and alone, all For, it meets the quorum of 10.
    let proposal = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("proposals/fractional-votes.toml");
    let out = assert_cmd::Command::cargo_bin("govkit")
        .unwrap()
        .args(["control", "--proposal"])
        .arg(&proposal)
        .args(["--indices", "none", "--format", "json"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["proposal"]["votes"], 3);
    assert_eq!(v["proposal"]["cast_power"], "49");
    assert_eq!(
        v["min_majority_voters"]["addresses"],
        serde_json::json!(["0xb2"])
    );
    assert_eq!(
        v["min_passing_voters"]["addresses"],
        serde_json::json!(["0xb2"])
    );
    assert_cmd::Command::cargo_bin("govkit")
        .unwrap()
        .arg("compare")
        .arg(&proposal)
        .assert()
        .code(0);
}
