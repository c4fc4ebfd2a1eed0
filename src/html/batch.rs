//! The batch report (`govkit compare --all --html`): one page for every
//! proposal of a source. The summary, the scenario results, every proposal
//! in one sortable table (sorting by exact values: each sortable number
//! cell carries its rank among the exact values in `data-k`), and a
//! section with the charts for each proposal whose outcome changes.

use std::collections::HashSet;
use std::fmt::Write as _;

use num_bigint::BigInt;
use num_rational::BigRational;

use super::{breakable, comparison_body, comparison_charts, esc, exact, page_start, LEGEND};
use crate::compare::{official_str, Comparison, Row};
use crate::io::OfficialStatus;
use crate::render::compare::NamedBatch;
use crate::rules::Outcome;

/// Sorts the `table.sortable` tables by a clicked heading: by `data-k`
/// (integers: ranks computed from the exact values) where a cell has one,
/// else by text; empty keys last.
const SORT_SCRIPT: &str = "<script>\
document.querySelectorAll('table.sortable').forEach(function(t){\
var b=t.tBodies[0],hs=t.tHead.rows[0].cells;\
Array.prototype.forEach.call(hs,function(h,i){h.tabIndex=0;\
h.onkeydown=function(e){if(e.key==='Enter')h.onclick();};\
h.onclick=function(){var d=h.getAttribute('aria-sort')==='ascending'?-1:1;\
Array.prototype.forEach.call(hs,function(x){x.removeAttribute('aria-sort');});\
h.setAttribute('aria-sort',d>0?'ascending':'descending');\
var k=function(r){var c=r.cells[i];return c.hasAttribute('data-k')?c.getAttribute('data-k'):c.textContent.trim();};\
var rows=Array.prototype.slice.call(b.rows);rows.sort(function(x,y){var p=k(x),q=k(y);\
if(p===''||q==='')return (p==='')-(q==='');var n=Number(p)-Number(q);\
return (isNaN(n)?p.localeCompare(q):n)*d;});\
rows.forEach(function(r){b.appendChild(r);});};});});\
</script>";

/// Extra style of the batch page.
const BATCH_STYLE: &str = "\
table.sortable th{cursor:pointer;user-select:none}\
th[aria-sort=ascending]::after{content:' ▲'}th[aria-sort=descending]::after{content:' ▼'}\
table.wrap td.t{min-width:7em;overflow-wrap:anywhere}table.wrap td.t:nth-child(2){min-width:5.5em}.off{outline:2px solid #e0a000;outline-offset:-2px}\
nav a{margin-right:1em}section.proposal{border-top:2px solid #ddd;margin-top:2em}\
td.skip{text-align:left;overflow-wrap:anywhere}";

/// Why a proposal gets its own section: a mechanism decides it
/// differently from the first, a scenario changes an outcome, or the first
/// mechanism differs from the official outcome.
fn reasons(c: &Comparison) -> Vec<&'static str> {
    let mut why = Vec::new();
    if c.rows.iter().any(|r| r.differs_from_first) {
        why.push("a mechanism changes the outcome");
    }
    if c.scenarios
        .iter()
        .any(|s| s.mechanisms.iter().any(|m| m.changed))
    {
        why.push("a scenario changes an outcome");
    }
    if c.rows.first().is_some_and(|r| differs_from_official(c, r)) {
        why.push("the re-tally differs from the official outcome");
    }
    why
}

fn differs_from_official(c: &Comparison, r: &Row) -> bool {
    let official = match c.official_outcome {
        Some(OfficialStatus::Passed) => Outcome::Passed,
        Some(OfficialStatus::Defeated) => Outcome::Rejected,
        _ => return false,
    };
    official != r.outcome
}

/// `text` with every character but ASCII letters, digits, `-` and `_`
/// replaced by `_` (element ids and file names).
fn slug(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// One unique slug per proposal of a batch, in order.
fn slugs(b: &NamedBatch, prefix: &str) -> Vec<String> {
    let mut seen = HashSet::new();
    b.batch
        .comparisons
        .iter()
        .map(|c| {
            let base = format!("{prefix}{}", slug(&c.id));
            let mut s = base.clone();
            let mut n = 1;
            while !seen.insert(s.clone()) {
                n += 1;
                s = format!("{base}-{n}");
            }
            s
        })
        .collect()
}

/// The prefix of a source's ids and file names: none for a single source.
fn prefix(list: &[NamedBatch], i: usize) -> String {
    if list.len() == 1 {
        String::new()
    } else {
        format!("{}-", slug(&list[i].source))
    }
}

/// Every compared proposal's charts (file name, SVG): `ID-scores.svg` and
/// `ID-lorenz.svg` (ids with other characters than letters, digits, `-`
/// and `_` written with `_`; `SOURCE-` in front when there are several
/// sources).
pub fn batch_charts(list: &[NamedBatch]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, b) in list.iter().enumerate() {
        for (c, s) in b.batch.comparisons.iter().zip(slugs(b, &prefix(list, i))) {
            for (name, svg) in comparison_charts(c, &[]) {
                out.push((format!("{s}-{name}"), svg));
            }
        }
    }
    out
}

/// Ranks (0 = smallest) of the first rows' exact margins, in whole units;
/// `None` where a proposal has no margin.
fn margin_ranks(comparisons: &[Comparison]) -> Vec<Option<usize>> {
    let value = |c: &Comparison| {
        c.rows.first().and_then(|r| r.margin.as_ref()).map(|m| {
            m.as_rational()
                / BigRational::from_integer(BigInt::from(10u8).pow(u32::from(m.decimals())))
        })
    };
    let values: Vec<Option<BigRational>> = comparisons.iter().map(value).collect();
    let mut order: Vec<usize> = (0..values.len()).filter(|&i| values[i].is_some()).collect();
    order.sort_by(|&a, &b| values[a].cmp(&values[b]));
    let mut ranks = vec![None; values.len()];
    let mut rank = 0;
    for (n, &i) in order.iter().enumerate() {
        if n > 0 && values[i] != values[order[n - 1]] {
            rank = n;
        }
        ranks[i] = Some(rank);
    }
    ranks
}

/// An id cut to 10 characters (the whole id is on hover).
fn short(id: &str) -> String {
    if id.chars().count() > 11 {
        format!("{}…", id.chars().take(10).collect::<String>())
    } else {
        id.to_string()
    }
}

/// A proposal id and its title, linked to its section when it has one.
fn proposal_link(c: &Comparison, anchor: Option<&str>) -> String {
    let id = format!(
        "<span title=\"{}\">{}</span>",
        esc(&c.id),
        esc(&short(&c.id))
    );
    match anchor {
        Some(a) => format!("<a href=\"#{a}\">{id}</a>"),
        None => id,
    }
}

/// The whole batch report (one or several sources) as one HTML document.
pub fn batch_html(list: &[NamedBatch]) -> String {
    let mut h = String::new();
    let names: Vec<&str> = list.iter().map(|b| b.source.as_str()).collect();
    let title = format!("govkit compare --all: {}", names.join(", "));
    page_start(&mut h, &title, BATCH_STYLE);
    for (i, b) in list.iter().enumerate() {
        source_section(&mut h, b, &prefix(list, i));
    }
    let _ = writeln!(
        h,
        "<p class=\"note\">Every number is the library's exact result: hover a number for its \
         exact value; sorting uses the exact values. Charts are drawn from rounded values. \
         Generated by govkit.</p>\n{SORT_SCRIPT}\n</body></html>"
    );
    h
}

fn source_section(h: &mut String, b: &NamedBatch, prefix: &str) {
    let s = &b.summary;
    let comparisons = &b.batch.comparisons;
    let slugs = slugs(b, prefix);
    let why: Vec<Vec<&str>> = comparisons.iter().map(reasons).collect();
    let anchor = |i: usize| (!why[i].is_empty()).then(|| format!("p-{}", slugs[i]));
    let first = s.mechanisms.first().map_or("", |m| m.label.as_str());
    let _ = writeln!(
        h,
        "<h2 id=\"{prefix}summary\">{}</h2>\n<p>{} proposals compared, {} skipped. \
         Flips (a mechanism deciding differently from {}) are <span class=\"flip\">red</span>; \
         a re-tally that differs from the official outcome is <span class=\"off\">outlined</span>.</p>\
         \n<nav><a href=\"#{prefix}proposals\">every proposal</a><a href=\"#{prefix}scenario-results\">\
         scenarios</a><a href=\"#{prefix}changed\">changed proposals</a>\
         <a href=\"#{prefix}skipped\">skipped</a></nav>",
        esc(&b.source),
        s.proposals,
        s.skipped,
        esc(first)
    );
    let _ = writeln!(
        h,
        "<div class=\"scroll\"><table id=\"{prefix}summary-table\"><thead><tr><th>mechanism</th><th>passed</th>\
         <th>differs from official</th><th>differs from {}</th><th class=\"t\">changed \
         proposals</th></tr></thead><tbody>",
        esc(first)
    );
    for m in &s.mechanisms {
        let links: Vec<String> = m
            .changed
            .iter()
            .filter_map(|p| comparisons.iter().position(|c| c.id == p.id))
            .map(|i| proposal_link(&comparisons[i], anchor(i).as_deref()))
            .collect();
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{} of {}</td><td>{}</td><td class=\"t\">{}</td></tr>",
            esc(&m.label),
            m.passed,
            m.differs_from_official,
            m.with_official,
            m.differs_from_first,
            links.join(", ")
        );
    }
    let _ = writeln!(h, "</tbody></table></div>");
    h.push_str(LEGEND);
    scenario_results(h, comparisons, prefix, &anchor);
    proposals_table(h, comparisons, prefix, &anchor);
    let _ = writeln!(
        h,
        "<h2 id=\"{prefix}changed\">Proposals whose outcome changes</h2>"
    );
    let mut any = false;
    for (i, c) in comparisons.iter().enumerate() {
        let Some(a) = anchor(i) else { continue };
        any = true;
        let _ =
            writeln!(
            h,
            "<section class=\"proposal\" id=\"{a}\"><h3>{}{}</h3>\n<p class=\"id\">proposal id \
             <code>{}</code> · {}</p>",
            esc(c.title.as_deref().unwrap_or("Proposal")),
            c.title.as_ref().map_or_else(|| format!(" {}", esc(&c.id)), |_| String::new()),
            esc(&c.id),
            why[i].join("; ")
        );
        comparison_body(h, c, &[], &format!("{a}-"), false);
        let _ = writeln!(
            h,
            "<p><a href=\"#{prefix}proposals\">back to every proposal</a></p></section>"
        );
    }
    if !any {
        let _ = writeln!(h, "<p>None: every mechanism and scenario agrees.</p>");
    }
    let _ = writeln!(
        h,
        "<h2 id=\"{prefix}skipped\">Skipped proposals</h2>\n<details><summary>{} skipped, \
         with the reason</summary><div class=\"scroll\"><table><thead><tr><th>id</th><th class=\"t\">reason</th>\
         </tr></thead><tbody>",
        b.batch.skipped.len()
    );
    for k in &b.batch.skipped {
        let _ = writeln!(
            h,
            "<tr><td><span title=\"{}\">{}</span></td><td class=\"skip\">{}</td></tr>",
            esc(&k.id),
            esc(&short(&k.id)),
            esc(&k.reason)
        );
    }
    let _ = writeln!(h, "</tbody></table></div></details>");
}

/// Per scenario and mechanism: how many outcomes change, and which.
fn scenario_results(
    h: &mut String,
    comparisons: &[Comparison],
    prefix: &str,
    anchor: &dyn Fn(usize) -> Option<String>,
) {
    let Some(first) = comparisons.first() else {
        return;
    };
    if first.scenarios.is_empty() {
        let _ = writeln!(
            h,
            "<h2 id=\"{prefix}scenario-results\">Scenarios</h2>\n<p>None asked for \
             (<code>--scenario</code>).</p>"
        );
        return;
    }
    let _ = writeln!(
        h,
        "<h2 id=\"{prefix}scenario-results\">Scenarios</h2>\n<div class=\"scroll\"><table id=\"{prefix}scenarios\">\
         <thead><tr><th>scenario</th><th class=\"t\">mechanism</th><th>outcomes changed</th>\
         <th class=\"t\">proposals</th></tr></thead><tbody>"
    );
    for (si, scenario) in first.scenarios.iter().enumerate() {
        for (mi, m) in scenario.mechanisms.iter().enumerate() {
            let changed: Vec<String> = comparisons
                .iter()
                .enumerate()
                .filter(|(_, c)| {
                    c.scenarios
                        .get(si)
                        .and_then(|s| s.mechanisms.get(mi))
                        .is_some_and(|m| m.changed)
                })
                .map(|(i, c)| proposal_link(c, anchor(i).as_deref()))
                .collect();
            let class = if changed.is_empty() {
                ""
            } else {
                " class=\"flip\""
            };
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td class=\"t\">{}</td><td{class}>{} of {}</td><td class=\"t\">{}</td></tr>",
                esc(&scenario.scenario),
                esc(&m.label),
                changed.len(),
                comparisons.len(),
                changed.join(", ")
            );
        }
    }
    let _ = writeln!(h, "</tbody></table></div>");
}

/// Every proposal, one row each, sortable.
fn proposals_table(
    h: &mut String,
    comparisons: &[Comparison],
    prefix: &str,
    anchor: &dyn Fn(usize) -> Option<String>,
) {
    let labels: Vec<&str> = comparisons
        .first()
        .map(|c| c.rows.iter().map(|r| r.label.as_str()).collect())
        .unwrap_or_default();
    let first = labels.first().copied().unwrap_or("");
    let _ = write!(
        h,
        "<h2 id=\"{prefix}proposals\">Every proposal</h2>\n<p>Click a heading to sort. \
         Margin, deciders and Nakamoto are {}'s.</p>\n<div class=\"scroll\"><table id=\"{prefix}proposals-table\" \
         class=\"sortable wrap\"><thead><tr><th>#</th><th class=\"t\">id</th>\
         <th class=\"t\">title</th><th>official</th>",
        esc(first)
    );
    for l in &labels {
        let _ = write!(h, "<th>{}</th>", breakable(l));
    }
    let _ = writeln!(
        h,
        "<th>margin</th><th>de&shy;ciders</th><th>Naka&shy;moto</th></tr></thead><tbody>"
    );
    let numeric = comparisons.iter().all(|c| c.id.parse::<u128>().is_ok());
    let ranks = margin_ranks(comparisons);
    for (i, c) in comparisons.iter().enumerate() {
        let flipped = c.rows.iter().any(|r| r.differs_from_first);
        let id_key = if numeric {
            format!(" data-k=\"{}\"", c.id.parse::<u128>().unwrap_or(0))
        } else {
            String::new()
        };
        let _ = write!(
            h,
            "<tr{}><td data-k=\"{i}\">{}</td><td class=\"t\"{id_key}>{}</td><td class=\"t\">{}</td><td>{}</td>",
            if flipped { " class=\"flip\"" } else { "" },
            i + 1,
            proposal_link(c, anchor(i).as_deref()),
            esc(c.title.as_deref().unwrap_or("")),
            c.official_outcome.map_or("–", official_str)
        );
        // Winners are named where the rows of a proposal disagree on one.
        let winners_differ = c.rows.iter().any(|r| r.winner != c.rows[0].winner);
        for r in &c.rows {
            let mut class = Vec::new();
            if r.differs_from_first {
                class.push("flip");
            }
            if differs_from_official(c, r) {
                class.push("off");
            }
            let mut text = esc(&match (&r.winner, winners_differ, r.outcome) {
                (Some(w), true, Outcome::Passed) => format!("passed ({w})"),
                _ => r.outcome.as_str().to_string(),
            });
            if r.quorum.set && !r.quorum_reached {
                text.push_str("<small>no quorum</small>");
            }
            let _ = write!(
                h,
                "<td{}>{}</td>",
                if class.is_empty() {
                    String::new()
                } else {
                    format!(" class=\"{}\"", class.join(" "))
                },
                text
            );
        }
        let row = c.rows.first();
        let margin = row.and_then(|r| r.margin.as_ref());
        let count = |v: Option<usize>| {
            v.map_or_else(
                || "<td data-k=\"\">–</td>".to_string(),
                |d| format!("<td>{d}</td>"),
            )
        };
        let _ = writeln!(
            h,
            "<td data-k=\"{}\">{}</td>{}{}</tr>",
            ranks[i].map_or_else(String::new, |r| r.to_string()),
            margin.map_or_else(|| "–".to_string(), exact),
            count(row.and_then(|r| r.deciders)),
            count(row.and_then(|r| r.nakamoto)),
        );
    }
    let _ = writeln!(h, "</tbody></table></div>");
}
