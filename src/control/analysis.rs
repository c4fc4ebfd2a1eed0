//! The library call behind `govkit control`: a [`ControlRequest`] in, a
//! typed [`ControlReport`] out.
//!
//! [`analyze`] picks the distribution (a holder snapshot, else the
//! proposal's `[holders]`, else the power of the proposal's votes),
//! resolves delegations when asked, computes the concentration measures,
//! the power indices (exact when the game fits [`ExactLimits`], else Monte
//! Carlo, as [`IndicesMode`] says) and, with a proposal, its decisive sets.
//! The report carries exact numbers (`Power`, `BigRational`); text, JSON
//! and CSV are written by `govkit::render::control`.
//!
//! The proposal is evaluated once ([`ProposalControl::analyze`]): its
//! powers are the distribution when there is no snapshot, and its decisive
//! sets are reported.

use std::path::PathBuf;
use std::str::FromStr;

use num_bigint::BigUint;
use num_rational::BigRational;

use super::approx::{self, Estimate};
use super::{Distribution, ExactLimits, ProposalControl, ScaledGame, Threshold, WeightResolution};
use crate::amount::Power;
use crate::delegation::{resolve, Delegations, Policy};
use crate::error::{Error, Result};
use crate::io::delegations::{read as read_delegations, DelegationSource};
use crate::io::detect::read_holders;
use crate::io::{Holders, HoldersSource};
use crate::proposal::{Prepared, Proposal};
use crate::rules::Outcome;
use crate::vote::Voter;

/// Where the holders' balances come from.
#[derive(Clone, Debug)]
pub enum HoldersInput {
    /// A holder snapshot file (a Decentraland members export is recognised,
    /// see [`crate::io::detect`]).
    File(HoldersSource),
    /// Balances already in memory; `name` is reported as the source.
    Memory {
        /// The source's name in the report.
        name: String,
        /// The balances.
        holders: Holders,
    },
}

/// Where the delegations come from.
#[derive(Clone, Debug)]
pub enum DelegationsInput {
    /// A delegation file (csv, governor events or a members export).
    File(DelegationSource),
    /// Delegations already in memory.
    Memory(Delegations),
}

/// Which power indices to compute.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum IndicesMode {
    /// Exact if the game fits the limits, else approximate; exact Banzhaf
    /// with approximate Shapley-Shubik when only Banzhaf fits.
    #[default]
    Auto,
    /// Exact counting (refused if the game is too large).
    Exact,
    /// Monte Carlo with a Hoeffding bound.
    Approx,
    /// No power indices.
    None,
}

/// What to compute, beyond the inputs.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ControlOptions {
    /// Nakamoto thresholds (default `> 1/2`).
    pub thresholds: Vec<Threshold>,
    /// Top-k shares to report (default 1, 10, 100).
    pub top: Vec<usize>,
    /// Lorenz curve points (default 10).
    pub lorenz_points: usize,
    /// Power indices (default auto).
    pub indices: IndicesMode,
    /// The quota of the weighted voting game (default `> 1/2`).
    pub quota: Threshold,
    /// Exact mode: how balances become integer weights (default exact).
    pub resolution: WeightResolution,
    /// How many of the largest holders to list indices for (default 100).
    pub players: usize,
    /// Approximate mode: the error bound of each index (default 0.01).
    pub epsilon: f64,
    /// Approximate mode: the probability that any bound fails (default 0.01).
    pub delta: f64,
    /// Approximate mode: the PRNG seed (default 1).
    pub seed: u64,
    /// Approximate mode: run even past [`MAX_APPROX_SAMPLES`] draws
    /// (default false).
    pub force: bool,
    /// What exact counting may use before `auto` estimates instead and
    /// `exact` refuses (default [`ExactLimits::default`]).
    pub limits: ExactLimits,
}

/// The most Monte Carlo draws (per index) the approximate mode runs
/// without `force`: 200 times the default `epsilon`/`delta` budget.
pub const MAX_APPROX_SAMPLES: u64 = 10_000_000;

impl Default for ControlOptions {
    fn default() -> Self {
        ControlOptions {
            thresholds: vec![Threshold::majority()],
            top: vec![1, 10, 100],
            lorenz_points: 10,
            indices: IndicesMode::Auto,
            quota: Threshold::majority(),
            resolution: WeightResolution::Exact,
            players: 100,
            epsilon: 0.01,
            delta: 0.01,
            seed: 1,
            force: false,
            limits: ExactLimits::default(),
        }
    }
}

/// The inputs and options of one control analysis.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ControlRequest {
    /// The holder snapshot; `None`: the proposal's `[holders]`, else the
    /// power of its votes.
    pub holders: Option<HoldersInput>,
    /// A proposal file: its decisive sets are reported.
    pub proposal: Option<PathBuf>,
    /// The proposal to take from a multi-proposal vote file (a governor
    /// log, a batch export) instead of its `votes.proposal_id`.
    pub proposal_id: Option<String>,
    /// Delegations: the metrics are computed on the power after delegation
    /// (needs a holder snapshot).
    pub delegations: Option<DelegationsInput>,
    /// The delegation semantics (default one hop).
    pub policy: Policy,
    /// The token's decimals (default 18; a proposal's own decimals win).
    pub decimals: u8,
    /// What to compute.
    pub options: ControlOptions,
}

impl ControlRequest {
    /// A request with default options; at least one of `holders` and
    /// `proposal` must be given.
    pub fn new(holders: Option<HoldersInput>, proposal: Option<PathBuf>) -> ControlRequest {
        ControlRequest {
            holders,
            proposal,
            proposal_id: None,
            delegations: None,
            policy: Policy::one_hop(),
            decimals: 18,
            options: ControlOptions::default(),
        }
    }
}

/// The stages of [`analyze`], reported to its progress callback.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ControlStage {
    /// Reading the proposal, holders and delegations.
    Reading,
    /// Resolving delegations.
    Delegation,
    /// Concentration measures.
    Concentration,
    /// Power indices.
    Indices,
    /// Within the power indices: `done` of `total` steps (factors of an
    /// exact count, or Monte Carlo draws); a new `total` starts a new count.
    IndexWork {
        /// Steps done.
        done: u64,
        /// Steps in all.
        total: u64,
    },
}

/// Where the analysed distribution came from.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ControlSource {
    /// A holder snapshot (its path as given, or the in-memory name).
    Holders(String),
    /// The proposal's `[holders]`.
    ProposalHolders,
    /// The power cast by the proposal's votes.
    ProposalVotes,
}

/// A Nakamoto coefficient for one threshold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NakamotoCount {
    /// The threshold.
    pub threshold: Threshold,
    /// The least number of holders that meets it; `None` if none does.
    pub holders: Option<usize>,
}

/// The share of the `k` largest holders.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TopShare {
    /// How many holders.
    pub k: usize,
    /// Their power.
    pub power: Power,
    /// Their share of the total, exactly; `None` if the total is 0.
    pub share: Option<BigRational>,
}

/// Herfindahl-Hirschman index and the effective number of holders.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hhi {
    /// Σ s_i², exactly.
    pub value: BigRational,
    /// 1 / HHI, exactly.
    pub effective_holders: BigRational,
}

/// One point of the Lorenz curve.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LorenzRow {
    /// The poorest `holders` holders.
    pub holders: usize,
    /// `holders / n`, exactly.
    pub population: BigRational,
    /// Their power.
    pub power: Power,
    /// Their share of the total; `None` if the total is 0.
    pub share: Option<BigRational>,
}

/// The distribution before delegation (the holders' own balances that
/// count), measured on the same population as the report's after-delegation
/// numbers: every holder in the snapshot and every delegate named by a
/// delegation, at zero where it holds nothing. Both sides count the same
/// people, so a change in Gini or Nakamoto is a change in control, not in
/// who is counted.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct BeforeDelegation {
    /// The population (the same as [`ControlReport::holders`]).
    pub holders: usize,
    /// Members of the population whose own counted balance is zero.
    pub zero_balances: usize,
    /// The total of the counted balances (the same as after delegation).
    pub total: Power,
    /// Nakamoto coefficients for the requested thresholds.
    pub nakamoto: Vec<NakamotoCount>,
    /// Top-k shares.
    pub top_shares: Vec<TopShare>,
    /// Gini of the balances; `None` if there is nothing.
    pub gini: Option<BigRational>,
    /// HHI; `None` if the total is 0.
    pub hhi: Option<Hhi>,
    /// The delegation policy applied.
    pub policy: Policy,
    /// The share of the counted balances that moved to a delegate.
    pub delegated_share: BigRational,
}

/// A listed holder of the power-index tables.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Player {
    /// The holder's address (or `vote#i` for an anonymous vote).
    pub holder: String,
    /// Its power.
    pub weight: Power,
}

/// The exact Banzhaf index of one player.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BanzhafIndex {
    /// η_i / 2^(n−1).
    pub absolute: BigRational,
    /// η_i / Σ η.
    pub normalized: BigRational,
    /// η_i, the swings.
    pub swings: BigUint,
}

/// Indices counted exactly on an integer game.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ExactIndices {
    /// The game's integer quota.
    pub game_quota: u64,
    /// The sum of the game's integer weights.
    pub game_total: u128,
    /// Players with a positive integer weight.
    pub game_players: usize,
    /// How the weights were made.
    pub resolution: WeightResolution,
    /// The largest rounding error of one weight, in game units.
    pub max_rounding_error: BigRational,
    /// Positive balances rounded to weight 0.
    pub rounded_to_zero: usize,
    /// Banzhaf of each listed player.
    pub banzhaf: Vec<BanzhafIndex>,
    /// Shapley-Shubik of each listed player (empty when it is estimated).
    pub shapley_shubik: Vec<BigRational>,
    /// Shapley-Shubik estimated by Monte Carlo (its `banzhaf` empty), when
    /// `auto` found exact Banzhaf within the limits but not exact
    /// Shapley-Shubik.
    pub shapley_shubik_estimate: Option<ApproximateIndices>,
}

/// Indices estimated by Monte Carlo with a Hoeffding bound.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ApproximateIndices {
    /// The least power that meets the quota.
    pub game_quota: Power,
    /// Holders in the game (all of them, exact balances).
    pub population: usize,
    /// Draws per index.
    pub samples: u64,
    /// The error bound of each index.
    pub epsilon: f64,
    /// The probability that any bound fails.
    pub delta: f64,
    /// The PRNG seed.
    pub seed: u64,
    /// Absolute Banzhaf of each listed player.
    pub banzhaf: Vec<Estimate>,
    /// Shapley-Shubik of each listed player.
    pub shapley_shubik: Vec<Estimate>,
}

/// How the indices were computed, with the values.
#[derive(Clone, Debug, PartialEq)]
pub enum IndexValues {
    /// Counted exactly.
    Exact(ExactIndices),
    /// Estimated.
    Approximate(ApproximateIndices),
}

/// Power indices of the largest holders.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct PowerIndices {
    /// The quota, as a threshold of the total.
    pub quota: Threshold,
    /// The listed players, largest first (ties by address).
    pub players: Vec<Player>,
    /// The indices, in the order of `players`.
    pub values: IndexValues,
}

/// A set of voters and their power.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VoterSet {
    /// Voters, largest power first (`vote#i` for anonymous votes).
    pub voters: Vec<String>,
    /// Their power.
    pub power: Power,
}

/// Who could flip the outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Flip {
    /// The rules have no For/Against roles (plurality).
    NoRoles,
    /// Voters switching `from` → `to` (choice names).
    Switch {
        /// The side that won.
        from: String,
        /// The other side.
        to: String,
        /// The smallest set whose switch flips the outcome; `None` if no
        /// switch of that side does.
        set: Option<VoterSet>,
    },
}

/// The decisive sets of a proposal's voters.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProposalDecisive {
    /// Proposal id.
    pub id: String,
    /// The outcome as evaluated.
    pub outcome: Outcome,
    /// Votes counted.
    pub votes: usize,
    /// Power cast by all votes.
    pub cast: Power,
    /// Decimals of the power unit.
    pub power_decimals: u8,
    /// The smallest set holding more than half of the power cast.
    pub min_majority: Option<VoterSet>,
    /// The smallest flipping set.
    pub flip: Flip,
    /// For − Against in power units, exactly; `None` without roles.
    pub margin: Option<BigRational>,
    /// The smallest set that alone, all For, meets the quorum and passes.
    pub min_passing: Option<VoterSet>,
}

/// The result of [`analyze`].
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ControlReport {
    /// Where the distribution came from.
    pub source: ControlSource,
    /// Decimals of the distribution's power.
    pub decimals: u8,
    /// Holders in the distribution (zero balances included).
    pub holders: usize,
    /// Holders with zero power.
    pub zero_balances: usize,
    /// The total power.
    pub total: Power,
    /// The distribution before delegation, when delegations were applied.
    pub before_delegation: Option<BeforeDelegation>,
    /// Nakamoto coefficients, one per threshold.
    pub nakamoto: Vec<NakamotoCount>,
    /// Top-k shares.
    pub top_shares: Vec<TopShare>,
    /// Gini (population form, zero balances included); `None` if empty.
    pub gini: Option<BigRational>,
    /// HHI; `None` if the total is 0.
    pub hhi: Option<Hhi>,
    /// Shannon entropy in bits (floating point, informative only).
    pub entropy_bits: Option<f64>,
    /// Theil-T in nats (floating point, informative only).
    pub theil_t: Option<f64>,
    /// Lorenz points.
    pub lorenz: Vec<LorenzRow>,
    /// Power indices (`None`: not asked for, or nothing held).
    pub power_indices: Option<PowerIndices>,
    /// The proposal's decisive sets, with a proposal.
    pub proposal: Option<ProposalDecisive>,
}

impl FromStr for WeightResolution {
    type Err = String;

    /// `"exact"` or a positive total such as `100000` (underscores allowed).
    fn from_str(s: &str) -> std::result::Result<WeightResolution, String> {
        if s.eq_ignore_ascii_case("exact") {
            return Ok(WeightResolution::Exact);
        }
        s.replace('_', "")
            .parse::<u64>()
            .ok()
            .filter(|&n| n > 0)
            .map(WeightResolution::Total)
            .ok_or_else(|| {
                format!(
                    "{s:?} is not a resolution: write \"exact\" or a positive total such as 100000"
                )
            })
    }
}

fn voter_name(i: usize, voter: Option<&Voter>) -> String {
    voter.map_or_else(|| format!("vote#{i}"), Voter::to_string)
}

/// Runs a control analysis; `progress` hears each stage as it starts.
pub fn analyze(
    req: &ControlRequest,
    progress: &mut dyn FnMut(ControlStage),
) -> Result<ControlReport> {
    progress(ControlStage::Reading);
    let prepared: Option<Prepared> = match &req.proposal {
        Some(p) => {
            let mut proposal = Proposal::load(p)?;
            if let Some(id) = &req.proposal_id {
                proposal = proposal.select(id);
            }
            Some(proposal.prepare()?)
        }
        None => None,
    };
    if req.decimals > 38 {
        return Err(Error::invalid(format!(
            "--decimals {} does not fit in u128 base units (at most 38)",
            req.decimals
        )));
    }
    let decimals = prepared.as_ref().map_or(req.decimals, |p| p.decimals);
    let (file_holders, mut source) = match &req.holders {
        Some(HoldersInput::File(src)) => (
            Some(read_holders(src, decimals)?),
            ControlSource::Holders(src.path.display().to_string()),
        ),
        Some(HoldersInput::Memory { name, .. }) => (None, ControlSource::Holders(name.clone())),
        None => (None, ControlSource::ProposalVotes),
    };
    let snapshot: Option<&Holders> = match &req.holders {
        Some(HoldersInput::Memory { holders, .. }) => Some(holders),
        _ => file_holders
            .as_ref()
            .or_else(|| prepared.as_ref().and_then(|p| p.holders.as_ref())),
    };
    if req.holders.is_none() && snapshot.is_some() {
        source = ControlSource::ProposalHolders;
    }
    // The proposal, evaluated once: its decisive sets, and its votes' power
    // when there is no snapshot.
    let control = match &prepared {
        Some(p) => Some(ProposalControl::analyze(p)?),
        None if snapshot.is_none() => {
            return Err(Error::invalid(
                "a control analysis needs a holder snapshot or a proposal",
            ))
        }
        None => None,
    };
    let delegations_owned;
    let delegations = match &req.delegations {
        Some(DelegationsInput::File(src)) => {
            delegations_owned = read_delegations(src)?;
            Some(&delegations_owned)
        }
        Some(DelegationsInput::Memory(d)) => Some(d),
        None => None,
    };
    let resolution = match (snapshot, delegations) {
        (Some(h), Some(d)) => {
            progress(ControlStage::Delegation);
            Some(resolve(h, d, &req.policy, None)?)
        }
        (None, Some(_)) => {
            return Err(Error::invalid(
                "delegations need a holder snapshot to move balances from",
            ))
        }
        _ => None,
    };
    progress(ControlStage::Concentration);
    // Anonymous votes are named `vote#i` (a name no address takes).
    let vote_powers: Vec<(Voter, u128)> = match (snapshot, &control) {
        (None, Some(pc)) => pc
            .voters
            .iter()
            .enumerate()
            .map(|(i, (v, p))| {
                (
                    v.clone()
                        .unwrap_or_else(|| Voter::new(&voter_name(i, None))),
                    *p,
                )
            })
            .collect(),
        _ => Vec::new(),
    };
    // With delegations, both sides are measured on one population (see
    // `BeforeDelegation`): `own` holds the before side, `pairs` the after.
    let (mut pairs, own): (Vec<(&Voter, u128)>, Option<Vec<u128>>) = match (snapshot, &resolution) {
        (Some(h), Some(r)) => {
            let population = same_population(h, delegations, r);
            let own = population.iter().map(|p| p.1).collect();
            (
                population.into_iter().map(|(v, _, a)| (v, a)).collect(),
                Some(own),
            )
        }
        (Some(h), None) => (h.iter().map(|(v, a)| (v, a.base_units())).collect(), None),
        (None, _) => (vote_powers.iter().map(|(v, p)| (v, *p)).collect(), None),
    };
    let opts = &req.options;
    let dist = Distribution::new(pairs.iter().map(|p| p.1).collect())?;
    let nakamoto = |d: &Distribution| -> Vec<NakamotoCount> {
        opts.thresholds
            .iter()
            .map(|t| NakamotoCount {
                threshold: t.clone(),
                holders: d.nakamoto(t),
            })
            .collect()
    };
    let before_delegation = match (&resolution, own) {
        (Some(r), Some(own)) => {
            let d = Distribution::new(own)?;
            Some(BeforeDelegation {
                holders: d.len(),
                zero_balances: d.zeros(),
                total: Power::from_units(d.total()),
                nakamoto: nakamoto(&d),
                top_shares: top_shares(&opts.top, &d),
                gini: d.gini(),
                hhi: hhi(&d),
                policy: req.policy.clone(),
                delegated_share: r.delegated_share().as_rational().clone(),
            })
        }
        _ => None,
    };
    // Names are needed for the largest holders only: select, then sort them
    // (largest first, ties by address).
    let listed = opts.players.min(pairs.len());
    let by_size = |a: &(&Voter, u128), b: &(&Voter, u128)| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0));
    if listed > 0 && listed < pairs.len() {
        pairs.select_nth_unstable_by(listed - 1, by_size);
    }
    pairs.truncate(listed);
    pairs.sort_by(by_size);
    let players: Vec<Player> = pairs
        .iter()
        .map(|&(holder, w)| Player {
            holder: holder.to_string(),
            weight: Power::from_units(w),
        })
        .collect();

    let total = dist.total();
    let ratio = |a: u128, b: u128| BigRational::new(a.into(), b.into());
    let n = dist.len().max(1);
    let report_holders = dist.len();
    let lorenz = dist
        .lorenz(opts.lorenz_points)
        .iter()
        .map(|p| LorenzRow {
            holders: p.holders,
            population: ratio(p.holders as u128, n as u128),
            power: Power::from_units(p.power),
            share: (total > 0).then(|| ratio(p.power, total)),
        })
        .collect();
    let power_indices = if opts.indices == IndicesMode::None || total == 0 {
        None
    } else {
        progress(ControlStage::Indices);
        Some(PowerIndices {
            quota: opts.quota.clone(),
            values: index_values(opts, &dist, players.len(), progress)?,
            players,
        })
    };
    let proposal = match (&prepared, control) {
        (Some(p), Some(pc)) => Some(decisive(p, pc)),
        _ => None,
    };
    Ok(ControlReport {
        source,
        decimals,
        holders: report_holders,
        zero_balances: dist.zeros(),
        total: Power::from_units(total),
        before_delegation,
        nakamoto: nakamoto(&dist),
        top_shares: top_shares(&opts.top, &dist),
        gini: dist.gini(),
        hhi: hhi(&dist),
        entropy_bits: dist.entropy_bits(),
        theil_t: dist.theil_t(),
        lorenz,
        power_indices,
        proposal,
    })
}

/// Every holder in the snapshot and every delegate named by a delegation,
/// once each: (address, own counted balance, final power), zero where the
/// member holds or keeps nothing. Ordered by address, so nothing depends on
/// the order of the input rows.
fn same_population<'a>(
    holders: &'a Holders,
    delegations: Option<&'a Delegations>,
    r: &crate::delegation::Resolution<'a>,
) -> Vec<(&'a Voter, u128, u128)> {
    let mut members: foldhash::HashMap<&'a Voter, (u128, u128)> =
        foldhash::HashMap::with_capacity_and_hasher(holders.len(), Default::default());
    for (v, _) in holders.iter() {
        members.insert(v, (0, 0));
    }
    for (_, delegate, _, _) in delegations.into_iter().flat_map(Delegations::iter) {
        members.entry(delegate).or_insert((0, 0));
    }
    for (v, a) in r.own_balances() {
        members.entry(v).or_insert((0, 0)).0 = a.base_units();
    }
    for (v, a) in r.final_powers() {
        members.entry(v).or_insert((0, 0)).1 = a.base_units();
    }
    let mut out: Vec<(&Voter, u128, u128)> = members
        .into_iter()
        .map(|(v, (own, after))| (v, own, after))
        .collect();
    out.sort_unstable_by(|a, b| a.0.cmp(b.0));
    out
}

fn top_shares(ks: &[usize], d: &Distribution) -> Vec<TopShare> {
    ks.iter()
        .map(|&k| TopShare {
            k,
            power: Power::from_units(d.top_power(k)),
            share: d.top_share(k),
        })
        .collect()
}

fn hhi(d: &Distribution) -> Option<Hhi> {
    match (d.hhi(), d.effective_holders()) {
        (Some(value), Some(effective_holders)) => Some(Hhi {
            value,
            effective_holders,
        }),
        _ => None,
    }
}

fn index_values(
    opts: &ControlOptions,
    dist: &Distribution,
    listed: usize,
    progress: &mut dyn FnMut(ControlStage),
) -> Result<IndexValues> {
    let weights = dist.descending();
    let limits = opts.limits;
    let scaled = ScaledGame::new(weights, opts.resolution, &opts.quota);
    let exact = match opts.indices {
        IndicesMode::Exact => {
            let s = scaled?;
            s.game.check_limits(&limits, false)?;
            s.game.check_limits(&limits, true)?;
            Some(s)
        }
        IndicesMode::Auto => scaled
            .ok()
            .filter(|s| s.game.check_limits(&limits, false).is_ok()),
        _ => None,
    };
    let mut work = |done, total| progress(ControlStage::IndexWork { done, total });
    if let Some(s) = exact {
        let bz = s.game.banzhaf_with_progress(&limits, &mut work)?;
        let (ss, estimate) = if s.game.check_limits(&limits, true).is_ok() {
            let ss = s.game.shapley_shubik_with_progress(&limits, &mut work)?;
            (ss[..listed].to_vec(), None)
        } else {
            let which = approx::Estimated::ShapleyShubik;
            (
                Vec::new(),
                Some(approximate(opts, dist, listed, which, &mut work)?),
            )
        };
        let normalized = bz.normalized();
        let absolute = bz.absolute();
        return Ok(IndexValues::Exact(ExactIndices {
            game_quota: s.game.quota,
            game_total: s.game.weights.iter().map(|&w| u128::from(w)).sum(),
            game_players: s.game.weights.iter().filter(|&&w| w > 0).count(),
            resolution: opts.resolution,
            max_rounding_error: s.max_rounding_error.clone(),
            rounded_to_zero: s.rounded_to_zero,
            banzhaf: (0..listed)
                .map(|i| BanzhafIndex {
                    absolute: absolute[i].clone(),
                    normalized: normalized[i].clone(),
                    swings: bz.swings[i].clone(),
                })
                .collect(),
            shapley_shubik: ss,
            shapley_shubik_estimate: estimate,
        }));
    }
    let which = approx::Estimated::Both;
    Ok(IndexValues::Approximate(approximate(
        opts, dist, listed, which, &mut work,
    )?))
}

/// Monte Carlo estimates of the listed players' indices.
fn approximate(
    opts: &ControlOptions,
    dist: &Distribution,
    listed: usize,
    which: approx::Estimated,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ApproximateIndices> {
    let weights = dist.descending();
    let quota = u128::try_from(opts.quota.least_amount(dist.total())).unwrap_or(u128::MAX);
    let aopts = approx::ApproxOptions {
        reported: listed,
        epsilon: opts.epsilon,
        delta: opts.delta,
        seed: opts.seed,
        ..approx::ApproxOptions::default()
    };
    if (opts.epsilon > 0.0 && opts.epsilon < 1.0) && (opts.delta > 0.0 && opts.delta < 1.0) {
        let samples = approx::samples_needed(opts.epsilon, opts.delta, listed);
        if samples > MAX_APPROX_SAMPLES && !opts.force {
            return Err(Error::invalid(format!(
                "approximate power indices with --epsilon {} and --delta {} need {samples} \
                 draws per index for {listed} players; the budget is {MAX_APPROX_SAMPLES}: \
                 raise --epsilon or --delta, or pass --force",
                opts.epsilon, opts.delta
            )));
        }
    }
    let est = approx::estimate_with(weights, quota, &aopts, which, progress)?;
    Ok(ApproximateIndices {
        game_quota: Power::from_units(quota),
        population: weights.len(),
        samples: est.samples,
        epsilon: opts.epsilon,
        delta: opts.delta,
        seed: opts.seed,
        banzhaf: est.banzhaf_absolute,
        shapley_shubik: est.shapley_shubik,
    })
}

fn decisive(p: &Prepared, pc: ProposalControl) -> ProposalDecisive {
    let name = |i: usize| voter_name(i, pc.voters[i].0.as_ref());
    let set = |m: &super::MinSet| VoterSet {
        voters: m.members.iter().map(|&i| name(i)).collect(),
        power: Power::from_units(m.power),
    };
    let names = p.choices.names();
    let flip = match pc.switch {
        None => Flip::NoRoles,
        Some((from, to)) => Flip::Switch {
            from: names[from].to_string(),
            to: names[to].to_string(),
            set: pc.min_flip.as_ref().map(set),
        },
    };
    ProposalDecisive {
        id: pc.report.id.clone(),
        outcome: pc.report.outcome,
        votes: pc.voters.len(),
        cast: Power::from_units(pc.cast),
        power_decimals: pc.power_decimals,
        min_majority: pc.min_majority.as_ref().map(set),
        flip,
        margin: pc.margin.clone(),
        min_passing: pc.min_passing.as_ref().map(set),
    }
}
