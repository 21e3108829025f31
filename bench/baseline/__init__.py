"""What a competent user writes without jjjmap: geopandas + plain folium (``folium_map``),
the same maps with leafmap when it is installed (``leafmap_map``), and a bare Qt viewer."""
