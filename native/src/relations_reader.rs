//! One document's relations (docgraph/relations.py `_Reader`): the parts, units and clauses of the layout
//! (relations.rs), each mention's role in its clause, the phrases after a reference, the named laws, the lists a
//! ":" or a ";" carries on. relations.py is the reference; the names and the order of the tests follow it.

use std::collections::HashMap;

use crate::deadline::Deadline;
use crate::pytext::isspace;
use crate::relations::{Stop, UnitPlan};
use crate::relations_finder::{
    char_count, curly_open, evidence, first_upper, key_of, last_char, paren_depth, quote_depths, quoted, squeeze_all,
    Finder, Ph, Txt, BASED_ON, CITES, CONSOLIDATES, IMPLEMENTS, M, R, RESPONDS_TO, RIDER,
};
use crate::structure::StructureReader;

pub const OWN: isize = -1;

/// A mention's role in its clause: relations.py's tuples ("own", rel), ("own", "cites", rel), ("between", source,
/// rel), ("passive", patient, rel[, more patients]).
#[derive(Clone, PartialEq, Debug)]
pub enum Role {
    Own(u16),
    OwnAlt(u16), // ("own", "cites", x)
    Between(usize, u16),
    Passive(usize, u16),
    PassiveMany(usize, u16, Vec<usize>),
}

impl Role {
    pub(crate) fn is_own(&self) -> bool {
        matches!(self, Role::Own(_) | Role::OwnAlt(_))
    }
    pub(crate) fn is_passive(&self) -> bool {
        matches!(self, Role::Passive(..) | Role::PassiveMany(..))
    }
    /// r[1] of an own role
    pub(crate) fn own_rel(&self) -> u16 {
        match self {
            Role::Own(r) => *r,
            _ => CITES,
        }
    }
    /// r[1] of a between or passive role
    pub(crate) fn other(&self) -> usize {
        match self {
            Role::Between(a, _) | Role::Passive(a, _) | Role::PassiveMany(a, _, _) => *a,
            _ => unreachable!("an own role has no other reference"),
        }
    }
    /// r[2] of a between or passive role
    pub(crate) fn rel2(&self) -> u16 {
        match self {
            Role::Between(_, r) | Role::Passive(_, r) | Role::PassiveMany(_, r, _) => *r,
            Role::OwnAlt(x) => *x,
            Role::Own(_) => unreachable!("a two-element role"),
        }
    }
    pub(crate) fn patients(&self) -> Vec<usize> {
        match self {
            Role::Passive(a, _) => vec![*a],
            Role::PassiveMany(a, _, more) => std::iter::once(*a).chain(more.iter().copied()).collect(),
            _ => Vec::new(),
        }
    }
    pub(crate) fn is_rider(&self) -> bool {
        matches!(self, Role::OwnAlt(RIDER))
    }
}

pub struct Part {
    pub kind: String,
    pub start: usize,
    pub end: usize,
    pub attached: bool,
}

pub type Out = (isize, usize, u16, usize, String);

pub struct Reader<'a> {
    pub f: &'a Finder,
    pub st: &'a StructureReader,
    pub t: &'a Txt<'a>,
    pub ms: &'a [M],
    pub parts: &'a [Part],
    pub article: bool,
    pub deadline: Deadline,
    pub(crate) narrative: bool,
    pub(crate) opened: bool,
    pub(crate) opened_once: bool,
    pub(crate) own_key: Option<(String, String)>,
    pub(crate) vbhn: bool,
    pub out: Vec<Out>,
    pub(crate) sentence_heads: Vec<usize>,
    pub(crate) list_role: Option<Role>,
    pub(crate) list_depth: i64,
    pub(crate) starts: Vec<usize>,
    pub(crate) colon_role: Option<Role>,
    pub(crate) basis_owner: Option<usize>,
    pub(crate) item_rel: Option<u16>,
    pub(crate) named: Option<Vec<(usize, String)>>,
    pub(crate) header_words: Option<String>,
    pub(crate) clause_pos: HashMap<usize, usize>,
}

fn kind_in(k: &str, set: &[&str]) -> bool {
    set.contains(&k)
}

impl<'a> Reader<'a> {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        f: &'a Finder,
        st: &'a StructureReader,
        t: &'a Txt<'a>,
        ms: &'a [M],
        parts: &'a [Part],
        article: bool,
        doc_type: Option<&str>,
        doc_symbol: Option<&str>,
        deadline: Deadline,
    ) -> Reader<'a> {
        let own = ms.iter().find(|m| m.own);
        let own_type = match doc_type.filter(|s| !s.is_empty()) {
            Some(s) => s.to_lowercase(),
            None => own.map(|m| m.typ.clone()).unwrap_or_default(),
        };
        let symbol = match doc_symbol.filter(|s| !s.is_empty()) {
            Some(s) => s.to_string(),
            None => own.and_then(|m| m.symbol.clone()).unwrap_or_default(),
        };
        let mut starts: Vec<usize> = ms.iter().map(|m| m.start).collect();
        starts.sort();
        Reader {
            f,
            st,
            t,
            ms,
            parts,
            article,
            deadline,
            narrative: f.narrative_types.contains(&own_type),
            opened: false,
            opened_once: false,
            own_key: own.and_then(|m| m.key.clone()),
            vbhn: symbol.to_uppercase().contains("VBHN"),
            out: Vec::new(),
            sentence_heads: Vec::new(),
            list_role: None,
            list_depth: 0,
            starts,
            colon_role: None,
            basis_owner: None,
            item_rel: None,
            named: None,
            header_words: None,
            clause_pos: HashMap::new(),
        }
    }

    pub(crate) fn text(&self) -> &'a str {
        self.t.s
    }

    pub(crate) fn check(&self) -> R<()> {
        if self.deadline.passed() {
            Err(Stop::Time)
        } else {
            Ok(())
        }
    }

    pub(crate) fn line_kind(&self, line: &str) -> R<String> {
        self.st.line_kind_name(line).ok_or(Stop::Decline)
    }

    pub fn run(&mut self, plan: Vec<(Vec<usize>, Vec<UnitPlan>)>) -> R<Vec<Out>> {
        let ms = self.ms;
        let mut merged_before = true;
        for (part, (idxs, units)) in self.parts.iter().zip(plan) {
            let k = part.kind.as_str();
            if kind_in(k, &["basis", "article", "effect", "chapter", "promulgation", "request"]) {
                merged_before = false;
            }
            if kind_in(k, &["article", "effect", "chapter", "section"])
                || (kind_in(k, &["body", "opener", "basis"]) && !idxs.is_empty() && self.opened_once)
            {
                self.opened = true;
            }
            if kind_in(k, &["opener", "body", "basis"]) && !idxs.is_empty() {
                self.opened_once = true;
            }
            if idxs.is_empty() {
                continue;
            }
            let quotes = quote_depths(self.text(), part.start, part.end);
            self.item_rel = self.f.part_default.get(k).copied();
            let mut carry: Option<Role> = None;
            for u in units {
                self.check()?;
                if !u.item {
                    carry = None;
                }
                self.sentence_heads.clear();
                self.list_role = None;
                self.colon_role = None;
                let mut role: HashMap<usize, Role> = HashMap::new();
                for c in &u.clauses {
                    self.check()?;
                    if c.before != Some(';') {
                        self.sentence_heads.clear();
                    }
                    let colon = if c.before == Some(':') {
                        self.colon_role.clone()
                    } else {
                        None
                    };
                    let head = self.clause(
                        part,
                        c.cs,
                        c.ce,
                        &c.cidx,
                        &quotes,
                        if c.at_item { carry.clone() } else { None },
                        &mut role,
                        colon,
                    )?;
                    if let Some(h) = head {
                        self.sentence_heads.push(h);
                    }
                    self.colon_role = if c.intro {
                        self.list_intro(part, c.cs, c.ce, &c.cidx, &role, &quotes)?
                    } else {
                        None
                    };
                }
                let intro = if u.intro {
                    self.list_intro(part, u.us, u.ue, &u.uidx, &role, &quotes)?
                } else {
                    None
                };
                if intro.is_some() {
                    carry = intro;
                }
            }
            if self.vbhn && merged_before && kind_in(k, &["title", "body"]) {
                for &i in &idxs {
                    if !ms[i].own && ms[i].key != self.own_key {
                        if self.basis_owner.is_none() {
                            self.basis_owner = Some(i);
                        }
                        self.emit(OWN, i, CONSOLIDATES, &[(ms[i].start, ms[i].end)], part.start, part.end);
                    }
                }
            }
        }
        let acting: std::collections::HashSet<isize> = self.out.iter().filter(|r| r.0 != OWN).map(|r| r.0).collect();
        let out = std::mem::take(&mut self.out);
        Ok(out
            .into_iter()
            .filter(|r| !(r.0 == OWN && r.2 == CITES && acting.contains(&(r.1 as isize))))
            .collect())
    }

    pub(crate) fn list_intro(
        &mut self,
        part: &Part,
        us: usize,
        ue: usize,
        uidx: &[usize],
        role: &HashMap<usize, Role>,
        quotes: &[(usize, i64)],
    ) -> R<Option<Role>> {
        let text = self.text();
        let f = self.f;
        let ms = self.ms;
        let mut lines: Vec<&str> = text[us..ue].split('\n').collect();
        while let Some(last) = lines.last() {
            let k = self.line_kind(last)?;
            if k == "noise" || k == "blank" {
                lines.pop();
            } else {
                break;
            }
        }
        let joined = lines.join("\n");
        let body = joined.trim_end_matches(isspace);
        let heading = kind_in(&part.kind, &["article", "effect"])
            && us == part.start
            && !body.trim_matches(isspace).contains('\n');
        if !body.ends_with(':') && !heading {
            return Ok(None);
        }
        let end = us + body.len();
        let last = uidx
            .iter()
            .map(|&i| ms[i].end)
            .filter(|&e| e <= end)
            .max()
            .unwrap_or(us);
        let semi = text[us..end].rfind(';').map(|x| us + x);
        let dot = text[us..end].rfind(". ").map(|x| us + x);
        let cut = [semi, dot, Some(last)].into_iter().flatten().max().unwrap_or(last);
        let tail_start = cut.max(us);
        let Some(ph) = f.last_phrase(text, tail_start, end)? else {
            return Ok(None);
        };
        if !f.list_carry.contains(&ph.rel) {
            return Ok(None);
        }
        if !ph.passive
            && f.tight
                .contains_key(&squeeze_all(&text[ph.start..ph.end].to_lowercase()))
        {
            let hit = match &f.tight_list {
                Some(tl) => tl.match_at(&text[..end], ph.end)?.is_some(),
                None => false,
            };
            if !hit {
                return Ok(None);
            }
        }
        if ph.passive {
            let mut best: Option<usize> = None;
            for &i in uidx {
                if ms[i].end <= ph.start && best.is_none_or(|b| ms[i].start > ms[b].start) {
                    best = Some(i);
                }
            }
            let patient = self.patient(best, role);
            return Ok(patient.map(|p| Role::Passive(p, ph.rel)));
        }
        if quoted(quotes, text, us, ph.start)
            || part.attached
            || !f.own_parts.get(&ph.rel).is_some_and(|s| s.contains(&part.kind))
        {
            return Ok(None);
        }
        let lead = &text[us..ph.start];
        let skip = f.r("item_lead").match_at(lead, 0)?.unwrap_or(0);
        let lead = &lead[skip..];
        if char_count(lead) > f.max_lead && f.r("self").search(lead, 0)?.is_none() {
            return Ok(None);
        }
        if let Some(c) = &f.cancel {
            if f.cancellable.contains(&ph.rel)
                && c.search(&text[self.t.back(us, ph.start, 120)..ph.start], 0)?.is_some()
            {
                return Ok(None);
            }
        }
        Ok(Some(Role::Own(ph.rel)))
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn clause(
        &mut self,
        part: &Part,
        cs: usize,
        ce: usize,
        idxs: &[usize],
        quotes: &[(usize, i64)],
        carry: Option<Role>,
        role: &mut HashMap<usize, Role>,
        colon: Option<Role>,
    ) -> R<Option<usize>> {
        let text = self.text();
        let f = self.f;
        let ms = self.ms;
        let t = self.t;
        let mut prev: Option<usize> = None;
        let mut first = true;
        let mut head = None;
        let item_rel = if f.part_default.contains_key(&part.kind) {
            self.item_relation(part, cs)?
        } else {
            None
        };
        let list_role = if last_char(text, cs, 0) == Some(';') {
            self.list_role.clone()
        } else {
            colon
        };
        let mut narrated: Option<usize> = None; // the start of the narrated unit's match
        if let Some((ns, unit)) = f.r("narrated").captures_at(&text[..ce], cs, "unit")? {
            let words = squeeze_all(&unit.to_lowercase());
            if !self.header_words().contains(&words) {
                narrated = Some(ns);
            }
        }
        self.clause_pos = idxs.iter().enumerate().map(|(k, &i)| (i, k)).collect();
        let mut straight_at = cs;
        let mut straight = 0usize;
        for (n, &i) in idxs.iter().enumerate() {
            if n % 64 == 63 {
                self.check()?;
            }
            let m = &ms[i];
            if m.own || (self.own_key.is_some() && m.key == self.own_key) {
                continue;
            }
            let gap_start = prev.map_or(cs, |p| ms[p].end);
            let lead_end = if m.start < t.s.len() {
                t.by(t.cp(m.start) + f.inner_lead(m))
            } else {
                m.start
            };
            let gap_end = lead_end.max(gap_start);
            let gap = &text[gap_start..gap_end];
            if m.start >= straight_at {
                straight += text[straight_at..m.start].matches('"').count();
                straight_at = m.start;
            } else {
                straight_at = m.start;
                straight = text[cs..m.start].matches('"').count();
            }
            let is_quoted = curly_open(quotes, m.start) || straight % 2 == 1;
            let mut ph = f.last_phrase(text, gap_start, gap_end)?;
            if let Some(p) = ph.filter(|p| !p.passive) {
                if let Some((ns, _)) = f
                    .r("named_before")
                    .search(&text[..p.start], t.back(gap_start, p.start, 30))?
                {
                    if f.r("issued_end").search(&text[gap_start..ns], 0)?.is_none() {
                        ph = f.last_phrase(text, gap_start, ns)?;
                    }
                }
            }
            if let Some(p) = ph {
                if !is_quoted && quoted(quotes, text, cs, p.start) {
                    ph = None;
                }
            }
            if let Some(p) = ph.filter(|p| !p.passive) {
                if f.r("alias_end").search(&text[..m.start], gap_start)?.is_some() {
                    ph = Some(Ph { rel: CITES, ..p });
                }
            }
            if let Some(p) = ph.filter(|p| !p.passive) {
                if f.tight_miss(&text[p.start..p.end], &text[p.end..m.start.max(p.end)], m)? {
                    ph = Some(Ph { rel: CITES, ..p });
                }
            }
            let mut coord = false;
            let ends = f.r("ends_coord").search(gap, 0)?;
            let tail: &str = match (ph, ends) {
                (Some(p), Some((es, _))) => {
                    let e = gap_start + es;
                    if e > p.end {
                        &text[p.end..e]
                    } else {
                        ""
                    }
                }
                _ => "",
            };
            let mut fallback = false;
            if let (Some(p), Some(_), Some(pv)) = (ph, ends, prev) {
                if !p.passive && role.contains_key(&pv) && f.r("phrase_tail").match_at(tail, 0)?.is_none() {
                    let st = tail.trim_matches(isspace);
                    if first_upper(tail.trim_start_matches(isspace)) || f.law_name_full.match_at(st, 0)?.is_some() {
                        fallback = true;
                    } else {
                        ph = None;
                        coord = true;
                    }
                }
            }
            let mut r: Role;
            if let Some(p) = ph.filter(|p| p.passive) {
                let patient = self.patient(prev, role);
                if let Some(pt) = patient {
                    if !f.can_act(m, &ms[pt], p.rel) {
                        let r = role.get(&pt).cloned().unwrap_or(Role::Own(CITES));
                        if r.is_own() && !self.article {
                            self.emit(OWN, i, r.own_rel(), &[(m.start, m.end)], cs, ce);
                        }
                        role.insert(i, r);
                        prev = Some(i);
                        first = false;
                        continue;
                    }
                }
                match patient {
                    None => r = Role::OwnAlt(RIDER),
                    Some(pt) => {
                        r = Role::Passive(pt, p.rel);
                        self.emit(
                            i as isize,
                            pt,
                            p.rel,
                            &[(ms[pt].start, ms[pt].end), (p.start, p.end), (m.start, m.end)],
                            cs,
                            ce,
                        );
                    }
                }
            } else if prev.is_some()
                && f.r("issue").search(gap, 0)?.is_some()
                && (ph.is_none() || !self.titled(prev.unwrap(), ph.unwrap())?)
                && !self.implemented(prev.unwrap(), role, idxs).is_empty()
            {
                let tgts = self.implemented(prev.unwrap(), role, idxs);
                r = Role::PassiveMany(tgts[0], IMPLEMENTS, tgts[1..].to_vec());
                for &tg in &tgts {
                    self.emit(
                        i as isize,
                        tg,
                        IMPLEMENTS,
                        &[(ms[tg].start, ms[tg].end), (m.start, m.end)],
                        cs,
                        ce,
                    );
                }
                self.emit(OWN, i, CITES, &[(m.start, m.end)], cs, ce);
            } else if first && carry.is_some() && ph.is_none_or(|p| p.rel == CITES) && !is_quoted {
                r = carry.clone().unwrap();
                if r.is_passive() {
                    for tg in r.patients() {
                        self.emit(
                            i as isize,
                            tg,
                            r.rel2(),
                            &[(ms[tg].start, ms[tg].end), (m.start, m.end)],
                            cs,
                            ce,
                        );
                    }
                }
            } else if first
                && ph.is_none()
                && list_role.as_ref().is_some_and(|l| l.is_passive())
                && f.r("list_gap").match_at(gap, 0)?.is_some()
                && !self.list_closed(cs)
                && !f
                    .not_sources
                    .get(&list_role.as_ref().unwrap().rel2())
                    .is_some_and(|s| s.contains(&m.typ))
            {
                r = list_role.clone().unwrap();
                for tg in r.patients() {
                    self.emit(
                        i as isize,
                        tg,
                        r.rel2(),
                        &[(ms[tg].start, ms[tg].end), (m.start, m.end)],
                        cs.min(ms[tg].start),
                        ce,
                    );
                }
            } else if first
                && self.vbhn
                && self.basis_owner.is_some()
                && !is_quoted
                && (item_rel == Some(BASED_ON) && ph.is_none_or(|p| p.rel == BASED_ON || p.rel == CITES)
                    || ph.is_some_and(|p| p.rel == BASED_ON))
            {
                r = Role::Between(self.basis_owner.unwrap(), BASED_ON);
            } else if first
                && item_rel.is_some()
                && !is_quoted
                && !(self.vbhn && item_rel == Some(BASED_ON))
                && !(self.narrative && self.opened)
                && (item_rel == Some(BASED_ON)
                    || ph.is_none()
                    || ph.is_some_and(|p| Some(p.rel) == item_rel)
                    || ph.is_some_and(|p| p.rel == CITES) && item_rel != Some(IMPLEMENTS))
            {
                r = Role::Own(item_rel.unwrap());
            } else if first && ph.is_none() && list_role.is_some() && f.r("list_gap").match_at(gap, 0)?.is_some() {
                r = list_role.clone().unwrap();
                if r.is_passive() {
                    for tg in r.patients() {
                        self.emit(
                            i as isize,
                            tg,
                            r.rel2(),
                            &[(ms[tg].start, ms[tg].end), (m.start, m.end)],
                            cs.min(ms[tg].start),
                            ce,
                        );
                    }
                }
            } else if let Some(p) = ph.filter(|p| p.rel != CITES) {
                r = self.phrase_act(part, cs, prev, i, p, is_quoted)?;
                if fallback && !matches!(r, Role::Between(..)) {
                    r = self.inherit(prev.unwrap(), i, idxs, role);
                    if r.is_passive() {
                        for tg in r.patients() {
                            self.emit(
                                i as isize,
                                tg,
                                r.rel2(),
                                &[(ms[tg].start, ms[tg].end), (m.start, m.end)],
                                cs,
                                ce,
                            );
                        }
                    }
                }
            } else if ph.is_some() {
                r = Role::Own(CITES);
            } else if prev.is_some_and(|p| role.contains_key(&p))
                && (coord
                    || f.r("coord").match_at(gap, 0)?.is_some()
                    || f.r("alias").match_at(gap, 0)?.is_some()
                    || f.part_default.contains_key(&part.kind)
                        && ph.is_none()
                        && first_upper(&m.text)
                        && f.r("loose_coord").match_at(gap, 0)?.is_some()
                        && role[&prev.unwrap()].is_own())
            {
                r = self.inherit(prev.unwrap(), i, idxs, role);
                if r.is_passive() {
                    for tg in r.patients() {
                        self.emit(
                            i as isize,
                            tg,
                            r.rel2(),
                            &[(ms[tg].start, ms[tg].end), (m.start, m.end)],
                            cs,
                            ce,
                        );
                    }
                }
            } else {
                r = Role::Own(CITES);
            }
            if r == Role::Own(IMPLEMENTS) && narrated.is_some_and(|ns| m.end <= ns) {
                r = Role::OwnAlt(IMPLEMENTS);
            }
            match &r {
                Role::Own(_) | Role::OwnAlt(_) => {
                    let mut rel = r.own_rel();
                    if self.article && rel != CITES && !(part.kind == "request" && rel == RESPONDS_TO) {
                        rel = CITES;
                    }
                    let mut spans = vec![(m.start, m.end)];
                    if let Some(p) = ph {
                        spans.insert(0, (p.start, p.end));
                    }
                    self.emit(OWN, i, rel, &spans, cs, ce);
                }
                Role::Between(src, rel) => {
                    let mut spans = vec![(ms[*src].start, ms[*src].end)];
                    if let Some(p) = ph {
                        spans.push((p.start, p.end));
                    }
                    spans.push((m.start, m.end));
                    self.emit(*src as isize, i, *rel, &spans, cs, ce);
                }
                _ => {}
            }
            role.insert(i, r.clone());
            if self.vbhn && f.r("own_basis").match_at(&text[..ce], m.end)?.is_some() {
                self.basis_owner = Some(i);
            }
            self.after(part, i, idxs, role, ce, cs, is_quoted)?;
            self.named_law(i, idxs, ce, cs)?;
            prev = Some(i);
            if first {
                head = Some(i);
            }
            if !matches!(r, Role::Between(..)) {
                self.list_role = if r.is_own() && r.own_rel() != CITES || r.is_passive() {
                    Some(r.clone())
                } else {
                    None
                };
                self.list_depth = paren_depth(text, t.back(part.start, m.start, 2000), m.start);
            }
            first = false;
        }
        Ok(head)
    }

    pub(crate) fn header_words(&mut self) -> &str {
        if self.header_words.is_none() {
            let text = self.text();
            let words = match self.parts.iter().find(|p| p.kind == "header") {
                Some(h) => squeeze_all(&text[h.start..h.end].to_lowercase()),
                None => String::new(),
            };
            self.header_words = Some(words);
        }
        self.header_words.as_deref().unwrap()
    }

    pub(crate) fn list_closed(&self, cs: usize) -> bool {
        if self.list_depth <= 0 {
            return false;
        }
        paren_depth(self.text(), self.t.back(0, cs, 2000), cs) < self.list_depth
    }

    pub(crate) fn pos(&self, i: usize) -> Option<usize> {
        self.clause_pos.get(&i).copied()
    }

    pub(crate) fn item_relation(&mut self, part: &Part, cs: usize) -> R<Option<u16>> {
        let text = self.text();
        let t = self.t;
        let end = t.by(t.cp(cs) + 200).min(text.len());
        let opening = text[cs..end]
            .trim_start_matches([' ', '\t', '\n', ';', '-', '+', '•', '*'])
            .split('\n')
            .next()
            .unwrap_or("");
        let kind = self.line_kind(opening)?;
        if let Some(&r) = self.f.part_default.get(&kind) {
            self.item_rel = Some(r);
        } else if part.kind == "opener" && self.f.r("sentence_end").search(&text[..cs], part.start)?.is_some() {
            return Ok(None);
        } else if cs <= part.start
            || matches!(last_char(text, cs, part.start), Some(';' | ':' | ','))
            || (part.kind == "basis"
                && !text[part.start..cs].trim_matches(isspace).contains('\n')
                && self.starts.partition_point(|&s| s < cs) == self.starts.partition_point(|&s| s < part.start))
        {
            self.item_rel = self.item_rel.or(self.f.part_default.get(&part.kind).copied());
        } else {
            return Ok(None);
        }
        Ok(self.item_rel)
    }

    pub(crate) fn inherit(&self, prev: usize, i: usize, idxs: &[usize], role: &HashMap<usize, Role>) -> Role {
        let ms = self.ms;
        let mut r = role[&prev].clone();
        let blocked = match &r {
            Role::Passive(..) | Role::PassiveMany(..) => !self.f.can_act(&ms[i], &ms[r.other()], r.rel2()),
            Role::Between(..) => !self.f.can_act(&ms[r.other()], &ms[i], r.rel2()),
            _ => false,
        };
        if blocked {
            r = role.get(&idxs[0]).cloned().unwrap_or(Role::Own(CITES));
            if !r.is_own() {
                r = Role::Own(CITES);
            }
        }
        r
    }

    pub(crate) fn patient(&self, prev: Option<usize>, role: &HashMap<usize, Role>) -> Option<usize> {
        let prev = prev?;
        match role.get(&prev) {
            Some(r) if r.is_passive() => Some(r.other()),
            _ => Some(prev),
        }
    }

    pub(crate) fn implemented(&self, prev: usize, role: &HashMap<usize, Role>, idxs: &[usize]) -> Vec<usize> {
        let Some(r) = role.get(&prev) else { return Vec::new() };
        let ok = match r {
            Role::Own(x) => *x == IMPLEMENTS,
            Role::OwnAlt(x) => *x == IMPLEMENTS,
            Role::Between(_, x) => *x == IMPLEMENTS,
            _ => false,
        };
        if !ok {
            return Vec::new();
        }
        let mut group = vec![prev];
        let Some(mut k) = self.pos(prev) else { return group };
        while k > 0 && role.get(&idxs[k - 1]) == Some(r) {
            k -= 1;
            group.insert(0, idxs[k]);
        }
        group
    }

    pub(crate) fn titled(&self, prev: usize, ph: Ph) -> R<bool> {
        let a = self.ms[prev].end;
        self.f
            .titled(if ph.start >= a { &self.text()[a..ph.start] } else { "" })
    }

    pub(crate) fn phrase_act(
        &mut self,
        part: &Part,
        cs: usize,
        prev: Option<usize>,
        i: usize,
        ph: Ph,
        is_quoted: bool,
    ) -> R<Role> {
        let text = self.text();
        let f = self.f;
        let ms = self.ms;
        let t = self.t;
        let rel = ph.rel;
        if let Some((ns, _)) = f
            .r("named_before")
            .search(&text[..ph.start], t.back(cs, ph.start, 30))?
        {
            if f.r("issued_end").search(&text[t.back(cs, ns, 20)..ns], 0)?.is_none() {
                return Ok(Role::Own(CITES));
            }
        }
        let mut titled = false;
        if let Some(p) = prev {
            let a = ms[p].end;
            titled = f.titled(if ph.start >= a { &text[a..ph.start] } else { "" })?;
        }
        if f.cancellable.contains(&rel) {
            if let Some(c) = &f.cancel {
                let from = if titled { ms[prev.unwrap()].end } else { cs };
                let lead = &text[t.back(from, ph.start, 120).min(ph.start)..ph.start];
                if c.search(lead, 0)?.is_some() {
                    return Ok(Role::Own(CITES));
                }
            }
        }
        if let Some(p) = prev {
            if titled && f.can_act(&ms[p], &ms[i], rel) {
                if f.not_sources.get(&rel).is_some_and(|s| s.contains(&ms[p].typ)) {
                    return Ok(Role::Own(CITES));
                }
                return Ok(Role::Between(p, rel));
            }
            if titled && ms[p].key.is_some() && ms[p].key == ms[i].key {
                return Ok(Role::Own(CITES));
            }
        }
        if is_quoted || part.attached {
            return Ok(Role::Own(CITES));
        }
        if !f.own_parts.get(&rel).is_some_and(|s| s.contains(&part.kind)) {
            return Ok(Role::OwnAlt(rel));
        }
        let lead_re = f.own_lead.get(&(rel, part.kind.clone()));
        if let Some(lr) = lead_re {
            if lr.search(&text[cs..ph.start], 0)?.is_none() {
                return Ok(Role::OwnAlt(rel));
            }
        }
        if self.narrative && self.opened {
            return Ok(Role::OwnAlt(rel));
        }
        if part.kind == "title" {
            return Ok(Role::Own(rel));
        }
        let lead = &text[cs..ph.start];
        let skip = f.r("item_lead").match_at(lead, 0)?.unwrap_or(0);
        let lead = &lead[skip..];
        if char_count(lead) <= f.max_lead || f.r("self").search(lead, 0)?.is_some() || lead_re.is_some() {
            return Ok(Role::Own(rel));
        }
        Ok(Role::OwnAlt(rel))
    }

    pub(crate) fn emit(
        &mut self,
        source: isize,
        target: usize,
        rel: u16,
        spans: &[(usize, usize)],
        cs: usize,
        ce: usize,
    ) {
        let ev = evidence(self.t, cs, ce, spans, self.f.evidence_limit);
        self.out.push((source, target, rel, self.ms[target].line, ev));
    }
}

pub fn key_for(number: &Option<String>, symbol: &Option<String>) -> Option<(String, String)> {
    key_of(number, symbol)
}
