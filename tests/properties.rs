//! Property tests: exactness and order independence.

use govkit::{
    Amount, AmountUnit, BallotKind, Choices, DecisionRules, Evaluation, Power, Report, Score,
    Selection, Share, Vote, VoteSet, Voter,
};
use proptest::prelude::*;

fn run(ballot: BallotKind, votes: Vec<Vote>) -> Report {
    let ballot_type = ballot.ballot_type();
    let mechanism = govkit::TokenWeighted;
    Evaluation::new(
        "p",
        Choices::new(vec!["a".into(), "b".into(), "c".into()]).unwrap(),
        ballot_type.as_ref(),
        &mechanism,
        DecisionRules::plurality(),
        18,
    )
    .run(&VoteSet::latest_per_voter("p".into(), votes), None)
    .unwrap()
}

fn selection() -> impl Strategy<Value = Selection> {
    prop_oneof![
        (0u32..5).prop_map(Selection::Single),
        prop::collection::vec(0u32..5, 0..4).prop_map(|l| Selection::List(l.into())),
    ]
}

fn votes() -> impl Strategy<Value = Vec<Vote>> {
    prop::collection::vec((selection(), 0u128..1u128 << 100), 0..40).prop_map(|v| {
        v.into_iter()
            .enumerate()
            .map(|(i, (selection, w))| Vote {
                voter: Some(Voter::new(&format!("0x{i:040x}"))),
                selection,
                weight: Some(Amount::from_base_units(w)),
                cast_at: None,
                line: i as u64 + 2,
                attributes: Default::default(),
            })
            .collect()
    })
}

proptest! {
    #[test]
    fn amounts_round_trip_through_token_strings(units: u128, decimals in 0u8..=38) {
        let a = Amount::from_base_units(units);
        let text = a.to_tokens_string(decimals);
        prop_assert_eq!(Amount::parse(&text, AmountUnit::Token, decimals).unwrap(), a);
    }

    #[test]
    fn shares_parse_fractions_exactly(n in 0u128..1_000_000, extra in 1u128..1_000_000) {
        let d = n + extra;
        let parsed: Share = format!("{n}/{d}").parse().unwrap();
        prop_assert_eq!(parsed, Share::new(n, d).unwrap());
    }

    #[test]
    fn the_order_of_votes_never_changes_the_result(
        votes in votes(),
        seed: u64,
        approval: bool,
    ) {
        let ballot = if approval { BallotKind::Approval } else { BallotKind::SingleChoice };
        let mut shuffled = votes.clone();
        // Deterministic Fisher-Yates from the seed.
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let (a, b) = (run(ballot, votes), run(ballot, shuffled));
        prop_assert_eq!(a.tally.scores, b.tally.scores);
        prop_assert_eq!(a.outcome, b.outcome);
        prop_assert_eq!(a.winner, b.winner);
        prop_assert_eq!(a.votes, b.votes);
    }

    #[test]
    fn single_choice_scores_add_up_to_the_counted_power(votes in votes()) {
        // Independent recomputation: sum of weights of in-range single votes.
        let expected: u128 = votes
            .iter()
            .filter(|v| matches!(v.selection, Selection::Single(1..=3)))
            .map(|v| v.weight.unwrap().base_units())
            .sum();
        let invalid = votes.iter().filter(|v| !matches!(v.selection, Selection::Single(1..=3))).count();
        let report = run(BallotKind::SingleChoice, votes);
        prop_assert_eq!(Score::sum(&report.tally.scores), Score::from_power(Power::from_units(expected)));
        prop_assert_eq!(report.votes.invalid, invalid as u64);
    }
}

mod mechanisms {
    use govkit::{
        Amount, Cap, Electorate, Mechanism, Power, Quadratic, Selection, Share, TokenWeighted,
        Vote, Voter,
    };
    use proptest::prelude::*;

    fn electorate_powers<M: Mechanism>(m: &M, weights: &[u128], decimals: u8) -> Vec<Power> {
        let votes: Vec<Vote> = (0..weights.len())
            .map(|i| Vote {
                voter: Some(Voter::new(&format!("0x{i:040x}"))),
                selection: Selection::Single(1),
                weight: None,
                cast_at: None,
                line: i as u64 + 2,
                attributes: Default::default(),
            })
            .collect();
        let amounts: Vec<Amount> = weights
            .iter()
            .map(|&w| Amount::from_base_units(w))
            .collect();
        m.assign_power(&Electorate {
            source: std::path::Path::new("p"),
            votes: &votes,
            weights: &amounts,
            holders: None,
            decimals,
        })
        .unwrap()
    }

    proptest! {
        #[test]
        fn quadratic_power_never_exceeds_token_power(
            decimals in 0u8..=18,
            extra in 0u128..1u128 << 100,
        ) {
            // Balances of at least one whole token; compare in token units:
            // power / 10^pd <= weight / 10^d  <=>  power * 10^d <= weight * 10^pd.
            let one = 10u128.pow(u32::from(decimals));
            let w = one + extra;
            let q = Quadratic::default();
            let p = electorate_powers(&q, &[w], decimals)[0].units();
            let pd = q.power_decimals(decimals);
            let lhs = num_bigint::BigUint::from(p) * num_bigint::BigUint::from(10u8).pow(u32::from(decimals));
            let rhs = num_bigint::BigUint::from(w) * num_bigint::BigUint::from(10u8).pow(u32::from(pd));
            prop_assert!(lhs <= rhs);
        }

        #[test]
        fn splitting_a_wallet_never_lowers_its_quadratic_power(
            w in 0u128..1u128 << 120,
            k in 1usize..50,
            decimals in 0u8..=18,
        ) {
            let mut parts = vec![w / k as u128; k];
            parts[0] += w % k as u128;
            let q = Quadratic::default();
            let whole = electorate_powers(&q, &[w], decimals)[0].units();
            let split: u128 = electorate_powers(&q, &parts, decimals).iter().map(|p| p.units()).sum();
            prop_assert!(split >= whole, "{split} < {whole}");
        }

        #[test]
        fn a_cap_never_raises_anyones_power(
            weights in prop::collection::vec(0u128..1u128 << 100, 1..30),
            num in 0u128..=100,
            absolute in 0u128..1u128 << 100,
            fractional: bool,
        ) {
            let cap = if fractional {
                Cap::Fraction(Share::new(num, 100).unwrap())
            } else {
                Cap::Absolute(Power::from_units(absolute))
            };
            let before = electorate_powers(&TokenWeighted, &weights, 18);
            let mut after = before.clone();
            cap.apply(&mut after).unwrap();
            let total: u128 = weights.iter().sum();
            for (b, a) in before.iter().zip(&after) {
                prop_assert!(a <= b);
                if fractional {
                    // Nobody exceeds the fraction of the total uncapped power.
                    prop_assert!(a.units() * 100 <= total * num);
                }
            }
        }
    }
}
