//! Short immutable text kept inline, longer text on the heap.
//!
//! Why: a million votes each carry a cast time (10-20 bytes). As boxed
//! strings those are a million small heap allocations, freed one by one;
//! kept inside the vote they cost nothing extra to allocate and are read
//! with the vote itself.

/// Text of at most `N` bytes stored in place (with a length byte and the
/// variant, `N + 2` bytes rounded up to 8), longer text boxed.
#[derive(Clone)]
pub(crate) enum InlineText<const N: usize> {
    Inline { len: u8, bytes: [u8; N] },
    Heap(Box<str>),
}

impl<const N: usize> InlineText<N> {
    /// `text`, inline when it fits.
    pub(crate) fn new(text: &str) -> Self {
        const { assert!(N < 256, "the length is one byte") };
        if text.len() <= N {
            let mut bytes = [0u8; N];
            bytes[..text.len()].copy_from_slice(text.as_bytes());
            InlineText::Inline {
                len: text.len() as u8,
                bytes,
            }
        } else {
            InlineText::Heap(text.into())
        }
    }

    /// The text.
    pub(crate) fn as_str(&self) -> &str {
        match self {
            InlineText::Inline { len, bytes } => std::str::from_utf8(&bytes[..usize::from(*len)])
                .expect("copied from a str, cut at its end"),
            InlineText::Heap(text) => text,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_up_to_the_inline_size_stays_inline_and_reads_back() {
        for text in ["", "a", "0x5e79138dd09c14d46a3c93f900000000000000", "é"] {
            let t = InlineText::<46>::new(text);
            assert!(matches!(t, InlineText::Inline { .. }));
            assert_eq!(t.as_str(), text);
        }
        let long = "x".repeat(47);
        let t = InlineText::<46>::new(&long);
        assert!(matches!(t, InlineText::Heap(_)));
        assert_eq!(t.as_str(), long);
    }

    #[test]
    fn sizes_are_those_the_votes_rely_on() {
        // A cast time in 24 bytes, as a boxed str with its variant.
        assert_eq!(std::mem::size_of::<Option<InlineText<22>>>(), 24);
    }
}
