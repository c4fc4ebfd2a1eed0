//! Every fast path equals the exact path it shortcuts, on random inputs:
//! - quadratic tallies (512-bit roots, two threads) against a literal
//!   big-integer port of the original tally, with powers up to `u128::MAX`,
//!   huge and fractional weights, and enough ballots for the thread split;
//! - token amounts (the 19-digit `u64` head) against big-integer arithmetic
//!   up to and past the `u128` limit;
//! - the Snapshot JSON fast reader against the general reader (a file the
//!   fast reader declines, because it carries a fixture `proposal`, holds
//!   the same votes on the same lines).

use std::path::Path;

use govkit::ballot::{BallotType, CountedBallot, QuadraticBallot, Weighted};
use govkit::{Amount, AmountUnit, Power, Score, Selection};
use num_bigint::{BigInt, BigUint};
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Zero};
use proptest::prelude::*;

const CHOICES: usize = 4;

/// The quadratic tally as it was written with big integers only.
fn quadratic_reference(ballots: &[(Vec<(u32, BigRational)>, u128)]) -> Vec<Score> {
    let scale = BigUint::from(10u8).pow(80);
    let mut roots = vec![BigUint::zero(); CHOICES];
    let mut total = BigUint::zero();
    for (ws, p) in ballots {
        total += *p;
        if *p == 0 {
            continue;
        }
        let lcm = ws.iter().fold(BigInt::one(), |l, (_, w)| l.lcm(w.denom()));
        let ms: Vec<(usize, BigUint)> = ws
            .iter()
            .map(|(c, w)| {
                let m = (w.numer() * (&lcm / w.denom())).to_biguint().unwrap();
                (*c as usize - 1, m)
            })
            .collect();
        let whole: BigUint = ms.iter().map(|(_, m)| m).sum();
        for (i, m) in ms {
            if !m.is_zero() {
                roots[i] += ((&scale * *p * m) / &whole).sqrt();
            }
        }
    }
    let q: Vec<BigRational> = roots
        .iter()
        .map(|a| BigRational::from_integer((a * a).into()))
        .collect();
    let sum: BigRational = q.iter().sum();
    if sum.is_zero() {
        return q.iter().map(|_| Score::zero()).collect();
    }
    let factor = BigRational::from_integer(total.into()) / sum;
    q.into_iter()
        .map(|r| Score::from_rational(r * &factor))
        .collect()
}

/// The weighted tally, one exact rational addition per ballot and choice.
fn weighted_reference(ballots: &[(Vec<(u32, BigRational)>, u128)]) -> Vec<Score> {
    let mut r = vec![BigRational::zero(); CHOICES];
    for (ws, p) in ballots {
        let whole: BigRational = ws.iter().map(|(_, w)| w).sum();
        for (c, w) in ws {
            r[*c as usize - 1] += w / &whole * BigRational::from_integer((*p).into());
        }
    }
    r.into_iter().map(Score::from_rational).collect()
}

fn weight() -> impl Strategy<Value = BigRational> {
    prop_oneof![
        6 => (0u64..100).prop_map(|n| BigRational::from_integer(n.into())),
        1 => Just(BigRational::from_integer(u64::MAX.into())),
        1 => Just(BigRational::from_integer(BigInt::from(u64::MAX) * 1000)),
        1 => (0i64..50, 1i64..7).prop_map(|(n, d)| BigRational::new(n.into(), d.into())),
    ]
}

fn power() -> impl Strategy<Value = u128> {
    prop_oneof![
        4 => 0u128..1u128 << 80,
        1 => Just(u128::MAX),
        1 => (0u128..1000).prop_map(|d| u128::MAX - d),
        1 => 0u128..10,
    ]
}

/// A valid weight map: distinct choices 1..=4, some weight positive.
fn ballot() -> impl Strategy<Value = (Vec<(u32, BigRational)>, u128)> {
    (
        prop::sample::subsequence(vec![1u32, 2, 3, 4], 1..=4),
        prop::collection::vec(weight(), 4),
        power(),
    )
        .prop_map(|(choices, weights, p)| {
            let mut ws: Vec<(u32, BigRational)> = choices.into_iter().zip(weights).collect();
            if ws.iter().all(|(_, w)| w.is_zero()) {
                ws[0].1 = BigRational::one();
            }
            (ws, p)
        })
}

fn tally(ballot: &dyn BallotType, ballots: &[(Vec<(u32, BigRational)>, u128)]) -> Vec<Score> {
    let selections: Vec<Selection> = ballots
        .iter()
        .map(|(ws, _)| {
            Selection::Weighted(ws.iter().map(|(c, w)| (*c, w.clone().into())).collect())
        })
        .collect();
    let counted: Vec<CountedBallot<'_>> = selections
        .iter()
        .zip(ballots)
        .enumerate()
        .map(|(i, (s, (_, p)))| CountedBallot {
            selection: s,
            power: Power::from_units(*p),
            line: i as u64 + 1,
        })
        .collect();
    ballot.tally(CHOICES, &counted).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn quadratic_fast_roots_equal_the_big_integer_tally(
        ballots in prop::collection::vec(ballot(), 0..40),
    ) {
        prop_assert_eq!(tally(&QuadraticBallot, &ballots), quadratic_reference(&ballots));
    }

    #[test]
    fn weighted_tally_equals_exact_rational_sums(
        ballots in prop::collection::vec(ballot(), 0..40),
    ) {
        prop_assert_eq!(tally(&Weighted, &ballots), weighted_reference(&ballots));
    }

    #[test]
    fn amounts_equal_big_integer_arithmetic(
        int in "[1-9][0-9]{0,40}|0",
        frac in "[0-9]{0,20}",
        decimals in 0u8..=24,
    ) {
        let text = if frac.is_empty() { int.clone() } else { format!("{int}.{frac}") };
        let got = Amount::parse(&text, AmountUnit::Token, decimals);
        let digits: BigUint = format!("{int}{frac}").parse().unwrap();
        // The exact value `digits / 10^frac · 10^decimals`, when a whole
        // number of base units below 2^128 (trailing zeros are fine).
        let scaled = digits * BigUint::from(10u8).pow(u32::from(decimals));
        let unit = BigUint::from(10u8).pow(frac.len() as u32);
        let want = if (&scaled % &unit).is_zero() {
            u128::try_from(scaled / unit).ok()
        } else {
            None
        };
        match want {
            Some(v) => prop_assert_eq!(got.unwrap().base_units(), v),
            None => prop_assert!(got.is_err()),
        }
    }

    #[test]
    fn the_fast_json_reader_equals_the_general_reader(
        votes in prop::collection::vec(
            (0u32..30, prop::sample::select(vec!["1", "2", "[1, 2]", "{\"1\": 3, \"2\": 1}", "\"x\"", "0"]),
             0u64..u64::MAX, 0u32..19, 0u32..3),
            0..60,
        ),
    ) {
        let list: Vec<String> = votes
            .iter()
            .map(|(voter, choice, vp, shift, created)| {
                let vp = vp.to_string();
                let cut = (*shift as usize).min(vp.len() - 1);
                let vp = if cut == 0 { vp } else { format!("{}.{}", &vp[..vp.len() - cut], &vp[vp.len() - cut..]) };
                format!(
                    "{{\"voter\": \"0x{voter:040X}\", \"choice\": {choice}, \"vp\": {vp}, \"created\": {created}}}"
                )
            })
            .collect();
        let list = list.join(",\n");
        let fast_text = format!("{{\"votes\": [\n{list}\n]}}");
        let general_text = format!("{{\"proposal\": {{\"choices\": null}}, \"votes\": [\n{list}\n]}}");
        let fast = govkit::io::snapshot_json::parse(Path::new("v.json"), &fast_text, 18, None);
        let general = govkit::io::snapshot_json::parse(Path::new("v.json"), &general_text, 18, None);
        match (fast, general) {
            (Ok(a), Ok(b)) => {
                prop_assert_eq!(&a.votes.votes, &b.votes.votes);
                prop_assert_eq!(a.votes.replaced, b.votes.replaced);
                prop_assert_eq!(a.rounded, b.rounded);
            }
            (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
            (a, b) => prop_assert!(false, "{:?} vs {:?}", a.map(|_| ()), b.map(|_| ())),
        }
    }
}

/// Enough ballots for the two-thread quadratic and weighted tallies (and a
/// fractional weight so both root and both group paths run), against the
/// references.
#[test]
fn large_tallies_split_over_threads_equal_the_references() {
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let ballots: Vec<(Vec<(u32, BigRational)>, u128)> = (0..9000)
        .map(|i| {
            let a = next();
            let mut ws = vec![(
                1 + (a % 4) as u32,
                BigRational::from_integer((1 + a % 97).into()),
            )];
            let c2 = 1 + ((a >> 8) % 4) as u32;
            if c2 != ws[0].0 {
                ws.push((
                    c2,
                    BigRational::new((a >> 20).into(), (1 + (i % 3) as u64).into()),
                ));
            }
            let p = if i % 1000 == 0 {
                u128::MAX - u128::from(a)
            } else {
                u128::from(next()) * 1000
            };
            (ws, p)
        })
        .collect();
    // The weighted reference adds one exact rational per ballot, so its
    // denominators (the ballots' weight sums) are kept small here.
    let small_sums: Vec<(Vec<(u32, BigRational)>, u128)> = ballots
        .iter()
        .map(|(ws, p)| {
            let ws: Vec<(u32, BigRational)> = ws
                .iter()
                .map(|(c, w)| (*c, BigRational::new(w.numer() % 50, w.denom().clone())))
                .collect();
            (ws, *p)
        })
        .filter(|(ws, _)| ws.iter().any(|(_, w)| !w.is_zero()))
        .collect();
    assert!(small_sums.len() > 8192, "two halves above the threshold");
    assert_eq!(
        tally(&Weighted, &small_sums),
        weighted_reference(&small_sums)
    );
    assert_eq!(
        tally(&QuadraticBallot, &ballots),
        quadratic_reference(&ballots)
    );
}
