//! Helpers shared by the integration tests.

use std::path::PathBuf;

/// `../shared` beside the project: the real data and reference vectors.
#[allow(dead_code)] // not every test binary reads ../shared
pub fn shared(relative: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(relative);
    assert!(
        path.exists(),
        "{} is missing: the tests need ../shared beside the project",
        path.display()
    );
    path
}

/// Chromium, if installed; under `CI` its absence fails the test (CI
/// installs it), elsewhere the caller skips with a note.
#[allow(dead_code)] // used by the report tests only
pub fn chromium() -> Option<PathBuf> {
    let found = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .map(|n| PathBuf::from("/usr/bin").join(n))
        .find(|p| p.exists());
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install Chromium (.ci/run does) for the HTML report tests"
        );
        eprintln!("skipping: no Chromium on this machine (CI installs it)");
    }
    found
}
