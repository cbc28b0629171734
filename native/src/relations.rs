//! The relation reader's layout of a text (docgraph/relations.py `_Reader._layout_py`, `_clauses`; structure.py
//! `Structure.units`, `starts_item`): for each part its mentions in text order, its units (list items, table cells)
//! and each unit's clauses, with what the reader asks of each (the last character before a clause that is no white
//! space, whether the clause holds the item's first words, whether a span may introduce a list). The patterns are
//! given at construction (relations.py's clause cuts, the structure rules' item starts); offsets in code points.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use regex_automata::{meta, Anchored, Input};

use crate::deadline::{Deadline, TimeLimit};
use crate::pattern::{atomic_repeats, long_repeat, translate, Pattern, BACKTRACK_LIMIT};
use crate::pytext::{checked_text, isspace};
use fancy_regex::RegexInput;
use std::sync::OnceLock;

pub enum Stop {
    Time,
    /// the core leaves the text to Python (a line the structure core cannot class, a name NFC would change)
    Decline,
}

/// A pattern of Python's `regex` (version 0) as the core runs it: the regex crate's meta engine without its lazy DFA
/// (see pattern.rs `meta`) when it can, else fancy-regex (look-around). Python's `search(text, pos, endpos)` is
/// `search(&text[..endpos], pos)`: look-behind and `\b` read before `pos`, nothing reads past `endpos`, `^` matches
/// at the text's start only (or a line's, under (?m)).
pub enum Rx {
    Meta(meta::Regex),
    /// a pattern with a long repeat of one character (`[^;]{0,300}?`), the regex crate would run with one copy of
    /// the class per repetition (0.6 MB): fancy-regex runs it with the repeat in its machine (pattern.rs
    /// `atomic_repeats`), tried only where `relaxed` (the regex crate's, on its lazy DFA) finds a start; where it
    /// runs out of backtracking steps, the regex crate's program of the pattern (`full`, built then) answers
    Lean {
        re: fancy_regex::Regex,
        relaxed: Option<meta::Regex>,
        full: OnceLock<meta::Regex>,
        translated: String,
    },
    /// `relaxed`: the pattern without its look-arounds and word boundaries (pattern.rs `Pattern::relaxed`), which
    /// matches at every position the pattern matches at: the regex crate finds the candidates, fancy-regex's
    /// backtracking VM (about 80 ns a byte when it scans) is tried at them only
    Fancy {
        re: fancy_regex::Regex,
        relaxed: Option<meta::Regex>,
    },
}

/// The regex crate's meta engine for a pattern without look-around: its lazy DFA on (the reader searches clauses of
/// many kilobytes: the PikeVM alone cost the reader twice its time), with a small cache, except for a pattern with a
/// long bounded repeat (`[^;.()\n]{3,160}`: its DFA states multiply), which runs on the PikeVM; no bounded
/// backtracker (it clears a bit set the size of the haystack at each search).
fn meta_of(t: &str) -> Option<meta::Regex> {
    let cfg = meta::Config::new()
        .backtrack(false)
        .hybrid(!long_repeat(t))
        .hybrid_cache_capacity(HYBRID_CACHE);
    meta::Builder::new().configure(cfg).build(t).ok()
}

/// The lazy DFA's cache of each pattern (bytes).
const HYBRID_CACHE: usize = 1 << 17;

impl Rx {
    pub fn new(src: &str) -> Result<Rx, String> {
        let t = translate(src, false)?;
        if long_repeat(&t) && meta_of(&t).is_some() {
            let lean = atomic_repeats(&t).and_then(|a| {
                fancy_regex::RegexBuilder::new(&a)
                    .backtrack_limit(BACKTRACK_LIMIT)
                    .delegate_dfa_size_limit(HYBRID_CACHE)
                    .build()
                    .ok()
            });
            if let Some(re) = lean {
                let relaxed = Pattern::compile(src)?.relaxed().and_then(|r| meta_of(&r));
                return Ok(Rx::Lean {
                    re,
                    relaxed,
                    full: OnceLock::new(),
                    translated: t,
                });
            }
        }
        if let Some(m) = meta_of(&t) {
            return Ok(Rx::Meta(m));
        }
        let re = fancy_regex::RegexBuilder::new(&t)
            .backtrack_limit(BACKTRACK_LIMIT)
            .delegate_dfa_size_limit(HYBRID_CACHE)
            .build()
            .map_err(|e| format!("{src}: {e}"))?;
        let relaxed = Pattern::compile(src)?.relaxed().and_then(|r| meta_of(&r));
        Ok(Rx::Fancy { re, relaxed })
    }

    /// The first match in `hay[pos..]` (bytes). Err: the backtracking limit ran out (the file is over its limit).
    pub fn search(&self, hay: &str, pos: usize) -> Result<Option<(usize, usize)>, Stop> {
        if pos > hay.len() {
            return Ok(None);
        }
        match self {
            Rx::Meta(re) => Ok(re.search(&Input::new(hay).range(pos..)).map(|m| (m.start(), m.end()))),
            Rx::Fancy { re, relaxed: None } => match re.find_from_pos(hay, pos) {
                Ok(m) => Ok(m.map(|m| (m.start(), m.end()))),
                Err(_) => Err(Stop::Time),
            },
            Rx::Lean { re, relaxed, .. } => {
                let Some(r) = relaxed else {
                    return match re.find_from_pos(hay, pos) {
                        Ok(m) => Ok(m.map(|m| (m.start(), m.end()))),
                        Err(_) => Ok(self
                            .full()
                            .search(&Input::new(hay).range(pos..))
                            .map(|m| (m.start(), m.end()))),
                    };
                };
                let mut at = pos;
                while at <= hay.len() {
                    let Some(c) = r.search(&Input::new(hay).range(at..)) else {
                        return Ok(None);
                    };
                    let s = c.start();
                    match re.find_input(RegexInput::new(hay).from_pos(s).anchored(true)) {
                        Ok(Some(m)) => return Ok(Some((s, m.end()))),
                        Ok(None) => {}
                        // out of backtracking steps: the regex crate's program searches from here
                        Err(_) => {
                            return Ok(self
                                .full()
                                .search(&Input::new(hay).range(s..))
                                .map(|m| (m.start(), m.end())))
                        }
                    }
                    at = s + hay[s..].chars().next().map_or(1, char::len_utf8);
                }
                Ok(None)
            }
            Rx::Fancy { relaxed: Some(r), .. } => {
                let mut at = pos;
                while at <= hay.len() {
                    let Some(c) = r.search(&Input::new(hay).range(at..)) else {
                        return Ok(None);
                    };
                    let s = c.start();
                    if let Some(e) = self.match_at(hay, s)? {
                        return Ok(Some((s, e)));
                    }
                    at = s + hay[s..].chars().next().map_or(1, char::len_utf8);
                }
                Ok(None)
            }
        }
    }

    /// Python's `match(text, pos, endpos)` with `hay` = `text[..endpos]`: the end of a match starting at `pos`.
    pub fn match_at(&self, hay: &str, pos: usize) -> Result<Option<usize>, Stop> {
        if pos > hay.len() {
            return Ok(None);
        }
        match self {
            Rx::Meta(re) => Ok(re
                .search(&Input::new(hay).range(pos..).anchored(Anchored::Yes))
                .map(|m| m.end())),
            Rx::Fancy { re, .. } => match re.find_input(RegexInput::new(hay).from_pos(pos).anchored(true)) {
                Ok(m) => Ok(m.map(|m| m.end())),
                Err(_) => Err(Stop::Time),
            },
            Rx::Lean { re, .. } => match re.find_input(RegexInput::new(hay).from_pos(pos).anchored(true)) {
                Ok(m) => Ok(m.map(|m| m.end())),
                Err(_) => Ok(self
                    .full()
                    .search(&Input::new(hay).range(pos..).anchored(Anchored::Yes))
                    .map(|m| m.end())),
            },
        }
    }

    /// A lean pattern's program as written (the regex crate's), built the first time the lean one gives up.
    fn full(&self) -> &meta::Regex {
        let Rx::Lean { full, translated, .. } = self else {
            unreachable!("only a lean pattern has a program as written besides")
        };
        full.get_or_init(|| meta_of(translated).expect("compiled once already"))
    }
}

impl Rx {
    /// A pattern whose named group the reader reads: it must run on the regex crate alone (no look-around).
    pub fn new_with_groups(src: &str) -> Result<Rx, String> {
        match meta_of(&translate(src, false)?) {
            Some(m) => Ok(Rx::Meta(m)),
            None => Err(format!("{src}: a pattern with groups must have no look-around")),
        }
    }

    fn captures(&self, input: Input<'_>, group: &str) -> Option<((usize, usize), Option<(usize, usize)>)> {
        let Rx::Meta(re) = self else {
            unreachable!("built with new_with_groups")
        };
        let mut caps = re.create_captures();
        re.search_captures(&input, &mut caps);
        let m = caps.get_match()?;
        let g = caps.get_group_by_name(group).map(|s| (s.start, s.end));
        Some(((m.start(), m.end()), g))
    }

    /// `search(text, pos, endpos)` with `hay` = `text[..endpos]`: (the match's start, the group's text)
    pub fn captures_at<'h>(&self, hay: &'h str, pos: usize, group: &str) -> Result<Option<(usize, &'h str)>, Stop> {
        if pos > hay.len() {
            return Ok(None);
        }
        Ok(self
            .captures(Input::new(hay).range(pos..), group)
            .map(|(m, g)| (m.0, g.map_or("", |(a, b)| &hay[a..b]))))
    }

    /// `match(text, pos, endpos)` with `hay` = `text[..endpos]`: (start, end, the group's span)
    pub fn captures_span_at(
        &self,
        hay: &str,
        pos: usize,
        group: &str,
    ) -> Result<Option<(usize, usize, (usize, usize))>, Stop> {
        if pos > hay.len() {
            return Ok(None);
        }
        Ok(self
            .captures(Input::new(hay).range(pos..).anchored(Anchored::Yes), group)
            .map(|(m, g)| (m.0, m.1, g.unwrap_or((m.0, m.0)))))
    }
}

/// Code point offsets to byte offsets and back.
pub struct Offsets {
    bytes: Option<Vec<u32>>, // the byte offset of each code point (and of the end); None: an ASCII text
}

impl Offsets {
    pub fn new(text: &str) -> Offsets {
        if text.is_ascii() {
            return Offsets { bytes: None };
        }
        // a code point starts at each byte that is no continuation byte (0x80..0xBF)
        let mut v: Vec<u32> = vec![0; text.len() + 1];
        let mut k = 0;
        for (i, &x) in text.as_bytes().iter().enumerate() {
            v[k] = i as u32; // kept when a code point starts here (branchless)
            k += ((x as i8) >= -0x40) as usize;
        }
        v[k] = text.len() as u32;
        v.truncate(k + 1);
        Offsets { bytes: Some(v) }
    }

    /// The byte offset of code point `c` (clamped to the text's end).
    pub fn byte(&self, c: usize) -> usize {
        match &self.bytes {
            None => c,
            Some(v) => v[c.min(v.len() - 1)] as usize,
        }
    }

    /// The code point offset of byte `b` (a char boundary).
    pub fn char(&self, b: usize) -> usize {
        match &self.bytes {
            None => b,
            Some(v) => v.partition_point(|&x| (x as usize) < b),
        }
    }

    pub fn len(&self, text: &str) -> usize {
        match &self.bytes {
            None => text.len(),
            Some(v) => v.len() - 1,
        }
    }
}

// a part's layout mode (relations.py _LAYOUT_MODE)
#[allow(dead_code)]
const CUT: u8 = 0;
const TABLE: u8 = 1;
const LIST: u8 = 2;
const TITLE: u8 = 3;
const HEADING: u8 = 4;

type Clause = (usize, usize, Vec<usize>, String, bool, bool);

/// A clause of the layout (bytes): its mentions, the last character before it that is no white space, whether it
/// holds the item's first words, whether it may introduce a list.
pub struct ClausePlan {
    pub cs: usize,
    pub ce: usize,
    pub cidx: Vec<usize>,
    pub before: Option<char>,
    pub at_item: bool,
    pub intro: bool,
}

/// A unit of the layout (bytes).
pub struct UnitPlan {
    pub us: usize,
    pub ue: usize,
    pub item: bool,
    pub uidx: Vec<usize>,
    pub clauses: Vec<ClausePlan>,
    pub intro: bool,
}
type Unit = (usize, usize, bool, Vec<usize>, Vec<Clause>, bool);

#[pyclass(name = "RelationLayout", module = "docgraph_native", frozen)]
pub struct RelationLayout {
    cuts: [Rx; 4], // normal, hard-wrapped, preamble list, title
    item: Rx,
    item_lead: Rx,
}

/// `text[..pos].rstrip()[-1:]` (Python's white space) in bytes: the last character before `pos` that is no white space.
fn last_char(text: &str, pos: usize) -> Option<char> {
    text[..pos].chars().rev().find(|&c| !isspace(c))
}

fn blank(s: &str) -> bool {
    s.chars().all(isspace)
}

impl RelationLayout {
    /// The units of a part (bytes): `Structure.units`.
    fn units(
        &self,
        text: &str,
        a: usize,
        b: usize,
        table: bool,
        line_starts: &[usize],
    ) -> Result<Vec<(usize, usize)>, Stop> {
        if table {
            let mut out = Vec::new();
            let mut pos = a;
            for (k, _) in text[a..b].match_indices('|') {
                let at = a + k;
                if at > pos {
                    out.push((pos, at));
                }
                pos = at + 1;
            }
            if pos < b {
                out.push((pos, b));
            }
            out.retain(|&(x, y)| !blank(&text[x..y]));
            if out.is_empty() {
                out.push((a, b));
            }
            return Ok(out);
        }
        let mut cuts = vec![a];
        let mut after = a;
        let hay = &text[..b];
        let first = line_starts.partition_point(|&x| x < a);
        let last = line_starts.partition_point(|&x| x < b);
        for &at in &line_starts[first..last] {
            if at < after {
                continue;
            }
            if let Some(e) = self.item.match_at(hay, at)? {
                if at > *cuts.last().expect("one cut") {
                    cuts.push(at);
                }
                after = e;
            }
        }
        cuts.push(b);
        Ok(cuts.windows(2).filter(|w| w[1] > w[0]).map(|w| (w[0], w[1])).collect())
    }

    /// The clauses of a unit (bytes), each with its mentions (`_clauses`): `idxs` the unit's mentions, `spans` all
    /// mentions' (start, end) in bytes.
    fn clauses(
        &self,
        text: &str,
        cut: &Rx,
        us: usize,
        ue: usize,
        idxs: &[usize],
        spans: &[(usize, usize)],
    ) -> Result<Vec<(usize, usize, Vec<usize>)>, Stop> {
        if idxs.is_empty() {
            return Ok(Vec::new());
        }
        let hay = &text[..ue];
        let mut cuts = vec![us];
        let mut j = 0;
        let mut pos = us;
        while pos <= ue {
            let Some((ms, me)) = cut.search(hay, pos)? else { break };
            pos = if me > ms {
                me
            } else {
                me + hay[me..].chars().next().map_or(1, char::len_utf8)
            };
            while j < idxs.len() && spans[idxs[j]].1 <= ms {
                j += 1;
            }
            if j < idxs.len() {
                let (a, b) = spans[idxs[j]];
                if a < me && me <= b || a <= ms && ms < b {
                    continue; // inside a mention
                }
            }
            cuts.push(me);
        }
        cuts.push(ue);
        let mut out = Vec::new();
        let mut k = 0;
        for w in cuts.windows(2) {
            let (a, b) = (w[0], w[1]);
            let mut cidx = Vec::new();
            while k < idxs.len() && spans[idxs[k]].0 < b {
                if spans[idxs[k]].0 >= a {
                    cidx.push(idxs[k]);
                }
                k += 1;
            }
            if !cidx.is_empty() {
                out.push((a, b, cidx));
            }
        }
        Ok(out)
    }

    /// The layout in bytes: for each part (start, end, mode in bytes) its mentions in text order and its units;
    /// `spans`: each mention's (start, end) in bytes, `line_starts` in bytes.
    pub fn plan(
        &self,
        text: &str,
        parts: &[(usize, usize, u8)],
        line_starts: &[usize],
        wrapped: bool,
        spans: &[(usize, usize)],
        deadline: Deadline,
    ) -> Result<Vec<(Vec<usize>, Vec<UnitPlan>)>, Stop> {
        let mut order: Vec<usize> = (0..spans.len()).collect();
        order.sort_by_key(|&i| spans[i].0);
        let mut k = 0;
        let mut out = Vec::with_capacity(parts.len());
        for &(a, b, mode) in parts {
            let mut idxs = Vec::new();
            while k < order.len() && spans[order[k]].0 < b {
                if spans[order[k]].0 >= a {
                    idxs.push(order[k]);
                }
                k += 1;
            }
            if idxs.is_empty() {
                out.push((idxs, Vec::new()));
                continue;
            }
            let cut = match mode {
                LIST => &self.cuts[2],
                TITLE => &self.cuts[3],
                _ if wrapped => &self.cuts[1],
                _ => &self.cuts[0],
            };
            let heading = mode == HEADING;
            let intro = |x: usize, y: usize| heading && x == a || text[x..y].contains(':');
            let mut units = Vec::new();
            for (us, ue) in self.units(text, a, b, mode == TABLE, line_starts)? {
                if deadline.passed() {
                    return Err(Stop::Time);
                }
                let lo = idxs.partition_point(|&i| spans[i].0 < us);
                let hi = idxs.partition_point(|&i| spans[i].0 < ue);
                let uidx = idxs[lo..hi].to_vec();
                let mut clauses = Vec::new();
                for (cs, ce, cidx) in self.clauses(text, cut, us, ue, &uidx, spans)? {
                    let lead = self.item_lead.match_at(&text[..cs], us)?.unwrap_or(us);
                    clauses.push(ClausePlan {
                        cs,
                        ce,
                        cidx,
                        before: last_char(text, cs),
                        at_item: blank(&text[lead..cs]),
                        intro: intro(cs, ce),
                    });
                }
                let item = self.item.match_at(text, us)?.is_some();
                units.push(UnitPlan {
                    us,
                    ue,
                    item,
                    uidx,
                    clauses,
                    intro: intro(us, ue),
                });
            }
            out.push((idxs, units));
        }
        Ok(out)
    }

    #[allow(clippy::too_many_arguments)]
    fn layout_text(
        &self,
        text: &str,
        parts: &[(usize, usize, u8)],
        line_starts: &[usize],
        wrapped: bool,
        mentions: &[(usize, usize)],
        deadline: Deadline,
    ) -> Result<Option<Vec<(Vec<usize>, Vec<Unit>)>>, Stop> {
        let off = Offsets::new(text);
        let n = off.len(text);
        if parts.iter().any(|&(a, b, _)| a > b || b > n) || mentions.iter().any(|&(a, b)| a > b || b > n) {
            return Ok(None); // offsets of another text: Python's reading
        }
        let spans: Vec<(usize, usize)> = mentions.iter().map(|&(a, b)| (off.byte(a), off.byte(b))).collect();
        let line_starts: Vec<usize> = line_starts.iter().map(|&c| off.byte(c)).collect();
        let parts: Vec<(usize, usize, u8)> = parts.iter().map(|&(a, b, m)| (off.byte(a), off.byte(b), m)).collect();
        let plan = self.plan(text, &parts, &line_starts, wrapped, &spans, deadline)?;
        Ok(Some(
            plan.into_iter()
                .map(|(idxs, units)| {
                    let units = units
                        .into_iter()
                        .map(|u| {
                            let clauses = u
                                .clauses
                                .into_iter()
                                .map(|c| {
                                    let before = c.before.map_or(String::new(), String::from);
                                    (off.char(c.cs), off.char(c.ce), c.cidx, before, c.at_item, c.intro)
                                })
                                .collect();
                            (off.char(u.us), off.char(u.ue), u.item, u.uidx, clauses, u.intro)
                        })
                        .collect();
                    (idxs, units)
                })
                .collect(),
        ))
    }
}

#[pymethods]
impl RelationLayout {
    /// `cuts`: the clause-cut patterns (normal, hard-wrapped, preamble list, title); `item`: a list item's start;
    /// `item_lead`: an item's opening words. ValueError when the core cannot run one of them as Python does.
    #[new]
    pub fn new(cuts: Vec<String>, item: String, item_lead: String) -> PyResult<Self> {
        let err = |e: String| PyValueError::new_err(e);
        if cuts.len() != 4 {
            return Err(err("four clause-cut patterns".into()));
        }
        let c: Vec<Rx> = cuts.iter().map(|p| Rx::new(p)).collect::<Result<_, _>>().map_err(err)?;
        let cuts: [Rx; 4] = c.try_into().map_err(|_| err("four clause-cut patterns".into()))?;
        Ok(RelationLayout {
            cuts,
            item: Rx::new(&item).map_err(err)?,
            item_lead: Rx::new(&item_lead).map_err(err)?,
        })
    }

    /// For each part (start, end, layout mode) its mentions (indices into `mentions`, in text order) and units, as
    /// `_Reader._layout_py` gives them; None when the text holds a character the core's Unicode tables read
    /// otherwise. `seconds`: what is left of the file's time limit (TimeLimit when it runs out).
    #[pyo3(signature = (text, parts, line_starts, wrapped, mentions, seconds=None))]
    #[allow(clippy::type_complexity, clippy::too_many_arguments)]
    fn layout(
        &self,
        py: Python<'_>,
        text: &Bound<'_, pyo3::types::PyString>,
        parts: Vec<(usize, usize, u8)>,
        line_starts: Vec<usize>,
        wrapped: bool,
        mentions: Vec<(usize, usize)>,
        seconds: Option<f64>,
    ) -> PyResult<Option<Vec<(Vec<usize>, Vec<Unit>)>>> {
        let (text, outside) = checked_text(text)?;
        if outside {
            return Ok(None);
        }
        let deadline = Deadline::new(seconds);
        let got = if text.len() > 1 << 14 {
            py.allow_threads(|| self.layout_text(text, &parts, &line_starts, wrapped, &mentions, deadline))
        } else {
            self.layout_text(text, &parts, &line_starts, wrapped, &mentions, deadline)
        };
        match got {
            Ok(v) => Ok(v),
            Err(Stop::Time) => Err(TimeLimit::new_err("time limit exceeded")),
            Err(Stop::Decline) => Ok(None),
        }
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<RelationLayout>()?;
    m.add_class::<RelationReader>()
}

// ---------------------------------------------------------------------------------------------- the whole reader

use std::collections::{HashMap, HashSet};

use crate::phrases::PhraseSet;
use crate::relations_finder::{key_of, Finder, Rels, Txt, M, PATTERNS};
use crate::relations_reader::{Part, Reader};
use crate::structure::StructureReader;

/// The relation reader (docgraph/relations.py `RelationFinder.find`, `_Reader`) for one rule set: its phrases,
/// patterns and tables, given at construction by docgraph/native.py from the finder the Python reader uses.
#[pyclass(name = "RelationReader", module = "docgraph_native", frozen)]
pub struct RelationReader {
    layout: RelationLayout,
    modes: HashMap<String, u8>,
    finder: Finder,
    structure: Py<StructureReader>,
}

type MentionIn = (
    usize,
    usize,
    bool,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<String>,
    String,
    usize,
);

#[pymethods]
impl RelationReader {
    /// ValueError when one of the patterns is one the core cannot run as Python does (the reader then runs in
    /// Python). `tables`: the finder's tables by name (relations.py builds them from the rules).
    #[new]
    #[allow(clippy::too_many_arguments)]
    fn new(
        layout: (Vec<String>, String, String),
        modes: Vec<(String, u8)>,
        patterns: HashMap<String, String>,
        phrases: Vec<String>,
        lookup: Vec<(String, String)>,
        rules: Vec<(
            String,
            Vec<String>,
            Vec<(String, String)>,
            Vec<String>,
            Vec<String>,
            Vec<String>,
        )>,
        tight: Vec<(String, Vec<String>)>,
        ranks: Vec<(i64, Vec<String>, Vec<String>)>,
        lists: HashMap<String, Vec<String>>,
        part_default: Vec<(String, String)>,
        numbers: (usize, usize, usize, usize),
        structure: Py<StructureReader>,
    ) -> PyResult<Self> {
        let err = |e: String| PyValueError::new_err(e);
        let layout = RelationLayout::new(layout.0, layout.1, layout.2)?;
        let mut rels = Rels::new();
        let mut rx = HashMap::new();
        for name in PATTERNS {
            let src = patterns.get(name).ok_or_else(|| err(format!("no pattern {name}")))?;
            let r = if name == "narrated" || name == "law_name" {
                Rx::new_with_groups(src)
            } else {
                Rx::new(src)
            };
            rx.insert(name, r.map_err(err)?);
        }
        let full = patterns
            .get("law_name_full")
            .ok_or_else(|| err("no pattern law_name_full".into()))?;
        let law_name_full = Rx::new(full).map_err(err)?;
        let opt =
            |name: &str| -> PyResult<Option<Rx>> { patterns.get(name).map(|p| Rx::new(p).map_err(err)).transpose() };
        let (passive_any, cancel, tight_list) = (opt("passive_any")?, opt("cancel")?, opt("tight_list")?);
        let mut lookup_ids = HashMap::new();
        for (p, r) in lookup {
            let id = rels.id(&r);
            lookup_ids.insert(p, id);
        }
        let (mut own_parts, mut own_lead, mut not_sources) = (HashMap::new(), HashMap::new(), HashMap::new());
        let (mut passive, mut after) = (Vec::new(), Vec::new());
        // per relation: (relation, own parts, own leads (part, pattern), not sources, passive patterns, after patterns)
        for (rel, parts, leads, nots, pas, aft) in rules {
            let id = rels.id(&rel);
            own_parts.insert(id, parts.into_iter().collect::<HashSet<_>>());
            for (k, p) in leads {
                own_lead.insert((id, k), Rx::new(&p).map_err(err)?);
            }
            not_sources.insert(id, nots.into_iter().collect::<HashSet<_>>());
            for p in pas {
                passive.push((id, Rx::new(&p).map_err(err)?));
            }
            for p in aft {
                after.push((id, Rx::new(&p).map_err(err)?));
            }
        }
        let ranks = ranks
            .into_iter()
            .map(|(r, types, syms)| {
                let s: Result<Vec<Rx>, String> = syms.iter().map(|p| Rx::new(p)).collect();
                Ok((r, types.into_iter().collect(), s.map_err(err)?))
            })
            .collect::<PyResult<Vec<_>>>()?;
        let mut ids = |name: &str| -> HashSet<u16> {
            lists
                .get(name)
                .map(|v| v.iter().map(|r| rels.id(r)).collect())
                .unwrap_or_default()
        };
        let (list_carry, cancellable, strict) = (ids("list_carry"), ids("cancellable"), ids("strict"));
        let narrative_types = lists
            .get("narrative_types")
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .collect();
        let part_default = part_default.into_iter().map(|(k, r)| (k, rels.id(&r))).collect();
        let finder = Finder {
            rels,
            rx,
            law_name_full,
            lookup: lookup_ids,
            triggers: PhraseSet::build(&phrases).map_err(err)?,
            own_parts,
            own_lead,
            not_sources,
            passive,
            passive_any,
            after,
            cancel,
            tight: tight.into_iter().map(|(p, n)| (p, n.into_iter().collect())).collect(),
            tight_list,
            ranks,
            narrative_types,
            list_carry,
            cancellable,
            strict,
            part_default,
            max_title: numbers.0,
            max_lead: numbers.1,
            max_effect_title: numbers.2,
            evidence_limit: numbers.3,
        };
        Ok(RelationReader {
            layout,
            modes: modes.into_iter().collect(),
            finder,
            structure,
        })
    }

    /// The relations of one text as `RelationFinder.find` returns them: (source or -1, target, relation, line,
    /// evidence); `parts`: (kind, start, end, attached); `mentions`: (start, end, own, type, number, symbol, date,
    /// year, name, text, line). None when the core leaves the text to Python (a character its Unicode tables read
    /// otherwise, a name NFC would change). `seconds`: what is left of the file's time limit.
    #[pyo3(signature = (text, parts, line_starts, wrapped, mentions, article, doc_type, doc_symbol, seconds=None))]
    #[allow(clippy::too_many_arguments, clippy::type_complexity)]
    fn find(
        &self,
        py: Python<'_>,
        text: &Bound<'_, pyo3::types::PyString>,
        parts: Vec<(String, usize, usize, bool)>,
        line_starts: Vec<usize>,
        wrapped: bool,
        mentions: Vec<MentionIn>,
        article: bool,
        doc_type: Option<String>,
        doc_symbol: Option<String>,
        seconds: Option<f64>,
    ) -> PyResult<Option<Vec<(isize, usize, String, usize, String)>>> {
        let text_obj = text;
        let (text, outside) = checked_text(text_obj)?;
        // the last stage of a file: the text need not be kept for another
        crate::pytext::forget_text(text_obj);
        if outside {
            return Ok(None);
        }
        let deadline = Deadline::new(seconds);
        let t = Txt::new(text);
        let n = t.off.len(text);
        if parts.iter().any(|p| p.1 > p.2 || p.2 > n) || mentions.iter().any(|m| m.0 > m.1 || m.1 > n) {
            return Ok(None);
        }
        let ms: Vec<M> = mentions
            .into_iter()
            .map(|m| M {
                start: t.by(m.0),
                end: t.by(m.1),
                own: m.2,
                typ: m.3.as_deref().unwrap_or("").to_lowercase(),
                key: key_of(&m.4, &m.5),
                number: m.4,
                symbol: m.5,
                date: m.6,
                year: m.7,
                name: m.8,
                text: m.9,
                line: m.10,
                rank: std::sync::OnceLock::new(),
            })
            .collect();
        let parts: Vec<Part> = parts
            .into_iter()
            .map(|(kind, a, b, attached)| Part {
                kind,
                start: t.by(a),
                end: t.by(b),
                attached,
            })
            .collect();
        let spans: Vec<(usize, usize)> = ms.iter().map(|m| (m.start, m.end)).collect();
        let lines: Vec<usize> = line_starts.iter().map(|&c| t.by(c)).collect();
        let modes: Vec<(usize, usize, u8)> = parts
            .iter()
            .map(|p| (p.start, p.end, self.modes.get(&p.kind).copied().unwrap_or(0)))
            .collect();
        let st = self.structure.get();
        let run = || -> Result<Vec<(isize, usize, u16, usize, String)>, Stop> {
            let plan = self.layout.plan(text, &modes, &lines, wrapped, &spans, deadline)?;
            let mut r = Reader::new(
                &self.finder,
                st,
                &t,
                &ms,
                &parts,
                article,
                doc_type.as_deref(),
                doc_symbol.as_deref(),
                deadline,
            );
            r.run(plan)
        };
        let got = if text.len() > 1 << 14 {
            py.allow_threads(run)
        } else {
            run()
        };
        match got {
            Ok(out) => Ok(Some(
                out.into_iter()
                    .map(|(s, tg, rel, line, ev)| (s, tg, self.finder.rels.names[rel as usize].clone(), line, ev))
                    .collect(),
            )),
            Err(Stop::Time) => Err(TimeLimit::new_err("time limit exceeded")),
            Err(Stop::Decline) => Ok(None),
        }
    }
}
