/* jjjmap GeoJSON layer kind (render "geojson", render/specs.py GeoJsonSpec): boundaries and
 * users' lines and polygons, on SVG or (thousands of paths) one kept canvas, with finer
 * outlines as the user zooms in. One L.FeatureGroup holding the L.geoJSON; it answers the
 * page's kind interface (jjj.js, "layer kinds") and takes its zoomend through getEvents,
 * so the handler goes with the layer. Registered as window.JjjKinds.geojson. */
(function () {
  'use strict';
  var ui = window.jjjUi;

  // Packed polygons (render/geometry.py pack_polygons): per geometry, polygons of rings of
  // flat integer deltas x0,y0,dx,dy,... times `scale`, without the closing vertex.
  function unpack(polys, scale, asLatLng) {
    return polys.map(function (rings) {
      return rings.map(function (r) {
        var out = new Array(r.length / 2), x = 0, y = 0;
        for (var i = 0, j = 0; i < r.length; i += 2, j++) {
          x += r[i]; y += r[i + 1];
          out[j] = asLatLng ? L.latLng(y / scale, x / scale) : [x / scale, y / scale];
        }
        if (!asLatLng && out.length) out.push(out[0]);
        return out;
      });
    });
  }

  // The canvas of a layer of thousands of paths (issue 21). Leaflet's canvas redraws every
  // path at every moveend (0.6 s at 50k polygons on a software canvas); this one draws half
  // a screen beyond each edge of the view and keeps that picture while a pan stays inside
  // it at the same zoom and pixel origin, so panning nearby costs no redraw. Leaving it, or
  // zooming, still redraws every path in view in one task.
  var KeptCanvas = L.Canvas.extend({
    options: {padding: 0.5},
    _update: function () {
      var m = this._map;
      if (this._bounds && !m._animatingZoom && this._keptZoom === m.getZoom() &&
          this._keptOrigin && this._keptOrigin.equals(m.getPixelOrigin())) {
        var min = m.containerPointToLayerPoint([0, 0]);
        if (this._bounds.contains(L.bounds(min, min.add(m.getSize())))) return;
      }
      L.Canvas.prototype._update.call(this);
      this._keptZoom = m.getZoom();
      this._keptOrigin = m.getPixelOrigin();
    }
  });

  var HL_STYLE = {color: '#00b4d8', weight: 3.5, opacity: 1};

  var JjjGeoJsonLayer = L.FeatureGroup.extend({
    // ctx (jjj.js contextFor): map, pane, entry, T, isHl(row), attrPopup(row, vals, label)
    initialize: function (spec, ctx) {
      var self = this, base = spec.style || {}, pane = ctx.pane, entry = ctx.entry;
      this.spec = spec; this.ctx = ctx; this.byRow = entry.byRow; this._props = {};
      if (spec.packed) {
        spec.data.features.forEach(function (f, i) {
          f.geometry = {type: 'MultiPolygon', coordinates: unpack(spec.packed.geoms[i], spec.packed.scale, false)};
        });
        spec.packed = null;
      }
      var renderer = spec.canvas ? new KeptCanvas({pane: pane}) : L.svg({pane: pane});
      var styleOf = this.styleOf = function (f) {
        var p = f.properties, s = L.extend({}, base);
        if (spec.colors) {
          var c = spec.colors[p._c || 0];
          var t = f.geometry.type;
          if (t === 'LineString' || t === 'MultiLineString') s.color = c;
          else { s.fillColor = c; s.fill = true; if (!base.color) s.color = c; }
        }
        return s;
      };
      var gj = L.geoJSON(spec.data, {
        pane: pane, renderer: renderer, style: styleOf,
        pointToLayer: function (f, ll) {
          var s = styleOf(f);
          s.radius = f.properties._r || base.radius || 6; s.fillOpacity = 0.85; s.weight = 1;
          s.color = '#333'; s.pane = pane; s.renderer = renderer;
          return L.circleMarker(ll, s);
        },
        onEachFeature: function (f, lyr) { self._feature(f, lyr); }
      });
      this.data = entry.data = gj;   // jjj-pick.js, jjj-labels.js walk its features
      this._all = gj.getLayers();
      this._detail = spec.detail ? this._levels(spec.detail) : null;
      L.FeatureGroup.prototype.initialize.call(this, [gj]);
    },

    _feature: function (f, lyr) {
      var p = f.properties, row = p._row, spec = this.spec, ctx = this.ctx, styleOf = this.styleOf;
      this.byRow[row] = lyr;
      this._props[row] = p;
      var tt = p._tt;
      if (!tt && spec.tipFields && spec.tipFields.length) {
        tt = spec.tipFields.map(function (name) { return p._a[spec.fields.indexOf(name)]; });
      }
      if (!tt && p._lb) tt = [p._lb];
      if (tt) lyr.bindTooltip(function () { return ui.tooltip(tt); },
                              {sticky: !!(f.geometry.type.indexOf('Polygon') >= 0), direction: 'top'});
      // a click is resolved by jjj-pick.js: the popup of the topmost feature under it
      if (spec.hover) {
        lyr.on('mouseover', function () {
          if (!ctx.isHl(row)) lyr.setStyle({weight: (styleOf(f).weight || 1) + 1.5, color: '#222'});
        });
        lyr.on('mouseout', function () { if (!ctx.isHl(row)) lyr.setStyle(styleOf(f)); });
      }
    },

    getEvents: function () { return this._detail ? {zoomend: this._swap} : {}; },

    onAdd: function (map) {
      L.FeatureGroup.prototype.onAdd.call(this, map);
      if (this._detail) this._swap();   // the zoom may have changed while it was hidden
    },

    // -- the kind interface (jjj.js) --
    count: function () { return this.data.getLayers().length; },
    bounds: function (rows) {
      if (!rows.length) return this.getBounds();
      var b = L.latLngBounds([]), byRow = this.byRow;
      rows.forEach(function (r) {
        var l = byRow[r];
        if (l && l.getBounds) b.extend(l.getBounds());
        else if (l && l.getLatLng) b.extend(l.getLatLng());
      });
      return b;
    },
    // lines and polygons are drawn in the highlight colour; points get a ring (returned)
    highlight: function (rows, on) {
      var byRow = this.byRow, styleOf = this.styleOf, rings = [];
      rows.forEach(function (r) {
        var l = byRow[r];
        if (!l) return;
        if (!on) { if (l.setStyle && l.feature) l.setStyle(styleOf(l.feature)); return; }
        if (l.setStyle && l.feature && l.feature.geometry.type !== 'Point') {
          l.setStyle(HL_STYLE);
          if (l.bringToFront) l.bringToFront();
        } else if (l.getLatLng) rings.push(l.getLatLng());
      });
      return rings;
    },
    setFilter: function () { return false; },
    // the rows of the drawn features under a position, the topmost first (jjj-pick.js)
    hitsAt: function (latlng) {
      var out = [], p = this.ctx.map.latLngToLayerPoint(latlng);
      this.data.eachLayer(function (l) {
        if (!l._map || typeof l._containsPoint !== 'function' || !l.feature) return;
        if (l._containsPoint(p)) out.push(l.feature.properties._row);
      });
      return out.reverse();   // drawn later = on top
    },
    // the time slider (jjj-time.js): hidden(row) -> true leaves the feature out
    setHidden: function (hidden) {
      var gj = this.data;
      this._all.forEach(function (l) {
        var out = hidden(l.feature.properties._row), has = gj.hasLayer(l);
        if (out && has) gj.removeLayer(l);
        else if (!out && !has) gj.addLayer(l);
      });
    },
    popupOf: function (row) {
      var p = this._props[row];
      return p._p ? ui.popup(p._p, this.ctx.T) : this.ctx.attrPopup(row, p._a, p._lb);
    },
    nameOf: function (row) {
      var p = this._props[row] || {};
      return (p._tt && p._tt[0]) || p._lb || (this.spec.title + ' #' + row);
    },
    detailActive: function () { return !!this._detail && this._detail.shown !== null; },

    // Level of detail: level z is simplified to half a pixel at zoom z; the page shows level
    // ceil(zoom), from the app's scheme (fetched once per level) or from levels embedded in
    // the page (the finest it has), and its own initial outlines at or below the base zoom.
    _levels: function (d) {
      var base = {}, got = {};
      this.spec.data.features.forEach(function (f) { base[f.properties._row] = f.geometry; });
      Object.keys(d.levels || {}).forEach(function (z) { got[z] = d.levels[z]; });
      this.detailLevel = null;
      return {spec: d, base: base, got: got, asked: {}, shown: null};
    },
    _apply: function (level, data) {
      var d = this._detail, byRow = this.byRow;
      var rows = data ? data.rows : Object.keys(d.base), geoms = data ? data.geoms : null;
      for (var i = 0; i < rows.length; i++) {
        var l = byRow[rows[i]], g = geoms ? geoms[i] : d.base[rows[i]];
        if (!l || !l.setLatLngs || !g) continue;
        if (data && data.scale) { l.setLatLngs(unpack(g, data.scale, true)); continue; }
        var depth = g.type === 'MultiPolygon' ? 2 : (g.type === 'Polygon' || g.type === 'MultiLineString') ? 1 : 0;
        l.setLatLngs(L.GeoJSON.coordsToLatLngs(g.coordinates, depth));
      }
      d.shown = level;
      this.detailLevel = level;
    },
    _wanted: function () {
      var z = this.ctx.map.getZoom(), d = this._detail.spec;
      if (z <= d.base + 1e-9) return null;
      return Math.min(d.max, Math.ceil(z - 1e-9));
    },
    _swap: function () {
      var self = this, d = this._detail, want = this._wanted();
      if (want === null) { if (d.shown !== null) this._apply(null, null); return; }
      if (d.spec.url) {
        if (d.got[want]) { if (d.shown !== want) this._apply(want, d.got[want]); return; }
        if (d.asked[want]) return;
        d.asked[want] = true;
        fetch(d.spec.url.replace('{z}', String(want))).then(function (r) {
          if (!r.ok) throw new Error('HTTP ' + r.status);
          return r.json();
        }).then(function (data) {
          d.got[want] = data;
          if (self._wanted() === want) self._apply(want, data);
        }).catch(function (e) { d.asked[want] = false; console.warn('jjjmap: no detail', want, e); });
        return;
      }
      var levels = Object.keys(d.got).map(Number).sort(function (a, b) { return a - b; });
      var pick = levels.filter(function (z) { return z >= want; })[0];
      if (pick === undefined) pick = levels[levels.length - 1];
      if (pick !== undefined && d.shown !== pick) this._apply(pick, d.got[pick]);
    }
  });

  window.JjjKinds = window.JjjKinds || {};
  window.JjjKinds.geojson = window.JjjGeoJsonLayer = JjjGeoJsonLayer;
})();
