/* jjjmap page API: window.jjj. The Python renderer emits jjj.init(map, config),
 * one jjj.addLayer(spec) per layer and jjj.finish(); the GUI drives the page through the
 * functions below (runJavaScript) and hears back through window.jjjBridge (QWebChannel). */
(function () {
  'use strict';
  var jjj = window.jjj = window.jjj || {};
  var ui = window.jjjUi;
  var map, cfg, T, layers = {}, order = [], hl = {}, hlLayers = {}, fitted = false, region = null;
  var tileLayers = [], basemapName = null, tileStats = {ok: 0, err: 0};
  var panel, legend, note, land = null, labels = null, pick = null;
  // keep popups clear of the title (top left) when Leaflet pans them into view
  var POPUP = {maxWidth: 340, autoPanPaddingTopLeft: [20, 100], autoPanPaddingBottomRight: [20, 30]};
  jjj.ready = false;
  jjj.datum = 'wgs84';
  jjj.tilesSettled = false;

  // ---- bridge: window.jjjBridge is looked up at call time (the GUI sets it after load
  // and calls mapReady itself if the page was ready first) -------------------------------
  function callBridge(name, args) {
    var b = window.jjjBridge;
    if (b && typeof b[name] === 'function') {
      try { b[name].apply(b, args); } catch (e) { /* host side problem: never break the map */ }
    }
  }

  // ---- helpers ------------------------------------------------------------------------
  function paneFor(id) {
    var name = 'jjj-' + id;
    return map.getPane(name) || map.createPane(name);
  }

  function restack() {
    order.forEach(function (id, i) { paneFor(id).style.zIndex = String(401 + i); });
  }

  function refreshUi() {
    if (panel) panel.refresh();
    if (legend) legend.refresh();
    if (jjj.time) jjj.time.refresh();   // jjj-time.js: shown while a timed layer is
  }

  function attrPopup(spec, row, vals, label) {
    var rows = [];
    (spec.fields || []).forEach(function (f, i) { rows.push([f, vals ? vals[i] : '']); });
    return ui.popup({t: label || (spec.title + ' #' + row), r: rows}, T);
  }

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

  // ---- layer builders -----------------------------------------------------------------
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

  function buildGeoJson(spec, pane, entry) {
    var base = spec.style || {};
    if (spec.packed) {
      spec.data.features.forEach(function (f, i) {
        f.geometry = {type: 'MultiPolygon', coordinates: unpack(spec.packed.geoms[i], spec.packed.scale, false)};
      });
      spec.packed = null;
    }
    var renderer = spec.canvas ? new KeptCanvas({pane: pane}) : L.svg({pane: pane});
    function styleOf(f) {
      var p = f.properties, s = L.extend({}, base);
      if (spec.colors) {
        var c = spec.colors[p._c || 0];
        var t = f.geometry.type;
        if (t === 'LineString' || t === 'MultiLineString') s.color = c;
        else { s.fillColor = c; s.fill = true; if (!base.color) s.color = c; }
      }
      return s;
    }
    entry.styleOf = styleOf;
    var byRowProps = {};
    entry.popupOf = function (row) {
      var p = byRowProps[row];
      return p._p ? ui.popup(p._p, T) : attrPopup(spec, row, p._a, p._lb);
    };
    entry.nameOf = function (row) {
      var p = byRowProps[row] || {};
      return (p._tt && p._tt[0]) || p._lb || (spec.title + ' #' + row);
    };
    var gj = L.geoJSON(spec.data, {
      pane: pane, renderer: renderer, style: styleOf,
      pointToLayer: function (f, ll) {
        var s = styleOf(f);
        s.radius = f.properties._r || base.radius || 6; s.fillOpacity = 0.85; s.weight = 1;
        s.color = '#333'; s.pane = pane; s.renderer = renderer;
        return L.circleMarker(ll, s);
      },
      onEachFeature: function (f, lyr) {
        var p = f.properties, row = p._row;
        entry.byRow[row] = lyr;
        var tt = p._tt;
        if (!tt && spec.tipFields && spec.tipFields.length) {
          tt = spec.tipFields.map(function (name) { return p._a[spec.fields.indexOf(name)]; });
        }
        if (!tt && p._lb) tt = [p._lb];
        if (tt) lyr.bindTooltip(function () { return ui.tooltip(tt); },
                                {sticky: !!(f.geometry.type.indexOf('Polygon') >= 0), direction: 'top'});
        // a click is resolved by jjj-pick.js: the popup of the topmost feature under it
        byRowProps[row] = p;
        if (spec.hover) {
          lyr.on('mouseover', function () {
            if (!isHl(spec.id, row)) lyr.setStyle({weight: (styleOf(f).weight || 1) + 1.5, color: '#222'});
          });
          lyr.on('mouseout', function () { if (!isHl(spec.id, row)) lyr.setStyle(styleOf(f)); });
        }
      }
    });
    entry.data = gj;
    entry.count = function () { return gj.getLayers().length; };
    if (spec.detail) setUpDetail(spec, gj, entry);
    return L.featureGroup([gj]);   // labels: jjj-labels.js
  }

  // Level of detail: level z is simplified to half a pixel at zoom z; the page shows level
  // ceil(zoom), from the app's scheme (fetched once per level) or from levels embedded in
  // the page (the finest it has), and its own initial outlines at or below the base zoom.
  function setUpDetail(spec, gj, entry) {
    var d = spec.detail, shown = null, got = {}, asked = {};
    var base = {};
    spec.data.features.forEach(function (f) { base[f.properties._row] = f.geometry; });
    Object.keys(d.levels || {}).forEach(function (z) { got[z] = d.levels[z]; });
    var apply = function (level, data) {
      var rows = data ? data.rows : Object.keys(base), geoms = data ? data.geoms : null;
      for (var i = 0; i < rows.length; i++) {
        var l = entry.byRow[rows[i]], g = geoms ? geoms[i] : base[rows[i]];
        if (!l || !l.setLatLngs || !g) continue;
        if (data && data.scale) { l.setLatLngs(unpack(g, data.scale, true)); continue; }
        var depth = g.type === 'MultiPolygon' ? 2 : (g.type === 'Polygon' || g.type === 'MultiLineString') ? 1 : 0;
        l.setLatLngs(L.GeoJSON.coordsToLatLngs(g.coordinates, depth));
      }
      shown = level;
      entry.detailLevel = level;
    };
    var wanted = function () {
      var z = map.getZoom();
      if (z <= d.base + 1e-9) return null;
      return Math.min(d.max, Math.ceil(z - 1e-9));
    };
    var swap = function () {
      var want = wanted();
      if (want === null) { if (shown !== null) apply(null, null); return; }
      if (d.url) {
        if (got[want]) { if (shown !== want) apply(want, got[want]); return; }
        if (asked[want]) return;
        asked[want] = true;
        fetch(d.url.replace('{z}', String(want))).then(function (r) {
          if (!r.ok) throw new Error('HTTP ' + r.status);
          return r.json();
        }).then(function (data) {
          got[want] = data;
          if (wanted() === want) apply(want, data);
        }).catch(function (e) { asked[want] = false; console.warn('jjjmap: no detail', want, e); });
        return;
      }
      var levels = Object.keys(got).map(Number).sort(function (a, b) { return a - b; });
      var pick = levels.filter(function (z) { return z >= want; })[0];
      if (pick === undefined) pick = levels[levels.length - 1];
      if (pick !== undefined && shown !== pick) apply(pick, got[pick]);
    };
    entry.detailLevel = null;
    map.on('zoomend', swap);
    entry.detailActive = function () { return shown !== null; };
    swap();
  }

  function markerIcon(icon, lit) {
    var s = ui.shapeSvg(icon.shape, icon.color, 16);
    return L.divIcon({className: lit ? 'jjj-icon jjj-hl' : 'jjj-icon', html: s,
                      iconSize: [16, 16], iconAnchor: [8, 8]});
  }

  function clusterIcon(cluster) {
    var kids = cluster.getAllChildMarkers(), counts = {}, total = kids.length;
    kids.forEach(function (m) { var c = m.options.jjjColor; counts[c] = (counts[c] || 0) + 1; });
    var stops = [], acc = 0;
    Object.keys(counts).forEach(function (c) {
      var a = acc / total * 360, b = (acc + counts[c]) / total * 360;
      stops.push(c + ' ' + a + 'deg ' + b + 'deg'); acc += counts[c];
    });
    var d = ui.el('div', 'jjj-cluster');
    d.style.background = 'conic-gradient(' + stops.join(',') + ')';
    ui.el('span', null, String(total), d);
    var size = total < 10 ? 26 : 32;
    return L.divIcon({className: 'jjj-cluster-icon', html: d, iconSize: [size, size]});
  }

  function buildMarkers(spec, pane, entry) {
    var group = L.markerClusterGroup({
      clusterPane: pane, maxClusterRadius: spec.clusterRadius || 14,
      spiderfyOnMaxZoom: true, showCoverageOnHover: false, zoomToBoundsOnClick: true,
      spiderfyDistanceMultiplier: 1.6, iconCreateFunction: clusterIcon
    });
    entry.markers = {};
    spec.features.forEach(function (f) {
      var m = L.marker([f.lat, f.lon], {icon: markerIcon(f.icon), pane: pane, jjjColor: f.icon.color,
                                        jjjCat: f.cat, keyboard: false});
      m.bindTooltip(function () { return ui.tooltip(f.tt); }, {direction: 'top', offset: [0, -8]});
      m.on('click', function () {
        if (pick) pick.offer(m.getLatLng(), {id: spec.id, row: f.row, entry: entry, latlng: m.getLatLng()});
      });
      entry.byRow[f.row] = m;
      entry.markers[f.row] = f;
    });
    entry.cluster = group;
    entry.popupOf = function (row) { return ui.popup(entry.markers[row].p, T); };
    entry.nameOf = function (row) { var p = entry.markers[row].p; return p && p.t; };
    entry.active = spec.filter ? spec.filter.slice() : (spec.categories || []).map(function (c) { return c.key; });
    entry.applyFilter = function () {
      group.clearLayers();
      var keep = [];
      spec.features.forEach(function (f) {
        if (entry.timeHidden && entry.timeHidden(f.row)) return;   // jjj-time.js
        if (!spec.filterField || entry.active.indexOf(f.cat) >= 0) keep.push(entry.byRow[f.row]);
      });
      group.addLayers(keep);
      if (entry.flowFilter) entry.flowFilter();
    };
    entry.count = function () { return group.getLayers().length; };
    var parts = [];
    if (spec.flows && spec.flows.length) {
      var flows = L.layerGroup();
      spec.flows.forEach(function (fl) {
        var line = L.polyline([fl.from, fl.to], {
          pane: pane, color: fl.sourced ? '#0077BB' : '#888', weight: fl.sourced ? 2.5 : 1.5,
          dashArray: fl.sourced ? null : '4 4', opacity: 0.85, renderer: L.svg({pane: pane})
        });
        line.bindTooltip(function () {
          return ui.tooltip([fl.labelN ? fl.labelN.replace('%n', String(fl.shown)) : fl.label]);
        }, {sticky: true});
        fl.line = line; fl.shown = fl.count;
        flows.addLayer(line);
      });
      // the time slider (jjj-time.js) recounts each line from its rows, or hides it
      entry.flowFilter = function () {
        spec.flows.forEach(function (fl) {
          var rows = fl.rows || [];
          fl.shown = entry.timeHidden ? rows.filter(function (r) { return !entry.timeHidden(r); }).length : rows.length;
          if (fl.shown && !flows.hasLayer(fl.line)) flows.addLayer(fl.line);
          else if (!fl.shown && rows.length && flows.hasLayer(fl.line)) flows.removeLayer(fl.line);
        });
      };
      entry.flows = flows;
      parts.push(flows);
    }
    entry.applyFilter();
    parts.push(group);
    return L.featureGroup(parts);
  }

  // ---- highlight ring pane ------------------------------------------------------------
  function isHl(id, row) { return !!(hl[id] && hl[id].indexOf(row) >= 0); }

  function latLngOf(entry, row) {
    if (entry.cloud) return entry.cloud.latLngOfRow(row);
    var l = entry.byRow[row];
    if (!l) return null;
    return l.getLatLng ? l.getLatLng() : null;
  }

  // ---- public API ---------------------------------------------------------------------
  jjj.init = function (leafletMap, config) {
    map = leafletMap; cfg = config; T = cfg.ui; jjj.map = map;
    jjj.datum = cfg.datum;
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    map.createPane('jjj-land').style.zIndex = '250';
    map.createPane('jjj-hl').style.zIndex = '640';
    ui.titleControl(cfg.title, cfg.subtitle).addTo(map);
    L.control.zoom({position: 'topleft'}).addTo(map);
    // bottom-left stacks upwards in the order added: scale bar, note, legend
    L.control.scale({position: 'bottomleft', imperial: false, maxWidth: 140}).addTo(map);
    note = ui.noteControl().addTo(map);
    legend = ui.legendControl(jjj, cfg).addTo(map);
    if (cfg.showPanel !== false) panel = ui.panelControl(jjj, cfg).addTo(map);
    if (window.JjjPick) {   // jjj-pick.js: before the measure tool (a measuring click picks nothing)
      pick = window.JjjPick.attach(map, {
        entries: function () { return order.slice().reverse().map(function (id) { return layers[id]; }).filter(function (e) { return e.visible; }); },
        popup: POPUP, T: T, highlight: function (id, rows) { jjj.highlight(id, rows); },
        report: function (hits, index) { callBridge('featuresPicked', [hits, index]); }
      });
    }
    if (window.jjjMeasure) window.jjjMeasure.attach(map, cfg);   // jjj-measure.js
    if (window.JjjLabels) labels = new window.JjjLabels(map);      // jjj-labels.js
    // the URL's fragment may name a view and a basemap (#view=lat,lon,zoom&basemap=name):
    // the app opens a stored page so (ui.warmstart), and a link to an export can too
    var start = startFromHash(location.hash);
    if (start.view) {
      map.setView([start.view[0], start.view[1]], start.view[2], {animate: false});
    } else if (cfg.fit) {   // a window too small for the region at the set zoom shows it whole
      var whole = L.latLngBounds([cfg.fit[1], cfg.fit[0]], [cfg.fit[3], cfg.fit[2]]);
      if (!map.getBounds().contains(whole)) {
        map.fitBounds(whole, {animate: false, padding: [8, 8]});
        fitted = true;
      }
    }
    map.on('moveend', function () {
      var c = map.getCenter();
      callBridge('viewChanged', [c.lat, c.lng, map.getZoom()]);
    });
    if (cfg.fit) region = ui.regionFit(map, L.latLngBounds([cfg.fit[1], cfg.fit[0]], [cfg.fit[3], cfg.fit[2]]));
    var pending = null;
    map.on('mousemove', function (e) {
      if (pending) { pending = e; return; }
      pending = e;
      requestAnimationFrame(function () {
        var ev = pending; pending = null;
        callBridge('mouseMoved', [ev.latlng.lat, ev.latlng.lng]);
      });
    });
    var chosen = start.basemap === null ? null : cfg.basemaps[start.basemap];
    setTiles(chosen && chosen.datum === cfg.datum ? start.basemap : cfg.basemap);
  };

  // The fragment comes from whoever wrote the link: a part that cannot be decoded or makes
  // no sense is ignored, never thrown (a URIError here stopped the map from drawing).
  function decoded(text) {
    try { return decodeURIComponent(text); } catch (e) { return null; }
  }

  function startFromHash(hash) {
    var out = {view: null, basemap: null};
    String(hash || '').replace(/^#/, '').split('&').forEach(function (part) {
      var kv = part.split('='), v, name;
      if (kv[0] === 'view' && kv[1]) {
        v = kv[1].split(',').map(Number);
        if (v.length === 3 && v.every(isFinite) && Math.abs(v[0]) <= 90 &&
            Math.abs(v[1]) <= 180 && v[2] >= 0 && v[2] <= 22) out.view = v;
      } else if (kv[0] === 'basemap' && kv[1]) {
        name = decoded(kv[1]);
        if (name !== null && Object.prototype.hasOwnProperty.call(cfg.basemaps, name)) {
          out.basemap = name;
        }
      }
    });
    return out;
  }

  // A layer's data may still be on its way (a large point layer fetches its buffers from
  // the app, jjj-bigpoints.js): the page says it is ready once every such load is done.
  var loading = [], busy = 0;
  function track(promise) {
    busy++;
    var done = function () { busy--; };
    promise.then(done, done);
    loading.push(promise);
  }
  jjj.busy = function () { return busy; };

  // Added live (the app adds, restyles and removes layers without reloading the page):
  // a layer of a known id is replaced in its place in the order.
  jjj.addLayer = function (spec) {
    var at = order.indexOf(spec.id);
    if (at >= 0) dropLayer(spec.id);
    var pane = 'jjj-' + spec.id;
    paneFor(spec.id);
    var entry = {spec: spec, byRow: {}, visible: spec.visible !== false};
    if (spec.render === 'geojson') entry.group = buildGeoJson(spec, pane, entry);
    else if (spec.render === 'markers') entry.group = buildMarkers(spec, pane, entry);
    else if (spec.render === 'points') {
      var Cloud = spec.bin ? window.JjjBigPoints : window.JjjPointCloud;   // jjj-bigpoints.js
      entry.cloud = new Cloud(spec, pane, function (i, latlng) {
        if (pick) pick.offer(latlng, {id: spec.id, row: entry.cloud.rows[i], entry: entry, latlng: latlng});
      });
      if (entry.cloud.loaded) track(entry.cloud.loaded);
      var indexOf = function (row) { return entry.cloud.indexOfRow(row); };
      entry.popupOf = function (row) {
        var i = indexOf(row);
        if (!entry.cloud.attrsOf) {
          var vals = spec.attrs ? spec.attrs.map(function (col) { return col[i]; }) : null;
          return attrPopup(spec, row, vals, spec.label ? spec.label[i] : null);
        }
        var node = document.createElement('div');   // any size: the attributes on demand
        entry.cloud.attrsOf(i, row, function (vals, label) {
          node.appendChild(attrPopup(spec, row, vals, label));
          if (map._popup && map._popup.isOpen()) map._popup.update();
        });
        return node;
      };
      entry.nameOf = function (row) { return spec.label ? spec.label[indexOf(row)] : ''; };
      entry.group = entry.timeTarget = entry.cloud;
      entry.count = function () { return entry.cloud.shownCount(); };
    } else if (window.JjjDensity && window.JjjDensity[spec.render]) {   // jjj-heat.js, jjj-hexbin.js
      entry.group = entry.timeTarget = new window.JjjDensity[spec.render](spec, pane, function (latlng, content) {
        var show = function () {
          var node = ui.popup(content, T);
          if (content.node) node.appendChild(content.node);   // jjj-hexbin.js: "select these points"
          return node;
        };
        if (pick) pick.offer(latlng, {id: spec.id, row: null, entry: entry, content: show, title: content.t});
        else L.popup(POPUP).setLatLng(latlng).setContent(show()).openOn(map);
      });
      entry.count = function () { return entry.group.shownCount(); };
    } else if (spec.render === 'pg') {   // view-driven PostGIS layer (jjj-pg.js)
      entry.pg = new window.JjjPgLayer(spec, pane, {T: T, popup: POPUP, entry: entry,
        offer: function (latlng, hit) { return pick ? pick.offer(latlng, hit) : null; }});
      entry.group = entry.pg;
      entry.count = function () { return entry.pg.count(); };
    }
    layers[spec.id] = entry;
    if (labels) labels.add(entry);
    if (at >= 0) order.splice(at, 0, spec.id); else order.push(spec.id);
    restack();
    map.getPane(pane).style.opacity = String(spec.opacity === undefined ? 1 : spec.opacity);
    if (entry.visible) map.addLayer(entry.group);
    if (spec.land && !land) {
      land = L.geoJSON(spec.data, {pane: 'jjj-land', interactive: false,
                                   renderer: L.svg({pane: 'jjj-land'}),
                                   style: {stroke: false, fill: true, fillColor: '#f7f5ef', fillOpacity: 1}});
    }
    if (jjj.ready) refreshUi();   // added live
    return true;
  };

  function dropLayer(id) {
    var e = layers[id];
    if (!e) return false;
    if (map.hasLayer(e.group)) map.removeLayer(e.group);
    if (hlLayers[id]) { map.removeLayer(hlLayers[id]); delete hlLayers[id]; }
    delete hl[id];
    if (labels) labels.remove(e);
    delete layers[id];
    order.splice(order.indexOf(id), 1);
    return true;
  }

  jjj.removeLayer = function (id) {
    if (!dropLayer(id)) return false;
    restack();
    refreshUi();
    return true;
  };


  jjj.finish = function () {
    if (labels) labels.start(function () { return order.map(function (id) { return layers[id]; }); });
    if (window.JjjTime) window.JjjTime.attach(jjj, map, order.map(function (id) { return layers[id]; }), cfg.lang);
    refreshUi();
    updateNoTiles();
    var settle = function (go) {   // after the data still on its way (track)
      if (!loading.length) { go(); return; }
      var all = Promise.all(loading.splice(0));
      all.then(go, go);
    };
    settle(function () { requestAnimationFrame(function () {
      requestAnimationFrame(function () {
        jjj.ready = true;
        document.body.setAttribute('data-jjj-ready', '1');
        if (fitted) {   // the window was told the set view; it shows another one
          var c = map.getCenter();
          callBridge('viewChanged', [c.lat, c.lng, map.getZoom()]);
        }
        callBridge('mapReady', []);
      });
    }); });
  };

  jjj.setVisible = function (id, v) {
    var e = layers[id]; if (!e) return false;
    e.visible = !!v;
    if (e.visible) map.addLayer(e.group); else map.removeLayer(e.group);
    refreshUi();
    return true;
  };

  jjj.setOpacity = function (id, v) {
    var e = layers[id]; if (!e) return false;
    map.getPane('jjj-' + id).style.opacity = String(Math.max(0, Math.min(1, +v)));
    return true;
  };

  jjj.setOrder = function (ids) {
    var known = ids.filter(function (id) { return layers[id]; });
    order.forEach(function (id) { if (known.indexOf(id) < 0) known.unshift(id); });
    order = known;
    restack();
    if (labels) labels.schedule();   // user layers' labels: the upper layer first
    refreshUi();
    return true;
  };

  jjj.setSectorFilter = function (keys) {
    keys = (keys || []).map(String);
    Object.keys(layers).forEach(function (id) {
      var e = layers[id];
      if (e.spec.filterField === 'sector') { e.active = keys.slice(); e.applyFilter(); }
    });
    refreshUi();
    return true;
  };

  // One selection at a time (issue 18): a new one clears every other layer's highlight and
  // the popup of a feature it does not hold.
  function unhighlight(id) {
    var e = layers[id] || {byRow: {}};
    (hl[id] || []).forEach(function (r) {
      var l = e.byRow[r];
      if (l && l.setStyle && e.styleOf && l.feature) l.setStyle(e.styleOf(l.feature));
      if (l && e.markers && e.markers[r]) l.setIcon(markerIcon(e.markers[r].icon, false));
    });
    if (hlLayers[id]) { map.removeLayer(hlLayers[id]); delete hlLayers[id]; }
    delete hl[id];
    if (labels) labels.remove(e);
  }

  jjj.highlight = function (id, rows) {
    rows = (rows || []).map(Number);
    var open = pick && map._popup && map.hasLayer(map._popup) ? pick.keyOf(map._popup) : null;
    if (open && !rows.some(function (r) { return open === id + ':' + r; })) map.closePopup();
    Object.keys(hl).forEach(unhighlight);
    var e = layers[id]; if (!e) return !id;
    hl[id] = rows;
    if (!hl[id].length) { delete hl[id]; return true; }
    var rings = L.layerGroup();
    hl[id].forEach(function (r) {
      var l = e.byRow[r];
      if (l && l.setStyle && l.feature && l.feature.geometry.type !== 'Point') {
        l.setStyle({color: '#00b4d8', weight: 3.5, opacity: 1});
        if (l.bringToFront) l.bringToFront();
        return;
      }
      if (l && e.markers && e.markers[r]) l.setIcon(markerIcon(e.markers[r].icon, true));
      var ll = latLngOf(e, r);
      if (ll) rings.addLayer(L.circleMarker(ll, {pane: 'jjj-hl', radius: 12, color: '#00b4d8', weight: 3,
                                                fill: false, interactive: false}));
    });
    hlLayers[id] = rings.addTo(map);
    return true;
  };

  // identify (jjj-pick.js): the popup of one feature; a click at a position, resolved now
  jjj.popupOf = function (id, row) {
    var e = layers[id];
    return e && e.popupOf && e.byRow[row] ? e.popupOf(row) : null;
  };
  jjj.identifyAt = function (lat, lon) { return pick ? pick.at([lat, lon]) : null; };

  jjj.highlighted = function () {
    var out = {};
    Object.keys(hl).forEach(function (k) { out[k] = hl[k].slice(); });
    return out;
  };

  jjj.zoomTo = function (id, rows) {
    var e = layers[id]; if (!e) return false;
    var b = L.latLngBounds([]);
    if (!rows || !rows.length) {
      b = e.cloud ? e.cloud.getBounds() : (e.cluster ? e.cluster.getBounds() : e.group.getBounds());
    } else {
      rows.forEach(function (r) {
        var l = e.byRow[r];
        if (l && l.getBounds) b.extend(l.getBounds());
        else { var ll = latLngOf(e, r); if (ll) b.extend(ll); }
      });
    }
    if (!b.isValid()) return false;
    if (e.cluster && rows && rows.length === 1 && e.byRow[rows[0]]) {
      var m = e.byRow[rows[0]];
      // registered first: a big zoom jump is not animated and ends inside fitBounds
      map.once('moveend', function () {
        setTimeout(function () {   // after markercluster's own re-clustering animation
          var parent = e.cluster.getVisibleParent(m);
          if (parent && parent !== m && parent.spiderfy) parent.spiderfy();
        }, 350);
      });
    }
    if (region) region.moved();
    map.fitBounds(b, {padding: [40, 40], maxZoom: 13});
    return true;
  };

  jjj.getView = function () {
    // during a zoom animation Leaflet still reports where it came from: say where it goes
    if (map._animatingZoom && map._animateToCenter) {
      var t = map._animateToCenter;
      return {lat: t.lat, lon: t.lng, zoom: map._animateToZoom};
    }
    var c = map.getCenter();
    return {lat: c.lat, lon: c.lng, zoom: map.getZoom()};
  };
  // the app moves the map to a known place at once: an animation would report the old view
  jjj.setView = function (lat, lon, zoom) {
    map.setView([lat, lon], zoom, {animate: false});
    if (region) region.check();
    return true;
  };
  jjj.regionView = function () { return region ? region.region : null; };
  jjj.legendCoversPopup = function () { return !!(legend && legend.covers()); };

  jjj.detailActive = function (id) { var e = layers[id]; return !!(e && e.detailActive && e.detailActive()); };
  jjj.detailLevel = function (id) { var e = layers[id]; return e && e.detailLevel !== undefined ? e.detailLevel : null; };
  jjj.featureCount = function (id) { var e = layers[id]; return e && e.count ? e.count() : 0; };
  jjj.pgState = function (id) { var e = layers[id]; return e && e.pg ? e.pg.state : null; };
  jjj.layerIds = function () { return order.slice(); };
  jjj.refreshUi = refreshUi;   // a layer whose legend changed with the zoom (jjj-hexbin.js)
  jjj.order = function () { return order.slice(); };
  jjj.layerInfo = function (id) {
    var e = layers[id];
    return {title: e.spec.title, visible: e.visible, spec: e.spec};
  };
  jjj.activeCategories = function (id) { return (layers[id].active || []).slice(); };
  jjj.basemap = function () { return basemapName; };
  jjj.markersOf = function (id) { var e = layers[id]; return e ? e.byRow : {}; };
  jjj.layerGroup = function (id) { var e = layers[id]; return e ? e.group : null; };
  // the labels drawn now: [{text, level, kind, box: [x0, y0, x1, y1]}] and the last run's stats
  jjj.labels = function () { return labels ? labels.info() : {stats: {}, labels: []}; };
  jjj.placeLabels = function () { if (labels) labels.place(); return !!labels; };
  jjj.labelsQuiet = function () { return labels ? labels.quietFrames() : 10; };

  // ---- basemaps -----------------------------------------------------------------------
  function setTiles(name) {
    tileLayers.forEach(function (t) { map.removeLayer(t); });
    tileLayers = []; tileStats = {ok: 0, err: 0};
    basemapName = name;
    var def = cfg.basemaps[name];
    jjj.tilesSettled = !(def && def.url);
    if (def && def.url) {
      [def.url].concat(def.overlays || []).forEach(function (url, i) {
        var t = L.tileLayer(url, {attribution: i ? '' : def.attribution, maxZoom: def.max_zoom,
                                  subdomains: def.subdomains, r: ''});
        t.on('tileload', function () { tileStats.ok++; updateNoTiles(); });
        t.on('tileerror', function () { tileStats.err++; updateNoTiles(); });
        if (!i) t.on('load', function () { jjj.tilesSettled = true; });
        tileLayers.push(t.addTo(map));
      });
    }
    if (note) note.set(def && def.missing_key ? T.tianditu_key : '');
    updateNoTiles();
  }

  // With no tiles (none chosen, no key, or offline) the land is drawn from the boundaries.
  function updateNoTiles() {
    if (!map) return;
    var def = cfg.basemaps[basemapName];
    var none = !def || !def.url || (tileStats.ok === 0 && tileStats.err >= 2);
    L.DomUtil[none ? 'addClass' : 'removeClass'](map.getContainer(), 'jjj-notiles');
    if (land) { if (none) map.addLayer(land); else map.removeLayer(land); }
  }

  jjj.setBasemap = function (name) {
    var def = cfg.basemaps[name];
    if (!def || def.datum !== cfg.datum) return false;
    setTiles(name);
    if (panel) panel.refresh();
    return true;
  };
})();
