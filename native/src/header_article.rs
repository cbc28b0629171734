//! The header reader's article path (docgraph/header.py `_article_lines`): a file without a header of its own is
//! titled by its headline, the first line of two words or more that is not the page's furniture (menus, section
//! names, dates), without a news lead's source tag and after its first sentence; its dateline among the first lines
//! gives the date and a place. The core reads these from the lines it has split, so that the lines themselves need
//! not be handed to Python; what needs the gazetteer and the file's mentions (the province) stays in Python.
//!
//! Every pattern and word comes from Python (header.py's patterns, the lexicon's furniture words and source tags,
//! str.casefold of the characters it changes): nothing of the rules is written here.

use pyo3::prelude::*;
use pyo3::types::PyDict;

use regex_automata::meta;

use crate::header::{get, in_class, unicode_class, ve, Defer, Res};
use crate::header_issuer::Cases;
use crate::pattern::{translate, Pattern};
use crate::pytext::{char_len, isspace, strip};

/// What an article's first lines give: (headline, the dateline's day, month and year, its place, whether a line
/// holds text).
pub type ArticleRead = (Option<String>, Option<(String, String, String)>, Option<String>, bool);

pub(crate) struct ArticleReader {
    /// a whole casefolded line of page furniture (matched from the start to the end)
    furniture: Option<Pattern>,
    furniture_max: usize,
    /// a news lead's source tag, at the start of the line
    source_tag: Option<Pattern>,
    sentence_end: Pattern,
    dateline: meta::Regex,
    dateline_lines: usize,
    /// the dateline's place: an optional opening mark, its first character's class, the class of the rest (at most
    /// so many), what follows the place (anchored)
    dateline_open: String,
    dateline_first: Vec<(char, char)>,
    dateline_rest: Vec<(char, char)>,
    dateline_max: usize,
    dateline_tail: meta::Regex,
}

/// A pattern of header.py (its groups are read; `.match` anchored at the start) on the regex crate's engines
/// without the lazy DFA (pattern.rs `meta`): it runs on a few short lines a file, and the DFA's states over the
/// Unicode classes and `\b` would cost memory in each worker.
pub(crate) fn lean(src: &str, anchored: bool) -> Result<meta::Regex, String> {
    let src = if anchored { format!("^(?:{src})") } else { src.to_string() };
    let t = translate(&src, true)?;
    meta::Builder::new()
        .configure(meta::Config::new().hybrid(false).onepass(false).dfa(false))
        .build(&t)
        .map_err(|e| format!("{src}: {e}"))
}

fn opt_pattern(src: Option<String>, wrap: impl Fn(&str) -> String) -> Result<Option<Pattern>, String> {
    src.map(|s| Pattern::compile_as(&wrap(&s), true)).transpose()
}

impl ArticleReader {
    pub fn build(spec: &Bound<'_, PyDict>) -> PyResult<ArticleReader> {
        let s = |k: &str| -> PyResult<String> { get::<String>(spec, k) };
        let n = |k: &str| -> PyResult<usize> { get::<usize>(spec, k) };
        Ok(ArticleReader {
            // fullmatch: from the start to the end of the line (a line holds no line break)
            furniture: ve(opt_pattern(get(spec, "furniture")?, |p| format!(r"^(?:{p})\Z")))?,
            furniture_max: n("furniture_max")?,
            source_tag: ve(opt_pattern(get(spec, "source_tag")?, |p| format!("^(?:{p})")))?,
            sentence_end: ve(Pattern::compile_as(&s("sentence_end")?, true))?,
            dateline: ve(lean(&s("dateline")?, false))?,
            dateline_lines: n("dateline_lines")?,
            dateline_open: s("dateline_open")?,
            dateline_first: ve(unicode_class(&s("dateline_first")?))?,
            dateline_rest: ve(unicode_class(&s("dateline_rest")?))?,
            dateline_max: n("dateline_max")?,
            dateline_tail: ve(lean(&s("dateline_tail")?, true))?,
        })
    }

    /// `_furniture`: the line is only menu words, dates and separators.
    fn furniture(&self, cases: &Cases, line: &str) -> Res<bool> {
        let Some(f) = &self.furniture else {
            return Ok(false);
        };
        if char_len(line) > self.furniture_max {
            return Ok(false);
        }
        let folded = cases.casefold(line)?;
        Ok(f.find_at(&folded, 0).map_err(|_| Defer)?.is_some())
    }

    /// `_headline`: the line, or when a source tag opens it (a lead), the lead's first sentence.
    fn headline(&self, line: &str) -> Res<String> {
        let Some(tag) = &self.source_tag else {
            return Ok(line.to_string());
        };
        let Some((_, end)) = tag.find_at(line, 0).map_err(|_| Defer)? else {
            return Ok(line.to_string());
        };
        let lead = &line[end..];
        let first = match self.sentence_end.find_at(lead, 0).map_err(|_| Defer)? {
            Some((a, _)) => &lead[..a],
            None => lead,
        };
        let t = strip(strip(first).trim_end_matches('.'));
        Ok(if t.is_empty() { line } else { t }.to_string())
    }

    /// `_DATELINE_PLACE.match(x)`: `^OPEN?(?P<place>FIRST REST{1,MAX}?)TAIL`, the opening mark taken first (as
    /// Python's backtracking does), then the fewest characters of the place after which the tail matches.
    fn dateline_place<'t>(&self, x: &'t str) -> Option<&'t str> {
        let starts = [
            x.strip_prefix(self.dateline_open.as_str()).map(|r| x.len() - r.len()),
            Some(0),
        ];
        for s in starts.into_iter().flatten() {
            let Some(c) = x[s..].chars().next() else { continue };
            if !in_class(&self.dateline_first, c) {
                continue;
            }
            let mut p = s + c.len_utf8();
            for _ in 0..self.dateline_max {
                let Some(d) = x[p..].chars().next() else { break };
                if !in_class(&self.dateline_rest, d) {
                    break;
                }
                p += d.len_utf8();
                if self.dateline_tail.is_match(&x[p..]) {
                    return Some(&x[s..p]);
                }
            }
        }
        None
    }

    /// `_article_lines` of the first lines (cells, stripped).
    pub(crate) fn read(&self, cases: &Cases, lines: &[String]) -> Res<ArticleRead> {
        // the headline: the first line of two words or more that is not furniture, else the first that is not
        let mut first: Option<String> = None;
        let mut title: Option<String> = None;
        for x in lines {
            if x.is_empty() || self.furniture(cases, x)? {
                continue;
            }
            let h = strip(x.trim_start_matches(['#', ' ']));
            if h.split(isspace).filter(|w| !w.is_empty()).nth(1).is_some() {
                title = Some(h.to_string());
                break;
            }
            if first.is_none() {
                first = Some(h.to_string());
            }
        }
        let title = match title.or(first) {
            Some(t) => Some(self.headline(&t)?),
            None => None,
        };
        let mut dated = None;
        let mut place = None;
        for x in lines.iter().take(self.dateline_lines) {
            if !x.contains('/') {
                continue;
            }
            let mut c = self.dateline.create_captures();
            self.dateline.captures(x, &mut c);
            if c.is_match() {
                let g = |n: &str| c.get_group_by_name(n).map_or("", |m| &x[m.range()]).to_string();
                dated = Some((g("d"), g("m"), g("y")));
                place = self.dateline_place(x).map(|p| strip(p).to_string());
                break;
            }
        }
        Ok((title, dated, place, lines.iter().any(|x| !x.is_empty())))
    }
}
