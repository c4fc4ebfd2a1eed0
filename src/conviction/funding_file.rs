//! The funding simulation file: `[conviction]` parameters, `[[proposal]]`
//! requests and a stake timeline CSV; and its report.
//!
//! ```toml
//! [conviction]
//! decay = "0.9"                  # a; or half_life = 6 (blocks)
//! max_ratio = "0.2"              # beta
//! weight = "0.002"               # rho
//! min_threshold_stake = "20%"    # of the stake token's supply
//! funds = "15000"                # the common pool (request token)
//! supply = "45000"               # the stake token's total supply
//! decimals = 18                  # stake token decimals (default 18)
//! request_decimals = 18          # request token decimals (default: decimals)
//! timeline = "data/stakes.csv"   # block,account,proposal,amount
//!
//! [[proposal]]
//! id = "p1"
//! requested = "1000"
//! ```

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::json;
use toml::Spanned;

use super::contract::FundingThresholdError;
use super::funding::{Funding, FundingParams, Simulation, StakeEvent};
use crate::amount::{Amount, AmountUnit};
use crate::decimal::format_scaled;
use crate::error::{Error, Location, Result};
use crate::toml_util::{self, at, NumberText};

/// The most rows per proposal `--series` writes at its `--step` (about
/// 60 MB of CSV each).
pub const MAX_SERIES_ROWS: u64 = 1_000_000;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSchema {
    conviction: Spanned<Section>,
    #[serde(default)]
    proposal: Vec<ProposalEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Section {
    decay: Option<Spanned<NumberText>>,
    half_life: Option<Spanned<u64>>,
    max_ratio: Spanned<NumberText>,
    weight: Spanned<NumberText>,
    min_threshold_stake: Spanned<NumberText>,
    funds: Spanned<NumberText>,
    supply: Spanned<NumberText>,
    decimals: Option<Spanned<u8>>,
    request_decimals: Option<Spanned<u8>>,
    timeline: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProposalEntry {
    id: Spanned<String>,
    title: Option<String>,
    requested: Spanned<NumberText>,
}

/// The header of the conviction curve CSV ([`FundingReport::series_rows`]).
pub const SERIES_HEADER: [&str; 6] = [
    "block",
    "proposal",
    "staked",
    "conviction",
    "threshold",
    "passing",
];

/// One funding request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// The proposal's id (as the timeline names it).
    pub id: String,
    /// Optional title.
    pub title: Option<String>,
    /// Requested amount, base units of the request token.
    pub requested: u128,
}

/// A validated funding simulation file.
#[derive(Clone, Debug)]
pub struct FundingFile {
    /// The file.
    pub path: PathBuf,
    /// Pool, supply and contract parameters.
    pub funding: Funding,
    /// The half-life the file gave, if it gave one instead of `decay`.
    pub half_life: Option<u64>,
    /// Stake token decimals.
    pub decimals: u8,
    /// Request token decimals.
    pub request_decimals: u8,
    /// The requests, in file order.
    pub proposals: Vec<Request>,
    /// The stake timeline CSV (resolved against the TOML's folder).
    pub timeline: PathBuf,
}

/// A stake timeline read from CSV.
#[derive(Clone, Debug, Default)]
pub struct Timeline {
    /// The events, in block order.
    pub events: Vec<StakeEvent>,
    /// Account names by index.
    pub accounts: Vec<String>,
}

impl FundingFile {
    /// Validates a funding file given as text; `path` names it and anchors
    /// the timeline path.
    pub fn from_toml(path: &Path, text: &str) -> Result<FundingFile> {
        let file: FileSchema = toml_util::parse(path, text)?;
        let c = file.conviction.get_ref();
        let key = |v: &Spanned<NumberText>, k: &str| at(path, text, v, k);
        let decimals = toml_util::decimals(path, text, c.decimals.as_ref(), 18)?;
        let request_decimals =
            toml_util::decimals(path, text, c.request_decimals.as_ref(), decimals)?;
        let section = Location::line(path, toml_util::line_at(text, file.conviction.span().start))
            .with_field("conviction");
        let decay_text = match (&c.decay, &c.half_life) {
            (Some(d), None) => d.get_ref().0.clone(),
            (None, Some(h)) => {
                let decay = FundingParams::decay_for_half_life(*h.get_ref()).map_err(|e| {
                    Error::input(at(path, text, h, "conviction.half_life"), e.message)
                })?;
                format_scaled(decay, 7)
            }
            (Some(_), Some(h)) => {
                return Err(Error::input(
                    at(path, text, h, "conviction.half_life"),
                    "give either decay or half_life, not both",
                ))
            }
            (None, None) => {
                return Err(Error::input(
                    section,
                    "missing decay (a, e.g. \"0.9\") or half_life (blocks)",
                ))
            }
        };
        let params = FundingParams::parse(
            &decay_text,
            &c.max_ratio.get_ref().0,
            &c.weight.get_ref().0,
            &c.min_threshold_stake.get_ref().0,
        )
        .map_err(|e| {
            let location = match e.param {
                "decay" => match (&c.decay, &c.half_life) {
                    (Some(d), _) => key(d, "conviction.decay"),
                    (_, Some(h)) => at(path, text, h, "conviction.half_life"),
                    _ => unreachable!("one of them is set"),
                },
                "max_ratio" => key(&c.max_ratio, "conviction.max_ratio"),
                "weight" => key(&c.weight, "conviction.weight"),
                _ => key(&c.min_threshold_stake, "conviction.min_threshold_stake"),
            };
            Error::input(location, e.message)
        })?;
        let funds = toml_util::amount(path, text, &c.funds, "conviction.funds", request_decimals)?;
        let supply = toml_util::amount(path, text, &c.supply, "conviction.supply", decimals)?;
        if funds == 0 {
            return Err(Error::input(
                key(&c.funds, "conviction.funds"),
                "the pool is empty: no request can pass",
            ));
        }
        let funding = Funding {
            params,
            funds,
            supply,
        };
        let mut proposals: Vec<Request> = Vec::new();
        let mut seen: HashMap<String, u64> = HashMap::new();
        for entry in &file.proposal {
            let id = entry.id.get_ref().trim().to_string();
            let id_line = toml_util::line_at(text, entry.id.span().start);
            if id.is_empty() {
                return Err(Error::input(
                    at(path, text, &entry.id, "proposal.id"),
                    "is empty",
                ));
            }
            if let Some(first) = seen.insert(id.clone(), id_line) {
                return Err(Error::input(
                    at(path, text, &entry.id, "proposal.id"),
                    format!("duplicate proposal id {id:?} (first on line {first})"),
                ));
            }
            let requested = toml_util::amount(
                path,
                text,
                &entry.requested,
                "proposal.requested",
                request_decimals,
            )?;
            let where_ = key(&entry.requested, "proposal.requested");
            if requested == 0 {
                return Err(Error::input(
                    where_,
                    format!(
                        "proposal {id:?} requests nothing: signaling proposals are never executed"
                    ),
                ));
            }
            if let Some(refusal) = params.refusal(requested, funds) {
                let why = match refusal {
                    FundingThresholdError::OverMaxRatio => format!(
                        "is at least max_ratio × funds = {} × {}",
                        format_scaled(params.max_ratio, 7),
                        format_scaled(funds, request_decimals)
                    ),
                    FundingThresholdError::Arithmetic => "is so close to max_ratio × funds that the \
                        contract's threshold arithmetic fails (uint256 overflow or division by zero)"
                        .to_string(),
                };
                return Err(Error::input(
                    where_,
                    format!(
                        "proposal {id:?} requests {} which {why}: it can never pass",
                        format_scaled(requested, request_decimals)
                    ),
                ));
            }
            proposals.push(Request {
                id,
                title: entry.title.clone(),
                requested,
            });
        }
        if proposals.is_empty() {
            return Err(Error::input(
                Location::file(path).with_field("proposal"),
                "no [[proposal]] entries",
            ));
        }
        let base = path.parent().unwrap_or(Path::new(""));
        Ok(FundingFile {
            path: path.to_path_buf(),
            funding,
            half_life: c.half_life.as_ref().map(|h| *h.get_ref()),
            decimals,
            request_decimals,
            proposals,
            timeline: base.join(c.timeline.get_ref()),
        })
    }

    /// An empty stake timeline for this file's requests, to be filled row
    /// by row ([`TimelineBuilder::push`]) by whoever reads the rows
    /// (`io::conviction_files::read_timeline` for a CSV file).
    pub fn timeline(&self) -> TimelineBuilder<'_> {
        TimelineBuilder {
            decimals: self.decimals,
            index: self
                .proposals
                .iter()
                .enumerate()
                .map(|(i, p)| (p.id.as_str(), i as u32))
                .collect(),
            accounts: HashMap::new(),
            supply: self.funding.supply,
            stakes: HashMap::new(),
            staked: 0,
            timeline: Timeline::default(),
            previous: None,
        }
    }

    /// Simulates the requests over `timeline` up to `until` (default:
    /// forever).
    pub fn simulate(&self, timeline: &Timeline, until: Option<u64>) -> Result<FundingReport> {
        let requests: Vec<u128> = self.proposals.iter().map(|p| p.requested).collect();
        let sim = self.funding.simulate(&requests, &timeline.events, until)?;
        FundingReport::new(self.clone(), sim, until, timeline.events.len())
    }
}

/// One row of a stake timeline, as written: `block,account,proposal,amount`
/// (amount in stake tokens; 0 unstakes).
#[derive(Clone, Copy, Debug)]
pub struct TimelineRow<'a> {
    /// Block number.
    pub block: &'a str,
    /// The staking account.
    pub account: &'a str,
    /// The id of a `[[proposal]]`.
    pub proposal: &'a str,
    /// The stake after this row, in stake tokens.
    pub amount: &'a str,
}

/// A field of a [`TimelineRow`], for error locations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimelineField {
    /// `block`.
    Block,
    /// `account`.
    Account,
    /// `proposal`.
    Proposal,
    /// `amount`.
    Amount,
}

/// Builds a [`Timeline`] from rows in block order, checking each.
#[derive(Debug)]
pub struct TimelineBuilder<'f> {
    decimals: u8,
    index: HashMap<&'f str, u32>,
    accounts: HashMap<String, u32>,
    timeline: Timeline,
    previous: Option<(u64, u64)>,
    /// The stake token's supply: all stakes together never exceed it (the
    /// tokens are held by the contract).
    supply: u128,
    /// Each (account, proposal)'s current stake.
    stakes: HashMap<(u32, u32), u128>,
    /// All current stakes together.
    staked: u128,
}

impl TimelineBuilder<'_> {
    /// Adds the row on `line`; `at` locates a field of it for errors.
    pub fn push(
        &mut self,
        line: u64,
        row: TimelineRow<'_>,
        at: impl Fn(TimelineField) -> Location,
    ) -> Result<()> {
        let block_text = row.block.trim();
        let block: u64 = block_text.parse().map_err(|_| {
            Error::input(
                at(TimelineField::Block),
                format!(
                    "{:?} is not a block number",
                    crate::error::shown(block_text)
                ),
            )
        })?;
        if block > super::funding::FAR {
            return Err(Error::input(
                at(TimelineField::Block),
                format!(
                    "block {block} is beyond the last block simulated (2^62 = {})",
                    super::funding::FAR
                ),
            ));
        }
        if let Some((prev, prev_line)) = self.previous {
            if block < prev {
                return Err(Error::input(
                    at(TimelineField::Block),
                    format!(
                        "block {block} comes before block {prev} (line {prev_line}): time \
                         cannot go backwards; sort the timeline by block"
                    ),
                ));
            }
        }
        self.previous = Some((block, line));
        let account_name = row.account.trim();
        if account_name.is_empty() {
            return Err(Error::input(at(TimelineField::Account), "is empty"));
        }
        let names = &mut self.timeline.accounts;
        let next_id = names.len() as u32;
        let account = *self
            .accounts
            .entry(account_name.to_string())
            .or_insert_with(|| {
                names.push(account_name.to_string());
                next_id
            });
        let proposal_id = row.proposal.trim();
        let proposal = *self.index.get(proposal_id).ok_or_else(|| {
            let mut known: Vec<&str> = self.index.keys().copied().collect();
            known.sort_unstable();
            Error::input(
                at(TimelineField::Proposal),
                format!(
                    "no [[proposal]] with id {proposal_id:?} (the file has: {})",
                    known.join(", ")
                ),
            )
        })?;
        let amount = Amount::parse(row.amount.trim(), AmountUnit::Token, self.decimals)
            .map_err(|e| Error::input(at(TimelineField::Amount), e.to_string()))?
            .base_units();
        let previous = self.stakes.insert((account, proposal), amount).unwrap_or(0);
        // previous <= staked (it is one of its terms), and the new total is
        // at most the supply below: no overflow, as checked here.
        let staked = (self.staked - previous)
            .checked_add(amount)
            .filter(|&t| t <= self.supply)
            .ok_or_else(|| {
                let tokens =
                    |x: u128| crate::amount::Power::from_units(x).to_decimal_string(self.decimals);
                Error::input(
                    at(TimelineField::Amount),
                    format!(
                        "after this row the stakes total more than the supply ({} tokens, \
                         conviction.supply): the staked tokens are held by the contract, so \
                         they cannot exceed it (staked before this row: {})",
                        tokens(self.supply),
                        tokens(self.staked),
                    ),
                )
            })?;
        self.staked = staked;
        self.timeline.events.push(StakeEvent {
            block,
            account,
            proposal,
            amount,
        });
        Ok(())
    }

    /// The timeline built so far.
    pub fn finish(self) -> Timeline {
        self.timeline
    }
}

/// One proposal's result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FundingOutcome {
    /// Proposal id.
    pub id: String,
    /// Requested amount, base units.
    pub requested: u128,
    /// First passing block, if any by the horizon.
    pub passes_at: Option<u64>,
    /// The block the other numbers are taken at: `passes_at`, else the end
    /// (`until`, or the last stake event).
    pub at_block: u64,
    /// The contract's threshold at `at_block`.
    pub threshold: u128,
    /// The conviction at `at_block`.
    pub conviction: u128,
    /// The stake on the proposal at `at_block`.
    pub staked: u128,
    /// The stake after the proposal's last event (held from then on).
    pub final_stake: u128,
    /// `final_stake/(1 − a)`: the level conviction tends to while the
    /// final stake is held.
    pub limit: u128,
}

/// The result of a funding simulation.
#[derive(Clone, Debug)]
pub struct FundingReport {
    /// The file simulated.
    pub file: FundingFile,
    /// The simulation (for curves).
    pub simulation: Simulation,
    /// `--until`, if given.
    pub until: Option<u64>,
    /// Number of timeline rows read.
    pub events: usize,
    /// Per-proposal results, in file order.
    pub proposals: Vec<FundingOutcome>,
}

impl FundingReport {
    fn new(
        file: FundingFile,
        sim: Simulation,
        until: Option<u64>,
        events: usize,
    ) -> Result<FundingReport> {
        let end = until.or(sim.last_event_block()).unwrap_or(0);
        let proposals = file
            .proposals
            .iter()
            .enumerate()
            .map(|(p, req)| {
                let passes_at = sim.passes_at(p);
                let at_block = passes_at.unwrap_or(end);
                Ok(FundingOutcome {
                    id: req.id.clone(),
                    requested: req.requested,
                    passes_at,
                    at_block,
                    threshold: sim.threshold_at(p, at_block)?,
                    conviction: sim.conviction_at(p, at_block)?,
                    staked: sim.staked_at(p, at_block),
                    final_stake: sim.final_stake(p),
                    limit: sim.limit(p)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(FundingReport {
            file,
            simulation: sim,
            until,
            events,
            proposals,
        })
    }

    fn stake(&self, v: u128) -> String {
        format_scaled(v, self.file.decimals)
    }

    fn request(&self, v: u128) -> String {
        format_scaled(v, self.file.request_decimals)
    }

    fn params_json(&self) -> serde_json::Value {
        let f = &self.file.funding;
        let p = &f.params;
        json!({
            "decay": format_scaled(p.decay, 7),
            "half_life_blocks": format!("{:.2}", p.half_life_blocks()),
            "max_ratio": format_scaled(p.max_ratio, 7),
            "weight": format_scaled(p.weight, 7),
            "min_threshold_stake": format!("{}%", format_scaled(p.min_threshold_stake_percentage, 16)),
            "funds": self.request(f.funds),
            "supply": self.stake(f.supply),
            "min_effective_supply": self.stake(p.effective_supply(0, f.supply)),
            "decimals": self.file.decimals,
            "request_decimals": self.file.request_decimals,
        })
    }

    /// The report as one JSON object: `parameters`, `until`,
    /// `last_event_block`, `events` and `proposals`, a list of `{"id",
    /// "requested", "threshold", "passes_at", "at_block", "conviction",
    /// "staked", "final_stake", "limit"}` (amounts as exact decimal strings in token
    /// units; conviction in token-blocks).
    pub fn to_json(&self) -> String {
        let proposals: Vec<serde_json::Value> = self
            .proposals
            .iter()
            .map(|o| {
                json!({
                    "id": o.id,
                    "requested": self.request(o.requested),
                    "threshold": self.stake(o.threshold),
                    "passes_at": o.passes_at,
                    "at_block": o.at_block,
                    "conviction": self.stake(o.conviction),
                    "staked": self.stake(o.staked),
                    "final_stake": self.stake(o.final_stake),
                    "limit": self.stake(o.limit),
                })
            })
            .collect();
        let value = json!({
            "kind": "conviction-funding",
            "parameters": self.params_json(),
            "until": self.until,
            "last_event_block": self.simulation.last_event_block(),
            "events": self.events,
            "proposals": proposals,
        });
        serde_json::to_string_pretty(&value).expect("JSON values serialise")
    }

    /// The report as a table for people.
    pub fn to_table(&self) -> String {
        let f = &self.file.funding;
        let p = &f.params;
        let mut out = String::new();
        let _ = writeln!(out, "conviction funding — {}", self.file.path.display());
        let half = match self.file.half_life {
            Some(h) => format!("half-life {h} blocks"),
            None => format!("half-life {:.2} blocks", p.half_life_blocks()),
        };
        let _ = writeln!(
            out,
            "decay a {} ({half}), max ratio beta {}, weight rho {}",
            format_scaled(p.decay, 7),
            format_scaled(p.max_ratio, 7),
            format_scaled(p.weight, 7)
        );
        let _ = writeln!(
            out,
            "funds {}, supply {}, min threshold stake {}% = {}",
            self.request(f.funds),
            self.stake(f.supply),
            format_scaled(p.min_threshold_stake_percentage, 16),
            self.stake(p.effective_supply(0, f.supply))
        );
        let horizon = match (self.until, self.simulation.last_event_block()) {
            (Some(u), _) => format!("until block {u}"),
            (None, Some(b)) => format!("forever (stakes held after block {b})"),
            (None, None) => "forever (no stakes)".to_string(),
        };
        let _ = writeln!(out, "{} stake events, simulated {horizon}\n", self.events);
        let header = [
            "proposal",
            "requested",
            "threshold",
            "passes at",
            "conviction",
            "staked",
            "final stake",
            "limit",
        ];
        let rows: Vec<[String; 8]> = self
            .proposals
            .iter()
            .map(|o| {
                [
                    o.id.clone(),
                    self.request(o.requested),
                    self.stake(o.threshold),
                    o.passes_at.map_or("never".to_string(), |b| b.to_string()),
                    self.stake(o.conviction),
                    self.stake(o.staked),
                    self.stake(o.final_stake),
                    self.stake(o.limit),
                ]
            })
            .collect();
        let mut widths = header.map(str::len);
        for row in &rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let line = |cells: &[&str]| {
            let mut s = String::from(" ");
            for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
                if i == 0 {
                    let _ = write!(s, " {cell:<w$}");
                } else {
                    let _ = write!(s, "  {cell:>w$}");
                }
            }
            s.trim_end().to_string() + "\n"
        };
        out += &line(&header);
        for row in &rows {
            let cells: Vec<&str> = row.iter().map(String::as_str).collect();
            out += &line(&cells);
        }
        let _ = writeln!(
            out,
            "\nthreshold, conviction and staked at the passing block (else at the end);\n\
             final stake after the proposal's last event; limit = final stake/(1 − a),\n\
             the level conviction tends to while the final stake is held.\n\
             Fixed point as the 1Hive contract (D = 10^7); passing iff conviction > threshold."
        );
        out
    }

    /// The conviction curves as CSV rows under [`SERIES_HEADER`] (at most
    /// [`MAX_SERIES_ROWS`] step rows per proposal): for each
    /// proposal, every `step` blocks (default: about 500 rows over the run)
    /// plus its stake changes and its passing block, up to `until` or the
    /// last interesting block. Each row goes to `row` in order
    /// (`io::conviction_files::write_series` writes them to a file).
    pub fn series_rows(
        &self,
        step: Option<u64>,
        mut row: impl FnMut([String; 6]) -> Result<()>,
    ) -> Result<()> {
        let sim = &self.simulation;
        let latest_pass = self.proposals.iter().filter_map(|o| o.passes_at).max();
        let end = self
            .until
            .unwrap_or_else(|| {
                sim.last_event_block()
                    .unwrap_or(0)
                    .max(latest_pass.unwrap_or(0))
            })
            .max(1);
        let step = step.unwrap_or_else(|| end.div_ceil(500)).max(1);
        if end / step >= MAX_SERIES_ROWS {
            return Err(crate::error::Error::invalid(format!(
                "--series with --step {step} up to block {end} would write {} rows per \
                 proposal; the limit is {MAX_SERIES_ROWS}: raise --step or lower --until",
                u128::from(end / step) + 1
            )));
        }
        for (p, o) in self.proposals.iter().enumerate() {
            let mut blocks: Vec<u64> = (0..=end / step).map(|i| i * step).collect();
            blocks.push(end);
            blocks.extend(
                sim.segments(p)
                    .iter()
                    .map(|s| s.start)
                    .filter(|&b| b <= end),
            );
            blocks.extend(o.passes_at);
            blocks.sort_unstable();
            blocks.dedup();
            for b in blocks {
                let y = sim.conviction_at(p, b)?;
                let t = sim.threshold_at(p, b)?;
                row([
                    b.to_string(),
                    o.id.clone(),
                    self.stake(sim.staked_at(p, b)),
                    self.stake(y),
                    self.stake(t),
                    (y > t).to_string(),
                ])?;
            }
        }
        Ok(())
    }
}
