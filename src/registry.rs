//! Everything a proposal file or a `compare` list can name: mechanisms and
//! passing rules. govkit's own are in [`Registry::builtin`]; an embedding
//! program adds its own with [`Registry::register`] and
//! [`Registry::register_rule`], then loads proposals with
//! [`crate::Proposal::load_with`] and compares with
//! [`crate::compare::Variant::for_proposal`].

use crate::error::Result;
use crate::mechanism::{MechanismPlugin, MechanismRegistry};
use crate::rules::{PassRulePlugin, RuleRegistry};

/// The nameable components.
#[derive(Clone, Debug, Default)]
pub struct Registry {
    /// Mechanisms (`[mechanism] kind`, `compare --mechanisms`).
    pub mechanisms: MechanismRegistry,
    /// Passing rules (`[rules] pass`).
    pub rules: RuleRegistry,
}

impl Registry {
    /// govkit's own mechanisms and rules.
    pub fn builtin() -> Registry {
        Registry {
            mechanisms: MechanismRegistry::builtin(),
            rules: RuleRegistry::builtin(),
        }
    }

    /// Adds a mechanism; its name and compare labels must be new.
    pub fn register(&mut self, plugin: impl MechanismPlugin + 'static) -> Result<&mut Registry> {
        self.mechanisms.register(plugin)?;
        Ok(self)
    }

    /// Adds a passing rule; its name must be new.
    pub fn register_rule(
        &mut self,
        plugin: impl PassRulePlugin + 'static,
    ) -> Result<&mut Registry> {
        self.rules.register(plugin)?;
        Ok(self)
    }
}
