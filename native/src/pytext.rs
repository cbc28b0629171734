//! Python's str methods as docgraph's stages use them (strip, split, isupper, ...), with Python's character
//! classes: `str.isspace` also holds for U+001C..U+001F, which Rust's `char::is_whitespace` leaves out; `isdigit`
//! holds for superscript and circled digits too (a table generated from Python's, src/pytables.rs).
//! Offsets: Python indexes code points, Rust's &str bytes; `CharIndex` converts.

use std::sync::Mutex;

use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::pytables::{DISAGREE, ISDIGIT};

pub fn isspace(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Whether `c` lies in one of the sorted, disjoint inclusive ranges of `table` (code points or chars).
pub fn in_ranges<T: Ord + Copy>(table: &[(T, T)], c: T) -> bool {
    table
        .binary_search_by(|&(a, b)| {
            if b < c {
                std::cmp::Ordering::Less
            } else if a > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

pub fn isdigit(c: char) -> bool {
    let c = c as u32;
    if c < 0x80 {
        return (0x30..=0x39).contains(&c);
    }
    in_ranges(&ISDIGIT, c)
}

/// The text holds a character on which Python and the core disagree (a class of the two regex engines, their
/// case folding, str.isupper...: Unicode versions differ), or one the core's own tables leave unassigned: a later
/// Unicode version (a newer `regex` module or Python) may make it a letter, a mark or a digit, so its texts are read
/// by the Python engine whatever versions the user has installed.
pub fn outside_repertoire(text: &str) -> bool {
    if text.is_ascii() || within_checked(text) {
        return false;
    }
    scan_repertoire(text)
}

/// The last Python str a stage checked whole (`checked_text`): the object (held, so that no other object can take
/// its address or its UTF-8 buffer's while it is here; a str is immutable), its UTF-8 buffer (address, length) and
/// whether it holds a character outside the repertoire. The stages of one file (extract, header, structure,
/// relations) are each given the same str: the first one checks it, the others find it here.
struct Seen {
    obj: Py<PyString>,
    ptr: usize,
    len: usize,
    outside: bool,
}

static SEEN: Mutex<Option<Seen>> = Mutex::new(None);

fn seen() -> std::sync::MutexGuard<'static, Option<Seen>> {
    SEEN.lock().unwrap_or_else(|e| e.into_inner())
}

/// `text` lies within the UTF-8 buffer of the str last checked whole, which held no character outside the
/// repertoire: a part of it holds none either (the header reads its opening lines, a slice of the same buffer).
fn within_checked(text: &str) -> bool {
    let (p, n) = (text.as_ptr() as usize, text.len());
    matches!(&*seen(), Some(s) if !s.outside && p >= s.ptr && p + n <= s.ptr + s.len)
}

/// The UTF-8 text of a Python str (CPython keeps it in the object: each stage's view of it is the same buffer) and
/// whether it holds a character outside the repertoire (`outside_repertoire`), checked once per str object: the
/// answer is kept for the last object asked about. Err: a lone surrogate (UnicodeEncodeError, as for a `&str`
/// argument).
pub fn checked_text<'a>(s: &'a Bound<'_, PyString>) -> PyResult<(&'a str, bool)> {
    let text = s.to_str()?;
    let ptr = s.as_ptr() as usize;
    if let Some(e) = &*seen() {
        if e.obj.as_ptr() as usize == ptr {
            return Ok((text, e.outside));
        }
    }
    let outside = !text.is_ascii() && scan_repertoire(text);
    let new = Seen {
        obj: s.clone().unbind(),
        ptr: text.as_ptr() as usize,
        len: text.len(),
        outside,
    };
    let old = seen().replace(new);
    drop(old); // its str released outside the lock (the GIL is held: `s` is bound)
    Ok((text, outside))
}

/// Let go of the str last checked if it is `s` (the last stage of a file is done with it: no text is kept alive
/// between files).
pub fn forget_text(s: &Bound<'_, PyString>) {
    let old = {
        let mut g = seen();
        if matches!(&*g, Some(e) if e.obj.as_ptr() == s.as_ptr()) {
            g.take()
        } else {
            None
        }
    };
    drop(old);
}

/// Where reading the ASCII from `i` on, eight bytes at a time, stops: at the first byte >= 0x80 of the first eight
/// that hold one, or where fewer than eight bytes are left (the caller reads those one by one). Vietnamese words are
/// short runs of ASCII between accented letters.
pub(crate) fn ascii_run_end(b: &[u8], mut i: usize) -> usize {
    while i + 8 <= b.len() {
        let w = u64::from_le_bytes(b[i..i + 8].try_into().expect("eight bytes"));
        if w & 0x8080_8080_8080_8080 != 0 {
            return i + (w & 0x8080_8080_8080_8080).trailing_zeros() as usize / 8;
        }
        i += 8;
    }
    i
}

fn scan_repertoire(text: &str) -> bool {
    let bits = disagree_bits();
    let ascii = bits[0] | bits[1] != 0; // an ASCII character in the table (none today) is looked up too
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] < 0x80 && !ascii {
            // a run of ASCII: eight bytes at a time (Vietnamese words are short runs of ASCII between accents)
            i = ascii_run_end(b, i + 1);
            continue;
        }
        // the code point at a char boundary of valid UTF-8, decoded in place
        let (u, n) = match b[i] {
            x if x < 0x80 => (x as usize, 1),
            x if x < 0xE0 => (((x as usize & 0x1F) << 6) | (b[i + 1] as usize & 0x3F), 2),
            x if x < 0xF0 => (
                ((x as usize & 0x0F) << 12) | ((b[i + 1] as usize & 0x3F) << 6) | (b[i + 2] as usize & 0x3F),
                3,
            ),
            x => (
                ((x as usize & 0x07) << 18)
                    | ((b[i + 1] as usize & 0x3F) << 12)
                    | ((b[i + 2] as usize & 0x3F) << 6)
                    | (b[i + 3] as usize & 0x3F),
                4,
            ),
        };
        if bits[u >> 6] >> (u & 63) & 1 == 1 {
            return true;
        }
        i += n;
    }
    false
}

/// DISAGREE and the unassigned code points (`\p{Cn}` of the regex crate's tables) as a bit per code point: one
/// look-up a character (the regex crate's lazy DFA on the same class took 4 ns a byte of Vietnamese text).
fn disagree_bits() -> &'static Vec<u64> {
    static BITS: std::sync::OnceLock<Vec<u64>> = std::sync::OnceLock::new();
    BITS.get_or_init(|| {
        let ranges: String = DISAGREE
            .iter()
            .map(|&(a, b)| format!("\\x{{{a:X}}}-\\x{{{b:X}}}"))
            .collect();
        let hir = regex_syntax::parse(&format!("[{ranges}\\p{{Cn}}]")).expect("the DISAGREE table is a valid class");
        let mut bits = vec![0u64; 0x110000 / 64];
        let regex_syntax::hir::HirKind::Class(regex_syntax::hir::Class::Unicode(cls)) = hir.kind() else {
            panic!("the DISAGREE table is a class of code points")
        };
        for r in cls.ranges() {
            for u in r.start() as usize..=r.end() as usize {
                bits[u >> 6] |= 1 << (u & 63);
            }
        }
        bits
    })
}

/// `c.isupper()` of one character
pub fn isupper(c: char) -> bool {
    c.is_uppercase()
}

/// `c.islower()` of one character
pub fn islower(c: char) -> bool {
    c.is_lowercase()
}

pub fn strip(s: &str) -> &str {
    s.trim_matches(isspace)
}

pub fn rstrip(s: &str) -> &str {
    s.trim_end_matches(isspace)
}

/// `" ".join(s.split())[:limit]`
pub fn squeeze(s: &str, limit: usize) -> String {
    let mut out = String::new();
    let mut n = 0;
    for w in s.split(isspace).filter(|w| !w.is_empty()) {
        if n > 0 {
            if n >= limit {
                break;
            }
            out.push(' ');
            n += 1;
        }
        for c in w.chars() {
            if n >= limit {
                return out;
            }
            out.push(c);
            n += 1;
        }
    }
    out
}

/// `s[:n]` in code points
pub fn head(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((b, _)) => &s[..b],
        None => s,
    }
}

pub fn char_len(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().count()
    }
}

/// Byte offsets of a text to code point offsets, for offsets met in increasing order (a running count).
pub struct CharIndex<'a> {
    text: &'a str,
    ascii: bool,
    byte: usize,
    chars: usize,
}

impl<'a> CharIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        CharIndex {
            text,
            ascii: text.is_ascii(),
            byte: 0,
            chars: 0,
        }
    }

    /// The code point offset of byte offset `b` (a char boundary); cheapest when calls come in increasing order.
    pub fn at(&mut self, b: usize) -> usize {
        if self.ascii {
            return b;
        }
        if b < self.byte {
            self.byte = 0;
            self.chars = 0;
        }
        self.chars += char_len(&self.text[self.byte..b]);
        self.byte = b;
        self.chars
    }
}

/// For each character of `text`: 1 isupper, 2 islower, 4 isdigit, 8 isspace, as the core reads them (the tests
/// compare them with Python's on every code point).
#[pyfunction]
pub fn char_flags(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| isupper(c) as u8 | (islower(c) as u8) << 1 | (isdigit(c) as u8) << 2 | (isspace(c) as u8) << 3)
        .collect()
}

/// The characters whose texts are left to Python (DISAGREE and the unassigned code points: runs of (first, last)
/// code points), for the tests.
#[pyfunction]
pub fn disagreeing() -> Vec<(u32, u32)> {
    let bits = disagree_bits();
    let mut out: Vec<(u32, u32)> = Vec::new();
    for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
        if bits[c as usize >> 6] >> (c as u32 & 63) & 1 == 1 {
            let n = c as u32;
            match out.last_mut() {
                Some(last) if last.1 + 1 == n => last.1 = n,
                _ => out.push((n, n)),
            }
        }
    }
    out
}

/// `" ".join(s.split())[:limit]`, `s.strip()`, for the tests
#[pyfunction]
pub fn squeezed(s: &str, limit: usize) -> (String, String) {
    (squeeze(s, limit), strip(s).to_string())
}

#[cfg(test)]
mod repertoire_tests {
    use super::{disagree_bits, outside_repertoire};

    #[test]
    fn every_code_point_alone_and_among_others() {
        let bits = disagree_bits();
        let bit = |c: char| bits[c as usize >> 6] >> (c as usize & 63) & 1 == 1;
        for u in 0..0x110000u32 {
            let Some(c) = char::from_u32(u) else { continue };
            assert_eq!(outside_repertoire(&c.to_string()), bit(c), "{u:X}");
            let s = format!("tỉnh Bắc {c}Giang ạ");
            assert_eq!(outside_repertoire(&s), bit(c), "{u:X}");
        }
    }
}
