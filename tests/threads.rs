//! Issue 17: library calls are safe from several threads at once. The
//! crate has no global mutable state (no `static mut`, thread-locals,
//! lazily initialised globals or locks) and no `unsafe` outside two audited
//! modules (the file map, two threads filling one list); the types a caller
//! shares are `Send + Sync`, and evaluations run concurrently give the
//! bytes a single thread gives.

use govkit::compare::{compare, Variant};
use govkit::{Proposal, Registry};

fn send_sync<T: Send + Sync>() {}

#[test]
fn shared_types_are_send_and_sync() {
    send_sync::<Proposal>();
    send_sync::<govkit::proposal::Prepared>();
    send_sync::<govkit::Report>();
    send_sync::<Registry>();
    send_sync::<govkit::Comparison>();
    send_sync::<govkit::control::ControlReport>();
    send_sync::<govkit::Holders>();
    send_sync::<govkit::delegation::Delegations>();
}

#[test]
fn concurrent_evaluations_equal_a_single_thread() {
    let path =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("proposals/compound-43.toml");
    let run = || {
        let proposal = Proposal::load(&path).unwrap();
        let registry = Registry::builtin();
        let variants: Vec<Variant> = ["token-weighted", "quadratic", "capped:1%"]
            .iter()
            .map(|s| Variant::parse(s, 18, &registry).unwrap())
            .collect();
        (
            proposal.evaluate().unwrap().to_json(),
            compare(&proposal, &variants).unwrap().to_json(),
        )
    };
    let alone = run();
    // The bundled proposal's known outcome, so the comparison is not empty.
    assert!(alone.0.contains("\"outcome\": \"passed\""), "{}", alone.0);
    let together: Vec<(String, String)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4).map(|_| s.spawn(run)).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for t in together {
        assert_eq!(t, alone);
    }
}

#[test]
fn the_library_source_holds_no_global_state_and_no_unsafe_but_two_audited_modules() {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut stack = vec![root];
    let mut files = 0;
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            files += 1;
            let text = std::fs::read_to_string(&path).unwrap();
            // The two exceptions: the read-only map of large input files
            // (one map, one view of its checked bytes as text, and giving
            // back the pages a reader has passed), and two threads filling
            // one list (dropping a filler's written slots, taking them
            // over, fixing or moving them in place, taking them out).
            if path.ends_with("io/file_text.rs") {
                assert_eq!(text.matches("unsafe ").count(), 3, "{}", path.display());
            } else if path.ends_with("src/fill_apart.rs") {
                assert_eq!(text.matches("unsafe ").count(), 6, "{}", path.display());
            } else {
                assert!(
                    !text.contains("unsafe "),
                    "{} contains unsafe",
                    path.display()
                );
            }
            for bad in ["static mut", "thread_local!", "lazy_static", "Mutex<"] {
                assert!(!text.contains(bad), "{} contains {bad:?}", path.display());
            }
            // A once-set cell inside a value (a quantity's rational, built
            // on first use) is no global state; one in a static would be.
            for line in text.lines() {
                assert!(
                    !(line.contains("static") && line.contains("OnceLock")),
                    "{} holds a static OnceLock: {line}",
                    path.display()
                );
            }
        }
    }
    assert!(files > 50);
}
