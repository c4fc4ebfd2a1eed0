//! The lock multiplier of conviction voting ([`Conviction`]), as
//! Polkadot's `pallet-conviction-voting` defines it: 0.1x unlocked, 1x … 6x
//! for 1, 2, 4, 8, 16, 32 lock periods.
//!
//! This is all that the per-vote `conviction` mechanism
//! ([`crate::mechanism::ConvictionVoting`]) and the vote readers need; the
//! referendum and funding simulators build on it.

use std::fmt;
use std::str::FromStr;

/// How strongly a vote is locked, and so how much it counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Conviction {
    /// 0.1x votes, unlocked.
    #[default]
    None,
    /// 1x votes, locked for one lock period after a winning vote.
    Locked1x,
    /// 2x votes, locked for 2 periods.
    Locked2x,
    /// 3x votes, locked for 4 periods.
    Locked3x,
    /// 4x votes, locked for 8 periods.
    Locked4x,
    /// 5x votes, locked for 16 periods.
    Locked5x,
    /// 6x votes, locked for 32 periods.
    Locked6x,
}

impl Conviction {
    /// All convictions, weakest first.
    pub const ALL: [Conviction; 7] = [
        Conviction::None,
        Conviction::Locked1x,
        Conviction::Locked2x,
        Conviction::Locked3x,
        Conviction::Locked4x,
        Conviction::Locked5x,
        Conviction::Locked6x,
    ];

    /// Lock periods a winning voter's balance stays locked: 0, 1, 2, 4, 8,
    /// 16, 32.
    pub fn lock_periods(self) -> u32 {
        match self {
            Conviction::None => 0,
            c => 1 << (u8::from(c) - 1),
        }
    }

    /// Votes for `capital`: `capital / 10` for `None`, else `capital ×
    /// {1..6}`, saturating at `u128::MAX` as the pallet does.
    ///
    /// ```
    /// use govkit::conviction::Conviction;
    /// assert_eq!(Conviction::Locked5x.votes(2), 10);
    /// assert_eq!(Conviction::None.votes(10), 1);
    /// assert_eq!(Conviction::Locked3x.lock_periods(), 4);
    /// ```
    pub fn votes(self, capital: u128) -> u128 {
        self.checked_votes(capital).unwrap_or(u128::MAX)
    }

    /// Votes for `capital`, `None` on overflow.
    pub fn checked_votes(self, capital: u128) -> Option<u128> {
        match self {
            Conviction::None => Some(capital / 10),
            c => capital.checked_mul(u128::from(u8::from(c))),
        }
    }

    /// The multiplier as people write it: `0.1x`, `1x`, … `6x`.
    pub fn multiplier(self) -> &'static str {
        ["0.1x", "1x", "2x", "3x", "4x", "5x", "6x"][usize::from(u8::from(self))]
    }
}

impl From<Conviction> for u8 {
    fn from(c: Conviction) -> u8 {
        c as u8
    }
}

impl TryFrom<u8> for Conviction {
    type Error = u8;
    fn try_from(i: u8) -> std::result::Result<Conviction, u8> {
        Conviction::ALL.get(usize::from(i)).copied().ok_or(i)
    }
}

impl fmt::Display for Conviction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.multiplier())
    }
}

/// Why a text is not a conviction.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a conviction (write none, 0.1x or 0..6, 1x..6x, locked1x..locked6x)")]
pub struct ConvictionError(pub String);

impl FromStr for Conviction {
    type Err = ConvictionError;

    /// `none`, `0.1x`, `0`, `0x` → None; `3`, `3x`, `locked3x` → Locked3x
    /// (case-insensitive).
    fn from_str(text: &str) -> std::result::Result<Conviction, ConvictionError> {
        let s = text.trim().to_ascii_lowercase();
        let s = s.strip_prefix("locked").unwrap_or(&s);
        if matches!(s, "none" | "0.1x" | "0.1") {
            return Ok(Conviction::None);
        }
        let digits = s.strip_suffix('x').unwrap_or(s);
        digits
            .parse::<u8>()
            .ok()
            .and_then(|n| Conviction::try_from(n).ok())
            .ok_or_else(|| ConvictionError(text.to_string()))
    }
}

impl<'de> serde::Deserialize<'de> for Conviction {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Visit;
        impl serde::de::Visitor<'_> for Visit {
            type Value = Conviction;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a conviction: \"none\", \"1x\" … \"6x\", or 0 … 6")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<Conviction, E> {
                v.parse().map_err(E::custom)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> std::result::Result<Conviction, E> {
                u8::try_from(v)
                    .ok()
                    .and_then(|n| Conviction::try_from(n).ok())
                    .ok_or_else(|| E::custom(ConvictionError(v.to_string())))
            }
        }
        d.deserialize_any(Visit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Conviction::*;

    #[test]
    fn conviction_table() {
        let votes: Vec<u128> = Conviction::ALL.iter().map(|c| c.votes(100)).collect();
        assert_eq!(votes, [10, 100, 200, 300, 400, 500, 600]);
        let locks: Vec<u32> = Conviction::ALL.iter().map(|c| c.lock_periods()).collect();
        assert_eq!(locks, [0, 1, 2, 4, 8, 16, 32]);
        assert_eq!(Locked6x.votes(u128::MAX), u128::MAX);
        assert_eq!(Locked6x.checked_votes(u128::MAX), Option::None);
        for (text, c) in [
            ("none", None),
            ("0.1x", None),
            ("0", None),
            ("1x", Locked1x),
            ("Locked6x", Locked6x),
            ("3", Locked3x),
        ] {
            assert_eq!(text.parse::<Conviction>().unwrap(), c, "{text}");
        }
        assert!("7x".parse::<Conviction>().is_err());
        assert!("2.5x".parse::<Conviction>().is_err());
    }
}
