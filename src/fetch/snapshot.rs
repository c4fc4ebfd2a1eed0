//! A Snapshot space's proposals and votes from the hub's GraphQL API.
//!
//! The hub caps `first` (1000) and `skip` (5000), so both lists are paged
//! by `created` (`created_gte` the last time seen, skipping the items of
//! that second already read, duplicates dropped by id), never by `skip`
//! alone. What is written to `--out DIR`:
//!
//! - `votes.json`: every vote of every fetched proposal, a hub vote list
//!   (`id`, `voter`, `choice`, `vp`, `created`, `reason`, `proposal.id`)
//!   sorted by proposal (created, id) then vote (created, id). Each field is
//!   the hub's JSON text as served: `vp` is never re-formatted.
//! - `proposals.csv`: one row per proposal (`id`, `title`, `type`, `state`,
//!   `quorum`, `quorumType`, `choices`, `scores`, `scores_total`, `votes`,
//!   ...): `[batch]` metadata for `compare --all`, whose `scores_column`,
//!   `scores_total_column` and `votes_column` set the hub's own tally
//!   beside govkit's.
//! - `proposals/ID.toml`: a proposal file per proposal that `govkit
//!   evaluate` takes, its ballot from `type`, its choices, `quorum` and
//!   `quorumType` as `[rules]`.
//! - `cache/votes/ID/first-N/PAGE.json`: each vote page of a *closed*
//!   proposal as served; a rerun reads them instead of asking again
//!   (active proposals are always asked again).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::value::RawValue;

use super::http::Client;
use super::{file_stem, write_atomic, FetchProgress, Retry};
use crate::error::{Error, Location, Result};

/// The public hub's GraphQL endpoint.
pub const DEFAULT_HUB: &str = "https://hub.snapshot.org/graphql";

/// The most items the hub returns for one query (`first`).
pub const HUB_MAX_FIRST: u32 = 1000;

/// The largest `skip` the hub accepts.
pub const HUB_MAX_SKIP: u64 = 5000;

/// What to fetch from a Snapshot hub, and where to write it.
#[derive(Clone, Debug)]
pub struct SnapshotRequest {
    /// The hub's GraphQL endpoint ([`DEFAULT_HUB`]).
    pub hub: String,
    /// The space, e.g. `ens.eth`.
    pub space: String,
    /// Only this proposal.
    pub proposal: Option<String>,
    /// Only proposals created at or after this unix time.
    pub since: Option<u64>,
    /// The folder written.
    pub out: PathBuf,
    /// Items per request (at most [`HUB_MAX_FIRST`]).
    pub page_size: u32,
    /// Retries of failed requests.
    pub retry: Retry,
}

impl SnapshotRequest {
    /// Every proposal of `space` from the public hub into `out`.
    pub fn new(space: &str, out: &Path) -> SnapshotRequest {
        SnapshotRequest {
            hub: DEFAULT_HUB.to_string(),
            space: space.to_string(),
            proposal: None,
            since: None,
            out: out.to_path_buf(),
            page_size: HUB_MAX_FIRST,
            retry: Retry::default(),
        }
    }
}

/// What a Snapshot fetch did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SnapshotFetch {
    /// Proposals written.
    pub proposals: usize,
    /// Votes written.
    pub votes: usize,
    /// Pages asked of the hub (proposal and vote pages).
    pub pages_fetched: usize,
    /// Vote pages read from the cache.
    pub pages_cached: usize,
    /// HTTP requests sent, retries included.
    pub requests: u64,
    /// Proposals without a proposal file, and why (an unknown `type`).
    pub skipped: Vec<(String, String)>,
    /// The files written.
    pub written: Vec<PathBuf>,
}

impl SnapshotFetch {
    /// A few lines for people: what was written, what came from the cache.
    pub fn to_text(&self) -> String {
        let mut t = format!(
            "{} proposals, {} votes written\n{} pages fetched, {} vote pages read from the cache, {} requests\n",
            self.proposals, self.votes, self.pages_fetched, self.pages_cached, self.requests
        );
        for path in &self.written {
            if path.extension().is_some_and(|e| e != "toml") {
                t.push_str(&format!("wrote {}\n", path.display()));
            }
        }
        let tomls = self
            .written
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "toml"));
        if let Some(first) = tomls.clone().next() {
            t.push_str(&format!(
                "wrote {} proposal files in {}\n",
                tomls.count(),
                first
                    .parent()
                    .map_or(String::new(), |d| d.display().to_string())
            ));
        }
        for (id, why) in &self.skipped {
            t.push_str(&format!("no proposal file for {id}: {why}\n"));
        }
        t
    }
}

const FIELDS: &str =
    "id title type choices quorum quorumType created start end snapshot state scores scores_total votes author";

const VOTES_QUERY: &str =
    "query Votes($proposal: String!, $created: Int!, $skip: Int!, $first: Int!) { \
     votes(first: $first, skip: $skip, where: {proposal: $proposal, created_gte: $created}, \
     orderBy: \"created\", orderDirection: asc) { id voter choice vp created reason } }";

/// One item of a page: its id, time and JSON text as served.
struct Item {
    id: String,
    created: u64,
    raw: Box<RawValue>,
}

#[derive(Deserialize)]
struct HubProposal {
    id: String,
    title: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    choices: Vec<String>,
    quorum: Option<Box<RawValue>>,
    #[serde(rename = "quorumType")]
    quorum_type: Option<String>,
    start: Option<Box<RawValue>>,
    end: Option<Box<RawValue>>,
    snapshot: Option<Box<RawValue>>,
    state: Option<String>,
    scores: Option<Box<RawValue>>,
    scores_total: Option<Box<RawValue>>,
    votes: Option<Box<RawValue>>,
    author: Option<String>,
}

#[derive(Deserialize)]
struct HubVote<'a> {
    #[serde(borrow)]
    voter: &'a RawValue,
    #[serde(borrow)]
    choice: &'a RawValue,
    #[serde(borrow)]
    vp: &'a RawValue,
    #[serde(borrow)]
    reason: Option<&'a RawValue>,
}

/// Fetches the proposals and votes `request` names and writes them (see
/// the module docs). Nothing but the cache is written before every page
/// has been read and checked.
pub fn fetch(
    request: &SnapshotRequest,
    progress: &mut dyn FnMut(FetchProgress),
) -> Result<SnapshotFetch> {
    if request.page_size == 0 || request.page_size > HUB_MAX_FIRST {
        return Err(Error::invalid(format!(
            "page size {} is outside 1..={HUB_MAX_FIRST} (the hub's cap on `first`)",
            request.page_size
        )));
    }
    let mut client = Client::new(&request.hub, request.retry);
    let mut summary = SnapshotFetch::default();
    let (query, id) = match &request.proposal {
        Some(id) => (
            format!(
                "query Proposals($space: String!, $id: String!, $created: Int!, $skip: Int!, $first: Int!) {{ \
                 proposals(first: $first, skip: $skip, where: {{space: $space, id: $id, created_gte: $created}}, \
                 orderBy: \"created\", orderDirection: asc) {{ {FIELDS} }} }}"
            ),
            Some(id.as_str()),
        ),
        None => (
            format!(
                "query Proposals($space: String!, $created: Int!, $skip: Int!, $first: Int!) {{ \
                 proposals(first: $first, skip: $skip, where: {{space: $space, created_gte: $created}}, \
                 orderBy: \"created\", orderDirection: asc) {{ {FIELDS} }} }}"
            ),
            None,
        ),
    };
    let pager = Pager {
        query: &query,
        field: "proposals",
        first: request.page_size,
        cache: None,
        what: format!("proposals of space {:?}", request.space),
    };
    let mut items = pager.run(
        &mut client,
        request.since.unwrap_or(0),
        &|vars| {
            vars.insert("space".into(), request.space.clone().into());
            if let Some(id) = id {
                vars.insert("id".into(), id.into());
            }
        },
        &mut summary,
    )?;
    items.sort_by(|a, b| (a.created, &a.id).cmp(&(b.created, &b.id)));
    if let (Some(id), true) = (id, items.is_empty()) {
        return Err(Error::invalid(format!(
            "{}: space {:?} has no proposal {id:?}",
            client.shown_url(),
            request.space
        )));
    }
    let mut proposals = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let p: HubProposal = serde_json::from_str(item.raw.get()).map_err(|e| {
            Error::input(
                Location::file(client.shown_url()).with_field(format!("data.proposals[{i}]")),
                format!("proposal {:?} of space {:?}: {e}", item.id, request.space),
            )
        })?;
        proposals.push(p);
    }

    let total = proposals.len() as u64;
    let mut votes_json = String::from("[\n");
    let mut first_vote = true;
    for (done, p) in proposals.iter().enumerate() {
        progress(FetchProgress::Step {
            done: done as u64,
            total,
            what: p.id.clone(),
        });
        let closed = p.state.as_deref() == Some("closed");
        let cache = closed.then(|| {
            request
                .out
                .join("cache/votes")
                .join(file_stem(&p.id))
                .join(format!("first-{}", request.page_size))
        });
        let pager = Pager {
            query: VOTES_QUERY,
            field: "votes",
            first: request.page_size,
            cache: cache.as_deref(),
            what: format!("votes of proposal {:?}", p.id),
        };
        let mut votes = pager.run(
            &mut client,
            0,
            &|vars| {
                vars.insert("proposal".into(), p.id.clone().into());
            },
            &mut summary,
        )?;
        votes.sort_by(|a, b| (a.created, &a.id).cmp(&(b.created, &b.id)));
        let proposal_id = serde_json::to_string(&p.id).expect("a string serialises");
        for (i, v) in votes.iter().enumerate() {
            let at = || Location::file(client.shown_url()).with_field(format!("data.votes[{i}]"));
            let hv: HubVote<'_> = serde_json::from_str(v.raw.get()).map_err(|e| {
                Error::input(at(), format!("vote {:?} of proposal {:?}: {e}", v.id, p.id))
            })?;
            if !first_vote {
                votes_json.push_str(",\n");
            }
            first_vote = false;
            votes_json.push_str(&format!(
                "{{\"id\": {}, \"voter\": {}, \"choice\": {}, \"vp\": {}, \"created\": {}, \
                 \"reason\": {}, \"proposal\": {{\"id\": {proposal_id}}}}}",
                serde_json::to_string(&v.id).expect("a string serialises"),
                hv.voter.get(),
                hv.choice.get(),
                hv.vp.get(),
                v.created,
                hv.reason.map_or("null", |r| r.get()),
            ));
            summary.votes += 1;
        }
    }
    votes_json.push_str(if first_vote { "]\n" } else { "\n]\n" });
    progress(FetchProgress::Step {
        done: total,
        total,
        what: "writing".into(),
    });

    // Everything read and checked: write.
    let votes_path = request.out.join("votes.json");
    write_atomic(&votes_path, votes_json.as_bytes())?;
    summary.written.push(votes_path);
    let meta_path = request.out.join("proposals.csv");
    write_atomic(&meta_path, &metadata_csv(&proposals, &items)?)?;
    summary.written.push(meta_path);
    for p in &proposals {
        match proposal_toml(p, &request.space) {
            Ok(text) => {
                let path = request
                    .out
                    .join("proposals")
                    .join(format!("{}.toml", file_stem(&p.id)));
                write_atomic(&path, text.as_bytes())?;
                summary.written.push(path);
            }
            Err(why) => summary.skipped.push((p.id.clone(), why)),
        }
    }
    summary.proposals = proposals.len();
    summary.requests = client.requests;
    Ok(summary)
}

/// Pages one list query by `created`.
struct Pager<'a> {
    query: &'a str,
    field: &'a str,
    first: u32,
    /// Where pages are cached (closed proposals' votes).
    cache: Option<&'a Path>,
    what: String,
}

impl Pager<'_> {
    fn run(
        &self,
        client: &mut Client,
        since: u64,
        vars: &dyn Fn(&mut serde_json::Map<String, serde_json::Value>),
        summary: &mut SnapshotFetch,
    ) -> Result<Vec<Item>> {
        let mut cursor = since;
        let mut skip: u64 = 0;
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for page in 0u64.. {
            let (label, at, skipped) = (&self.what, cursor, skip);
            let what = move || format!("{label}, page {page} (created >= {at}, skip {skipped})");
            let cached = self.cache.map(|dir| dir.join(format!("{page:05}.json")));
            let text = match &cached {
                Some(path) => {
                    crate::io::read_optional_text(path, crate::io::MAX_JSON_BYTES, "JSON")?
                }
                None => None,
            };
            let from_cache = text.is_some();
            let text = match text {
                Some(t) => t,
                None => {
                    let mut v = serde_json::Map::new();
                    vars(&mut v);
                    v.insert("created".into(), cursor.into());
                    v.insert("skip".into(), skip.into());
                    v.insert("first".into(), self.first.into());
                    let body = serde_json::json!({"query": self.query, "variables": v}).to_string();
                    let reply = client.post(&body, &what)?;
                    if reply.status != 200 {
                        return Err(Error::invalid(format!(
                            "{}: {}: HTTP {}: {}",
                            client.shown_url(),
                            what(),
                            reply.status,
                            crate::error::shown(reply.body.trim())
                        )));
                    }
                    reply.body
                }
            };
            let source = match (&cached, from_cache) {
                (Some(path), true) => path.display().to_string(),
                _ => client.shown_url(),
            };
            let items = parse_page(&text, self.field, &source, &what)?;
            if from_cache {
                summary.pages_cached += 1;
            } else {
                summary.pages_fetched += 1;
                if let Some(path) = &cached {
                    write_atomic(path, text.as_bytes())?;
                }
            }
            let n = items.len();
            let newest = items.iter().map(|i| i.created).max();
            let at_newest = items.iter().filter(|i| Some(i.created) == newest).count() as u64;
            out.extend(items.into_iter().filter(|i| seen.insert(i.id.clone())));
            if n < self.first as usize {
                break;
            }
            match newest {
                Some(c) if c == cursor => skip += n as u64,
                Some(c) if c > cursor => {
                    cursor = c;
                    skip = at_newest;
                }
                _ => {
                    return Err(Error::input(
                        Location::file(source).with_field(format!("data.{}", self.field)),
                        format!(
                            "{}: items older than the cursor: not ordered by created",
                            what()
                        ),
                    ))
                }
            }
            if skip > HUB_MAX_SKIP {
                return Err(Error::invalid(format!(
                    "{}: {}: more than {HUB_MAX_SKIP} items created in second {cursor}; \
                     the hub cannot page past them",
                    client.shown_url(),
                    what()
                )));
            }
        }
        Ok(out)
    }
}

/// The items of a GraphQL response `{"data": {FIELD: [...]}}`; each must
/// have a string `id` and an integer `created`.
fn parse_page(
    text: &str,
    field: &str,
    source: &str,
    what: &dyn Fn() -> String,
) -> Result<Vec<Item>> {
    #[derive(Deserialize)]
    struct Envelope<'a> {
        #[serde(borrow)]
        data: Option<&'a RawValue>,
        #[serde(borrow)]
        errors: Option<&'a RawValue>,
    }
    #[derive(Deserialize)]
    struct Head<'a> {
        id: String,
        #[serde(borrow)]
        created: &'a RawValue,
    }
    let bad = |field: String, msg: String| {
        Error::input(
            Location::file(source).with_field(field),
            format!("{}: {msg}", what()),
        )
    };
    let env: Envelope<'_> = serde_json::from_str(text)
        .map_err(|e| bad(String::new(), format!("not a GraphQL response: {e}")))?;
    if let Some(errors) = env.errors {
        return Err(bad(
            "errors".into(),
            format!(
                "the hub answered with errors: {}",
                crate::error::shown(errors.get())
            ),
        ));
    }
    let data = env
        .data
        .ok_or_else(|| bad("data".into(), "missing".into()))?;
    let map: std::collections::BTreeMap<String, Option<Vec<&RawValue>>> =
        serde_json::from_str(data.get())
            .map_err(|e| bad(format!("data.{field}"), format!("expected a list: {e}")))?;
    let list = map
        .get(field)
        .ok_or_else(|| bad(format!("data.{field}"), "missing".into()))?
        .as_deref()
        .unwrap_or(&[]);
    let mut out = Vec::with_capacity(list.len());
    for (i, raw) in list.iter().enumerate() {
        let head: Head<'_> = serde_json::from_str(raw.get())
            .map_err(|e| bad(format!("data.{field}[{i}]"), e.to_string()))?;
        if field == "votes" {
            // Checked before the page is cached: a bad page is never kept.
            let vote: HubVote<'_> = serde_json::from_str(raw.get()).map_err(|e| {
                bad(
                    format!("data.{field}[{i}]"),
                    format!("vote {:?}: {e}", head.id),
                )
            })?;
            if serde_json::from_str::<serde_json::Number>(vote.vp.get()).is_err() {
                return Err(bad(
                    format!("data.{field}[{i}].vp"),
                    format!(
                        "vote {:?}: {} is not a number",
                        head.id,
                        crate::error::shown(vote.vp.get())
                    ),
                ));
            }
        }
        let created = head.created.get().trim().parse::<u64>().map_err(|_| {
            bad(
                format!("data.{field}[{i}].created"),
                format!(
                    "{} is not a unix time",
                    crate::error::shown(head.created.get())
                ),
            )
        })?;
        out.push(Item {
            id: head.id,
            created,
            raw: (*raw).to_owned(),
        });
    }
    Ok(out)
}

/// The hub's JSON text of an optional field, unquoted; empty if absent.
fn raw_text(v: &Option<Box<RawValue>>) -> String {
    match v.as_deref().map(RawValue::get) {
        None | Some("null") => String::new(),
        Some(t) => serde_json::from_str::<String>(t).unwrap_or_else(|_| t.to_string()),
    }
}

fn metadata_csv(proposals: &[HubProposal], items: &[Item]) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let csv_err = |e: csv::Error| Error::invalid(format!("writing proposals.csv: {e}"));
    w.write_record([
        "id",
        "title",
        "type",
        "state",
        "author",
        "created",
        "start",
        "end",
        "snapshot",
        "quorum",
        "quorumType",
        "choices",
        "scores",
        "scores_total",
        "votes",
    ])
    .map_err(csv_err)?;
    for (p, item) in proposals.iter().zip(items) {
        w.write_record([
            p.id.as_str(),
            p.title.as_deref().unwrap_or(""),
            p.kind.as_deref().unwrap_or(""),
            p.state.as_deref().unwrap_or(""),
            p.author.as_deref().unwrap_or(""),
            &item.created.to_string(),
            &raw_text(&p.start),
            &raw_text(&p.end),
            &raw_text(&p.snapshot),
            &raw_text(&p.quorum),
            p.quorum_type.as_deref().unwrap_or(""),
            &serde_json::to_string(&p.choices).expect("strings serialise"),
            &raw_text(&p.scores),
            &raw_text(&p.scores_total),
            &raw_text(&p.votes),
        ])
        .map_err(csv_err)?;
    }
    w.into_inner()
        .map_err(|e| Error::invalid(format!("writing proposals.csv: {e}")))
}

/// A proposal file for `govkit evaluate`, or why there is none.
fn proposal_toml(p: &HubProposal, space: &str) -> std::result::Result<String, String> {
    let kind = p.kind.as_deref().unwrap_or("single-choice");
    let ballot = match kind {
        "basic" | "single-choice" | "approval" | "weighted" | "quadratic" | "ranked-choice"
        | "copeland" => kind,
        other => {
            return Err(format!(
                "Snapshot voting type {other:?} has no govkit ballot"
            ))
        }
    };
    let q = |s: &str| toml::Value::String(s.to_string()).to_string();
    let mut t = String::new();
    t.push_str(&format!(
        "# Written by `govkit fetch snapshot` from space {} (state {}); rerun the fetch\n\
         # rather than editing it.\n",
        q(space),
        q(p.state.as_deref().unwrap_or("unknown"))
    ));
    t.push_str(&format!("id = {}\n", q(&p.id)));
    if let Some(title) = &p.title {
        t.push_str(&format!("title = {}\n", q(title)));
    }
    t.push_str(&format!("ballot = {}\n", q(ballot)));
    let choices: Vec<String> = p.choices.iter().map(|c| q(c)).collect();
    t.push_str(&format!("choices = [{}]\n", choices.join(", ")));
    t.push_str("decimals = 18\n\n[votes]\npath = \"../votes.json\"\nformat = \"snapshot-json\"\n");
    t.push_str(&format!("proposal_id = {}\n", q(&p.id)));
    let quorum = raw_text(&p.quorum);
    let zero = quorum.is_empty() || serde_json::from_str::<f64>(&quorum).is_ok_and(|v| v == 0.0);
    let rejection = p.quorum_type.as_deref() == Some("rejection");
    if !zero || rejection {
        t.push_str("\n[rules]\n");
        if !zero {
            t.push_str(&format!("quorum = {}\n", q(&quorum)));
        }
        if rejection {
            t.push_str("quorum_type = \"rejection\"\n");
        }
    }
    Ok(t)
}
