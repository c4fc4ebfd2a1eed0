//! The 1Hive `ConvictionVoting` contract's integer arithmetic, bit for bit.
//!
//! Source: 1Hive/conviction-voting-app `contracts/ConvictionVoting.sol`
//! (`calculateConviction`, `calculateThreshold`, `_totalStaked`, `_pow`,
//! `_mul`). Parameters are integers scaled by `D = 10^7` (`decay = a·D`,
//! `maxRatio = β·D`, `weight = ρ·D`) and `minThresholdStakePercentage` by
//! `10^18`. The contract's rounding, reproduced here:
//!
//! - `a128 = floor(decay · 2^128 / D)`; `_mul(x, y) = floor((x·y + 2^127) /
//!   2^128)` (round half up); `_pow(a128, t)` multiplies by repeated
//!   squaring, rounding at every step, so `a^t` is not the exact power;
//! - conviction `y = floor((at·y0 + floor(x·D·(2^128 − at) / (D − decay)) +
//!   2^127) / 2^128)`: rounded to the nearest integer (half up), once per
//!   update, in the token's base units;
//! - threshold `floor(floor(floor(floor(ρD·2^128/D) / floor(denom²/2^64)) ·
//!   D / (D − decay)) · S / 2^64)` with `denom = floor(βD·2^64/D) −
//!   floor(r·2^64/R)`: several floors, so it can sit a few units below the
//!   exact `ρ·S/(1−a)/(β−r/R)²`;
//! - `S = max(totalStaked, floor(supply · minThresholdStakePercentage /
//!   10^18))`;
//! - `executeProposal` requires `conviction > threshold` (strictly).
//!
//! Wherever SafeMath would revert (an overflow of `uint256`, a division by
//! zero) the functions here return `None` or an error.

use super::u256::U256;

/// The contract's fixed-point scale for decay, max ratio and weight.
pub const D: u128 = 10_000_000;
/// The contract's scale for `minThresholdStakePercentage` (100% = 10^18).
pub const ONE_HUNDRED_PERCENT: u128 = 1_000_000_000_000_000_000;

const TWO_127: u128 = 1 << 127;

/// `_mul(a, b) = (a·b + 2^127) >> 128` for `a, b < 2^128`.
fn mul_round(a: u128, b: u128) -> u128 {
    let wide = U256::mul_wide(a, b);
    // a·b < 2^256 − 2^129 + 1, so adding 2^127 cannot overflow 256 bits.
    wide.checked_add(U256::from_u128(TWO_127))
        .expect("a·b + 2^127 < 2^256")
        .shr(128)
        .to_u128()
        .expect("(a·b + 2^127) >> 128 < 2^128")
}

/// Conviction arithmetic for one decay: the contract's `_pow` and
/// `calculateConviction`.
///
/// `_pow` squares `a128` repeatedly and multiplies the squares of the set
/// bits of `t`, lowest first; the squares depend only on `a`, so they are
/// computed once here and `pow(t)` costs one rounding multiplication per
/// set bit of `t`, with results identical to the contract's loop.
#[derive(Clone, Debug)]
pub struct DecayPowers {
    decay: u128,
    /// `squares[k] = a^(2^k) · 2^128` as `_pow` computes it.
    squares: [u128; 64],
}

impl DecayPowers {
    /// Powers of `decay / D`; `decay` must be in `1..D` (checked by
    /// [`super::FundingParams::new`]).
    pub fn new(decay: u128) -> DecayPowers {
        assert!(decay > 0 && decay < D, "decay must be in (0, D)");
        let a128 = U256::from_u128(decay)
            .checked_shl(128)
            .and_then(|v| v.checked_div_u128(D))
            .and_then(U256::to_u128)
            .expect("decay < D, so decay·2^128/D < 2^128");
        let mut squares = [0u128; 64];
        squares[0] = a128;
        for k in 1..64 {
            squares[k] = mul_round(squares[k - 1], squares[k - 1]);
        }
        DecayPowers { decay, squares }
    }

    /// The contract's `decay` (a × 10^7).
    pub fn decay(&self) -> u128 {
        self.decay
    }

    /// `_pow(a128, t)`, i.e. `a^t · 2^128` rounded as the contract rounds;
    /// `None` for `t = 0`, whose result is exactly 2^128.
    pub fn pow(&self, t: u64) -> Option<u128> {
        let mut result: Option<u128> = None;
        let mut bits = t;
        while bits != 0 {
            let k = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            // _mul(2^128, x) = x exactly.
            result = Some(match result {
                None => self.squares[k],
                Some(r) => mul_round(r, self.squares[k]),
            });
        }
        result
    }

    /// `calculateConviction(t, last, amount)`: the conviction `t` blocks
    /// after `last` was recorded, with `amount` staked all along. `None`
    /// if the contract would revert (uint256 overflow).
    pub fn conviction(&self, t: u64, last: u128, amount: u128) -> Option<u128> {
        let Some(at) = self.pow(t) else {
            // at = 2^128: (2^128·last + 0 + 2^127) >> 128 = last.
            return Some(last);
        };
        let kept = U256::mul_wide(at, last);
        let staked = U256::from_u128(amount).checked_mul_u128(D)?;
        let grown = if at == 0 {
            // 2^128 − 0 does not fit a u128 factor: shift instead.
            staked.checked_shl(128)?
        } else {
            staked.checked_mul_u128(u128::MAX - at + 1)?
        }
        .checked_div_u128(D - self.decay)?;
        kept.checked_add(grown)?
            .checked_add(U256::from_u128(TWO_127))?
            .shr(128)
            .to_u128()
    }

    /// Whether conviction recorded as `last` grows (`Greater`), decays
    /// (`Less`) or stays (`Equal`) under a constant stake `amount`: the sign
    /// of `amount·D/(D − decay) − last`, the direction in which the
    /// contract's formula moves as `a^t` falls.
    pub fn direction(&self, last: u128, amount: u128) -> std::cmp::Ordering {
        let target = U256::mul_wide(amount, D);
        let here = U256::mul_wide(last, D - self.decay);
        target.cmp(&here)
    }
}

/// Why the contract refuses a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FundingThresholdError {
    /// `requested ≥ maxRatio × funds`: `CV_AMOUNT_OVER_MAX_RATIO`; such a
    /// proposal can never pass.
    OverMaxRatio,
    /// An intermediate leaves uint256 or divides by zero (the contract
    /// reverts): the request is so close to `β × R` that `denom²/2^64`
    /// rounds to zero, or the amounts are astronomically large.
    Arithmetic,
}

/// The request-dependent part of `calculateThreshold`:
/// `k = floor(floor(floor(weight·2^128/D) / floor(denom²/2^64)) · D /
/// (D − decay))`, so that `threshold(S) = floor(k · S / 2^64)`.
pub(crate) fn threshold_factor(
    decay: u128,
    max_ratio: u128,
    weight: u128,
    requested: u128,
    funds: u128,
) -> Result<U256, FundingThresholdError> {
    use FundingThresholdError::{Arithmetic, OverMaxRatio};
    if U256::mul_wide(max_ratio, funds) <= U256::mul_wide(requested, D) {
        return Err(OverMaxRatio);
    }
    let shl64 = |v: u128| U256::from_u128(v).checked_shl(64).ok_or(Arithmetic);
    let denom = shl64(max_ratio)?
        .checked_div_u128(D)
        .ok_or(Arithmetic)?
        .checked_sub(
            shl64(requested)?
                .checked_div_u128(funds)
                .ok_or(Arithmetic)?,
        )
        .ok_or(Arithmetic)?
        .to_u128()
        .ok_or(Arithmetic)?;
    let denom_sq = U256::mul_wide(denom, denom)
        .shr(64)
        .to_u128()
        .ok_or(Arithmetic)?;
    U256::from_u128(weight)
        .checked_shl(128)
        .ok_or(Arithmetic)?
        .checked_div_u128(D)
        .and_then(|v| v.checked_div_u128(denom_sq))
        .and_then(|v| v.checked_mul_u128(D))
        .and_then(|v| v.checked_div_u128(D - decay))
        .ok_or(Arithmetic)
}

/// `threshold = (k · S) >> 64`; `None` if it overflows (uint256, or the
/// result beyond u128).
pub(crate) fn threshold_from_factor(k: U256, effective_supply: u128) -> Option<u128> {
    k.checked_mul_u128(effective_supply)?.shr(64).to_u128()
}

/// `_totalStaked()`: `max(totalStaked, floor(supply · pct / 10^18))`.
pub fn effective_supply(total_staked: u128, supply: u128, min_stake_pct: u128) -> u128 {
    let min_total = U256::mul_wide(supply, min_stake_pct)
        .checked_div_u128(ONE_HUNDRED_PERCENT)
        .and_then(U256::to_u128)
        .expect("pct <= 10^18, so the result is at most the supply");
    total_staked.max(min_total)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ANCHORS: a 0.9, beta 0.2, rho 0.002, min stake 20%, funds 15000,
    /// supply 45000 (whole units as base units, as in the vectors).
    const DECAY: u128 = 9_000_000;
    const MAX_RATIO: u128 = 2_000_000;
    const WEIGHT: u128 = 20_000;
    const MIN_STAKE: u128 = ONE_HUNDRED_PERCENT / 5;

    #[test]
    fn conviction_after_ten_blocks_is_97698() {
        // Exact: 15000 · (1 − 0.9^10) / 0.1 = 97698.2339851; rounded: 97698.
        let p = DecayPowers::new(DECAY);
        assert_eq!(p.conviction(10, 0, 15_000), Some(97_698));
        assert_eq!(p.conviction(0, 1234, 15_000), Some(1234));
    }

    #[test]
    fn a_day_of_blocks_at_0_9999599() {
        // ANCHORS: 17280 blocks at 15000 from 0 -> 186994020 (rounded).
        let p = DecayPowers::new(9_999_599);
        assert_eq!(p.conviction(17_280, 0, 15_000), Some(186_994_020));
    }

    #[test]
    fn thresholds_match_the_anchor_vectors() {
        let k = threshold_factor(DECAY, MAX_RATIO, WEIGHT, 1000, 15_000).unwrap();
        // 45000 staked: exact 0.002·45000/0.1/(0.2 − 1/15)² = 50625, and
        // the contract's floors land on it too (checked with Python's
        // integers against the Solidity expression).
        let s = effective_supply(45_000, 45_000, MIN_STAKE);
        assert_eq!(s, 45_000);
        assert_eq!(threshold_from_factor(k, s), Some(50_625));
        // Nothing staked: the 20% minimum (9000) applies: exact 10125.
        let s = effective_supply(0, 45_000, MIN_STAKE);
        assert_eq!(s, 9_000);
        assert_eq!(threshold_from_factor(k, s), Some(10_125));
    }

    #[test]
    fn requests_at_or_over_the_max_ratio_are_refused() {
        // beta · R = 3000.
        assert_eq!(
            threshold_factor(DECAY, MAX_RATIO, WEIGHT, 3000, 15_000),
            Err(FundingThresholdError::OverMaxRatio)
        );
        assert!(threshold_factor(DECAY, MAX_RATIO, WEIGHT, 2999, 15_000).is_ok());
    }

    #[test]
    fn pow_matches_the_contract_loop() {
        // The contract's loop, transcribed literally.
        fn contract_pow(a: u128, b: u64) -> Option<u128> {
            let mut a = a;
            let mut b = b;
            let mut result: Option<u128> = None; // None = 2^128
            while b > 0 {
                if b & 1 == 0 {
                    a = mul_round(a, a);
                    b >>= 1;
                } else {
                    result = Some(match result {
                        None => a,
                        Some(r) => mul_round(r, a),
                    });
                    b -= 1;
                }
            }
            result
        }
        for decay in [1, 5_000_000, 9_000_000, 9_999_599, 9_999_999] {
            let p = DecayPowers::new(decay);
            for t in [
                0u64,
                1,
                2,
                3,
                10,
                255,
                256,
                17_280,
                1_000_003,
                u64::MAX >> 2,
            ] {
                assert_eq!(
                    p.pow(t),
                    contract_pow(p.squares[0], t),
                    "decay {decay} t {t}"
                );
            }
        }
    }
}
