"""The style dialog's "Density and time" section: renderer, weight, heatmap and hexbin
options, spreading stacked points, and the time slider's field.

It reads and writes only the Style's density and time options; what a field holds (dates
that cannot be read, weights that are negative or not numbers) is counted by the core
(analysis.timefields, render.density) and shown here as plain text, never refused: the
layer still draws. A built-in point set (``points=False``) keeps its own symbols and gets
only the time slider's rows.
"""
from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox,
                               QLabel, QWidget)

from jjjmap.model import Layer, Style


class _Note(QLabel):
    """A wrapped label in a form is given the height of fewer lines than it wraps to (its
    last lines were cut off): it asks for its height at the width it gets."""

    def _fit(self) -> None:
        need = self.heightForWidth(self.width()) if self.text() and self.width() > 0 else 0
        if need != self.minimumHeight():
            self.setMinimumHeight(max(0, need))

    def resizeEvent(self, event) -> None:   # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit()

    def setText(self, text: str) -> None:   # noqa: N802
        super().setText(text)
        if self.isVisible():       # not yet laid out: its width says nothing, it is measured
            self._fit()            # when it gets one (resizeEvent)
        else:
            self.setMinimumHeight(0)


class DensityTimeBox(QGroupBox):
    def __init__(self, layer: Layer, lang: str, points: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(self.tr("Density and time"))
        self.layer, self.lang, self.points = layer, lang, points
        form = self._form = QFormLayout(self)
        self.renderer = QComboBox(self)
        for key, text in (("points", self.tr("Points")), ("heatmap", self.tr("Heatmap")),
                          ("hexbin", self.tr("Hexagons"))):
            self.renderer.addItem(text, key)
        self.weight = QComboBox(self)
        self.weight_note = self._note()
        self.heat_radius = QDoubleSpinBox(self)
        self.heat_radius.setRange(1, 200)
        self.heat_radius.setSuffix(" px")
        self.heat_intensity = QDoubleSpinBox(self)
        self.heat_intensity.setRange(0.01, 100)   # what Style.validate accepts
        self.heat_intensity.setSingleStep(0.25)
        self.hex_resolution = QComboBox(self)
        self.hex_resolution.addItem(self.tr("follows the zoom"), None)
        for res in range(0, 16):
            self.hex_resolution.addItem(
                self.tr("H3 resolution %1 (about %2 across)").replace("%1", str(res))
                .replace("%2", _across(res)), res)
        self.hex_stat = QComboBox(self)
        for key, text in (("count", self.tr("count of points")),
                          ("sum", self.tr("sum of the weight")),
                          ("mean", self.tr("mean of the weight"))):
            self.hex_stat.addItem(text, key)
        self.spread = QCheckBox(self.tr("spread out points on the same spot"), self)
        self.time_field = QComboBox(self)
        self.time_note = self._note()
        self.time_step = QComboBox(self)
        for key, text in ((None, self.tr("from the dates")), ("year", self.tr("year")),
                          ("month", self.tr("month")), ("day", self.tr("day"))):
            self.time_step.addItem(text, key)
        self.time_mode = QComboBox(self)
        for key, text in (("cumulative", self.tr("cumulative")),
                          ("window", self.tr("moving window"))):
            self.time_mode.addItem(text, key)
        if points:
            form.addRow(self.tr("Draw as"), self.renderer)
            form.addRow(self.tr("Weight field"), self.weight)
            form.addRow("", self.weight_note)
            form.addRow(self.tr("Heatmap radius"), self.heat_radius)
            form.addRow(self.tr("Heatmap intensity"), self.heat_intensity)
            form.addRow(self.tr("Hexagon size"), self.hex_resolution)
            form.addRow(self.tr("Hexagon colour"), self.hex_stat)
            form.addRow("", self.spread)
        else:   # not in the layout: hidden, or they would sit on top of the time rows
            for w in (self.renderer, self.weight, self.weight_note, self.heat_radius,
                      self.heat_intensity, self.hex_resolution, self.hex_stat, self.spread):
                w.hide()
        form.addRow(self.tr("Time slider field"), self.time_field)
        form.addRow("", self.time_note)
        form.addRow(self.tr("Slider step"), self.time_step)
        form.addRow(self.tr("Playback"), self.time_mode)
        self.renderer.currentIndexChanged.connect(self._enable)
        self.weight.currentIndexChanged.connect(self._weight_changed)
        self.time_field.currentIndexChanged.connect(self._time_changed)

    def _note(self) -> QLabel:
        label = _Note(self)
        label.setTextFormat(Qt.TextFormat.PlainText)   # counts next to field names
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        label.setStyleSheet("color: #555;")
        return label

    # -- load / read ------------------------------------------------------------------------
    def load(self, style: Style) -> None:
        from jjjmap.analysis.timefields import time_candidates
        from jjjmap.ui.fieldcombo import attribute_fields, is_numeric

        fields = attribute_fields(self.layer)
        self._set(self.renderer, style.renderer)
        self._fill(self.weight, self.tr("(none: every point counts 1)"),
                   [f for f in fields if is_numeric(self.layer, f) or self._mostly_numbers(f)],
                   style.weight_field, keep=style.weight_field)
        self.heat_radius.setValue(float(style.heat_radius))
        self.heat_intensity.setValue(float(style.heat_intensity))
        self._set(self.hex_resolution, style.hex_resolution)
        self._set(self.hex_stat, style.hex_stat)
        self.spread.setChecked(bool(style.spread_stacked))
        dated = time_candidates(self.layer.table)
        others = [f for f in fields if f not in dated]
        self._fill(self.time_field, self.tr("(no time slider)"), dated + others,
                   self._current_time_field(style), marked=set(dated))
        self._set(self.time_step, style.time_step)
        self._set(self.time_mode, style.time_mode)
        self._enable()
        self._weight_changed()
        self._time_changed()

    def _mostly_numbers(self, field: str) -> bool:
        """A text column most of whose values are numbers (a CSV with a few bad cells): it
        can weigh, and its bad cells are counted in the note."""
        import pandas as pd

        sample = self.layer.table[field].dropna().head(500)
        if sample.empty or pd.api.types.is_bool_dtype(sample.dtype):
            return False
        return pd.to_numeric(sample, errors="coerce").notna().mean() >= 0.5

    def _current_time_field(self, style: Style) -> str | None:
        from jjjmap.render.timefilter import DEFAULT_TIME_FIELD

        chosen = style.time_field
        if chosen is None:
            chosen = DEFAULT_TIME_FIELD.get(self.layer.kind)
        return chosen or None

    def apply_to(self, style: Style) -> Style:
        """``style`` with this section's choices."""
        out = replace(style, time_field=self.time_field.currentData() or "",
                      time_step=self.time_step.currentData(),
                      time_mode=self.time_mode.currentData() or "cumulative")
        if out.time_field != (self._current_time_field(style) or ""):
            out = replace(out, time_range=None)     # the kept range was another field's
        if style.time_field is None and out.time_field == (self._current_time_field(style) or ""):
            out = replace(out, time_field=None)     # still the layer's default
        if not self.points:
            return out
        weight = self.weight.currentData()
        stat = self.hex_stat.currentData() or "count"
        return replace(out, renderer=self.renderer.currentData() or "points",
                       weight_field=weight, heat_radius=round(self.heat_radius.value(), 2),
                       heat_intensity=round(self.heat_intensity.value(), 2),
                       hex_resolution=self.hex_resolution.currentData(),
                       hex_stat=stat if weight else "count",
                       spread_stacked=self.spread.isChecked())

    def problem(self) -> str | None:
        if self.points and self.hex_stat.currentData() in ("sum", "mean") \
                and not self.weight.currentData():
            return self.tr("Hexagons coloured by a sum or mean need a weight field.")
        return None

    # -- reactions --------------------------------------------------------------------------
    def _enable(self, *_args) -> None:
        kind = self.renderer.currentData()
        self.heat_radius.setEnabled(kind == "heatmap")
        self.heat_intensity.setEnabled(kind == "heatmap")
        self.hex_resolution.setEnabled(kind == "hexbin")
        self.hex_stat.setEnabled(kind == "hexbin")
        self.spread.setEnabled(kind == "points")
        self.weight.setEnabled(kind in ("heatmap", "hexbin"))

    def _weight_changed(self, *_args) -> None:
        from jjjmap.render.density import read_weights, weight_summary

        _w, problems = read_weights(self.layer.table, self.weight.currentData())
        self.weight_note.setText(weight_summary(problems, self.lang))
        self.weight_note.setVisible(bool(problems))

    def _time_changed(self, *_args) -> None:
        from jjjmap.analysis.timefields import read_time

        field = self.time_field.currentData()
        if not field or field not in self.layer.table.columns:
            self.time_note.setText("")
            self.time_note.hide()
            return
        self.time_note.setText(read_time(self.layer.table[field], field).summary(self.lang,
                                                                                sep="\n"))
        self.time_note.show()

    # -- helpers ----------------------------------------------------------------------------
    @staticmethod
    def _set(combo: QComboBox, value) -> None:
        i = combo.findData(value)
        if i >= 0:
            combo.setCurrentIndex(i)

    def _fill(self, combo: QComboBox, none_text: str, fields: list[str], current,
              keep=None, marked: set[str] | None = None) -> None:
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(none_text, None)
        for f in fields:
            combo.addItem(self.tr("%1 (dates)").replace("%1", f) if marked and f in marked
                          else f, f)
        if keep and combo.findData(keep) < 0 and keep in self.layer.table.columns:
            combo.addItem(keep, keep)
        self._set(combo, current)
        combo.blockSignals(False)


def _across(res: int) -> str:
    """An H3 cell's size at ``res`` (twice h3's average edge length: corner to corner)."""
    import h3

    metres = 2 * h3.average_hexagon_edge_length(res, "m")
    km = metres / 1000
    if km >= 100:
        return f"{km:,.0f} km"
    if km >= 1:
        return f"{km:.3g} km"
    return f"{metres:.0f} m" if metres >= 10 else f"{metres:.1f} m"


__all__ = ["DensityTimeBox"]
