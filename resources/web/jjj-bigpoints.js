/* jjjmap large point layer (render/pointbin.py): points sorted by the cells of a
 * web-mercator grid, fetched as one ArrayBuffer from the app's scheme (bin/...) or
 * decoded once from base64 in an export. A redraw visits only the cells in view; at low
 * zooms it draws pre-binned levels (one entry per occupied pixel, with how many points it
 * stands for) instead of the points, so its work follows the screen, not the layer.
 * Attributes come on demand: fetched from the app, or decoded from columnar data. */
(function () {
  'use strict';

  var LITTLE = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

  function bufferOf(str) {
    var bin = atob(str || ''), n = bin.length, u8 = new Uint8Array(n);
    for (var i = 0; i < n; i++) u8[i] = bin.charCodeAt(i);
    return u8.buffer;
  }

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

  function fetchBuffer(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return r.arrayBuffer();
    });
  }

  window.JjjBigPoints = L.Layer.extend({
    initialize: function (spec, pane, onPick) {
      var b = spec.bin, self = this;
      this.spec = spec; this.options = {pane: pane}; this.onPick = onPick;
      this.n = b.n; this._shown = b.n; this.hide = null;
      this.alpha = spec.style.alpha === undefined ? 0.85 : spec.style.alpha;
      this.loaded = null;
      if (b.geoB64 !== undefined) {
        this._take(bufferOf(b.geoB64), bufferOf(b.styB64));
      } else {
        this.loaded = Promise.all([fetchBuffer(b.geoUrl), fetchBuffer(b.styUrl)])
          .then(function (bufs) { self._take(bufs[0], bufs[1]); self.redraw(); })
          .catch(function (e) { console.warn('jjjmap: points did not arrive', e); });
      }
    },
    _take: function (geo, sty) {
      var b = this.spec.bin, g = views(geo, b.geo), s = views(sty, b.sty);
      this.x = g.x; this.y = g.y; this.rows = g.rows; this.starts = g.off;   // not this.off: that is L.Layer's own
      this.ci = s.ci || null; this.r = s.r || null; this.stack = s.stack || null;
      this.levels = (b.levels || []).map(function (l) {
        return {level: l.level, side: l.side, x0: l.x0, y0: l.y0, nx: l.nx, ny: l.ny,
                idx: g[l.name + 'i'], cnt: g[l.name + 'c'], off: g[l.name + 'o']};
      });
      if (this.hide) this.setHidden(this._hidden);
    },
    setHidden: function (hidden) {
      this._hidden = hidden;
      if (!this.rows) return;
      var n = this.n, h = this.hide || (this.hide = new Uint8Array(n)), rows = this.rows, shown = 0;
      var mask = hidden.mask;
      if (mask) { for (var i = 0; i < n; i++) { h[i] = mask[rows[i]]; shown += 1 - h[i]; } }
      else { for (var j = 0; j < n; j++) { h[j] = hidden(rows[j]) ? 1 : 0; shown += 1 - h[j]; } }
      this._shown = shown;
      this.redraw();
    },
    shownCount: function () { return this._shown; },
    _offset: window.JjjPointCloud.prototype._offset,
    _anim: window.JjjPointCloud.prototype._anim,
    _screen: window.JjjPointCloud.prototype._screen,
    redraw: window.JjjPointCloud.prototype.redraw,
    _onView: window.JjjPointCloud.prototype._onView,
    _rgba: window.JjjPointCloud.prototype._rgba,
    onAdd: window.JjjPointCloud.prototype.onAdd,         // the same canvas and map events
    onRemove: window.JjjPointCloud.prototype.onRemove,
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
    // cells [cx0..cx1] x [cy0..cy1] of a grid (k cells per world unit) that meet the view
    _cells: function (k, x0, y0, nx, ny, sc, size, pad) {
      var ux0 = (sc.ox - pad) / sc.scale, uy0 = (sc.oy - pad) / sc.scale;
      var ux1 = (sc.ox + size.x + pad) / sc.scale, uy1 = (sc.oy + size.y + pad) / sc.scale;
      return [Math.max(0, Math.floor(ux0 * k) - x0), Math.min(nx - 1, Math.floor(ux1 * k) - x0),
              Math.max(0, Math.floor(uy0 * k) - y0), Math.min(ny - 1, Math.floor(uy1 * k) - y0)];
    },
    _draw: function (ctx, c, sc, size, dpr) {
      var w = c.width, h = c.height, img = this._img;
      if (!img || img.width !== w || img.height !== h) {
        img = this._img = ctx.createImageData(w, h); this._buf = new Uint32Array(img.data.buffer);
      }
      var buf = this._buf;
      buf.fill(0);
      this.drawn = 0;
      if (!this.x) { ctx.putImageData(img, 0, 0); return; }
      var b = this.spec.bin, R = this.spec.style.radius || 5, cols = this._rgba();
      var x = this.x, y = this.y, ci = this.ci, rr = this.r, stack = this.stack, hide = this.hide;
      var bx = b.ox * sc.scale - sc.ox, by = b.oy * sc.scale - sc.oy, scale = sc.scale;
      var blend = this.alpha < 0.8, spans = {}, self = this;
      var alphaOf = [];   // alpha (0..256) of an entry standing for k points: 1-(1-a)^k
      for (var q = 0; q <= 16; q++) alphaOf.push(Math.round(256 * (1 - Math.pow(1 - this.alpha, Math.max(1, q)))));
      function disc(i, k) {
        var px = x[i] * scale + bx, py = y[i] * scale + by, r = rr ? rr[i] : R;
        if (stack && stack[i]) { var o = self._offset(i, r); px += o[0]; py += o[1]; }
        var X = Math.round(px * dpr), Y = Math.round(py * dpr), rad = Math.max(1, Math.round(r * dpr));
        if (X < -rad || Y < -rad || X >= w + rad || Y >= h + rad) return;
        self.drawn++;
        var col = cols[ci ? ci[i] : 0], a = alphaOf[1];
        if (k > 1 && LITTLE) {
          a = alphaOf[Math.min(16, k)];
          col = ((col & 0xffffff) | (Math.min(255, a) << 24)) >>> 0;
        }
        window.JjjBlitDisc(buf, w, h, X, Y, rad, col, a, blend, spans);   // jjj-points.js
      }
      var pad = (rr ? 20 : R) + (stack ? 40 : 2), cx, cy, e, e1, cell, lv = this._level(this._zoom);
      if (lv) {
        var kl = 256 * Math.pow(2, lv.level) / lv.side, range = this._cells(kl, lv.x0, lv.y0, lv.nx, lv.ny, sc, size, pad);
        for (cy = range[2]; cy <= range[3]; cy++) {
          for (cx = range[0]; cx <= range[1]; cx++) {
            cell = cy * lv.nx + cx;
            for (e = lv.off[cell], e1 = lv.off[cell + 1]; e < e1; e++) disc(lv.idx[e], lv.cnt[e]);
          }
        }
      } else {
        var g = b.grid, rg = this._cells(Math.pow(2, g.z), g.x0, g.y0, g.nx, g.ny, sc, size, pad);
        for (cy = rg[2]; cy <= rg[3]; cy++) {
          for (cx = rg[0]; cx <= rg[1]; cx++) {
            cell = cy * g.nx + cx;
            for (e = this.starts[cell], e1 = this.starts[cell + 1]; e < e1; e++) {
              if (!hide || !hide[e]) disc(e, 1);
            }
          }
        }
      }
      this.level = lv ? lv.level : null;
      ctx.putImageData(img, 0, 0);
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
        }).then(function (d) { done(d.v || null, d.lb === undefined ? null : d.lb); })
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
