//! Python's str methods as docgraph's stages use them (strip, split, isupper, ...), with Python's character
//! classes: `str.isspace` also holds for U+001C..U+001F, which Rust's `char::is_whitespace` leaves out; `isdigit`
//! holds for superscript and circled digits too (a table generated from Python's, src/pytables.rs).
//! Offsets: Python indexes code points, Rust's &str bytes; `CharIndex` converts.

use crate::pytables::ISDIGIT;

pub fn isspace(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

pub fn isdigit(c: char) -> bool {
    let c = c as u32;
    if c < 0x80 {
        return (0x30..=0x39).contains(&c);
    }
    ISDIGIT
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
        CharIndex { text, ascii: text.is_ascii(), byte: 0, chars: 0 }
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
