/* jjjmap large point layer (render/pointbin.py): points sorted by the cells of a
 * web-mercator grid, fetched as one ArrayBuffer from the app's scheme (bin/...) or
 * decoded once from base64 in an export. A redraw visits only the cells in view; at low
 * zooms it draws pre-binned levels (one entry per occupied pixel, with how many points it
 * stands for) instead of the points, so its work follows the screen, not the layer.
 * Attributes come on demand: fetched from the app, or decoded from columnar data. */
(function () {
  'use strict';

  // The drawing, written once: pure functions of typed arrays (no DOM, no Leaflet), run
  // in the page or in the worker, whose source is this function's text (blitDisc and the
  // stack offset are jjj-points.js's, passed in; in the worker their own text too).
  function kernel(blitDisc, offsetOf) {
    var LITTLE = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
    var TYPES = {Float32Array: Float32Array, Int32Array: Int32Array, Uint32Array: Uint32Array,
                 Uint16Array: Uint16Array, Uint8Array: Uint8Array};

    function views(buf, where) {
      var out = {};
      Object.keys(where || {}).forEach(function (k) {
        var w = where[k], T = TYPES[w[2]];
        if (T) out[k] = new T(buf, w[0], w[1]);
      });
      return out;
    }

    // a layer's arrays from its two buffers (b: the spec's bin without its base64)
    function state(b, geo, sty) {
      var g = views(geo, b.geo), s = views(sty, b.sty);
      return {x: g.x, y: g.y, rows: g.rows, starts: g.off, ci: s.ci || null, r: s.r || null,
              stack: s.stack || null, hide: null, grid: b.grid, ox: b.ox, oy: b.oy,
              levels: (b.levels || []).map(function (l) {
                return {level: l.level, side: l.side, x0: l.x0, y0: l.y0, nx: l.nx, ny: l.ny,
                        idx: g[l.name + 'i'], cnt: g[l.name + 'c'], off: g[l.name + 'o']};
              })};
    }

    // cells [cx0..cx1] x [cy0..cy1] of a grid (k cells per world unit) that meet the view
    function cells(k, x0, y0, nx, ny, v, pad) {
      var ux0 = (v.ox - pad) / v.scale, uy0 = (v.oy - pad) / v.scale;
      var ux1 = (v.ox + v.sx + pad) / v.scale, uy1 = (v.oy + v.sy + pad) / v.scale;
      return [Math.max(0, Math.floor(ux0 * k) - x0), Math.min(nx - 1, Math.floor(ux1 * k) - x0),
              Math.max(0, Math.floor(uy0 * k) - y0), Math.min(ny - 1, Math.floor(uy1 * k) - y0)];
    }

    // the discs of the cells in view into buf (w x h Uint32 pixels, cleared here): S a
    // layer's state with its style (R, alpha, cols: Uint32 colours), v a view {scale, ox,
    // oy, sx, sy (CSS pixels), dpr, lv: index of the pre-binned level or -1}; returns how
    // many discs it drew
    function draw(S, v, buf, w, h) {
      buf.fill(0);
      if (!S.x) return 0;
      var R = S.R, cols = S.cols, dpr = v.dpr, drawn = 0;
      var x = S.x, y = S.y, ci = S.ci, rr = S.r, stack = S.stack, hide = S.hide;
      var bx = S.ox * v.scale - v.ox, by = S.oy * v.scale - v.oy, scale = v.scale;
      var blend = S.alpha < 0.8, spans = {};
      var alphaOf = [];   // alpha (0..256) of an entry standing for k points: 1-(1-a)^k
      for (var q = 0; q <= 16; q++) alphaOf.push(Math.round(256 * (1 - Math.pow(1 - S.alpha, Math.max(1, q)))));
      function disc(i, k) {
        var px = x[i] * scale + bx, py = y[i] * scale + by, r = rr ? rr[i] : R;
        if (stack && stack[i]) { var o = offsetOf.call(S, i, r); px += o[0]; py += o[1]; }
        var X = Math.round(px * dpr), Y = Math.round(py * dpr), rad = Math.max(1, Math.round(r * dpr));
        if (X < -rad || Y < -rad || X >= w + rad || Y >= h + rad) return;
        drawn++;
        var col = cols[ci ? ci[i] : 0], a = alphaOf[1];
        if (k > 1 && LITTLE) {
          a = alphaOf[Math.min(16, k)];
          col = ((col & 0xffffff) | (Math.min(255, a) << 24)) >>> 0;
        }
        blitDisc(buf, w, h, X, Y, rad, col, a, blend, spans);
      }
      var pad = (rr ? 20 : R) + (stack ? 40 : 2), cx, cy, e, e1, cell, lv = v.lv >= 0 ? S.levels[v.lv] : null;
      if (lv) {
        var kl = 256 * Math.pow(2, lv.level) / lv.side, range = cells(kl, lv.x0, lv.y0, lv.nx, lv.ny, v, pad);
        for (cy = range[2]; cy <= range[3]; cy++) {
          for (cx = range[0]; cx <= range[1]; cx++) {
            cell = cy * lv.nx + cx;
            for (e = lv.off[cell], e1 = lv.off[cell + 1]; e < e1; e++) disc(lv.idx[e], lv.cnt[e]);
          }
        }
      } else {
        var g = S.grid, rg = cells(Math.pow(2, g.z), g.x0, g.y0, g.nx, g.ny, v, pad);
        for (cy = rg[2]; cy <= rg[3]; cy++) {
          for (cx = rg[0]; cx <= rg[1]; cx++) {
            cell = cy * g.nx + cx;
            for (e = S.starts[cell], e1 = S.starts[cell + 1]; e < e1; e++) {
              if (!hide || !hide[e]) disc(e, 1);
            }
          }
        }
      }
      return drawn;
    }

    return {TYPES: TYPES, state: state, draw: draw};
  }

  // The worker: the layers' state by id (their buffers arrive once, copies transferred);
  // a view is drawn into a pixel buffer that goes back transferred, and the page puts it on
  // its canvas (putImageData, 1-2 ms). An OffscreenCanvas + ImageBitmap drawn with drawImage
  // was tried first: the same layer cost, but in the app (QtWebEngine, software) the whole
  // page's zoom frames were worse with it (bench/README.md).
  // The page keeps one request open per layer, so nothing queues here to go stale.
  function workerMain(K) {
    var layers = {};
    self.onmessage = function (e) {
      var m = e.data, S = layers[m.id];
      if (m.op === 'points') {
        S = layers[m.id] = K.state(m.b, m.geo, m.sty);
        S.R = m.R; S.alpha = m.alpha; S.cols = m.cols; S.canvas = null;
      } else if (m.op === 'hide') {
        if (S) S.hide = m.hide;
      } else if (m.op === 'drop') {
        delete layers[m.id];
      } else if (m.op === 'draw' && S) {
        var px = new Uint8ClampedArray(m.w * m.h * 4);   // transferred: a new one a frame
        var t0 = performance.now(), drawn = K.draw(S, m.v, new Uint32Array(px.buffer), m.w, m.h);
        self.postMessage({id: m.id, seq: m.seq, drawn: drawn, px: px, w: m.w, h: m.h,
                          ms: performance.now() - t0}, [px.buffer]);
      } else {
        self.postMessage({id: m.id, seq: m.seq, lost: true});
      }
    };
  }

  // copies of ArrayBuffers, made 4 ms of copying per task, then done(copies)
  function copyInSlices(bufs, done) {
    var out = bufs.map(function (b) { return new ArrayBuffer(b.byteLength); }), i = 0, at = 0;
    (function step() {
      var t = performance.now();
      while (i < bufs.length && performance.now() - t < 4) {
        var n = Math.min(1 << 22, bufs[i].byteLength - at);
        new Uint8Array(out[i], at, n).set(new Uint8Array(bufs[i], at, n));
        at += n;
        if (at >= bufs[i].byteLength) { i++; at = 0; }
      }
      if (i < bufs.length) setTimeout(step, 0); else done(out);
    })();
  }

  function bufferOf(str) {
    var bin = atob(str || ''), n = bin.length, u8 = new Uint8Array(n);
    for (var i = 0; i < n; i++) u8[i] = bin.charCodeAt(i);
    return u8.buffer;
  }

  function fetchBuffer(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return r.arrayBuffer();
    });
  }

  var offset = window.JjjPointCloud.prototype._offset, K = kernel(window.JjjBlitDisc, offset);
  var TYPES = K.TYPES;

  // One worker for every large layer, made from the kernel's text in a blob: URL, as
  // jjj-density-worker.js makes its own (an export carries it; CSP `worker-src blob:`).
  // No Worker, a policy that forbids it, an error in it: every layer
  // draws in the page from then on.
  var worker = null, broken = !window.jjjUi.canMakeWorker || !window.ImageData;
  var clients = {}, nextId = 1;
  // the page's own drawing from now on (tests compare it with the worker's)
  window.JjjBigPointsNoWorker = function () { fail(); };
  window.JjjBigPointsUsesWorker = function () { return !!worker; };

  function fail() {
    broken = true;
    if (worker) { try { worker.terminate(); } catch (e) { /* gone already */ } }
    worker = null;
    Object.keys(clients).forEach(function (id) { clients[id]._lost(); });
  }

  function theWorker() {
    if (worker || broken) return worker;
    var src = 'var K = (' + kernel.toString() + ')(' + window.JjjBlitDisc.toString() + ', ' +
              offset.toString() + ');\n(' + workerMain.toString() + ')(K);\n';
    worker = window.jjjUi.blobWorker(src, function (m) {
      var c = clients[m.id];
      if (c) c._answer(m);
    }, fail);
    if (!worker) broken = true;
    return worker;
  }

  var Cloud = window.JjjPointCloud;
  window.JjjBigPoints = L.Layer.extend({
    initialize: function (spec, pane, onPick) {
      var b = spec.bin, self = this;
      this.spec = spec; this.options = {pane: pane}; this.onPick = onPick;
      this.n = b.n; this._shown = b.n; this.hide = null;
      this.alpha = spec.style.alpha === undefined ? 0.85 : spec.style.alpha;
      this.loaded = null; this.id = nextId++; this.seq = 0; this.sent = false;
      this.drawnBy = null;   // 'page' or 'worker': who drew the frame shown (tests, bench)
      if (b.geoB64 !== undefined) {
        this._take(bufferOf(b.geoB64), bufferOf(b.styB64));
      } else {
        this.loaded = Promise.all([fetchBuffer(b.geoUrl), fetchBuffer(b.styUrl)])
          .then(function (bufs) { self._take(bufs[0], bufs[1]); self.redraw(); })
          .catch(function (e) { console.warn('jjjmap: points did not arrive', e); });
      }
    },
    _take: function (geo, sty) {
      var S = this.S = K.state(this._meta(), geo, sty);
      this._geo = geo; this._sty = sty;   // copies go to the worker once the first frame is drawn
      this.x = S.x; this.y = S.y; this.rows = S.rows; this.starts = S.starts;   // not this.off: that is L.Layer's own
      this.ci = S.ci; this.r = S.r; this.stack = S.stack; this.levels = S.levels;
      S.R = this.spec.style.radius || 5; S.alpha = this.alpha;
      if (this._hidden) this.setHidden(this._hidden);   // a mask set while the buffers were on their way
    },
    _meta: function () {   // the spec's bin without its base64 (what the worker needs)
      var b = this.spec.bin;
      return {geo: b.geo, sty: b.sty, levels: b.levels, grid: b.grid, ox: b.ox, oy: b.oy};
    },
    setHidden: function (hidden) {
      this._hidden = hidden;
      if (!this.rows) return;
      var n = this.n, h = this.hide || (this.hide = new Uint8Array(n)), rows = this.rows, shown = 0;
      var mask = hidden.mask;
      if (mask) { for (var i = 0; i < n; i++) { h[i] = mask[rows[i]]; shown += 1 - h[i]; } }
      else { for (var j = 0; j < n; j++) { h[j] = hidden(rows[j]) ? 1 : 0; shown += 1 - h[j]; } }
      this._shown = shown; this.S.hide = h; this._hideSent = false;
      this.redraw();
    },
    shownCount: function () { return this._shown; },
    _offset: Cloud.prototype._offset,
    _anim: Cloud.prototype._anim,
    _screen: Cloud.prototype._screen,
    _onView: Cloud.prototype._onView,
    _rgba: Cloud.prototype._rgba,
    onAdd: function (m) {
      clients[this.id] = this;
      Cloud.prototype.onAdd.call(this, m);   // the same canvas and map events
    },
    onRemove: function (m) {
      Cloud.prototype.onRemove.call(this, m);
      delete clients[this.id];
      this._open = null; this._want = false;
      if (worker && this.sent) worker.postMessage({op: 'drop', id: this.id});
      this.sent = false;
    },
    // the pre-binned level for this zoom: a level's pixel as wide as the discs' radius
    // (discs of radius R over R-pixel bins look as all the points do, at 1/R^2 the work),
    // the coarsest level at least that fine
    _level: function (z) {
      if (this.hide || this.r || !this.levels || !this.levels.length) return null;
      var R = Math.max(1, this.spec.style.radius || 5);
      var want = Math.ceil(z - Math.log(R) / Math.LN2 - 1e-9), best = null;
      this.levels.forEach(function (l) {
        if (l.level >= want && (!best || l.level < best.level)) best = l;
      });
      return best;   // none that fine: the points themselves, from the cells in view
    },
    // what kernel.draw takes for the map's view now
    _viewOf: function (sc, size, dpr) {
      var lv = this._level(this._map.getZoom());
      return {scale: sc.scale, ox: sc.ox, oy: sc.oy, sx: size.x, sy: size.y, dpr: dpr,
              lv: lv ? this.levels.indexOf(lv) : -1};
    },
    // After the first frame a view is drawn on the worker: the page only posts the view
    // (the last frame stays, moved and scaled to the view as Leaflet's zoom animation does)
    // and shows the frame when it comes, in one task with the canvas's new position. One
    // request open at a time; a frame for a view the map has left is dropped and the view
    // shown then is asked for.
    redraw: function () {
      if (!this._map) return;
      if (!this.drawnBy || !this.x || !this._workerOk()) { Cloud.prototype.redraw.call(this); return; }
      this.draws = (this.draws || 0) + 1;
      var m = this._map;
      this._anim({zoom: m.getZoom(), center: m.getCenter()});
      if (this._open) { this._want = true; return; }
      this._ask();
    },
    // the worker draws once it holds the layer: copies of its buffers, made a slice per
    // task after the first frame (a 3M layer's 60 MB copied in one go was a 116 ms task)
    _workerOk: function () {
      if (this.sent || !theWorker() || !this._geo) return this.sent;
      if (this._copying) return false;
      var self = this, id = this.id;
      this._copying = true;
      copyInSlices([this._geo, this._sty], function (c) {
        self._copying = false;
        if (!worker || !clients[id]) return;
        worker.postMessage({op: 'points', id: id, b: self._meta(), geo: c[0], sty: c[1],
                            R: self.S.R, alpha: self.alpha, cols: self._rgba()}, c);
        self.sent = true; self._hideSent = !self.hide;
      });
      return false;
    },
    _ask: function () {
      var m = this._map, size = m.getSize(), dpr = window.devicePixelRatio || 1, sc = this._screen();
      if (!this._hideSent) {
        worker.postMessage({op: 'hide', id: this.id, hide: this.hide ? this.hide.slice() : null});
        this._hideSent = true;
      }
      var v = this._viewOf(sc, size, dpr);
      this._want = false;
      this._open = {seq: ++this.seq, v: v, tl: sc.tl, size: size, dpr: dpr, key: this._keyNow(),
                    center: m.getCenter(), zoom: m.getZoom()};
      try {
        worker.postMessage({op: 'draw', id: this.id, seq: this.seq, v: v,
                            w: Math.round(size.x * dpr), h: Math.round(size.y * dpr)});
      } catch (e) { fail(); }
    },
    _keyNow: function () {
      var m = this._map, size = m.getSize(), sc = this._screen();
      return [m.getZoom(), sc.ox, sc.oy, sc.tl.x, sc.tl.y, size.x, size.y, this.S.hide ? this._shown : -1].join();
    },
    _answer: function (a) {
      var o = this._open;
      if (!o || a.seq !== o.seq) return;
      this._open = null;
      if (a.lost || !this._map) { if (this._map) Cloud.prototype.redraw.call(this); return; }
      if (this._want || o.key !== this._keyNow()) {   // the map moved on meanwhile
        this._ask();
        return;
      }
      var t0 = performance.now(), c = this._canvas, w = a.w, h = a.h;
      if (c.width !== w || c.height !== h) { c.width = w; c.height = h; }
      c.style.width = o.size.x + 'px'; c.style.height = o.size.y + 'px';
      c.getContext('2d').putImageData(new ImageData(a.px, w, h), 0, 0);
      L.DomUtil.setPosition(c, o.tl);
      this._center = o.center; this._zoom = o.zoom;
      this.drawn = a.drawn; this.level = o.v.lv >= 0 ? this.levels[o.v.lv].level : null;
      this.drawnBy = 'worker';
      // the bench: the worker's drawing and the page's share of showing it (ms)
      this.timing = {draw: a.ms, show: performance.now() - t0};
      this._idle();
    },
    // the worker is gone: an open request is drawn here
    _lost: function () {
      this.sent = false;
      if (this._open) { this._open = null; this._want = false; Cloud.prototype.redraw.call(this); }
    },
    // fn() once no frame of this layer is on its way (tests, bench: "drawn")
    whenDrawn: function (fn) {
      if (!this._open && !this._want) { fn(); return; }
      (this._idlers || (this._idlers = [])).push(fn);
    },
    pending: function () { return !!(this._open || this._want); },
    _idle: function () {
      if (this._open || this._want || !this._idlers) return;
      var cbs = this._idlers; this._idlers = null;
      cbs.forEach(function (cb) { cb(); });
    },
    // the page's own drawing (the first frame, and every frame without a worker)
    _draw: function (ctx, c, sc, size, dpr) {
      var w = c.width, h = c.height, img = this._img;
      if (!img || img.width !== w || img.height !== h) {
        img = this._img = ctx.createImageData(w, h); this._buf = new Uint32Array(img.data.buffer);
      }
      this.drawn = 0; this.level = null;
      if (this.x) {
        this.S.cols = this._rgba();
        var v = this._viewOf(sc, size, dpr);
        this.drawn = K.draw(this.S, v, this._buf, w, h);
        this.level = v.lv >= 0 ? this.levels[v.lv].level : null;
        this.drawnBy = 'page';
        if (this._map) this._workerOk();   // the worker gets its copy now, for the next view
      } else {
        this._buf.fill(0);
      }
      ctx.putImageData(img, 0, 0);
      this._idle();
    },
    nearest: function (cp, slop) {
      if (!this.x) return -1;
      var sc = this._screen(), b = this.spec.bin, g = b.grid, R = this.spec.style.radius || 5;
      var reach = (this.r ? 20 : R) + slop + (this.stack ? 40 : 0);
      var k = Math.pow(2, g.z), best = -1, bd = Infinity;
      var ux0 = (sc.ox + cp.x - reach) / sc.scale, ux1 = (sc.ox + cp.x + reach) / sc.scale;
      var uy0 = (sc.oy + cp.y - reach) / sc.scale, uy1 = (sc.oy + cp.y + reach) / sc.scale;
      var cx0 = Math.max(0, Math.floor(ux0 * k) - g.x0), cx1 = Math.min(g.nx - 1, Math.floor(ux1 * k) - g.x0);
      var cy0 = Math.max(0, Math.floor(uy0 * k) - g.y0), cy1 = Math.min(g.ny - 1, Math.floor(uy1 * k) - g.y0);
      var bx = b.ox * sc.scale - sc.ox, by = b.oy * sc.scale - sc.oy;
      for (var cy = cy0; cy <= cy1; cy++) {
        for (var cx = cx0; cx <= cx1; cx++) {
          var cell = cy * g.nx + cx;
          for (var i = this.starts[cell]; i < this.starts[cell + 1]; i++) {
            if (this.hide && this.hide[i]) continue;
            var r = this.r ? this.r[i] : R;
            var dx = this.x[i] * sc.scale + bx - cp.x, dy = this.y[i] * sc.scale + by - cp.y;
            var o = this.stack && this.stack[i] ? this._offset(i, r) : null;
            if (o) { dx += o[0]; dy += o[1]; }
            var d = dx * dx + dy * dy, rs = r + slop;
            if (d <= rs * rs && d < bd) { bd = d; best = i; }
          }
        }
      }
      return best;
    },
    _click: function (e) {
      var i = this.nearest(e.containerPoint, 3);
      if (i >= 0 && this.onPick) this.onPick(i, this.latLngOf(i));
    },
    latLngOf: function (i) {
      var b = this.spec.bin, mx = b.ox + this.x[i], my = b.oy + this.y[i];
      var lat = Math.atan(Math.sinh(Math.PI * (1 - 2 * my))) * 180 / Math.PI;
      return L.latLng(lat, mx * 360 - 180);
    },
    // the point of a layer row, or -1 (the points are sorted by grid cell: the inverse of
    // their rows is made once, when first asked)
    indexOfRow: function (row) {
      if (!this.rows) return -1;
      if (!this._byRow) {
        var top = 0, n = this.n, rows = this.rows;
        for (var i = 0; i < n; i++) if (rows[i] > top) top = rows[i];
        var inv = this._byRow = new Int32Array(top + 1).fill(-1);
        for (var j = 0; j < n; j++) inv[rows[j]] = j;
      }
      return row >= 0 && row < this._byRow.length ? this._byRow[row] : -1;
    },
    latLngOfRow: function (row) {
      var at = this.indexOfRow(row);
      return at < 0 ? null : this.latLngOf(at);
    },
    getBounds: function () {
      var bb = this.spec.bin.bounds;
      return L.latLngBounds([bb[0], bb[1]], [bb[2], bb[3]]);
    },
    // a point's attribute values and label: fetched from the app (rowUrl) or decoded from
    // the export's columns (each column decoded the first time it is needed)
    attrsOf: function (i, row, done) {
      var spec = this.spec;
      if (spec.rowUrl) {
        fetch(spec.rowUrl.replace('{row}', String(row))).then(function (r) {
          if (!r.ok) throw new Error('HTTP ' + r.status);
          return r.json();
        }).then(function (d) {
          // the app's fields now: the layer may have come before all its columns were read
          if (d.f) spec.fields = d.f;
          done(d.v || null, d.lb === undefined ? null : d.lb);
        })
          .catch(function () { done(null, null); });
        return;
      }
      var value = function (col) {
        if (!col) return null;
        if (!col.codes) { col.codes = new TYPES[col.t](bufferOf(col.c)); col.texts = JSON.parse(col.u); }
        var k = col.codes[i];
        return k < col.texts.length ? col.texts[k] : '';
      };
      done(spec.cols ? spec.cols.map(value) : null, spec.labelCol ? value(spec.labelCol) : null);
    }
  });
})();
