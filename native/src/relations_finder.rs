//! The relation reader's tables and small questions (docgraph/relations.py `RelationFinder` and its module
//! functions; phrases.py `evidence`, `quote_depths`, `paren_depth`): everything given at construction from the same
//! rules data and patterns the Python reader uses. Offsets in bytes of the text; `Txt` converts code points.

use std::collections::{HashMap, HashSet};

use crate::phrases::PhraseSet;
use crate::pytext::{isspace, isupper};
use crate::relations::{Offsets, Rx, Stop};

pub type R<T> = Result<T, Stop>;

/// A text with its code point offsets.
pub struct Txt<'a> {
    pub s: &'a str,
    pub off: Offsets,
}

impl<'a> Txt<'a> {
    pub fn new(s: &'a str) -> Txt<'a> {
        Txt {
            s,
            off: Offsets::new(s),
        }
    }
    /// the code point offset of byte `b`
    pub fn cp(&self, b: usize) -> usize {
        self.off.char(b)
    }
    /// the byte offset of code point `c`
    pub fn by(&self, c: usize) -> usize {
        self.off.byte(c)
    }
    /// `max(lo, pos - n)` in code points, as bytes
    pub fn back(&self, lo: usize, pos: usize, n: usize) -> usize {
        let c = self.cp(pos);
        lo.max(self.by(c.saturating_sub(n)))
    }
    /// the length of `s[a..b]` in code points
    pub fn clen(&self, a: usize, b: usize) -> usize {
        if a >= b {
            return 0;
        }
        self.cp(b) - self.cp(a)
    }
}

pub fn char_count(s: &str) -> usize {
    s.chars().count()
}

/// `" ".join(s.split())` (Python's white space)
pub fn squeeze_all(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split(isspace).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// `s[:1].isupper()`
pub fn first_upper(s: &str) -> bool {
    s.chars().next().is_some_and(isupper)
}

// relation ids: the names docgraph's code uses, then the rules' own
pub const CITES: u16 = 0;
pub const IMPLEMENTS: u16 = 1;
pub const GUIDES: u16 = 2;
pub const AMENDS: u16 = 3;
pub const BASED_ON: u16 = 4;
pub const RESPONDS_TO: u16 = 5;
pub const CONSOLIDATES: u16 = 6;
pub const RIDER: u16 = 7; // not a relation: the mark of a rider's role
pub const FIXED: [&str; 8] = [
    "cites",
    "implements",
    "guides",
    "amends",
    "based_on",
    "responds_to",
    "consolidates",
    "rider",
];

#[derive(Default)]
pub struct Rels {
    pub names: Vec<String>,
    pub ids: HashMap<String, u16>,
}

impl Rels {
    pub fn new() -> Rels {
        let mut r = Rels::default();
        for n in FIXED {
            r.id(n);
        }
        r
    }
    pub fn id(&mut self, name: &str) -> u16 {
        if let Some(&i) = self.ids.get(name) {
            return i;
        }
        self.names.push(name.to_string());
        let i = (self.names.len() - 1) as u16;
        self.ids.insert(name.to_string(), i);
        i
    }
}

/// One mention as the reader needs it (offsets in bytes).
pub struct M {
    pub start: usize,
    pub end: usize,
    pub own: bool,
    pub typ: String, // lower case ("" for None)
    pub number: Option<String>,
    pub symbol: Option<String>,
    pub date: Option<String>,
    pub year: Option<i64>,
    pub name: Option<String>,
    pub text: String,
    pub line: usize,
    pub key: Option<(String, String)>,
    pub rank: std::sync::OnceLock<Option<i64>>,
}

pub struct Finder {
    pub rels: Rels,
    pub rx: HashMap<&'static str, Rx>,
    pub law_name_full: Rx,
    pub lookup: HashMap<String, u16>,
    pub triggers: PhraseSet,
    pub own_parts: HashMap<u16, HashSet<String>>,
    pub own_lead: HashMap<(u16, String), Rx>,
    pub not_sources: HashMap<u16, HashSet<String>>,
    pub passive: Vec<(u16, Rx)>,
    pub passive_any: Option<Rx>,
    pub after: Vec<(u16, Rx)>,
    pub cancel: Option<Rx>,
    pub tight: HashMap<String, HashSet<String>>,
    pub tight_list: Option<Rx>,
    pub ranks: Vec<(i64, HashSet<String>, Vec<Rx>)>,
    pub narrative_types: HashSet<String>,
    pub list_carry: HashSet<u16>,
    pub cancellable: HashSet<u16>,
    pub strict: HashSet<u16>,
    pub part_default: HashMap<String, u16>,
    pub max_title: usize,
    pub max_lead: usize,
    pub max_effect_title: usize,
    pub evidence_limit: usize,
}

/// The patterns of relations.py the reader runs, by name (given at construction).
pub const PATTERNS: [&str; 27] = [
    "coord",
    "ends_coord",
    "own_basis",
    "loose_coord",
    "list_gap",
    "alias",
    "alias_end",
    "about",
    "break_title",
    "self",
    "item_lead",
    "issue",
    "narrated",
    "sentence_end",
    "issued_end",
    "done_end",
    "punct",
    "symbol_spaces",
    "spaces",
    "phrase_tail",
    "named_before",
    "law_name",
    "subject_verb",
    "after_stop",
    "after_licence",
    "after_soft_stop",
    "title_start",
];

#[derive(Clone, Copy)]
pub struct Ph {
    pub rel: u16,
    pub start: usize,
    pub end: usize,
    pub passive: bool,
}

impl Finder {
    pub fn r(&self, name: &'static str) -> &Rx {
        &self.rx[name]
    }

    /// `relation_of`: the relation of a phrase as matched (lower case, spaces collapsed; the matched characters are
    /// case variants of the phrases' letters, which NFC leaves as they are)
    pub fn relation_of(&self, phrase: &str) -> u16 {
        let key = squeeze_all(&phrase.to_lowercase());
        self.lookup.get(&key).copied().unwrap_or(CITES)
    }

    /// `triggers.finditer(text, a, b)` in bytes
    pub fn trigger_spans(&self, text: &str, a: usize, b: usize) -> Vec<(usize, usize)> {
        self.triggers.spans_bytes(&text[..b], a)
    }

    /// `last_phrase(text[a:b], a)`: the gap is a slice (no look-behind before `a`)
    pub fn last_phrase(&self, text: &str, a: usize, b: usize) -> R<Option<Ph>> {
        let gap = &text[a..b];
        let mut best: Option<Ph> = None;
        for (s, e) in self.triggers.spans_bytes(gap, 0) {
            if best.is_none_or(|p| s + a >= p.start) {
                best = Some(Ph {
                    rel: self.relation_of(&gap[s..e]),
                    start: a + s,
                    end: a + e,
                    passive: false,
                });
            }
        }
        if let Some(any) = &self.passive_any {
            if any.search(gap, 0)?.is_none() {
                return Ok(best);
            }
        }
        for (rel, rx) in &self.passive {
            let mut pos = 0;
            while pos <= gap.len() {
                let Some((s, e)) = rx.search(gap, pos)? else { break };
                if best.is_none_or(|p| e + a >= p.end || s + a >= p.start) {
                    best = Some(Ph {
                        rel: *rel,
                        start: a + s,
                        end: a + e,
                        passive: true,
                    });
                }
                pos = if e > s {
                    e
                } else {
                    e + gap[e..].chars().next().map_or(1, char::len_utf8)
                };
            }
        }
        Ok(best)
    }

    /// `tight_miss(phrase, between, target)`
    pub fn tight_miss(&self, phrase: &str, between: &str, target: &M) -> R<bool> {
        let key = squeeze_all(&phrase.to_lowercase());
        let Some(not_targets) = self.tight.get(&key) else {
            return Ok(false);
        };
        let b = between.trim_matches(isspace);
        Ok(self.r("phrase_tail").match_at(b, 0)?.is_none() || not_targets.contains(&target.typ))
    }

    /// `rank(m)`: a document's rank in the legal order (lower is higher), from its symbol or type word
    pub fn rank(&self, m: &M) -> Option<i64> {
        *m.rank.get_or_init(|| {
            let sym: String = m
                .symbol
                .as_deref()
                .unwrap_or("")
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            let sym = sym.replace('Ð', "Đ");
            for (rank, types, symbols) in &self.ranks {
                // a symbol pattern cannot run out of backtracking on a symbol (a few dozen characters)
                let hit = !sym.is_empty() && symbols.iter().any(|x| matches!(x.search(&sym, 0), Ok(Some(_))));
                if hit || types.contains(&m.typ) {
                    return Some(*rank);
                }
            }
            None
        })
    }

    pub fn can_act(&self, source: &M, target: &M, rel: u16) -> bool {
        if !self.dated_ok(source, target, rel) {
            return false;
        }
        if rel == GUIDES && !self.ranks.is_empty() {
            if let (Some(a), Some(b)) = (self.rank(source), self.rank(target)) {
                if a <= b {
                    return false;
                }
            }
        }
        true
    }

    fn dated_ok(&self, source: &M, target: &M, rel: u16) -> bool {
        let strict = self.strict.contains(&rel);
        if !strict && rel != GUIDES {
            return true;
        }
        if let (Some(a), Some(b)) = (&source.date, &target.date) {
            if !a.is_empty() && !b.is_empty() {
                return if strict { a > b } else { a >= b };
            }
        }
        if let (Some(a), Some(b)) = (source.year, target.year) {
            if a != 0 && b != 0 {
                return a >= b;
            }
        }
        true
    }

    /// `_titled(between, subject_verb_re)`
    pub fn titled(&self, between: &str) -> R<bool> {
        if char_count(between) > self.max_title {
            return Ok(false);
        }
        let br = self.r("break_title");
        let mut last = None;
        let mut pos = 0;
        while pos <= between.len() {
            let Some((s, e)) = br.search(between, pos)? else { break };
            last = Some((s, e));
            pos = if e > s {
                e
            } else {
                e + between[e..].chars().next().map_or(1, char::len_utf8)
            };
        }
        let Some((s, e)) = last else { return Ok(true) };
        let g = &between[s..e];
        if g.trim_matches(isspace) == "này" || g.starts_with('.') {
            return Ok(false);
        }
        let rest = &between[e..];
        let Some((a, _)) = self.r("about").search(rest, 0)? else {
            return Ok(false);
        };
        Ok(self.r("subject_verb").search(&rest[..a], 0)?.is_none())
    }

    /// `_inner_lead(f, m)` in bytes of the mention's text (0: none)
    pub fn inner_lead(&self, m: &M) -> usize {
        let Some(number) = &m.number else { return 0 };
        if number.is_empty() {
            return 0;
        }
        let Some(at) = m.text.find(number.as_str()) else {
            return 0;
        };
        if at == 0 {
            return 0;
        }
        let lead = &m.text[..at];
        match self.triggers.spans_bytes(lead, 0).last() {
            Some(&(s, e)) if self.relation_of(&lead[s..e]) == IMPLEMENTS => char_count(&lead[..e]),
            _ => 0,
        }
    }

    /// `_fold_name(name)`: lower case, punctuation and spaces folded (the text holds nothing NFC changes)
    pub fn fold_name(&self, name: &str) -> R<String> {
        if !name.chars().all(nfc_stable) {
            return Err(Stop::Decline);
        }
        let low = name.to_lowercase();
        let p = self.r("punct");
        let mut out = String::with_capacity(low.len());
        let mut pos = 0;
        while let Some((a, b)) = p.search(&low, pos)? {
            out.push_str(&low[pos..a]);
            out.push(' ');
            if b == a {
                break;
            }
            pos = b;
        }
        out.push_str(&low[pos..]);
        Ok(squeeze_all(&out))
    }
}

/// A character NFC leaves as it is whatever follows it (ASCII, the Vietnamese letters, Latin-1 and general
/// punctuation): a name of others is left to Python, which normalizes it.
fn nfc_stable(c: char) -> bool {
    let u = c as u32;
    u < 0x300 && u != 0x340 && u != 0x341
        || crate::pattern::FOLD_ALPHABET.contains(c)
        || (0x2010..=0x2027).contains(&u)
        || (0x2030..=0x205E).contains(&u)
}

/// `_key(m)`: (number without leading zeros, symbol upper case without spaces and dots, Đ as D)
pub fn key_of(number: &Option<String>, symbol: &Option<String>) -> Option<(String, String)> {
    let n = number.as_ref().filter(|n| !n.is_empty())?;
    let sym: String = symbol
        .as_deref()
        .unwrap_or("")
        .to_uppercase()
        .chars()
        .filter(|&c| !(c.is_whitespace() || c == '.'))
        .collect::<String>()
        .replace('Đ', "D");
    Some((n.trim_start_matches('0').to_string(), sym))
}

/// `quote_depths(text, start, end)`: (byte offset, depth after it) at each curly quote. The quotes' UTF-8 forms
/// open with the bytes C2 (« ») and E2 (“ ”), which start a character wherever they stand: only those places are
/// looked at.
pub fn quote_depths(text: &str, start: usize, end: usize) -> Vec<(usize, i64)> {
    let b = &text.as_bytes()[start..end];
    let mut out = Vec::new();
    let mut depth: i64 = 0;
    for i in memchr::memchr2_iter(0xC2, 0xE2, b) {
        match &b[i..b.len().min(i + 3)] {
            [0xC2, 0xAB, ..] | [0xE2, 0x80, 0x9C] => depth += 1, // « “
            [0xC2, 0xBB, ..] | [0xE2, 0x80, 0x9D] => depth = (depth - 1).max(0), // » ”
            _ => continue,
        }
        out.push((start + i, depth));
    }
    out
}

/// `curly_open(quotes, pos)`
pub fn curly_open(quotes: &[(usize, i64)], pos: usize) -> bool {
    let i = quotes.partition_point(|&(o, _)| o < pos);
    i > 0 && quotes[i - 1].1 > 0
}

/// `quoted(quotes, text, cs, pos)`
pub fn quoted(quotes: &[(usize, i64)], text: &str, cs: usize, pos: usize) -> bool {
    curly_open(quotes, pos) || text[cs..pos].matches('"').count() % 2 == 1
}

/// `paren_depth(text, start, pos)`
pub fn paren_depth(text: &str, start: usize, pos: usize) -> i64 {
    let s = &text[start..pos];
    if !s.contains(')') {
        return s.matches('(').count() as i64;
    }
    let mut depth: i64 = 0;
    for c in s.chars() {
        if c == '(' {
            depth += 1;
        } else if c == ')' {
            depth = (depth - 1).max(0);
        }
    }
    depth
}

/// `text[:pos].rstrip()[-1:]` from `start`: the last character before `pos` that is no white space
pub fn last_char(text: &str, pos: usize, start: usize) -> Option<char> {
    text[start..pos].chars().rev().find(|&c| !isspace(c))
}

/// phrases.py `evidence`, offsets in bytes of `t`
pub fn evidence(t: &Txt, cs: usize, ce: usize, spans: &[(usize, usize)], limit: usize) -> String {
    let text = t.s;
    // in code points, as Python computes
    let lo = spans.iter().map(|s| t.cp(s.0)).min().unwrap_or(0);
    let hi = spans.iter().map(|s| t.cp(s.1)).max().unwrap_or(0);
    let (cs, ce) = (t.cp(cs).min(lo), t.cp(ce).max(hi));
    if hi - lo <= limit {
        let (lo_, hi_, cs_, ce_, limit_) = (lo as i64, hi as i64, cs as i64, ce as i64, limit as i64);
        let room = limit_ - (hi_ - lo_);
        let a = cs_.max(lo_ - room.div_euclid(2));
        let b = ce_.min(hi_ + (room - (lo_ - a)));
        let a = cs_.max(a.min(b - limit_));
        let (a, b) = (a as usize, b as usize);
        let s = squeeze_all(&text[t.by(a)..t.by(b)]);
        let mut out = String::new();
        if a > cs {
            out.push('…');
        }
        out.push_str(&s);
        if b < ce {
            out.push('…');
        }
        return out;
    }
    let mut sorted: Vec<(usize, usize)> = spans.iter().map(|&(a, b)| (t.cp(a), t.cp(b))).collect();
    sorted.sort();
    let is_space_at = |c: usize| text[t.by(c)..].chars().next().is_some_and(isspace);
    let mut pieces: Vec<(usize, usize)> = Vec::new();
    for (a, b) in sorted {
        let mut pa = cs.max(a.saturating_sub(30));
        let mut pb = ce.min(b + 30);
        while pa > cs && !is_space_at(pa - 1) && pa + 45 > a {
            pa -= 1;
        }
        while pb < ce && !is_space_at(pb) && pb < b + 45 {
            pb += 1;
        }
        match pieces.last_mut() {
            Some(last) if pa <= last.1 => last.1 = last.1.max(pb),
            _ => pieces.push((pa, pb)),
        }
    }
    pieces
        .iter()
        .map(|&(a, b)| squeeze_all(&text[t.by(a)..t.by(b)]))
        .collect::<Vec<_>>()
        .join(" … ")
}
