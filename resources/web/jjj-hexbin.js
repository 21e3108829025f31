/* jjjmap hexbin: H3 hexagons binned in Python (render/density.py), drawn on one canvas.
 * A spec holds one level (a fixed H3 resolution) or several; the page shows the level
 * whose hexagons are about 18 px across at the current zoom, so their size follows the
 * zoom. Each hexagon: 6 vertices, its count (and sum), its colour class. Clicking a
 * hexagon identifies it (H3 cell, resolution, points, sum, mean); the legend follows the
 * level shown. */
(function () {
  'use strict';
  var D = window.JjjDensity = window.JjjDensity || {};
  var TARGET_EDGE_PX = 9;

  function bytes(str) {
    var bin = atob(str), u8 = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) u8[i] = bin.charCodeAt(i);
    return u8;
  }
  function f32(str) { return str ? new Float32Array(bytes(str).buffer) : null; }

  function mercX(lon) { return (lon + 180) / 360; }
  function mercY(lat) {
    var s = Math.sin(Math.max(-85.0511, Math.min(85.0511, lat)) * Math.PI / 180);
    return 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
  }

  function fmt(v) {
    if (Math.abs(v) >= 100 || v === Math.round(v)) return Math.round(v).toLocaleString('en-US');
    return String(Math.round(v * 1000) / 1000);
  }

  D.hexbin = window.JjjPointCloud.extend({
    initialize: function (spec, pane, identify) {
      this.spec = spec; this.options = {pane: pane}; this.identify = identify;
      this.n = spec.n; this._shown = spec.n;
      this.levels = spec.levels.map(function (lv) {
        var ring = f32(lv.ring), m = new Float64Array(ring.length);
        for (var i = 0; i < ring.length; i += 2) { m[i] = mercX(ring[i]); m[i + 1] = mercY(ring[i + 1]); }
        return {res: lv.res, edge: lv.edge, n: lv.n, nv: lv.nv || 6, ring: ring, m: m, count: f32(lv.count),
                sum: f32(lv.sum), cls: bytes(lv.cls), colors: lv.colors, labels: lv.labels,
                cells: lv.cells};
      });
      this.current = -1;
    },

    // time filtering needs the points, which stay in Python: the hexagons show them all
    setHidden: function () {},

    level: function () {
      var L_ = this.levels;
      if (L_.length <= 1 || !this._map) return L_.length ? 0 : -1;
      var z = this._map.getZoom(), lat = this._map.getCenter().lat;
      var mpp = 40075016.686 * Math.cos(lat * Math.PI / 180) / (256 * Math.pow(2, z));
      var best = 0, bd = Infinity;
      for (var k = 0; k < L_.length; k++) {
        var d = Math.abs(Math.log(L_[k].edge / mpp / TARGET_EDGE_PX));
        if (d < bd) { bd = d; best = k; }
      }
      return best;
    },

    _legend: function (lv) {
      var spec = this.spec, head = spec.legend[0];
      spec.legend = [head, {label: spec.ui.res + ' ' + lv.res, header: true}].concat(
        lv.labels.map(function (lab, i) { return {label: lab, symbol: {type: 'swatch', color: lv.colors[i]}}; }));
      if (window.jjj && window.jjj.refreshUi) window.jjj.refreshUi();
    },

    _draw: function (ctx, c, sc, size) {
      var k = this.level();
      if (k < 0) return;
      var lv = this.levels[k];
      if (k !== this.current) { this.current = k; this._legend(lv); }
      var m = lv.m, cls = lv.cls, n = lv.n, nv = lv.nv, W = size.x, H = size.y;
      ctx.globalAlpha = this.spec.fillOpacity || 0.7;
      for (var q = 0; q < lv.colors.length; q++) {
        ctx.beginPath();
        for (var i = 0; i < n; i++) {
          if (cls[i] !== q) continue;
          var o = i * 2 * nv, x0 = m[o] * sc.scale - sc.ox, y0 = m[o + 1] * sc.scale - sc.oy;
          if (x0 < -60 || y0 < -60 || x0 > W + 60 || y0 > H + 60) continue;
          ctx.moveTo(x0, y0);
          for (var v = 1; v < nv; v++) ctx.lineTo(m[o + 2 * v] * sc.scale - sc.ox, m[o + 2 * v + 1] * sc.scale - sc.oy);
          ctx.closePath();
        }
        ctx.fillStyle = lv.colors[q];
        ctx.fill();
        if (n < 20000) { ctx.lineWidth = 0.6; ctx.strokeStyle = 'rgba(255,255,255,0.7)'; ctx.stroke(); }
      }
      ctx.globalAlpha = 1;
    },

    // the hexagon under a container point: index in the level shown, or -1
    cellAt: function (cp) {
      var k = this.current;
      if (k < 0) return -1;
      var lv = this.levels[k], m = lv.m, sc = this._screen(), nv = lv.nv;
      for (var i = 0; i < lv.n; i++) {
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
      var lv = this.levels[this.current], U = this.spec.ui, rows = [[U.res, String(lv.res)], [U.points, fmt(lv.count[i])]];
      if (lv.sum) {
        rows.push([U.sum + ' ' + U.weight, fmt(lv.sum[i])]);
        rows.push([U.mean + ' ' + U.weight, fmt(lv.sum[i] / Math.max(1, lv.count[i]))]);
      }
      return {t: U.cell + ' ' + (lv.cells ? lv.cells[i] : ''), r: rows,
              count: lv.count[i], sum: lv.sum ? lv.sum[i] : lv.count[i], res: lv.res,
              cell: lv.cells ? lv.cells[i] : null};
    },

    _click: function (e) {
      var i = this.cellAt(e.containerPoint);
      if (i < 0) return;
      this.lastIdentified = this.describe(i);
      if (this.identify) this.identify(e.latlng, this.lastIdentified);
    },

    shownCount: function () { return this.n; },
    latLngOfRow: function () { return null; },
    getBounds: function () {
      var b = L.latLngBounds([]);
      this.levels.slice(0, 1).forEach(function (lv) {
        for (var i = 0; i < lv.ring.length; i += 2) b.extend([lv.ring[i + 1], lv.ring[i]]);
      });
      return b;
    }
  });
})();
