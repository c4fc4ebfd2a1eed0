//! Synthetic DAOs: a holder snapshot, delegations and a proposal with
//! votes, from a seeded generator, so designers can study mechanisms on
//! DAOs that do not exist yet (and benches can use realistic data at any
//! size).
//!
//! Balances are drawn in `f64` (Pareto, log-normal) or resampled from a
//! real snapshot, then rounded down to integer base units; from there on
//! everything is exact. The same seed and options give the same files.

use std::fmt::Write as _;
use std::path::Path;
use std::str::FromStr;

use crate::amount::Amount;
use crate::error::{Error, Result};
use crate::io::{Holders, HoldersSource};
use crate::rng::Xoshiro256;

/// The most holders `synth` generates (`--holders`): the files are built
/// in memory, about 150 bytes a holder.
pub const MAX_HOLDERS: usize = 5_000_000;

/// The most token decimals (`--decimals`): a `u128` holds 38 decimals.
pub const MAX_DECIMALS: u8 = 38;

/// How many rejected draws of a delegate before drawing exactly among the
/// other holders (the draw is then no longer a loop).
const DELEGATE_TRIES: u32 = 64;

/// How balances are distributed.
#[derive(Clone, Debug, PartialEq)]
pub enum BalanceModel {
    /// Pareto with shape alpha and a minimum of 1 token.
    Pareto(f64),
    /// Log-normal in tokens: exp(mu + sigma * Z).
    LogNormal(f64, f64),
    /// Balances resampled (with replacement) from a real holder snapshot.
    Airdrop(std::path::PathBuf),
}

impl FromStr for BalanceModel {
    type Err = Error;
    fn from_str(text: &str) -> Result<BalanceModel> {
        let bad = || {
            Error::invalid(format!(
                "{text:?} is not a distribution (pareto:ALPHA, lognormal:MU,SIGMA, airdrop:FILE)"
            ))
        };
        let (name, arg) = text.split_once(':').ok_or_else(bad)?;
        match name {
            "pareto" => {
                let alpha: f64 = arg.parse().map_err(|_| bad())?;
                if !(alpha > 0.0 && alpha.is_finite()) {
                    return Err(bad());
                }
                Ok(BalanceModel::Pareto(alpha))
            }
            "lognormal" => {
                let (mu, sigma) = arg.split_once(',').ok_or_else(bad)?;
                let (mu, sigma): (f64, f64) = (
                    mu.parse().map_err(|_| bad())?,
                    sigma.parse().map_err(|_| bad())?,
                );
                if !(sigma >= 0.0 && mu.is_finite() && sigma.is_finite()) {
                    return Err(bad());
                }
                Ok(BalanceModel::LogNormal(mu, sigma))
            }
            "airdrop" => Ok(BalanceModel::Airdrop(arg.into())),
            _ => Err(bad()),
        }
    }
}

/// What to generate.
#[derive(Clone, Debug)]
pub struct Options {
    /// Number of holders.
    pub holders: usize,
    /// Balance distribution.
    pub distribution: BalanceModel,
    /// Probability that a holder delegates (to a holder drawn in proportion
    /// to balance).
    pub delegation_rate: f64,
    /// Probability that a holder who does not delegate votes.
    pub turnout: f64,
    /// Relative weights of For, Against, Abstain among voters.
    pub choice_weights: [f64; 3],
    /// Token decimals.
    pub decimals: u8,
    /// Seed.
    pub seed: u64,
    /// Vote-escrow locks for the voters, if any.
    pub locks: Option<LockLaw>,
}

/// How long the synthetic voters' tokens stay locked (vote-escrow).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockLaw {
    /// Each voter's remaining lock is a whole number of weeks drawn
    /// uniformly from 1 to this many (Curve allows up to 208).
    UniformWeeks(u64),
}

impl std::str::FromStr for LockLaw {
    type Err = Error;
    fn from_str(s: &str) -> Result<LockLaw> {
        let bad = || {
            Error::invalid(format!(
                "--locks {s:?}: expected uniform:WEEKS (1 to 208 whole weeks, Curve's maximum)"
            ))
        };
        let weeks = s.strip_prefix("uniform:").ok_or_else(bad)?;
        let weeks: u64 = weeks.trim().parse().map_err(|_| bad())?;
        if !(1..=208).contains(&weeks) {
            return Err(bad());
        }
        Ok(LockLaw::UniformWeeks(weeks))
    }
}

/// The snapshot time of synthetic locks: a week boundary (unix seconds), so
/// that lock ends a whole number of weeks later need no rounding.
pub const LOCK_SNAPSHOT_TIME: u64 = 2_810 * 604_800;

/// A generated DAO.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SynthDao {
    /// Balances in base units; holder `i` is address [`address`]`(i)`.
    pub balances: Vec<u128>,
    /// (delegator, delegate) holder indices.
    pub delegations: Vec<(usize, usize)>,
    /// (voter, choice 1..=3) of the basic ballot.
    pub votes: Vec<(usize, u32)>,
    /// Per vote, its lock's remaining whole weeks at the snapshot time
    /// (empty without locks).
    pub lock_weeks: Vec<u64>,
    /// Token decimals.
    pub decimals: u8,
}

/// The address of holder `i`.
pub fn address(i: usize) -> String {
    format!("0x{:040x}", i + 1)
}

fn normal(rng: &mut Xoshiro256) -> f64 {
    // Box-Muller; 1 - u keeps the logarithm finite.
    let (u, v) = (1.0 - rng.unit_f64(), rng.unit_f64());
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

/// Generates a DAO.
pub fn generate(o: &Options) -> Result<SynthDao> {
    if o.holders > MAX_HOLDERS {
        return Err(Error::invalid(format!(
            "--holders {} is more than the limit of {MAX_HOLDERS} holders",
            o.holders
        )));
    }
    if o.decimals > MAX_DECIMALS {
        return Err(Error::invalid(format!(
            "--decimals {} does not fit in u128 base units (at most {MAX_DECIMALS})",
            o.decimals
        )));
    }
    if !(0.0..=1.0).contains(&o.delegation_rate) || !(0.0..=1.0).contains(&o.turnout) {
        return Err(Error::invalid(
            "delegation rate and turnout are probabilities in [0, 1]",
        ));
    }
    if o.choice_weights.iter().any(|w| w.is_nan() || *w < 0.0)
        || o.choice_weights.iter().sum::<f64>() <= 0.0
    {
        return Err(Error::invalid(
            "choice weights must be non-negative and not all zero",
        ));
    }
    let mut rng = Xoshiro256::new(o.seed, 0x5e17);
    let scale = 10f64.powi(i32::from(o.decimals));
    // At most 10^12 tokens per holder; a balance or a total beyond u128 is
    // an error, never a saturated value.
    let too_large = || {
        Error::invalid(format!(
            "a balance of up to 10^12 tokens does not fit in u128 base units with \
             --decimals {}; use fewer decimals",
            o.decimals
        ))
    };
    let to_units = |tokens: f64| {
        let units = tokens.clamp(0.0, 1e12) * scale;
        // 2^128 as f64 is exact; anything at or above it does not fit.
        if units >= 340_282_366_920_938_463_463_374_607_431_768_211_456.0 {
            Err(too_large())
        } else {
            Ok(units as u128)
        }
    };
    let balances: Vec<u128> = match &o.distribution {
        BalanceModel::Pareto(alpha) => (0..o.holders)
            .map(|_| to_units((1.0 - rng.unit_f64()).powf(-1.0 / alpha)))
            .collect::<Result<_>>()?,
        BalanceModel::LogNormal(mu, sigma) => (0..o.holders)
            .map(|_| to_units((mu + sigma * normal(&mut rng)).exp()))
            .collect::<Result<_>>()?,
        BalanceModel::Airdrop(path) => {
            let real = Holders::read(&HoldersSource::new(path), o.decimals)?;
            let mut pool: Vec<Amount> = real.iter().map(|(_, a)| a).collect();
            pool.sort();
            if pool.is_empty() {
                return Err(Error::invalid(format!(
                    "{} lists no holders",
                    path.display()
                )));
            }
            (0..o.holders)
                .map(|_| pool[rng.below(pool.len() as u64) as usize].base_units())
                .collect()
        }
    };
    // Delegates drawn in proportion to balance (cumulative sums, bisection).
    let mut cumulative = Vec::with_capacity(balances.len());
    let mut total = 0u128;
    for &b in &balances {
        total = total.checked_add(b).ok_or_else(|| {
            Error::overflow(
                None,
                format!(
                    "the total supply of {} holders with --decimals {}",
                    o.holders, o.decimals
                ),
            )
        })?;
        cumulative.push(total);
    }
    let mut delegations = Vec::new();
    let mut votes = Vec::new();
    let [wf, wa, wb] = o.choice_weights;
    for i in 0..balances.len() {
        // Only a holder with someone else to delegate to (another holder
        // with a positive balance) may delegate.
        if balances.len() > 1 && total > balances[i] && rng.unit_f64() < o.delegation_rate {
            let draw = |rng: &mut Xoshiro256, below: u128| {
                ((rng.next_u64() as u128) << 64 | rng.next_u64() as u128) % below
            };
            let mut target = None;
            for _ in 0..DELEGATE_TRIES {
                let j = cumulative.partition_point(|&c| c <= draw(&mut rng, total));
                if j != i {
                    target = Some(j);
                    break;
                }
            }
            // A holder with nearly all the supply: draw among the others
            // exactly (skip its own interval) instead of looping.
            let target = target.unwrap_or_else(|| {
                let start = cumulative[i] - balances[i];
                let mut r = draw(&mut rng, total - balances[i]);
                if r >= start {
                    r += balances[i];
                }
                cumulative.partition_point(|&c| c <= r)
            });
            delegations.push((i, target));
        } else if rng.unit_f64() < o.turnout {
            let x = rng.unit_f64() * (wf + wa + wb);
            let choice = if x < wf {
                1
            } else if x < wf + wa {
                2
            } else {
                3
            };
            votes.push((i, choice));
        }
    }
    // Locks are drawn after everything else, so that the same seed gives
    // the same holders, delegations and votes with or without them.
    let lock_weeks = match o.locks {
        None => Vec::new(),
        Some(LockLaw::UniformWeeks(max)) => {
            votes.iter().map(|_| 1 + rng.next_u64() % max).collect()
        }
    };
    Ok(SynthDao {
        balances,
        delegations,
        votes,
        lock_weeks,
        decimals: o.decimals,
    })
}

impl SynthDao {
    /// Writes `holders.csv`, `delegations.csv`, `votes.csv` and
    /// `proposal.toml` into `dir` (created if needed).
    pub fn write(&self, dir: &Path) -> Result<()> {
        self.write_to(dir, true)
    }

    /// Like [`SynthDao::write`]; without `overwrite`, a folder that already
    /// holds files is refused instead of overwritten.
    pub fn write_to(&self, dir: &Path, overwrite: bool) -> Result<()> {
        if !overwrite && crate::io::holds_files(dir)? {
            return Err(Error::invalid(format!(
                "{} already holds files: choose another --out or pass --force to overwrite",
                dir.display()
            )));
        }
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let write = |name: &str, text: String| {
            let path = dir.join(name);
            std::fs::write(&path, text).map_err(|e| Error::io(&path, e))
        };
        let mut holders = String::from("address,balance\n");
        for (i, &b) in self.balances.iter().enumerate() {
            let _ = writeln!(
                holders,
                "{},{}",
                address(i),
                Amount::from_base_units(b).to_tokens_string(self.decimals)
            );
        }
        write("holders.csv", holders)?;
        let mut delegations = String::from("delegator,delegate\n");
        for &(a, b) in &self.delegations {
            let _ = writeln!(delegations, "{},{}", address(a), address(b));
        }
        write("delegations.csv", delegations)?;
        let locked = !self.lock_weeks.is_empty();
        let mut votes = String::from(if locked {
            "voter,choice,lock_end,snapshot_time\n"
        } else {
            "voter,choice\n"
        });
        for (k, &(v, c)) in self.votes.iter().enumerate() {
            let _ = write!(
                votes,
                "{},{}",
                address(v),
                ["For", "Against", "Abstain"][c as usize - 1]
            );
            if locked {
                let end = LOCK_SNAPSHOT_TIME + self.lock_weeks[k] * 604_800;
                let _ = write!(votes, ",{end},{LOCK_SNAPSHOT_TIME}");
            }
            votes.push('\n');
        }
        write("votes.csv", votes)?;
        write(
            "proposal.toml",
            format!(
                "# A synthetic DAO written by `govkit synth`: {} holders, {} delegations, {} votes.\n\
                 # Votes carry no weight: each voter's power is its balance in holders.csv.\n\
                 id = \"synthetic\"\nballot = \"basic\"\ndecimals = {}\n\n\
                 [votes]\npath = \"votes.csv\"\nformat = \"csv\"\n\n\
                 [holders]\npath = \"holders.csv\"\n\n\
                 [rules]\n# OpenZeppelin Governor: 4% of the supply, For + Abstain count.\n\
                 quorum = \"4%\"\nquorum_counts = [\"For\", \"Abstain\"]\nquorum_rounding = \"floor\"\n\
                 pass = \"majority\"\n{}{}",
                self.balances.len(),
                self.delegations.len(),
                self.votes.len(),
                self.decimals,
                if self.delegations.is_empty() {
                    ""
                } else {
                    "\n[delegation]\n# The generated delegations, resolved one hop.\n\
                     path = \"delegations.csv\"\npolicy = \"one-hop\"\n"
                },
                if locked {
                    "\n[mechanism]\n# Curve vote-escrow: each vote's lock_end and the snapshot_time \
                     in votes.csv;\n# the locked amount is the voter's balance.\n\
                     kind = \"vote-escrow\"\npreset = \"curve\"\n"
                } else {
                    ""
                }
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(seed: u64) -> Options {
        Options {
            locks: None,
            holders: 2000,
            distribution: BalanceModel::Pareto(1.16),
            delegation_rate: 0.3,
            turnout: 0.2,
            choice_weights: [60.0, 30.0, 10.0],
            decimals: 18,
            seed,
        }
    }

    #[test]
    fn same_seed_same_dao_and_rates_as_asked() {
        let a = generate(&options(1)).unwrap();
        assert_eq!(a, generate(&options(1)).unwrap());
        assert_ne!(a, generate(&options(2)).unwrap());
        // 2000 holders, 30% delegate: expect 600 ± 5 sigma (sigma ≈ 20.5).
        assert!(
            (500..=700).contains(&a.delegations.len()),
            "{}",
            a.delegations.len()
        );
        // Of the ~1400 others, 20% vote: 280 ± 5 sigma (≈ 15).
        assert!((205..=355).contains(&a.votes.len()), "{}", a.votes.len());
        // Pareto with minimum 1 token: nobody below 1 token.
        assert!(a.balances.iter().all(|&b| b >= 10u128.pow(18)));
        assert!(a.delegations.iter().all(|(x, y)| x != y));
    }

    #[test]
    fn distributions_parse() {
        assert_eq!(
            "pareto:1.5".parse::<BalanceModel>().unwrap(),
            BalanceModel::Pareto(1.5)
        );
        assert_eq!(
            "lognormal:2,1.5".parse::<BalanceModel>().unwrap(),
            BalanceModel::LogNormal(2.0, 1.5)
        );
        for bad in ["pareto:-1", "pareto:x", "lognormal:1", "zipf:2"] {
            assert!(bad.parse::<BalanceModel>().is_err(), "{bad}");
        }
    }
}
