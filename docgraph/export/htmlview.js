
(function () {
  "use strict";
  var doc = document, root = doc.documentElement;
  var DATA;
  try {
    DATA = JSON.parse(doc.getElementById("docgraph-data").textContent);
  } catch (e) {
    root.setAttribute("data-docgraph", "error");
    return;
  }
  var META = DATA.meta, NODES = DATA.nodes, EDGES = DATA.edges, LAYOUT = DATA.layout;
  var SVGNS = "http://www.w3.org/2000/svg";
  var svgRoot = doc.getElementById("graph");
  var tip = doc.getElementById("tip");
  var details = doc.getElementById("details");

  function S(tag, attrs, parent) {
    var e = doc.createElementNS(SVGNS, tag);
    if (attrs) { for (var k in attrs) { if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, String(attrs[k])); } }
    if (parent) parent.appendChild(e);
    return e;
  }
  function H(tag, cls, text, parent) {
    var e = doc.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (parent) parent.appendChild(e);
    return e;
  }
  function cssName(s) { s = String(s === null || s === undefined ? "" : s).replace(/[^A-Za-z0-9_-]/g, "_"); return s || "none"; }
  function levelOf(n) { var l = n.data.level; return META.levels.indexOf(l) >= 0 ? l : "unknown"; }
  function labelOf(n) { var l = n.data.label; return (l === null || l === undefined || String(l).trim() === "") ? n.id : String(l); }
  function text(v) {
    if (v === null || v === undefined) return "";
    if (typeof v === "object") return JSON.stringify(v);
    return String(v);
  }
  function relOf(e) { var r = e.data.relation; return (r === null || r === undefined || r === "") ? (e.key || "related") : String(r); }
  function relStyle(r) { return META.relation_styles[r] || ["#777777", ""]; }
  function fold(s) {
    return String(s).replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  var byId = new Map(), outE = new Map(), inE = new Map(), nodeEl = new Map();
  NODES.forEach(function (n) { byId.set(n.id, n); outE.set(n.id, []); inE.set(n.id, []); });
  EDGES.forEach(function (e, i) {
    e.index = i;
    if (outE.has(e.source)) outE.get(e.source).push(e);
    if (inE.has(e.target)) inE.get(e.target).push(e);
  });

  // ---- legend
  var levelCount = {};
  NODES.forEach(function (n) { var l = levelOf(n); levelCount[l] = (levelCount[l] || 0) + 1; });
  var ulL = doc.getElementById("levels");
  META.levels.forEach(function (l) {
    var li = H("li", "", null, ulL);
    var sw = H("span", "sw", null, li);
    sw.style.background = META.level_colors[l];
    sw.style.borderColor = META.level_strokes[l];
    H("span", "", META.level_names[l] + " (" + l + ")", li);
    H("span", "hint", String(levelCount[l] || 0), li);
  });
  var relCount = {};
  EDGES.forEach(function (e) { var r = relOf(e); relCount[r] = (relCount[r] || 0) + 1; });
  var ulR = doc.getElementById("relations");
  META.relations.forEach(function (r) {
    if (!relCount[r]) return;
    var li = H("li", "", null, ulR);
    var ln = H("span", "ln", null, li);
    var st = relStyle(r);
    ln.style.borderTopColor = st[0];
    if (st[1]) ln.style.borderTopStyle = "dashed";
    H("span", "", r, li);
    H("span", "hint", String(relCount[r]), li);
  });

  // ---- svg scaffolding
  var defs = S("defs", null, svgRoot);
  META.relations.forEach(function (r) {
    var m = S("marker", { id: "arr-" + cssName(r), viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" }, defs);
    S("path", { d: "M0,0L10,5L0,10z", fill: relStyle(r)[0] }, m);
  });
  var scene = S("g", { "class": "scene" }, svgRoot);
  var gBands = S("g", { "class": "bands" }, scene);
  var gEdges = S("g", { "class": "edges" }, scene);
  var gNodes = S("g", { "class": "nodes" }, scene);
  var W = LAYOUT.width, HH = LAYOUT.height;

  LAYOUT.bands.forEach(function (b) {
    var l = b[0], y0 = b[1], y1 = b[2];
    var g = S("g", { "class": "band band-" + cssName(l) }, gBands);
    S("rect", { x: 0, y: y0, width: W, height: y1 - y0, fill: META.level_colors[l], "fill-opacity": 0.16, rx: 6 }, g);
    var t = S("text", { x: 12, y: (y0 + y1) / 2 - 4, fill: META.level_strokes[l] }, g);
    t.textContent = META.level_names[l];
    var t2 = S("text", { x: 12, y: (y0 + y1) / 2 + 12, "class": "en" }, g);
    t2.textContent = l;
  });

  if (!NODES.length) {
    var et = S("text", { x: 40, y: 60, "class": "empty" }, scene);
    et.textContent = "No documents in this graph.";
    W = Math.max(W, 400); HH = Math.max(HH, 120);
  }

  // ---- edges
  var pairCount = new Map(), pairSeen = new Map();
  EDGES.forEach(function (e) { var k = e.source + "\u0000" + e.target; pairCount.set(k, (pairCount.get(k) || 0) + 1); });
  function edgePath(e) {
    var a = LAYOUT.nodes[e.source], b = LAYOUT.nodes[e.target];
    if (!a || !b) return null;
    var k = e.source + "\u0000" + e.target, cnt = pairCount.get(k), i = pairSeen.get(k) || 0;
    pairSeen.set(k, i + 1);
    var off = (i - (cnt - 1) / 2) * 10;
    var ax = a[0] + off, ay = a[1], bx = b[0] + off, by = b[1];
    if (e.source === e.target) {
      var rx = a[0] + a[2] / 2;
      return "M" + rx + "," + (ay - 6) + " C" + (rx + 40 + off) + "," + (ay - 34) + " " + (rx + 40 + off) + "," + (ay + 34) + " " + rx + "," + (ay + 6);
    }
    if (Math.abs(ay - by) < 1) {
      var y0 = ay - a[3] / 2, y1 = by - b[3] / 2, lift = Math.min(90, 24 + Math.abs(bx - ax) / 5) + Math.abs(off);
      return "M" + ax + "," + y0 + " C" + ax + "," + (y0 - lift) + " " + bx + "," + (y1 - lift) + " " + bx + "," + y1;
    }
    var spread = Math.max(0, b[2] / 2 - 10);  // arrive on the side the edge comes from
    bx += Math.max(-spread, Math.min(spread, (ax - bx) * 0.25));
    var down = by > ay;
    var sy = ay + (down ? a[3] / 2 : -a[3] / 2), ty = by + (down ? -b[3] / 2 : b[3] / 2), my = (sy + ty) / 2;
    var lo = Math.min(ay, by), hi = Math.max(ay, by), skip = 0;
    LAYOUT.bands.forEach(function (b) { if (b[1] > lo && b[2] < hi) skip += 1; });
    if (skip >= 1 && Math.abs(bx - ax) < 160 * skip) {
      // a long edge bows sideways so it does not run through the documents between its ends
      var dx = bx - ax, side = dx > 20 ? 1 : dx < -20 ? -1 : (e.index % 2 ? -1 : 1);
      var bow = side * (90 + 35 * Math.min(skip, 5));
      var q1 = sy + (ty - sy) * 0.3, q3 = sy + (ty - sy) * 0.7;
      return "M" + ax + "," + sy + " C" + (ax + bow) + "," + q1 + " " + (bx + bow) + "," + q3 + " " + bx + "," + ty;
    }
    return "M" + ax + "," + sy + " C" + ax + "," + my + " " + bx + "," + my + " " + bx + "," + ty;
  }
  var edgeEl = [];
  EDGES.forEach(function (e) {
    var d = edgePath(e);
    if (d === null) return;
    var r = relOf(e), st = relStyle(r);
    var g = S("g", { "class": "edge rel-" + cssName(r), "data-source": e.source, "data-target": e.target, "data-relation": r }, gEdges);
    var line = S("path", { "class": "line", d: d, stroke: st[0], "marker-end": "url(#arr-" + cssName(r) + ")" }, g);
    if (st[1]) line.setAttribute("stroke-dasharray", st[1]);
    S("path", { "class": "hit", d: d }, g);
    g.addEventListener("mouseenter", function (ev) { showTip(edgeTip(e), ev); });
    g.addEventListener("mousemove", moveTip);
    g.addEventListener("mouseleave", hideTip);
    edgeEl[e.index] = g;
  });

  // ---- nodes
  NODES.forEach(function (n) {
    var box = LAYOUT.nodes[n.id];
    if (!box) return;
    var l = levelOf(n), lab = labelOf(n);
    var g = S("g", { "class": "node level-" + cssName(l), "data-id": n.id, transform: "translate(" + box[0] + "," + box[1] + ")" }, gNodes);
    var desc = S("desc", null, g);
    desc.textContent = lab + (n.data.title ? " \u2014 " + text(n.data.title) : "");
    S("rect", { x: -box[2] / 2, y: -box[3] / 2, width: box[2], height: box[3], rx: 7, fill: META.level_colors[l], stroke: META.level_strokes[l] }, g);
    var maxc = Math.max(6, Math.floor((box[2] - 14) / 6.6));
    var t = S("text", { x: 0, y: 0 }, g);
    t.textContent = lab.length > maxc ? lab.slice(0, maxc - 1) + "\u2026" : lab;
    g.addEventListener("mouseenter", function (ev) { showTip(nodeTip(n), ev); });
    g.addEventListener("mousemove", moveTip);
    g.addEventListener("mouseleave", hideTip);
    g.addEventListener("click", function (ev) { ev.stopPropagation(); focus(n.id); });
    nodeEl.set(n.id, g);
  });

  // ---- tooltip
  var FIELD_ORDER = ["type", "number", "symbol", "date", "year", "issuer", "issuer_code", "level", "branch", "jurisdiction", "title", "kind", "mentions", "source_file"];
  function fieldRows(d, id) {
    var rows = [["id", id]];
    FIELD_ORDER.forEach(function (k) { if (d[k] !== null && d[k] !== undefined && d[k] !== "") rows.push([k, k === "level" ? d[k] + " \u2014 " + (META.level_names[d[k]] || "") : text(d[k])]); });
    Object.keys(d).forEach(function (k) {
      if (k === "label" || FIELD_ORDER.indexOf(k) >= 0) return;
      if (d[k] !== null && d[k] !== undefined && d[k] !== "") rows.push([k, text(d[k])]);
    });
    return rows;
  }
  function table(rows, parent) {
    var t = H("table", "", null, parent);
    rows.forEach(function (r) { var tr = H("tr", "", null, t); H("td", "", r[0], tr); H("td", "", r[1], tr); });
    return t;
  }
  function nodeTip(n) {
    var f = doc.createDocumentFragment();
    H("b", "", labelOf(n), f);
    var rows = fieldRows(n.data, n.id);
    rows.push(["acts on", String(outE.get(n.id).length)]);
    rows.push(["acted on by", String(inE.get(n.id).length)]);
    table(rows, f);
    return f;
  }
  function nameOf(id) { var n = byId.get(id); return n ? labelOf(n) : id; }
  function evidenceList(d) {
    var ev = Array.isArray(d.evidence_all) ? d.evidence_all : [];
    return ev.slice(0, 5).map(function (x) {
      if (x && typeof x === "object") return (x.file ? x.file : "") + (x.line ? ":" + x.line : "") + " \u2014 " + text(x.text);
      return text(x);
    });
  }
  function edgeTip(e) {
    var f = doc.createDocumentFragment(), d = e.data;
    H("b", "", nameOf(e.source) + "  \u2192 " + relOf(e) + " \u2192  " + nameOf(e.target), f);
    var rows = [["relation", relOf(e)]];
    if (d.count !== null && d.count !== undefined) rows.push(["count", text(d.count)]);
    if (d.file) rows.push(["file", text(d.file) + (d.line ? ":" + d.line : "")]);
    if (Array.isArray(d.flags) && d.flags.length) rows.push(["flags", d.flags.join(", ")]);
    table(rows, f);
    if (d.evidence) H("div", "ev", "\u201c" + text(d.evidence) + "\u201d", f);
    var more = evidenceList(d);
    if (more.length > 1) {
      H("div", "", "all evidence (" + d.evidence_all.length + "):", f);
      more.forEach(function (s) { H("div", "ev", s, f); });
    }
    return f;
  }
  function showTip(frag, ev) {
    while (tip.firstChild) tip.removeChild(tip.firstChild);
    tip.appendChild(frag);
    tip.hidden = false;
    moveTip(ev);
  }
  function moveTip(ev) {
    if (tip.hidden) return;
    var x = ev.clientX + 14, y = ev.clientY + 14, r = tip.getBoundingClientRect();
    if (x + r.width > window.innerWidth - 4) x = Math.max(4, ev.clientX - r.width - 14);
    if (y + r.height > window.innerHeight - 4) y = Math.max(4, ev.clientY - r.height - 14);
    tip.style.left = x + "px"; tip.style.top = y + "px";
  }
  function hideTip() { tip.hidden = true; }

  // ---- focus
  var focused = null;
  function walk(start, adj, key) {
    var seen = new Set([start]), stack = [start], edges = [];
    while (stack.length) {
      var cur = stack.pop();
      adj.get(cur).forEach(function (e) {
        edges.push(e.index);
        var nxt = e[key];
        if (!seen.has(nxt) && adj.has(nxt)) { seen.add(nxt); stack.push(nxt); }
      });
    }
    seen.delete(start);
    return { nodes: seen, edges: edges };
  }
  function clearFocus() {
    focused = null;
    svgRoot.classList.remove("focusing");
    nodeEl.forEach(function (g) { g.classList.remove("focus", "up", "down"); });
    edgeEl.forEach(function (g) { if (g) g.classList.remove("hl"); });
    renderDetails(null);
  }
  function focus(id) {
    clearFocus();
    if (!byId.has(id)) return;
    focused = id;
    var up = walk(id, outE, "target"), down = walk(id, inE, "source");
    svgRoot.classList.add("focusing");
    nodeEl.get(id).classList.add("focus");
    up.nodes.forEach(function (m) { nodeEl.get(m).classList.add("up"); });
    down.nodes.forEach(function (m) { nodeEl.get(m).classList.add("down"); });
    up.edges.concat(down.edges).forEach(function (i) { if (edgeEl[i]) edgeEl[i].classList.add("hl"); });
    renderDetails(id);
  }
  var hintText = details.textContent;
  function relBlock(e, otherId, parent) {
    var box = H("div", "rel", null, parent);
    H("span", "", relOf(e) + " ", box);
    var b = H("button", "", nameOf(otherId), box);
    b.type = "button";
    b.addEventListener("click", function () { focus(otherId); });
    if (e.data.file) H("div", "hint", text(e.data.file) + (e.data.line ? ":" + e.data.line : ""), box);
    if (e.data.evidence) H("div", "ev", "\u201c" + text(e.data.evidence) + "\u201d", box);
  }
  function renderDetails(id) {
    while (details.firstChild) details.removeChild(details.firstChild);
    if (id === null) { H("p", "hint", hintText, details); return; }
    var n = byId.get(id);
    H("h3", "", labelOf(n), details);
    table(fieldRows(n.data, n.id), details);
    var o = outE.get(id), i = inE.get(id);
    H("h2", "", "Acts on \u2191 (" + o.length + ")", details);
    o.forEach(function (e) { relBlock(e, e.target, details); });
    H("h2", "", "Acted on by \u2193 (" + i.length + ")", details);
    i.forEach(function (e) { relBlock(e, e.source, details); });
  }

  // ---- search
  var search = doc.getElementById("search"), countEl = doc.getElementById("count");
  var foldedText = new Map();
  NODES.forEach(function (n) { foldedText.set(n.id, fold([labelOf(n), n.id, text(n.data.title), text(n.data.issuer), text(n.data.jurisdiction)].join(" \u0001 "))); });
  function applySearch() {
    var q = fold(search.value.trim());
    if (!q) {
      svgRoot.classList.remove("searching");
      nodeEl.forEach(function (g) { g.classList.remove("match", "nomatch"); });
      countEl.textContent = NODES.length + " docs";
      return [];
    }
    var hits = [];
    svgRoot.classList.add("searching");
    nodeEl.forEach(function (g, id) {
      var ok = foldedText.get(id).indexOf(q) >= 0;
      g.classList.toggle("match", ok); g.classList.toggle("nomatch", !ok);
      if (ok) hits.push(id);
    });
    countEl.textContent = hits.length + " / " + NODES.length;
    return hits;
  }
  search.addEventListener("input", applySearch);
  search.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") { var h = applySearch(); if (h.length) focus(h[0]); }
    if (ev.key === "Escape") { search.value = ""; applySearch(); clearFocus(); }
  });
  applySearch();

  // ---- pan / zoom
  var vb = { x: 0, y: 0, w: W, h: HH };
  function applyVB() { svgRoot.setAttribute("viewBox", vb.x + " " + vb.y + " " + vb.w + " " + vb.h); }
  function fit() { vb = { x: 0, y: 0, w: W, h: HH }; applyVB(); }
  fit();
  svgRoot.setAttribute("preserveAspectRatio", "xMidYMin meet");
  function toSvg(cx, cy) {
    var m = svgRoot.getScreenCTM();
    if (!m) return { x: vb.x, y: vb.y };
    var p = svgRoot.createSVGPoint(); p.x = cx; p.y = cy;
    return p.matrixTransform(m.inverse());
  }
  svgRoot.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var f = ev.deltaY > 0 ? 1.15 : 1 / 1.15, p = toSvg(ev.clientX, ev.clientY);
    vb.x = p.x - (p.x - vb.x) * f; vb.y = p.y - (p.y - vb.y) * f; vb.w *= f; vb.h *= f;
    applyVB();
  }, { passive: false });
  var drag = null, moved = false;
  svgRoot.addEventListener("pointerdown", function (ev) {
    if (ev.button !== 0) return;
    drag = { x: ev.clientX, y: ev.clientY, vx: vb.x, vy: vb.y }; moved = false;
  });
  window.addEventListener("pointermove", function (ev) {
    if (!drag) return;
    var dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
    if (!moved && Math.abs(dx) + Math.abs(dy) < 4) return;
    moved = true; svgRoot.classList.add("panning"); hideTip();
    var r = svgRoot.getBoundingClientRect(), s = Math.max(vb.w / r.width, vb.h / r.height);
    vb.x = drag.vx - dx * s; vb.y = drag.vy - dy * s; applyVB();
  });
  window.addEventListener("pointerup", function () { drag = null; svgRoot.classList.remove("panning"); });
  svgRoot.addEventListener("click", function (ev) {
    if (moved) { moved = false; return; }
    if (ev.target.closest && ev.target.closest(".node")) return;
    clearFocus();
  });
  doc.getElementById("fit").addEventListener("click", fit);
  doc.getElementById("reset").addEventListener("click", function () { search.value = ""; applySearch(); clearFocus(); fit(); });
  doc.addEventListener("keydown", function (ev) { if (ev.key === "Escape" && ev.target !== search) clearFocus(); });

  root.setAttribute("data-nodes", String(nodeEl.size));
  root.setAttribute("data-edges", String(edgeEl.filter(Boolean).length));
  root.setAttribute("data-docgraph", "ready");
})();
