/* jjjmap heatmap: kernel density of a point layer on one canvas (render/density.py).
 * The points are the canvas point layer's (packed, projected once, time mask); on every
 * move their weights are summed into a grid of cells a third of the kernel radius wide,
 * the grid is smoothed by a Gaussian kernel (separable: two passes of seven taps), scaled
 * so that the densest 1% of the screen is "high", coloured through the ramp and drawn
 * stretched (bilinear) over the map. Work per redraw: one pass over the points plus a few
 * per screen cell; after the first drawing the grid is made in a Web Worker
 * (jjj-density-worker.js), so the map stays responsive while it is made.
 * Densities add up: an earlier version painted one translucent disc per cell, whose alphas
 * compounded, so a thin uniform scatter came out as a solid "medium" plateau and the
 * cluster cores as flat red discs.
 * Our own code, no library: nothing to fetch, nothing from a CDN. */
(function () {
  'use strict';
  var D = window.JjjDensity = window.JjjDensity || {};
  var Cloud = window.JjjPointCloud, K = D.kernel;

  function b64f32(str) {
    if (!str) return null;
    var bin = atob(str), u8 = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) u8[i] = bin.charCodeAt(i);
    return new Float32Array(u8.buffer);
  }

  D.heatmap = Cloud.extend({
    includes: D.OnWorker,   // time mask version, the worker's copy of the points
    initialize: function (spec, pane) {
      spec.style = spec.style || {};
      Cloud.prototype.initialize.call(this, spec, pane, null);
      this.w = b64f32(spec.w);
      this.maskVersion = 0; this.maskSent = 0;
      this.client = new D.Client(this.lon, this.lat, this.w);
      this.radius = Math.max(1, spec.radius || 18);
      this.intensity = spec.intensity || 1;
    },

    _palette: function () {
      if (this._pal) return this._pal;
      var c = document.createElement('canvas'); c.width = 256; c.height = 1;
      var g = c.getContext('2d'), grad = g.createLinearGradient(0, 0, 256, 0), cols = this.spec.colors;
      cols.forEach(function (col, i) { grad.addColorStop(i / (cols.length - 1), col); });
      g.fillStyle = grad; g.fillRect(0, 0, 256, 1);
      this._pal = g.getImageData(0, 0, 256, 1).data;
      return this._pal;
    },

    // the density grid of a view: cells a third of the radius wide over the screen and a
    // radius around it (jjj-density-worker.js kernel.heatGrid)
    _params: function (sc, size) {
      var R = this.radius, cell = Math.max(2, R / 3);
      return {scale: sc.scale, ox: sc.ox, oy: sc.oy, R: R, cell: cell,
              gw: Math.ceil((size.x + 2 * R) / cell), gh: Math.ceil((size.y + 2 * R) / cell),
              W: size.x + 2 * R, H: size.y + 2 * R};
    },

    _key: function () {
      var m = this._map, size = m.getSize(), sc = this._screen();
      return [m.getZoom(), sc.ox, sc.oy, sc.tl.x, sc.tl.y, size.x, size.y].join() + '/' + this.maskVersion;
    },

    // Drawn once per view and mask (Leaflet asks three times per zoom). After the first
    // drawing the density of a new view is made in the worker, one request at a time; the
    // last drawing stays meanwhile (scaled to the view as during a zoom animation) and an
    // answer for a view the user has left is dropped (the view shown then is asked for).
    // The time slider on the same view draws at once, here (as a visibility toggle does).
    redraw: function () {
      if (!this._map) return;
      var key = this._key(), m = this._map;
      if (key === this._drawn) return;
      if (this._ready && this._ready.key !== key) this._ready = null;
      var moved = !this._drawn || this._drawn.split('/')[0] !== key.split('/')[0];
      if (this._drawn && moved && !this._ready && this.client.usable()) {
        this._anim({zoom: m.getZoom(), center: m.getCenter()});
        this._ask(key);
        return;
      }
      this._drawn = key;
      Cloud.prototype.redraw.call(this);
    },

    _ask: function (key) {
      if (this._asking) return;
      this._asking = key;
      if (this.maskSent !== this.maskVersion) { this.client.hide(this.hide); this.maskSent = this.maskVersion; }
      var self = this, p = this._params(this._screen(), this._map.getSize()), hide = this.hide;
      this.client.ask({op: 'heat', p: p},
        function () { return K.heatGrid(self.mx, self.my, self.n, self.w, hide, p); },
        function (g) {
          self._asking = null;
          if (!self._map) return;
          if (self._key() === key) self._ready = {key: key, p: p, g: g};
          self.redraw();
        });
    },

    _draw: function (ctx, c, sc, size, dpr) {
      var key = this._drawn, got = this._ready && this._ready.key === key ? this._ready : null;
      var p = got ? got.p : this._params(sc, size);
      var g = got ? got.g : K.heatGrid(this.mx, this.my, this.n, this.w, this.hide, p);
      this._ready = null;
      if (!g.dens) return;
      var dens = g.dens, gw = p.gw, gh = p.gh, R = p.R, cell = p.cell;
      // the scale: the 99th percentile of the cells with any density, so one hot spot does
      // not leave the rest of the map blank; intensity > 1 saturates sooner
      var top = g.top / this.intensity;
      var off = document.createElement('canvas'); off.width = gw; off.height = gh;
      var octx = off.getContext('2d'), img = octx.createImageData(gw, gh), px = img.data;
      var pal = this._palette();
      for (var q = 0; q < dens.length; q++) {
        var t = Math.min(1, dens[q] / top);
        if (t < 0.004) continue;                  // far from every point: the map shows
        var j = Math.min(255, Math.round(t * 255)) * 4, o = q * 4;
        px[o] = pal[j]; px[o + 1] = pal[j + 1]; px[o + 2] = pal[j + 2];
        px[o + 3] = Math.round(40 + 195 * Math.sqrt(t));   // faint where thin, 235 at the top
      }
      octx.putImageData(img, 0, 0);
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(off, -R * dpr, -R * dpr, gw * cell * dpr, gh * cell * dpr);
    },

    _click: function () { /* a density surface has no features to identify */ }
  });
})();
