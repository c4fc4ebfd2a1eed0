//! `govkit control`'s output: a [`ControlReport`] as a table, one JSON
//! object or long-form CSV (`section,key,value,exact,error`).
//!
//! Every number is formatted here, once, from the report's exact values:
//! powers as token decimals, ratios rounded half up for reading (9 digits)
//! next to the exact fraction. The JSON keys and their order are the
//! documented ones.

use std::fmt::Write as _;

use num_bigint::BigInt;
use num_rational::BigRational;
use serde_json::{json, Value};

use super::csv_field;
use crate::amount::Power;
use crate::control::{
    fraction_string, rounded_decimal, ApproximateIndices, ControlReport, ControlSource,
    ExactIndices, Flip, Hhi, IndexValues, NakamotoCount, PowerIndices, TopShare, VoterSet,
    WeightResolution,
};

/// Output formats of `govkit control`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum ControlFormat {
    /// A report for people.
    Table,
    /// One JSON object.
    Json,
    /// Long-form CSV: section,key,value,exact,error.
    Csv,
}

/// The report in `format`, ending with a newline.
pub fn render(report: &ControlReport, format: ControlFormat) -> String {
    match format {
        ControlFormat::Table => to_table(report),
        ControlFormat::Json => to_json(report) + "\n",
        ControlFormat::Csv => to_csv(report),
    }
}

/// Rows listed in the table (JSON and CSV list every player).
const TABLE_ROWS: usize = 20;

fn power(p: Power, decimals: u8) -> String {
    p.to_decimal_string(decimals)
}

fn source(s: &ControlSource) -> String {
    match s {
        ControlSource::Holders(name) => name.clone(),
        ControlSource::ProposalHolders => "the proposal's [holders]".to_string(),
        ControlSource::ProposalVotes => "the proposal's votes (power cast)".to_string(),
    }
}

/// An exact power-unit rational as a token decimal (or fraction), signed.
fn signed_power(value: &BigRational, decimals: u8) -> String {
    let scale = BigRational::from_integer(BigInt::from(10u8).pow(u32::from(decimals)));
    let tokens = value / &scale;
    let d = rounded_decimal(&tokens, usize::from(decimals));
    let trimmed = if d.contains('.') {
        d.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        d
    };
    if (tokens.clone() * scale).is_integer() {
        trimmed
    } else {
        fraction_string(&tokens)
    }
}

/// A finite float as JSON writes it; empty otherwise.
fn json_float(x: Option<f64>) -> String {
    match x.map(Value::from) {
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// The notes that explain how the indices were obtained.
fn notes(ix: &PowerIndices) -> Vec<String> {
    match &ix.values {
        IndexValues::Exact(e) => {
            let what = match e.shapley_shubik_estimate {
                Some(_) => "banzhaf exact",
                None => "exact",
            };
            let mut notes = vec![
                format!("{what} for the integer game below: error 0"),
                "index (banzhaf) is the absolute Banzhaf index η_i / 2^(n−1); normalized is \
                 η_i / Σ η"
                    .to_string(),
            ];
            notes.push(match e.resolution {
                WeightResolution::Exact => {
                    "weights are the balances divided by their greatest common divisor (no \
                     rounding)"
                        .to_string()
                }
                WeightResolution::Total(n) => format!(
                    "weights are balances scaled to a total of about {n} units, rounded half up \
                     (largest rounding error {} unit; {} holders rounded to 0 are dummies); the \
                     quota is {} of the scaled total",
                    rounded_decimal(&e.max_rounding_error, 6),
                    e.rounded_to_zero,
                    ix.quota
                ),
            });
            if let Some(a) = &e.shapley_shubik_estimate {
                notes.push(
                    "shapley_shubik is estimated: exact counting of this game is beyond the \
                     limits (exact Banzhaf is not)"
                        .into(),
                );
                let mut more = approx_notes(ix, a);
                notes.push(more.swap_remove(2));
                notes.push(more.swap_remove(0));
            }
            notes
        }
        IndexValues::Approximate(a) => approx_notes(ix, a),
    }
}

/// The notes of Monte Carlo estimates.
fn approx_notes(ix: &PowerIndices, a: &ApproximateIndices) -> Vec<String> {
    vec![
        format!(
            "Monte Carlo over random coalitions of all {} holders with their exact balances; \
                 each index is within ± error of the true value, all {} at once with probability \
                 >= {} (Hoeffding: m = ceil(ln(2k/δ) / (2ε²)) = {} draws per index; seed {})",
            a.population,
            ix.players.len(),
            1.0 - a.delta,
            a.samples,
            a.seed
        ),
        "index (banzhaf) is the absolute Banzhaf index (swing probability); the normalized \
             index needs every holder's and is not estimated"
            .into(),
        "index (shapley_shubik) is estimated through Owen's multilinear extension (a uniform \
             t, then each holder joins with probability t)"
            .into(),
    ]
}

fn mode(ix: &PowerIndices) -> &'static str {
    match &ix.values {
        IndexValues::Exact(ExactIndices {
            shapley_shubik_estimate: Some(_),
            ..
        }) => "exact banzhaf, approximate shapley_shubik",
        IndexValues::Exact(_) => "exact",
        IndexValues::Approximate(_) => "approximate",
    }
}

/// One row of an index table: holder, weight, index, exact, error, and the
/// index's extra JSON fields.
struct IndexRow {
    holder: String,
    weight: String,
    index: String,
    exact: Option<String>,
    error: String,
}

fn exact_rows(ix: &PowerIndices, e: &ExactIndices, decimals: u8) -> [Vec<IndexRow>; 2] {
    let row = |i: usize, v: &BigRational| IndexRow {
        holder: ix.players[i].holder.clone(),
        weight: power(ix.players[i].weight, decimals),
        index: rounded_decimal(v, 9),
        exact: Some(fraction_string(v)),
        error: "0".into(),
    };
    [
        e.banzhaf
            .iter()
            .enumerate()
            .map(|(i, b)| row(i, &b.absolute))
            .collect(),
        match &e.shapley_shubik_estimate {
            Some(a) => approx_rows(ix, a, decimals)[1].split_off(0),
            None => e
                .shapley_shubik
                .iter()
                .enumerate()
                .map(|(i, v)| row(i, v))
                .collect(),
        },
    ]
}

fn approx_rows(ix: &PowerIndices, a: &ApproximateIndices, decimals: u8) -> [Vec<IndexRow>; 2] {
    let rows = |list: &[crate::control::Estimate]| {
        list.iter()
            .enumerate()
            .map(|(i, e)| IndexRow {
                holder: ix.players[i].holder.clone(),
                weight: power(ix.players[i].weight, decimals),
                index: format!("{:.6}", e.value),
                exact: None,
                error: format!("{}", e.error),
            })
            .collect()
    };
    [rows(&a.banzhaf), rows(&a.shapley_shubik)]
}

/// Banzhaf and Shapley-Shubik rows.
fn index_rows(ix: &PowerIndices, decimals: u8) -> [Vec<IndexRow>; 2] {
    match &ix.values {
        IndexValues::Exact(e) => exact_rows(ix, e, decimals),
        IndexValues::Approximate(a) => approx_rows(ix, a, decimals),
    }
}

fn nakamoto_json(list: &[NakamotoCount], comparison: bool) -> Value {
    Value::Array(
        list.iter()
            .map(|n| {
                let mut o = json!({
                    "threshold": n.threshold.share.to_string(),
                    "strict": n.threshold.strict,
                });
                if comparison {
                    o["comparison"] = json!(n.threshold.to_string());
                }
                o["k"] = json!(n.holders);
                o
            })
            .collect(),
    )
}

fn set_json(s: &VoterSet, pd: u8) -> (usize, String, Vec<String>) {
    (s.voters.len(), power(s.power, pd), s.voters.clone())
}

fn indices_json(out: &mut serde_json::Map<String, Value>, ix: &PowerIndices, decimals: u8) {
    let mut pi = serde_json::Map::new();
    pi.insert("mode".into(), json!(mode(ix)));
    pi.insert("quota".into(), json!(ix.quota.to_string()));
    match &ix.values {
        IndexValues::Exact(e) => {
            pi.insert("game_quota".into(), json!(e.game_quota));
            pi.insert("game_total".into(), json!(e.game_total.to_string()));
            pi.insert("game_players".into(), json!(e.game_players));
            let resolution = match e.resolution {
                WeightResolution::Exact => "exact".to_string(),
                WeightResolution::Total(n) => n.to_string(),
            };
            pi.insert("resolution".into(), json!(resolution));
            if let Some(a) = &e.shapley_shubik_estimate {
                pi.insert("samples".into(), json!(a.samples));
                pi.insert("epsilon".into(), json!(a.epsilon));
                pi.insert("delta".into(), json!(a.delta));
                pi.insert("seed".into(), json!(a.seed));
            }
        }
        IndexValues::Approximate(a) => {
            pi.insert("game_quota".into(), json!(power(a.game_quota, decimals)));
            pi.insert("samples".into(), json!(a.samples));
            pi.insert("epsilon".into(), json!(a.epsilon));
            pi.insert("delta".into(), json!(a.delta));
            pi.insert("seed".into(), json!(a.seed));
        }
    }
    pi.insert("notes".into(), json!(notes(ix)));
    out.insert("power_indices".into(), Value::Object(pi));
    let [bz, ss] = index_rows(ix, decimals);
    let entry = |r: &IndexRow| {
        let mut o =
            json!({"holder": r.holder, "weight": r.weight, "index": r.index, "error": r.error});
        if let Some(x) = &r.exact {
            o["exact"] = json!(x);
        }
        o
    };
    let banzhaf = bz.iter().enumerate().map(|(i, r)| {
        let mut o = entry(r);
        if let IndexValues::Exact(e) = &ix.values {
            let b = &e.banzhaf[i];
            o["normalized"] = json!(rounded_decimal(&b.normalized, 9));
            o["normalized_exact"] = json!(fraction_string(&b.normalized));
            o["swings"] = json!(b.swings.to_string());
        }
        o
    });
    out.insert("banzhaf".into(), Value::Array(banzhaf.collect()));
    out.insert(
        "shapley_shubik".into(),
        Value::Array(ss.iter().map(entry).collect()),
    );
}

fn top_shares_json(list: &[TopShare], d: u8) -> Value {
    let top = list.iter().map(|t| {
        json!({
            "k": t.k,
            "power": power(t.power, d),
            "share": t.share.as_ref().map(|s| rounded_decimal(s, 9)),
            "exact": t.share.as_ref().map(fraction_string),
        })
    });
    Value::Array(top.collect())
}

/// The report as the JSON value `govkit control --format json` prints.
pub fn to_json_value(r: &ControlReport) -> Value {
    let d = r.decimals;
    let mut out = serde_json::Map::new();
    out.insert("source".into(), json!(source(&r.source)));
    out.insert("holders".into(), json!(r.holders));
    out.insert("zero_balances".into(), json!(r.zero_balances));
    out.insert("total".into(), json!(power(r.total, d)));
    out.insert("decimals".into(), json!(d));
    if let Some(b) = &r.before_delegation {
        out.insert(
            "before_delegation".into(),
            json!({
                "holders": b.holders,
                "population": "every holder in the snapshot and every delegate (the same as after delegation)",
                "zero_balances": b.zero_balances,
                "total": power(b.total, d),
                "nakamoto": nakamoto_json(&b.nakamoto, false),
                "top_shares": top_shares_json(&b.top_shares, d),
                "gini": b.gini.as_ref().map(|g| rounded_decimal(g, 9)),
                "gini_exact": b.gini.as_ref().map(fraction_string),
                "hhi": b.hhi.as_ref().map(|h| rounded_decimal(&h.value, 9)),
                "effective_holders": b.hhi.as_ref().map(|h| rounded_decimal(&h.effective_holders, 3)),
                "policy": b.policy.to_string(),
                "delegated_share": rounded_decimal(&b.delegated_share, 9),
            }),
        );
    }
    out.insert("nakamoto".into(), nakamoto_json(&r.nakamoto, true));
    out.insert("top_shares".into(), top_shares_json(&r.top_shares, d));
    out.insert(
        "gini".into(),
        r.gini.as_ref().map_or(Value::Null, |g| {
            json!({
                "value": rounded_decimal(g, 9),
                "exact": fraction_string(g),
                "zero_balances_included": true,
                "form": "population: 2·Σ i·x_i / (n·S) − (n+1)/n, x ascending, every listed holder",
            })
        }),
    );
    out.insert(
        "hhi".into(),
        r.hhi.as_ref().map_or(Value::Null, |h| {
            let points = h.value.clone() * BigRational::from_integer(10_000.into());
            json!({
                "value": rounded_decimal(&h.value, 9),
                "exact": fraction_string(&h.value),
                "points": rounded_decimal(&points, 2),
                "effective_holders": rounded_decimal(&h.effective_holders, 3),
                "effective_holders_exact": fraction_string(&h.effective_holders),
            })
        }),
    );
    out.insert("entropy_bits".into(), json!(r.entropy_bits));
    out.insert("theil_t".into(), json!(r.theil_t));
    let lorenz = r.lorenz.iter().map(|p| {
        json!({
            "holders": p.holders,
            "population": rounded_decimal(&p.population, 6),
            "power": power(p.power, d),
            "share": p.share.as_ref().map_or_else(|| "0".to_string(), |s| rounded_decimal(s, 9)),
        })
    });
    out.insert("lorenz".into(), Value::Array(lorenz.collect()));
    if let Some(ix) = &r.power_indices {
        indices_json(&mut out, ix, d);
    }
    if let Some(p) = &r.proposal {
        let pd = p.power_decimals;
        out.insert(
            "proposal".into(),
            json!({
                "id": p.id,
                "outcome": p.outcome.as_str(),
                "votes": p.votes,
                "cast_power": power(p.cast, pd),
            }),
        );
        let majority = p.min_majority.as_ref().map_or(Value::Null, |m| {
            let (count, pw, addresses) = set_json(m, pd);
            json!({
                "count": count,
                "comparison": "> 1/2 of the power cast",
                "power": pw,
                "cast": power(p.cast, pd),
                "addresses": addresses,
            })
        });
        out.insert("min_majority_voters".into(), majority);
        let flip = match &p.flip {
            Flip::Switch { from, to, set } => match set {
                Some(m) => {
                    let (count, pw, addresses) = set_json(m, pd);
                    json!({
                        "count": count,
                        "switch": format!("{from} -> {to}"),
                        "power": pw,
                        "addresses": addresses,
                    })
                }
                None => json!({
                    "count": null,
                    "switch": format!("{from} -> {to}"),
                    "note": "no switch of these voters changes the outcome",
                }),
            },
            _ => json!({"count": null, "note": "the rules have no For/Against roles"}),
        };
        out.insert("min_flip_voters".into(), flip);
        out.insert(
            "margin".into(),
            json!(p.margin.as_ref().map(|m| signed_power(m, pd))),
        );
        let passing = p.min_passing.as_ref().map_or(Value::Null, |m| {
            let (count, pw, addresses) = set_json(m, pd);
            json!({
                "count": count,
                "comparison": "alone, all For: meets the quorum and passes under the proposal's rules",
                "power": pw,
                "addresses": addresses,
            })
        });
        out.insert("min_passing_voters".into(), passing);
    }
    Value::Object(out)
}

/// The report as pretty JSON (no trailing newline).
pub fn to_json(r: &ControlReport) -> String {
    serde_json::to_string_pretty(&to_json_value(r)).expect("serialisable")
}

/// The headline measures of one distribution (before or after delegation).
struct Measures<'r> {
    holders: usize,
    zero_balances: usize,
    total: Power,
    nakamoto: &'r [NakamotoCount],
    top_shares: &'r [TopShare],
    gini: Option<&'r BigRational>,
    hhi: Option<&'r Hhi>,
}

impl Measures<'_> {
    /// (label, value) rows of the table, shares in percent.
    fn rows(&self, decimals: u8) -> Vec<(String, String)> {
        let rd = |x: Option<&BigRational>, digits: usize| {
            x.map_or_else(String::new, |x| rounded_decimal(x, digits))
        };
        let mut rows = vec![
            ("holders".to_string(), self.holders.to_string()),
            ("zero balance".to_string(), self.zero_balances.to_string()),
            ("total".to_string(), power(self.total, decimals)),
        ];
        for n in self.nakamoto {
            let k = n
                .holders
                .map_or_else(|| "none".to_string(), |k| k.to_string());
            rows.push((format!("nakamoto {}", n.threshold), format!("{k} holders")));
        }
        for p in self.top_shares {
            let share = p.share.as_ref().map_or_else(String::new, |s| percent(s, 7));
            rows.push((format!("top {}", p.k), share));
        }
        rows.push(("gini".to_string(), rd(self.gini, 9)));
        let points = self
            .hhi
            .map(|h| h.value.clone() * BigRational::from_integer(10_000.into()));
        rows.push((
            "hhi".to_string(),
            format!("{} points", rd(points.as_ref(), 2)),
        ));
        rows.push((
            "effective".to_string(),
            format!("{} holders", rd(self.hhi.map(|h| &h.effective_holders), 3)),
        ));
        rows
    }
}

/// `r` in percent, rounded half up to `digits` decimals.
fn percent(r: &BigRational, digits: usize) -> String {
    let pct = r * BigRational::from_integer(100.into());
    format!("{}%", rounded_decimal(&pct, digits))
}

/// Long-form CSV: `section,key,value,exact,error`, one row per number.
pub fn to_csv(r: &ControlReport) -> String {
    let d = r.decimals;
    let mut rows: Vec<[String; 5]> = Vec::new();
    let mut row = |a: &str, b: String, c: String, e: String, f: String| {
        rows.push([a.to_string(), b, c, e, f]);
    };
    let none = String::new;
    let opt = |x: Option<usize>| x.map_or_else(String::new, |k| k.to_string());
    row(
        "holders",
        "count".into(),
        r.holders.to_string(),
        none(),
        none(),
    );
    row(
        "zero_balances",
        "count".into(),
        r.zero_balances.to_string(),
        none(),
        none(),
    );
    row("total", "power".into(), power(r.total, d), none(), none());
    for n in &r.nakamoto {
        row(
            "nakamoto",
            n.threshold.to_string(),
            opt(n.holders),
            none(),
            none(),
        );
    }
    for t in &r.top_shares {
        let share = t.share.as_ref();
        row(
            "top_share",
            t.k.to_string(),
            share.map_or_else(none, |s| rounded_decimal(s, 9)),
            share.map_or_else(none, fraction_string),
            none(),
        );
    }
    if let Some(b) = &r.before_delegation {
        let section = "before_delegation";
        row(
            section,
            "holders".into(),
            b.holders.to_string(),
            none(),
            none(),
        );
        row(
            section,
            "zero_balances".into(),
            b.zero_balances.to_string(),
            none(),
            none(),
        );
        row(section, "total".into(), power(b.total, d), none(), none());
        for n in &b.nakamoto {
            let key = format!("nakamoto {}", n.threshold);
            row(section, key, opt(n.holders), none(), none());
        }
        for t in &b.top_shares {
            let share = t.share.as_ref();
            row(
                section,
                format!("top_share {}", t.k),
                share.map_or_else(none, |s| rounded_decimal(s, 9)),
                share.map_or_else(none, fraction_string),
                none(),
            );
        }
        let gini = b.gini.as_ref();
        row(
            section,
            "gini".into(),
            gini.map_or_else(none, |g| rounded_decimal(g, 9)),
            gini.map_or_else(none, fraction_string),
            none(),
        );
        let hhi = b.hhi.as_ref();
        row(
            section,
            "hhi".into(),
            hhi.map_or_else(none, |h| rounded_decimal(&h.value, 9)),
            hhi.map_or_else(none, |h| fraction_string(&h.value)),
            none(),
        );
        row(
            section,
            "policy".into(),
            b.policy.to_string(),
            none(),
            none(),
        );
    }
    let gini = r.gini.as_ref();
    row(
        "gini",
        "zero_balances_included".into(),
        gini.map_or_else(none, |g| rounded_decimal(g, 9)),
        gini.map_or_else(none, fraction_string),
        none(),
    );
    let hhi = r.hhi.as_ref();
    row(
        "hhi",
        none(),
        hhi.map_or_else(none, |h| rounded_decimal(&h.value, 9)),
        hhi.map_or_else(none, |h| fraction_string(&h.value)),
        none(),
    );
    row(
        "effective_holders",
        none(),
        hhi.map_or_else(none, |h| rounded_decimal(&h.effective_holders, 3)),
        hhi.map_or_else(none, |h| fraction_string(&h.effective_holders)),
        none(),
    );
    row(
        "entropy_bits",
        "f64".into(),
        json_float(r.entropy_bits),
        none(),
        none(),
    );
    row(
        "theil_t",
        "f64".into(),
        json_float(r.theil_t),
        none(),
        none(),
    );
    for p in &r.lorenz {
        let share = p
            .share
            .as_ref()
            .map_or_else(|| "0".into(), |s| rounded_decimal(s, 9));
        row(
            "lorenz",
            p.holders.to_string(),
            share,
            power(p.power, d),
            none(),
        );
    }
    if let Some(ix) = &r.power_indices {
        let [bz, ss] = index_rows(ix, d);
        for (key, list) in [("banzhaf", bz), ("shapley_shubik", ss)] {
            for e in list {
                row(key, e.holder, e.index, e.exact.unwrap_or_default(), e.error);
            }
        }
    }
    if let Some(p) = &r.proposal {
        let pd = p.power_decimals;
        let mut set_rows = |section: &str, set: Option<&VoterSet>| {
            row(
                section,
                "count".into(),
                set.map_or_else(none, |m| m.voters.len().to_string()),
                set.map_or_else(none, |m| power(m.power, pd)),
                none(),
            );
            for a in set.map_or(&[][..], |m| &m.voters[..]) {
                row(section, "address".into(), a.clone(), none(), none());
            }
        };
        if let Some(m) = &p.min_majority {
            set_rows("min_majority_voters", Some(m));
        }
        let flip = match &p.flip {
            Flip::Switch { set, .. } => set.as_ref(),
            _ => None,
        };
        set_rows("min_flip_voters", flip);
        let margin = p.margin.as_ref().map_or_else(none, |m| signed_power(m, pd));
        row("margin", "for_minus_against".into(), margin, none(), none());
    }
    let mut text = String::from("section,key,value,exact,error\n");
    for r in rows {
        let line: Vec<String> = r.iter().map(|f| csv_field(f)).collect();
        text.push_str(&line.join(","));
        text.push('\n');
    }
    text
}

/// The report for people.
pub fn to_table(r: &ControlReport) -> String {
    let d = r.decimals;
    let mut t = String::new();
    let _ = writeln!(t, "control of {}", source(&r.source));
    let after = Measures {
        holders: r.holders,
        zero_balances: r.zero_balances,
        total: r.total,
        nakamoto: &r.nakamoto,
        top_shares: &r.top_shares,
        gini: r.gini.as_ref(),
        hhi: r.hhi.as_ref(),
    };
    match &r.before_delegation {
        None => {
            for (label, value) in after.rows(d) {
                let _ = writeln!(t, "{label:<15} {value}");
            }
        }
        Some(b) => {
            let before = Measures {
                holders: b.holders,
                zero_balances: b.zero_balances,
                total: b.total,
                nakamoto: &b.nakamoto,
                top_shares: &b.top_shares,
                gini: b.gini.as_ref(),
                hhi: b.hhi.as_ref(),
            };
            let _ = writeln!(
                t,
                "delegation      policy {}: {} of the counted balances moved to a delegate",
                b.policy,
                percent(&b.delegated_share, 2)
            );
            let _ = writeln!(
                t,
                "                both sides count the same {} members: every holder in the \
                 snapshot and every delegate, at zero where it holds or keeps nothing",
                b.holders
            );
            let rows: Vec<_> = before.rows(d).into_iter().zip(after.rows(d)).collect();
            let width = rows
                .iter()
                .map(|((_, v), _)| v.len())
                .max()
                .unwrap_or(0)
                .max(17);
            let _ = writeln!(
                t,
                "{:<15} {:<width$}  after delegation",
                "", "before delegation"
            );
            for ((label, b), (_, a)) in rows {
                let _ = writeln!(t, "{label:<15} {b:<width$}  {a}");
            }
        }
    }
    let _ = writeln!(
        t,
        "                gini in population form (zero balances included); hhi in points of \
         10,000, effective holders = 1/hhi"
    );
    let f = |v: Option<f64>| {
        v.filter(|x| x.is_finite())
            .map_or(String::new(), |x| format!("{x:.6}"))
    };
    let _ = writeln!(
        t,
        "entropy         {} bits, theil-t {} nats (floating point, informative only)",
        f(r.entropy_bits),
        f(r.theil_t)
    );
    let _ = writeln!(
        t,
        "lorenz          the poorest share of the holders -> their share of the total"
    );
    for p in &r.lorenz {
        let share = p
            .share
            .as_ref()
            .map_or_else(|| "0%".into(), |s| percent(s, 7));
        let _ = writeln!(
            t,
            "                {:>7} ({} holders) -> {share}",
            percent(&p.population, 2),
            p.holders
        );
    }
    if let Some(ix) = &r.power_indices {
        indices_table(&mut t, ix, d);
    }
    if let Some(p) = &r.proposal {
        let pd = p.power_decimals;
        let _ = writeln!(
            t,
            "\nproposal  {}: {}, {} votes, {} cast",
            p.id,
            p.outcome.as_str(),
            p.votes,
            power(p.cast, pd)
        );
        match &p.min_majority {
            None => {
                let _ = writeln!(t, "majority  nothing was cast");
            }
            Some(m) => {
                let _ = writeln!(
                    t,
                    "majority  {} voters hold {} (> 1/2 of the power cast): {}",
                    m.voters.len(),
                    power(m.power, pd),
                    list(&m.voters)
                );
            }
        }
        let _ = match &p.flip {
            Flip::Switch {
                from,
                to,
                set: Some(m),
            } => writeln!(
                t,
                "flip      {} voters switching {from} -> {to} ({}) would change the outcome: {}",
                m.voters.len(),
                power(m.power, pd),
                list(&m.voters)
            ),
            Flip::Switch { set: None, .. } => writeln!(
                t,
                "flip      none: no switch of these voters changes the outcome"
            ),
            _ => writeln!(t, "flip      none: the rules have no For/Against roles"),
        };
        let margin = p
            .margin
            .as_ref()
            .map_or_else(String::new, |m| signed_power(m, pd));
        let _ = writeln!(t, "margin    For − Against = {margin}");
        let _ = match &p.min_passing {
            Some(m) => writeln!(
                t,
                "passing   {} voters alone, all For, meet the quorum and pass ({}): {}",
                m.voters.len(),
                power(m.power, pd),
                list(&m.voters)
            ),
            None => writeln!(
                t,
                "passing   none: not even all voters together, all For, would pass (or the rules \
                 have no For/Against roles)"
            ),
        };
    }
    t
}

fn indices_table(t: &mut String, ix: &PowerIndices, d: u8) {
    let _ = writeln!(
        t,
        "\npower indices ({}), quota {} of the total",
        mode(ix),
        ix.quota
    );
    for note in notes(ix) {
        let _ = writeln!(t, "  {note}");
    }
    let _ = writeln!(
        t,
        "  {:<44} {:>24} {:>12} {:>12} {:>12}",
        "holder", "weight", "banzhaf", "shapley", "±"
    );
    let [bz, ss] = index_rows(ix, d);
    for (b, s) in bz.iter().zip(&ss).take(TABLE_ROWS) {
        let _ = writeln!(
            t,
            "  {:<44} {:>24} {:>12} {:>12} {:>12}",
            b.holder,
            b.weight,
            short(&b.index),
            short(&s.index),
            if b.error == s.error {
                b.error.clone()
            } else {
                format!("{}/{}", b.error, s.error)
            }
        );
    }
    if bz.len() > TABLE_ROWS {
        let _ = writeln!(
            t,
            "  … {} more with --format json or csv",
            bz.len() - TABLE_ROWS
        );
    }
}

/// An index cut to 6 decimals for the table.
fn short(x: &str) -> String {
    match x.split_once('.') {
        Some((i, f)) if f.len() > 6 => format!("{i}.{}", &f[..6]),
        _ => x.to_string(),
    }
}

/// The first ten addresses, and how many in all if there are more.
fn list(a: &[String]) -> String {
    if a.len() > 10 {
        format!("{} … ({} in all)", a[..10].join(", "), a.len())
    } else {
        a.join(", ")
    }
}
