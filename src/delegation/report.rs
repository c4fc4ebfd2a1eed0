//! The report of `govkit delegation`: where the power sits after delegation.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::fmt::Write as _;

use num_bigint::BigUint;
use num_integer::Integer;
use serde::Serialize;

use super::graph::ReadCounts;
use super::resolve::{Counts, Resolution};
use crate::amount::Amount;
use crate::vote::Voter;

/// What a Decentraland members export states about one delegate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportedDelegate {
    /// The delegate (a member of the file).
    pub delegate: Voter,
    /// Its line.
    pub line: u64,
    /// The file's `Delegated VP`, as written.
    pub delegated_vp: String,
    /// The same, exactly, in base units.
    pub delegated: Amount,
    /// The file's `Delegators`, without repeats.
    pub delegators: Vec<Voter>,
    /// Addresses listed more than once in `Delegators`.
    pub repeated: usize,
    /// Listed delegators that are not members of the file.
    pub missing: Vec<Voter>,
}

/// A final delegate: power (exact decimal string in token units), and the
/// number of holders whose power reached it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DelegateRow {
    /// The delegate.
    pub address: String,
    /// Its final power.
    pub power: String,
    /// Holders whose power (some of it) ends with it.
    pub delegators: usize,
    /// The part of its own balance it kept.
    pub own: String,
    /// What reached it from others.
    pub received: String,
}

/// A holder's power before (own balance) and after delegation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TopRow {
    /// The holder.
    pub address: String,
    /// Its own balance (if it counts).
    pub before: String,
    /// Its final power.
    pub after: String,
    /// Holders whose power reached it.
    pub delegators: usize,
}

/// The largest holders before and after delegation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Top {
    /// How many.
    pub n: usize,
    /// Share of all power the `n` largest own balances hold (6 decimals).
    pub share_before: String,
    /// Share of all power the `n` largest final holders hold (6 decimals).
    pub share_after: String,
    /// The `n` largest by own balance.
    pub before: Vec<TopRow>,
    /// The `n` largest by final power.
    pub after: Vec<TopRow>,
}

/// Hops → holders.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChainRow {
    /// Hops the power travelled.
    pub hops: u32,
    /// Holders whose power travelled that far.
    pub holders: u64,
}

/// A delegate whose power differs from what the file reports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FileMismatch {
    /// The delegate.
    pub address: String,
    /// Its line in the file.
    pub line: u64,
    /// What the file reports (as written).
    pub file: String,
    /// What reached it under the policy, exactly.
    pub govkit: String,
}

/// A delegate whose delegators the file does not all list as members.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IncompleteDelegate {
    /// The delegate.
    pub address: String,
    /// Its line in the file.
    pub line: u64,
    /// Delegators the file lists for it.
    pub listed: usize,
    /// Of those, not members of the file.
    pub missing: usize,
    /// What the file reports (as written).
    pub file: String,
    /// What reached it from the members present.
    pub govkit: String,
}

/// A delegate whose `Delegators` list disagrees with its members' own
/// `Delegate` column (the export's two columns were taken at different
/// times): not checked, since it is unclear which the `Delegated VP` follows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InconsistentDelegate {
    /// The delegate.
    pub address: String,
    /// Its line in the file.
    pub line: u64,
    /// Listed as its delegators, but their own row delegates elsewhere (or
    /// not at all).
    pub listed_not_delegating: Vec<String>,
    /// Delegating to it by their own row, but not listed.
    pub delegating_not_listed: Vec<String>,
    /// What the file reports (as written).
    pub file: String,
    /// What reached it by the members' own rows.
    pub govkit: String,
}

/// govkit's delegated power against the power a file reports per delegate
/// (Decentraland's `Delegated VP`).
///
/// A delegate is *checked* when every delegator the file lists for it is a
/// member of the file and the list is exactly the members whose own row
/// delegates to it; it *agrees* when the difference is at most `file / 2^52`
/// (the rounding of the 64-bit floats the export computed and printed its
/// numbers with), or one base unit. The others are listed, not checked:
/// incomplete (listed delegators missing from the file) or inconsistent
/// (the list and the members' rows disagree).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FileCheck {
    /// Delegates whose delegators are all in the file.
    pub checked: usize,
    /// Of those, how many agree.
    pub agree: usize,
    /// Those that do not.
    pub differ: Vec<FileMismatch>,
    /// Delegates whose delegators are not all in the file.
    pub incomplete: Vec<IncompleteDelegate>,
    /// Delegates whose list disagrees with the members' own rows.
    pub inconsistent: Vec<InconsistentDelegate>,
}

impl FileCheck {
    /// Compares the power that reached each reported delegate under
    /// `resolution` (one hop is what the export computes) with the report.
    pub fn new(
        resolution: &Resolution<'_>,
        reported: &[ReportedDelegate],
        decimals: u8,
    ) -> FileCheck {
        let mut check = FileCheck {
            checked: 0,
            agree: 0,
            differ: Vec::new(),
            incomplete: Vec::new(),
            inconsistent: Vec::new(),
        };
        let mut naming: HashMap<&Voter, Vec<&Voter>> = HashMap::new();
        for (from, to, _, _) in resolution.delegations().iter() {
            if from != to {
                naming.entry(to).or_default().push(from);
            }
        }
        for r in reported {
            let got = resolution.received(&r.delegate);
            if !r.missing.is_empty() {
                check.incomplete.push(IncompleteDelegate {
                    address: r.delegate.to_string(),
                    line: r.line,
                    listed: r.delegators.len(),
                    missing: r.missing.len(),
                    file: r.delegated_vp.clone(),
                    govkit: got.to_tokens_string(decimals),
                });
                continue;
            }
            let by_rows: HashSet<&Voter> = naming
                .get(&r.delegate)
                .map(|v| v.iter().copied().collect())
                .unwrap_or_default();
            let listed: HashSet<&Voter> = r.delegators.iter().collect();
            if by_rows != listed {
                let mut a: Vec<String> =
                    listed.difference(&by_rows).map(|v| v.to_string()).collect();
                let mut b: Vec<String> =
                    by_rows.difference(&listed).map(|v| v.to_string()).collect();
                a.sort();
                b.sort();
                check.inconsistent.push(InconsistentDelegate {
                    address: r.delegate.to_string(),
                    line: r.line,
                    listed_not_delegating: a,
                    delegating_not_listed: b,
                    file: r.delegated_vp.clone(),
                    govkit: got.to_tokens_string(decimals),
                });
                continue;
            }
            check.checked += 1;
            if agrees(got, r.delegated) {
                check.agree += 1;
            } else {
                check.differ.push(FileMismatch {
                    address: r.delegate.to_string(),
                    line: r.line,
                    file: r.delegated_vp.clone(),
                    govkit: got.to_tokens_string(decimals),
                });
            }
        }
        check
    }
}

/// `|a - b| <= max(1, b / 2^52)` in base units.
pub(crate) fn agrees(a: Amount, b: Amount) -> bool {
    let (a, b) = (a.base_units(), b.base_units());
    a.abs_diff(b) <= (b >> 52).max(1)
}

/// The analysis `govkit delegation` prints: effective power per final
/// delegate, chain lengths, cycles, the share of power that sits with
/// delegates, and the largest holders before and after. All powers are
/// exact decimal strings in token units; shares are rounded half-up to 6
/// decimals for reading.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Analysis {
    /// The holder file.
    pub holders_file: String,
    /// The delegation file.
    pub delegations_file: String,
    /// Its format.
    pub format: String,
    /// The policy.
    pub policy: String,
    /// The token's decimals.
    pub decimals: u8,
    /// All power that counts.
    pub total_power: String,
    /// Power that sits with someone other than its owner.
    pub delegated_power: String,
    /// `delegated_power / total_power`, rounded half-up to 6 decimals.
    pub delegated_share: String,
    /// Every final delegate (received power from at least one holder), by
    /// power, then address.
    pub delegates: Vec<DelegateRow>,
    /// How far power travelled.
    pub chain_lengths: Vec<ChainRow>,
    /// Every cycle, members in delegation order.
    pub cycles: Vec<Vec<String>>,
    /// The largest holders before and after delegation.
    pub top: Top,
    /// What happened, in numbers.
    pub counts: Counts,
    /// What happened to the rows of the delegation file.
    pub rows: RowCounts,
    /// The file's own numbers checked, when it has any (Decentraland).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_check: Option<FileCheck>,
}

/// [`ReadCounts`] for the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct RowCounts {
    /// Rows or events read.
    pub read: u64,
    /// Ignored for their scope.
    pub other_scope: u64,
    /// Events replaced by a later one of the same delegator.
    pub replaced: u64,
    /// Events after the cut-off.
    pub after_cutoff: u64,
    /// Delegations withdrawn (to the zero address).
    pub withdrawn: u64,
}

impl From<ReadCounts> for RowCounts {
    fn from(c: ReadCounts) -> RowCounts {
        RowCounts {
            read: c.rows,
            other_scope: c.other_scope,
            replaced: c.replaced,
            after_cutoff: c.after_cutoff,
            withdrawn: c.withdrawn,
        }
    }
}

/// The `n` largest of `items` by amount (ties: smaller address first).
fn largest<'v>(
    items: impl Iterator<Item = (&'v Voter, Amount)>,
    n: usize,
) -> Vec<(&'v Voter, Amount)> {
    let mut heap: BinaryHeap<Reverse<(Amount, Reverse<&'v Voter>)>> = BinaryHeap::new();
    for (v, a) in items {
        heap.push(Reverse((a, Reverse(v))));
        if heap.len() > n {
            heap.pop();
        }
    }
    let mut out: Vec<(&Voter, Amount)> = heap
        .into_iter()
        .map(|Reverse((a, Reverse(v)))| (v, a))
        .collect();
    out.sort_by(|x, y| y.1.cmp(&x.1).then_with(|| x.0.cmp(y.0)));
    out
}

/// `num / den` rounded half-up to 6 decimals ("0.123457"; "0.000000" when
/// `den` is 0).
pub(crate) fn share6(num: u128, den: u128) -> String {
    if den == 0 {
        return "0.000000".into();
    }
    let scale = BigUint::from(1_000_000u32);
    let (n, d) = (BigUint::from(num), BigUint::from(den));
    let rounded = (n * &scale * 2u32 + &d) / (d * 2u32);
    let (int, frac) = rounded.div_rem(&scale);
    format!("{int}.{:0>6}", frac.to_string())
}

/// "0.123457" → "12.35%" (display only).
fn percent(share6: &str) -> String {
    let digits: String = share6.chars().filter(char::is_ascii_digit).collect();
    let v: u64 = digits.parse().unwrap_or(0); // millionths
    let hundredths = (v + 50) / 100; // of a percent
    format!("{}.{:02}%", hundredths / 100, hundredths % 100)
}

impl Analysis {
    /// Builds the analysis of `resolution`, with the `top` largest holders.
    pub fn new(
        resolution: &Resolution<'_>,
        holders_file: &str,
        format: &str,
        top: usize,
        decimals: u8,
    ) -> Analysis {
        let tokens = |a: Amount| a.to_tokens_string(decimals);
        let total = resolution.total();
        let delegates: Vec<DelegateRow> = resolution
            .delegates()
            .into_iter()
            .map(|d| DelegateRow {
                address: d.voter.to_string(),
                power: tokens(d.power),
                delegators: d.delegators,
                own: tokens(d.own),
                received: tokens(d.received),
            })
            .collect();
        let row = |v: &Voter| TopRow {
            address: v.to_string(),
            before: tokens(resolution.own_balance(v)),
            after: tokens(resolution.power(v)),
            delegators: resolution.delegators_behind(v),
        };
        let before = largest(resolution.own_balances(), top);
        let after = largest(resolution.final_powers(), top);
        let sum = |xs: &[(&Voter, Amount)]| xs.iter().map(|x| x.1.base_units()).sum::<u128>();
        let top = Top {
            n: top,
            share_before: share6(sum(&before), total.base_units()),
            share_after: share6(sum(&after), total.base_units()),
            before: before.iter().map(|(v, _)| row(v)).collect(),
            after: after.iter().map(|(v, _)| row(v)).collect(),
        };
        Analysis {
            holders_file: holders_file.to_string(),
            delegations_file: resolution.delegations().source().display().to_string(),
            format: format.to_string(),
            policy: resolution.policy().to_string(),
            decimals,
            total_power: tokens(total),
            delegated_power: tokens(resolution.delegated()),
            delegated_share: share6(resolution.delegated().base_units(), total.base_units()),
            delegates,
            chain_lengths: resolution
                .chain_lengths()
                .iter()
                .map(|(&hops, &holders)| ChainRow { hops, holders })
                .collect(),
            cycles: resolution
                .cycles()
                .iter()
                .map(|c| c.iter().map(|v| v.to_string()).collect())
                .collect(),
            top,
            counts: *resolution.counts(),
            rows: resolution.delegations().counts().into(),
            file_check: None,
        }
    }

    /// Pretty JSON (stable key order).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("an analysis always serialises")
    }

    /// A table for people. Lists the 20 largest delegates; the JSON lists
    /// all.
    pub fn to_table(&self) -> String {
        const SHOWN: usize = 20;
        let mut out = String::new();
        let c = &self.counts;
        let _ = writeln!(
            out,
            "delegation  {} ({}), holders {}",
            self.delegations_file, self.format, self.holders_file
        );
        let _ = writeln!(out, "policy      {}", self.policy);
        let _ = writeln!(
            out,
            "holders     {} listed, {} counted; total power {}",
            c.holders, c.counted_holders, self.total_power
        );
        let mut extra = Vec::new();
        if c.self_delegations > 0 {
            extra.push(format!("{} to themselves", c.self_delegations));
        }
        if c.overridden > 0 {
            extra.push(format!("{} overridden by their own vote", c.overridden));
        }
        if c.unknown_delegators > 0 {
            extra.push(format!("{} not in the holder file", c.unknown_delegators));
        }
        let extra = if extra.is_empty() {
            String::new()
        } else {
            format!(" ({})", extra.join(", "))
        };
        let unknown = if c.unknown_delegates > 0 {
            format!(" ({} not in the holder file)", c.unknown_delegates)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "delegators  {}{extra}; power moved for {}; {} final delegates{unknown}",
            c.delegators, c.moved, c.delegates
        );
        let r = &self.rows;
        let mut notes = Vec::new();
        if r.other_scope > 0 {
            notes.push(format!("{} rows of other scopes ignored", r.other_scope));
        }
        if r.replaced > 0 {
            notes.push(format!("{} events replaced by later ones", r.replaced));
        }
        if r.after_cutoff > 0 {
            notes.push(format!("{} events after the cut-off", r.after_cutoff));
        }
        if r.withdrawn > 0 {
            notes.push(format!("{} delegations withdrawn", r.withdrawn));
        }
        if !notes.is_empty() {
            let _ = writeln!(out, "rows        {} read; {}", r.read, notes.join(", "));
        }
        let _ = writeln!(
            out,
            "delegated   {} ({}) of all power sits with delegates rather than its owners",
            self.delegated_power,
            percent(&self.delegated_share)
        );
        let chains: Vec<String> = self
            .chain_lengths
            .iter()
            .map(|ch| {
                format!(
                    "{} hop{}: {}",
                    ch.hops,
                    if ch.hops == 1 { "" } else { "s" },
                    ch.holders
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "chains      {}",
            if chains.is_empty() {
                "none".to_string()
            } else {
                chains.join(", ")
            }
        );
        if self.cycles.is_empty() {
            let _ = writeln!(out, "cycles      none");
        } else {
            let void = if c.voided > 0 {
                "delegations on them are void"
            } else {
                "one hop: each member passes its balance once"
            };
            let _ = writeln!(
                out,
                "cycles      {} ({} holders; {void})",
                self.cycles.len(),
                c.in_cycles
            );
            for cycle in self.cycles.iter().take(SHOWN) {
                let _ = writeln!(out, "  {} → {}", cycle.join(" → "), cycle[0]);
            }
            if self.cycles.len() > SHOWN {
                let _ = writeln!(out, "  … {} more", self.cycles.len() - SHOWN);
            }
        }

        let _ = writeln!(out);
        let rows: Vec<[String; 3]> = self
            .delegates
            .iter()
            .take(SHOWN)
            .map(|d| [d.address.clone(), d.power.clone(), d.delegators.to_string()])
            .collect();
        let title = format!("delegates ({})", self.delegates.len());
        table(&mut out, [&title, "power", "delegators"], &rows);
        if self.delegates.len() > SHOWN {
            let _ = writeln!(
                out,
                "  … {} more (--format json lists all)",
                self.delegates.len() - SHOWN
            );
        }

        let t = &self.top;
        let _ = writeln!(out);
        let rows: Vec<[String; 3]> = t
            .after
            .iter()
            .map(|r| [r.address.clone(), r.before.clone(), r.after.clone()])
            .collect();
        let title = format!("top {} after delegation", t.n);
        table(&mut out, [&title, "before", "after"], &rows);
        let _ = writeln!(
            out,
            "top {} share of all power: {} before delegation, {} after",
            t.n,
            percent(&t.share_before),
            percent(&t.share_after)
        );

        if let Some(f) = &self.file_check {
            let _ = writeln!(out);
            let _ = writeln!(
                out,
                "file check  {} delegates with all delegators in the file: {} agree with its \
                 delegated power, {} differ",
                f.checked,
                f.agree,
                f.differ.len()
            );
            for d in &f.differ {
                let _ = writeln!(
                    out,
                    "  DIFFERS {} (line {}): file {}, govkit {}",
                    d.address, d.line, d.file, d.govkit
                );
            }
            for d in &f.inconsistent {
                let mut why = Vec::new();
                if !d.listed_not_delegating.is_empty() {
                    why.push(format!(
                        "lists {} whose own row delegates elsewhere",
                        d.listed_not_delegating.join(", ")
                    ));
                }
                if !d.delegating_not_listed.is_empty() {
                    why.push(format!(
                        "does not list {} whose own row delegates to it",
                        d.delegating_not_listed.join(", ")
                    ));
                }
                let _ = writeln!(
                    out,
                    "inconsistent {} (line {}): {}; file {}, govkit {} (not checked)",
                    d.address,
                    d.line,
                    why.join("; "),
                    d.file,
                    d.govkit
                );
            }
            if !f.incomplete.is_empty() {
                let _ = writeln!(
                    out,
                    "incomplete  {} delegates list delegators missing from the file (not checked):",
                    f.incomplete.len()
                );
                for d in f.incomplete.iter().take(SHOWN) {
                    let _ = writeln!(
                        out,
                        "  {} (line {}): {} of {} delegators missing; file {}, govkit {}",
                        d.address, d.line, d.missing, d.listed, d.file, d.govkit
                    );
                }
                if f.incomplete.len() > SHOWN {
                    let _ = writeln!(
                        out,
                        "  … {} more (--format json lists all)",
                        f.incomplete.len() - SHOWN
                    );
                }
            }
        }
        out
    }
}

/// A left-aligned first column and right-aligned others.
fn table(out: &mut String, head: [&str; 3], rows: &[[String; 3]]) {
    let mut w = head.map(|h| h.chars().count());
    for r in rows {
        for k in 0..3 {
            w[k] = w[k].max(r[k].chars().count());
        }
    }
    let [a, b, c] = w;
    let _ = writeln!(out, "  {:<a$}  {:>b$}  {:>c$}", head[0], head[1], head[2]);
    for r in rows {
        let _ = writeln!(out, "  {:<a$}  {:>b$}  {:>c$}", r[0], r[1], r[2]);
    }
    if rows.is_empty() {
        let _ = writeln!(out, "  (none)");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_round_half_up() {
        assert_eq!(share6(2, 3), "0.666667");
        assert_eq!(share6(1, 1), "1.000000");
        assert_eq!(share6(0, 0), "0.000000");
        assert_eq!(percent("0.666667"), "66.67%");
        assert_eq!(percent("0.000049"), "0.00%");
        assert_eq!(percent("0.000050"), "0.01%");
    }

    #[test]
    fn agreement_allows_float_rounding_only() {
        let a = |x: u128| Amount::from_base_units(x);
        assert!(agrees(a(1 << 60), a((1 << 60) + 256)));
        assert!(!agrees(a(1 << 60), a((1 << 60) + 257)));
        assert!(agrees(a(5), a(6)));
        assert!(!agrees(a(5), a(7)));
    }
}
