//! The structure reader (docgraph/structure.py, `StructureReader.read`): the kind of each line from the rules'
//! `structure` patterns, the wrapped-line rules, the header and title (`_head`), the body's parts (`_body`) and
//! their cover (`_cover`), and whether the text is hard-wrapped. Offsets in code points, as Python's.
//! structure.py is the reference; the names and the order of the tests follow it line by line.

use std::collections::HashMap;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::deadline::{Deadline, TimeLimit};
use crate::pattern::Pattern;
use crate::pytext::{char_len, head, isdigit, islower, isupper, rstrip, squeeze, strip};

// kinds of line and of part: the names structure.py uses; a user's own line kind gets an id after these
const BLANK: u16 = 0;
const PLAIN: u16 = 1;
const NOISE: u16 = 2;
const TABLE: u16 = 3;
const FOOTNOTE: u16 = 4;
const RECIPIENTS: u16 = 5;
const SIGNATURE: u16 = 6;
const BASIS: u16 = 7;
const REQUEST: u16 = 8;
const OPENER: u16 = 9;
const ARTICLE: u16 = 10;
const PROMULGATION: u16 = 11;
const CHAPTER: u16 = 12;
const SECTION: u16 = 13;
const ATTACHED: u16 = 14;
const HEADING: u16 = 15;
const ITEM: u16 = 16;
const HEADER: u16 = 17;
const TITLE: u16 = 18;
const EFFECT: u16 = 19;
const BODY: u16 = 20;
const NAMES: [&str; 21] = [
    "blank",
    "plain",
    "noise",
    "table",
    "footnote",
    "recipients",
    "signature",
    "basis",
    "request",
    "opener",
    "article",
    "promulgation",
    "chapter",
    "section",
    "attached",
    "heading",
    "item",
    "header",
    "title",
    "effect",
    "body",
];

fn preamble(k: u16) -> bool {
    k == BASIS || k == REQUEST || k == OPENER
}

fn tail_or_attached(k: u16) -> bool {
    k == SIGNATURE || k == RECIPIENTS || k == ATTACHED
}

/// A stage's failure: the time limit (or a pattern's backtracking limit, which only a pathological line reaches).
enum Stop {
    Time,
}

type R<T> = Result<T, Stop>;

fn found(p: &Pattern, s: &str) -> R<bool> {
    p.is_match(s).map_err(|_| Stop::Time)
}

fn find(p: &Pattern, s: &str) -> R<Option<(usize, usize)>> {
    p.find_at(s, 0).map_err(|_| Stop::Time)
}

struct Line<'a> {
    start: usize, // code points
    end: usize,
    byte: usize, // where it starts in the text, in bytes
    x: &'a str,
}

#[derive(Clone)]
struct Part {
    kind: u16,
    start: usize,
    end: usize,
    label: String,
    attached: bool,
    number: Option<String>, // an article's number, as its digits (Python's int() reads any decimal digits)
}

impl Part {
    fn new(kind: u16, start: usize, end: usize) -> Part {
        Part {
            kind,
            start,
            end,
            label: String::new(),
            attached: false,
            number: None,
        }
    }
}

struct Cur {
    kind: u16,
    start: usize,
    end: usize,
    byte: usize,     // start in bytes
    end_byte: usize, // end in bytes
    label: String,
    number: Option<String>,
    attached: bool,
}

fn ends_item(line: &str) -> bool {
    matches!(rstrip(line).chars().last(), Some('.' | ':' | ';' | '!' | '?'))
}

fn ends_sentence(line: &str) -> bool {
    let s = rstrip(line);
    matches!(s.chars().last(), Some('.' | ':' | '!' | '?')) && !s.ends_with("..")
}

/// The fixed patterns of structure.py (module constants there).
struct Fixed {
    letter: Pattern,
    lower_start: Pattern,
    subject_cell: Pattern,
    digits: Pattern,
    basis_words: Pattern,
    attached_words: Pattern,
    effect_words: Pattern,
}

impl Fixed {
    fn new() -> Result<Fixed, String> {
        Ok(Fixed {
            letter: Pattern::compile_as(r"\p{L}", true)?,
            lower_start: Pattern::compile_as(r"^\s*\p{Ll}", true)?,
            subject_cell: Pattern::compile_as(r"(?i)(?<![\p{L}])(?:V/v|Về\s+việc)\s", true)?,
            digits: Pattern::compile_as(r"\d+", true)?,
            basis_words: Pattern::compile(r"(?i)căn\s+cứ")?,
            attached_words: Pattern::compile_as(r"(?i)kèm\s+theo", true)?,
            effect_words: Pattern::compile(r"(?i)(?:này|này\s+được)\s+có\s+hiệu\s+lực|hết\s+hiệu\s+lực")?,
        })
    }
}

#[derive(Clone, Copy)]
enum InSet {
    Exact(usize),
    Filter(usize),
    Alone,
}

#[pyclass(name = "StructureReader", module = "docgraph_native", frozen)]
pub struct StructureReader {
    ordered: Vec<(u16, Vec<Pattern>)>, // the rules' lines, then headings, then items
    // the patterns of `ordered` the regex crate runs alone, tried together in one pass over a line: for each
    // pattern of `ordered` in order, its index in the set (`Exact`), or the index of its relaxed form (`Filter`:
    // the pattern itself is tried only when that matched), or `Alone`
    set: Option<regex::RegexSet>,
    in_set: Vec<InSet>,
    basis_sections: Vec<Pattern>,
    effect_articles: Vec<Pattern>,
    subject_lines: Vec<Pattern>,
    names: Vec<String>,
    kinds: Vec<Py<PyString>>, // the names as Python's interned strings: the parts' kinds are the same objects
    fixed: Fixed,
}

fn compile_all(pats: &[String]) -> PyResult<Vec<Pattern>> {
    pats.iter()
        .map(|p| Pattern::compile_as(p, true).map_err(PyValueError::new_err))
        .collect()
}

#[pymethods]
impl StructureReader {
    /// `lines`: (kind, patterns) in the rules' order; the other lists: the `structure` section's entries of those
    /// names. ValueError when a pattern is one the core cannot run (docgraph then reads structure in Python).
    #[new]
    fn new(
        py: Python<'_>,
        lines: Vec<(String, Vec<String>)>,
        items: Vec<String>,
        basis_sections: Vec<String>,
        effect_articles: Vec<String>,
        headings: Vec<String>,
        subject_lines: Vec<String>,
    ) -> PyResult<Self> {
        let mut names: Vec<String> = NAMES.iter().map(|s| s.to_string()).collect();
        let mut ids: HashMap<String, u16> = names.iter().enumerate().map(|(i, s)| (s.clone(), i as u16)).collect();
        let mut ordered = Vec::new();
        for (kind, pats) in lines.iter() {
            let id = *ids.entry(kind.clone()).or_insert_with(|| {
                names.push(kind.clone());
                (names.len() - 1) as u16
            });
            ordered.push((id, compile_all(pats)?));
        }
        ordered.push((HEADING, compile_all(&headings)?));
        ordered.push((ITEM, compile_all(&items)?));
        let mut members = Vec::new();
        let mut in_set = Vec::new();
        for p in ordered.iter().flat_map(|(_, pats)| pats.iter()) {
            // only patterns anchored at the line's start: the pass then stops after a few characters of most lines
            // (one unanchored member would make it read every line to its end); the others have their prefilter
            if !crate::pattern::anchored(&p.translated) {
                in_set.push(InSet::Alone);
            } else if p.settable() {
                in_set.push(InSet::Exact(members.len()));
                members.push(p.translated.clone());
            } else if let Some(r) = p.relaxed() {
                in_set.push(InSet::Filter(members.len()));
                members.push(r);
            } else {
                in_set.push(InSet::Alone);
            }
        }
        let set = if members.is_empty() {
            None
        } else {
            match regex::RegexSet::new(&members) {
                Ok(set) => Some(set),
                Err(_) => {
                    in_set.iter_mut().for_each(|x| *x = InSet::Alone);
                    None
                }
            }
        };
        let reader = StructureReader {
            ordered,
            set,
            in_set,
            basis_sections: compile_all(&basis_sections)?,
            effect_articles: compile_all(&effect_articles)?,
            subject_lines: compile_all(&subject_lines)?,
            kinds: names.iter().map(|n| PyString::intern(py, n).unbind()).collect(),
            names,
            fixed: Fixed::new().map_err(PyValueError::new_err)?,
        };
        crate::pattern::release_freed();
        Ok(reader)
    }

    /// `shape`: "document" or "article". Returns (parts, wrapped, line starts), each part a tuple (kind, start, end,
    /// label, attached, number digits or None); None when the text holds a character on which the two regex
    /// engines' Unicode tables disagree (the Python reader reads it). `seconds`: what is left of the file's time
    /// limit (TimeLimit when it runs out).
    #[pyo3(signature = (text, shape, seconds=None))]
    #[allow(clippy::type_complexity)]
    fn read(
        &self,
        py: Python<'_>,
        text: &Bound<'_, PyString>,
        shape: &str,
        seconds: Option<f64>,
    ) -> PyResult<
        Option<(
            Vec<(Py<PyString>, usize, usize, String, bool, Option<String>)>,
            bool,
            Vec<usize>,
        )>,
    > {
        let (text, outside) = crate::pytext::checked_text(text)?;
        if outside {
            return Ok(None);
        }
        let deadline = Deadline::new(seconds);
        let got = py.allow_threads(|| self.read_text(text, shape == "document", deadline));
        match got {
            Ok((parts, wrapped, starts)) => Ok(Some((
                parts
                    .into_iter()
                    .map(|p| {
                        (
                            self.kinds[p.kind as usize].clone_ref(py),
                            p.start,
                            p.end,
                            p.label,
                            p.attached,
                            p.number,
                        )
                    })
                    .collect(),
                wrapped,
                starts,
            ))),
            Err(Stop::Time) => Err(TimeLimit::new_err("time limit exceeded")),
        }
    }

    /// The kind of one line (no wrapped-line rule: `StructureReader.line_kind`), the name as Python's interned
    /// string; None when the line holds a character left to Python, or a newline.
    fn line_kind_of(&self, py: Python<'_>, line: &str) -> PyResult<Option<Py<PyString>>> {
        if line.contains('\n') || crate::pytext::outside_repertoire(line) {
            return Ok(None);
        }
        match self.line_kind(line) {
            Ok(k) => Ok(Some(self.kinds[k as usize].clone_ref(py))),
            Err(Stop::Time) => Err(TimeLimit::new_err("time limit exceeded")),
        }
    }

    /// Seconds each line pattern takes on the lines of `text`, each pattern tried on every line (for profiling):
    /// (kind, pattern index within its kind, seconds, lines it matches).
    fn pattern_costs(&self, text: &str) -> Vec<(String, usize, f64, usize)> {
        let lines = split_lines(text);
        let mut out = Vec::new();
        if let Some(set) = &self.set {
            let t = std::time::Instant::now();
            let hits = lines.iter().filter(|l| set.is_match(l.x)).count();
            out.push(("(set)".to_string(), set.len(), t.elapsed().as_secs_f64(), hits));
            let t = std::time::Instant::now();
            let hits = lines.iter().filter(|l| set.matches(l.x).matched_any()).count();
            out.push(("(set all)".to_string(), set.len(), t.elapsed().as_secs_f64(), hits));
        }
        let t = std::time::Instant::now();
        let hits = lines.iter().filter(|l| strip(l.x).is_empty()).count();
        out.push(("(blank)".to_string(), 0, t.elapsed().as_secs_f64(), hits));
        let mut at = 0;
        for (kind, pats) in self.ordered.iter() {
            for (i, p) in pats.iter().enumerate() {
                at += 1;
                if matches!(self.in_set[at - 1], InSet::Exact(_)) {
                    continue;
                }
                let t = std::time::Instant::now();
                let hits = lines.iter().filter(|l| p.is_match(l.x).unwrap_or(false)).count();
                out.push((self.names[*kind as usize].clone(), i, t.elapsed().as_secs_f64(), hits));
            }
        }
        out
    }

    /// The kind of each line of `text` (after the wrapped-line rules), for tests.
    fn line_kinds(&self, text: &str) -> PyResult<Vec<String>> {
        let lines = split_lines(text);
        match self.kinds_of(&lines, Deadline::new(None)) {
            Ok(kinds) => Ok(kinds.into_iter().map(|k| self.names[k as usize].clone()).collect()),
            Err(Stop::Time) => Err(TimeLimit::new_err("time limit exceeded")),
        }
    }
}

fn split_lines(text: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut pos = 0; // code points
    let mut byte = 0;
    for x in text.split('\n') {
        let n = char_len(x);
        out.push(Line {
            start: pos,
            end: pos + n,
            byte,
            x,
        });
        pos += n + 1;
        byte += x.len() + 1;
    }
    out
}

impl StructureReader {
    /// The kind of one line by name (`line_kind_of` without Python), for another stage of the core; None when a
    /// pattern ran out of its backtracking limit (Python then classes the line).
    pub fn line_kind_name(&self, line: &str) -> Option<String> {
        self.line_kind(line).ok().map(|k| self.names[k as usize].clone())
    }

    fn line_kind(&self, line: &str) -> R<u16> {
        if strip(line).is_empty() {
            return Ok(BLANK);
        }
        let hits = self.set.as_ref().map(|set| set.matches(line));
        let mut at = 0;
        for (kind, pats) in self.ordered.iter() {
            for p in pats {
                let hit = match (self.in_set[at], &hits) {
                    (InSet::Exact(k), Some(h)) => h.matched(k),
                    (InSet::Filter(k), Some(h)) => {
                        h.matched(k) && p.is_match_unfiltered(line).map_err(|_| Stop::Time)?
                    }
                    _ => found(p, line)?,
                };
                at += 1;
                if hit {
                    return Ok(*kind);
                }
            }
        }
        Ok(PLAIN)
    }

    fn kinds_of(&self, lines: &[Line], deadline: Deadline) -> R<Vec<u16>> {
        let mut kinds = Vec::with_capacity(lines.len());
        for (j, l) in lines.iter().enumerate() {
            if j % 32 == 31 && deadline.passed() {
                return Err(Stop::Time);
            }
            kinds.push(self.line_kind(l.x)?);
        }
        // a preamble phrase at the start of a line continues the sentence of a hard-wrapped line before it unless
        // it starts with a capital or that line ended an item
        let mut last: &str = "";
        for (j, l) in lines.iter().enumerate() {
            let k = kinds[j];
            let x = l.x;
            if (preamble(k) || k == PROMULGATION) && !last.is_empty() && !ends_item(last) {
                let first = find(&self.fixed.letter, x)?;
                let upper = first.is_some_and(|(s, _)| x[s..].chars().next().is_some_and(isupper));
                if !upper {
                    kinds[j] = PLAIN;
                }
            } else if k == ATTACHED
                && !last.is_empty()
                && !ends_item(last)
                && find(&self.fixed.lower_start, x)?.is_some()
            {
                kinds[j] = PLAIN;
            }
            if kinds[j] != BLANK && kinds[j] != NOISE {
                last = x;
            }
        }
        Ok(kinds)
    }

    fn read_text(&self, text: &str, document: bool, deadline: Deadline) -> R<(Vec<Part>, bool, Vec<usize>)> {
        let lines = split_lines(text);
        let kinds = self.kinds_of(&lines, deadline)?;
        let wrapped = hard_wrapped(&lines);
        let mut parts: Vec<Part> = Vec::new();
        let n = lines.len();
        let mut i = 0;
        if document {
            i = self.head(&lines, &kinds, &mut parts)?;
        } else {
            while i < n && kinds[i] == BLANK {
                i += 1;
            }
            if i < n {
                parts.push(Part::new(TITLE, lines[i].start, lines[i].end));
                i += 1;
            }
        }
        if deadline.passed() {
            return Err(Stop::Time);
        }
        self.body(text, &lines, &kinds, i, &mut parts)?;
        let total = lines.last().map_or(0, |l| l.end);
        Ok((cover(parts, total), wrapped, lines.iter().map(|l| l.start).collect()))
    }

    /// The header and the title; returns the index of the first body line.
    fn head(&self, lines: &[Line], kinds: &[u16], parts: &mut Vec<Part>) -> R<usize> {
        let n = lines.len();
        let limit = n.min(60);
        let heading = (0..limit).find(|&j| kinds[j] == HEADING);
        let first_body = (0..limit)
            .find(|&j| preamble(kinds[j]) || kinds[j] == ARTICLE || kinds[j] == PROMULGATION)
            .unwrap_or(limit);
        let kind_gu = |j: usize| strip(lines[j].x).starts_with("Kính gửi");
        if let Some(heading) = heading.filter(|&h| h < first_body) {
            if heading > 0 {
                parts.push(Part::new(HEADER, 0, lines[heading].start));
            }
            let mut j = heading + 1;
            while j < n
                && (kinds[j] == PLAIN
                    || kinds[j] == NOISE
                    || kinds[j] == PROMULGATION && j <= heading + 2 && !rstrip(lines[j].x).ends_with(':'))
                && !kind_gu(j)
            {
                j += 1;
            }
            if j == heading + 1 {
                let mut k = j;
                while k < n && kinds[k] == BLANK {
                    k += 1;
                }
                j = k;
                while j < n && (kinds[j] == PLAIN || kinds[j] == NOISE) {
                    j += 1;
                }
            }
            let end = if j > heading {
                lines[j - 1].end
            } else {
                lines[heading].end
            };
            parts.push(Part::new(TITLE, lines[heading].start, end));
            return Ok(j);
        }
        for j in 0..limit.min(first_body) {
            let x = lines[j].x;
            let mut m = None;
            for p in &self.subject_lines {
                if let Some(got) = find(p, x)? {
                    m = Some(got);
                    break;
                }
            }
            let at = match m {
                Some((s, _)) => s,
                None => {
                    if kinds[j] != TABLE {
                        continue;
                    }
                    match find(&self.fixed.subject_cell, x)? {
                        Some((s, _)) => s,
                        None => continue,
                    }
                }
            };
            let start = lines[j].start + char_len(&x[..at]);
            if start > 0 {
                parts.push(Part::new(HEADER, 0, start));
            }
            let mut k = j + 1;
            while k < n && kinds[k] == PLAIN && !kind_gu(k) && !ends_sentence(lines[k - 1].x) && k < j + 4 {
                k += 1;
            }
            parts.push(Part::new(TITLE, start, lines[k - 1].end));
            return Ok(k);
        }
        if first_body < limit && first_body > 0 {
            parts.push(Part::new(HEADER, 0, lines[first_body].start));
            return Ok(first_body);
        }
        Ok(0)
    }

    fn basis_section(&self, label: &str) -> R<bool> {
        if label.is_empty() {
            return Ok(false);
        }
        for p in &self.basis_sections {
            if found(p, label)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn is_effect(&self, head_text: &str, label: &str) -> R<bool> {
        for p in &self.effect_articles {
            if found(p, label)? {
                return Ok(true);
            }
        }
        found(&self.fixed.effect_words, head_text)
    }

    /// A capitals heading ("QUY ĐỊNH") opens an attached regulation after the signature, or when a "kèm theo"
    /// line follows it; elsewhere it is a chapter's title.
    fn attached_here(&self, lines: &[Line], j: usize, cur: &Option<Cur>) -> R<bool> {
        if found(&self.fixed.attached_words, lines[j].x)? {
            return Ok(true);
        }
        match cur {
            None => return Ok(true),
            Some(c) if tail_or_attached(c.kind) => return Ok(true),
            _ => {}
        }
        let upto = (j + 5).min(lines.len());
        let next = lines[(j + 1).min(upto)..upto]
            .iter()
            .filter(|l| !strip(l.x).is_empty())
            .take(3);
        for l in next {
            if found(&self.fixed.attached_words, l.x)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn close(&self, text: &str, cur: &mut Option<Cur>, parts: &mut Vec<Part>) -> R<()> {
        if let Some(c) = cur.take() {
            let mut kind = c.kind;
            if kind == ARTICLE && self.is_effect(head(&text[c.byte..c.end_byte], 400), &c.label)? {
                kind = EFFECT;
            }
            parts.push(Part {
                kind,
                start: c.start,
                end: c.end,
                label: c.label,
                attached: c.attached,
                number: c.number,
            });
        }
        Ok(())
    }

    fn body(&self, text: &str, lines: &[Line], kinds: &[u16], i: usize, parts: &mut Vec<Part>) -> R<()> {
        let n = lines.len();
        let mut attached = false;
        let mut cur: Option<Cur> = None;
        let mut last_line: &str = "";
        let mut in_preamble = true;
        macro_rules! open {
            ($kind:expr, $j:expr, $label:expr, $number:expr) => {{
                self.close(text, &mut cur, parts)?;
                let l = &lines[$j];
                cur = Some(Cur {
                    kind: $kind,
                    start: l.start,
                    end: l.end,
                    byte: l.byte,
                    end_byte: l.byte + l.x.len(),
                    label: $label,
                    number: $number,
                    attached,
                });
            }};
            ($kind:expr, $j:expr) => {
                open!($kind, $j, String::new(), None)
            };
        }
        for j in i..n {
            let l = &lines[j];
            let (end, x) = (l.end, l.x);
            let end_byte = l.byte + x.len();
            let k = kinds[j];
            let extend = |c: &mut Option<Cur>| {
                if let Some(c) = c.as_mut() {
                    c.end = end;
                    c.end_byte = end_byte;
                }
            };
            if k == BLANK || k == NOISE {
                extend(&mut cur);
                continue;
            }
            let cur_kind = cur.as_ref().map(|c| c.kind);
            if preamble(k) {
                let in_basis_section = match &cur {
                    Some(c) if c.kind == SECTION => self.basis_section(&c.label)?,
                    _ => false,
                };
                open!(if in_basis_section { BASIS } else { k }, j);
            } else if k == PROMULGATION
                || (in_preamble
                    && cur_kind.is_some_and(preamble)
                    && rstrip(x).ends_with(':')
                    && k == PLAIN
                    && ends_item(last_line))
            {
                open!(PROMULGATION, j);
                in_preamble = false;
            } else if k == ARTICLE {
                let num = find(&self.fixed.digits, x)?.map(|(s, e)| x[s..e].to_string());
                open!(ARTICLE, j, squeeze(x, 80), num);
                in_preamble = false;
            } else if k == CHAPTER {
                open!(CHAPTER, j, squeeze(x, 80), None);
                in_preamble = false;
            } else if k == SECTION {
                let label = squeeze(x, 80);
                let kind = if self.basis_section(&label)? { BASIS } else { SECTION };
                open!(kind, j, label, None);
                in_preamble = false;
            } else if k == ATTACHED && !self.attached_here(lines, j, &cur)? {
                if cur.is_none() {
                    open!(BODY, j);
                } else {
                    extend(&mut cur);
                }
            } else if k == ATTACHED {
                attached = true;
                open!(ATTACHED, j, squeeze(x, 80), None);
            } else if k == TABLE || k == FOOTNOTE || k == RECIPIENTS || k == SIGNATURE {
                if k == SIGNATURE && cur_kind == Some(SIGNATURE) {
                    extend(&mut cur);
                } else if k == SIGNATURE && cur_kind == Some(RECIPIENTS) && !head(x, 8).contains("TM") {
                    extend(&mut cur);
                } else {
                    open!(k, j);
                }
            } else if k == HEADING {
                // a type heading after the signature: an attached document (a plan attached to a decision)
                if cur_kind.is_some_and(tail_or_attached) {
                    attached = true;
                    open!(ATTACHED, j, squeeze(x, 80), None);
                } else if cur.is_none() {
                    open!(BODY, j);
                } else {
                    extend(&mut cur);
                }
            } else {
                // item or plain: continues the part, unless that part is closed by its nature
                match cur_kind {
                    None => open!(BODY, j),
                    Some(ck) if ck == TABLE || ck == FOOTNOTE => {
                        if ck == FOOTNOTE && k == PLAIN && !ends_sentence(last_line) {
                            extend(&mut cur);
                        } else {
                            open!(BODY, j);
                        }
                    }
                    Some(SIGNATURE) => {
                        if char_len(strip(x)) <= 40 {
                            extend(&mut cur);
                        } else {
                            open!(BODY, j);
                        }
                    }
                    Some(RECIPIENTS) => {
                        if k == ITEM || char_len(strip(x)) <= 40 {
                            extend(&mut cur);
                        } else {
                            open!(BODY, j);
                        }
                    }
                    Some(ck) => {
                        let c = cur.as_ref().unwrap();
                        if (ck == REQUEST || ck == OPENER || ck == PROMULGATION) && ends_sentence(last_line) {
                            open!(BODY, j);
                        } else if ck == BASIS
                            && c.label.is_empty()
                            && ends_sentence(last_line)
                            && !rstrip(last_line).ends_with(':')
                        {
                            open!(BODY, j);
                        } else if ck == BASIS
                            && c.label.is_empty()
                            && rstrip(last_line).ends_with(':')
                            && k != ITEM
                            && !found(&self.fixed.basis_words, &text[c.byte..c.end_byte])?
                        {
                            open!(BODY, j);
                        } else {
                            extend(&mut cur);
                        }
                    }
                }
            }
            last_line = x;
        }
        self.close(text, &mut cur, parts)
    }
}

/// Most long lines run on into a next line that starts in lower case: text cut into lines inside sentences.
fn hard_wrapped(lines: &[Line]) -> bool {
    let (mut long, mut cont) = (0usize, 0usize);
    for w in lines.windows(2) {
        let (x, y) = (w[0].x, w[1].x);
        if char_len(strip(x)) < 40 {
            continue;
        }
        long += 1;
        // regex's \S: not White_Space (U+001C..U+001F are not spaces there, unlike str.isspace)
        if let Some(first) = y.chars().find(|c| !c.is_whitespace()) {
            if (islower(first) || isdigit(first)) && !ends_item(x) {
                cont += 1;
            }
        }
    }
    long >= 5 && 4 * cont >= long
}

/// Parts in order, each running to the next one's start (blank lines and noise belong to the part before).
fn cover(mut parts: Vec<Part>, n: usize) -> Vec<Part> {
    parts.sort_by_key(|p| p.start); // stable, as Python's sorted
    let mut out: Vec<Part> = Vec::with_capacity(parts.len() + 1);
    for k in 0..parts.len() {
        let end = if k + 1 < parts.len() { parts[k + 1].start } else { n };
        let p = &parts[k];
        if let Some(last) = out.last() {
            if p.start < last.end {
                continue;
            }
        }
        let mut q = p.clone();
        q.end = p.start.max(end.min(n));
        out.push(q);
    }
    if let Some(first) = out.first() {
        if first.start > 0 {
            let h = Part::new(HEADER, 0, first.start);
            out.insert(0, h);
        }
    }
    if out.is_empty() {
        out.push(Part::new(BODY, 0, n));
    }
    out
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<StructureReader>()
}
