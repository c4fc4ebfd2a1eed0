//! The whole text of an input file, read into memory or memory-mapped
//! (and, for readers that check their own UTF-8, a file's mapped bytes).
//!
//! Why map: reading a 150 MB Snapshot export into a fresh buffer costs
//! about 100 ms on the reference machine, nearly all of it the kernel
//! faulting in, zeroing and filling 37,000 anonymous pages one by one;
//! mapping the same file (its pages are already in the page cache) and
//! checking it is UTF-8 takes about 20 ms, and the mapped pages are not
//! copied at all. Small files are read as before: a map costs more than it
//! saves below a few megabytes.
//!
//! **The one caveat of a map** (the same as ripgrep's, which maps large
//! files by default): the text is the file's pages themselves, so if
//! another program truncates the file while govkit reads it, the process
//! is killed by `SIGBUS` instead of reporting an error, and if another
//! program rewrites it in place, govkit may read a mix of the old and the
//! new text (UTF-8 is checked once, when the file is mapped). Files that
//! are being written while they are evaluated are read with
//! `GOVKIT_NO_MMAP=1` set, which makes every read a copy.

use std::ops::Deref;
use std::path::Path;

use crate::error::{Error, Result};

/// From this size on a file is mapped rather than read.
const MAP_FROM_BYTES: u64 = 4 << 20;

/// The text of a file (without a leading UTF-8 byte order mark), valid
/// UTF-8, however it was loaded.
pub(crate) struct FileText(Repr);

enum Repr {
    Read(String),
    /// A map whose bytes from `start` on were checked to be UTF-8 when it
    /// was made.
    Mapped {
        map: memmap2::Mmap,
        start: usize,
    },
}

impl Deref for FileText {
    type Target = str;

    fn deref(&self) -> &str {
        match &self.0 {
            Repr::Read(text) => text,
            Repr::Mapped { map, start } => {
                // SAFETY: `load` checked these very bytes with
                // `std::str::from_utf8` when it made the map, and a
                // read-only map is never written through. (A file changed
                // by another program under the map is the caveat in the
                // module docs.)
                unsafe { std::str::from_utf8_unchecked(&map[*start..]) }
            }
        }
    }
}

/// Parsed text is given back in blocks of this many bytes (a multiple of
/// every page size in use, so a block's bounds are page bounds).
const RELEASE_BLOCK: usize = 64 << 10;

impl FileText {
    /// Tells the system the text from `start` to `end` (byte offsets into
    /// the text) will not be needed soon: for a mapped file, the whole
    /// blocks of the range leave this process's memory (its resident set
    /// no longer counts them; the file stays in the page cache), and are
    /// read back from the file should they be read again. A read file is
    /// left as it is.
    ///
    /// Why: a reader that walks a large export once can give back what it
    /// has passed, so the peak memory is the votes, not the votes plus the
    /// whole file.
    pub(crate) fn release(&self, start: usize, end: usize) {
        if let Repr::Mapped {
            map,
            start: text_start,
        } = &self.0
        {
            release(map, text_start + start, text_start + end);
        }
    }
}

/// The bytes of a whole file, mapped read-only (no UTF-8 check: for
/// readers that check what they read themselves, such as the vote CSV
/// reader, which checks each part it parses).
pub(crate) struct MappedBytes(memmap2::Mmap);

impl MappedBytes {
    /// Maps `file` (of `path`, named in errors).
    pub(crate) fn map(path: &Path, file: &std::fs::File) -> Result<MappedBytes> {
        map(path, file).map(MappedBytes)
    }

    /// As [`FileText::release`], for byte offsets into the file.
    pub(crate) fn release(&self, start: usize, end: usize) {
        release(&self.0, start, end);
    }
}

impl Deref for MappedBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

/// Whether a file of `len` bytes is mapped rather than read: from
/// [`MAP_FROM_BYTES`] on, unless `GOVKIT_NO_MMAP` is set.
pub(crate) fn maps(len: u64) -> bool {
    len >= MAP_FROM_BYTES && std::env::var_os("GOVKIT_NO_MMAP").is_none()
}

fn map(path: &Path, file: &std::fs::File) -> Result<memmap2::Mmap> {
    // SAFETY: the map is read-only and private to this process; what
    // another program changing the file can do is the caveat in the module
    // docs, as with every program that maps its inputs.
    unsafe { memmap2::MmapOptions::new().map(file) }.map_err(|e| Error::io(path, e))
}

/// Gives back the whole [`RELEASE_BLOCK`]s of `map[start..end]`.
fn release(map: &memmap2::Mmap, start: usize, end: usize) {
    let first = start.div_ceil(RELEASE_BLOCK) * RELEASE_BLOCK;
    let last = (end.min(map.len()) / RELEASE_BLOCK) * RELEASE_BLOCK;
    if first < last {
        // SAFETY: the map is private and read-only and was never
        // written, so dropping its pages changes no byte: Linux
        // repopulates a private file mapping from the file on the next
        // access (madvise(2), MADV_DONTNEED), and the bytes are the
        // ones checked at `load` unless another program changes the
        // file, the caveat every map has (module docs). The result is
        // ignored: the advice only saves memory.
        let _ = unsafe {
            map.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, first, last - first)
        };
    }
}

/// A Snapshot vote or holder JSON file: mapped up to
/// [`super::MAX_MAPPED_JSON_BYTES`], read up to [`super::MAX_JSON_BYTES`].
pub(crate) fn load_json(path: &Path) -> Result<FileText> {
    load(
        path,
        super::MAX_JSON_BYTES,
        super::MAX_MAPPED_JSON_BYTES,
        "JSON",
    )
}

/// Loads the whole text of the regular file `path` (`kind` names the
/// format in errors): mapped when it is large and `GOVKIT_NO_MMAP` is not
/// set, if at most `map_limit` bytes; read otherwise, if at most
/// `read_limit` bytes.
pub(crate) fn load(path: &Path, read_limit: u64, map_limit: u64, kind: &str) -> Result<FileText> {
    let file = super::open_regular(path)?;
    let len = file.metadata().map_err(|e| Error::io(path, e))?.len();
    if !maps(len) {
        return super::read_text(path, read_limit, kind).map(|text| FileText(Repr::Read(text)));
    }
    if len > map_limit {
        return Err(super::too_large(path, map_limit, kind));
    }
    let map = map(path, &file)?;
    let bytes: &[u8] = &map;
    let start = if bytes.starts_with("\u{feff}".as_bytes()) {
        3
    } else {
        0
    };
    if let Some(offset) = invalid_utf8_at(&bytes[start..]) {
        return Err(super::not_utf8(path, start + offset));
    }
    Ok(FileText(Repr::Mapped { map, start }))
}

/// Where `bytes` stop being UTF-8 (as `Utf8Error::valid_up_to`), or `None`
/// if they are; the two halves on two threads.
///
/// Why that is the same check: the cut is at a byte that starts a
/// character (not a continuation byte `10xxxxxx`), so every character of
/// valid text lies wholly in one half, and two valid halves make valid
/// text; an error in the first half is where the whole check would find
/// it (the byte after an incomplete character at the cut does not continue
/// it).
fn invalid_utf8_at(bytes: &[u8]) -> Option<usize> {
    let check = |part: &[u8]| std::str::from_utf8(part).err().map(|e| e.valid_up_to());
    let middle = bytes.len() / 2;
    let cut = (middle..bytes.len().min(middle + 4))
        .find(|&i| bytes[i] & 0xC0 != 0x80)
        .unwrap_or(bytes.len());
    let (first, second) = bytes.split_at(cut);
    match crate::parallel::both(|| check(first), || check(second)) {
        (Some(offset), _) => Some(offset),
        (None, Some(offset)) => Some(cut + offset),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file of `len` bytes: a byte order mark, `body`, then spaces.
    fn file_of(len: usize, body: &[u8]) -> tempfile::NamedTempFile {
        let mut bytes = "\u{feff}".as_bytes().to_vec();
        bytes.extend_from_slice(body);
        bytes.resize(len, b' ');
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), &bytes).unwrap();
        file
    }

    #[test]
    fn a_mapped_file_reads_as_the_same_text_as_a_read_one() {
        let len = MAP_FROM_BYTES as usize + 5;
        let file = file_of(len, "{\"v\": \"é\"}".as_bytes());
        let mapped = load(file.path(), u64::MAX, u64::MAX, "JSON").unwrap();
        assert!(matches!(mapped.0, Repr::Mapped { .. }));
        let read = crate::io::read_text(file.path(), u64::MAX, "JSON").unwrap();
        assert_eq!(&*mapped, read.as_str());
        // The byte order mark (3 bytes) is left out, as by a read.
        assert_eq!(mapped.len(), len - 3);
        assert!(mapped.starts_with("{\"v\": \"é\"}"));
    }

    #[test]
    fn released_text_reads_back_the_same() {
        let len = MAP_FROM_BYTES as usize + 3 * RELEASE_BLOCK;
        let body: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
        let file = file_of(len, &body);
        let mapped = load(file.path(), u64::MAX, u64::MAX, "JSON").unwrap();
        let before = mapped.to_string();
        mapped.release(0, mapped.len());
        mapped.release(5, RELEASE_BLOCK + 7);
        mapped.release(mapped.len(), mapped.len());
        assert_eq!(&*mapped, before.as_str());
        // A read file ignores it.
        let small = file_of(100, b"abc");
        let read = load(small.path(), u64::MAX, u64::MAX, "JSON").unwrap();
        read.release(0, 50);
        assert!(read.starts_with("abc"));
    }

    #[test]
    fn a_mapped_file_that_is_not_utf8_is_refused_with_the_offset() {
        let len = MAP_FROM_BYTES as usize + 1;
        let file = file_of(len, b"{\"v\": \"\xff\"}");
        let err = load(file.path(), u64::MAX, u64::MAX, "JSON").err().unwrap();
        // Offset 10 counts the 3-byte mark, as the read path does.
        let read = crate::io::read_text(file.path(), u64::MAX, "JSON")
            .err()
            .unwrap();
        assert_eq!(err.to_string(), read.to_string());
        assert!(
            err.to_string().contains("invalid byte at offset 10"),
            "{err}"
        );
    }

    #[test]
    fn the_split_check_finds_what_the_whole_check_finds() {
        // Valid text, and every byte of it replaced by each byte class
        // (ASCII, continuation, lead bytes, invalid): the split check
        // agrees with `from_utf8` at every position of the cut.
        let text = "a€b\u{10348}cé".repeat(3);
        let mut cases = vec![text.as_bytes().to_vec()];
        for i in 0..text.len() {
            for b in [b'x', 0x80, 0xC3, 0xE2, 0xF0, 0xFF] {
                let mut bytes = text.as_bytes().to_vec();
                bytes[i] = b;
                cases.push(bytes);
            }
        }
        for bytes in cases {
            for len in 0..=bytes.len() {
                let part = &bytes[..len];
                let whole = std::str::from_utf8(part).err().map(|e| e.valid_up_to());
                assert_eq!(invalid_utf8_at(part), whole, "{part:?}");
            }
        }
    }

    #[test]
    fn a_file_is_held_to_the_limit_of_the_way_it_is_loaded() {
        let len = MAP_FROM_BYTES + 1;
        let file = file_of(len as usize, b"[]");
        // Mapped: the map limit counts, not the read one.
        assert!(load(file.path(), 10, len, "JSON").is_ok());
        let err = load(file.path(), u64::MAX, len - 1, "JSON").err().unwrap();
        assert!(
            err.to_string()
                .contains(&format!("larger than the limit of {} bytes", len - 1)),
            "{err}"
        );
        // Small enough to be read: the read limit.
        let small = file_of(100, b"[]");
        let err = load(small.path(), 99, u64::MAX, "JSON").err().unwrap();
        assert!(err.to_string().contains("limit of 99 bytes"), "{err}");
    }
}
