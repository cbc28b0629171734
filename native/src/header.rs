//! The header reader's line work (docgraph/header.py `read_header` up to the issuer block, type heading, title,
//! place-date line and blank number line, and `read_signature`): the first 45 lines as `_cells` gives them, the
//! national motto, the number and place-date lines, the type heading and the issuer block before it, the title
//! after it, the subject line, the signature block of the last lines, the issuer's name (header_issuer.rs), and
//! for a file without a header, its headline and dateline (header_article.rs). What needs the lexicon's places and
//! the file's mentions (level, province, issuer code) stays in Python, which is given these fields.
//!
//! Every word and pattern comes from Python at construction (the lexicon's header tables and header.py's patterns,
//! in Python `regex` syntax, translated by pattern.rs): nothing of the rules is written here. Python's str methods
//! are pytext.rs's (strip and split on str.isspace, isupper, islower, isdigit); str.isalpha is the regex crate's
//! `\p{L}`, which agrees with Python's below U+10000 (outside the DISAGREE table): a text with a letter or digit
//! above it is left to Python.

use std::collections::{HashMap, HashSet};

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::deadline::{Deadline, TimeLimit};
use crate::header_article::{ArticleRead, ArticleReader};
use crate::header_issuer::{Cases, IssuerNamer};
use crate::header_place::{Cx, Finisher, HeaderClass, Mentions, Read};
use crate::header_places::class_ranges;
use crate::pattern::{translate, Pattern};
use crate::pytext::{isdigit, islower, isspace, isupper, outside_repertoire, strip};

/// Why a text is left to Python (a character the core reads otherwise, a pattern that gave up).
pub(crate) struct Defer;

pub(crate) type Res<T> = Result<T, Defer>;

/// str.isalpha of one character: `\p{L}`; Defer above U+FFFF (Unicode versions differ there).
fn isalpha(c: char) -> Res<bool> {
    static L: std::sync::OnceLock<Vec<(char, char)>> = std::sync::OnceLock::new();
    if c.is_ascii() {
        return Ok(c.is_ascii_alphabetic());
    }
    let u = c as u32;
    if (0xC0..=0x24F).contains(&u) && u != 0xD7 && u != 0xF7 || (0x1EA0..=0x1EF9).contains(&u) {
        return Ok(true);
    }
    let ranges = L.get_or_init(|| class_ranges(r"\p{L}"));
    let yes = in_class(ranges, c);
    if yes && u > 0xFFFF {
        return Err(Defer);
    }
    Ok(yes)
}

/// The text holds a letter or digit above U+FFFF: the Unicode versions of Python's str methods and stdlib `re`
/// (which header.py's prefilters use) and of the regex engines differ there (the letters and digits of Unicode
/// 15 and 16), so such a text is read by Python.
fn astral_alnum(s: &str) -> bool {
    // a four-byte sequence first, sixteen bytes at a time (the byte test alone was a sixth of read_lines' time)
    let b = s.as_bytes();
    let four = b.chunks(16).any(|c| c.iter().fold(0u8, |m, &x| m.max(x)) >= 0xF0);
    four && s.chars().any(|c| c as u32 > 0xFFFF && c.is_alphanumeric())
}

/// `_is_upper_line`: at least two letters, more than 85 % of them not lower case.
pub(crate) fn is_upper_line(s: &str) -> Res<bool> {
    let mut letters = 0usize;
    let mut lower = 0usize;
    for c in s.chars() {
        letters += isalpha(c)? as usize;
        lower += islower(c) as usize;
    }
    Ok(letters >= 2 && (letters as f64 - lower as f64) / letters as f64 > 0.85)
}

fn char_len(s: &str) -> usize {
    crate::pytext::char_len(s)
}

/// `s[n:]` in code points
fn skip_chars(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((b, _)) => &s[b..],
        None => "",
    }
}

/// `" ".join(s.split())`
fn squeeze(s: &str) -> String {
    s.split(isspace).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

fn strip_chars<'a>(s: &'a str, chars: &str) -> &'a str {
    s.trim_matches(|c| chars.contains(c))
}

fn starts_any(s: &str, prefixes: &[String]) -> bool {
    prefixes.iter().any(|p| s.starts_with(p.as_str()))
}

/// A pattern of header.py compiled for the regex crate (its groups are read), `.match` anchored at the start.
pub(crate) fn captures_re(src: &str, anchored: bool) -> Result<regex::Regex, String> {
    let src = if anchored {
        format!("^(?:{src})")
    } else {
        src.to_string()
    };
    let t = translate(&src, true)?;
    regex::Regex::new(&t).map_err(|e| format!("{src}: {e}"))
}

/// A pattern of the header: the regex crate's (its lazy DFA: short lines, a few patterns), or fancy-regex's for
/// one with look-around (a user's lexicon may hold one).
enum Re {
    Fast(regex::Regex),
    Fancy(Pattern),
}

impl Re {
    /// The byte offset of the first match's start.
    fn find(&self, s: &str) -> Res<Option<usize>> {
        match self {
            Re::Fast(r) => Ok(r.find(s).map(|m| m.start())),
            Re::Fancy(p) => p.find_at(s, 0).map(|m| m.map(|(a, _)| a)).map_err(|_| Defer),
        }
    }

    fn is_match(&self, s: &str) -> Res<bool> {
        match self {
            Re::Fast(r) => Ok(r.is_match(s)),
            Re::Fancy(p) => p.is_match(s).map_err(|_| Defer),
        }
    }
}

fn pattern(src: &str, anchored: bool) -> Result<Re, String> {
    let src = if anchored {
        format!("^(?:{src})")
    } else {
        src.to_string()
    };
    let t = translate(&src, true)?;
    match regex::Regex::new(&t) {
        Ok(r) => Ok(Re::Fast(r)),
        Err(_) => Pattern::compile_as(&src, true).map(Re::Fancy),
    }
}

fn is_match(p: &Re, s: &str) -> Res<bool> {
    p.is_match(s)
}

#[pyclass(name = "HeaderReader", module = "docgraph_native", frozen)]
pub struct HeaderReader {
    motto: Re,
    motto_hints: Vec<String>,
    motto_letters: Vec<String>,
    /// the place-date line's place: its first character's class, the class of the rest, at most so many of them
    place_first: Vec<(char, char)>,
    place_rest: Vec<(char, char)>,
    place_max: usize,
    /// what follows the place (anchored: its groups d, m, y), and the same without groups for a quick test
    place_tail: regex::Regex,
    /// what a place-date line holds after its place (header.py's stdlib prefilter; in the regex crate's reading a
    /// superset of place_date's lines too): most lines holding "ngày" are ruled out by it, at DFA speed
    place_date_hint: regex::Regex,
    place_date_words: Vec<String>,
    blank_number: regex::Regex,
    date_field: regex::Regex,
    date_field_starts: Vec<String>,
    title_field: regex::Regex,
    title_field_starts: Vec<String>,
    vv_line: regex::Regex,
    vv_start: Re,
    vv_starts: Vec<String>,
    continues: Re,
    title_stop: Re,
    title_opener: Re,
    rule_cell: regex::Regex,
    rule_in_cell: regex::Regex,
    number_starts: Vec<String>,
    empty_lines: Vec<String>,
    type_words: HashMap<String, String>,
    type_first: HashSet<String>,
    generic_types: HashSet<String>,
    /// any of the words a signature block opens with; those of them that are no weak hint
    sign_any: regex::Regex,
    sign_strong: Option<regex::Regex>,
    sign_start: Re,
    sign_skip: Re,
    sign_not_title: Vec<String>,
    person: Re,
    max_lines: usize,
    head_lines: usize,
    block_lines: usize,
    title_lines: usize,
    sign_window: usize,
    sign_last_lines: usize,
    sign_block_lines: usize,
    upper_max: usize,
    sign_title_max: usize,
    /// the article path: headline and dateline
    article: ArticleReader,
    /// Python's case mappings and isalnum; the issuer's name from the block
    cases: Cases,
    issuer: IssuerNamer,
    /// what read_header makes of the lines (header_place.rs), when the spec gives its functions and words
    finish: Option<Finisher>,
    /// docgraph's FileHeader, when the spec gives it (read_header then returns one)
    header_class: Option<HeaderClass>,
}

/// The ranges of a character class of header.py (`\p{Lu}`, `[\p{L} .'-]`) as the regex crate reads it.
pub(crate) fn unicode_class(src: &str) -> Result<Vec<(char, char)>, String> {
    let t = translate(src, true)?;
    let hir = regex_syntax::ParserBuilder::new()
        .build()
        .parse(&t)
        .map_err(|e| e.to_string())?;
    match hir.kind() {
        regex_syntax::hir::HirKind::Class(regex_syntax::hir::Class::Unicode(c)) => {
            Ok(c.ranges().iter().map(|r| (r.start(), r.end())).collect())
        }
        regex_syntax::hir::HirKind::Literal(l) => {
            let s = std::str::from_utf8(&l.0).map_err(|e| e.to_string())?;
            Ok(s.chars().map(|c| (c, c)).collect())
        }
        _ => Err(format!("{src} is no character class")),
    }
}

pub(crate) fn in_class(ranges: &[(char, char)], c: char) -> bool {
    crate::pytext::in_ranges(ranges, c)
}

/// One search for any of the words (literally), None for no word.
fn literals(words: &[String]) -> Result<Option<regex::Regex>, String> {
    if words.is_empty() {
        return Ok(None);
    }
    let alt: Vec<String> = words.iter().map(|w| regex::escape(w)).collect();
    regex::Regex::new(&alt.join("|")).map(Some).map_err(|e| e.to_string())
}

pub(crate) fn ve<T>(r: Result<T, String>) -> PyResult<T> {
    r.map_err(PyValueError::new_err)
}

pub(crate) fn get<'py, T: FromPyObject<'py>>(spec: &Bound<'py, PyDict>, key: &str) -> PyResult<T> {
    spec.get_item(key)?
        .ok_or_else(|| PyValueError::new_err(format!("the header spec lacks {key:?}")))?
        .extract()
}

impl HeaderReader {
    fn build(spec: &Bound<'_, PyDict>) -> PyResult<HeaderReader> {
        let s = |k: &str| -> PyResult<String> { get::<String>(spec, k) };
        let v = |k: &str| -> PyResult<Vec<String>> { get::<Vec<String>>(spec, k) };
        let n = |k: &str| -> PyResult<usize> { get::<usize>(spec, k) };
        let type_words: HashMap<String, String> = get(spec, "type_words")?;
        let sign_words = v("sign_words")?;
        let weak: HashSet<String> = v("sign_weak")?.into_iter().collect();
        // read_signature's hint: a word holding "T" (found by its regex), or one that is not weak
        let strong: Vec<String> = sign_words
            .iter()
            .filter(|w| w.contains('T') || !weak.contains(*w))
            .cloned()
            .collect();
        let type_first = type_words
            .keys()
            .map(|k| k.split(' ').next().unwrap_or("").to_string())
            .collect();
        Ok(HeaderReader {
            motto: ve(pattern(&s("motto")?, false))?,
            motto_hints: v("motto_hints")?,
            motto_letters: v("motto_letters")?,
            place_first: ve(unicode_class(&s("place_first")?))?,
            place_rest: ve(unicode_class(&s("place_rest")?))?,
            place_max: n("place_max")?,
            place_tail: ve(captures_re(&s("place_date_tail")?, true))?,
            place_date_words: v("place_date_words")?,
            place_date_hint: ve(regex::Regex::new(&s("place_date_hint")?).map_err(|e| e.to_string()))?,
            blank_number: ve(captures_re(&s("blank_number")?, true))?,
            date_field: ve(captures_re(&s("date_field")?, true))?,
            date_field_starts: v("date_field_starts")?,
            title_field: ve(captures_re(&s("title_field")?, true))?,
            title_field_starts: v("title_field_starts")?,
            vv_line: ve(captures_re(&s("vv_line")?, true))?,
            vv_start: ve(pattern(&s("vv_start")?, true))?,
            vv_starts: v("vv_starts")?,
            continues: ve(pattern(&s("continues")?, true))?,
            title_stop: ve(pattern(&s("title_stop")?, true))?,
            title_opener: ve(pattern(&s("title_opener")?, true))?,
            rule_cell: ve(captures_re(&format!("(?:{})$", s("rule_cell")?), true))?,
            rule_in_cell: ve(captures_re(&s("rule_in_cell")?, false))?,
            number_starts: v("number_starts")?,
            empty_lines: v("empty_lines")?,
            type_words,
            type_first,
            generic_types: v("generic_types")?.into_iter().collect(),
            sign_any: ve(literals(&sign_words))?.ok_or_else(|| PyValueError::new_err("no signature words"))?,
            sign_strong: ve(literals(&strong))?,
            sign_start: ve(pattern(&s("sign_start")?, true))?,
            sign_skip: ve(pattern(&s("sign_skip")?, true))?,
            sign_not_title: v("sign_not_title")?,
            person: ve(pattern(&s("person")?, true))?,
            max_lines: n("max_lines")?,
            head_lines: n("head_lines")?,
            block_lines: n("block_lines")?,
            title_lines: n("title_lines")?,
            sign_window: n("sign_window")?,
            sign_last_lines: n("sign_last_lines")?,
            sign_block_lines: n("sign_block_lines")?,
            upper_max: n("upper_max")?,
            sign_title_max: n("sign_title_max")?,
            article: ArticleReader::build(spec)?,
            cases: Cases::build(spec)?,
            issuer: IssuerNamer::build(spec)?,
            finish: match spec.get_item("finish")? {
                Some(f) if !f.is_none() => Some(Finisher::build(f.downcast::<PyDict>()?)?),
                _ => None,
            },
            header_class: match spec.get_item("finish")? {
                Some(f) if !f.is_none() => HeaderClass::build(f.downcast::<PyDict>()?)?,
                _ => None,
            },
        })
    }

    /// `_unmark`: a line without its markdown heading marks or bold/underline pair.
    fn unmark(line: &str) -> &str {
        let mut line = line;
        if line.starts_with('#') {
            line = strip(line.trim_start_matches('#'));
        }
        if (line.starts_with("**") || line.starts_with("__")) && line.ends_with(&line[..2]) && char_len(line) > 4 {
            line = strip(&line[2..line.len() - 2]);
        }
        line
    }

    /// `_cells`: the first lines, markdown table rows split into cells, separator rows and rules dropped.
    fn cells(&self, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for raw in text.split('\n').take(self.max_lines) {
            let line = Self::unmark(strip(raw));
            if line.starts_with('|') {
                for cell in line.trim_matches('|').split('|') {
                    let cell = strip(cell);
                    if !cell.is_empty() && !self.rule_cell.is_match(cell) {
                        out.push(strip(&self.rule_in_cell.replace_all(cell, "")).to_string());
                    }
                }
            } else {
                out.push(line.to_string());
            }
        }
        out
    }

    /// `_motto`: the byte offset where the motto starts in the line, if it holds one.
    fn motto_at(&self, x: &str) -> Res<Option<usize>> {
        if !self.motto_letters.iter().any(|l| x.contains(l.as_str()))
            || !self.motto_hints.iter().any(|h| x.contains(h.as_str()))
        {
            return Ok(None);
        }
        self.motto.find(x)
    }

    /// `_PLACE_DATE.search(x)`: (the place's end, the tail's groups) of the first place-date in the line. The
    /// pattern is `(?P<place>FIRST REST{1,MAX}?)TAIL`: the first start, and there the fewest characters after which
    /// the tail matches, as Python's backtracking finds them (the bounded repeat of a Unicode class, as one
    /// automaton, cost 6 MB).
    fn place_date_at<'t>(&self, x: &'t str) -> Option<(usize, usize, regex::Captures<'t>)> {
        for (s, c) in x.char_indices() {
            if !in_class(&self.place_first, c) {
                continue;
            }
            let mut p = s + c.len_utf8();
            for _ in 0..self.place_max {
                let Some(d) = x[p..].chars().next() else { break };
                if !in_class(&self.place_rest, d) {
                    break;
                }
                p += d.len_utf8();
                if let Some(caps) = self.place_tail.captures(&x[p..]) {
                    return Some((s, p, caps));
                }
            }
        }
        None
    }

    fn is_place_date(&self, x: &str) -> bool {
        self.place_date_words.iter().any(|w| x.contains(w.as_str()))
            && self.place_date_hint.is_match(x)
            && self.place_date_at(x).is_some()
    }

    /// `_heading_type`: (canonical type, the words matched) of a type heading.
    fn heading_type(&self, line: &str) -> Res<Option<(String, String)>> {
        match line.chars().next() {
            Some(c) if isupper(c) => {}
            _ => return Ok(None),
        }
        let words: Vec<&str> = line.split(isspace).filter(|w| !w.is_empty()).collect();
        if !self.type_first.contains(&words[0].to_lowercase()) {
            return Ok(None);
        }
        for n in [4usize, 3, 2, 1] {
            if words.len() < n {
                continue;
            }
            let head = words[..n].join(" ");
            let low = head.to_lowercase();
            let mut canon = self.type_words.get(&low);
            if canon.is_none() && head.chars().next_back().is_some_and(isdigit) {
                canon = self.type_words.get(low.trim_end_matches(|c: char| c.is_ascii_digit()));
            }
            if let Some(canon) = canon {
                if is_upper_line(&head)? {
                    return Ok(Some((canon.clone(), head)));
                }
            }
        }
        Ok(None)
    }

    /// The place-date line (or a database row's date field) of the first lines: (place, day, month, year).
    #[allow(clippy::type_complexity)]
    fn date_of(&self, head: &[String]) -> Option<(Option<String>, String, String, String)> {
        let starts_n = |x: &str| starts_any(x, &self.date_field_starts);
        let maybe_field = head.iter().any(|x| starts_n(x));
        if !maybe_field
            && !head
                .iter()
                .any(|x| self.place_date_words.iter().any(|w| x.contains(w.as_str())))
        {
            return None;
        }
        let group = |c: &regex::Captures<'_>, g: &str| c.name(g).map_or("", |m| m.as_str()).to_string();
        for x in head {
            if maybe_field && starts_n(x) {
                if let Some(c) = self.date_field.captures(x) {
                    return Some((None, group(&c, "d"), group(&c, "m"), group(&c, "y")));
                }
            }
            if self.place_date_words.iter().any(|w| x.contains(w.as_str())) && self.place_date_hint.is_match(x) {
                if let Some((a, b, c)) = self.place_date_at(x) {
                    let place = strip(&x[a..b]).to_string();
                    return Some((Some(place), group(&c, "d"), group(&c, "m"), group(&c, "y")));
                }
            }
        }
        None
    }

    /// The symbol of a number line left blank ("Số:   /KH-UBND", a draft).
    fn blank_of(&self, head: &[String]) -> Option<String> {
        head.iter()
            .filter(|x| x.contains('/'))
            .find_map(|x| self.blank_number.captures(x))
            .map(|c| c.name("symbol").map_or("", |m| m.as_str()).to_string())
    }

    /// The issuer block, the type heading and the title (read_header's loops over the first lines).
    #[allow(clippy::type_complexity)]
    fn block(&self, lines: &[String], dl: &Deadline) -> Res<(Vec<String>, Option<(String, String)>, Option<String>)> {
        let mut block: Vec<String> = Vec::new();
        let mut banner: Vec<String> = Vec::new();
        let mut type_word = None;
        let mut title_lines: Vec<String> = Vec::new();
        let mut heading_idx = None;
        let mut block_open = true;
        let mut target_banner = false; // the list the last issuer line went to: the banner's, else the block's
        let mut cut = false;
        let ends_with_dash = |x: &str| {
            let r = x.trim_end_matches([' ', '*', '_']);
            r.ends_with('-') || r.ends_with('–')
        };
        for (i, x) in lines.iter().take(self.block_lines).enumerate() {
            if dl.passed() {
                return Err(Defer);
            }
            let x = x.as_str();
            if x.is_empty() || self.empty_lines.iter().any(|e| e == x) {
                continue;
            }
            let mm = self.motto_at(x)?;
            if mm.is_some() || starts_any(x, &self.number_starts) || self.is_place_date(x) {
                if let (Some(start), true) = (mm, block_open) {
                    let left = strip_chars(&x[..start], " *_-|");
                    if !left.is_empty() && is_upper_line(left)? {
                        block.push(squeeze(left));
                        target_banner = false;
                        cut = false;
                    }
                }
                if mm.is_none() {
                    block_open = false;
                }
                continue;
            }
            let tw = self.heading_type(x)?;
            if let Some((canon, head)) = &tw {
                if block_open && self.generic_types.contains(canon) {
                    let rest = skip_chars(x, char_len(head));
                    let after = rest.split_once('-').map_or("", |(_, a)| a);
                    let after = strip_chars(after, " *_-");
                    target_banner = true;
                    cut = ends_with_dash(x);
                    if !after.is_empty() && is_upper_line(after)? {
                        banner.push(squeeze(after));
                        cut = false;
                    }
                    continue;
                }
                if !block.is_empty() || i > 2 {
                    let rest = strip_chars(skip_chars(x, char_len(head)), " :");
                    if !rest.is_empty() {
                        title_lines.push(rest.to_string());
                    }
                    type_word = tw;
                    heading_idx = Some(i);
                    break;
                }
            }
            if block_open && char_len(x) < self.upper_max && is_upper_line(x)? {
                let part = squeeze(strip_chars(x, "* _-"));
                let target = if target_banner { &mut banner } else { &mut block };
                if cut || (!target.is_empty() && is_match(&self.continues, &part)?) {
                    match target.last_mut() {
                        Some(last) => {
                            last.push_str(if cut { " - " } else { " " });
                            last.push_str(&part);
                        }
                        None => target.push(part),
                    }
                } else {
                    block.push(part);
                    target_banner = false;
                }
                cut = ends_with_dash(x);
            }
        }
        let block = if block.is_empty() { banner } else { block };
        if let Some(h) = heading_idx {
            for x in lines.iter().skip(h + 1).take(self.title_lines) {
                if x.is_empty() {
                    if !title_lines.is_empty() {
                        break;
                    }
                    continue;
                }
                let first = title_lines.is_empty();
                if (is_match(&self.title_stop, x)? && !(first && is_match(&self.title_opener, x)?))
                    || self.motto_at(x)?.is_some()
                    || starts_any(x, &self.number_starts)
                {
                    break;
                }
                title_lines.push(x.clone());
            }
        } else {
            for x in lines.iter().take(self.head_lines) {
                if starts_any(x, &self.title_field_starts) {
                    if let Some(c) = self.title_field.captures(x) {
                        title_lines.push(c.name("t").map_or("", |m| m.as_str()).to_string());
                        break;
                    }
                }
                if starts_any(x, &self.vv_starts) {
                    if let Some(c) = self.vv_line.captures(x) {
                        title_lines.push(c.get(1).map_or("", |m| m.as_str()).to_string());
                        break;
                    }
                }
            }
        }
        let title = strip_chars(&squeeze(&title_lines.join(" ")), " -_").to_string();
        Ok((block, type_word, (!title.is_empty()).then_some(title)))
    }

    /// `_CELL_SPLIT.split(x)` stripped, empty cells dropped: the separators are "|" and runs of three white spaces
    /// or more; the last cell (the signature column of a two-column layout).
    fn last_cell(x: &str) -> Option<&str> {
        let mut seps: Vec<(usize, usize)> = Vec::new();
        let mut it = x.char_indices().peekable();
        while let Some((i, c)) = it.next() {
            if c == '|' {
                seps.push((i, i + 1));
            } else if isspace(c) {
                let (mut end, mut n) = (i + c.len_utf8(), 1);
                while let Some(&(j, d)) = it.peek() {
                    if !isspace(d) {
                        break;
                    }
                    end = j + d.len_utf8();
                    n += 1;
                    it.next();
                }
                if n >= 3 {
                    seps.push((i, end));
                }
            }
        }
        let mut last = None;
        let mut start = 0;
        for (a, b) in seps.into_iter().chain(std::iter::once((x.len(), x.len()))) {
            let cell = strip(&x[start..a]);
            if !cell.is_empty() {
                last = Some(cell);
            }
            start = b;
        }
        last
    }

    /// `_signature_at`: the signature block starting on lines[0].
    fn signature_at(&self, lines: &[&str]) -> Res<Option<(String, Option<String>)>> {
        let Some(cand) = Self::last_cell(lines[0]) else {
            return Ok(None);
        };
        if !is_match(&self.sign_start, cand)? {
            return Ok(None);
        }
        let mut titles = vec![cand.to_string()];
        let mut name = None;
        for y in &lines[1..] {
            let Some(yc) = Self::last_cell(y) else {
                continue;
            };
            if is_match(&self.sign_skip, yc)? || starts_any(yc, &self.sign_not_title) {
                continue;
            }
            let person = is_match(&self.person, yc)?;
            if char_len(yc) < self.sign_title_max && is_upper_line(yc)? && !person {
                titles.push(yc.to_string());
                continue;
            }
            if person {
                name = Some(yc.to_string());
            }
            break;
        }
        Ok(Some((titles.join(" / "), name)))
    }

    /// The last `n` characters of a text (`text[-n:]`).
    fn tail(text: &str, n: usize) -> &str {
        // count the characters that start in ever earlier slices of bytes (each at most as long as the characters
        // still wanted: a character holds at least one byte), a count that runs at SIMD speed
        let b = text.as_bytes();
        let (mut pos, mut need) = (b.len(), n);
        while need > 0 && pos > 0 {
            let from = pos - need.min(pos);
            need -= b[from..pos].iter().filter(|&&x| (x as i8) >= -0x40).count();
            pos = from;
        }
        while !text.is_char_boundary(pos) {
            pos += 1; // the slice began inside a character: it is not among the last n
        }
        &text[pos..]
    }

    /// `read_signature`: (title lines joined with " / ", the signer's name) from the last lines. The lines holding
    /// a signature word: those where the search for any of them finds one (a word holds no line break, so a word
    /// that a match hides lies on that match's line).
    fn signature(&self, window: &str) -> Res<(Option<String>, Option<String>)> {
        if !self.sign_strong.as_ref().is_some_and(|r| r.is_match(window)) {
            return Ok((None, None));
        }
        let mut starts: Vec<usize> = self
            .sign_any
            .find_iter(window)
            .map(|m| window[..m.start()].rfind('\n').map_or(0, |k| k + 1))
            .collect();
        starts.dedup();
        let mut newlines = window.bytes().filter(|&b| b == b'\n').count();
        let mut seen = 0;
        for start in starts {
            newlines -= window[seen..start].bytes().filter(|&b| b == b'\n').count();
            seen = start;
            if newlines >= self.sign_last_lines {
                continue;
            }
            let raw: Vec<&str> = window[start..].split('\n').take(self.sign_block_lines).collect();
            // the characters of the lines read (the searches for the words before are literal)
            if raw.iter().any(|x| outside_repertoire(x) || astral_alnum(x)) {
                return Err(Defer);
            }
            let lines: Vec<&str> = raw.iter().map(|x| strip(strip(x).trim_matches('|'))).collect();
            if let Some((t, name)) = self.signature_at(&lines)? {
                return Ok((Some(t), name));
            }
        }
        Ok((None, None))
    }

    /// The byte where the first lines read end (`max_lines` of them).
    fn first_lines_end(&self, text: &str) -> usize {
        text.match_indices('\n')
            .nth(self.max_lines - 1)
            .map_or(text.len(), |(i, _)| i)
    }

    fn read(&self, text: &str, has_own: bool, dl: &Deadline) -> Res<(Option<ArticleRead>, Option<Read>)> {
        // the parts of the text read: its first lines and its last characters
        let first = self.first_lines_end(text);
        let window = Self::tail(text, self.sign_window);
        // the characters of the first lines; those of the signature's lines are checked as they are read (the
        // last 3,000 characters were most of a file, and a sixth of read_lines' time)
        if outside_repertoire(&text[..first]) || astral_alnum(&text[..first]) {
            return Err(Defer);
        }
        let lines = self.cells(text);
        let head = &lines[..lines.len().min(self.head_lines)];
        let date = self.date_of(head);
        let mut blank = None;
        if !has_own {
            blank = self.blank_of(head);
            if blank.is_none() {
                let mut motto = false;
                for x in head {
                    if self.motto_at(x)?.is_some() {
                        motto = true;
                        break;
                    }
                }
                if !motto {
                    return Ok((Some(self.article.read(&self.cases, &lines)?), None));
                }
            }
        }
        if dl.passed() {
            return Err(Defer);
        }
        let (block, type_word, title) = self.block(&lines, dl)?;
        let mut vv = false;
        for x in head {
            if starts_any(x, &self.vv_starts) && is_match(&self.vv_start, x)? {
                vv = true;
                break;
            }
        }
        let signature = self.signature(window)?;
        let issuer = self.issuer.name(&self.cases, &block)?;
        Ok((
            None,
            Some(Read {
                date,
                blank,
                block,
                type_word,
                title,
                vv,
                signature,
                issuer,
            }),
        ))
    }
}

type Date = Option<(Option<String>, String, String, String)>;
type Signature = (Option<String>, Option<String>);

#[pymethods]
impl HeaderReader {
    /// `spec`: the header's words and patterns (docgraph/header.py `_Words.core_spec`). ValueError when the core
    /// cannot compile one of them (docgraph then reads headers in Python).
    #[new]
    fn new(spec: &Bound<'_, PyDict>) -> PyResult<Self> {
        let reader = HeaderReader::build(spec);
        crate::pattern::release_freed(); // what compiling the patterns left behind
        reader
    }

    /// The header's lines read: for a file without a number of its own, a blank number line or a motto, what
    /// `_article_lines` reads from them (headline, dateline, place, whether a line holds text) and None; else None and (date, blank symbol, issuer block, type heading, title,
    /// subject line seen, signature, the issuer's name). None when the text is left to Python; TimeLimit when `seconds` run out.
    #[allow(clippy::type_complexity)]
    #[pyo3(signature = (text, has_own, seconds=None))]
    fn read_lines(
        &self,
        py: Python<'_>,
        text: &str,
        has_own: bool,
        seconds: Option<f64>,
    ) -> PyResult<
        Option<(
            Option<ArticleRead>,
            Option<(
                Date,
                Option<String>,
                Vec<String>,
                Option<(String, String)>,
                Option<String>,
                bool,
                Signature,
                Option<String>,
            )>,
        )>,
    > {
        let dl = Deadline::new(seconds);
        let _ = py;
        let got = self.read(text, has_own, &dl);
        if dl.passed() {
            return Err(TimeLimit::new_err("the file's time limit ran out in the header reader"));
        }
        Ok(got.ok().map(|(article, f)| {
            (
                article,
                f.map(|f| (f.date, f.blank, f.block, f.type_word, f.title, f.vv, f.signature, f.issuer)),
            )
        }))
    }

    /// `read_header` (with `settle`: `identity.settle_place(read_header(...), default_province)`): the finished
    /// header (a FileHeader when the spec gives its class, else its fields in its order), from the text and its
    /// mentions (docgraph's Mention objects). None when the text is left to Python (as for read_lines, or a
    /// consolidated text's date below its number) or the reader was built without the finishing functions;
    /// TimeLimit when `seconds` run out.
    #[pyo3(signature = (text, mentions, default_province=None, settle=false, seconds=None))]
    fn read_header<'py>(
        &self,
        py: Python<'py>,
        text: &str,
        mentions: &Bound<'py, PyAny>,
        default_province: Option<String>,
        settle: bool,
        seconds: Option<f64>,
    ) -> PyResult<Option<Bound<'py, PyAny>>> {
        let Some(fin) = &self.finish else {
            return Ok(None);
        };
        let Some(ms) = Mentions::read(py, mentions)? else {
            return Ok(None);
        };
        let dl = Deadline::new(seconds);
        let got = self.read(text, ms.has_own(), &dl);
        if dl.passed() {
            return Err(TimeLimit::new_err("the file's time limit ran out in the header reader"));
        }
        // read() checked the characters of the first lines
        let cx = Cx {
            cases: &self.cases,
            checked: self.first_lines_end(text),
        };
        let header = match got {
            Err(Defer) => return Ok(None),
            Ok((Some(article), _)) => fin.article(py, article, &ms, text, &cx)?,
            Ok((None, Some(read))) => fin.document(py, read, &ms, text, &cx, |body| {
                self.issuer.name(&self.cases, &[body.to_string()])
            })?,
            Ok((None, None)) => return Ok(None),
        };
        let Ok(mut header) = header else {
            return Ok(None);
        };
        if settle {
            fin.settle(&mut header, default_province);
        }
        match &self.header_class {
            Some(class) => class.make(py, header).map(Some),
            None => header.into_tuple(py).map(|t| Some(t.into_any())),
        }
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<HeaderReader>()
}

#[cfg(test)]
mod tests {
    use super::HeaderReader;

    #[test]
    fn tail_is_the_last_characters() {
        for text in [
            "",
            "a",
            "abc",
            "Ủy ban nhân dân",
            "tỉnh 𝐀𝐁 Lạng Sơn\nỘ",
            "ỘỘỘỘ",
            "a\u{10000}b",
        ] {
            let chars: Vec<char> = text.chars().collect();
            for n in 0..chars.len() + 3 {
                let want: String = chars[chars.len().saturating_sub(n)..].iter().collect();
                assert_eq!(HeaderReader::tail(text, n), want, "{text:?} {n}");
            }
        }
    }
}
