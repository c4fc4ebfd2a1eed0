//! The HTML reports of `govkit compare`: the single-proposal report
//! (issue 16 item 17), the batch report of `--all` (item 16), and both
//! checked in headless Chromium at laptop and narrow widths (item 18): no
//! table or chart wider than the window, every chart with its title and
//! axis labels, no network request, screenshots at 1400 and 800 px.
//!
//! The Chromium tests skip with a note when no Chromium is installed (CI
//! installs it and must have it).

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command as Process;

use assert_cmd::Command;
use num_bigint::BigInt;
use serde_json::Value;

fn manifest(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative)
}

fn govkit(args: &[&str]) -> Vec<u8> {
    Command::cargo_bin("govkit")
        .unwrap()
        .args(args)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The text of every `<text>` element of an SVG (or a page of them).
fn svg_texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let start = t.find('>')? + 1;
            let end = t.find("</text>")?;
            Some(t[start..end].trim().to_string())
        })
        .filter(|t| !t.is_empty())
        .collect()
}

/// Every `<figure ...>...</figure>` of a page: (its id, its content).
fn figures(html: &str) -> Vec<(String, String)> {
    html.split("<figure")
        .skip(1)
        .map(|f| {
            let id = f
                .split_once("id=\"")
                .map(|(_, rest)| rest[..rest.find('"').unwrap()].to_string())
                .unwrap_or_default();
            (id, f[..f.find("</figure>").unwrap()].to_string())
        })
        .collect()
}

/// Every chart of a page is a score chart or a Lorenz chart, with its
/// title and both axis labels drawn (and the quorum panel's axis where the
/// proposal has a quorum); returns how many there are.
fn assert_charts_labelled(html: &str) -> usize {
    let figures = figures(html);
    for (id, figure) in &figures {
        assert!(figure.contains("<svg"), "{id}: no svg");
        let texts = svg_texts(figure);
        let has = |t: &str| texts.iter().any(|x| x.contains(t));
        let expected: &[&str] = if id.ends_with("scores") {
            &[
                "Share of power by choice",
                "mechanism",
                "share of counted power (%)",
            ]
        } else if id.ends_with("lorenz") {
            &[
                "Lorenz curves of voting power",
                "share of voters, smallest first",
                "share of voting power",
            ]
        } else {
            panic!("a chart of no known kind: {id}")
        };
        for t in expected {
            assert!(has(t), "{id}: no {t:?} in {texts:?}");
        }
        if id.ends_with("scores") && has("quorum ") {
            assert!(has("tokens counted toward the quorum"), "{id}: quorum axis");
        }
        // Readable text: nothing under 13 px; no minor grid (plotters
        // draws it at opacity 0.1).
        for size in figure.split("font-size=\"").skip(1) {
            let px: f64 = size[..size.find('"').unwrap()].parse().unwrap();
            assert!(px >= 13.0, "{id}: text at {px} px");
        }
        assert!(!figure.contains("opacity=\"0.1\""), "{id}: minor grid");
    }
    figures.len()
}

/// Fails on anything a page could load from elsewhere. In-page links
/// (`href="#..."`) and inline scripts are allowed (`scripts`).
fn assert_self_contained(html: &str, scripts: bool) {
    let text = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    for needle in ["src=", "http://", "https://", "@import", "url(", "<link"] {
        assert!(!text.contains(needle), "the report contains {needle:?}");
    }
    assert_eq!(
        text.matches("href=\"").count(),
        text.matches("href=\"#").count(),
        "a link out of the page"
    );
    if !scripts {
        assert!(!text.contains("<script"), "a script");
    }
}

// ---- item 17: the single-proposal report --------------------------------

fn compound_43_report(dir: &Path) -> (PathBuf, String) {
    let html = dir.join("compound-43.html");
    govkit(&[
        "compare",
        path(&manifest("proposals/compound-43.toml")),
        "--html",
        path(&html),
    ]);
    let text = std::fs::read_to_string(&html).unwrap();
    (html, text)
}

#[test]
fn single_report_reads_like_a_report() {
    let dir = tempfile::tempdir().unwrap();
    let (_, html) = compound_43_report(dir.path());
    let json: Value = serde_json::from_slice(&govkit(&[
        "compare",
        path(&manifest("proposals/compound-43.toml")),
        "--format",
        "json",
    ]))
    .unwrap();
    let tw = &json["rows"][0];
    // The exact power on hover, digits grouped, the share in percent
    // beside it: 1367841.964900760752685033 For tokens, 99.64%.
    let exact = tw["choices"][0]["power"].as_str().unwrap();
    assert_eq!(exact, "1367841.964900760752685033");
    let cell = format!("<span title=\"{exact}\">1,367,842</span>");
    let at = html.find(&cell).unwrap_or_else(|| panic!("no {cell}"));
    assert!(html[at..at + 200].contains("99.64%"), "no share beside it");
    // The quadratic row's margin 4360.844815672 reads 4,361.
    assert!(html.contains("<span title=\"4360.844815672\">4,361</span>"));
    // What the columns mean.
    let legend = &html[html.find("<dl class=\"legend\">").expect("a legend")..];
    let legend = &legend[..legend.find("</dl>").unwrap()];
    for term in ["margin", "deciders", "Nakamoto", "Gini", "quorum"] {
        assert!(legend.contains(&format!("<dt>{term}</dt>")), "{term}");
    }
    // The quorum line on the score chart: 400,000 COMP counted on For.
    let scores = &figures(&html)[0].1;
    let texts = svg_texts(scores);
    assert!(texts.contains(&"quorum 400,000".to_string()), "{texts:?}");
    assert!(texts.contains(&"tokens counted toward the quorum (For)".to_string()));
    assert!(html.contains("Quorum: <span title=\"400000\">400,000</span> tokens"));
    assert_eq!(assert_charts_labelled(&html), 2);
    // Scales to a narrow screen.
    assert!(html.contains("name=\"viewport\""));
    assert!(html.contains("figure svg{max-width:100%;height:auto"));
    assert_self_contained(&html, false);
}

#[test]
fn report_of_one_proposal_of_a_batch_file_has_its_title_and_id() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("63.html");
    govkit(&[
        "compare",
        path(&manifest("proposals/headline/compound-bravo.toml")),
        "--proposal-id",
        "63",
        "--html",
        path(&html),
    ]);
    let html = std::fs::read_to_string(&html).unwrap();
    // The title of proposal 63 in the Bravo log, not the template's.
    assert!(
        html.contains("<h1>Temporarily Disable COMP Rewards</h1>"),
        "{}",
        &html[..html.find("</h1>").unwrap_or(0)]
    );
    assert!(html.contains("proposal id <code>63</code>"));
    assert!(!html.contains("Compound Governor Bravo"));
    assert!(html.contains("Official outcome: <b>canceled</b>"));
}

// ---- item 16: the batch report ------------------------------------------

/// The Bravo batch under whales-abstain:1: the page, the SVG folder and
/// the same batch as JSON.
fn bravo_batch(dir: &Path) -> (String, PathBuf, Value) {
    let file = manifest("proposals/headline/compound-bravo.toml");
    let html = dir.join("bravo.html");
    let svg = dir.join("svg");
    let args = [
        "compare",
        "--all",
        path(&file),
        "--scenario",
        "whales-abstain:1",
    ];
    let out = govkit(&[&args[..], &["--html", path(&html), "--svg", path(&svg)]].concat());
    assert!(String::from_utf8(out)
        .unwrap()
        .contains("proposals compared"));
    let json: Value =
        serde_json::from_slice(&govkit(&[&args[..], &["--format", "json"]].concat())).unwrap();
    (std::fs::read_to_string(&html).unwrap(), svg, json)
}

fn changed(p: &Value) -> bool {
    let rows = p["rows"].as_array().unwrap();
    rows.iter().any(|r| r["differs_from_first"] == true)
        || p["scenarios"].as_array().unwrap().iter().any(|s| {
            s["mechanisms"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["changed"] == true)
        })
}

#[test]
fn batch_report_is_one_page_with_every_proposal_and_the_flips_linked() {
    let dir = tempfile::tempdir().unwrap();
    let (html, svg, json) = bravo_batch(dir.path());
    assert_self_contained(&html, true);
    let proposals = json["proposals"].as_array().unwrap();
    let n = proposals.len();
    assert_eq!(json["summary"]["proposals"], n);
    // The summary table, one row per mechanism, with the JSON's counts.
    let summary = &html[html.find("id=\"summary-table\"").expect("summary")..];
    let summary = &summary[..summary.find("</table>").unwrap()];
    for m in json["summary"]["mechanisms"].as_array().unwrap() {
        let row = format!(
            "<tr><td>{}</td><td>{}</td><td>{} of {}</td><td>{}</td>",
            m["label"].as_str().unwrap(),
            m["passed"],
            m["differs_from_official"],
            m["with_official"],
            m["differs_from_first"]
        );
        assert!(summary.contains(&row), "no {row}");
    }
    // Every proposal in the sortable table, in source order.
    let table = &html[html
        .find("id=\"proposals-table\"")
        .expect("proposals table")..];
    let table = &table[..table.find("</table>").unwrap()];
    assert!(html[..html.find("id=\"proposals-table\"").unwrap() + 60].contains("sortable"));
    let body = &table[table.find("<tbody>").unwrap()..];
    assert_eq!(body.matches("<tr").count(), n);
    for (i, p) in proposals.iter().enumerate() {
        let id = p["id"].as_str().unwrap();
        let row = body.split("<tr").nth(i + 1).unwrap();
        assert!(
            row.contains(&format!("title=\"{id}\"")),
            "row {i} is not {id}"
        );
        // Flips highlighted, linked to the proposal's section with its
        // two charts.
        let section = format!("<section class=\"proposal\" id=\"p-{id}\">");
        if changed(p) {
            assert!(row.contains(&format!("href=\"#p-{id}\"")), "{id}: no link");
            let at = html
                .find(&section)
                .unwrap_or_else(|| panic!("no {section}"));
            let s = &html[at..at + html[at..].find("</section>").unwrap()];
            let ids: Vec<String> = figures(s).into_iter().map(|f| f.0).collect();
            assert_eq!(ids, [format!("p-{id}-scores"), format!("p-{id}-lorenz")]);
        }
        let differs = p["rows"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["differs_from_first"] == true);
        assert_eq!(row.starts_with(" class=\"flip\""), differs, "{id}");
        let missed = p["rows"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["quorum_reached"] == false)
            .count();
        assert_eq!(
            row.matches("<small>no quorum</small>").count(),
            missed,
            "{id}"
        );
    }
    assert!(proposals.iter().any(changed));
    // The scenario results: how many outcomes whales-abstain:1 changes
    // under each mechanism, as in the JSON.
    let scenarios = &html[html.find("id=\"scenarios\"").expect("scenario table")..];
    let scenarios = &scenarios[..scenarios.find("</table>").unwrap()];
    for (m, label) in json["proposals"][0]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["label"].as_str().unwrap())
        .enumerate()
    {
        let k = proposals
            .iter()
            .filter(|p| p["scenarios"][0]["mechanisms"][m]["changed"] == true)
            .count();
        let row = format!("<tr><td>whales-abstain:1</td><td class=\"t\">{label}</td>");
        let at = scenarios.find(&row).unwrap_or_else(|| panic!("no {row}"));
        assert!(
            scenarios[at..].contains(&format!("{k} of {n}</td>")),
            "{label}: {k}"
        );
    }
    // The skipped proposals, with their reasons.
    for s in json["skipped"].as_array().unwrap() {
        assert!(html.contains(&esc(s["reason"].as_str().unwrap())));
    }
    // --svg: each compared proposal's two charts.
    let files: BTreeSet<String> = std::fs::read_dir(&svg)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(files.len(), 2 * n);
    for p in proposals {
        let id = p["id"].as_str().unwrap();
        for kind in ["scores", "lorenz"] {
            let name = format!("{id}-{kind}.svg");
            assert!(files.contains(&name), "no {name}");
        }
    }
    let one = std::fs::read_to_string(svg.join(format!(
        "{}-scores.svg",
        proposals[0]["id"].as_str().unwrap()
    )))
    .unwrap();
    assert!(one.starts_with("<svg"));
}

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The Decentraland batch report is small enough to mail; README states
/// its size.
#[test]
fn decentraland_batch_report_is_small_and_named_in_readme() {
    common::shared("data/decentraland/votes.csv");
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("decentraland.html");
    govkit(&[
        "compare",
        "--all",
        path(&manifest("proposals/headline/decentraland.toml")),
        "--html",
        path(&html),
    ]);
    let text = std::fs::read_to_string(&html).unwrap();
    assert_self_contained(&text, true);
    check_in_chromium(&html, "decentraland-batch");
    let bytes = text.len();
    assert!(bytes < 1_500_000, "{bytes} bytes");
    // README: "... the Decentraland batch report is N bytes ...", within 5%
    // (the page changes a little with every wording of the report).
    let readme = std::fs::read_to_string(manifest("README.md")).unwrap();
    let marker = "the Decentraland batch report is ";
    let at = readme
        .find(marker)
        .expect("README states the report's size")
        + marker.len();
    let stated: usize = readme[at..at + readme[at..].find(" bytes").unwrap()]
        .replace(',', "")
        .parse()
        .unwrap();
    assert!(
        bytes.abs_diff(stated) * 20 <= stated,
        "README states {stated} bytes, the report is {bytes}"
    );
}

// ---- item 18: both reports in Chromium ----------------------------------

use common::chromium;

/// Runs headless Chromium on a file with a window `width` px wide; `what`
/// is `--dump-dom` or `--screenshot=PATH`. Returns stdout.
fn run_chromium(chromium: &Path, html: &Path, width: u32, what: &str) -> String {
    let profile = tempfile::tempdir().unwrap();
    let out = Process::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            what,
        ])
        .arg(format!("--window-size={width},1000"))
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Measures the laid-out page: the page's own width against the window,
/// and every table, figure and chart's box (and any scroll box that
/// would scroll). Written into the DOM as `<pre id="layout-check">`.
const MEASURE: &str = "<script>(function(){\
var W=document.documentElement.clientWidth,bad=[];\
if(document.documentElement.scrollWidth>W)bad.push('page '+document.documentElement.scrollWidth);\
document.querySelectorAll('table,figure,svg').forEach(function(e){var r=e.getBoundingClientRect();\
if(r.width>0&&(r.right>W+0.5||r.left<-0.5))bad.push((e.id||e.tagName)+' '+Math.round(r.left)+'..'+Math.round(r.right));});\
document.querySelectorAll('.scroll').forEach(function(e){if(e.scrollWidth>e.clientWidth+1)\
bad.push('scrolls '+(e.firstElementChild&&e.firstElementChild.id));});\
var m=document.createElement('pre');m.id='layout-check';\
m.textContent='width='+W+' overflow='+JSON.stringify(bad);document.body.appendChild(m);})();</script>";

/// Loads a copy of `html` with `script` at the end of its body and returns
/// the text of the element `#marker` it writes.
fn run_script(chromium: &Path, html: &Path, width: u32, script: &str, marker: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("page.html");
    let text = std::fs::read_to_string(html).unwrap();
    let at = text.rfind("</body>").unwrap();
    std::fs::write(&copy, format!("{}{script}{}", &text[..at], &text[at..])).unwrap();
    let dom = run_chromium(chromium, &copy, width, "--dump-dom");
    let start = dom
        .find(&format!("<pre id=\"{marker}\">"))
        .unwrap_or_else(|| panic!("{marker} not written"));
    let rest = &dom[start..];
    rest[rest.find('>').unwrap() + 1..rest.find("</pre>").unwrap()].to_string()
}

/// The report at laptop and narrow widths: nothing overflows; the charts
/// in the rendered DOM have titles and axis labels; screenshots at 1400
/// and 800 px are written to the target folder for people to look at.
fn check_in_chromium(html: &Path, name: &str) {
    let Some(chromium) = chromium() else { return };
    for width in [1400, 900, 800] {
        let check = run_script(&chromium, html, width, MEASURE, "layout-check");
        assert!(
            check.ends_with("overflow=[]"),
            "{name} at {width} px: {check}"
        );
    }
    let dom = run_chromium(&chromium, html, 1400, "--dump-dom");
    assert!(
        assert_charts_labelled(&dom) >= 2,
        "{name}: charts in the DOM"
    );
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    for width in [1400, 800] {
        let png = shots.join(format!("{name}-{width}.png"));
        let _ = std::fs::remove_file(&png);
        run_chromium(
            &chromium,
            html,
            width,
            &format!("--screenshot={}", png.display()),
        );
        let bytes = std::fs::read(&png).unwrap();
        assert!(bytes.starts_with(b"\x89PNG"), "{}", png.display());
        eprintln!("screenshot: {}", png.display());
    }
}

#[test]
fn single_report_fits_laptop_and_narrow_windows_in_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let (html, _) = compound_43_report(dir.path());
    check_in_chromium(&html, "compound-43");
    // A five-mechanism table (the proposal's own and four more) with a
    // scenario.
    let toy = dir.path().join("toy.html");
    govkit(&[
        "compare",
        path(&manifest("tests/data/compare/proposal.toml")),
        "--mechanisms",
        "token-weighted,quadratic,capped:40%,quadratic-capped:40%",
        "--scenario",
        "sybil:4",
        "--html",
        path(&toy),
    ]);
    check_in_chromium(&toy, "toy");
}

#[test]
fn batch_report_fits_and_sorts_by_exact_values_in_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let (_, _, json) = bravo_batch(dir.path());
    let html = dir.path().join("bravo.html");
    check_in_chromium(&html, "bravo-batch");
    let Some(chromium) = chromium() else { return };
    // Click "margin" twice (ascending, then descending) and read the ids.
    let margin_column = 4 + json["proposals"][0]["rows"].as_array().unwrap().len();
    let script = format!(
        "<script>(function(){{var t=document.getElementById('proposals-table');\
         var h=t.tHead.rows[0].cells[{margin_column}];var order=function(){{\
         return Array.prototype.map.call(t.tBodies[0].rows,function(r){{\
         return r.cells[1].querySelector('span').getAttribute('title');}}).join(' ');}};\
         h.click();var up=order();h.click();var down=order();\
         var m=document.createElement('pre');m.id='sorted';m.textContent=h.textContent+'|'+up+'|'+down;\
         document.body.appendChild(m);}})();</script>"
    );
    let sorted = run_script(&chromium, &html, 1400, &script, "sorted");
    let parts: Vec<&str> = sorted.split('|').collect();
    assert!(parts[0].starts_with("margin"), "{sorted}");
    // The order by the exact margins (base units), ties in source order;
    // a proposal without a margin last.
    let mut expected: Vec<(Option<BigInt>, usize, &str)> = json["proposals"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let margin = p["rows"][0]["margin"].as_str().map(base_units);
            (margin, i, p["id"].as_str().unwrap())
        })
        .collect();
    expected.sort_by(|a, b| match (&a.0, &b.0) {
        (Some(x), Some(y)) => x.cmp(y).then(a.1.cmp(&b.1)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.1.cmp(&b.1),
    });
    let ids: Vec<&str> = expected.iter().map(|e| e.2).collect();
    assert_eq!(parts[1], ids.join(" "), "ascending");
    let descending: Vec<&str> = parts[2].split(' ').collect();
    let with_margin = expected.iter().filter(|e| e.0.is_some()).count();
    // Descending: the largest margin first (ties keep their order).
    assert_eq!(
        descending.first(),
        ids[..with_margin].last(),
        "descending starts at the largest margin"
    );
}

/// A decimal token amount ("-1234.5") in base units (18 decimals).
fn base_units(text: &str) -> BigInt {
    let (sign, digits) = match text.strip_prefix('-') {
        Some(t) => (-1, t),
        None => (1, text),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let n: BigInt = format!("{int}{frac:0<18}").parse().unwrap();
    n * sign
}
