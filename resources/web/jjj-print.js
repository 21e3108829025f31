/* jjjmap print layout: turns the map page into a page of a given size (export/layout.py).
 * Python decides where everything goes (window.jjjPrint); this script builds the title,
 * frame, legend, scale bar, north arrow, credits and inset with textContent, after the map
 * is drawn and before the page says it is ready. Without window.jjjPrint it does nothing. */
(function () {
  'use strict';
  var jjj = window.jjj, ui = window.jjjUi;
  if (!jjj || !ui || !window.L) return;
  var SVG = 'http://www.w3.org/2000/svg';
  var baseInit = jjj.init, baseFinish = jjj.finish, map = null, cfg = null;

  jjj.init = function (leafletMap, config) {
    var P = window.jjjPrint;
    if (P) {
      // every path a vector in the PDF: the print page draws with SVG, never on a canvas
      L.canvas = function (options) { return L.svg(options); };
      config.showPanel = false;
      config.fit = null;
    }
    map = leafletMap; cfg = config;
    baseInit(leafletMap, config);
    if (P) {
      map.options.zoomSnap = 0;   // the view Python chose, not the nearest quarter zoom
      map.setView([P.view.lat, P.view.lon], P.view.zoom, {animate: false});
    }
  };

  jjj.finish = function () {
    baseFinish();
    if (window.jjjPrint) build(window.jjjPrint);
  };

  function el(tag, cls, text, parent) { return ui.el(tag, cls, text, parent); }

  function svg(tag, attrs, parent) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (parent) parent.appendChild(e);
    return e;
  }

  function place(node, box) {
    node.style.left = box.left + 'px'; node.style.top = box.top + 'px';
    node.style.width = box.width + 'px'; node.style.height = box.height + 'px';
    return node;
  }

  function build(P) {
    var u = P.page.unit, body = document.body;
    body.classList.add('jjj-print', 'jjjp');
    body.style.setProperty('--u', u + 'px');

    var head = place(el('div', 'jjjp-header', null, body), P.header);
    el('div', 'jjjp-title', P.title, head);
    if (P.subtitle) el('div', 'jjjp-subtitle', P.subtitle, head);

    place(el('div', 'jjjp-frame', null, body), P.frame);

    // the legend: the page's own legend control (visible layers, sector filter), moved here
    var band = P.legendPlace === 'outside' && P.legend.width > P.legend.height * 2;
    var leg = el('div', 'jjjp-legend jjjp-' + P.legendPlace + (band ? ' jjjp-band' : ''), null, body);
    leg.style.left = P.legend.left + 'px'; leg.style.top = P.legend.top + 'px';
    leg.style.width = P.legend.width + 'px'; leg.style.maxHeight = P.legend.height + 'px';
    if (P.legendPlace === 'outside') leg.style.height = P.legend.height + 'px';
    var control = ui.legendControl(jjj, cfg);
    var box = control.onAdd(map);
    control.refresh();
    box.style.display = '';
    var heading = box.querySelector('.jjj-legend-head span');
    if (heading) heading.textContent = P.text.legend;
    leg.appendChild(box);
    if (P.inset) inset(el('div', 'jjjp-inset', null, leg), P);
    fit(leg, box, u);
    if (P.legendPlace.indexOf('bottom') === 0) {
      leg.style.top = (P.legend.top + P.legend.height - leg.offsetHeight) + 'px';
    }

    footer(place(el('div', 'jjjp-footer', null, body), P.footer), P);
    jjj.printReady = true;
    body.setAttribute('data-jjj-print', '1');
  }

  // shrink the legend's type until it fits its box (a long legend on a small page)
  function fit(leg, box, u) {
    var size = 1.45 * u;
    box.style.fontSize = size + 'px';
    var over = function () {
      return leg.scrollHeight > leg.clientHeight + 1 || box.scrollWidth > box.clientWidth + 1;
    };
    for (var i = 0; i < 12 && over(); i++) {
      size *= 0.9;
      box.style.fontSize = size + 'px';
    }
  }

  function footer(foot, P) {
    var u = P.page.unit, s = P.scale;
    var left = el('div', 'jjjp-scale', null, foot);
    var h = 5.2 * u, w = s.px + 4 * u;
    var bar = svg('svg', {width: w, height: h, viewBox: '0 0 ' + w + ' ' + h}, left);
    var x0 = 1.5 * u, y = 2.6 * u, bh = 0.9 * u, n = 4;
    for (var i = 0; i < n; i++) {
      svg('rect', {x: x0 + i * s.px / n, y: y, width: s.px / n, height: bh,
                   fill: i % 2 ? '#fff' : '#222', stroke: '#222', 'stroke-width': 0.6}, bar);
    }
    var font = 1.35 * u;
    var zero = svg('text', {x: x0, y: y - 0.5 * u, 'font-size': font, 'text-anchor': 'middle'}, bar);
    zero.textContent = '0';
    var end = svg('text', {x: x0 + s.px, y: y - 0.5 * u, 'font-size': font, 'text-anchor': 'middle'}, bar);
    end.textContent = s.label;
    var note = svg('text', {x: x0, y: y + bh + 1.5 * u, 'font-size': 1.05 * u, fill: '#555'}, bar);
    note.textContent = s.note;

    var north = svg('svg', {width: 4 * u, height: 6.5 * u, viewBox: '0 0 40 65', 'class': 'jjjp-north'}, foot);
    var letter = svg('text', {x: 20, y: 17, 'font-size': 17, 'font-weight': 700, 'text-anchor': 'middle'}, north);
    letter.textContent = P.text.north;
    svg('path', {d: 'M20 22 L31 62 L20 53 Z', fill: '#222'}, north);
    svg('path', {d: 'M20 22 L9 62 L20 53 Z', fill: '#fff', stroke: '#222', 'stroke-width': 1.5}, north);

    var cred = el('div', 'jjjp-credits', null, foot);
    P.credits.forEach(function (line) { el('div', null, line, cred); });
    el('div', 'jjjp-date', P.text.made + ' · ' + P.date, cred);
  }

  // the whole region, with the printed extent marked on it
  function inset(node, P) {
    el('div', 'jjjp-inset-title', P.text.inset, node);
    var div = el('div', 'jjjp-inset-map', null, node);
    var region = null;
    jjj.layerIds().forEach(function (id) {
      var spec = jjj.layerInfo(id).spec;
      if (spec.level === 'province' && spec.data && !region) region = spec.data;
    });
    if (!region) { node.style.display = 'none'; return; }
    var m = L.map(div, {zoomControl: false, attributionControl: false, dragging: false,
                        scrollWheelZoom: false, doubleClickZoom: false, boxZoom: false,
                        keyboard: false, touchZoom: false, zoomSnap: 0, fadeAnimation: false,
                        zoomAnimation: false, renderer: L.svg()});
    var shape = L.geoJSON(region, {interactive: false,
                                   style: {color: '#555', weight: 0.8, fillColor: '#eee', fillOpacity: 1}}).addTo(m);
    m.fitBounds(shape.getBounds(), {animate: false, padding: [4, 4]});
    L.rectangle(map.getBounds(), {interactive: false, color: '#c0392b', weight: 1.6,
                                  fill: false}).addTo(m);
  }

  // where the layout's parts are on the page, for tests and the preview
  jjj.printBoxes = function () {
    var out = {};
    [['frame', '.jjjp-frame'], ['legend', '.jjjp-legend'], ['header', '.jjjp-header'],
     ['footer', '.jjjp-footer'], ['map', '.folium-map']].forEach(function (p) {
      var n = document.querySelector(p[1]);
      if (!n) return;
      var r = n.getBoundingClientRect();
      out[p[0]] = {left: r.left, top: r.top, right: r.right, bottom: r.bottom};
    });
    out.legendLayers = [].map.call(document.querySelectorAll('.jjjp-legend .jjj-legend-sec'),
                                   function (n) { return n.getAttribute('data-layer'); });
    return out;
  };
})();
