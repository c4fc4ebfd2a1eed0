//! A local HTTP server for the fetch tests (no network): every request's
//! body goes to a handler that answers with a status and a body.

#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use govkit::fetch::Retry;

/// Fast retries for tests: 3 tries, no real waiting.
pub fn quick_retry() -> Retry {
    Retry {
        attempts: 3,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
    }
}

/// A server on 127.0.0.1 with a handler; stops when dropped.
pub struct TestServer {
    pub url: String,
    pub requests: Arc<AtomicUsize>,
    server: Arc<tiny_http::Server>,
    thread: Option<JoinHandle<()>>,
}

impl TestServer {
    /// `handler(request number from 0, body)` -> (status, body).
    pub fn start(handler: impl Fn(usize, &str) -> (u16, String) + Send + 'static) -> TestServer {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
        let port = server.server_addr().to_ip().unwrap().port();
        let requests = Arc::new(AtomicUsize::new(0));
        let (s, r) = (server.clone(), requests.clone());
        let thread = std::thread::spawn(move || {
            for mut request in s.incoming_requests() {
                let mut body = String::new();
                let _ = request.as_reader().read_to_string(&mut body);
                let n = r.fetch_add(1, Ordering::SeqCst);
                let (status, text) = handler(n, &body);
                let response = tiny_http::Response::from_data(text.into_bytes())
                    .with_status_code(status)
                    .with_header(
                        "Content-Type: application/json"
                            .parse::<tiny_http::Header>()
                            .unwrap(),
                    );
                let _ = request.respond(response);
            }
        });
        TestServer {
            url: format!("http://127.0.0.1:{port}/"),
            requests,
            server,
            thread: Some(thread),
        }
    }

    pub fn count(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Files under `dir` (recursively) whose name marks an unfinished write.
pub fn partial_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(partial_files(&p));
        } else if p
            .file_name()
            .unwrap()
            .to_string_lossy()
            .contains(".partial")
        {
            out.push(p);
        }
    }
    out
}
