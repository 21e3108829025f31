/* jjjmap marker layer kind (render "markers", render/specs.py MarkersSpec): the built-in
 * point sets as SVG icons in Leaflet.markercluster, filtered by category (the spec's
 * filterField), with the institutions' flow lines. One L.FeatureGroup of the flows and the
 * cluster group; it answers the page's kind interface (jjj.js, "layer kinds").
 * Registered as window.JjjKinds.markers. */
(function () {
  'use strict';
  var ui = window.jjjUi;

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

  function flowLines(spec, pane) {
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
    return flows;
  }

  var JjjMarkerLayer = L.FeatureGroup.extend({
    // ctx (jjj.js contextFor): pane, entry, T, offer(latlng, hit)
    initialize: function (spec, ctx) {
      var self = this, pane = ctx.pane, entry = ctx.entry;
      this.spec = spec; this.ctx = ctx; this.byRow = entry.byRow; this.hidden = null;
      var group = this.cluster = entry.cluster = L.markerClusterGroup({
        clusterPane: pane, maxClusterRadius: spec.clusterRadius || 14,
        spiderfyOnMaxZoom: true, showCoverageOnHover: false, zoomToBoundsOnClick: true,
        spiderfyDistanceMultiplier: 1.6, iconCreateFunction: clusterIcon
      });
      this.markers = entry.markers = {};   // jjj-pick.js: the markers under a click
      spec.features.forEach(function (f) {
        var m = L.marker([f.lat, f.lon], {icon: markerIcon(f.icon), pane: pane, jjjColor: f.icon.color,
                                          jjjCat: f.cat, keyboard: false});
        m.bindTooltip(function () { return ui.tooltip(f.tt); }, {direction: 'top', offset: [0, -8]});
        m.on('click', function () {
          ctx.offer(m.getLatLng(), {id: spec.id, row: f.row, entry: entry, latlng: m.getLatLng()});
        });
        self.byRow[f.row] = m;
        self.markers[f.row] = f;
      });
      this.active = spec.filter ? spec.filter.slice() : (spec.categories || []).map(function (c) { return c.key; });
      var parts = [];
      if (spec.flows && spec.flows.length) parts.push(this.flows = flowLines(spec, pane));
      parts.push(group);
      this._apply();
      L.FeatureGroup.prototype.initialize.call(this, parts);
    },

    // the markers of the active categories the time slider leaves in; the flows recounted
    _apply: function () {
      var spec = this.spec, byRow = this.byRow, active = this.active, hidden = this.hidden, keep = [];
      this.cluster.clearLayers();
      spec.features.forEach(function (f) {
        if (hidden && hidden(f.row)) return;
        if (!spec.filterField || active.indexOf(f.cat) >= 0) keep.push(byRow[f.row]);
      });
      this.cluster.addLayers(keep);
      if (this.flows) this._recountFlows();
    },
    // the time slider (jjj-time.js) recounts each line from its rows, or hides it
    _recountFlows: function () {
      var flows = this.flows, hidden = this.hidden;
      this.spec.flows.forEach(function (fl) {
        var rows = fl.rows || [];
        fl.shown = hidden ? rows.filter(function (r) { return !hidden(r); }).length : rows.length;
        if (fl.shown && !flows.hasLayer(fl.line)) flows.addLayer(fl.line);
        else if (!fl.shown && rows.length && flows.hasLayer(fl.line)) flows.removeLayer(fl.line);
      });
    },

    // -- the kind interface (jjj.js) --
    count: function () { return this.cluster.getLayers().length; },
    bounds: function (rows) {
      if (!rows.length) return this.cluster.getBounds();
      var b = L.latLngBounds([]), byRow = this.byRow;
      rows.forEach(function (r) { if (byRow[r]) b.extend(byRow[r].getLatLng()); });
      return b;
    },
    highlight: function (rows, on) {
      var byRow = this.byRow, markers = this.markers, rings = [];
      rows.forEach(function (r) {
        var m = byRow[r];
        if (!m || !markers[r]) return;
        m.setIcon(markerIcon(markers[r].icon, on));
        if (on) rings.push(m.getLatLng());
      });
      return rings;
    },
    setFilter: function (keys) {
      if (!this.spec.filterField) return false;
      this.active = keys.slice();
      this._apply();
      return true;
    },
    setHidden: function (hidden) { this.hidden = hidden; this._apply(); },
    // the markers shown unclustered (16 px icons) at a position (jjj-pick.js)
    hitsAt: function (latlng) {
      var map = this.ctx.map, cp = map.latLngToContainerPoint(latlng), byRow = this.byRow, out = [];
      Object.keys(this.markers).forEach(function (row) {
        var m = byRow[row];
        if (m && map.hasLayer(m) && map.latLngToContainerPoint(m.getLatLng()).distanceTo(cp) <= 8) out.push(+row);
      });
      return out;
    },
    popupOf: function (row) { return ui.popup(this.markers[row].p, this.ctx.T); },
    nameOf: function (row) { var p = this.markers[row].p; return p && p.t; },
    // after a zoom to one marker: open the spider it sits in (markercluster re-clusters first)
    reveal: function (row) {
      var m = this.byRow[row], cluster = this.cluster, map = this.ctx.map;
      if (!m) return;
      // registered first: a big zoom jump is not animated and ends inside fitBounds
      map.once('moveend', function () {
        setTimeout(function () {   // after markercluster's own re-clustering animation
          var parent = cluster.getVisibleParent(m);
          if (parent && parent !== m && parent.spiderfy) parent.spiderfy();
        }, 350);
      });
    }
  });

  window.JjjKinds = window.JjjKinds || {};
  window.JjjKinds.markers = window.JjjMarkerLayer = JjjMarkerLayer;
})();
