//! The ways the crate splits work over threads, in one place.
//!
//! Invariant: results never depend on the number of threads or on which
//! thread finishes first; where a thread cannot be started the work runs
//! on the calling thread with the same result.

/// From this many items a per-item map is worth a second thread.
pub(crate) const PARALLEL_ITEMS: usize = 100_000;

/// Threads for work that splits: the cores available, at most 8.
pub(crate) fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
}

/// `(first(), second())`, the second on another thread when one can be
/// started (else here, after the first: the same results on one core).
/// Each closure runs once, so it may move what it owns (such as a
/// [`crate::fill_apart::Filler`]).
pub(crate) fn both<A, B: Send>(
    first: impl FnOnce() -> A,
    second: impl FnOnce() -> B + Send,
) -> (A, B) {
    // The second closure waits here until one thread or the other takes
    // it (a thread that cannot be started drops what it was given).
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

/// `f(i)` for each `i` of `0..n`, in order, or the first error in that
/// order; from `min` on the two halves are mapped on two threads, each
/// writing straight into the one list ([`crate::fill_apart`], exact room).
pub(crate) fn map_indices<T: Send, E: Send>(
    n: usize,
    min: usize,
    f: impl Fn(usize) -> Result<T, E> + Sync,
) -> Result<Vec<T>, E> {
    use crate::fill_apart::{fill_apart, Filler, Joined};
    if n < min {
        return (0..n).map(f).collect();
    }
    let fill = |range: std::ops::Range<usize>, into: &mut Filler<'_, T>| {
        for i in range {
            into.push(f(i)?);
        }
        Ok(())
    };
    let mid = n / 2;
    let mut out = Vec::new();
    let mut first_error = None;
    fill_apart(
        &mut out,
        (mid, n - mid),
        |mut a, mut b| {
            let (first, (second, b)) = both(|| fill(0..mid, &mut a), || (fill(mid..n, &mut b), b));
            match first.and(second) {
                Ok(()) => Some((Joined::Both(a, b), ())),
                Err(e) => {
                    first_error = Some(e);
                    None
                }
            }
        },
        |_| {},
    );
    match first_error {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

/// [`map_indices`] for a map that cannot fail.
pub(crate) fn map_all<T: Send>(n: usize, min: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    map_indices(n, min, |i| Ok::<T, std::convert::Infallible>(f(i)))
        .unwrap_or_else(|never| match never {})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mapped_indices_are_in_order_with_the_first_error() {
        let f = |i: usize| {
            if i % 7 == 5 && i > 30 {
                Err(i)
            } else {
                Ok(i * 3)
            }
        };
        for n in [0, 1, 2, 9, 30, 31, 36, 37, 100] {
            let expected: Result<Vec<usize>, usize> = (0..n).map(f).collect();
            for min in [0, 1, 8, 1000] {
                assert_eq!(map_indices(n, min, f), expected, "n {n}, min {min}");
            }
        }
        // An error in the second half only, and in both.
        assert_eq!(map_indices(40, 0, f), Err(33));
        assert_eq!(
            map_indices(10, 0, |i| if i >= 2 { Err(i) } else { Ok(i) }),
            Err(2)
        );
    }
}
