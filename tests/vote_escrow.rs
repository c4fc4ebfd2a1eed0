//! Vote-escrow voting end to end: the bundled `proposals/vote-escrow.toml`
//! evaluated and compared (ve-curve, ve-balancer, ve-frax next to
//! token-weighted and quadratic), the same locks read from a locks file
//! with their history, and the errors a user meets first.
//!
//! Hand check (18 decimals, t = 1700000000, WEEK = 604800, every lock end
//! already on a week boundary; slope = floor(amount / MAXTIME) in base
//! units per second, power = slope × (end − t)):
//!
//! | voter | choice  | tokens | end − t    | Curve (MAXTIME 126144000)            |
//! |-------|---------|--------|------------|--------------------------------------|
//! | whale | Against | 10000  | 92800      | 79274479959411 × 92800 = 7356671740233340800 |
//! | alice | For     | 1500   | 30937600   | 11891171993911 × 30937600 = 367884322678820953600 |
//! | bob   | For     | 1000   | 15212800   | 7927447995941 × 15212800 = 120598680872651244800 |
//! | carol | Abstain | 500    | 7350400    | 3963723997970 × 7350400 = 29134956874678688000 |
//! | dave  | For     | 100    | ended      | 0                                    |
//!
//! Curve: For 488483003551472198400 (= alice + bob), Against
//! 7356671740233340800: passed, where token-weighted (For 2600 < Against
//! 10000) and quadratic (For √1500+√1000+√100 = 80.352610063 < Against
//! √10000 = 100) reject. Balancer (MAXTIME 31536000, slopes 4× larger up
//! to rounding): For 1953932014205950668800, Against 29426686960933456000:
//! passed. Frax (amount plus 3 × Curve's bias): For = 1500e18 + 1000e18 +
//! 3 × (367884322678820953600 + 120598680872651244800) =
//! 3965449010654416595200, Against = 10000e18 + 3 × 7356671740233340800 =
//! 10022070015220700022400: rejected (the locked amount itself counts, so
//! the whale's short lock still weighs 10000).
//! Each product was also recomputed in Python with integer arithmetic.

use std::path::{Path, PathBuf};

use govkit::compare::{compare, Variant};
use govkit::{Outcome, Proposal, Registry};

fn bundled() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("proposals/vote-escrow.toml")
}

fn units(r: &govkit::Report) -> Vec<u128> {
    r.tally.powers.iter().map(|p| p.units()).collect()
}

const CURVE: [u128; 5] = [
    7_356_671_740_233_340_800,
    367_884_322_678_820_953_600,
    120_598_680_872_651_244_800,
    29_134_956_874_678_688_000,
    0,
];

#[test]
fn the_bundled_example_passes_under_curve_power() {
    let r = Proposal::load(bundled()).unwrap().evaluate().unwrap();
    assert_eq!(r.mechanism, "vote-escrow (curve)");
    assert_eq!(units(&r), CURVE);
    let powers: Vec<String> = r.choices.iter().map(|c| c.power.to_string()).collect();
    // For = alice + bob = 488483003551472198400 base units.
    assert_eq!(
        powers,
        [
            "488.4830035514721984",
            "7.3566717402333408",
            "29.134956874678688"
        ]
    );
    assert_eq!(r.outcome, Outcome::Passed);
    // The quorum counts tokens: 10000 + 1500 + 1000 + 500 + 100.
    assert_eq!(r.quorum.counted, "13100");
    assert!(r.quorum.reached);
    // Only the whale's lock ends within a week of t.
    assert!(
        r.mechanism_details
            .iter()
            .any(|d| d.contains("4 live lock(s), 1 ended")),
        "{:?}",
        r.mechanism_details
    );
    assert!(
        r.mechanism_details
            .iter()
            .any(|d| d.contains("within a week of t: 7.3566717402333408 of 524.9746321663842272")),
        "{:?}",
        r.mechanism_details
    );
}

#[test]
fn compare_puts_ve_power_next_to_token_weighted_and_quadratic() {
    let registry = Registry::builtin();
    let proposal = Proposal::load(bundled()).unwrap();
    let labels: Vec<String> = [
        "token-weighted",
        "quadratic",
        "ve-curve",
        "ve-balancer",
        "ve-frax",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let variants = Variant::for_proposal(Some(&labels), &proposal, &registry).unwrap();
    let c = compare(&proposal, &variants).unwrap();
    let outcomes: Vec<(&str, Outcome)> = c
        .rows
        .iter()
        .map(|r| (r.label.as_str(), r.outcome))
        .collect();
    assert_eq!(
        outcomes,
        [
            // The proposal's own mechanism first (its [mechanism] has
            // options, so it is not the ve-curve label).
            ("proposal (vote-escrow)", Outcome::Passed),
            ("token-weighted", Outcome::Rejected),
            ("quadratic", Outcome::Rejected),
            ("ve-curve", Outcome::Passed),
            ("ve-balancer", Outcome::Passed),
            ("ve-frax", Outcome::Rejected),
        ]
    );
    let powers = |i: usize| -> Vec<String> {
        c.rows[i]
            .choices
            .iter()
            .map(|ch| ch.power.to_string())
            .collect()
    };
    assert_eq!(powers(1), ["2600", "10000", "500"]);
    // floor roots at 9 decimals: √1500 + √1000 + √100, √10000, √500.
    assert_eq!(powers(2), ["80.352610063", "100", "22.360679774"]);
    // The label reads t from the votes' snapshot_time column: the same
    // numbers as the proposal's own [mechanism].
    assert_eq!(
        powers(3),
        [
            "488.4830035514721984",
            "7.3566717402333408",
            "29.134956874678688"
        ]
    );
    assert_eq!(
        powers(4),
        [
            "1953.9320142059506688",
            "29.426686960933456",
            "116.5398274987294528"
        ]
    );
    // Frax: carol = 500e18 + 3 × 29134956874678688000.
    assert_eq!(
        powers(5),
        [
            "3965.4490106544165952",
            "10022.0700152207000224",
            "587.404870624036064"
        ]
    );
    assert_eq!(c.rows[3].mechanism, "vote-escrow (curve)");
    assert_eq!(c.rows[5].mechanism, "vote-escrow (frax)");
    // The own row is the same Curve power as the ve-curve label.
    assert_eq!(powers(0), powers(3));
    // Against the own row (passed): token-weighted, quadratic and ve-frax
    // reject.
    assert_eq!(c.flips.len(), 3, "{:?}", c.flips);
}

/// A proposal in `dir` over votes without lock columns and the bundled
/// locks file (its history: alice raised her lock before t, the whale
/// re-locked for 4 years after t, which must not count).
fn locks_proposal(dir: &Path, votes: &str, extra: &str) -> PathBuf {
    std::fs::write(dir.join("votes.csv"), votes).unwrap();
    let locks =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("proposals/data/vote-escrow-locks.csv");
    let path = dir.join("proposal.toml");
    std::fs::write(
        &path,
        format!(
            "id = \"ve-locks\"\nballot = \"basic\"\ndecimals = 18\n\n\
             [votes]\npath = \"votes.csv\"\nformat = \"csv\"\n\n\
             [mechanism]\nkind = \"vote-escrow\"\nsnapshot_time = 1700000000\n\
             locks = {:?}\n{extra}",
            locks.display().to_string()
        ),
    )
    .unwrap();
    path
}

const PLAIN_VOTES: &str = "voter,choice,weight\n\
    0x3a1e000000000000000000000000000000000001,Against,10000\n\
    0xa11ce00000000000000000000000000000000002,For,1500\n\
    0xB0B0000000000000000000000000000000000003,For,1000\n\
    0xca40100000000000000000000000000000000004,Abstain,500\n\
    0xda4e000000000000000000000000000000000005,For,100\n";

#[test]
fn a_locks_file_gives_the_same_powers_at_t() {
    let dir = tempfile::tempdir().unwrap();
    let r = Proposal::load(locks_proposal(dir.path(), PLAIN_VOTES, ""))
        .unwrap()
        .evaluate()
        .unwrap();
    // Latest state at t: alice's 1500-token lock (line 7, not her earlier
    // 1000 on line 3), the whale's 1-day lock (its re-lock at 1700050000 is
    // after t). Checksummed and plain spellings are one address.
    assert_eq!(units(&r), CURVE);

    // Frax parameters spelled out are the frax preset.
    let r = Proposal::load(locks_proposal(
        dir.path(),
        PLAIN_VOTES,
        "max_time = 126144000\nmultiplier = 3\nadd_amount = true\n",
    ))
    .unwrap()
    .evaluate()
    .unwrap();
    assert_eq!(r.mechanism, "vote-escrow (frax)");
    assert_eq!(r.tally.powers[0].units(), 10_022_070_015_220_700_022_400);
    assert_eq!(r.outcome, Outcome::Rejected);

    // Voters the locks file does not list have no power.
    let r = Proposal::load(locks_proposal(
        dir.path(),
        "voter,choice,weight\n0xffff,For,5\n0xa11ce00000000000000000000000000000000002,Against,1\n",
        "",
    ))
    .unwrap()
    .evaluate()
    .unwrap();
    assert_eq!(units(&r), [0, CURVE[1]]);
}

#[test]
fn errors_name_the_key_the_line_and_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    // A misspelt option: the key and its line in the proposal.
    let err = Proposal::load(locks_proposal(dir.path(), PLAIN_VOTES, "max_tme = 1\n"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("mechanism.max_tme"), "{err}");
    assert!(err.contains("line 13"), "{err}");
    // An unknown preset.
    let err = Proposal::load(locks_proposal(
        dir.path(),
        PLAIN_VOTES,
        "preset = \"velo\"\n",
    ))
    .unwrap_err()
    .to_string();
    assert!(err.contains("mechanism.preset"), "{err}");
    // Lock data in two places.
    let err = Proposal::load(locks_proposal(
        dir.path(),
        "voter,choice,weight,lock_end\n0xa,For,1,1700092800\n",
        "",
    ))
    .unwrap()
    .evaluate()
    .unwrap_err()
    .to_string();
    assert!(err.contains("line 2") && err.contains("lock_end"), "{err}");

    // A compare label has no options: on votes without a snapshot_time
    // column it says where t must come from.
    std::fs::write(
        dir.path().join("v.csv"),
        "voter,choice,weight,lock_end\n0xa,For,1,1700092800\n",
    )
    .unwrap();
    let path = dir.path().join("p.toml");
    std::fs::write(
        &path,
        "id = \"p\"\nballot = \"basic\"\n\n[votes]\npath = \"v.csv\"\nformat = \"csv\"\n",
    )
    .unwrap();
    let proposal = Proposal::load(&path).unwrap();
    let labels = vec!["ve-curve".to_string()];
    let variants = Variant::for_proposal(Some(&labels), &proposal, &Registry::builtin()).unwrap();
    let err = compare(&proposal, &variants).unwrap_err().to_string();
    assert!(err.contains("snapshot_time"), "{err}");
    assert!(err.contains("ve-curve"), "{err}");
}

#[test]
fn the_registry_lists_the_mechanism_and_its_labels() {
    let r = Registry::builtin();
    assert!(r.mechanisms.names().contains(&"vote-escrow"));
    for label in ["ve-curve", "ve-balancer", "ve-frax"] {
        assert!(r.mechanisms.labels().contains(&label), "{label}");
    }
    for a in ["lock_amount", "lock_end", "snapshot_time"] {
        assert!(r.mechanisms.attributes().contains(&a), "{a}");
    }
    assert!(r.mechanisms.help().contains("vote-escrow: "));
}

/// A synthetic DAO with locks (`govkit synth --locks uniform:208`):
/// compare puts Curve ve-power next to token-weighted and quadratic, and
/// the ve row equals Curve's formula recomputed here from the written
/// files: slope = floor(balance / 126,144,000), power = slope · (end − t).
#[test]
fn synthetic_locks_compare_with_curve_power_recomputed_from_the_files() {
    use govkit::synth::{self, BalanceModel, LockLaw, Options};
    let dao = synth::generate(&Options {
        holders: 400,
        distribution: "pareto:1.16".parse::<BalanceModel>().unwrap(),
        delegation_rate: 0.0,
        turnout: 0.3,
        choice_weights: [60.0, 30.0, 10.0],
        decimals: 18,
        seed: 7,
        locks: Some(LockLaw::UniformWeeks(208)),
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    dao.write(dir.path()).unwrap();

    // Balances in base units, read back from holders.csv (tokens with up
    // to 18 decimals).
    let base_units = |tokens: &str| -> u128 {
        let (int, frac) = tokens.split_once('.').unwrap_or((tokens, ""));
        let frac = format!("{frac:0<18}");
        int.parse::<u128>().unwrap() * 10u128.pow(18) + frac.parse::<u128>().unwrap()
    };
    let mut balances = std::collections::HashMap::new();
    let mut r = csv::Reader::from_path(dir.path().join("holders.csv")).unwrap();
    for row in r.records() {
        let row = row.unwrap();
        balances.insert(row[0].to_string(), base_units(&row[1]));
    }
    let mut want = [0u128; 3];
    let mut r = csv::Reader::from_path(dir.path().join("votes.csv")).unwrap();
    for row in r.records() {
        let row = row.unwrap();
        let slope = balances[&row[0]] / 126_144_000;
        let (end, t): (u128, u128) = (row[2].parse().unwrap(), row[3].parse().unwrap());
        let i = ["For", "Against", "Abstain"]
            .iter()
            .position(|c| *c == &row[1])
            .unwrap();
        want[i] += slope * (end - t);
    }

    let proposal = Proposal::load(dir.path().join("proposal.toml")).unwrap();
    let labels: Vec<String> = ["token-weighted", "quadratic", "ve-curve"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let variants = Variant::for_proposal(Some(&labels), &proposal, &Registry::builtin()).unwrap();
    let c = compare(&proposal, &variants).unwrap();
    let labels: Vec<&str> = c.rows.iter().map(|r| r.label.as_str()).collect();
    // The proposal's own mechanism is Curve's vote-escrow: the ve-curve
    // label is the same mechanism and is not repeated.
    assert_eq!(
        labels,
        ["proposal (vote-escrow)", "token-weighted", "quadratic"]
    );
    let got: Vec<String> = c.rows[0]
        .choices
        .iter()
        .map(|ch| ch.power.to_string())
        .collect();
    let want: Vec<String> = want
        .iter()
        .map(|&u| govkit::Quantity::power(govkit::Power::from_units(u), 18).to_string())
        .collect();
    assert_eq!(got, want);
}

/// "Everyone re-locks for the maximum" (`--scenario relock:208`): with
/// every lock ending 208 weeks after t (week-rounded: (⌊t/WEEK⌋ + 208) ·
/// WEEK − t = 125,286,400 s, below Curve's MAXTIME), ve-power is
/// floor(amount / MAXTIME) × the same duration for everyone, proportional
/// to tokens: the whale's 10,000 Against beats 2,600 For, and the bundled
/// proposal that ve-power passes is rejected, as token-weighted rejects it.
#[test]
fn relocking_everyone_for_the_maximum_flips_the_bundled_example() {
    let proposal = Proposal::load(bundled()).unwrap();
    let variants = Variant::for_proposal(
        Some(&["token-weighted".to_string()]),
        &proposal,
        &Registry::builtin(),
    )
    .unwrap();
    let mut prepared = proposal
        .reading_attributes_of(variants.iter().map(|v| &v.mechanism))
        .prepare()
        .unwrap();
    let scenario: govkit::scenario::Scenario = "relock:208".parse().unwrap();
    let c =
        govkit::compare::compare_with_scenarios(&mut prepared, &variants, &[scenario], 1).unwrap();
    assert_eq!(c.rows[0].outcome, Outcome::Passed);
    let under = &c.scenarios[0].mechanisms;
    assert_eq!(under[0].outcome, Outcome::Rejected);
    assert!(under[0].changed);
    // Token-weighted does not read locks: unchanged.
    assert_eq!(under[1].outcome, Outcome::Rejected);
    assert!(!under[1].changed);
    assert!("relock:209".parse::<govkit::scenario::Scenario>().is_err());
}

/// The report says how far the power decays in a week without re-locks:
/// Curve's power of the same locks at t + WEEK, recomputed here from the
/// bundled votes file with the contract's arithmetic (slope =
/// floor(amount / 126,144,000) base units per second, bias = slope ×
/// (end − t') while end > t'; every end in the file is already on a week
/// boundary). By hand: alice and bob still hold locks a week later, carol's
/// ends after 12 days, the whale's within the week and dave's before t:
/// 503,234,398,782,316,140,800 base units.
#[test]
fn the_report_states_the_power_a_week_later() {
    const MAXTIME: u128 = 126_144_000;
    const WEEK: u128 = 604_800;
    let mut later = 0u128;
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("proposals/data/vote-escrow-votes.csv");
    let mut reader = csv::Reader::from_path(path).unwrap();
    for row in reader.records() {
        let row = row.unwrap();
        let amount: u128 = row[2].parse::<u128>().unwrap() * 10u128.pow(18);
        let (end, t): (u128, u128) = (row[3].parse().unwrap(), row[4].parse().unwrap());
        if end > t + WEEK {
            later += amount / MAXTIME * (end - t - WEEK);
        }
    }
    assert_eq!(later, 503_234_398_782_316_140_800);
    let want = govkit::Quantity::power(govkit::Power::from_units(later), 18);
    let r = Proposal::load(bundled()).unwrap().evaluate().unwrap();
    let line = format!("the same locks one week after t, if nobody re-locks: {want}");
    assert!(
        r.mechanism_details.contains(&line),
        "{line} not in {:?}",
        r.mechanism_details
    );
}
