/* jjjmap heatmap: kernel density of a point layer on one canvas (render/density.py).
 * The points are the canvas point layer's (packed, projected once, time mask); on every
 * move their weights are summed into a grid of cells a third of the kernel radius wide,
 * the grid is smoothed by a Gaussian kernel (separable: two passes of seven taps), scaled
 * so that the densest 1% of the screen is "high", coloured through the ramp and drawn
 * stretched (bilinear) over the map. Work per redraw: one pass over the points plus a few
 * per screen cell, so a million points redraw in well under a second.
 * Densities add up: an earlier version painted one translucent disc per cell, whose alphas
 * compounded, so a thin uniform scatter came out as a solid "medium" plateau and the
 * cluster cores as flat red discs.
 * Our own code, no library: nothing to fetch, nothing from a CDN. */
(function () {
  'use strict';
  var D = window.JjjDensity = window.JjjDensity || {};

  function b64f32(str) {
    if (!str) return null;
    var bin = atob(str), u8 = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) u8[i] = bin.charCodeAt(i);
    return new Float32Array(u8.buffer);
  }

  D.heatmap = window.JjjPointCloud.extend({
    initialize: function (spec, pane) {
      spec.style = spec.style || {};
      window.JjjPointCloud.prototype.initialize.call(this, spec, pane, null);
      this.w = b64f32(spec.w);
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

    // the kernel in cells: sigma of half the radius, cut at the radius (three cells)
    _kernel: function () {
      if (this._k) return this._k;
      var k = [], sum = 0, sig = 1.5;
      for (var d = -3; d <= 3; d++) { var v = Math.exp(-d * d / (2 * sig * sig)); k.push(v); sum += v; }
      this._k = k.map(function (v) { return v / sum; });
      return this._k;
    },

    _blur: function (src, gw, gh) {
      var k = this._kernel(), tmp = new Float32Array(src.length), out = new Float32Array(src.length);
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
    },

    _draw: function (ctx, c, sc, size, dpr) {
      var R = this.radius, cell = Math.max(2, R / 3);
      var gw = Math.ceil((size.x + 2 * R) / cell), gh = Math.ceil((size.y + 2 * R) / cell);
      var grid = new Float32Array(gw * gh), n = this.n, mx = this.mx, my = this.my;
      var hide = this.hide, w = this.w, W = size.x + 2 * R, H = size.y + 2 * R, any = false;
      for (var i = 0; i < n; i++) {
        if (hide && hide[i]) continue;
        var x = mx[i] * sc.scale - sc.ox + R, y = my[i] * sc.scale - sc.oy + R;
        if (x < 0 || y < 0 || x >= W || y >= H) continue;
        var wi = w ? w[i] : 1;
        if (wi > 0) { grid[((y / cell) | 0) * gw + ((x / cell) | 0)] += wi; any = true; }
      }
      if (!any) return;
      var dens = this._blur(grid, gw, gh);
      // the scale: the 99th percentile of the cells with any density, so one hot spot does
      // not leave the rest of the map blank; intensity > 1 saturates sooner
      var filled = [];
      for (var k = 0; k < dens.length; k++) if (dens[k] > 0) filled.push(dens[k]);
      var sorted = Float32Array.from(filled).sort();
      var top = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] / this.intensity;
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
