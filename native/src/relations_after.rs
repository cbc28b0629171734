//! The phrases written after a reference ("Quyết định số X ... hết hiệu lực", relations.py `_Reader._after`) and the
//! laws named without a number after a guide's phrase (`_named_law`): the rest of the reader (relations_reader.rs).

use std::collections::HashMap;

use crate::pytext::isspace;
use crate::relations_finder::{char_count, evidence, AMENDS, GUIDES, R};
use crate::relations_reader::{Part, Reader, Role, OWN};

impl<'a> Reader<'a> {
    pub(crate) fn named_law(&mut self, i: usize, idxs: &[usize], ce: usize, cs: usize) -> R<()> {
        let text = self.text();
        let f = self.f;
        let ms = self.ms;
        if self.named.is_none() {
            let mut named = Vec::new();
            for (k, m) in ms.iter().enumerate() {
                if let Some(n) = m.name.as_deref().filter(|n| !n.is_empty()) {
                    let folded = f.fold_name(n)?;
                    if char_count(&folded) >= 8 {
                        named.push((k, folded));
                    }
                }
            }
            self.named = Some(named);
        }
        let named = self.named.as_ref().unwrap();
        if named.is_empty() || named.len() == 1 && named[0].0 == i {
            return Ok(());
        }
        let Some(pos) = self.pos(i) else { return Ok(()) };
        let nxt = if pos + 1 < idxs.len() {
            ms[idxs[pos + 1]].start
        } else {
            ce
        };
        let tail_start = ms[i].end;
        if nxt < tail_start {
            return Ok(());
        }
        let mut ph = None;
        for (s, e) in f.trigger_spans(text, tail_start, nxt) {
            let rel = f.relation_of(&text[s..e]);
            if rel == GUIDES || rel == AMENDS {
                ph = Some((s, e, rel));
                break;
            }
        }
        let Some((ps, pe, rel)) = ph else { return Ok(()) };
        if !f.titled(&text[tail_start..ps])?
            || f.r("named_before")
                .search(&text[..ps], self.t.back(tail_start, ps, 30))?
                .is_some()
        {
            return Ok(());
        }
        let lead = &text[self.t.back(tail_start, ps, 120)..ps];
        if f.cancel
            .as_ref()
            .map_or(Ok(false), |c| c.search(lead, 0).map(|x| x.is_some()))?
            || f.not_sources.get(&rel).is_some_and(|s| s.contains(&ms[i].typ))
        {
            return Ok(());
        }
        let Some((ls, le, name)) = f.r("law_name").captures_span_at(&text[..nxt], pe, "name")? else {
            return Ok(());
        };
        let said = f.fold_name(&text[name.0..name.1])?;
        let mut best: Option<(usize, usize)> = None;
        for (k, n) in named.iter() {
            if said.starts_with(n.as_str()) && best.is_none_or(|b| char_count(n) > b.0) {
                best = Some((char_count(n), *k));
            }
        }
        if let Some((_, k)) = best {
            if k != i && f.can_act(&ms[i], &ms[k], rel) {
                let ev = evidence(
                    self.t,
                    cs,
                    ce,
                    &[(ms[i].start, ms[i].end), (ps, pe), (ls, le), (ms[k].start, ms[k].end)],
                    f.evidence_limit,
                );
                self.out.push((i as isize, k, rel, ms[i].line, ev));
            }
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn after(
        &mut self,
        part: &Part,
        i: usize,
        idxs: &[usize],
        role: &HashMap<usize, Role>,
        ce: usize,
        cs: usize,
        is_quoted: bool,
    ) -> R<()> {
        let text = self.text();
        let f = self.f;
        let ms = self.ms;
        let Some(pos) = self.pos(i) else { return Ok(()) };
        let nxt = if pos + 1 < idxs.len() {
            ms[idxs[pos + 1]].start
        } else {
            ce
        };
        if nxt < ms[i].end {
            return Ok(()); // an empty tail: no phrase after the reference (overlapping mentions)
        }
        let tail = &text[ms[i].end..nxt];
        for (rel, rx) in &f.after {
            let Some((a, b)) = rx.search(tail, 0)? else { continue };
            let before = &tail[..a];
            let max = if part.kind == "effect" {
                f.max_effect_title
            } else {
                f.max_title
            };
            if char_count(before) > max || f.r("after_stop").search(before, 0)?.is_some() {
                continue;
            }
            if f.r("after_licence").search(before, 0)?.is_some() {
                continue;
            }
            let soft = f.r("after_soft_stop").search(before, 0)?;
            let title = f.r("title_start").search(before, 0)?;
            if let Some((ss, _)) = soft {
                if title.is_none_or(|(ts, _)| ss < ts) {
                    continue;
                }
            }
            if is_quoted
                || part.attached
                || !f.own_parts.get(rel).is_some_and(|s| s.contains(&part.kind))
                || self.article
            {
                return Ok(());
            }
            let g = &tail[a..b];
            let lead_len = g.len() - g.trim_start_matches([' ', ',', '(', ')']).len();
            let probe = format!("{}{}", before, &g[..lead_len]);
            if f.r("done_end").search(&probe, 0)?.is_some() {
                return Ok(());
            }
            if role.get(&i).is_some_and(|r| r.is_rider()) {
                return Ok(());
            }
            let mut subject = i;
            let mut seen = std::collections::HashSet::new();
            while let Some(r) = role.get(&subject) {
                if !matches!(r, Role::Between(..) | Role::Passive(..) | Role::PassiveMany(..))
                    || seen.contains(&subject)
                {
                    break;
                }
                seen.insert(subject);
                subject = r.other();
            }
            let Some(mut k) = self.pos(subject) else { return Ok(()) };
            let mut group = vec![subject];
            while k > 0 {
                let (mut a_, b_) = (idxs[k - 1], idxs[k]);
                let gs = ms[a_].end;
                let gap_full = if ms[b_].start >= gs {
                    &text[gs..ms[b_].start]
                } else {
                    ""
                };
                let gap = gap_full.trim_start_matches([' ', ')', '\n']);
                let coordinated = f.r("coord").match_at(gap, 0)?.is_some()
                    || f.r("ends_coord").search(gap, 0)?.is_some()
                        && f.r("title_start")
                            .match_at(gap.trim_start_matches(isspace), 0)?
                            .is_some()
                        && char_count(gap) <= f.max_effect_title
                        && f.r("after_stop").search(gap, 0)?.is_none();
                if !coordinated {
                    break;
                }
                let mut seen = std::collections::HashSet::new();
                while let Some(Role::Between(src, _)) = role.get(&a_) {
                    if !idxs.contains(src) || seen.contains(&a_) {
                        break;
                    }
                    seen.insert(a_);
                    a_ = *src;
                }
                if !role.get(&a_).is_none_or(|r| r.is_own()) {
                    break;
                }
                let ka = idxs.iter().position(|&x| x == a_).unwrap_or(usize::MAX);
                if ka >= k {
                    break;
                }
                group.insert(0, a_);
                k = ka;
            }
            let mut all: Vec<usize> = self
                .sentence_heads
                .iter()
                .copied()
                .filter(|g| !group.contains(g))
                .collect();
            all.extend(group);
            let at = (ms[i].end + a, ms[i].end + b);
            for g in all {
                self.emit(OWN, g, *rel, &[(ms[g].start, ms[g].end), at], cs.min(ms[g].start), ce);
            }
            return Ok(());
        }
        Ok(())
    }
}
