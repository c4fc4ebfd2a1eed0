//! The mechanism registry: every mechanism a proposal file, `compare
//! --mechanisms` or an embedding program can name.
//!
//! A mechanism is one file that implements [`MechanismPlugin`]: its name,
//! its options (a serde struct with `deny_unknown_fields`, read from the
//! proposal's `[mechanism]` table), their validation, its construction, the
//! per-vote attributes it reads, and its labels for `compare`. The
//! registry lists the plugins; the proposal loader, `compare`, the help
//! texts and the "known: ..." errors all read it. Adding a mechanism is one
//! new file and one line in [`MechanismRegistry::builtin`] (see ARCHITECTURE.md,
//! "Adding a mechanism"); an embedder registers its own with
//! [`MechanismRegistry::register`] (or [`crate::Registry::register`]).

use std::fmt;
use std::sync::Arc;

use super::{Cap, Mechanism};
pub use crate::options::{BuildContext, OptionTable};

use crate::error::{Error, Result};

/// A mechanism as the registry knows it: how to build it from options.
pub trait MechanismPlugin: Send + Sync {
    /// The name in proposal files (`kind = "..."`) and reports.
    fn name(&self) -> &'static str;

    /// One line for help texts and the registry listing.
    fn summary(&self) -> &'static str;

    /// Per-vote attributes the mechanism reads (a `conviction`, a
    /// `lock_end`): every vote source reads a column or field of each
    /// name into [`crate::vote::Attributes`].
    fn attributes(&self) -> &'static [&'static str] {
        &[]
    }

    /// The labels `compare --mechanisms` accepts for this mechanism, each
    /// with the options it stands for as TOML (`""`: the defaults). By
    /// default the mechanism's name with default options.
    fn variants(&self) -> Vec<(&'static str, &'static str)> {
        vec![(self.name(), "")]
    }

    /// Builds the mechanism from its options: the `[mechanism]` keys
    /// other than `kind` and `cap` (use [`BuildContext::options`] to read
    /// them into the plugin's own options struct). Files the options name
    /// are read here, through [`crate::io`], once per proposal.
    fn build(&self, options: &OptionTable, ctx: &BuildContext<'_>) -> Result<Arc<dyn Mechanism>>;
}

/// A built mechanism with the settings that made it: what a proposal's
/// `[mechanism]` or a `compare` label resolves to.
#[derive(Clone)]
pub struct MechanismSpec {
    /// The plugin's name.
    pub kind: &'static str,
    /// The options it was built from.
    pub options: OptionTable,
    /// The per-vote attributes it reads.
    pub attributes: &'static [&'static str],
    /// The mechanism.
    pub mechanism: Arc<dyn Mechanism>,
    /// A whale cap on the powers it assigns (a stage after the mechanism).
    pub cap: Option<Cap>,
}

impl MechanismSpec {
    /// Decimals of the mechanism's power unit for a token's decimals.
    pub fn power_decimals(&self, token_decimals: u8) -> u8 {
        self.mechanism.power_decimals(token_decimals)
    }
}

impl fmt::Debug for MechanismSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MechanismSpec")
            .field("kind", &self.kind)
            .field("options", &self.options)
            .field("cap", &self.cap)
            .finish()
    }
}

impl PartialEq for MechanismSpec {
    fn eq(&self, other: &Self) -> bool {
        (self.kind, &self.options, &self.cap) == (other.kind, &other.options, &other.cap)
    }
}

/// The mechanisms that can be named.
#[derive(Clone)]
pub struct MechanismRegistry {
    plugins: Vec<Arc<dyn MechanismPlugin>>,
}

impl fmt::Debug for MechanismRegistry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.names()).finish()
    }
}

impl Default for MechanismRegistry {
    fn default() -> MechanismRegistry {
        MechanismRegistry::builtin()
    }
}

impl MechanismRegistry {
    /// The mechanisms that ship with govkit.
    pub fn builtin() -> MechanismRegistry {
        let mut r = MechanismRegistry::empty();
        for plugin in super::BUILTIN {
            r.plugins.push(plugin());
        }
        r
    }

    /// No mechanisms at all.
    pub fn empty() -> MechanismRegistry {
        MechanismRegistry {
            plugins: Vec::new(),
        }
    }

    /// Adds a mechanism; its name and compare labels must be new.
    pub fn register(
        &mut self,
        plugin: impl MechanismPlugin + 'static,
    ) -> Result<&mut MechanismRegistry> {
        let taken = |label: &str| self.variant(label).is_some() || self.get(label).is_some();
        if let Some(clash) = std::iter::once(plugin.name())
            .chain(plugin.variants().into_iter().map(|(l, _)| l))
            .find(|l| taken(l))
        {
            return Err(Error::invalid(format!(
                "mechanism name {clash:?} is already registered"
            )));
        }
        self.plugins.push(Arc::new(plugin));
        Ok(self)
    }

    /// The plugin of that name.
    pub fn get(&self, name: &str) -> Option<&dyn MechanismPlugin> {
        self.plugins
            .iter()
            .find(|p| p.name() == name)
            .map(|p| p.as_ref())
    }

    /// The plugin and options behind a compare label.
    fn variant(&self, label: &str) -> Option<(&dyn MechanismPlugin, &'static str)> {
        self.plugins.iter().find_map(|p| {
            p.variants()
                .into_iter()
                .find(|(l, _)| *l == label)
                .map(|(_, options)| (p.as_ref(), options))
        })
    }

    /// The names, in registration order.
    pub fn names(&self) -> Vec<&'static str> {
        self.plugins.iter().map(|p| p.name()).collect()
    }

    /// Every compare label, in registration order.
    pub fn labels(&self) -> Vec<&'static str> {
        self.plugins
            .iter()
            .flat_map(|p| p.variants().into_iter().map(|(l, _)| l))
            .collect()
    }

    /// Every per-vote attribute some mechanism reads.
    pub fn attributes(&self) -> Vec<&'static str> {
        let mut all: Vec<&'static str> = self
            .plugins
            .iter()
            .flat_map(|p| p.attributes().iter().copied())
            .collect();
        all.sort_unstable();
        all.dedup();
        all
    }

    /// "unknown mechanism ... (known: ...)".
    pub fn unknown(&self, name: &str) -> String {
        format!(
            "unknown mechanism {name:?} (known: {})",
            self.names().join(", ")
        )
    }

    /// Builds the mechanism `kind` from its options.
    pub fn build(
        &self,
        kind: &str,
        options: &OptionTable,
        ctx: &BuildContext<'_>,
    ) -> Result<MechanismSpec> {
        let plugin = self
            .get(kind)
            .ok_or_else(|| ctx.error("kind", self.unknown(kind)))?;
        Ok(MechanismSpec {
            kind: plugin.name(),
            options: options.clone(),
            attributes: plugin.attributes(),
            mechanism: plugin.build(options, ctx)?,
            cap: None,
        })
    }

    /// Builds the mechanism behind a compare label (`quadratic-tokens`),
    /// with default options for the token's decimals.
    pub fn build_label(&self, label: &str, decimals: u8) -> Result<MechanismSpec> {
        let (plugin, options) = self.variant(label).ok_or_else(|| {
            Error::invalid(format!(
                "unknown mechanism {label:?} (known: {}, capped:X, M-capped:X for a \
                 mechanism M with a cap)",
                self.labels().join(", ")
            ))
        })?;
        let options: toml::Table = options.parse().map_err(|e| {
            Error::invalid(format!("mechanism {label:?}: bad built-in options: {e}"))
        })?;
        let ctx = BuildContext::for_label(decimals, label);
        Ok(MechanismSpec {
            kind: plugin.name(),
            attributes: plugin.attributes(),
            mechanism: plugin.build(&options, &ctx)?,
            options,
            cap: None,
        })
    }

    /// The help of `compare --mechanisms`: every label, the cap syntax,
    /// then one line per mechanism.
    pub fn compare_help(&self) -> String {
        format!(
            "Comma-separated mechanisms: {}; capped:X (token-weighted) and LABEL-capped:X add a \
             whale cap (X a share such as 5% or a power); with [delegation] also \
             delegated:POLICY and no-delegation. The proposal's own mechanism is always the \
             first row.\n\n{}",
            self.labels().join(", "),
            self.help()
        )
    }

    /// One line per mechanism for help texts: `name: summary`.
    pub fn help(&self) -> String {
        self.plugins
            .iter()
            .map(|p| format!("{}: {}", p.name(), p.summary()))
            .collect::<Vec<_>>()
            .join("\n")
    }
}
