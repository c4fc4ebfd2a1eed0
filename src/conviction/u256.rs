//! The little 256-bit unsigned arithmetic the 1Hive contract needs.
//!
//! Solidity computes in `uint256` with SafeMath (`mul`, `add`, `sub` revert
//! on overflow; `div` floors). To reproduce the contract bit for bit the
//! intermediate products (`x · D · 2^128`, `weight << 128`, ...) must be
//! held in 256 bits; every operation here is checked exactly where SafeMath
//! checks, so `None` means "the contract would revert".

/// An unsigned 256-bit integer as two `u128` halves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub(crate) struct U256 {
    /// The high 128 bits (compared first, so the derived `Ord` is numeric).
    hi: u128,
    lo: u128,
}

const LOW64: u128 = u64::MAX as u128;

impl U256 {
    pub const ZERO: U256 = U256 { hi: 0, lo: 0 };

    pub const fn from_u128(v: u128) -> U256 {
        U256 { hi: 0, lo: v }
    }

    /// The value if it fits in `u128`.
    pub fn to_u128(self) -> Option<u128> {
        (self.hi == 0).then_some(self.lo)
    }

    /// The full product of two `u128`s (never overflows).
    pub fn mul_wide(a: u128, b: u128) -> U256 {
        let (a1, a0) = (a >> 64, a & LOW64);
        let (b1, b0) = (b >> 64, b & LOW64);
        let p00 = a0 * b0;
        let p01 = a0 * b1;
        let p10 = a1 * b0;
        let p11 = a1 * b1;
        let mid = (p00 >> 64) + (p01 & LOW64) + (p10 & LOW64);
        U256 {
            lo: (p00 & LOW64) | (mid << 64),
            hi: p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64),
        }
    }

    /// `self × b`, `None` past 2^256 (SafeMath `mul`).
    pub fn checked_mul_u128(self, b: u128) -> Option<U256> {
        let low = U256::mul_wide(self.lo, b);
        let high = U256::mul_wide(self.hi, b);
        if high.hi != 0 {
            return None;
        }
        Some(U256 {
            hi: high.lo.checked_add(low.hi)?,
            lo: low.lo,
        })
    }

    /// `self + other`, `None` past 2^256 (SafeMath `add`).
    pub fn checked_add(self, other: U256) -> Option<U256> {
        let (lo, carry) = self.lo.overflowing_add(other.lo);
        let hi = self
            .hi
            .checked_add(other.hi)?
            .checked_add(u128::from(carry))?;
        Some(U256 { hi, lo })
    }

    /// `self - other`, `None` below zero (SafeMath `sub`).
    pub fn checked_sub(self, other: U256) -> Option<U256> {
        let (lo, borrow) = self.lo.overflowing_sub(other.lo);
        let hi = self
            .hi
            .checked_sub(other.hi)?
            .checked_sub(u128::from(borrow))?;
        Some(U256 { hi, lo })
    }

    /// `self << n` for `n < 256`, `None` if bits fall off (callers only
    /// shift values known to fit, as the contract does).
    pub fn checked_shl(self, n: u32) -> Option<U256> {
        if n == 0 {
            return Some(self);
        }
        let shifted = if n >= 128 {
            if self.hi != 0 || (n > 128 && self.lo >> (256 - n) != 0) {
                return None;
            }
            U256 {
                hi: self.lo << (n - 128),
                lo: 0,
            }
        } else {
            if self.hi >> (128 - n) != 0 {
                return None;
            }
            U256 {
                hi: (self.hi << n) | (self.lo >> (128 - n)),
                lo: self.lo << n,
            }
        };
        Some(shifted)
    }

    /// `self >> n` (floor), `n < 256`.
    pub fn shr(self, n: u32) -> U256 {
        match n {
            0 => self,
            1..=127 => U256 {
                hi: self.hi >> n,
                lo: (self.lo >> n) | (self.hi << (128 - n)),
            },
            _ => U256 {
                hi: 0,
                lo: self.hi >> (n - 128),
            },
        }
    }

    /// `floor(self / d)`; `None` when `d` is zero (Solidity's `div`
    /// reverts).
    pub fn checked_div_u128(self, d: u128) -> Option<U256> {
        if d == 0 {
            return None;
        }
        if d <= LOW64 {
            // Schoolbook division by 64-bit limbs: the remainder stays below
            // 2^64, so `rem << 64 | limb` fits in a u128.
            let limbs = [
                self.hi >> 64,
                self.hi & LOW64,
                self.lo >> 64,
                self.lo & LOW64,
            ];
            let mut q = [0u128; 4];
            let mut rem = 0u128;
            for (i, &limb) in limbs.iter().enumerate() {
                let cur = (rem << 64) | limb;
                q[i] = cur / d;
                rem = cur % d;
            }
            return Some(U256 {
                hi: (q[0] << 64) | q[1],
                lo: (q[2] << 64) | q[3],
            });
        }
        // Binary long division for wide divisors (rare: thresholds only).
        let mut quotient = U256::ZERO;
        let mut rem = U256::ZERO;
        let divisor = U256::from_u128(d);
        for bit in (0..256).rev() {
            rem = U256 {
                hi: (rem.hi << 1) | (rem.lo >> 127),
                lo: rem.lo << 1,
            };
            let b = if bit >= 128 {
                (self.hi >> (bit - 128)) & 1
            } else {
                (self.lo >> bit) & 1
            };
            rem.lo |= b;
            if rem >= divisor {
                rem = rem.checked_sub(divisor).expect("rem >= divisor");
                if bit >= 128 {
                    quotient.hi |= 1 << (bit - 128);
                } else {
                    quotient.lo |= 1 << bit;
                }
            }
        }
        Some(quotient)
    }

    /// The value as a big integer (for exact cross-checks and display).
    #[cfg(test)]
    pub fn to_biguint(self) -> num_bigint::BigUint {
        (num_bigint::BigUint::from(self.hi) << 128u32) + num_bigint::BigUint::from(self.lo)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_bigint::BigUint;
    use proptest::prelude::*;

    fn big(v: U256) -> BigUint {
        v.to_biguint()
    }

    proptest! {
        #[test]
        fn arithmetic_agrees_with_bigint(a: u128, b: u128, c: u128, d in 1u128.., s in 0u32..256) {
            let wide = U256::mul_wide(a, b);
            prop_assert_eq!(big(wide), BigUint::from(a) * BigUint::from(b));
            let max = (BigUint::from(1u8) << 256u32) - 1u8;
            let prod = BigUint::from(a) * BigUint::from(b) * BigUint::from(c);
            let m = wide.checked_mul_u128(c);
            prop_assert_eq!(m.map(big), (prod <= max).then_some(prod.clone()));
            prop_assert_eq!(big(wide.checked_div_u128(d).unwrap()), big(wide) / BigUint::from(d));
            let small_d = (d >> 70).max(1);
            prop_assert_eq!(big(wide.checked_div_u128(small_d).unwrap()), big(wide) / BigUint::from(small_d));
            prop_assert_eq!(big(wide.shr(s)), big(wide) >> s);
            let shifted = U256::from_u128(c).checked_shl(s);
            let expect = BigUint::from(c) << s;
            prop_assert_eq!(shifted.map(big), (expect <= max).then_some(expect));
            let other = U256::mul_wide(c, d);
            let sum = big(wide) + big(other);
            prop_assert_eq!(wide.checked_add(other).map(big), (sum <= max).then_some(sum));
            let diff = wide.checked_sub(other);
            if big(wide) >= big(other) {
                prop_assert_eq!(diff.map(big), Some(big(wide) - big(other)));
            } else {
                prop_assert_eq!(diff, None);
            }
            prop_assert_eq!(wide.cmp(&other), big(wide).cmp(&big(other)));
        }
    }
}
