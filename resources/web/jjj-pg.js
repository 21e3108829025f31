/* jjjmap view-driven PostGIS layer: the features stay on the server and come view by view.
 * On every moveend the layer fetches pg/<layer>?bbox=w,s,e,n&z=Z (relative to the app page)
 * (the app's scheme handler asks PostGIS on a worker) and draws the answer: points and
 * server-side grid counts on one canvas (JjjPointCloud), lines and polygons as GeoJSON on a
 * canvas renderer. A newer view aborts the older fetch (the app cancels its query). A click
 * fetches the feature's full row (pg/<layer>/row?key=K). Only the current view is held.
 * An export embeds one answer (spec.data) and never fetches. */
(function () {
  'use strict';

  function shortCount(n) {
    if (n >= 1e6) return (n / 1e6).toFixed(n >= 1e7 ? 0 : 1) + 'M';
    if (n >= 1e4) return Math.round(n / 1e3) + 'k';
    if (n >= 1e3) return (n / 1e3).toFixed(1) + 'k';
    return String(n);
  }

  window.JjjPgLayer = L.Layer.extend({
    initialize: function (spec, pane, hooks) {
      this.spec = spec; this.options = {pane: pane}; this.hooks = hooks || {};
      this.state = {state: 'idle', n: 0, mode: null, message: ''};
      this._seq = 0; this._abort = null; this._drawn = null; this._answer = null;
      this._draws = 0;   // answers drawn so far (tests and the bench wait on it)
      this._renderer = L.canvas({pane: pane});
    },
    getEvents: function () { return {moveend: this._refresh}; },
    onAdd: function (map) {
      if (this.spec.data) this._draw(this.spec.data);
      else if (this.spec.error) this._setState({state: 'error', message: this.spec.error});
      else this._refresh();
    },
    onRemove: function (map) {
      if (this._abort) { this._abort.abort(); this._abort = null; }
      this._clear();
      this._answer = null;
    },
    count: function () { return this.state.n || 0; },
    _setState: function (st) {
      this.state = L.extend({state: 'ok', n: 0, mode: null, message: '', draws: this._draws}, st);
      if (this.hooks.changed) this.hooks.changed(this);
    },
    _url: function () {
      var m = this._map, b = m.getBounds(), z = m.getZoom();
      var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(6); });
      return this.spec.url + '?bbox=' + bbox.join(',') + '&z=' + z + '&datum=' + encodeURIComponent(window.jjj.datum || 'wgs84');
    },
    // a new view: the older request is aborted, its answer (if it still comes) ignored
    _refresh: function () {
      if (!this._map || !this.spec.url) return;
      if (this._abort) this._abort.abort();
      var seq = ++this._seq, self = this;
      var ctl = this._abort = (typeof AbortController !== 'undefined') ? new AbortController() : null;
      this._setState({state: 'loading', n: this.state.n, mode: this.state.mode});
      fetch(this._url(), ctl ? {signal: ctl.signal} : {}).then(function (r) {
        if (!r.ok) throw new Error('HTTP ' + r.status);
        return r.json();
      }).then(function (a) {
        if (seq !== self._seq || !self._map) return;
        if (a.stale) return;                  // superseded on the server side too
        if (a.error) { self._clear(); self._setState({state: 'error', message: a.error}); return; }
        self._draw(a);
      }).catch(function (e) {
        if (seq !== self._seq || (e && e.name === 'AbortError')) return;
        self._clear();
        self._setState({state: 'error', message: String(e && e.message || e)});
      });
    },
    _clear: function () {
      if (this._drawn && this._map) this._map.removeLayer(this._drawn);
      this._drawn = null;
    },
    _draw: function (a) {
      var map = this._map, spec = this.spec, self = this, layer;
      this._clear();
      this._answer = a;
      if (a.mode === 'points' || a.mode === 'grid') {
        // points carry their class (the field's value, classified in Python: ci); grid
        // cells mix values and take the layer's one colour
        var cloud = {n: a.cells !== undefined ? a.cells : a.n, xy: a.xy, rows: null,
                     ci: a.mode === 'points' ? (a.ci || null) : null, ciBytes: a.ciBytes,
                     colors: a.mode === 'grid' ? [spec.gridColor || spec.colors[0]] : spec.colors,
                     style: spec.style};
        if (a.mode === 'grid') {
          // a disc per grid cell (spec cell: 12 px), its area by its count
          var r = new Float32Array(cloud.n), label = new Array(cloud.n), most = 1;
          for (var j = 0; j < cloud.n; j++) most = Math.max(most, a.counts[j]);
          for (var i = 0; i < cloud.n; i++) {
            r[i] = 1.5 + 5 * Math.sqrt(a.counts[i] / most);
            label[i] = shortCount(a.counts[i]);
          }
          layer = new window.JjjPointCloud(cloud, this.options.pane, function (k, ll) {
            map.setView(ll, Math.min(map.getMaxZoom(), map.getZoom() + 2));
          });
          layer.r = r;                           // radius by count (the cloud takes no b64 here)
          layer.spec.label = label;
        } else {
          layer = new window.JjjPointCloud(cloud, this.options.pane, function (k, ll) {
            self.identify(a.keys[k], ll);
          });
        }
      } else {
        var st = spec.style;
        layer = L.geoJSON({type: 'FeatureCollection', features: a.features || []}, {
          pane: this.options.pane, renderer: this._renderer,
          style: function (f) {
            var c = (f.properties && f.properties._c) || 0, classed = spec.colors.length > 1;
            var line = f.geometry && /LineString/.test(f.geometry.type);
            var col = spec.colors[c] || spec.colors[0];
            return {color: classed && line ? col : st.color, weight: st.weight || 1,
                    fillColor: classed ? col : st.fillColor, fillOpacity: st.fillOpacity,
                    dashArray: st.dashArray, fill: !line};
          },
          pointToLayer: function (f, ll) {
            return L.circleMarker(ll, {radius: st.radius || 5, renderer: self._renderer, pane: self.options.pane});
          },
          onEachFeature: function (f, l) {
            l.on('click', function (e) { self.identify(f.id, e.latlng); });
          }
        });
      }
      this._drawn = layer;
      map.addLayer(layer);
      this._draws++;
      this._setState({state: 'ok', n: a.n, mode: a.mode, truncated: !!a.truncated});
    },
    // the full row of one feature, by its key, from the server; offered to the pick
    // (jjj-pick.js) with whatever else lies under the click, or shown in its own popup
    identify: function (key, latlng) {
      var spec = this.spec, map = this._map, node = document.createElement('div');
      if (!map) return;
      if (!spec.identify) {   // no key: say so rather than ignore the click
        if (!spec.noIdentify) return;
        node.className = 'jjj-popup';
        node.textContent = spec.noIdentify;
        this._show(latlng, node, spec.title);
        return;
      }
      if (key === null || key === undefined || !spec.url) return;
      var hooks = this.hooks;
      fetch(spec.url + '/row?key=' + encodeURIComponent(String(key))).then(function (r) {
        if (!r.ok) throw new Error('HTTP ' + r.status);
        return r.json();
      }).then(function (a) {
        if (a.error || !a.row) return;
        var rows = Object.keys(a.row).map(function (k) { return [k, a.row[k] === null ? '' : String(a.row[k])]; });
        node.appendChild(window.jjjUi.popup({t: spec.title + ' #' + key, r: rows}, hooks.T));
        if (map._popup && map.hasLayer(map._popup)) map._popup.update();
      }).catch(function (e) { console.warn('jjjmap: identify failed', e); });
      this._show(latlng, node, spec.title + ' #' + key);
    },

    _show: function (latlng, node, title) {
      var hooks = this.hooks, content = function () { return node; };
      if (hooks.offer && hooks.offer(latlng, {id: this.spec.id, row: null, entry: hooks.entry,
                                              content: content, title: title})) return;
      L.popup(hooks.popup || {}).setLatLng(latlng).setContent(node).openOn(this._map);
    }
  });
})();
