"""docs/postgis.png: the window with a view-driven PostGIS layer (the tests' 250,000 generated
points, invented data) over the built-in counties, and its attribute table paged from the
server. Starts and stops its own throwaway cluster (tests/pg_fixture.py).

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/postgis_screenshot.py docs/postgis.png
"""
from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]


def main(out: str) -> None:
    import pg_fixture

    from bench.qt import wait

    server = pg_fixture._make_server()
    os.environ["PGPASSFILE"] = str(server.pgpass)
    try:
        pg_fixture.load_test_data(server)
        from PySide6.QtCore import QEventLoop, Qt, QTimer

        from jjjmap.io.postgis import open_postgis
        from jjjmap.model import MapDocument
        from jjjmap.ui.app import create_app
        from jjjmap.ui.mainwindow import MainWindow

        def spin(seconds: float) -> None:
            loop = QEventLoop()
            QTimer.singleShot(int(seconds * 1000), loop.quit)
            loop.exec()

        _app = create_app()
        doc = MapDocument()
        doc.basemap = "none"
        doc.set_view(39.75, 116.6, 9)
        for layer in open_postgis(server.uri(table="counties")):
            doc.add_layer(layer)
        w = MainWindow(doc, restore=False)
        w.resize(1400, 900)
        w.show()
        wait(w.map.mapReady, 60, lambda: w.map.ready)
        [pts] = open_postgis(server.uri(table="pts"))
        pts.title_en = "pts (generated)"
        doc.add_layer(pts)
        wait(w.map.mapReady, 60, lambda: w.map.ready)
        spin(8)
        w.layers.set_current(pts.id)
        w.table_dock.show()
        w.table_dock.raise_()
        w.resizeDocks([w.layers_dock], [400], Qt.Orientation.Horizontal)
        spin(2)
        t0 = time.time()
        while "loading" in w.layers.model.layer_label(pts) and time.time() - t0 < 120:
            spin(0.2)
        spin(1.5)
        w.grab().save(out)
        print(w.layers.model.layer_label(pts), "|", w.table.count_label.text())
        w.close()
    finally:
        server.stop()
        shutil.rmtree(server.base, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "docs" / "postgis.png"))
