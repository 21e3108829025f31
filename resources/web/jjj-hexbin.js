/* jjjmap hexbin: a point layer's points counted into hexagons in the page, on one canvas
 * (render/density.py). Without a fixed resolution the hexagons are a grid in web-mercator
 * whose cells are spec.px (circumradius) on screen at the current zoom: the points are
 * assigned to cells once per zoom (typed arrays, one pass; in a Web Worker,
 * jjj-density-worker.js, after the first drawing) and the assignment is kept. With
 * a fixed H3 resolution each point arrives with its H3 cell (binned in Python with h3).
 * Either way the counts and sums are one pass over the points under the time slider's mask
 * (jjj-time.js), so hexagons follow the slider live; the colour classes of a level come
 * from all its points, so colours mean the same while the slider plays. Clicking a hexagon
 * identifies it (points, sum, mean of the shown points) and offers to select its points:
 * their rows go to the app through the bridge (jjjBridge.rowsSelected). */
(function () {
  'use strict';
  var D = window.JjjDensity = window.JjjDensity || {};
  var SQ3 = Math.sqrt(3), MAX_GRID_ZOOM = 18, KEEP_LEVELS = 3, EARTH = 40075016.686;
  var Cloud = window.JjjPointCloud, K = D.kernel, levels = 0;

  function b64(str, Type) {
    if (!str) return null;
    var bin = atob(str), u8 = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) u8[i] = bin.charCodeAt(i);
    return new Type(u8.buffer);
  }
  function mercX(lon) { return (lon + 180) / 360; }
  function mercY(lat) {
    var s = Math.sin(Math.max(-85.0511, Math.min(85.0511, lat)) * Math.PI / 180);
    return 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
  }
  function fmt(v) {
    if (Math.abs(v) >= 100 || v === Math.round(v)) return Math.round(v).toLocaleString('en-US');
    return String(Math.round(v * 1000) / 1000);
  }
  function across(m, U) {   // a ground width, two significant digits: 16 km, 1.6 km, 260 m
    var km = m >= 1000, v = Number((km ? m / 1000 : m).toPrecision(2));
    return v.toLocaleString('en-US') + ' ' + (km ? (U.km || 'km') : (U.m || 'm'));
  }

  // the grid cell (axial q, r; pointy-top hexagons of circumradius s) of a mercator point
  function hexOf(x, y, s) {
    var qf = (SQ3 / 3 * x - y / 3) / s, rf = (2 / 3 * y) / s, tf = -qf - rf;
    var q = Math.round(qf), r = Math.round(rf), t = Math.round(tf);
    var dq = Math.abs(q - qf), dr = Math.abs(r - rf), dt = Math.abs(t - tf);
    if (dq > dr && dq > dt) q = -r - t; else if (dr > dt) r = -q - t;
    return [q, r];
  }

  D.hexbin = Cloud.extend({
    includes: D.OnWorker,   // time mask version, the worker's copy of the points
    initialize: function (spec, pane, identify) {
      spec.style = spec.style || {};
      Cloud.prototype.initialize.call(this, spec, pane, null);
      this.identify = identify;
      this.w = b64(spec.w, Float32Array);
      this.client = new D.Client(this.lon, this.lat, this.w);
      this.px = spec.px || 10;
      this.cache = [];           // grid levels, newest last
      this.maskVersion = 0;
      if (spec.h3) {
        var h = spec.h3, ring = b64(h.ring, Float32Array), m = new Float64Array(ring.length);
        for (var i = 0; i < ring.length; i += 2) { m[i] = mercX(ring[i]); m[i + 1] = mercY(ring[i + 1]); }
        this.h3 = this._level({kind: 'h3', res: h.res, nc: h.n, nv: h.nv || 6, ring: ring, m: m,
                               cells: h.cells, idx: b64(h.index, Int32Array)});
      }
    },

    _zoomLevel: function () {
      return Math.max(0, Math.min(MAX_GRID_ZOOM, Math.round(this._map.getZoom())));
    },

    _cellSize: function (z) { return this.px / (256 * Math.pow(2, z)); },

    // a grid level from the binning's answer (kernel.hexLevel, here or in the worker): its
    // cells, every point's cell, and the counts, sums and classes of all its points
    _fromBins: function (z, b) {
      return this._level({kind: 'grid', z: z, s: this._cellSize(z), idx: b.idx, nc: b.n,
                          table: new K.CellTable(b), q: b.q, r: b.r}, b);
    },

    _grid: function (z) {   // binned here, at once
      return this._fromBins(z, K.hexLevel(this.mx, this.my, this.n, this._cellSize(z), this.w,
                                          this.spec.stat, this.spec.colors.length));
    },

    _cached: function (z) {
      return this.cache.filter(function (l) { return l.z === z; })[0] || null;
    },

    _keep: function (lv) {
      if (this._cached(lv.z)) return this._cached(lv.z);
      this.cache.push(lv);
      if (this.cache.length > KEEP_LEVELS) this.cache.shift();
      return lv;
    },

    // a new zoom's grid from the worker, one request at a time; when it comes the layer
    // draws again, which asks for the zoom shown then if that is another one
    _ask: function (z) {
      if (this._asking !== undefined) return;
      this._asking = z;
      var self = this, s = this._cellSize(z), stat = this.spec.stat, k = this.spec.colors.length;
      this.client.ask({op: 'hex', s: s, stat: stat, k: k},
        function () { return self._map ? K.hexLevel(self.mx, self.my, self.n, s, self.w, stat, k) : null; },
        function (b, worker) {
          self._asking = undefined;
          if (b) self._keep(self._fromBins(z, b)).binnedBy = worker ? 'worker' : 'page';
          self.redraw();
        });
    },

    // the level's colour classes, from all its points (the slider's mask left aside):
    // st, the kernel's counts and classes (kernel.levelStats), made here if not given
    _level: function (lv, st) {
      var stat = this.spec.stat, k = this.spec.colors.length;
      st = st && st.breaks ? st : K.levelStats(lv.idx, this.n, lv.nc, this.w, stat, k);
      lv.count = st.count; lv.sum = st.sum; lv.breaks = st.breaks; lv.min = st.min; lv.cls = st.cls;
      var cols = this.spec.colors, step = Math.max(1, Math.floor(cols.length / Math.max(1, lv.breaks.length)));
      lv.colors = lv.breaks.map(function (b, i) { return cols[Math.min(i * step, cols.length - 1)]; });
      lv.masked = this.hide ? -1 : this.maskVersion;   // counted without the slider's mask
      lv.id = ++levels;
      return lv;
    },

    _value: function (lv, c) { return K.statOf(lv.count, lv.sum, c, this.spec.stat); },

    // the level shown now, its counts under the current mask. A zoom not binned yet: the
    // worker bins it and the last level stays meanwhile (drawn scaled to the view, and
    // what a click identifies); the first drawing, or with no worker, binned here at once.
    current: function () {
      if (!this._map) return null;
      var lv = this.h3;
      if (!lv) {
        var z = this._zoomLevel();
        lv = this._cached(z);
        if (!lv && this.shown && this.client.usable()) { this._ask(z); lv = this.shown; }
        if (!lv) { lv = this._keep(this._grid(z)); lv.binnedBy = 'page'; }
      }
      if (lv.masked !== this.maskVersion) {   // the slider's mask: counted again, here
        var got = K.countCells(lv.idx, this.n, lv.nc, this.w, this.hide);
        lv.count = got.count; lv.sum = got.sum;
        lv.cls = K.classify(lv.count, lv.sum, lv.nc, this.spec.stat, lv.breaks);
        lv.masked = this.maskVersion;
      }
      if (lv !== this.shown) { this.shown = lv; this._legend(lv); }
      return lv;
    },

    // Leaflet asks for a redraw three times per zoom (viewreset, zoomend, moveend): the
    // canvas is drawn once per view, level and mask. While the worker bins a new zoom the
    // last drawing stays, scaled about the zoom's origin as during a zoom animation.
    redraw: function () {
      if (!this._map) return;
      var lv = this.current(), m = this._map;
      if (!lv) return;
      var size = m.getSize(), po = m.getPixelOrigin(), tl = m.containerPointToLayerPoint([0, 0]);
      var key = [m.getZoom(), po.x, po.y, tl.x, tl.y, size.x, size.y, lv.id, lv.masked].join();
      if (key === this._drawn) return;
      if (this._drawn && lv.kind === 'grid' && lv.z !== this._zoomLevel()) {
        this._anim({zoom: m.getZoom(), center: m.getCenter()});
        return;
      }
      this._drawn = key;
      Cloud.prototype.redraw.call(this);
    },

    _legend: function (lv) {
      var spec = this.spec, U = spec.ui, head = spec.legend[0], sub;
      if (lv.kind === 'h3') sub = U.res + ' ' + lv.res;
      else {
        var lat = this._map.getCenter().lat;
        sub = U.grid.replace('%s', across(SQ3 * lv.s * EARTH * Math.cos(lat * Math.PI / 180), U));
      }
      // a class holds (previous limit, its limit]; the first one starts at the smallest
      // value; whole counts start at the next whole number ("1 – 5", "6 – 23")
      var labels = [], whole = spec.stat === 'count', lo = lv.min;
      lv.breaks.forEach(function (hi, i) {
        var from = i === 0 ? lo : (whole ? lo + 1 : lo);
        labels.push({label: from >= hi ? fmt(hi) : fmt(from) + ' – ' + fmt(hi),
                     symbol: {type: 'swatch', color: lv.colors[i]}});
        lo = hi;
      });
      spec.legend = [head, {label: sub, header: true}].concat(labels);
      if (window.jjj && window.jjj.refreshUi) window.jjj.refreshUi();
    },

    _path: function (ctx, lv, c, sc, W, H, off) {
      if (lv.kind === 'grid') {
        var s = lv.s, x0 = s * (SQ3 * lv.q[c] + SQ3 / 2 * lv.r[c]) * sc.scale - sc.ox;
        var y0 = s * 1.5 * lv.r[c] * sc.scale - sc.oy;
        if (x0 < -40 || y0 < -40 || x0 > W + 40 || y0 > H + 40) return;
        // closed by a line back to the first corner: closePath() on a path of many
        // hexagons cost Chromium more than all else in a zoom (about 175 ms of 300-400 at 1M
        // points, three redraws; profiled in headless Chromium)
        ctx.moveTo(x0 + off[0], y0 + off[1]);
        for (var v = 2; v < 12; v += 2) ctx.lineTo(x0 + off[v], y0 + off[v + 1]);
        ctx.lineTo(x0 + off[0], y0 + off[1]);
        return;
      }
      var m = lv.m, nv = lv.nv, o = c * 2 * nv, xa = m[o] * sc.scale - sc.ox, ya = m[o + 1] * sc.scale - sc.oy;
      if (xa < -200 || ya < -200 || xa > W + 200 || ya > H + 200) return;
      ctx.moveTo(xa, ya);
      for (var k = 1; k < nv; k++) ctx.lineTo(m[o + 2 * k] * sc.scale - sc.ox, m[o + 2 * k + 1] * sc.scale - sc.oy);
      ctx.lineTo(xa, ya);
    },

    _draw: function (ctx, c, sc, size) {
      var lv = this.current();
      if (!lv) return;
      var off = [], shown = 0;
      if (lv.kind === 'grid') {
        var R = lv.s * sc.scale;
        for (var a = 0; a < 6; a++) { var ang = Math.PI / 6 + a * Math.PI / 3; off.push(R * Math.cos(ang), R * Math.sin(ang)); }
      }
      for (var q = 0; q < lv.nc; q++) if (lv.count[q]) shown++;
      ctx.globalAlpha = this.spec.fillOpacity || 0.7;
      for (var k = 0; k < lv.colors.length; k++) {
        ctx.beginPath();
        for (var i = 0; i < lv.nc; i++) {
          if (!lv.count[i] || lv.cls[i] !== k) continue;
          this._path(ctx, lv, i, sc, size.x, size.y, off);
        }
        ctx.fillStyle = lv.colors[k];
        ctx.fill();
        if (shown < 20000) { ctx.lineWidth = 0.6; ctx.strokeStyle = 'rgba(255,255,255,0.7)'; ctx.stroke(); }
      }
      ctx.globalAlpha = 1;
    },

    // the hexagon under a container point (index in the level shown, with points), or -1
    cellAt: function (cp) {
      var lv = this.current();
      if (!lv) return -1;
      var sc = this._screen();
      if (lv.kind === 'grid') {
        var h = hexOf((cp.x + sc.ox) / sc.scale, (cp.y + sc.oy) / sc.scale, lv.s), c = lv.table.get(h[0], h[1]);
        return c >= 0 && lv.count[c] ? c : -1;
      }
      var m = lv.m, nv = lv.nv;
      for (var i = 0; i < lv.nc; i++) {
        if (!lv.count[i]) continue;
        var o = i * 2 * nv, inside = false;
        for (var a = 0, b = nv - 1; a < nv; b = a++) {
          var xa = m[o + 2 * a] * sc.scale - sc.ox, ya = m[o + 2 * a + 1] * sc.scale - sc.oy;
          var xb = m[o + 2 * b] * sc.scale - sc.ox, yb = m[o + 2 * b + 1] * sc.scale - sc.oy;
          if ((ya > cp.y) !== (yb > cp.y) && cp.x < (xb - xa) * (cp.y - ya) / (yb - ya) + xa) inside = !inside;
        }
        if (inside) return i;
      }
      return -1;
    },

    describe: function (i) {
      var lv = this.current(), U = this.spec.ui, rows = [];
      if (lv.kind === 'h3') rows.push([U.res, String(lv.res)]);
      rows.push([U.points, fmt(lv.count[i])]);
      if (lv.sum) {
        rows.push([U.sum + ' ' + U.weight, fmt(lv.sum[i])]);
        rows.push([U.mean + ' ' + U.weight, fmt(lv.sum[i] / Math.max(1, lv.count[i]))]);
      }
      var h3 = lv.kind === 'h3';
      return {t: h3 ? U.cell + ' ' + lv.cells[i] : U.hexagon, r: rows, index: i,
              count: lv.count[i], sum: lv.sum ? lv.sum[i] : lv.count[i],
              res: h3 ? lv.res : null, cell: h3 ? lv.cells[i] : null, z: h3 ? null : lv.z};
    },

    // rows (of the layer) of the shown points in hexagon i of the level shown, ascending
    rowsOf: function (i) {
      var lv = this.current(), idx = lv.idx, hide = this.hide, rows = this.rows, out = [];
      for (var p = 0; p < this.n; p++) if (idx[p] === i && !(hide && hide[p])) out.push(rows[p]);
      return out.sort(function (a, b) { return a - b; });
    },

    select: function (i) {
      var rows = this.lastSelected = this.rowsOf(i), b = window.jjjBridge;
      if (b && typeof b.rowsSelected === 'function') {
        try { b.rowsSelected(this.spec.id, rows); } catch (e) { /* the app's side: never break the map */ }
      }
      return rows;
    },

    _click: function (e) {
      var i = this.cellAt(e.containerPoint), self = this;
      if (i < 0) return;
      var d = this.lastIdentified = this.describe(i), node = null;
      if (window.jjjBridge) {   // in the app: the attribute table and the map agree on it
        node = window.jjjUi.el('div', 'jjj-p-link');
        var btn = window.jjjUi.el('button', null, this.spec.ui.select.replace('%n', fmt(d.count)), node);
        btn.type = 'button'; btn.setAttribute('data-hex', 'select');
        btn.addEventListener('click', function () { self.select(i); });
      }
      if (this.identify) this.identify(e.latlng, {t: d.t, r: d.r, node: node});
    }
  });
})();
