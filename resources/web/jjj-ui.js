/* jjjmap page UI: DOM helpers, symbols, popups, title, layer panel and legend.
 * Every piece of attribute text reaches the page through textContent, never innerHTML. */
(function () {
  'use strict';
  var ui = window.jjjUi = {};
  var SVG = 'http://www.w3.org/2000/svg';

  // A Web Worker made from script text in a blob: URL (so an export carries it; the app's
  // CSP allows `worker-src blob:`), or null where no worker can be made (no Worker, a policy
  // that forbids it). ``onMessage(data)`` hears its answers, ``onFail()`` an error in it.
  // jjj-bigpoints.js and jjj-density-worker.js make theirs with it.
  ui.canMakeWorker = !!(window.Worker && window.Blob && window.URL);
  ui.blobWorker = function (src, onMessage, onFail) {
    var w;
    try {
      var url = URL.createObjectURL(new Blob([src], {type: 'text/javascript'}));
      w = new Worker(url);
      URL.revokeObjectURL(url);
    } catch (e) {
      return null;
    }
    w.onerror = function (e) { if (e && e.preventDefault) e.preventDefault(); onFail(); };
    w.onmessage = function (e) { onMessage(e.data); };
    return w;
  };

  function el(tag, cls, text, parent) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null && text !== '') e.textContent = String(text);
    if (parent) parent.appendChild(e);
    return e;
  }
  ui.el = el;

  function svgEl(tag, attrs, parent) {
    var e = document.createElementNS(SVG, tag);
    for (var k in attrs) if (attrs[k] !== undefined && attrs[k] !== null) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }

  // A small shape (institution kinds, sector dots) as inline SVG: no icon fonts.
  function shapeSvg(shape, color, size, stroke) {
    size = size || 16;
    var s = svgEl('svg', {width: size, height: size, viewBox: '0 0 16 16', 'class': 'jjj-shape'});
    var common = {fill: color, stroke: stroke || '#1f1f1f', 'stroke-width': 1.2,
                  'stroke-linejoin': 'round'};
    var a;
    if (shape === 'triangle') a = svgEl('path', {d: 'M8 1.5 L14.8 14 L1.2 14 Z'}, s);
    else if (shape === 'square') a = svgEl('rect', {x: 2.2, y: 2.2, width: 11.6, height: 11.6}, s);
    else if (shape === 'diamond') a = svgEl('path', {d: 'M8 1 L15 8 L8 15 L1 8 Z'}, s);
    else if (shape === 'cross') a = svgEl('path', {d: 'M5.6 1.5h4.8v4.1h4.1v4.8h-4.1v4.1H5.6v-4.1H1.5V5.6h4.1z'}, s);
    else a = svgEl('circle', {cx: 8, cy: 8, r: 6.3}, s);
    for (var k in common) a.setAttribute(k, common[k]);
    return s;
  }
  ui.shapeSvg = shapeSvg;

  // A legend symbol: line, fill, circle (with radius), shape, swatch.
  ui.symbol = function (sym) {
    var w = 22, h = 16;
    if (sym.type === 'shape') return shapeSvg(sym.shape, sym.color, 15);
    if (sym.type === 'circle' && sym.radius) { w = h = Math.max(16, Math.ceil(sym.radius * 2 + 2)); }
    var s = svgEl('svg', {width: w, height: h, 'class': 'jjj-sym'});
    if (sym.type === 'line') {
      svgEl('line', {x1: 1, y1: h / 2, x2: w - 1, y2: h / 2, stroke: sym.color,
                     'stroke-width': Math.max(1, Math.min(sym.weight || 2, 5)),
                     'stroke-dasharray': sym.dash || null}, s);
    } else if (sym.type === 'fill') {
      svgEl('rect', {x: 1.5, y: 2.5, width: w - 3, height: h - 5, fill: sym.fill || sym.color,
                     'fill-opacity': sym.fillOpacity === undefined ? 0.4 : Math.max(0.25, sym.fillOpacity),
                     stroke: sym.color, 'stroke-width': Math.max(1, Math.min(sym.weight || 1, 3)),
                     'stroke-dasharray': sym.dash || null}, s);
    } else if (sym.type === 'circle') {
      svgEl('circle', {cx: w / 2, cy: h / 2, r: sym.radius || 5, fill: sym.fill || sym.color,
                       'fill-opacity': 0.85, stroke: '#333', 'stroke-width': 0.8}, s);
    } else {
      svgEl('rect', {x: 3, y: 2, width: w - 6, height: h - 4, rx: 2, fill: sym.color,
                     stroke: '#333', 'stroke-width': 0.6}, s);
    }
    return s;
  };

  ui.tooltip = function (lines) {
    var d = el('div', 'jjj-tt');
    (lines || []).forEach(function (t, i) { if (t !== '') el('div', i ? 'jjj-tt2' : 'jjj-tt1', t, d); });
    return d;
  };

  function safeHref(u) {
    return (typeof u === 'string' && /^https?:\/\//i.test(u)) ? u : null;
  }

  // Popup object from Python: {t: title, s: subtitle, r: [[label, value]], u: url, n: note}
  ui.popup = function (p, T) {
    var d = el('div', 'jjj-popup');
    el('div', 'jjj-p-title', p.t, d);
    if (p.s) el('div', 'jjj-p-sub', p.s, d);
    if (p.r && p.r.length) {
      var tb = el('table', 'jjj-p-rows', null, d);
      p.r.forEach(function (kv) {
        var tr = el('tr', null, null, tb);
        el('th', null, kv[0], tr);
        el('td', null, kv[1], tr);
      });
    }
    if (p.n) el('div', 'jjj-p-note', p.n, d);
    var href = safeHref(p.u);
    if (href) {
      var line = el('div', 'jjj-p-link', null, d);
      el('span', null, (T && T.source ? T.source : 'Source') + ': ', line);
      var a = el('a', null, href.replace(/^https?:\/\//i, '').slice(0, 60) + (href.length > 68 ? '…' : ''), line);
      a.href = href; a.target = '_blank'; a.rel = 'noopener noreferrer';
    }
    return d;
  };

  // Title: a Leaflet control so it stacks with the others instead of covering them.
  ui.titleControl = function (title, subtitle) {
    var C = L.Control.extend({
      options: {position: 'topleft'},
      onAdd: function () {
        var d = el('div', 'jjj-title leaflet-control');
        el('div', 'jjj-title-main', title, d);
        if (subtitle) el('div', 'jjj-title-sub', subtitle, d);
        L.DomEvent.disableClickPropagation(d);
        return d;
      }
    });
    return new C();
  };

  ui.noteControl = function () {
    var C = L.Control.extend({
      options: {position: 'bottomleft'},
      onAdd: function () { this._d = el('div', 'jjj-note leaflet-control'); this._d.style.display = 'none'; return this._d; },
      set: function (text) { this._d.textContent = text || ''; this._d.style.display = text ? '' : 'none'; }
    });
    return new C();
  };

  // Layer panel: visibility per layer, sector filter, basemap choice (same datum only).
  ui.panelControl = function (api, cfg) {
    var T = cfg.ui;
    var C = L.Control.extend({
      options: {position: 'topright'},
      onAdd: function (map) {
        var d = this._d = el('div', 'jjj-panel leaflet-control');
        var size = map.getSize(), folded = cfg.panelCollapsed || size.x < 900 || size.y < 620;
        L.DomEvent.disableClickPropagation(d);
        L.DomEvent.disableScrollPropagation(d);
        var head = el('div', 'jjj-panel-head', null, d);
        el('span', null, T.layers, head);
        var btn = el('button', 'jjj-collapse', folded ? '+' : '−', head);
        btn.type = 'button';
        btn.title = T.layers;
        this._body = el('div', 'jjj-panel-body', null, d);
        if (folded) this._body.style.display = 'none';
        var self = this;
        btn.addEventListener('click', function () {
          var hidden = self._body.style.display === 'none';
          self._body.style.display = hidden ? '' : 'none';
          btn.textContent = hidden ? '−' : '+';
        });
        return d;
      },
      refresh: function () {
        var body = this._body;
        while (body.firstChild) body.removeChild(body.firstChild);
        var ids = api.order().slice().reverse();
        ids.forEach(function (id) {
          var L_ = api.layerInfo(id);
          var row = el('label', 'jjj-row', null, body);
          var cb = el('input', null, null, row);
          cb.type = 'checkbox'; cb.checked = L_.visible; cb.setAttribute('data-layer', id);
          cb.addEventListener('change', function () { api.setVisible(id, cb.checked); });
          el('span', null, L_.title, row);
          if (L_.spec.filterField && L_.spec.categories) {
            var box = el('div', 'jjj-filter', null, body);
            var bar = el('div', 'jjj-filter-bar', null, box);
            var all = el('button', null, T.all, bar); all.type = 'button';
            var none = el('button', null, T.none, bar); none.type = 'button';
            all.addEventListener('click', function () { api.setFilter(L_.spec.filterField, L_.spec.categories.map(function (c) { return c.key; })); });
            none.addEventListener('click', function () { api.setFilter(L_.spec.filterField, []); });
            var active = api.activeCategories(id);
            L_.spec.categories.forEach(function (c) {
              var r = el('label', 'jjj-row jjj-sub', null, box);
              var x = el('input', null, null, r);
              x.type = 'checkbox'; x.checked = active.indexOf(c.key) >= 0; x.setAttribute('data-category', c.key);
              x.addEventListener('change', function () {
                var cur = api.activeCategories(id).filter(function (k) { return k !== c.key; });
                if (x.checked) cur.push(c.key);
                api.setFilter(L_.spec.filterField, cur);
              });
              r.appendChild(shapeSvg('circle', c.color, 12));
              el('span', null, c.label, r);
            });
          }
        });
        var names = Object.keys(cfg.basemaps).filter(function (n) { return cfg.basemaps[n].datum === cfg.datum; });
        if (names.length > 1) {
          var bm = el('label', 'jjj-row jjj-basemap', null, body);
          el('span', null, T.basemap + ' ', bm);
          var sel = el('select', null, null, bm);
          names.forEach(function (n) {
            var o = el('option', null, cfg.basemaps[n]['title_' + cfg.lang] || n, sel);
            o.value = n; if (n === api.basemap()) o.selected = true;
          });
          sel.addEventListener('change', function () { api.setBasemap(sel.value); });
        }
      }
    });
    return new C();
  };

  // Legend of what is visible now, top layer first; sector entries follow the filter.
  ui.legendControl = function (api, cfg) {
    var C = L.Control.extend({
      options: {position: 'bottomleft'},
      onAdd: function (map) {
        var box = this._box = el('div', 'jjj-legend leaflet-control');
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        var head = el('div', 'jjj-legend-head', null, box);
        el('span', null, cfg.ui.legend, head);
        var btn = el('button', 'jjj-collapse', null, head);
        btn.type = 'button'; btn.title = cfg.ui.legend;
        this._d = el('div', 'jjj-legend-body', null, box);
        // folded by itself only when open it would cover more than a quarter of the map
        // (until the user folds or opens it), and while it would cover an open popup
        var self = this;
        this._folded = false; this._auto = true; this._forPopup = false;
        var show = this._show = function () {
          self._d.style.display = self._folded ? 'none' : '';
          btn.textContent = self._folded ? '+' : '−';
          L.DomUtil[self._folded ? 'addClass' : 'removeClass'](box, 'jjj-folded');
        };
        btn.addEventListener('click', function () {
          self._folded = !self._folded; self._auto = false; self._forPopup = false; show();
        });
        show();
        map.on('resize', function () { self._fit(); });
        map.on('popupopen', function (e) { self._popup = e.popup; self._avoid(); });
        map.on('moveend', function () { self._avoid(); });   // a popup panned into view
        map.on('popupclose', function (e) {
          if (e.popup !== self._popup) return;
          self._popup = null;
          box.style.visibility = '';
          if (self._forPopup) { self._forPopup = false; self._folded = false; show(); }
        });
        return box;
      },
      _fit: function () {
        if (!this._auto || this._forPopup || !this._map) return;
        var size = this._map.getSize();
        this._folded = false; this._show();
        var area = this._box.offsetWidth * this._box.offsetHeight;
        this._folded = area > 0.25 * size.x * size.y;
        this._show();
      },
      _avoid: function () {
        var p = this._popup, el2 = p && p.getElement && p.getElement();
        if (!el2 || !this._map || !this._map.hasLayer(p)) return;
        var hit = function (a, b) {
          return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
        };
        var r = el2.getBoundingClientRect();
        if (!this._folded && hit(r, this._box.getBoundingClientRect())) {
          this._folded = true; this._forPopup = true; this._show();
        }
        // even folded, its head stays off the popup
        this._box.style.visibility = hit(r, this._box.getBoundingClientRect()) ? 'hidden' : '';
      },
      covers: function () {   // for tests: does the legend box cover the open popup?
        var p = this._popup, el2 = p && p.getElement && p.getElement();
        if (!el2 || this._box.style.visibility === 'hidden' || this._box.style.display === 'none') return false;
        var a = el2.getBoundingClientRect(), b = this._box.getBoundingClientRect();
        return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
      },
      refresh: function () {
        var d = this._d;
        while (d.firstChild) d.removeChild(d.firstChild);
        var shown = 0;
        api.order().slice().reverse().forEach(function (id) {
          var info = api.layerInfo(id);
          if (!info.visible || !info.spec.legend || !info.spec.legend.length) return;
          var active = info.spec.filterField ? api.activeCategories(id) : null;
          var entries = info.spec.legend.filter(function (e) { return !e.key || !active || active.indexOf(e.key) >= 0; });
          var single = entries.length === 1 && !entries[0].header && info.spec.render !== 'markers';
          var sec = el('div', 'jjj-legend-sec', null, d);
          var grid = entries.filter(function (e) { return !e.header; }).length > 5
            ? el('div', 'jjj-legend-grid') : sec;
          sec.setAttribute('data-layer', id);
          if (!single) el('div', 'jjj-legend-title', info.title, sec);
          if (grid !== sec) sec.appendChild(grid);
          entries.forEach(function (e) {
            if (e.header) { el('div', 'jjj-legend-field', e.label, grid); return; }
            var r = el('div', 'jjj-legend-row', null, grid);
            r.appendChild(ui.symbol(e.symbol));
            el('span', null, e.label, r);
          });
          shown++;
        });
        // data credits of the visible layers, as a printed map's "Source:" line
        var credits = [];
        api.order().slice().reverse().forEach(function (id) {
          var info = api.layerInfo(id);
          if (info.visible && info.spec.credit && credits.indexOf(info.spec.credit) < 0) credits.push(info.spec.credit);
        });
        if (credits.length) el('div', 'jjj-credits', cfg.ui.data + ': ' + credits.join(' · '), d);
        this._box.style.display = shown ? '' : 'none';
        this._fit();
      }
    });
    return new C();
  };

  // The region view follows the window: resizing refits the region while the user has not
  // moved the map (dragged, zoomed, asked for a feature); the app's setView checks again.
  ui.regionFit = function (map, whole) {
    var st = {region: true};
    st.moved = function () { st.region = false; };
    st.check = function () { st.region = map.getBounds().contains(whole); };
    map.on('dragstart boxzoomstart', st.moved);
    var c = map.getContainer();
    c.addEventListener('wheel', st.moved, {passive: true});
    c.addEventListener('dblclick', st.moved);
    c.addEventListener('keydown', function (e) { if (e.target === c) st.moved(); });
    ['zoomIn', 'zoomOut'].forEach(function (name) {   // the zoom buttons
      var own = map[name];
      map[name] = function () { st.moved(); return own.apply(map, arguments); };
    });
    map.on('resize', function () {
      if (st.region) map.fitBounds(whole, {animate: false, padding: [8, 8]});
    });
    st.check();
    return st;
  };
})();
