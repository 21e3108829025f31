/* jjjmap tiled polygon layer kind (render "polytiles", render/specs.py PolyTilesSpec,
 * render/polytiles.py): a large user polygon layer drawn into 256 px canvas tiles, an
 * L.GridLayer, so a pan draws only the tiles that came into view (Leaflet keeps the others)
 * and each tile only the polygons whose box meets it, found through a grid index built once
 * over the polygons' boxes in zoom-0 pixels. Picking (hitsAt) is point-in-polygon over the
 * index's candidates; a highlight is an outline overlay of the feature. Not read by
 * jjj-labels.js (no labels) and no hover outline; a tooltip of the feature under the mouse.
 * Registered as window.JjjKinds.polytiles. */
(function () {
  'use strict';
  var HL_STYLE = {color: '#00b4d8', weight: 3.5, opacity: 1, fill: false, interactive: false};

  var JjjPolyTiles = L.GridLayer.extend({
    // ctx (jjj.js contextFor): map, pane, entry, T, isHl(row), attrPopup(row, vals, label)
    initialize: function (spec, ctx) {
      L.GridLayer.prototype.initialize.call(this, {pane: ctx.pane, tileSize: 256});
      this.spec = spec; this.ctx = ctx; this.byRow = ctx.entry.byRow;
      this.tilesDrawn = 0;             // tiles drawn (tests count them)
      this._geoms = spec.packed.geoms.slice();
      this._base = spec.packed.geoms;
      this._scale = spec.packed.scale;
      var n = spec.rows.length, index = this._index = {};
      for (var i = 0; i < n; i++) { index[spec.rows[i]] = i; this.byRow[spec.rows[i]] = true; }
      this._hidden = new Uint8Array(n);
      this._hl = null;
      this._detail = spec.detail ? {spec: spec.detail, got: L.extend({}, spec.detail.levels || {}),
                                    asked: {}, shown: null} : null;
      this.detailLevel = this._detail ? null : undefined;
      this._build();
    },

    // zoom-0 pixel of a position (256 px world), as map.project(latlng, 0)
    _project: function (lat, lon) {
      var crs = (this.ctx.map && this.ctx.map.options.crs) || L.CRS.EPSG3857;
      if (crs === L.CRS.EPSG3857) {
        var m = 85.0511287798, s = Math.sin(Math.max(Math.min(lat, m), -m) * Math.PI / 180);
        return [256 * (0.5 + lon / 360), 256 * (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI))];
      }
      var p = crs.latLngToPoint(L.latLng(lat, lon), 0);
      return [p.x, p.y];
    },

    // the packed geometries (geometry.pack_polygons) to flat zoom-0 coordinates, rings per
    // feature, boxes, and the grid index over the boxes
    _build: function () {
      var geoms = this._geoms, scale = this._scale, n = geoms.length;
      var total = 0, nr = 0, f, i, j, k;
      for (f = 0; f < n; f++) {
        for (i = 0; i < geoms[f].length; i++) {
          for (j = 0; j < geoms[f][i].length; j++) { total += geoms[f][i][j].length; nr++; }
        }
      }
      var xy = new Float64Array(total), ringAt = new Int32Array(nr + 1);
      var featRing = new Int32Array(n + 1), box = new Float64Array(4 * n);
      var v = 0, r = 0;
      for (f = 0; f < n; f++) {
        featRing[f] = r;
        var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
        for (i = 0; i < geoms[f].length; i++) {
          for (j = 0; j < geoms[f][i].length; j++) {
            var ring = geoms[f][i][j], x = 0, y = 0;
            ringAt[r++] = v;
            for (k = 0; k < ring.length; k += 2) {
              x += ring[k]; y += ring[k + 1];
              var p = this._project(y / scale, x / scale);
              xy[v++] = p[0]; xy[v++] = p[1];
              if (p[0] < x0) x0 = p[0]; if (p[0] > x1) x1 = p[0];
              if (p[1] < y0) y0 = p[1]; if (p[1] > y1) y1 = p[1];
            }
          }
        }
        box[4 * f] = x0; box[4 * f + 1] = y0; box[4 * f + 2] = x1; box[4 * f + 3] = y1;
      }
      featRing[n] = r; ringAt[nr] = v;
      this._xy = xy; this._ringAt = ringAt; this._featRing = featRing; this._box = box;
      this._grid = this._makeGrid(box, n);
      this._stamp = new Int32Array(n); this._query = 0;
    },

    _makeGrid: function (box, n) {
      var gx0 = Infinity, gy0 = Infinity, gx1 = -Infinity, gy1 = -Infinity, f;
      for (f = 0; f < n; f++) {
        if (!(box[4 * f] <= box[4 * f + 2])) continue;   // no vertices
        gx0 = Math.min(gx0, box[4 * f]); gy0 = Math.min(gy0, box[4 * f + 1]);
        gx1 = Math.max(gx1, box[4 * f + 2]); gy1 = Math.max(gy1, box[4 * f + 3]);
      }
      if (!(gx0 <= gx1)) { gx0 = gy0 = 0; gx1 = gy1 = 1; }
      var side = Math.max(1, Math.min(1024, Math.ceil(Math.sqrt(n) * 2)));
      var cell = Math.max(gx1 - gx0, gy1 - gy0, 1e-12) / side;
      var g = {x0: gx0, y0: gy0, cell: cell, side: side};
      var counts = new Int32Array(side * side + 1);
      function cellOf(v, origin) { return Math.max(0, Math.min(side - 1, Math.floor((v - origin) / cell))); }
      function each(f, fn) {
        if (!(box[4 * f] <= box[4 * f + 2])) return;
        var a = cellOf(box[4 * f], g.x0), b = cellOf(box[4 * f + 2], g.x0);
        var c = cellOf(box[4 * f + 1], g.y0), d = cellOf(box[4 * f + 3], g.y0);
        for (var cy = c; cy <= d; cy++) for (var cx = a; cx <= b; cx++) fn(cy * side + cx);
      }
      for (f = 0; f < n; f++) each(f, function (c) { counts[c + 1]++; });
      for (var c = 0; c < side * side; c++) counts[c + 1] += counts[c];
      var at = counts.slice(0, side * side), ids = new Int32Array(counts[side * side]);
      for (f = 0; f < n; f++) { (function (f) { each(f, function (c) { ids[at[c]++] = f; }); })(f); }
      g.start = counts; g.ids = ids;
      return g;
    },

    // the features (ascending: drawing order) whose box meets [x0, x1] x [y0, y1], zoom 0
    _candidates: function (x0, y0, x1, y1) {
      var g = this._grid, box = this._box, stamp = this._stamp, q = ++this._query, out = [];
      var a = Math.max(0, Math.floor((x0 - g.x0) / g.cell)), b = Math.min(g.side - 1, Math.floor((x1 - g.x0) / g.cell));
      var c = Math.max(0, Math.floor((y0 - g.y0) / g.cell)), d = Math.min(g.side - 1, Math.floor((y1 - g.y0) / g.cell));
      for (var cy = c; cy <= d; cy++) {
        for (var cx = a; cx <= b; cx++) {
          var k = cy * g.side + cx;
          for (var j = g.start[k]; j < g.start[k + 1]; j++) {
            var f = g.ids[j];
            if (stamp[f] === q || this._hidden[f]) continue;
            stamp[f] = q;
            if (box[4 * f] <= x1 && box[4 * f + 2] >= x0 && box[4 * f + 1] <= y1 && box[4 * f + 3] >= y0) out.push(f);
          }
        }
      }
      return out.sort(function (p, r) { return p - r; });
    },

    _styleOf: function (f) {
      var base = this.spec.style || {}, colors = this.spec.colors, s = L.extend({}, base);
      if (colors && colors.length) {
        var c = colors[this.spec.ci ? this.spec.ci[f] : 0];
        s.fillColor = c; if (!base.color) s.color = c;
      }
      return s;
    },

    // Tiles are drawn one per task (a queue run from a MessageChannel), so the tiles that a
    // pan brings in at once (eight at 1400 x 900) are not one task of 8 x 10 ms: frames and
    // input come between them. A tile already removed by the time its turn comes is skipped.
    createTile: function (coords, done) {
      var tile = document.createElement('canvas'), size = this.getTileSize(), self = this;
      tile.width = size.x; tile.height = size.y;
      var q = this._queue || (this._queue = []);
      q.push(function () {
        var key = self._tileCoordsToKey(coords), t = self._tiles && self._tiles[key];
        if (t && t.el === tile) self._draw(tile, coords, size);
        done(null, tile);
      });
      if (q.length === 1) this._kick();
      return tile;
    },
    _kick: function () {
      var self = this;
      if (!this._channel) {
        this._channel = new MessageChannel();
        this._channel.port1.onmessage = function () {
          var job = self._queue.shift();
          if (job) job();
          if (self._queue.length) self._kick();
        };
      }
      this._channel.port2.postMessage(0);
    },

    _draw: function (tile, coords, size) {
      this.tilesDrawn++;
      var k = Math.pow(2, coords.z), ox = coords.x * size.x, oy = coords.y * size.y;
      var weight = (this.spec.style || {}).weight, pad = (weight === undefined ? 3 : weight) / 2 + 1;
      var fs = this._candidates((ox - pad) / k, (oy - pad) / k, (ox + size.x + pad) / k, (oy + size.y + pad) / k);
      if (!fs.length) return;
      var g = tile.getContext('2d'), xy = this._xy, ringAt = this._ringAt, featRing = this._featRing;
      g.lineJoin = 'round'; g.lineCap = 'round';
      for (var i = 0; i < fs.length; i++) {
        var f = fs[i], s = this._styleOf(f);
        g.beginPath();
        for (var r = featRing[f]; r < featRing[f + 1]; r++) {
          for (var v = ringAt[r]; v < ringAt[r + 1]; v += 2) {
            var x = xy[v] * k - ox, y = xy[v + 1] * k - oy;
            if (v === ringAt[r]) g.moveTo(x, y); else g.lineTo(x, y);
          }
          g.closePath();
        }
        if (s.fill !== false) {
          g.globalAlpha = s.fillOpacity === undefined || s.fillOpacity === null ? 0.2 : s.fillOpacity;
          g.fillStyle = s.fillColor || s.color || '#3388ff';
          g.fill('evenodd');
        }
        var w = s.weight === undefined || s.weight === null ? 3 : s.weight;
        if (s.stroke !== false && w > 0) {
          g.globalAlpha = s.opacity === undefined ? 1 : s.opacity;
          g.strokeStyle = s.color || '#3388ff'; g.lineWidth = w;
          g.setLineDash(s.dashArray ? String(s.dashArray).split(/[ ,]+/).map(Number) : []);
          g.stroke();
        }
      }
    },

    // whether zoom-0 point (x, y) lies inside feature f (even-odd over all its rings)
    _inside: function (f, x, y) {
      var xy = this._xy, ringAt = this._ringAt, inside = false;
      for (var r = this._featRing[f]; r < this._featRing[f + 1]; r++) {
        var a = ringAt[r], b = ringAt[r + 1];
        for (var i = a, j = b - 2; i < b; j = i, i += 2) {
          var yi = xy[i + 1], yj = xy[j + 1];
          if ((yi > y) !== (yj > y) && x < (xy[j] - xy[i]) * (y - yi) / (yj - yi) + xy[i]) inside = !inside;
        }
      }
      return inside;
    },

    _latLngs: function (f) {
      var scale = this._scale;
      return this._geoms[f].map(function (rings) {
        return rings.map(function (ring) {
          var out = [], x = 0, y = 0;
          for (var k = 0; k < ring.length; k += 2) { x += ring[k]; y += ring[k + 1]; out.push(L.latLng(y / scale, x / scale)); }
          return out;
        });
      });
    },

    // the tooltip of the topmost feature under the mouse (tip fields, else the label), as the
    // GeoJSON kind's sticky tooltips; looked up once per frame through the index
    _tipOf: function (row) {
      var spec = this.spec, i = this._index[row];
      if (spec.tipFields && spec.tipFields.length) {
        return spec.tipFields.map(function (name) { return spec.attrs[spec.fields.indexOf(name)][i]; });
      }
      return spec.label && spec.label[i] ? [spec.label[i]] : null;
    },
    _onMouse: function (e) {
      var self = this;
      this._at = e.latlng;
      if (this._tipFrame) return;
      this._tipFrame = L.Util.requestAnimFrame(function () {
        self._tipFrame = null;
        var map = self._map;
        if (!map || !self._at) return;
        var hits = self.hitsAt(self._at), tt = hits.length ? self._tipOf(hits[0]) : null;
        if (!tt) { self._hideTip(); return; }
        if (!self._tip) self._tip = L.tooltip({direction: 'top', pane: 'tooltipPane'});
        self._tip.setLatLng(self._at);
        if (self._tipRow !== hits[0]) { self._tip.setContent(window.jjjUi.tooltip(tt)); self._tipRow = hits[0]; }
        if (!map.hasLayer(self._tip)) map.openTooltip(self._tip);
      });
    },
    _hideTip: function () {
      this._at = null;
      if (this._tip && this._map && this._map.hasLayer(this._tip)) this._map.closeTooltip(this._tip);
      this._tipRow = null;
    },

    getEvents: function () {
      var ev = L.GridLayer.prototype.getEvents.call(this);
      if (this._detail) ev.zoomend = this._swap;
      if ((this.spec.tipFields && this.spec.tipFields.length) || this.spec.label) {
        ev.mousemove = this._onMouse; ev.mouseout = this._hideTip;
      }
      return ev;
    },
    onAdd: function (map) {
      L.GridLayer.prototype.onAdd.call(this, map);
      if (this._hl) this._hl.addTo(map);
      if (this._detail) this._swap();   // the zoom may have changed while it was hidden
    },
    onRemove: function (map) {
      if (this._hl) map.removeLayer(this._hl);
      this._hideTip();
      L.GridLayer.prototype.onRemove.call(this, map);
    },

    // -- the kind interface (jjj.js) --
    count: function () {
      var n = 0, h = this._hidden;
      for (var i = 0; i < h.length; i++) if (!h[i]) n++;
      return n;
    },
    bounds: function (rows) {
      var self = this, box = this._box, fs = [], crs = (this.ctx.map && this.ctx.map.options.crs) || L.CRS.EPSG3857;
      if (rows.length) rows.forEach(function (r) { if (self._index[r] !== undefined) fs.push(self._index[r]); });
      else for (var i = 0; i < this._hidden.length; i++) fs.push(i);
      var b = L.latLngBounds([]);
      fs.forEach(function (f) {
        if (!(box[4 * f] <= box[4 * f + 2])) return;
        b.extend(crs.pointToLatLng(L.point(box[4 * f], box[4 * f + 1]), 0));
        b.extend(crs.pointToLatLng(L.point(box[4 * f + 2], box[4 * f + 3]), 0));
      });
      return b;
    },
    // an outline overlay of the rows (drawn above the tiles); no ring positions
    highlight: function (rows, on) {
      var map = this.ctx.map, self = this;
      if (this._hl) { if (map.hasLayer(this._hl)) map.removeLayer(this._hl); this._hl = null; }
      if (!on) return [];
      var group = L.featureGroup();
      this._hlRenderer = this._hlRenderer || L.svg({pane: this.ctx.pane});
      rows.forEach(function (r) {
        var f = self._index[r];
        if (f === undefined) return;
        group.addLayer(L.polygon(self._latLngs(f), L.extend({pane: self.ctx.pane, renderer: self._hlRenderer}, HL_STYLE)));
      });
      this._hl = group;
      if (this._map) group.addTo(map);
      return [];
    },
    setFilter: function () { return false; },
    // the rows of the drawn features under a position, the topmost first (jjj-pick.js)
    hitsAt: function (latlng) {
      if (!this._map) return [];
      latlng = L.latLng(latlng);
      var p = this._project(latlng.lat, latlng.lng), out = [], rows = this.spec.rows;
      var fs = this._candidates(p[0], p[1], p[0], p[1]);
      for (var i = fs.length - 1; i >= 0; i--) if (this._inside(fs[i], p[0], p[1])) out.push(rows[fs[i]]);
      return out;   // drawn later = on top
    },
    // the time slider (jjj-time.js): hidden(row) -> true leaves the feature out
    setHidden: function (hidden) {
      var rows = this.spec.rows, h = this._hidden, changed = false;
      for (var i = 0; i < rows.length; i++) {
        var out = hidden(rows[i]) ? 1 : 0;
        if (h[i] !== out) { h[i] = out; changed = true; }
      }
      if (changed && this._map) this.redraw();
    },
    popupOf: function (row) {
      var spec = this.spec, i = this._index[row];
      var vals = (spec.attrs || []).map(function (col) { return col[i]; });
      return this.ctx.attrPopup(row, vals, spec.label ? spec.label[i] : null);
    },
    nameOf: function (row) {
      var i = this._index[row];
      return (this.spec.label && this.spec.label[i]) || (this.spec.title + ' #' + row);
    },
    detailActive: function () { return !!this._detail && this._detail.shown !== null; },

    // Level of detail, as the GeoJSON kind (jjj-geojson.js, which loads first): level ceil(zoom) above the
    // base zoom, fetched from the app once per level or the finest embedded one; the new
    // outlines replace the rows' geometries and the tiles are drawn again.
    _apply: function (level, data) {
      var index = this._index, geoms = this._geoms = this._base.slice();
      if (data && data.scale === this._scale) {
        for (var i = 0; i < data.rows.length; i++) {
          var f = index[data.rows[i]];
          if (f !== undefined && data.geoms[i]) geoms[f] = data.geoms[i];
        }
      } else if (data) {
        var scaled = this._scale / data.scale;
        for (var j = 0; j < data.rows.length; j++) {
          var g = index[data.rows[j]];
          if (g === undefined || !data.geoms[j]) continue;
          geoms[g] = data.geoms[j].map(function (rings) {
            return rings.map(function (ring) { return ring.map(function (d) { return d * scaled; }); });
          });
        }
      }
      this._build();
      this._detail.shown = level;
      this.detailLevel = level;
      if (this._map) this.redraw();
    },
    // the same choice of level and fetching as the GeoJSON kind (its _detail fields)
    _wanted: window.JjjGeoJsonLayer.prototype._wanted,
    _swap: window.JjjGeoJsonLayer.prototype._swap
  });

  window.JjjKinds = window.JjjKinds || {};
  window.JjjKinds.polytiles = window.JjjPolyTiles = JjjPolyTiles;
})();
