//! The quorum component: how much turnout (tokens) of which choices must
//! be cast, and how a fraction of the supply is rounded.
//!
//! | system | counts | test |
//! |---|---|---|
//! | OpenZeppelin `GovernorCountingSimple` | For + Abstain | `quorum <= counted`, quorum = floor(supply × fraction) |
//! | Compound Bravo / Alpha, Uniswap Alpha | For | `For >= quorum` |
//! | Snapshot `default` | all choices | `counted >= quorum` |
//! | Snapshot `rejection` | Against | `Against > quorum` rejects |
//! | Aragon OSx | all | `counted >= ceil(mp × supply)` |

use num_bigint::BigInt;
use num_rational::BigRational;

use super::QuorumStatus;
use crate::amount::Amount;
use crate::error::Result;
use crate::score::Score;
use crate::share::Share;

/// How large the quorum is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QuorumThreshold {
    /// A fixed amount of tokens, in base units.
    Absolute(Amount),
    /// A fraction of the total supply (OpenZeppelin
    /// `GovernorVotesQuorumFraction`, Aragon minimum participation).
    OfSupply(Share),
}

/// How a fractional quorum (`supply × fraction`) is rounded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum QuorumRounding {
    /// Compare against the exact rational. For integer counts this is the
    /// same as rounding up.
    #[default]
    Exact,
    /// Round down, as Solidity's `supply * numerator / denominator` does
    /// (OpenZeppelin).
    Floor,
    /// Round up, as Aragon's `_applyRatioCeiled` does.
    Ceil,
}

/// A quorum: how much of which choices must be cast.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quorum {
    /// The threshold.
    pub threshold: QuorumThreshold,
    /// 0-based indices of the choices whose scores count toward it.
    pub counts: Vec<usize>,
    /// Rounding of a fractional threshold.
    pub rounding: QuorumRounding,
}

impl Quorum {
    /// The quorum's state for this turnout (tokens per choice). `strict`:
    /// reached only when the count *exceeds* the threshold (Snapshot's
    /// rejection quorum); otherwise when it meets it.
    pub fn status(
        &self,
        turnout: &[Score],
        supply: Option<Amount>,
        strict: bool,
    ) -> Result<QuorumStatus> {
        let required = match &self.threshold {
            QuorumThreshold::Absolute(a) => BigRational::from_integer(BigInt::from(a.base_units())),
            QuorumThreshold::OfSupply(share) => {
                let supply = supply.ok_or_else(super::missing_supply)?;
                let exact = share.of(supply.base_units());
                match self.rounding {
                    QuorumRounding::Exact => exact,
                    QuorumRounding::Floor => exact.floor(),
                    QuorumRounding::Ceil => exact.ceil(),
                }
            }
        };
        let counted = Score::sum(self.counts.iter().map(|&i| &turnout[i]));
        let reached = if strict {
            counted.as_rational() > &required
        } else {
            counted.as_rational() >= &required
        };
        Ok(QuorumStatus {
            required,
            counted,
            reached,
            strict,
            counts: self.counts.clone(),
        })
    }

    /// Checks the counted choices exist.
    pub(super) fn validate(&self, choices: usize) -> std::result::Result<(), String> {
        if self.counts.iter().any(|&i| i >= choices) {
            return Err("quorum_counts names a choice that does not exist".into());
        }
        Ok(())
    }
}
