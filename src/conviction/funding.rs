//! Continuous conviction for funding proposals (1Hive / Commons Stack /
//! Gardens): parameters, exact formulas and the event-driven simulator.
//!
//! Conviction on a proposal grows per block as `y_t = a·y_{t−1} + x_t`
//! (`x` = tokens staked on it), so over `t` blocks at constant stake
//! `y = a^t·y0 + x·(1 − a^t)/(1 − a)`. A request of `r` from funds `R`
//! passes when `y > ρ·S/(1 − a)/(β − r/R)²`, with effective supply
//! `S = max(total staked, supply × min stake %)`.
//!
//! Decisions use the contract's fixed point ([`super::contract`]); the
//! exact rational formulas are here too ([`FundingParams::exact_conviction`],
//! [`FundingParams::exact_threshold`]) for comparison and tests.
//!
//! ## Simulation
//!
//! [`Funding::simulate`] replays a stake timeline exactly as the contract
//! records it: a proposal's conviction is rebased (rounded) at every block
//! in which its stake changes, computed with the stake held until then;
//! between its own changes it follows the closed form. Within one block all
//! stake changes apply before anyone executes, so the check at block `b`
//! sees the stakes after block `b`'s events. A proposal passes at the first
//! block where its conviction exceeds (strictly, as `executeProposal`
//! requires) the threshold computed from the total stake at that block.
//! Funds are taken as constant: executing one proposal would lower the
//! vault's balance and raise the other thresholds; each proposal's passing
//! block is reported on its own.
//!
//! Cost grows with stake events, not blocks: conviction is monotone between
//! a proposal's own stake changes, so each stretch is checked at its most
//! favourable end against the smallest effective supply of the stretch (a
//! segment tree of minima over the global stake intervals); only stretches
//! that might pass are narrowed down, and the first passing block inside a
//! stretch of constant supply is found by bisection, all in the contract's
//! fixed point. Monotonicity holds for the contract's arithmetic as long as
//! `a^t·2^128` is far above its rounding noise; `tests/conviction_properties.rs`
//! compares the result with a naive block-by-block replay.

use std::cmp::Ordering;
use std::collections::HashMap;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Zero};

use super::contract::{self, DecayPowers, FundingThresholdError, D, ONE_HUNDRED_PERCENT};
use super::u256::U256;
use crate::decimal::DecimalLiteral;
use crate::error::{Error, Result};

/// A bad conviction parameter: which one, and why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{param}: {message}")]
pub struct ParamError {
    /// The parameter's name as the TOML file spells it (`decay`, `max_ratio`, ...).
    pub param: &'static str,
    /// What is wrong, for a human.
    pub message: String,
}

impl ParamError {
    fn new(param: &'static str, message: impl Into<String>) -> ParamError {
        ParamError {
            param,
            message: message.into(),
        }
    }
}

impl From<ParamError> for Error {
    fn from(e: ParamError) -> Error {
        Error::invalid(e.to_string())
    }
}

/// Conviction parameters as the 1Hive contract stores them: `decay = a·D`,
/// `max_ratio = β·D`, `weight = ρ·D` (`D = 10^7`) and the minimum threshold
/// stake as a fraction of 10^18.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FundingParams {
    /// `a × 10^7`, in `1..10^7`.
    pub decay: u128,
    /// `β × 10^7`, positive.
    pub max_ratio: u128,
    /// `ρ × 10^7`, positive.
    pub weight: u128,
    /// The minimum effective supply as a fraction of the token supply,
    /// × 10^18 (`20%` = `2·10^17`).
    pub min_threshold_stake_percentage: u128,
}

/// Parses a decimal or percentage ("0.9", "20%") into an integer at
/// `scale`, refusing anything the contract could not store exactly.
fn scaled(
    param: &'static str,
    text: &str,
    scale: u128,
    scale_name: &str,
) -> Result<u128, ParamError> {
    let s = text.trim();
    let (body, percent) = match s.strip_suffix('%') {
        Some(b) => (b, true),
        None => (s, false),
    };
    let lit = DecimalLiteral::parse(body)
        .map_err(|_| ParamError::new(param, format!("{text:?} is not a number")))?;
    let mut value = lit
        .bounded_rational()
        .map_err(|e| ParamError::new(param, format!("{:?}: {e}", crate::error::shown(text))))?;
    if percent {
        value /= BigRational::from_integer(100.into());
    }
    if value < BigRational::zero() {
        return Err(ParamError::new(param, format!("{text:?} is negative")));
    }
    let scaled = value * BigRational::from_integer(BigInt::from(scale));
    if !scaled.is_integer() {
        return Err(ParamError::new(
            param,
            format!("{text:?} has more precision than the contract stores ({scale_name})"),
        ));
    }
    u128::try_from(scaled.to_integer())
        .map_err(|_| ParamError::new(param, format!("{text:?} is too large")))
}

impl FundingParams {
    /// Checks contract-scaled parameters: `decay` in `1..D` (a in (0, 1)),
    /// `max_ratio > 0`, `weight > 0`, the minimum stake at most 100%.
    pub fn new(
        decay: u128,
        max_ratio: u128,
        weight: u128,
        min_threshold_stake_percentage: u128,
    ) -> Result<FundingParams, ParamError> {
        if decay == 0 || decay >= D {
            return Err(ParamError::new(
                "decay",
                format!(
                    "a = {} is outside (0, 1): conviction must decay but not vanish",
                    crate::decimal::format_scaled(decay, 7)
                ),
            ));
        }
        if max_ratio == 0 {
            return Err(ParamError::new(
                "max_ratio",
                "beta must be positive: with beta = 0 no request can ever pass",
            ));
        }
        if weight == 0 {
            return Err(ParamError::new(
                "weight",
                "rho must be positive: with rho = 0 any conviction passes",
            ));
        }
        if min_threshold_stake_percentage > ONE_HUNDRED_PERCENT {
            return Err(ParamError::new(
                "min_threshold_stake",
                "is more than 100% of the supply",
            ));
        }
        Ok(FundingParams {
            decay,
            max_ratio,
            weight,
            min_threshold_stake_percentage,
        })
    }

    /// Parameters as designers write them: `decay = "0.9"`,
    /// `max_ratio = "0.2"`, `weight = "0.002"`, `min_threshold_stake =
    /// "20%"`. Decay, max ratio and weight may have at most 7 decimals (the
    /// contract's `D = 10^7`), the minimum stake at most 18.
    ///
    /// ```
    /// use govkit::conviction::FundingParams;
    /// let p = FundingParams::parse("0.9", "0.2", "0.002", "20%").unwrap();
    /// assert_eq!((p.decay, p.max_ratio, p.weight), (9_000_000, 2_000_000, 20_000));
    /// assert!(FundingParams::parse("1.2", "0.2", "0.002", "20%").is_err());
    /// ```
    pub fn parse(
        decay: &str,
        max_ratio: &str,
        weight: &str,
        min_threshold_stake: &str,
    ) -> Result<FundingParams, ParamError> {
        FundingParams::new(
            scaled(
                "decay",
                decay,
                D,
                "7 decimals: the contract stores a × 10^7",
            )?,
            scaled(
                "max_ratio",
                max_ratio,
                D,
                "7 decimals: the contract stores beta × 10^7",
            )?,
            scaled(
                "weight",
                weight,
                D,
                "7 decimals: the contract stores rho × 10^7",
            )?,
            scaled(
                "min_threshold_stake",
                min_threshold_stake,
                ONE_HUNDRED_PERCENT,
                "18 decimals of a fraction",
            )?,
        )
    }

    /// The contract's `decay` for a half-life of `blocks` blocks:
    /// `a = (1/2)^(1/blocks)`, rounded to the nearest multiple of 10^−7
    /// (exactly: the rounding is checked with integer powers when the float
    /// estimate is near a tie).
    ///
    /// ```
    /// use govkit::conviction::FundingParams;
    /// assert_eq!(FundingParams::decay_for_half_life(1).unwrap(), 5_000_000);
    /// assert_eq!(FundingParams::decay_for_half_life(6).unwrap(), 8_908_987);
    /// ```
    pub fn decay_for_half_life(blocks: u64) -> Result<u128, ParamError> {
        if blocks == 0 {
            return Err(ParamError::new("half_life", "must be at least 1 block"));
        }
        let estimate = D as f64 * 0.5f64.powf(1.0 / blocks as f64);
        let mut d = estimate.round() as u128;
        let frac = estimate - estimate.floor();
        if (frac - 0.5).abs() < 1e-6 && blocks > 100_000 {
            return Err(ParamError::new(
                "half_life",
                "is too long to round exactly to 7 decimals here; give decay instead",
            ));
        }
        if (frac - 0.5).abs() < 1e-6 {
            // Near a tie: decide exactly whether D·2^(−1/h) ≥ floor + 1/2,
            // i.e. whether 2·(2·floor + 1)^h ≤ (2D)^h.
            use num_bigint::BigUint;
            let f = estimate.floor() as u64;
            let h = u32::try_from(blocks).map_err(|_| {
                ParamError::new(
                    "half_life",
                    "is too long to round exactly; give decay instead",
                )
            })?;
            let lhs = BigUint::from(2u8) * num_traits::pow(BigUint::from(2 * f + 1), h as usize);
            let rhs = num_traits::pow(BigUint::from(2 * D), h as usize);
            d = u128::from(f) + u128::from(lhs <= rhs);
        }
        let d = d.clamp(1, D - 1);
        Ok(d)
    }

    /// The half-life in blocks these parameters imply, `ln(1/2)/ln(a)`, for
    /// display only.
    pub fn half_life_blocks(&self) -> f64 {
        0.5f64.ln() / (self.decay as f64 / D as f64).ln()
    }

    /// `a` as an exact fraction.
    pub fn a(&self) -> BigRational {
        BigRational::new(self.decay.into(), D.into())
    }

    /// The contract's conviction `t` blocks after `y0` at stake `x`
    /// ([`contract::DecayPowers::conviction`]); an error where the contract
    /// would revert.
    pub fn conviction(&self, t: u64, y0: u128, x: u128) -> Result<u128> {
        DecayPowers::new(self.decay)
            .conviction(t, y0, x)
            .ok_or_else(|| overflow_conviction(t, y0, x))
    }

    /// The contract's effective supply: `max(total staked, floor(supply ×
    /// min stake %))`.
    pub fn effective_supply(&self, total_staked: u128, supply: u128) -> u128 {
        contract::effective_supply(total_staked, supply, self.min_threshold_stake_percentage)
    }

    /// The contract's threshold for `requested` out of `funds` at effective
    /// supply `effective_supply` (`calculateThreshold`).
    ///
    /// ```
    /// use govkit::conviction::FundingParams;
    /// let p = FundingParams::parse("0.9", "0.2", "0.002", "20%").unwrap();
    /// assert_eq!(p.threshold(1000, 15000, 45000).unwrap(), 50625);
    /// let err = p.threshold(3000, 15000, 45000).unwrap_err().to_string();
    /// assert!(err.contains("can never pass"), "{err}");
    /// ```
    pub fn threshold(&self, requested: u128, funds: u128, effective_supply: u128) -> Result<u128> {
        let k = self.threshold_factor(requested, funds)?;
        contract::threshold_from_factor(k, effective_supply).ok_or_else(|| {
            Error::overflow(
                None,
                format!(
                    "threshold for {requested} of {funds} at effective supply {effective_supply}"
                ),
            )
        })
    }

    /// Why the contract refuses `requested` out of `funds`, if it does.
    pub(crate) fn refusal(&self, requested: u128, funds: u128) -> Option<FundingThresholdError> {
        contract::threshold_factor(self.decay, self.max_ratio, self.weight, requested, funds).err()
    }

    fn threshold_factor(&self, requested: u128, funds: u128) -> Result<U256> {
        contract::threshold_factor(self.decay, self.max_ratio, self.weight, requested, funds)
            .map_err(|e| Error::invalid(threshold_message(e, requested, funds, self.max_ratio)))
    }

    /// Exact conviction, closed form: `a^t·y0 + x·(1 − a^t)/(1 − a)`.
    pub fn exact_conviction(&self, t: u64, y0: &BigRational, x: u128) -> BigRational {
        let a = self.a();
        let at = pow_rational(&a, t);
        let x = BigRational::from_integer(x.into());
        &at * y0 + x * (BigRational::one() - &at) / (BigRational::one() - a)
    }

    /// Exact threshold `ρ·S/(1 − a)/(β − r/R)²`; an error if `r ≥ β·R`.
    pub fn exact_threshold(
        &self,
        requested: u128,
        funds: u128,
        effective_supply: u128,
    ) -> Result<BigRational> {
        let big = |v: u128| BigRational::from_integer(v.into());
        let d = big(D);
        let beta = big(self.max_ratio) / &d;
        if funds == 0 || big(requested) / big(funds) >= beta {
            return Err(Error::invalid(threshold_message(
                FundingThresholdError::OverMaxRatio,
                requested,
                funds,
                self.max_ratio,
            )));
        }
        let gap = beta - big(requested) / big(funds);
        let rho = big(self.weight) / &d;
        Ok(rho * big(effective_supply) / (BigRational::one() - self.a()) / (&gap * &gap))
    }
}

/// `a^t` exactly, by squaring.
fn pow_rational(a: &BigRational, mut t: u64) -> BigRational {
    let mut result = BigRational::one();
    let mut base = a.clone();
    while t > 0 {
        if t & 1 == 1 {
            result *= &base;
        }
        base = &base * &base;
        t >>= 1;
    }
    result
}

fn overflow_conviction(t: u64, y0: u128, x: u128) -> Error {
    Error::overflow(
        None,
        format!(
            "conviction {t} blocks after {y0} at stake {x} (the contract's uint256 arithmetic \
             would revert)"
        ),
    )
}

fn threshold_message(
    e: FundingThresholdError,
    requested: u128,
    funds: u128,
    max_ratio: u128,
) -> String {
    match e {
        FundingThresholdError::OverMaxRatio => format!(
            "requested {requested} is at least max_ratio × funds = {} × {funds}: it can never \
             pass (the contract reverts with CV_AMOUNT_OVER_MAX_RATIO)",
            crate::decimal::format_scaled(max_ratio, 7)
        ),
        FundingThresholdError::Arithmetic => format!(
            "the contract's threshold arithmetic fails for requested {requested} of funds \
             {funds} (uint256 overflow or a zero denominator: the request is too close to \
             max_ratio × funds): it can never pass"
        ),
    }
}

/// One row of a stake timeline: from `block` on, `account` stakes `amount`
/// (base units) on `proposal` (0 unstakes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StakeEvent {
    /// Block from which the stake holds.
    pub block: u64,
    /// The account, as an index (the caller maps names).
    pub account: u32,
    /// The proposal, as an index into the requests.
    pub proposal: u32,
    /// The account's whole stake on the proposal from this block on.
    pub amount: u128,
}

/// A funding pool under conviction voting: parameters, the pool's funds
/// and the stake token's supply, in base units.
#[derive(Clone, Debug)]
pub struct Funding {
    /// The contract parameters.
    pub params: FundingParams,
    /// The vault's balance of the request token (`R`).
    pub funds: u128,
    /// The stake token's total supply.
    pub supply: u128,
}

/// The blocks far enough to stand for "never" (2^62).
pub const FAR: u64 = 1 << 62;

/// Where a proposal's conviction was last recorded, and the stake it then
/// held until its next change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    /// Block of the record.
    pub start: u64,
    /// Conviction recorded at `start` (with the stake held before).
    pub conviction: u128,
    /// Stake on the proposal from `start` on.
    pub stake: u128,
}

/// Global stretches of constant effective supply.
#[derive(Clone, Debug)]
struct Intervals {
    starts: Vec<u64>,
    supply: Vec<u128>,
    /// Segment tree of minima over `supply` (leaves at `size + k`).
    tree: Vec<u128>,
    size: usize,
}

impl Intervals {
    fn new(starts: Vec<u64>, supply: Vec<u128>) -> Intervals {
        let size = supply.len().next_power_of_two().max(1);
        let mut tree = vec![u128::MAX; 2 * size];
        tree[size..size + supply.len()].copy_from_slice(&supply);
        for i in (1..size).rev() {
            tree[i] = tree[2 * i].min(tree[2 * i + 1]);
        }
        Intervals {
            starts,
            supply,
            tree,
            size,
        }
    }

    /// The stretch holding `block` (the last one starting at or before it).
    fn at(&self, block: u64) -> Option<usize> {
        self.starts.partition_point(|&s| s <= block).checked_sub(1)
    }

    /// Last block of stretch `k` (`horizon` for the last stretch).
    fn end(&self, k: usize, horizon: u64) -> u64 {
        self.starts
            .get(k + 1)
            .map_or(horizon, |&next| (next - 1).min(horizon))
    }

    /// Minimum supply over stretches `l..=r`.
    fn min(&self, l: usize, r: usize) -> u128 {
        let (mut l, mut r) = (l + self.size, r + self.size + 1);
        let mut m = u128::MAX;
        while l < r {
            if l & 1 == 1 {
                m = m.min(self.tree[l]);
                l += 1;
            }
            if r & 1 == 1 {
                r -= 1;
                m = m.min(self.tree[r]);
            }
            l >>= 1;
            r >>= 1;
        }
        m
    }
}

/// The outcome of [`Funding::simulate`]: every proposal's recorded
/// conviction, the effective supply over time, and the first passing
/// blocks.
#[derive(Clone, Debug)]
pub struct Simulation {
    powers: DecayPowers,
    factors: Vec<U256>,
    segments: Vec<Vec<Segment>>,
    intervals: Intervals,
    /// Effective supply before the first stake event.
    initial_supply: u128,
    passes_at: Vec<Option<u64>>,
    horizon: u64,
    last_event_block: Option<u64>,
}

/// One proposal's search context.
struct Search<'a> {
    sim: &'a Simulation,
    seg: Segment,
    k: U256,
    grows: bool,
}

impl Search<'_> {
    fn y(&self, block: u64) -> Result<u128> {
        let t = block - self.seg.start;
        self.sim
            .powers
            .conviction(t, self.seg.conviction, self.seg.stake)
            .ok_or_else(|| overflow_conviction(t, self.seg.conviction, self.seg.stake))
    }

    fn threshold(&self, supply: u128) -> Result<u128> {
        contract::threshold_from_factor(self.k, supply)
            .ok_or_else(|| Error::overflow(None, format!("threshold at effective supply {supply}")))
    }

    /// Conviction at the most favourable block of `[lo, hi]`.
    fn best(&self, lo: u64, hi: u64) -> Result<u128> {
        self.y(if self.grows { hi } else { lo })
    }

    /// First block in `[lo, hi]` (all in one stretch of supply `supply`)
    /// whose conviction exceeds the threshold.
    fn in_stretch(&self, lo: u64, hi: u64, supply: u128) -> Result<Option<u64>> {
        let threshold = self.threshold(supply)?;
        if !self.grows {
            return Ok((self.y(lo)? > threshold).then_some(lo));
        }
        if self.y(hi)? <= threshold {
            return Ok(None);
        }
        let (mut lo, mut hi) = (lo, hi);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.y(mid)? > threshold {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        Ok(Some(lo))
    }

    /// First passing block in `[lo, hi]`, which spans stretches `i0..=i1`.
    fn first(&self, lo: u64, hi: u64) -> Result<Option<u64>> {
        let iv = &self.sim.intervals;
        let (Some(i0), Some(i1)) = (iv.at(lo), iv.at(hi)) else {
            return Ok(None);
        };
        if self.best(lo, hi)? <= self.threshold(iv.min(i0, i1))? {
            return Ok(None);
        }
        self.node(1, 0, iv.size - 1, i0, i1, lo, hi)
    }

    #[allow(clippy::too_many_arguments)]
    fn node(
        &self,
        node: usize,
        nl: usize,
        nr: usize,
        i0: usize,
        i1: usize,
        lo: u64,
        hi: u64,
    ) -> Result<Option<u64>> {
        if nr < i0 || nl > i1 {
            return Ok(None);
        }
        let iv = &self.sim.intervals;
        let bl = lo.max(iv.starts[nl.max(i0)]);
        let bh = hi.min(iv.end(nr.min(i1), self.sim.horizon));
        if nl >= i0 && nr <= i1 && self.best(bl, bh)? <= self.threshold(iv.tree[node])? {
            return Ok(None);
        }
        if nl == nr {
            return self.in_stretch(bl, bh, iv.supply[nl]);
        }
        let mid = (nl + nr) / 2;
        if let Some(found) = self.node(2 * node, nl, mid, i0, i1, lo, hi)? {
            return Ok(Some(found));
        }
        self.node(2 * node + 1, mid + 1, nr, i0, i1, lo, hi)
    }
}

impl Funding {
    /// Replays `events` (sorted by block) for proposals requesting
    /// `requests` (base units of the request token) up to block `until`
    /// (default: forever, i.e. until the stakes after the last event decide).
    ///
    /// Errors: a request the contract refuses (`r ≥ β·R`, naming the
    /// proposal by index), events out of order or naming an unknown
    /// proposal, and arithmetic the contract would revert on.
    pub fn simulate(
        &self,
        requests: &[u128],
        events: &[StakeEvent],
        until: Option<u64>,
    ) -> Result<Simulation> {
        let params = &self.params;
        let powers = DecayPowers::new(params.decay);
        let factors = requests
            .iter()
            .enumerate()
            .map(|(i, &r)| {
                params
                    .threshold_factor(r, self.funds)
                    .map_err(|e| Error::invalid(format!("proposal #{i}: {e}")))
            })
            .collect::<Result<Vec<_>>>()?;
        let horizon = until.unwrap_or(FAR).min(FAR);
        let n = requests.len();
        let mut segments: Vec<Vec<Segment>> = vec![Vec::new(); n];
        let mut stake: Vec<u128> = vec![0; n];
        let mut by_account: HashMap<(u32, u32), u128> = HashMap::new();
        let mut total: u128 = 0;
        let mut starts = Vec::new();
        let mut supply = Vec::new();
        let mut last_event_block = None;
        let mut prev_block = 0u64;
        let mut i = 0;
        while i < events.len() {
            let block = events[i].block;
            if block < prev_block {
                return Err(Error::invalid(format!(
                    "stake event #{i} is at block {block}, before block {prev_block}: \
                     events must be in block order"
                )));
            }
            prev_block = block;
            if block > horizon {
                break;
            }
            let mut changed = false;
            while i < events.len() && events[i].block == block {
                let ev = events[i];
                i += 1;
                let p = ev.proposal as usize;
                if p >= n {
                    return Err(Error::invalid(format!(
                        "stake event #{} names proposal #{p}, but there are {n}",
                        i - 1
                    )));
                }
                let old = by_account
                    .insert((ev.account, ev.proposal), ev.amount)
                    .unwrap_or(0);
                if old == ev.amount {
                    continue; // no transaction, no rebase
                }
                changed = true;
                let segs = &mut segments[p];
                if segs.last().map(|s| s.start) != Some(block) {
                    let conviction = match segs.last() {
                        None => 0,
                        Some(s) => powers
                            .conviction(block - s.start, s.conviction, s.stake)
                            .ok_or_else(|| {
                                overflow_conviction(block - s.start, s.conviction, s.stake)
                            })?,
                    };
                    segs.push(Segment {
                        start: block,
                        conviction,
                        stake: stake[p],
                    });
                }
                // A timeline read from a file cannot get here: its rows
                // are refused (with file and line) once the stakes pass the
                // supply. Events built in memory are named by position.
                let overflow = || {
                    Error::overflow(
                        None,
                        format!(
                            "the stakes at block {block} (stake event #{}: account #{}, \
                             proposal #{p})",
                            i - 1,
                            ev.account
                        ),
                    )
                };
                stake[p] = (stake[p] - old)
                    .checked_add(ev.amount)
                    .ok_or_else(overflow)?;
                total = (total - old).checked_add(ev.amount).ok_or_else(overflow)?;
                segs.last_mut().expect("pushed above").stake = stake[p];
            }
            if changed {
                starts.push(block);
                supply.push(params.effective_supply(total, self.supply));
                last_event_block = Some(block);
            }
        }
        let mut sim = Simulation {
            powers,
            factors,
            segments,
            intervals: Intervals::new(starts, supply),
            initial_supply: params.effective_supply(0, self.supply),
            passes_at: vec![None; n],
            horizon,
            last_event_block,
        };
        let passes = (0..n)
            .map(|p| sim.first_pass(p))
            .collect::<Result<Vec<_>>>()?;
        sim.passes_at = passes;
        Ok(sim)
    }
}

impl Simulation {
    fn first_pass(&self, p: usize) -> Result<Option<u64>> {
        let segs = &self.segments[p];
        for (j, &seg) in segs.iter().enumerate() {
            if seg.start > self.horizon {
                break;
            }
            let hi = segs
                .get(j + 1)
                .map_or(self.horizon, |next| (next.start - 1).min(self.horizon));
            let search = Search {
                sim: self,
                seg,
                k: self.factors[p],
                grows: self.powers.direction(seg.conviction, seg.stake) == Ordering::Greater,
            };
            if let Some(block) = search.first(seg.start, hi)? {
                return Ok(Some(block));
            }
        }
        Ok(None)
    }

    /// The first block at which proposal `p` passes, if it does by the
    /// horizon.
    pub fn passes_at(&self, p: usize) -> Option<u64> {
        self.passes_at[p]
    }

    /// The last block simulated: `until`, or [`FAR`].
    pub fn horizon(&self) -> u64 {
        self.horizon
    }

    /// The block of the last stake change taken into account.
    pub fn last_event_block(&self) -> Option<u64> {
        self.last_event_block
    }

    /// Proposal `p`'s conviction records.
    pub fn segments(&self, p: usize) -> &[Segment] {
        &self.segments[p]
    }

    fn segment_at(&self, p: usize, block: u64) -> Option<Segment> {
        let segs = &self.segments[p];
        let j = segs.partition_point(|s| s.start <= block).checked_sub(1)?;
        Some(segs[j])
    }

    /// The stake on proposal `p` at `block` (after that block's events).
    pub fn staked_at(&self, p: usize, block: u64) -> u128 {
        self.segment_at(p, block).map_or(0, |s| s.stake)
    }

    /// Proposal `p`'s conviction at `block`, as the contract would compute
    /// it there.
    pub fn conviction_at(&self, p: usize, block: u64) -> Result<u128> {
        match self.segment_at(p, block) {
            None => Ok(0),
            Some(s) => self
                .powers
                .conviction(block - s.start, s.conviction, s.stake)
                .ok_or_else(|| overflow_conviction(block - s.start, s.conviction, s.stake)),
        }
    }

    /// The effective supply at `block`.
    pub fn effective_supply_at(&self, block: u64) -> u128 {
        self.intervals
            .at(block)
            .map_or(self.initial_supply, |k| self.intervals.supply[k])
    }

    /// Proposal `p`'s threshold at `block`.
    pub fn threshold_at(&self, p: usize, block: u64) -> Result<u128> {
        let s = self.effective_supply_at(block);
        contract::threshold_from_factor(self.factors[p], s)
            .ok_or_else(|| Error::overflow(None, format!("threshold at effective supply {s}")))
    }

    /// The level proposal `p`'s conviction tends to at its final stake,
    /// `floor(x·D/(D − decay))` = `x/(1 − a)`.
    pub fn limit(&self, p: usize) -> Result<u128> {
        let x = self.final_stake(p);
        U256::mul_wide(x, D)
            .checked_div_u128(D - self.powers.decay())
            .and_then(U256::to_u128)
            .ok_or_else(|| {
                Error::overflow(
                    None,
                    format!(
                        "the conviction limit x·D/(D − a) at stake {x} (D = {D}, a = {}) \
                         overflows u128",
                        self.powers.decay()
                    ),
                )
            })
    }

    /// Proposal `p`'s stake after its last event (0 if it has none).
    pub fn final_stake(&self, p: usize) -> u128 {
        self.segments[p].last().map_or(0, |s| s.stake)
    }

    /// How many proposals were simulated.
    pub fn len(&self) -> usize {
        self.passes_at.len()
    }

    /// True when there are no proposals.
    pub fn is_empty(&self) -> bool {
        self.passes_at.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anchors() -> Funding {
        Funding {
            params: FundingParams::parse("0.9", "0.2", "0.002", "20%").unwrap(),
            funds: 15_000,
            supply: 45_000,
        }
    }

    #[test]
    fn bad_parameters_name_themselves() {
        let e = |r: Result<FundingParams, ParamError>| r.unwrap_err().to_string();
        assert!(e(FundingParams::parse("1", "0.2", "0.002", "20%"))
            .starts_with("decay: a = 1 is outside (0, 1)"));
        assert!(e(FundingParams::parse("0", "0.2", "0.002", "20%")).starts_with("decay:"));
        assert!(e(FundingParams::parse("-0.5", "0.2", "0.002", "20%"))
            .starts_with("decay: \"-0.5\" is negative"));
        assert!(e(FundingParams::parse("0.9", "0", "0.002", "20%"))
            .starts_with("max_ratio: beta must be positive"));
        assert!(e(FundingParams::parse("0.9", "0.2", "0.002", "120%"))
            .starts_with("min_threshold_stake"));
        assert!(e(FundingParams::parse("0.99999999", "0.2", "0.002", "20%")).contains("7 decimals"));
        assert!(e(FundingParams::parse("0.9", "x", "0.002", "20%"))
            .starts_with("max_ratio: \"x\" is not a number"));
    }

    #[test]
    fn half_life_rounds_to_the_nearest_contract_decay() {
        // 0.5^(1/6) = 0.890898718...
        assert_eq!(FundingParams::decay_for_half_life(6).unwrap(), 8_908_987);
        // 0.5^(1/17280) = 0.99995988...: the 1Hive default of about 3 days.
        assert_eq!(
            FundingParams::decay_for_half_life(17_280).unwrap(),
            9_999_599
        );
        assert!(FundingParams::decay_for_half_life(0).is_err());
    }

    #[test]
    fn exact_formulas_match_the_anchor_vectors() {
        let f = anchors();
        let y = f.params.exact_conviction(10, &BigRational::zero(), 15_000);
        // 150000 · (1 − 0.9^10) = 97698.2339851
        assert_eq!(y.floor().to_integer(), 97_698.into());
        let t = f.params.exact_threshold(1000, 15_000, 45_000).unwrap();
        assert_eq!(t, BigRational::from_integer(50_625.into()));
        let t = f.params.exact_threshold(1000, 15_000, 9_000).unwrap();
        assert_eq!(t, BigRational::from_integer(10_125.into()));
        assert!(f.params.exact_threshold(3000, 15_000, 9_000).is_err());
    }

    #[test]
    fn a_single_staker_passes_when_conviction_first_exceeds_the_threshold() {
        // 15000 staked from block 0: threshold 50625 (S = 45000 > 9000 would
        // need 45000 staked; here S = max(15000, 9000) = 15000 -> 16875).
        let f = anchors();
        let ev = [StakeEvent {
            block: 0,
            account: 0,
            proposal: 0,
            amount: 15_000,
        }];
        let sim = f.simulate(&[1000], &ev, None).unwrap();
        let t = f.params.threshold(1000, 15_000, 15_000).unwrap();
        assert_eq!(t, 16_875);
        let b = sim.passes_at(0).unwrap();
        assert!(sim.conviction_at(0, b).unwrap() > t);
        assert!(sim.conviction_at(0, b - 1).unwrap() <= t);
        // 150000·(1 − 0.9^t) > 16875 first at t = 2 (28500).
        assert_eq!(b, 2);
    }

    #[test]
    fn unsorted_events_and_unknown_proposals_are_errors() {
        let f = anchors();
        let ev = [
            StakeEvent {
                block: 5,
                account: 0,
                proposal: 0,
                amount: 1,
            },
            StakeEvent {
                block: 4,
                account: 0,
                proposal: 0,
                amount: 2,
            },
        ];
        assert!(f
            .simulate(&[1000], &ev, None)
            .unwrap_err()
            .to_string()
            .contains("block order"));
        let ev = [StakeEvent {
            block: 5,
            account: 0,
            proposal: 3,
            amount: 1,
        }];
        assert!(f.simulate(&[1000], &ev, None).is_err());
        assert!(f
            .simulate(&[3000], &[], None)
            .unwrap_err()
            .to_string()
            .contains("can never pass"));
    }
}
