//! The round file (TOML), validated from its text; `crate::io::contributions`
//! reads it and the files it names.
//!
//! ```toml
//! [round]
//! title = "clr.py's example"
//! pool = "5000"                    # whole tokens
//! decimals = 0                     # token decimals (default 18)
//! contributions = "data/fund-clr-example.csv"   # contributor,project,amount
//! identities = "data/ids.csv"      # optional: address,identity
//! rules = ["quadratic", "clr", "cocm"]          # default: these three
//! clr_threshold = "25"             # M of clr.py, whole tokens (default 25)
//! pairwise_threshold = "100"       # M of pluralqf's pairwise (default 100)
//! minimum = "1"                    # rows below do not count for matching
//! contributor_cap = "1000"         # most of one person's gifts to a project that counts
//! project_cap = "10%"              # most matching per project: share of the pool or amount
//! scaling = "over-pool"            # or "always" (distribute the whole pool)
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::{MatchingRule, PoolScaling, Round};
use crate::amount::{Amount, AmountUnit};
use crate::decimal::DecimalLiteral;
use crate::error::{Error, Result};
use crate::share::ShareOrAmount;
use crate::toml_util::{self, at, NumberText};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSchema {
    round: Section,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Section {
    title: Option<String>,
    pool: Spanned<NumberText>,
    decimals: Option<Spanned<u8>>,
    contributions: String,
    identities: Option<String>,
    rules: Option<Spanned<Vec<String>>>,
    clr_threshold: Option<Spanned<NumberText>>,
    pairwise_threshold: Option<Spanned<NumberText>>,
    minimum: Option<Spanned<NumberText>>,
    contributor_cap: Option<Spanned<NumberText>>,
    project_cap: Option<Spanned<NumberText>>,
    scaling: Option<PoolScaling>,
}

impl<'de> Deserialize<'de> for PoolScaling {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        match String::deserialize(d)?.as_str() {
            "over-pool" => Ok(PoolScaling::OverPool),
            "always" => Ok(PoolScaling::Always),
            other => Err(serde::de::Error::custom(format!(
                "unknown scaling {other:?} (known: over-pool, always)"
            ))),
        }
    }
}

/// A validated round file.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct RoundFile {
    /// The file.
    pub path: PathBuf,
    /// The round.
    pub round: Round,
    /// The contributions file (resolved against the TOML's folder).
    pub contributions: PathBuf,
    /// The identities file, if any (resolved likewise).
    pub identities: Option<PathBuf>,
}

impl RoundFile {
    /// Validates a round file given as text; `path` names it and anchors
    /// the paths it gives.
    pub fn from_toml(path: &Path, text: &str) -> Result<RoundFile> {
        let file: FileSchema = toml_util::parse(path, text)
            .map_err(|e| toml_util::other_kind(path, text, "govkit fund", e))?;
        let s = file.round;
        let decimals = toml_util::decimals(path, text, s.decimals.as_ref(), 18)?;
        let amount = |v: &Spanned<NumberText>, key: &str| -> Result<Amount> {
            Amount::parse(v.get_ref().as_str(), AmountUnit::Token, decimals)
                .map_err(|e| Error::input(at(path, text, v, key), e.to_string()))
        };
        let threshold = |v: &Option<Spanned<NumberText>>, key: &str, default: i64| {
            let Some(v) = v else {
                return Ok(num_rational::BigRational::from_integer(default.into()));
            };
            DecimalLiteral::parse(v.get_ref().as_str())
                .ok()
                .map(|d| d.to_rational())
                .filter(|r| !num_traits::Signed::is_negative(r))
                .ok_or_else(|| {
                    Error::input(at(path, text, v, key), "not a non-negative decimal number")
                })
        };
        let pool = amount(&s.pool, "round.pool")?;
        let clr = threshold(&s.clr_threshold, "round.clr_threshold", 25)?;
        let pairwise = threshold(&s.pairwise_threshold, "round.pairwise_threshold", 100)?;
        let names = s.rules.as_ref().map_or_else(
            || vec!["quadratic".to_string(), "clr".into(), "cocm".into()],
            |r| r.get_ref().clone(),
        );
        let mut rules = Vec::new();
        for name in &names {
            let rule = match name.as_str() {
                "quadratic" => MatchingRule::Quadratic,
                "clr" => MatchingRule::Clr {
                    threshold: clr.clone(),
                },
                "cocm" => MatchingRule::Cocm,
                "pairwise" => MatchingRule::Pairwise {
                    threshold: pairwise.clone(),
                },
                other => {
                    let r = s.rules.as_ref().expect("names from the file");
                    return Err(Error::input(
                        at(path, text, r, "round.rules"),
                        format!(
                            "unknown rule {other:?} (known: {})",
                            MatchingRule::NAMES.join(", ")
                        ),
                    ));
                }
            };
            if rules.contains(&rule) {
                let r = s.rules.as_ref().expect("names from the file");
                return Err(Error::input(
                    at(path, text, r, "round.rules"),
                    format!("rule {name:?} is listed twice"),
                ));
            }
            rules.push(rule);
        }
        if rules.is_empty() {
            let r = s.rules.as_ref().expect("the default is not empty");
            return Err(Error::input(at(path, text, r, "round.rules"), "no rule"));
        }
        let project_cap = match &s.project_cap {
            None => None,
            Some(v) => Some(
                ShareOrAmount::parse(v.get_ref().as_str(), decimals)
                    .map_err(|e| Error::input(at(path, text, v, "round.project_cap"), e))?,
            ),
        };
        let optional = |v: &Option<Spanned<NumberText>>, key: &str| {
            v.as_ref().map(|v| amount(v, key)).transpose()
        };
        let base = path.parent().unwrap_or(Path::new(""));
        let id = path
            .file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
        let mut round = Round::new(id, pool, decimals);
        round.title = s.title;
        round.rules = rules;
        round.minimum = optional(&s.minimum, "round.minimum")?;
        round.contributor_cap = optional(&s.contributor_cap, "round.contributor_cap")?;
        round.project_cap = project_cap;
        round.scaling = s.scaling.unwrap_or_default();
        Ok(RoundFile {
            path: path.to_path_buf(),
            round,
            contributions: base.join(s.contributions),
            identities: s.identities.map(|i| base.join(i)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_round_file_validates_with_lines() {
        let path = Path::new("rounds/r.toml");
        let ok = "[round]\npool = \"5000\"\ndecimals = 0\ncontributions = \"c.csv\"\n";
        let f = RoundFile::from_toml(path, ok).unwrap();
        assert_eq!(f.round.pool, Amount::from_base_units(5000));
        assert_eq!(f.round.rules.len(), 3);
        assert_eq!(f.contributions, Path::new("rounds/c.csv"));
        let bad = format!("{ok}rules = [\"quadratic\", \"borda\"]\n");
        let e = RoundFile::from_toml(path, &bad).unwrap_err().to_string();
        assert!(
            e.contains("line 5") && e.contains("round.rules") && e.contains("borda"),
            "{e}"
        );
        let bad = format!("{ok}project_cap = \"-3\"\n");
        assert!(RoundFile::from_toml(path, &bad).is_err());
    }
}
