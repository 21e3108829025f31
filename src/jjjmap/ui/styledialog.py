"""The Style dialog: edits a layer's Style (single / categorized / graduated) and applies it.

The widget only builds a ``Style`` and hands it to ``doc.set_style``; classification, ramps
and legends are the renderer's job. What a layer kind can show decides which options are
offered: a built-in boundary takes stroke and fill, a built-in point set keeps its own
symbols, a custom layer takes everything.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from jjjmap.lazy import LazyModule
from jjjmap.model import Layer, MapDocument, Style

from .fieldcombo import add_field, attribute_fields, is_numeric
from .plaintext import plain_label

pd = LazyModule("pandas")

# Ramps the renderer knows (branca's linear colormaps, matched by the name before "_").
# Colour-blind safe first (ColorBrewer's sequential and diverging sets marked safe, viridis);
# the diverging ones suit values around a midpoint (growth rates, differences).
CB_SAFE_RAMPS = ("viridis", "YlGnBu", "YlOrRd", "Blues", "PuOr", "RdBu", "BrBG", "PRGn")
RAMPS = CB_SAFE_RAMPS + ("OrRd", "Reds", "Greens", "Purples", "PuBu", "magma", "Spectral",
                         "RdYlBu", "RdYlGn")
SCHEMES = ("quantiles", "equal_interval", "natural_breaks")
MODES = ("single", "categorized", "graduated")


@dataclass(frozen=True)
class Capabilities:
    """What the renderer draws from a layer's Style, by layer kind."""

    modes: tuple[str, ...] = MODES
    symbol: bool = True      # stroke / fill colour, width, opacity
    points: bool = False     # radius and size by field
    labels: bool = True
    time: bool = True        # the density and time section (its time slider rows at least)


def capabilities(layer: Layer) -> Capabilities:
    if layer.kind == "boundary":   # choropleths on the built-in boundaries too
        return Capabilities(modes=MODES, labels=False, time=False)
    if layer.kind != "vector":   # built-in point sets: their own palette and icons
        return Capabilities(modes=(), symbol=False, labels=False, time=_has_time(layer))
    from jjjmap.render.geometry import layer_types

    types = layer_types(layer)
    return Capabilities(points=bool(types & {"Point", "MultiPoint"}))


def _has_time(layer: Layer) -> bool:
    """A built-in layer with a slider by default (the institutions) or a field of dates."""
    from jjjmap.analysis.timefields import time_candidates
    from jjjmap.render.timefilter import DEFAULT_TIME_FIELD

    return layer.kind in DEFAULT_TIME_FIELD or bool(time_candidates(layer.table))


def initial_style(layer: Layer) -> Style:
    """The layer's style; for an unstyled boundary, the colours it is actually drawn with."""
    style = layer.style
    if layer.kind == "boundary" and style == Style():
        try:
            from jjjmap.render.boundaries import LEVEL_STYLE, level_of

            drawn = LEVEL_STYLE[level_of(layer)]
        except (ImportError, KeyError):
            return style
        style = replace(style, color=drawn["color"], weight=drawn["weight"],
                        fill_color=drawn.get("fillColor"),
                        fill_opacity=drawn.get("fillOpacity") or 0.0,
                        dash=drawn.get("dashArray"))
    return style


def ramp_colours(name: str, k: int) -> list[str]:
    from jjjmap.render.vectors import ramp

    return ramp(name, k)


def ramp_pixmap(name: str, k: int, width: int = 120, height: int = 14) -> QPixmap:
    colours = ramp_colours(name, max(k, 2))
    pix = QPixmap(width, height)
    pix.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pix)
    step = width / len(colours)
    for i, colour in enumerate(colours):
        painter.fillRect(round(i * step), 0, round((i + 1) * step) - round(i * step), height,
                         QColor(colour))
    painter.setPen(QColor("#808080"))
    painter.drawRect(0, 0, width - 1, height - 1)
    painter.end()
    return pix


class ColorButton(QPushButton):
    """A button that shows a colour and picks a new one with QColorDialog."""

    colorChanged = Signal(str)  # noqa: N815

    def __init__(self, colour: str, parent=None):
        super().__init__(parent)
        self.setMinimumWidth(90)
        self.clicked.connect(self._pick)
        self.set_color(colour)

    def color(self) -> str:
        return self._colour

    def set_color(self, colour: str) -> None:
        self._colour = QColor(colour).name() if QColor(colour).isValid() else "#3366cc"
        pix = QPixmap(28, 14)
        pix.fill(QColor(self._colour))
        self.setIcon(QIcon(pix))
        self.setText(self._colour)
        self.colorChanged.emit(self._colour)

    def _pick(self) -> None:
        chosen = QColorDialog.getColor(QColor(self._colour), self, self.toolTip())
        if chosen.isValid():
            self.set_color(chosen.name())


class StyleDialog(QDialog):
    """OK / Apply call ``doc.set_style``; an invalid choice is refused with an inline message."""

    def __init__(self, doc: MapDocument, layer_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.doc = doc
        self.layer = doc.layer(layer_id)
        self.caps = capabilities(self.layer)
        self._base = initial_style(self.layer)
        base = self._base
        self.setWindowTitle(self.tr("Style: %1").replace("%1", self.layer.title(doc.lang)))

        self.mode = QComboBox(self)
        for mode, text in (("single", self.tr("Single symbol")),
                           ("categorized", self.tr("Categorized by field")),
                           ("graduated", self.tr("Graduated by numeric field"))):
            if mode in self.caps.modes:
                self.mode.addItem(text, mode)
        self.field = QComboBox(self)
        self.scheme = QComboBox(self)
        for scheme, text in (("quantiles", self.tr("Quantiles")),
                             ("equal_interval", self.tr("Equal interval")),
                             ("natural_breaks", self.tr("Natural breaks (Jenks)"))):
            self.scheme.addItem(text, scheme)
        self.k = QSpinBox(self)
        self.k.setRange(2, 12)
        self.cmap = QComboBox(self)
        for name in RAMPS + ((base.cmap,) if base.cmap not in RAMPS else ()):
            self.cmap.addItem(QIcon(ramp_pixmap(name, 7, 60, 12)), name, name)
        self.cmap.setIconSize(ramp_pixmap("YlOrRd", 7, 60, 12).size())
        self.swatch = QLabel(self)
        self.swatch.setObjectName("ramp-swatch")
        self.legend_title = QLineEdit(base.legend_title or "", self)
        self.legend_title.setPlaceholderText(self.tr("(the field's name)"))
        self.units = QLineEdit(base.units or "", self)
        self.units.setPlaceholderText(self.tr("e.g. 亿元, %, firms"))

        self.stroke = ColorButton(base.color, self)
        self.stroke.setToolTip(self.tr("Stroke colour"))
        self.fill = ColorButton(base.fill_color or base.color, self)
        self.fill.setToolTip(self.tr("Fill colour"))
        self.fill_same = QCheckBox(self.tr("same as stroke"), self)
        self.fill_same.toggled.connect(self._fill_same_toggled)
        self.stroke.colorChanged.connect(self._stroke_changed)
        self.weight = QDoubleSpinBox(self)
        self.weight.setRange(0.0, 20.0)
        self.weight.setSingleStep(0.5)
        self.weight.setSuffix(" px")
        self.opacity = QSpinBox(self)
        self.opacity.setRange(0, 100)
        self.opacity.setSuffix(" %")
        self.radius = QDoubleSpinBox(self)
        self.radius.setRange(1.0, 50.0)
        self.radius.setSuffix(" px")
        self.radius_field = QComboBox(self)
        self.label_field = QComboBox(self)
        from jjjmap.ui.densitytime import DensityTimeBox   # renderer, weight, time slider
        self.density = DensityTimeBox(self.layer, doc.lang, self.caps.points, self)

        self.message = plain_label("", self)   # names fields: text from the data
        self.message.setObjectName("style-message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        self.message.hide()
        self.note = plain_label("", self)
        self.note.setWordWrap(True)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Apply
            | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self._ok)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.Apply).clicked.connect(self.apply)

        self._layout()
        self._load(base)
        self.mode.currentIndexChanged.connect(self._mode_changed)
        self.cmap.currentIndexChanged.connect(self._update_swatch)
        self.k.valueChanged.connect(self._update_swatch)
        for combo in (self.mode, self.field, self.radius_field, self.scheme, self.cmap):
            combo.currentIndexChanged.connect(self._clear_message)
        self._mode_changed()

    # -- construction -----------------------------------------------------------------------
    def _layout(self) -> None:
        classes = self.classes_box = QGroupBox(self.tr("Classification"), self)
        form = QFormLayout(classes)
        form.addRow(self.tr("Field"), self.field)
        form.addRow(self.tr("Scheme"), self.scheme)
        form.addRow(self.tr("Classes"), self.k)
        ramp_row = QHBoxLayout()
        ramp_row.addWidget(self.cmap, 1)
        ramp_row.addWidget(self.swatch)
        form.addRow(self.tr("Colour ramp"), ramp_row)
        form.addRow(self.tr("Legend title"), self.legend_title)
        form.addRow(self.tr("Units"), self.units)
        self._classes_form = form

        symbol = self.symbol_box = QGroupBox(self.tr("Symbol"), self)
        form = QFormLayout(symbol)
        form.addRow(self.tr("Stroke colour"), self.stroke)
        fill_row = QHBoxLayout()
        fill_row.addWidget(self.fill)
        fill_row.addWidget(self.fill_same)
        fill_row.addStretch(1)
        form.addRow(self.tr("Fill colour"), fill_row)
        form.addRow(self.tr("Stroke width"), self.weight)
        form.addRow(self.tr("Fill opacity"), self.opacity)

        points = self.points_box = QGroupBox(self.tr("Points"), self)
        form = QFormLayout(points)
        form.addRow(self.tr("Radius"), self.radius)
        form.addRow(self.tr("Size by field"), self.radius_field)

        labels = self.labels_box = QGroupBox(self.tr("Labels"), self)
        form = QFormLayout(labels)
        form.addRow(self.tr("Label by field"), self.label_field)

        top = QFormLayout()
        top.addRow(self.tr("Mode"), self.mode)
        # two columns: in one, symbols and density together were taller than a 800 px screen
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        columns = QHBoxLayout()
        left = QVBoxLayout()
        left.addLayout(top)
        for box in (classes, symbol, points, labels):
            left.addWidget(box)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.density)
        right.addStretch(1)
        columns.addLayout(left, 1 if self.caps.modes else 0)   # empty for built-in points
        columns.addLayout(right, 1)
        layout.addLayout(columns, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(440)    # the notes wrap; a built-in point set shows little else

        symbol.setVisible(self.caps.symbol)
        points.setVisible(self.caps.points)
        labels.setVisible(self.caps.labels)
        self.density.setVisible(self.caps.time)
        self.mode.setVisible(bool(self.caps.modes))
        top.labelForField(self.mode).setVisible(bool(self.caps.modes))
        classes.setVisible(len(self.caps.modes) > 1)
        if not self.caps.modes and self.caps.time:
            self.note.setText(self.tr("This built-in layer keeps its own symbols (the sector "
                                      "palette and icons); its time slider is set below."))
        elif not self.caps.modes:
            self.note.setText(self.tr("This built-in layer keeps its own symbols (the sector "
                                      "palette and icons); its style cannot be changed here."))
            for which in (QDialogButtonBox.StandardButton.Ok,
                          QDialogButtonBox.StandardButton.Apply):
                self.buttons.button(which).setEnabled(False)
        elif self.caps.modes == ("single",):
            self.note.setText(self.tr("Built-in boundaries are drawn with a single symbol."))
        self.note.setVisible(bool(self.note.text()))

    def _load(self, style: Style) -> None:
        self._select(self.mode, style.mode)
        self._select(self.scheme, style.scheme)
        self._select(self.cmap, style.cmap)
        self.k.setValue(int(style.k))
        self.stroke.set_color(style.color)
        self.fill.set_color(style.fill_color or style.color)
        self.fill_same.setChecked(style.fill_color is None)
        self.fill.setEnabled(style.fill_color is not None)
        self.weight.setValue(float(style.weight))
        self.opacity.setValue(round(100 * float(style.fill_opacity)))
        self.radius.setValue(float(style.radius))
        fields = attribute_fields(self.layer)
        numeric = [f for f in fields if is_numeric(self.layer, f)]
        self._fill_combo(self.radius_field, self.tr("(fixed size)"), numeric, style.radius_field,
                         style.radius_field)
        self._fill_combo(self.label_field, self.tr("(no labels)"), fields, style.label_field)
        self._fill_fields(style.field)
        self._update_swatch()
        self.density.load(style)

    @staticmethod
    def _select(combo: QComboBox, value) -> None:
        i = combo.findData(value)
        if i >= 0:
            combo.setCurrentIndex(i)

    def _fill_combo(self, combo: QComboBox, none_text: str | None, fields: list[str],
                    current: str | None, keep: str | None = None) -> None:
        """Fill ``combo`` with ``fields``. ``keep`` (the layer's own setting, e.g. from a style
        file) stays even if it does not belong, marked, so that the dialog shows it and
        refuses it."""
        combo.blockSignals(True)
        combo.clear()
        if none_text is not None:
            combo.addItem(none_text, None)
        for f in fields:
            add_field(combo, self.layer, f, self.doc.lang)
        if keep and combo.findData(keep) < 0 and keep in self.layer.table.columns:
            combo.addItem(self.tr("%1 (text)").replace("%1", keep), keep)
        self._select(combo, current if combo.findData(current) >= 0 else keep)
        combo.blockSignals(False)

    def _fill_fields(self, current: str | None) -> None:
        fields = attribute_fields(self.layer)
        mode = self.current_mode()
        if mode == "graduated":
            fields = [f for f in fields if is_numeric(self.layer, f)]
        keep = self._base.field if mode == self._base.mode else None
        self._fill_combo(self.field, None, fields, current, keep)

    # -- reactions --------------------------------------------------------------------------
    def current_mode(self) -> str:
        return self.mode.currentData() or "single"

    def _mode_changed(self, *_args) -> None:
        mode = self.current_mode()
        self._fill_fields(self.field.currentData())
        self.field.setEnabled(mode != "single")
        for w in (self.scheme, self.k, self.cmap, self.swatch):
            w.setEnabled(mode == "graduated")
        self._clear_message()

    def _fill_same_toggled(self, on: bool) -> None:
        self.fill.setEnabled(not on)
        if on:
            self.fill.set_color(self.stroke.color())

    def _stroke_changed(self, colour: str) -> None:
        if self.fill_same.isChecked():
            self.fill.set_color(colour)

    def _update_swatch(self, *_args) -> None:
        self.swatch.setPixmap(ramp_pixmap(self.cmap.currentData() or "YlOrRd", self.k.value()))

    def _clear_message(self, *_args) -> None:
        self.message.clear()
        self.message.hide()

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    # -- the Style --------------------------------------------------------------------------
    def problem(self) -> str | None:
        """Why the current choices cannot be applied, in the user's words; None if they can."""
        mode = self.current_mode()
        field = self.field.currentData()
        if mode == "categorized" and not field:
            return self.tr("Choose a field to categorize by.")
        if mode == "graduated":
            if not field:
                if not any(is_numeric(self.layer, f) for f in attribute_fields(self.layer)):
                    return self.tr("This layer has no numeric field: graduated colours need "
                                   "one. Use Categorized instead.")
                return self.tr("Choose a numeric field for graduated colours.")
            if not is_numeric(self.layer, field):
                return self.tr("'%1' is a text field: graduated colours need a numeric field. "
                               "Choose a numeric field, or use Categorized.").replace("%1", field)
        size = self.radius_field.currentData() if self.caps.points else None
        if size and not is_numeric(self.layer, size):
            return self.tr("'%1' is a text field: point size needs a numeric field."
                           ).replace("%1", size)
        return self.density.problem() if self.caps.time else None

    def style(self) -> Style:
        """The Style the dialog shows (other options of the layer's style are kept)."""
        base = self._base
        if not self.caps.modes:        # a built-in point set: only its time slider
            return self.density.apply_to(base) if self.caps.time else base
        mode = self.current_mode()
        field = self.field.currentData() if mode != "single" else None
        out = replace(
            base, mode=mode, field=field,
            scheme=self.scheme.currentData() or base.scheme, k=self.k.value(),
            cmap=self.cmap.currentData() or base.cmap,
            color=self.stroke.color(),
            fill_color=None if self.fill_same.isChecked() else self.fill.color(),
            weight=round(self.weight.value(), 2), fill_opacity=self.opacity.value() / 100.0,
            radius=round(self.radius.value(), 2),
            radius_field=self.radius_field.currentData() if self.caps.points else None,
            label_field=self.label_field.currentData() if self.caps.labels else None,
            categories=dict(base.categories) if (mode == "categorized"
                                                 and field == base.field) else {},
            legend_title=self.legend_title.text().strip() or None,
            units=self.units.text().strip() or self._join_units(field))
        return self.density.apply_to(out) if self.caps.time else out

    def _join_units(self, field) -> str | None:
        """The unit a joined table's cells carried (e.g. 亿元), when the user gave none."""
        return (self.layer.meta.get("join") or {}).get("units", {}).get(field) or None

    def apply(self) -> bool:
        if not self.caps.modes and not self.caps.time:
            return False
        problem = self.problem()
        if problem:
            self.show_message(problem)
            return False
        self._clear_message()
        style = self.style()
        try:
            current = self.doc.layer(self.layer.id)
        except KeyError:   # removed while the dialog was open
            self.show_message(self.tr("The layer is no longer on the map."))
            return False
        if current.style != style:
            self.doc.set_style(self.layer.id, style)
        self._base = style
        return True

    def _ok(self) -> None:
        if self.apply():
            self.accept()


__all__ = ["Capabilities", "StyleDialog", "capabilities", "initial_style", "RAMPS"]
