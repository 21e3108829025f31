/* jjjmap identify (issue 18): what a click picks, as in QGIS.
 *
 * A click identifies every feature under the cursor whose drawn geometry contains it, in
 * drawing order (top first), counting an unfilled polygon as hit inside its area, not only
 * on its outline; the topmost gets the popup (which names the others) and the highlight;
 * in the app the whole list goes to the identify panel (bridge featuresPicked).
 *
 * The test runs on what is drawn: each vector's projected, clipped rings (Leaflet's own
 * `_containsPoint`, the test its canvas renderer uses), so the hit is the outline the user
 * sees at this zoom and level of detail, in the basemap's datum. Layers with their own
 * hit test (markers, the point canvas, hexagons) offer their hit for the same click, which
 * then resolves again with that hit in its layer's place.
 */
(function () {
  'use strict';
  var P = window.JjjPick = {};

  // hooks: entries() -> visible layer entries, top first; popup (Leaflet popup options);
  // T (page texts); report(hits, index) -> the app; highlight(id, rows)
  P.attach = function (map, hooks) {
    var pending = null, report = null, reportTimer = null;

    function collect(latlng, offers) {
      var hits = [];
      hooks.entries().forEach(function (entry) {
        var id = entry.spec.id;
        offers.filter(function (o) { return o.id === id; }).forEach(function (o) { hits.push(o); });
        entry.group.hitsAt(latlng).forEach(function (row) {   // the kind's rows there (jjj.js)
          if (!hits.some(function (h) { return h.id === id && h.row === row; })) {
            hits.push({id: id, row: row, entry: entry});
          }
        });
      });
      return hits;
    }

    function nameOf(h) {
      var e = h.entry, n = e && e.nameOf ? e.nameOf(h.row) : '';
      return (n || (h.title || '')) + ' — ' + (e ? e.spec.title : '');
    }

    function contentOf(h) {
      if (h.content) return h.content();
      return h.entry.popupOf(h.row);
    }

    function show(latlng, hits, index) {
      var top = hits[index];
      var node = contentOf(top);
      if (hits.length > 1) {
        var box = window.jjjUi.el('div', 'jjj-p-also', null, node);
        window.jjjUi.el('div', 'jjj-p-also-head', (hooks.T && hooks.T.also_here) || 'Also here', box);
        hits.forEach(function (h, i) {
          if (i === index) return;
          var b = window.jjjUi.el('button', 'jjj-p-hit', nameOf(h), box);
          b.type = 'button';
          b.setAttribute('data-pick', h.id + ':' + (h.row === null || h.row === undefined ? '' : h.row));
          b.addEventListener('click', function (ev) {
            L.DomEvent.stop(ev);
            choose(latlng, hits, i);
          });
        });
      }
      var popup = L.popup(hooks.popup).setLatLng(latlng).setContent(node);
      popup._jjjKey = keyOf(top);
      P.last = {latlng: latlng, hits: hits.map(function (h) { return [h.id, h.row === undefined ? null : h.row]; }),
                index: index, names: hits.map(nameOf)};
      popup.openOn(map);
    }

    function keyOf(h) { return h.row === null || h.row === undefined ? null : h.id + ':' + h.row; }

    function choose(latlng, hits, index) {
      var top = hits[index];
      show(latlng, hits, index);
      if (keyOf(top) !== null) hooks.highlight(top.id, [top.row]);
      else hooks.highlight('', []);
      var rows = [], at = -1;
      hits.forEach(function (h, i) {
        if (keyOf(h) === null) return;
        if (i === index) at = rows.length;
        rows.push([h.id, h.row]);
      });
      // told once the click's handlers have all run: only its last resolution reaches the
      // app (an earlier one's highlight, arriving later, would close the final popup)
      // a top hit with no row of its own (a hexagon, a database row without a key) is what
      // was clicked: the app is not told to select the feature under it instead
      report = rows.length && at >= 0 ? [rows, at] : null;
      if (!reportTimer) {
        reportTimer = setTimeout(function () {
          var r = report; report = null; reportTimer = null;
          if (r) hooks.report(r[0], r[1]);
        }, 0);
      }
    }

    // offer(latlng, hit): a layer's own hit for this click ({id, row, entry} or, without a
    // row, {id, content, title}: a hexagon); hit null: the map's click itself. Each offer
    // resolves at once (a test or a script sees the popup synchronously); a later offer of
    // the same click (the map's click comes before a point layer's) resolves it again.
    function offer(latlng, hit) {
      if (window.jjjMeasure && window.jjjMeasure.busy && window.jjjMeasure.busy()) return null;
      if (!pending) {
        pending = {latlng: latlng, offers: []};
        setTimeout(function () { pending = null; }, 0);
      }
      if (hit) {
        pending.offers.push(hit);
        if (hit.latlng) pending.latlng = hit.latlng;
      }
      var hits = collect(pending.latlng, pending.offers);
      if (!hits.length) return null;
      choose(pending.latlng, hits, 0);
      return P.last;
    }

    // registered before the measure tool's: a click that ends a measurement is not a pick
    map.on('click', function (e) { offer(e.latlng, null); });
    return {
      offer: offer,
      at: function (latlng) { pending = null; return offer(L.latLng(latlng), null); },
      keyOf: function (popup) { return popup ? popup._jjjKey : null; }
    };
  };
})();
