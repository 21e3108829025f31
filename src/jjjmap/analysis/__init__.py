"""Questions about the region, answered as ordinary layers or columns (Qt-free).

Joins of tables to boundaries, counts per region, distance rings, select by location, nearest,
time and binning live here; the renderer, the attribute table, projects and exports need no
special case for what they return.
"""
