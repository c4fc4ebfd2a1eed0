//! Getting the data govkit reads (feature `fetch`): a Snapshot space's
//! proposals and votes from the hub's GraphQL API ([`snapshot`]), and a
//! governor's and its token's events from an Ethereum node's `eth_getLogs`
//! ([`governor`]). Both write the files the readers in [`crate::io`] take,
//! so every analysis afterwards works offline.
//!
//! Shared rules: requests are retried with exponential backoff on HTTP 429
//! and 5xx and on connection failures ([`Retry`]); every file is written
//! under a temporary name and renamed into place, so an interrupted run
//! never leaves a half-written file; what is written is sorted and
//! byte-stable for the same data; a rerun resumes (governor: from the last
//! block written; Snapshot: from the cached pages of closed proposals).
//! URLs in messages are cut to their scheme and host, so a key in an RPC
//! URL's path or query is never echoed.
//!
//! Files are read back (resuming, cached pages) through [`crate::io`], the
//! one module that reads files; this module only writes.

pub mod governor;
mod http;
pub mod snapshot;

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::error::{Error, Result};

pub use http::redact_url;

/// How failed requests are retried: `attempts` tries in all, waiting
/// `base_delay`, then twice that, ..., at most `max_delay` (a server's
/// `Retry-After` is honoured up to `max_delay`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retry {
    /// Tries in all, the first included (at least 1).
    pub attempts: u32,
    /// The first wait.
    pub base_delay: Duration,
    /// The longest wait.
    pub max_delay: Duration,
}

impl Retry {
    /// `attempts` tries (at least 1), the first wait `backoff_ms`
    /// milliseconds, doubling up to a minute (or `backoff_ms` if longer).
    pub fn with_backoff(attempts: u32, backoff_ms: u64) -> Retry {
        let base = Duration::from_millis(backoff_ms);
        Retry {
            attempts: attempts.max(1),
            base_delay: base,
            max_delay: Duration::from_secs(60).max(base),
        }
    }
}

impl Default for Retry {
    /// 6 tries, waiting 1, 2, 4, 8, 16 s.
    fn default() -> Self {
        Retry {
            attempts: 6,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(60),
        }
    }
}

/// What a fetcher reports while it works (for a progress bar).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FetchProgress {
    /// `done` of `total` units (proposals, or blocks) fetched.
    Step {
        /// Units done.
        done: u64,
        /// Units in all.
        total: u64,
        /// What is being fetched, for the bar's message.
        what: String,
    },
}

/// Writes `bytes` to `path` through a temporary file in the same folder
/// and a rename: readers see the old file or the new one, never a part.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    if let Some(dir) = dir {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp: PathBuf = path.with_file_name(format!(".{name}.partial-{}", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io(path, e)
    })
}

/// Makes `id` safe as a file name: letters, digits, `-`, `_` and `.` are
/// kept, anything else becomes `_` (Snapshot ids are `0x…` hex or IPFS
/// `Qm…` hashes, so they are kept whole).
pub(crate) fn file_stem(id: &str) -> String {
    let mut s: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() || s.starts_with('.') {
        s.insert(0, '_');
    }
    s
}

/// `YYYY-MM-DDTHH:MM:SS` (UTC) of a unix time, as indexers write block
/// timestamps.
pub(crate) fn iso_utc(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Unix seconds of `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SS` (UTC, an optional
/// `Z`), or of a plain number of seconds.
pub fn parse_date(text: &str) -> Result<u64> {
    let t = text.trim().trim_end_matches('Z');
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        return t
            .parse()
            .map_err(|_| Error::invalid(format!("{text:?} is not a date")));
    }
    let bad = || {
        Error::invalid(format!(
            "{:?} is not a date (YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS or unix seconds)",
            crate::error::shown(text)
        ))
    };
    let (date, time) = t.split_once('T').unwrap_or((t, "00:00:00"));
    let num = |s: &str| -> Result<i64> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        s.parse().map_err(|_| bad())
    };
    let d: Vec<&str> = date.split('-').collect();
    let h: Vec<&str> = time.split('.').next().unwrap_or("").split(':').collect();
    let [y, m, day] = d[..] else {
        return Err(bad());
    };
    let [hh, mm, ss] = h[..] else {
        return Err(bad());
    };
    let (y, m, day) = (num(y)?, num(m)?, num(day)?);
    let (hh, mm, ss) = (num(hh)?, num(mm)?, num(ss)?);
    if !(1970..=9999).contains(&y)
        || !(1..=12).contains(&m)
        || !(1..=31).contains(&day)
        || hh > 23
        || mm > 59
        || ss > 60
    {
        return Err(bad());
    }
    // days_from_civil.
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Ok((days * 86_400 + hh * 3600 + mm * 60 + ss) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        assert_eq!(iso_utc(0), "1970-01-01T00:00:00");
        // Compound Bravo #43's ProposalCreated block, 2021-04-14T03:00:21Z.
        assert_eq!(parse_date("2021-04-14T03:00:21").unwrap(), 1_618_369_221);
        assert_eq!(iso_utc(1_618_369_221), "2021-04-14T03:00:21");
        assert_eq!(parse_date("2024-02-29").unwrap(), 1_709_164_800);
        assert_eq!(iso_utc(1_709_164_800), "2024-02-29T00:00:00");
        assert_eq!(parse_date("1700000000").unwrap(), 1_700_000_000);
        assert!(parse_date("2024-13-01").is_err());
        assert!(parse_date("yesterday").is_err());
    }

    #[test]
    fn ids_become_safe_file_names() {
        assert_eq!(file_stem("QmWaFX"), "QmWaFX");
        assert_eq!(file_stem("../x"), "_.._x");
        assert_eq!(file_stem(""), "_");
    }
}
