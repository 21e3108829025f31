"""``jjjmap.Map``: the map from a script or a notebook, on the same core the app uses.

A Map holds a MapDocument (jjjmap.model) and draws it with the one renderer; it adds a
GeoDataFrame in any CRS (reprojected once to WGS-84, with a note), a data file, or a
built-in layer by name, styles layers, sets the view and writes HTML, PNG or PDF. In Jupyter
it shows itself as a sandboxed iframe of the self-contained page (offline but for tiles).
Documented in docs/python.md.
"""
from __future__ import annotations

import html as _html
from pathlib import Path
from typing import Any

from jjjmap.model import Layer, MapDocument, Provenance, Style

# --hide-layer's names of the built-in layers, and the catalogue key each stands for
BUILTIN = {"counties": "counties", "prefectures": "prefectures", "provinces": "provinces",
           "xiongan": "xiongan", "clusters": "sector_clusters",
           "institutions": "relocated_institutions"}

NOTEBOOK_HEIGHT = 520      # px: a map that fits a notebook cell without scrolling it


class MapError(ValueError):
    """Something asked of a Map that cannot be done (message written for the user)."""


class Map:
    """A map of the Jing-Jin-Ji region.

    ``builtin``: start from the built-in map (boundaries, clusters, institutions) or, False,
    an empty one. ``notes`` collects what was done to data on the way in (a reprojection, an
    assumed CRS), as the app shows it in its layer notes.
    """

    def __init__(self, builtin: bool = True, *, title: str | None = None, lang: str = "en",
                 basemap: str = "positron"):
        from jjjmap import catalog
        from jjjmap.render import basemaps

        if lang not in ("en", "zh"):
            raise MapError(f"Unknown language {lang!r}: use 'en' or 'zh'.")
        if basemap not in basemaps.BASEMAPS:
            raise MapError(f"Unknown basemap {basemap!r}: use one of {', '.join(basemaps.BASEMAPS)}.")
        self.doc = catalog.default_document() if builtin else MapDocument()
        if title is not None:
            self.doc.title = str(title)
        elif not builtin:
            self.doc.title = "jjjmap"
        self.doc.lang, self.doc.basemap = lang, basemap
        self.notes: list[str] = []
        self._view_set = False   # a centre and zoom of the user's: the print shows that view

    # -- layers -------------------------------------------------------------------------------
    @property
    def layers(self) -> list[str]:
        """Layer ids, bottom to top (the names the other methods take)."""
        return [lyr.id for lyr in self.doc.layers]

    def _layer(self, name: str) -> Layer:
        key = BUILTIN.get(name, name)
        for lyr in self.doc.layers:
            if key in (lyr.id, lyr.title_en, lyr.title_zh):
                return lyr
        raise MapError(f"No layer {name!r} on the map; it has: {', '.join(self.layers) or 'none'}.")

    def add(self, data, *, name: str | None = None, crs=None, encoding: str | None = None,
            **style: Any) -> str:
        """Add ``data`` and return its layer id. ``data``: a built-in layer's name
        (``"counties"``, ``"clusters"``, ...), a GeoDataFrame (any CRS; ``crs`` for one that
        says none) or a path to a data file (Shapefile, GeoJSON, GeoPackage, CSV with
        lon/lat, ...). ``style`` options as in :meth:`style`."""
        if isinstance(data, str) and data in BUILTIN:
            ids = [self._add_builtin(data)]
        elif isinstance(data, (str, Path)):
            ids = self._add_file(data, crs, encoding, name)
        elif hasattr(data, "geometry") and hasattr(data, "crs"):
            ids = [self._add_frame(data, name, crs)]
        else:
            raise MapError("add() takes a GeoDataFrame, a file path or a built-in layer name "
                           f"({', '.join(BUILTIN)}), not {type(data).__name__}.")
        if style:
            for layer_id in ids:
                self.style(layer_id, **style)
        return ids[0]

    def _add_builtin(self, name: str) -> str:
        from jjjmap import catalog

        key = BUILTIN[name]
        existing = self.doc.find(key)
        if existing is not None:
            self.doc.set_visible(key, True)
            return key
        layer = catalog.load_layer(key)
        layer.id = key
        self.doc.add_layer(layer)
        if self.doc.view.fit is None and len(self.doc.layers) == 1:
            self.doc.view.fit = tuple(float(v) for v in layer.total_bounds)
        return key

    def _add_file(self, path, crs, encoding, name) -> list[str]:
        from jjjmap.io import open_layer

        ids = []
        for layer in open_layer(str(path), crs=crs, encoding=encoding):
            if name:
                layer.title_en = layer.title_zh = name if len(ids) == 0 else f"{name} ({len(ids) + 1})"
            self.notes.extend(f"{Path(path).name}: {w}" for w in layer.provenance.warnings)
            ids.append(self.doc.add_layer(layer).id)
        self._fit_if_first()
        return ids

    def _add_frame(self, gdf, name, crs) -> str:
        from jjjmap.io import crs as crs_mod
        from jjjmap.io import geometry

        title = name or "layer"
        notes: list[str] = []
        gdf = geometry.clean(gdf.copy(), notes)
        if len(gdf) == 0:
            raise MapError(f"{title}: the GeoDataFrame has no features with a geometry.")
        gdf = crs_mod.to_wgs84(gdf, title, notes, crs)   # once, here; LayerLoadError if it cannot
        crs_mod.check_range(gdf, title)
        layer = Layer(gdf=gdf, title_en=title, title_zh=title, kind="vector", group="custom",
                      source="GeoDataFrame",
                      provenance=Provenance(format="geodataframe", warnings=notes))
        self.notes.extend(f"{title}: {n}" for n in notes)
        self.doc.add_layer(layer)
        self._fit_if_first()
        return layer.id

    def _fit_if_first(self) -> None:
        if all(lyr.group == "custom" for lyr in self.doc.layers) and self.doc.layers:
            frames = [lyr.total_bounds for lyr in self.doc.layers]
            self.doc.view.fit = (min(b[0] for b in frames), min(b[1] for b in frames),
                                 max(b[2] for b in frames), max(b[3] for b in frames))

    def remove(self, name: str) -> None:
        self.doc.remove_layer(self._layer(name).id)

    def hide(self, *names: str) -> "Map":
        for name in names:
            self.doc.set_visible(self._layer(name).id, False)
        return self

    def show(self, *names: str) -> "Map":
        for name in names:
            self.doc.set_visible(self._layer(name).id, True)
        return self

    def style(self, name: str, **options: Any) -> "Map":
        """Change how a layer is drawn: ``color``, ``fill_color``, ``weight``,
        ``fill_opacity``, ``radius``, ``dash``, ``mode`` ("single" | "categorized" |
        "graduated") with ``field``, ``scheme``, ``k``, ``cmap``, ``label_field``,
        ``tooltip_fields`` (see jjjmap.model.Style)."""
        layer = self._layer(name)
        merged = {**layer.style.to_dict(), **options}
        try:
            style = Style.from_dict(merged)
        except (TypeError, ValueError) as exc:
            raise MapError(f"{name}: {exc}") from exc
        self.doc.set_style(layer.id, style)
        return self

    def sectors(self, *keys: str) -> "Map":
        """Show only these sectors' clusters (keys as in jjjmap.catalog.SECTORS)."""
        from jjjmap import catalog

        unknown = [k for k in keys if k not in catalog.SECTORS]
        if unknown:
            raise MapError(f"Unknown sector(s) {', '.join(unknown)}; choose from "
                           + ", ".join(catalog.SECTORS) + ".")
        self.doc.set_filter(self._layer("clusters").id, "sector", list(keys) or None)
        return self

    # -- view ---------------------------------------------------------------------------------
    def view(self, lat: float | None = None, lon: float | None = None, zoom: float | None = None,
             *, extent=None) -> "Map":
        """Centre and zoom, or ``extent``: "region", "xiongan", a place name ("保定"), a
        layer id, or (W, S, E, N). The print outputs use the same extent by default."""
        from jjjmap.export.extent import fit_view, resolve_extent

        if extent is not None:
            bounds = resolve_extent(self.doc, extent)
            lat, lon, zoom = fit_view(bounds, (1000, 700))
            self.doc.set_view(lat, lon, zoom)
            self.doc.view.fit = bounds
            self._view_set = False
            return self
        v = self.doc.view
        self._view_set = True
        self.doc.set_view(v.lat if lat is None else float(lat), v.lon if lon is None else float(lon),
                          v.zoom if zoom is None else float(zoom))
        return self

    # -- output -------------------------------------------------------------------------------
    def to_html(self, path, light: bool = False) -> Path:
        """One self-contained page (opens offline), or with ``light`` a small page with
        Leaflet's files in a folder beside it."""
        from jjjmap.export import write_html

        return write_html(self.doc, path, self_contained=not light)

    def _layout(self, size, landscape, dpi, title, subtitle, extent, legend, inset):
        from jjjmap.export.layout import PrintLayout

        if extent is None and not self._view_set:
            extent = self.doc.view.fit if self.doc.view.fit is not None else "region"
        return PrintLayout(size=size, landscape=landscape, dpi=dpi, title=title,
                           subtitle=subtitle, extent=extent, legend=legend, inset=inset)

    def to_pdf(self, path, *, size: str = "A4", landscape: bool = False, title: str | None = None,
               subtitle: str | None = None, extent=None, legend: str = "outside",
               inset: bool = False) -> Path:
        """The print layout as a vector PDF (title, legend, scale bar, north arrow, credits)."""
        from jjjmap.ui.printout import write_layout

        layout = self._layout(size, landscape, None, title, subtitle, extent, legend, inset)
        return write_layout(self.doc, layout, path, "pdf")

    def to_png(self, path, *, size: str = "A4", landscape: bool = False, dpi: int | None = None,
               title: str | None = None, subtitle: str | None = None, extent=None,
               legend: str = "outside", inset: bool = False) -> Path:
        """The print layout as a PNG of the page's pixels at ``dpi`` (300 for paper sizes;
        ``size="1600x1000px"`` for an exact picture)."""
        from jjjmap.ui.printout import write_layout

        layout = self._layout(size, landscape, dpi, title, subtitle, extent, legend, inset)
        return write_layout(self.doc, layout, path, "png")

    def _repr_html_(self) -> str:
        """The self-contained page in a sandboxed iframe: scripts run inside it only, with no
        access to the notebook, and nothing but tiles comes from the network."""
        from jjjmap.render import render_html

        page = render_html(self.doc, assets="inline", show_panel=True)
        return (f'<iframe srcdoc="{_html.escape(page, quote=True)}" sandbox="allow-scripts" '
                f'style="width:100%;height:{NOTEBOOK_HEIGHT}px;border:1px solid #ddd" '
                f'title="{_html.escape(self.doc.title, quote=True)}" loading="lazy"></iframe>')

    def __repr__(self) -> str:
        return f"<jjjmap.Map {self.doc.title!r}: {', '.join(self.layers) or 'no layers'}>"
