//! The rest of the header stage (docgraph/header.py `_finish` and `_article`, docgraph/identity.py `settle_place`):
//! from what the line reader read (header.rs) and the file's mentions, the finished header's fields — its date and
//! year, level, province and where it was read, locality, branch, type, number, symbol, the issuer a heading names
//! ("... CỦA BỘ CHÍNH TRỊ"), kind — and, when asked, the folder-wide default province settled in.
//!
//! What needs the lexicon's tables stays Python's own functions, given at construction and called once for each
//! distinct question (the answers kept in bounded memos, as header.py keeps them: issuer blocks, place names and
//! codes repeat from file to file): the places an issuer block names and its branch (`_block_place`), the province
//! of a place-date line's place (`Gazetteer.place_line`), the level and type of a code, a blank number's symbol, and
//! the province a file's first lines name (`_province_from_text`, which counts them in the core's ProvinceCounter).
//! The words (the consolidated text's prefix, the official letter's type, the rule prefixes, the ambiguous codes)
//! and the heading's pattern are header.py's and the lexicon's, given in the spec: nothing of the rules is written
//! here. The values written here are FileHeader's own vocabulary (kinds, levels, sources).

use std::borrow::Borrow;
use std::collections::{HashMap, HashSet};
use std::hash::Hash;
use std::sync::Mutex;

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::header::{get, ve, Defer};
use crate::header_article::ArticleRead;
use crate::header_issuer::Cases;
use crate::header_text::head;
use crate::header_text::TextCount;
use crate::pattern::{translate, BACKTRACK_LIMIT};
use crate::pytext::strip;

/// The most entries of each memo (emptied when full, as header.py's `_MEMO`).
const MEMO: usize = 1024;

struct Memo<K, V>(Mutex<HashMap<K, V>>);

impl<K: Hash + Eq, V: Clone> Memo<K, V> {
    fn new() -> Self {
        Memo(Mutex::new(HashMap::new()))
    }

    fn get<Q: Hash + Eq + ?Sized>(&self, k: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.0.lock().expect("a memo").get(k).cloned()
    }

    fn put(&self, k: K, v: V) {
        let mut m = self.0.lock().expect("a memo");
        if m.len() >= MEMO {
            m.clear();
        }
        m.insert(k, v);
    }
}

/// What an issuer block names (`_block_place`) and the branch its words tell.
#[derive(Clone)]
struct BlockPlace {
    level: String,
    province: Option<String>,
    locality: Option<String>,
    candidates: Vec<String>,
    branch: String,
}

/// The fields of the file's own number (the mention `own`) the header reads.
pub(crate) struct Own {
    issuer_code: Option<String>,
    branch: Option<String>,
    typ: Option<String>,
    symbol: Option<String>,
    rule: String,
    year: Option<i64>,
    number: Option<String>,
}

/// A FileHeader's fields, in its order.
#[derive(Default)]
pub(crate) struct Header {
    kind: &'static str,
    typ: Option<String>,
    number: Option<String>,
    symbol: Option<String>,
    year: Option<i64>,
    date: Option<String>,
    issuer: Option<String>,
    issuer_code: Option<String>,
    level: String,
    branch: Option<String>,
    province: Option<String>,
    locality: Option<String>,
    title: Option<String>,
    place: Option<String>,
    signer: Option<String>,
    signer_title: Option<String>,
    province_source: Option<&'static str>,
    province_default: Option<String>,
}

/// FileHeader's fields, in the order of Header's (the class is checked to have these).
const FIELDS: [&str; 18] = [
    "kind",
    "type",
    "number",
    "symbol",
    "year",
    "date",
    "issuer",
    "issuer_code",
    "level",
    "branch",
    "province",
    "locality",
    "title",
    "place",
    "signer",
    "signer_title",
    "province_source",
    "province_default",
];

/// docgraph's FileHeader class, its fields' names, and `object.__new__`: a header is made as its class would make
/// it (a frozen dataclass's __init__ sets each field through object.__setattr__, some 4 µs for 18 fields), each
/// field set with the generic attribute setter (which the frozen class's own __setattr__ would refuse).
pub(crate) struct HeaderClass {
    class: Py<PyAny>,
    names: Vec<Py<pyo3::types::PyString>>,
    new: Py<PyAny>,
}

impl HeaderClass {
    pub(crate) fn build(spec: &Bound<'_, PyDict>) -> PyResult<Option<HeaderClass>> {
        let py = spec.py();
        let Some(class) = spec.get_item("header_class")? else {
            return Ok(None);
        };
        let names: Vec<String> = get(spec, "header_fields")?;
        if names != FIELDS {
            return Err(pyo3::exceptions::PyValueError::new_err(
                "FileHeader's fields are not the core's",
            ));
        }
        Ok(Some(HeaderClass {
            class: class.unbind(),
            names: names
                .iter()
                .map(|n| pyo3::types::PyString::intern(py, n).unbind())
                .collect(),
            new: py.import("builtins")?.getattr("object")?.getattr("__new__")?.unbind(),
        }))
    }

    pub(crate) fn make<'py>(&self, py: Python<'py>, h: Header) -> PyResult<Bound<'py, PyAny>> {
        let obj = self.new.bind(py).call1((self.class.bind(py),))?;
        for (name, value) in self.names.iter().zip(h.values(py)?) {
            // SAFETY: three valid object pointers, the GIL held
            let r = unsafe { pyo3::ffi::PyObject_GenericSetAttr(obj.as_ptr(), name.as_ptr(), value.as_ptr()) };
            if r != 0 {
                return Err(PyErr::fetch(py));
            }
        }
        Ok(obj)
    }
}

impl Header {
    pub(crate) fn into_tuple<'py>(self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.values(py)?)
    }

    fn values(self, py: Python<'_>) -> PyResult<Vec<PyObject>> {
        let items: Vec<PyObject> = vec![
            self.kind.into_pyobject(py)?.into_any().unbind(),
            self.typ.into_pyobject(py)?.into_any().unbind(),
            self.number.into_pyobject(py)?.into_any().unbind(),
            self.symbol.into_pyobject(py)?.into_any().unbind(),
            self.year.into_pyobject(py)?.into_any().unbind(),
            self.date.into_pyobject(py)?.into_any().unbind(),
            self.issuer.into_pyobject(py)?.into_any().unbind(),
            self.issuer_code.into_pyobject(py)?.into_any().unbind(),
            self.level.into_pyobject(py)?.into_any().unbind(),
            self.branch.into_pyobject(py)?.into_any().unbind(),
            self.province.into_pyobject(py)?.into_any().unbind(),
            self.locality.into_pyobject(py)?.into_any().unbind(),
            self.title.into_pyobject(py)?.into_any().unbind(),
            self.place.into_pyobject(py)?.into_any().unbind(),
            self.signer.into_pyobject(py)?.into_any().unbind(),
            self.signer_title.into_pyobject(py)?.into_any().unbind(),
            self.province_source.into_pyobject(py)?.into_any().unbind(),
            self.province_default.into_pyobject(py)?.into_any().unbind(),
        ];
        Ok(items)
    }
}

/// Python's truth of an optional str: None and "" are false.
fn truthy(s: &Option<String>) -> bool {
    s.as_deref().is_some_and(|x| !x.is_empty())
}

/// `_ymd_of`: (ISO date, or None when impossible or left blank, year). Defer for a digit other than ASCII (int()
/// reads every decimal digit).
fn ymd(d: &str, m: &str, y: &str) -> Result<(Option<String>, i64), Defer> {
    let num = |s: &str| -> Result<Option<u32>, Defer> {
        if s.chars().any(|c| !c.is_ascii_digit() && c.is_numeric()) {
            return Err(Defer);
        }
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || s.len() > 6 {
            return Ok(None); // blank ("..", "…", " "): int() raises ValueError
        }
        Ok(s.parse().ok())
    };
    let year = num(y)?.ok_or(Defer)? as i64;
    let (Some(day), Some(month)) = (num(d)?, num(m)?) else {
        return Ok((None, year));
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    };
    if !(1..=9999).contains(&year) || day == 0 || day > days {
        return Ok((None, year));
    }
    Ok((Some(format!("{year:04}-{month:02}-{day:02}")), year))
}

/// `identity.first_code`
fn first_code(code: &Option<String>) -> &str {
    match code.as_deref() {
        Some(c) if !c.is_empty() => {
            let first = c.split('-').next().unwrap_or("");
            first.trim_end_matches(|ch: char| ch.is_ascii_digit())
        }
        _ => "",
    }
}

pub(crate) struct Finisher {
    block_place: Py<PyAny>,
    place_line: Py<PyAny>,
    level_of_code: Py<PyAny>,
    type_of_code: Py<PyAny>,
    draft_code: Py<PyAny>,
    province_from_text: Py<PyAny>,
    text_count: Option<TextCount>,
    reform_date: String,
    ambiguous: HashSet<String>,
    generic_types: HashSet<String>,
    heading_by: fancy_regex::Regex,
    consolidated_prefix: String,
    consolidated_type: String,
    letter_rule: String,
    letter_type: String,
    normative_rule: String,
    head_chars: usize,
    blocks: Memo<Vec<String>, BlockPlace>,
    places: Memo<(String, bool), Option<String>>,
    levels: Memo<String, String>,
    types: Memo<(String, Option<String>), Option<String>>,
}

/// The mentions as read_header reads them: the own number's fields, the provinces the others name.
pub(crate) struct Mentions {
    own: Option<Own>,
    provinces: Vec<String>,
}

impl Mentions {
    /// None when a field is not what docgraph's Mention holds (then Python reads the header).
    pub(crate) fn read(py: Python<'_>, mentions: &Bound<'_, PyAny>) -> PyResult<Option<Mentions>> {
        let mut own = None;
        let mut provinces = Vec::new();
        for m in mentions.try_iter()? {
            let m = m?;
            let is_own = m.getattr(intern!(py, "own"))?.is_truthy()?;
            if is_own {
                if own.is_none() {
                    let s = |k: &Bound<'_, pyo3::types::PyString>| -> PyResult<Option<Option<String>>> {
                        Ok(m.getattr(k)?.extract::<Option<String>>().ok())
                    };
                    let (Some(issuer_code), Some(branch), Some(typ), Some(symbol), Some(number)) = (
                        s(intern!(py, "issuer_code"))?,
                        s(intern!(py, "branch"))?,
                        s(intern!(py, "type"))?,
                        s(intern!(py, "symbol"))?,
                        s(intern!(py, "number"))?,
                    ) else {
                        return Ok(None);
                    };
                    let Ok(rule) = m.getattr(intern!(py, "rule"))?.extract::<String>() else {
                        return Ok(None);
                    };
                    let Ok(year) = m.getattr(intern!(py, "year"))?.extract::<Option<i64>>() else {
                        return Ok(None);
                    };
                    own = Some(Own {
                        issuer_code,
                        branch,
                        typ,
                        symbol,
                        rule,
                        year,
                        number,
                    });
                }
                continue;
            }
            let p = m.getattr(intern!(py, "province"))?;
            if p.is_truthy()? {
                match p.extract::<String>() {
                    Ok(p) => provinces.push(p),
                    Err(_) => return Ok(None),
                }
            }
        }
        Ok(Some(Mentions { own, provinces }))
    }

    pub(crate) fn has_own(&self) -> bool {
        self.own.is_some()
    }

    /// `_province_from_mentions`: the province most often named (the first named of those), among `candidates`
    /// when given.
    fn province(&self, candidates: &[String]) -> Option<String> {
        let mut counts: Vec<(&str, usize)> = Vec::new();
        for p in &self.provinces {
            if !candidates.is_empty() && !candidates.iter().any(|c| c == p) {
                continue;
            }
            match counts.iter_mut().find(|(q, _)| q == p) {
                Some(e) => e.1 += 1,
                None => counts.push((p, 1)),
            }
        }
        let mut best: Option<(&str, usize)> = None;
        for (p, n) in counts {
            if best.is_none_or(|(_, b)| n > b) {
                best = Some((p, n));
            }
        }
        best.map(|(p, _)| p.to_string())
    }
}

/// What the line reader (header.rs) reads from the lines of a document (header.py `_read_lines` fields).
pub(crate) struct Read {
    pub date: Option<(Option<String>, String, String, String)>,
    pub blank: Option<String>,
    pub block: Vec<String>,
    pub type_word: Option<(String, String)>,
    pub title: Option<String>,
    pub vv: bool,
    pub signature: (Option<String>, Option<String>),
    pub issuer: Option<String>,
}

type Got<T> = PyResult<Result<T, Defer>>;

/// What the header reader gives the finishing: Python's case tables, how far the text's characters were checked.
pub(crate) struct Cx<'a> {
    pub cases: &'a Cases,
    pub checked: usize,
}

impl Finisher {
    pub(crate) fn build(spec: &Bound<'_, PyDict>) -> PyResult<Finisher> {
        let s = |k: &str| -> PyResult<String> { get::<String>(spec, k) };
        let f = |k: &str| -> PyResult<Py<PyAny>> { get::<Py<PyAny>>(spec, k) };
        let src = format!("^(?:{})", s("heading_by")?);
        let t = ve(translate(&src, true))?;
        let heading_by = ve(fancy_regex::RegexBuilder::new(&t)
            .backtrack_limit(BACKTRACK_LIMIT)
            .build()
            .map_err(|e| format!("{src}: {e}")))?;
        Ok(Finisher {
            block_place: f("block_place")?,
            place_line: f("place_line")?,
            level_of_code: f("level_of_code")?,
            type_of_code: f("type_of_code")?,
            draft_code: f("draft_code")?,
            province_from_text: f("province_from_text")?,
            text_count: TextCount::build(spec)?,
            reform_date: s("reform_date")?,
            ambiguous: get::<Vec<String>>(spec, "ambiguous_codes")?.into_iter().collect(),
            generic_types: get::<Vec<String>>(spec, "generic_types")?.into_iter().collect(),
            heading_by,
            consolidated_prefix: s("consolidated_prefix")?,
            consolidated_type: s("consolidated_type")?,
            letter_rule: s("letter_rule")?,
            letter_type: s("letter_type")?,
            normative_rule: s("normative_rule")?,
            head_chars: get(spec, "text_head")?,
            blocks: Memo::new(),
            places: Memo::new(),
            levels: Memo::new(),
            types: Memo::new(),
        })
    }

    fn block(&self, py: Python<'_>, block: &[String]) -> PyResult<BlockPlace> {
        if let Some(hit) = self.blocks.get(block) {
            return Ok(hit);
        }
        let (level, province, locality, candidates, branch) = self
            .block_place
            .call1(py, (block.to_vec(),))?
            .extract::<(String, Option<String>, Option<String>, Vec<String>, String)>(py)?;
        let hit = BlockPlace {
            level,
            province,
            locality,
            candidates,
            branch,
        };
        self.blocks.put(block.to_vec(), hit.clone());
        Ok(hit)
    }

    /// `_place_line(words, place, date)`
    fn place_line(&self, py: Python<'_>, place: &str, date: &Option<String>) -> PyResult<Option<String>> {
        let after = truthy(date) && date.as_deref().unwrap_or("") >= self.reform_date.as_str();
        let key = (place.to_string(), after);
        if let Some(hit) = self.places.get(&key) {
            return Ok(hit);
        }
        let hit: Option<String> = self.place_line.call1(py, (place, after))?.extract(py)?;
        self.places.put(key, hit.clone());
        Ok(hit)
    }

    fn level_of(&self, py: Python<'_>, code: &str) -> PyResult<String> {
        if let Some(hit) = self.levels.get(code) {
            return Ok(hit);
        }
        let hit: String = self.level_of_code.call1(py, (code,))?.extract(py)?;
        self.levels.put(code.to_string(), hit.clone());
        Ok(hit)
    }

    fn type_of(&self, py: Python<'_>, code: &str, word: &Option<String>) -> PyResult<Option<String>> {
        let key = (code.to_string(), word.clone());
        if let Some(hit) = self.types.get(&key) {
            return Ok(hit);
        }
        let hit: Option<String> = self.type_of_code.call1(py, (code, word.as_deref()))?.extract(py)?;
        self.types.put(key, hit.clone());
        Ok(hit)
    }

    /// `_province_from_text(text, lexicon, candidates)`: the province most often named with its unit word in the
    /// first characters (none on a tie), among `candidates` when given; the characters up to byte `checked` of the
    /// text are in the core's repertoire.
    fn from_text(
        &self,
        py: Python<'_>,
        cases: &Cases,
        text: &str,
        candidates: &[String],
        checked: usize,
    ) -> PyResult<Option<String>> {
        let head = head(text, self.head_chars);
        if head.is_empty() {
            return Ok(None);
        }
        if let Some(counts) = self.text_count.as_ref().and_then(|t| t.count(py, cases, head, checked)) {
            // Counter.most_common(): by count, the first named first among equal counts
            let mut ranked: Vec<(&str, usize)> = counts
                .into_iter()
                .filter(|(p, _)| candidates.is_empty() || candidates.iter().any(|c| c == p))
                .collect();
            ranked.sort_by(|a, b| b.1.cmp(&a.1));
            return Ok(match ranked.as_slice() {
                [(p, _)] => Some(p.to_string()),
                [(p, n), (_, m), ..] if n > m => Some(p.to_string()),
                _ => None,
            });
        }
        self.province_from_text
            .call1(py, (head, candidates.to_vec()))?
            .extract(py)
    }

    /// `_article`: the header of a file without one of its own, from what its lines gave.
    pub(crate) fn article(&self, py: Python<'_>, read: ArticleRead, ms: &Mentions, text: &str, cx: &Cx) -> Got<Header> {
        let (title, dated, place, any_text) = read;
        let (mut date, mut year) = (None, None);
        if let Some((d, m, y)) = dated {
            let (dt, yr) = match ymd(&d, &m, &y) {
                Ok(got) => got,
                Err(e) => return Ok(Err(e)),
            };
            year = dt.is_some().then_some(yr);
            date = dt;
        }
        if !any_text {
            return Ok(Ok(Header {
                kind: "unknown",
                level: "unknown".into(),
                ..Header::default()
            }));
        }
        let in_place = match &place {
            Some(p) if !p.is_empty() => self.place_line(py, p, &date)?,
            _ => None,
        };
        let place = if truthy(&in_place) { place } else { None };
        let mut source = truthy(&in_place).then_some("place_date");
        let mut province = in_place;
        if province.is_none() {
            province = ms.province(&[]);
            source = truthy(&province).then_some("parent");
        }
        if province.is_none() {
            province = self.from_text(py, cx.cases, text, &[], cx.checked)?;
            source = truthy(&province).then_some("text");
        }
        Ok(Ok(Header {
            kind: if truthy(&date) || truthy(&title) {
                "article"
            } else {
                "unknown"
            },
            date,
            year,
            title,
            province,
            place,
            province_source: source,
            level: "unknown".into(),
            ..Header::default()
        }))
    }

    /// `_finish`: the header of a document from what its lines gave, the lexicon's places and the file's mentions.
    pub(crate) fn document(
        &self,
        py: Python<'_>,
        f: Read,
        ms: &Mentions,
        text: &str,
        cx: &Cx,
        name_issuer: impl Fn(&str) -> Result<Option<String>, Defer>,
    ) -> Got<Header> {
        let own = ms.own.as_ref();
        let (mut date, mut place, mut year) = (None, None, None);
        if let Some((p, d, m, y)) = &f.date {
            place = p.clone();
            let (dt, yr) = match ymd(d, m, y) {
                Ok(got) => got,
                Err(e) => return Ok(Err(e)),
            };
            date = dt;
            year = Some(yr);
        }
        let bp = self.block(py, &f.block)?;
        let mut level = bp.level;
        let mut province = bp.province;
        let locality = bp.locality;
        let candidates = bp.candidates;
        let mut province_source = truthy(&province).then_some("header");
        let mut issuer_code = own.and_then(|o| o.issuer_code.clone());
        let mut draft_symbol = None;
        let worded = f.type_word.as_ref().map(|t| t.0.clone());
        if let (None, Some(blank)) = (own, &f.blank) {
            let (sym, code): (String, String) = self.draft_code.call1(py, (blank, worded.as_deref()))?.extract(py)?;
            issuer_code = Some(code);
            draft_symbol = Some(sym);
        }
        let code_level = if truthy(&issuer_code) {
            self.level_of(py, issuer_code.as_deref().unwrap_or(""))?
        } else {
            "unknown".to_string()
        };
        if level == "unknown" && code_level != "ambiguous" && code_level != "unknown" {
            level = code_level.clone();
        }
        if code_level == "department" && (level == "provincial" || level == "unknown") {
            level = "department".into();
        }
        let in_place = match &place {
            Some(p) if !p.is_empty() => self.place_line(py, p, &date)?,
            _ => None,
        };
        if in_place.is_none() {
            place = None;
        }
        if province.is_none() && level != "central" {
            let fits = |p: &Option<String>| {
                truthy(p) && (candidates.is_empty() || candidates.iter().any(|c| Some(c) == p.as_ref()))
            };
            if fits(&in_place) {
                province = in_place.clone();
                province_source = Some("place_date");
            } else {
                let p = ms.province(&candidates);
                if fits(&p) {
                    province = p;
                    province_source = Some("parent");
                } else {
                    let p = self.from_text(py, cx.cases, text, &candidates, cx.checked)?;
                    if fits(&p) {
                        province = p;
                        province_source = Some("text");
                    }
                }
            }
        }
        let branch = match own.and_then(|o| o.branch.clone()) {
            Some(b) => Some(b),
            None => Some(bp.branch),
        };
        let mut typ = match (&f.type_word, own) {
            (Some(t), _) => Some(t.0.clone()),
            (None, Some(o)) => o.typ.clone(),
            (None, None) => None,
        };
        if let Some(o) = own {
            if truthy(&o.symbol)
                && o.symbol
                    .as_deref()
                    .unwrap_or("")
                    .starts_with(self.consolidated_prefix.as_str())
            {
                typ = Some(self.consolidated_type.clone());
                if date.is_none() {
                    return Ok(Err(Defer)); // its date stands below the number: Python reads it there
                }
            }
        }
        if typ.is_none() {
            if let Some(o) = own {
                if o.rule.starts_with(self.letter_rule.as_str()) && f.vv {
                    typ = Some(self.letter_type.clone());
                }
            }
        }
        let (number, symbol) = match own {
            Some(o) => {
                let oy = o.year.filter(|&y| y != 0);
                if oy.is_some() && year.is_none() {
                    year = oy;
                }
                if o.rule.starts_with(self.normative_rule.as_str()) && oy.is_some() {
                    year = oy;
                }
                (o.number.clone(), o.symbol.clone())
            }
            None => (None, draft_symbol),
        };
        if truthy(&symbol) && typ.as_ref().is_none_or(|t| self.generic_types.contains(t)) {
            let sym = symbol.as_deref().unwrap_or("");
            let first = sym.split('/').next().unwrap_or("").split('-').next().unwrap_or("");
            let got = self.type_of(py, first, &typ)?;
            if truthy(&got) {
                typ = got;
            }
        }
        let mut issuer = f.issuer;
        let mut title = f.title;
        if let Some(t) = title.clone().filter(|t| !t.is_empty()) {
            let caps = match self.heading_by.captures(&t) {
                Ok(c) => c,
                Err(_) => return Ok(Err(Defer)),
            };
            if let Some(c) = caps {
                let body = c.name("body").map_or("", |m| m.as_str());
                match name_issuer(body) {
                    Ok(Some(n)) if !n.is_empty() => issuer = Some(n),
                    Ok(_) => {}
                    Err(e) => return Ok(Err(e)),
                }
                let end = c.get(0).map_or(0, |m| m.end());
                let rest = strip(&t[end..]);
                title = (!rest.is_empty()).then(|| rest.to_string());
            }
        }
        let kind = if own.is_some() || f.blank.is_none() {
            "document"
        } else {
            "draft"
        };
        let (signer_title, signer) = f.signature;
        Ok(Ok(Header {
            kind,
            typ,
            number,
            symbol,
            year,
            date,
            issuer,
            issuer_code,
            level,
            branch,
            province,
            locality,
            title,
            place,
            signer,
            signer_title,
            province_source,
            province_default: None,
        }))
    }

    /// `identity.settle_place(h, default_province)`
    pub(crate) fn settle(&self, h: &mut Header, default_province: Option<String>) {
        let doc = h.kind == "document" || h.kind == "draft";
        if truthy(&default_province) {
            if h.province.is_none() && h.level != "central" && doc {
                h.province = default_province.clone();
                h.province_source = Some("default");
            }
            h.province_default = default_province;
        }
        if h.level == "unknown"
            && truthy(&h.province)
            && h.locality.is_none()
            && doc
            && self.ambiguous.contains(first_code(&h.issuer_code))
        {
            h.level = "provincial".into();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ymd;

    #[test]
    fn dates_as_python_reads_them() {
        let ok = |d, m, y| ymd(d, m, y).ok().expect("no defer");
        assert_eq!(ok("5", "3", "2024"), (Some("2024-03-05".into()), 2024));
        assert_eq!(ok("29", "02", "2023"), (None, 2023));
        assert_eq!(ok("29", "2", "2024"), (Some("2024-02-29".into()), 2024));
        assert_eq!(ok("29", "2", "1900"), (None, 1900));
        assert_eq!(ok("0", "1", "2020"), (None, 2020));
        assert_eq!(ok("..", "…", "2020"), (None, 2020));
        assert_eq!(ok("", "", "2020"), (None, 2020));
        assert_eq!(ok("31", "13", "2020"), (None, 2020));
        assert!(ymd("٣", "1", "2020").is_err());
    }
}
