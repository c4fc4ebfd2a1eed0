//! Properties of continuous conviction, in exact rationals and in the 1Hive
//! contract's fixed point:
//! - conviction is monotone in the stake and converges to x/(1 − a);
//! - a larger request never has a lower threshold;
//! - the closed form equals block-by-block iteration (exactly in
//!   rationals), and the event-driven simulator finds exactly the blocks a
//!   naive block-by-block replay of the contract finds.

use govkit::conviction::contract::DecayPowers;
use govkit::conviction::{Funding, FundingParams, StakeEvent};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::Signed;
use proptest::prelude::*;

/// Decays from quick (half-life 1 block) to slow (about 3 days of 15 s
/// blocks), as the contract stores them (a × 10^7).
fn decay() -> impl Strategy<Value = u128> {
    prop_oneof![
        Just(5_000_000u128),
        Just(8_000_000),
        Just(9_000_000),
        Just(9_500_000),
        Just(9_900_000),
        Just(9_999_599),
        1_000_000u128..9_999_999,
    ]
}

fn params(decay: u128) -> FundingParams {
    // beta 0.2, rho 0.002, min stake 20%.
    FundingParams::new(decay, 2_000_000, 20_000, 200_000_000_000_000_000).unwrap()
}

fn big(v: u128) -> BigRational {
    BigRational::from_integer(BigInt::from(v))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn conviction_is_monotone_in_stake_and_start(
        decay in decay(), t in 0u64..100_000, y0 in 0u128..1u128 << 100,
        x1 in 0u128..1u128 << 90, dx in 0u128..1u128 << 90,
    ) {
        let p = DecayPowers::new(decay);
        let x2 = x1 + dx;
        let low = p.conviction(t, y0, x1).unwrap();
        prop_assert!(low <= p.conviction(t, y0, x2).unwrap());
        prop_assert!(low <= p.conviction(t, y0 + dx, x1).unwrap());
    }

    #[test]
    fn conviction_converges_to_x_over_one_minus_a(
        decay in 1_000_000u128..9_900_000, y0 in 0u128..1u128 << 80, x in 0u128..1u128 << 80,
        t in 0u64..40,
    ) {
        // Exactly: y_t − L = a^t (y0 − L) with L = x/(1 − a).
        let params = params(decay);
        let a = params.a();
        let limit = big(x) / (BigRational::from_integer(1.into()) - &a);
        let y = params.exact_conviction(t, &big(y0), x);
        let next = params.exact_conviction(t + 1, &big(y0), x);
        prop_assert_eq!(&next - &limit, (&y - &limit) * &a);
        prop_assert!((&next - &limit).abs() <= (&y - &limit).abs());
        // The contract, long after: within one unit of floor(x·D/(D − decay)).
        let p = DecayPowers::new(decay);
        let far = p.conviction(1 << 40, y0, x).unwrap();
        let l = x * 10_000_000 / (10_000_000 - decay);
        prop_assert!(far.abs_diff(l) <= 1, "far {} limit {}", far, l);
    }

    #[test]
    fn a_larger_request_never_has_a_lower_threshold(
        decay in decay(), funds in 1u128..1u128 << 80, r1 in 0u128..1u128 << 80,
        r2 in 0u128..1u128 << 80, staked in 0u128..1u128 << 80,
    ) {
        let p = params(decay);
        let (r1, r2) = (r1.min(r2) % funds, r1.max(r2) % funds);
        let (r1, r2) = (r1.min(r2), r1.max(r2));
        let s = p.effective_supply(staked, staked);
        match (p.threshold(r1, funds, s), p.threshold(r2, funds, s)) {
            (Ok(t1), Ok(t2)) => prop_assert!(t1 <= t2, "{} > {}", t1, t2),
            (Err(_), Ok(_)) => prop_assert!(false, "a smaller request was refused"),
            _ => {}
        }
        if let (Ok(e1), Ok(e2)) = (p.exact_threshold(r1, funds, s), p.exact_threshold(r2, funds, s)) {
            prop_assert!(e1 <= e2);
        }
    }

    #[test]
    fn closed_form_equals_iteration_exactly(
        decay in decay(), y0 in 0u128..1u128 << 64, x in 0u128..1u128 << 64, t in 0u64..40,
    ) {
        let p = params(decay);
        let a = p.a();
        let mut y = big(y0);
        for _ in 0..t {
            y = &a * &y + big(x);
        }
        prop_assert_eq!(p.exact_conviction(t, &big(y0), x), y);
    }

    #[test]
    fn contract_closed_form_and_per_block_updates_differ_only_by_rounding(
        decay in 5_000_000u128..9_990_000, x in 0u128..1u128 << 60, t in 1u64..300,
    ) {
        // The contract rounds once per update: recording conviction every
        // block drifts from one update over t blocks by at most the sum of
        // the per-step half units, 0.5/(1 − a), plus one.
        let p = DecayPowers::new(decay);
        let once = p.conviction(t, 0, x).unwrap();
        let mut y = 0;
        for _ in 0..t {
            y = p.conviction(1, y, x).unwrap();
        }
        let bound = 10_000_000 / (10_000_000 - decay) + 1;
        prop_assert!(once.abs_diff(y) <= bound, "once {} stepped {} bound {}", once, y, bound);
    }

    #[test]
    fn event_driven_simulation_equals_a_naive_replay(
        decay in prop_oneof![Just(5_000_000u128), Just(8_000_000), Just(9_000_000), Just(9_500_000)],
        requests in prop::collection::vec(1u128..2_999, 1..5),
        raw in prop::collection::vec((0u64..4, 0u32..4, 0u32..5, 0u128..20_000), 0..25),
    ) {
        let funding = Funding { params: params(decay), funds: 15_000, supply: 45_000 };
        let n = requests.len() as u32;
        let mut block = 0;
        let events: Vec<StakeEvent> = raw
            .iter()
            .map(|&(gap, account, proposal, amount)| {
                block += gap;
                StakeEvent { block, account, proposal: proposal % n, amount }
            })
            .collect();
        let horizon = block + 300;
        let sim = funding.simulate(&requests, &events, Some(horizon)).unwrap();
        let naive = naive_replay(&funding, &requests, &events, horizon);
        for (p, expected) in naive.iter().enumerate() {
            prop_assert_eq!(sim.passes_at(p), *expected, "proposal {}", p);
        }
    }
}

/// The contract, block by block: every stake change rebases the proposal's
/// conviction (once per block), and at every block every proposal is
/// checked against the threshold at that block's total stake.
fn naive_replay(
    f: &Funding,
    requests: &[u128],
    events: &[StakeEvent],
    horizon: u64,
) -> Vec<Option<u64>> {
    let powers = DecayPowers::new(f.params.decay);
    let n = requests.len();
    let mut last: Vec<Option<(u64, u128)>> = vec![None; n];
    let mut stake = vec![0u128; n];
    let mut by_account = std::collections::HashMap::new();
    let mut total = 0u128;
    let mut passed = vec![None; n];
    let mut i = 0;
    for b in 0..=horizon {
        while i < events.len() && events[i].block == b {
            let e = events[i];
            i += 1;
            let p = e.proposal as usize;
            let old = by_account
                .insert((e.account, e.proposal), e.amount)
                .unwrap_or(0);
            if old == e.amount {
                continue;
            }
            let conv = match last[p] {
                Some((lb, c)) => powers.conviction(b - lb, c, stake[p]).unwrap(),
                None => 0,
            };
            last[p] = Some((b, conv));
            stake[p] = stake[p] - old + e.amount;
            total = total - old + e.amount;
        }
        let s = f.params.effective_supply(total, f.supply);
        for p in 0..n {
            if passed[p].is_some() {
                continue;
            }
            let y = match last[p] {
                Some((lb, c)) => powers.conviction(b - lb, c, stake[p]).unwrap(),
                None => 0,
            };
            if y > f.params.threshold(requests[p], f.funds, s).unwrap() {
                passed[p] = Some(b);
            }
        }
    }
    passed
}

#[test]
fn contract_conviction_is_monotone_between_events() {
    // The simulator bisects within stretches of constant stake, relying on
    // the contract's conviction moving one way between updates. Checked
    // here block by block for typical decays, growing and decaying.
    for (decay, blocks) in [
        (9_000_000u128, 2_000u64),
        (9_900_000, 20_000),
        (9_999_599, 50_000),
    ] {
        let p = DecayPowers::new(decay);
        for (y0, x) in [
            (0u128, 15_000u128),
            (10u128.pow(24), 10u128.pow(18)),
            (5 * 10u128.pow(22), 0),
        ] {
            let grows = p.direction(y0, x) == std::cmp::Ordering::Greater;
            let mut prev = p.conviction(0, y0, x).unwrap();
            for t in 1..blocks {
                let y = p.conviction(t, y0, x).unwrap();
                if grows {
                    assert!(y >= prev, "decay {decay} t {t}: {y} < {prev}");
                } else {
                    assert!(y <= prev, "decay {decay} t {t}: {y} > {prev}");
                }
                prev = y;
            }
        }
    }
}
