//! `govkit compare`'s output over several proposal files or whole logs.
//! One comparison renders itself (`Comparison::to_table`, `to_json`); this
//! module joins several, and renders `--all` batches with their summaries.

use serde_json::{json, Value};

use crate::batch::Batch;
use crate::compare::{lorenz_points, Comparison, Summary};
use crate::control::Distribution;
use crate::error::Result;
use crate::io::Holders;

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
        .map(|b| format!("{}: {}", b.source, b.summary.to_table()))
        .collect::<Vec<_>>()
        .join("\n")
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
