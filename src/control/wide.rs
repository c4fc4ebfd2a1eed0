//! Exact sums of many `u128` values and of their squares, without a heap
//! allocation per term: a 384-bit accumulator. Used for Gini (sum of
//! prefix sums) and HHI (sum of squares) over millions of holders.

use num_bigint::BigUint;

/// An unsigned 384-bit accumulator (three `u128` limbs, little-endian).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Wide([u128; 3]);

impl Wide {
    /// Adds a 256-bit value given as `(high, low)`.
    fn add_pair(&mut self, high: u128, low: u128) {
        let (l, c1) = self.0[0].overflowing_add(low);
        self.0[0] = l;
        let (h, c2) = self.0[1].overflowing_add(high);
        let (h, c3) = h.overflowing_add(u128::from(c1));
        self.0[1] = h;
        // Sums of fewer than 2^128 terms of 256 bits never overflow 384 bits.
        self.0[2] += u128::from(c2) + u128::from(c3);
    }

    /// Adds `value`.
    pub fn add(&mut self, value: u128) {
        self.add_pair(0, value);
    }

    /// Adds `a × b`.
    pub fn add_product(&mut self, a: u128, b: u128) {
        let (high, low) = mul_wide(a, b);
        self.add_pair(high, low);
    }

    /// The value as a big integer.
    pub fn to_biguint(self) -> BigUint {
        (BigUint::from(self.0[2]) << 256u32) + (BigUint::from(self.0[1]) << 128u32) + self.0[0]
    }
}

/// The full 256-bit product `a × b` as `(high, low)`.
pub(crate) fn mul_wide(a: u128, b: u128) -> (u128, u128) {
    const MASK: u128 = u64::MAX as u128;
    let (a1, a0) = (a >> 64, a & MASK);
    let (b1, b0) = (b >> 64, b & MASK);
    let p00 = a0 * b0;
    let p01 = a0 * b1;
    let p10 = a1 * b0;
    let p11 = a1 * b1;
    let mid = (p00 >> 64) + (p01 & MASK) + (p10 & MASK);
    let low = (p00 & MASK) | (mid << 64);
    let high = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
    (high, low)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn products_and_sums_are_exact() {
        let mut w = Wide::default();
        w.add_product(u128::MAX, u128::MAX);
        w.add_product(u128::MAX, u128::MAX);
        w.add(u128::MAX);
        let m = BigUint::from(u128::MAX);
        assert_eq!(w.to_biguint(), &m * &m * 2u32 + &m);
        let (h, l) = mul_wide(1 << 100, 1 << 100);
        assert_eq!((h, l), (1 << 72, 0));
    }
}
