//! Supermajorities: For / (For + Against) >= ratio (`pass = "2/3"`), or
//! > ratio (`pass = ">2/3"`); rejected when For + Against is zero.

use num_traits::Zero;

use std::sync::Arc;

use super::PassRule;
use super::PassRulePlugin;
use super::{Judging, PassTest, Verdict};
use crate::error::Result;
use crate::options::{BuildContext, OptionTable};
use crate::share::Share;

/// A required share of For among For + Against.
#[derive(Debug)]
pub(super) struct Supermajority {
    pub(super) ratio: Share,
    pub(super) strict: bool,
}

impl PassTest for Supermajority {
    fn label(&self) -> String {
        format!("{}{}", if self.strict { ">" } else { "" }, self.ratio)
    }

    fn decide(&self, j: &Judging<'_>) -> Result<Verdict> {
        let roles = j.roles()?;
        let (yes, no) = (j.power(roles.for_choice), j.power(roles.against));
        let (f, a) = (j.name(roles.for_choice), j.name(roles.against));
        let cast = yes + no;
        if cast.is_zero() {
            return Ok(Verdict::rejected(format!("no {f} or {a} votes")));
        }
        let support = yes / &cast;
        let ok = if self.strict {
            &support > self.ratio.as_rational()
        } else {
            &support >= self.ratio.as_rational()
        };
        let text = format!(
            "{f} has {} of {f} + {a} ({} of {}); the rule needs {} {}",
            Share::from_rational(support),
            j.show_power(yes),
            j.show_power(&cast),
            if self.strict { "more than" } else { "at least" },
            self.ratio
        );
        Ok(Verdict::by(ok, text, roles.for_choice))
    }
}

/// Parses `2/3`, `>2/3`, `>=66.7%`: `None` if the text is no ratio.
pub(super) fn parse(text: &str) -> Option<Result<Supermajority, String>> {
    let text = text.trim();
    let (strict, ratio) = match text.strip_prefix(">=") {
        Some(r) => (false, r),
        None => match text.strip_prefix('>') {
            Some(r) => (true, r),
            None => (false, text),
        },
    };
    if !ratio.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return None;
    }
    Some(
        ratio
            .parse::<Share>()
            .map_err(|e| e.to_string())
            .and_then(|ratio| {
                // More than 100% of For + Against can never be reached.
                if strict
                    && ratio.as_rational() >= &num_rational::BigRational::from_integer(1.into())
                {
                    return Err(format!(
                        ">{ratio} can never pass: use at most \"1\" (unanimity)"
                    ));
                }
                Ok(Supermajority { ratio, strict })
            }),
    )
}

/// The registry entry: `pass = "2/3"`, `">2/3"`, `"66.7%"`.
pub(super) fn plugin() -> Arc<dyn PassRulePlugin> {
    Arc::new(Ratio)
}

struct Ratio;

impl PassRulePlugin for Ratio {
    fn name(&self) -> &'static str {
        "ratio"
    }
    fn summary(&self) -> &'static str {
        "For / (For + Against) at least (\"2/3\", \"66.7%\") or more than (\">2/3\") a ratio"
    }
    fn parse(
        &self,
        text: &str,
        _: &OptionTable,
        ctx: &BuildContext<'_>,
    ) -> Option<Result<PassRule>> {
        parse(text).map(|r| {
            r.map(PassRule::new).map_err(|e| {
                ctx.error(
                    "pass",
                    format!("expected majority, plurality, aragon or a ratio such as \"2/3\": {e}"),
                )
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_that_can_never_pass_are_refused() {
        assert!(parse(">1").unwrap().is_err());
        assert!(parse(">100%").unwrap().is_err());
        // Unanimity is a valid rule.
        assert!(parse("1").unwrap().is_ok());
        assert!(parse(">2/3").unwrap().is_ok());
        assert!(parse("majority").is_none());
    }
}
