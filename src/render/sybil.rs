//! `govkit sybil`'s table: a [`SybilReport`] for people. (Its JSON is the
//! report's `Serialize`.)

use std::fmt::Write as _;

use crate::sybil::SybilReport;

impl SybilReport {
    /// A table for people.
    pub fn to_table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "proposal {} under {}: {} without splits",
            self.id,
            self.mechanism,
            self.outcome.as_str()
        );
        for v in &self.voters {
            let _ = writeln!(
                out,
                "\nvoter {} ({} tokens), split into {} wallets:",
                v.voter, v.weight, v.split
            );
            for g in &v.gains {
                let _ = writeln!(
                    out,
                    "  {:<28} power {} -> {}  gain x{}",
                    g.mechanism,
                    g.before,
                    g.after,
                    g.gain_approx()
                );
            }
            let _ = match v.flips_at {
                Some(k) => writeln!(
                    out,
                    "  alone, this voter changes the outcome by splitting into {k} wallets"
                ),
                None => writeln!(
                    out,
                    "  splitting into up to {} wallets does not change the outcome",
                    self.max_split
                ),
            };
        }
        out
    }
}
