//! One token, one vote: a voter's power is its token weight in base units.

use std::sync::Arc;

use super::{BuildContext, Electorate, Mechanism, MechanismPlugin};
use crate::amount::Power;
use crate::error::Result;

/// The registry entry: `kind = "token-weighted"`, no options.
pub(super) fn plugin() -> Arc<dyn MechanismPlugin> {
    Arc::new(Plugin)
}

struct Plugin;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {}

impl MechanismPlugin for Plugin {
    fn name(&self) -> &'static str {
        "token-weighted"
    }
    fn summary(&self) -> &'static str {
        "one token, one vote (power = token weight)"
    }
    fn build(&self, options: &toml::Table, ctx: &BuildContext<'_>) -> Result<Arc<dyn Mechanism>> {
        let Options {} = ctx.options(options)?;
        Ok(Arc::new(TokenWeighted))
    }
}

/// Token-weighted voting (OpenZeppelin/Compound governors, Snapshot's
/// default strategies): power = token weight, unchanged.
#[derive(Clone, Copy, Debug, Default)]
pub struct TokenWeighted;

impl Mechanism for TokenWeighted {
    fn name(&self) -> String {
        "token-weighted".into()
    }

    fn assign_power(&self, electorate: &Electorate<'_>) -> Result<Vec<Power>> {
        let weights = electorate.weights;
        Ok(crate::parallel::map_all(
            weights.len(),
            crate::parallel::PARALLEL_ITEMS,
            |i| Power::from(weights[i]),
        ))
    }
}
