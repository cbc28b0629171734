//! The rule scans (docgraph/engine.py, `Engine._match_cores`): for each reference rule, in the engine's order, the
//! trigger and prefilter checks, every match of the rule's pattern (Python's `finditer`: leftmost, not overlapping,
//! look-behinds seeing the text before), the groups number, year, symbol, tw and name, and the three exclusions: a
//! match inside a web address, one right after a "not after" phrase ("mẫu số 01/BK-HTK") and a law "name" holding
//! a not-a-name phrase. Offsets in code points, as Python's.
//!
//! Speed: a rule's pattern opens with look-behinds, so fancy-regex would run its backtracking machine at every
//! position of the text. Instead a relaxed copy of the pattern (its look-arounds dropped: it matches wherever the
//! pattern does, and more) runs on the `regex` crate's automata to find where a match can start; the pattern itself
//! is then tried, anchored, only there (`Finder`). Same matches: every start the pattern matches at is a start the
//! relaxed copy matches at, and the starts are tried left to right.

use fancy_regex::{Captures, Expr, Regex, RegexBuilder, RegexInput};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

use crate::deadline::{Deadline, TimeLimit};
use crate::pattern::{translate, BACKTRACK_LIMIT, FOLD_ALPHABET};
use crate::pytext::{checked_text, CharIndex};

/// How a search stopped early.
pub(crate) enum Stop {
    /// the file's time limit
    Time,
    /// a pattern's backtracking limit (only a pathological rule reaches it): the text is left to Python, whose
    /// regex engine runs on within the file's time limit, so the outcome (its cores, or the same skip) is Python's
    Limit,
}

pub(crate) type R<T> = Result<T, Stop>;

/// Python's `pattern.finditer(text)` for one pattern, with its captures: a candidate finder on the `regex` crate
/// (None: the pattern has no relaxed copy, fancy-regex searches on its own) and the pattern, tried anchored.
struct Finder {
    re: Regex,
    cand: Option<regex::Regex>,
}

/// The pattern with its look-arounds (and word boundaries) taken out, in the `regex` crate's syntax; None when it
/// holds something only a backtracking engine runs (a back-reference, an atomic group, ...).
fn relaxed(e: &Expr, out: &mut String) -> Option<()> {
    match e {
        Expr::LookAround(..) => out.push_str("(?:)"),
        Expr::Assertion(a) => {
            use fancy_regex::Assertion as A;
            match a {
                A::WordBoundary | A::NotWordBoundary | A::LeftWordBoundary | A::RightWordBoundary => {
                    out.push_str("(?:)")
                }
                _ => e.to_str(out, 0),
            }
        }
        Expr::Concat(items) => {
            out.push_str("(?:");
            for i in items {
                relaxed(i, out)?;
            }
            out.push(')');
        }
        Expr::Alt(items) => {
            out.push_str("(?:");
            for (k, i) in items.iter().enumerate() {
                if k > 0 {
                    out.push('|');
                }
                relaxed(i, out)?;
            }
            out.push(')');
        }
        Expr::Group(inner) => {
            out.push_str("(?:");
            relaxed(inner, out)?;
            out.push(')');
        }
        Expr::Repeat { child, lo, hi, greedy } => {
            out.push_str("(?:");
            relaxed(child, out)?;
            out.push(')');
            // a long bounded repeat ({1,100} of a Unicode class) multiplies the automaton's states: unbounded is
            // a superset too, and small
            if *hi == usize::MAX || *hi > 10 {
                out.push_str(&format!("{{{lo},}}"));
            } else {
                out.push_str(&format!("{{{lo},{hi}}}"));
            }
            if !greedy {
                out.push('?');
            }
        }
        Expr::Empty | Expr::Any { .. } | Expr::Literal { .. } | Expr::Delegate { .. } => e.to_str(out, 0),
        _ => return None,
    }
    Some(())
}

impl Finder {
    fn new(src: &str) -> Result<Finder, String> {
        let t = translate(src, false)?;
        let re = RegexBuilder::new(&t)
            .backtrack_limit(BACKTRACK_LIMIT)
            .build()
            .map_err(|e| format!("{src}: {e}"))?;
        let cand = Expr::parse_tree(&t).ok().and_then(|tree| {
            let mut s = String::new();
            relaxed(&tree.expr, &mut s)?;
            // the automata only need to say where a match can start: the shortest one found is enough
            regex::RegexBuilder::new(&s)
                .size_limit(1 << 24)
                .dfa_size_limit(1 << 24)
                .build()
                .ok()
        });
        Ok(Finder { re, cand })
    }

    /// The first match at or after byte `pos` (the text before `pos` seen by look-behinds), with its captures.
    fn captures_at<'t>(&self, text: &'t str, mut pos: usize, dl: &Deadline) -> R<Option<Captures<'t, str>>> {
        let Some(cand) = &self.cand else {
            return self.re.captures_from_pos(text, pos).map_err(|_| Stop::Limit);
        };
        let mut tries = 0usize;
        while pos <= text.len() {
            // the leftmost start at or after pos where the relaxed pattern matches
            let Some(m) = cand.find_at(text, pos) else {
                return Ok(None);
            };
            let s = m.start();
            let input = RegexInput::new(text).from_pos(s).anchored(true);
            if let Some(c) = self.re.captures_input(input).map_err(|_| Stop::Limit)? {
                return Ok(Some(c));
            }
            tries += 1;
            if tries % 64 == 0 && dl.passed() {
                return Err(Stop::Time);
            }
            pos = match text[s..].chars().next() {
                Some(ch) => s + ch.len_utf8(),
                None => return Ok(None),
            };
        }
        Ok(None)
    }

    /// `pattern.search(text) is not None`
    fn found(&self, text: &str, dl: &Deadline) -> R<bool> {
        Ok(self.captures_at(text, 0, dl)?.is_some())
    }
}

/// One reference rule as the scan runs it.
struct ScanRule {
    triggers: Vec<String>,
    prefilter: Option<Finder>,
    finder: Finder,
    /// layout "name": its name group is checked against the not-a-name phrases
    name_layout: bool,
}

/// `(?<![\p{L}])(?i:WORD|...)\s*:?\s*` matched backwards from a match's start, within 20 characters before it
/// (docgraph: `not_after_re.match(t, max(0, start - 20), start)` with regex.REVERSE). Forward and exact: is there a
/// position `a` in that window, not right after a letter, from which the phrase, spaces and a colon run exactly to
/// the start? The words are tried as one anchored automaton on each of the (at most 21) tails of the window.
struct NotAfter {
    tail: regex::Regex,
}

impl NotAfter {
    fn new(words: &[String]) -> Result<NotAfter, String> {
        if let Some(c) = words
            .iter()
            .flat_map(|w| w.chars())
            .find(|c| c.is_alphabetic() && !FOLD_ALPHABET.contains(*c))
        {
            return Err(format!(
                "not_after: '{c}' under (?i) is left to Python (its case folding is not compared)"
            ));
        }
        let mut ws: Vec<&String> = words.iter().collect();
        ws.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
        let alt: Vec<String> = ws.iter().map(|w| regex::escape(w).replace(' ', "[ \\t]+")).collect();
        let src = format!("\\A(?i:{})\\s*:?\\s*\\z", alt.join("|"));
        let tail = regex::Regex::new(&src).map_err(|e| format!("not_after: {e}"))?;
        Ok(NotAfter { tail })
    }

    /// `start`: a byte offset (a char boundary)
    fn before(&self, t: &str, start: usize) -> bool {
        // the window: from 20 code points back (or the text's start) to the match's start
        let mut bounds = vec![start];
        bounds.extend(t[..start].char_indices().rev().take(20).map(|(b, _)| b));
        for &a in bounds.iter().rev() {
            let after_letter = t[..a].chars().next_back().is_some_and(is_letter);
            if !after_letter && self.tail.is_match(&t[a..start]) {
                return true;
            }
        }
        false
    }
}

/// `\p{L}`
fn is_letter(c: char) -> bool {
    use std::sync::OnceLock;
    static L: OnceLock<regex::Regex> = OnceLock::new();
    let re = L.get_or_init(|| regex::Regex::new(r"\A\p{L}\z").unwrap());
    let mut buf = [0u8; 4];
    re.is_match(c.encode_utf8(&mut buf))
}

/// Web addresses: `(?i)(?:https?://|www\.)[^\s<>()\[\]"']+` (docgraph's `_url_spans`), looked for only when the text
/// holds "://" or "www." (case as written), as docgraph does.
fn url_spans(url: &regex::Regex, t: &str) -> Vec<(usize, usize)> {
    if !(t.contains("://") || t.contains("www.")) {
        return Vec::new();
    }
    url.find_iter(t).map(|m| (m.start(), m.end())).collect()
}

/// `_overlaps`: the spans are sorted and do not overlap each other
fn overlaps(s: usize, e: usize, spans: &[(usize, usize)]) -> bool {
    let i = spans.partition_point(|&(a, _)| a < e);
    i > 0 && spans[i - 1].1 > s
}

/// A match's fields: (start, end, rule index, number, year, symbol, tw, name), offsets in code points
pub(crate) type Core = (
    usize,
    usize,
    usize,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// The rule scans of one rule set, built once per Engine: `RuleScanner(rules, not_after, not_a_name)`, where
/// `rules` is a list of dicts (pattern with its fragments expanded and "(?i)" put first for the ignorecase flag,
/// triggers, prefilter, layout) in the engine's order; `scan(text, seconds)` gives the cores.
#[pyclass(name = "RuleScanner", module = "docgraph_native", frozen)]
pub(crate) struct RuleScanner {
    rules: Vec<ScanRule>,
    not_after: Option<NotAfter>,
    not_a_name: Finder,
    url: regex::Regex,
}

fn get<'py, T: FromPyObject<'py>>(d: &Bound<'py, PyDict>, key: &str) -> PyResult<Option<T>> {
    match d.get_item(key)? {
        Some(v) if !v.is_none() => Ok(Some(v.extract()?)),
        _ => Ok(None),
    }
}

fn text_of(c: &Captures<'_, str>, name: &str) -> Option<String> {
    c.name(name).map(|m| m.as_str().to_string())
}

impl RuleScanner {
    pub(crate) fn run(&self, t: &str, dl: &Deadline) -> R<Vec<Core>> {
        let mut out: Vec<Core> = Vec::new();
        let urls = url_spans(&self.url, t);
        let mut seen: Vec<(&[String], bool)> = Vec::new();
        for (k, rule) in self.rules.iter().enumerate() {
            if !rule.triggers.is_empty() {
                let hit = match seen.iter().find(|(tr, _)| *tr == rule.triggers.as_slice()) {
                    Some(&(_, h)) => h,
                    None => {
                        let h = rule.triggers.iter().any(|w| t.contains(w.as_str()));
                        seen.push((rule.triggers.as_slice(), h));
                        h
                    }
                };
                if !hit {
                    continue;
                }
            }
            if let Some(pre) = &rule.prefilter {
                if !pre.found(t, dl)? {
                    continue;
                }
            }
            let mut ix = CharIndex::new(t);
            let mut pos = 0;
            while pos <= t.len() {
                if dl.passed() {
                    return Err(Stop::Time);
                }
                let Some(c) = rule.finder.captures_at(t, pos, dl)? else {
                    break;
                };
                let m = c.get(0).expect("group 0");
                let (s, e) = (m.start(), m.end());
                pos = if e > s {
                    e
                } else {
                    match t[e..].chars().next() {
                        Some(ch) => e + ch.len_utf8(),
                        None => t.len() + 1,
                    }
                };
                if !urls.is_empty() && overlaps(s, e, &urls) {
                    continue;
                }
                if let Some(na) = &self.not_after {
                    if na.before(t, s) {
                        continue;
                    }
                }
                let name = text_of(&c, "name");
                if rule.name_layout && self.not_a_name.found(name.as_deref().unwrap_or(""), dl)? {
                    continue;
                }
                let (cs, ce) = (ix.at(s), ix.at(e));
                out.push((
                    cs,
                    ce,
                    k,
                    text_of(&c, "number"),
                    text_of(&c, "year"),
                    text_of(&c, "symbol"),
                    text_of(&c, "tw"),
                    name,
                ));
            }
        }
        Ok(out)
    }
}

#[pymethods]
impl RuleScanner {
    #[new]
    #[pyo3(signature = (rules, not_after, not_a_name))]
    fn new(rules: &Bound<'_, PyList>, not_after: Vec<String>, not_a_name: &str) -> PyResult<Self> {
        let err = |e: String| PyValueError::new_err(e);
        let mut out = Vec::new();
        for r in rules.iter() {
            let d = r.downcast::<PyDict>()?;
            let pattern: String = get(d, "pattern")?.ok_or_else(|| err("a rule without a pattern".into()))?;
            let triggers: Vec<String> = get(d, "triggers")?.unwrap_or_default();
            let prefilter: Option<String> = get(d, "prefilter")?;
            let layout: String = get(d, "layout")?.unwrap_or_default();
            let id: String = get(d, "id")?.unwrap_or_default();
            let finder = Finder::new(&pattern).map_err(|e| err(format!("rule {id:?}: {e}")))?;
            let prefilter = match prefilter {
                Some(p) => Some(Finder::new(&p).map_err(|e| err(format!("rule {id:?}: prefilter: {e}")))?),
                None => None,
            };
            out.push(ScanRule {
                triggers,
                prefilter,
                finder,
                name_layout: layout == "name",
            });
        }
        let not_after = if not_after.is_empty() {
            None
        } else {
            Some(NotAfter::new(&not_after).map_err(err)?)
        };
        let not_a_name = Finder::new(not_a_name).map_err(|e| err(format!("not_a_name: {e}")))?;
        let url = regex::Regex::new(r#"(?i)(?:https?://|www\.)[^\s<>()\[\]"']+"#).map_err(|e| err(e.to_string()))?;
        Ok(RuleScanner {
            rules: out,
            not_after,
            not_a_name,
            url,
        })
    }

    /// The cores of a normalized text; `seconds`: what is left of the file's time limit (None: no limit). None: the
    /// text is left to Python (it holds a character the two engines' Unicode tables read otherwise, or a pattern ran
    /// out of backtracking steps on it).
    #[pyo3(signature = (text, seconds=None))]
    fn scan(&self, py: Python<'_>, text: &Bound<'_, PyString>, seconds: Option<f64>) -> PyResult<Option<Vec<Core>>> {
        let (text, outside) = checked_text(text)?;
        if outside {
            return Ok(None);
        }
        let dl = Deadline::new(seconds);
        match py.allow_threads(|| self.run(text, &dl)) {
            Ok(cores) => Ok(Some(cores)),
            Err(Stop::Limit) => Ok(None),
            Err(Stop::Time) => Err(TimeLimit::new_err("time limit")),
        }
    }

    /// Whether each rule found a relaxed copy of its pattern to look for starts with (tests, tools).
    fn relaxed_rules(&self) -> Vec<bool> {
        self.rules.iter().map(|r| r.finder.cand.is_some()).collect()
    }

    /// The not-after check alone: does a "not after" phrase end at code point `start`?
    fn not_after_before(&self, text: &str, start: usize) -> bool {
        let b = text.char_indices().nth(start).map(|(b, _)| b).unwrap_or(text.len());
        self.not_after.as_ref().is_some_and(|na| na.before(text, b))
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<RuleScanner>()
}
