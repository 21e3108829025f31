"""What the page's density and time controls tell the app (ui.bridge): a hexagon's points
to select, and the time slider's state to keep.

The selection goes to the document (``doc.select``), so the attribute table and the map's
highlight agree with the hexagon. The slider's range, step and mode are written into the
style of every layer that has a slider, without an event: the page already shows them (no
re-render), and a project saved or a map exported afterwards opens with the same range.
"""
from __future__ import annotations

from dataclasses import replace


def install(view) -> None:
    """Connect a MapView's bridge to its document."""
    doc = view.doc

    def rows_selected(layer_id: str, rows: list) -> None:
        if doc.find(layer_id) is not None:
            doc.select(layer_id, rows)

    def time_changed(state: dict) -> None:
        from jjjmap.render.timefilter import time_field_of

        for layer in doc.layers:
            if time_field_of(layer) is None:
                continue
            layer.style = replace(layer.style, time_range=[state["from"], state["to"]],
                                  time_step=state["step"], time_mode=state["mode"])

    view.bridge.rowsSelected.connect(rows_selected)
    view.bridge.timeChanged.connect(time_changed)


__all__ = ["install"]
