//! Property tests for the Snapshot ballot types (weighted, quadratic,
//! ranked-choice, copeland, and the older ones alongside):
//! - the order of the votes never changes any ballot type's tally;
//! - malformed weight maps and rankings (gaps, repeats, out-of-range
//!   choices, negative or no positive weights) are counted by reason, do not
//!   change the scores of the valid ones, and their power is cast but not
//!   counted;
//! - scores add up to the counted power exactly (snapshot.js rescales to it);
//! - instant runoff agrees with a literal port of snapshot.js's `irv`.

use std::collections::BTreeMap;

use govkit::ballot::CountedBallot;
use govkit::{
    Amount, BallotKind, Choices, DecisionRules, Evaluation, Power, Score, Selection, Tally, Vote,
    VoteSet, Voter,
};
use num_bigint::BigInt;
use num_rational::BigRational;
use proptest::prelude::*;

const CHOICES: usize = 4;

fn tally(ballot: BallotKind, votes: Vec<Vote>) -> Tally {
    let ballot_type = ballot.ballot_type();
    let mechanism = govkit::TokenWeighted;
    Evaluation::new(
        "p",
        Choices::new((1..=CHOICES).map(|i| format!("c{i}")).collect()).unwrap(),
        ballot_type.as_ref(),
        &mechanism,
        DecisionRules::plurality(),
        18,
    )
    .tally(&VoteSet::latest_per_voter("p".into(), votes), None)
    .unwrap()
}

fn votes_of(selections: Vec<(Selection, u128)>) -> Vec<Vote> {
    selections
        .into_iter()
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
}

fn rational() -> impl Strategy<Value = BigRational> {
    (-2i64..20, 1i64..6).prop_map(|(n, d)| BigRational::new(n.into(), d.into()))
}

/// A weighted selection of these exact weights.
fn weighted(m: Vec<(u32, BigRational)>) -> Selection {
    Selection::Weighted(m.into_iter().map(|(c, w)| (c, w.into())).collect())
}

/// A permutation of `1..=CHOICES`.
fn full_ranking() -> impl Strategy<Value = Vec<u32>> {
    Just((1..=CHOICES as u32).collect::<Vec<u32>>()).prop_shuffle()
}

/// Anything a vote file can hold, well- or ill-formed, for every ballot type.
fn selection() -> impl Strategy<Value = Selection> {
    prop_oneof![
        1 => (0u32..6).prop_map(Selection::Single),
        1 => prop::collection::vec(0u32..6, 0..6).prop_map(|l| Selection::List(l.into())),
        4 => full_ranking().prop_map(|l| Selection::List(l.into())),
        4 => prop::collection::vec((0u32..6, rational()), 0..5).prop_map(weighted),
        1 => Just(Selection::Unreadable("x".into())),
    ]
}

fn power() -> impl Strategy<Value = u128> {
    prop_oneof![0u128..1000, 0u128..1u128 << 100]
}

fn shuffle<T>(items: &mut [T], seed: u64) {
    // Deterministic Fisher-Yates from the seed (xorshift).
    let mut state = seed | 1;
    for i in (1..items.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        items.swap(i, (state % (i as u64 + 1)) as usize);
    }
}

/// A malformed ranking: a full ranking with one defect.
#[derive(Clone, Debug)]
enum BadRanking {
    /// One rank left out (a gap): incomplete.
    Gap(usize),
    /// One rank replaced by a choice that does not exist.
    OutOfRange(usize, u32),
    /// One rank replaced by another rank's choice.
    Repeat(usize, usize),
    /// Nothing ranked.
    Empty,
}

impl BadRanking {
    fn apply(&self, mut r: Vec<u32>) -> (Selection, &'static str) {
        let reason = match *self {
            BadRanking::Gap(i) => {
                r.remove(i % r.len());
                "incomplete-ranking"
            }
            BadRanking::OutOfRange(i, c) => {
                let i = i % r.len();
                r[i] = c;
                "out-of-range"
            }
            BadRanking::Repeat(i, j) => {
                let (i, j) = (i % r.len(), j % r.len());
                let j = if i == j { (j + 1) % r.len() } else { j };
                r[i] = r[j];
                "duplicate-choice"
            }
            BadRanking::Empty => {
                r.clear();
                "incomplete-ranking"
            }
        };
        (Selection::List(r.into()), reason)
    }
}

fn bad_ranking() -> impl Strategy<Value = BadRanking> {
    prop_oneof![
        (0usize..8).prop_map(BadRanking::Gap),
        (0usize..8, prop_oneof![Just(0u32), 5u32..100])
            .prop_map(|(i, c)| BadRanking::OutOfRange(i, c)),
        (0usize..8, 0usize..8).prop_map(|(i, j)| BadRanking::Repeat(i, j)),
        Just(BadRanking::Empty),
    ]
}

/// A valid weight map: distinct existing keys, weights >= 0, one > 0.
fn good_map() -> impl Strategy<Value = Vec<(u32, BigRational)>> {
    (
        prop::sample::subsequence((1..=CHOICES as u32).collect::<Vec<_>>(), 1..=CHOICES),
        prop::collection::vec((0i64..20, 1i64..6), CHOICES),
        1i64..10,
    )
        .prop_map(|(keys, weights, positive)| {
            keys.iter()
                .zip(weights)
                .enumerate()
                .map(|(k, (&c, (n, d)))| {
                    // The first key always has a positive weight.
                    let n = if k == 0 { positive } else { n };
                    (c, BigRational::new(n.into(), d.into()))
                })
                .collect()
        })
}

/// A malformed weight map.
#[derive(Clone, Debug)]
enum BadMap {
    Negative(usize),
    AllZero,
    Empty,
    OutOfRange(u32),
    RepeatedKey,
}

impl BadMap {
    fn apply(&self, mut m: Vec<(u32, BigRational)>) -> (Selection, &'static str) {
        let reason = match *self {
            BadMap::Negative(i) => {
                let i = i % m.len();
                m[i].1 = BigRational::new((-1).into(), 3.into());
                "negative-weight"
            }
            BadMap::AllZero => {
                for (_, w) in &mut m {
                    *w = BigRational::from_integer(0.into());
                }
                "no-positive-weight"
            }
            BadMap::Empty => {
                m.clear();
                "no-positive-weight"
            }
            BadMap::OutOfRange(c) => {
                m.push((c, BigRational::from_integer(1.into())));
                "out-of-range"
            }
            BadMap::RepeatedKey => {
                let first = m[0].clone();
                m.push(first);
                "duplicate-choice"
            }
        };
        (weighted(m), reason)
    }
}

fn bad_map() -> impl Strategy<Value = BadMap> {
    prop_oneof![
        (0usize..8).prop_map(BadMap::Negative),
        Just(BadMap::AllZero),
        Just(BadMap::Empty),
        prop_oneof![Just(0u32), 5u32..1000].prop_map(BadMap::OutOfRange),
        Just(BadMap::RepeatedKey),
    ]
}

/// Checks a tally of valid ballots plus malformed ones against the tally of
/// the valid ones alone.
fn check_invalid_counting(
    ballot: BallotKind,
    good: Vec<(Selection, u128)>,
    bad: Vec<((Selection, &'static str), u128)>,
    seed: u64,
) -> Result<(), TestCaseError> {
    let alone = tally(ballot, votes_of(good.clone()));
    let mut reasons: BTreeMap<String, u64> = BTreeMap::new();
    for ((_, reason), _) in &bad {
        *reasons.entry((*reason).to_string()).or_default() += 1;
    }
    let bad_power: u128 = bad.iter().map(|(_, p)| p).sum();
    let mut all: Vec<(Selection, u128)> = good;
    all.extend(bad.into_iter().map(|((s, _), p)| (s, p)));
    shuffle(&mut all, seed);
    let mixed = tally(ballot, votes_of(all));
    prop_assert_eq!(&mixed.scores, &alone.scores);
    prop_assert_eq!(&mixed.counts.invalid_reasons, &reasons);
    prop_assert_eq!(mixed.counted_power, alone.counted_power);
    prop_assert_eq!(
        mixed.cast_power.units(),
        alone.cast_power.units() + bad_power
    );
    Ok(())
}

/// snapshot.js's `irv`, literally: recount first preferences over the
/// remaining ballots each round, stop on a strict majority or below three
/// candidates, else drop the first candidate (in ascending number) with the
/// fewest votes from every ballot.
fn reference_irv(ballots: &[(Vec<u32>, u128)]) -> Vec<u128> {
    let mut ballots: Vec<(Vec<u32>, u128)> = ballots.to_vec();
    loop {
        let mut votes: BTreeMap<u32, u128> = BTreeMap::new();
        for (r, _) in &ballots {
            for &c in r {
                votes.entry(c).or_insert(0);
            }
        }
        for (r, p) in &ballots {
            *votes.get_mut(&r[0]).unwrap() += p;
        }
        let total: u128 = ballots.iter().map(|(_, p)| p).sum();
        let top = votes.values().copied().max().unwrap_or(0);
        if votes.len() < 3 || 2 * top > total {
            return (1..=CHOICES as u32)
                .map(|c| votes.get(&c).copied().unwrap_or(0))
                .collect();
        }
        let mut bottom = (0u32, u128::MAX);
        for (&c, &v) in &votes {
            if v < bottom.1 {
                bottom = (c, v);
            }
        }
        for (r, _) in &mut ballots {
            r.retain(|&c| c != bottom.0);
        }
        ballots.retain(|(r, _)| !r.is_empty());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn the_order_of_votes_never_changes_any_ballot_types_tally(
        votes in prop::collection::vec((selection(), power()), 0..30),
        seed: u64,
    ) {
        let mut shuffled = votes.clone();
        shuffle(&mut shuffled, seed);
        for ballot in BallotKind::ALL {
            let a = tally(ballot, votes_of(votes.clone()));
            let b = tally(ballot, votes_of(shuffled.clone()));
            // Per-vote weights and powers follow the input order; every
            // aggregate must not.
            prop_assert_eq!(&a.scores, &b.scores, "{}", ballot.name());
            prop_assert_eq!(&a.turnout, &b.turnout, "{}", ballot.name());
            prop_assert_eq!(&a.counts, &b.counts, "{}", ballot.name());
            prop_assert_eq!(
                (a.counted_power, a.counted_tokens, a.cast_power),
                (b.counted_power, b.counted_tokens, b.cast_power),
                "{}",
                ballot.name()
            );
        }
    }

    #[test]
    fn malformed_rankings_are_counted_by_reason(
        good in prop::collection::vec((full_ranking(), power()), 0..12),
        bad in prop::collection::vec((full_ranking(), bad_ranking(), power()), 1..12),
        seed: u64,
    ) {
        let good: Vec<(Selection, u128)> =
            good.into_iter().map(|(r, p)| (Selection::List(r.into()), p)).collect();
        let bad: Vec<_> = bad.into_iter().map(|(r, defect, p)| (defect.apply(r), p)).collect();
        for ballot in [BallotKind::RankedChoice, BallotKind::Copeland] {
            check_invalid_counting(ballot, good.clone(), bad.clone(), seed)?;
        }
    }

    #[test]
    fn malformed_weight_maps_are_counted_by_reason(
        good in prop::collection::vec((good_map(), power()), 0..12),
        bad in prop::collection::vec((good_map(), bad_map(), power()), 1..12),
        seed: u64,
    ) {
        let good: Vec<(Selection, u128)> =
            good.into_iter().map(|(m, p)| (weighted(m), p)).collect();
        let bad: Vec<_> = bad.into_iter().map(|(m, defect, p)| (defect.apply(m), p)).collect();
        for ballot in [BallotKind::Weighted, BallotKind::Quadratic] {
            check_invalid_counting(ballot, good.clone(), bad.clone(), seed)?;
        }
    }

    #[test]
    fn scores_add_up_to_the_counted_power(
        maps in prop::collection::vec((good_map(), power()), 1..20),
        rankings in prop::collection::vec((full_ranking(), power()), 1..20),
    ) {
        let maps: Vec<(Selection, u128)> =
            maps.into_iter().map(|(m, p)| (weighted(m), p)).collect();
        let rankings: Vec<(Selection, u128)> =
            rankings.into_iter().map(|(r, p)| (Selection::List(r.into()), p)).collect();
        for (ballot, votes) in [
            (BallotKind::Weighted, &maps),
            (BallotKind::Quadratic, &maps),
            (BallotKind::RankedChoice, &rankings),
            (BallotKind::Copeland, &rankings),
        ] {
            let t = tally(ballot, votes_of(votes.clone()));
            prop_assert_eq!(t.counts.invalid, 0);
            prop_assert_eq!(
                Score::sum(&t.scores),
                Score::from_power(t.counted_power),
                "{}", ballot.name()
            );
        }
    }

}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]
    #[test]
    fn instant_runoff_matches_a_literal_port_of_snapshot_js(
        // Small powers, so that bottom ties and exact halves are common.
        ballots in prop::collection::vec((full_ranking(), prop_oneof![4 => 0u128..3, 1 => 0u128..1000]), 0..16),
    ) {
        let selections: Vec<Selection> =
            ballots.iter().map(|(r, _)| Selection::List(r.clone().into())).collect();
        let counted: Vec<CountedBallot<'_>> = selections
            .iter()
            .zip(&ballots)
            .map(|(s, (_, p))| CountedBallot { selection: s, power: Power::from_units(*p), line: 1 })
            .collect();
        let got = BallotKind::RankedChoice.ballot_type().tally(CHOICES, &counted).unwrap();
        let want: Vec<Score> = reference_irv(&ballots)
            .into_iter()
            .map(|v| Score::from_rational(BigRational::from_integer(BigInt::from(v))))
            .collect();
        prop_assert_eq!(got, want);
    }
}
