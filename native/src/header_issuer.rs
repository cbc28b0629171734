//! The issuer's name from a header's issuer block (docgraph/header.py `_issuer_name` and `_sentence_case`): the
//! block's lines, a line or a run of up to three lines that says again what is already kept dropped (compared by
//! their letters and digits, casefolded), each line in capitals put in sentence case ("SỞ NỘI VỤ" -> "Sở Nội vụ",
//! "UBND TỈNH BẮC GIANG" -> "UBND tỉnh Bắc Giang"), joined with " - ".
//!
//! Python's str methods are Python's own tables (str.casefold, str.lower, str.upper of the characters below U+20000
//! they change, str.isalnum as ranges), given at construction; the words (kept capitals, phrases, unit words) are
//! the lexicon's; the letters of the unit patterns' lookbehind and name are the regex crate's `\p{L}`, which
//! agrees with Python's on the texts the core reads (pytext::outside_repertoire).

use std::collections::{HashMap, HashSet};

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use regex_automata::meta;

use crate::header::{get, is_upper_line, Defer, Res};
use crate::header_places::class_ranges;
use crate::pattern::translate;
use crate::pytext::{in_ranges, isspace, strip};

/// One of Python's case mappings: the characters it changes (sorted) and where their images lie in one string
/// (a few thousand characters: kept compact, as each worker holds them).
struct CaseMap {
    from: Vec<char>,
    /// the image of from[i]: to[ends[i - 1]..ends[i]]
    ends: Vec<u32>,
    to: String,
}

impl CaseMap {
    fn new(table: HashMap<char, String>) -> CaseMap {
        let mut pairs: Vec<(char, String)> = table.into_iter().collect();
        pairs.sort_unstable();
        let mut m = CaseMap {
            from: Vec::with_capacity(pairs.len()),
            ends: Vec::with_capacity(pairs.len()),
            to: String::new(),
        };
        for (c, f) in pairs {
            m.from.push(c);
            m.to.push_str(&f);
            m.ends.push(m.to.len() as u32);
        }
        m.from.shrink_to_fit();
        m.to.shrink_to_fit();
        m
    }

    fn get(&self, c: char) -> Option<&str> {
        let i = self.from.binary_search(&c).ok()?;
        let a = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        Some(&self.to[a..self.ends[i] as usize])
    }
}

/// Python's case mappings and str.isalnum below U+20000 (from Python's own tables).
pub(crate) struct Cases {
    casefold: CaseMap,
    lower: CaseMap,
    upper: CaseMap,
    alnum: Vec<(char, char)>,
}

impl Cases {
    pub(crate) fn build(spec: &Bound<'_, PyDict>) -> PyResult<Cases> {
        Ok(Cases {
            casefold: CaseMap::new(get(spec, "casefold")?),
            lower: CaseMap::new(get(spec, "lower")?),
            upper: CaseMap::new(get(spec, "upper")?),
            alnum: get(spec, "alnum")?,
        })
    }

    fn map(table: &CaseMap, s: &str) -> Res<String> {
        let mut out = String::with_capacity(s.len());
        for c in s.chars() {
            if c as u32 >= 0x20000 {
                return Err(Defer); // Python's tables stop there
            }
            if c.is_ascii() && !c.is_ascii_alphabetic() {
                out.push(c); // no mapping changes these (a binary search spared)
                continue;
            }
            match table.get(c) {
                Some(f) => out.push_str(f),
                None => out.push(c),
            }
        }
        Ok(out)
    }

    /// `s.casefold()`
    pub(crate) fn casefold(&self, s: &str) -> Res<String> {
        Self::map(&self.casefold, s)
    }

    /// `s.lower()`; Defer for a capital sigma, which Python lowers by its context (final or not)
    fn lower(&self, s: &str) -> Res<String> {
        if s.contains('\u{3A3}') {
            return Err(Defer);
        }
        Self::map(&self.lower, s)
    }

    /// `s[:1].upper() + s[1:]`
    fn capitalized(&self, s: &str) -> Res<String> {
        match s.chars().next() {
            Some(c) => Ok(Self::map(&self.upper, &s[..c.len_utf8()])? + &s[c.len_utf8()..]),
            None => Ok(String::new()),
        }
    }

    /// `str.isalnum` of one character
    pub(crate) fn isalnum(&self, c: char) -> Res<bool> {
        if c as u32 >= 0x20000 {
            return Err(Defer);
        }
        Ok(in_ranges(&self.alnum, c))
    }
}

/// A unit word of `_sentence_case`: the word (lower case), matched case-insensitively at a position (anchored),
/// whether it is a place's (it may stand anywhere after a non-letter, and each word of the name after it is
/// capitalised) or an agency's (it opens the line, and the name's first word is).
struct Unit {
    word: String,
    re: meta::Regex,
    place: bool,
}

pub(crate) struct IssuerNamer {
    keep_upper: HashSet<String>,
    /// (phrase in lower case, its spelling), in the lexicon's order
    phrases: Vec<(String, String)>,
    /// longest first
    units: Vec<Unit>,
    letters: Vec<(char, char)>,
}

fn is_letter(letters: &[(char, char)], c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    in_ranges(letters, c)
}

impl IssuerNamer {
    pub(crate) fn build(spec: &Bound<'_, PyDict>) -> PyResult<IssuerNamer> {
        let phrases: Vec<(String, String)> = get(spec, "issuer_phrases")?;
        if let Some((_, v)) = phrases.iter().find(|(_, v)| v.contains('\\')) {
            // regex.sub reads a backslash in the replacement as an escape
            return Err(PyValueError::new_err(format!("the issuer phrase {v:?} holds a backslash")));
        }
        let place: HashSet<String> = get::<Vec<String>>(spec, "place_units")?.into_iter().collect();
        let mut units = Vec::new();
        for word in get::<Vec<String>>(spec, "unit_words")? {
            // the unit word as header.py's pattern has it: escaped, case-insensitive, anchored where it is tried
            let src = format!("(?i)^(?:{})", regex_syntax::escape(&word));
            let t = translate(&src, true).map_err(PyValueError::new_err)?;
            let re = meta::Builder::new()
                .configure(meta::Config::new().hybrid(false).onepass(false).dfa(false))
                .build(&t)
                .map_err(|e| PyValueError::new_err(e.to_string()))?;
            units.push(Unit {
                place: place.contains(&word),
                word,
                re,
            });
        }
        Ok(IssuerNamer {
            keep_upper: get::<Vec<String>>(spec, "keep_upper")?.into_iter().collect(),
            phrases,
            units,
            letters: class_ranges(r"\p{L}"),
        })
    }

    /// `pat.sub(v, low)` for the phrase's pattern `(?<![\p{L}])k(?![\p{L}])`: each occurrence between non-letters
    /// replaced, left to right.
    fn replace_phrase(&self, low: &str, k: &str, v: &str) -> String {
        let mut out = String::with_capacity(low.len());
        let (mut done, mut from) = (0, 0);
        while let Some(i) = low[from..].find(k).map(|i| i + from) {
            let end = i + k.len();
            let before = low[..i].chars().next_back().is_some_and(|c| is_letter(&self.letters, c));
            let after = low[end..].chars().next().is_some_and(|c| is_letter(&self.letters, c));
            if !before && !after && !k.is_empty() {
                out.push_str(&low[done..i]);
                out.push_str(v);
                done = end;
                from = end;
            } else {
                from = i + low[i..].chars().next().map_or(1, char::len_utf8);
            }
            if from > low.len() {
                break;
            }
        }
        out.push_str(&low[done..]);
        out
    }

    /// The name after a unit word that the pattern's `((?:[\p{L}]+)(?: [\p{L}]+)*)$` takes: words of letters, one
    /// space between them, to the end.
    fn name_rest(&self, rest: &str) -> bool {
        !rest.is_empty()
            && rest
                .split(' ')
                .all(|w| !w.is_empty() && w.chars().all(|c| is_letter(&self.letters, c)))
    }

    /// `_sentence_case`
    fn sentence_case(&self, cases: &Cases, line: &str) -> Res<String> {
        let mut words = Vec::new();
        for w in line.split(isspace).filter(|w| !w.is_empty()) {
            words.push(if self.keep_upper.contains(w) { w.to_string() } else { cases.lower(w)? });
        }
        let mut text = words.join(" ");
        for (k, v) in &self.phrases {
            if text.contains(k.as_str()) {
                text = self.replace_phrase(&text, k, v);
            }
        }
        let lower = cases.lower(&text)?;
        'units: for u in &self.units {
            if !lower.contains(u.word.as_str()) {
                continue;
            }
            // the leftmost position where the unit word, a space and the name to the end match
            let starts: Vec<usize> = if u.place {
                text.char_indices().map(|(i, _)| i).collect()
            } else {
                vec![0]
            };
            for s in starts {
                if u.place && text[..s].chars().next_back().is_some_and(|c| is_letter(&self.letters, c)) {
                    continue;
                }
                let Some(m) = u.re.find(&text[s..]) else {
                    continue;
                };
                let e = s + m.end();
                let Some(rest) = text[e..].strip_prefix(' ') else {
                    continue;
                };
                if !self.name_rest(rest) {
                    continue;
                }
                let rest = if u.place {
                    let mut ws = Vec::new();
                    for w in rest.split(' ') {
                        ws.push(cases.capitalized(w)?);
                    }
                    ws.join(" ")
                } else {
                    cases.capitalized(rest)?
                };
                let new = format!("{}{} {}", &text[..s], &text[s..e], rest);
                if new != text {
                    text = new;
                    break 'units;
                }
                break; // the pattern matched (the sub is done) but changed nothing: the next unit word
            }
        }
        cases.capitalized(&text)
    }

    /// `_issuer_name` of the issuer block
    pub(crate) fn name(&self, cases: &Cases, block: &[String]) -> Res<Option<String>> {
        let lines: Vec<&str> = block.iter().map(|x| strip(x)).filter(|x| !x.is_empty()).collect();
        let mut keys = Vec::with_capacity(lines.len());
        for x in &lines {
            let mut k = String::new();
            for c in cases.casefold(x)?.chars() {
                if cases.isalnum(c)? {
                    k.push(c);
                }
            }
            keys.push(k);
        }
        let mut kept: Vec<usize> = Vec::new();
        let mut i = 0;
        while i < lines.len() {
            // what is already kept: each kept line, and each run of the kept lines to the last
            let mut said: HashSet<String> = kept.iter().map(|&k| keys[k].clone()).collect();
            for a in 0..kept.len() {
                said.insert(kept[a..].iter().map(|&k| keys[k].as_str()).collect());
            }
            let run = (i + 1..=lines.len().min(i + 3)).find(|&j| said.contains(&keys[i..j].concat()));
            match run {
                Some(j) => i = j,
                None => {
                    kept.push(i);
                    i += 1;
                }
            }
        }
        let mut parts = Vec::with_capacity(kept.len());
        for k in kept {
            parts.push(if is_upper_line(lines[k])? {
                self.sentence_case(cases, lines[k])?
            } else {
                lines[k].to_string()
            });
        }
        let name = parts.join(" - ");
        Ok((!name.is_empty()).then_some(name))
    }
}
