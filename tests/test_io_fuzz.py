"""Random bytes and damaged copies of valid files: open_layer raises LayerLoadError or succeeds.

Nothing else may escape (no GDAL, pandas or zipfile exception reaches the user) and nothing may
hang: each example runs in a worker thread with a hard time limit on top of Hypothesis' deadline.
"""
import shutil
import tempfile
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fixtures_io as fx
from jjjmap.io import LayerLoadError, open_layer

HARD_LIMIT_S = 20
SETTINGS = settings(max_examples=1200, deadline=timedelta(seconds=10), derandomize=False,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


@pytest.fixture(scope="module")
def valid(tmp_path_factory):
    return fx.valid_files(tmp_path_factory.mktemp("valid"))


def _open_guarded(path: Path):
    outcome = {}

    def run():
        try:
            outcome["layers"] = open_layer(path)
        except BaseException as exc:  # noqa: BLE001 - inspected below
            outcome["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(HARD_LIMIT_S)
    assert not worker.is_alive(), f"open_layer hung on {path.name}"
    err = outcome.get("error")
    if err is not None and not isinstance(err, LayerLoadError):
        raise AssertionError(f"{type(err).__name__} escaped for {path.name}: {err}") from err
    if isinstance(err, LayerLoadError):
        assert path.name in str(err) or path.stem in str(err), str(err)


def _mutate(data: bytes, kind: str, draw) -> bytes:
    if not data:
        return data
    if kind == "truncate":
        return data[:draw(st.integers(0, len(data) - 1))]
    if kind == "flip":
        buf = bytearray(data)
        for _ in range(draw(st.integers(1, 8))):
            i = draw(st.integers(0, len(buf) - 1))
            buf[i] = draw(st.integers(0, 255))
        return bytes(buf)
    if kind == "header":  # damage the first bytes, where formats keep their structure
        buf = bytearray(data)
        for _ in range(draw(st.integers(1, 4))):
            i = draw(st.integers(0, min(len(buf), 128) - 1))
            buf[i] = draw(st.integers(0, 255))
        return bytes(buf)
    i = draw(st.integers(0, len(data)))  # insert
    return data[:i] + draw(st.binary(min_size=1, max_size=64)) + data[i:]


@SETTINGS
@given(data=st.data())
def test_mutated_valid_files_only_raise_layer_load_error(valid, data):
    fmt = data.draw(st.sampled_from(sorted(valid)))
    src = valid[fmt]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if fmt == "shp":
            for f in src.parent.glob(src.stem + ".*"):
                shutil.copy(f, tmp / f.name)
            victim = tmp / (src.stem + data.draw(st.sampled_from([".shp", ".dbf", ".shx"])))
            target = tmp / src.name
        else:
            victim = target = tmp / src.name
            shutil.copy(src, target)
        kind = data.draw(st.sampled_from(["truncate", "flip", "header", "insert"]))
        victim.write_bytes(_mutate(victim.read_bytes(), kind, data.draw))
        _open_guarded(target)


@settings(max_examples=600, deadline=timedelta(seconds=10))
@given(blob=st.binary(max_size=2048),
       ext=st.sampled_from([".shp", ".geojson", ".gpkg", ".csv", ".kml", ".zip", ".txt", ".fgb",
                            ".xlsx", ".gpx", ".json", ".kmz", ".parquet"]))
def test_random_bytes_only_raise_layer_load_error(blob, ext):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"random{ext}"
        path.write_bytes(blob)
        _open_guarded(path)


@settings(max_examples=300, deadline=timedelta(seconds=10))
@given(rows=st.lists(st.lists(st.one_of(st.text(max_size=8), st.floats(allow_nan=True),
                                        st.integers()), min_size=0, max_size=5), max_size=20),
       header=st.lists(st.sampled_from(["lon", "lat", "经度", "纬度", "x", "y", "wkt", "name", "",
                                        "\ufefflon", "LAT", "geometry"]), max_size=5),
       sep=st.sampled_from([",", "\t", ";"]), encoding=st.sampled_from(["utf-8", "gb18030"]))
def test_random_tables_only_raise_layer_load_error(rows, header, sep, encoding):
    lines = [sep.join(header)] + [sep.join(str(v) for v in row) for row in rows]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "table.csv"
        path.write_bytes("\n".join(lines).encode(encoding, errors="replace"))
        _open_guarded(path)
