//! A mechanism defined outside the crate, through the public API only:
//! "one address, one vote" (optionally only for addresses a per-vote
//! `verified` attribute marks as proof-of-personhood checked). It is
//! registered, then run through `evaluate` and `compare` from a proposal
//! file and in memory. This is the proof that embedders can plug in.
//!
//! Expected values are counted by hand from the vote table below.

use std::path::Path;
use std::sync::Arc;

use govkit::compare::{compare, Variant};
use govkit::vote::Attributes;
use govkit::{
    Amount, BallotKind, BuildContext, Choices, DecisionRules, Electorate, Evaluation, Mechanism,
    MechanismPlugin, Outcome, Power, Proposal, Registry, Roles, Selection, Vote, VoteSet, Voter,
};

/// Power 1 per address with a positive token weight; with
/// `require_verified`, only for votes whose `verified` attribute is "yes".
struct OneAddressOneVote {
    require_verified: bool,
}

impl Mechanism for OneAddressOneVote {
    fn name(&self) -> String {
        if self.require_verified {
            "one verified address, one vote".into()
        } else {
            "one address, one vote".into()
        }
    }

    fn power_decimals(&self, _token_decimals: u8) -> u8 {
        0
    }

    fn assign_power(&self, e: &Electorate<'_>) -> govkit::Result<Vec<Power>> {
        Ok(e.votes
            .iter()
            .zip(e.weights)
            .map(|(v, w)| {
                let verified = v.attributes.get("verified") == Some("yes");
                let counts = *w > Amount::ZERO && (verified || !self.require_verified);
                Power::from_units(u128::from(counts))
            })
            .collect())
    }
}

struct Plugin;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    #[serde(default)]
    require_verified: bool,
}

impl MechanismPlugin for Plugin {
    fn name(&self) -> &'static str {
        "one-address-one-vote"
    }
    fn summary(&self) -> &'static str {
        "power 1 per voting address (option: require_verified)"
    }
    fn attributes(&self) -> &'static [&'static str] {
        &["verified"]
    }
    fn variants(&self) -> Vec<(&'static str, &'static str)> {
        vec![
            ("one-address-one-vote", ""),
            ("one-verified-address-one-vote", "require_verified = true"),
        ]
    }
    fn build(
        &self,
        options: &govkit::mechanism::OptionTable,
        ctx: &BuildContext<'_>,
    ) -> govkit::Result<Arc<dyn Mechanism>> {
        let o: Options = ctx.options(options)?;
        Ok(Arc::new(OneAddressOneVote {
            require_verified: o.require_verified,
        }))
    }
}

fn registry() -> Registry {
    let mut r = Registry::builtin();
    r.register(Plugin).unwrap();
    r
}

/// Three small For voters (1, 2, 3 tokens; two verified) against one
/// whale (100 tokens, verified). Token-weighted: For 6, Against 100,
/// rejected. One address, one vote: For 3, Against 1, passed. Verified
/// addresses only: For 2 (b, c), Against 1, passed.
const VOTES: &str = "voter,choice,weight,Human\n\
                     0xa,For,1,no\n\
                     0xb,For,2,yes\n\
                     0xc,For,3,yes\n\
                     0xd,Against,100,yes\n";

fn proposal_file(dir: &Path, options: &str) -> std::path::PathBuf {
    std::fs::write(dir.join("votes.csv"), VOTES).unwrap();
    let path = dir.join("proposal.toml");
    std::fs::write(
        &path,
        format!(
            "id = \"plugin\"\n\n[votes]\npath = \"votes.csv\"\nformat = \"csv\"\n\n\
             [votes.columns]\nverified = \"Human\"\n\n\
             [mechanism]\nkind = \"one-address-one-vote\"\n{options}\n"
        ),
    )
    .unwrap();
    path
}

#[test]
fn a_registered_mechanism_evaluates_from_a_proposal_file() {
    let dir = tempfile::tempdir().unwrap();
    let registry = registry();

    let r = Proposal::load_with(proposal_file(dir.path(), ""), &registry)
        .unwrap()
        .evaluate()
        .unwrap();
    assert_eq!(r.mechanism, "one address, one vote");
    assert_eq!(r.outcome, Outcome::Passed);
    let powers: Vec<String> = r.choices.iter().map(|c| c.power.to_string()).collect();
    assert_eq!(powers, ["3", "1", "0"]);

    // Its option and its per-vote attribute, read from a renamed column.
    let r = Proposal::load_with(
        proposal_file(dir.path(), "require_verified = true"),
        &registry,
    )
    .unwrap()
    .evaluate()
    .unwrap();
    let powers: Vec<String> = r.choices.iter().map(|c| c.power.to_string()).collect();
    assert_eq!(powers, ["2", "1", "0"]);
}

#[test]
fn unknown_options_and_unregistered_names_are_refused_with_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let err = Proposal::load_with(
        proposal_file(dir.path(), "verified_only = true"),
        &registry(),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("mechanism.verified_only"), "{err}");
    assert!(err.contains("line 12"), "{err}");
    // Without the plugin, the built-in registry does not know the name
    // and says which names it knows.
    let err = Proposal::load(proposal_file(dir.path(), ""))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("unknown mechanism \"one-address-one-vote\" (known: token-weighted"),
        "{err}"
    );
    // A second plugin of the same name is refused.
    assert!(registry().register(Plugin).is_err());
}

#[test]
fn a_registered_mechanism_compares_beside_the_built_in_ones() {
    let dir = tempfile::tempdir().unwrap();
    let registry = registry();
    let proposal = Proposal::load_with(proposal_file(dir.path(), ""), &registry).unwrap();
    let names: Vec<String> = [
        "token-weighted",
        "one-address-one-vote",
        "one-verified-address-one-vote",
        "one-address-one-vote-capped:1",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let variants = Variant::for_proposal(Some(&names), &proposal, &registry).unwrap();
    let c = compare(&proposal, &variants).unwrap();
    let outcomes: Vec<(&str, Outcome)> = c
        .rows
        .iter()
        .map(|r| (r.label.as_str(), r.outcome))
        .collect();
    // The proposal's own mechanism is the first row (listed again, it is
    // not repeated).
    assert_eq!(
        outcomes,
        [
            ("one-address-one-vote", Outcome::Passed),
            ("token-weighted", Outcome::Rejected),
            ("one-verified-address-one-vote", Outcome::Passed),
            ("one-address-one-vote-capped:1", Outcome::Passed),
        ]
    );
    // The verified-only row read the attribute: 2 For (b, c), 1 Against.
    let verified: Vec<String> = c.rows[2]
        .choices
        .iter()
        .map(|c| c.power.to_string())
        .collect();
    assert_eq!(verified, ["2", "1", "0"]);
    // Token-weighted counts tokens: 6 For against 100; it is the one row
    // that differs from the proposal's own.
    assert_eq!(c.rows[1].choices[0].power, "6");
    assert_eq!(c.rows[1].choices[1].power, "100");
    assert_eq!(c.flips.len(), 1);
}

#[test]
fn a_registered_mechanism_evaluates_in_memory() {
    let votes: Vec<Vote> = [
        ("0xa", 1, 1, "no"),
        ("0xb", 1, 2, "yes"),
        ("0xd", 2, 100, "yes"),
    ]
    .iter()
    .enumerate()
    .map(|(i, &(voter, choice, tokens, verified))| Vote {
        voter: Some(Voter::new(voter)),
        selection: Selection::Single(choice),
        weight: Some(Amount::from_base_units(tokens)),
        cast_at: None,
        line: i as u64 + 1,
        attributes: Attributes::new().with("verified", verified),
    })
    .collect();
    let votes = VoteSet::latest_per_voter("memory".into(), votes);
    let ballot = BallotKind::Basic.ballot_type();
    let mechanism = OneAddressOneVote {
        require_verified: true,
    };
    let evaluation = Evaluation::new(
        "memory",
        Choices::basic(),
        ballot.as_ref(),
        &mechanism,
        DecisionRules::majority(Roles::BASIC),
        0,
    );
    let r = evaluation.run(&votes, None).unwrap();
    // Verified: b For, d Against: 1 to 1, a tie, which is rejected.
    let powers: Vec<String> = r.choices.iter().map(|c| c.power.to_string()).collect();
    assert_eq!(powers, ["1", "1", "0"]);
    assert_eq!(r.outcome, Outcome::Rejected);
}
