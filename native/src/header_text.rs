//! The province a file's first lines name, counted in the core (docgraph/header.py `_province_from_text`, its
//! `Gazetteer.provinces_in`): the first characters of the text, when NFC leaves them as they are, with the old tone
//! placement made modern (docgraph/normalize.py `modern_tones`, from its own table of pairs), counted by the
//! gazetteer's ProvinceCounter (header_places.rs).

use std::collections::HashMap;

use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::header::get;
use crate::header_issuer::Cases;
use crate::header_places::ProvinceCounter;
use crate::pytext::{ascii_run_end, outside_repertoire};

/// `s[:n]` in code points (the characters start where a byte is no continuation byte)
pub(crate) fn head(s: &str, n: usize) -> &str {
    let mut k = 0;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        if (b as i8) >= -0x40 {
            if k == n {
                return &s[..i];
            }
            k += 1;
        }
    }
    s
}

/// A character NFC leaves as it is and that composes with none of these (checked against Python's unicodedata:
/// no pair of them composes): below U+0300, the Latin Extended Additional block (Vietnamese letters), General
/// Punctuation but its two spaces that NFC replaces. Among them only the ASCII digits are decimal.
#[cfg_attr(not(test), allow(dead_code))]
fn nfc_safe(c: char) -> bool {
    let u = c as u32;
    u < 0x300 || (0x1E00..=0x1EFF).contains(&u) || (0x2002..=0x206F).contains(&u)
}

/// Every character of the text is `nfc_safe` (read on its UTF-8 bytes: ASCII eight at a time, the lead and
/// second bytes of the blocks).
fn nfc_safe_text(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let x = b[i];
        if x < 0x80 {
            i = ascii_run_end(b, i + 1);
            continue;
        }
        let ok = match x {
            0xC2..=0xCB => true,                       // U+0080..U+02FF
            0xE1 => (0xB8..=0xBB).contains(&b[i + 1]), // U+1E00..U+1EFF
            0xE2 => (b[i + 1] == 0x80 && b[i + 2] >= 0x82) || (b[i + 1] == 0x81 && b[i + 2] <= 0xAF), // U+2002..U+206F
            _ => false,
        };
        if !ok {
            return false;
        }
        i += if x < 0xE0 { 2 } else { 3 };
    }
    true
}

/// `_province_from_text`'s count in the core: `Gazetteer.provinces_in` of a head whose characters are all
/// `nfc_safe` (NFC leaves it as it is), its old tone placement made modern (`normalize.modern_tones`: the lexicon's
/// table of pairs, not after the letters its pattern names, not before a letter), counted by the gazetteer's
/// ProvinceCounter.
pub(crate) struct TextCount {
    counter: Py<ProvinceCounter>,
    /// an old placement's two letters -> the modern one's
    tones: HashMap<(char, char), (char, char)>,
    /// the letters before which the pair is no syllable's end ("qu", "gi")
    not_after: Vec<char>,
    /// the pairs' first letters (ASCII)
    first_bytes: [bool; 128],
}

impl TextCount {
    /// The provinces counted in `head` (its characters up to byte `checked` are in the core's repertoire); None
    /// when Python is to count them.
    pub(crate) fn count<'a>(
        &'a self,
        py: Python<'_>,
        cases: &Cases,
        head: &str,
        checked: usize,
    ) -> Option<Vec<(&'a str, usize)>> {
        if !nfc_safe_text(head) {
            return None;
        }
        if head.len() > checked && outside_repertoire(&head[checked..]) {
            return None;
        }
        let _ = py;
        // the pairs, one pass (a pair's second letter starts none, and a change keeps its neighbours letters): from
        // each of the first letters (ASCII: found byte by byte)
        let bytes = head.as_bytes();
        let mut modern: Option<String> = None;
        let mut done = 0; // the bytes of head already in `modern`
        let mut pos = 0;
        while let Some(k) = bytes[pos..]
            .iter()
            .position(|&b| b < 0x80 && self.first_bytes[b as usize])
        {
            let i = pos + k;
            pos = i + 1;
            let c = bytes[i] as char;
            let Some(d) = head[i + 1..].chars().next() else { break };
            let Some(&(a, b)) = self.tones.get(&(c, d)) else {
                continue;
            };
            let j = i + 1 + d.len_utf8();
            pos = j;
            if head[..i]
                .chars()
                .next_back()
                .is_some_and(|p| self.not_after.contains(&p))
            {
                continue;
            }
            // (?![^\W\d_]): no letter (str.isalnum but not a decimal digit) after the pair
            if let Some(n) = head[j..].chars().next() {
                if cases.isalnum(n).ok()? && !n.is_ascii_digit() {
                    continue;
                }
            }
            let m = modern.get_or_insert_with(|| String::with_capacity(head.len()));
            m.push_str(&head[done..i]);
            m.push(a);
            m.push(b);
            done = j;
        }
        let text = match modern.as_mut() {
            Some(m) => {
                m.push_str(&head[done..]);
                m.as_str()
            }
            None => head,
        };
        self.counter.get().counted(text)
    }
}

impl TextCount {
    /// From the header spec's counter (None: Python counts), modern_tones' pairs and the letters they may not follow.
    pub(crate) fn build(spec: &Bound<'_, PyDict>) -> PyResult<Option<TextCount>> {
        let s = |k: &str| -> PyResult<String> { get::<String>(spec, k) };
        Ok(match spec.get_item("province_counter")? {
            Some(c) if !c.is_none() => {
                let mut tones = HashMap::new();
                for (k, v) in get::<HashMap<String, String>>(spec, "old_tones")? {
                    let (k, v): (Vec<char>, Vec<char>) = (k.chars().collect(), v.chars().collect());
                    if k.len() != 2 || v.len() != 2 {
                        return Err(pyo3::exceptions::PyValueError::new_err("a tone pair of two letters"));
                    }
                    tones.insert((k[0], k[1]), (v[0], v[1]));
                }
                let mut firsts: Vec<char> = tones.keys().map(|k: &(char, char)| k.0).collect();
                firsts.sort_unstable();
                firsts.dedup();
                // one pass reads them as modern_tones' passes do when no pair's second letter starts one, and
                // a change makes no letter of another (the lexicon's table: o, u and toned vowels)
                let plain = tones
                    .iter()
                    .all(|(k, v)| !firsts.contains(&k.1) && !firsts.contains(&v.0) && !firsts.contains(&v.1))
                    && firsts.iter().all(char::is_ascii);
                let mut first_bytes = [false; 128];
                for c in &firsts {
                    first_bytes[(*c as usize) & 0x7F] = true;
                }
                plain.then_some(TextCount {
                    first_bytes,
                    counter: c.extract()?,
                    tones,
                    not_after: s("old_tones_not_after")?.chars().collect(),
                })
            }
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{head, nfc_safe, nfc_safe_text};

    #[test]
    fn nfc_safe_on_bytes_is_nfc_safe_of_each_character() {
        for c in (0..0x11_0000u32).filter_map(char::from_u32) {
            let s = format!("a{c}b");
            assert_eq!(nfc_safe_text(&s), nfc_safe(c), "{:x}", c as u32);
        }
        assert!(nfc_safe_text("Tỉnh ủy Khánh Hoà – “Bắc Giang” … 12/3"));
        assert!(!nfc_safe_text("Ca\u{300} Mau"));
    }

    #[test]
    fn head_is_the_first_characters() {
        for s in ["", "abc", "Tỉnh ủy", "a\u{10000}b"] {
            for n in 0..6 {
                assert_eq!(head(s, n), s.chars().take(n).collect::<String>());
            }
        }
    }
}
