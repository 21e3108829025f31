"""What a competent user writes without jjjmap: geopandas + plain folium, and a bare Qt viewer."""
