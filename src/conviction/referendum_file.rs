//! The referendum file: an OpenGov track, a vote timeline, and the report
//! of the decision.
//!
//! ```toml
//! [referendum]
//! id = "ref-7"
//! total_issuance = "10000"        # support denominator (tokens)
//! decimals = 10                   # default 10 (DOT)
//! submitted = 0                   # block
//! vote_locking_period = 100       # blocks per lock period (for unlock blocks)
//! adaptive_quorum = "super-majority-approve"   # optional: democracy's view
//!
//! [track]
//! name = "small-spender"
//! prepare_period = 10
//! decision_period = 100
//! confirm_period = 20
//! min_approval = { curve = "linear", length = "100%", floor = "50%", ceil = "100%" }
//! min_support = { curve = "stepped", begin = "20%", end = "5%", step = "5%", period = "25%" }
//! # also: { curve = "reciprocal", factor = "0.2", x_offset = "0.3", y_offset = "0.3" },
//! #       { curve = "make-linear", length = 10, period = 28, floor = "50%", ceil = "100%" },
//! #       { curve = "make-reciprocal", delay = 4, period = 28, level = "80%", floor = "50%", ceil = "100%" }
//!
//! [[vote]]
//! block = 2
//! account = "alice"
//! vote = "aye"                    # aye | nay | split | split-abstain | remove | delegate | undelegate
//! balance = "1000"
//! conviction = "3x"               # none (0.1x), 1x .. 6x
//! ```

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use num_traits::ToPrimitive;
use serde::Deserialize;
use serde_json::json;
use toml::Spanned;

use super::curve::{Curve, FixedI64, Perbill};
use super::polkadot::{AccountVote, VoteThreshold};
use super::referendum::{Action, RefOutcome, ReferendumDecision, TimedAction, Track};
use super::{Conviction, ConvictionError};
use crate::decimal::format_scaled;
use crate::error::{Error, Location, Result};
use crate::toml_util::{self, at, NumberText};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSchema {
    referendum: Spanned<RefSection>,
    track: Spanned<TrackSection>,
    #[serde(default)]
    vote: Vec<VoteEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RefSection {
    id: String,
    title: Option<String>,
    total_issuance: Spanned<NumberText>,
    decimals: Option<Spanned<u8>>,
    #[serde(default)]
    submitted: u64,
    vote_locking_period: Option<u64>,
    adaptive_quorum: Option<VoteThreshold>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TrackSection {
    name: Option<String>,
    #[serde(default)]
    prepare_period: u64,
    decision_period: Spanned<u64>,
    #[serde(default)]
    confirm_period: u64,
    min_approval: Spanned<CurveEntry>,
    min_support: Spanned<CurveEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CurveEntry {
    curve: String,
    length: Option<NumberText>,
    floor: Option<NumberText>,
    ceil: Option<NumberText>,
    begin: Option<NumberText>,
    end: Option<NumberText>,
    step: Option<NumberText>,
    period: Option<NumberText>,
    factor: Option<NumberText>,
    x_offset: Option<NumberText>,
    y_offset: Option<NumberText>,
    delay: Option<NumberText>,
    level: Option<NumberText>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VoteEntry {
    block: Spanned<u64>,
    account: Spanned<String>,
    vote: Spanned<String>,
    balance: Option<Spanned<NumberText>>,
    conviction: Option<Spanned<String>>,
    aye: Option<Spanned<NumberText>>,
    nay: Option<Spanned<NumberText>>,
    abstain: Option<Spanned<NumberText>>,
    to: Option<Spanned<String>>,
}

/// A validated referendum file.
#[derive(Clone, Debug)]
pub struct ReferendumFile {
    /// The file.
    pub path: PathBuf,
    /// Referendum id.
    pub id: String,
    /// Optional title.
    pub title: Option<String>,
    /// Track name, if given.
    pub track_name: Option<String>,
    /// The track.
    pub track: Track,
    /// Support denominator, base units.
    pub total_issuance: u128,
    /// Token decimals.
    pub decimals: u8,
    /// Submission block.
    pub submitted: u64,
    /// Blocks per lock period, if given.
    pub vote_locking_period: Option<u64>,
    /// Democracy's adaptive quorum biasing to evaluate on the final tally.
    pub adaptive_quorum: Option<VoteThreshold>,
    /// The vote timeline.
    pub actions: Vec<TimedAction>,
    /// The line of each action in the file.
    pub action_lines: Vec<u64>,
}

fn curve_from(entry: &CurveEntry, here: &dyn Fn(String) -> Error) -> Result<Curve> {
    let kind = entry.curve.trim().to_ascii_lowercase();
    let allowed: &[&str] = match kind.as_str() {
        "linear" => &["length", "floor", "ceil"],
        "stepped" => &["begin", "end", "step", "period"],
        "reciprocal" => &["factor", "x_offset", "y_offset"],
        "make-linear" => &["length", "period", "floor", "ceil"],
        "make-reciprocal" => &["delay", "period", "level", "floor", "ceil"],
        other => {
            return Err(here(format!(
            "unknown curve {other:?} (linear, stepped, reciprocal, make-linear, make-reciprocal)"
        )))
        }
    };
    let fields: [(&str, &Option<NumberText>); 12] = [
        ("length", &entry.length),
        ("floor", &entry.floor),
        ("ceil", &entry.ceil),
        ("begin", &entry.begin),
        ("end", &entry.end),
        ("step", &entry.step),
        ("period", &entry.period),
        ("factor", &entry.factor),
        ("x_offset", &entry.x_offset),
        ("y_offset", &entry.y_offset),
        ("delay", &entry.delay),
        ("level", &entry.level),
    ];
    for (name, value) in fields {
        if value.is_some() && !allowed.contains(&name) {
            return Err(here(format!(
                "'{name}' does not apply to a {kind} curve (it takes {})",
                allowed.join(", ")
            )));
        }
    }
    let get = |name: &str| -> Result<&str> {
        fields
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(_, v)| v.as_ref())
            .map(|v| v.0.as_str())
            .ok_or_else(|| {
                here(format!(
                    "a {kind} curve needs '{name}' (it takes {})",
                    allowed.join(", ")
                ))
            })
    };
    let perbill = |name: &str| -> Result<Perbill> {
        let text = get(name)?;
        Perbill::parse(text).ok_or_else(|| {
            here(format!(
                "{name} = {text:?} is not a share between 0 and 1 in whole parts per billion (\"50%\", \"0.5\")"
            ))
        })
    };
    let fixed = |name: &str| -> Result<FixedI64> {
        let text = get(name)?;
        FixedI64::parse(text).ok_or_else(|| {
            here(format!(
                "{name} = {text:?} is not a decimal with at most 9 decimals"
            ))
        })
    };
    let percent = |name: &str| -> Result<FixedI64> {
        let text = get(name)?;
        let share: crate::Share = text
            .parse()
            .map_err(|e: crate::share::ShareError| here(format!("{name}: {e}")))?;
        let r = share.as_rational();
        r.numer()
            .to_u128()
            .zip(r.denom().to_u128())
            .and_then(|(n, d)| FixedI64::from_rational(n, d))
            .ok_or_else(|| here(format!("{name} = {text:?} is out of range")))
    };
    let integer = |name: &str| -> Result<u128> {
        let text = get(name)?;
        text.trim().parse().map_err(|_| {
            here(format!(
                "{name} = {text:?} must be a whole number (days, blocks…)"
            ))
        })
    };
    let curve = match kind.as_str() {
        "linear" => Curve::LinearDecreasing {
            length: perbill("length")?,
            floor: perbill("floor")?,
            ceil: perbill("ceil")?,
        },
        "stepped" => Curve::SteppedDecreasing {
            begin: perbill("begin")?,
            end: perbill("end")?,
            step: perbill("step")?,
            period: perbill("period")?,
        },
        "reciprocal" => Curve::Reciprocal {
            factor: fixed("factor")?,
            x_offset: fixed("x_offset")?,
            y_offset: fixed("y_offset")?,
        },
        "make-linear" => {
            let (length, period) = (integer("length")?, integer("period")?);
            if period == 0 {
                return Err(here("period must be positive".into()));
            }
            Curve::make_linear(length, period, percent("floor")?, percent("ceil")?)
                .ok_or_else(|| here("the curve's fixed-point arithmetic overflows".into()))?
        }
        _ => {
            let (delay, period) = (integer("delay")?, integer("period")?);
            if period == 0 || delay == 0 || delay > period {
                return Err(here("need 0 < delay <= period".into()));
            }
            Curve::make_reciprocal(
                delay,
                period,
                percent("level")?,
                percent("floor")?,
                percent("ceil")?,
            )
            .ok_or_else(|| here("the curve's fixed-point arithmetic overflows".into()))?
        }
    };
    curve.check().map_err(here)?;
    Ok(curve)
}

impl ReferendumFile {
    /// Validates a referendum file given as text.
    pub fn from_toml(path: &Path, text: &str) -> Result<ReferendumFile> {
        let file: FileSchema = toml_util::parse(path, text)?;
        let r = file.referendum.get_ref();
        let t = file.track.get_ref();
        let decimals = toml_util::decimals(path, text, r.decimals.as_ref(), 10)?;
        let total_issuance = toml_util::amount(
            path,
            text,
            &r.total_issuance,
            "referendum.total_issuance",
            decimals,
        )?;
        if total_issuance == 0 {
            return Err(Error::input(
                at(path, text, &r.total_issuance, "referendum.total_issuance"),
                "must be positive (it is the support denominator)",
            ));
        }
        if *t.decision_period.get_ref() == 0 {
            return Err(Error::input(
                at(path, text, &t.decision_period, "track.decision_period"),
                "must be at least 1 block",
            ));
        }
        let curve = |c: &Spanned<CurveEntry>, key: &str| {
            let location = at(path, text, c, key);
            curve_from(c.get_ref(), &|m| Error::input(location.clone(), m))
        };
        let track = Track {
            prepare_period: t.prepare_period,
            decision_period: *t.decision_period.get_ref(),
            confirm_period: t.confirm_period,
            min_approval: curve(&t.min_approval, "track.min_approval")?,
            min_support: curve(&t.min_support, "track.min_support")?,
        };
        let mut actions = Vec::new();
        let mut lines = Vec::new();
        // The balance each account has committed (voted or delegated); all
        // together never exceed the total issuance, or support would pass
        // 100% (the pallet's Perbill would saturate, silently).
        let mut committed: HashMap<String, u128> = HashMap::new();
        let mut committed_total: u128 = 0;
        let mut previous: Option<(u64, u64)> = None;
        for v in &file.vote {
            let line = toml_util::line_at(text, v.block.span().start);
            let block = *v.block.get_ref();
            if let Some((prev, prev_line)) = previous {
                if block < prev {
                    return Err(Error::input(
                        at(path, text, &v.block, "vote.block"),
                        format!(
                            "block {block} comes before block {prev} (line {prev_line}): time cannot \
                             go backwards; list votes in block order"
                        ),
                    ));
                }
            }
            previous = Some((block, line));
            let account = v.account.get_ref().trim().to_string();
            if account.is_empty() {
                return Err(Error::input(
                    at(path, text, &v.account, "vote.account"),
                    "is empty",
                ));
            }
            let kind = v.vote.get_ref().trim().to_ascii_lowercase();
            let vote_at = at(path, text, &v.vote, "vote.vote");
            let amount = |value: &Option<Spanned<NumberText>>, name: &str| -> Result<u128> {
                match value {
                    Some(s) => toml_util::amount(path, text, s, &format!("vote.{name}"), decimals),
                    None => Err(Error::input(
                        vote_at.clone(),
                        format!("a {kind} vote needs '{name}'"),
                    )),
                }
            };
            let conviction = || -> Result<Conviction> {
                match &v.conviction {
                    Some(c) => c.get_ref().parse().map_err(|e: ConvictionError| {
                        Error::input(at(path, text, c, "vote.conviction"), e.to_string())
                    }),
                    None => Err(Error::input(
                        vote_at.clone(),
                        format!("a {kind} needs 'conviction' (none for 0.1x, 1x .. 6x)"),
                    )),
                }
            };
            let allowed: &[&str] = match kind.as_str() {
                "aye" | "nay" => &["balance", "conviction"],
                "split" => &["aye", "nay"],
                "split-abstain" | "abstain" => &["aye", "nay", "abstain"],
                "delegate" => &["to", "balance", "conviction"],
                "remove" | "undelegate" => &[],
                other => {
                    return Err(Error::input(
                        vote_at,
                        format!(
                            "unknown vote {other:?} (aye, nay, split, split-abstain, remove, delegate, undelegate)"
                        ),
                    ))
                }
            };
            let present = [
                ("balance", v.balance.is_some()),
                ("conviction", v.conviction.is_some()),
                ("aye", v.aye.is_some()),
                ("nay", v.nay.is_some()),
                ("abstain", v.abstain.is_some()),
                ("to", v.to.is_some()),
            ];
            if let Some((name, _)) = present.iter().find(|(n, p)| *p && !allowed.contains(n)) {
                return Err(Error::input(
                    vote_at,
                    format!("'{name}' does not apply to a {kind} vote"),
                ));
            }
            let action = match kind.as_str() {
                "aye" => Action::Vote(AccountVote::aye(
                    amount(&v.balance, "balance")?,
                    conviction()?,
                )),
                "nay" => Action::Vote(AccountVote::nay(
                    amount(&v.balance, "balance")?,
                    conviction()?,
                )),
                "split" => Action::Vote(AccountVote::Split {
                    aye: amount(&v.aye, "aye")?,
                    nay: amount(&v.nay, "nay")?,
                }),
                "split-abstain" | "abstain" => Action::Vote(AccountVote::SplitAbstain {
                    aye: v.aye.as_ref().map_or(Ok(0), |_| amount(&v.aye, "aye"))?,
                    nay: v.nay.as_ref().map_or(Ok(0), |_| amount(&v.nay, "nay"))?,
                    abstain: amount(&v.abstain, "abstain")?,
                }),
                "delegate" => {
                    let target = match &v.to {
                        Some(to) => to.get_ref().trim().to_string(),
                        None => {
                            return Err(Error::input(
                                vote_at,
                                "a delegation needs 'to' (the delegate)",
                            ))
                        }
                    };
                    if target == account {
                        return Err(Error::input(
                            at(path, text, v.to.as_ref().expect("set"), "vote.to"),
                            format!("{account} cannot delegate to itself"),
                        ));
                    }
                    Action::Delegate {
                        target,
                        conviction: conviction()?,
                        balance: amount(&v.balance, "balance")?,
                    }
                }
                "remove" => Action::Remove,
                _ => Action::Undelegate,
            };
            let capital = match &action {
                Action::Vote(AccountVote::Standard { balance, .. }) => Some(*balance),
                Action::Vote(AccountVote::Split { aye, nay }) => aye.checked_add(*nay),
                Action::Vote(AccountVote::SplitAbstain { aye, nay, abstain }) => {
                    aye.checked_add(*nay).and_then(|x| x.checked_add(*abstain))
                }
                Action::Delegate { balance, .. } => Some(*balance),
                _ => Some(0),
            };
            let previous = committed.get(&account).copied().unwrap_or(0);
            let total = capital
                .and_then(|c| (committed_total - previous).checked_add(c))
                .filter(|&t| t <= total_issuance);
            let Some(total) = total else {
                let tokens =
                    |x: u128| crate::amount::Power::from_units(x).to_decimal_string(decimals);
                return Err(Error::input(
                    vote_at,
                    format!(
                        "with this vote the accounts commit more than the total issuance ({} \
                         tokens, referendum.total_issuance); committed before it: {}",
                        tokens(total_issuance),
                        tokens(committed_total)
                    ),
                ));
            };
            committed_total = total;
            committed.insert(account.clone(), capital.unwrap_or(0));
            actions.push(TimedAction {
                block,
                account,
                action,
            });
            lines.push(line);
        }
        Ok(ReferendumFile {
            path: path.to_path_buf(),
            id: r.id.clone(),
            title: r.title.clone(),
            track_name: t.name.clone(),
            track,
            total_issuance,
            decimals,
            submitted: r.submitted,
            vote_locking_period: r.vote_locking_period,
            adaptive_quorum: r.adaptive_quorum,
            actions,
            action_lines: lines,
        })
    }

    /// Decides the referendum. An action the pallet would refuse (voting
    /// while delegating, removing a vote that is not there…) is an error
    /// naming its line.
    pub fn run(&self) -> Result<ReferendumReport> {
        let decision = self
            .track
            .decide(
                self.submitted,
                self.total_issuance,
                &self.actions,
                self.adaptive_quorum,
            )
            .map_err(|e| {
                let message = e.to_string();
                // "action #i at block b: ..." -> the file's line.
                let index = message
                    .strip_prefix("action #")
                    .and_then(|rest| rest.split_once(' '))
                    .and_then(|(i, _)| i.parse::<usize>().ok());
                match index.and_then(|i| self.action_lines.get(i)) {
                    Some(&line) => Error::input(
                        Location::line(&self.path, line).with_field("vote"),
                        message
                            .split_once(": ")
                            .map_or(message.clone(), |(_, m)| m.to_string()),
                    ),
                    None => e,
                }
            })?;
        Ok(ReferendumReport {
            file: self.clone(),
            decision,
        })
    }
}

/// The decision with its file, ready to print.
#[derive(Clone, Debug)]
pub struct ReferendumReport {
    /// The file decided.
    pub file: ReferendumFile,
    /// The decision.
    pub decision: ReferendumDecision,
}

impl ReferendumReport {
    fn amount(&self, v: u128) -> String {
        format_scaled(v, self.file.decimals)
    }

    fn unlock(&self, from: u64, periods: u32) -> Option<u64> {
        self.file
            .vote_locking_period
            .map(|p| from.saturating_add(p.saturating_mul(u64::from(periods))))
    }

    /// The report as one JSON object.
    pub fn to_json(&self) -> String {
        let d = &self.decision;
        let (outcome, block) = match d.outcome {
            RefOutcome::Approved(b) => ("approved", b),
            RefOutcome::Rejected(b) => ("rejected", b),
        };
        let locks: Vec<serde_json::Value> = d
            .locks
            .iter()
            .map(|l| {
                json!({
                    "account": l.account,
                    "balance": self.amount(l.balance),
                    "conviction": l.conviction.to_string(),
                    "periods": l.periods,
                    "reason": l.reason,
                    "from": l.from,
                    "until": if l.reason == "delegating" { None } else { self.unlock(l.from, l.periods) },
                })
            })
            .collect();
        let value = json!({
            "kind": "referendum",
            "id": self.file.id,
            "title": self.file.title,
            "track": self.file.track_name,
            "outcome": outcome,
            "decided_at": block,
            "deciding_since": d.deciding_since,
            "confirmations": d.confirmations.iter().map(|c| json!({
                "started": c.started, "ends": c.ends, "aborted": c.aborted,
            })).collect::<Vec<_>>(),
            "tally": {
                "ayes": self.amount(d.tally.ayes),
                "nays": self.amount(d.tally.nays),
                "support": self.amount(d.tally.support),
            },
            "total_issuance": self.amount(self.file.total_issuance),
            "x": d.x.to_string(),
            "approval": d.approval.to_string(),
            "approval_needed": d.approval_needed.to_string(),
            "support": d.support.to_string(),
            "support_needed": d.support_needed.to_string(),
            "actions": {"applied": d.actions_applied, "ignored": d.actions_ignored},
            "locks": locks,
            "adaptive_quorum": d.adaptive_quorum.map(|(t, ok)| json!({
                "threshold": format!("{t:?}"), "approved": ok,
            })),
        });
        serde_json::to_string_pretty(&value).expect("JSON values serialise")
    }

    /// The report as text for people.
    pub fn to_table(&self) -> String {
        let d = &self.decision;
        let f = &self.file;
        let mut out = String::new();
        let _ = write!(out, "referendum {}", f.id);
        if let Some(t) = &f.title {
            let _ = write!(out, " — {t}");
        }
        let _ = writeln!(out);
        let tr = &f.track;
        let _ = writeln!(
            out,
            "track {}: prepare {}, decision {}, confirm {} blocks",
            f.track_name.as_deref().unwrap_or("(unnamed)"),
            tr.prepare_period,
            tr.decision_period,
            tr.confirm_period
        );
        let _ = writeln!(out, "  approval  {}", tr.min_approval);
        let _ = writeln!(out, "  support   {}", tr.min_support);
        let _ = writeln!(
            out,
            "\ndeciding from block {}; {} actions applied, {} after the decision ignored",
            d.deciding_since, d.actions_applied, d.actions_ignored
        );
        for c in &d.confirmations {
            match c.aborted {
                Some(a) => {
                    let _ = writeln!(
                        out,
                        "confirming from block {} (to {}): aborted at {a}",
                        c.started, c.ends
                    );
                }
                None => {
                    let _ = writeln!(out, "confirming from block {} to {}", c.started, c.ends);
                }
            }
        }
        let _ = match d.outcome {
            RefOutcome::Approved(b) => writeln!(out, "outcome   APPROVED at block {b}"),
            RefOutcome::Rejected(b) => writeln!(
                out,
                "outcome   REJECTED at block {b} (end of the decision period)"
            ),
        };
        let _ = writeln!(
            out,
            "tally     ayes {}, nays {}, support {} of {} issued",
            self.amount(d.tally.ayes),
            self.amount(d.tally.nays),
            self.amount(d.tally.support),
            self.amount(f.total_issuance)
        );
        let _ = writeln!(
            out,
            "approval  {} (needs {} at x = {})",
            d.approval, d.approval_needed, d.x
        );
        let _ = writeln!(out, "support   {} (needs {})", d.support, d.support_needed);
        if let Some((t, ok)) = d.adaptive_quorum {
            let _ = writeln!(
                out,
                "democracy {t:?} on the final tally: {}",
                if ok { "approved" } else { "rejected" }
            );
        }
        if d.locks.is_empty() {
            let _ = writeln!(out, "locks     none");
        }
        for l in &d.locks {
            let periods = match l.periods {
                1 => "1 period".to_string(),
                n => format!("{n} periods"),
            };
            let until = match (l.reason, self.unlock(l.from, l.periods)) {
                ("delegating", _) => format!("while delegating, then {periods}"),
                (_, Some(u)) => format!("{periods} from block {}, until block {u}", l.from),
                (_, None) => format!("{periods} from block {}", l.from),
            };
            let _ = writeln!(
                out,
                "lock      {} {} at {} ({}): {until}",
                l.account,
                self.amount(l.balance),
                l.conviction,
                l.reason
            );
        }
        out
    }
}
