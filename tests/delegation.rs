//! Delegation semantics on small hand-checkable graphs, and on Decentraland's
//! real `members.csv`. Every expected number is worked out in the comments
//! (or, for the real data, taken from the file and an independent Python
//! computation), never from govkit's output.

mod common;

use std::collections::{BTreeMap, HashSet};

use govkit::delegation::{
    resolve, Delegation, DelegationFields, Delegations, Policy, Reach, Resolution, Route,
    SelfDelegation, Undelegated,
};
use govkit::io::delegations::MembersExport;
use govkit::{Amount, Holders, Voter};

fn v(s: &str) -> Voter {
    Voter::new(s)
}

fn holders(balances: &[(&str, u128)]) -> Holders {
    Holders::from_balances(
        balances
            .iter()
            .map(|&(h, b)| (v(h), Amount::from_base_units(b))),
    )
    .expect("distinct holders")
}

/// Rows `delegator -> delegate` with an optional fraction, on lines 2, 3, ...
fn graph(rows: &[(&str, &str, Option<&str>)]) -> Delegations {
    let rows = rows
        .iter()
        .enumerate()
        .map(|(k, &(a, b, f))| Delegation {
            delegator: v(a),
            delegate: v(b),
            fraction: f.map(|f| f.parse().expect("a fraction")),
            scope: None,
            line: k as u64 + 2,
        })
        .collect();
    Delegations::from_rows("d.csv", DelegationFields::default(), rows, None).expect("valid rows")
}

fn powers(r: &Resolution<'_>, names: &[&str]) -> Vec<u128> {
    names.iter().map(|n| r.power(&v(n)).base_units()).collect()
}

fn sum_final(r: &Resolution<'_>) -> u128 {
    r.final_powers().map(|(_, a)| a.base_units()).sum()
}

// a(10) -> b(20) -> c(30) <- d(5); e(7) alone.
fn chain() -> (Holders, Delegations) {
    (
        holders(&[("a", 10), ("b", 20), ("c", 30), ("d", 5), ("e", 7)]),
        graph(&[("a", "b", None), ("b", "c", None), ("d", "c", None)]),
    )
}

#[test]
fn one_hop_moves_power_once() {
    let (h, d) = chain();
    let r = resolve(&h, &d, &Policy::one_hop(), None).unwrap();
    // b: a's 10 (its own 20 went to c); c: 30 + b's 20 + d's 5.
    assert_eq!(powers(&r, &["a", "b", "c", "d", "e"]), [0, 10, 55, 0, 7]);
    assert_eq!(r.total().base_units(), 72);
    assert_eq!(sum_final(&r), 72);
    assert_eq!(r.delegated().base_units(), 35); // 10 + 20 + 5
    assert_eq!(r.delegators_behind(&v("c")), 2);
    assert_eq!(r.delegators_behind(&v("b")), 1);
    assert_eq!(r.final_delegate(&v("a")), Some(&v("b")));
    assert_eq!(r.chain_lengths(), &BTreeMap::from([(1, 3)]));
    assert!(r.cycles().is_empty());
    let delegates: Vec<_> = r
        .delegates()
        .iter()
        .map(|x| {
            (
                x.voter.as_str().to_string(),
                x.power.base_units(),
                x.received.base_units(),
            )
        })
        .collect();
    assert_eq!(delegates, [("c".into(), 55, 25), ("b".into(), 10, 10)]);
}

#[test]
fn the_analysis_carries_exact_numbers() {
    // The chain above, one hop, in a unit with 1 decimal: total 72 units =
    // 7.2 tokens; 35 units (3.5) sit with delegates: 35/72 = 0.486111… of
    // all power. Top 1 before: c's own 30 (30/72 = 0.416667); after: c's
    // 55 (55/72 = 0.763889).
    let (h, d) = chain();
    let r = resolve(&h, &d, &Policy::one_hop(), None).unwrap();
    let a = govkit::delegation::Analysis::new(&r, "h.csv", "csv", 1, 1);
    let exact = |n: i64, d: i64| num_rational::BigRational::new(n.into(), d.into());
    assert_eq!(a.total_power, "7.2");
    assert_eq!(a.total_power.as_rational(), &exact(72, 1));
    assert_eq!(a.total_power.decimals(), 1);
    assert_eq!(a.delegated_power, "3.5");
    assert_eq!(a.delegated_share.as_rational(), &exact(35, 72));
    assert_eq!(a.delegated_share, "0.486111");
    assert_eq!(a.delegated_share.percent(), "48.61%");
    assert_eq!(a.delegates[0].power, "5.5");
    assert_eq!(a.delegates[0].own, "3");
    assert_eq!(a.delegates[0].received.as_rational(), &exact(25, 1));
    assert_eq!(a.top.share_before.as_rational(), &exact(30, 72));
    assert_eq!(a.top.share_before, "0.416667");
    assert_eq!(a.top.share_after.as_rational(), &exact(55, 72));
    assert_eq!(a.top.after[0].before, "3");
    assert_eq!(a.top.after[0].after, "5.5");
    // JSON writes the same text as before the numbers were typed.
    let j: serde_json::Value = serde_json::from_str(&a.to_json()).unwrap();
    assert_eq!(j["total_power"], "7.2");
    assert_eq!(j["delegated_share"], "0.486111");
    assert_eq!(j["top"]["share_after"], "0.763889");
    assert_eq!(
        j["delegates"][0],
        serde_json::json!({"address": "c", "power": "5.5", "delegators": 2, "own": "3", "received": "2.5"})
    );
    // The table shows the share as a percentage of its 6-digit rounding.
    assert!(a
        .to_table()
        .contains("delegated   3.5 (48.61%) of all power sits with delegates"));
}

#[test]
fn transitive_follows_the_chain() {
    let (h, d) = chain();
    let r = resolve(&h, &d, &Policy::transitive(None), None).unwrap();
    // Everything of a, b, c, d ends with c: 10 + 20 + 30 + 5.
    assert_eq!(powers(&r, &["a", "b", "c", "d", "e"]), [0, 0, 65, 0, 7]);
    assert_eq!(
        r.route(&v("a")),
        Route::Delegate {
            to: &v("c"),
            hops: 2
        }
    );
    assert_eq!(r.delegators_behind(&v("c")), 3);
    // b and d travel 1 hop, a 2.
    assert_eq!(r.chain_lengths(), &BTreeMap::from([(1, 2), (2, 1)]));
    assert_eq!(r.delegated().base_units(), 35);
}

#[test]
fn maximum_depth_stops_power_after_n_hops() {
    // a(1) -> b(2) -> c(4) -> d(8) -> e(16).
    let h = holders(&[("a", 1), ("b", 2), ("c", 4), ("d", 8), ("e", 16)]);
    let d = graph(&[
        ("a", "b", None),
        ("b", "c", None),
        ("c", "d", None),
        ("d", "e", None),
    ]);
    let r = resolve(&h, &d, &Policy::transitive(Some(2)), None).unwrap();
    // Two hops: a's 1 stops at c, b's 2 at d, c's 4 and d's 8 reach e.
    assert_eq!(powers(&r, &["a", "b", "c", "d", "e"]), [0, 0, 1, 2, 28]);
    assert_eq!(r.chain_lengths(), &BTreeMap::from([(1, 1), (2, 3)]));
    // Depth 1 is one hop: each passes its own balance to the next.
    let one = resolve(&h, &d, &Policy::transitive(Some(1)), None).unwrap();
    assert_eq!(powers(&one, &["a", "b", "c", "d", "e"]), [0, 1, 2, 4, 24]);
    let hop = resolve(&h, &d, &Policy::one_hop(), None).unwrap();
    assert_eq!(powers(&hop, &["a", "b", "c", "d", "e"]), [0, 1, 2, 4, 24]);
    // Depth 4 or more: all 31 at e.
    let all = resolve(&h, &d, &Policy::transitive(Some(9)), None).unwrap();
    assert_eq!(powers(&all, &["a", "b", "c", "d", "e"]), [0, 0, 0, 0, 31]);
    let zero = Policy {
        reach: Reach::Transitive(Some(0)),
        ..Policy::one_hop()
    };
    assert!(resolve(&h, &d, &zero, None).is_err());
}

#[test]
fn a_split_delegators_whole_power_is_apportioned_once() {
    // README: "each delegate gets floor(power x fraction), then the
    // leftover base units go to the largest remainders", power being the
    // delegator's own balance plus what it received. aa (1) delegates
    // wholly to bb; bb (1) delegates 1/2 to cc: bb's power 2 splits into
    // floor(2 x 1/2) = 1 for cc and 1 kept (apportioning own and received
    // separately would give cc floor(1/2) + floor(1/2) = 0).
    let h = holders(&[("aa", 1), ("bb", 1), ("cc", 0)]);
    let d = graph(&[("aa", "bb", None), ("bb", "cc", Some("1/2"))]);
    let r = resolve(&h, &d, &Policy::transitive(None), None).unwrap();
    assert_eq!(powers(&r, &["aa", "bb", "cc"]), [0, 1, 1]);
    assert_eq!(sum_final(&r), 2);
}

#[test]
fn split_delegation_rounds_by_largest_remainder() {
    // a(7): 25% to b, 40% to c, keeps 35%: exact 1.75, 2.8, 2.45; floors
    // 1 + 2 + 2 = 5; the 2 units left go to the largest remainders .8 (c)
    // and .75 (b): b 2, c 3, a keeps 2.
    let h = holders(&[("a", 7), ("b", 0), ("c", 0)]);
    let d = graph(&[("a", "b", Some("25%")), ("a", "c", Some("0.4"))]);
    let r = resolve(&h, &d, &Policy::one_hop(), None).unwrap();
    assert_eq!(powers(&r, &["a", "b", "c"]), [2, 2, 3]);
    assert_eq!(
        r.route(&v("a")),
        Route::Split {
            holders: 3,
            max_hops: 1
        }
    );

    // Thirds of 10: 3.33 each, remainders tie; the kept part goes first.
    let h = holders(&[("a", 10)]);
    let d = graph(&[("a", "b", Some("1/3")), ("a", "c", Some("1/3"))]);
    let r = resolve(&h, &d, &Policy::one_hop(), None).unwrap();
    assert_eq!(powers(&r, &["a", "b", "c"]), [4, 3, 3]);

    // 3333 basis points of 3: b 0.9999, a keeps 2.0001 -> b 1, a 2.
    let h = holders(&[("a", 3)]);
    let d = graph(&[("a", "b", Some("3333/10000"))]);
    let r = resolve(&h, &d, &Policy::one_hop(), None).unwrap();
    assert_eq!(powers(&r, &["a", "b"]), [2, 1]);

    // Cascading (transitive): a(100) splits 50/50 to b(10) and c; b -> d.
    let h = holders(&[("a", 100), ("b", 10), ("c", 0), ("d", 1)]);
    let d = graph(&[
        ("a", "b", Some("50%")),
        ("a", "c", Some("50%")),
        ("b", "d", None),
    ]);
    let r = resolve(&h, &d, &Policy::transitive(None), None).unwrap();
    assert_eq!(powers(&r, &["a", "b", "c", "d"]), [0, 0, 50, 61]);
    assert_eq!(
        r.route(&v("a")),
        Route::Split {
            holders: 2,
            max_hops: 2
        }
    );
    assert_eq!(r.delegators_behind(&v("d")), 2); // a and b
                                                 // One hop: b keeps what a gave it.
    let r = resolve(&h, &d, &Policy::one_hop(), None).unwrap();
    assert_eq!(powers(&r, &["a", "b", "c", "d"]), [0, 50, 50, 11]);
    assert_eq!(sum_final(&r), 111);
}

#[test]
fn override_keeps_a_voters_own_power_whatever_the_order() {
    // a(10) -> b(20) -> c(40).
    let h = holders(&[("a", 10), ("b", 20), ("c", 40)]);
    let d = graph(&[("a", "b", None), ("b", "c", None)]);
    let snapshot = Policy::snapshot();
    // The delegate voted first, then the delegator, or the other way round:
    // the same set of voters, the same powers.
    for order in [["b", "a"], ["a", "b"]] {
        let voted: HashSet<Voter> = order.iter().map(|s| v(s)).collect();
        let r = resolve(&h, &d, &snapshot, Some(&voted)).unwrap();
        // a keeps 10; b keeps its own 20 (it voted) and gets nothing from a.
        assert_eq!(powers(&r, &["a", "b", "c"]), [10, 20, 40]);
        assert_eq!(r.counts().overridden, 2);
    }
    // Only the delegate b voted: a's 10 reaches b; b's own 20 stays (b voted).
    let voted = HashSet::from([v("b")]);
    let r = resolve(&h, &d, &snapshot, Some(&voted)).unwrap();
    assert_eq!(powers(&r, &["a", "b", "c"]), [0, 30, 40]);
    // Nobody voted: plain one hop.
    let r = resolve(&h, &d, &snapshot, None).unwrap();
    assert_eq!(powers(&r, &["a", "b", "c"]), [0, 10, 60]);
    // Without override, a vote changes nothing.
    let r = resolve(&h, &d, &Policy::one_hop(), Some(&voted)).unwrap();
    assert_eq!(powers(&r, &["a", "b", "c"]), [0, 10, 60]);
    // Liquid democracy: b voted, so a's power stops at b.
    let r = resolve(&h, &d, &Policy::liquid(None), Some(&voted)).unwrap();
    assert_eq!(powers(&r, &["a", "b", "c"]), [0, 30, 40]);
}

#[test]
fn undelegated_balances_count_or_not() {
    // a(10) self-delegates, b(20) -> c(30), d(40) does nothing.
    let h = holders(&[("a", 10), ("b", 20), ("c", 30), ("d", 40)]);
    let d = graph(&[("a", "a", None), ("b", "c", None)]);
    // OpenZeppelin: only a's and b's balances are delegated, so only they
    // vote: a 10, c 20 (its own 30 is not delegated), d nothing.
    let r = resolve(&h, &d, &Policy::openzeppelin(), None).unwrap();
    assert_eq!(powers(&r, &["a", "b", "c", "d"]), [10, 0, 20, 0]);
    assert_eq!(r.total().base_units(), 30);
    assert_eq!(sum_final(&r), 30);
    assert_eq!(r.counts().counted_holders, 2);
    assert_eq!(r.route(&v("d")), Route::Uncounted);
    // Snapshot-like: everyone's balance counts.
    let r = resolve(&h, &d, &Policy::one_hop(), None).unwrap();
    assert_eq!(powers(&r, &["a", "b", "c", "d"]), [10, 0, 50, 40]);
    assert_eq!(r.total().base_units(), 100);
    assert_eq!(sum_final(&r), 100);
}

#[test]
fn two_cycle() {
    let h = holders(&[("a", 1), ("b", 2), ("c", 4)]);
    let d = graph(&[("a", "b", None), ("b", "a", None), ("c", "a", None)]);
    // One hop: each passes its own once (as in ERC20Votes): a gets b's 2 and
    // c's 4, b gets a's 1.
    let r = resolve(&h, &d, &Policy::one_hop(), None).unwrap();
    assert_eq!(powers(&r, &["a", "b", "c"]), [6, 1, 0]);
    assert_eq!(r.cycles(), vec![vec![&v("a"), &v("b")]]);
    assert_eq!(r.counts().voided, 0);
    // Transitive: the cycle's delegations are void; a and b keep their own,
    // c's power stops at a, the first member it reaches.
    let r = resolve(&h, &d, &Policy::transitive(None), None).unwrap();
    assert_eq!(powers(&r, &["a", "b", "c"]), [5, 2, 0]);
    assert_eq!(r.cycles(), vec![vec![&v("a"), &v("b")]]);
    assert_eq!(r.counts().in_cycles, 2);
    assert_eq!(r.counts().voided, 2);
    assert_eq!(r.route(&v("a")), Route::Own);
}

#[test]
fn three_cycle_with_a_tail() {
    // b -> c -> a -> b (written starting anywhere), tail e -> d -> a.
    let h = holders(&[("a", 1), ("b", 2), ("c", 4), ("d", 8), ("e", 16)]);
    let d = graph(&[
        ("b", "c", None),
        ("e", "d", None),
        ("c", "a", None),
        ("d", "a", None),
        ("a", "b", None),
    ]);
    for policy in [Policy::transitive(None), Policy::transitive(Some(3))] {
        let r = resolve(&h, &d, &policy, None).unwrap();
        // Members keep their own; d's 8 and e's 16 stop at a.
        assert_eq!(powers(&r, &["a", "b", "c", "d", "e"]), [25, 2, 4, 0, 0]);
        // Reported from the smallest address, in delegation order.
        assert_eq!(r.cycles(), vec![vec![&v("a"), &v("b"), &v("c")]]);
        assert_eq!(
            r.route(&v("e")),
            Route::Delegate {
                to: &v("a"),
                hops: 2
            }
        );
        assert_eq!(sum_final(&r), 31);
    }
    // One hop: a gets c's 4 and d's 8, b gets a's 1, c gets b's 2, d gets e's 16.
    let r = resolve(&h, &d, &Policy::one_hop(), None).unwrap();
    assert_eq!(powers(&r, &["a", "b", "c", "d", "e"]), [12, 1, 2, 16, 0]);
    assert_eq!(r.cycles().len(), 1);
    // A voter on the cycle breaks it (liquid democracy with override): b
    // voted, so a's power stops at b and c's goes to a then b.
    let voted = HashSet::from([v("b")]);
    let r = resolve(&h, &d, &Policy::liquid(None), Some(&voted)).unwrap();
    assert_eq!(powers(&r, &["a", "b", "c", "d", "e"]), [0, 31, 0, 0, 0]);
    assert!(r.cycles().is_empty());
}

#[test]
fn self_delegation_keeps_power_or_is_rejected() {
    let h = holders(&[("a", 10), ("b", 5)]);
    let d = graph(&[("b", "a", None), ("a", "a", None)]);
    for policy in [Policy::one_hop(), Policy::transitive(None)] {
        let r = resolve(&h, &d, &policy, None).unwrap();
        assert_eq!(powers(&r, &["a", "b"]), [15, 0]);
        assert!(r.cycles().is_empty());
        assert_eq!(r.counts().self_delegations, 1);
        assert_eq!(r.route(&v("a")), Route::Own);
    }
    let e = resolve(&h, &d, &Policy::polkadot(), None).unwrap_err();
    assert_eq!(
        e.to_string(),
        "d.csv line 3: field 'delegate': a delegates to itself, which this policy does not \
         allow (as in Polkadot)"
    );
    // A self-delegated part of a split is kept.
    let d = graph(&[("a", "a", Some("50%")), ("a", "b", Some("50%"))]);
    let r = resolve(&h, &d, &Policy::one_hop(), None).unwrap();
    assert_eq!(powers(&r, &["a", "b"]), [5, 10]);
}

#[test]
fn delegates_outside_the_snapshot_have_a_zero_balance_or_are_errors() {
    let h = holders(&[("a", 10)]);
    let d = graph(&[("a", "z", None)]);
    let r = resolve(&h, &d, &Policy::one_hop(), None).unwrap();
    assert_eq!(powers(&r, &["a", "z"]), [0, 10]);
    assert_eq!(r.counts().unknown_delegates, 1);
    let strict = Policy {
        require_holders: true,
        ..Policy::one_hop()
    };
    let e = resolve(&h, &d, &strict, None).unwrap_err();
    assert_eq!(
        e.to_string(),
        "d.csv line 2: field 'delegate': delegate z is not in the holder snapshot"
    );
    // A holder listed with a zero balance is in the snapshot.
    let h = holders(&[("a", 10), ("z", 0)]);
    assert!(resolve(&h, &d, &strict, None).is_ok());
}

#[test]
fn policies_by_name() {
    let p: Policy = "openzeppelin".parse().unwrap();
    assert_eq!(p.undelegated, Undelegated::Ignore);
    let p: Policy = "polkadot".parse().unwrap();
    assert_eq!(p.self_delegation, SelfDelegation::Reject);
    let p: Policy = "liquid:3".parse().unwrap();
    assert_eq!(p.reach, Reach::Transitive(Some(3)));
    assert!(p.override_votes);
}

// ---------------------------------------------------------------- real data

/// The Decentraland export: own power is the sum of the per-asset VP
/// columns. Expected totals were computed independently with Python's
/// `decimal` over the same columns:
/// sum over all 4,811 members = 51996263.531770162143871877; over the 321
/// members with `Has Delegated` = true (one hop moves exactly these) =
/// 11644011.468798158101181571; 122 distinct delegates, 20 of them not
/// members.
#[test]
fn decentraland_members_totals() {
    let path = common::shared("data/decentraland/members.csv");
    let m = MembersExport::read(&path, 18).unwrap();
    let r = resolve(&m.holders, &m.delegations, &Policy::snapshot(), None).unwrap();
    assert_eq!(
        r.total().to_tokens_string(18),
        "51996263.531770162143871877"
    );
    assert_eq!(
        r.delegated().to_tokens_string(18),
        "11644011.468798158101181571"
    );
    assert_eq!(r.counts().holders, 4811);
    assert_eq!(r.counts().delegators, 321);
    assert_eq!(r.delegates().len(), 122);
    assert_eq!(r.counts().unknown_delegates, 20);
    assert_eq!(
        r.final_powers().map(|(_, a)| a.base_units()).sum::<u128>(),
        r.total().base_units()
    );
}

/// For every delegate whose `Delegators` are all members of the file and
/// agree with those members' own `Delegate` column, govkit's delegated power
/// equals the file's `Delegated VP` to the file's precision: the export
/// computed and printed it as a 64-bit float, so it must be the float
/// nearest to govkit's exact sum, within one unit in the last place.
/// The file is parsed here independently of govkit's reader.
#[test]
fn decentraland_delegated_vp_matches_the_file() {
    let path = common::shared("data/decentraland/members.csv");
    let m = MembersExport::read(&path, 18).unwrap();
    let r = resolve(&m.holders, &m.delegations, &Policy::snapshot(), None).unwrap();

    let mut rdr = csv::Reader::from_path(&path).unwrap();
    let head = rdr.headers().unwrap().clone();
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let (member, has, delegate, vp, list) = (
        col("Member"),
        col("Has Delegated"),
        col("Delegate"),
        col("Delegated VP"),
        col("Delegators"),
    );
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    let lower = |s: &str| s.trim().to_ascii_lowercase();
    let members: HashSet<String> = rows.iter().map(|x| lower(&x[member])).collect();
    let mut naming: BTreeMap<String, HashSet<String>> = BTreeMap::new();
    for x in &rows {
        if &x[has] == "true" {
            naming
                .entry(lower(&x[delegate]))
                .or_default()
                .insert(lower(&x[member]));
        }
    }
    let (mut checked, mut incomplete, mut inconsistent) = (0, 0, 0);
    for x in &rows {
        let listed: HashSet<String> = x[list]
            .split(',')
            .filter(|s| !s.trim().is_empty())
            .map(lower)
            .collect();
        if listed.is_empty() {
            continue;
        }
        if !listed.iter().all(|d| members.contains(d)) {
            incomplete += 1;
            continue;
        }
        if naming.get(&lower(&x[member])) != Some(&listed) {
            inconsistent += 1;
            continue;
        }
        checked += 1;
        let file: f64 = x[vp].parse().unwrap();
        let ours: f64 = r
            .received(&v(&x[member]))
            .to_tokens_string(18)
            .parse()
            .unwrap();
        let ulp = f64::EPSILON * file.abs();
        assert!(
            (ours - file).abs() <= ulp,
            "{}: file {} govkit {}",
            &x[member],
            &x[vp],
            r.received(&v(&x[member])).to_tokens_string(18)
        );
    }
    assert_eq!((checked, incomplete, inconsistent), (57, 88, 1));

    // Integer sums are exact: 0x5e38…'s two delegators hold 8907 and 12000.
    let d = v("0x5e382071464a6f9ea29708a045983dc265b0d86d");
    assert_eq!(r.received(&d).to_tokens_string(18), "20907");
    // 0x52fa… lists its one delegator twice; the file counts it once.
    let d = v("0x52fa613b2097808e275356c6a174d0b767f8e0c4");
    assert_eq!(r.received(&d).to_tokens_string(18), "401.025");

    // govkit's own check agrees, and lists the incomplete delegates.
    let check = govkit::delegation::FileCheck::new(&r, &m.reported, 18);
    assert_eq!(check.checked, 57);
    assert_eq!(check.agree, 57);
    assert_eq!(check.incomplete.len(), 88);
    assert_eq!(check.inconsistent.len(), 1);
    assert_eq!(
        check.inconsistent[0].listed_not_delegating,
        ["0x059d0025e4e1bb1a37f2c922e54b139bc1231ee0"]
    );
}
