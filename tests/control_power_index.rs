//! Exact power indices against values computed here, independently of the
//! library's generating functions: a hand enumeration of [6; 4,3,2,1]
//! (coalitions and all 24 orderings), and a plain per-player dynamic
//! program (each player's *others* counted from scratch with `u128`
//! counts, no division, no dual quota, no limb tables) on random games of
//! up to 120 players, large enough for counts beyond 64 bits and for the
//! passes to be split over threads. Also: `auto` with exact Banzhaf and
//! estimated Shapley-Shubik, and the progress the library reports.

use govkit::control::{
    self, approx, ControlRequest, ControlStage, ExactLimits, HoldersInput, IndexValues,
    IndicesMode, WeightedGame,
};
use govkit::{Amount, AmountUnit, Holders, Voter};
use num_bigint::{BigInt, BigUint};
use num_rational::BigRational;
use proptest::prelude::*;

fn ratio(n: u128, d: u128) -> BigRational {
    BigRational::new(BigInt::from(n), BigInt::from(d))
}

#[test]
fn four_players_quota_6_by_hand() {
    // [6; 4,3,2,1], T = 10. Coalitions of the others below 6 that reach 6
    // with the player:
    // 4: {2}, {3}, {2,1}, {3,1}, {1}? no (1+4 = 5 < 6); {3,2} = 5 -> 9 yes;
    //    so {2}, {3}, {3,2}, {2,1}, {3,1}: 5 swings.
    // 3: {4}, {4,1}? 5 -> 8 yes, {2,1}? 3 -> 6 yes: {4}, {4,1}, {2,1}: 3.
    // 2: {4}, {4,1}, {3,1}: 3.      1: {3,2}: 1.
    let w = [4u64, 3, 2, 1];
    let q = 6;
    let mut swings = [0u32; 4];
    for mask in 0u32..16 {
        let sum: u64 = (0..4).filter(|&j| mask >> j & 1 == 1).map(|j| w[j]).sum();
        for i in 0..4 {
            if mask >> i & 1 == 0 && sum < q && q <= sum + w[i] {
                swings[i] += 1;
            }
        }
    }
    assert_eq!(swings, [5, 3, 3, 1]);
    // Shapley-Shubik: the pivot of each of the 24 orderings.
    let mut pivots = [0u32; 4];
    let mut order = [0usize, 1, 2, 3];
    permutations(&mut order, 0, &mut |p| {
        let mut sum = 0;
        for &i in p {
            sum += w[i];
            if sum >= q {
                pivots[i] += 1;
                break;
            }
        }
    });
    assert_eq!(pivots, [10, 6, 6, 2]); // of 24: 5/12, 1/4, 1/4, 1/12
    let game = WeightedGame {
        quota: q,
        weights: w.to_vec(),
    };
    let limits = ExactLimits::default();
    let b = game.banzhaf(&limits).unwrap();
    let expect: Vec<BigUint> = swings.iter().map(|&s| BigUint::from(s)).collect();
    assert_eq!(b.swings, expect);
    assert_eq!(
        b.normalized(),
        [ratio(5, 12), ratio(3, 12), ratio(3, 12), ratio(1, 12)]
    );
    assert_eq!(
        b.absolute(),
        [ratio(5, 8), ratio(3, 8), ratio(3, 8), ratio(1, 8)]
    );
    let ss = game.shapley_shubik(&limits).unwrap();
    let expect: Vec<BigRational> = pivots.iter().map(|&p| ratio(p.into(), 24)).collect();
    assert_eq!(ss, expect);
}

fn permutations(p: &mut [usize; 4], k: usize, f: &mut dyn FnMut(&[usize; 4])) {
    if k == p.len() {
        f(p);
        return;
    }
    for i in k..p.len() {
        p.swap(k, i);
        permutations(p, k + 1, f);
        p.swap(k, i);
    }
}

/// Swings of player `i` by size of the coalition of the others, from a
/// dynamic program over the others only (`count[s][k]`, u128: n <= 127).
fn swings_by_size(weights: &[u64], quota: u64, i: usize) -> Vec<u128> {
    let n = weights.len();
    let q = quota as usize;
    let mut count = vec![vec![0u128; q]; n];
    count[0][0] = 1;
    let mut seen = 0;
    for (j, &w) in weights.iter().enumerate() {
        if j == i || w == 0 {
            continue;
        }
        let w = w as usize;
        for s in (0..=seen).rev() {
            for k in (w..q).rev() {
                count[s + 1][k] += count[s][k - w];
            }
        }
        seen += 1;
    }
    let wi = weights[i] as usize;
    (0..n)
        .map(|s| count[s][q.saturating_sub(wi)..q].iter().sum())
        .collect()
}

fn reference(weights: &[u64], quota: u64, i: usize) -> (u128, BigRational) {
    if weights[i] == 0 {
        return (0, ratio(0, 1));
    }
    let by_size = swings_by_size(weights, quota, i);
    // Players of weight 0 are left out of the game.
    let n = weights.iter().filter(|&&w| w > 0).count();
    let fact = |k: usize| (1..=k).fold(BigUint::from(1u8), |a, x| a * x);
    let mut ss = BigRational::from_integer(0.into());
    for (s, &c) in by_size.iter().enumerate().take(n) {
        let num = BigUint::from(c) * fact(s) * fact(n - 1 - s);
        ss += BigRational::new(num.into(), fact(n).into());
    }
    (by_size.iter().sum(), ss)
}

fn check_game(weights: &[u64], quota: u64, players: &[usize]) -> Result<(), TestCaseError> {
    let game = WeightedGame {
        quota,
        weights: weights.to_vec(),
    };
    let limits = ExactLimits::default();
    let b = game.banzhaf(&limits).unwrap();
    let ss = game.shapley_shubik(&limits).unwrap();
    for &i in players {
        let i = i % weights.len();
        let (swings, index) = reference(weights, quota, i);
        prop_assert_eq!(
            &b.swings[i],
            &BigUint::from(swings),
            "banzhaf of player {}",
            i
        );
        prop_assert_eq!(&ss[i], &index, "shapley-shubik of player {}", i);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(10))]

    /// 70-120 players (counts beyond 64 bits, rows of 1-2 limbs), quotas
    /// from 10% to 95% of the total (both sides of the dual quota), some
    /// equal weights and dummies; a Shapley-Shubik pass here is large
    /// enough to be split over threads.
    #[test]
    fn exact_indices_equal_a_per_player_count(
        weights in prop::collection::vec(prop_oneof![1 => Just(0u64), 4 => 1u64..8, 5 => 1u64..60], 70..=120),
        quota_pct in 10u64..=95,
        players in prop::collection::vec(0usize..1000, 3),
    ) {
        let total: u64 = weights.iter().sum();
        let quota = (total * quota_pct / 100).max(1);
        check_game(&weights, quota, &players)?;
    }
}

#[test]
fn banzhaf_passes_split_over_threads_stay_exact() {
    // q ≈ 70,000 with counts of two limbs: every pass is split.
    let mut x = 7u64;
    let weights: Vec<u64> = (0..90)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            1 + (x >> 33) % 3000
        })
        .collect();
    let total: u64 = weights.iter().sum();
    let quota = total / 2 + 1;
    let game = WeightedGame {
        quota,
        weights: weights.clone(),
    };
    let b = game.banzhaf(&ExactLimits::default()).unwrap();
    for i in [0, 41, 89] {
        // The others' coalitions by weight, counted from scratch.
        let q = quota as usize;
        let mut count = vec![0u128; q];
        count[0] = 1;
        for (j, &w) in weights.iter().enumerate() {
            let w = w as usize;
            if j != i {
                for k in (w..q).rev() {
                    count[k] += count[k - w];
                }
            }
        }
        let swings: u128 = count[q - weights[i] as usize..].iter().sum();
        assert_eq!(b.swings[i], BigUint::from(swings), "player {i}");
    }
}

#[test]
fn nobody_swings_when_the_quota_is_out_of_reach() {
    let game = WeightedGame {
        quota: 11,
        weights: vec![4, 3, 2, 1],
    };
    let limits = ExactLimits::default();
    assert!(game
        .banzhaf(&limits)
        .unwrap()
        .swings
        .iter()
        .all(|s| *s == BigUint::from(0u8)));
    assert!(game
        .shapley_shubik(&limits)
        .unwrap()
        .iter()
        .all(|s| *s == ratio(0, 1)));
}

fn holders(balances: &[u64]) -> Holders {
    Holders::from_balances(balances.iter().enumerate().map(|(i, &b)| {
        (
            Voter::new(&format!("0x{:040x}", i + 1)),
            Amount::parse(&b.to_string(), AmountUnit::Token, 18).unwrap(),
        )
    }))
    .unwrap()
}

#[test]
fn auto_counts_banzhaf_and_estimates_shapley_shubik_when_only_banzhaf_fits() {
    let balances: Vec<u64> = (1..=40).map(|i| i * i).collect();
    let mut req = ControlRequest::new(
        Some(HoldersInput::Memory {
            name: "squares".into(),
            holders: holders(&balances),
        }),
        None,
    );
    let game = WeightedGame {
        quota: balances.iter().sum::<u64>() / 2 + 1,
        weights: balances.clone(),
    };
    let (_, bz_ops) = game.exact_cost(false);
    let (_, ss_ops) = game.exact_cost(true);
    assert!(bz_ops < ss_ops);
    req.options.limits = ExactLimits {
        max_bytes: 1 << 30,
        max_limb_ops: bz_ops,
    };
    req.options.players = 5;
    let mut work = Vec::new();
    let r = control::analyze(&req, &mut |s| {
        if let ControlStage::IndexWork { done, total } = s {
            work.push((done, total));
        }
    })
    .unwrap();
    let IndexValues::Exact(e) = &r.power_indices.as_ref().unwrap().values else {
        panic!("Banzhaf fits the limits");
    };
    let exact = game.banzhaf(&ExactLimits::default()).unwrap();
    let listed: Vec<_> = e.banzhaf.iter().map(|b| b.swings.clone()).collect();
    let mut expect = exact.swings.clone();
    expect.reverse(); // the report lists the largest first
    assert_eq!(listed, expect[..5]);
    assert!(e.shapley_shubik.is_empty());
    let est = e.shapley_shubik_estimate.as_ref().expect("estimated");
    assert!(est.banzhaf.is_empty());
    assert_eq!(est.shapley_shubik.len(), 5);
    let ss = game.shapley_shubik(&ExactLimits::default()).unwrap();
    for (k, s) in est.shapley_shubik.iter().enumerate() {
        let exact: f64 = num_traits::ToPrimitive::to_f64(&ss[39 - k]).unwrap();
        assert!((s.value - exact).abs() <= s.error, "{k}: {s:?} vs {exact}");
    }
    // Progress: one count of the exact passes, then the draws to the end.
    assert_eq!(work.last(), Some(&(est.samples, est.samples)));
    assert!(work.contains(&(40, 40)));
    // `exact` refuses the same game.
    req.options.indices = IndicesMode::Exact;
    let err = control::analyze(&req, &mut |_| {}).unwrap_err().to_string();
    assert!(
        err.contains("Shapley-Shubik") && err.contains("approximate mode"),
        "{err}"
    );
}

#[test]
fn shapley_shubik_alone_draws_what_both_draw() {
    let weights: Vec<u128> = (1..=300u128).rev().map(|i| i * i).collect();
    let total: u128 = weights.iter().sum();
    let opts = approx::ApproxOptions {
        reported: 10,
        epsilon: 0.05,
        delta: 0.05,
        seed: 9,
        threads: 2,
    };
    let both = approx::estimate(&weights, total / 2 + 1, &opts).unwrap();
    let mut seen = Vec::new();
    let alone = approx::estimate_with(
        &weights,
        total / 2 + 1,
        &approx::ApproxOptions { threads: 1, ..opts },
        approx::Estimated::ShapleyShubik,
        &mut |d, t| seen.push((d, t)),
    )
    .unwrap();
    assert_eq!(alone.shapley_shubik, both.shapley_shubik);
    assert!(alone.banzhaf_absolute.is_empty());
    assert_eq!(seen.len(), 64); // one report per chunk
    assert_eq!(seen.last(), Some(&(alone.samples, alone.samples)));
    assert!(seen.windows(2).all(|w| w[0].0 < w[1].0));
}
