/* jjjmap density binning off the page's main thread (jjj-heat.js, jjj-hexbin.js).
 * A new zoom's hexagon grid (every point to its cell) and a heatmap's density grid (points
 * summed into cells, smoothed, scaled) are made in a Web Worker, so a pan or zoom over a
 * million points does not freeze the map while they are made; the layer keeps its last
 * drawing (scaled to the new view) until the answer comes, and an answer for a view the user
 * has left is dropped.
 * The binning is written once, in `kernel`: the page runs it itself when a worker cannot be
 * made (no Worker, a policy that forbids it, an error in it), and the worker's source is
 * that same function's text in a blob: URL, so an exported file carries its worker inside
 * (nothing beside it to load, nothing from the network; the app page's policy allows
 * `worker-src blob:`, render/csp.py). The points go to the worker once
 * per layer (their buffer transferred, not copied per zoom); each request then sends a few
 * numbers and gets typed arrays back, transferred.
 * Our own code, no library. */
(function () {
  'use strict';
  var D = window.JjjDensity = window.JjjDensity || {};

  // The binning itself: pure functions of typed arrays (no DOM), run in the worker or here.
  function kernel() {
    var SQ3 = Math.sqrt(3);

    // lon/lat (Float32, interleaved) to unit web-mercator, as jjj-points.js projects them
    function project(xy, n) {
      var mx = new Float64Array(n), my = new Float64Array(n);
      for (var i = 0; i < n; i++) {
        var lon = xy[2 * i], lat = xy[2 * i + 1];
        var s = Math.sin(Math.max(-85.0511, Math.min(85.0511, lat)) * Math.PI / 180);
        mx[i] = (lon + 180) / 360;
        my[i] = 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
      }
      return {mx: mx, my: my};
    }

    // the cells of a grid level: open addressing on (q, r) in typed arrays, grown at half
    // full. A Map of numeric keys and an array per point took 5 s for 1M points at zoom 12
    // (535k cells) in node; this about 1 s, and a fifth less at coarse zooms.
    function CellTable(t) {
      if (t) {   // the arrays of a table made elsewhere (the worker's answer)
        this.cap = t.cap; this.mask = t.cap - 1; this.n = t.n;
        this.tq = t.tq; this.tr = t.tr; this.tc = t.tc; this.q = t.q; this.r = t.r;
        return;
      }
      this.cap = 1024; this.mask = this.cap - 1; this.n = 0;
      this.tq = new Int32Array(this.cap); this.tr = new Int32Array(this.cap);
      this.tc = new Int32Array(this.cap).fill(-1);
      this.q = new Int32Array(1024); this.r = new Int32Array(1024);
    }
    CellTable.prototype._slot = function (q, r) {
      var h = (Math.imul(q, 73856093) ^ Math.imul(r, 19349663)) & this.mask;
      while (this.tc[h] !== -1 && (this.tq[h] !== q || this.tr[h] !== r)) h = (h + 1) & this.mask;
      return h;
    };
    CellTable.prototype.get = function (q, r) { return this.tc[this._slot(q, r)]; };   // -1: none
    CellTable.prototype.add = function (q, r) {
      var h = this._slot(q, r), c = this.tc[h];
      if (c !== -1) return c;
      c = this.n++;
      this.tq[h] = q; this.tr[h] = r; this.tc[h] = c;
      if (c >= this.q.length) {
        var nq = new Int32Array(this.q.length * 2), nr = new Int32Array(this.r.length * 2);
        nq.set(this.q); nr.set(this.r); this.q = nq; this.r = nr;
      }
      this.q[c] = q; this.r[c] = r;
      if (this.n * 2 > this.cap) this._grow();
      return c;
    };
    CellTable.prototype._grow = function () {
      var oq = this.tq, or = this.tr, oc = this.tc, old = this.cap;
      this.cap = old * 2; this.mask = this.cap - 1;
      this.tq = new Int32Array(this.cap); this.tr = new Int32Array(this.cap);
      this.tc = new Int32Array(this.cap).fill(-1);
      for (var i = 0; i < old; i++) {
        if (oc[i] === -1) continue;
        var h = this._slot(oq[i], or[i]);
        this.tq[h] = oq[i]; this.tr[h] = or[i]; this.tc[h] = oc[i];
      }
    };

    // a cell's value: its count, or the sum or mean of its points' weights
    function statOf(count, sum, c, stat) {
      return stat === 'sum' ? sum[c] : stat === 'mean' ? sum[c] / count[c] : count[c];
    }

    function countCells(idx, n, nc, w, hide) {
      var count = new Float64Array(nc), sum = w ? new Float64Array(nc) : null;
      for (var i = 0; i < n; i++) {
        var c = idx[i];
        if (c < 0 || (hide && hide[i])) continue;
        count[c] += 1;
        if (sum) sum[c] += w[i];
      }
      return {count: count, sum: sum};
    }

    // upper limits of at most k classes: each distinct value when there are few, geometric
    // steps when the values span orders of magnitude (clustered counts), else quantiles
    function breaksOf(values, k, whole) {
      if (!values.length) return [];
      var s = values.sort(), distinct = [];
      for (var i = 0; i < s.length; i++) if (!i || s[i] !== s[i - 1]) distinct.push(s[i]);
      var lo = distinct[0], hi = distinct[distinct.length - 1], b = [];
      if (distinct.length <= k) b = distinct;
      else if (lo > 0 && hi / lo > 50) { for (var g = 1; g <= k; g++) b.push(lo * Math.pow(hi / lo, g / k)); }
      else { for (var q = 1; q <= k; q++) b.push(s[Math.max(0, Math.ceil(q / k * s.length) - 1)]); }
      if (whole) b = b.map(Math.ceil);
      var out = [];
      b.forEach(function (v) { if (!out.length || v > out[out.length - 1]) out.push(v); });
      if (out[out.length - 1] < hi) out[out.length - 1] = hi;
      return out;
    }

    function classify(count, sum, nc, stat, breaks) {   // each cell's class (0: the lowest)
      var cls = new Uint8Array(nc), last = breaks.length - 1;
      for (var c = 0; c < nc; c++) {
        if (!count[c]) continue;
        var v = statOf(count, sum, c, stat), k = 0;
        while (k < last && v > breaks[k]) k++;
        cls[c] = k;
      }
      return cls;
    }

    // a level's counts, sums, classes (k at most) and smallest value, from all its points
    function levelStats(idx, n, nc, w, stat, k) {
      var st = countCells(idx, n, nc, w, null), count = st.count, m = 0, c;
      for (c = 0; c < nc; c++) if (count[c]) m++;
      var vals = new Float64Array(m);
      m = 0;
      for (c = 0; c < nc; c++) if (count[c]) vals[m++] = statOf(count, st.sum, c, stat);
      var min = Infinity;
      for (c = 0; c < m; c++) if (vals[c] < min) min = vals[c];
      st.min = m ? min : 0;
      st.breaks = breaksOf(vals, k, stat === 'count');
      st.cls = classify(count, st.sum, nc, stat, st.breaks);
      return st;
    }

    // every point to its hexagon (axial q, r; pointy-top, circumradius s in mercator units,
    // cube rounding), then the level's counts and classes (levelStats)
    function hexLevel(mx, my, n, s, w, stat, k) {
      var idx = new Int32Array(n), cells = new CellTable();
      for (var i = 0; i < n; i++) {
        var x = mx[i], y = my[i], qf = (SQ3 / 3 * x - y / 3) / s, rf = (2 / 3 * y) / s, tf = -qf - rf;
        var q = Math.round(qf), r = Math.round(rf), t = Math.round(tf);
        var dq = Math.abs(q - qf), dr = Math.abs(r - rf), dt = Math.abs(t - tf);
        if (dq > dr && dq > dt) q = -r - t; else if (dr > dt) r = -q - t;
        idx[i] = cells.add(q, r);
      }
      var out = levelStats(idx, n, cells.n, w, stat, k);
      out.idx = idx; out.n = cells.n; out.cap = cells.cap;
      out.tq = cells.tq; out.tr = cells.tr; out.tc = cells.tc;
      out.q = cells.q.slice(0, cells.n); out.r = cells.r.slice(0, cells.n);
      return out;
    }

    // seven taps, sigma of half the radius, cut at the radius (three cells)
    var KERNEL = (function () {
      var k = [], sum = 0, sig = 1.5;
      for (var d = -3; d <= 3; d++) { var v = Math.exp(-d * d / (2 * sig * sig)); k.push(v); sum += v; }
      return k.map(function (v) { return v / sum; });
    })();

    function blur(src, gw, gh) {   // separable Gaussian: rows, then columns
      var k = KERNEL, tmp = new Float32Array(src.length), out = new Float32Array(src.length);
      var x, y, d, acc, xx, yy;
      for (y = 0; y < gh; y++) {
        var row = y * gw;
        for (x = 0; x < gw; x++) {
          acc = 0;
          for (d = -3; d <= 3; d++) { xx = x + d; if (xx >= 0 && xx < gw) acc += k[d + 3] * src[row + xx]; }
          tmp[row + x] = acc;
        }
      }
      for (y = 0; y < gh; y++) {
        for (x = 0; x < gw; x++) {
          acc = 0;
          for (d = -3; d <= 3; d++) { yy = y + d; if (yy >= 0 && yy < gh) acc += k[d + 3] * tmp[yy * gw + x]; }
          out[y * gw + x] = acc;
        }
      }
      return out;
    }

    // a heatmap's density on a view: p = {scale, ox, oy, R, cell, gw, gh, W, H} (as
    // jjj-heat.js sets them); {dens (gw x gh) or null when no point weighs in view, top:
    // the 99th percentile of the cells with any density}
    function heatGrid(mx, my, n, w, hide, p) {
      var grid = new Float32Array(p.gw * p.gh), any = false, R = p.R, cell = p.cell, gw = p.gw;
      var sc = p.scale, ox = p.ox - R, oy = p.oy - R, W = p.W, H = p.H;
      for (var i = 0; i < n; i++) {
        if (hide && hide[i]) continue;
        var x = mx[i] * sc - ox, y = my[i] * sc - oy;
        if (x < 0 || y < 0 || x >= W || y >= H) continue;
        var wi = w ? w[i] : 1;
        if (wi > 0) { grid[((y / cell) | 0) * gw + ((x / cell) | 0)] += wi; any = true; }
      }
      if (!any) return {dens: null, top: 0};
      var dens = blur(grid, gw, p.gh), m = 0, k;
      for (k = 0; k < dens.length; k++) if (dens[k] > 0) m++;
      var filled = new Float32Array(m);
      m = 0;
      for (k = 0; k < dens.length; k++) if (dens[k] > 0) filled[m++] = dens[k];
      filled.sort();
      return {dens: dens, top: filled[Math.min(m - 1, Math.floor(m * 0.99))]};
    }

    return {project: project, CellTable: CellTable, hexLevel: hexLevel, heatGrid: heatGrid,
            statOf: statOf, countCells: countCells, levelStats: levelStats, classify: classify};
  }

  // The worker: the layers' points by id; answers one request at a time, in order.
  function workerMain() {
    /* global kernel */
    var K = kernel(), layers = {};
    self.onmessage = function (e) {
      var m = e.data, L = layers[m.id];
      if (m.op === 'points') {
        var p = K.project(m.xy, m.n);
        layers[m.id] = {mx: p.mx, my: p.my, n: m.n, w: m.w, hide: null};
      } else if (m.op === 'hide') {
        if (L) L.hide = m.hide;
      } else if (m.op === 'drop') {
        delete layers[m.id];
      } else if (m.op === 'hex' && L) {
        var lv = K.hexLevel(L.mx, L.my, L.n, m.s, L.w, m.stat, m.k);
        var bufs = [lv.idx, lv.tq, lv.tr, lv.tc, lv.q, lv.r, lv.count, lv.cls];
        if (lv.sum) bufs.push(lv.sum);
        self.postMessage({id: m.id, seq: m.seq, lv: lv}, bufs.map(function (a) { return a.buffer; }));
      } else if (m.op === 'heat' && L) {
        var g = K.heatGrid(L.mx, L.my, L.n, L.w, L.hide, m.p);
        self.postMessage({id: m.id, seq: m.seq, heat: g}, g.dens ? [g.dens.buffer] : []);
      } else {
        self.postMessage({id: m.id, seq: m.seq, lost: true});
      }
    };
  }

  var K = D.kernel = kernel();
  var worker = null, broken = !window.jjjUi.canMakeWorker;
  var waiting = {}, pending = 0, idle = [], nextId = 1;

  function settled() {
    if (pending || !idle.length) return;
    var cbs = idle.splice(0);
    cbs.forEach(function (cb) { cb(); });
  }

  function fail() {   // the worker is gone: every request still open runs here
    broken = true;
    if (worker) { try { worker.terminate(); } catch (e) { /* gone already */ } }
    worker = null;
    var open = waiting; waiting = {};
    Object.keys(open).forEach(function (key) { pending--; open[key].local(); });
    settled();
  }

  function theWorker() {
    if (worker || broken) return worker;
    var src = 'var kernel = ' + kernel.toString() + ';\n(' + workerMain.toString() + ')();\n';
    worker = window.jjjUi.blobWorker(src, function (m) {
      var key = m.id + ':' + m.seq, w = waiting[key];
      if (!w) return;
      delete waiting[key]; pending--;
      if (m.lost) w.local(); else w.done(m);
      settled();
    }, fail);
    if (!worker) broken = true;   // no Worker here, or the page's policy forbids one
    return worker;
  }

  // One layer's side of the worker: its points sent once, then requests; the layer keeps
  // at most one open and drops an answer for a view it has left (jjj-hexbin.js,
  // jjj-heat.js). Without a worker, `local()` computes the answer here, at once.
  function Client(lon, lat, w) {
    this.id = nextId++; this.seq = 0; this.n = lon.length; this.sent = false;
    this._lon = lon; this._lat = lat; this._w = w; this._mask = null; this._maskSent = true;
  }
  Client.prototype.usable = function () { return !!theWorker(); };
  // the points to the worker now (after the first drawing), so the first zoom finds them
  // projected there
  Client.prototype.warm = function () { if (theWorker()) this._send(); };
  Client.prototype._send = function () {
    if (this.sent) return;
    var n = this.n, xy = new Float32Array(2 * n), lon = this._lon, lat = this._lat;
    for (var i = 0; i < n; i++) { xy[2 * i] = lon[i]; xy[2 * i + 1] = lat[i]; }
    var w = this._w ? this._w.slice() : null, tr = [xy.buffer];
    if (w) tr.push(w.buffer);
    worker.postMessage({op: 'points', id: this.id, n: n, xy: xy, w: w}, tr);
    this.sent = true; this._maskSent = !this._mask;
  };
  // the time slider's mask, by point (or null): the worker gets a copy with the next request
  Client.prototype.hide = function (mask) { this._mask = mask; this._maskSent = false; };
  // msg: {op, ...}; local(): the same answer computed here; done(answer, by the worker?),
  // always once
  Client.prototype.ask = function (msg, local, done) {
    if (!theWorker()) { done(local(), false); return; }
    this._send();
    if (!this._maskSent) {
      worker.postMessage({op: 'hide', id: this.id, hide: this._mask ? this._mask.slice() : null});
      this._maskSent = true;
    }
    msg.id = this.id; msg.seq = ++this.seq;
    pending++;
    waiting[this.id + ':' + msg.seq] = {
      local: function () { done(local(), false); },
      done: function (m) { done(m.lv || m.heat, true); }
    };
    try { worker.postMessage(msg); } catch (e) { fail(); }
  };
  Client.prototype.drop = function () {
    if (worker && this.sent) worker.postMessage({op: 'drop', id: this.id});
    this.sent = false; this._maskSent = false;
  };

  D.Client = Client;
  // what both density layers (JjjPointCloud subclasses with a `client`) add to their cloud:
  // a version of the slider's mask, a canvas drawn anew once added, the points sent to the
  // worker once added and dropped from it once removed (sent again if added again)
  D.OnWorker = {
    setHidden: function (hidden) {
      this.maskVersion++;
      window.JjjPointCloud.prototype.setHidden.call(this, hidden);
    },
    onAdd: function (m) {
      this._drawn = null;          // a new canvas: nothing on it yet
      window.JjjPointCloud.prototype.onAdd.call(this, m);
      this.client.warm();
    },
    onRemove: function (m) {
      window.JjjPointCloud.prototype.onRemove.call(this, m);
      this.client.drop();
    }
  };
  // fn() once no density layer waits for the worker (the bench and tests: "drawn")
  D.whenIdle = function (fn) { idle.push(fn); settled(); };
  D.pending = function () { return pending; };
  D.usesWorker = function () { return !!worker; };
  // the main-thread path from now on (tests compare it with the worker's)
  D.noWorker = function () { fail(); };
})();
