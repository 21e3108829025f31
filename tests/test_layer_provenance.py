"""What io records on a Layer is typed: ``Layer.provenance`` (format, encoding, CRS read,
warnings, part, how to reopen), ``Layer.level`` and ``Layer.builtin``. Files are INVENTED TEST
DATA written here."""
import pytest

from jjjmap import catalog
from jjjmap.analysis import join as J
from jjjmap.io import open_layer
from jjjmap.io.tabledata import read_table
from jjjmap.model import Layer, Provenance

import fixtures_io as fx


def test_shapefile_read_records_format_encoding_and_crs(tmp_path):
    (lyr,) = open_layer(fx.gbk_shapefile_4548(tmp_path), crs=None)
    prov = lyr.provenance
    assert isinstance(prov, Provenance)
    assert prov.format == "shapefile" and prov.encoding in ("gb18030", "gbk")
    assert "4548" in prov.crs_read and prov.part is None and prov.layer_name is None
    assert prov.reopen == {}
    assert lyr.builtin is None and lyr.level is None and lyr.meta == {}


def test_csv_read_records_the_crs_the_user_gave_and_how_to_reopen(tmp_path):
    path = tmp_path / "pts.csv"
    path.write_text("x,y,name\n500000,4400000,a\n510000,4410000,b\n", encoding="utf-8")
    (lyr,) = open_layer(path, crs="EPSG:4548")
    assert lyr.provenance.format == "csv"
    assert lyr.provenance.crs_read == "EPSG:4548"
    assert lyr.provenance.reopen == {"crs": "EPSG:4548"}


def test_mixed_file_parts_are_typed(tmp_path):
    path = tmp_path / "mixed.geojson"
    path.write_text('{"type":"FeatureCollection","features":['
                    '{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[116.4,39.9]}},'
                    '{"type":"Feature","properties":{},"geometry":{"type":"LineString",'
                    '"coordinates":[[116.4,39.9],[116.5,40.0]]}}]}', encoding="utf-8")
    layers = open_layer(path)
    assert [lyr.provenance.part for lyr in layers] == ["points", "lines"]
    assert all(lyr.provenance.format == "geojson" for lyr in layers)
    # each part has its own warnings list: a note added to one is not in the other
    layers[0].provenance.warnings.append("only here")
    assert "only here" not in layers[1].provenance.warnings


def test_builtin_layers_carry_key_and_level():
    counties = catalog.load_layer("counties")
    assert counties.builtin == "counties" and counties.level == "county"
    assert counties.provenance.format == "builtin"
    assert catalog.load_layer("relocated_institutions").level is None


def test_unknown_level_is_refused():
    gdf = catalog.load_layer("xiongan").gdf
    with pytest.raises(ValueError, match="boundary level"):
        Layer(gdf=gdf, title_en="x", kind="boundary", level="district")


def test_a_join_keeps_the_level_but_is_not_the_builtin(tmp_path):
    table_path = tmp_path / "v.csv"
    table_path.write_text("区县,v\n海淀区,1\n", encoding="utf-8")   # invented
    counties = catalog.load_layer("counties")
    table = read_table(table_path)
    rep = J.match_table(table, counties)
    joined = J.joined_layer(J.apply_join(table, counties, rep), counties, str(table_path))
    assert joined.level == "county" and joined.builtin is None
    assert joined.meta["join"]["to"] == "counties"
    assert joined.provenance is not counties.provenance
