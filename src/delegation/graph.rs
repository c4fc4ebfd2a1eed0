//! The delegation graph as read: who delegates what share to whom.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use num_rational::BigRational;
use num_traits::{One, Zero};

use crate::error::{Error, Location, Result};
use crate::share::Share;
use crate::vote::Voter;

/// One delegation as a file states it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delegation {
    /// Who delegates.
    pub delegator: Voter,
    /// To whom.
    pub delegate: Voter,
    /// The share of the delegator's power (split delegation); `None` for
    /// all of it.
    pub fraction: Option<Share>,
    /// The scope (e.g. a Snapshot space); `None` for a global delegation.
    pub scope: Option<String>,
    /// 1-based line in the source file (0 when not read from a file).
    pub line: u64,
}

/// The names of the fields of a delegation, as the source file calls them,
/// for error messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DelegationFields {
    /// The delegator's field (`delegator`, `Member`, ...).
    pub delegator: String,
    /// The delegate's field (`delegate`, `toDelegate`, `Delegate`, ...).
    pub delegate: String,
    /// The fraction's field (`fraction`, `bps`, ...).
    pub fraction: String,
}

impl Default for DelegationFields {
    fn default() -> Self {
        DelegationFields {
            delegator: "delegator".into(),
            delegate: "delegate".into(),
            fraction: "fraction".into(),
        }
    }
}

/// One edge of the graph.
#[derive(Clone, Debug)]
pub(crate) struct Edge {
    pub delegator: u32,
    pub delegate: u32,
    /// `None`: the whole balance.
    pub fraction: Option<Share>,
    pub line: u64,
}

/// What happened to the rows while building the graph.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReadCounts {
    /// Delegation rows (or events) read.
    pub rows: u64,
    /// Rows of another scope than the one selected (or of any scope when
    /// none is selected), plus global rows that a scoped row of the same
    /// delegator replaced.
    pub other_scope: u64,
    /// Governor events that a later event of the same delegator replaced.
    pub replaced: u64,
    /// Events after the cut-off block or time.
    pub after_cutoff: u64,
    /// Delegators whose latest event delegates to the zero address (they
    /// withdrew their delegation).
    pub withdrawn: u64,
    /// Rows of an event log that are not `DelegateChanged` events (a
    /// token's `DelegateVotesChanged`, a governor's `VoteCast`, ...): read,
    /// counted in `rows`, and skipped.
    pub other_events: u64,
}

/// A validated delegation graph: each delegator delegates either its whole
/// power to one delegate, or fractions (summing to at most 100%) to
/// distinct delegates. Holders are interned as node numbers.
///
/// Build it with [`Delegations::from_rows`] or read it with
/// [`crate::io::delegations::read`].
#[derive(Clone, Debug)]
pub struct Delegations {
    source: PathBuf,
    fields: DelegationFields,
    /// The nodes, numbered in order of first appearance, with their hash
    /// index (foldhash: several times faster than SipHash on addresses,
    /// which matters with a million lookups).
    nodes: Nodes,
    /// Sorted by delegator node, then delegate address.
    edges: Vec<Edge>,
    /// Per node: the range of its edges in `edges` (empty for a node that
    /// only receives).
    out: Vec<(u32, u32)>,
    delegators: usize,
    split: bool,
    counts: ReadCounts,
}

/// Interned holders: a node's number is its position, in order of first
/// appearance.
pub(crate) type Nodes = crate::voter_index::VoterIndex;

/// A delegator's rows seen so far, while validating.
enum Seen {
    Whole {
        line: u64,
    },
    Split {
        line: u64,
        sum: Box<BigRational>,
        delegates: Vec<(u32, u64)>,
    },
}

impl Delegations {
    /// An empty graph.
    pub fn empty(source: impl Into<PathBuf>) -> Delegations {
        Delegations {
            source: source.into(),
            fields: DelegationFields::default(),
            nodes: Nodes::default(),
            edges: Vec::new(),
            out: Vec::new(),
            delegators: 0,
            split: false,
            counts: ReadCounts::default(),
        }
    }

    /// Validates and interns `rows`.
    ///
    /// Scopes follow Snapshot: with `scope = Some(s)`, a delegator's rows of
    /// scope `s` replace its global rows (scope `None` or empty); rows of
    /// other scopes are ignored. With `scope = None` only global rows count.
    /// Ignored rows are counted in [`Delegations::counts`].
    ///
    /// Errors (naming `source`, the row's line and field): a delegator with
    /// a whole delegation and any other row in the same scope; the same
    /// delegate twice; a fraction of zero; fractions above 100% in total.
    pub fn from_rows(
        source: impl Into<PathBuf>,
        fields: DelegationFields,
        rows: Vec<Delegation>,
        scope: Option<&str>,
    ) -> Result<Delegations> {
        Delegations::from_parts(source, fields, vec![rows], scope)
    }

    /// [`Delegations::from_rows`] of the rows of `parts` one after the
    /// other (a reader's blocks, without copying them into one vector).
    pub(crate) fn from_parts(
        source: impl Into<PathBuf>,
        fields: DelegationFields,
        parts: Vec<Vec<Delegation>>,
        scope: Option<&str>,
    ) -> Result<Delegations> {
        let mut g = Delegations::empty(source);
        g.fields = fields;
        let count: usize = parts.iter().map(Vec::len).sum();
        // Nodes: delegators plus the delegates that do not delegate, usually
        // a little more than the rows.
        g.nodes.reserve(count.saturating_add(count / 4));
        g.counts.rows = count as u64;
        let scope = scope.map(str::trim).filter(|s| !s.is_empty());
        fn row_scope(d: &Delegation) -> Option<&str> {
            d.scope.as_deref().map(str::trim).filter(|s| !s.is_empty())
        }
        // Delegators with a row in the selected scope: their global rows go.
        let scoped: HashSet<Voter> = match scope {
            Some(s) => parts
                .iter()
                .flatten()
                .filter(|d| row_scope(d) == Some(s))
                .map(|d| d.delegator.clone())
                .collect(),
            None => HashSet::new(),
        };
        let mut seen: Vec<Option<Seen>> = Vec::new();
        let mut edges = Vec::with_capacity(count);
        for row in parts.into_iter().flatten() {
            let keep = match row_scope(&row) {
                None => !scoped.contains(&row.delegator),
                Some(s) => scope == Some(s),
            };
            if !keep {
                g.counts.other_scope += 1;
                continue;
            }
            let delegator = g.intern(row.delegator);
            let delegate = g.intern(row.delegate);
            if seen.len() < g.nodes.len() {
                seen.resize_with(g.nodes.len(), || None);
            }
            g.check(
                &mut seen,
                delegator,
                delegate,
                row.fraction.as_ref(),
                row.line,
            )?;
            edges.push(Edge {
                delegator,
                delegate,
                fraction: row.fraction,
                line: row.line,
            });
        }
        // A single row of 100% is a whole delegation.
        for e in &mut edges {
            if let Some(Seen::Split { delegates, .. }) = &seen[e.delegator as usize] {
                if delegates.len() == 1 && e.fraction.as_ref().is_some_and(|f| *f == Share::one()) {
                    e.fraction = None;
                }
            }
        }
        g.delegators = seen.iter().filter(|s| s.is_some()).count();
        g.split = edges.iter().any(|e| e.fraction.is_some());
        let nodes = &g.nodes;
        edges.sort_unstable_by(|a, b| {
            a.delegator
                .cmp(&b.delegator)
                .then_with(|| nodes[a.delegate as usize].cmp(&nodes[b.delegate as usize]))
        });
        g.out = vec![(0, 0); g.nodes.len()];
        let mut i = 0;
        while i < edges.len() {
            let d = edges[i].delegator;
            let start = i;
            while i < edges.len() && edges[i].delegator == d {
                i += 1;
            }
            g.out[d as usize] = (start as u32, (i - start) as u32);
        }
        g.edges = edges;
        Ok(g)
    }

    fn intern(&mut self, voter: Voter) -> u32 {
        use crate::voter_index::Inserted;
        match self.nodes.insert(voter).expect("fewer than 2^32 holders") {
            Inserted::New(n) | Inserted::Present(n) => n,
        }
    }

    fn check(
        &self,
        seen: &mut [Option<Seen>],
        delegator: u32,
        delegate: u32,
        fraction: Option<&Share>,
        line: u64,
    ) -> Result<()> {
        let name = |i: u32| self.nodes[i as usize].as_str();
        let at = |field: &str| Location::line(&self.source, line).with_field(field);
        let already = |first: u64| {
            Error::input(
                at(&self.fields.delegator),
                format!(
                    "{} already delegates on line {first}; a delegator has one delegation, \
                     or several that each give a fraction",
                    name(delegator)
                ),
            )
        };
        if let Some(f) = fraction {
            if f.as_rational().is_zero() {
                return Err(Error::input(
                    at(&self.fields.fraction),
                    "a delegated fraction must be more than 0",
                ));
            }
        }
        let slot = &mut seen[delegator as usize];
        match (slot.as_mut(), fraction) {
            (None, None) => *slot = Some(Seen::Whole { line }),
            (None, Some(f)) => {
                *slot = Some(Seen::Split {
                    line,
                    sum: Box::new(f.as_rational().clone()),
                    delegates: vec![(delegate, line)],
                })
            }
            (Some(Seen::Whole { line: first }), _) => return Err(already(*first)),
            (Some(Seen::Split { line: first, .. }), None) => return Err(already(*first)),
            (Some(Seen::Split { sum, delegates, .. }), Some(f)) => {
                if let Some(&(_, first)) = delegates.iter().find(|(d, _)| *d == delegate) {
                    return Err(Error::input(
                        at(&self.fields.delegate),
                        format!(
                            "{} already delegates to {} on line {first}",
                            name(delegator),
                            name(delegate)
                        ),
                    ));
                }
                **sum += f.as_rational();
                if **sum > BigRational::one() {
                    return Err(Error::input(
                        at(&self.fields.fraction),
                        format!(
                            "{} delegates {} in total, more than 100%",
                            name(delegator),
                            percent(sum)
                        ),
                    ));
                }
                delegates.push((delegate, line));
            }
        }
        Ok(())
    }

    /// The file the delegations came from.
    pub fn source(&self) -> &Path {
        &self.source
    }

    /// The source's field names.
    pub fn fields(&self) -> &DelegationFields {
        &self.fields
    }

    /// Number of delegators.
    pub fn len(&self) -> usize {
        self.delegators
    }

    /// True if nobody delegates.
    pub fn is_empty(&self) -> bool {
        self.delegators == 0
    }

    /// Whether any delegation gives only a fraction.
    pub fn has_split(&self) -> bool {
        self.split
    }

    /// What happened to the rows while reading.
    pub fn counts(&self) -> ReadCounts {
        self.counts
    }

    pub(crate) fn counts_mut(&mut self) -> &mut ReadCounts {
        &mut self.counts
    }

    /// Every delegation: delegator, delegate, fraction (`None`: all), line.
    /// Grouped by delegator, each group's delegates in address order.
    pub fn iter(&self) -> impl Iterator<Item = (&Voter, &Voter, Option<&Share>, u64)> {
        self.edges.iter().map(|e| {
            (
                &self.nodes[e.delegator as usize],
                &self.nodes[e.delegate as usize],
                e.fraction.as_ref(),
                e.line,
            )
        })
    }

    /// The delegations of `delegator`: delegate and fraction (`None`: all).
    pub fn of(&self, delegator: &Voter) -> Vec<(&Voter, Option<&Share>)> {
        self.node(delegator)
            .map(|i| {
                self.out_edges(i)
                    .iter()
                    .map(|e| (&self.nodes[e.delegate as usize], e.fraction.as_ref()))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub(crate) fn node(&self, voter: &Voter) -> Option<u32> {
        self.nodes.get(voter)
    }

    pub(crate) fn nodes(&self) -> &[Voter] {
        self.nodes.as_slice()
    }

    pub(crate) fn out_edges(&self, node: u32) -> &[Edge] {
        let (start, len) = self.out[node as usize];
        &self.edges[start as usize..(start + len) as usize]
    }

    pub(crate) fn location(&self, line: u64, field: &str) -> Location {
        Location::line(&self.source, line).with_field(field)
    }
}

/// `r` as a percentage ("110%"), or a fraction ("7/6") if it does not
/// terminate.
pub(crate) fn percent(r: &BigRational) -> String {
    let pct = r * BigRational::from_integer(100.into());
    let text = crate::decimal::format_rational(&pct, 30);
    if text.contains('/') {
        format!("{}/{}", r.numer(), r.denom())
    } else {
        format!("{text}%")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(a: &str, b: &str, f: Option<&str>, line: u64) -> Delegation {
        Delegation {
            delegator: Voter::new(a),
            delegate: Voter::new(b),
            fraction: f.map(|f| f.parse().unwrap()),
            scope: None,
            line,
        }
    }

    fn build(rows: Vec<Delegation>) -> Result<Delegations> {
        Delegations::from_rows("d.csv", DelegationFields::default(), rows, None)
    }

    #[test]
    fn duplicate_and_excess_rows_are_errors_with_lines() {
        let e = build(vec![row("a", "b", None, 2), row("a", "c", None, 3)]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "d.csv line 3: field 'delegator': a already delegates on line 2; a delegator has \
             one delegation, or several that each give a fraction"
        );
        let e = build(vec![
            row("a", "b", Some("60%"), 2),
            row("a", "c", Some("1/2"), 3),
        ])
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "d.csv line 3: field 'fraction': a delegates 110% in total, more than 100%"
        );
        let e = build(vec![
            row("a", "b", Some("10%"), 2),
            row("a", "b", Some("10%"), 3),
        ])
        .unwrap_err();
        assert!(e
            .to_string()
            .contains("line 3: field 'delegate': a already delegates to b on line 2"));
        assert!(build(vec![row("a", "b", Some("0"), 4)]).is_err());
    }

    #[test]
    fn a_single_full_fraction_is_whole_and_scopes_replace_global_rows() {
        let g = build(vec![row("a", "b", Some("100%"), 2)]).unwrap();
        assert!(!g.has_split());
        let mut rows = vec![
            row("a", "b", None, 2),
            row("a", "c", None, 3),
            row("x", "y", None, 4),
        ];
        rows[1].scope = Some("dao.eth".into());
        rows[2].scope = Some("other.eth".into());
        let g = Delegations::from_rows(
            "d",
            DelegationFields::default(),
            rows.clone(),
            Some("dao.eth"),
        )
        .unwrap();
        assert_eq!(g.of(&Voter::new("a")), vec![(&Voter::new("c"), None)]);
        assert_eq!(g.len(), 1);
        assert_eq!(g.counts().other_scope, 2);
        let g = Delegations::from_rows("d", DelegationFields::default(), rows, None).unwrap();
        assert_eq!(g.of(&Voter::new("a")), vec![(&Voter::new("b"), None)]);
    }
}
