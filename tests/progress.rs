//! Issue 16 item 11: progress on stderr when it is a terminal, and nothing
//! at all otherwise. The terminal case runs the binary under `script(1)`,
//! which gives it a pseudo-terminal (skipped, with a note, where `script`
//! is missing).

use std::path::Path;
use std::process::Command as Process;

use assert_cmd::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn bundled(file: &str) -> String {
    format!("{ROOT}/proposals/{file}")
}

#[test]
fn nothing_on_stderr_when_it_is_not_a_terminal() {
    let bravo = bundled("headline/compound-bravo.toml");
    let runs: Vec<Vec<String>> = vec![
        vec!["evaluate".into(), bundled("compound-43.toml")],
        vec!["compare".into(), bundled("compound-43.toml")],
        vec!["compare".into(), "--all".into(), bravo.clone()],
        vec!["sybil".into(), bundled("compound-43.toml")],
        vec!["conviction".into(), bundled("conviction-funding.toml")],
        vec!["fund".into(), bundled("fund-clr-example.toml")],
        vec![
            "control".into(),
            "--proposal".into(),
            bundled("compound-43.toml"),
        ],
    ];
    for args in runs {
        let out = Command::cargo_bin("govkit")
            .unwrap()
            .args(&args)
            .assert()
            .success()
            .get_output()
            .clone();
        assert!(
            out.stderr.is_empty(),
            "{args:?} wrote to stderr: {:?}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!out.stdout.is_empty());
    }
}

/// The terminal output of `govkit ARGS` (stdout to /dev/null), or `None`
/// without `script`.
fn on_a_terminal(args: &str) -> Option<String> {
    let script = ["/usr/bin/script", "/bin/script"]
        .into_iter()
        .find(|p| Path::new(p).exists())?;
    let bin = assert_cmd::cargo::cargo_bin("govkit");
    let out = Process::new(script)
        .args([
            "-qec",
            &format!("{} {args} > /dev/null", bin.display()),
            "/dev/null",
        ])
        .env("TERM", "xterm")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn progress_on_a_terminal_never_starts_full_at_zero_of_zero() {
    let bravo = bundled("headline/compound-bravo.toml");
    let Some(tty) = on_a_terminal(&format!("compare --all {bravo} --format json")) else {
        eprintln!("note: no script(1); terminal progress not checked");
        return;
    };
    // Bravo's governor log holds 99 proposals: the bar counts them.
    assert!(tty.contains("/99"), "{tty:?}");
    assert!(!tty.contains("0/0"), "{tty:?}");
    let tty = on_a_terminal(&format!("evaluate {}", bundled("compound-43.toml"))).unwrap();
    assert!(tty.contains("evaluating"), "{tty:?}");
}
