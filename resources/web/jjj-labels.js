/* jjjmap label engine: every permanent label of the page (names of the built-in boundaries,
 * labels of a user layer whose style names a label field) is one <div class="jjj-lbl"> in
 * one pane, placed after each zoom or move so that no two labels overlap and none covers a
 * marker, a cluster badge or a control. Greedy, by priority: province > prefecture > county
 * > user layers (upper layer first), a larger area first within a level. A polygon's label
 * may move inside its largest inscribed circle (render/labels.py) to get clear; county
 * names show only where the name fits inside the county. A label that finds no free place
 * is not drawn (hidden rather than overlapping). */
(function () {
  'use strict';

  var RANK = {province: 0, prefecture: 1, county: 2, user: 3};
  var FITS_INSIDE = {county: true};   // levels labelled only where the name fits the polygon
  var MIN_ZOOM = {county: 8};          // and from this zoom on (at 7 they crowd the cities)
  var COMPACT_BELOW = 7;               // smaller type below this zoom (jjj.css .jjj-lbl-compact)
  var PAD = 2;                         // free pixels kept around each label
  var CELL = 64;                       // collision grid cell, px
  var MAX_POINTS = 1000;               // a point layer with more in view gets no labels
  var OBSTACLES = '.leaflet-marker-icon, .leaflet-control';

  // positions tried for a polygon's label: the centre, then outwards in 8 directions, as
  // fractions of the inscribed radius (the label's centre stays inside the circle)
  var DIRS = [[0, -1], [0, 1], [1, 0], [-1, 0], [0.7, -0.7], [-0.7, -0.7], [0.7, 0.7], [-0.7, 0.7]];
  var STEPS = [0.3, 0.6, 0.9];
  // then, for a province or city crowded by badges, further out as long as the label's
  // centre stays inside the polygon (Tianjin at the default view of a small window)
  var FAR = [1.2, 1.5, 1.8, 2.1, 2.5, 2.9, 3.4];
  var FAR_DIRS = [];   // 16 directions
  for (var a = 0; a < 16; a++) FAR_DIRS.push([Math.cos(a * Math.PI / 8), Math.sin(a * Math.PI / 8)]);
  var FAR_LEVELS = {province: true, prefecture: true};

  function Grid() { this.cells = {}; }
  Grid.prototype._each = function (b, fn) {
    var i0 = Math.floor(b[0] / CELL), i1 = Math.floor(b[2] / CELL);
    var j0 = Math.floor(b[1] / CELL), j1 = Math.floor(b[3] / CELL);
    for (var i = i0; i <= i1; i++) {
      for (var j = j0; j <= j1; j++) { if (fn(i + ',' + j) === true) return true; }
    }
    return false;
  };
  Grid.prototype.add = function (b) {
    var cells = this.cells;
    this._each(b, function (k) { (cells[k] || (cells[k] = [])).push(b); });
  };
  Grid.prototype.hits = function (b) {
    var cells = this.cells;
    return this._each(b, function (k) {
      var list = cells[k];
      if (!list) return false;
      for (var n = 0; n < list.length; n++) {
        var o = list[n];
        if (b[0] < o[2] && b[2] > o[0] && b[1] < o[3] && b[3] > o[1]) return true;
      }
      return false;
    });
  };

  function Engine(map) {
    this.map = map;
    this.sources = [];          // {entry, items} per labelled layer, in the order added
    this.shown = [];            // items drawn now
    this.stats = {runs: 0, ms: 0, candidates: 0, placed: 0};
    this._queued = false;
    this._timers = 0;           // placements promised by a timer (markercluster's end)
    this._quiet = 0;            // frames in a row with nothing left to place (quietFrames)
    this.pane = map.createPane('jjj-labels');
    this.pane.style.zIndex = '630';           // above every layer's pane, under tooltips
    this.pane.style.pointerEvents = 'none';
  }

  // The labels a layer carries: from its GeoJSON features (_lb text; _lp [lat, lon] anchor,
  // _lr inscribed radius in px at zoom 0, _la area for ranking) or, for a canvas point layer,
  // from its points in view at each placement.
  Engine.prototype.add = function (entry) {
    var spec = entry.spec, items = [];
    var level = spec.labelLevel || (spec.labelField ? 'user' : null);
    if (!level) return;
    if (entry.data) {
      var radius = (spec.style && spec.style.radius) || 6;
      entry.data.eachLayer(function (lyr) {
        var p = lyr.feature.properties, t = lyr.feature.geometry.type;
        if (p._lb === undefined || p._lb === null || String(p._lb) === '') return;
        var ll = p._lp ? L.latLng(p._lp[0], p._lp[1]) :
          (lyr.getLatLng ? lyr.getLatLng() : (lyr.getBounds ? lyr.getBounds().getCenter() : null));
        if (!ll) return;
        items.push({text: String(p._lb), ll: ll, r0: p._lr || 0, area: p._la || 0, lyr: lyr,
                    kind: t.indexOf('Point') >= 0 ? 'point' : (t.indexOf('Line') >= 0 ? 'line' : 'area'),
                    pr: p._r || radius, level: level});
      });
    }
    if (!items.length && !(entry.cloud && spec.label)) return;
    if (entry.cloud) entry.cloud.labelsByEngine = true;   // not on its canvas (jjj-points.js)
    this.sources.push({entry: entry, items: items, level: level, cache: {}});
  };

  // a layer removed from the live page (jjj.removeLayer) takes its labels with it
  Engine.prototype.remove = function (entry) {
    this.sources = this.sources.filter(function (src) { return src.entry !== entry; });
    this.schedule();
  };

  Engine.prototype.schedule = function () {
    if (this._queued) return;
    this._queued = true;
    var self = this;
    requestAnimationFrame(function () { self._queued = false; self.place(); });
  };

  Engine.prototype.start = function (ordered) {
    var self = this, map = this.map, schedule = function () { self.schedule(); };
    this.ordered = ordered;
    map.on('zoomstart', function () { L.DomUtil.addClass(self.pane, 'jjj-lbl-moving'); });
    map.on('moveend zoomend resize layeradd layerremove', schedule);
    // markercluster says its animation ended before its markers' CSS transitions (0.3 s)
    // have: place again when they have, or labels are placed against where badges were
    L.DomEvent.on(map.getContainer(), 'transitionend', function (e) {
      if (e.target && e.target.classList && e.target.classList.contains('leaflet-marker-icon')) schedule();
    });
    // the print look (export/pagewait.py, jjj-print.js) hides controls and restyles labels
    if (window.MutationObserver && document.body) {
      new MutationObserver(schedule).observe(document.body, {attributes: true, attributeFilter: ['class']});
    }
    ordered().forEach(function (e) {   // markercluster re-clusters after the zoom has ended
      if (e.cluster) {
        e.cluster.on('animationend spiderfied unspiderfied', function () {
          schedule();
          self._timers++;
          setTimeout(function () { self._timers--; schedule(); }, 400);   // after the markers' transitions, had none said so
        });
      }
      if (e.cloud) e.cloud.on('jjjchange', schedule);   // the time slider hid some points
    });
    this.place();
  };

  function visible(map, entry) {
    return entry.visible && entry.group && map.hasLayer(entry.group);
  }

  // where the label's centre may go, relative to its anchor
  function offsets(c, w, h, rpx) {
    if (c.kind === 'point') {
      var dx = c.pr + 3 + w / 2, dy = c.pr + 1 + h / 2;
      return [[dx, 0], [-dx, 0], [0, -dy], [0, dy], [dx, -dy], [-dx, -dy], [dx, dy], [-dx, dy]];
    }
    if (c.kind === 'line') return [[0, 0], [0, -h], [0, h]];
    var out = [[0, 0]];
    if (rpx < 4) return [[0, 0], [0, -h], [0, h]];   // a set place (a ring's edge) or a speck
    STEPS.forEach(function (f) {
      DIRS.forEach(function (d) { out.push([d[0] * f * rpx, d[1] * f * rpx]); });
    });
    if (FAR_LEVELS[c.level] && c.lyr && c.lyr._rings) {
      FAR.forEach(function (f) {
        FAR_DIRS.forEach(function (d) { out.push([d[0] * f * rpx, d[1] * f * rpx, true]); });
      });
    }
    return out;
  }

  // even-odd test of a layer point against a Leaflet polygon's projected rings
  function insideRings(pt, rings) {
    var odd = false;
    for (var k = 0; k < rings.length; k++) {
      var r = rings[k];
      for (var i = 0, j = r.length - 1; i < r.length; j = i++) {
        if ((r[i].y > pt.y) !== (r[j].y > pt.y) &&
            pt.x < (r[j].x - r[i].x) * (pt.y - r[i].y) / (r[j].y - r[i].y) + r[i].x) odd = !odd;
      }
    }
    return odd;
  }

  Engine.prototype._candidates = function (size, zoomScale) {
    var map = this.map, out = [], self = this, order = this.ordered ? this.ordered() : [];
    this.sources.forEach(function (s, si) {
      var e = s.entry;
      if (!visible(map, e)) return;
      var layerRank = order.length - order.indexOf(e);   // upper user layers first
      var items = s.items;
      if (e.cloud) items = self._cloudItems(s, e.cloud);
      for (var k = 0; k < items.length; k++) {
        var c = items[k];
        if (c.lyr && e.data && !e.data.hasLayer(c.lyr)) continue;   // left out by the time slider
        var p = c.pt || map.latLngToContainerPoint(c.ll), reach = c.r0 * zoomScale + 400;
        if (p.x < -reach || p.y < -reach || p.x > size.x + reach || p.y > size.y + reach) continue;
        c.p = p;
        c.rank = RANK[c.level];
        c.sub = c.level === 'user' ? layerRank : 0;
        c.seq = si * 1e6 + k;
        out.push(c);
      }
    });
    out.sort(function (a, b) {
      return a.rank - b.rank || b.sub - a.sub || b.area - a.area || a.seq - b.seq;
    });
    return out;
  };

  // a canvas point layer's labels: its points in view, at most MAX_POINTS of them
  Engine.prototype._cloudItems = function (s, cloud) {
    var pts = cloud.labelPoints ? cloud.labelPoints(MAX_POINTS) : null, out = [];
    if (!pts) return out;
    var lab = s.entry.spec.label;
    for (var k = 0; k < pts.length; k++) {
      var q = pts[k], text = lab[q.i];
      if (text === undefined || text === null || String(text) === '') continue;
      var c = s.cache[q.i] || (s.cache[q.i] = {text: String(text), r0: 0, area: 0, kind: 'point',
                                               level: 'user'});
      c.pt = L.point(q.x, q.y); c.pr = q.r;
      out.push(c);
    }
    return out;
  };

  // each label's size in the pane's current type (normal or compact), measured once
  Engine.prototype._measure = function (list, key) {
    var pane = this.pane, fresh = [];
    list.forEach(function (c) {
      var known = c.sizes && c.sizes[key];
      if (known) { c.w = known[0]; c.h = known[1]; return; }
      if (!c.el) {
        c.el = L.DomUtil.create('div', 'jjj-lbl jjj-lbl-' + c.level + ' jjj-lbl-' + c.kind);
        c.el.textContent = c.text;   // text from data is never markup
      }
      if (c.el.parentNode !== pane) { c.el.style.visibility = 'hidden'; pane.appendChild(c.el); }
      fresh.push(c);
    });
    fresh.forEach(function (c) {   // one layout for all of them
      var r = c.el.getBoundingClientRect();
      c.w = r.width; c.h = r.height;
      (c.sizes || (c.sizes = {}))[key] = [r.width, r.height];
    });
    fresh.forEach(function (c) { c.el.style.visibility = ''; if (!c.on) pane.removeChild(c.el); });
  };

  Engine.prototype._obstacles = function (grid) {
    var box = this.map.getContainer().getBoundingClientRect(), n = 0;
    var nodes = this.map.getContainer().querySelectorAll(OBSTACLES);
    for (var i = 0; i < nodes.length; i++) {
      var r = nodes[i].getBoundingClientRect();
      if (!r.width || !r.height) continue;
      grid.add([r.left - box.left, r.top - box.top, r.right - box.left, r.bottom - box.top]);
      n++;
    }
    // the discs of canvas point layers, while few enough are in view to label them
    var map = this.map;
    (this.ordered ? this.ordered() : []).forEach(function (e) {
      if (!e.cloud || !e.cloud.labelPoints || !visible(map, e)) return;
      (e.cloud.labelPoints(MAX_POINTS) || []).forEach(function (q) {
        grid.add([q.x - q.r, q.y - q.r, q.x + q.r, q.y + q.r]);
        n++;
      });
    });
    return n;
  };

  Engine.prototype.place = function () {
    var t0 = performance.now(), map = this.map, size = map.getSize();
    if (!size.x || !size.y) return;
    var zoom = map.getZoom(), zoomScale = Math.pow(2, zoom), grid = new Grid(), pane = this.pane;
    this.shown.forEach(function (c) { c.box = null; });
    var list = this._candidates(size, zoomScale), compact = zoom < COMPACT_BELOW - 1e-9;
    L.DomUtil[compact ? 'addClass' : 'removeClass'](pane, 'jjj-lbl-compact');
    this._measure(list, (compact ? 'compact ' : 'normal ') + document.body.className);
    var obstacles = this._obstacles(grid), placed = [], seen = {};
    var t1 = performance.now();   // what came before: mostly the browser's layout
    for (var k = 0; k < list.length; k++) {
      var c = list[k], w = c.w, h = c.h, rpx = c.r0 * zoomScale;
      if (!w || !h) continue;
      var twins = null;
      if (c.rank < RANK.user) {   // the same name one level down (Beijing, Tianjin): once
        var dup = false;
        twins = seen[c.text] || (seen[c.text] = []);
        for (var d = 0; d < twins.length && !dup; d++) {
          dup = twins[d].p.distanceTo(c.p) <= Math.max(twins[d].rpx, 24);
        }
        if (dup) continue;
      }
      if (FITS_INSIDE[c.level] && Math.sqrt(w * w + h * h) / 2 > rpx * 1.25) continue;
      if (MIN_ZOOM[c.level] && zoom < MIN_ZOOM[c.level] - 1e-9) continue;
      var tries = offsets(c, w, h, rpx);
      for (var t = 0; t < tries.length; t++) {
        var x0 = Math.round(c.p.x + tries[t][0] - w / 2), y0 = Math.round(c.p.y + tries[t][1] - h / 2);
        var b = [x0, y0, x0 + w, y0 + h];
        if (b[0] < 0 || b[1] < 0 || b[2] > size.x || b[3] > size.y) continue;
        var padded = [b[0] - PAD, b[1] - PAD, b[2] + PAD, b[3] + PAD];
        if (grid.hits(padded)) continue;
        if (tries[t][2] && !insideRings(map.containerPointToLayerPoint(
          [c.p.x + tries[t][0], c.p.y + tries[t][1]]), c.lyr._rings)) continue;
        grid.add(padded);
        c.box = b;
        placed.push(c);
        if (twins) twins.push({p: c.p, rpx: rpx});   // placed: its twin one level down is not
        break;
      }
    }
    // the DOM: drawn labels in the pane at their places, the others out of it
    this.shown.forEach(function (c) {
      if (!c.box && c.el.parentNode === pane) { pane.removeChild(c.el); c.on = false; }
    });
    placed.forEach(function (c) {
      if (c.el.parentNode !== pane) pane.appendChild(c.el);
      c.on = true;
      // in layer pixels a label stays put while the map pans: write only what moved
      var at = map.containerPointToLayerPoint([c.box[0], c.box[1]]);
      if (!c.at || !c.at.equals(at)) { L.DomUtil.setPosition(c.el, at); c.at = at; }
    });
    this.shown = placed;
    L.DomUtil.removeClass(pane, 'jjj-lbl-moving');
    var s = this.stats;
    s.runs++; s.ms = performance.now() - t0; s.layoutMs = t1 - t0; s.candidates = list.length; s.placed = placed.length;
    s.obstacles = obstacles; s.zoom = map.getZoom();
  };

  // Frames in a row (counted up to 10 from the first call) in which the labels have
  // nothing left to do: no placement queued or promised, no CSS animation or transition
  // running in the page (markercluster's badges, Leaflet's zoom). Tests wait for a few such
  // frames before measuring instead of sleeping.
  Engine.prototype.quietFrames = function () {
    var self = this;
    var busy = function () {
      return !!(self._queued || self._timers || (document.getAnimations && document.getAnimations().some(
        function (a) { return a.playState === 'running'; })));
    };
    // work asked for since the last count (a layer hidden just now) starts the count again
    if (busy()) this._quiet = 0;
    if (!this._watching) {
      this._watching = true;
      this._quiet = 0;
      var tick = function () {
        self._quiet = busy() ? 0 : self._quiet + 1;
        if (self._quiet < 10) requestAnimationFrame(tick); else self._watching = false;
      };
      requestAnimationFrame(tick);
    }
    return this._quiet;
  };

  // what is drawn, for tests and the print layout: text, level and box (container pixels)
  Engine.prototype.info = function () {
    return {stats: L.extend({}, this.stats),
            labels: this.shown.map(function (c) {
              return {text: c.text, level: c.level, kind: c.kind, box: c.box.slice()};
            })};
  };

  window.JjjLabels = Engine;
})();
