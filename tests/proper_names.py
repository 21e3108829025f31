"""Names that stay as they are in a Chinese window: the app, data and tile providers, file
formats and systems, the datum, and "English" as the language menu's own name for itself.
One list for the virtualenv's window tests (test_ui_i18n) and the bundle's (test_packaging)."""
PROPER = frozenset({"jjjmap", "OpenStreetMap", "CARTO", "Esri", "HTML", "PNG", "PDF", "WGS",
                    "English", "GeoPackage", "GeoJSON", "Shapefile", "CSV", "PostGIS",
                    "PostgreSQL"})
