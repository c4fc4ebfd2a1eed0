//! The invariants of ARCHITECTURE.md that a test can see, checked on the
//! source text: who reads files, which module may use which, unique public
//! names, one file per mechanism and per passing rule.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// The file's code lines (1-based numbers), without comments and without
/// its unit-test module.
fn code(path: &Path) -> Vec<(usize, String)> {
    let text = std::fs::read_to_string(path).unwrap();
    let end = text.find("#[cfg(test)]\nmod tests").unwrap_or(text.len());
    text[..end]
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim_start().starts_with("//"))
        .map(|(i, l)| (i + 1, l.to_string()))
        .collect()
}

/// `src/io/holders.rs` -> `io`; `src/vote.rs` -> `vote`.
fn module_of(path: &Path) -> String {
    let rel = path.strip_prefix(src()).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

fn relative(path: &Path) -> String {
    path.strip_prefix(src().parent().unwrap())
        .unwrap()
        .display()
        .to_string()
}

#[test]
fn only_the_io_layer_reads_files() {
    // The CLI may write the outputs a user asked for, never read inputs.
    let reads = [
        "fs::read",
        "File::open",
        "read_dir",
        "CsvFile::open",
        "read_to_string(",
        "fs::metadata",
    ];
    let mut found = Vec::new();
    for path in rust_files(&src()) {
        if module_of(&path) == "io" {
            continue;
        }
        for (line, text) in code(&path) {
            if reads.iter().any(|r| text.contains(r)) {
                found.push(format!("{}:{line}: {}", relative(&path), text.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "files are read outside src/io:\n{}",
        found.join("\n")
    );
}

#[test]
fn cli_files_stay_thin() {
    for path in rust_files(&src().join("cli")) {
        let lines = std::fs::read_to_string(&path).unwrap().lines().count();
        assert!(
            lines <= 150,
            "{} has {lines} lines: a subcommand parses flags, makes one library call and \
             hands the result to one renderer",
            relative(&path)
        );
    }
}

/// Every module a top-level module uses (`crate::x` in code lines).
fn dependencies() -> BTreeMap<String, BTreeMap<String, String>> {
    let mut deps: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for path in rust_files(&src()) {
        let from = module_of(&path);
        if ["lib", "main", "cli"].contains(&from.as_str()) {
            continue;
        }
        for (line, text) in code(&path) {
            let mut rest = text.as_str();
            while let Some(i) = rest.find("crate::") {
                rest = &rest[i + 7..];
                let to: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !to.is_empty() && to != from {
                    deps.entry(from.clone())
                        .or_default()
                        .entry(to)
                        .or_insert_with(|| format!("{}:{line}", relative(&path)));
                }
            }
        }
    }
    deps
}

#[test]
fn modules_depend_one_way() {
    // files -> sources (io) -> holders/votes -> delegation -> mechanism ->
    // ballot -> rules -> result (report) -> analyses -> render.
    let domain = [
        "amount",
        "decimal",
        "share",
        "score",
        "choices",
        "vote",
        "quantity",
        "error",
        "identities",
        "holders",
        "options",
    ];
    let pipeline = [
        "io",
        "fetch",
        "delegation",
        "mechanism",
        "ballot",
        "rules",
        "evaluate",
        "report",
        "registry",
        "proposal",
    ];
    let analyses = [
        "compare", "batch", "control", "sybil", "scenario", "synth", "charts", "html", "render",
        "funding",
    ];
    let mut forbidden: Vec<(&str, &str)> = Vec::new();
    for d in domain {
        for m in pipeline.iter().chain(&analyses) {
            forbidden.push((d, m));
        }
    }
    for (from, to) in [
        (
            "ballot",
            &["io", "mechanism", "rules", "evaluate", "report", "proposal"][..],
        ),
        (
            "mechanism",
            &["ballot", "rules", "evaluate", "report", "proposal"],
        ),
        (
            "delegation",
            &[
                "mechanism",
                "ballot",
                "rules",
                "evaluate",
                "report",
                "proposal",
            ],
        ),
        (
            "rules",
            &[
                "io",
                "delegation",
                "mechanism",
                "ballot",
                "evaluate",
                "report",
                "proposal",
            ],
        ),
        (
            "report",
            &["evaluate", "proposal", "mechanism", "ballot", "delegation"],
        ),
        ("evaluate", &["proposal"]),
        // The fetchers sit beside io, before everything else: they get the
        // files io reads (and read their caches back through io); they know
        // nothing of evaluation, and nothing but the CLI calls them.
        (
            "fetch",
            &[
                "delegation",
                "mechanism",
                "ballot",
                "rules",
                "evaluate",
                "report",
                "registry",
                "proposal",
            ],
        ),
        (
            "io",
            &[
                "fetch",
                "evaluate",
                "report",
                "rules",
                "ballot",
                "mechanism",
                "proposal",
            ],
        ),
    ] {
        for t in to {
            forbidden.push((from, t));
        }
    }
    // Documented exceptions: io builds the inputs of the analyses whose
    // files it reads (funding rounds, like the conviction files).
    let allowed = [("io", "funding")];
    for m in pipeline {
        for a in analyses {
            if !allowed.contains(&(m, a)) {
                forbidden.push((m, a));
            }
        }
    }
    let deps = dependencies();
    let mut broken = Vec::new();
    for (from, to) in forbidden {
        if let Some(at) = deps.get(from).and_then(|d| d.get(to)) {
            broken.push(format!("{from} uses {to} ({at})"));
        }
    }
    assert!(broken.is_empty(), "layering broken:\n{}", broken.join("\n"));
}

#[test]
fn modules_have_no_cycles() {
    let deps = dependencies();
    // Depth-first search for a back edge.
    fn visit(
        m: &str,
        deps: &BTreeMap<String, BTreeMap<String, String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == m) {
            return Some(path[i..].to_vec());
        }
        if done.contains(m) {
            return None;
        }
        path.push(m.to_string());
        for next in deps.get(m).into_iter().flat_map(|d| d.keys()) {
            if let Some(cycle) = visit(next, deps, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(m.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for m in deps.keys() {
        if let Some(cycle) = visit(m, &deps, &mut Vec::new(), &mut done) {
            let edges: Vec<String> = cycle
                .iter()
                .zip(cycle.iter().cycle().skip(1))
                .map(|(a, b)| format!("{a} -> {b} ({})", deps[a][b]))
                .collect();
            panic!("module cycle:\n{}", edges.join("\n"));
        }
    }
}

#[test]
fn public_names_are_unique_across_modules() {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut clashes = Vec::new();
    for path in rust_files(&src()) {
        for (line, text) in code(&path) {
            let t = text.trim_start();
            for kind in ["pub struct ", "pub enum ", "pub trait ", "pub type "] {
                let Some(rest) = t.strip_prefix(kind) else {
                    continue;
                };
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                let here = format!("{}:{line}", relative(&path));
                if let Some(first) = seen.insert(name.clone(), here.clone()) {
                    clashes.push(format!("{name}: {first} and {here}"));
                }
            }
        }
    }
    assert!(
        clashes.is_empty(),
        "clashing names:\n{}",
        clashes.join("\n")
    );
}

#[test]
fn each_mechanism_and_rule_is_one_file_listed_once() {
    // Every plugin lives in its own file, and the registry lists that
    // file's plugin: adding a mechanism is one file plus one line.
    let registry = std::fs::read_to_string(src().join("mechanism/mod.rs")).unwrap();
    let rules = std::fs::read_to_string(src().join("rules/registry.rs")).unwrap();
    let mut plugin_files = 0;
    for path in rust_files(&src()) {
        let text = std::fs::read_to_string(&path).unwrap();
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        let (list, implements) = match module_of(&path).as_str() {
            "mechanism" => (&registry, text.matches("impl MechanismPlugin for").count()),
            "rules" => (
                &rules,
                text.matches("pub(super) fn plugin() -> Arc<dyn PassRulePlugin>")
                    .count(),
            ),
            _ => continue,
        };
        if implements == 0 {
            continue;
        }
        plugin_files += 1;
        assert_eq!(
            implements,
            1,
            "{} declares several plugins",
            relative(&path)
        );
        let listed = list
            .match_indices(&format!("{stem}::plugin"))
            .filter(|(i, _)| {
                // `majority::plugin` must not count `supermajority::plugin`.
                !list[..*i].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
            })
            .count();
        assert_eq!(
            listed,
            1,
            "{} is not listed exactly once in its registry",
            relative(&path)
        );
    }
    assert!(plugin_files >= 8, "{plugin_files} plugin files found");
}
