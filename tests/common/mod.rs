//! Helpers shared by the integration tests.

use std::path::PathBuf;

/// `../shared` beside the project: the real data and reference vectors.
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
