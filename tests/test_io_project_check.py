"""Malformed project values are refused as ProjectFileError before anything is applied
(issue 20, items 12 and 13), and a hypothesis fuzz target over project files that only ever
yields a valid document or ProjectFileError."""
from __future__ import annotations

import copy
import json
import math
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jjjmap.io import ProjectFileError
from jjjmap.io.project import load_project, save_project
from jjjmap.io.projectcheck import MAX_LAYERS, MAX_SAME_DATA, check_project
from jjjmap.render.basemaps import BASEMAPS

# Made-up test data: a small CSV of two points (jjjmap test fixture, not real places).
CSV = "name,lon,lat,kind\nalpha,116.4,39.9,a\nbeta,117.2,39.1,b\n"


def valid_project(folder) -> dict:
    (folder / "pts.csv").write_text(CSV, encoding="utf-8")
    return {
        "format": "jjjmap-project", "version": 1, "title": "fuzz", "basemap": "none",
        "lang": "en", "view": {"lat": 39.3, "lon": 116.4, "zoom": 7.0},
        "layers": [
            {"builtin": "provinces", "path": None, "open": {}, "title": "Provinces",
             "title_zh": "", "visible": True, "opacity": 1.0,
             "style": {"mode": "single", "color": "#222222", "weight": 2.2}, "filter": {}},
            {"builtin": None, "path": "pts.csv", "open": {"encoding": "utf-8"}, "part": None,
             "title": "pts", "title_zh": "", "visible": False, "opacity": 0.5,
             "style": {"mode": "categorized", "field": "kind", "categories": {"a": "red"}},
             "filter": {"kind": ["a"]}},
        ],
    }


def write(folder, data, name="p.jjjmap") -> os.PathLike:
    path = folder / name
    path.write_text(json.dumps(data, allow_nan=True), encoding="utf-8")
    return path


def test_valid_project_loads(tmp_path):
    doc = load_project(write(tmp_path, valid_project(tmp_path)))
    assert [lyr.title_en for lyr in doc.layers] == ["Provinces", "pts"]
    assert doc.layers[1].style.categories == {"a": "red"}


def _set(data, where, value):
    target = data
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = value
    return data


BAD = [
    (("view", "lat"), math.nan, "lat"),
    (("view", "lon"), 1e308, "lon"),
    (("view", "zoom"), math.inf, "zoom"),
    (("view", "zoom"), "7", "zoom"),
    (("view",), [39, 116, 7], "view"),
    (("basemap",), "no-such-basemap", "basemap"),
    (("basemap",), 7, "basemap"),
    (("lang",), "fr", "language"),
    (("title",), {"a": 1}, "title"),
    (("layers", 0, "builtin"), "no_such_layer", "built-in"),
    (("layers", 0, "builtin"), ["provinces"], "built-in"),
    (("layers", 0, "opacity"), math.nan, "opacity"),
    (("layers", 0, "opacity"), "0.5", "opacity"),
    (("layers", 0, "visible"), "yes", "visible"),
    (("layers", 0, "title"), 12, "title"),
    (("layers", 0, "style", "weight"), math.nan, "weight"),
    (("layers", 0, "style", "weight"), "thick", "weight"),
    (("layers", 0, "style", "color"), "url(http://example.invalid/x)", "colour"),
    (("layers", 0, "style", "mode"), ["single"], "mode"),
    (("layers", 0, "style"), "bold", "style"),
    (("layers", 1, "style", "categories"), {"a": "url(x)"}, "colour"),
    (("layers", 1, "style", "k"), 1e9, "k"),
    (("layers", 1, "filter"), {"kind": "a"}, "filter"),
    (("layers", 1, "filter"), ["kind"], "filter"),
    (("layers", 1, "filter", "kind"), [math.nan], "filter"),
    (("layers", 1, "filter", "kind"), [{"x": 1}], "filter"),
    (("layers", 1, "open"), "utf-8", "open"),
    (("layers", 1, "open", "encoding"), "no-such-codec", "encoding"),
    (("layers", 1, "open", "datum"), "mars", "datum"),
    (("layers", 1, "part"), "blobs", "part"),
    (("layers", 1, "path"), 42, "path"),
    (("layers", 1, "path"), "pts\x00.csv", "NUL"),
    (("layers", 1), "pts.csv", "not an object"),
]


@pytest.mark.parametrize("where,value,needle", BAD, ids=[f"{'.'.join(map(str, w))}={v!r}"[:40]
                                                         for w, v, _ in BAD])
def test_bad_value_is_project_file_error(tmp_path, where, value, needle):
    data = _set(valid_project(tmp_path), where, value)
    path = write(tmp_path, data)
    with pytest.raises(ProjectFileError) as info:
        load_project(path)
    message = str(info.value)
    assert "p.jjjmap" in message and needle in message
    assert "Error" not in message   # no Python exception class names for the user


def test_deep_nesting_is_project_file_error(tmp_path):
    path = tmp_path / "deep.jjjmap"
    path.write_text('{"format": "jjjmap-project", "version": 1, "title": '
                    + "[" * 200_000 + "]" * 200_000 + "}", encoding="utf-8")
    with pytest.raises(ProjectFileError, match="deep.jjjmap"):
        load_project(path)
    data = valid_project(tmp_path)
    nested: list = []
    for _ in range(40):
        nested = [nested]
    data["layers"][1]["filter"] = {"kind": nested}
    with pytest.raises(ProjectFileError, match="nests deeper"):
        load_project(write(tmp_path, data))


def test_one_layer_listed_300_times_is_refused(tmp_path):
    """One layer listed 300 times built a 321 MiB page; now the limit is named."""
    data = valid_project(tmp_path)
    data["layers"] = [copy.deepcopy(data["layers"][0]) for _ in range(300)]
    with pytest.raises(ProjectFileError) as info:
        load_project(write(tmp_path, data))
    assert "300 layers" in str(info.value) and str(MAX_LAYERS) in str(info.value)

    data["layers"] = data["layers"][:MAX_SAME_DATA + 1]
    with pytest.raises(ProjectFileError) as info:
        load_project(write(tmp_path, data))
    assert "provinces" in str(info.value) and f"{MAX_SAME_DATA} times" in str(info.value)

    data["layers"] = data["layers"][:MAX_SAME_DATA]      # at the limit: opens
    assert len(load_project(write(tmp_path, data)).layers) == MAX_SAME_DATA


# -- the fuzz target ------------------------------------------------------------------------
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70)
    | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=20),
    lambda kids: st.lists(kids, max_size=5) | st.dictionaries(st.text(max_size=10), kids,
                                                              max_size=5),
    max_leaves=30)

KEYS = st.sampled_from(["format", "version", "title", "basemap", "lang", "view", "layers",
                        "builtin", "path", "open", "part", "visible", "opacity", "style",
                        "filter", "lat", "lon", "zoom", "color", "fill_color", "weight",
                        "mode", "k", "categories", "tooltip_fields", "encoding", "datum",
                        "layer", "crs", "dash", "radius", "scheme", "cmap"])


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, prefix + (i,))


@st.composite
def mutated(draw, base):
    data = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(data) if p]
        where = draw(st.sampled_from(paths))
        parent = data
        for key in where[:-1]:
            parent = parent[key]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace":
            parent[where[-1]] = draw(JSON)
        elif action == "delete":
            del parent[where[-1]]
        elif isinstance(parent, dict):
            parent[draw(KEYS)] = draw(JSON)
        else:
            parent.append(draw(JSON))
    return data


def _check_outcome(path, folder):
    """A valid document (which saves and reloads as one) or ProjectFileError; nothing else."""
    try:
        doc = load_project(path)
    except ProjectFileError:
        return
    view = doc.view
    assert all(math.isfinite(v) for v in (view.lat, view.lon, view.zoom))
    assert -90 <= view.lat <= 90 and -180 <= view.lon <= 180 and 0 <= view.zoom <= 22
    assert doc.basemap in BASEMAPS and doc.lang in ("en", "zh")
    for layer in doc.layers:
        assert 0 <= layer.opacity <= 1 and isinstance(layer.visible, bool)
    saved = save_project(doc, folder / "again.jjjmap")
    check_project(json.loads(saved.read_text(encoding="utf-8")), saved)


FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


@FUZZ
@given(data=JSON)
def test_fuzz_random_json(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("fuzz")
    _check_outcome(write(folder, data), folder)


@FUZZ
@given(data=st.data())
def test_fuzz_mutated_valid_project(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("mut")
    base = valid_project(folder)
    _check_outcome(write(folder, data.draw(mutated(base))), folder)


@FUZZ
@given(head=st.fixed_dictionaries({"format": st.just("jjjmap-project"), "version": st.just(1)}),
       extra=st.dictionaries(KEYS, JSON, max_size=4))
def test_fuzz_project_shaped_json(tmp_path_factory, head, extra):
    folder = tmp_path_factory.mktemp("shape")
    _check_outcome(write(folder, {**extra, **head}), folder)
