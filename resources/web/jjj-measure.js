/* jjjmap measure and draw tool: window.jjjMeasure.
 * Click on the map to draw a line or a polygon, double-click (or "Finish") to end; the
 * length and area show live, on the WGS-84 ellipsoid:
 *   - length: Vincenty's inverse formula (T. Vincenty, Survey Review 23(176), 1975), good to
 *     well under a millimetre away from antipodal points;
 *   - area: the vertices projected to the ellipsoidal Lambert azimuthal equal-area
 *     projection centred on the shape (J. P. Snyder, Map Projections: A Working Manual,
 *     USGS PP 1395, 1987, pp. 187-190), where the plane area is the ellipsoid's area.
 * (A sphere is up to 0.5% off at these latitudes: not good enough.)
 * Over a GCJ-02 basemap the clicked positions are in GCJ-02; they are converted back to
 * WGS-84 (the published forward offset, inverted by fixed-point iteration, as
 * jjjmap.geo.datum does) before anything is measured or kept. */
(function () {
  'use strict';

  var A = 6378137.0, F = 1 / 298.257223563, B = A * (1 - F);
  var E2 = F * (2 - F), E = Math.sqrt(E2);
  var RAD = Math.PI / 180;

  // ---- geodesy ------------------------------------------------------------------------
  function vincenty(lat1, lon1, lat2, lon2) {
    if (lat1 === lat2 && lon1 === lon2) return 0;
    var L = (lon2 - lon1) * RAD;
    var U1 = Math.atan((1 - F) * Math.tan(lat1 * RAD));
    var U2 = Math.atan((1 - F) * Math.tan(lat2 * RAD));
    var sinU1 = Math.sin(U1), cosU1 = Math.cos(U1), sinU2 = Math.sin(U2), cosU2 = Math.cos(U2);
    var lambda = L, lambdaP, iter = 0;
    var sinSigma, cosSigma, sigma, sinAlpha, cos2Alpha, cos2SigmaM, C;
    do {
      var sinLambda = Math.sin(lambda), cosLambda = Math.cos(lambda);
      sinSigma = Math.sqrt((cosU2 * sinLambda) * (cosU2 * sinLambda) +
        (cosU1 * sinU2 - sinU1 * cosU2 * cosLambda) * (cosU1 * sinU2 - sinU1 * cosU2 * cosLambda));
      if (sinSigma === 0) return 0;
      cosSigma = sinU1 * sinU2 + cosU1 * cosU2 * cosLambda;
      sigma = Math.atan2(sinSigma, cosSigma);
      sinAlpha = cosU1 * cosU2 * sinLambda / sinSigma;
      cos2Alpha = 1 - sinAlpha * sinAlpha;
      cos2SigmaM = cos2Alpha !== 0 ? cosSigma - 2 * sinU1 * sinU2 / cos2Alpha : 0;
      C = F / 16 * cos2Alpha * (4 + F * (4 - 3 * cos2Alpha));
      lambdaP = lambda;
      lambda = L + (1 - C) * F * sinAlpha *
        (sigma + C * sinSigma * (cos2SigmaM + C * cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM)));
    } while (Math.abs(lambda - lambdaP) > 1e-12 && ++iter < 200);
    if (iter >= 200) return NaN;   // nearly antipodal: not a question on this map
    var uSq = cos2Alpha * (A * A - B * B) / (B * B);
    var bigA = 1 + uSq / 16384 * (4096 + uSq * (-768 + uSq * (320 - 175 * uSq)));
    var bigB = uSq / 1024 * (256 + uSq * (-128 + uSq * (74 - 47 * uSq)));
    var deltaSigma = bigB * sinSigma * (cos2SigmaM + bigB / 4 * (cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM) -
      bigB / 6 * cos2SigmaM * (-3 + 4 * sinSigma * sinSigma) * (-3 + 4 * cos2SigmaM * cos2SigmaM)));
    return B * bigA * (sigma - deltaSigma);
  }

  function lengthOf(pts) {          // pts: [[lon, lat], ...] WGS-84; metres
    var s = 0;
    for (var i = 1; i < pts.length; i++) s += vincenty(pts[i - 1][1], pts[i - 1][0], pts[i][1], pts[i][0]);
    return s;
  }

  function q(phi) {
    var s = Math.sin(phi);
    return (1 - E2) * (s / (1 - E2 * s * s) - (1 / (2 * E)) * Math.log((1 - E * s) / (1 + E * s)));
  }

  function areaOf(pts) {            // a closed ring of [lon, lat]; square metres
    if (pts.length < 3) return 0;
    var lon0 = 0, lat0 = 0;
    pts.forEach(function (p) { lon0 += p[0]; lat0 += p[1]; });
    lon0 /= pts.length; lat0 /= pts.length;
    var qp = q(Math.PI / 2), rq = A * Math.sqrt(qp / 2);
    var phi1 = lat0 * RAD, beta1 = Math.asin(q(phi1) / qp);
    var m1 = Math.cos(phi1) / Math.sqrt(1 - E2 * Math.sin(phi1) * Math.sin(phi1));
    var d = A * m1 / (rq * Math.cos(beta1));
    var xy = pts.map(function (p) {
      var beta = Math.asin(Math.max(-1, Math.min(1, q(p[1] * RAD) / qp)));
      var dl = (p[0] - lon0) * RAD;
      var b = rq * Math.sqrt(2 / (1 + Math.sin(beta1) * Math.sin(beta) +
                                  Math.cos(beta1) * Math.cos(beta) * Math.cos(dl)));
      return [b * d * Math.cos(beta) * Math.sin(dl),
              (b / d) * (Math.cos(beta1) * Math.sin(beta) - Math.sin(beta1) * Math.cos(beta) * Math.cos(dl))];
    });
    var s = 0;
    for (var i = 0; i < xy.length; i++) {
      var j = (i + 1) % xy.length;
      s += xy[i][0] * xy[j][1] - xy[j][0] * xy[i][1];
    }
    return Math.abs(s) / 2;
  }

  // ---- GCJ-02 -> WGS-84 (see jjjmap.geo.datum) ----------------------------------------
  var KA = 6378245.0, KEE = 0.00669342162296594323;
  function outOfChina(lon, lat) { return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271; }
  function gcjOffset(lon, lat) {
    var x = lon - 105.0, y = lat - 35.0, P = Math.PI;
    var common = (20.0 * Math.sin(6.0 * x * P) + 20.0 * Math.sin(2.0 * x * P)) * 2.0 / 3.0;
    var sx = Math.sqrt(Math.abs(x));
    var dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sx + common +
      (20.0 * Math.sin(y * P) + 40.0 * Math.sin(y / 3.0 * P)) * 2.0 / 3.0 +
      (160.0 * Math.sin(y / 12.0 * P) + 320.0 * Math.sin(y * P / 30.0)) * 2.0 / 3.0;
    var dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sx + common +
      (20.0 * Math.sin(x * P) + 40.0 * Math.sin(x / 3.0 * P)) * 2.0 / 3.0 +
      (150.0 * Math.sin(x / 12.0 * P) + 300.0 * Math.sin(x / 30.0 * P)) * 2.0 / 3.0;
    var radlat = lat / 180.0 * P, magic = 1 - KEE * Math.sin(radlat) * Math.sin(radlat);
    var sm = Math.sqrt(magic);
    return [(dlon * 180.0) / (KA / sm * Math.cos(radlat) * P),
            (dlat * 180.0) / ((KA * (1 - KEE)) / (magic * sm) * P)];
  }
  function gcjToWgs(lon, lat) {
    if (outOfChina(lon, lat)) return [lon, lat];
    var x = lon, y = lat;
    for (var i = 0; i < 30; i++) {
      var o = gcjOffset(x, y), nx = lon - o[0], ny = lat - o[1];
      var done = Math.abs(nx - x) < 1e-10 && Math.abs(ny - y) < 1e-10;
      x = nx; y = ny;
      if (done) break;
    }
    return [x, y];
  }

  // ---- the tool -----------------------------------------------------------------------
  var WORDS = {
    en: {tool: 'Measure', line: 'Measure distance', area: 'Measure area', clear: 'Clear', keep: 'Keep as layer',
         finish: 'Finish', km: 'km', km2: 'km²', m: 'm', length: 'Length', perimeter: 'Perimeter',
         areaL: 'Area', hint: 'Click to add points, double-click to finish'},
    zh: {tool: '量测', line: '量测距离', area: '量测面积', clear: '清除', keep: '保存为图层', finish: '完成',
         km: '公里', km2: '平方公里', m: '米', length: '长度', perimeter: '周长', areaL: '面积',
         hint: '单击添加点，双击结束'}
  };

  var M = window.jjjMeasure = {vincenty: vincenty, lengthOf: lengthOf, areaOf: areaOf,
                               gcjToWgs: gcjToWgs};
  var map = null, cfg = null, W = WORDS.en, mode = null, clicks = [], finished = false;
  var drawn = null, readout = null, keepButton = null, dblZoom = false, box = null, picking = false;

  function wgs84(ll) {
    return (window.jjj && window.jjj.datum === 'gcj02') ? gcjToWgs(ll.lng, ll.lat) : [ll.lng, ll.lat];
  }

  function fmtLength(m) {
    return m < 1000 ? m.toFixed(0) + ' ' + W.m : (m / 1000).toFixed(m < 100000 ? 2 : 1) + ' ' + W.km;
  }
  function fmtArea(m2) {
    var k = m2 / 1e6;
    return (k < 10 ? k.toFixed(3) : k < 1000 ? k.toFixed(2) : k.toFixed(0)) + ' ' + W.km2;
  }

  M.result = function () {
    var pts = clicks.map(wgs84), closed = pts.slice();
    var out = {mode: mode, finished: finished, coords: pts, length_m: 0, area_m2: 0, text: ''};
    if (mode === 'polygon' && pts.length >= 3) {
      closed.push(pts[0]);
      out.length_m = lengthOf(closed);
      out.area_m2 = areaOf(pts);
      out.text = W.areaL + ' ' + fmtArea(out.area_m2) + ' · ' + W.perimeter + ' ' + fmtLength(out.length_m);
    } else {
      out.length_m = lengthOf(pts);
      out.text = pts.length ? W.length + ' ' + fmtLength(out.length_m) : W.hint;
    }
    return out;
  };

  function redraw() {
    if (drawn) { map.removeLayer(drawn); drawn = null; }
    if (clicks.length) {
      var opts = {color: '#AA3377', weight: 2.5, dashArray: finished ? null : '5 5', interactive: false,
                  fillOpacity: 0.1, pane: 'jjj-hl'};
      drawn = (mode === 'polygon' && clicks.length >= 3 ? L.polygon(clicks, opts) : L.polyline(clicks, opts)).addTo(map);
    }
    if (readout) {
      readout.textContent = mode ? M.result().text : '';
      readout.style.display = mode ? '' : 'none';
    }
    if (keepButton) keepButton.style.display = (finished && window.jjjBridge) ? '' : 'none';
  }

  function onClick(e) {
    if (picking) {            // one point for the app (rings around a clicked point)
      picking = false;
      map.getContainer().style.cursor = '';
      var b = window.jjjBridge, p = wgs84(e.latlng);
      map.closePopup();
      if (b && typeof b.shapeDrawn === 'function') b.shapeDrawn('point', [p]);
      return;
    }
    if (!mode || finished) return;
    clicks.push(e.latlng);
    map.closePopup();
    redraw();
  }
  function onDblClick(e) {
    if (!mode || finished) return;
    // the two clicks of the double-click added the same point twice
    while (clicks.length > 1 && clicks[clicks.length - 1].equals(clicks[clicks.length - 2])) clicks.pop();
    M.finish();
    if (e && e.originalEvent) L.DomEvent.stop(e.originalEvent);
  }

  /* the next click on the map is reported to the app as a point (WGS-84) */
  M.pick = function () {
    if (!map) return false;
    M.clear();
    picking = true;
    map.getContainer().style.cursor = 'crosshair';
    return true;
  };
  M.picking = function () { return picking; };
  M.busy = function () { return picking || (!!mode && !finished); };   // jjj-pick.js: no identify

  M.start = function (kind) {
    if (!map) return false;
    M.clear();
    mode = kind === 'polygon' ? 'polygon' : 'line';
    if (box) L.DomUtil.addClass(box, 'jjj-measure-open');
    dblZoom = map.doubleClickZoom.enabled();
    map.doubleClickZoom.disable();
    map.getContainer().style.cursor = 'crosshair';
    redraw();
    return true;
  };
  M.finish = function () {
    if (!mode) return false;
    finished = true;
    if (dblZoom) map.doubleClickZoom.enable();
    map.getContainer().style.cursor = '';
    redraw();
    return true;
  };
  M.clear = function () {
    if (!map) return false;
    clicks = []; finished = false; picking = false;
    if (mode && dblZoom) map.doubleClickZoom.enable();
    mode = null;
    map.getContainer().style.cursor = '';
    redraw();
    return true;
  };
  /* the drawn shape, in WGS-84, to the app: it becomes a layer ("study area") there */
  M.keep = function () {
    var r = M.result(), b = window.jjjBridge;
    if (!b || typeof b.shapeDrawn !== 'function' || !r.coords.length) return false;
    b.shapeDrawn(r.mode === 'polygon' ? 'polygon' : 'line', r.coords);
    return true;
  };

  function button(bar, text, fn) {
    var a = L.DomUtil.create('a', 'jjj-measure-btn', bar);
    a.href = '#'; a.setAttribute('role', 'button'); a.textContent = text; a.title = text;
    L.DomEvent.on(a, 'click', function (ev) { L.DomEvent.stop(ev); fn(); });
    L.DomEvent.disableClickPropagation(a);
    return a;
  }

  var Control = L.Control.extend({
    // top left under the zoom buttons, folded to one button: the bottom right belongs to
    // the time slider (jjj-time.js), the other corners to the legend and the layer panel;
    // Leaflet stacks the controls of a corner, so none covers another
    options: {position: 'topleft'},
    onAdd: function () {
      box = L.DomUtil.create('div', 'leaflet-bar jjj-measure');
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      var toggle = button(box, W.tool, function () {
        if (L.DomUtil.hasClass(box, 'jjj-measure-open')) { M.clear(); L.DomUtil.removeClass(box, 'jjj-measure-open'); }
        else L.DomUtil.addClass(box, 'jjj-measure-open');
      });
      toggle.className += ' jjj-measure-toggle';
      button(box, W.line, function () { M.start('line'); });
      button(box, W.area, function () { M.start('polygon'); });
      button(box, W.finish, function () { M.finish(); });
      button(box, W.clear, function () { M.clear(); });
      keepButton = button(box, W.keep, function () { M.keep(); });
      readout = L.DomUtil.create('div', 'jjj-measure-readout', box);
      redraw();
      return box;
    }
  });

  /* called by jjj.init once the map exists */
  var CSS = '.jjj-measure{background:#fff;font:12px/1.4 sans-serif;max-width:190px}' +
    '.jjj-measure a.jjj-measure-btn{display:block;width:auto;height:auto;line-height:1.6;' +
    'padding:1px 8px;text-align:left;color:#222}' +
    '.jjj-measure-readout{padding:3px 8px;border-top:1px solid #ccc;color:#6a1b4d;font-weight:bold}' +
    '.jjj-measure:not(.jjj-measure-open)>:not(.jjj-measure-toggle){display:none!important}' +
    '.jjj-print .jjj-measure{display:none}';

  M.attach = function (leafletMap, config) {
    map = leafletMap; cfg = config || {};
    if (!document.getElementById('jjj-measure-css')) {
      var st = document.createElement('style');
      st.id = 'jjj-measure-css'; st.textContent = CSS;
      document.head.appendChild(st);
    }
    W = WORDS[cfg.lang] || WORDS.en;
    new Control().addTo(map);
    map.on('click', onClick);
    map.on('dblclick', onDblClick);
  };
})();
