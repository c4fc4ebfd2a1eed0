//! The two ways the crate splits work over threads, in one place.
//!
//! Invariant: results never depend on the number of threads or on which
//! thread finishes first; where a thread cannot be started the work runs
//! on the calling thread with the same result.

/// Threads for work that splits: the cores available, at most 8.
pub(crate) fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
}

/// `(first(), second())`, the second on another thread when one can be
/// started (else here, after the first: the same results on one core).
pub(crate) fn both<A, B: Send>(first: impl FnOnce() -> A, second: impl Fn() -> B + Sync) -> (A, B) {
    std::thread::scope(|s| {
        let spawned = std::thread::Builder::new().spawn_scoped(s, &second);
        let a = first();
        let b = match spawned {
            Ok(handle) => match handle.join() {
                Ok(b) => b,
                Err(panic) => std::panic::resume_unwind(panic),
            },
            Err(_) => second(),
        };
        (a, b)
    })
}
