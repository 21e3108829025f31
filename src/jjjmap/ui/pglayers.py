"""View-driven PostGIS layers in the window: the scheme answers, the panel's status, identify.

The page of a MapView asks ``jjjmap://app/<dir>/pg/<layer>?bbox=..&z=..`` (see
resources/web/jjj-pg.js); the scheme handler runs ``provider`` on a worker thread and replies
on the GUI thread. Each layer's ``ViewSource`` reports loading / N in view / aggregated /
error; those reach the layer panel through a queued signal. A clicked feature's full row
(fetched by primary key) shows in the identify panel. A failure answers the page with the
message (the layer shows its error state) and never touches the other layers.
"""
from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QObject, Signal


log = logging.getLogger(__name__)


def _tr(text: str) -> str:
    return QCoreApplication.translate("PgLayers", text)


def status_text(layer) -> str:
    """What the layer panel says after the layer's title."""
    st = layer.meta.get("pg_status") or {}
    state = st.get("state")
    if state == "loading":
        return _tr("loading…")
    if state == "error":
        return _tr("error")
    if state == "ok":
        n = f"{int(st.get('features', 0)):,}"
        if st.get("aggregated"):
            return _tr("%1 in view, aggregated").replace("%1", n)
        if st.get("truncated"):
            return _tr("first %1 in view").replace("%1", n)
        return _tr("%1 in view").replace("%1", n)
    rows = layer.meta.get("pg_rows")
    return _tr("in the database, %1 rows").replace("%1", f"{rows:,}") if rows else _tr("in the database")


class PgEvents(QObject):
    """Signals from the workers to the GUI thread (emitting from a worker queues them)."""

    statusChanged = Signal(str, object)          # noqa: N815 - layer id, status dict
    rowFetched = Signal(str, object, object)     # noqa: N815 - layer id, key, record dict


def install(view) -> PgEvents:
    """Answer the PostGIS requests of ``view``'s page; returns its events. The data stack
    (jjjmap.io, the renderer) is imported at the first request, not while the window is
    built (a warm start shows the window before numpy and pandas load)."""
    events = PgEvents(view)
    watched: set[int] = set()

    def provider(layer_id: str, query: dict) -> bytes:
        from jjjmap.io.pgsource import PostgisError
        from jjjmap.render import pglayer

        layer = view.doc.find(layer_id)
        if layer is None or not pglayer.is_view_layer(layer):
            raise KeyError(layer_id)
        source = layer.meta["pg_source"]
        if id(source) not in watched:
            watched.add(id(source))
            source.on_status = lambda st, lid=layer_id: events.statusChanged.emit(lid, st)
        try:
            data = pglayer.answer(layer, query, query.get("datum", "wgs84"))
        except PostgisError as exc:
            log.info("PostGIS layer %s: %s", layer_id, exc)
            return pglayer.error_json(exc)
        except (ValueError, KeyError) as exc:
            return pglayer.error_json(ValueError(f"bad request: {exc}"))
        if "key" in query:
            import json

            record = json.loads(data).get("row")
            if record is not None:
                events.rowFetched.emit(layer_id, query["key"], record)
        return data

    view._handler.pg[view._page_path.rpartition("/")[0]] = provider

    def closed(layer) -> None:   # a removed layer lets go of its connection
        if layer.kind == "postgis" and layer.meta.get("pg_source") is not None:
            layer.meta["pg_source"].close()
    view.doc.events.layer_removed.connect(closed)
    return events


def uninstall(view) -> None:
    view._handler.pg.pop(view._page_path.rpartition("/")[0], None)


def connect(events: PgEvents, doc, feedback, layers, identify) -> None:
    """A layer's status into the layer panel (``layers``, a LayerPanel) and the status line
    (``feedback``, ui.feedback.Feedback), fetched rows into the identify panel."""

    def on_status(layer_id: str, status: dict) -> None:
        layer = doc.find(layer_id)
        if layer is None:
            return
        layer.meta["pg_status"] = status
        if status.get("state") == "error" and status.get("message"):
            feedback.message(status["message"], 15000)
        # server messages quote table names and values: the model shows them as plain text
        layers.model.relabel(layer, status.get("message") or layer.source)

    def on_row(layer_id: str, key, record: dict) -> None:
        layer = doc.find(layer_id)
        if layer is not None:
            layers.set_current(layer_id)
            identify.show_record(layer, key, record, doc.lang)

    events.statusChanged.connect(on_status)
    events.rowFetched.connect(on_row)
