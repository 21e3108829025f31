"""Reads report how far they are (issue 18 item 5): rows of CSV/XLSX tables, features of a
batched GDAL read, bytes unpacked from an archive. All data here is invented for the tests."""
from __future__ import annotations

import zipfile

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from jjjmap import io


def _open_counting(path, **kwargs):
    seen: list[tuple[int, int | None, str]] = []
    layers = io.open_layer(path, progress=lambda d, t, u: seen.append((d, t, u)), **kwargs)
    return layers, seen


def _invented_points(n: int) -> gpd.GeoDataFrame:
    i = np.arange(n)
    return gpd.GeoDataFrame({"id": i, "name": [f"invented {k}" for k in i]},
                            geometry=shapely.points(115 + (i % 100) * 0.01, 39 + (i // 100) * 0.01),
                            crs="EPSG:4326")


def test_csv_reports_rows_to_the_last_one(tmp_path, monkeypatch):
    from jjjmap.io import tables

    monkeypatch.setattr(tables, "CSV_PROGRESS_ROWS", 1_000)
    p = tmp_path / "invented.csv"
    p.write_text("name,lon,lat\n" + "invented,116.4,39.9\n" * 5_500)
    layers, seen = _open_counting(p)
    assert len(layers[0].gdf) == 5_500
    rows = [d for d, _t, u in seen if u == "rows"]
    assert rows[1:7] == [1_000, 2_000, 3_000, 4_000, 5_000, 5_500]   # one report a chunk
    assert seen[-1] == (5_500, 5_500, "rows")
    assert all(t is None or t >= d for d, t, _u in seen)


def test_xlsx_reports_rows_and_cancels_between_them(tmp_path, monkeypatch):
    import openpyxl

    from jjjmap.io import tables
    from jjjmap.io.cancel import LayerLoadCancelled

    monkeypatch.setattr(tables, "XLSX_REPORT_ROWS", 100)
    p = tmp_path / "invented.xlsx"
    wb = openpyxl.Workbook(write_only=True)     # declares no dimension: rows are counted
    ws = wb.create_sheet("points")
    ws.append(["name", "lon", "lat"])
    for k in range(450):
        ws.append([f"invented {k}", 116.0 + k * 1e-3, 39.5])
    wb.save(p)
    layers, seen = _open_counting(p)
    assert len(layers[0].gdf) == 450
    assert [d for d, _t, _u in seen] == [0, 100, 200, 300, 400, 451]   # 451 rows with header
    assert {t for _d, t, _u in seen} == {451}
    # the same file, cancelled after the second report: the read stops there
    reports = []
    try:
        io.open_layer(p, progress=lambda d, t, u: reports.append(d),
                      cancel=lambda: len(reports) >= 2)
    except LayerLoadCancelled:
        pass
    else:
        raise AssertionError("the read was not cancelled")
    assert reports == [0, 100]


def test_large_gpkg_is_read_in_batches_with_the_same_result(tmp_path, monkeypatch):
    from jjjmap.io import gdal

    monkeypatch.setattr(gdal, "BATCH_FEATURES", 100)
    p = tmp_path / "invented.gpkg"
    _invented_points(350).to_file(p, driver="GPKG")
    whole = io.open_layer(p)[0].gdf              # no listener: one read
    layers, seen = _open_counting(p)
    assert seen == [(0, 350, "features"), (100, 350, "features"), (200, 350, "features"),
                    (300, 350, "features"), (350, 350, "features")]
    batched = layers[0].gdf
    assert batched["id"].tolist() == list(range(350))
    assert batched["name"].tolist() == whole["name"].tolist()
    assert shapely.equals(np.asarray(batched.geometry.array), np.asarray(whole.geometry.array)).all()


def test_zip_reports_bytes_unpacked(tmp_path):
    csv = "name,lon,lat\n" + "invented,116.4,39.9\n" * 120_000   # 2.4 MB: three 1 MiB copies
    p = tmp_path / "invented.zip"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("points.csv", csv)
    layers, seen = _open_counting(p)
    unpacked = [(d, t) for d, t, u in seen if u == "bytes"]
    size = len(csv.encode())
    assert unpacked == [(1 << 20, size), (2 << 20, size), (size, size)]
    assert len(layers[0].gdf) == 120_000
    assert pd.Series([d for d, _t, u in seen if u == "rows"]).is_monotonic_increasing
