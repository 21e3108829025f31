"""PostGIS benchmark: a generated table of N points, jjjmap's view-driven layer against
``geopandas.read_postgis`` of the whole table, in the same run.

    python -m bench.pg                      # 1M rows, 3 repetitions a side
    python -m bench.pg --rows 1000000 10000000 --reps 3

Starts its own throwaway cluster (tests/pg_fixture.py: Debian's postgresql and
postgresql-15-postgis-3), generates ``pts_<N>`` (random points in a box around Hebei, fixed
seed; invented data, a column says so) with a GiST index, then runs each side in fresh
processes (bench.harness: whole process tree's peak RSS, sides alternating).

jjjmap side (the real main window, offscreen, 1400x900, no basemap): ``open_s`` from
Layer > Add PostGIS layer's open to the layer drawn at zoom 8 (page re-rendered, first view
fetched and drawn: the page's ``draws`` counter, polled every 20 ms); ``pan_z8_s`` and
``pan_z14_s``, medians of 5 pans each, from ``setView`` to the new view's answer drawn;
``overview_s``, from opening to the low-zoom overview built (it builds beside the first
views, which are counted on the server meanwhile), then ``pan_z8_ready_s``, 5 more pans at
zoom 8 answered from it; ``identify_s``, median of 5 clicks on drawn points at zoom 14,
from the click to the row (fetched by primary key) shown in the identify panel;
``table_open_s`` / ``table_end_s`` / ``table_sort_s``: the attribute table paged from the
server (count and first rows, a jump to the last row, a sort by value), once per run.
Baseline: ``geopandas.read_postgis("SELECT * FROM pts_<N>")`` (reading only; drawing what it
read is not even attempted, which favours it).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
TIMEOUT_S = 300
PANS = [(39.9, 116.4), (38.9, 115.5), (39.1, 117.2), (38.0, 114.5), (40.6, 115.0)]


# -- the two sides (run by bench.worker in a fresh process) --------------------------------

def _poll(window, expr: str, predicate, timeout_s: float = 120, step_ms: int = 20):
    """Evaluate ``expr`` in the page until ``predicate(value)``; the value."""
    from PySide6.QtCore import QEventLoop, QTimer

    deadline = time.perf_counter() + timeout_s
    while time.perf_counter() < deadline:
        box = []
        window.map.run_js(f"JSON.stringify({expr})", box.append)
        loop = QEventLoop()
        QTimer.singleShot(step_ms, loop.quit)
        loop.exec()
        while not box and time.perf_counter() < deadline:
            loop = QEventLoop()
            QTimer.singleShot(5, loop.quit)
            loop.exec()
        value = json.loads(box[0]) if box and box[0] else None
        if predicate(value):
            return value
    raise TimeoutError(expr)


def jjjmap_side(params) -> dict:
    import psutil

    from bench.qt import wait
    from jjjmap.io.pgsource import parse_address
    from jjjmap.model import MapDocument
    from jjjmap.ui.app import create_app
    from jjjmap.ui.mainwindow import MainWindow
    from jjjmap.ui.pgdialog import open_address

    _app = create_app()
    doc = MapDocument()
    doc.basemap = "none"
    doc.set_view(39.3, 116.4, 8)
    window = MainWindow(doc, restore=False)
    window.quiet_errors = True
    window.resize(1400, 900)
    window.show()
    if not wait(window.map.mapReady, 60, lambda: window.map.ready):
        raise TimeoutError("the empty map was not drawn")
    address = parse_address(params["uri"])
    start = time.perf_counter()
    open_address(window, address)
    if not wait(window.map.mapReady, TIMEOUT_S,
                lambda: window.map.ready and any(lyr.kind == "postgis" for lyr in doc.layers)):
        raise TimeoutError("the layer was not added")
    layer = next(lyr for lyr in doc.layers if lyr.kind == "postgis")
    state = f"jjj.pgState('{layer.id}')"
    first = _poll(window, state, lambda s: bool(s) and s.get("state") == "ok" and s["draws"] >= 1)
    open_s = time.perf_counter() - start
    out = {"seconds": open_s, "open_s": open_s, "open_mode": first["mode"], "open_n": first["n"]}
    source = layer.meta["pg_source"]

    def pans(zoom, tag=""):
        times, shown = [], []
        for lat, lon in PANS:
            before = _poll(window, state, lambda s: bool(s))["draws"]
            t0 = time.perf_counter()
            window.map.run_js(f"jjj.setView({lat}, {lon}, {zoom})")
            st = _poll(window, state, lambda s, b=before: bool(s) and s["state"] == "ok"
                       and s["draws"] > b)
            times.append(time.perf_counter() - t0)
            shown.append(st["n"])
        out[f"pan_z{zoom}{tag}_s"] = statistics.median(times)
        out[f"pan_z{zoom}{tag}_features"] = statistics.median(shown)
        out[f"pan_z{zoom}{tag}_mode"] = st["mode"]

    # right after the first draw: the low-zoom overview (io.pgoverview) is still being
    # built beside the views, which are counted on the server meanwhile
    pans(8)
    pans(14)
    # identify at zoom 14 (the last pan's view): click a drawn point, time to its full row
    # (fetched by primary key) shown in the identify panel; median of 5 points
    times = []
    for i in range(5):
        window.identify.clear()
        t0 = time.perf_counter()
        window.map.run_js(f"""(function () {{
            var cloud = jjj.layerGroup('{layer.id}')._drawn;
            var ll = L.latLng(cloud.lat[{i * 7}], cloud.lon[{i * 7}]);
            jjj.map.fire('click', {{latlng: ll,
                                    containerPoint: jjj.map.latLngToContainerPoint(ll)}});
        }})()""")
        if not wait(window.map.pg_events.rowFetched, 60,
                    lambda: window.identify.value("id") is not None):
            raise TimeoutError("identify did not show a row")
        times.append(time.perf_counter() - t0)
    out["identify_s"] = statistics.median(times)
    # the overview ready (seconds from opening the layer), then zoom 8 again from memory
    _until(lambda: source.overview is not None or source.overview_error is not None,
           TIMEOUT_S, step_ms=50)
    out["overview_s"] = time.perf_counter() - start
    out["overview_error"] = source.overview_error
    pans(8, "_ready")
    out.update(_table_times(window, layer, params["rows"]))
    out["python_rss_mb"] = psutil.Process().memory_info().rss / 2**20
    return out


def _until(predicate, timeout_s: float = 120, step_ms: int = 10) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    deadline = time.perf_counter() + timeout_s
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError("the table did not show its rows")
        loop = QEventLoop()
        QTimer.singleShot(step_ms, loop.quit)
        loop.exec()


def _table_times(window, layer, rows: int) -> dict:
    """The layer's attribute table, paged from the server (ui.pgtable): from showing it to
    its count and first rows drawn; from scrolling to the bottom to the last row drawn; from
    a header click (sort by value, descending) to the new first row drawn."""
    from PySide6.QtCore import Qt

    table = window.table

    def cell(r, c=0):
        return table.model.data(table.model.index(r, c))

    window.layers.set_current(layer.id)   # (the current layer's table was filled at open)
    window.table_dock.show()
    table.set_layer(None)
    t0 = time.perf_counter()
    table.set_layer(layer)
    _until(lambda: table.model.rowCount() == rows and cell(0) == "1")
    # (every wait: TimeoutError after 120 s)
    out = {"table_open_s": time.perf_counter() - t0}
    t0 = time.perf_counter()
    table.view.scrollToBottom()
    _until(lambda: cell(rows - 1) == str(rows))
    out["table_end_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    table.view.sortByColumn(2, Qt.SortOrder.DescendingOrder)
    table.view.scrollToTop()
    _until(lambda: cell(0, 2) == "1000")
    out["table_sort_s"] = time.perf_counter() - t0
    out["table_pages_held"] = table.model.pages_in_memory()
    return out


def baseline_side(params) -> dict:
    import geopandas as gpd
    import psycopg

    from jjjmap.io.pgsource import parse_address

    address = parse_address(params["uri"])
    start = time.perf_counter()
    with psycopg.connect(address.conninfo) as conn:
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)   # pandas: "not SQLAlchemy"
            gdf = gpd.read_postgis(f"SELECT * FROM {params['table']}", conn, geom_col="geom")
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "rows": len(gdf)}


# -- the run -------------------------------------------------------------------------------

def _make_table(server, rows: int) -> tuple[str, float]:
    """The table's name and the seconds its generation took (insert, index, analyze)."""
    table = f"pts_{rows}"
    w, s, e, n = 113.5, 36.0, 119.8, 42.6
    t0 = time.perf_counter()
    server.execute(f"""
        SELECT setseed(0.26);
        CREATE TABLE {table} (id bigint PRIMARY KEY, name text, value integer,
                              note text DEFAULT 'generated benchmark point, not real data',
                              geom geometry(Point, 4326));
        INSERT INTO {table} (id, name, value, geom)
          SELECT i, 'point ' || i, (random() * 1000)::int,
                 ST_SetSRID(ST_MakePoint({w} + random() * {e - w}, {s} + random() * {n - s}), 4326)
          FROM generate_series(1, {rows}) i;
        CREATE INDEX {table}_geom ON {table} USING gist (geom);
        ANALYZE {table};""")
    seconds = time.perf_counter() - t0
    print(f"generated {table} in {seconds:.0f} s", file=sys.stderr)
    return table, seconds


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.pg")
    ap.add_argument("--rows", type=int, nargs="+", default=[1_000_000])
    ap.add_argument("--reps", type=int, default=3)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT / "tests"))
    import pg_fixture

    from bench.harness import alternate, median_of, median_rss

    reason = pg_fixture.missing_reason()
    if reason:
        raise SystemExit(reason)
    server = pg_fixture._make_server()
    os.environ["PGPASSFILE"] = str(server.pgpass)
    rows_out = []
    try:
        for rows in args.rows:
            table, generated_s = _make_table(server, rows)
            params = {"uri": server.uri(table=table), "table": table, "rows": rows}
            samples = alternate("postgis", params, args.reps, TIMEOUT_S)
            row = {"rows": rows, "generated_s": generated_s}
            for side in ("jjjmap", "baseline"):
                ss = samples[side]
                row[side] = {
                    "ok": all(s.ok for s in ss), "errors": [s.error for s in ss if not s.ok],
                    "peak_rss_mb": median_rss(ss),
                    **{k: median_of(ss, k) for k in (ss[0].values if ss and ss[0].ok else {})
                       if isinstance(ss[0].values.get(k), (int, float))},
                }
            rows_out.append(row)
            print(json.dumps(row), file=sys.stderr)
    finally:
        server.stop()
        shutil.rmtree(server.base, ignore_errors=True)   # the cluster's data: GBs at 10M
    RESULTS.mkdir(exist_ok=True)
    result = {"when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "rows": rows_out}
    (RESULTS / "postgis.json").write_text(json.dumps(result, indent=2))
    (RESULTS / "postgis.md").write_text(table_md(result))
    print(table_md(result))


def table_md(result) -> str:
    def f(v, unit=""):
        return "—" if v is None else (f"{v:.3f} s" if unit == "s" else f"{v:.0f} MB")
    lines = ["| rows | generated in | jjjmap open→drawn | pan z8 | pan z14 | overview ready "
             "| pan z8 then | identify "
             "| table: first rows / last row / sorted | jjjmap peak RSS (tree / Python) "
             "| read_postgis whole table | its peak RSS | read / open |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in result["rows"]:
        j, b = r["jjjmap"], r["baseline"]
        ratio = (b.get("seconds") / j["open_s"]) if b.get("seconds") and j.get("open_s") else None
        if not b.get("ok", True):
            b = {"seconds": None, "peak_rss_mb": None}
            read = f"did not finish in {TIMEOUT_S} s"
        else:
            read = f(b.get("seconds"), "s")
        lines.append(
            f"| {r['rows']:,} | {f(r.get('generated_s'), 's')} | {f(j.get('open_s'), 's')} | "
            f"{f(j.get('pan_z8_s'), 's')} | {f(j.get('pan_z14_s'), 's')} | "
            f"{f(j.get('overview_s'), 's')} | {f(j.get('pan_z8_ready_s'), 's')} | "
            f"{f(j.get('identify_s'), 's')} | {f(j.get('table_open_s'), 's')} / "
            f"{f(j.get('table_end_s'), 's')} / {f(j.get('table_sort_s'), 's')} | "
            f"{f(j.get('peak_rss_mb'))} / "
            f"{f(j.get('python_rss_mb'))} | {read} | "
            f"{f(b.get('peak_rss_mb'))} | {'—' if ratio is None else f'{ratio:.1f}x'} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
