/* jjjmap time slider: one bar under the map for every layer whose spec has `time`
 * (render/timefilter.py). Features outside the chosen range are hidden live in the page:
 * points and density layers get a mask and redraw their canvas, markers and GeoJSON
 * features leave / rejoin their group. No re-render, no network, works in exported files.
 * Text from data never reaches the DOM here; the interface text comes from the spec. */
(function () {
  'use strict';
  var DAY = 864e5;

  function b64f32(str) {
    var bin = atob(str), u8 = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) u8[i] = bin.charCodeAt(i);
    return new Float32Array(u8.buffer);
  }

  // slider positions are whole periods: years, months since 1970-01, or days since 1970-01-01
  function toIndex(days, step) {
    if (step === 'day') return Math.floor(days);
    var d = new Date(days * DAY);
    if (step === 'month') return (d.getUTCFullYear() - 1970) * 12 + d.getUTCMonth();
    return d.getUTCFullYear();
  }
  function startDay(index, step) {
    if (step === 'day') return index;
    if (step === 'month') return Date.UTC(1970, index, 1) / DAY;
    var d = new Date(0); d.setUTCFullYear(index, 0, 1);
    return d.getTime() / DAY;
  }
  function labelOf(index, step) {
    var d = new Date(startDay(index, step) * DAY), y = String(d.getUTCFullYear());
    if (step === 'year') return y;
    var m = ('0' + (d.getUTCMonth() + 1)).slice(-2);
    if (step === 'month') return y + '-' + m;
    return y + '-' + m + '-' + ('0' + d.getUTCDate()).slice(-2);
  }

  // a period label ("2017", "2017-03", "2017-03-05": render/timefilter.py's `range`) as a
  // slider position at `step`: the period holding its first day, or (end) its last day
  function indexOfLabel(label, step, end) {
    var m = /^(-?\d+)(?:-(\d\d))?(?:-(\d\d))?$/.exec(String(label));
    if (!m) return null;
    var d = new Date(0), y = +m[1], mo = m[2] ? +m[2] - 1 : (end ? 11 : 0);
    d.setUTCFullYear(y, mo, m[3] ? +m[3] : 1);
    if (end && !m[3]) {   // the last day of the year or month
      d.setUTCFullYear(y, mo + 1, 1);
      d = new Date(d.getTime() - DAY);
    }
    return toIndex(d.getTime() / DAY, step);
  }

  // how a layer hides what the slider leaves out: its kind's setHidden(hidden) (jjj.js,
  // "layer kinds"), where hidden(row) -> bool and hidden.mask is the same as a Uint8Array
  // by row
  function targetOf(entry) { return entry.timeTarget || null; }

  function el(tag, cls, text, parent) { return window.jjjUi.el(tag, cls, text, parent); }

  window.JjjTime = L.Control.extend({
    options: {position: 'bottomleft'},

    initialize: function (entries, lang) {
      var self = this;
      this.entries = entries.filter(function (e) { return targetOf(e); });
      this.entries.forEach(function (e) { e.timeDays = b64f32(e.spec.time.days); e.timeTarget = targetOf(e); });
      var first = this.entries[0].spec.time;
      this.T = first.ui;
      this.step = first.step || 'year';
      this.mode = first.mode || 'cumulative';
      this.speed = 1;
      this.showUndated = true;
      this.playing = null;
      var lo = Infinity, hi = -Infinity;
      this.entries.forEach(function (e) {
        if (e.spec.time.span) { lo = Math.min(lo, e.spec.time.span[0]); hi = Math.max(hi, e.spec.time.span[1]); }
      });
      this.span = isFinite(lo) ? [lo, hi] : null;
      this.undated = this.entries.reduce(function (a, e) { return a + e.spec.time.undated; }, 0);
      this.unit = this.entries.some(function (e) { return e.spec.time.unit !== 'year'; }) ? 'date' : 'year';
      this._bounds();
      this.from = this.min; this.to = this.max;
      var kept = first.range;   // the range a project or an export kept
      if (kept) {
        var a = indexOfLabel(kept[0], this.step, false), b = indexOfLabel(kept[1], this.step, true);
        if (a !== null && b !== null && a <= b) { this.from = a; this.to = b; }
      }
      void self;
    },

    _bounds: function () {
      this.min = this.span ? toIndex(this.span[0], this.step) : 0;
      this.max = this.span ? toIndex(this.span[1], this.step) : 0;
    },

    onAdd: function (map) {
      var T = this.T, self = this;
      var d = this._d = el('div', 'jjj-time leaflet-control');
      L.DomEvent.disableClickPropagation(d);
      L.DomEvent.disableScrollPropagation(d);
      var names = this.entries.map(function (e) { return e.spec.title + ' (' + (e.spec.time.label || e.spec.time.field) + ')'; });
      var heading = el('div', 'jjj-time-title', T.time + ': ' + names.join(' · '), d);
      heading.title = this.entries.map(function (e) { return e.spec.time.field; }).join(' · ');
      var top = el('div', 'jjj-time-row', null, d);
      var play = this._play = el('button', 'jjj-time-play', '▶', top);
      play.type = 'button'; play.title = T.play; play.setAttribute('data-time', 'play');
      play.addEventListener('click', function () { if (self.playing) self.pause(); else self.play(); });
      var sliders = el('div', 'jjj-time-sliders', null, top);
      this._from = this._range(sliders, T.from, 'from');
      this._to = this._range(sliders, T.to, 'to');
      this._label = el('span', 'jjj-time-label', null, top);
      var bottom = el('div', 'jjj-time-row jjj-time-opts', null, d);
      this._stepSel = this._select(bottom, T.step, 'step', [['year', T.year], ['month', T.month], ['day', T.day]], this.step,
        function (v) { self.setStep(v); });
      this._select(bottom, T.speed, 'speed', [['0.5', '0.5×'], ['1', '1×'], ['2', '2×'], ['4', '4×']], '1',
        function (v) { self.speed = +v; if (self.playing) { self.pause(); self.play(); } });
      this._select(bottom, T.mode, 'mode', [['cumulative', T.cumulative], ['window', T.window]], this.mode,
        function (v) { self.mode = v; self._report(); });
      if (this.undated) {
        var u = el('label', 'jjj-time-undated', null, bottom);
        var cb = el('input', null, null, u);
        cb.type = 'checkbox'; cb.checked = this.showUndated; cb.setAttribute('data-time', 'undated');
        var txt = (this.unit === 'year' ? T.undated_year : T.undated_date).replace('%n', String(this.undated));
        el('span', null, txt + ' · ' + T.show_undated, u);
        cb.addEventListener('change', function () { self.showUndated = cb.checked; self.apply(); });
      }
      this._shown = el('span', 'jjj-time-shown', null, bottom);
      this._sync();
      this.apply();
      void map;
      return d;
    },

    onRemove: function () { this.pause(); },

    // the bar shows while one of its layers is visible
    refresh: function () {
      var any = this.entries.some(function (e) { return e.visible; });
      if (this._container) this._container.style.display = any ? '' : 'none';
      if (!any) this.pause();
    },

    // its own place along the bottom (jjj.css), not in a corner where controls stack
    addTo: function (map) {
      this.remove();
      this._map = map;
      this._container = this.onAdd(map);
      map.getContainer().appendChild(this._container);
      return this;
    },

    _range: function (parent, title, which) {
      var self = this, r = el('input', null, null, parent);
      r.type = 'range'; r.title = title; r.setAttribute('data-time', which);
      r.addEventListener('input', function () {
        var v = +r.value;
        if (which === 'from') self.setRange(v, Math.max(v, self.to));
        else self.setRange(Math.min(v, self.from), v);
      });
      return r;
    },

    _select: function (parent, title, which, options, value, onChange) {
      var lab = el('label', 'jjj-time-opt', null, parent);
      el('span', null, title + ' ', lab);
      var s = el('select', null, null, lab);
      s.setAttribute('data-time', which);
      options.forEach(function (o) { var op = el('option', null, o[1], s); op.value = o[0]; if (o[0] === value) op.selected = true; });
      s.addEventListener('change', function () { onChange(s.value); });
      return s;
    },

    _sync: function () {
      [this._from, this._to].forEach(function (r) { r.min = String(this.min); r.max = String(this.max); }, this);
      this._from.value = String(this.from); this._to.value = String(this.to);
      this._label.textContent = !this.span ? (this.T.no_dates || '') : labelOf(this.from, this.step) +
        (this.to !== this.from ? ' – ' + labelOf(this.to, this.step) : '');
      // no date could be read (all empty, or none in a known spelling): nothing to slide
      [this._from, this._to, this._play].forEach(function (c) { if (c) c.disabled = !this.span; }, this);
      if (this._play) { this._play.textContent = this.playing ? '❚❚' : '▶'; this._play.title = this.playing ? this.T.pause : this.T.play; }
    },

    // the range [start of `from`, start of the period after `to`) in days
    apply: function () {
      var lo = startDay(this.from, this.step), hi = startDay(this.to + 1, this.step);
      var undated = this.showUndated ? 0 : 1, shown = 0, total = 0;
      this.entries.forEach(function (e) {
        // one pass over the dates: a mask by row (NaN: no date), then the layer redraws
        var t = e.timeDays, n = t.length, mask = e.timeMask || (e.timeMask = new Uint8Array(n));
        for (var r = 0; r < n; r++) {
          var v = t[r], h = v !== v ? undated : (v < lo || v >= hi ? 1 : 0);
          mask[r] = h; shown += 1 - h;
        }
        total += n;
        var hidden = function (row) { return mask[row] === 1; };
        hidden.mask = mask;
        e.timeTarget.setHidden(hidden);
      });
      this.shownCount = shown;
      if (this._shown) this._shown.textContent = this.T.shown.replace('%s', String(shown)).replace('%t', String(total));
    },

    // periods outside the data's span are allowed (nothing dated falls there): a script or
    // a test may ask for 2017-2019 when the first date is 2021; the thumbs stop at the ends
    setRange: function (from, to) {
      from = Math.round(from); to = Math.max(from, Math.round(to));
      this.from = from; this.to = to;
      this._sync(); this.apply(); this._report();
      return true;
    },

    // the app keeps the slider's state in the layers' styles (ui/densitypage.py)
    _report: function () {
      var b = window.jjjBridge;
      if (!b || typeof b.timeChanged !== 'function') return;
      try {
        b.timeChanged({step: this.step, mode: this.mode, from: labelOf(this.from, this.step),
                       to: labelOf(this.to, this.step)});
      } catch (e) { /* the app's side: never break the map */ }
    },

    setStep: function (step) {
      if (['year', 'month', 'day'].indexOf(step) < 0) return false;
      var lo = startDay(this.from, this.step), hi = startDay(this.to + 1, this.step) - 1;
      this.step = step; this._bounds();
      if (this._stepSel) this._stepSel.value = step;
      return this.setRange(toIndex(lo, step), toIndex(hi, step));
    },

    play: function () {
      var self = this;
      if (this.playing) return true;
      if (!this.span) return false;   // no dates: nothing to play
      if (this.to >= this.max) {   // start over: from the first period
        if (this.mode === 'window') { var w = this.to - this.from; this.setRange(this.min, this.min + w); }
        else this.setRange(this.from, this.from);
      }
      this.playing = setInterval(function () { self.tick(); }, 1000 / this.speed);
      this._sync();
      return true;
    },

    pause: function () {
      if (this.playing) clearInterval(this.playing);
      this.playing = null;
      if (this._d) this._sync();
      return true;
    },

    tick: function () {
      if (this.to >= this.max) { this.pause(); return; }
      if (this.mode === 'window') this.setRange(this.from + 1, this.to + 1);
      else this.setRange(this.from, this.to + 1);
      if (this.to >= this.max) this.pause();
    },

    state: function () {
      return {step: this.step, mode: this.mode, from: this.from, to: this.to, min: this.min,
              max: this.max, playing: !!this.playing, shown: this.shownCount,
              undated: this.undated, showUndated: this.showUndated,
              label: this._label ? this._label.textContent : ''};
    }
  });

  // the page API's entry point (jjj.finish): a slider when any layer has time
  window.JjjTime.attach = function (jjj, map, entries, lang) {
    var timed = entries.filter(function (e) { return e.spec.time && e.spec.time.n; });
    if (!timed.length) return null;
    var c = new window.JjjTime(timed, lang);
    if (!c.entries.length) return null;
    c.addTo(map);
    jjj.time = c;
    c.refresh();
    return c;
  };
})();
