//! The reference context (docgraph/engine.py, `Engine._read_context` for every core of a text): the prefix read
//! right to left before a core (type word, law name, "của ISSUER", date, "số"), the suffix after it (date, issuer,
//! Party term), the subject ("về việc ..."), the pinpoint before the reference ("khoản 2 Điều 5") and the dates
//! read in them. The patterns are the Python engine's own (its pattern strings, given at construction): the core
//! runs them, it does not rewrite what they say.
//!
//! Reverse matching: `regex.REVERSE` patterns (prefix, pinpoint) run as their mirror image. Python's `regex` matches
//! a REVERSE pattern right to left: each concatenation from its last item to its first, a greedy repeat taking as
//! much as it can leftwards, alternatives in their order, a lookbehind looking left. That is the forward match of
//! the mirrored pattern (concatenations reversed, lookbehind <-> lookahead, bodies mirrored too) on the reversed
//! window, position for position: `Rev` builds the mirror from fancy-regex's parse tree and matches it, anchored,
//! on the window's characters in reverse order. The window is what Python's `match(t, lo, end)` reads: the match
//! stays within it; a lookahead of the pattern (a lookbehind of the mirror) sees nothing after `end`; a lookbehind
//! of the pattern (a lookahead of the mirror) sees the text before `lo` too: a single-character lookbehind is
//! supported, the mirror compiled twice (the character before `lo` in the lookbehind's class or not; the second
//! only needed when a match reaches `lo`).

use std::sync::OnceLock;

use fancy_regex::{Captures, Expr, LookAround, Regex, RegexInput, RegexOptionsBuilder};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::deadline::{Deadline, TimeLimit};
use crate::pattern::{atomic_repeats, translate, BACKTRACK_LIMIT};
use crate::pytext::{isspace, strip};

/// How a text's reading stopped early.
pub(crate) enum Stop {
    /// the file's time limit
    Time,
    /// a backtracking limit, or a value the core does not read as Python does (a date in non-ASCII digits): the text
    /// is left to Python, whose engine then gives its own outcome
    Python,
}

pub(crate) type R<T> = Result<T, Stop>;

/// The capture groups of a pattern in the order of their opening parentheses (as fancy-regex numbers them), with
/// their names (Python's `regex` lets two groups share a name: `group(name)` is the one that took part).
fn group_names(translated: &str) -> Vec<Option<String>> {
    let c: Vec<char> = translated.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let mut in_class = false;
    let mut class_start = 0;
    while i < c.len() {
        match c[i] {
            '\\' => {
                i += 2;
                continue;
            }
            ']' if in_class && i > class_start => in_class = false,
            '[' if !in_class => {
                in_class = true;
                if c.get(i + 1) == Some(&'^') {
                    i += 1;
                }
                class_start = i + 1;
            }
            '(' if !in_class => {
                if c.get(i + 1) != Some(&'?') {
                    out.push(None);
                } else {
                    let rest: String = c[i + 2..c.len().min(i + 4)].iter().collect();
                    let open = if rest.starts_with("P<") {
                        Some(i + 4)
                    } else if rest.starts_with('<') && !rest.starts_with("<=") && !rest.starts_with("<!") {
                        Some(i + 3)
                    } else {
                        None
                    };
                    if let Some(s) = open {
                        let name: String = c[s..].iter().take_while(|&&ch| ch != '>').collect();
                        out.push(Some(name));
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// Whether `\p{Lu}`, `\p{Ll}` or `\p{Lt}` stands inside a `(?i:...)` group (Python then matches every cased
/// letter, Rust only the class and its case partners).
fn cased_class_under_i(src: &str) -> bool {
    let c: Vec<char> = src.chars().collect();
    let mut stack: Vec<bool> = Vec::new();
    let mut i = 0;
    let mut in_class = false;
    while i < c.len() {
        let under_i = stack.last().copied().unwrap_or(false);
        match c[i] {
            '\\' => {
                if under_i && matches!(c.get(i + 1), Some('p') | Some('P')) {
                    let name: String = c[i + 2..c.len().min(i + 6)].iter().collect();
                    if ["{Lu}", "{Ll}", "{Lt}"].iter().any(|n| name.starts_with(n)) {
                        return true;
                    }
                }
                i += 2;
                continue;
            }
            ']' if in_class => in_class = false,
            '[' if !in_class => in_class = true,
            '(' if !in_class => {
                let head: String = c[i..c.len().min(i + 4)].iter().collect();
                stack.push(under_i || head == "(?i:");
            }
            ')' if !in_class => {
                stack.pop();
            }
            _ => {}
        }
        i += 1;
    }
    false
}

/// `translate` for a pattern whose `\p{Lu}` / `\p{Ll}` stand outside its `(?i:...)` groups (translate refuses any
/// such class in a pattern holding a `(?i:` group): they are spelled by their long names, which translate leaves as
/// they are and the regex crate reads as the same classes.
pub(crate) fn translate_ctx(src: &str) -> Result<String, String> {
    if src.starts_with("(?i)") {
        return translate(src, false);
    }
    if cased_class_under_i(src) {
        return Err("\\p{Lu} inside (?i:...) is not supported by the compiled core".into());
    }
    let spelled = src
        .replace("\\p{Lu}", "\\p{Uppercase_Letter}")
        .replace("\\p{Ll}", "\\p{Lowercase_Letter}")
        .replace("\\p{Lt}", "\\p{Titlecase_Letter}");
    translate(&spelled, false)
}

/// A pattern as fancy-regex compiles it, without the prefilter of its delegated parts: the core matches them at a
/// position (a search first finds where a match can start with a relaxed copy, see `Fwd`), where a prefilter is not
/// used, and it costs memory in each worker. Its long repeats of one character run in fancy-regex's machine
/// (pattern.rs `atomic_repeats`: the name's `[\p{L} ,\-]{0,100}?` is 1.5 MB of NFA in each worker otherwise); a
/// text on which that runs out of backtracking steps is left to Python, as any other.
fn build(t: &str) -> Result<Regex, String> {
    RegexOptionsBuilder::new()
        .backtrack_limit(BACKTRACK_LIMIT)
        .build_delegate_prefilter(false)
        .build(atomic_repeats(t).unwrap_or_else(|| t.to_string()))
        .map_err(|e| e.to_string())
}

/// A forward pattern with its group names, and for searches a finder of where a match can start: the pattern
/// relaxed (look-arounds dropped, long bounded repeats unbounded: it matches wherever the pattern does, and more) on
/// the regex crate's automata; the pattern itself is tried, anchored, only at those starts, left to right (fancy-
/// regex's own search tries its backtracking machine at every position).
pub(crate) struct Fwd {
    re: Regex,
    names: Vec<Option<String>>,
    cand: Option<regex::Regex>,
}

/// `e` relaxed (see `Fwd`) in the regex crate's syntax; None when it holds what only a backtracking engine runs
pub(crate) fn relaxed(e: &Expr, out: &mut String) -> Option<()> {
    match e {
        Expr::LookAround(..) => out.push_str("(?:)"),
        Expr::Assertion(a) => {
            use fancy_regex::Assertion as A;
            match a {
                A::WordBoundary | A::NotWordBoundary => out.push_str("(?:)"),
                _ => e.to_str(out, 3),
            }
        }
        Expr::Concat(items) | Expr::Alt(items) => {
            out.push_str("(?:");
            for (k, i) in items.iter().enumerate() {
                if k > 0 && matches!(e, Expr::Alt(_)) {
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
        Expr::AtomicGroup(inner) => {
            out.push_str("(?:");
            relaxed(inner, out)?;
            out.push(')');
        }
        Expr::Repeat { child, lo, hi, greedy } => {
            out.push_str("(?:");
            relaxed(child, out)?;
            out.push(')');
            quantifier(out, *lo, if *hi > 10 { usize::MAX } else { *hi }, *greedy);
        }
        Expr::Empty | Expr::Any { .. } | Expr::Literal { .. } | Expr::Delegate { .. } => e.to_str(out, 3),
        _ => return None,
    }
    Some(())
}

fn contains(e: &Expr, target: *const Expr) -> bool {
    std::ptr::eq(e, target) || e.children_iter().any(|c| contains(c, target))
}

/// `e` relaxed (as `relaxed`) with the way to `target` made mandatory: of an alternation only the branch that holds
/// it, a repeat that holds it taken at least once. It matches every text the pattern matches with `target` taking
/// part (and more).
fn forced(e: &Expr, target: *const Expr, out: &mut String) -> Option<()> {
    if !contains(e, target) {
        return relaxed(e, out);
    }
    match e {
        Expr::Alt(items) => {
            out.push_str("(?:");
            forced(items.iter().find(|i| contains(i, target))?, target, out)?;
            out.push(')');
        }
        Expr::Concat(items) => {
            out.push_str("(?:");
            for i in items {
                forced(i, target, out)?;
            }
            out.push(')');
        }
        Expr::Group(inner) => {
            out.push_str("(?:");
            if !std::ptr::eq(e, target) {
                forced(inner, target, out)?;
            } else {
                relaxed(inner, out)?;
            }
            out.push(')');
        }
        Expr::Repeat { child, lo, hi, greedy } => {
            out.push_str("(?:");
            forced(child, target, out)?;
            out.push(')');
            quantifier(out, (*lo).max(1), if *hi > 10 { usize::MAX } else { *hi }, *greedy);
        }
        _ => return None,
    }
    Some(())
}

impl Fwd {
    /// `search`: the pattern is searched in long texts (else it is matched at a position, or searched in a few
    /// words: no finder is built)
    pub(crate) fn new(what: &str, src: &str, search: bool) -> Result<Fwd, String> {
        let t = translate_ctx(src).map_err(|e| format!("{what}: {e}"))?;
        let re = build(&t).map_err(|e| format!("{what}: {e}"))?;
        let cand = search.then(|| Expr::parse_tree(&t).ok()).flatten().and_then(|tree| {
            let mut s = String::new();
            relaxed(&tree.expr, &mut s)?;
            regex::Regex::new(&s).ok()
        });
        Ok(Fwd {
            re,
            names: group_names(&t),
            cand,
        })
    }

    /// the match anchored at byte `pos` of `text` (the text before `pos` seen by lookbehinds): Python's
    /// `pattern.match(text, pos)`
    pub(crate) fn at<'t>(&self, text: &'t str, pos: usize) -> R<Option<Captures<'t, str>>> {
        self.re
            .captures_input(RegexInput::new(text).from_pos(pos).anchored(true))
            .map_err(|_| Stop::Python)
    }

    /// the first match at or after byte `pos`: Python's `pattern.search(text, pos)` (`text` ends where Python's
    /// `endpos` does)
    pub(crate) fn search<'t>(&self, text: &'t str, mut pos: usize) -> R<Option<Captures<'t, str>>> {
        let Some(cand) = &self.cand else {
            return self.re.captures_from_pos(text, pos).map_err(|_| Stop::Python);
        };
        while pos <= text.len() {
            let Some(m) = cand.find_at(text, pos) else {
                return Ok(None);
            };
            let s = m.start();
            if let Some(c) = self.at(text, s)? {
                return Ok(Some(c));
            }
            pos = match text[s..].chars().next() {
                Some(ch) => s + ch.len_utf8(),
                None => return Ok(None),
            };
        }
        Ok(None)
    }

    /// the span of group `name` (the first of the groups of that name that took part)
    pub(crate) fn span(&self, c: &Captures<'_, str>, name: &str) -> Option<(usize, usize)> {
        self.names
            .iter()
            .enumerate()
            .filter(|(_, n)| n.as_deref() == Some(name))
            .find_map(|(i, _)| c.get(i + 1).map(|m| (m.start(), m.end())))
    }
}

/// The mirror of a pattern's tree (see the module's note). `lb_class`: the body of the pattern's lookbehinds (one
/// character class, the same for all), which the mirror reads as lookaheads; `edge`: render them for a window whose
/// preceding character is in that class (a lookahead at the end of the reversed window then sees it).
struct Mirror<'a> {
    /// false: the pattern written forwards as it is (a part of it, see `Items`)
    reverse: bool,
    lb_class: &'a mut Option<String>,
    /// set when the pattern has a positive lookbehind
    lb_positive: &'a mut bool,
    edge: bool,
    /// the pattern's capture groups in the order of their opening parentheses (their numbers, from 1)
    groups: Vec<*const Expr>,
    /// the numbers of the groups written as never matching (`(?!)`)
    off: Vec<usize>,
}

/// the capture groups of a tree, in pre-order (the order of their opening parentheses)
fn groups_of(e: &Expr, out: &mut Vec<*const Expr>) {
    if let Expr::Group(_) = e {
        out.push(e as *const Expr);
    }
    for c in e.children_iter() {
        groups_of(c, out);
    }
}

fn single_char(e: &Expr) -> Option<String> {
    match e {
        Expr::Delegate { inner, casei } => Some(if *casei { format!("(?i:{inner})") } else { inner.clone() }),
        Expr::Literal { val, casei } if val.chars().count() == 1 => {
            let v = regex::escape(val);
            Some(if *casei { format!("(?i:{v})") } else { v })
        }
        Expr::Any { .. } => {
            let mut s = String::new();
            e.to_str(&mut s, 0);
            Some(s)
        }
        _ => None,
    }
}

fn quantifier(out: &mut String, lo: usize, hi: usize, greedy: bool) {
    match (lo, hi) {
        (0, usize::MAX) => out.push('*'),
        (1, usize::MAX) => out.push('+'),
        (0, 1) => out.push('?'),
        (lo, usize::MAX) => out.push_str(&format!("{{{lo},}}")),
        (lo, hi) if lo == hi => out.push_str(&format!("{{{lo}}}")),
        (lo, hi) => out.push_str(&format!("{{{lo},{hi}}}")),
    }
    if !greedy {
        out.push('?');
    }
}

impl Mirror<'_> {
    /// a capture group of the pattern is named `g<its number>` in the mirror
    fn write(&mut self, e: &Expr, out: &mut String) -> Result<(), String> {
        match e {
            Expr::Empty => {}
            Expr::Any { .. } | Expr::Delegate { .. } => {
                e.to_str(out, 3);
            }
            Expr::Literal { val, casei } => {
                let rev: String = if self.reverse {
                    val.chars().rev().collect()
                } else {
                    val.clone()
                };
                out.push_str(if *casei { "(?i:" } else { "(?:" });
                out.push_str(&regex::escape(&rev));
                out.push(')');
            }
            Expr::Assertion(a) => {
                use fancy_regex::Assertion as A;
                match a {
                    A::WordBoundary => out.push_str("\\b"),
                    A::NotWordBoundary => out.push_str("\\B"),
                    _ if !self.reverse => e.to_str(out, 3),
                    _ => return Err("an anchor in a REVERSE pattern is not supported by the compiled core".into()),
                }
            }
            Expr::Concat(items) => {
                out.push_str("(?:");
                if self.reverse {
                    for it in items.iter().rev() {
                        self.write(it, out)?;
                    }
                } else {
                    for it in items {
                        self.write(it, out)?;
                    }
                }
                out.push(')');
            }
            Expr::Alt(items) => {
                out.push_str("(?:");
                for (k, it) in items.iter().enumerate() {
                    if k > 0 {
                        out.push('|');
                    }
                    self.write(it, out)?;
                }
                out.push(')');
            }
            Expr::Group(inner) => {
                let k = 1 + self
                    .groups
                    .iter()
                    .position(|&g| std::ptr::eq(g, e))
                    .expect("a group of the tree");
                out.push_str(&format!("(?P<g{k}>"));
                if self.off.contains(&k) {
                    out.push_str("(?!)");
                } else {
                    self.write(inner, out)?;
                }
                out.push(')');
            }
            Expr::Repeat { child, lo, hi, greedy } => {
                out.push_str("(?:");
                self.write(child, out)?;
                out.push(')');
                quantifier(out, *lo, *hi, *greedy);
            }
            Expr::AtomicGroup(inner) => {
                out.push_str("(?>");
                self.write(inner, out)?;
                out.push(')');
            }
            Expr::LookAround(inner, kind) => {
                let behind = matches!(kind, LookAround::LookBehind | LookAround::LookBehindNeg);
                let neg = matches!(kind, LookAround::LookAheadNeg | LookAround::LookBehindNeg);
                if !self.reverse {
                    out.push_str(match kind {
                        LookAround::LookAhead => "(?=",
                        LookAround::LookAheadNeg => "(?!",
                        LookAround::LookBehind => "(?<=",
                        LookAround::LookBehindNeg => "(?<!",
                    });
                    self.write(inner, out)?;
                    out.push(')');
                } else if behind {
                    // the pattern's lookbehind: the mirror's lookahead, which at the end of the reversed window
                    // stands for the character before it
                    let Some(class) = single_char(inner) else {
                        return Err(
                            "a lookbehind longer than one character in a REVERSE pattern is not supported \
                                    by the compiled core"
                                .into(),
                        );
                    };
                    match self.lb_class.as_deref() {
                        Some(c) if c != class => {
                            return Err(
                                "REVERSE pattern: lookbehinds of different classes are not supported by the \
                                        compiled core"
                                    .into(),
                            )
                        }
                        _ => *self.lb_class = Some(class.clone()),
                    }
                    *self.lb_positive |= !neg;
                    out.push_str(if neg { "(?!" } else { "(?=" });
                    out.push_str(&class);
                    if self.edge {
                        out.push_str("|\\z");
                    }
                    out.push(')');
                } else {
                    out.push_str(if neg { "(?<!" } else { "(?<=" });
                    self.write(inner, out)?;
                    out.push(')');
                }
            }
            _ => return Err("a construct of a REVERSE pattern the compiled core does not mirror".into()),
        }
        Ok(())
    }
}

/// One mirror of a REVERSE pattern: its source, compiled on first use, and the mirror's number of each of the
/// pattern's groups.
struct Variant {
    src: String,
    re: OnceLock<Option<(Regex, Vec<usize>)>>,
}

impl Variant {
    fn compiled(&self, n_groups: usize) -> Option<&(Regex, Vec<usize>)> {
        self.re
            .get_or_init(|| {
                let re = build(&self.src).ok()?;
                let mut groups = vec![0; n_groups];
                for (i, n) in re.capture_names().enumerate() {
                    if let Some(k) = n
                        .and_then(|n| n.strip_prefix('g'))
                        .and_then(|k| k.parse::<usize>().ok())
                    {
                        if k >= 1 && k <= n_groups {
                            groups[k - 1] = i;
                        }
                    }
                }
                Some((re, groups))
            })
            .as_ref()
    }
}

/// A `regex.REVERSE` pattern, run as its mirror (see the module's note).
///
/// An optional group that costs most of the search (the issuer, read over up to 100 characters at every core where
/// "của" stands in the window) is looked for first with a cheap test: the pattern relaxed with that group made mandatory, ending
/// at the window's end, on the regex crate's automata. Where it cannot match, no match of the pattern has the group
/// taking part, and the mirror with the group never matching finds the same match (the backtracking tries the same
/// ways in the same order, less those that fail) — what docgraph's prefix_no_of_re does for "của".
pub(crate) struct Rev {
    /// by the set of groups turned off (bit k: `optional[k]`), then for a window not preceded / preceded by a
    /// character of `lb_class`
    variants: Vec<[Variant; 2]>,
    /// per optional group: the relaxed pattern with it mandatory, anchored at the window's end
    checks: Vec<regex::Regex>,
    lb_class: Option<regex::Regex>,
    /// the pattern has a positive lookbehind (the mirror after a letter is then always the other one)
    lb_positive: bool,
    names: Vec<Option<String>>,
    /// the mirror's source, for the tests
    source: String,
}

impl Rev {
    pub(crate) fn new(what: &str, src: &str, optional: &[&str]) -> Result<Rev, String> {
        let err = |e: String| format!("{what}: {e}");
        let t = translate_ctx(src).map_err(err)?;
        let tree = Expr::parse_tree(&t).map_err(|e| err(e.to_string()))?;
        let names = group_names(&t);
        let mut groups = Vec::new();
        groups_of(&tree.expr, &mut groups);
        if groups.len() != names.len() {
            return Err(err("the groups of the pattern are not read alike".into()));
        }
        let number = |name: &str| names.iter().position(|n| n.as_deref() == Some(name)).map(|i| i + 1);
        let mut opt = Vec::new();
        for name in optional {
            opt.push(number(name).ok_or_else(|| err(format!("no group {name}")))?);
        }
        let mut class = None;
        let mut lb_positive = false;
        let mut mirror = |edge: bool, off: Vec<usize>| -> Result<String, String> {
            let mut out = String::new();
            Mirror {
                reverse: true,
                lb_class: &mut class,
                lb_positive: &mut lb_positive,
                edge,
                groups: groups.clone(),
                off,
            }
            .write(&tree.expr, &mut out)?;
            Ok(out)
        };
        let mut variants = Vec::new();
        for mask in 0..(1usize << opt.len()) {
            let off: Vec<usize> = (0..opt.len())
                .filter(|k| mask & (1 << k) != 0)
                .map(|k| opt[k])
                .collect();
            let plain = mirror(false, off.clone()).map_err(err)?;
            let edge = mirror(true, off).map_err(err)?;
            variants.push([plain, edge].map(|src| Variant {
                src,
                re: OnceLock::new(),
            }));
        }
        let source = variants[0][0].src.clone();
        // the full mirror compiles (the others differ only by groups that never match)
        let full = &variants[0][0];
        if full.compiled(names.len()).is_none() {
            return Err(err(format!(
                "{}: {}",
                full.src,
                build(&full.src).err().unwrap_or_default()
            )));
        }
        let lb_class = match &class {
            Some(c) => Some(regex::Regex::new(&format!("\\A(?:{c})\\z")).map_err(|e| err(e.to_string()))?),
            None => None,
        };
        let mut checks = Vec::new();
        for &k in &opt {
            let mut s = String::new();
            forced(&tree.expr, groups[k - 1], &mut s).ok_or_else(|| err("a group that cannot be relaxed".into()))?;
            let re = regex::RegexBuilder::new(&format!("(?:{s})\\z"))
                .size_limit(1 << 24)
                .build()
                .map_err(|e| err(e.to_string()))?;
            checks.push(re);
        }
        Ok(Rev {
            variants,
            checks,
            lb_class,
            lb_positive,
            names,
            source,
        })
    }

    /// Python's `pattern.match(t, lo, end)` (REVERSE: the match ends at `end`, starts at `lo` or after): the
    /// spans of the pattern's groups in `t` (index 0: the whole match), byte offsets.
    pub(crate) fn match_back(
        &self,
        t: &str,
        lo: usize,
        end: usize,
        buf: &mut String,
    ) -> R<Option<Vec<Option<(usize, usize)>>>> {
        let window = &t[lo..end];
        let mut mask = 0;
        for (k, check) in self.checks.iter().enumerate() {
            if !check.is_match(window) {
                mask |= 1 << k;
            }
        }
        let edge = match (&self.lb_class, t[..lo].chars().next_back()) {
            (Some(class), Some(ch)) => class.is_match(ch.encode_utf8(&mut [0u8; 4])),
            _ => false,
        };
        buf.clear();
        buf.extend(window.chars().rev());
        let run = |edge: bool| -> R<Option<(Captures<'_, str>, &Vec<usize>)>> {
            let Some((re, groups)) = self.variants[mask][edge as usize].compiled(self.names.len()) else {
                return Err(Stop::Python);
            };
            let c = re
                .captures_input(RegexInput::new(buf.as_str()).anchored(true))
                .map_err(|_| Stop::Python)?;
            Ok(c.map(|c| (c, groups)))
        };
        // with negative lookbehinds only, the mirror for a window after a letter fails where the plain one does, and
        // differs from it only on a way that reaches the window's start: the plain mirror's match is the answer
        // unless it reaches there (then the other mirror, compiled on first use, gives it)
        let mut got = run(edge && self.lb_positive)?;
        if edge && !self.lb_positive && got.as_ref().is_some_and(|(c, _)| c.get(0).unwrap().end() == buf.len()) {
            got = run(true)?;
        }
        let Some((c, groups)) = got else {
            return Ok(None);
        };
        let flip = |(a, b): (usize, usize)| (end - b, end - a);
        let mut out = Vec::with_capacity(groups.len() + 1);
        out.push(c.get(0).map(|m| flip((m.start(), m.end()))));
        for &g in groups {
            out.push(c.get(g).map(|m| flip((m.start(), m.end()))));
        }
        Ok(Some(out))
    }

    pub(crate) fn span(&self, spans: &[Option<(usize, usize)>], name: &str) -> Option<(usize, usize)> {
        self.names
            .iter()
            .enumerate()
            .filter(|(_, n)| n.as_deref() == Some(name))
            .find_map(|(i, _)| spans[i + 1])
    }
}

/// `" ".join(s.split()).strip(" ,;:-")` (docgraph's `_clean`)
pub(crate) fn clean(s: &str) -> String {
    let joined: Vec<&str> = s.split(isspace).filter(|w| !w.is_empty()).collect();
    joined
        .join(" ")
        .trim_matches(|c| matches!(c, ' ' | ',' | ';' | ':' | '-'))
        .to_string()
}

/// `int(s)` of digits the core reads as Python does (ASCII); other digits leave the text to Python
pub(crate) fn int_of(s: &str) -> R<i64> {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && s.len() < 18 {
        Ok(s.parse().unwrap())
    } else {
        Err(Stop::Python)
    }
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// Byte <-> code point offsets of one text, from the last place converted (the places asked for lie near each other:
/// a core and the few hundred characters around it, cores in order).
pub(crate) struct Offsets<'a> {
    text: &'a str,
    byte: usize,
    chars: usize,
}

impl<'a> Offsets<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Offsets {
            text,
            byte: 0,
            chars: 0,
        }
    }

    pub(crate) fn char_at(&mut self, b: usize) -> usize {
        if b >= self.byte {
            self.chars += self.text[self.byte..b].chars().count();
        } else {
            self.chars -= self.text[b..self.byte].chars().count();
        }
        self.byte = b;
        self.chars
    }

    pub(crate) fn byte_at(&mut self, c: usize) -> usize {
        self.byte = if c >= self.chars {
            on_chars(self.text, self.byte, c - self.chars)
        } else {
            back_chars(self.text, self.byte, self.chars - c)
        };
        self.chars = c;
        self.byte
    }
}

/// `n` code points back from byte `b` (or the text's start): a count of the bytes that start a character
pub(crate) fn back_chars(t: &str, b: usize, n: usize) -> usize {
    let bytes = t.as_bytes();
    let (mut i, mut k) = (b, 0);
    while k < n && i > 0 {
        i -= 1;
        if bytes[i] & 0xC0 != 0x80 {
            k += 1;
        }
    }
    i
}

/// `n` code points on from byte `b` (or the text's end)
pub(crate) fn on_chars(t: &str, b: usize, n: usize) -> usize {
    let bytes = t.as_bytes();
    let (mut i, mut k) = (b, 0);
    while i < bytes.len() {
        if bytes[i] & 0xC0 != 0x80 {
            if k == n {
                return i;
            }
            k += 1;
        }
        i += 1;
    }
    t.len()
}

/// What `_read_context` reads around one core: (type word, the law's name as written, issuer, issuer span, date,
/// year, term, subject, pinpoint, prefix start, start, end); offsets in code points.
pub(crate) type Context = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<(usize, usize)>,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    usize,
    usize,
    usize,
);

/// The reference context of one rule set: `ContextReader(patterns, suffix_first)`, `patterns` a dict of
/// the Python engine's pattern strings (prefix, pinpoint: REVERSE; name_split, suffix, subject_intro,
/// subject_end, date, year); `read(text, cores, seconds)` gives each core's context.
#[pyclass(name = "ContextReader", module = "docgraph_native", frozen)]
pub(crate) struct ContextReader {
    prefix: Rev,
    pinpoint: Rev,
    name_split: Fwd,
    suffix: Fwd,
    subject_intro: Fwd,
    subject_end: Fwd,
    date: Fwd,
    year: Fwd,
    suffix_first: Vec<char>,
}

/// the prefix's look-back window and the pinpoint's, the subject's length, in code points (docgraph/engine.py)
const PREFIX_WINDOW: usize = 400;
const PINPOINT_WINDOW: usize = 80;
const SUBJECT_WINDOW: usize = 300;

/// One core as docgraph gives it: (start, end, layout is "name", layout is "normative", year), code points.
pub(crate) type CoreIn = (usize, usize, bool, bool, Option<i64>);

impl ContextReader {
    /// `_date_from`: the date in `s` as (ISO date or None for an impossible one, year)
    fn date_in(&self, s: &str) -> R<Option<(Option<String>, i64)>> {
        let Some(c) = self.date.search(s, 0)? else {
            return Ok(None);
        };
        let part = |n: &str| self.date.span(&c, n).map(|(a, b)| &s[a..b]).unwrap_or("");
        let (day, month, year) = (int_of(part("d"))?, int_of(part("m"))?, int_of(part("y"))?);
        let valid =
            (1..=9999).contains(&year) && (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month);
        Ok(Some((valid.then(|| format!("{year:04}-{month:02}-{day:02}")), year)))
    }

    /// `_may_have_suffix`
    fn may_have_suffix(&self, t: &str, end: usize) -> bool {
        match t[end..].chars().find(|&c| !matches!(c, ' ' | ',' | '\n')) {
            Some(c) => self.suffix_first.contains(&c) || isspace(c),
            None => false,
        }
    }

    fn one(&self, t: &str, ix: &mut Offsets<'_>, core: &CoreIn, buf: &mut String) -> R<Context> {
        let &(cs, ce, name_layout, normative, cyear) = core;
        let c_start = ix.byte_at(cs);
        let c_end = ix.byte_at(ce);
        let (mut start, mut end) = (c_start, c_end);
        let mut tw = None;
        let mut name = None;
        let mut issuer = None;
        let mut issuer_span = None;
        let mut date: Option<String> = None;
        let mut year = cyear;
        let mut term = None;
        let mut subject = None;
        let mut pinpoint = None;
        if !name_layout {
            let lo = back_chars(t, c_start, PREFIX_WINDOW);
            let pre = &self.prefix;
            if let Some(sp) = pre.match_back(t, lo, c_start, buf)? {
                let whole = sp[0].expect("group 0");
                if whole.0 < c_start {
                    if let Some(g) = pre.span(&sp, "tw").filter(|g| g.1 > g.0) {
                        tw = Some(&t[g.0..g.1]);
                        start = g.0;
                        let mut split = None;
                        if let Some(n) = pre.span(&sp, "name").filter(|n| n.1 > n.0) {
                            let nm = &t[n.0..n.1];
                            let mut pos = 0;
                            while pos <= nm.len() {
                                let Some(m) = self.name_split.search(nm, pos)? else {
                                    break;
                                };
                                let (s, e) = m.get(0).map(|m| (m.start(), m.end())).unwrap();
                                split = self.name_split.span(&m, "tw").map(|w| (n.0 + w.0, n.0 + w.1));
                                pos = if e > s {
                                    e
                                } else {
                                    e + nm[e..].chars().next().map_or(1, |c| c.len_utf8())
                                };
                            }
                            match split {
                                Some(w) => {
                                    tw = Some(&t[w.0..w.1]);
                                    start = w.0;
                                }
                                None => name = Some(nm.to_string()),
                            }
                        }
                        if let Some(p) = pre.span(&sp, "pissuer").filter(|p| p.1 > p.0) {
                            issuer = Some(clean(&t[p.0..p.1]));
                            issuer_span = Some(p);
                        }
                        if let Some((d, dy)) = self.date_in(&t[whole.0..whole.1])? {
                            date = d;
                            if year.is_none() {
                                year = Some(dy);
                            }
                        }
                    } else if let Some(g) = pre.span(&sp, "so").filter(|g| g.1 > g.0) {
                        start = g.0;
                    }
                }
            }
        }
        let prefix_start = start;
        if self.may_have_suffix(t, end) {
            if let Some(sm) = self.suffix.at(t, end)? {
                let m_end = sm.get(0).unwrap().end();
                if m_end > end {
                    let g = |n: &str| self.suffix.span(&sm, n).filter(|s| s.1 > s.0);
                    if let Some(p) = g("issuer") {
                        issuer = Some(clean(&t[p.0..p.1]));
                        issuer_span = Some(p);
                    }
                    if let Some(p) = g("byear") {
                        if year.is_none() {
                            year = Some(int_of(&t[p.0..p.1])?);
                        }
                    }
                    if let Some(p) = g("term") {
                        term = Some(t[p.0..p.1].to_string());
                    }
                    for name in ["d1", "d2"] {
                        if let Some(p) = g(name) {
                            let s = &t[p.0..p.1];
                            match self.date_in(s)? {
                                // an impossible date leaves `date` None: the next one may still be taken
                                Some((d, dy)) if date.is_none() => {
                                    date = d;
                                    if !normative || year.is_none() {
                                        year = Some(dy);
                                    }
                                }
                                Some(_) => {}
                                None if year.is_none() => {
                                    if let Some(y) = self.year.search(s, 0)? {
                                        let y = y.get(0).unwrap();
                                        year = Some(int_of(y.as_str())?);
                                    }
                                }
                                None => {}
                            }
                        }
                    }
                    end = m_end;
                    while end > c_end && matches!(t.as_bytes()[end - 1], b' ' | b',' | b'\n') {
                        end -= 1;
                    }
                }
            }
        }
        if name_layout && cyear.is_some() {
            year = cyear;
        }
        if let Some(sub) = self.subject_intro.at(t, end)? {
            let s = sub.get(0).unwrap().end();
            let lim = on_chars(t, s, SUBJECT_WINDOW);
            let stop = self.subject_end.search(&t[..lim], s)?;
            let text = &t[s..stop.map_or(lim, |m| m.get(0).unwrap().start())];
            if strip(text).chars().count() >= 2 {
                subject = Some(clean(text));
            }
        }
        let plo = back_chars(t, start, PINPOINT_WINDOW);
        if let Some(sp) = self.pinpoint.match_back(t, plo, start, buf)? {
            let (a, b) = sp[0].expect("group 0");
            if !strip(&t[a..b]).is_empty() {
                pinpoint = Some(clean(&t[a..b]).trim_end_matches(',').to_string());
            }
        }
        let span = issuer_span.map(|(a, b)| (ix.char_at(a), ix.char_at(b)));
        let (ps, s, e) = (ix.char_at(prefix_start), ix.char_at(start), ix.char_at(end));
        Ok((
            tw.map(str::to_string),
            name,
            issuer,
            span,
            date,
            year,
            term,
            subject,
            pinpoint,
            ps,
            s,
            e,
        ))
    }

    pub(crate) fn run(&self, t: &str, cores: &[CoreIn], dl: &Deadline) -> R<Vec<Context>> {
        let mut ix = Offsets::new(t);
        let mut buf = String::new();
        let mut out = Vec::with_capacity(cores.len());
        for c in cores {
            if dl.passed() {
                return Err(Stop::Time);
            }
            out.push(self.one(t, &mut ix, c, &mut buf)?);
        }
        Ok(out)
    }
}

#[pymethods]
impl ContextReader {
    #[new]
    fn new(patterns: std::collections::HashMap<String, String>, suffix_first: &str) -> PyResult<Self> {
        let get = |k: &str| {
            patterns
                .get(k)
                .map(String::as_str)
                .ok_or_else(|| PyValueError::new_err(format!("context: no {k} pattern")))
        };
        let e = PyValueError::new_err;
        let reader = ContextReader {
            prefix: Rev::new("prefix", get("prefix")?, &["pissuer"]).map_err(e)?,
            pinpoint: Rev::new("pinpoint", get("pinpoint")?, &[]).map_err(e)?,
            name_split: Fwd::new("name_split", get("name_split")?, false).map_err(e)?,
            suffix: Fwd::new("suffix", get("suffix")?, false).map_err(e)?,
            subject_intro: Fwd::new("subject_intro", get("subject_intro")?, false).map_err(e)?,
            subject_end: Fwd::new("subject_end", get("subject_end")?, true).map_err(e)?,
            date: Fwd::new("date", get("date")?, true).map_err(e)?,
            year: Fwd::new("year", get("year")?, false).map_err(e)?,
            suffix_first: suffix_first.chars().collect(),
        };
        crate::pattern::release_freed();
        Ok(reader)
    }

    /// The context of each core of a normalized text, `cores` as (start, end, layout is "name", layout is
    /// "normative", year) in code points; `seconds`: what is left of the file's time limit; `checked`: the text is
    /// known to hold no character the two engines read otherwise (the rule scans checked it). None: the text is left
    /// to Python (such a character, a backtracking limit, a date in other digits).
    #[pyo3(signature = (text, cores, seconds=None, checked=false))]
    fn read(
        &self,
        py: Python<'_>,
        text: &Bound<'_, pyo3::types::PyString>,
        cores: Vec<CoreIn>,
        seconds: Option<f64>,
        checked: bool,
    ) -> PyResult<Option<Vec<Context>>> {
        let text = if checked {
            text.to_str()?
        } else {
            match crate::pytext::checked_text(text)? {
                (_, true) => return Ok(None),
                (t, false) => t,
            }
        };
        let dl = Deadline::new(seconds);
        match py.allow_threads(|| self.run(text, &cores, &dl)) {
            Ok(v) => Ok(Some(v)),
            Err(Stop::Python) => Ok(None),
            Err(Stop::Time) => Err(TimeLimit::new_err("time limit")),
        }
    }

    /// One REVERSE pattern ("prefix" or "pinpoint") matched as Python's `pattern.match(text, lo, end)`, for the
    /// tests: (group name, start, end) of the groups that took part ("" for the whole match), code points; None
    /// without a match.
    fn reverse_match(
        &self,
        which: &str,
        text: &str,
        lo: usize,
        end: usize,
    ) -> PyResult<Option<Vec<(String, usize, usize)>>> {
        let rev = match which {
            "prefix" => &self.prefix,
            "pinpoint" => &self.pinpoint,
            _ => return Err(PyValueError::new_err(format!("no REVERSE pattern {which:?}"))),
        };
        let mut ix = Offsets::new(text);
        let (lo, end) = (ix.byte_at(lo.min(end)), ix.byte_at(end));
        let mut buf = String::new();
        let Ok(got) = rev.match_back(text, lo, end, &mut buf) else {
            return Err(PyValueError::new_err("the core left the window to Python"));
        };
        Ok(got.map(|spans| {
            let mut out = Vec::new();
            let mut seen = Vec::new();
            for (i, sp) in spans.iter().enumerate() {
                let name = if i == 0 {
                    String::new()
                } else {
                    rev.names[i - 1].clone().unwrap_or_default()
                };
                if let Some((a, b)) = sp {
                    if !seen.contains(&name) {
                        seen.push(name.clone());
                        out.push((name, ix.char_at(*a), ix.char_at(*b)));
                    }
                }
            }
            out
        }))
    }

    /// The mirrors the REVERSE patterns run as (prefix, pinpoint), for the tests.
    fn mirrors(&self) -> Vec<String> {
        vec![self.prefix.source.clone(), self.pinpoint.source.clone()]
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<ContextReader>()
}
