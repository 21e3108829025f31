"""Projects remember a join (table path, key, city column, manual fixes) and a count per region,
and redo them on open; a moved table is asked for. Tables are INVENTED TEST DATA."""
import json
import shutil

import pytest

from jjjmap import catalog
from jjjmap.analysis import join as J
from jjjmap.analysis.aggregate import aggregate_layers, aggregated_layer
from jjjmap.io import ProjectFileError, load_project, save_project
from jjjmap.io.tabledata import read_table
from jjjmap.model import MapDocument, Style


def _doc(table_path):
    doc = MapDocument(basemap="none")
    counties = catalog.load_layer("counties")
    clusters = catalog.load_layer("sector_clusters")
    doc.add_layer(counties)
    doc.add_layer(clusters)
    table = read_table(table_path)
    rep = J.match_table(table, counties, fixes={2: "130902"})
    joined = J.joined_layer(J.apply_join(table, counties, rep), counties, str(table_path))
    joined.style = Style(mode="graduated", field="v", k=3, legend_title="V", units="亿元")
    doc.add_layer(joined)
    res = aggregate_layers(clusters, catalog.load_layer("prefectures"), by="sector")
    doc.add_layer(aggregated_layer(res, clusters, catalog.load_layer("prefectures")))
    return doc


def test_join_and_count_are_redone_on_open(tmp_path):
    table = tmp_path / "data" / "v.csv"
    table.parent.mkdir()
    table.write_text("区县,v\n海淀区,1\n新华区,2\n藁城市,3\n", encoding="utf-8")   # invented
    doc = _doc(table)
    expected_counts = doc.layers[3].gdf.set_index("code").filter(like="count_").copy()
    project = tmp_path / "p.jjjmap"
    save_project(doc, project)
    saved = json.loads(project.read_text(encoding="utf-8"))
    join = saved["layers"][2]["join"]
    assert join == {"table": "data/v.csv", "sheet": None, "key": "区县", "parent": None,
                    "to": {"builtin": "counties"}, "fixes": {"2": "130902"}}
    agg = saved["layers"][3]["aggregate"]
    assert agg["points"] == {"builtin": "sector_clusters"} and agg["by"] == "sector"

    # the table moves; the project asks where it went
    moved = tmp_path / "elsewhere.csv"
    shutil.move(table, moved)
    asked = []
    loaded = load_project(project, resolve_missing=lambda p: asked.append(p) or str(moved))
    assert asked == [str(tmp_path / "data" / "v.csv")]
    joined = loaded.layers[2]
    g = joined.gdf.set_index("code")
    assert (g.loc["110108", "v"], g.loc["130902", "v"], g.loc["130109", "v"]) == (1, 2, 3)
    assert joined.style.legend_title == "V" and joined.style.units == "亿元"
    assert joined.meta["join"]["fixes"] == {"2": "130902"}
    counts = loaded.layers[3].gdf.set_index("code").filter(like="count_")
    assert counts.equals(expected_counts)
    assert counts.to_numpy().sum() == 43        # every cluster of the reference table


def test_a_table_left_out_drops_only_its_layer(tmp_path):
    table = tmp_path / "v.csv"
    table.write_text("区县,v\n海淀区,1\n新华区,2\n", encoding="utf-8")   # invented
    project = tmp_path / "p.jjjmap"
    save_project(_doc(table), project)
    table.unlink()
    loaded = load_project(project, resolve_missing=lambda p: None)
    assert [lyr.builtin for lyr in loaded.layers][:2] == ["counties",
                                                                      "sector_clusters"]
    assert not any("join" in lyr.meta for lyr in loaded.layers)
    with pytest.raises(ProjectFileError, match="v.csv"):
        load_project(project)
