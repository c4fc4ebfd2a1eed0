//! The report of `govkit delegation`: where the power sits after delegation.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};

use num_bigint::BigInt;
use num_rational::BigRational;
use serde::Serialize;

use super::graph::ReadCounts;
use super::resolve::{Counts, Resolution};
use crate::amount::Amount;
use crate::quantity::{Proportion, Quantity};
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

/// A final delegate: power (exact, in token units), and the number of
/// holders whose power reached it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DelegateRow {
    /// The delegate.
    pub address: String,
    /// Its final power.
    pub power: Quantity,
    /// Holders whose power (some of it) ends with it.
    pub delegators: usize,
    /// The part of its own balance it kept.
    pub own: Quantity,
    /// What reached it from others.
    pub received: Quantity,
}

/// A holder's power before (own balance) and after delegation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TopRow {
    /// The holder.
    pub address: String,
    /// Its own balance (if it counts).
    pub before: Quantity,
    /// Its final power.
    pub after: Quantity,
    /// Holders whose power reached it.
    pub delegators: usize,
}

/// The largest holders before and after delegation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Top {
    /// How many.
    pub n: usize,
    /// Share of all power the `n` largest own balances hold (exact; written
    /// rounded half up to 6 decimals).
    pub share_before: Proportion,
    /// Share of all power the `n` largest final holders hold (exact;
    /// written rounded half up to 6 decimals).
    pub share_after: Proportion,
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
    pub govkit: Quantity,
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
    pub govkit: Quantity,
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
    pub govkit: Quantity,
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
                    govkit: Quantity::tokens(got, decimals),
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
                    govkit: Quantity::tokens(got, decimals),
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
                    govkit: Quantity::tokens(got, decimals),
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
/// delegates, and the largest holders before and after. All powers are
/// exact [`Quantity`]s in token units (written as exact decimals); shares
/// are exact [`Proportion`]s (written rounded half-up to 6 decimals).
/// `crate::render::delegation` writes it as a table or JSON.
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
    pub total_power: Quantity,
    /// Power that sits with someone other than its owner.
    pub delegated_power: Quantity,
    /// `delegated_power / total_power`, exact (zero when nothing counts);
    /// written rounded half-up to 6 decimals.
    pub delegated_share: Proportion,
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
    /// Rows of other events than `DelegateChanged`, skipped.
    pub other_events: u64,
}

impl From<ReadCounts> for RowCounts {
    fn from(c: ReadCounts) -> RowCounts {
        RowCounts {
            read: c.rows,
            other_scope: c.other_scope,
            replaced: c.replaced,
            after_cutoff: c.after_cutoff,
            withdrawn: c.withdrawn,
            other_events: c.other_events,
        }
    }
}

/// The `n` largest of `items` by amount (ties: smaller address first).
fn largest<'v>(
    items: impl Iterator<Item = (&'v Voter, Amount)>,
    n: usize,
) -> Vec<(&'v Voter, Amount)> {
    let mut heap: BinaryHeap<Reverse<(Amount, Reverse<&'v Voter>)>> = BinaryHeap::new();
    if n == 0 {
        return Vec::new();
    }
    for (v, a) in items {
        let item = Reverse((a, Reverse(v)));
        if heap.len() < n {
            heap.push(item);
        } else if heap.peek().is_some_and(|least| item < *least) {
            // Larger than the least kept (`Reverse`: smaller compares
            // greater): it replaces it.
            heap.pop();
            heap.push(item);
        }
    }
    let mut out: Vec<(&Voter, Amount)> = heap
        .into_iter()
        .map(|Reverse((a, Reverse(v)))| (v, a))
        .collect();
    out.sort_by(|x, y| y.1.cmp(&x.1).then_with(|| x.0.cmp(y.0)));
    out
}

/// `num / den` exactly (zero when `den` is 0).
fn share(num: u128, den: u128) -> Proportion {
    Proportion::new(if den == 0 {
        BigRational::from_integer(BigInt::from(0u8))
    } else {
        BigRational::new(BigInt::from(num), BigInt::from(den))
    })
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
        let tokens = |a: Amount| Quantity::tokens(a, decimals);
        let total = resolution.total();
        let delegates: Vec<DelegateRow> =
            super::par_map(&resolution.delegates(), |d| DelegateRow {
                address: d.voter.to_string(),
                power: tokens(d.power),
                delegators: d.delegators,
                own: tokens(d.own),
                received: tokens(d.received),
            });
        let row = |v: &Voter| TopRow {
            address: v.to_string(),
            before: tokens(resolution.own_balance(v)),
            after: tokens(resolution.power(v)),
            delegators: resolution.delegators_behind(v),
        };
        // Two walks over every holder, one per core.
        let (before, after) = crate::parallel::both(
            || largest(resolution.own_balances(), top),
            || largest(resolution.final_powers(), top),
        );
        let sum = |xs: &[(&Voter, Amount)]| xs.iter().map(|x| x.1.base_units()).sum::<u128>();
        let top = Top {
            n: top,
            share_before: share(sum(&before), total.base_units()),
            share_after: share(sum(&after), total.base_units()),
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
            delegated_share: share(resolution.delegated().base_units(), total.base_units()),
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_round_half_up() {
        assert_eq!(share(2, 3), "0.666667");
        assert_eq!(share(1, 1), "1.000000");
        assert_eq!(share(0, 0), "0.000000");
        assert_eq!(share(2, 3).percent(), "66.67%");
        assert_eq!(share(49, 1_000_000).percent(), "0.00%");
        assert_eq!(share(50, 1_000_000).percent(), "0.01%");
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
