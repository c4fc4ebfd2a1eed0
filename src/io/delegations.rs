//! Delegation files.
//!
//! - **csv**: one row per delegation, `delegator,delegate[,fraction][,scope]`
//!   (column names configurable; defaults below). A fraction is `25%`,
//!   `1/4` or `0.25`; a `bps` column gives basis points (`2500`) instead.
//!   An empty fraction means the whole balance.
//! - **governor-events**: token event logs as indexers export them (one row
//!   per event, `event_name` first). `DelegateChanged(delegator,
//!   fromDelegate, toDelegate)` rows count; the latest event of each
//!   delegator wins (by `block_number`, then `log_index`, else file order),
//!   optionally only events up to a block or time. Delegating to the zero
//!   address withdraws a delegation. Other events are skipped.
//! - **decentraland-members**: the Decentraland DAO's `members.csv` export:
//!   `Member`, `Has Delegated`, `Delegate` (one hop, whole balance), and for
//!   [`MembersExport`] also each member's own voting power (the sum of the
//!   `… VP` columns other than `Total VP` and `Delegated VP`) and what the
//!   file reports per delegate (`Delegated VP`, `Delegators`).
//!
//! Addresses: a `0x` address must be `0x` and 40 hex digits (any case);
//! other account names (Polkadot, ENS, test names) are taken as written but
//! may not contain spaces. Every rejected value names file, line and field.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use csv::StringRecord;
use serde::Deserialize;

use super::csv_file::CsvFile;
use super::holders::{plain_csv, Holders, HoldersSource};
use super::{normalize_proposal_id, parse_amount};
use crate::amount::{Amount, AmountUnit};
pub use crate::delegation::ReportedDelegate;
use crate::delegation::{
    resolve, Analysis, Delegation, DelegationFields, Delegations, FileCheck, Policy,
};
use crate::error::{Error, Location, Result};
use crate::share::Share;
use crate::vote::{CastAt, Voter};

/// The formats a delegation file can come in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DelegationFormat {
    /// `delegator,delegate[,fraction][,scope]`.
    Csv,
    /// `DelegateChanged` event logs.
    GovernorEvents,
    /// Decentraland's `members.csv`.
    DecentralandMembers,
}

impl DelegationFormat {
    /// The name in proposal files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            DelegationFormat::Csv => "csv",
            DelegationFormat::GovernorEvents => "governor-events",
            DelegationFormat::DecentralandMembers => "decentraland-members",
        }
    }

    /// Guesses the format from the header (see [`super::detect`]).
    pub fn detect(path: &Path) -> Result<DelegationFormat> {
        super::detect::delegation_format(path)
    }
}

impl std::str::FromStr for DelegationFormat {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        [
            DelegationFormat::Csv,
            DelegationFormat::GovernorEvents,
            DelegationFormat::DecentralandMembers,
        ]
        .into_iter()
        .find(|f| f.name() == s)
        .ok_or_else(|| {
            format!("unknown delegation format {s:?} (csv, governor-events, decentraland-members)")
        })
    }
}

/// Column names of a delegation CSV; `None` means "use the default names".
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DelegationColumns {
    /// Delegator (default: delegator, from, account).
    pub delegator: Option<String>,
    /// Delegate (default: delegate, to, delegatee).
    pub delegate: Option<String>,
    /// Fraction (default: fraction, share, ratio; optional).
    pub fraction: Option<String>,
    /// Basis points instead of a fraction (default: bps, basis_points;
    /// optional).
    pub bps: Option<String>,
    /// Scope, e.g. a Snapshot space (default: scope, space; optional).
    pub scope: Option<String>,
}

/// Only governor events up to here count (inclusive).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cutoff {
    /// A block number.
    Block(u64),
    /// A time as the file writes it (unix seconds or ISO 8601; compared
    /// numerically when both are integers, else as text).
    Time(CastAt),
}

/// Where and how to read delegations.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DelegationSource {
    /// The file.
    pub path: PathBuf,
    /// The format; `None`: detected from the header.
    pub format: Option<DelegationFormat>,
    /// Column names (csv).
    pub columns: DelegationColumns,
    /// The scope whose delegations replace global ones (csv).
    pub scope: Option<String>,
    /// Governor events: only events up to this block or time.
    pub until: Option<Cutoff>,
}

impl DelegationSource {
    /// A file of a detected format with default columns.
    pub fn new(path: impl Into<PathBuf>) -> DelegationSource {
        DelegationSource {
            path: path.into(),
            format: None,
            columns: DelegationColumns::default(),
            scope: None,
            until: None,
        }
    }

    /// The format, detected from the header if not set.
    pub fn format(&self) -> Result<DelegationFormat> {
        match self.format {
            Some(f) => Ok(f),
            None => DelegationFormat::detect(&self.path),
        }
    }
}

/// Reads a delegation file.
pub fn read(source: &DelegationSource) -> Result<Delegations> {
    match source.format()? {
        DelegationFormat::Csv => read_csv(source),
        DelegationFormat::GovernorEvents => read_events(source),
        DelegationFormat::DecentralandMembers => {
            read_members(&source.path, None).map(|m| m.delegations)
        }
    }
}

/// What `govkit delegation` analyses: a holder snapshot (or a
/// Decentraland members export), a delegation file and the semantics.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct DelegationRequest {
    /// The holder snapshot (a members export is recognised, see
    /// [`super::detect`]).
    pub holders: HoldersSource,
    /// The delegations.
    pub delegations: DelegationSource,
    /// The delegation semantics (default one hop).
    pub policy: Policy,
    /// How many of the largest holders to compare before and after
    /// (default 10).
    pub top: usize,
    /// The token's decimals (default 18).
    pub decimals: u8,
}

impl DelegationRequest {
    /// A request with the default policy, top and decimals.
    pub fn new(holders: HoldersSource, delegations: DelegationSource) -> DelegationRequest {
        DelegationRequest {
            holders,
            delegations,
            policy: Policy::one_hop(),
            top: 10,
            decimals: 18,
        }
    }
}

/// The library call behind `govkit delegation`: reads both files (a
/// Decentraland export that is both is read once), resolves the
/// delegations and builds the report; with a members export and a one-hop
/// policy, the report also compares the file's own per-delegate numbers.
pub fn analyze(req: &DelegationRequest) -> Result<Analysis> {
    analyze_keeping(req).map(|(analysis, _)| analysis)
}

/// What [`analyze_keeping`] read: the holder snapshot and the delegation
/// graph, owned.
pub struct DelegationInputs {
    /// The holders (`None` when the members export held them).
    pub holders: Option<Holders>,
    /// The delegations (`None` when they were the members export's).
    pub delegations: Option<Delegations>,
    /// The Decentraland members export, when the delegations were one.
    pub members: Option<MembersExport>,
}

/// [`analyze`], handing back what it read: a caller that ends right after
/// (the CLI) can leave a million holders to the process exit instead of
/// freeing them one by one (about 25 ms of a 0.4 s run).
pub fn analyze_keeping(req: &DelegationRequest) -> Result<(Analysis, DelegationInputs)> {
    let format = req.delegations.format()?;
    let members = if format == DelegationFormat::DecentralandMembers {
        Some(MembersExport::read(&req.delegations.path, req.decimals)?)
    } else {
        None
    };
    let holders_is_members = super::detect::holders_format(&req.holders)?
        == super::detect::HoldersFormat::DecentralandMembers;
    let reuse = members.is_some()
        && holders_is_members
        && same_file(&req.holders.path, &req.delegations.path);
    let read_holders = || -> Result<Option<Holders>> {
        Ok(match (reuse, holders_is_members) {
            (true, _) => None,
            (false, true) => Some(MembersExport::read(&req.holders.path, req.decimals)?.holders),
            (false, false) => Some(Holders::read(&req.holders, req.decimals)?),
        })
    };
    let read_delegations = || -> Result<Option<Delegations>> {
        match members {
            Some(_) => Ok(None),
            None => read(&req.delegations).map(Some),
        }
    };
    // The two files are independent: read at the same time (a holder
    // error is still reported first, as when read one after the other).
    let (holders_owned, delegations_owned) = std::thread::scope(|scope| {
        let d = scope.spawn(read_delegations);
        let h = read_holders();
        let d = d
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (h, d)
    });
    let (holders_owned, delegations_owned) = (holders_owned?, delegations_owned?);
    let holders: &Holders = match (&holders_owned, &members) {
        (Some(h), _) => h,
        (None, Some(m)) => &m.holders,
        (None, None) => unreachable!("holders are read unless the members export is reused"),
    };
    let delegations: &Delegations = match (&delegations_owned, &members) {
        (Some(d), _) => d,
        (None, Some(m)) => &m.delegations,
        (None, None) => unreachable!("delegations are read unless they are the members export"),
    };
    let resolution = resolve(holders, delegations, &req.policy, None)?;
    let mut analysis = Analysis::new(
        &resolution,
        &req.holders.path.display().to_string(),
        format.name(),
        req.top,
        req.decimals,
    );
    if let Some(m) = &members {
        // The export's numbers are one-hop (Snapshot's delegation strategy).
        if req.policy.max_depth() == Some(1) {
            analysis.file_check = Some(FileCheck::new(&resolution, &m.reported, req.decimals));
        }
    }
    drop(resolution);
    let inputs = DelegationInputs {
        holders: holders_owned,
        delegations: delegations_owned,
        members,
    };
    Ok((analysis, inputs))
}

fn same_file(a: &Path, b: &Path) -> bool {
    a == b
        || matches!(
            (std::fs::canonicalize(a), std::fs::canonicalize(b)),
            (Ok(x), Ok(y)) if x == y
        )
}

/// Parses an address field: `0x` and 40 hex digits, or another account
/// name without spaces.
pub(crate) fn parse_address(text: &str, at: impl FnOnce() -> Location) -> Result<Voter> {
    let t = text.trim();
    if t.is_empty() {
        return Err(Error::input(at(), "the address is empty"));
    }
    let ok = if let Some(hex) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        hex.len() == 40 && hex.bytes().all(|b| b.is_ascii_hexdigit())
    } else {
        !t.chars().any(|c| c.is_whitespace() || c == ',' || c == ';')
    };
    if !ok {
        return Err(Error::input(
            at(),
            format!(
                "{t:?} is not an address (0x and 40 hex digits, or an account name without spaces)"
            ),
        ));
    }
    Ok(Voter::new(t))
}

const ZERO_ADDRESS: &str = "0x0000000000000000000000000000000000000000";

fn read_csv(source: &DelegationSource) -> Result<Delegations> {
    read_csv_with(source, true)
}

/// `plain`: try the fast path first (tests compare with `false`).
fn read_csv_with(source: &DelegationSource, plain: bool) -> Result<Delegations> {
    let path = source.path.as_path();
    let cols = &source.columns;
    let mut csv = CsvFile::open(path)?;
    let delegator_col =
        csv.required_column(cols.delegator.as_deref(), &["delegator", "from", "account"])?;
    let delegate_col =
        csv.required_column(cols.delegate.as_deref(), &["delegate", "to", "delegatee"])?;
    let fraction_col = csv.column(
        cols.fraction.as_deref(),
        &["fraction", "share", "ratio"],
        false,
    )?;
    let bps_col = csv.column(cols.bps.as_deref(), &["bps", "basis_points"], false)?;
    let scope_col = csv.column(cols.scope.as_deref(), &["scope", "space"], false)?;
    if let (Some(f), Some(b)) = (fraction_col, bps_col) {
        return Err(Error::input(
            Location::line(path, 1),
            format!(
                "both a fraction column ({:?}) and a basis-point column ({:?}); keep one",
                csv.name(f),
                csv.name(b)
            ),
        ));
    }
    let fields = DelegationFields {
        delegator: csv.name(delegator_col).to_string(),
        delegate: csv.name(delegate_col).to_string(),
        fraction: fraction_col
            .or(bps_col)
            .map_or_else(|| "fraction".to_string(), |c| csv.name(c).to_string()),
    };
    let parse_row = |cells: &[&str], line: u64| -> Option<Delegation> {
        let here = || Location::file(path);
        Some(Delegation {
            delegator: parse_address(cells[delegator_col], here).ok()?,
            delegate: parse_address(cells[delegate_col], here).ok()?,
            fraction: match (fraction_col, bps_col) {
                (Some(c), _) => parse_fraction(cells[c], here).ok()?,
                (_, Some(c)) => parse_bps(cells[c], here).ok()?,
                _ => None,
            },
            scope: scope_col
                .map(|c| cells[c].trim().to_string())
                .filter(|s| !s.is_empty()),
            line,
        })
    };
    // Plain files in parallel; anything else (or any bad value) the
    // careful way below, which reports it.
    // The blocks' rows as read (not copied into one vector).
    let mut parts: Vec<Vec<Delegation>> = Vec::new();
    let read_plain = |parts: &mut Vec<Vec<Delegation>>| {
        plain_csv::read(path, csv.names().len(), parse_row, |part, _| {
            parts.push(std::mem::take(part));
            Some(())
        })
    };
    if plain && read_plain(&mut parts).is_some() {
        return Delegations::from_parts(path, fields, parts, source.scope.as_deref());
    }
    let mut rows = Vec::new();
    let mut record = StringRecord::new();
    while let Some(line) = csv.next_record(&mut record)? {
        let at = |col: usize| csv.at(line, col);
        let delegator = parse_address(&record[delegator_col], || at(delegator_col))?;
        let delegate = parse_address(&record[delegate_col], || at(delegate_col))?;
        let fraction = match (fraction_col, bps_col) {
            (Some(c), _) => parse_fraction(&record[c], || at(c))?,
            (_, Some(c)) => parse_bps(&record[c], || at(c))?,
            _ => None,
        };
        let scope = scope_col
            .map(|c| record[c].trim().to_string())
            .filter(|s| !s.is_empty());
        rows.push(Delegation {
            delegator,
            delegate,
            fraction,
            scope,
            line,
        });
    }
    Delegations::from_rows(path, fields, rows, source.scope.as_deref())
}

fn parse_fraction(text: &str, at: impl FnOnce() -> Location) -> Result<Option<Share>> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse::<Share>()
        .map(Some)
        .map_err(|e| Error::input(at(), e.to_string()))
}

fn parse_bps(text: &str, at: impl FnOnce() -> Location) -> Result<Option<Share>> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    match normalize_proposal_id(t).parse::<u128>() {
        Ok(bps) if bps <= 10_000 => Ok(Share::new(bps, 10_000)),
        Ok(_) => Err(Error::input(
            at(),
            format!("{t:?} basis points is more than 10000 (100%)"),
        )),
        Err(_) => Err(Error::input(
            at(),
            format!("{t:?} is not a whole number of basis points (0 to 10000)"),
        )),
    }
}

/// A `DelegateChanged` event, for finding each delegator's latest.
struct Event {
    delegate: Voter,
    block: Option<u64>,
    log_index: Option<u64>,
    line: u64,
}

impl Event {
    /// Whether `self` (read later in the file) replaces `earlier`.
    fn replaces(&self, earlier: &Event) -> bool {
        match (earlier.block, self.block) {
            (Some(a), Some(b)) if a != b => b > a,
            (Some(_), Some(_)) => match (earlier.log_index, self.log_index) {
                (Some(a), Some(b)) if a != b => b > a,
                _ => true,
            },
            _ => true,
        }
    }
}

fn parse_integer(text: &str, what: &str, at: impl FnOnce() -> Location) -> Result<Option<u64>> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    normalize_proposal_id(t)
        .parse::<u64>()
        .map(Some)
        .map_err(|_| Error::input(at(), format!("{t:?} is not a {what}")))
}

fn read_events(source: &DelegationSource) -> Result<Delegations> {
    let path = source.path.as_path();
    let mut csv = CsvFile::open(path)?;
    let event_col = csv.required_column(None, &["event_name", "event"])?;
    let delegator_col = csv.column(None, &["delegator"], false)?;
    let to_col = csv.column(None, &["toDelegate", "to_delegate", "delegatee"], false)?;
    let block_col = csv.column(None, &["block_number", "blockNumber", "block"], false)?;
    let log_col = csv.column(None, &["log_index", "logIndex"], false)?;
    let time_col = csv.column(None, &["timestamp", "block_timestamp", "time"], false)?;
    let fields = DelegationFields {
        delegator: delegator_col
            .map_or("delegator", |c| csv.name(c))
            .to_string(),
        delegate: to_col.map_or("toDelegate", |c| csv.name(c)).to_string(),
        fraction: String::new(),
    };
    let mut latest: HashMap<Voter, Event> = HashMap::new();
    let (mut replaced, mut after_cutoff, mut rows, mut other_events) = (0u64, 0u64, 0u64, 0u64);
    let mut record = StringRecord::new();
    while let Some(line) = csv.next_record(&mut record)? {
        rows += 1;
        if record[event_col].trim() != "DelegateChanged" {
            other_events += 1;
            continue;
        }
        let need = |col: Option<usize>, name: &str| -> Result<usize> {
            col.ok_or_else(|| {
                Error::input(
                    Location::line(path, line).with_field(name),
                    format!("DelegateChanged event, but the file has no {name:?} column"),
                )
            })
        };
        let at = |col: usize| csv.at(line, col);
        let d_col = need(delegator_col, "delegator")?;
        let t_col = need(to_col, "toDelegate")?;
        let delegator = parse_address(&record[d_col], || at(d_col))?;
        let delegate = parse_address(&record[t_col], || at(t_col))?;
        let block = match block_col {
            Some(c) => parse_integer(&record[c], "block number", || at(c))?,
            None => None,
        };
        let log_index = match log_col {
            Some(c) => parse_integer(&record[c], "log index", || at(c))?,
            None => None,
        };
        match &source.until {
            None => {}
            Some(Cutoff::Block(max)) => {
                let c = need(block_col, "block_number")?;
                let b = block.ok_or_else(|| {
                    Error::input(
                        at(c),
                        "the block number is empty, so the block cut-off cannot apply",
                    )
                })?;
                if b > *max {
                    after_cutoff += 1;
                    continue;
                }
            }
            Some(Cutoff::Time(max)) => {
                let c = need(time_col, "timestamp")?;
                let t = record[c].trim();
                if t.is_empty() {
                    return Err(Error::input(
                        at(c),
                        "the timestamp is empty, so the time cut-off cannot apply",
                    ));
                }
                if CastAt::new(t) > *max {
                    after_cutoff += 1;
                    continue;
                }
            }
        }
        let event = Event {
            delegate,
            block,
            log_index,
            line,
        };
        match latest.entry(delegator) {
            Entry::Vacant(v) => {
                v.insert(event);
            }
            Entry::Occupied(mut o) => {
                replaced += 1;
                if event.replaces(o.get()) {
                    o.insert(event);
                }
            }
        }
    }
    let zero = Voter::new(ZERO_ADDRESS);
    let mut withdrawn = 0;
    let mut delegations: Vec<Delegation> = latest
        .into_iter()
        .filter(|(_, e)| {
            let keep = e.delegate != zero;
            withdrawn += u64::from(!keep);
            keep
        })
        .map(|(delegator, e)| Delegation {
            delegator,
            delegate: e.delegate,
            fraction: None,
            scope: None,
            line: e.line,
        })
        .collect();
    delegations.sort_by_key(|d| d.line);
    let mut graph = Delegations::from_rows(path, fields, delegations, None)?;
    let counts = graph.counts_mut();
    counts.rows = rows;
    counts.replaced = replaced;
    counts.after_cutoff = after_cutoff;
    counts.withdrawn = withdrawn;
    counts.other_events = other_events;
    Ok(graph)
}

/// A Decentraland `members.csv` export, read whole.
#[derive(Clone, Debug)]
pub struct MembersExport {
    /// Each member's own voting power.
    pub holders: Holders,
    /// The one-hop delegations (`Has Delegated`, `Delegate`).
    pub delegations: Delegations,
    /// What the file reports per delegate (members with `Delegators` or a
    /// positive `Delegated VP`), in file order.
    pub reported: Vec<ReportedDelegate>,
}

impl MembersExport {
    /// Reads the export; voting power is read with `decimals` decimals
    /// (18 for Decentraland's VP, which the export writes as JavaScript
    /// numbers with up to 18 decimals).
    pub fn read(path: &Path, decimals: u8) -> Result<MembersExport> {
        read_members(path, Some(decimals))
    }
}

fn read_members(path: &Path, decimals: Option<u8>) -> Result<MembersExport> {
    let mut csv = CsvFile::open(path)?;
    let member_col = csv.required_column(None, &["Member"])?;
    let has_col = csv.required_column(None, &["Has Delegated"])?;
    let delegate_col = csv.required_column(None, &["Delegate"])?;
    let (total_col, delegated_col, delegators_col) = match decimals {
        Some(_) => (
            csv.column(None, &["Total VP"], false)?,
            Some(csv.required_column(None, &["Delegated VP"])?),
            csv.column(None, &["Delegators"], false)?,
        ),
        None => (None, None, None),
    };
    let fields = DelegationFields {
        delegator: csv.name(member_col).to_string(),
        delegate: csv.name(delegate_col).to_string(),
        fraction: String::new(),
    };
    let mut components: Option<Vec<usize>> = None;
    let mut balances: Vec<(Voter, Amount)> = Vec::new();
    let mut lines: HashMap<Voter, u64> = HashMap::new();
    let mut rows = Vec::new();
    let mut reported = Vec::new();
    let mut record = StringRecord::new();
    while let Some(line) = csv.next_record(&mut record)? {
        let at = |col: usize| csv.at(line, col);
        let member = parse_address(&record[member_col], || at(member_col))?;
        match lines.entry(member.clone()) {
            Entry::Occupied(first) => {
                return Err(Error::input(
                    at(member_col),
                    format!(
                        "member {member} is listed twice (first on line {})",
                        first.get()
                    ),
                ))
            }
            Entry::Vacant(v) => {
                v.insert(line);
            }
        }
        let has = match record[has_col].trim().to_ascii_lowercase().as_str() {
            "true" => true,
            "false" | "" => false,
            other => {
                return Err(Error::input(
                    at(has_col),
                    format!("{other:?} is neither true nor false"),
                ))
            }
        };
        let delegate_text = record[delegate_col].trim();
        if has {
            let delegate = parse_address(delegate_text, || at(delegate_col))?;
            rows.push(Delegation {
                delegator: member.clone(),
                delegate,
                fraction: None,
                scope: None,
                line,
            });
        } else if !delegate_text.is_empty() {
            return Err(Error::input(
                at(delegate_col),
                format!(
                    "a delegate ({delegate_text}) is named, but '{}' is false",
                    csv.name(has_col)
                ),
            ));
        }
        let Some(decimals) = decimals else { continue };
        let delegated_col = delegated_col.expect("read with decimals");
        // Own power: the sum of the per-asset `… VP` columns.
        let comps = components.get_or_insert_with(|| {
            (0..record.len())
                .filter(|&i| {
                    let name = csv.name(i).to_ascii_lowercase();
                    name.ends_with(" vp") && name != "total vp" && name != "delegated vp"
                })
                .collect()
        });
        let delegated_text = record[delegated_col].trim().to_string();
        let delegated = parse_amount(&delegated_text, AmountUnit::Token, decimals, || {
            at(delegated_col)
        })?;
        let own = if comps.is_empty() {
            let c = total_col.ok_or_else(|| {
                Error::input(
                    Location::line(path, 1),
                    "no voting power columns ('Total VP' or '… VP' per asset)",
                )
            })?;
            let total = parse_amount(&record[c], AmountUnit::Token, decimals, || at(c))?;
            total
                .checked_sub(delegated)
                .ok_or_else(|| Error::input(at(c), "'Total VP' is less than 'Delegated VP'"))?
        } else {
            let mut sum = Amount::ZERO;
            for &c in comps.iter() {
                let a = parse_amount(&record[c], AmountUnit::Token, decimals, || at(c))?;
                sum = sum
                    .checked_add(a)
                    .ok_or_else(|| Error::overflow(Some(at(c)), "the member's voting power"))?;
            }
            sum
        };
        balances.push((member.clone(), own));
        let mut listed = Vec::new();
        let mut repeated = 0;
        if let Some(c) = delegators_col {
            let mut seen = HashSet::new();
            for part in record[c].split(',').filter(|p| !p.trim().is_empty()) {
                let d = parse_address(part, || at(c))?;
                if seen.insert(d.clone()) {
                    listed.push(d);
                } else {
                    repeated += 1;
                }
            }
        }
        if !listed.is_empty() || delegated > Amount::ZERO {
            reported.push(ReportedDelegate {
                delegate: member,
                line,
                delegated_vp: delegated_text,
                delegated,
                delegators: listed,
                repeated,
                missing: Vec::new(),
            });
        }
    }
    for r in &mut reported {
        r.missing = r
            .delegators
            .iter()
            .filter(|d| !lines.contains_key(d))
            .cloned()
            .collect();
    }
    let holders = Holders::from_balances(balances).ok_or_else(|| {
        Error::overflow(
            Some(Location::file(path)),
            "the members' total voting power",
        )
    })?;
    let delegations = Delegations::from_rows(path, fields, rows, None)?;
    Ok(MembersExport {
        holders,
        delegations,
        reported,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn write(name: &str, content: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::File::create(&path)
            .unwrap()
            .write_all(content.as_bytes())
            .unwrap();
        (dir, path)
    }

    const A: &str = "0x00000000000000000000000000000000000000aa";
    const B: &str = "0x00000000000000000000000000000000000000bb";
    const C: &str = "0x00000000000000000000000000000000000000cc";

    #[test]
    fn analyze_keeping_hands_back_what_it_read_and_reports_as_analyze() {
        let (_h, holders) = write("h.csv", &format!("address,balance\n{A},3\n{B},4\n{C},5\n"));
        let (_d, delegations) = write("d.csv", &format!("delegator,delegate\n{A},{B}\n"));
        let req = DelegationRequest::new(
            HoldersSource::new(&holders),
            DelegationSource::new(&delegations),
        );
        let (kept, inputs) = analyze_keeping(&req).unwrap();
        assert_eq!(kept.to_json(), analyze(&req).unwrap().to_json());
        let h = inputs.holders.expect("holders read");
        assert_eq!(
            (h.len(), h.balance(&Voter::new(B)).base_units()),
            (3, 4 * 10u128.pow(18))
        );
        let g = inputs.delegations.expect("delegations read");
        assert_eq!(g.of(&Voter::new(A))[0].0, &Voter::new(B));
        assert!(inputs.members.is_none());
    }

    #[test]
    fn csv_fractions_bps_and_errors() {
        let (_d, p) = write(
            "d.csv",
            &format!("delegator,delegate,bps\n{A},{B},2500\n{A},{C},7500\n"),
        );
        let g = read(&DelegationSource::new(&p)).unwrap();
        assert!(g.has_split());
        assert_eq!(g.of(&Voter::new(A))[0].1, Some(&Share::new(1, 4).unwrap()));
        let (_d, p) = write(
            "d.csv",
            &format!("delegator,delegate\n{A},{B}\n0xabc,{C}\n"),
        );
        let e = read(&DelegationSource::new(&p)).unwrap_err().to_string();
        assert!(e.ends_with("d.csv line 3: field 'delegator': \"0xabc\" is not an address (0x and 40 hex digits, or an account name without spaces)"), "{e}");
        let (_d, p) = write(
            "d.csv",
            &format!("delegator,delegate,fraction\n{A},{B},150%\n"),
        );
        let e = read(&DelegationSource::new(&p)).unwrap_err().to_string();
        assert!(e.contains("d.csv line 2: field 'fraction':"), "{e}");
    }

    use proptest::prelude::*;

    fn address() -> impl Strategy<Value = String> {
        prop_oneof![
            8 => (0u32..50).prop_map(|i| format!("0x{i:040x}")),
            1 => (0u32..50).prop_map(|i| format!("0x{i:040X}")),
            1 => (0u32..50).prop_map(|i| format!(" 0x{i:040x}")),
            1 => (0u32..50).prop_map(|i| format!("\"0x{i:040x}\"")),
            1 => (0u32..5).prop_map(|i| format!("name{i}")),
            1 => Just("0xabc".to_string()),
            1 => Just(String::new()),
        ]
    }

    fn fraction() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => Just(String::new()),
            2 => (1u32..8).prop_map(|k| format!("{k}/7")),
            1 => (1u32..60).prop_map(|k| format!("{k}%")),
            1 => Just("0".to_string()),
            1 => Just("x".to_string()),
        ]
    }

    proptest! {
        /// The plain fast path builds the graph the careful reader builds,
        /// and gives up where the careful reader fails.
        #[test]
        fn plain_path_equals_the_careful_reader(
            rows in prop::collection::vec((address(), address(), fraction()), 0..25),
            crlf in any::<bool>(),
            blank in 0usize..30,
        ) {
            let end = if crlf { "\r\n" } else { "\n" };
            let mut text = format!("delegator,delegate,fraction{end}");
            for (k, (a, b, f)) in rows.iter().enumerate() {
                if k == blank {
                    text.push_str(end);
                }
                text.push_str(&format!("{a},{b},{f}{end}"));
            }
            let (_d, p) = write("d.csv", &text);
            let source = DelegationSource::new(&p);
            let careful = read_csv_with(&source, false);
            let fast = read_csv_with(&source, true);
            match (careful, fast) {
                (Ok(a), Ok(b)) => {
                    let a: Vec<_> = a.iter().map(|(x, y, f, l)| (x.clone(), y.clone(), f.cloned(), l)).collect();
                    let b: Vec<_> = b.iter().map(|(x, y, f, l)| (x.clone(), y.clone(), f.cloned(), l)).collect();
                    prop_assert_eq!(a, b);
                }
                (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
                (a, b) => prop_assert!(false, "careful {:?}, fast {:?}", a.map(|g| g.len()), b.map(|g| g.len())),
            }
        }
    }

    #[test]
    fn latest_event_wins_up_to_the_cutoff() {
        let log = format!(
            "event_name,block_number,log_index,delegator,fromDelegate,toDelegate\n\
             DelegateChanged,10,1,{A},{ZERO_ADDRESS},{B}\n\
             VoteCast,11,0,,,\n\
             DelegateChanged,12,0,{A},{B},{C}\n\
             DelegateChanged,9,5,{B},{ZERO_ADDRESS},{C}\n\
             DelegateChanged,13,0,{B},{C},{ZERO_ADDRESS}\n"
        );
        let (_d, p) = write("e.csv", &log);
        let mut src = DelegationSource::new(&p);
        let g = read(&src).unwrap();
        assert_eq!(g.of(&Voter::new(A)), vec![(&Voter::new(C), None)]);
        assert!(g.of(&Voter::new(B)).is_empty());
        assert_eq!(g.counts().withdrawn, 1);
        assert_eq!(g.counts().replaced, 2);
        src.until = Some(Cutoff::Block(11));
        let g = read(&src).unwrap();
        assert_eq!(g.of(&Voter::new(A)), vec![(&Voter::new(B), None)]);
        assert_eq!(g.of(&Voter::new(B)), vec![(&Voter::new(C), None)]);
        assert_eq!(g.counts().after_cutoff, 2);
    }
}
