/* jjjmap canvas point layer: any number of points on one <canvas>.
 * Points arrive packed (base64 Float32 lon/lat, Uint8/16 class, Float32 radius); they are
 * projected once to unit web-mercator, redrawn on every move, and picked by the nearest
 * point under the cursor. No DOM element, no Leaflet object per point. */
(function () {
  'use strict';

  // One disc of radius r (device pixels) centred on (x, y) written into the pixels buf
  // (w x h, one Uint32 RGBA a pixel): opaque, or (blend) at alpha a (0..256) over what is
  // there, so translucent discs add up where points crowd and density shows as depth of
  // colour. spans caches each radius's half-widths, row by row. jjj-bigpoints.js draws
  // with it too.
  function blitDisc(buf, w, h, x, y, r, col, a, blend, spans) {
    var sp = spans[r], b = 256 - a;
    if (!sp) {
      sp = spans[r] = [];
      for (var d = -r + 1; d < r; d++) sp.push(Math.floor(Math.sqrt(r * r - d * d)));
    }
    for (var k = 0; k < sp.length; k++) {
      var yy = y - r + 1 + k;
      if (yy < 0 || yy >= h) continue;
      var x0 = Math.max(0, x - sp[k]), x1 = Math.min(w - 1, x + sp[k]), row = yy * w;
      if (!blend) { for (var xx = x0; xx <= x1; xx++) buf[row + xx] = col; continue; }
      for (var xb = x0; xb <= x1; xb++) {
        var dst = buf[row + xb];
        if (!dst) { buf[row + xb] = col; continue; }
        var rb = ((col & 0xff00ff) * a + (dst & 0xff00ff) * b) >>> 8 & 0xff00ff;
        var g = ((col & 0xff00) * a + (dst & 0xff00) * b) >>> 8 & 0xff00;
        var al = Math.min(255, (col >>> 24) + ((dst >>> 24) * b >> 8));
        buf[row + xb] = ((al << 24) | rb | g) >>> 0;
      }
    }
  }

  var BITMAP_FROM = 50000;   // points above which the layer is drawn pixel by pixel

  function b64(str, Type) {
    if (!str) return null;
    var bin = atob(str), n = bin.length, u8 = new Uint8Array(n);
    for (var i = 0; i < n; i++) u8[i] = bin.charCodeAt(i);
    return new Type(u8.buffer);
  }

  window.JjjBlitDisc = blitDisc;
  window.JjjPointCloud = L.Layer.extend({
    initialize: function (spec, pane, onPick) {
      this.spec = spec; this.options = {pane: pane}; this.onPick = onPick;
      var xy = b64(spec.xy, Float32Array), n = spec.n;
      this.n = n; this.lon = new Float32Array(n); this.lat = new Float32Array(n);
      this.mx = new Float64Array(n); this.my = new Float64Array(n);
      for (var i = 0; i < n; i++) {
        var lon = xy[2 * i], lat = xy[2 * i + 1];
        this.lon[i] = lon; this.lat[i] = lat;
        var s = Math.sin(Math.max(-85.0511, Math.min(85.0511, lat)) * Math.PI / 180);
        this.mx[i] = (lon + 180) / 360;
        this.my[i] = 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
      }
      this.rows = b64(spec.rows, Int32Array);      // null: row i is point i
      if (!this.rows) { this.rows = new Int32Array(n); for (var q = 0; q < n; q++) this.rows[q] = q; }
      this.ci = b64(spec.ci, spec.ciBytes === 2 ? Uint16Array : Uint8Array);
      this.r = b64(spec.r, Float32Array);
      this.rowIndex = {};
      for (var j = 0; j < n; j++) this.rowIndex[this.rows[j]] = j;
      // points on one spot: k-th of its stack (0: the first), drawn on a spiral around it
      this.stack = b64(spec.stack, Uint16Array);
      this.hide = null; this._shown = n;       // time slider mask (jjj-time.js)
      this.alpha = spec.style.alpha === undefined ? 0.85 : spec.style.alpha;
    },
    // hidden(row) -> true: not drawn, not picked, until the next setHidden
    setHidden: function (hidden) {
      var n = this.n, h = this.hide || (this.hide = new Uint8Array(n)), rows = this.rows, shown = 0;
      var mask = hidden.mask;   // by row (jjj-time.js): no call per point
      if (mask) { for (var i = 0; i < n; i++) { h[i] = mask[rows[i]]; shown += 1 - h[i]; } }
      else { for (var j = 0; j < n; j++) { h[j] = hidden(rows[j]) ? 1 : 0; shown += 1 - h[j]; } }
      this._shown = shown;
      this.redraw();
      this.fire('jjjchange');   // the label engine (jjj-labels.js) places again
    },
    // the points in view to label (jjj-labels.js): [{i, x, y, r}] in container pixels, or
    // null when more than `most` are in view (too many to label)
    labelPoints: function (most) {
      if (!this._map) return null;
      var sc = this._screen(), size = this._map.getSize(), R = this.spec.style.radius || 5, out = [];
      for (var i = 0; i < this.n; i++) {
        if (this.hide && this.hide[i]) continue;
        var r = this.r ? this.r[i] : R, x = this.mx[i] * sc.scale - sc.ox, y = this.my[i] * sc.scale - sc.oy;
        var o = this.stack && this.stack[i] ? this._offset(i, r) : null;
        if (o) { x += o[0]; y += o[1]; }
        if (x < -r || y < -r || x > size.x + r || y > size.y + r) continue;
        if (out.length >= most) return null;
        out.push({i: i, x: x, y: y, r: r});
      }
      return out;
    },
    shownCount: function () { return this._shown; },
    // screen offset of a stacked point: a golden-angle spiral, a disc apart
    _offset: function (i, R) {
      var k = this.stack ? this.stack[i] : 0;
      if (!k) return null;
      var d = (2 * R + 2) * 0.62 * Math.sqrt(k), a = k * 2.39996;
      return [d * Math.cos(a), d * Math.sin(a)];
    },
    onAdd: function (m) {
      this._canvas = L.DomUtil.create('canvas', 'jjj-points leaflet-zoom-animated');
      this.getPane().appendChild(this._canvas);
      m.on('moveend zoomend resize viewreset', this._onView, this);
      m.on('zoomanim', this._anim, this);
      m.on('click', this._click, this);
      this._view = null;
      this._onView();
    },
    onRemove: function (m) {
      L.DomUtil.remove(this._canvas);
      m.off('moveend zoomend resize viewreset', this._onView, this);
      m.off('zoomanim', this._anim, this);
      m.off('click', this._click, this);
    },
    _anim: function (e) {
      // as Leaflet's own renderers do: scale the last drawing about the zoom's new origin
      var m = this._map, scale = m.getZoomScale(e.zoom, this._zoom);
      var tl = m.getSize().multiplyBy(0.5).multiplyBy(-scale)
        .add(m.project(this._center, e.zoom)).subtract(m._getNewPixelOrigin(e.center, e.zoom));
      L.DomUtil.setTransform(this._canvas, tl, scale);
    },
    // Leaflet fires three of these per zoom (viewreset, zoomend, moveend) on one view: it
    // is drawn once (a new mask or new data redraws through redraw() itself)
    _onView: function () {
      var m = this._map;
      if (!m) return;
      var size = m.getSize(), sc = this._screen();
      var key = [m.getZoom(), sc.ox, sc.oy, sc.tl.x, sc.tl.y, size.x, size.y].join();
      if (key === this._view) return;
      this._view = key;
      this.redraw();
    },
    _screen: function () {
      var m = this._map, z = m.getZoom(), scale = 256 * Math.pow(2, z), po = m.getPixelOrigin();
      var tl = m.containerPointToLayerPoint([0, 0]);
      return {scale: scale, ox: po.x + tl.x, oy: po.y + tl.y, tl: tl};
    },
    redraw: function () {
      if (!this._map) return;
      this.draws = (this.draws || 0) + 1;   // tests: one drawing per view
      this._center = this._map.getCenter(); this._zoom = this._map.getZoom();
      var size = this._map.getSize(), dpr = window.devicePixelRatio || 1, c = this._canvas;
      var sc = this._screen();
      c.width = size.x * dpr; c.height = size.y * dpr;
      c.style.width = size.x + 'px'; c.style.height = size.y + 'px';
      L.DomUtil.setPosition(c, sc.tl);
      var ctx = c.getContext('2d');
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      this._draw(ctx, c, sc, size, dpr);
    },
    // what the layer paints on its cleared canvas (jjj-heat.js and jjj-hexbin.js paint others)
    _draw: function (ctx, c, sc, size, dpr) {
      var colors = this.spec.colors, st = this.spec.style, R = st.radius || 5;
      var n = this.n, mx = this.mx, my = this.my, ci = this.ci, rr = this.r;
      var hide = this.hide, stack = this.stack;
      if (n > BITMAP_FROM) { this._bitmap(ctx, c, sc, size, dpr); return; }
      var visible = [], outline = n <= 5000;
      ctx.lineWidth = 0.8;
      ctx.strokeStyle = 'rgba(30,30,30,0.8)';
      for (var k = 0; k < colors.length; k++) {
        ctx.beginPath();
        ctx.fillStyle = colors[k];
        for (var i = 0; i < n; i++) {
          if (ci && ci[i] !== k) continue;
          if (hide && hide[i]) continue;
          var x = mx[i] * sc.scale - sc.ox, y = my[i] * sc.scale - sc.oy, r = rr ? rr[i] : R;
          if (stack && stack[i]) { var o = this._offset(i, r); x += o[0]; y += o[1]; }
          if (x < -r || y < -r || x > size.x + r || y > size.y + r) continue;
          if (r <= 2) { ctx.rect(x - r, y - r, 2 * r, 2 * r); }   // tiny: squares are faster
          else { ctx.moveTo(x + r, y); ctx.arc(x, y, r, 0, 6.2832); }
          if (visible.length < 400) visible.push(i);
        }
        ctx.globalAlpha = this.alpha; ctx.fill(); ctx.globalAlpha = 1;
        if (outline) ctx.stroke();
      }
      // a layer's labels are the label engine's (jjj-labels.js sets labelsByEngine); a
      // cloud of its own (jjj-pg.js's counts per grid cell) writes them on its canvas
      if (this.spec.label && !this.labelsByEngine && visible.length < 400) {
        ctx.font = '11px "Noto Sans CJK SC", "Noto Sans", sans-serif';
        ctx.lineWidth = 3; ctx.strokeStyle = 'rgba(255,255,255,0.9)'; ctx.fillStyle = '#222';
        var lab = this.spec.label;
        visible.forEach(function (i) {
          var x = mx[i] * sc.scale - sc.ox + (rr ? rr[i] : R) + 3, y = my[i] * sc.scale - sc.oy + 4;
          ctx.strokeText(lab[i], x, y); ctx.fillText(lab[i], x, y);
        });
      }
    },
    // Many points: a million arcs in one canvas path take half a minute to fill in software
    // rendering; writing the discs' pixels straight into an ImageData takes well under a
    // second. Later points cover earlier ones (no blending between points), as in the path.
    _bitmap: function (ctx, c, sc, size, dpr) {
      var w = c.width, h = c.height, img = this._img;
      if (!img || img.width !== w || img.height !== h) {   // kept: 5 MB a redraw otherwise
        img = this._img = ctx.createImageData(w, h); this._buf = new Uint32Array(img.data.buffer);
      }
      var buf = this._buf, cols = this._rgba();
      buf.fill(0);
      var n = this.n, mx = this.mx, my = this.my, ci = this.ci, rr = this.r;
      var R = this.spec.style.radius || 5, spans = {}, hide = this.hide, stack = this.stack;
      var blend = this.alpha < 0.8, a = Math.round(this.alpha * 256);
      for (var i = 0; i < n; i++) {
        if (hide && hide[i]) continue;
        var px = mx[i] * sc.scale - sc.ox, py = my[i] * sc.scale - sc.oy;
        if (stack && stack[i]) { var o = this._offset(i, rr ? rr[i] : R); px += o[0]; py += o[1]; }
        var x = Math.round(px * dpr), y = Math.round(py * dpr);
        var r = Math.max(1, Math.round((rr ? rr[i] : R) * dpr));
        if (x < -r || y < -r || x >= w + r || y >= h + r) continue;
        blitDisc(buf, w, h, x, y, r, cols[ci ? ci[i] : 0], a, blend, spans);
      }
      ctx.putImageData(img, 0, 0);
    },
    _rgba: function () {
      if (this._cols) return this._cols;
      var probe = document.createElement('canvas').getContext('2d');
      var little = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
      var self = this;
      this._cols = this.spec.colors.map(function (css) {
        probe.clearRect(0, 0, 1, 1); probe.fillStyle = css; probe.fillRect(0, 0, 1, 1);
        var p = probe.getImageData(0, 0, 1, 1).data;   // the layer's alpha, like the path
        var a = Math.round(255 * Math.min(1, self.alpha));
        var rgb = [p[0], p[1], p[2]];                            // ImageData is not premultiplied
        return little ? ((a << 24) | (rgb[2] << 16) | (rgb[1] << 8) | rgb[0]) >>> 0
                      : ((rgb[0] << 24) | (rgb[1] << 16) | (rgb[2] << 8) | a) >>> 0;
      });
      return this._cols;
    },
    nearest: function (cp, slop) {
      var sc = this._screen(), best = -1, bd = Infinity, R = this.spec.style.radius || 5;
      for (var i = 0; i < this.n; i++) {
        if (this.hide && this.hide[i]) continue;
        var dx = this.mx[i] * sc.scale - sc.ox - cp.x, dy = this.my[i] * sc.scale - sc.oy - cp.y;
        var o = this.stack && this.stack[i] ? this._offset(i, this.r ? this.r[i] : R) : null;
        if (o) { dx += o[0]; dy += o[1]; }
        var d = dx * dx + dy * dy, r = (this.r ? this.r[i] : R) + slop;
        if (d <= r * r && d < bd) { bd = d; best = i; }
      }
      return best;
    },
    _click: function (e) {
      var i = this.nearest(e.containerPoint, 3);
      if (i < 0) return;
      if (this.onPick) this.onPick(i, L.latLng(this.lat[i], this.lon[i]));
    },
    indexOfRow: function (row) {   // the point of a layer row, or -1
      var i = this.rowIndex[row];
      return i === undefined ? -1 : i;
    },
    latLngOfRow: function (row) {
      var i = this.rowIndex[row];
      return i === undefined ? null : L.latLng(this.lat[i], this.lon[i]);
    },
    getBounds: function () {
      var b = L.latLngBounds([]);
      for (var i = 0; i < this.n; i++) b.extend([this.lat[i], this.lon[i]]);
      return b;
    }
  });
})();
