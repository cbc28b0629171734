//! The extract stage's drafts (docgraph/engine.py, `Engine._extract` up to the drafts): the rule scans
//! (scan.rs), `resolve_overlaps`, the reference context (context.rs) and `_draft_of` (a law's name, the codes) in one
//! call, so that docgraph builds no core or context object of its own. The codes (`_compute_codes`: symbol, issuer
//! code, branch, type, level, province, locality) are docgraph's own function of (type word, layout, issuer,
//! symbol), called once per distinct key and kept here (the tables it reads, the gazetteer's places among them, stay
//! in Python: one reference, the same YAML data).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyString, PyTuple};
use pyo3::IntoPyObjectExt;

use crate::context::{clean, int_of, ContextReader, CoreIn, Stop as CtxStop};
use crate::deadline::{Deadline, TimeLimit};
use crate::pytext::{checked_text, isspace};
use crate::scan::{RuleScanner, Stop as ScanStop};

/// How an extraction stopped early.
pub(crate) enum Stop {
    /// the file's time limit
    Time,
    /// something the core does not read as Python does: the text is left to Python
    Python,
}

impl From<CtxStop> for Stop {
    fn from(s: CtxStop) -> Self {
        match s {
            CtxStop::Time => Stop::Time,
            CtxStop::Python => Stop::Python,
        }
    }
}

impl From<ScanStop> for Stop {
    fn from(s: ScanStop) -> Self {
        match s {
            ScanStop::Time => Stop::Time,
            ScanStop::Limit => Stop::Python,
        }
    }
}

/// `_LAYOUT_PRIORITY`
fn priority(layout: &str) -> u8 {
    match layout {
        "normative" => 0,
        "party" => 1,
        "state" => 2,
        "older" => 3,
        "name" => 4,
        _ => 9,
    }
}

/// What `_compute_codes` gives: (symbol, issuer code, branch, type, level, province, locality)
#[derive(Clone)]
pub(crate) struct Codes {
    pub symbol: Option<String>,
    pub issuer_code: Option<String>,
    pub branch: Option<String>,
    pub typ: Option<String>,
    pub level: String,
    pub province: Option<String>,
    pub locality: Option<String>,
}

/// One reference between the stages: docgraph's `_Draft` (rule None: a short form)
#[derive(Clone)]
pub(crate) struct Draft {
    pub core_start: usize,
    pub core_end: usize,
    pub rule: Option<usize>,
    pub number: Option<String>,
    pub year: Option<i64>,
    pub date: Option<String>,
    pub issuer: Option<String>,
    pub issuer_span: Option<(usize, usize)>,
    pub term: Option<String>,
    pub subject: Option<String>,
    pub pinpoint: Option<String>,
    pub short_form: bool,
    pub own: bool,
    pub name: Option<String>,
    pub tw: Option<String>,
    pub prefix_start: usize,
    pub start: usize,
    pub end: usize,
    /// shared with the cache and the other drafts of the same key (copied when a stage changes one)
    pub codes: Arc<Codes>,
}

/// One rule as the drafts need it: its id and layout
pub(crate) struct RuleInfo {
    pub id: String,
    pub layout: String,
    pub name_layout: bool,
    pub prio: u8,
}

type CodesKey = (Option<String>, usize, Option<String>, Option<String>);

/// entries of the codes cache (docgraph's `_CACHE_SIZE`): emptied when it outgrows this
const CACHE_SIZE: usize = 8192;

/// A type word or phrase as looked up (docgraph's `lexicon.key`): NFC, spaces collapsed, lower case. None when `s`
/// holds a character NFC might change (the core does not compose): only code points below U+0300 and the Latin
/// Extended Additional block (Vietnamese letters, precomposed) are read here.
pub(crate) fn key(s: &str) -> Option<String> {
    if !s
        .chars()
        .all(|c| (c as u32) < 0x300 || (0x1E00..=0x1EFF).contains(&(c as u32)))
    {
        return None;
    }
    let words: Vec<&str> = s.split(isspace).filter(|w| !w.is_empty()).collect();
    Some(words.join(" ").to_lowercase())
}

/// The drafts of the extract stage: `Extractor(scanner, context, rules, codes, type_word_map)`, where `rules` are
/// the (id, layout) of the scanner's rules in its order and `codes` docgraph's `_compute_codes`.
#[pyclass(name = "Extractor", module = "docgraph_native", frozen)]
pub(crate) struct Extractor {
    scanner: Py<RuleScanner>,
    context: Py<ContextReader>,
    pub rules: Vec<RuleInfo>,
    codes_fn: PyObject,
    codes: Mutex<HashMap<CodesKey, Arc<Codes>>>,
    /// the rules' ids and "short_form" as Python strings (each mention's rule)
    pub rule_ids: Vec<Py<PyString>>,
    pub short_form_id: Py<PyString>,
    pub type_word_map: HashMap<String, String>,
    /// the patterns of the stages after the drafts (None: only the drafts are given)
    pub later: Option<crate::shortforms::Later>,
}

/// A core of the scan: (start, end, rule index, number, year, symbol, tw, name)
struct Core {
    start: usize,
    end: usize,
    rule: usize,
    number: Option<String>,
    year: Option<i64>,
    symbol: Option<String>,
    tw: Option<String>,
    name: Option<String>,
}

impl Extractor {
    /// `resolve_overlaps`: leftmost, then longest, then rule priority (then rule id); a numbered reference beats a
    /// law-by-name match it overlaps
    fn resolve(&self, mut cores: Vec<Core>) -> Vec<Core> {
        let rules = &self.rules;
        cores.sort_by(|a, b| {
            let ka = (a.start, std::cmp::Reverse(a.end - a.start), rules[a.rule].prio);
            let kb = (b.start, std::cmp::Reverse(b.end - b.start), rules[b.rule].prio);
            ka.cmp(&kb).then_with(|| rules[a.rule].id.cmp(&rules[b.rule].id))
        });
        let mut out: Vec<Core> = Vec::with_capacity(cores.len());
        let mut last_end: i64 = -1;
        for c in cores {
            if c.start as i64 >= last_end {
                last_end = c.end as i64;
                out.push(c);
            } else if c.end as i64 > last_end
                && !rules[c.rule].name_layout
                && out.last().is_some_and(|l| rules[l.rule].name_layout)
            {
                last_end = c.end as i64;
                *out.last_mut().unwrap() = c;
            }
        }
        out
    }

    /// `_fill_codes`: the codes of (type word, layout, symbol, issuer), from the cache or docgraph's function
    fn codes_of(
        &self,
        py: Python<'_>,
        tw: Option<&str>,
        rule: usize,
        symbol: Option<&str>,
        issuer: Option<&str>,
    ) -> PyResult<Arc<Codes>> {
        // the layout, not the rule, keys the codes: rules of one layout share entries
        let layout = &self.rules[rule].layout;
        let lk = self.rules.iter().position(|r| &r.layout == layout).unwrap_or(rule);
        let k: CodesKey = (
            tw.map(str::to_string),
            lk,
            symbol.map(str::to_string),
            issuer.map(str::to_string),
        );
        if let Some(hit) = self.codes.lock().unwrap().get(&k) {
            return Ok(hit.clone());
        }
        let got = self.codes_fn.call1(py, (tw, layout.as_str(), issuer, symbol))?;
        #[allow(clippy::type_complexity)]
        let (symbol, issuer_code, branch, typ, level, province, locality): (
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            String,
            Option<String>,
            Option<String>,
        ) = got.extract(py)?;
        let c = Arc::new(Codes {
            symbol,
            issuer_code,
            branch,
            typ,
            level,
            province,
            locality,
        });
        let mut cache = self.codes.lock().unwrap();
        if cache.len() > CACHE_SIZE {
            cache.clear();
        }
        cache.insert(k, c.clone());
        Ok(c)
    }

    /// The drafts of a normalized text (`Engine._read_contexts` after the scans and `resolve_overlaps`). Err(None):
    /// the text is left to Python; Err(Some(e)): a Python error (the codes function's) or the time limit.
    pub(crate) fn drafts(&self, py: Python<'_>, t: &str, dl: &Deadline) -> Result<Vec<Draft>, Option<PyErr>> {
        let fail = |s: Stop| match s {
            Stop::Time => Some(TimeLimit::new_err("time limit")),
            Stop::Python => None,
        };
        let scanned = self.scanner.get().run(t, dl).map_err(|e| fail(e.into()))?;
        let mut cores = Vec::with_capacity(scanned.len());
        for (start, end, rule, number, year, symbol, tw, name) in scanned {
            let year = match year.as_deref() {
                None | Some("") => None,
                Some(y) => Some(int_of(y).map_err(|e| fail(e.into()))?),
            };
            cores.push(Core {
                start,
                end,
                rule,
                number,
                year,
                symbol,
                tw,
                name,
            });
        }
        let cores = self.resolve(cores);
        if cores.is_empty() {
            return Ok(Vec::new());
        }
        let ins: Vec<CoreIn> = cores
            .iter()
            .map(|c| {
                let lay = &self.rules[c.rule].layout;
                (c.start, c.end, lay == "name", lay == "normative", c.year)
            })
            .collect();
        let rows = self.context.get().run(t, &ins, dl).map_err(|e| fail(e.into()))?;
        let mut out = Vec::with_capacity(cores.len());
        for (c, row) in cores.into_iter().zip(rows) {
            let (tw, name, issuer, issuer_span, date, year, term, subject, pinpoint, prefix_start, start, end) = row;
            let name_layout = self.rules[c.rule].name_layout;
            let (tw, name, symbol) = if name_layout {
                let Some(ctw) = c.tw else { return Err(None) };
                let mut it = ctw.chars();
                let first: String = it.next().map(|ch| ch.to_uppercase().collect()).unwrap_or_default();
                let whole = format!("{first}{} {}", it.as_str(), c.name.as_deref().unwrap_or("None"));
                let name = clean(whole.trim_matches(|ch| matches!(ch, ' ' | ',' | '-')));
                (Some(ctw), Some(name), None)
            } else {
                let name = match name {
                    Some(nm) => {
                        let k = tw.as_deref().and_then(key).ok_or(None)?;
                        let canon = self.type_word_map.get(&k).ok_or(None)?;
                        Some(clean(&format!("{canon} {nm}")))
                    }
                    None => None,
                };
                (tw, name, c.symbol)
            };
            let codes = self
                .codes_of(py, tw.as_deref(), c.rule, symbol.as_deref(), issuer.as_deref())
                .map_err(Some)?;
            out.push(Draft {
                core_start: c.start,
                core_end: c.end,
                rule: Some(c.rule),
                number: c.number,
                year,
                date,
                issuer,
                issuer_span,
                term,
                subject,
                pinpoint,
                short_form: false,
                own: false,
                name,
                tw,
                prefix_start,
                start,
                end,
                codes,
            });
        }
        Ok(out)
    }

    /// docgraph's `_Draft` fields of a draft, in its order
    pub(crate) fn draft_row<'py>(&self, py: Python<'py>, d: &Draft) -> PyResult<Bound<'py, PyTuple>> {
        let (rule, layout) = match d.rule {
            Some(k) => (self.rules[k].id.as_str(), self.rules[k].layout.as_str()),
            None => ("short_form", ""),
        };
        let c = &d.codes;
        let items = [
            d.core_start.into_bound_py_any(py)?,
            d.core_end.into_bound_py_any(py)?,
            rule.into_bound_py_any(py)?,
            layout.into_bound_py_any(py)?,
            d.number.as_deref().into_bound_py_any(py)?,
            d.year.into_bound_py_any(py)?,
            d.date.as_deref().into_bound_py_any(py)?,
            d.issuer.as_deref().into_bound_py_any(py)?,
            d.issuer_span.into_bound_py_any(py)?,
            d.term.as_deref().into_bound_py_any(py)?,
            d.subject.as_deref().into_bound_py_any(py)?,
            d.pinpoint.as_deref().into_bound_py_any(py)?,
            d.short_form.into_bound_py_any(py)?,
            d.own.into_bound_py_any(py)?,
            d.name.as_deref().into_bound_py_any(py)?,
            d.tw.as_deref().into_bound_py_any(py)?,
            d.prefix_start.into_bound_py_any(py)?,
            d.start.into_bound_py_any(py)?,
            d.end.into_bound_py_any(py)?,
            c.symbol.as_deref().into_bound_py_any(py)?,
            c.issuer_code.as_deref().into_bound_py_any(py)?,
            c.branch.as_deref().into_bound_py_any(py)?,
            c.typ.as_deref().into_bound_py_any(py)?,
            c.level.as_str().into_bound_py_any(py)?,
            c.province.as_deref().into_bound_py_any(py)?,
            c.locality.as_deref().into_bound_py_any(py)?,
        ];
        PyTuple::new(py, items)
    }
}

#[pymethods]
impl Extractor {
    #[new]
    #[pyo3(signature = (scanner, context, rules, codes, type_word_map, later=None, generic_types=Vec::new()))]
    fn new(
        py: Python<'_>,
        scanner: Py<RuleScanner>,
        context: Py<ContextReader>,
        rules: Vec<(String, String)>,
        codes: PyObject,
        type_word_map: HashMap<String, String>,
        later: Option<HashMap<String, String>>,
        generic_types: Vec<String>,
    ) -> PyResult<Self> {
        let later = match later {
            Some(spec) => Some(crate::shortforms::Later::new(&spec, generic_types).map_err(PyValueError::new_err)?),
            None => None,
        };
        crate::pattern::release_freed();
        let rule_ids = rules.iter().map(|(id, _)| PyString::new(py, id).unbind()).collect();
        let rules = rules
            .into_iter()
            .map(|(id, layout)| RuleInfo {
                name_layout: layout == "name",
                prio: priority(&layout),
                id,
                layout,
            })
            .collect();
        Ok(Extractor {
            scanner,
            context,
            rules,
            codes_fn: codes,
            codes: Mutex::new(HashMap::new()),
            type_word_map,
            later,
            rule_ids,
            short_form_id: PyString::new(py, "short_form").unbind(),
        })
    }

    /// The drafts of a normalized text as docgraph's `_Draft` fields (offsets in code points), what
    /// `Engine._read_contexts` gives after the scans; `seconds`: what is left of the file's time limit. None: the
    /// text is left to Python.
    #[pyo3(signature = (text, seconds=None))]
    fn drafts_of<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyString>,
        seconds: Option<f64>,
    ) -> PyResult<Option<Vec<Bound<'py, PyTuple>>>> {
        let (text, outside) = checked_text(text)?;
        if outside {
            return Ok(None);
        }
        let dl = Deadline::new(seconds);
        match self.drafts(py, text, &dl) {
            Ok(ds) => Ok(Some(ds.iter().map(|d| self.draft_row(py, d)).collect::<PyResult<_>>()?)),
            Err(None) => Ok(None),
            Err(Some(e)) => Err(e),
        }
    }

    /// The mentions of a text, what `Engine._extract` gives: `text` normalized, `source` the decoded text, `map`
    /// `Normalized`'s offset map (normalized starts, ends, source starts, ends); `seconds`: what is left of the
    /// file's time limit. (rows of Mention's fields, [(row index, source text of an issuer to finish with NFC)]), or
    /// None when the text is left to Python.
    #[pyo3(signature = (text, source, map, seconds=None))]
    #[allow(clippy::type_complexity)]
    fn extract<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyString>,
        source: &Bound<'py, PyString>,
        map: (Vec<usize>, Vec<usize>, Vec<usize>, Vec<usize>),
        seconds: Option<f64>,
    ) -> PyResult<Option<(Vec<Bound<'py, PyTuple>>, Vec<(usize, String)>)>> {
        if self.later.is_none() {
            return Ok(None);
        }
        // the lengths in code points, which Python keeps (no count of the characters)
        let (n_chars, n_src) = (text.len()?, source.len()?);
        let source = source.to_str()?;
        let (text, outside) = checked_text(text)?;
        if outside {
            return Ok(None);
        }
        let dl = Deadline::new(seconds);
        let mut ds = match self.drafts(py, text, &dl) {
            Ok(ds) => ds,
            Err(None) => return Ok(None),
            Err(Some(e)) => return Err(e),
        };
        let mut ix = crate::context::Offsets::new(text);
        let run = |ds: &mut Vec<Draft>, ix: &mut crate::context::Offsets<'_>| -> Result<(), Stop> {
            self.share_lists(text, ix, ds, &dl)?;
            self.mark_own(text, ix, ds, n_chars, &dl)?;
            let done = self.short_forms(text, ix, std::mem::take(ds), n_chars, &dl)?;
            *ds = done;
            Ok(())
        };
        match run(&mut ds, &mut ix) {
            Ok(()) => {}
            Err(Stop::Python) => return Ok(None),
            Err(Stop::Time) => return Err(TimeLimit::new_err("time limit")),
        }
        let (nstart, nend, ostart, oend) = map;
        let nm = crate::shortforms::NormMap {
            nstart,
            nend,
            ostart,
            oend,
        };
        Ok(Some(self.finish(py, source, n_src, &nm, &ds)?))
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Extractor>()
}
