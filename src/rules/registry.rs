//! The passing-rule registry: every rule `pass = "..."` can name, with the
//! `[rules]` keys that are its own options.

use std::fmt;
use std::sync::Arc;

use super::window::WindowRule;
use super::{
    aave_v2, aave_v3, aragon, easy_track, majority, nouns, optimistic, plurality, rejection,
    supermajority, PassRule,
};
use crate::error::{Error, Result};
use serde::de::DeserializeOwned;

use crate::options::{BuildContext, OptionTable};

/// A passing rule as the registry knows it.
pub trait PassRulePlugin: Send + Sync {
    /// Its name in help texts (and in `pass =`, for most rules).
    fn name(&self) -> &'static str;

    /// One line for help texts.
    fn summary(&self) -> &'static str;

    /// The `[rules]` keys that are its options.
    fn options(&self) -> &'static [&'static str] {
        &[]
    }

    /// The rule for `pass = TEXT` with its options, or `None` when TEXT
    /// does not name this rule.
    fn parse(
        &self,
        text: &str,
        options: &OptionTable,
        ctx: &BuildContext<'_>,
    ) -> Option<Result<PassRule>>;
}

/// A rule on the voting window (when votes count), named by its one
/// `[rules]` key (`super_quorum = "10%"`, `late_quorum_extension = 7200`).
pub trait WindowRulePlugin: Send + Sync {
    /// Its `[rules]` key.
    fn key(&self) -> &'static str;

    /// One line for help texts.
    fn summary(&self) -> &'static str;

    /// The rule for the key's value.
    fn parse(&self, value: &toml::Value, ctx: &BuildContext<'_>) -> Result<Arc<dyn WindowRule>>;
}

/// The passing rules and window rules that can be named.
#[derive(Clone)]
pub struct RuleRegistry {
    pass: Vec<Arc<dyn PassRulePlugin>>,
    window: Vec<Arc<dyn WindowRulePlugin>>,
}

impl fmt::Debug for RuleRegistry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.pass.iter().map(|p| p.name()))
            .finish()
    }
}

impl Default for RuleRegistry {
    fn default() -> RuleRegistry {
        RuleRegistry::builtin()
    }
}

impl RuleRegistry {
    /// The rules that ship with govkit: one line per rule file.
    pub fn builtin() -> RuleRegistry {
        let mut r = RuleRegistry {
            pass: Vec::new(),
            window: vec![super::super_quorum::plugin(), super::late_quorum::plugin()],
        };
        for plugin in [
            majority::plugin(),
            plurality::plugin(),
            supermajority::plugin(),
            aragon::plugin(),
            aave_v2::plugin(),
            aave_v3::plugin(),
            nouns::plugin(),
            easy_track::plugin(),
            optimistic::plugin(),
            rejection::plugin(),
        ] {
            r.pass.push(plugin);
        }
        r
    }

    /// Adds a passing rule; its name must be new.
    pub fn register(&mut self, plugin: impl PassRulePlugin + 'static) -> Result<&mut RuleRegistry> {
        if self.pass.iter().any(|p| p.name() == plugin.name()) {
            return Err(Error::invalid(format!(
                "pass rule {:?} is already registered",
                plugin.name()
            )));
        }
        self.pass.push(Arc::new(plugin));
        Ok(self)
    }

    /// Adds a window rule; its key must be new.
    pub fn register_window(
        &mut self,
        plugin: impl WindowRulePlugin + 'static,
    ) -> Result<&mut RuleRegistry> {
        if self.window.iter().any(|p| p.key() == plugin.key()) {
            return Err(Error::invalid(format!(
                "window rule {:?} is already registered",
                plugin.key()
            )));
        }
        self.window.push(Arc::new(plugin));
        Ok(self)
    }

    /// The `[rules]` keys of the window rules.
    pub fn window_keys(&self) -> Vec<&'static str> {
        self.window.iter().map(|p| p.key()).collect()
    }

    /// The window rules that `options` set, in registry order.
    pub fn window_rules(
        &self,
        options: &OptionTable,
        ctx: &BuildContext<'_>,
    ) -> Result<Vec<Arc<dyn WindowRule>>> {
        self.window
            .iter()
            .filter_map(|p| options.get(p.key()).map(|v| p.parse(v, ctx)))
            .collect()
    }

    /// Every `[rules]` key some rule takes as an option.
    pub fn option_keys(&self) -> Vec<&'static str> {
        self.pass
            .iter()
            .flat_map(|p| p.options().iter().copied())
            .chain(self.window.iter().map(|p| p.key()))
            .collect()
    }

    /// One line per rule: `name: summary`.
    pub fn help(&self) -> String {
        self.pass
            .iter()
            .map(|p| format!("{}: {}", p.name(), p.summary()))
            .chain(
                self.window
                    .iter()
                    .map(|p| format!("{} = ...: {}", p.key(), p.summary())),
            )
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The rule `pass = text`, built from its options (the `[rules]` keys
    /// that are no core setting). An option of another rule is refused
    /// with the rule it belongs to.
    pub fn pass_rule(
        &self,
        text: &str,
        options: &OptionTable,
        ctx: &BuildContext<'_>,
    ) -> Result<PassRule> {
        for plugin in &self.pass {
            let Some(rule) = plugin.parse(text, options, ctx) else {
                continue;
            };
            if let Some(key) = options
                .keys()
                .find(|k| !plugin.options().contains(&k.as_str()))
            {
                let owner = self
                    .pass
                    .iter()
                    .find(|p| p.options().contains(&key.as_str()));
                return Err(ctx.error(
                    key,
                    match owner {
                        Some(o) => format!("{key} is an option of pass = {:?}", o.name()),
                        None => format!("unknown field `{key}`"),
                    },
                ));
            }
            return rule;
        }
        Err(ctx.error(
            "pass",
            format!(
                "expected {}, or a ratio such as \"2/3\"",
                self.pass
                    .iter()
                    .map(|p| p.name())
                    .filter(|n| *n != "ratio")
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ))
    }
}

/// A rule named by one word, with its `[rules]` options read into its own
/// struct `O` (`#[serde(deny_unknown_fields)]`; `()`-like empty structs for
/// rules without options): the plugin of every built-in rule but ratios.
pub(super) struct Named<O> {
    name: &'static str,
    summary: &'static str,
    keys: &'static [&'static str],
    build: fn(O, &BuildContext<'_>) -> Result<PassRule>,
}

/// A plugin for `pass = "NAME"` whose options `keys` are read into `O`.
pub(super) fn named<O: DeserializeOwned + 'static>(
    name: &'static str,
    summary: &'static str,
    keys: &'static [&'static str],
    build: fn(O, &BuildContext<'_>) -> Result<PassRule>,
) -> Arc<dyn PassRulePlugin> {
    Arc::new(Named {
        name,
        summary,
        keys,
        build,
    })
}

/// The options of a rule that takes none.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct NoOptions {}

impl<O: DeserializeOwned> PassRulePlugin for Named<O> {
    fn name(&self) -> &'static str {
        self.name
    }
    fn summary(&self) -> &'static str {
        self.summary
    }
    fn options(&self) -> &'static [&'static str] {
        self.keys
    }
    fn parse(
        &self,
        text: &str,
        options: &OptionTable,
        ctx: &BuildContext<'_>,
    ) -> Option<Result<PassRule>> {
        (text.trim() == self.name).then(|| (self.build)(ctx.options(options)?, ctx))
    }
}
