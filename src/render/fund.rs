//! `govkit fund`'s output: a [`RoundReport`] as a table, one JSON object or
//! CSV (one row per rule and project).
//!
//! The table rounds matching half up to 3 decimals of a token for reading;
//! JSON and CSV carry the exact values (decimals, or `a/b` fractions of
//! the floored roots) next to an 18-digit rounding, and the payouts in
//! whole base units.

use num_bigint::BigInt;
use num_rational::BigRational;
use serde_json::{json, Value};

use super::csv_field;
use super::table::write_table;
use crate::funding::{ProjectMatch, RoundReport};
use crate::quantity::Quantity;

/// Output formats of `govkit fund`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum FundFormat {
    /// A table for people.
    Table,
    /// One JSON object.
    Json,
    /// CSV: one row per rule and project.
    Csv,
}

/// The report in `format`, ending with a newline.
pub fn render(report: &RoundReport, format: FundFormat) -> String {
    match format {
        FundFormat::Table => to_table(report),
        FundFormat::Json => to_json(report).to_string() + "\n",
        FundFormat::Csv => to_csv(report),
    }
}

/// A quantity in whole tokens rounded half up to `digits`, trailing zeros
/// kept off only for integers.
pub(crate) fn rounded(q: &Quantity, digits: usize) -> String {
    let scale = BigRational::from_integer(BigInt::from(10u8).pow(u32::from(q.decimals())));
    crate::decimal::round_half_up(&(q.as_rational() / scale), digits)
}

fn signed_difference(a: &Quantity, b: &Quantity) -> String {
    let diff = Quantity::from_rational(a.as_rational() - b.as_rational(), a.decimals());
    let text = rounded(&diff, 3);
    if text.starts_with('-') || text.trim_start_matches(['0', '.']).is_empty() {
        text
    } else {
        format!("+{text}")
    }
}

fn to_table(r: &RoundReport) -> String {
    let title = r
        .title
        .as_ref()
        .map(|t| format!(" — {t}"))
        .unwrap_or_default();
    let mut out = format!(
        "round {}{title}: pool {}\n{} contributions from {} contributors ({} wallets) to {} projects; \
         matching meets the pool {}\n\n",
        r.id,
        r.pool,
        r.rows,
        r.contributors,
        r.wallets,
        r.projects.len(),
        match r.scaling {
            crate::funding::PoolScaling::OverPool => "when it exceeds it",
            crate::funding::PoolScaling::Always => "always (the whole pool)",
        }
    );
    let mut head = vec![
        "project".to_string(),
        "contributed".into(),
        "contributors".into(),
    ];
    head.extend(r.rules.iter().map(|m| m.rule.clone()));
    let mut rows = vec![head];
    for (p, f) in r.projects.iter().enumerate() {
        let mut row = vec![
            f.project.clone(),
            f.contributions.to_string(),
            f.contributors.to_string(),
        ];
        row.extend(r.rules.iter().map(|m| {
            let pm = &m.projects[p];
            format!(
                "{}{}",
                rounded(&pm.matching, 3),
                if pm.capped { " (cap)" } else { "" }
            )
        }));
        rows.push(row);
    }
    write_table(&mut out, &rows, true);
    out.push('\n');
    let mut rows = vec![vec![
        "rule".to_string(),
        "matching".into(),
        "scale".into(),
        "paid".into(),
        "unallocated".into(),
    ]];
    for m in &r.rules {
        rows.push(vec![
            m.rule.clone(),
            rounded(&m.raw_total, 3),
            m.scale.to_string(),
            m.paid.to_string(),
            m.unallocated.to_string(),
        ]);
    }
    write_table(&mut out, &rows, true);
    if let Some((first, others)) = r.rules.split_first() {
        if !others.is_empty() {
            out.push_str(&format!("\nagainst {}:\n", first.rule));
            let mut head = vec!["project".to_string()];
            head.extend(others.iter().map(|m| m.rule.clone()));
            let mut rows = vec![head];
            for (p, f) in r.projects.iter().enumerate() {
                let mut row = vec![f.project.clone()];
                row.extend(others.iter().map(|m| {
                    signed_difference(&m.projects[p].matching, &first.projects[p].matching)
                }));
                rows.push(row);
            }
            write_table(&mut out, &rows, true);
        }
    }
    out
}

fn project_json(p: &ProjectMatch) -> Value {
    json!({
        "project": p.project,
        "raw": p.raw,
        "matching": p.matching,
        "matching_approx": rounded(&p.matching, 18),
        "payout": p.payout,
        "share": p.share,
        "capped": p.capped,
    })
}

fn to_json(r: &RoundReport) -> Value {
    json!({
        "round": r.id,
        "title": r.title,
        "pool": r.pool,
        "rows": r.rows,
        "wallets": r.wallets,
        "contributors": r.contributors,
        "scaling": r.scaling,
        "projects": r.projects,
        "rules": r.rules.iter().map(|m| json!({
            "rule": m.rule,
            "raw_total": m.raw_total,
            "raw_total_approx": rounded(&m.raw_total, 18),
            "scale": m.scale,
            "paid": m.paid,
            "unallocated": m.unallocated,
            "projects": m.projects.iter().map(project_json).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

fn to_csv(r: &RoundReport) -> String {
    let mut out = String::from(
        "rule,project,contributed,contributors,counted,raw,matching,matching_approx,payout,share,capped\n",
    );
    for m in &r.rules {
        for (f, p) in r.projects.iter().zip(&m.projects) {
            let cells = [
                m.rule.clone(),
                f.project.clone(),
                f.contributions.to_string(),
                f.contributors.to_string(),
                f.counted.to_string(),
                p.raw.to_string(),
                p.matching.to_string(),
                rounded(&p.matching, 18),
                p.payout.to_string(),
                p.share.to_string(),
                p.capped.to_string(),
            ];
            let line: Vec<String> = cells.iter().map(|c| csv_field(c)).collect();
            out.push_str(&line.join(","));
            out.push('\n');
        }
    }
    out
}

/// The sybil analysis of a round: JSON, or a table per rule and project.
pub fn render_sybil(s: &crate::funding::sybil::RoundSybil, format: FundFormat) -> String {
    if format == FundFormat::Json {
        return serde_json::to_string_pretty(s).expect("serialisable") + "\n";
    }
    let mut out = format!(
        "{} split into {} wallets (matching in tokens):\n",
        s.contributor, s.split
    );
    for g in &s.gains {
        let overtakes = match &g.overtakes_at {
            Some((k, rival)) => format!("passes {rival} at {k} wallets"),
            None => "passes no project above it".into(),
        };
        out.push_str(&format!(
            "  {:<10} {:<12} {:>14} -> {:>14} ({}); {overtakes}\n",
            g.rule,
            g.project,
            rounded(&g.before, 3),
            rounded(&g.after, 3),
            signed_difference(&g.after, &g.before),
        ));
    }
    out
}
