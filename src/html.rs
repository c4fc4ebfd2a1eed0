//! Self-contained HTML reports: one comparison ([`comparison_html`]), every
//! proposal of a source ([`batch_html`]) and a funding round
//! ([`round_html`]). Tables and inline SVG charts, inline CSS (and, in the
//! batch report, a small inline script that sorts its table); no external
//! resources, so a report opens offline and can be mailed as one file.
//!
//! Numbers are the library's exact results: a cell shows a rounded,
//! digit-grouped value and carries the exact one in its `title` (shown on
//! hover). Charts are drawn from `f64` approximations and decide nothing.

use std::fmt::Write as _;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, ToPrimitive, Zero};

use crate::charts::{bar_svg, line_svg, BarChart, LineChart, QuorumPanel};
use crate::compare::{official_str, Comparison, Row};
use crate::quantity::Quantity;
use crate::rules::Outcome;

mod batch;

pub use batch::{batch_charts, batch_html};

/// The page's style: fits a laptop screen and a phone (tables wrap their
/// headings, charts scale down with the page).
const STYLE: &str = "\
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;font-size:15px;\
line-height:1.4;color:#222;margin:0 auto;max-width:1180px;padding:0 16px 2em}\
h1{font-size:1.6em;margin:.8em 0 .2em}h2{font-size:1.3em;margin:1.6em 0 .4em}\
h3{font-size:1.1em;margin:1.4em 0 .3em}.id{color:#555;margin:0 0 1em;overflow-wrap:anywhere}\
table{border-collapse:collapse;margin:.6em 0;font-variant-numeric:tabular-nums}\
th,td{border:1px solid #ccc;padding:3px 6px;text-align:right;vertical-align:top}\
th{background:#f3f3f3;font-weight:600}\
th:first-child,td:first-child,td.t,th.t{text-align:left}\
td small,th small{display:block;color:#555;font-weight:normal}\
[title]{cursor:help}.scroll{overflow-x:auto;max-width:100%}\
.flip{color:#b00;font-weight:600}tr.flip td{background:#fff3f3}\
.miss{color:#b00}figure{margin:1em 0;max-width:100%}\
figure svg{max-width:100%;height:auto;display:block}\
dl.legend{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;font-size:.92em}\
dl.legend dt{font-weight:600}dl.legend dd{margin:0}\
.note{color:#555;font-size:.9em}\
@media (max-width:900px){body{font-size:13px;padding:0 8px}th,td{padding:2px 4px}}";

/// The head of a page and its `<h1>`.
fn page_start(h: &mut String, title: &str, extra_style: &str) {
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{0}</title><style>{STYLE}{extra_style}</style></head><body>\n<h1>{0}</h1>\n",
        esc(title)
    );
}

/// A quantity for reading: whole units, digits grouped by thousands,
/// rounded half up (no decimals from 1,000 on, 2 from 1, 4 below).
pub(crate) fn readable(q: &Quantity) -> String {
    let scale = BigRational::from_integer(BigInt::from(10u8).pow(u32::from(q.decimals())));
    let v = q.as_rational() / scale;
    let magnitude = v.abs();
    let digits = if magnitude >= BigRational::from_integer(1000.into()) {
        0
    } else if magnitude >= BigRational::from_integer(1.into()) || v.is_zero() {
        2
    } else {
        4
    };
    let text = crate::decimal::round_half_up(&v, digits);
    let (sign, text) = match text.strip_prefix('-') {
        Some(t) => ("-", t),
        None => ("", text.as_str()),
    };
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    let frac = if v.denom() == &BigInt::from(1) || frac.trim_end_matches('0').is_empty() {
        // An exact integer, or one that rounds to it: no ".00".
        String::new()
    } else {
        format!(".{frac}")
    };
    format!("{sign}{}{frac}", group_thousands(int))
}

/// `1234567` as `1,234,567`.
fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A number cell's content: the readable value, the exact one on hover.
fn exact(q: &Quantity) -> String {
    format!(
        "<span title=\"{}\">{}</span>",
        esc(&q.to_string()),
        readable(q)
    )
}

/// Whole units as `f64`, for pictures only.
fn units_f64(q: &Quantity) -> f64 {
    let scale = BigRational::from_integer(BigInt::from(10u8).pow(u32::from(q.decimals())));
    (q.as_rational() / scale).to_f64().unwrap_or(0.0)
}

/// What the columns mean, under every mechanism table.
const LEGEND: &str = "<dl class=\"legend\">\
<dt>power · %</dt><dd>each choice's score in the mechanism's own power units (tokens for \
token-weighted and capped rows, square-root units for quadratic), and its share of the valid \
power; hover a number for its exact value</dd>\
<dt>quorum</dt><dd>whether the tokens counted toward the quorum reach it (the dashed line \
on the score chart)</dd>\
<dt>margin</dt><dd>For − Against in the mechanism's power units: how far the result is \
from a tie (negative: Against is ahead)</dd>\
<dt>deciders</dt><dd>the fewest voters whose switch to the other side flips the outcome</dd>\
<dt>Nakamoto</dt><dd>the fewest voters holding more than half of the power counted</dd>\
<dt>Gini</dt><dd>inequality of the power counted among the voters: 0 when all hold the \
same, towards 1 when one voter holds nearly all</dd></dl>\n";

/// The charts of a comparison, as SVG documents (file name, SVG): the
/// score chart (share of power by choice, with the quorum panel when the
/// rules have a quorum) and the Lorenz curves.
pub fn comparison_charts(
    c: &Comparison,
    extra_lorenz: &[(String, Vec<(f64, f64)>)],
) -> Vec<(String, String)> {
    let series: Vec<String> = c
        .rows
        .first()
        .map(|r| r.choices.iter().map(|ch| ch.name.clone()).collect())
        .unwrap_or_default();
    let quorum = c.rows.first().filter(|r| r.quorum.set).map(|first| {
        let counts = &first.quorum.counts;
        QuorumPanel {
            x_label: if counts.is_empty() {
                "tokens counted toward the quorum".into()
            } else {
                format!("tokens counted toward the quorum ({})", counts.join(", "))
            },
            bars: c
                .rows
                .iter()
                .map(|r| (r.label.clone(), units_f64(&r.quorum.counted)))
                .collect(),
            required: units_f64(&first.quorum.required),
            line_label: format!("quorum {}", readable(&first.quorum.required)),
        }
    });
    let bars = BarChart {
        title: format!("Share of power by choice, proposal {}", short(&c.id)),
        x_label: "mechanism".into(),
        y_label: "share of counted power (%)".into(),
        series,
        groups: c
            .rows
            .iter()
            .map(|r| {
                let values = r
                    .choices
                    .iter()
                    .map(|ch| 100.0 * ch.share.as_rational().to_f64().unwrap_or(0.0))
                    .collect();
                (r.label.clone(), values)
            })
            .collect(),
        quorum,
    };
    let mut curves: Vec<(String, Vec<(f64, f64)>)> = extra_lorenz.to_vec();
    curves.extend(c.rows.iter().map(|r| (r.label.clone(), r.lorenz.clone())));
    let lorenz = LineChart {
        title: "Lorenz curves of voting power".into(),
        x_label: "share of voters, smallest first".into(),
        y_label: "share of voting power".into(),
        series: curves,
        diagonal: true,
    };
    vec![
        ("scores.svg".into(), bar_svg(&bars)),
        ("lorenz.svg".into(), line_svg(&lorenz)),
    ]
}

fn short(id: &str) -> String {
    if id.chars().count() > 16 {
        format!("{}…", id.chars().take(14).collect::<String>())
    } else {
        id.to_string()
    }
}

/// A label for a narrow heading: escaped, with a break opportunity after
/// each `-`, `:` and `_`.
fn breakable(label: &str) -> String {
    esc(label)
        .replace('-', "-<wbr>")
        .replace(':', ":<wbr>")
        .replace('_', "_<wbr>")
}

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// An outcome as a cell shows it: `passed (WINNER)` or `rejected`.
fn outcome_text(r: &Row) -> String {
    match &r.winner {
        Some(w) if r.outcome == Outcome::Passed => format!("passed ({w})"),
        _ => r.outcome.as_str().to_string(),
    }
}

/// The mechanisms of one comparison as a table (`id` on the element).
fn mechanism_table(h: &mut String, c: &Comparison, id: &str) {
    let _ = write!(
        h,
        "<div class=\"scroll\"><table id=\"{}\"><thead><tr><th>mechanism</th>",
        esc(id)
    );
    if let Some(first) = c.rows.first() {
        for ch in &first.choices {
            let _ = write!(h, "<th>{}<small>power · %</small></th>", esc(&ch.name));
        }
    }
    let _ = writeln!(
        h,
        "<th>quorum</th><th>outcome</th><th>margin</th><th>de&shy;ciders</th>\
         <th>Naka&shy;moto</th><th>Gini</th></tr></thead><tbody>"
    );
    for r in &c.rows {
        let _ = write!(h, "<tr><td>{}</td>", esc(&r.label));
        for ch in &r.choices {
            let _ = write!(
                h,
                "<td>{}<small title=\"{}\">{}</small></td>",
                exact(&ch.power),
                esc(&format!(
                    "{}/{}",
                    ch.share.as_rational().numer(),
                    ch.share.as_rational().denom()
                )),
                esc(&ch.share.percent())
            );
        }
        let quorum = if r.quorum.set {
            format!(
                "<span title=\"{} of {} tokens\"{}>{}</span>",
                readable(&r.quorum.counted),
                readable(&r.quorum.required),
                if r.quorum_reached {
                    ""
                } else {
                    " class=\"miss\""
                },
                if r.quorum_reached {
                    "reached"
                } else {
                    "missed"
                },
            )
        } else {
            "none".to_string()
        };
        let class = if r.differs_from_first {
            " class=\"flip\""
        } else {
            ""
        };
        let dash = || "–".to_string();
        let _ = writeln!(
            h,
            "<td>{quorum}</td><td{class}>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&outcome_text(r)),
            r.margin.as_ref().map_or_else(dash, exact),
            r.deciders.map_or_else(dash, |d| d.to_string()),
            r.nakamoto.map_or_else(dash, |d| d.to_string()),
            esc(&r.gini.as_ref().map_or_else(dash, ToString::to_string)),
        );
    }
    let _ = writeln!(h, "</tbody></table></div>");
}

/// A comparison's body: facts, the mechanism table, flips, the legend,
/// the charts and the scenarios. `anchor` prefixes element ids.
fn comparison_body(
    h: &mut String,
    c: &Comparison,
    extra_lorenz: &[(String, Vec<(f64, f64)>)],
    anchor: &str,
    legend: bool,
) {
    let _ = write!(h, "<p>Ballot: {}.", esc(&c.ballot));
    if let Some(o) = c.official_outcome {
        let _ = write!(h, " Official outcome: <b>{}</b>.", official_str(o));
    }
    if let Some(q) = c.rows.first().map(|r| &r.quorum).filter(|q| q.set) {
        let _ = write!(
            h,
            " Quorum: {} tokens{}{}.",
            exact(&q.required),
            if q.strict { ", exceeded," } else { "" },
            if q.counts.is_empty() {
                String::new()
            } else {
                format!(" counted on {}", esc(&q.counts.join(", ")))
            }
        );
    }
    let _ = writeln!(h, "</p>");
    mechanism_table(h, c, &format!("{anchor}comparison"));
    if c.flips.is_empty() {
        let _ = writeln!(h, "<p>No mechanism changes the outcome.</p>");
    } else {
        let _ = writeln!(h, "<ul>");
        for f in &c.flips {
            let _ = writeln!(h, "<li class=\"flip\">{}</li>", esc(f));
        }
        let _ = writeln!(h, "</ul>");
    }
    if legend {
        h.push_str(LEGEND);
    }
    for (name, svg) in comparison_charts(c, extra_lorenz) {
        let _ = writeln!(
            h,
            "<figure id=\"{anchor}{}\" class=\"chart\">{}</figure>",
            esc(name.trim_end_matches(".svg")),
            svg
        );
    }
    if !c.scenarios.is_empty() {
        let _ = writeln!(
            h,
            "<h3>Scenarios</h3>\n<table id=\"{anchor}scenarios\"><tr><th>scenario</th>"
        );
        for r in &c.rows {
            let _ = write!(h, "<th>{}</th>", esc(&r.label));
        }
        let _ = writeln!(h, "</tr>");
        for s in &c.scenarios {
            let _ = write!(h, "<tr><td>{}</td>", esc(&s.scenario));
            for m in &s.mechanisms {
                let class = if m.changed { " class=\"flip\"" } else { "" };
                let _ = write!(
                    h,
                    "<td{class}>{}{}</td>",
                    m.outcome.as_str(),
                    if m.changed { " (changed)" } else { "" }
                );
            }
            let _ = writeln!(h, "</tr>");
        }
        let _ = writeln!(h, "</table>");
    }
}

/// The whole report of one comparison as one HTML document (no script).
pub fn comparison_html(c: &Comparison, extra_lorenz: &[(String, Vec<(f64, f64)>)]) -> String {
    let mut h = String::new();
    let title = c
        .title
        .clone()
        .unwrap_or_else(|| format!("Proposal {}", c.id));
    page_start(&mut h, &title, "");
    let _ = writeln!(
        h,
        "<p class=\"id\">govkit compare · proposal id <code>{}</code></p>",
        esc(&c.id)
    );
    comparison_body(&mut h, c, extra_lorenz, "", true);
    let _ = writeln!(
        h,
        "<p class=\"note\">Powers are exact, in each mechanism's power units (hover a number \
         for its exact value; percentages are rounded). Charts are drawn from rounded values. \
         Generated by govkit.</p>\n</body></html>"
    );
    h
}

/// The matching of a funding round per project under each rule, as an SVG
/// bar chart (tokens; floats for the picture only).
pub fn round_chart(r: &crate::funding::RoundReport) -> String {
    let tokens = units_f64;
    bar_svg(&BarChart {
        title: format!("Matching by project, round {}", short(&r.id)),
        x_label: "project".into(),
        y_label: "matching (tokens)".into(),
        series: r.rules.iter().map(|m| m.rule.clone()).collect(),
        groups: r
            .projects
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let values = r
                    .rules
                    .iter()
                    .map(|m| tokens(&m.projects[i].matching))
                    .collect();
                (p.project.clone(), values)
            })
            .collect(),
        quorum: None,
    })
}

/// A funding round as one self-contained HTML document: the matching
/// table (rounded to 3 decimals; the JSON keeps every value exact) and the
/// chart.
pub fn round_html(r: &crate::funding::RoundReport) -> String {
    let mut h = String::new();
    let title = format!(
        "govkit fund: {}{}",
        r.id,
        r.title
            .as_deref()
            .map(|t| format!(" — {t}"))
            .unwrap_or_default()
    );
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>{0}</title><style>\
         body{{font-family:sans-serif;margin:2em}}\
         table{{border-collapse:collapse;margin:1em 0}}\
         th,td{{border:1px solid #bbb;padding:4px 8px;text-align:right}}\
         th:first-child,td:first-child{{text-align:left}}\
         </style></head><body>\n<h1>{0}</h1>\n<p>Pool {1} tokens, {2} contributions \
         from {3} contributors.</p>\n<table id=\"matching\"><tr><th>project</th>\
         <th>contributed</th><th>contributors</th>",
        esc(&title),
        crate::render::fund::rounded(&r.pool, 3),
        r.rows,
        r.contributors
    );
    for m in &r.rules {
        let _ = write!(h, "<th>{} matching</th>", esc(&m.rule));
    }
    let _ = writeln!(h, "</tr>");
    for (i, p) in r.projects.iter().enumerate() {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td>",
            esc(&p.project),
            crate::render::fund::rounded(&p.contributions, 3),
            p.contributors
        );
        for m in &r.rules {
            let _ = write!(
                h,
                "<td title=\"{}\">{}</td>",
                esc(&m.projects[i].matching.to_string()),
                crate::render::fund::rounded(&m.projects[i].matching, 3)
            );
        }
        let _ = writeln!(h, "</tr>");
    }
    let _ = writeln!(
        h,
        "</table>\n<figure>{}</figure>\n<p><small>Matching is exact in the JSON \
         (`govkit fund --format json`); hover a cell for its exact value. The chart \
         is drawn from rounded values.</small></p>\n</body></html>",
        round_chart(r)
    );
    h
}
