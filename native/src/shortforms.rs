//! The extract stage after the drafts (docgraph/engine.py): `_share_lists` (a list's type word forward, its date
//! and issuer backward), `_mark_own` (the file's own number), `_short_forms` (a later mention of the same number
//! and symbol, defined aliases "(sau đây gọi tắt là Chỉ thị 05)", bare later mentions "Chỉ thị 05" with their one
//! antecedent) and `_finish` (offsets in the decoded text, line numbers, the issuer re-read from it). The patterns
//! are the Python engine's own (given at construction); what docgraph builds from the result is the Mention itself.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use pyo3::prelude::*;
use pyo3::types::PyTuple;
use pyo3::IntoPyObjectExt;

use crate::context::{back_chars, clean, on_chars, relaxed, translate_ctx, Fwd, Offsets, Rev};
use crate::deadline::Deadline;
use crate::drafts::{key, Draft, Extractor, Stop};
use crate::pytext::{isspace, strip};

type R<T> = Result<T, Stop>;

/// The patterns of the stages after the drafts (the engine's own pattern strings)
pub(crate) struct Later {
    list_gap: Fwd,
    own_line: Fwd,
    /// what own_line can fullmatch, and more (its look-arounds dropped): a quick no for most lines
    own_line_maybe: Option<regex_automata::meta::Regex>,
    /// a run of digits (`\d+`)
    digits: regex::Regex,
    alias: Fwd,
    tw_word: Fwd,
    bare_prefix: Rev,
    generic: Vec<String>,
    letter: regex::Regex,
    letter_digit: regex::Regex,
    digit: regex::Regex,
    has_symbol: regex::Regex,
    dot_space: regex::Regex,
    /// the compiled search of each alias (they repeat across files)
    alias_res: Mutex<HashMap<String, regex::Regex>>,
}

/// entries of the alias searches' cache
const ALIAS_CACHE: usize = 256;

impl Later {
    /// `spec`: list_gap, own_line, alias, tw_word, bare_prefix (REVERSE) pattern strings
    pub(crate) fn new(spec: &HashMap<String, String>, generic: Vec<String>) -> Result<Later, String> {
        let get = |k: &str| {
            spec.get(k)
                .map(String::as_str)
                .ok_or_else(|| format!("extract: no {k} pattern"))
        };
        let re = |s: &str| regex::Regex::new(s).map_err(|e| e.to_string());
        Ok(Later {
            list_gap: Fwd::new("list_gap", &format!("(?:{})\\Z", get("list_gap")?), false)?,
            own_line: Fwd::new("own_line", &format!("(?:{})\\Z", get("own_line")?), false)?,
            own_line_maybe: relaxed_full(get("own_line")?),
            digits: re(r"\d+")?,
            alias: Fwd::new("alias", get("alias")?, true)?,
            tw_word: Fwd::new("tw_word", get("tw_word")?, false)?,
            bare_prefix: Rev::new("bare_prefix", get("bare_prefix")?, &[])?,
            generic,
            letter: re(r"\A\p{L}")?,
            letter_digit: re(r"\A[\p{L}\d]")?,
            digit: re(r"\A\d")?,
            has_symbol: re(r"\d\s*[-/]\s*\p{Lu}")?,
            dot_space: re(r"\.\s")?,
            alias_res: Mutex::new(HashMap::new()),
        })
    }
}

/// The pattern relaxed (look-arounds dropped, long repeats unbounded: it matches what the pattern matches, and more),
/// anchored at both ends, on the regex crate's engines without the lazy DFA (it runs on a line's start); None when
/// it cannot be relaxed
fn relaxed_full(src: &str) -> Option<regex_automata::meta::Regex> {
    let t = translate_ctx(src).ok()?;
    let tree = fancy_regex::Expr::parse_tree(&t).ok()?;
    let mut s = String::new();
    relaxed(&tree.expr, &mut s)?;
    regex_automata::meta::Builder::new()
        .configure(regex_automata::meta::Config::new().hybrid(false))
        .build(&format!(r"\A(?:{s})\z"))
        .ok()
}

/// `own_line_re.fullmatch(t, start, end)`, `line` being `t[start:end]` (the pattern has no look-behind)
fn own_line_at(lt: &Later, line: &str) -> R<bool> {
    if lt.own_line_maybe.as_ref().is_some_and(|m| !m.is_match(line)) {
        return Ok(false);
    }
    Ok(lt.own_line.at(line, 0)?.is_some())
}

/// `_overlaps`: `spans` sorted by (start, end)
fn overlaps(s: usize, e: usize, spans: &[(usize, usize)]) -> bool {
    let i = spans.partition_point(|&(a, _)| a < e);
    i > 0 && spans[i - 1].1 > s
}

/// `bisect.insort`
fn add_span(spans: &mut Vec<(usize, usize)>, s: usize, e: usize) {
    let i = spans.partition_point(|&x| x <= (s, e));
    spans.insert(i, (s, e));
}

/// `number.lstrip("0")`
fn lstrip0(n: &str) -> &str {
    n.trim_start_matches('0')
}

/// `_short_from`
fn short_from(ant: &Draft, start: usize, end: usize) -> Draft {
    let mut d = ant.clone();
    d.start = start;
    d.end = end;
    d.core_start = start;
    d.core_end = end;
    d.prefix_start = start;
    d.short_form = true;
    d.own = false;
    d.subject = None;
    d.pinpoint = None;
    d.rule = None;
    d
}

/// The character of `t` at code point `i` counted from the end when negative (Python's `t[i]`), from byte `b`
fn char_before(t: &str, b: usize) -> Option<char> {
    if b == 0 {
        t.chars().next_back()
    } else {
        t[..b].chars().next_back()
    }
}

impl Extractor {
    fn later(&self) -> &Later {
        self.later.as_ref().expect("later patterns")
    }

    fn is_name(&self, d: &Draft) -> bool {
        d.rule.is_some_and(|k| self.rules[k].name_layout)
    }

    /// the canonical type word of a type word as written (`type_word_map.get(key(tw))`)
    fn canon(&self, tw: &str) -> R<Option<&String>> {
        let k = key(tw).ok_or(Stop::Python)?;
        Ok(self.type_word_map.get(&k))
    }

    /// `_share_lists`
    pub(crate) fn share_lists(&self, t: &str, ix: &mut Offsets<'_>, ds: &mut [Draft], dl: &Deadline) -> R<()> {
        let n = ds.len();
        let lt = self.later();
        let mut linked = vec![false; n];
        for i in 1..n {
            if i % 1024 == 0 && dl.passed() {
                return Err(Stop::Time);
            }
            let (a, b) = (&ds[i - 1], &ds[i]);
            if b.tw.as_deref().is_some_and(|w| !w.is_empty()) || self.is_name(a) || self.is_name(b) {
                continue;
            }
            if a.subject.is_some() {
                continue;
            }
            let (x, y) = (ix.byte_at(a.end), ix.byte_at(b.prefix_start));
            let gap = if x < y { &t[x..y] } else { "" };
            linked[i] = lt.list_gap.at(gap, 0)?.is_some();
        }
        let list_type = |d: &Draft| -> R<Option<String>> {
            let word = match d.tw.as_deref().filter(|w| !w.is_empty()) {
                Some(w) => self.canon(w)?,
                None => None,
            };
            Ok(match word {
                Some(w) if lt.generic.contains(w) => Some(w.clone()),
                _ => d.codes.typ.clone(),
            })
        };
        if n > 0 {
            let mut shared = list_type(&ds[0])?;
            for i in 1..n {
                if !linked[i] {
                    shared = list_type(&ds[i])?;
                } else if let Some(sh) = shared.as_ref().filter(|s| !s.is_empty()) {
                    let b = &mut ds[i];
                    if b.tw.is_none() {
                        let typ = if lt.generic.contains(sh) {
                            match b.codes.typ.as_ref().filter(|s| !s.is_empty()) {
                                Some(_) => b.codes.typ.clone(),
                                None => Some(sh.clone()),
                            }
                        } else {
                            Some(sh.clone())
                        };
                        if typ != b.codes.typ {
                            Arc::make_mut(&mut b.codes).typ = typ;
                        }
                    }
                }
            }
        }
        for i in (1..n).rev() {
            if !linked[i] {
                continue;
            }
            let (left, right) = ds.split_at_mut(i);
            let (a, b) = (&mut left[i - 1], &right[0]);
            if a.date.is_none() && b.date.is_some() {
                a.date = b.date.clone();
                if a.year.is_none() {
                    let d = b.date.as_deref().unwrap();
                    let y: String = d.chars().take(4).collect();
                    a.year = Some(y.parse().map_err(|_| Stop::Python)?);
                }
            }
            if a.issuer.is_none() && b.issuer.is_some() {
                a.issuer = b.issuer.clone();
                let keep_level = a.codes.level != "unknown";
                let ac = Arc::make_mut(&mut a.codes);
                ac.province = b.codes.province.clone();
                ac.locality = b.codes.locality.clone();
                if !keep_level {
                    ac.level = b.codes.level.clone();
                }
            }
            if a.term.is_none() && b.term.is_some() {
                a.term = b.term.clone();
            }
            if a.year.is_none() && b.year.is_some() && b.date.is_some() && a.date == b.date {
                a.year = b.year;
            }
        }
        Ok(())
    }

    /// `_mark_own`
    pub(crate) fn mark_own(
        &self,
        t: &str,
        ix: &mut Offsets<'_>,
        ds: &mut [Draft],
        n_chars: usize,
        dl: &Deadline,
    ) -> R<()> {
        let lt = self.later();
        // the 40th newline (code points), or the text's length
        let limit_b = t
            .bytes()
            .enumerate()
            .filter(|&(_, c)| c == b'\n')
            .nth(39)
            .map(|(b, _)| b);
        let limit = match limit_b {
            Some(b) => ix.char_at(b),
            None => n_chars,
        };
        let line_start = |b: usize| t[..b].rfind('\n').map_or(0, |i| i + 1);
        for d in ds.iter_mut() {
            if d.core_start > limit {
                break;
            }
            if dl.passed() {
                return Err(Stop::Time);
            }
            let cs = ix.byte_at(d.core_start);
            if own_line_at(lt, &t[line_start(cs)..cs])? {
                d.own = true;
                d.start = d.core_start;
                return Ok(());
            }
        }
        let mut newlines: Option<Vec<usize>> = None;
        for d in ds.iter_mut() {
            if !d.codes.symbol.as_deref().is_some_and(|s| s.starts_with("VBHN")) {
                continue;
            }
            let (cs, ce) = (ix.byte_at(d.core_start), ix.byte_at(d.core_end));
            let lo = back_chars(t, cs, 300);
            let hi = on_chars(t, ce, 300);
            let near = if lo < hi {
                t[lo..hi].to_uppercase()
            } else {
                String::new()
            };
            if !near.contains("XÁC THỰC") {
                continue;
            }
            if dl.passed() {
                return Err(Stop::Time);
            }
            let nl = newlines.get_or_insert_with(|| {
                t.bytes()
                    .enumerate()
                    .filter(|&(_, c)| c == b'\n')
                    .map(|(b, _)| b)
                    .collect()
            });
            let i = nl.partition_point(|&b| b < cs);
            let ls = if i > 0 { nl[i - 1] + 1 } else { 0 };
            if own_line_at(lt, &t[ls..cs])? {
                d.own = true;
                d.start = d.core_start;
                break;
            }
        }
        Ok(())
    }
}

/// One short form to look for: (alias, its antecedent's index, the code point after its definition)
type AliasDef = (String, usize, usize);

/// `_Antecedents`: per (type, number), the starts of the drafts and the one document before each
struct Antecedents {
    index: HashMap<(Option<String>, String), (Vec<usize>, Vec<Option<usize>>)>,
}

impl Antecedents {
    fn new(ds: &[Draft]) -> Antecedents {
        let mut groups: HashMap<(Option<String>, String), Vec<(usize, usize)>> = HashMap::new();
        for (i, d) in ds.iter().enumerate() {
            let Some(num) = d.number.as_deref() else { continue };
            if d.short_form {
                continue;
            }
            let n = lstrip0(num);
            let n = if n.is_empty() { "0" } else { n };
            groups
                .entry((d.codes.typ.clone(), n.to_string()))
                .or_default()
                .push((d.start, i));
        }
        let mut index = HashMap::new();
        for (k, mut rows) in groups {
            rows.sort();
            let mut starts = Vec::with_capacity(rows.len());
            let mut answer = Vec::with_capacity(rows.len());
            let mut first: Option<(&str, Option<&str>, Option<i64>)> = None;
            let mut several = false;
            let mut last: Option<usize> = None;
            for &(start, i) in &rows {
                let d = &ds[i];
                let kk = (lstrip0(d.number.as_deref().unwrap()), d.codes.symbol.as_deref(), d.year);
                match first {
                    None => first = Some(kk),
                    Some(f) if f != kk => several = true,
                    _ => {}
                }
                if last.is_none_or(|l| i > l) {
                    last = Some(i);
                }
                starts.push(start);
                answer.push(if several { None } else { last });
            }
            index.insert(k, (starts, answer));
        }
        Antecedents { index }
    }

    fn only(&self, typ: Option<&String>, num: &str, start: usize) -> Option<usize> {
        let (starts, answer) = self.index.get(&(typ.cloned(), num.to_string()))?;
        let n = starts.partition_point(|&s| s < start);
        if n > 0 {
            answer[n - 1]
        } else {
            None
        }
    }
}

impl Extractor {
    /// `_alias_belongs`
    fn alias_belongs(&self, t: &str, d_end: usize, m_start: usize, has_subject: bool, alias: &str) -> R<bool> {
        let lt = self.later();
        let between = if d_end < m_start { &t[d_end..m_start] } else { "" };
        if between.contains([';', '(', ')']) || lt.dot_space.is_match(between) || between.contains("\n\n") {
            return Ok(false);
        }
        if !has_subject && strip(between).chars().count() > 3 {
            return Ok(false);
        }
        Ok(lt.tw_word.at(alias, 0)?.is_some())
    }

    /// the places of an alias in the whole text: `(?<![\p{L}\d])ALIAS(?![\p{L}\d]|[-/]\d)`, a space of the alias
    /// matching `\s+`, as (start, end) code points
    fn alias_places(&self, t: &str, ix: &mut Offsets<'_>, alias: &str) -> R<Vec<(usize, usize)>> {
        let lt = self.later();
        if alias.chars().any(|c| c != ' ' && (isspace(c) || c.is_whitespace())) {
            return Err(Stop::Python); // a space of another kind: its match's end would not be the one place
        }
        let mut src = String::new();
        for c in alias.chars() {
            if c == ' ' {
                src.push_str(r"\s+");
            } else {
                src.push_str(&regex::escape(c.encode_utf8(&mut [0u8; 4])));
            }
        }
        let re = {
            let mut cache = lt.alias_res.lock().unwrap();
            match cache.get(&src) {
                Some(re) => re.clone(),
                None => {
                    let re = regex::Regex::new(&src).map_err(|_| Stop::Python)?;
                    if cache.len() >= ALIAS_CACHE {
                        cache.clear();
                    }
                    cache.insert(src, re.clone());
                    re
                }
            }
        };
        let mut out = Vec::new();
        let mut pos = 0;
        while pos <= t.len() {
            let Some(m) = re.find_at(t, pos) else { break };
            let (s, e) = (m.start(), m.end());
            let before_ok = !t[..s]
                .chars()
                .next_back()
                .is_some_and(|c| lt.letter_digit.is_match(c.encode_utf8(&mut [0u8; 4])));
            let rest = &t[e..];
            let after_ok = !lt.letter_digit.is_match(rest) && {
                let mut it = rest.chars();
                !(matches!(it.next(), Some('-') | Some('/')) && lt.digit.is_match(it.as_str()))
            };
            if before_ok && after_ok && e > s {
                out.push((ix.char_at(s), ix.char_at(e)));
                pos = e;
            } else {
                pos = s + t[s..].chars().next().map_or(1, |c| c.len_utf8());
            }
        }
        Ok(out)
    }

    /// `_short_forms`
    pub(crate) fn short_forms(
        &self,
        t: &str,
        ix: &mut Offsets<'_>,
        ds: Vec<Draft>,
        n_chars: usize,
        dl: &Deadline,
    ) -> R<Vec<Draft>> {
        let mut ds = ds;
        let lt = self.later();
        // same number and symbol later without a year: the antecedent's fields
        let mut full: HashMap<(String, String), usize> = HashMap::new();
        for i in 0..ds.len() {
            let Some(sym) = ds[i].codes.symbol.clone() else {
                continue;
            };
            let num = ds[i].number.as_deref().ok_or(Stop::Python)?;
            let k = (lstrip0(num).to_string(), sym);
            if ds[i].year.is_some() {
                full.entry(k).or_insert(i);
            } else if let Some(&a) = full.get(&k) {
                let ant = ds[a].clone();
                let d = &mut ds[i];
                if d.year.is_none() {
                    d.year = ant.year;
                }
                if d.date.is_none() {
                    d.date = ant.date;
                }
                if d.issuer.is_none() {
                    d.issuer = ant.issuer;
                }
                let c = &d.codes;
                if c.province.is_none() || c.locality.is_none() || c.level == "unknown" {
                    let c = Arc::make_mut(&mut d.codes);
                    if c.province.is_none() {
                        c.province = ant.codes.province.clone();
                    }
                    if c.locality.is_none() {
                        c.locality = ant.codes.locality.clone();
                    }
                    if c.level == "unknown" {
                        c.level = ant.codes.level.clone();
                    }
                }
            }
        }
        // defined aliases
        let mut taken: Vec<(usize, usize)> = ds.iter().map(|d| (d.start, d.end)).collect();
        taken.sort();
        let mut aliases: Vec<AliasDef> = Vec::new();
        for i in 0..ds.len() {
            let d = &ds[i];
            if d.codes.symbol.is_none() && !self.is_name(d) {
                continue;
            }
            if i % 64 == 0 && dl.passed() {
                return Err(Stop::Time);
            }
            let limit = if i + 1 < ds.len() { ds[i + 1].start } else { n_chars };
            let window_end = limit.min(d.end + 400);
            if window_end <= d.end {
                continue;
            }
            let (eb, wb) = (ix.byte_at(d.end), ix.byte_at(window_end));
            let Some(m) = lt.alias.search(&t[..wb], eb)? else {
                continue;
            };
            let (ms, me) = m.get(0).map(|g| (g.start(), g.end())).unwrap();
            let Some((a0, a1)) = lt.alias.span(&m, "alias") else {
                continue;
            };
            let alias = strip(&t[a0..a1]).to_string();
            if self.alias_belongs(t, eb, ms, d.subject.is_some(), &alias)? {
                aliases.push((alias, i, ix.char_at(me)));
            }
        }
        let mut new: Vec<Draft> = Vec::new();
        let mut found: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
        let mut looked_from: HashMap<String, usize> = HashMap::new();
        for (alias, ant, after) in aliases {
            if alias.chars().any(|c| lt.digit.is_match(c.encode_utf8(&mut [0u8; 4]))) && lt.has_symbol.is_match(&alias)
            {
                continue;
            }
            if dl.passed() {
                return Err(Stop::Time);
            }
            if !found.contains_key(&alias) {
                let places = self.alias_places(t, ix, &alias)?;
                found.insert(alias.clone(), places);
            }
            let spans = &found[&alias];
            let stop = looked_from.get(&alias).copied().unwrap_or(n_chars + 1);
            if after >= stop {
                continue;
            }
            looked_from.insert(alias.clone(), after);
            let from = spans.partition_point(|&(a, _)| a < after);
            let to = spans.partition_point(|&(a, _)| a < stop);
            for &(a, b) in &spans[from..to] {
                if overlaps(a, b, &taken) {
                    continue;
                }
                new.push(short_from(&ds[ant], a, b));
                add_span(&mut taken, a, b);
            }
        }
        // bare later mentions: only numbers that have an antecedent are looked for
        let mut wanted: HashMap<String, String> = HashMap::new();
        let mut lo: Option<usize> = None;
        for d in &ds {
            let Some(num) = d.number.as_deref() else { continue };
            if d.short_form || d.codes.typ.as_deref().is_none_or(str::is_empty) {
                continue;
            }
            let n = lstrip0(num);
            let n = if n.is_empty() { "0" } else { n };
            let len = n.chars().count();
            for k in 0..1.max(6usize.saturating_sub(len)) {
                wanted.insert(format!("{}{n}", "0".repeat(k)), n.to_string());
            }
            lo = Some(lo.map_or(d.start, |l: usize| l.min(d.start)));
        }
        if let Some(lo) = lo {
            let ants = Antecedents::new(&ds);
            let mut j = 0usize;
            let mut buf = String::new();
            let mut bx = Offsets::new(t);
            let mut pos = bx.byte_at(lo);
            while let Some(m) = lt.digits.find_at(t, pos) {
                // a run of digits: a match only from its first digit, of at most five
                let (s, e) = (m.start(), m.end());
                pos = e;
                let count = t[s..e].chars().count();
                let prev = t[..s].chars().next_back();
                if prev.is_some_and(|c| {
                    matches!(c, '.' | ',' | '/' | '-') || lt.digit.is_match(c.encode_utf8(&mut [0u8; 4]))
                }) {
                    continue;
                }
                if count > 5 {
                    continue;
                }
                let rest = &t[e..];
                let mut it = rest.chars();
                let next = it.next();
                let bad_after = match next {
                    Some('/') | Some('-') => true,
                    Some('.') | Some(',') => lt.digit.is_match(it.as_str()),
                    Some(_) => lt.letter.is_match(rest),
                    None => false,
                };
                if bad_after {
                    continue;
                }
                if j % 256 == 0 && dl.passed() {
                    return Err(Stop::Time);
                }
                j += 1;
                let Some(num) = wanted.get(&t[s..e]) else { continue };
                if !matches!(char_before(t, s), Some(' ') | Some('ố') | Some('o')) {
                    continue;
                }
                let lo_b = back_chars(t, s, 60);
                let Some(sp) = lt.bare_prefix.match_back(t, lo_b, s, &mut buf)? else {
                    continue;
                };
                let (ps, _) = sp[0].expect("group 0");
                let (start, end) = (bx.char_at(ps), bx.char_at(e));
                if overlaps(start, end, &taken) {
                    continue;
                }
                let Some((w0, w1)) = lt.bare_prefix.span(&sp, "tw") else {
                    continue;
                };
                let canon = self.canon(&t[w0..w1])?;
                if let Some(a) = ants.only(canon, num, start) {
                    new.push(short_from(&ds[a], start, end));
                    add_span(&mut taken, start, end);
                }
            }
        }
        if !new.is_empty() {
            ds.extend(new);
            ds.sort_by_key(|d| d.start);
        }
        Ok(ds)
    }
}

/// `Normalized.span`'s map: (normalized start, normalized end, source start, source end) of each length change
pub(crate) struct NormMap {
    pub nstart: Vec<usize>,
    pub nend: Vec<usize>,
    pub ostart: Vec<usize>,
    pub oend: Vec<usize>,
}

impl NormMap {
    fn to_source(&self, pos: usize) -> usize {
        if self.nstart.is_empty() {
            return pos;
        }
        let i = self.nstart.partition_point(|&s| s <= pos);
        if i == 0 {
            return pos;
        }
        let i = i - 1;
        if pos < self.nend[i] {
            return self.ostart[i];
        }
        self.oend[i] + (pos - self.nend[i])
    }

    fn to_source_end(&self, pos: usize) -> usize {
        if self.nstart.is_empty() || pos == 0 {
            return pos;
        }
        let last = pos - 1;
        let i = self.nstart.partition_point(|&s| s <= last);
        if i > 0 && last < self.nend[i - 1] {
            return self.oend[i - 1];
        }
        self.to_source(last) + 1
    }

    pub(crate) fn span(&self, start: usize, end: usize) -> (usize, usize) {
        if self.nstart.is_empty() {
            return (start, start.max(end));
        }
        let s = self.to_source(start);
        let e = self.to_source_end(end);
        (s, s.max(e))
    }
}

/// A character NFC leaves as it is and composes with nothing before it (the core does not compose): below U+0300
/// or in the Latin Extended Additional block (Vietnamese letters, precomposed)
fn nfc_stable(c: char) -> bool {
    (c as u32) < 0x300 || (0x1E00..=0x1EFF).contains(&(c as u32))
}

impl Extractor {
    /// `_finish`: the rows of docgraph's Mention (start, end, text, rule, type, number, symbol, year, date, issuer,
    /// issuer code, level, branch, province, locality, name, term, subject, pinpoint, short form, own, line), and
    /// the (index, source text) of the issuers whose re-reading needs NFC (docgraph finishes those)
    #[allow(clippy::type_complexity)]
    pub(crate) fn finish<'py>(
        &self,
        py: Python<'py>,
        src: &str,
        n_src: usize,
        map: &NormMap,
        ds: &[Draft],
    ) -> PyResult<(Vec<Bound<'py, PyTuple>>, Vec<(usize, String)>)> {
        let mut sx = Offsets::new(src);
        let bytes = src.as_bytes();
        let mut rows = Vec::with_capacity(ds.len());
        let mut fixes = Vec::new();
        let (mut seen, mut nl) = (0usize, 0usize);
        let count = |a: usize, b: usize| bytes[a..b].iter().filter(|&&c| c == b'\n').count();
        for (k, d) in ds.iter().enumerate() {
            let (s, e) = map.span(d.start, d.end);
            let upto = (s + 1).min(n_src);
            if s + 1 >= seen {
                let a = sx.byte_at(seen.min(n_src));
                let b = sx.byte_at(upto);
                nl += if a < b { count(a, b) } else { 0 };
            } else {
                let b = sx.byte_at(upto);
                nl = count(0, b);
            }
            seen = s + 1;
            let mut issuer = d.issuer.clone();
            if let (Some((ia, ib)), false) = (d.issuer_span, d.short_form) {
                let (a, b) = map.span(ia, ib);
                let (a, b) = (sx.byte_at(a.min(n_src)), sx.byte_at(b.min(n_src)));
                let raw = if a < b { &src[a..b] } else { "" };
                if raw.chars().all(nfc_stable) {
                    let c = clean(raw);
                    if !c.is_empty() {
                        issuer = Some(c);
                    }
                } else {
                    fixes.push((k, raw.to_string()));
                }
            }
            let (sb, eb) = (sx.byte_at(s.min(n_src)), sx.byte_at(e.min(n_src)));
            let text = if sb < eb { &src[sb..eb] } else { "" };
            let rule = match d.rule {
                Some(r) => self.rule_ids[r].bind(py).clone(),
                None => self.short_form_id.bind(py).clone(),
            };
            let c = &d.codes;
            let items = [
                s.into_bound_py_any(py)?,
                e.into_bound_py_any(py)?,
                text.into_bound_py_any(py)?,
                rule.into_any(),
                c.typ.as_deref().into_bound_py_any(py)?,
                d.number.as_deref().into_bound_py_any(py)?,
                c.symbol.as_deref().into_bound_py_any(py)?,
                d.year.into_bound_py_any(py)?,
                d.date.as_deref().into_bound_py_any(py)?,
                issuer.as_deref().into_bound_py_any(py)?,
                c.issuer_code.as_deref().into_bound_py_any(py)?,
                c.level.as_str().into_bound_py_any(py)?,
                c.branch.as_deref().into_bound_py_any(py)?,
                c.province.as_deref().into_bound_py_any(py)?,
                c.locality.as_deref().into_bound_py_any(py)?,
                d.name.as_deref().into_bound_py_any(py)?,
                d.term.as_deref().into_bound_py_any(py)?,
                d.subject.as_deref().into_bound_py_any(py)?,
                d.pinpoint.as_deref().into_bound_py_any(py)?,
                d.short_form.into_bound_py_any(py)?,
                d.own.into_bound_py_any(py)?,
                (nl + 1).into_bound_py_any(py)?,
            ];
            rows.push(PyTuple::new(py, items)?);
        }
        Ok((rows, fixes))
    }
}
