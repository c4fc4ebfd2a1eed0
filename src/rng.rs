//! A small deterministic PRNG for Monte Carlo estimates, what-if scenarios
//! and synthetic DAOs: xoshiro256++
//! (Blackman and Vigna), seeded through SplitMix64. Deterministic across
//! platforms, so a seed reproduces a run exactly.

/// SplitMix64 step: used to expand a seed into xoshiro's state.
pub(crate) fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// xoshiro256++.
#[derive(Clone, Debug)]
pub(crate) struct Xoshiro256([u64; 4]);

impl Xoshiro256 {
    /// A generator for stream `stream` of `seed` (streams are independent
    /// seeds for SplitMix64, so chunks of work can run on any thread and
    /// still give the same result).
    pub fn new(seed: u64, stream: u64) -> Xoshiro256 {
        let mut sm = seed ^ stream.wrapping_mul(0xd1b5_4a32_d192_ed03);
        let mut s = [0u64; 4];
        for x in &mut s {
            *x = splitmix64(&mut sm);
        }
        if s == [0; 4] {
            s[0] = 1;
        }
        Xoshiro256(s)
    }

    /// A uniform number in `0..n` (`n > 0`), without modulo bias
    /// (Lemire's multiply-and-reject).
    pub fn below(&mut self, n: u64) -> u64 {
        assert!(n > 0, "below(0)");
        loop {
            let m = u128::from(self.next_u64()) * u128::from(n);
            let low = m as u64;
            if low >= n.wrapping_neg() % n {
                return (m >> 64) as u64;
            }
        }
    }

    /// A uniform float in [0, 1) with 53 random bits (for sampling
    /// synthetic distributions; never for decisions).
    pub fn unit_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// 64 uniform bits.
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.0;
        let result = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// 64 independent bits, each 1 with probability `p / 2^64` (`p = None`:
    /// probability 1/2). Lane `j` compares a uniform 64-bit number, drawn
    /// bit by bit from the most significant end, with `p`, so all 64 lanes
    /// are decided after a few words (about 8 on average).
    #[inline]
    pub fn bernoulli_word(&mut self, p: Option<u64>) -> u64 {
        let Some(p) = p else {
            return self.next_u64();
        };
        let mut decided = 0u64;
        let mut ones = 0u64;
        for bit in (0..64).rev() {
            let r = self.next_u64();
            let pb = if (p >> bit) & 1 == 1 { u64::MAX } else { 0 };
            // Lanes whose random bit differs from p's bit are decided now:
            // random bit 0 under p's 1 means uniform < p.
            let differ = (r ^ pb) & !decided;
            ones |= differ & pb;
            decided |= differ;
            if decided == u64::MAX {
                break;
            }
        }
        ones
    }

    /// The number of successes among `n` independent draws of probability
    /// `p / 2^64` (`None`: 1/2), exactly distributed as Binomial(n, p).
    ///
    /// Same comparison as [`Xoshiro256::bernoulli_word`], but only counts are
    /// kept: at each bit of `p`, each undecided draw's random bit differs
    /// from `p`'s with probability 1/2 (a popcount of random bits), and
    /// those are decided (successes iff `p`'s bit is 1). About 2n/64 words.
    pub fn binomial(&mut self, n: usize, p: Option<u64>) -> u64 {
        let Some(p) = p else {
            return self.popcount_bits(n);
        };
        let mut undecided = n;
        let mut ones = 0u64;
        for bit in (0..64).rev() {
            if undecided == 0 {
                break;
            }
            let differ = self.popcount_bits(undecided);
            if (p >> bit) & 1 == 1 {
                ones += differ;
            }
            undecided -= differ as usize;
        }
        ones
    }

    /// The number of ones among `n` uniform random bits.
    fn popcount_bits(&mut self, n: usize) -> u64 {
        let mut count = 0u64;
        let mut left = n;
        while left >= 64 {
            count += u64::from(self.next_u64().count_ones());
            left -= 64;
        }
        if left > 0 {
            count += u64::from((self.next_u64() & ((1u64 << left) - 1)).count_ones());
        }
        count
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_per_seed_and_stream() {
        let a: Vec<u64> = {
            let mut r = Xoshiro256::new(7, 0);
            (0..4).map(|_| r.next_u64()).collect()
        };
        let mut r = Xoshiro256::new(7, 0);
        assert_eq!(a, (0..4).map(|_| r.next_u64()).collect::<Vec<_>>());
        let mut other = Xoshiro256::new(7, 1);
        assert_ne!(a[0], other.next_u64());
    }

    #[test]
    fn bernoulli_words_have_the_right_frequency() {
        let mut r = Xoshiro256::new(1, 2);
        let p = u64::MAX / 4; // 1/4
        let ones: u32 = (0..4000)
            .map(|_| r.bernoulli_word(Some(p)).count_ones())
            .sum();
        let freq = f64::from(ones) / (4000.0 * 64.0);
        assert!((freq - 0.25).abs() < 0.01, "{freq}");
        assert_eq!(r.bernoulli_word(Some(0)), 0);
    }

    #[test]
    fn binomial_counts_have_the_right_mean_and_variance() {
        let mut r = Xoshiro256::new(3, 4);
        let p = u64::MAX / 10 * 3; // 0.3
        let draws: Vec<f64> = (0..4000)
            .map(|_| r.binomial(1000, Some(p)) as f64)
            .collect();
        let mean = draws.iter().sum::<f64>() / 4000.0;
        let var = draws.iter().map(|d| (d - mean).powi(2)).sum::<f64>() / 3999.0;
        assert!((mean - 300.0).abs() < 1.5, "{mean}");
        assert!((var - 210.0).abs() < 25.0, "{var}");
        assert_eq!(r.binomial(77, Some(0)), 0);
        assert!(r.binomial(100, None) <= 100);
    }
}
