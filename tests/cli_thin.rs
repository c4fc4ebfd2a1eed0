//! The command line stays a thin layer: every file in `src/cli/` parses
//! flags, makes one library call and hands the result to one renderer, so
//! none of them grows beyond 150 lines.

const MAX_LINES: usize = 150;

#[test]
fn every_cli_file_is_at_most_150_lines() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/cli");
    let mut checked = 0;
    let mut too_long = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let lines = std::fs::read_to_string(&path).unwrap().lines().count();
        if lines > MAX_LINES {
            too_long.push(format!("{} has {lines} lines", path.display()));
        }
        checked += 1;
    }
    assert!(checked >= 8, "only {checked} files in {}", dir.display());
    assert!(
        too_long.is_empty(),
        "src/cli/ files above {MAX_LINES} lines: {too_long:?}"
    );
}
