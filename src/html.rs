//! A self-contained HTML report of a comparison: tables and inline SVG
//! charts, no scripts, no external resources, so it opens offline.

use std::fmt::Write as _;

use crate::charts::{bar_svg, line_svg, BarChart, LineChart};
use crate::compare::{official_str, Comparison};

/// The charts of a comparison, as SVG documents (file name, SVG).
pub fn comparison_charts(
    c: &Comparison,
    extra_lorenz: &[(String, Vec<(f64, f64)>)],
) -> Vec<(String, String)> {
    let series: Vec<String> = c
        .rows
        .first()
        .map(|r| r.choices.iter().map(|ch| ch.name.clone()).collect())
        .unwrap_or_default();
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
                    .map(|ch| 100.0 * share_f64(&ch.share.to_string()))
                    .collect();
                (r.label.clone(), values)
            })
            .collect(),
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

fn share_f64(s: &str) -> f64 {
    // Display only: the exact share is in the table; the string is a
    // plain decimal ("0.996358").
    s.parse().unwrap_or(0.0)
}

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The whole report as one HTML document.
pub fn comparison_html(c: &Comparison, extra_lorenz: &[(String, Vec<(f64, f64)>)]) -> String {
    let mut h = String::new();
    let title = format!(
        "govkit compare: {}{}",
        c.id,
        c.title
            .as_deref()
            .map(|t| format!(" — {t}"))
            .unwrap_or_default()
    );
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>{}</title><style>\
         body{{font-family:sans-serif;margin:2em}}\
         table{{border-collapse:collapse;margin:1em 0}}\
         th,td{{border:1px solid #bbb;padding:4px 8px;text-align:right}}\
         th:first-child,td:first-child{{text-align:left}}\
         .flip{{color:#b00;font-weight:bold}} figure{{margin:1em 0}}\
         </style></head><body>\n<h1>{}</h1>\n",
        esc(&title),
        esc(&title)
    );
    let _ = writeln!(h, "<p>Ballot: {}.", esc(&c.ballot));
    if let Some(o) = c.official_outcome {
        let _ = write!(h, " Official outcome: {}.", official_str(o));
    }
    let _ = writeln!(
        h,
        "</p>\n<h2>Mechanisms</h2>\n<table id=\"comparison\"><tr><th>mechanism</th>"
    );
    if let Some(first) = c.rows.first() {
        for ch in &first.choices {
            let _ = write!(h, "<th>{} power</th>", esc(&ch.name));
        }
    }
    let _ = writeln!(
        h,
        "<th>quorum</th><th>outcome</th><th>margin</th><th>deciders</th><th>Nakamoto</th><th>Gini</th></tr>"
    );
    for r in &c.rows {
        let _ = write!(h, "<tr><td>{}</td>", esc(&r.label));
        for ch in &r.choices {
            let _ = write!(h, "<td>{}</td>", esc(&ch.power.to_string()));
        }
        let outcome = match &r.winner {
            Some(w) if r.outcome == crate::rules::Outcome::Passed => format!("passed ({w})"),
            _ => r.outcome.as_str().to_string(),
        };
        let class = if r.differs_from_first {
            " class=\"flip\""
        } else {
            ""
        };
        let dash = || "–".to_string();
        let _ = writeln!(
            h,
            "<td>{}</td><td{class}>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            if r.quorum_reached {
                "reached"
            } else {
                "missed"
            },
            esc(&outcome),
            esc(&r.margin.as_ref().map_or_else(dash, ToString::to_string)),
            r.deciders.map_or_else(dash, |d| d.to_string()),
            r.nakamoto.map_or_else(dash, |d| d.to_string()),
            esc(&r.gini.as_ref().map_or_else(dash, ToString::to_string)),
        );
    }
    let _ = writeln!(h, "</table>");
    if c.flips.is_empty() {
        let _ = writeln!(h, "<p>No mechanism changes the outcome.</p>");
    } else {
        let _ = writeln!(h, "<ul>");
        for f in &c.flips {
            let _ = writeln!(h, "<li class=\"flip\">{}</li>", esc(f));
        }
        let _ = writeln!(h, "</ul>");
    }
    for (name, svg) in comparison_charts(c, extra_lorenz) {
        let _ = writeln!(
            h,
            "<figure id=\"{}\">{}</figure>",
            esc(name.trim_end_matches(".svg")),
            svg
        );
    }
    if !c.scenarios.is_empty() {
        let _ = writeln!(
            h,
            "<h2>Scenarios</h2>\n<table id=\"scenarios\"><tr><th>scenario</th>"
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
    let _ = writeln!(
        h,
        "<p><small>Powers are exact, in each mechanism's power units. Charts are drawn from \
         rounded values. Generated by govkit.</small></p>\n</body></html>"
    );
    h
}

/// The matching of a funding round per project under each rule, as an SVG
/// bar chart (tokens; floats for the picture only).
pub fn round_chart(r: &crate::funding::RoundReport) -> String {
    use num_traits::ToPrimitive;
    let tokens = |q: &crate::quantity::Quantity| {
        let scale = num_rational::BigRational::from_integer(
            num_bigint::BigInt::from(10u8).pow(u32::from(q.decimals())),
        );
        (q.as_rational() / scale).to_f64().unwrap_or(0.0)
    };
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
