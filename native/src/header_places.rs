//! The provinces a header's first lines name (docgraph/gazetteer.py `Gazetteer.provinces_in`): the matches of the
//! gazetteer's unit pattern
//! `(?i)(?<![\p{L}\p{M}])(?P<w>u1|u2|...)(?![\p{L}\p{M}])\s+(?P<name>[\p{L}\p{M}]+(?:(?:[ \t]+|[ \t]*[-–][ \t]*)
//! (?!(?:u1|...)(?![\p{L}\p{M}]))[\p{L}\p{M}]+){0,5})`, the unit words longest first, a space in one standing for
//! `\s+`, each looked up as `_name_after(..., unplaced=False)` does, counted by province.
//!
//! The unit words are found with the regex crate (case-insensitively: its folding agrees with Python's on the
//! letters of FOLD_ALPHABET); at a position where one starts, the words are tried in the alternation's order, as
//! Python's backtracking does, and the first followed by a non-letter, white space and a letter is the match. The
//! name's repeat is greedy and nothing follows it, so it is read left to right without backtracking. What a name
//! denotes (the longest of its first 1..6 words that the data knows, for the unit's level) comes from tables the
//! gazetteer builds from its own data: nothing of the data is written here.

use std::collections::HashMap;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use regex_automata::meta;
use regex_syntax::hir::{Class, HirKind};

use crate::pattern::FOLD_ALPHABET;
use crate::pytext::{in_ranges, isspace, outside_repertoire};

/// The character ranges of a class as the regex crate reads it (`[\p{L}\p{M}]`, ...).
pub fn class_ranges(src: &str) -> Vec<(char, char)> {
    let hir = regex_syntax::ParserBuilder::new()
        .build()
        .parse(src)
        .expect("a valid class");
    match hir.kind() {
        HirKind::Class(Class::Unicode(cls)) => cls.ranges().iter().map(|r| (r.start(), r.end())).collect(),
        _ => panic!("{src} is no Unicode class"),
    }
}

/// `[\p{L}\p{M}]` of the regex crate (it agrees with Python's `regex` outside the DISAGREE table).
pub fn is_letter_or_mark(c: char) -> bool {
    static LM: std::sync::OnceLock<Vec<(char, char)>> = std::sync::OnceLock::new();
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    let u = c as u32;
    if (0xC0..=0x24F).contains(&u) && u != 0xD7 && u != 0xF7 || (0x1EA0..=0x1EF9).contains(&u) {
        return true;
    }
    in_ranges(LM.get_or_init(|| class_ranges(r"[\p{L}\p{M}]")), c)
}

/// `\s` of the regex crate (Unicode White_Space)
fn is_space(c: char) -> bool {
    c.is_whitespace()
}

const NOT_COUNTED: u32 = u32::MAX;

/// The levels of the unit words, as the tables are ordered.
const PROVINCIAL_CITY: usize = 0;
const PROVINCIAL: usize = 1;
const DISTRICT: usize = 2;
const COMMUNE: usize = 3;

#[pyclass(name = "ProvinceCounter", module = "docgraph_native", frozen)]
pub struct ProvinceCounter {
    /// any unit word, case-insensitively (where a match can start)
    any: regex::Regex,
    /// a unit word (the first of the alternation for which the rest matches), white space and a letter, anchored
    head: meta::Regex,
    /// a unit word followed by a non-letter, anchored (the name's inner lookahead)
    unit_end: meta::Regex,
    /// the table of each unit word (its name_key's level; usize::MAX: a level no name is looked up for)
    unit_table: HashMap<String, usize>,
    /// name_key of a name -> the province it counts for (NOT_COUNTED: a unit of the data that counts for none)
    tables: [HashMap<String, u32>; 4],
    provinces: Vec<String>,
    /// fold() of the characters below U+2000 whose fold is a part of "hoi" (others' is not)
    hoi: HashMap<char, String>,
    /// the most characters other than white space a unit word holds
    unit_chars: usize,
}

/// Why a text is left to Python.
struct Defer;

impl ProvinceCounter {
    fn build(
        units: Vec<String>,
        levels: HashMap<String, String>,
        cities: Vec<String>,
        tables: Vec<HashMap<String, String>>,
        hoi: HashMap<char, String>,
    ) -> Result<ProvinceCounter, String> {
        if units.is_empty() {
            return Err("no unit words".into());
        }
        if tables.len() != 4 {
            return Err("four tables are needed (city, provincial, district, commune)".into());
        }
        let mut alts = Vec::new();
        for u in &units {
            let first = u.chars().next().ok_or("an empty unit word")?;
            if !is_letter_or_mark(first) {
                return Err(format!("the unit word {u:?} does not begin with a letter"));
            }
            if let Some(c) = u.chars().find(|c| c.is_alphabetic() && !FOLD_ALPHABET.contains(*c)) {
                return Err(format!(
                    "the unit word {u:?} holds {c:?}, a letter whose case folding is not checked"
                ));
            }
            // regex.escape(w).replace("\\ ", r"\s+"): each space stands for a run of white space
            let alt: Vec<String> = u.split(' ').map(regex_syntax::escape).collect();
            alts.push(alt.join(r"\s+"));
        }
        // the regex crate's lazy DFA: a short alternation of literals, its cache small
        let any = regex::RegexBuilder::new(&format!("(?i)(?:{})", alts.join("|")))
            .dfa_size_limit(1 << 18)
            .build()
            .map_err(|e| e.to_string())?;
        // the unit word's lookahead (no letter or mark) holds when white space follows it
        let alt = alts.join("|");
        // anchored, short: without the lazy DFA, whose states over the letter class cost megabytes
        let anchored = |src: String| {
            meta::Builder::new()
                .configure(meta::Config::new().hybrid(false).onepass(false).dfa(false))
                .build(&src)
                .map_err(|e| e.to_string())
        };
        let head = anchored(format!(r"^(?i:{alt})\s+[\p{{L}}\p{{M}}]"))?;
        let unit_end = anchored(format!(r"^(?i:{alt})(?:[^\p{{L}}\p{{M}}]|\z)"))?;
        let mut provinces: Vec<String> = Vec::new();
        let mut index: HashMap<String, u32> = HashMap::new();
        let mut out: [HashMap<String, u32>; 4] = Default::default();
        for (t, table) in tables.into_iter().enumerate() {
            for (k, prov) in table {
                let v = if prov.is_empty() {
                    NOT_COUNTED
                } else {
                    *index.entry(prov.clone()).or_insert_with(|| {
                        provinces.push(prov);
                        (provinces.len() - 1) as u32
                    })
                };
                out[t].insert(k, v);
            }
        }
        let mut unit_table = HashMap::new();
        for (w, lvl) in levels {
            let t = match lvl.as_str() {
                "provincial" if cities.contains(&w) => PROVINCIAL_CITY,
                "provincial" => PROVINCIAL,
                "district" => DISTRICT,
                "commune" => COMMUNE,
                _ => usize::MAX,
            };
            unit_table.insert(w, t);
        }
        let unit_chars = units
            .iter()
            .map(|u| u.chars().filter(|c| !c.is_whitespace()).count())
            .max()
            .unwrap_or(0);
        Ok(ProvinceCounter {
            unit_chars,
            any,
            head,
            unit_end,
            unit_table,
            tables: out,
            provinces,
            hoi,
        })
    }

    /// The end of the unit word matched at `p`, where the whole pattern matches there, with the name's span.
    fn match_at(&self, text: &str, p: usize) -> Option<(usize, usize, usize)> {
        if text[..p].chars().next_back().is_some_and(is_letter_or_mark) {
            return None;
        }
        // the regex crate's leftmost-first alternation takes the first unit word for which the rest matches, as
        // Python's backtracking does; the unit word ends where the white space before the name's letter starts
        let m = self.head.find(self.window(text, p))?;
        let letter = p + m.end() - text[..p + m.end()].chars().next_back().map_or(0, char::len_utf8);
        let wend = text[..letter].trim_end_matches(is_space).len();
        Some((wend, letter, self.name_end(text, letter)))
    }

    /// Whether a unit word followed by a non-letter starts at `q` (the name's inner lookahead).
    fn unit_at(&self, text: &str, q: usize) -> bool {
        self.unit_end.is_match(self.window(text, q))
    }

    /// `text[p..]` up to the (longest unit word's characters other than white space + 2)th character that is no
    /// white space: every match of `head` and `unit_end` at `p` (a unit word, white space or one character, a
    /// letter) lies in it, and the `\z` of `unit_end` cannot match at its end (a unit word ends with a character
    /// that is no white space, and it would have to hold all of them). The searches pay for the text they are
    /// given (the bounded backtracker clears its visited set over all of it, else the PikeVM runs): the rest of a
    /// 6,000-character head at each unit word was most of count_in's time.
    fn window<'t>(&self, text: &'t str, p: usize) -> &'t str {
        let rest = &text[p..];
        let mut k = 0;
        for (i, c) in rest.char_indices() {
            if !c.is_whitespace() {
                k += 1;
                if k > self.unit_chars + 1 {
                    return &rest[..i];
                }
            }
        }
        rest
    }

    /// The end of the name starting at `start` (a letter): a run of letters, then up to five more, each after
    /// spaces or a dash and not a unit word.
    fn name_end(&self, text: &str, start: usize) -> usize {
        let letters =
            |from: usize| from + text[from..].len() - text[from..].trim_start_matches(is_letter_or_mark).len();
        let blanks = |from: usize| from + text[from..].len() - text[from..].trim_start_matches([' ', '\t']).len();
        let mut q = letters(start);
        for _ in 0..5 {
            // [ \t]+ then a word; else [ \t]*[-–][ \t]* then a word
            let r = blanks(q);
            let next = if r > q && self.word_at(text, r) {
                Some(r)
            } else {
                let d = text[r..].chars().next().filter(|&c| c == '-' || c == '–');
                match d {
                    Some(c) => {
                        let s = blanks(r + c.len_utf8());
                        self.word_at(text, s).then_some(s)
                    }
                    None => None,
                }
            };
            match next {
                Some(s) => q = letters(s),
                None => break,
            }
        }
        q
    }

    fn word_at(&self, text: &str, s: usize) -> bool {
        text[s..].chars().next().is_some_and(is_letter_or_mark) && !self.unit_at(text, s)
    }

    /// fold(word) == "hoi" (the "xã hội" test); Defer for a character the table does not hold.
    fn folds_to_hoi(&self, word: &str) -> Result<bool, Defer> {
        let mut f = String::new();
        for c in word.chars() {
            if c as u32 >= 0x2000 {
                return Err(Defer);
            }
            match self.hoi.get(&c) {
                Some(s) => f.push_str(s),
                None => return Ok(false),
            }
            if f.len() > 3 {
                return Ok(false);
            }
        }
        Ok(f == "hoi")
    }

    /// The provinces counted, in the order first met.
    fn count(&self, text: &str) -> Result<Vec<(u32, usize)>, Defer> {
        let mut counts: Vec<(u32, usize)> = Vec::new();
        let mut pos = 0;
        while pos < text.len() {
            let Some(m) = self.any.find_at(text, pos) else {
                break;
            };
            let p = m.start();
            let Some((wend, start, end)) = self.match_at(text, p) else {
                pos = p + text[p..].chars().next().map_or(1, char::len_utf8);
                continue;
            };
            pos = end;
            if text[end..]
                .chars()
                .next()
                .is_some_and(|c| !c.is_ascii() && c.is_alphanumeric())
            {
                // a name followed by a letter-like number ("Ⅻ"): the old tone placement before it reads otherwise
                return Err(Defer);
            }
            let key: String = text[p..wend]
                .split(isspace)
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            let key = key.to_lowercase();
            let Some(&table) = self.unit_table.get(&key) else {
                continue;
            };
            let words = name_words(&text[start..end]);
            if key.ends_with("xã") && self.folds_to_hoi(words[0])? {
                continue;
            }
            if table == usize::MAX {
                continue;
            }
            for n in (1..=words.len().min(6)).rev() {
                let cand = words[..n].join(" ").to_lowercase();
                if let Some(&v) = self.tables[table].get(&cand) {
                    if v != NOT_COUNTED {
                        match counts.iter_mut().find(|(p, _)| *p == v) {
                            Some(e) => e.1 += 1,
                            None => counts.push((v, 1)),
                        }
                    }
                    break;
                }
            }
        }
        Ok(counts)
    }
}

impl ProvinceCounter {
    /// (province, count) in the order first named, of a text in NFC with the modern tone placement whose
    /// characters the caller has checked (`outside_repertoire`); None when the text is left to Python.
    pub(crate) fn counted(&self, text: &str) -> Option<Vec<(&str, usize)>> {
        let counts = self.count(text).ok()?;
        Some(
            counts
                .into_iter()
                .map(|(p, n)| (self.provinces[p as usize].as_str(), n))
                .collect(),
        )
    }
}

/// gazetteer._words of a name: its words, a dash kept as a word of its own ("Bà Rịa - Vũng Tàu").
fn name_words(name: &str) -> Vec<&str> {
    let mut words = Vec::new();
    let mut dash = false;
    let mut i = 0;
    while i < name.len() {
        let c = name[i..].chars().next().expect("a char boundary");
        if c == '-' || c == '–' {
            dash = true;
            i += c.len_utf8();
        } else if c == ' ' || c == '\t' {
            i += 1;
        } else {
            let rest = &name[i..];
            let len = rest.find([' ', '\t', '-', '–']).unwrap_or(rest.len());
            if dash && !words.is_empty() {
                words.push("-");
            }
            dash = false;
            words.push(&name[i..i + len]);
            i += len;
        }
    }
    words
}

#[pymethods]
impl ProvinceCounter {
    /// `units`: the unit words (name_key) in the alternation's order; `levels`: each one's level; `cities`: the unit
    /// words that name a city; `tables`: for a city word, a provincial, a district and a commune word, name_key of a
    /// name -> the province it counts for ("" for one the data places in several); `hoi`: fold() of the characters
    /// below U+2000 whose fold is part of "hoi". ValueError when the core cannot search these words.
    #[new]
    fn new(
        units: Vec<String>,
        levels: HashMap<String, String>,
        cities: Vec<String>,
        tables: Vec<HashMap<String, String>>,
        hoi: HashMap<char, String>,
    ) -> PyResult<Self> {
        let counter = ProvinceCounter::build(units, levels, cities, tables, hoi).map_err(PyValueError::new_err);
        crate::pattern::release_freed(); // what compiling the patterns left behind
        counter
    }

    /// (province, count) in the order first named, of a text in NFC with the modern tone placement; None when the
    /// text is left to Python (a character the core's Unicode tables read otherwise).
    fn count_in(&self, text: &str) -> Option<Vec<(String, usize)>> {
        if outside_repertoire(text) {
            return None;
        }
        let counts = self.count(text).ok()?;
        Some(
            counts
                .into_iter()
                .map(|(p, n)| (self.provinces[p as usize].clone(), n))
                .collect(),
        )
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<ProvinceCounter>()
}
