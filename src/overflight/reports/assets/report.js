/* overflight HTML report: the map and the timelines, drawn as SVG from the embedded JSON.
 * Hand-written, no library, no network. Projection: equirectangular about the map's centre
 * latitude (x = longitude x cos(lat0), y = latitude). All text from the data is set with
 * textContent, never parsed as HTML. */
(function () {
  "use strict";

  var DATA = JSON.parse(document.getElementById("ovf-data").textContent);
  var G = DATA.geometry;
  var svg = document.getElementById("ovf-map");
  if (!svg || !G) { return; }
  var NS = svg.namespaceURI;
  var P = G.projection;
  var COS = P.cos;
  var COL = G.colours.track;
  var tip = document.getElementById("ovf-tooltip");
  var W = 900, H = 600;
  var view = { cx: 0, cy: 0, k: 1 }, fitK = 1;
  var hi = null; /* highlighted fix: {track, i} */

  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    if (attrs) { for (var a in attrs) { if (attrs[a] !== null && attrs[a] !== undefined) { e.setAttribute(a, attrs[a]); } } }
    if (parent) { parent.appendChild(e); }
    return e;
  }
  function clear(g) { while (g.firstChild) { g.removeChild(g.firstChild); } }
  function r1(v) { return Math.round(v * 10) / 10; }

  /* -- times and numbers ----------------------------------------------------------------------- */
  function pad2(n) { return (n < 10 ? "0" : "") + n; }
  function hms(epoch, tenths) {
    var d = new Date(Math.round(epoch * (tenths ? 10 : 1)) * (tenths ? 100 : 1000));
    var s = pad2(d.getUTCHours()) + ":" + pad2(d.getUTCMinutes()) + ":" + pad2(d.getUTCSeconds());
    if (tenths) { s += "." + Math.floor(d.getUTCMilliseconds() / 100); }
    return s + "Z";
  }
  function when(track, t, tenths) { /* t: seconds (or metres) from the track's first fix */
    if (track.clock === "clock") { return hms(track.t0 + t, tenths); }
    if (track.clock === "elapsed") {
      var s = Math.round(t);
      return "+" + Math.floor(s / 60) + ":" + pad2(s % 60);
    }
    return (t / 1000).toFixed(2) + " km along";
  }
  function km(m) { return (m >= 0 ? "+" : "\u2212") + (Math.abs(m) / 1000).toFixed(2) + " km"; }
  function deg(v, pos, neg) { return Math.abs(v).toFixed(5) + "\u00b0" + (v >= 0 ? pos : neg); }
  function ft(m) { return m === null ? null : Math.round(m / 0.3048); }

  /* -- projection and view ------------------------------------------------------------------- */
  function X(lon) { return (lon - P.lon0) * COS; }
  function sx(lon) { return W / 2 + (X(lon) - view.cx) * view.k; }
  function sy(lat) { return H / 2 - (lat - view.cy) * view.k; }
  function size() {
    var r = svg.getBoundingClientRect();
    W = Math.max(200, Math.round(r.width)) || 900;
    H = Math.max(200, Math.round(r.height)) || 600;
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
  }
  function fit() {
    var e = G.extent;
    var w = (e[2] - e[0]) * COS, h = e[3] - e[1];
    fitK = Math.min(W / w, H / h);
    view.k = fitK;
    view.cx = (X(e[0]) + X(e[2])) / 2;
    view.cy = (e[1] + e[3]) / 2;
  }
  function pathOf(flat, close) {
    var out = [], n = flat.length;
    for (var j = 0; j < n; j += 2) {
      out.push((j ? "L" : "M") + r1(sx(flat[j])) + " " + r1(sy(flat[j + 1])));
    }
    return out.join("") + (close ? "Z" : "");
  }

  /* -- layers -------------------------------------------------------------------------------- */
  var layer = {};
  ["land", "air", "tracks", "fixes", "events", "labels", "hi", "scale"].forEach(function (name) {
    layer[name] = el("g", { "class": "layer-" + name }, svg);
  });

  function drawBasemap() {
    var g = layer.land, b = G.basemap;
    clear(g);
    var land = b.land.map(function (r) { return pathOf(r, true); }).join("");
    if (land) { el("path", { d: land, fill: G.colours.land, stroke: "#b9b19a", "stroke-width": 0.6 }, g); }
    var lakes = b.lakes.map(function (r) { return pathOf(r, true); }).join("");
    if (lakes) { el("path", { d: lakes, fill: G.colours.water, stroke: "#9fb9cc", "stroke-width": 0.5 }, g); }
    var borders = b.borders.map(function (r) { return pathOf(r, false); }).join("");
    if (borders) { el("path", { d: borders, fill: "none", stroke: "#8a7f74", "stroke-width": 1, "stroke-dasharray": "5 3" }, g); }
  }

  function drawAirspaces() {
    var g = layer.air;
    clear(g);
    G.airspaces.forEach(function (a) {
      a.rings.forEach(function (rings) {
        var outer = pathOf(rings[0], true), holes = rings.slice(1).map(function (r) { return pathOf(r, true); }).join("");
        el("path", { d: outer + holes, fill: a.colour, "fill-opacity": 0.07, "fill-rule": "evenodd", stroke: "none" }, g);
        el("path", { d: outer, fill: "none", stroke: a.colour, "stroke-width": 1.6 }, g);
        if (holes) { el("path", { d: holes, fill: "none", stroke: a.colour, "stroke-width": 1.2, "stroke-dasharray": "6 3" }, g); }
      });
    });
  }

  var spacing = G.tracks.map(function (t) { /* median distance between fixes, projected degrees */
    var d = [];
    for (var j = 2; j < t.xy.length; j += 2) {
      d.push(Math.hypot((t.xy[j] - t.xy[j - 2]) * COS, t.xy[j + 1] - t.xy[j - 1]));
    }
    d.sort(function (a, b) { return a - b; });
    return d.length ? d[Math.floor(d.length / 2)] : 1;
  });

  function drawTracks() {
    var g = layer.tracks, f = layer.fixes;
    clear(g); clear(f);
    G.tracks.forEach(function (t, ti) {
      t.runs.forEach(function (run) {
        el("path", { d: pathOf(run.xy, false), fill: "none", stroke: COL[run.cls], "stroke-width": 3,
          "stroke-linecap": "round", "stroke-linejoin": "round", "class": "run cls-" + run.cls }, g);
      });
      var stride = Math.max(1, Math.ceil(14 / Math.max(spacing[ti] * view.k, 1e-9)));
      for (var i = 0; i < t.t.length; i += stride) {
        var x = sx(t.xy[2 * i]), y = sy(t.xy[2 * i + 1]);
        if (x < -10 || y < -10 || x > W + 10 || y > H + 10) { continue; }
        el("circle", { cx: r1(x), cy: r1(y), r: 2.1, "class": "fix", fill: "#ffffff", stroke: "#333333",
          "stroke-width": 0.9, "data-track": ti, "data-i": i }, f);
      }
      /* first fix: open circle, larger */
      if (t.t.length) el("circle", { cx: r1(sx(t.xy[0])), cy: r1(sy(t.xy[1])), r: 4.5, fill: "#fff", stroke: "#222", "stroke-width": 1.4 }, f);
    });
  }

  var labels = []; /* {text, x, y, cls, anchors?: [[x,y]...]} to place */

  function drawEvents() {
    var g = layer.events;
    clear(g);
    labels = [];
    G.results.forEach(function (r) {
      (r.events || []).forEach(function (ev) {
        var x = sx(ev.xy[0]), y = sy(ev.xy[1]);
        if (ev.kind === "entry" || ev.kind === "exit") {
          el("circle", { cx: r1(x), cy: r1(y), r: 5.5, fill: COL["2"], stroke: "#000", "stroke-width": 1.2, "class": "ev-" + ev.kind }, g);
        } else if (ev.kind === "depth") {
          el("path", { d: "M" + r1(x) + " " + r1(y - 6) + "l6 6l-6 6l-6 -6z", fill: "#fff", stroke: COL["2"], "stroke-width": 2, "class": "ev-depth" }, g);
        } else if (ev.kind === "closest") {
          if (ev.to) {
            el("line", { x1: r1(x), y1: r1(y), x2: r1(sx(ev.to[0])), y2: r1(sy(ev.to[1])), stroke: "#000", "stroke-width": 1.2, "stroke-dasharray": "4 3" }, g);
          }
          el("rect", { x: r1(x - 5), y: r1(y - 5), width: 10, height: 10, fill: "#fff", stroke: "#000", "stroke-width": 1.3, "class": "ev-closest" }, g);
        }
        labels.push({ text: ev.label, anchors: [[x, y]], cls: "label ev", prio: ev.kind === "depth" ? 2 : 1 });
      });
    });
    G.tracks.forEach(function (t) {
      if (!t.t.length) { return; }
      labels.push({ text: t.label, anchors: [[sx(t.xy[0]), sy(t.xy[1])]], cls: "label trk", prio: 0 });
    });
    G.airspaces.forEach(function (a) {
      var anchors = [];
      for (var j = 0; j < a.anchors.length; j += 2) { anchors.push([sx(a.anchors[j]), sy(a.anchors[j + 1])]); }
      labels.push({ text: a.name + "\n" + a.vertical, anchors: anchors, cls: "label air", fill: a.colour, prio: 3, leader: false });
    });
  }

  /* greedy label placement: the first offset whose box hits no other label, marker or line point */
  var OFFS = [[9, -9], [9, 9], [-9, -9], [-9, 9], [0, -14], [0, 14], [14, 0], [-14, 0]];
  OFFS = OFFS.concat(OFFS.map(function (o) { return [o[0] * 3, o[1] * 3]; }));
  function placeLabels() {
    var g = layer.labels;
    clear(g);
    var obst = [];
    G.tracks.forEach(function (t) {
      var last = null;
      for (var j = 0; j < t.xy.length; j += 2) {
        var p = [sx(t.xy[j]), sy(t.xy[j + 1])];
        if (!last || Math.abs(p[0] - last[0]) + Math.abs(p[1] - last[1]) > 6) { obst.push(p); last = p; }
      }
    });
    G.airspaces.forEach(function (a) {
      a.rings.forEach(function (rings) {
        var r = rings[0], last = null;
        for (var j = 0; j < r.length; j += 2) {
          var p = [sx(r[j]), sy(r[j + 1])];
          if (!last || Math.abs(p[0] - last[0]) + Math.abs(p[1] - last[1]) > 10) { obst.push(p); last = p; }
        }
      });
    });
    var boxes = [];
    labels.forEach(function (lb) { lb.anchors.forEach(function (a) { boxes.push([a[0] - 6, a[1] - 6, a[0] + 6, a[1] + 6, 0.5]); }); });
    var sorted = labels.slice().sort(function (a, b) { return a.prio - b.prio; });
    sorted.forEach(function (lb) {
      var lines = lb.text.split("\n");
      var t = el("text", { "class": lb.cls }, g);
      if (lb.fill) { t.setAttribute("fill", lb.fill); t.style.fill = lb.fill; }
      lines.forEach(function (s, n) { var sp = el("tspan", { x: 0, dy: n ? "1.2em" : 0 }, t); sp.textContent = s; });
      var bb = t.getBBox();
      var w = bb.width, h = bb.height, asc = -bb.y;
      var best = null;
      lb.anchors.forEach(function (a) {
        if (a[0] < 0 || a[1] < 0 || a[0] > W || a[1] > H) { return; }
        OFFS.forEach(function (o, oi) {
          var left = o[0] > 0 ? a[0] + o[0] : (o[0] < 0 ? a[0] + o[0] - w : a[0] - w / 2);
          var top = o[1] > 0 ? a[1] + o[1] : (o[1] < 0 ? a[1] + o[1] - h : a[1] - h / 2);
          if (o[0] === 0) { top = o[1] > 0 ? a[1] + o[1] : a[1] + o[1] - h; }
          var box = [left, top, left + w, top + h];
          var score = oi >= 8 ? 0.5 : 0;
          if (box[0] < 2 || box[1] < 2 || box[2] > W - 48 || box[3] > H - 30) { score += 50; }
          boxes.forEach(function (b) {
            if (box[0] < b[2] && box[2] > b[0] && box[1] < b[3] && box[3] > b[1]) { score += b[4] === undefined ? 20 : 20 * b[4]; }
          });
          obst.forEach(function (p) {
            if (p[0] > box[0] - 1 && p[0] < box[2] + 1 && p[1] > box[1] - 1 && p[1] < box[3] + 1) { score += 1; }
          });
          if (!best || score < best.score) { best = { score: score, box: box, a: a, far: oi >= 8 }; }
        });
      });
      if (!best) { g.removeChild(t); return; }
      t.setAttribute("transform", "translate(" + r1(best.box[0]) + "," + r1(best.box[1] + asc) + ")");
      if (lb.cls.indexOf("air") >= 0) { t.setAttribute("text-anchor", "start"); }
      if (best.far && lb.leader !== false) {
        var bx = Math.max(best.box[0], Math.min(best.a[0], best.box[2]));
        var by = Math.max(best.box[1], Math.min(best.a[1], best.box[3]));
        var line = el("line", { x1: r1(best.a[0]), y1: r1(best.a[1]), x2: r1(bx), y2: r1(by), stroke: "#444", "stroke-width": 0.8 }, null);
        g.insertBefore(line, g.firstChild);
      }
      boxes.push(best.box);
    });
  }

  function niceStep(raw) {
    var p = Math.pow(10, Math.floor(Math.log10(raw))), m = raw / p;
    return (m >= 5 ? 5 : m >= 2 ? 2 : 1) * p;
  }
  function drawScale() {
    var g = layer.scale;
    clear(g);
    var kmPerPx = P.km_per_deg_lat / view.k;
    var len = niceStep(kmPerPx * 140), px = len / kmPerPx;
    var x0 = 14, y0 = H - 18;
    var nm = len / 1.852;
    var t = el("text", { x: x0, y: y0 - 10 }, g);
    t.textContent = (len >= 1 ? len : len.toFixed(3).replace(/0+$/, "")) + " km (" + nm.toFixed(nm < 1 ? 2 : 1) + " NM)";
    var wtxt = t.getBBox().width;
    var bg = el("rect", { x: x0 - 6, y: y0 - 26, width: Math.max(px, wtxt) + 12, height: 32, fill: "#fff", "fill-opacity": 0.85 }, null);
    g.insertBefore(bg, g.firstChild);
    el("path", { d: "M" + x0 + " " + (y0 - 6) + "v6h" + r1(px) + "v-6", fill: "none", stroke: "#111", "stroke-width": 1.5 }, g);
  }

  function drawHighlight() {
    var g = layer.hi;
    clear(g);
    if (!hi) { return; }
    var t = G.tracks[hi.track];
    el("circle", { id: "ovf-hi", cx: r1(sx(t.xy[2 * hi.i])), cy: r1(sy(t.xy[2 * hi.i + 1])), r: 7.5, fill: "none",
      stroke: "#000", "stroke-width": 2.2, "data-track": hi.track, "data-i": hi.i }, g);
  }

  function redraw() {
    drawBasemap(); drawAirspaces(); drawTracks(); drawEvents(); placeLabels(); drawScale(); drawHighlight();
  }

  /* -- interaction: pan, zoom, hover --------------------------------------------------------- */
  function zoomAt(factor, mx, my) {
    var k2 = Math.max(fitK / 4, Math.min(fitK * 400, view.k * factor));
    var gx = view.cx + (mx - W / 2) / view.k, gy = view.cy - (my - H / 2) / view.k;
    view.k = k2;
    view.cx = gx - (mx - W / 2) / k2;
    view.cy = gy + (my - H / 2) / k2;
    redraw();
  }
  function local(ev) {
    var r = svg.getBoundingClientRect();
    return [(ev.clientX - r.left) * W / r.width, (ev.clientY - r.top) * H / r.height];
  }
  svg.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var p = local(ev);
    zoomAt(Math.exp(-ev.deltaY * (ev.deltaMode ? 0.05 : 0.002)), p[0], p[1]);
  }, { passive: false });
  var drag = null;
  svg.addEventListener("pointerdown", function (ev) {
    if (ev.button !== 0) { return; }
    drag = { p: local(ev), cx: view.cx, cy: view.cy };
    svg.setPointerCapture(ev.pointerId);
    svg.classList.add("dragging");
  });
  svg.addEventListener("pointerup", function (ev) {
    drag = null;
    svg.classList.remove("dragging");
    if (svg.hasPointerCapture(ev.pointerId)) { svg.releasePointerCapture(ev.pointerId); }
  });
  svg.addEventListener("pointermove", function (ev) {
    var p = local(ev);
    if (drag) {
      view.cx = drag.cx - (p[0] - drag.p[0]) / view.k;
      view.cy = drag.cy + (p[1] - drag.p[1]) / view.k;
      tip.style.display = "none";
      redraw();
      return;
    }
    var best = null;
    G.tracks.forEach(function (t, ti) {
      for (var i = 0; i < t.t.length; i++) {
        var d = Math.hypot(sx(t.xy[2 * i]) - p[0], sy(t.xy[2 * i + 1]) - p[1]);
        if (d < 10 && (!best || d < best.d)) { best = { d: d, track: ti, i: i }; }
      }
    });
    if (best) {
      highlight(best.track, best.i);
      showTip(best.track, best.i, p);
    } else {
      tip.style.display = "none";
    }
  });
  svg.addEventListener("pointerleave", function () { tip.style.display = "none"; });
  function button(cls, fn) {
    var b = document.querySelector(".map-controls ." + cls);
    if (b) { b.addEventListener("click", fn); }
  }
  button("zoom-in", function () { zoomAt(1.6, W / 2, H / 2); });
  button("zoom-out", function () { zoomAt(1 / 1.6, W / 2, H / 2); });
  button("reset", function () { fit(); redraw(); });

  function fixLines(ti, i) {
    var t = G.tracks[ti], lines = [];
    lines.push(when(t, t.t[i], true) + (t.clock === "clock" ? " UTC" : ""));
    lines.push(deg(t.xy[2 * i + 1], "N", "S") + " " + deg(t.xy[2 * i], "E", "W"));
    var ab = t.alt_baro[i], ag = t.alt_geo[i], alt = [];
    if (ab !== null) { alt.push(ft(ab) + " ft pressure alt."); }
    if (ag !== null) { alt.push(ft(ag) + " ft GNSS"); }
    lines.push(alt.length ? alt.join(", ") : "altitude unknown");
    G.results.forEach(function (r) {
      if (r.track !== ti || !r.fix_d) { return; }
      var d = r.fix_d[i];
      lines.push(G.airspaces[r.airspace].name + " boundary: " + km(d) + (d >= 0 ? " (laterally inside)" : " (outside)"));
    });
    return lines;
  }
  function showTip(ti, i, p) {
    clear(tip);
    var head = document.createElement("div");
    head.className = "tt-head";
    head.textContent = G.tracks[ti].label + " \u00b7 fix " + (i + 1);
    tip.appendChild(head);
    fixLines(ti, i).forEach(function (s) {
      var d = document.createElement("div");
      d.textContent = s;
      tip.appendChild(d);
    });
    tip.style.display = "block";
    var wrap = svg.getBoundingClientRect(), x = p[0] * wrap.width / W + 14, y = p[1] * wrap.height / H + 14;
    if (x + tip.offsetWidth > wrap.width - 4) { x = Math.max(4, x - tip.offsetWidth - 28); }
    if (y + tip.offsetHeight > wrap.height - 4) { y = Math.max(4, y - tip.offsetHeight - 28); }
    tip.style.left = x + "px";
    tip.style.top = y + "px";
  }

  /* -- timelines ----------------------------------------------------------------------------- */
  var TL = [];
  var STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

  function niceCeil(raw) {
    var p = Math.pow(10, Math.floor(Math.log10(raw))), m = raw / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
  }
  function niceTicks(lo, hi, n) {
    var step = niceCeil(Math.max((hi - lo) / n, 1e-9)), out = [];
    for (var v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) { out.push(Math.round(v / step) * step); }
    return out;
  }

  function Timeline(box, ri) {
    this.box = box;
    this.svg = box.querySelector("svg");
    this.r = G.results[ri];
    this.ri = ri;
    this.track = G.tracks[this.r.track];
    this.draw();
    var self = this;
    this.svg.addEventListener("pointermove", function (ev) {
      var rect = self.svg.getBoundingClientRect();
      var x = (ev.clientX - rect.left) * self.W / rect.width;
      if (x < self.L || x > self.W - self.R) { return; }
      var t = self.t0 + (x - self.L) / self.xk;
      highlight(self.r.track, nearestFix(self.track, t));
    });
  }
  Timeline.prototype.x = function (t) { return this.L + (t - this.t0) * this.xk; };
  Timeline.prototype.draw = function () {
    var s = this.svg, r = this.r, tl = r.timeline, tr = this.track;
    clear(s);
    var rect = s.getBoundingClientRect();
    var Wd = Math.max(300, Math.round(rect.width)) || 900, Hd = Math.max(200, Math.round(rect.height)) || 330;
    s.setAttribute("viewBox", "0 0 " + Wd + " " + Hd);
    this.W = Wd; this.L = 66; this.R = 18;
    var t0 = tl.t[0], t1 = tl.t[tl.t.length - 1];
    if (t1 <= t0) { t0 -= 30; t1 += 30; }
    this.t0 = t0; this.xk = (Wd - this.L - this.R) / (t1 - t0);
    var A = { top: 26, bottom: Math.round(Hd * 0.5) };
    var B = { top: A.bottom + 34, bottom: Hd - 40 };
    var self = this;
    var grid = el("g", { "class": "grid" }, s), axis = el("g", { "class": "axis" }, s);
    /* time ticks */
    var span = (t1 - t0), step;
    if (tr.clock === "distance") {
      step = niceStep(span / 7);
    } else {
      step = STEPS.filter(function (v) { return span / v <= 8; })[0] || 86400;
    }
    var base = tr.clock === "clock" ? tr.t0 : 0;
    for (var v = Math.ceil((t0 + base) / step) * step; v <= t1 + base; v += step) {
      var x = r1(this.x(v - base));
      el("line", { x1: x, x2: x, y1: A.top, y2: A.bottom }, grid);
      el("line", { x1: x, x2: x, y1: B.top, y2: B.bottom }, grid);
      var lab = el("text", { x: x, y: B.bottom + 15, "text-anchor": "middle" }, axis);
      lab.textContent = tr.clock === "clock" ? hms(v).slice(0, step < 60 ? 8 : 5) :
        (tr.clock === "elapsed" ? when(tr, v) : (v / 1000).toFixed(step < 1000 ? 1 : 0));
    }
    var xt = el("text", { x: Wd - this.R, y: Hd - 6, "text-anchor": "end", "class": "axis-title" }, s);
    xt.textContent = tr.clock === "clock" ? "time (UTC)" : (tr.clock === "elapsed" ? "time from the first fix" : "distance along the track (km)");
    /* panel A: signed distance */
    var dmin = Math.min.apply(null, tl.d.concat([0])), dmax = Math.max.apply(null, tl.d.concat([0]));
    var padD = Math.max(0.08 * (dmax - dmin), 200);
    dmin -= padD; dmax += padD;
    var ya = function (d) { return A.bottom - (d - dmin) / (dmax - dmin) * (A.bottom - A.top); };
    niceTicks(dmin / 1000, dmax / 1000, 4).forEach(function (v) {
      var y = r1(ya(v * 1000));
      el("line", { x1: self.L, x2: Wd - self.R, y1: y, y2: y }, grid);
      var lab = el("text", { x: self.L - 5, y: y + 4, "text-anchor": "end" }, axis);
      lab.textContent = (v > 0 ? "+" : v < 0 ? "\u2212" : "") + Math.abs(v);
    });
    el("line", { x1: this.L, x2: Wd - this.R, y1: r1(ya(0)), y2: r1(ya(0)), stroke: "#000", "stroke-width": 1 }, s);
    var at = el("text", { x: 4, y: A.top - 10, "class": "axis-title" }, s);
    at.textContent = "distance to boundary (km): + laterally inside, \u2212 outside";
    var start = 0;
    for (var j = 1; j <= tl.cls.length; j++) {
      if (j === tl.cls.length || tl.cls[j] !== tl.cls[start]) {
        var pts = [];
        for (var m = start; m <= j; m++) { pts.push(r1(this.x(tl.t[m])) + "," + r1(ya(tl.d[m]))); }
        el("polyline", { points: pts.join(" "), fill: "none", stroke: COL[tl.cls[start]], "stroke-width": 2.2, "stroke-linejoin": "round" }, s);
        start = j;
      }
    }
    if (!tl.cls.length) { el("circle", { cx: r1(this.x(tl.t[0])), cy: r1(ya(tl.d[0])), r: 3, fill: COL["0"] }, s); }
    /* panel B: altitude (ft) against floor and ceiling */
    var alts = [];
    tr.alt_baro.concat(tr.alt_geo).forEach(function (a) { if (a !== null) { alts.push(a / 0.3048); } });
    var aLo = alts.length ? Math.min.apply(null, alts) : 0, aHi = alts.length ? Math.max.apply(null, alts) : 1000;
    var shown = [], notes = [];
    [["floor", r.floor], ["ceiling", r.ceiling]].forEach(function (fc) {
      var lim = fc[1];
      if (lim.ft === null) { notes.push(fc[0] + " " + lim.label); return; }
      if (lim.ft >= aLo - 1500 && lim.ft <= aHi + 1500) { shown.push(lim.ft); } else {
        notes.push(fc[0] + " " + lim.label + ", " + (lim.ft > aHi ? "above" : "below") + " this panel");
      }
    });
    var yLo = Math.max(Math.min.apply(null, [aLo].concat(shown)) - 500, -2000), yHi = Math.max.apply(null, [aHi].concat(shown)) + 500;
    var yb = function (f) { return B.bottom - (f - yLo) / (yHi - yLo) * (B.bottom - B.top); };
    var fl = r.floor.ft === null ? yLo : Math.max(r.floor.ft, yLo), cl = r.ceiling.ft === null ? yHi : Math.min(r.ceiling.ft, yHi);
    if (cl > fl) { el("rect", { x: this.L, width: Wd - this.L - this.R, y: r1(yb(cl)), height: r1(yb(fl) - yb(cl)), fill: COL["2"], "fill-opacity": 0.07 }, s); }
    niceTicks(yLo, yHi, 4).forEach(function (v) {
      var y = r1(yb(v));
      el("line", { x1: self.L, x2: Wd - self.R, y1: y, y2: y }, grid);
      var lab = el("text", { x: self.L - 5, y: y + 4, "text-anchor": "end" }, axis);
      lab.textContent = String(v);
    });
    var bt = el("text", { x: 4, y: B.top - 8, "class": "axis-title" }, s);
    bt.textContent = "altitude (ft): pressure (solid), GNSS (dashed)";
    [["floor", r.floor, "none"], ["ceiling", r.ceiling, "6 3"]].forEach(function (fc) {
      var lim = fc[1];
      if (lim.ft === null || shown.indexOf(lim.ft) < 0) { return; }
      var y = r1(yb(lim.ft));
      el("line", { x1: self.L, x2: Wd - self.R, y1: y, y2: y, stroke: COL["2"], "stroke-width": 1.3, "stroke-dasharray": fc[2] }, s);
      var lab = el("text", { x: self.L + 4, y: y - 4, "class": "label", style: "font-size:11px;fill:" + COL["2"] }, s);
      lab.textContent = fc[0] + " " + lim.label;
    });
    [["alt_baro", "#333333", null, 1.6], ["alt_geo", "#777777", "5 3", 1.3]].forEach(function (spec) {
      var vals = tr[spec[0]], segs = [], cur = [];
      for (var i = 0; i < vals.length; i++) {
        if (vals[i] === null) { if (cur.length) { segs.push(cur); cur = []; } continue; }
        cur.push(r1(self.x(tr.t[i])) + "," + r1(yb(vals[i] / 0.3048)));
      }
      if (cur.length) { segs.push(cur); }
      segs.forEach(function (sg) {
        el("polyline", { points: sg.join(" "), fill: "none", stroke: spec[1], "stroke-width": spec[3], "stroke-dasharray": spec[2] }, s);
      });
    });
    notes.forEach(function (n, i) {
      var t = el("text", { x: Wd - self.R - 4, y: B.top + 14 + 14 * i, "text-anchor": "end", "class": "label", style: "font-size:11px;fill:#555" }, s);
      t.textContent = n;
    });
    /* entry / exit marks */
    var placed = [];
    (r.marks || []).forEach(function (mk) {
      var x = r1(self.x(mk.t));
      [[A.top, A.bottom], [B.top, B.bottom]].forEach(function (yy) {
        el("line", { x1: x, x2: x, y1: yy[0], y2: yy[1], stroke: COL[mk.cls], "stroke-width": 1.4, "stroke-dasharray": "2 2" }, s);
      });
      var row = 0;
      while (placed.some(function (p) { return p.row === row && Math.abs(p.x - x) < 120; })) { row++; }
      placed.push({ x: x, row: row });
      var lab = el("text", { x: mk.first ? x - 4 : x + 4, y: A.top + 13 + 14 * row, "text-anchor": mk.first ? "end" : "start",
        "class": "label", style: "font-size:11px;fill:" + COL[mk.cls] }, s);
      lab.textContent = mk.label;
    });
    this.cursor = el("g", { "class": "tl-cursor", style: "display:none" }, s);
    this.cLine = el("line", { y1: A.top, y2: B.bottom, stroke: "#000", "stroke-width": 1 }, this.cursor);
    this.cDot = el("circle", { r: 4.5, fill: "#fff", stroke: "#000", "stroke-width": 1.8 }, this.cursor);
    this.cText = el("text", { x: Wd - this.R, y: A.top - 10, "text-anchor": "end", "class": "label tl-readout", style: "font-size:12px;font-weight:600" }, this.cursor);
    this.ya = ya;
    if (hi && hi.track === r.track) { this.show(hi.i); }
  };
  Timeline.prototype.show = function (i) {
    var tr = this.track, x = r1(this.x(tr.t[i]));
    this.cursor.style.display = "";
    this.cLine.setAttribute("x1", x); this.cLine.setAttribute("x2", x);
    this.cDot.setAttribute("cx", x); this.cDot.setAttribute("cy", r1(this.ya(this.r.fix_d[i])));
    var alt = tr.alt_baro[i] !== null ? tr.alt_baro[i] : tr.alt_geo[i];
    this.cText.textContent = when(tr, tr.t[i], true) + "  " + km(this.r.fix_d[i]) + (alt !== null ? "  " + ft(alt) + " ft" : "");
  };
  Timeline.prototype.hide = function () { this.cursor.style.display = "none"; };

  function nearestFix(track, t) {
    var a = 0, b = track.t.length - 1;
    while (b - a > 1) { var m = (a + b) >> 1; if (track.t[m] <= t) { a = m; } else { b = m; } }
    return Math.abs(track.t[a] - t) <= Math.abs(track.t[b] - t) ? a : b;
  }

  function highlight(ti, i) {
    hi = { track: ti, i: i };
    drawHighlight();
    TL.forEach(function (tl) { if (tl.r.track === ti) { tl.show(i); } else { tl.hide(); } });
  }

  /* -- copy the command line ------------------------------------------------------------------ */
  var copy = document.getElementById("ovf-copy");
  if (copy) {
    copy.addEventListener("click", function () {
      var text = document.getElementById("ovf-command").textContent;
      var done = function () { copy.textContent = "copied"; };
      var fallback = function () {
        var range = document.createRange();
        range.selectNodeContents(document.getElementById("ovf-command"));
        var sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
        try { document.execCommand("copy"); done(); } catch (e) { copy.textContent = "select and copy"; }
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, fallback);
      } else { fallback(); }
    });
  }

  /* -- start ---------------------------------------------------------------------------------- */
  size(); fit(); redraw();
  Array.prototype.forEach.call(document.querySelectorAll(".timeline[data-result]"), function (box) {
    var ri = Number(box.getAttribute("data-result"));
    if (G.results[ri] && G.results[ri].timeline) { TL.push(new Timeline(box, ri)); }
  });
  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      var oldW = W, oldH = H;
      size();
      if (oldW !== W || oldH !== H) { redraw(); }
      TL.forEach(function (tl) { tl.draw(); });
    }, 100);
  });
  window.addEventListener("beforeprint", function () { TL.forEach(function (tl) { tl.draw(); }); });
  document.documentElement.setAttribute("data-ready", "1");
})();
