//! The rules' patterns (Python `regex` syntax, version 0) compiled with fancy-regex, which runs look-around itself
//! and hands everything else to the `regex` crate. Where the two engines read a pattern differently, `translate`
//! rewrites it so that the Rust side finds what Python finds:
//! - inline flags anywhere apply to the whole pattern in Python's version 0: they are moved to the start;
//! - `\Z` is Rust's `\z`; `{,n}` is `{0,n}`;
//! - `$` without (?m) also matches before a final newline in Python: `(?=\n?\z)`, except for patterns only ever
//!   given one line (no newline), where it stays `$`;
//! - a `[` inside a class is a literal in Python and opens a nested class in Rust: it is escaped.
//! Rust's class operators (`&&`, `--`, `~~` in a class) and constructs fancy-regex lacks make the pattern
//! unsupported: the caller falls back to the Python engine for that rule set.
//! `\s`, `\w`, `\d`, `\b`, `\p{..}` and (?i) folding agree between the engines on the rules' characters
//! (tests/test_native.py compares them on every code point).

use fancy_regex::{Regex, RegexBuilder};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::pytext::CharIndex;

/// Backtracking steps one search may take before it gives up (the file is then over its time limit): far above
/// what any rule needs on a line, far below a hang.
pub const BACKTRACK_LIMIT: usize = 5_000_000;

pub fn translate(src: &str, lines: bool) -> Result<String, String> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len() + 8);
    let mut flags = String::new();
    let mut i = 0;
    let mut in_class = false;
    let mut class_start = 0usize; // index in chars just after the class's '[' (and '^')
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' {
            let Some(&n) = chars.get(i + 1) else {
                return Err("pattern ends with a backslash".into());
            };
            if n == 'Z' && !in_class {
                out.push_str("\\z");
            } else if n == 'N' || n == 'G' || n == 'X' || n == 'K' {
                return Err(format!("\\{n} is not supported by the compiled core"));
            } else {
                out.push(c);
                out.push(n);
            }
            i += 2;
            continue;
        }
        if in_class {
            match c {
                ']' if i > class_start => in_class = false,
                '[' => {
                    if chars.get(i + 1) == Some(&':') {
                        return Err("POSIX classes are not supported by the compiled core".into());
                    }
                    out.push_str("\\[");
                    i += 1;
                    continue;
                }
                '&' | '-' | '~' if chars.get(i + 1) == Some(&c) => {
                    return Err(format!("'{c}{c}' in a class reads differently in the compiled core"));
                }
                _ => {}
            }
            out.push(c);
            i += 1;
            continue;
        }
        match c {
            '[' => {
                in_class = true;
                out.push(c);
                i += 1;
                if chars.get(i) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
                class_start = i; // a ']' right here is a literal
                continue;
            }
            '(' if chars.get(i + 1) == Some(&'?') => {
                // (?flags) on its own: global in version 0
                let mut j = i + 2;
                while j < chars.len() && chars[j].is_ascii_alphabetic() {
                    j += 1;
                }
                if j > i + 2 && chars.get(j) == Some(&')') {
                    for f in chars[i + 2..j].iter() {
                        match f {
                            'i' | 'm' | 's' | 'x' => {
                                if !flags.contains(*f) {
                                    flags.push(*f)
                                }
                            }
                            'u' | 'a' | 'L' => {
                                if *f != 'u' {
                                    return Err(format!("the (?{f}) flag is not supported by the compiled core"));
                                }
                            }
                            _ => return Err(format!("the (?{f}) flag is not supported by the compiled core")),
                        }
                    }
                    i = j + 1;
                    continue;
                }
                out.push(c);
                i += 1;
            }
            '{' if chars.get(i + 1) == Some(&',') => {
                out.push_str("{0");
                i += 1;
            }
            '$' if !lines && !flags.contains('m') => {
                out.push_str("(?=\\n?\\z)");
                i += 1;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    if in_class {
        return Err("unterminated character class".into());
    }
    if flags.contains('x') {
        return Err("the (?x) flag is not supported by the compiled core".into());
    }
    if flags.is_empty() {
        Ok(out)
    } else {
        Ok(format!("(?{flags}){out}"))
    }
}

/// One compiled rule pattern.
pub struct Pattern {
    pub re: Regex,
}

impl Pattern {
    pub fn compile(src: &str) -> Result<Pattern, String> {
        Self::compile_as(src, false)
    }

    /// `lines`: the pattern is only ever searched in one line (a text without a newline)
    pub fn compile_as(src: &str, lines: bool) -> Result<Pattern, String> {
        let t = translate(src, lines)?;
        let re = RegexBuilder::new(&t)
            .backtrack_limit(BACKTRACK_LIMIT)
            .build()
            .map_err(|e| format!("{src}: {e}"))?;
        Ok(Pattern { re })
    }

    /// The first match at or after byte `pos`, as byte offsets. Err: the backtracking limit ran out.
    pub fn find_at(&self, text: &str, pos: usize) -> Result<Option<(usize, usize)>, String> {
        match self.re.find_from_pos(text, pos) {
            Ok(m) => Ok(m.map(|m| (m.start(), m.end()))),
            Err(e) => Err(e.to_string()),
        }
    }

    pub fn is_match(&self, text: &str) -> Result<bool, String> {
        self.re.is_match(text).map_err(|e| e.to_string())
    }

    /// The first match from code point `pos`, in code points.
    pub fn search_chars(&self, text: &str, pos: usize) -> Result<Option<(usize, usize)>, String> {
        let b = text.char_indices().nth(pos).map(|(b, _)| b).unwrap_or(text.len());
        let mut ix = CharIndex::new(text);
        Ok(self.find_at(text, b)?.map(|(s, e)| (ix.at(s), ix.at(e))))
    }
}

/// A pattern compiled as the core compiles rules, for tests and tools: `Pattern(src).search(text, pos)` and
/// `findall(text)` give code point spans, to compare with Python's `regex`.
#[pyclass(name = "Pattern", module = "docgraph_native", frozen)]
struct PyPattern {
    inner: Pattern,
    #[pyo3(get)]
    translated: String,
}

#[pymethods]
impl PyPattern {
    #[new]
    #[pyo3(signature = (src, lines=false))]
    fn new(src: &str, lines: bool) -> PyResult<Self> {
        let translated = translate(src, lines).map_err(PyValueError::new_err)?;
        let inner = Pattern::compile_as(src, lines).map_err(PyValueError::new_err)?;
        Ok(PyPattern { inner, translated })
    }

    #[pyo3(signature = (text, pos=0))]
    fn search(&self, text: &str, pos: usize) -> PyResult<Option<(usize, usize)>> {
        self.inner.search_chars(text, pos).map_err(PyValueError::new_err)
    }

    /// Every match, left to right, not overlapping (an empty match moves on one character), in code points.
    fn findall(&self, text: &str) -> PyResult<Vec<(usize, usize)>> {
        let mut out = Vec::new();
        let mut ix = CharIndex::new(text);
        let mut pos = 0;
        while pos <= text.len() {
            let Some((s, e)) = self.inner.find_at(text, pos).map_err(PyValueError::new_err)? else {
                break;
            };
            out.push((ix.at(s), ix.at(e)));
            pos = if e > s {
                e
            } else {
                match text[e..].chars().next() {
                    Some(c) => e + c.len_utf8(),
                    None => break,
                }
            };
        }
        Ok(out)
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyPattern>()
}
