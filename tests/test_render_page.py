"""Page assembly details: layer data is never template code; vectorised display text."""
import numpy as np
import pandas as pd
import pytest

from jjjmap.render.common import text, texts


@pytest.mark.parametrize("values", [
    [1, 2, -3, 0],
    [1.0, 2.5, np.nan, -0.0, 1e20, 3.0, float("inf"), 1 / 3],
    pd.array(["a", None, "中文", ""], dtype="string"),
    pd.array([1, None, 3], dtype="Int64"),
    ["x", 1, None, 2.0, True],
    [True, False],
])
def test_texts_is_text_for_each_value(values):
    series = pd.Series(values)
    assert texts(series) == [text(v) for v in series.tolist()]


def test_layer_data_is_not_read_as_template_code():
    import geopandas as gpd
    from shapely.geometry import Point

    from jjjmap.model import Layer, MapDocument
    from jjjmap.render import render_html

    doc = MapDocument()
    gdf = gpd.GeoDataFrame({"name": ["{{ 7 * 7 }}{% if true %}x{% endif %}"]},
                           geometry=[Point(116.4, 39.9)], crs=4326)
    doc.add_layer(Layer(gdf=gdf, title_en="t"))
    html = render_html(doc, assets="files")
    assert "{{ 7 * 7 }}{% if true %}x{% endif %}" in html   # as written, not evaluated
