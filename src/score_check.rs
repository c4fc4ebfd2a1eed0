//! govkit's re-tally beside the scores a source publishes for itself (the
//! Snapshot hub's `scores` and `scores_total`, an export's total VP).
//!
//! The hub adds voting power as 64-bit floats, so its scores carry float
//! rounding; govkit's are exact. A published score *agrees* when the exact
//! difference is at most [`TOLERANCE`] of the larger of the two (both zero
//! agree). The comparison itself is exact: a float never decides it.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, Zero};
use serde::Serialize;

use crate::decimal::{round_half_up, DecimalLiteral};
pub use crate::io::metadata::PublishedScores;
use crate::quantity::Quantity;
use crate::report::ChoiceResult;

/// Relative tolerance of a published score: 10⁻⁹ (about 2²⁻³⁰ of a 52-bit
/// float mantissa's sums over tens of thousands of votes).
pub const TOLERANCE: (u32, u32) = (1, 1_000_000_000);

/// One published number beside govkit's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScoreLine {
    /// The choice (or `total`).
    pub choice: String,
    /// As published.
    pub published: String,
    /// govkit's exact value in tokens.
    pub govkit: String,
    /// govkit − published, rounded half up to 18 decimals.
    pub difference: String,
    /// |difference| / max(|published|, |govkit|), rounded to 3 significant
    /// places of its exponent form for reading (`0` when equal).
    pub relative: String,
    /// Within [`TOLERANCE`].
    pub agrees: bool,
}

/// A proposal's published scores against govkit's re-tally.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScoreCheck {
    /// The proposal.
    pub id: String,
    /// Per choice, then the total, where published.
    pub lines: Vec<ScoreLine>,
    /// Every line agrees (and the published list has one score per choice).
    pub agrees: bool,
    /// Why not, beyond the numbers (e.g. a different number of choices,
    /// or fewer votes in the vote file than the source counted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The votes the source says were cast, and the votes read for the
    /// proposal from the vote file (`None`: not published).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub votes: Option<(String, u64)>,
}

/// Checks `published` against govkit's `choices` (the proposal's own
/// mechanism) and the `votes_read` for the proposal; `None` if nothing is
/// published.
pub fn check(
    id: &str,
    published: &PublishedScores,
    choices: &[ChoiceResult],
    votes_read: u64,
) -> Option<ScoreCheck> {
    if published.scores.is_none() && published.total.is_none() {
        return None;
    }
    let mut lines = Vec::new();
    let mut note = None;
    let votes = published
        .votes
        .as_ref()
        .map(|v| (v.trim().to_string(), votes_read));
    if let Some((count, read)) = &votes {
        if count.parse::<u64>().ok() != Some(*read) {
            note = Some(format!(
                "the source counts {count} votes, the vote file holds {read} for this proposal"
            ));
        }
    }
    if let Some(scores) = &published.scores {
        // A choice one side does not list counts as 0 there (a template
        // may list an `abstain` the proposal did not offer, and the other
        // way round); only a non-zero score makes that a difference.
        let decimals = choices.first().map_or(0, |c| c.power.decimals());
        let zero = Quantity::from_rational(BigRational::zero(), decimals);
        for i in 0..scores.len().max(choices.len()) {
            let (name, ours) = match choices.get(i) {
                Some(c) => (c.name.clone(), &c.power),
                None => (format!("choice {}", i + 1), &zero),
            };
            lines.push(line(&name, scores.get(i).map_or("0", String::as_str), ours));
        }
    }
    if let Some(total) = &published.total {
        let decimals = choices.first().map_or(0, |c| c.power.decimals());
        let sum = choices
            .iter()
            .fold(BigRational::zero(), |acc, c| acc + c.power.as_rational());
        lines.push(line(
            "total",
            total,
            &Quantity::from_rational(sum, decimals),
        ));
    }
    let agrees = note.is_none() && lines.iter().all(|l| l.agrees);
    Some(ScoreCheck {
        id: id.to_string(),
        lines,
        agrees,
        note,
        votes,
    })
}

fn line(choice: &str, published: &str, govkit: &Quantity) -> ScoreLine {
    let scale = BigRational::from_integer(num_traits::pow(
        BigInt::from(10u8),
        usize::from(govkit.decimals()),
    ));
    let ours = govkit.as_rational() / scale;
    let theirs = DecimalLiteral::parse(published.trim())
        .ok()
        .and_then(|d| d.bounded_rational().ok());
    let Some(theirs) = theirs else {
        return ScoreLine {
            choice: choice.to_string(),
            published: crate::error::shown(published).to_string(),
            govkit: round_half_up(&ours, 18),
            difference: String::new(),
            relative: "not a number".into(),
            agrees: false,
        };
    };
    let difference = &ours - &theirs;
    let larger = if ours.abs() > theirs.abs() {
        ours.abs()
    } else {
        theirs.abs()
    };
    let (num, den) = TOLERANCE;
    let agrees = difference.abs() * BigRational::from_integer(den.into())
        <= larger.clone() * BigRational::from_integer(num.into());
    let relative = if difference.is_zero() {
        "0".to_string()
    } else {
        scientific(&(difference.abs() / larger))
    };
    ScoreLine {
        choice: choice.to_string(),
        published: published.trim().to_string(),
        govkit: round_half_up(&ours, 18),
        difference: round_half_up(&difference, 18),
        relative,
        agrees,
    }
}

/// A positive rational as `d.dde-N` (for reading only).
fn scientific(r: &BigRational) -> String {
    let ten = BigRational::from_integer(10.into());
    let (mut m, mut e) = (r.clone(), 0i32);
    while m >= ten {
        m /= &ten;
        e += 1;
    }
    while m < BigRational::from_integer(1.into()) && e > -400 {
        m *= &ten;
        e -= 1;
    }
    format!("{}e{e}", round_half_up(&m, 2))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::amount::Power;
    use crate::quantity::Proportion;

    fn choice(name: &str, units: u128) -> ChoiceResult {
        ChoiceResult {
            name: name.into(),
            power: Quantity::power(Power::from_units(units), 2),
            share: Proportion::new(BigRational::zero()),
        }
    }

    #[test]
    fn agrees_within_a_billionth_and_not_beyond() {
        // yes 1000000.00, no 2.50 (2 decimals).
        let choices = [choice("yes", 100_000_000), choice("no", 250)];
        let published = |yes: &str| PublishedScores {
            scores: Some(vec![yes.into(), "2.5".into()]),
            total: Some("1000002.5".into()),
            votes: None,
        };
        // 0.0009 off 1,000,000 is 9e-10 relative: agrees.
        let c = check("p", &published("1000000.0009"), &choices, 7).unwrap();
        assert!(c.agrees, "{c:?}");
        assert_eq!(c.lines[0].difference, "-0.000900000000000000");
        assert_eq!(c.lines[0].relative, "9.00e-10");
        // 0.0011 off is 1.1e-9: differs.
        let c = check("p", &published("1000000.0011"), &choices, 7).unwrap();
        assert!(!c.agrees);
        assert!(!c.lines[0].agrees && c.lines[1].agrees && c.lines[2].agrees);
        assert_eq!(c.lines[2].choice, "total");
    }

    #[test]
    fn an_unlisted_choice_counts_as_zero() {
        // govkit's yes 0.01, no 0; the source lists only yes.
        let choices = [choice("yes", 1), choice("no", 0)];
        let p = PublishedScores {
            scores: Some(vec!["0.01".into()]),
            ..PublishedScores::default()
        };
        let c = check("p", &p, &choices, 1).unwrap();
        assert!(c.agrees, "{c:?}");
        assert_eq!(c.lines[1].published, "0");
        // The source lists a third choice with a score: that differs.
        let p = PublishedScores {
            scores: Some(vec!["0.01".into(), "0".into(), "5".into()]),
            ..PublishedScores::default()
        };
        let c = check("p", &p, &choices, 1).unwrap();
        assert!(!c.agrees);
        assert_eq!(
            (c.lines[2].choice.as_str(), c.lines[2].agrees),
            ("choice 3", false)
        );
        assert!(check("p", &PublishedScores::default(), &choices, 0).is_none());
        // A published vote count that the vote file does not hold.
        let p = PublishedScores {
            total: Some("0.01".into()),
            votes: Some("3".into()),
            ..PublishedScores::default()
        };
        let c = check("p", &p, &choices, 2).unwrap();
        assert!(c.lines[0].agrees && !c.agrees);
        assert_eq!(
            c.note.as_deref(),
            Some("the source counts 3 votes, the vote file holds 2 for this proposal")
        );
    }
}
