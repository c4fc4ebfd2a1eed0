//! [`Voter`]: who cast a vote or holds tokens.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;

/// Who cast a vote or holds tokens. Hex addresses (`0x…`) are compared
/// case-insensitively (EIP-55 checksums only change letter case), so they
/// are stored in lower case; other identifiers are kept as written.
///
/// An Ethereum address (`0x` and 40 hex digits, the usual voter) is kept
/// as its 20 bytes, in place: a million holders or votes then need no
/// million small allocations, and comparing two voters reads no other
/// memory. Anything else is a boxed `str`. Either way a `Voter` is 24
/// bytes, and equality, order (that of the lower-cased text), hashing
/// and the text ([`Voter::as_str`], `Display`) are as if the text were
/// stored. (A 48-byte voter holding the text inline was tried and made
/// the million-entry holder and delegation tables slower by a fifth:
/// bigger entries to move.)
#[derive(Clone, PartialEq, Eq)]
pub struct Voter(Repr);

#[derive(Clone, PartialEq, Eq)]
enum Repr {
    /// `0x` and 40 hex digits: the 20 bytes as five big-endian words
    /// (so that comparing the words compares the bytes). Never held as a
    /// `Name`, so equal voters always have the same form. Words, not
    /// bytes: a byte array at the enum's odd offset 1 was moved in
    /// overlapping 4-byte pieces that stalled every read after it
    /// (filling a million-holder table took twice as long, measured).
    Address(Words),
    /// Any other identifier (trimmed; lower-cased when it starts `0x`).
    Name(Box<str>),
}

const ADDRESS_BYTES: usize = 20;

/// An address's bytes, four to a word, big-endian.
type Words = [u32; ADDRESS_BYTES / 4];

/// `0x` and two hex digits a byte.
const ADDRESS_TEXT: usize = 2 + 2 * ADDRESS_BYTES;

impl Voter {
    /// Normalises `id` (trimmed; hex addresses lower-cased).
    pub fn new(id: &str) -> Voter {
        let id = id.trim();
        if let Some(words) = address_words(id) {
            return Voter(Repr::Address(words));
        }
        let hex = id.len() > 2 && (id.starts_with("0x") || id.starts_with("0X"));
        if hex && id.bytes().any(|b| b.is_ascii_uppercase()) {
            Voter(Repr::Name(id.to_ascii_lowercase().into_boxed_str()))
        } else {
            Voter(Repr::Name(id.into()))
        }
    }

    /// The identifier as text (an address is written out in lower case,
    /// on the stack; any other identifier is borrowed).
    pub fn as_str(&self) -> VoterText<'_> {
        match &self.0 {
            Repr::Address(words) => VoterText(TextRepr::Address(address_text(words))),
            Repr::Name(name) => VoterText(TextRepr::Name(name)),
        }
    }
}

impl Hash for Voter {
    /// An address as two `u64`s and a `u32`, a name as its text.
    fn hash<H: Hasher>(&self, state: &mut H) {
        match &self.0 {
            Repr::Address(w) => {
                state.write_u64(u64::from(w[0]) << 32 | u64::from(w[1]));
                state.write_u64(u64::from(w[2]) << 32 | u64::from(w[3]));
                state.write_u32(w[4]);
            }
            Repr::Name(name) => name.hash(state),
        }
    }
}

/// The words of `0x` and 40 hex digits (either case), else `None`.
///
/// Without a branch per digit (a table lookup, and one check at the end):
/// random hex digits made the branches of a `match` a quarter of a
/// million-vote read.
fn address_words(id: &str) -> Option<Words> {
    let b = id.as_bytes();
    if b.len() != ADDRESS_TEXT || b[0] != b'0' || !matches!(b[1], b'x' | b'X') {
        return None;
    }
    let mut out: Words = [0; ADDRESS_BYTES / 4];
    let mut seen = 0u8;
    for (word, digits) in out.iter_mut().zip(b[2..].chunks_exact(8)) {
        for &c in digits {
            let value = HEX_VALUE[usize::from(c)];
            seen |= value;
            *word = (*word << 4) | u32::from(value & 0xf);
        }
    }
    (seen & NOT_HEX == 0).then_some(out)
}

/// A byte's value as a hex digit (either case), else [`NOT_HEX`].
const HEX_VALUE: [u8; 256] = {
    let mut table = [NOT_HEX; 256];
    let mut i = 0;
    while i < 10 {
        table[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        table[b'a' as usize + i] = 10 + i as u8;
        table[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    table
};

const NOT_HEX: u8 = 0x10;

/// `0x` and the bytes in lower-case hex.
fn address_text(words: &Words) -> [u8; ADDRESS_TEXT] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; ADDRESS_TEXT];
    out[0] = b'0';
    out[1] = b'x';
    for (digits, word) in out[2..].chunks_exact_mut(8).zip(words) {
        for (k, d) in digits.iter_mut().enumerate() {
            *d = DIGITS[((word >> (28 - 4 * k)) & 0xf) as usize];
        }
    }
    out
}

impl Ord for Voter {
    /// The order of the texts. Two addresses compare by their words, which
    /// is the order of their bytes and of their lower-case hex.
    fn cmp(&self, other: &Voter) -> Ordering {
        match (&self.0, &other.0) {
            (Repr::Address(a), Repr::Address(b)) => a.cmp(b),
            (Repr::Name(a), Repr::Name(b)) => a.cmp(b),
            _ => (*self.as_str()).cmp(&*other.as_str()),
        }
    }
}

impl PartialOrd for Voter {
    fn partial_cmp(&self, other: &Voter) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Voter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str())
    }
}

impl fmt::Debug for Voter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Voter").field(&&*self.as_str()).finish()
    }
}

/// A voter's text ([`Voter::as_str`]); dereferences to `str`.
#[derive(Clone, Copy)]
pub struct VoterText<'a>(TextRepr<'a>);

#[derive(Clone, Copy)]
enum TextRepr<'a> {
    Address([u8; ADDRESS_TEXT]),
    Name(&'a str),
}

impl Deref for VoterText<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        match &self.0 {
            TextRepr::Address(text) => std::str::from_utf8(text).expect("hex digits are ASCII"),
            TextRepr::Name(name) => name,
        }
    }
}

impl fmt::Display for VoterText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self)
    }
}

impl fmt::Debug for VoterText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl PartialEq<str> for VoterText<'_> {
    fn eq(&self, other: &str) -> bool {
        **self == *other
    }
}

impl PartialEq<&str> for VoterText<'_> {
    fn eq(&self, other: &&str) -> bool {
        **self == **other
    }
}

#[cfg(test)]
mod tests {
    use std::collections::hash_map::DefaultHasher;
    use std::hash::{BuildHasher, BuildHasherDefault};

    use proptest::prelude::*;

    use super::*;

    /// The reference: the text as `Voter::new` always normalised it.
    fn normalised(id: &str) -> String {
        let id = id.trim();
        if id.len() > 2 && (id.starts_with("0x") || id.starts_with("0X")) {
            id.to_ascii_lowercase()
        } else {
            id.to_string()
        }
    }

    fn id() -> impl Strategy<Value = String> {
        prop_oneof![
            // Addresses in any case, some sharing long prefixes.
            "0[xX][0-9a-fA-F]{40}",
            "0x0{30}[0-9a-f]{10}",
            // Near misses: one digit short or long, a non-hex letter.
            "0[xX][0-9a-fA-F]{39}",
            "0[xX][0-9a-fA-F]{41}",
            "0x[0-9a-f]{20}[g-zG-Z][0-9a-f]{19}",
            // Names, with spaces around.
            " ?[a-zA-Z0-9.]{0,12} ?",
            "0x[0-9a-f]{0,6}",
        ]
    }

    proptest! {
        #[test]
        fn voters_behave_as_their_normalised_text(a in id(), b in id()) {
            let (va, vb) = (Voter::new(&a), Voter::new(&b));
            let (ta, tb) = (normalised(&a), normalised(&b));
            prop_assert_eq!(&*va.as_str(), ta.as_str());
            prop_assert_eq!(va.to_string(), ta.clone());
            prop_assert_eq!(format!("{va:?}"), format!("Voter({ta:?})"));
            prop_assert_eq!(va == vb, ta == tb);
            prop_assert_eq!(va.cmp(&vb), ta.cmp(&tb));
            prop_assert_eq!(Voter::new(&ta), va.clone());
            if va == vb {
                let state = BuildHasherDefault::<DefaultHasher>::default();
                prop_assert_eq!(state.hash_one(&va), state.hash_one(&vb));
            }
        }
    }

    #[test]
    fn addresses_are_kept_as_bytes_and_written_in_lower_case() {
        let v = Voter::new(" 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed ");
        assert!(matches!(v.0, Repr::Address(_)));
        assert_eq!(v.as_str(), "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed");
        assert!(matches!(Voter::new("0x5aAe").0, Repr::Name(_)));
        assert_eq!(std::mem::size_of::<Option<Voter>>(), 24);
        // An address sorts among names as its text does.
        let mut voters = [
            Voter::new("0xz"),
            Voter::new("0x00000000000000000000000000000000000000ff"),
            Voter::new("0x0"),
            Voter::new("alice"),
        ];
        voters.sort();
        let texts: Vec<String> = voters.iter().map(Voter::to_string).collect();
        assert_eq!(
            texts,
            [
                "0x0",
                "0x00000000000000000000000000000000000000ff",
                "0xz",
                "alice"
            ]
        );
    }
}
