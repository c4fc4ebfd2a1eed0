//! Delegation inside proposal evaluation (tests/data/delegation): holders
//! A 100, B 49, C 36, D 81, E 16, F 4; delegations D -> B, E -> D, F -> A;
//! A votes For, B and C Against. Every expectation is worked out by hand in
//! the comments.

use std::path::PathBuf;

use govkit::{Outcome, Proposal, Report};

fn evaluate(extra_delegation: &str, mechanism: &str, votes: &str) -> Report {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/delegation");
    let text = std::fs::read_to_string(dir.join("proposal.toml"))
        .unwrap()
        .replace("policy = \"one-hop\"", extra_delegation)
        .replace("path = \"votes.csv\"", &format!("path = \"{votes}\""))
        + mechanism;
    Proposal::from_toml(&dir.join("proposal.toml"), &text)
        .unwrap()
        .evaluate()
        .unwrap()
}

fn powers(r: &Report) -> Vec<String> {
    r.choices.iter().map(|c| c.power.to_string()).collect()
}

#[test]
fn one_hop_moves_power_once() {
    // A 100 + F 4 = 104; B 49 + D 81 = 130, C 36: Against 166. E's 16
    // reaches D, which does not vote, and moves no further.
    let r = evaluate("policy = \"one-hop\"", "", "votes.csv");
    assert_eq!(powers(&r), ["104", "166", "0"]);
    assert_eq!(r.outcome, Outcome::Rejected);
    // Turnout (what quorums count) is the delegated tokens too.
    assert_eq!(r.quorum.counted, "270");
    // The voters own 100 + 49 + 36 = 185; D's 81 and F's 4 arrived.
    assert!(
        r.mechanism_details
            .iter()
            .any(|d| d.ends_with("85 of the voters' 270 tokens came by delegation (31.48%)")),
        "{:?}",
        r.mechanism_details
    );
}

#[test]
fn transitive_follows_the_chain() {
    // E -> D -> B: B = 49 + 81 + 16 = 146; Against 146 + 36 = 182.
    let r = evaluate("policy = \"transitive\"", "", "votes.csv");
    assert_eq!(powers(&r), ["104", "182", "0"]);
}

#[test]
fn quadratic_before_or_after_delegation() {
    // After: roots of the resolved tokens: isqrt(104) = 10, isqrt(130) = 11,
    // isqrt(36) = 6 -> For 10, Against 17.
    let after = evaluate(
        "policy = \"one-hop\"",
        "\n[mechanism]\nkind = \"quadratic\"\n",
        "votes.csv",
    );
    assert_eq!(powers(&after), ["10", "17", "0"]);
    // Before: each holder's own root is delegated: A 10 + F 2 = 12;
    // B 7 + D 9 = 16, C 6 -> Against 22.
    let before = evaluate(
        "policy = \"one-hop\"\norder = \"before-delegation\"",
        "\n[mechanism]\nkind = \"quadratic\"\n",
        "votes.csv",
    );
    assert_eq!(powers(&before), ["12", "22", "0"]);
    // Both keep token turnout: 104 + 130 + 36.
    assert_eq!(before.quorum.counted, "270");
}

#[test]
fn a_delegator_who_votes_overrides_its_delegation() {
    // D votes For itself. With override, D keeps its 81 and receives E's
    // 16: For 104 + 97 = 201; B has only 49: Against 85.
    let r = evaluate(
        "policy = \"one-hop\"\noverride = true",
        "",
        "votes-with-d.csv",
    );
    assert_eq!(powers(&r), ["201", "85", "0"]);
    assert_eq!(r.outcome, Outcome::Passed);
    // Without override (OpenZeppelin ERC20Votes), D's own 81 still goes to
    // B; D votes with E's 16 only: For 104 + 16 = 120, Against 166.
    let r = evaluate(
        "policy = \"one-hop\"\noverride = false",
        "",
        "votes-with-d.csv",
    );
    assert_eq!(powers(&r), ["120", "166", "0"]);
}

#[test]
fn weighted_votes_cannot_be_delegated_twice() {
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/delegation");
    let dir = tempfile::tempdir().unwrap();
    for f in ["holders.csv", "delegations.csv"] {
        std::fs::copy(data.join(f), dir.path().join(f)).unwrap();
    }
    std::fs::write(
        dir.path().join("votes.csv"),
        "voter,choice,weight\nA,For,100\n",
    )
    .unwrap();
    let text = std::fs::read_to_string(data.join("proposal.toml")).unwrap();
    let err = Proposal::from_toml(&dir.path().join("proposal.toml"), &text)
        .unwrap()
        .evaluate()
        .unwrap_err()
        .to_string();
    assert!(err.contains("votes.csv line 2"), "{err}");
    assert!(err.contains("already includes delegation"), "{err}");
}

#[test]
fn compare_runs_each_delegation_policy_and_without_delegation() {
    use govkit::compare::{compare, Variant};
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/delegation");
    let p = Proposal::load(dir.join("proposal.toml")).unwrap();
    let names: Vec<String> = ["token-weighted", "delegated:transitive", "no-delegation"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let variants = Variant::for_proposal(Some(&names), &p, &govkit::Registry::builtin()).unwrap();
    let c = compare(&p, &variants).unwrap();
    let margins: Vec<String> = c
        .rows
        .iter()
        .map(|r| r.margin.as_ref().unwrap().to_string())
        .collect();
    // one-hop: 104 - 166; transitive: 104 - 182; without delegation each
    // voter has its own balance: 100 - (49 + 36).
    assert_eq!(margins, ["-62", "-78", "15"]);
    assert_eq!(c.flips.len(), 1, "only no-delegation passes");
}

#[test]
fn each_mechanism_gets_its_own_policys_resolution_when_resolutions_are_shared() {
    // compare resolves each distinct delegation once and shares it among
    // the mechanisms behind it; interleaved policies must still each get
    // their own (hand-calculated margins as above: one-hop 104 - 166,
    // transitive 104 - 182).
    use govkit::compare::{compare, Variant};
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/delegation");
    let p = Proposal::load(dir.join("proposal.toml")).unwrap();
    let names: Vec<String> = [
        "delegated:transitive",
        "token-weighted",
        "delegated:one-hop",
        "delegated:transitive",
        "no-delegation",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let variants = Variant::for_proposal(Some(&names), &p, &govkit::Registry::builtin()).unwrap();
    let c = compare(&p, &variants).unwrap();
    let rows: Vec<(String, String)> = c
        .rows
        .iter()
        .map(|r| (r.label.clone(), r.margin.as_ref().unwrap().to_string()))
        .collect();
    assert_eq!(rows.len(), 5, "{rows:?}");
    for (label, margin) in &rows {
        // The proposal's own row (token-weighted) runs its one-hop
        // delegation.
        let want = if label.contains("transitive") {
            "-78"
        } else if label == "no-delegation" {
            "15"
        } else {
            "-62"
        };
        assert_eq!(margin, want, "{label}: {rows:?}");
    }
    // The interleaving is kept: transitive rows come between one-hop rows.
    let policies: Vec<bool> = rows.iter().map(|(l, _)| l.contains("transitive")).collect();
    assert_eq!(policies, [false, true, false, true, false], "{rows:?}");
}
