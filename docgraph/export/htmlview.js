/* docgraph's HTML view: the graph embedded as JSON (#docgraph-data), drawn by Cytoscape.js with the dagre layout.
   Opens on one document's neighbourhood (meta.focus) or the whole graph; the legend filters levels and relations,
   a select filters provinces; clicking an arrow pins its evidence; every word shown comes from meta.strings.
   Links and test hooks (URL fragment): #select-edge=ID, #select-node=ID, #focus=ID (open a neighbourhood), #whole;
   window.docgraphView holds the Cytoscape instance for scripts.
   When a view is laid out, <html> gets data-docgraph="ready", data-nodes, data-edges and data-render-ms. */
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
  var META = DATA.meta, S = META.strings, NODES = DATA.nodes, EDGES = DATA.edges, FILES = DATA.files;
  var LEVELS = META.levels;

  // ---------------------------------------------------------------- helpers
  function H(tag, cls, text, parent) {
    var e = doc.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (parent) parent.appendChild(e);
    return e;
  }
  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); }
  function fmt(tpl, vals) {
    return String(tpl).replace(/\{(\w+)\}/g, function (m, k) { return Object.prototype.hasOwnProperty.call(vals, k) ? String(vals[k]) : m; });
  }
  function text(v) {
    if (v === null || v === undefined) return "";
    if (typeof v === "object") return JSON.stringify(v);
    return String(v);
  }
  function fold(s) {
    return String(s).replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function levelName(l) { return S.level_names[l] || l; }
  function relName(r) { return S.relation_names[r] || r; }
  function relStyle(r) { return META.relation_styles[r] || ["#777777", ""]; }
  function shortLabel(s) { s = String(s); return s.length > 64 ? s.slice(0, 62) + "\u2026" : s; }

  var byId = new Map(), edgeById = new Map(), outE = new Map(), inE = new Map();
  NODES.forEach(function (n) { byId.set(n.id, n); outE.set(n.id, []); inE.set(n.id, []); });
  EDGES.forEach(function (e) {
    edgeById.set(e.id, e);
    if (outE.has(e.source) && inE.has(e.target)) { outE.get(e.source).push(e); inE.get(e.target).push(e); }
  });
  function nameOf(id) { var n = byId.get(id); return n ? n.label : id; }

  // ---------------------------------------------------------------- state
  var state = {
    scope: null,            // Set of node ids in view (null: the whole graph)
    focus: null,            // the document whose neighbourhood is in view
    levels: new Set(LEVELS),
    relations: new Set(META.relations),
    province: "",
    pinned: null            // {kind: "edge"|"node", id}
  };

  // ---------------------------------------------------------------- neighbourhood (as `export --from` keeps it)
  var CHAIN = new Set(META.chain_relations);
  function neighbourhood(id) {
    var keep = new Set([id]);
    function walk(adj, end) {
      var stack = [id], seen = new Set([id]);
      while (stack.length) {
        var cur = stack.pop();
        adj.get(cur).forEach(function (e) {
          if (!CHAIN.has(e.relation)) return;
          var nxt = e[end];
          if (!seen.has(nxt)) { seen.add(nxt); keep.add(nxt); stack.push(nxt); }
        });
      }
    }
    walk(inE, "source");   // its implementers, down the chain
    walk(outE, "target");  // what it implements, up to the roots
    outE.get(id).forEach(function (e) { keep.add(e.target); });  // and every document it is linked to directly
    inE.get(id).forEach(function (e) { keep.add(e.source); });
    return keep;
  }

  // ---------------------------------------------------------------- header, notice, legend / filters
  var countEl = doc.getElementById("count"), notice = doc.getElementById("notice");
  var fitBtn = doc.getElementById("fit"), scopeBtn = doc.getElementById("scope");
  fitBtn.textContent = S.fit;
  var filters = doc.getElementById("filters"), details = doc.getElementById("details");

  var levelCount = {}, relCount = {}, provCount = {};
  NODES.forEach(function (n) {
    levelCount[n.level] = (levelCount[n.level] || 0) + 1;
    if (n.province) provCount[n.province] = (provCount[n.province] || 0) + 1;
  });
  EDGES.forEach(function (e) { relCount[e.relation] = (relCount[e.relation] || 0) + 1; });

  function legendItem(list, kind, key, name, count, swatch) {
    var li = H("li", "", null, list);
    var lab = H("label", "toggle", null, li);
    var cb = H("input", "", null, lab);
    cb.type = "checkbox"; cb.checked = true;
    cb.setAttribute("data-" + kind, key);
    lab.appendChild(swatch);
    H("span", "name", name, lab);
    H("span", "hint", String(count), lab);
    cb.addEventListener("change", function () {
      var set = kind === "level" ? state.levels : state.relations;
      if (cb.checked) set.add(key); else set.delete(key);
      li.classList.toggle("off", !cb.checked);
      applyFilters(true);
    });
    return cb;
  }
  H("h2", "", S.levels, filters);
  var ulL = H("ul", "legend", null, filters);
  ulL.id = "levels";
  LEVELS.forEach(function (l) {
    if (!levelCount[l]) return;
    var sw = H("span", "sw");
    sw.style.background = META.level_colors[l];
    sw.style.borderColor = META.level_strokes[l];
    legendItem(ulL, "level", l, levelName(l), levelCount[l], sw);
  });
  H("h2", "", S.relations, filters);
  var ulR = H("ul", "legend", null, filters);
  ulR.id = "relations";
  META.relations.forEach(function (r) {
    if (!relCount[r]) return;
    var st = relStyle(r), ln = H("span", "ln");
    ln.style.borderTopColor = st[0];
    if (st[1]) ln.style.borderTopStyle = st[1].split(" ")[0] <= 2 ? "dotted" : "dashed";
    legendItem(ulR, "relation", r, relName(r), relCount[r], ln);
  });
  H("p", "hint", S.legend_hint, filters);
  var provinces = Object.keys(provCount).sort(function (a, b) { return a.localeCompare(b, "vi"); });
  var provSel = null;
  if (provinces.length) {
    var pl = H("label", "province", null, filters);
    H("h2", "", S.province, pl);
    provSel = H("select", "", null, pl);
    provSel.id = "province";
    var o0 = H("option", "", S.all_provinces, provSel); o0.value = "";
    provinces.forEach(function (p) { var o = H("option", "", p + " (" + provCount[p] + ")", provSel); o.value = p; });
    provSel.addEventListener("change", function () { state.province = provSel.value; applyFilters(true); });
  }

  // ---------------------------------------------------------------- cytoscape
  var style = [
    { selector: "node", style: {
      "shape": "round-rectangle", "width": 176, "height": 50,
      "background-color": "data(fill)", "border-color": "data(stroke)", "border-width": 1.3,
      "label": "data(short)", "font-size": 12, "color": "#111", "text-wrap": "wrap", "text-max-width": 166,
      "text-valign": "center", "text-halign": "center", "min-zoomed-font-size": 7
    } },
    { selector: "node.band", style: {
      "shape": "rectangle", "background-opacity": 0, "border-width": 0, "width": 120, "height": 30, "events": "no",
      "label": "data(short)", "color": "data(stroke)", "font-size": 15, "font-weight": "bold", "text-halign": "left",
      "text-valign": "center", "text-max-width": 200, "min-zoomed-font-size": 0
    } },
    { selector: "node.focus", style: { "border-width": 4, "border-color": "#000" } },
    { selector: "node.match", style: { "border-width": 4, "border-color": "#0a58ca" } },
    { selector: "edge", style: {
      "width": 1.6, "line-color": "data(color)", "target-arrow-color": "data(color)", "target-arrow-shape": "triangle",
      "arrow-scale": 1.1, "curve-style": "bezier", "line-style": "data(lineStyle)"
    } },
    { selector: "edge[dash]", style: { "line-dash-pattern": "data(dash)" } },
    { selector: "edge.straight", style: { "curve-style": "straight" } },
    { selector: "edge.plain", style: { "curve-style": "haystack", "line-style": "solid", "target-arrow-shape": "none" } },
    { selector: ".hidden", style: { "display": "none" } },
    { selector: ".faded", style: { "opacity": 0.12 } },
    { selector: "edge.hl", style: { "width": 3 } },
    { selector: "edge.pinned", style: { "width": 5, "underlay-color": "#ffd54a", "underlay-padding": 4, "underlay-opacity": 0.9, "z-index": 10 } },
    { selector: "node.pinned", style: { "underlay-color": "#ffd54a", "underlay-padding": 6, "underlay-opacity": 0.9 } }
  ];
  function nodeEl(n, lod) {
    return { group: "nodes", data: { id: n.id, short: lod ? "" : shortLabel(n.label), fill: META.level_colors[n.level] || "#ddd",
      stroke: META.level_strokes[n.level] || "#777", level: n.level } };
  }
  function edgeEl(e, straight) {
    var st = relStyle(e.relation), dash = st[1] ? st[1].split(" ").map(Number) : null;
    var d = { id: e.id, source: e.source, target: e.target, relation: e.relation, color: st[0],
      lineStyle: dash ? (dash[0] <= 2 ? "dotted" : "dashed") : "solid" };
    if (dash) d.dash = dash;
    return { group: "edges", data: d, classes: straight ? "straight plain" : "" };
  }
  var container = doc.getElementById("cy");
  var cy = cytoscape({
    container: container, style: style, wheelSensitivity: 0.3, minZoom: 0.02, maxZoom: 4,
    boxSelectionEnabled: false, autoungrabify: false,
    // a large graph pans and zooms as a picture, without its edges, and is drawn at full resolution when it stops
    textureOnViewport: NODES.length > META.large_view, hideEdgesOnViewport: NODES.length > META.large_view
  });

  function docs() { return cy.nodes().not(".band"); }  // the documents in view, not the bands' names
  function visible() {  // the documents and arrows shown: an arrow to a hidden document is hidden with it
    return docs().not(".hidden").union(cy.edges().not(".hidden").filter(function (e) {
      return !e.source().hasClass("hidden") && !e.target().hasClass("hidden");
    }));
  }
  function levelRank(id) { var n = byId.get(id), i = n ? LEVELS.indexOf(n.level) : -1; return i < 0 || n.level === "unknown" ? -1 : i; }
  var NODE_W = 176, NODE_H = 50, NODE_SEP = 18, RANK_SEP = 46;
  function layout(eles) {
    eles = eles.not(".band");
    var nodes = eles.nodes(), big = nodes.length > META.large_view;
    // dagre orders a few hundred documents in a blink but several thousand in tens of seconds: the whole graph of
    // a corpus is ordered by cytoscape's own breadth-first layout instead (each document near those it acts on)
    eles.layout(big ? { name: "breadthfirst", directed: true, fit: false, animate: false, avoidOverlap: false } : {
      name: "dagre", rankDir: "BT", nodeSep: NODE_SEP, rankSep: RANK_SEP, edgeSep: 6, fit: false, animate: false,
      minLen: function (edge) {
        // a document a level below what it acts on is a rank lower: central on top ... commune at the bottom
        var a = levelRank(edge.data("source")), b = levelRank(edge.data("target"));
        return a >= 0 && b >= 0 && a > b ? a - b : 1;
      }
    }).run();
    bands(nodes);
    fit();
  }
  // the view fitted to the documents shown, from their positions (cy.fit would measure every label: seconds for
  // thousands of documents)
  function fit() {
    var x1 = Infinity, y1 = Infinity, x2 = -Infinity, y2 = -Infinity;
    visible().nodes().union(cy.nodes(".band")).forEach(function (n) {
      var p = n.position(), left = n.hasClass("band") ? 150 : NODE_W / 2;  // a band's name is right-aligned
      x1 = Math.min(x1, p.x - left); x2 = Math.max(x2, p.x + NODE_W / 2);
      y1 = Math.min(y1, p.y - NODE_H / 2); y2 = Math.max(y2, p.y + NODE_H / 2);
    });
    if (x1 === Infinity) return;
    var pad = 24, W = cy.width(), Hh = cy.height();
    var z = Math.min(1.25, Math.max(cy.minZoom(), Math.min((W - 2 * pad) / (x2 - x1), (Hh - 2 * pad) / (y2 - y1))));
    cy.viewport({ zoom: z, pan: { x: (W - z * (x1 + x2)) / 2, y: pad - z * y1 } });
  }
  // Dagre ranks documents by their links alone and puts a rank on one row: a law cited only by a department's plan
  // would sit among the departments, and the 300 plans implementing one directive would make a strip 50,000 pixels
  // wide. So dagre gives the order (few crossings) and the rows are built here: one band per level, central on top;
  // in its band a document goes below the documents of the band it acts on, rows hold at most `perRow` documents
  // (chosen so the drawing has about the window's shape), in dagre's order left to right.
  function bands(nodes) {
    if (!nodes.length) return;
    var cellW = NODE_W + NODE_SEP, rowH = NODE_H + 30;
    var aspect = Math.max(0.8, Math.min(2.5, (container.clientWidth || 1000) / (container.clientHeight || 800)));
    var byLevel = LEVELS.map(function (l) {
      return nodes.filter(function (n) { return n.data("level") === l; }).sort(function (a, b) {
        var p = a.position(), q = b.position();
        return p.y - q.y || p.x - q.x;
      });
    }).filter(function (list) { return list.length; });
    function place(perRow) {
      var out = [];
      byLevel.forEach(function (list) {
        var rows = [], rowOf = {}, open = 0;
        list.forEach(function (n) {
          var id = n.id(), r = open;
          outE.get(id).forEach(function (e) { if (rowOf[e.target] !== undefined) r = Math.max(r, rowOf[e.target] + 1); });
          while (rows[r] && rows[r].length >= perRow) r++;
          (rows[r] = rows[r] || []).push(n);
          rowOf[id] = r;
          while (rows[open] && rows[open].length >= perRow) open++;
        });
        out.push(rows.filter(function (row) { return row; }));
      });
      return out;
    }
    // no narrower drawing can have the window's shape (each row full, no row more)
    var perRow = Math.max(1, Math.floor(Math.sqrt(aspect * nodes.length * rowH / cellW))), placed;
    for (;;) {  // the narrowest drawing at least as wide, for its height, as the window
      placed = place(perRow);
      var nrows = 0, widest = 0;
      placed.forEach(function (rows) { nrows += rows.length; rows.forEach(function (r) { widest = Math.max(widest, r.length); }); });
      var w = widest * cellW, h = nrows * rowH + (placed.length - 1) * RANK_SEP;
      if (w >= aspect * h || widest < perRow) break;
      perRow = Math.max(perRow + 1, Math.floor(perRow * 1.25));
    }
    var y = 0, pos = {}, labels = [];
    placed.forEach(function (rows) {
      var l = rows[0][0].data("level");
      labels.push({ group: "nodes", classes: "band", selectable: false, grabbable: false,
        data: { id: "band:" + l, short: levelName(l), stroke: META.level_strokes[l] || "#777" },
        position: { x: -perRow / 2 * cellW - 60, y: y } });
      rows.forEach(function (row) {
        row.sort(function (a, b) { return a.position("x") - b.position("x"); });
        row.forEach(function (n, i) { pos[n.id()] = { x: (i - (row.length - 1) / 2) * cellW, y: y }; });
        y += rowH;
      });
      y += RANK_SEP;
    });
    cy.batch(function () {
      nodes.forEach(function (n) { n.position(pos[n.id()]); });
      cy.nodes(".band").remove();
      cy.add(labels);  // the level's name left of its band
    });
  }

  // the elements of the current scope, in the graph, filtered
  function setScope(ids) {
    state.scope = ids;
    cy.batch(function () {
      cy.elements().remove();
      var els = [];
      lod = (ids ? ids.size : NODES.length) > META.large_view;
      NODES.forEach(function (n) { if (!ids || ids.has(n.id)) els.push(nodeEl(n, lod)); });
      EDGES.forEach(function (e) {
        if (byId.has(e.source) && byId.has(e.target) && (!ids || (ids.has(e.source) && ids.has(e.target)))) els.push(edgeEl(e, lod));
      });
      cy.add(els);
    });
    scopeBtn.textContent = ids ? S.whole : S.neighbourhood;
    scopeBtn.hidden = !ids && !state.focus;  // the whole graph in view and no neighbourhood to go back to
    applyFilters(false);
    layout(visible());
    markFocus();
    if (state.pinned) repin();
    detail();
    ready();
  }
  // Level of detail in a view of thousands of documents: drawing every label and every arrowhead takes seconds, and
  // none can be read at the zoom that shows them all. Labels and arrows are given only to what is on screen once
  // zoomed in enough to read, as the view moves.
  var lod = false, detailTimer = null;
  function detail() {
    if (!lod) return;
    var ext = cy.extent(), readable = cy.zoom() >= 0.4;
    function inside(p) { return readable && p.x > ext.x1 - NODE_W && p.x < ext.x2 + NODE_W && p.y > ext.y1 - NODE_H && p.y < ext.y2 + NODE_H; }
    cy.batch(function () {
      docs().forEach(function (n) {
        var want = inside(n.position()) ? shortLabel(byId.get(n.id()).label) : "";
        if (n.data("short") !== want) n.data("short", want);
      });
      cy.edges().forEach(function (e) {
        var near = inside(e.source().position()) || inside(e.target().position());
        if (near === e.hasClass("plain")) e.toggleClass("plain", !near);
      });
    });
  }
  cy.on("viewport", function () { clearTimeout(detailTimer); detailTimer = setTimeout(detail, 120); });
  function applyFilters(relayout) {
    var prov = state.province;
    cy.batch(function () {
      docs().forEach(function (el) {
        var n = byId.get(el.id()), show = state.levels.has(n.level);
        if (show && prov && n.province && n.province !== prov) show = false;
        el.toggleClass("hidden", !show);
      });
      if (prov) {  // a document of no province (central, ...) stays when it is linked to one of the province's
        docs().forEach(function (el) {
          var n = byId.get(el.id());
          if (n.province || el.hasClass("hidden")) return;
          var linked = el.connectedEdges().connectedNodes().some(function (m) { return m.id() !== el.id() && byId.get(m.id()).province === prov && !m.hasClass("hidden"); });
          if (!linked && el.id() !== state.focus) el.addClass("hidden");
        });
      }
      cy.edges().forEach(function (el) { el.toggleClass("hidden", !state.relations.has(el.data("relation"))); });
      if (state.relations.size < META.relations.length) {  // a document the hidden relations alone linked goes too
        docs().not(".hidden").forEach(function (el) {
          var all = el.connectedEdges();
          if (all.length && !all.some(function (x) { return !x.hasClass("hidden") && !x.source().hasClass("hidden") && !x.target().hasClass("hidden"); }) && el.id() !== state.focus) el.addClass("hidden");
        });
      }
    });
    if (relayout) { layout(visible()); ready(); }
    updateCount();
  }
  function updateCount() {
    var shown = docs().not(".hidden").length;
    countEl.textContent = fmt(S.showing, { shown: shown, total: NODES.length });
  }
  function markFocus() {
    docs().removeClass("focus");
    if (state.focus) cy.$id(state.focus).addClass("focus");
  }
  function ready() {
    var vis = visible();
    root.setAttribute("data-nodes", String(vis.nodes().length));
    root.setAttribute("data-edges", String(vis.edges().length));
    root.setAttribute("data-render-ms", String(Math.round(performance.now())));  // since the page was opened
    root.setAttribute("data-docgraph", "ready");
  }

  function openNeighbourhood(id) {
    if (!byId.has(id)) return;
    state.focus = id;
    notice.hidden = true;
    setScope(neighbourhood(id));
    showNode(id);
  }
  function showWhole() {
    notice.hidden = true;
    setScope(null);
  }
  scopeBtn.addEventListener("click", function () {
    if (!state.scope) { if (state.focus) openNeighbourhood(state.focus); return; }
    if (NODES.length <= META.large_view) { showWhole(); return; }
    notice.textContent = fmt(S.whole_slow, { total: NODES.length });  // said before the page is busy
    notice.hidden = false;
    setTimeout(showWhole, 30);
  });
  fitBtn.addEventListener("click", fit);

  // ---------------------------------------------------------------- details: a document, a pinned edge
  function fileLink(idx, line, parent) {
    if (idx === null || idx === undefined || !FILES[idx]) return null;
    var a = H("a", "file", FILES[idx][0] + (line ? ":" + line : ""), parent);
    a.href = FILES[idx][1];
    a.target = "_blank";
    a.rel = "noopener";
    a.title = S.open_file;
    return a;
  }
  function docButton(id, parent) {
    var b = H("button", "doc", nameOf(id), parent);
    b.type = "button";
    b.setAttribute("data-id", id);
    b.addEventListener("click", function () { goTo(id); });
    return b;
  }
  function goTo(id) {
    var el = cy.$id(id);
    if (el.length && !el.hasClass("hidden")) { showNode(id); cy.animate({ center: { eles: el } }, { duration: 200 }); }
    else openNeighbourhood(id);
  }
  function card(kind, id) {
    clear(details);
    cy.elements().removeClass("pinned faded hl");
    state.pinned = { kind: kind, id: id };
    var c = H("div", "card " + kind + "-card", null, details);
    c.setAttribute("data-" + kind, id);
    var x = H("button", "close", "\u00d7", c);
    x.type = "button"; x.title = S.close;
    x.addEventListener("click", unpin);
    return c;
  }
  function unpin() {
    state.pinned = null;
    cy.elements().removeClass("pinned faded hl");
    clear(details);
    H("p", "hint", S.hint, details);
  }
  function repin() {
    var p = state.pinned;
    if (!p) return;
    if (p.kind === "edge" && cy.$id(p.id).length) pinEdge(p.id);
    else if (p.kind === "node" && cy.$id(p.id).length) showNode(p.id);
  }
  function pinEdge(id) {
    var e = edgeById.get(id);
    if (!e) return;
    var c = card("edge", id);
    var h = H("h3", "", null, c);
    var sw = H("span", "ln", null, h);
    sw.style.borderTopColor = relStyle(e.relation)[0];
    H("span", "rel", " " + relName(e.relation), h);
    var p = H("p", "ends", null, c);
    H("span", "hint", S.from + " ", p); docButton(e.source, p);
    H("br", "", null, p);
    H("span", "hint", S.to + " ", p); docButton(e.target, p);
    var facts = [];
    if (e.count) facts.push(fmt(S.times, { n: e.count }));
    if (e.flags && e.flags.length) facts.push(S.flags + ": " + e.flags.join(", "));
    if (facts.length) H("p", "hint", facts.join(" \u00b7 "), c);
    H("h4", "", S.evidence, c);
    var ol = H("ol", "evidence", null, c);
    if (!e.evidence.length) H("li", "hint", S.no_evidence, ol);
    e.evidence.forEach(function (ev) {
      var li = H("li", "", null, ol);
      if (!fileLink(ev[0], ev[1], li) && ev[1]) H("span", "hint", S.line + " " + ev[1], li);
      if (ev[2]) H("blockquote", "sentence", ev[2], li);
    });
    if (e.more) H("p", "hint", fmt(S.more_evidence, { n: e.more }), c);
    var el = cy.$id(id);
    el.addClass("pinned");
  }
  function chainOf(id) {  // the document, what it acts on and what acts on it, through the visible graph
    var el = cy.$id(id), vis = visible();
    var up = el.successors().intersection(vis), down = el.predecessors().intersection(vis);
    return el.union(up).union(down);
  }
  function showNode(id) {
    var n = byId.get(id);
    if (!n) return;
    var c = card("node", id);
    H("h3", "", n.label, c);
    var t = H("table", "", null, c), rows = [[S.fields.id, n.id]];
    var keys = ["type", "number", "symbol", "date", "year", "issuer", "issuer_code", "level", "branch", "jurisdiction", "title", "kind", "mentions", "signer_title", "signer"];
    Object.keys(n.data).sort().forEach(function (k) { if (keys.indexOf(k) < 0) keys.push(k); });
    keys.forEach(function (k) {
      if (!Object.prototype.hasOwnProperty.call(n.data, k)) return;
      rows.push([S.fields[k] || k, k === "level" ? levelName(n.data[k]) : text(n.data[k])]);
    });
    rows.forEach(function (r) { var tr = H("tr", "", null, t); H("td", "", r[0], tr); H("td", "", r[1], tr); });
    if (n.file !== null && n.file !== undefined) {
      var p = H("p", "", null, c);
      H("span", "hint", S.source + ": ", p);
      fileLink(n.file, null, p);
    }
    var b = H("button", "open", S.open_neighbourhood, c);
    b.type = "button";
    b.addEventListener("click", function () { openNeighbourhood(id); });
    function rels(list, end, title) {
      if (!list.length) return;
      H("h4", "", title + " (" + list.length + ")", c);
      var ul = H("ul", "rels", null, c);
      list.slice(0, 40).forEach(function (e) {
        var li = H("li", "", null, ul);
        var r = H("button", "rel", relName(e.relation), li);
        r.type = "button";
        r.addEventListener("click", function () {
          if (!cy.$id(e.id).length) openNeighbourhood(e[end]);
          pinEdge(e.id);
        });
        docButton(e[end], li);
      });
      if (list.length > 40) H("li", "hint", fmt(S.more_evidence, { n: list.length - 40 }), ul);
    }
    rels(outE.get(id), "target", S.acts_on);
    rels(inE.get(id), "source", S.acted_on_by);
    var el = cy.$id(id);
    if (el.length) {
      el.addClass("pinned");
      var keep = chainOf(id);
      cy.elements().not(keep).not(".band").addClass("faded");
      keep.edges().addClass("hl");
    }
  }

  // ---------------------------------------------------------------- interactions
  cy.on("tap", "edge", function (ev) { pinEdge(ev.target.id()); });
  cy.on("tap", "node", function (ev) { showNode(ev.target.id()); });
  cy.on("dbltap", "node", function (ev) { openNeighbourhood(ev.target.id()); });
  cy.on("tap", function (ev) { if (ev.target === cy) cy.elements().removeClass("faded hl"); });
  cy.on("mouseover", "node", function (ev) { container.title = byId.get(ev.target.id()).label; });
  cy.on("mouseover", "edge", function (ev) {
    var e = edgeById.get(ev.target.id());
    container.title = nameOf(e.source) + " \u2192 " + relName(e.relation) + " \u2192 " + nameOf(e.target);
  });
  cy.on("mouseout", function () { container.title = ""; });

  // search: every document of the page, not only those in view
  var search = doc.getElementById("search"), hits = doc.getElementById("hits");
  var folded = NODES.map(function (n) { return fold([n.label, n.id, text(n.data.title), text(n.data.issuer), text(n.data.jurisdiction)].join(" \u0001 ")); });
  function found() {
    var q = fold(search.value.trim()), out = [];
    if (!q) return out;
    for (var i = 0; i < NODES.length && out.length < 15; i++) if (folded[i].indexOf(q) >= 0) out.push(NODES[i].id);
    return out;
  }
  function listHits() {
    clear(hits);
    var ids = found();
    cy.nodes().removeClass("match");
    if (!search.value.trim()) { hits.hidden = true; return ids; }
    if (!ids.length) H("li", "hint", S.no_match, hits);
    ids.forEach(function (id) {
      var li = H("li", "", null, hits);
      var b = H("button", "hit", nameOf(id), li);
      b.type = "button";
      b.setAttribute("data-id", id);
      b.addEventListener("click", function () { hits.hidden = true; goTo(id); });
      cy.$id(id).addClass("match");
    });
    hits.hidden = false;
    return ids;
  }
  search.addEventListener("input", listHits);
  search.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") { var ids = listHits(); if (ids.length) { hits.hidden = true; goTo(ids[0]); } }
    if (ev.key === "Escape") { search.value = ""; listHits(); }
  });

  // the URL fragment: links and test hooks
  function followHash() {
    var h = decodeURIComponent(location.hash.replace(/^#/, "")), m = /^([a-z-]+)(?:=(.*))?$/.exec(h);
    if (!m) return;
    var what = m[1], id = m[2];
    if (what === "whole") showWhole();
    else if (what === "focus") openNeighbourhood(id);
    else if (what === "select-node" && byId.has(id)) goTo(id);
    else if (what === "select-edge" && edgeById.has(id)) {
      var e = edgeById.get(id);
      if (!cy.$id(id).length) openNeighbourhood(e.source);
      pinEdge(id);
    }
  }
  window.addEventListener("hashchange", followHash);
  window.docgraphView = { cy: cy, pinEdge: pinEdge, openNeighbourhood: openNeighbourhood, detail: detail };  // for scripts and tests

  // ---------------------------------------------------------------- start
  unpin();
  if (!NODES.length) {
    notice.textContent = S.empty; notice.hidden = false;
    setScope(null);
  } else if (META.focus && byId.has(META.focus)) {
    state.focus = META.focus;
    setScope(META.large ? neighbourhood(META.focus) : null);
    if (META.large) { notice.textContent = fmt(S.large, { total: NODES.length, label: nameOf(META.focus) }); notice.hidden = false; }
  } else {
    setScope(null);
  }
  followHash();
})();
