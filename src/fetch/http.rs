//! One blocking JSON-over-HTTP POST with retries (ureq, no async runtime).

use std::time::Duration;

use super::Retry;
use crate::error::{Error, Result};

/// The largest response body read, in bytes (as a JSON file).
const MAX_BODY: u64 = crate::io::MAX_JSON_BYTES;

/// `scheme://host[:port]` of a URL, with `/…` when it has a path or query:
/// what messages show of an endpoint, so that an API key in the path
/// (`/v2/KEY`) or query never reaches a terminal or a log.
pub fn redact_url(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let host = &rest[..end];
    // user:password@host
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let more = if rest[end..].trim_matches('/').is_empty() {
        ""
    } else {
        "/…"
    };
    if scheme.is_empty() {
        format!("{host}{more}")
    } else {
        format!("{scheme}://{host}{more}")
    }
}

/// A JSON endpoint and how to retry it; counts the requests it sent.
pub(crate) struct Client {
    agent: ureq::Agent,
    url: String,
    retry: Retry,
    /// HTTP requests sent, retries included.
    pub requests: u64,
}

/// A response that is not retried: its status and body.
pub(crate) struct Reply {
    pub status: u16,
    pub body: String,
}

impl Client {
    pub fn new(url: &str, retry: Retry) -> Client {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(120)))
            .user_agent(concat!("govkit/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Client {
            agent,
            url: url.to_string(),
            retry,
            requests: 0,
        }
    }

    /// The endpoint as messages show it.
    pub fn shown_url(&self) -> String {
        redact_url(&self.url)
    }

    /// POSTs `body` (JSON); retries 429, 5xx and connection failures with
    /// backoff. `what` says what was asked, for messages.
    pub fn post(&mut self, body: &str, what: &dyn Fn() -> String) -> Result<Reply> {
        let attempts = self.retry.attempts.max(1);
        let mut last = String::new();
        let mut asked: Option<u64> = None;
        for attempt in 0..attempts {
            if attempt > 0 {
                std::thread::sleep(self.backoff(attempt, asked.take()));
            }
            self.requests += 1;
            let sent = self
                .agent
                .post(&self.url)
                .header("content-type", "application/json")
                .header("accept", "application/json")
                .send(body);
            let response = match sent {
                Ok(r) => r,
                Err(e) => {
                    last = format!("request failed: {e}");
                    continue;
                }
            };
            let status = response.status().as_u16();
            let retry_after = response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok());
            let text = response
                .into_body()
                .with_config()
                .limit(MAX_BODY)
                .read_to_vec()
                .map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
            let text = match text {
                Ok(t) => t,
                Err(e) => {
                    last = format!("reading the response failed: {e}");
                    continue;
                }
            };
            if status == 429 || (500..=599).contains(&status) {
                last = format!(
                    "HTTP {status}{}: {}",
                    retry_after.map_or(String::new(), |s| format!(" (retry after {s} s)")),
                    crate::error::shown(text.trim())
                );
                asked = retry_after;
                continue;
            }
            return Ok(Reply { status, body: text });
        }
        Err(Error::invalid(format!(
            "{}: {}: gave up after {attempts} attempts; last: {last}",
            self.shown_url(),
            what()
        )))
    }

    /// The wait before try `attempt` (1-based retry number): exponential,
    /// at least the server's `Retry-After`, at most `max_delay`.
    fn backoff(&self, attempt: u32, retry_after: Option<u64>) -> Duration {
        let exp = self
            .retry
            .base_delay
            .saturating_mul(1u32 << (attempt - 1).min(20));
        let asked = retry_after.map(Duration::from_secs).unwrap_or_default();
        exp.max(asked).min(self.retry.max_delay)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_lose_their_keys() {
        assert_eq!(
            redact_url("https://eth-mainnet.g.example.com/v2/SECRETKEY"),
            "https://eth-mainnet.g.example.com/…"
        );
        assert_eq!(
            redact_url("https://user:pw@node.example:8545/?key=1"),
            "https://node.example:8545/…"
        );
        assert_eq!(redact_url("http://127.0.0.1:8545"), "http://127.0.0.1:8545");
    }
}
