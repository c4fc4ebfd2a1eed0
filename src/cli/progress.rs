//! Progress on stderr for people at a terminal, and nothing otherwise:
//! when stderr is not a terminal (a pipe, a file, a test), every bar is
//! hidden, so scripted output never carries control sequences.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

fn on_terminal() -> bool {
    std::io::stderr().is_terminal()
}

/// A spinner with the elapsed time for one stretch of work whose size is
/// not known up front; cleared when dropped.
pub(crate) struct Spinner(ProgressBar);

impl Spinner {
    pub(crate) fn new(what: &str) -> Spinner {
        Spinner(spinner(what))
    }
}

/// A spinner with `what` and the elapsed time, ticking by itself; hidden
/// when stderr is not a terminal.
fn spinner(what: &str) -> ProgressBar {
    let bar = if on_terminal() {
        ProgressBar::new_spinner()
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} {elapsed}").expect("a valid template"),
    );
    bar.set_message(what.to_string());
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

impl Spinner {
    /// Runs `work` with the spinner showing, and clears it after.
    pub(crate) fn then<T>(self, work: impl FnOnce() -> T) -> T {
        let out = work();
        drop(self);
        out
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}

/// A bar for `done` of `total` items whose total is learned as the work
/// goes: a spinner until the first total arrives (never a full bar at
/// "0/0"), then a bar with counts, rate and time left.
pub(crate) struct Counter {
    bar: ProgressBar,
    sized: bool,
}

impl Counter {
    pub(crate) fn new(what: &str) -> Counter {
        Counter {
            bar: spinner(what),
            sized: false,
        }
    }

    pub(crate) fn set_message(&self, what: String) {
        self.bar.set_message(what);
    }

    /// `done` of `total`; a zero total keeps the spinner.
    pub(crate) fn update(&mut self, done: usize, total: usize) {
        if total == 0 {
            return;
        }
        if !self.sized {
            self.bar.set_style(
                ProgressStyle::with_template(
                    "{msg} [{bar:30}] {pos}/{len} ({per_sec}, {eta} left)",
                )
                .expect("a valid template")
                .progress_chars("=> "),
            );
            self.sized = true;
        }
        self.bar.set_length(total as u64);
        self.bar.set_position(done as u64);
    }
}

impl Drop for Counter {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}
