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

  // ---- layer kinds ---------------------------------------------------------------------
  // spec.render -> an L.Layer class, made as new Kind(spec, ctx) (contextFor below). Every
  // kind answers the same small interface, which is all the rest of this file uses:
  //   count()              the features drawn now
  //   bounds(rows)         an L.LatLngBounds of those rows (of the whole layer when empty)
  //   highlight(rows, on)  mark or unmark rows; returns the positions that get a ring
  //   setFilter(keys)      show only these category keys (false: the kind has none)
  //   hitsAt(latlng)       the rows drawn at a position, topmost first (jjj-pick.js)
  //   popupOf(row), nameOf(row)   identify (jjj-pick.js)
  //   setHidden(hidden)    the time slider (jjj-time.js), where the kind has one
  // and takes the map events it needs from getEvents(), so they go with the layer.
  // jjj-geojson.js and jjj-markers.js register their classes; the canvas layers below.
  var kinds = window.JjjKinds = window.JjjKinds || {};

  function contextFor(spec, entry) {
    return {
      map: map, pane: 'jjj-' + spec.id, entry: entry, T: T, popup: POPUP, track: track,
      offer: function (latlng, hit) { return pick ? pick.offer(latlng, hit) : null; },
      isHl: function (row) { return isHl(spec.id, row); },
      attrPopup: function (row, vals, label) { return attrPopup(spec, row, vals, label); }
    };
  }

  function kindOf(spec) { return spec.render === 'points' && spec.bin ? 'bigpoints' : spec.render; }

  // what a kind answers for features it cannot mark, filter or identify one by one
  var featureless = {
    bounds: function (rows) { return rows.length || !this.getBounds ? L.latLngBounds([]) : this.getBounds(); },
    highlight: function () { return []; },
    setFilter: function () { return false; },
    hitsAt: function () { return []; },
    popupOf: function () { return null; },
    nameOf: function () { return ''; }
  };

  // The canvas layers (jjj-points.js, jjj-bigpoints.js, jjj-heat.js, jjj-hexbin.js) keep
  // their own constructor (spec, pane, onPick): the kind made from one takes (spec, ctx)
  // and adds the interface. `picked(layer, spec, ctx)` makes its onPick.
  function canvasKind(Base, picked, api) {
    if (!Base) return null;
    return Base.extend(L.extend({
      initialize: function (spec, ctx) {
        Base.prototype.initialize.call(this, spec, ctx.pane, picked(this, spec, ctx));
        this.ctx = ctx;
        if (this.loaded) ctx.track(this.loaded);   // data still on its way (jjj-bigpoints.js)
      },
      count: function () { return this.shownCount(); }
    }, featureless, api));
  }

  // points: a click offers the point's row; popups from the spec's columns or on demand
  var pointsApi = {
    hitsAt: function (latlng) {   // the point under a position, 3 px of slop
      if (!this.rows || !this._map) return [];   // a big layer's data still on its way
      var i = this.nearest(this._map.latLngToContainerPoint(latlng), 3);
      return i >= 0 ? [this.rows[i]] : [];
    },
    bounds: function (rows) {
      if (!rows.length) return this.getBounds();
      var b = L.latLngBounds([]), self = this;
      rows.forEach(function (r) { var ll = self.latLngOfRow(r); if (ll) b.extend(ll); });
      return b;
    },
    highlight: function (rows, on) {
      var self = this;
      return on ? rows.map(function (r) { return self.latLngOfRow(r); }).filter(Boolean) : [];
    },
    popupOf: function (row) {
      var spec = this.spec, ctx = this.ctx, i = this.indexOfRow(row);
      if (!this.attrsOf) {
        var vals = spec.attrs ? spec.attrs.map(function (col) { return col[i]; }) : null;
        return ctx.attrPopup(row, vals, spec.label ? spec.label[i] : null);
      }
      var node = document.createElement('div');   // any size: the attributes on demand
      this.attrsOf(i, row, function (vals, label) {
        node.appendChild(ctx.attrPopup(row, vals, label));
        if (map._popup && map._popup.isOpen()) map._popup.update();
      });
      return node;
    },
    nameOf: function (row) { return this.spec.label ? this.spec.label[this.indexOfRow(row)] : ''; }
  };
  function pointPicked(layer, spec, ctx) {
    ctx.entry.cloud = layer;   // jjj-pick.js and jjj-labels.js read its points
    return function (i, latlng) {
      ctx.offer(latlng, {id: spec.id, row: layer.rows[i], entry: ctx.entry, latlng: latlng});
    };
  }
  // density surfaces: a click offers what lies under it (a hexagon's counts), no row
  function densityPicked(layer, spec, ctx) {
    return function (latlng, content) {
      var show = function () {
        var node = ui.popup(content, T);
        if (content.node) node.appendChild(content.node);   // jjj-hexbin.js: "select these points"
        return node;
      };
      if (pick) pick.offer(latlng, {id: spec.id, row: null, entry: ctx.entry, content: show, title: content.t});
      else L.popup(POPUP).setLatLng(latlng).setContent(show()).openOn(map);
    };
  }
  var D = window.JjjDensity || {};
  L.extend(kinds, {
    points: canvasKind(window.JjjPointCloud, pointPicked, pointsApi),
    bigpoints: canvasKind(window.JjjBigPoints, pointPicked, pointsApi),
    heatmap: canvasKind(D.heatmap, densityPicked, {}),
    hexbin: canvasKind(D.hexbin, densityPicked, {})
  });
  // the view-driven PostGIS layer (jjj-pg.js) takes the context as its hooks
  if (window.JjjPgLayer) {
    kinds.pg = window.JjjPgLayer.extend(L.extend({
      initialize: function (spec, ctx) { window.JjjPgLayer.prototype.initialize.call(this, spec, ctx.pane, ctx); }
    }, featureless));
  }

  // ---- highlight ring pane ------------------------------------------------------------
  function isHl(id, row) { return !!(hl[id] && hl[id].indexOf(row) >= 0); }

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
  // The entry is what the rest of the page (jjj-pick.js, jjj-labels.js, jjj-time.js) sees of
  // a layer: its spec, `group` (the kind's layer), visibility, byRow (row -> Leaflet layer,
  // for kinds with one per feature) and identify.
  jjj.addLayer = function (spec) {
    var Kind = kinds[kindOf(spec)];
    if (!Kind) { console.warn('jjjmap: no layer kind', spec.render); return false; }
    var at = order.indexOf(spec.id), prev = at >= 0 ? layers[spec.id] : null;
    // a large layer's new buffers are fetched (its indexed buffers after the first frame,
    // ui/livelayers.py): the old drawing stays on the map until they are in
    var ghost = prev && prev.visible && spec.visible !== false && spec.bin && spec.bin.geoUrl &&
                map.hasLayer(prev.group) ? prev.group : null;
    if (at >= 0) dropLayer(spec.id, !!ghost);
    var pane = 'jjj-' + spec.id;
    paneFor(spec.id);
    var entry = {spec: spec, byRow: {}, visible: spec.visible !== false};
    var layer = entry.group = new Kind(spec, contextFor(spec, entry));
    entry.popupOf = function (row) { return layer.popupOf(row); };
    entry.nameOf = function (row) { return layer.nameOf(row); };
    if (layer.setHidden) entry.timeTarget = layer;   // jjj-time.js
    layers[spec.id] = entry;
    if (labels) labels.add(entry);
    if (at >= 0) order.splice(at, 0, spec.id); else order.push(spec.id);
    restack();
    map.getPane(pane).style.opacity = String(spec.opacity === undefined ? 1 : spec.opacity);
    if (entry.visible) map.addLayer(entry.group);
    if (ghost) {
      var gone = function () { if (map.hasLayer(ghost)) map.removeLayer(ghost); };
      if (layer.loaded) layer.loaded.then(gone, gone); else gone();
    }
    if (spec.land && !land) {
      land = L.geoJSON(spec.data, {pane: 'jjj-land', interactive: false,
                                   renderer: L.svg({pane: 'jjj-land'}),
                                   style: {stroke: false, fill: true, fillColor: '#f7f5ef', fillOpacity: 1}});
    }
    if (jjj.ready) refreshUi();   // added live
    return true;
  };

  function dropLayer(id, keepDrawing) {   // keepDrawing: its group stays on the map (addLayer)
    var e = layers[id];
    if (!e) return false;
    if (!keepDrawing && map.hasLayer(e.group)) map.removeLayer(e.group);
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

  // the layers whose categories come from `field` (spec.filterField) show only `keys`
  jjj.setFilter = function (field, keys) {
    keys = (keys || []).map(String);
    Object.keys(layers).forEach(function (id) {
      var e = layers[id];
      if (field && e.spec.filterField === field) e.group.setFilter(keys);
    });
    refreshUi();
    return true;
  };

  // One selection at a time (issue 18): a new one clears every other layer's highlight and
  // the popup of a feature it does not hold.
  function unhighlight(id) {
    var e = layers[id];
    if (e) e.group.highlight(hl[id] || [], false);
    if (hlLayers[id]) { map.removeLayer(hlLayers[id]); delete hlLayers[id]; }
    delete hl[id];
    if (labels) labels.remove(e || {byRow: {}});
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
    e.group.highlight(rows, true).forEach(function (ll) {
      rings.addLayer(L.circleMarker(ll, {pane: 'jjj-hl', radius: 12, color: '#00b4d8', weight: 3,
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
    var b = e.group.bounds(rows || []);
    if (!b.isValid()) return false;
    if (e.group.reveal && rows && rows.length === 1) e.group.reveal(rows[0]);   // jjj-markers.js
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

  jjj.detailActive = function (id) { var e = layers[id]; return !!(e && e.group.detailActive && e.group.detailActive()); };
  jjj.detailLevel = function (id) { var e = layers[id]; return e && e.group.detailLevel !== undefined ? e.group.detailLevel : null; };
  jjj.featureCount = function (id) { var e = layers[id]; return e ? e.group.count() : 0; };
  jjj.pgState = function (id) { var e = layers[id]; return e && kinds.pg && e.group instanceof kinds.pg ? e.group.state : null; };
  jjj.layerIds = function () { return order.slice(); };
  jjj.refreshUi = refreshUi;   // a layer whose legend changed with the zoom (jjj-hexbin.js)
  jjj.order = function () { return order.slice(); };
  jjj.layerInfo = function (id) {
    var e = layers[id];
    return {title: e.spec.title, visible: e.visible, spec: e.spec};
  };
  jjj.activeCategories = function (id) { return (layers[id].group.active || []).slice(); };
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
