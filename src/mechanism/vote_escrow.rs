//! Vote-escrow voting (Curve veCRV, Balancer veBAL, Frax veFXS): power
//! from tokens locked until a time `end`, decaying linearly to zero as the
//! lock runs out, evaluated at the proposal's snapshot time `t`.
//!
//! # Formulas, exactly as the contracts compute them
//!
//! With `amount` the locked base units, `MAXTIME` the longest lock and
//! `WEEK = 604,800 s`:
//!
//! - `end` is rounded down to whole weeks since the unix epoch
//!   (`end = (end / WEEK) * WEEK`), as `create_lock` and
//!   `increase_unlock_time` do at lock time (a no-op for an `end` read from
//!   the contract's `locked()`);
//! - `slope = amount / MAXTIME`, integer division (the contract stores
//!   only this slope, so the remainder never counts);
//! - `bias = slope * (end - t)` while `t < end`, and zero at and after
//!   `end`.
//!
//! Curve (`curvefi/curve-dao-contracts`, `contracts/VotingEscrow.vy`,
//! `_checkpoint` and `balanceOf`): power = `bias`, `MAXTIME = 4 * 365 *
//! 86400 = 126,144,000 s`. The contract's `balanceOf(addr, t)` computes
//! `point.bias - point.slope * (t - point.ts)` from the bias written at the
//! checkpoint `point.ts`, which is `slope * (end - point.ts)`: the same
//! integer as `slope * (end - t)`, clamped at zero.
//!
//! Balancer veBAL (`balancer/balancer-v2-monorepo`,
//! `pkg/liquidity-mining/contracts/VotingEscrow.vy`): the same contract with
//! `MAXTIME = 365 * 86400 = 31,536,000 s`.
//!
//! Frax veFXS (`FraxFinance/frax-solidity`,
//! `src/hardhat/contracts/Curve/veFXS_Old2.vy.old`, the veFXS Vyper source
//! kept in that repository; `_checkpoint` and `balanceOf`): power = `fxs_amt +
//! VOTE_WEIGHT_MULTIPLIER * bias` with `VOTE_WEIGHT_MULTIPLIER = 3`,
//! `MAXTIME` 4 years, and the same `slope = amount / MAXTIME` and bias; in
//! this order: slope first (integer division), then `slope * (end - t)`,
//! then times 3, then plus the locked amount. Frax governance
//! (`FraxFinance/frax-governance`, `src/VeFxsVotingDelegation.sol`,
//! `_calculateVotingWeight`) returns 0 when `locked(voter).end <=
//! timestamp` ("this differs from veFXS, which returns the locked FXS
//! amount if it has not yet been withdrawn"): govkit follows the
//! governance contract, so an ended lock has no power. In tokens: `amount ×
//! (1 + 3 × remaining / 4 years)`, a little less because of the floored
//! slope.
//!
//! The three systems are presets of four parameters ([`Escrow`]):
//! `max_time`, `round_to_weeks`, `multiplier` and `add_amount` (Curve:
//! 4 years, weeks, 1, no; Balancer: 1 year, weeks, 1, no; Frax: 4 years,
//! weeks, 3, yes); each can be set as an option.
//!
//! A lock whose rounded end is more than `max_time` after `t` is an error:
//! no contract accepts it (`create_lock` asserts `unlock_time <=
//! block.timestamp + MAXTIME`), so the data or the preset is wrong (a lock
//! created after the snapshot, or Curve locks evaluated as veBAL).
//!
//! # Inputs
//!
//! Locks come either from a locks file (option `locks = "FILE"`, CSV
//! `address,amount,end` with an optional `time` column; read by
//! [`crate::io::locks`]: the latest state of each address at `t`), or from
//! each vote's attributes `lock_end` (unix seconds) and `lock_amount` (in
//! the option `unit`, tokens by default). A vote without `lock_amount`
//! locked its token weight (the vote file's weight column, else its
//! holder balance): exports of ve votes usually carry the locked amount as
//! the weight. A vote without `lock_end` (or an address the locks file does
//! not list) has no lock and no power; if no vote states a `lock_end` at
//! all, the column is missing and that is an error.
//!
//! The snapshot time `t` is the option `snapshot_time` (unix seconds), else
//! the votes' `snapshot_time` attribute (every vote that states it must
//! state the same value: it is the proposal's time, not the vote's). A
//! `compare` label (`ve-curve`, `ve-balancer`, `ve-frax`) is a preset with
//! no other options, so it reads its locks and `t` from the votes; without
//! them it is an error that says so.
//!
//! Quorums still count tokens (the evaluator's turnout), passing counts
//! ve-power. All arithmetic is checked `u128`: an overflow is an error
//! naming the vote, never a wrapped or saturated value.

use std::path::PathBuf;
use std::sync::Arc;

use super::{BuildContext, Electorate, Mechanism, MechanismPlugin};
use crate::amount::{Amount, AmountUnit, Power};
use crate::error::{Error, Location, Result};
use crate::locks::{Locks, TokenLock};
use crate::vote::Vote;

/// Per-vote attribute: the locked amount (default: the vote's weight).
pub const LOCK_AMOUNT: &str = "lock_amount";
/// Per-vote attribute: when the lock ends (unix seconds).
pub const LOCK_END: &str = "lock_end";
/// Per-vote attribute: the proposal's snapshot time (unix seconds).
pub const SNAPSHOT_TIME: &str = "snapshot_time";

/// One week in seconds: lock ends are rounded down to whole weeks.
pub const WEEK: u64 = 7 * 86_400;

/// The registry entry: `kind = "vote-escrow"`.
pub(super) fn plugin() -> Arc<dyn MechanismPlugin> {
    Arc::new(Plugin)
}

struct Plugin;

/// `[mechanism]` options of `kind = "vote-escrow"`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    /// `curve` (default), `balancer` or `frax`: the other options' defaults.
    preset: Option<Preset>,
    /// Longest lock in seconds.
    max_time: Option<u64>,
    /// Round lock ends down to whole weeks.
    round_to_weeks: Option<bool>,
    /// Factor on the decaying part.
    multiplier: Option<u64>,
    /// Add the locked amount itself (Frax).
    add_amount: Option<bool>,
    /// The proposal's snapshot time, unix seconds.
    snapshot_time: Option<u64>,
    /// `address,amount,end[,time]` CSV.
    locks: Option<PathBuf>,
    /// How lock amounts are written (the locks file, `lock_amount`).
    unit: Option<AmountUnit>,
}

impl MechanismPlugin for Plugin {
    fn name(&self) -> &'static str {
        "vote-escrow"
    }
    fn summary(&self) -> &'static str {
        "vote-escrow power of time locks at the snapshot time, as Curve/Balancer/Frax compute \
         it (options: preset = curve|balancer|frax, snapshot_time, locks = FILE, max_time, \
         round_to_weeks, multiplier, add_amount, unit; per vote: lock_amount, lock_end, \
         snapshot_time)"
    }
    fn attributes(&self) -> &'static [&'static str] {
        &[LOCK_AMOUNT, LOCK_END, SNAPSHOT_TIME]
    }
    fn variants(&self) -> Vec<(&'static str, &'static str)> {
        vec![
            ("vote-escrow", ""),
            ("ve-curve", "preset = \"curve\""),
            ("ve-balancer", "preset = \"balancer\""),
            ("ve-frax", "preset = \"frax\""),
        ]
    }
    fn build(&self, options: &toml::Table, ctx: &BuildContext<'_>) -> Result<Arc<dyn Mechanism>> {
        let o: Options = ctx.options(options)?;
        let preset = o.preset.unwrap_or_default();
        let mut escrow = Escrow::preset(preset);
        if let Some(m) = o.max_time {
            if m == 0 {
                return Err(ctx.error("max_time", "must be at least 1 second"));
            }
            escrow.max_time = m;
        }
        if let Some(r) = o.round_to_weeks {
            escrow.round_to_weeks = r;
        }
        if let Some(m) = o.multiplier {
            escrow.multiplier = u128::from(m);
        }
        if let Some(a) = o.add_amount {
            escrow.add_amount = a;
        }
        let unit = o.unit.unwrap_or_default();
        let locks = match o.locks {
            None => None,
            Some(path) => Some(
                crate::io::locks::read(&ctx.path(&path), unit, ctx.decimals).map_err(
                    |e| match ctx.location("locks") {
                        Some(at) => e.named_by(|| at),
                        None => e,
                    },
                )?,
            ),
        };
        Ok(Arc::new(VoteEscrow {
            escrow,
            snapshot_time: o.snapshot_time,
            locks,
            unit,
        }))
    }
}

/// The three systems whose parameters are built in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Preset {
    /// Curve veCRV: 4 years, power = bias.
    #[default]
    Curve,
    /// Balancer veBAL: 1 year, power = bias.
    Balancer,
    /// Frax veFXS: 4 years, power = amount + 3 × bias.
    Frax,
}

impl Preset {
    /// All presets, in documentation order.
    pub const ALL: [Preset; 3] = [Preset::Curve, Preset::Balancer, Preset::Frax];

    /// The preset's name in proposal files.
    pub fn name(self) -> &'static str {
        match self {
            Preset::Curve => "curve",
            Preset::Balancer => "balancer",
            Preset::Frax => "frax",
        }
    }
}

/// The parameters of a vote-escrow contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Escrow {
    /// `MAXTIME`: the longest lock, in seconds.
    pub max_time: u64,
    /// Round lock ends down to whole weeks (as `create_lock` does).
    pub round_to_weeks: bool,
    /// Factor on `slope × remaining` (Frax: `VOTE_WEIGHT_MULTIPLIER` = 3).
    pub multiplier: u128,
    /// Add the locked amount while the lock runs (Frax's `fxs_amt`).
    pub add_amount: bool,
}

/// Why a lock has no power value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EscrowError {
    /// The rounded end is more than `max_time` after `t`.
    TooLong {
        /// Seconds from `t` to the rounded end.
        remaining: u64,
        /// The contract's longest lock.
        max_time: u64,
    },
    /// A product or sum leaves `u128`.
    Overflow,
}

impl std::fmt::Display for EscrowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EscrowError::TooLong {
                remaining,
                max_time,
            } => write!(
                f,
                "the lock ends {remaining} s after the snapshot time, more than max_time = \
                 {max_time} s: no contract accepts such a lock (a lock created after the \
                 snapshot, or the wrong preset?)"
            ),
            EscrowError::Overflow => f.write_str("the lock's power overflows u128"),
        }
    }
}

impl Escrow {
    /// Curve's `VotingEscrow.vy`: 4 years, weeks, multiplier 1, no amount.
    pub const CURVE: Escrow = Escrow {
        max_time: 4 * 365 * 86_400,
        round_to_weeks: true,
        multiplier: 1,
        add_amount: false,
    };
    /// Balancer's veBAL: `MAXTIME = 365 days`.
    pub const BALANCER: Escrow = Escrow {
        max_time: 365 * 86_400,
        ..Escrow::CURVE
    };
    /// Frax's veFXS: `fxs_amt + 3 × bias`.
    pub const FRAX: Escrow = Escrow {
        multiplier: 3,
        add_amount: true,
        ..Escrow::CURVE
    };

    /// The parameters of a preset.
    pub fn preset(preset: Preset) -> Escrow {
        match preset {
            Preset::Curve => Escrow::CURVE,
            Preset::Balancer => Escrow::BALANCER,
            Preset::Frax => Escrow::FRAX,
        }
    }

    /// The preset these parameters are, if any.
    pub fn as_preset(&self) -> Option<Preset> {
        Preset::ALL
            .into_iter()
            .find(|&p| Escrow::preset(p) == *self)
    }

    /// `amount / MAXTIME`, rounded down (power lost per second).
    pub fn slope(&self, amount: u128) -> u128 {
        amount / u128::from(self.max_time)
    }

    /// The end as the contract stores it: rounded down to whole weeks.
    pub fn rounded_end(&self, end: u64) -> u64 {
        if self.round_to_weeks {
            end / WEEK * WEEK
        } else {
            end
        }
    }

    /// The power of `amount` base units locked until `end`, at time `t`:
    /// `[amount +] multiplier × slope × (end − t)` while `t < end`, else 0.
    pub fn power(&self, amount: u128, end: u64, t: u64) -> std::result::Result<u128, EscrowError> {
        let end = self.rounded_end(end);
        if end <= t {
            return Ok(0);
        }
        let remaining = end - t;
        if remaining > self.max_time {
            return Err(EscrowError::TooLong {
                remaining,
                max_time: self.max_time,
            });
        }
        let bias = self
            .slope(amount)
            .checked_mul(u128::from(remaining))
            .and_then(|b| b.checked_mul(self.multiplier))
            .ok_or(EscrowError::Overflow)?;
        if self.add_amount {
            bias.checked_add(amount).ok_or(EscrowError::Overflow)
        } else {
            Ok(bias)
        }
    }
}

/// Vote-escrow voting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VoteEscrow {
    /// The contract's parameters.
    pub escrow: Escrow,
    /// The snapshot time; `None`: from the votes' `snapshot_time`.
    pub snapshot_time: Option<u64>,
    /// Locks from a file; `None`: from the votes' `lock_end`/`lock_amount`.
    pub locks: Option<Locks>,
    /// How `lock_amount` attributes are written.
    pub unit: AmountUnit,
}

impl VoteEscrow {
    /// A preset, with its locks and `t` from the votes.
    pub fn new(preset: Preset) -> VoteEscrow {
        VoteEscrow {
            escrow: Escrow::preset(preset),
            snapshot_time: None,
            locks: None,
            unit: AmountUnit::Token,
        }
    }

    /// The snapshot time: the option, else the votes' attribute.
    pub fn snapshot_time(&self, e: &Electorate<'_>) -> Result<u64> {
        let mut stated: Option<(u64, u64)> = None;
        for v in e.votes {
            let Some(text) = v.attributes.get(SNAPSHOT_TIME) else {
                continue;
            };
            let at = || Location::line(e.source, v.line).with_field(SNAPSHOT_TIME);
            let t = parse_seconds(text).map_err(|m| Error::input(at(), m))?;
            match (stated, self.snapshot_time) {
                (_, Some(option)) if option != t => {
                    return Err(Error::input(
                        at(),
                        format!(
                            "snapshot_time {t} differs from the mechanism's snapshot_time = \
                             {option}"
                        ),
                    ))
                }
                (Some((first, line)), _) if first != t => {
                    return Err(Error::input(
                        at(),
                        format!(
                            "snapshot_time {t} differs from {first} on line {line}: it is the \
                             proposal's snapshot time, one value for all votes"
                        ),
                    ))
                }
                (None, _) => stated = Some((t, v.line)),
                _ => {}
            }
        }
        self.snapshot_time
            .or(stated.map(|(t, _)| t))
            .ok_or_else(|| {
                Error::invalid(format!(
                    "{}: vote-escrow power depends on the snapshot time: set `snapshot_time` \
                     (unix seconds) under [mechanism] with kind = \"vote-escrow\", or give the \
                     votes a `snapshot_time` column (a compare label such as ve-curve has no \
                     options and reads it from the votes)",
                    e.source.display()
                ))
            })
    }

    /// Each vote's lock at `t` with where it was stated, or `None` for no
    /// lock.
    fn locks_of(&self, e: &Electorate<'_>, t: u64) -> Result<Vec<Option<(TokenLock, Location)>>> {
        match &self.locks {
            Some(locks) => e
                .votes
                .iter()
                .map(|v| {
                    if let Some(name) = [LOCK_END, LOCK_AMOUNT]
                        .into_iter()
                        .find(|a| v.attributes.get(a).is_some())
                    {
                        return Err(Error::input(
                            Location::line(e.source, v.line).with_field(name),
                            format!(
                                "the vote states a {name} but the locks come from {}: \
                                 give them in one place",
                                locks.source().display()
                            ),
                        ));
                    }
                    Ok(v.voter
                        .as_ref()
                        .and_then(|voter| locks.at(voter, t))
                        .map(|s| {
                            (
                                s.lock,
                                Location::line(locks.source(), s.line).with_field("end"),
                            )
                        }))
                })
                .collect(),
            None => {
                if !e.votes.is_empty()
                    && !e.votes.iter().any(|v| v.attributes.get(LOCK_END).is_some())
                {
                    return Err(Error::invalid(format!(
                        "{}: no vote states a {LOCK_END} (unix seconds): add a {LOCK_END} \
                         column (or name it in [votes.columns]) or a `locks` file under \
                         [mechanism]",
                        e.source.display()
                    )));
                }
                e.votes
                    .iter()
                    .zip(e.weights)
                    .map(|(v, &w)| self.lock_of_vote(v, w, e))
                    .collect()
            }
        }
    }

    fn lock_of_vote(
        &self,
        v: &Vote,
        weight: Amount,
        e: &Electorate<'_>,
    ) -> Result<Option<(TokenLock, Location)>> {
        let at = |field: &str| Location::line(e.source, v.line).with_field(field);
        let Some(end) = v.attributes.get(LOCK_END) else {
            if v.attributes.get(LOCK_AMOUNT).is_some() {
                return Err(Error::input(
                    at(LOCK_AMOUNT),
                    format!("a {LOCK_AMOUNT} without a {LOCK_END}"),
                ));
            }
            return Ok(None);
        };
        let end = parse_seconds(end).map_err(|m| Error::input(at(LOCK_END), m))?;
        let amount = match v.attributes.get(LOCK_AMOUNT) {
            None => weight,
            Some(text) => crate::io::parse_amount(text, self.unit, e.decimals, || at(LOCK_AMOUNT))?,
        };
        Ok(Some((TokenLock { amount, end }, at(LOCK_END))))
    }
}

/// Unix seconds: digits only.
fn parse_seconds(text: &str) -> std::result::Result<u64, String> {
    let text = text.trim();
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "{text:?} is not a time in unix seconds (digits only)"
        ));
    }
    text.parse()
        .map_err(|_| format!("{text} is too large for unix seconds"))
}

impl Mechanism for VoteEscrow {
    fn name(&self) -> String {
        match self.escrow.as_preset() {
            Some(p) => format!("vote-escrow ({})", p.name()),
            None => {
                let Escrow {
                    max_time,
                    round_to_weeks,
                    multiplier,
                    add_amount,
                } = self.escrow;
                format!(
                    "vote-escrow (max_time {max_time} s, multiplier {multiplier}{}{})",
                    if add_amount { ", plus the amount" } else { "" },
                    if round_to_weeks {
                        ""
                    } else {
                        ", ends not rounded to weeks"
                    }
                )
            }
        }
    }

    fn assign_power(&self, e: &Electorate<'_>) -> Result<Vec<Power>> {
        let t = self.snapshot_time(e)?;
        self.locks_of(e, t)?
            .into_iter()
            .map(|lock| match lock {
                None => Ok(Power::ZERO),
                Some((lock, at)) => self
                    .escrow
                    .power(lock.amount.base_units(), lock.end, t)
                    .map(Power::from_units)
                    .map_err(|err| match err {
                        EscrowError::Overflow => Error::overflow(Some(at), "the lock's power"),
                        too_long => Error::input(at, too_long.to_string()),
                    }),
            })
            .collect()
    }

    fn notes(&self) -> Vec<String> {
        vec!["quorums count locked tokens (turnout), passing counts vote-escrow power".into()]
    }

    fn details(&self, e: &Electorate<'_>, powers: &[Power]) -> Vec<String> {
        // Power already failed if t or a lock is unreadable.
        let Ok(t) = self.snapshot_time(e) else {
            return Vec::new();
        };
        let Ok(locks) = self.locks_of(e, t) else {
            return Vec::new();
        };
        let (mut live, mut ended, mut none) = (0u64, 0u64, 0u64);
        let (mut total, mut within_week) = (Some(0u128), Some(0u128));
        // The same locks one week later: how fast this electorate's power
        // decays if nobody re-locks.
        let mut next_week = Some(0u128);
        for (lock, p) in locks.iter().zip(powers) {
            match lock {
                None => none += 1,
                Some((lock, _)) => {
                    let end = self.escrow.rounded_end(lock.end);
                    if end <= t {
                        ended += 1;
                    } else {
                        live += 1;
                        total = total.and_then(|s| s.checked_add(p.units()));
                        if end - t <= WEEK {
                            within_week = within_week.and_then(|s| s.checked_add(p.units()));
                        }
                        let later = t.checked_add(WEEK).and_then(|w| {
                            self.escrow
                                .power(lock.amount.base_units(), lock.end, w)
                                .ok()
                        });
                        next_week = next_week.zip(later).and_then(|(s, x)| s.checked_add(x));
                    }
                }
            }
        }
        let show = |x: Option<u128>| {
            x.map_or("(overflows u128)".into(), |u| {
                Power::from_units(u).to_decimal_string(e.decimals)
            })
        };
        vec![
            format!(
                "vote-escrow at t = {t}: {live} live lock(s), {ended} ended, {none} vote(s) \
                 without a lock"
            ),
            format!(
                "power in locks ending within a week of t: {} of {}",
                show(within_week),
                show(total)
            ),
            format!(
                "the same locks one week after t, if nobody re-locks: {}",
                show(next_week)
            ),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::locks::LockState;
    use crate::vote::{Attributes, Selection, Voter};
    use std::path::Path;

    const H: u64 = 3_600;
    const E21: u128 = 1_000 * 10u128.pow(18); // 1000 tokens, 18 decimals

    #[test]
    fn curve_slope_of_a_1000_token_lock() {
        // curvefi/curve-dao-contracts, tests/integration/VotingEscrow/
        // test_voting_escrow.py: `amount // MAXTIME` with amount = 1000 * 10**18
        // and MAXTIME = 126144000.
        assert_eq!(Escrow::CURVE.max_time, 126_144_000);
        assert_eq!(Escrow::CURVE.slope(E21), 7_927_447_995_941);
    }

    #[test]
    fn curve_bias_at_lock_one_hour_later_and_at_end() {
        // test_voting_powers: at the start of a UTC week + H alice locks
        // until `now + WEEK`, rounded down to the next week boundary.
        let week_start = 2_810 * WEEK; // 1699488000, a Thursday 00:00 UTC
        let lock_time = week_start + H;
        let end = lock_time + WEEK; // rounded down to week_start + WEEK
        let c = Escrow::CURVE;
        assert_eq!(c.rounded_end(end), week_start + WEEK);
        let slope = 7_927_447_995_941u128;
        // At lock: slope * (WEEK - H) (the test's balanceOfAt at the deposit block).
        assert_eq!(
            c.power(E21, end, lock_time),
            Ok(slope * u128::from(WEEK - H))
        );
        assert_eq!(c.power(E21, end, lock_time), Ok(4_765_981_735_159_729_200));
        // One hour later: slope * (WEEK - 2H), as the test's first check.
        assert_eq!(
            c.power(E21, end, lock_time + H),
            Ok(4_737_442_922_374_341_600)
        );
        // At the end, and after it: 0.
        assert_eq!(c.power(E21, end, week_start + WEEK), Ok(0));
        assert_eq!(c.power(E21, end, week_start + WEEK + 1), Ok(0));
    }

    #[test]
    fn curve_total_of_two_locks_at_the_start() {
        // test_voting_powers, second period: at a week boundary alice locks
        // for 2 weeks, bob for 1; totalSupply = amount // MAXTIME * 3 * WEEK.
        let t = 2_811 * WEEK;
        let c = Escrow::CURVE;
        let total = c.power(E21, t + 2 * WEEK, t).unwrap() + c.power(E21, t + WEEK, t).unwrap();
        assert_eq!(total, c.slope(E21) * 3 * u128::from(WEEK));
        assert_eq!(total, 14_383_561_643_835_350_400);
    }

    #[test]
    fn frax_vectors() {
        // FraxFinance/frax-solidity, src/hardhat/contracts/Curve/veFXS_Old2.vy.old,
        // balanceOf: fxs_amt + 3 * bias; FraxFinance/frax-governance,
        // src/VeFxsVotingDelegation.sol: 0 once end <= timestamp.
        // 1000 FXS with 4 years left -> 4000 FXS (less 3 * (10^21 mod
        // MAXTIME) = 55,488,000 base units lost to the floored slope).
        let f = Escrow::FRAX;
        let t = 2_810 * WEEK;
        let four_years = t + f.max_time;
        // four_years is not a week boundary: it rounds down, below 4 years.
        assert_eq!(f.rounded_end(four_years), t + 208 * WEEK);
        // Unrounded, exactly 4 years left:
        let exact = Escrow {
            round_to_weeks: false,
            ..f
        };
        assert_eq!(
            exact.power(E21, four_years, t),
            Ok(4_000 * 10u128.pow(18) - 55_488_000)
        );
        // 1 year left -> 1000 * (1 + 3/4) = 1750 FXS, less 3 * slope's
        // remainder share: 1,749,999,999,999,986,128,000.
        assert_eq!(
            exact.power(E21, t + 365 * 86_400, t),
            Ok(1_750 * 10u128.pow(18) - 13_872_000)
        );
        // Ended locks have no power (VeFxsVotingDelegation: end <= timestamp -> 0).
        assert_eq!(f.power(E21, t, t), Ok(0));
    }

    #[test]
    fn balancer_is_curve_with_one_year() {
        // balancer/balancer-v2-monorepo, pkg/liquidity-mining/contracts/VotingEscrow.vy:
        // MAXTIME = 365 * 86400, otherwise Curve's _checkpoint; create_lock asserts
        // unlock_time <= block.timestamp + MAXTIME ("1 year max").
        let b = Escrow::BALANCER;
        assert_eq!(b.max_time, 31_536_000);
        let t = 2_810 * WEEK;
        // 52 weeks left: slope(10^21 / 31536000) * 52 weeks.
        assert_eq!(b.slope(E21), 31_709_791_983_764);
        assert_eq!(
            b.power(E21, t + 52 * WEEK, t),
            Ok(31_709_791_983_764 * u128::from(52 * WEEK))
        );
        // Longer than a year is refused.
        assert_eq!(
            b.power(E21, t + 53 * WEEK, t),
            Err(EscrowError::TooLong {
                remaining: 53 * WEEK,
                max_time: 31_536_000
            })
        );
    }

    #[test]
    fn overflow_is_an_error() {
        let f = Escrow::FRAX;
        let t = 2_810 * WEEK;
        assert_eq!(f.power(u128::MAX, t + WEEK, t), Err(EscrowError::Overflow));
        let c = Escrow {
            multiplier: u128::MAX,
            ..Escrow::CURVE
        };
        assert_eq!(c.power(E21, t + WEEK, t), Err(EscrowError::Overflow));
    }

    fn vote(line: u64, attrs: &[(&'static str, &str)]) -> Vote {
        let mut attributes = Attributes::new();
        for (k, v) in attrs {
            attributes.set(k, v);
        }
        Vote {
            voter: Some(Voter::new(&format!("0x{line:x}"))),
            selection: Selection::Single(1),
            weight: None,
            cast_at: None,
            line,
            attributes,
        }
    }

    fn run(m: &VoteEscrow, votes: &[Vote], weights: &[u128]) -> Result<Vec<u128>> {
        let weights: Vec<Amount> = weights
            .iter()
            .map(|&w| Amount::from_base_units(w))
            .collect();
        m.assign_power(&Electorate {
            source: Path::new("votes.csv"),
            votes,
            weights: &weights,
            holders: None,
            decimals: 18,
        })
        .map(|p| p.iter().map(|p| p.units()).collect())
    }

    #[test]
    fn per_vote_locks_and_the_snapshot_time() {
        let t = 2_811 * WEEK;
        let two = (t + 2 * WEEK).to_string();
        let one = (t + WEEK).to_string();
        let ts = t.to_string();
        let votes = [
            // Locked amount = the weight (1000 tokens).
            vote(2, &[(LOCK_END, &two), (SNAPSHOT_TIME, &ts)]),
            // Its own lock_amount, in tokens.
            vote(3, &[(LOCK_END, &one), (LOCK_AMOUNT, "1000")]),
            // No lock: no power.
            vote(4, &[]),
        ];
        let m = VoteEscrow::new(Preset::Curve);
        let slope = 7_927_447_995_941u128;
        let w = u128::from(WEEK);
        assert_eq!(
            run(&m, &votes, &[E21, 5, E21]).unwrap(),
            [slope * 2 * w, slope * w, 0]
        );
        // The option agrees with the votes; a disagreeing one is refused.
        let with_t = VoteEscrow {
            snapshot_time: Some(t),
            ..m.clone()
        };
        assert!(run(&with_t, &votes, &[E21, 5, E21]).is_ok());
        let other = VoteEscrow {
            snapshot_time: Some(t + 1),
            ..m.clone()
        };
        let err = run(&other, &votes, &[E21, 5, E21]).unwrap_err().to_string();
        assert!(err.contains("votes.csv line 2"), "{err}");
        assert!(err.contains("snapshot_time"), "{err}");
    }

    #[test]
    fn missing_time_or_lock_column_and_bad_values_are_named() {
        let m = VoteEscrow::new(Preset::Frax);
        let votes = [vote(2, &[(LOCK_END, "1700000000")])];
        let err = run(&m, &votes, &[E21]).unwrap_err().to_string();
        assert!(err.contains("snapshot time"), "{err}");
        assert!(err.contains("ve-curve"), "{err}");

        let m = VoteEscrow {
            snapshot_time: Some(1_700_000_000),
            ..m
        };
        let err = run(&m, &[vote(2, &[])], &[E21]).unwrap_err().to_string();
        assert!(err.contains("no vote states a lock_end"), "{err}");

        let err = run(&m, &[vote(7, &[(LOCK_END, "soon")])], &[E21])
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 7"), "{err}");
        assert!(err.contains("lock_end"), "{err}");

        let err = run(
            &m,
            &[vote(5, &[(LOCK_END, "1900000000"), (LOCK_AMOUNT, "1")])],
            &[E21],
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("line 5") && err.contains("max_time"), "{err}");

        let err = run(
            &m,
            &[vote(6, &[(LOCK_END, "1700600000"), (LOCK_AMOUNT, "x")])],
            &[E21],
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("line 6") && err.contains("lock_amount"),
            "{err}"
        );
    }

    #[test]
    fn locks_take_the_latest_state_at_t() {
        let v = Voter::new("0xA");
        let state = |time, amount, end, line| LockState {
            voter: v.clone(),
            time: Some(time),
            lock: TokenLock {
                amount: Amount::from_base_units(amount),
                end,
            },
            line,
        };
        let locks = Locks::from_states(
            "locks.csv",
            vec![
                state(300, 9, 900, 4),
                state(100, 1, 500, 2),
                state(200, 2, 600, 3),
            ],
        );
        assert_eq!(locks.at(&v, 50), None);
        assert_eq!(locks.at(&v, 250).map(|s| s.line), Some(3));
        assert_eq!(locks.at(&v, 300).map(|s| s.line), Some(4));
        assert_eq!(locks.at(&Voter::new("0xb"), 300), None);
    }
}
