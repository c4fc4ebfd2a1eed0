//! Shared by the fuzz targets: a per-process scratch folder holding small
//! valid fixtures, and a helper that writes the fuzz input as one file in
//! it. govkit's readers take paths, so the input goes through the same
//! public entry points as a user's file.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub const A: &str = "0x00000000000000000000000000000000000000aa";
pub const B: &str = "0x00000000000000000000000000000000000000bb";

/// The scratch folder, created once with its fixtures.
pub fn dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("govkit-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch folder");
        let write = |name: &str, text: String| std::fs::write(dir.join(name), text).unwrap();
        write("votes.csv", format!("voter,choice,votes\n{A},For,3\n{B},Against,2\n"));
        write(
            "votes.json",
            format!("[{{\"voter\":\"{A}\",\"choice\":1,\"vp\":3}},{{\"voter\":\"{B}\",\"choice\":2,\"vp\":2}}]"),
        );
        write(
            "events.csv",
            format!(
                "event_name,proposalId,id,voter,support,votes\nProposalCreated,,1,,,\n\
                 VoteCast,1,,{A},1,3\nVoteCast,1,,{B},0,2\n"
            ),
        );
        write("holders.csv", format!("address,balance\n{A},10\n{B},5\n"));
        write("delegations.csv", format!("delegator,delegate\n{B},{A}\n"));
        write("stakes.csv", "block,account,proposal,amount\n0,alice,garden,1000\n5,bob,bridge,3000\n".into());
        dir
    })
}

/// Writes `data` as `name` in the scratch folder and returns its path.
pub fn input(name: &str, data: &[u8]) -> PathBuf {
    let path = dir().join(name);
    std::fs::write(&path, data).expect("write input");
    path
}

/// A proposal file (in the scratch folder) reading `votes` as `format`.
pub fn proposal(name: &str, votes: &str, format: &str, extra: &str) -> PathBuf {
    let text = format!(
        "id = \"f\"\nballot = \"basic\"\ndecimals = 0\n{extra}\n[votes]\npath = \"{votes}\"\nformat = \"{format}\"\n\
         proposal_id = \"1\"\n[holders]\npath = \"holders.csv\"\n[rules]\nquorum = \"4%\"\npass = \"majority\"\n"
    );
    let text = if format == "governor-events" {
        text
    } else {
        text.replace("proposal_id = \"1\"\n", "")
    };
    input(name, text.as_bytes())
}

/// Loads and evaluates a proposal file; errors are expected, panics are
/// bugs.
pub fn evaluate(path: &Path) {
    if let Ok(p) = govkit::Proposal::load(path) {
        let _ = p.evaluate();
    }
}
