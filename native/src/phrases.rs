//! The relation reader's phrase search (docgraph/phrases.py `PhraseScanner.finditer`): the matches of
//! `(?i)(?<![\p{L}])(?:p1|p2|...)(?![\p{L}])`, the phrases longest first, a space in a phrase standing for `\s+`.
//!
//! The phrases are a tree of their characters, each character standing for its case-insensitive class as the regex
//! crate folds it (regex-syntax's `(?i)c`: the same folding the rules' patterns get, which agrees with Python's on
//! the letters of FOLD_ALPHABET), a space for a run of white space (`\s`: Unicode White_Space). At each character
//! not preceded by a letter the tree is walked as far as the text follows it; of the phrases ending on the way and
//! followed by a non-letter (or the end), the longest is the match: the first phrase of the alternation that matches
//! there, as Python's backtracking finds it (on one walk the phrases ending are prefixes of each other, so their
//! lengths differ). The search goes on after the match, as `finditer` does. Letters: `\p{L}` of the regex crate,
//! which agrees with Python's on every character outside the DISAGREE table (texts holding one of those are left
//! to Python, as the structure reader does).

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use regex_syntax::hir::{Class, HirKind};

use crate::pattern::FOLD_ALPHABET;
use crate::pytext::{outside_repertoire, CharIndex};

fn letter() -> &'static regex::Regex {
    static L: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    L.get_or_init(|| regex::Regex::new(r"^\p{L}").expect("a valid class"))
}

fn is_letter(c: char) -> bool {
    let u = c as u32;
    if u < 0x80 {
        return c.is_ascii_alphabetic();
    }
    // Latin-1 letters, Latin Extended-A/B, IPA; Latin Extended Additional (Vietnamese): all letters (\p{L})
    if (0xC0..=0x2AF).contains(&u) && u != 0xD7 && u != 0xF7 || (0x1E00..=0x1EFF).contains(&u) {
        return true;
    }
    let mut buf = [0u8; 4];
    letter().is_match(c.encode_utf8(&mut buf))
}

/// `\s` of the regex crate (Unicode White_Space), which is Rust's `char::is_whitespace`.
fn is_space(c: char) -> bool {
    c.is_whitespace()
}

const NONE: u32 = u32::MAX;

#[derive(Default)]
struct Node {
    kids: Vec<(u32, u32)>, // (class of a character, node)
    space: u32,            // the node after a run of white space, or NONE
    end: bool,             // a phrase ends here
}

#[pyclass(name = "PhraseSet", module = "docgraph_native", frozen)]
pub struct PhraseSet {
    nodes: Vec<Node>,
    latin: Vec<u32>,         // the class of a character below U+0250, or NONE
    viet: Vec<u32>,          // the class of a character of U+1E00..U+1EFF (Latin Extended Additional), or NONE
    other: Vec<(char, u32)>, // another character's class (sorted by character)
    first: Vec<u32>,         // the node after a phrase's first character, by its class (NONE: no phrase starts so)
}

/// The characters `(?i)c` matches in the regex crate.
fn fold_class(c: char) -> Result<Vec<char>, String> {
    let hir = regex_syntax::ParserBuilder::new()
        .case_insensitive(true)
        .build()
        .parse(&regex::escape(&c.to_string()))
        .map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    match hir.kind() {
        HirKind::Literal(lit) => out.extend(std::str::from_utf8(&lit.0).map_err(|e| e.to_string())?.chars()),
        HirKind::Class(Class::Unicode(cls)) => {
            for r in cls.ranges() {
                out.extend(r.start()..=r.end());
            }
        }
        _ => return Err(format!("{c:?} folds to no class")),
    }
    if !out.contains(&c) {
        out.push(c);
    }
    Ok(out)
}

impl PhraseSet {
    /// `phrases`: lower case, NFC, single spaces, in the alternation's order (longest first).
    pub fn build(phrases: &[String]) -> Result<PhraseSet, String> {
        if phrases.is_empty() {
            return Err("no phrases".into());
        }
        let mut set = PhraseSet {
            nodes: vec![Node {
                space: NONE,
                ..Node::default()
            }],
            latin: vec![NONE; 0x250],
            viet: vec![NONE; 0x100],
            other: Vec::new(),
            first: Vec::new(),
        };
        let mut classes: std::collections::BTreeMap<char, u32> = std::collections::BTreeMap::new();
        for p in phrases {
            let (Some(first), Some(last)) = (p.chars().next(), p.chars().last()) else {
                return Err("an empty phrase".into());
            };
            if !is_letter(first) || !is_letter(last) {
                return Err(format!("the phrase {p:?} does not begin and end with a letter"));
            }
            if let Some(c) = p.chars().find(|c| c.is_alphabetic() && !FOLD_ALPHABET.contains(*c)) {
                return Err(format!(
                    "the phrase {p:?} holds {c:?}, a letter whose case folding is not checked"
                ));
            }
            if p.chars()
                .any(|c| (is_space(c) || crate::pytext::isspace(c)) && c != ' ')
                || p.contains("  ")
            {
                return Err(format!("the phrase {p:?} is not spaced with single spaces"));
            }
            let mut node = 0usize;
            for c in p.chars() {
                let next = if c == ' ' {
                    if set.nodes[node].space == NONE {
                        set.nodes.push(Node {
                            space: NONE,
                            ..Node::default()
                        });
                        set.nodes[node].space = (set.nodes.len() - 1) as u32;
                    }
                    set.nodes[node].space
                } else {
                    let id = match classes.get(&c) {
                        Some(&id) => id,
                        None => {
                            let members = fold_class(c)?;
                            let id = classes.values().max().map_or(0, |x| x + 1);
                            for m in members {
                                if let Some(&old) = classes.get(&m) {
                                    if old != id {
                                        return Err(format!("{m:?} folds with two classes"));
                                    }
                                }
                                classes.insert(m, id);
                            }
                            id
                        }
                    };
                    match set.nodes[node].kids.iter().find(|(k, _)| *k == id) {
                        Some(&(_, n)) => n,
                        None => {
                            set.nodes.push(Node {
                                space: NONE,
                                ..Node::default()
                            });
                            let n = (set.nodes.len() - 1) as u32;
                            set.nodes[node].kids.push((id, n));
                            n
                        }
                    }
                };
                node = next as usize;
            }
            set.nodes[node].end = true;
        }
        let n = classes.values().max().map_or(0, |x| x + 1);
        for (c, id) in classes {
            let u = c as u32;
            if u < 0x250 {
                set.latin[u as usize] = id;
            } else if (0x1E00..0x1F00).contains(&u) {
                set.viet[(u - 0x1E00) as usize] = id;
            } else {
                set.other.push((c, id));
            }
        }
        set.first = vec![NONE; n as usize];
        for &(k, node) in set.nodes[0].kids.iter() {
            set.first[k as usize] = node;
        }
        Ok(set)
    }

    #[inline]
    fn class(&self, c: char) -> u32 {
        let u = c as u32;
        if u < 0x250 {
            return self.latin[u as usize];
        }
        if (0x1E00..0x1F00).contains(&u) {
            return self.viet[(u - 0x1E00) as usize];
        }
        match self.other.binary_search_by(|(k, _)| k.cmp(&c)) {
            Ok(i) => self.other[i].1,
            Err(_) => NONE,
        }
    }

    fn child(&self, node: u32, c: char) -> u32 {
        let id = self.class(c);
        if id == NONE {
            return NONE;
        }
        if node == 0 {
            return self.first[id as usize];
        }
        self.nodes[node as usize]
            .kids
            .iter()
            .find(|(k, _)| *k == id)
            .map_or(NONE, |&(_, n)| n)
    }

    /// The end (bytes) of the longest phrase starting at byte `s` and followed by a non-letter or the text's end.
    fn longest_at(&self, text: &str, s: usize) -> Option<usize> {
        let mut node = 0u32;
        let mut best = None;
        let mut it = text[s..].char_indices().peekable();
        loop {
            let here = it.peek().copied();
            if self.nodes[node as usize].end && node != 0 {
                match here {
                    None => return Some(text.len()),
                    Some((_, c)) if !is_letter(c) => best = Some(s + here.unwrap().0),
                    _ => {}
                }
            }
            let Some((_, c)) = here else { return best };
            let n = &self.nodes[node as usize];
            if n.space != NONE && is_space(c) {
                while it.peek().is_some_and(|&(_, c)| is_space(c)) {
                    it.next();
                }
                node = n.space;
                continue;
            }
            let next = self.child(node, c);
            if next == NONE {
                return best;
            }
            it.next();
            node = next;
        }
    }

    /// The matches in `text[from..]` (bytes), the lookbehind reading `text[..from]` too.
    pub fn spans_bytes(&self, text: &str, from: usize) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut prev_letter = text[..from].chars().next_back().is_some_and(is_letter);
        let mut i = from;
        while i < text.len() {
            let c = text[i..].chars().next().expect("a char boundary");
            if !prev_letter && self.child(0, c) != NONE {
                if let Some(e) = self.longest_at(text, i) {
                    out.push((i, e));
                    prev_letter = text[..e].chars().next_back().is_some_and(is_letter);
                    i = e;
                    continue;
                }
            }
            prev_letter = is_letter(c);
            i += c.len_utf8();
        }
        out
    }
}

#[pymethods]
impl PhraseSet {
    /// ValueError when a phrase is one the core cannot search (docgraph then searches them in Python).
    #[new]
    fn new(phrases: Vec<String>) -> PyResult<Self> {
        PhraseSet::build(&phrases).map_err(PyValueError::new_err)
    }

    /// The matches (start, end) in code points of `text`, from code point `skip` on (the characters before it
    /// are only read by the lookbehind: the caller passes `text[pos - 1:endpos]` with skip 1 for a search from
    /// `pos` to `endpos`). None when the text holds a character the core's Unicode tables read otherwise.
    #[pyo3(signature = (text, skip=0))]
    fn spans(&self, py: Python<'_>, text: &str, skip: usize) -> Option<Vec<(usize, usize)>> {
        if outside_repertoire(text) {
            return None;
        }
        let from = match text.char_indices().nth(skip) {
            Some((b, _)) => b,
            None => return Some(Vec::new()),
        };
        let found = if text.len() > 1 << 14 {
            py.allow_threads(|| self.spans_bytes(text, from))
        } else {
            self.spans_bytes(text, from)
        };
        let mut ix = CharIndex::new(text);
        Some(found.into_iter().map(|(s, e)| (ix.at(s), ix.at(e))).collect())
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PhraseSet>()
}
