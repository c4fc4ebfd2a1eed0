//! `govkit compare`'s output: one comparison as a table
//! ([`Comparison::to_table`]; its JSON is `Comparison::to_json`), several
//! proposal files joined, and `--all` batches with their summaries
//! ([`Summary::to_table`]).

use std::fmt::Write as _;

use serde_json::{json, Value};

use super::table::{proposal_heading, write_row, write_table};
use crate::batch::Batch;
use crate::compare::{describe, lorenz_points, official_str, Comparison, Summary};
use crate::control::Distribution;
use crate::error::Result;
use crate::io::Holders;
use crate::score_check::ScoreCheck;

impl Comparison {
    /// A table for people.
    pub fn to_table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} ({} ballot)",
            proposal_heading(&self.id, self.title.as_deref()),
            self.ballot
        );
        let choice_names: Vec<&str> = self
            .rows
            .first()
            .map(|r| r.choices.iter().map(|c| c.name.as_str()).collect())
            .unwrap_or_default();
        let mut header = vec!["mechanism".to_string()];
        header.extend(choice_names.iter().map(|n| n.to_string()));
        header.extend(
            [
                "quorum", "outcome", "margin", "deciders", "nakamoto", "gini",
            ]
            .iter()
            .map(|s| s.to_string()),
        );
        let mut table = vec![header];
        for r in &self.rows {
            let mut line = vec![r.label.clone()];
            line.extend(r.choices.iter().map(|c| c.share.percent()));
            line.push(
                if r.quorum_reached {
                    "reached"
                } else {
                    "missed"
                }
                .into(),
            );
            line.push(format!(
                "{}{}",
                describe(r.outcome, r.winner.as_deref()),
                if r.differs_from_first { " *" } else { "" }
            ));
            line.push(
                r.margin
                    .as_ref()
                    .map_or_else(|| "-".into(), ToString::to_string),
            );
            line.push(r.deciders.map_or("-".into(), |d| d.to_string()));
            line.push(r.nakamoto.map_or("-".into(), |d| d.to_string()));
            line.push(
                r.gini
                    .as_ref()
                    .map_or_else(|| "-".into(), ToString::to_string),
            );
            table.push(line);
        }
        write_table(&mut out, &table, true);
        if let Some(official) = self.official_outcome {
            let _ = writeln!(out, "official outcome: {}", official_str(official));
        }
        if self.flips.is_empty() {
            let _ = writeln!(out, "no mechanism changes the outcome");
        } else {
            for f in &self.flips {
                let _ = writeln!(out, "FLIP: {f}");
            }
        }
        let _ = writeln!(
            out,
            "margin: For - Against in each mechanism's power units; deciders: fewest voters whose \
             switch flips the outcome; nakamoto: fewest voters holding > 1/2 of the power counted"
        );
        if !self.scenarios.is_empty() {
            let _ = writeln!(out, "\nscenarios (* = outcome changes):");
            for s in &self.scenarios {
                let cells: Vec<String> = s
                    .mechanisms
                    .iter()
                    .map(|m| {
                        format!(
                            "{} {}{}",
                            m.label,
                            describe(m.outcome, m.winner.as_deref()),
                            if m.changed { " *" } else { "" }
                        )
                    })
                    .collect();
                let _ = writeln!(out, "  {:<28} {}", s.scenario, cells.join(" | "));
            }
        }
        out
    }
}

impl Summary {
    /// A table for people.
    pub fn to_table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} proposals compared, {} skipped",
            self.proposals, self.skipped
        );
        // The label column is measured in bytes, as it always was.
        let w = self
            .mechanisms
            .iter()
            .map(|m| m.label.len())
            .max()
            .unwrap_or(9)
            .max(9);
        let widths = [w, 7, 22, 18];
        write_row(
            &mut out,
            &[
                "mechanism",
                "passed",
                "differs from official",
                "differs from first",
            ],
            &widths,
        );
        for m in &self.mechanisms {
            write_row(
                &mut out,
                &[
                    m.label.clone(),
                    m.passed.to_string(),
                    format!("{} of {}", m.differs_from_official, m.with_official),
                    m.differs_from_first.to_string(),
                ],
                &widths,
            );
        }
        for m in self.mechanisms.iter().filter(|m| !m.changed.is_empty()) {
            let _ = writeln!(
                out,
                "  {} decides {} differently from {}: {}",
                m.label,
                m.changed.len(),
                self.mechanisms[0].label,
                listed(&m.changed)
            );
        }
        for s in &self.scenarios {
            let _ = writeln!(
                out,
                "  {} changes {} under {}: {}",
                s.scenario,
                s.changed.len(),
                s.label,
                listed(&s.changed)
            );
        }
        out
    }
}

/// The comparisons of several proposal files as tables, one after another.
pub fn comparisons_table(list: &[Comparison]) -> String {
    list.iter()
        .map(Comparison::to_table)
        .collect::<Vec<_>>()
        .join("\n")
}

/// One comparison as its JSON object, several as an array; with a newline.
pub fn comparisons_json(list: &[Comparison]) -> String {
    match list {
        [one] => one.to_json() + "\n",
        _ => serde_json::to_string_pretty(list).expect("serialisable") + "\n",
    }
}

/// A named Lorenz curve for the charts: (population share, power share)
/// points.
pub type ChartCurve = (String, Vec<(f64, f64)>);

/// The chart curve of the holders' own balances (`holders (tokens)`), to
/// draw beside the mechanisms' curves; none without a snapshot.
pub fn holders_curve(holders: Option<&Holders>) -> Result<Vec<ChartCurve>> {
    Ok(match holders {
        Some(h) => {
            let d = Distribution::new(h.iter().map(|(_, a)| a.base_units()).collect())?;
            vec![("holders (tokens)".to_string(), lorenz_points(&d))]
        }
        None => Vec::new(),
    })
}

/// Every proposal of one source (a governor log or vote export) compared,
/// with the summary of how often each mechanism changes the result.
#[derive(Clone, Debug)]
pub struct NamedBatch {
    /// The template file's stem.
    pub source: String,
    /// The summary over the batch.
    pub summary: Summary,
    /// The comparisons and the skipped proposals.
    pub batch: Batch,
}

impl NamedBatch {
    /// Summarises `batch`.
    pub fn new(source: String, batch: Batch) -> NamedBatch {
        NamedBatch {
            summary: Summary::of(&batch.comparisons, batch.skipped.len()),
            source,
            batch,
        }
    }
}

/// `NAME: summary` per source.
pub fn batches_table(list: &[NamedBatch]) -> String {
    list.iter()
        .map(|b| {
            format!(
                "{}: {}{}",
                b.source,
                b.summary.to_table(),
                published_checks(&b.batch)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The lines on the source's published scores and unknown statuses (empty
/// when there are none).
fn published_checks(batch: &Batch) -> String {
    let mut out = String::new();
    let checks = &batch.score_checks;
    if !checks.is_empty() {
        let differ: Vec<&ScoreCheck> = checks.iter().filter(|c| !c.agrees).collect();
        let missing = differ
            .iter()
            .filter(|c| {
                c.votes
                    .as_ref()
                    .is_some_and(|(n, read)| n.parse() != Ok(*read))
            })
            .count();
        let why = if missing > 0 {
            format!(
                " ({missing} of them with a different number of votes in the vote file than \
                 the source counted)"
            )
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "published scores: {} of {} proposals agree with govkit's re-tally (within 1e-9 \
             relative), {} differ{why}",
            checks.len() - differ.len(),
            checks.len(),
            differ.len()
        );
        const SHOWN: usize = 3;
        for c in differ.iter().take(SHOWN) {
            let worst = c.lines.iter().filter(|l| !l.agrees).map(|l| {
                format!(
                    "{} published {} vs govkit {} (by {}, {} relative)",
                    l.choice, l.published, l.govkit, l.difference, l.relative
                )
            });
            let mut why: Vec<String> = worst.collect();
            why.extend(c.note.clone());
            let _ = writeln!(out, "  {}: {}", c.id, why.join("; "));
        }
        if differ.len() > SHOWN {
            let _ = writeln!(
                out,
                "  and {} more (--format json lists all)",
                differ.len() - SHOWN
            );
        }
    }
    if !batch.unknown_statuses.is_empty() {
        let mut by_status: std::collections::BTreeMap<&str, usize> = Default::default();
        for (_, s) in &batch.unknown_statuses {
            *by_status.entry(s.as_str()).or_default() += 1;
        }
        let list: Vec<String> = by_status
            .iter()
            .map(|(s, n)| format!("{s:?} {n}"))
            .collect();
        let _ = writeln!(
            out,
            "statuses neither passed nor defeated (official outcome unknown): {}",
            list.join(", ")
        );
    }
    out
}

/// The first proposals of a list with their titles, and how many more.
fn listed(list: &[crate::compare::ProposalRef]) -> String {
    const SHOWN: usize = 5;
    let mut parts: Vec<String> = list
        .iter()
        .take(SHOWN)
        .map(|p| match &p.title {
            Some(t) => format!("{} ({})", p.id, t),
            None => p.id.clone(),
        })
        .collect();
    if list.len() > SHOWN {
        parts.push(format!(
            "and {} more (--format json lists all)",
            list.len() - SHOWN
        ));
    }
    parts.join("; ")
}

/// One object per source (`source`, `summary`, `proposals`, `skipped`); a
/// single source is the object itself. With a newline.
pub fn batches_json(list: &[NamedBatch]) -> String {
    let mut values: Vec<Value> = list
        .iter()
        .map(|b| {
            json!({
                "source": b.source,
                "summary": b.summary,
                "proposals": b.batch.comparisons,
                "skipped": b.batch.skipped,
                "score_checks": b.batch.score_checks,
                "unknown_statuses": b.batch.unknown_statuses.iter()
                    .map(|(id, status)| json!({"id": id, "status": status}))
                    .collect::<Vec<_>>(),
            })
        })
        .collect();
    let value = if values.len() == 1 {
        values.remove(0)
    } else {
        Value::Array(values)
    };
    serde_json::to_string_pretty(&value).expect("serialisable") + "\n"
}
