//! The ways the crate splits work over threads, in one place.
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

/// [`both`] for closures that can run only once (they move what they
/// own, such as a [`crate::fill_apart::Filler`]): the second on another
/// thread when one can be started, else here after the first.
pub(crate) fn both_once<A, B: Send>(
    first: impl FnOnce() -> A,
    second: impl FnOnce() -> B + Send,
) -> (A, B) {
    let slot = std::sync::Mutex::new(Some(second));
    let take = || {
        slot.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
    };
    std::thread::scope(|s| {
        let spawned = std::thread::Builder::new().spawn_scoped(s, || take().map(|f| f()));
        let a = first();
        let b = match spawned {
            Ok(handle) => match handle.join() {
                Ok(b) => b,
                Err(panic) => std::panic::resume_unwind(panic),
            },
            Err(_) => None,
        };
        let b = b.or_else(|| take().map(|f| f()));
        (
            a,
            b.expect("the second closure ran on one thread or the other"),
        )
    })
}

/// `part` of `0..n`, or, from `min` on, of its two halves on two threads,
/// the results `join`ed in order: for sums and tables that do not depend
/// on where the range is cut.
pub(crate) fn halves<R: Send>(
    n: usize,
    min: usize,
    part: impl Fn(std::ops::Range<usize>) -> R + Sync,
    join: impl FnOnce(R, R) -> R,
) -> R {
    if n < min {
        return part(0..n);
    }
    let (first, second) = both(|| part(0..n / 2), || part(n / 2..n));
    join(first, second)
}
