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

use std::sync::OnceLock;

use fancy_regex::{Expr, Regex, RegexBuilder};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::pytext::CharIndex;

/// Backtracking steps one search may take before it gives up (the file is then over its time limit): far above
/// what any rule needs on a line, far below a hang.
pub const BACKTRACK_LIMIT: usize = 5_000_000;

/// The letters whose case-insensitive matching is compared with Python's (gen_pytables.py; the characters a text
/// must not hold for them to agree are in its DISAGREE table): ASCII and Vietnamese. A (?i) pattern with another
/// letter is left to Python.
pub const FOLD_ALPHABET: &str = concat!(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "ăâđêôơưáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ",
    "ĂÂĐÊÔƠƯÁÀẢÃẠẮẰẲẴẶẤẦẨẪẬÉÈẺẼẸẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌỐỒỔỖỘỚỜỞỠỢÚÙỦŨỤỨỪỬỮỰÝỲỶỸỴ"
);

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
    // under (?i) Python's \p{Lu}, \p{Ll} and \p{Lt} each match every cased letter; Rust's would add the case
    // partners of each letter only
    let cased = ["\\p{Lu}", "\\p{Ll}", "\\p{Lt}"];
    if flags.contains('i') {
        for c in cased {
            out = out.replace(c, "\\p{LC}");
        }
        if out.contains("\\P{L") {
            return Err("\\P{..} of a letter case under (?i) is not supported by the compiled core".into());
        }
    } else if src.contains("(?i:") && cased.iter().any(|c| out.contains(c)) {
        return Err("\\p{Lu} inside (?i:...) is not supported by the compiled core".into());
    }
    if flags.contains('i') || src.contains("(?i") {
        if let Some(c) = src.chars().find(|c| c.is_alphabetic() && !FOLD_ALPHABET.contains(*c)) {
            return Err(format!(
                "'{c}' under (?i) is left to Python (its case folding is not compared)"
            ));
        }
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

/// A repeat bounded above 10 (`{0,80}`): it multiplies the states of the regex crate's DFAs, which then fall back
/// to slower engines; such a pattern is kept out of the shared pass (and off the lazy DFA in relations.rs).
pub(crate) fn long_repeat(p: &str) -> bool {
    let b = p.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' {
            i += 2;
            continue;
        }
        if b[i] == b'{' {
            let end = p[i..].find('}').map(|k| i + k);
            if let Some(end) = end {
                let hi = p[i + 1..end].rsplit(',').next().unwrap_or("");
                if hi.parse::<usize>().map_or(false, |n| n > 10) {
                    return true;
                }
            }
        }
        i += 1;
    }
    false
}

/// One compiled rule pattern. The fancy-regex program and the prefilter are built on first use: a pattern the
/// structure reader only ever runs inside its shared RegexSet never needs them (memory: about 0.3 MB each, and up to 6 MB for a bounded repeat of a Unicode class).
pub struct Pattern {
    re: OnceLock<Engine>,
    /// the program of the pattern as written, built only if its lean program (`atomic_repeats`) gives up
    full: OnceLock<Engine>,
    /// the pattern as given to fancy-regex (after `translate`)
    pub translated: String,
    /// looked for first when the pattern is costly to try (a Unicode word boundary, look-around, a bounded repeat,
    /// or it is not anchored): the pattern relaxed (see `relaxed`), else a literal every match holds
    pre: OnceLock<Option<regex::Regex>>,
}

/// The program a pattern runs: fancy-regex's (look-around, back-references), or, for a pattern the regex crate runs
/// alone, the regex crate's engines without the lazy DFA (see `meta`).
enum Engine {
    Fancy(Regex),
    Meta(regex_automata::meta::Regex),
    /// the pattern with its long repeats of one character run by fancy-regex (`atomic_repeats`); where it runs out of
    /// backtracking steps, the pattern as written (`Pattern::full`) answers
    Lean(Regex),
}

impl Engine {
    fn is_match(&self, text: &str) -> Result<bool, String> {
        match self {
            Engine::Fancy(re) | Engine::Lean(re) => re.is_match(text).map_err(|e| e.to_string()),
            Engine::Meta(re) => Ok(re.is_match(text)),
        }
    }

    /// The first match at or after byte `pos`, as byte offsets. Err: the backtracking limit ran out.
    fn find_at(&self, text: &str, pos: usize) -> Result<Option<(usize, usize)>, String> {
        match self {
            Engine::Fancy(re) | Engine::Lean(re) => match re.find_from_pos(text, pos) {
                Ok(m) => Ok(m.map(|m| (m.start(), m.end()))),
                Err(e) => Err(e.to_string()),
            },
            Engine::Meta(re) => Ok(re
                .search(&regex_automata::Input::new(text).range(pos..))
                .map(|m| (m.start(), m.end()))),
        }
    }
}

/// The pattern (translated) with each repeat bounded above 10 of a one-character atom — a class `[..]`, `\p{..}`,
/// `\w`, `\s`, `\d` and their negations, `.` — as a repeat of an atomic group: `[\p{L}\s,]{0,80}?` becomes
/// `(?>[\p{L}\s,]){0,80}?`. It matches what the pattern matches, in the same order of preference: an atom of one
/// character matches in one way only, so the atomic group cuts no alternative. But fancy-regex then runs the repeat
/// in its backtracking machine with a counter, where the regex crate's NFA holds one copy of the class per
/// repetition (`[\p{L}\s,]{0,80}` under (?i): 2.8 MB in each worker; `[^;]{0,300}`: 0.6 MB). None when the pattern
/// has no such repeat.
pub(crate) fn atomic_repeats(t: &str) -> Option<String> {
    let c: Vec<char> = t.chars().collect();
    let mut out = String::with_capacity(t.len() + 16);
    let mut changed = false;
    let mut i = 0;
    while i < c.len() {
        // the one-character atom starting at i, if any: its end (exclusive)
        let end = match c[i] {
            '[' => {
                let mut j = i + 1;
                if c.get(j) == Some(&'^') {
                    j += 1;
                }
                if c.get(j) == Some(&']') {
                    j += 1; // a ']' first in a class is a literal
                }
                while j < c.len() && c[j] != ']' {
                    j += if c[j] == '\\' { 2 } else { 1 };
                }
                (j < c.len()).then_some(j + 1)
            }
            '\\' => match c.get(i + 1) {
                Some('p' | 'P') if c.get(i + 2) == Some(&'{') => {
                    c[i..].iter().position(|&x| x == '}').map(|k| i + k + 1)
                }
                Some('p' | 'P') if c.get(i + 2).is_some_and(|x| x.is_ascii_alphabetic()) => Some(i + 3),
                Some('w' | 's' | 'd' | 'W' | 'S' | 'D') => Some(i + 2),
                Some(x) if x.is_ascii_punctuation() => Some(i + 2),
                Some(_) => None, // \b, \A, \z, a group reference...: not one character
                None => return None,
            },
            '.' => Some(i + 1),
            _ => None,
        };
        let Some(end) = end else {
            // not an atom: copied (an escape with the character it escapes)
            out.push(c[i]);
            if c[i] == '\\' {
                if let Some(&n) = c.get(i + 1) {
                    out.push(n);
                }
                i += 2;
            } else {
                i += 1;
            }
            continue;
        };
        let atom: String = c[i..end].iter().collect();
        // a repeat {a,b} or {n} right after it, bounded above 10
        let close = (c.get(end) == Some(&'{'))
            .then(|| c[end..].iter().position(|&x| x == '}').map(|k| end + k))
            .flatten();
        let long = close.is_some_and(|close| {
            let inner: String = c[end + 1..close].iter().collect();
            !inner.is_empty()
                && inner.chars().all(|x| x.is_ascii_digit() || x == ',')
                && inner.matches(',').count() <= 1
                && inner
                    .rsplit(',')
                    .next()
                    .and_then(|hi| hi.parse::<usize>().ok())
                    .is_some_and(|hi| hi > 10)
        });
        if long {
            out.push_str("(?>");
            out.push_str(&atom);
            out.push(')');
            changed = true;
        } else {
            out.push_str(&atom);
        }
        i = end;
    }
    changed.then_some(out)
}

/// A pattern without fancy-regex's own constructs (look-around, back-references: the regex crate's parser refuses
/// those, and fancy-regex runs the pattern) as the regex crate's meta regex without its lazy DFA, hence without the
/// reverse NFA the lazy DFA needs, and the DFA's cache. A bounded repeat of a Unicode class (`[\p{L}\s,]{0,80}?`
/// under (?i)) is a large NFA, and in fancy-regex's delegate it cost 3-6 MB a process, built twice (forward and
/// reverse); without it the core's structure reader grows by 0.4 MB over 1,000 files instead of 6.5 MB. Speed: a
/// Unicode `\b` keeps the lazy DFA off non-ASCII text anyway, and most such patterns run only on the lines their
/// relaxed form found (structure.rs); the PikeVM or the bounded backtracker runs them, in linear time.
fn meta(t: &str) -> Option<regex_automata::meta::Regex> {
    use regex_automata::meta;
    let cfg = meta::Config::new().hybrid(false);
    meta::Builder::new().configure(cfg).build(t).ok()
}

/// Whether the regex crate reads the pattern (its syntax only: no program is built; a pattern too large to compile
/// makes the shared RegexSet fail, and then each pattern runs alone).
fn parses(t: &str) -> bool {
    regex_automata::util::syntax::parse(t).is_ok()
}

/// Gives the memory freed after compiling back to the system (glibc keeps it otherwise: the programs built to check
/// the patterns and dropped, about 5 MB in a process that compiled the structure reader).
pub fn release_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        extern "C" {
            fn malloc_trim(pad: usize) -> i32;
        }
        // SAFETY: malloc_trim only returns free memory of glibc's heap to the system
        unsafe {
            malloc_trim(0);
        }
    }
}

fn build(t: &str) -> Result<Regex, String> {
    RegexBuilder::new(t)
        .backtrack_limit(BACKTRACK_LIMIT)
        .build()
        .map_err(|e| e.to_string())
}

/// The literals every match of `e` holds (consecutive literal characters joined), each as its alternatives (one of
/// them is in every match: the branches of an alternation) with their case-insensitivity.
fn required_literals(e: &Expr, out: &mut Vec<Vec<(String, bool)>>) {
    match e {
        Expr::Literal { val, casei } => out.push(vec![(val.clone(), *casei)]),
        Expr::Concat(items) => {
            let mut run: Option<(String, bool)> = None;
            for item in items {
                if let Expr::Literal { val, casei } = item {
                    match run.as_mut() {
                        Some((s, ci)) if *ci == *casei => s.push_str(val),
                        _ => {
                            out.extend(run.take().map(|r| vec![r]));
                            run = Some((val.clone(), *casei));
                        }
                    }
                } else {
                    out.extend(run.take().map(|r| vec![r]));
                    required_literals(item, out);
                }
            }
            out.extend(run.take().map(|r| vec![r]));
        }
        Expr::Alt(branches) => {
            let mut alts = Vec::new();
            for b in branches {
                let mut got = Vec::new();
                required_literals(b, &mut got);
                match best(got) {
                    Some(mut a) => alts.append(&mut a),
                    None => return,
                }
            }
            out.push(alts);
        }
        Expr::Group(inner) => required_literals(inner, out),
        Expr::Repeat { child, lo, .. } if *lo >= 1 => required_literals(child, out),
        _ => {}
    }
}

/// The most selective of required literals: the one whose shortest alternative is longest (3 characters at least).
fn best(found: Vec<Vec<(String, bool)>>) -> Option<Vec<(String, bool)>> {
    let shortest = |a: &Vec<(String, bool)>| a.iter().map(|(v, _)| v.chars().count()).min().unwrap_or(0);
    found
        .into_iter()
        .filter(|a| shortest(a) >= 3)
        .max_by_key(|a| shortest(a))
}

/// Whether the pattern starts with `^` (after its leading flags): it is tried at the start of a text only.
pub fn anchored(translated: &str) -> bool {
    let body = match translated.strip_prefix("(?") {
        Some(rest)
            if rest
                .find(')')
                .is_some_and(|k| rest[..k].chars().all(|c| c.is_ascii_alphabetic())) =>
        {
            &rest[rest.find(')').unwrap() + 1..]
        }
        _ => translated,
    };
    body.starts_with('^') && !body.starts_with("^|")
}

fn prefilter(translated: &str) -> Option<regex::Regex> {
    let costly = !anchored(translated)
        || ["\\b", "(?=", "(?!", "(?<", "{0,", "}?"]
            .iter()
            .any(|s| translated.contains(s));
    if !costly {
        return None;
    }
    let tree = Expr::parse_tree(translated).ok()?;
    let mut lits = Vec::new();
    required_literals(&tree.expr, &mut lits);
    let alts = best(lits)?;
    let src: Vec<String> = alts
        .iter()
        .map(|(v, casei)| {
            if *casei {
                format!("(?i:{})", regex::escape(v))
            } else {
                regex::escape(v)
            }
        })
        .collect();
    regex::Regex::new(&src.join("|")).ok()
}

impl Pattern {
    pub fn compile(src: &str) -> Result<Pattern, String> {
        Self::compile_as(src, false)
    }

    /// `lines`: the pattern is only ever searched in one line (a text without a newline)
    pub fn compile_as(src: &str, lines: bool) -> Result<Pattern, String> {
        let t = translate(src, lines)?;
        // compiles: the program itself is built again on first use (the regex crate's alone when it runs it)
        if meta(&t).is_none() {
            build(&t).map_err(|e| format!("{src}: {e}"))?;
        }
        Ok(Pattern {
            re: OnceLock::new(),
            full: OnceLock::new(),
            translated: t,
            pre: OnceLock::new(),
        })
    }

    fn re(&self) -> &Engine {
        self.re
            .get_or_init(|| match atomic_repeats(&self.translated).and_then(|t| build(&t).ok()) {
                Some(lean) => Engine::Lean(lean),
                None => self.program(),
            })
    }

    /// The program of the pattern as written: the regex crate's alone when it runs it, else fancy-regex's.
    fn program(&self) -> Engine {
        match meta(&self.translated) {
            Some(m) => Engine::Meta(m),
            None => Engine::Fancy(build(&self.translated).expect("compiled once already")),
        }
    }

    /// `re()`'s answer, or where its lean program ran out of backtracking steps, the pattern's as written (the
    /// regex crate's automata do not backtrack: a line of many spaces before a long repeat is no limit to them).
    fn run<T>(&self, op: impl Fn(&Engine) -> Result<T, String>) -> Result<T, String> {
        let re = self.re();
        match op(re) {
            Err(_) if matches!(re, Engine::Lean(_)) => op(self.full.get_or_init(|| self.program())),
            got => got,
        }
    }

    fn pre(&self) -> Option<&regex::Regex> {
        self.pre
            .get_or_init(|| {
                // a costly pattern is tried only on texts its relaxed form (a DFA's work) or else its literal matches
                prefilter(&self.translated).map(|lit| match self.relaxed() {
                    Some(r) if r != self.translated => regex::Regex::new(&r).unwrap_or(lit),
                    _ => lit,
                })
            })
            .as_ref()
    }

    /// The first match at or after byte `pos`, as byte offsets. Err: the backtracking limit ran out.
    pub fn find_at(&self, text: &str, pos: usize) -> Result<Option<(usize, usize)>, String> {
        if let Some(pre) = self.pre() {
            if !pre.is_match(&text[pos..]) {
                return Ok(None);
            }
        }
        self.run(|re| re.find_at(text, pos))
    }

    /// `is_match` without the prefilter: for a caller that has already tried the pattern's relaxed form.
    pub fn is_match_unfiltered(&self, text: &str) -> Result<bool, String> {
        self.run(|re| re.is_match(text))
    }

    pub fn is_match(&self, text: &str) -> Result<bool, String> {
        if let Some(pre) = self.pre() {
            if !pre.is_match(text) {
                return Ok(false);
            }
        }
        self.run(|re| re.is_match(text))
    }

    /// Whether the `regex` crate alone runs this pattern as fast as can be: no look-around or back-reference
    /// (fancy-regex's own), no Unicode word boundary (which keeps the regex crate off its DFAs on non-ASCII text).
    /// Such patterns can share one `regex::RegexSet` pass.
    pub fn settable(&self) -> bool {
        !self.translated.contains("\\b")
            && !self.translated.contains("\\B")
            && !long_repeat(&self.translated)
            && parses(&self.translated)
            && !["(?=", "(?!", "(?<=", "(?<!", "(?>", "\\1", "\\2", "\\k", "\\G"]
                .iter()
                .any(|s| self.translated.contains(s))
    }

    /// The pattern without its word boundaries and look-arounds, when the regex crate runs that: it matches every
    /// text the pattern matches (and more), so a text it does not match cannot match the pattern. Tried with the
    /// settable patterns in the same pass, it spares most lines the costly pattern.
    pub fn relaxed(&self) -> Option<String> {
        let chars: Vec<char> = self.translated.chars().collect();
        let mut out = String::new();
        let mut i = 0;
        let mut in_class = false;
        while i < chars.len() {
            let c = chars[i];
            if c == '\\' {
                let n = *chars.get(i + 1)?;
                if !in_class && (n == 'b' || n == 'B') {
                    i += 2;
                    continue;
                }
                out.push(c);
                out.push(n);
                i += 2;
                continue;
            }
            if in_class {
                if c == ']' {
                    in_class = false;
                }
                out.push(c);
                i += 1;
                continue;
            }
            if c == '[' {
                in_class = true;
                out.push(c);
                i += 1;
                // a ']' first in a class is a literal
                if chars.get(i) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
                if chars.get(i) == Some(&']') {
                    out.push(']');
                    i += 1;
                }
                continue;
            }
            if c == '{' {
                // a bounded repeat {a,b} becomes {a,}: a superset, and a small automaton
                let close = chars[i..].iter().position(|&d| d == '}').map(|k| i + k);
                if let Some(close) = close {
                    let inner: String = chars[i + 1..close].iter().collect();
                    let lo = inner.split(',').next().unwrap_or("");
                    if !lo.is_empty()
                        && lo.chars().all(|d| d.is_ascii_digit())
                        && inner.chars().all(|d| d.is_ascii_digit() || d == ',')
                    {
                        out.push_str(&format!("{{{lo},}}"));
                        i = close + 1;
                        continue;
                    }
                }
            }
            let rest: String = chars[i..chars.len().min(i + 4)].iter().collect();
            if ["(?=", "(?!", "(?<=", "(?<!"].iter().any(|p| rest.starts_with(p)) {
                // skip the group, nested parentheses, classes and escapes included
                let mut depth = 0;
                let mut cls = false;
                while i < chars.len() {
                    let d = chars[i];
                    if d == '\\' {
                        i += 2;
                        continue;
                    }
                    if cls {
                        if d == ']' {
                            cls = false;
                        }
                    } else if d == '[' {
                        cls = true;
                        if chars.get(i + 1) == Some(&'^') {
                            i += 1;
                        }
                        if chars.get(i + 1) == Some(&']') {
                            i += 1;
                        }
                    } else if d == '(' {
                        depth += 1;
                    } else if d == ')' {
                        depth -= 1;
                        if depth == 0 {
                            i += 1;
                            break;
                        }
                    }
                    i += 1;
                }
                continue;
            }
            out.push(c);
            i += 1;
        }
        if ["(?>", "\\1", "\\2", "\\k", "\\G"].iter().any(|s| out.contains(s)) {
            return None;
        }
        parses(&out).then_some(out)
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

    /// The pattern relaxed (no word boundary, no look-around) for a first pass, if it can be.
    #[getter]
    fn relaxed(&self) -> Option<String> {
        self.inner.relaxed()
    }

    /// The literal looked for before the pattern is tried (None: the pattern is tried on every text).
    #[getter]
    fn prefilter(&self) -> Option<String> {
        self.inner.pre().map(|r| r.as_str().to_string())
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

/// The letters whose case-insensitive matching agrees with Python's (FOLD_ALPHABET).
#[pyfunction]
fn fold_alphabet() -> &'static str {
    FOLD_ALPHABET
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(fold_alphabet, m)?)?;
    m.add_class::<PyPattern>()
}
