//! `govkit evaluate`'s table: a [`Report`] for people. (Its JSON is the
//! report's `Serialize`, `Report::to_json`.)

use std::fmt::Write as _;

use super::table::{proposal_heading, write_row};
use crate::io::OfficialStatus;
use crate::report::Report;
use crate::rules::Outcome;

impl Report {
    /// A table for people.
    pub fn to_table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{}", proposal_heading(&self.id, self.title.as_deref()));
        let _ = writeln!(out, "mechanism {}, ballot {}", self.mechanism, self.ballot);
        let _ = writeln!(out);
        // The name column is measured in bytes, as it always was.
        let name_w = self
            .choices
            .iter()
            .map(|c| c.name.len())
            .max()
            .unwrap_or(6)
            .max(6);
        // Fractions are shown rounded (`~`); the JSON keeps them exact.
        let shown: Vec<String> = self
            .choices
            .iter()
            .map(|c| match c.power.approx() {
                Some(a) => format!("~{a}"),
                None => c.power.to_string(),
            })
            .collect();
        let power_w = shown.iter().map(String::len).max().unwrap_or(5).max(5);
        let widths = [name_w, power_w, 8];
        write_row(&mut out, &["choice", "power", "share"], &widths);
        for (c, power) in self.choices.iter().zip(&shown) {
            write_row(&mut out, &[&c.name, power, &c.share.percent()], &widths);
        }
        let _ = writeln!(out);
        if !self.quorum.set {
            let _ = writeln!(out, "quorum    none");
        } else {
            let _ = writeln!(
                out,
                "quorum    {}{} required, {} counted ({}): {}",
                if self.quorum.strict { "more than " } else { "" },
                self.quorum.required,
                self.quorum.counted,
                self.quorum.counts.join(" + "),
                if self.quorum.reached {
                    "reached"
                } else {
                    "not reached"
                }
            );
        }
        let v = &self.votes;
        let mut invalid = String::new();
        if !v.invalid_reasons.is_empty() {
            let parts: Vec<_> = v
                .invalid_reasons
                .iter()
                .map(|(k, n)| format!("{k}: {n}"))
                .collect();
            invalid = format!(" ({})", parts.join(", "));
        }
        let mut merged = if v.merged > 0 {
            format!(", {} merged into an earlier cast", v.merged)
        } else {
            String::new()
        };
        if v.too_late > 0 {
            let _ = write!(merged, ", {} too late", v.too_late);
        }
        let _ = writeln!(
            out,
            "votes     {} read, {} counted, {} invalid{invalid}, {} replaced{merged}",
            v.read, v.counted, v.invalid, v.replaced
        );
        let _ = writeln!(
            out,
            "outcome   {}: {}",
            self.outcome.as_str().to_uppercase(),
            self.reason
        );
        if let Some(w) = &self.window {
            let _ = writeln!(out, "window    {}", window_line(w));
        }
        if let Some(early) = self.early_execution {
            let _ = writeln!(out, "early execution  {}", if early { "yes" } else { "no" });
        }
        for line in &self.mechanism_details {
            let _ = writeln!(out, "power     {line}");
        }
        for note in &self.notes {
            let _ = writeln!(out, "note      {note}");
        }
        if let Some(official) = self.official_outcome {
            let agrees = match (official, self.outcome) {
                (OfficialStatus::Passed, Outcome::Passed)
                | (OfficialStatus::Defeated, Outcome::Rejected) => " (agrees)",
                (OfficialStatus::Canceled, _) => "",
                _ => " (DIFFERS)",
            };
            let _ = writeln!(
                out,
                "official  {}{agrees}",
                serde_json::to_value(official)
                    .expect("enum")
                    .as_str()
                    .unwrap_or("")
            );
        }
        out
    }
}

/// The voting window in one line: deadline, its move, an early close.
fn window_line(w: &crate::rules::WindowReport) -> String {
    let shown = |at: Option<u64>| at.map_or_else(|| "none".to_string(), |a| a.to_string());
    let mut line = format!("deadline {}", shown(w.end));
    if let Some(q) = w.quorum_reached_at {
        let _ = write!(line, "; quorum reached at {q}");
    }
    if w.effective_end != w.end {
        let _ = write!(line, "; extended to {}", shown(w.effective_end));
    }
    if let Some(at) = w.closed_at {
        let _ = write!(line, "; closed early at {at} (super-quorum)");
    }
    let _ = write!(line, "; {} valid votes too late", w.too_late);
    line
}
