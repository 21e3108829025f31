/* jjjmap heatmap: kernel density of a point layer on one canvas (render/density.py).
 * The points are the canvas point layer's (packed, projected once, time mask); on every
 * move their weights are summed into a grid of cells a third of the kernel radius wide,
 * one blurred disc per non-empty cell is painted with an alpha that grows with the cell's
 * sum, and the alpha is recoloured through the ramp. Work per redraw: one pass over the
 * points plus one disc per screen cell, so a million points redraw in well under a second.
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

    _stamp: function (r, dpr) {
      if (this._st && this._stR === r * dpr) return this._st;
      var s = document.createElement('canvas'), R = Math.ceil(r * dpr);
      s.width = s.height = 2 * R;
      var g = s.getContext('2d'), grad = g.createRadialGradient(R, R, 0, R, R, R);
      grad.addColorStop(0, 'rgba(0,0,0,1)');
      grad.addColorStop(0.45, 'rgba(0,0,0,0.55)');
      grad.addColorStop(1, 'rgba(0,0,0,0)');
      g.fillStyle = grad; g.fillRect(0, 0, 2 * R, 2 * R);
      this._st = s; this._stR = r * dpr;
      return s;
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

    _draw: function (ctx, c, sc, size, dpr) {
      var R = this.radius, cell = Math.max(2, R / 3);
      var gw = Math.ceil((size.x + 2 * R) / cell), gh = Math.ceil((size.y + 2 * R) / cell);
      var grid = new Float32Array(gw * gh), n = this.n, mx = this.mx, my = this.my;
      var hide = this.hide, w = this.w, W = size.x + 2 * R, H = size.y + 2 * R;
      for (var i = 0; i < n; i++) {
        if (hide && hide[i]) continue;
        var x = mx[i] * sc.scale - sc.ox + R, y = my[i] * sc.scale - sc.oy + R;
        if (x < 0 || y < 0 || x >= W || y >= H) continue;
        grid[((y / cell) | 0) * gw + ((x / cell) | 0)] += w ? w[i] : 1;
      }
      // the scale: the 99th percentile of the non-empty cells, so one hot spot does not
      // leave the rest of the map blank; a disc adds at most 0.5 of alpha, as discs of
      // neighbouring cells overlap; intensity > 1 saturates sooner
      var filled = [];
      for (var k = 0; k < grid.length; k++) if (grid[k] > 0) filled.push(grid[k]);
      if (!filled.length) return;
      var sorted = Float32Array.from(filled).sort();
      var top = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] / this.intensity;
      var stamp = this._stamp(R, dpr), half = stamp.width / 2;
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      for (var gy = 0; gy < gh; gy++) {
        for (var gx = 0; gx < gw; gx++) {
          var v = grid[gy * gw + gx];
          if (!v) continue;
          ctx.globalAlpha = Math.min(1, Math.max(0.03, 0.5 * v / top));
          ctx.drawImage(stamp, ((gx + 0.5) * cell - R) * dpr - half, ((gy + 0.5) * cell - R) * dpr - half);
        }
      }
      ctx.globalAlpha = 1;
      var img = ctx.getImageData(0, 0, c.width, c.height), px = img.data, pal = this._palette();
      for (var p = 3; p < px.length; p += 4) {
        var a = px[p];
        if (!a) continue;
        var j = a * 4;
        px[p - 3] = pal[j]; px[p - 2] = pal[j + 1]; px[p - 1] = pal[j + 2];
        px[p] = Math.min(235, 40 + a);
      }
      ctx.putImageData(img, 0, 0);
    },

    _click: function () { /* a density surface has no features to identify */ }
  });
})();
