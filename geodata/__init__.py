"""Built-in data of the region, built by scripts/build_geodata.py; see SOURCES.md."""
