//! Every proposal of a multi-proposal vote file (a governor event log or a
//! Snapshot space export), with one proposal file as the template for
//! ballot, choices, rules and mechanism.
//!
//! Per-proposal facts come from the source itself (a governor log's
//! lifecycle events give the official outcome) or from a metadata CSV named
//! in `[batch]` (a proposal export: quorum and status per proposal).
//! Proposals that cannot be evaluated with the template (e.g. they have
//! choices the template does not list) are skipped and reported with the
//! reason, never silently dropped.

use serde::Serialize;

use crate::compare::{compare_with_scenarios, Comparison, Variant};
use crate::error::Result;
use crate::io::{OfficialStatus, VoteFormat};
use crate::proposal::{LoadedVotes, Proposal};
use crate::scenario::Scenario;
use crate::score_check::{self, PublishedScores, ScoreCheck};

/// A proposal that was not compared, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// Proposal id.
    pub id: String,
    /// Why.
    pub reason: String,
}

/// The comparisons of every proposal of a source.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Batch {
    /// One comparison per proposal, in source order.
    pub comparisons: Vec<Comparison>,
    /// Proposals left out, with the reason.
    pub skipped: Vec<Skipped>,
    /// The scores the metadata publishes (the hub's `scores`, an export's
    /// total VP) beside govkit's re-tally under the proposal's own
    /// mechanism, for every compared proposal that has them.
    pub score_checks: Vec<ScoreCheck>,
    /// Compared proposals whose metadata status is neither a `passed` nor
    /// a `defeated` value: (id, status as written). Their official outcome
    /// is unknown.
    pub unknown_statuses: Vec<(String, String)>,
}

/// Compares every proposal of `template`'s vote file. `progress(done,
/// total)` is called after each proposal.
pub fn compare_all(
    template: &Proposal,
    variants: &[Variant],
    scenarios: &[Scenario],
    seed: u64,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Batch> {
    let metadata = match &template.batch {
        Some(spec) => crate::io::metadata::read(spec, template.decimals)?,
        None => None,
    };
    let template = &template.reading_attributes_of(variants.iter().map(|v| &v.mechanism));
    // Every proposal of the source, through the same reader as a single
    // proposal's votes; every one is compared or skipped with its reason.
    let choices = match template.votes.format {
        VoteFormat::Csv => Some(template.choices_for_csv()?),
        _ => None,
    };
    let items: Vec<(String, Result<LoadedVotes>)> = template
        .vote_source()?
        .read_all(&template.vote_request(choices.as_ref()))?
        .into_iter()
        .map(|p| (p.id, p.votes))
        .collect();
    let total = items.len();
    let include_canceled = template.batch.as_ref().is_some_and(|b| b.include_canceled);
    let mut batch = Batch {
        comparisons: Vec::new(),
        skipped: Vec::new(),
        score_checks: Vec::new(),
        unknown_statuses: Vec::new(),
    };
    for (done, (id, loaded)) in items.into_iter().enumerate() {
        let mut published = PublishedScores::default();
        let mut other_status = None;
        let mut votes_read = 0;
        let result = (|| -> Result<std::result::Result<Comparison, String>> {
            let mut loaded = loaded?;
            if loaded.official == Some(OfficialStatus::Canceled) && !include_canceled {
                return Ok(Err("canceled: not decided by the vote".into()));
            }
            let mut proposal = match template.for_facts(&loaded.facts) {
                Ok(p) => p,
                Err(why) => return Ok(Err(why)),
            };
            if let Some(facts) = &metadata {
                let Some(f) = facts.get(&id) else {
                    return Ok(Err("not in the metadata file".into()));
                };
                if let Some(q) = f.quorum {
                    proposal = proposal.with_quorum(q);
                }
                if f.status.is_some() {
                    loaded.official = f.status;
                }
                if let Some(t) = &f.title {
                    loaded.facts.insert("title".into(), t.clone());
                }
                published = f.published.clone();
                other_status = f.other_status.clone();
            }
            votes_read = loaded.votes.read;
            proposal.id = id.clone();
            // The source's title (metadata, governor description).
            proposal.title = None;
            let mut prepared = proposal.prepare_with(loaded)?;
            compare_with_scenarios(&mut prepared, variants, scenarios, seed).map(Ok)
        })();
        match result {
            Ok(Ok(c)) => {
                let own = c.rows.first().map_or(&[][..], |r| &r.choices[..]);
                batch
                    .score_checks
                    .extend(score_check::check(&id, &published, own, votes_read));
                if let Some(s) = other_status {
                    batch.unknown_statuses.push((id, s));
                }
                batch.comparisons.push(c);
            }
            Ok(Err(reason)) => batch.skipped.push(Skipped { id, reason }),
            Err(e) => batch.skipped.push(Skipped {
                id,
                reason: e.to_string(),
            }),
        }
        progress(done + 1, total);
    }
    Ok(batch)
}
