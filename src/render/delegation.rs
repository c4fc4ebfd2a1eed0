//! `govkit delegation`'s output: an [`Analysis`] as a table for people
//! or as JSON (the documented keys, in the struct's order).
//!
//! Powers are written as exact token decimals and shares rounded half up
//! to 6 decimals (the table shows them as percentages with 2 decimals,
//! from that rounding).

use std::fmt::Write as _;

use super::table::write_table;
use crate::delegation::Analysis;

impl Analysis {
    /// Pretty JSON (stable key order).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("an analysis always serialises")
    }

    /// A table for people. Lists the 20 largest delegates; the JSON lists
    /// all.
    pub fn to_table(&self) -> String {
        const SHOWN: usize = 20;
        let mut out = String::new();
        let c = &self.counts;
        let _ = writeln!(
            out,
            "delegation  {} ({}), holders {}",
            self.delegations_file, self.format, self.holders_file
        );
        let _ = writeln!(out, "policy      {}", self.policy);
        let _ = writeln!(
            out,
            "holders     {} listed, {} counted; total power {}",
            c.holders, c.counted_holders, self.total_power
        );
        let extra = nonzero(&[
            (c.self_delegations as u64, "to themselves"),
            (c.overridden as u64, "overridden by their own vote"),
            (c.unknown_delegators as u64, "not in the holder file"),
        ]);
        let extra = if extra.is_empty() {
            String::new()
        } else {
            format!(" ({})", extra.join(", "))
        };
        let unknown = if c.unknown_delegates > 0 {
            format!(" ({} not in the holder file)", c.unknown_delegates)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "delegators  {}{extra}; power moved for {}; {} final delegates{unknown}",
            c.delegators, c.moved, c.delegates
        );
        let r = &self.rows;
        let notes = nonzero(&[
            (r.other_scope, "rows of other scopes ignored"),
            (r.replaced, "events replaced by later ones"),
            (r.after_cutoff, "events after the cut-off"),
            (r.withdrawn, "delegations withdrawn"),
            (r.other_events, "rows of other events skipped"),
        ]);
        if !notes.is_empty() {
            let _ = writeln!(out, "rows        {} read; {}", r.read, notes.join(", "));
        }
        let _ = writeln!(
            out,
            "delegated   {} ({}) of all power sits with delegates rather than its owners",
            self.delegated_power,
            self.delegated_share.percent()
        );
        let chains: Vec<String> = self
            .chain_lengths
            .iter()
            .map(|ch| {
                format!(
                    "{} hop{}: {}",
                    ch.hops,
                    if ch.hops == 1 { "" } else { "s" },
                    ch.holders
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "chains      {}",
            if chains.is_empty() {
                "none".to_string()
            } else {
                chains.join(", ")
            }
        );
        if self.cycles.is_empty() {
            let _ = writeln!(out, "cycles      none");
        } else {
            let void = if c.voided > 0 {
                "delegations on them are void"
            } else {
                "one hop: each member passes its balance once"
            };
            let _ = writeln!(
                out,
                "cycles      {} ({} holders; {void})",
                self.cycles.len(),
                c.in_cycles
            );
            for cycle in self.cycles.iter().take(SHOWN) {
                let _ = writeln!(out, "  {} → {}", cycle.join(" → "), cycle[0]);
            }
            if self.cycles.len() > SHOWN {
                let _ = writeln!(out, "  … {} more", self.cycles.len() - SHOWN);
            }
        }

        let _ = writeln!(out);
        let title = format!("delegates ({})", self.delegates.len());
        let rows = self.delegates.iter().take(SHOWN).map(|d| {
            [
                d.address.clone(),
                d.power.to_string(),
                d.delegators.to_string(),
            ]
        });
        table(&mut out, [title, "power".into(), "delegators".into()], rows);
        more(&mut out, self.delegates.len(), SHOWN);

        let t = &self.top;
        let _ = writeln!(out);
        let title = format!("top {} after delegation", t.n);
        let rows = t
            .after
            .iter()
            .map(|r| [r.address.clone(), r.before.to_string(), r.after.to_string()]);
        table(&mut out, [title, "before".into(), "after".into()], rows);
        let _ = writeln!(
            out,
            "top {} share of all power: {} before delegation, {} after",
            t.n,
            t.share_before.percent(),
            t.share_after.percent()
        );

        if let Some(f) = &self.file_check {
            let _ = writeln!(out);
            let _ = writeln!(
                out,
                "file check  {} delegates with all delegators in the file: {} agree with its \
                 delegated power, {} differ",
                f.checked,
                f.agree,
                f.differ.len()
            );
            for d in &f.differ {
                let _ = writeln!(
                    out,
                    "  DIFFERS {} (line {}): file {}, govkit {}",
                    d.address, d.line, d.file, d.govkit
                );
            }
            for d in &f.inconsistent {
                let mut why = Vec::new();
                if !d.listed_not_delegating.is_empty() {
                    why.push(format!(
                        "lists {} whose own row delegates elsewhere",
                        d.listed_not_delegating.join(", ")
                    ));
                }
                if !d.delegating_not_listed.is_empty() {
                    why.push(format!(
                        "does not list {} whose own row delegates to it",
                        d.delegating_not_listed.join(", ")
                    ));
                }
                let _ = writeln!(
                    out,
                    "inconsistent {} (line {}): {}; file {}, govkit {} (not checked)",
                    d.address,
                    d.line,
                    why.join("; "),
                    d.file,
                    d.govkit
                );
            }
            if !f.incomplete.is_empty() {
                let _ = writeln!(
                    out,
                    "incomplete  {} delegates list delegators missing from the file (not checked):",
                    f.incomplete.len()
                );
                for d in f.incomplete.iter().take(SHOWN) {
                    let _ = writeln!(
                        out,
                        "  {} (line {}): {} of {} delegators missing; file {}, govkit {}",
                        d.address, d.line, d.missing, d.listed, d.file, d.govkit
                    );
                }
                more(&mut out, f.incomplete.len(), SHOWN);
            }
        }
        out
    }
}

/// A left-aligned first column and right-aligned others; `(none)` without
/// rows.
fn table(out: &mut String, head: [String; 3], rows: impl Iterator<Item = [String; 3]>) {
    let rows: Vec<Vec<String>> = std::iter::once(head)
        .chain(rows)
        .map(|r| r.to_vec())
        .collect();
    write_table(out, &rows, false);
    if rows.len() == 1 {
        let _ = writeln!(out, "  (none)");
    }
}

/// `N TEXT` for each count above zero.
fn nonzero(counts: &[(u64, &str)]) -> Vec<String> {
    counts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, text)| format!("{n} {text}"))
        .collect()
}

/// `  … N more (--format json lists all)` when `total` rows exceed `shown`.
fn more(out: &mut String, total: usize, shown: usize) {
    if total > shown {
        let _ = writeln!(out, "  … {} more (--format json lists all)", total - shown);
    }
}
