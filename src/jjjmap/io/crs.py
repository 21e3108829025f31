"""Getting every layer into WGS-84 (EPSG:4326), once, at the edge.

A file without a CRS is only trusted when its numbers look like degrees; projected numbers
without a CRS are refused, with a hint at the likely CGCS2000 Gauss-Kruger zone, because a wrong
guess would put the data in the wrong place without anybody noticing.
"""
from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
from pyproj import CRS
from pyproj.exceptions import CRSError

from jjjmap.model.pointdata import PointData

from .cancel import checkpoint
from .errors import LayerLoadError, MissingCRSError, display_name

WGS84 = CRS.from_epsg(4326)
DATUMS = ("gcj02", "bd09")


def parse_crs(value, path) -> CRS:
    """A user-given CRS ('EPSG:4548', 4548, '4548', WKT, proj string) or a LayerLoadError."""
    if isinstance(value, CRS):
        return value
    text = str(value).strip()
    try:
        return CRS.from_user_input(int(text) if text.isdigit() else text)
    except (CRSError, ValueError, TypeError) as exc:
        raise LayerLoadError(
            f"The coordinate reference system {text!r} given for {display_name(path)} is not "
            f"known. Use an EPSG code such as EPSG:4490 or EPSG:4548.", path) from exc


def crs_label(crs: CRS | None) -> str:
    if crs is None:
        return ""
    epsg = crs.to_epsg(min_confidence=70)
    return f"EPSG:{epsg} ({crs.name})" if epsg else crs.name


# Northings of China's mainland, Hainan to Mohe (about 18 to 54 degrees north), in metres.
_CHINA_NORTHING = (1.9e6, 6.0e6)


def _gk_hint(bounds) -> str:
    """The missing-CRS hint: a CGCS2000 Gauss-Kruger zone only when the false easting and the
    northing fit China, otherwise UTM when the easting looks like one (its zone cannot be
    read from the numbers), else nothing (see suggest_crs)."""
    codes = suggest_crs(bounds)
    if not codes:
        return ""
    first = int(codes[0].split(":")[1])
    if 4513 <= first <= 4533:
        zone = first - 4513 + 25
        return (f" The x values start with {zone}, which suggests CGCS2000 3-degree "
                f"Gauss-Kruger zone {zone}: EPSG:{first}.")
    if 4491 <= first <= 4501:
        zone = first - 4491 + 13
        return (f" The x values start with {zone}, which suggests CGCS2000 6-degree "
                f"Gauss-Kruger zone {zone}: EPSG:{first}.")
    if first == 4548:
        return (" For Beijing/Tianjin/Hebei without a zone prefix this is often CGCS2000 "
                "3-degree Gauss-Kruger CM 117E (EPSG:4548) or CM 114E (EPSG:4547), or UTM "
                "zone 50N (EPSG:32650).")
    return (" The x values look like UTM eastings (around 500,000); the zone is not in "
            "the numbers: UTM zone NN north is EPSG:326NN, south EPSG:327NN.")


def suggest_crs(bounds) -> list[str]:
    """EPSG codes the coordinates fit, likeliest first (the same reading as the hint)."""
    xmin, ymin, xmax, ymax = (float(v) for v in bounds)   # Python floats: inf, no warning
    x, y = (xmin + xmax) / 2, (ymin + ymax) / 2
    if not (math.isfinite(x) and math.isfinite(y)):
        return []
    in_china = _CHINA_NORTHING[0] <= y <= _CHINA_NORTHING[1]
    if in_china and 1e6 <= x < 1e8 and 100e3 <= x % 1e6 <= 900e3:
        zone = int(x // 1e6)
        if 25 <= zone <= 45:
            return [f"EPSG:{4513 + zone - 25}"]
        if 13 <= zone <= 23:
            return [f"EPSG:{4491 + zone - 13}"]
    if 100e3 <= x <= 900e3:
        if in_china:   # the region's own zones first, then the UTM zones over it
            return ["EPSG:4548", "EPSG:4547", "EPSG:32650", "EPSG:32649"]
        if 0 <= y <= 10e6:
            return [f"EPSG:{32600 + z}" for z in range(1, 61)]
    return []


# Systems a user of Chinese data reaches for, offered first in the picker.
COMMON_CRS = (["EPSG:4326", "EPSG:4490", "EPSG:3857"]
              + [f"EPSG:{c}" for c in range(4513, 4534)]     # CGCS2000 3-degree GK zones 25-45
              + [f"EPSG:{c}" for c in range(4534, 4555)]     # ... CM 75E-135E, no zone prefix
              + [f"EPSG:{c}" for c in range(4491, 4502)]     # CGCS2000 6-degree GK zones 13-23
              + [f"EPSG:{c}" for c in range(4502, 4513)]     # ... CM 75E-135E
              + [f"EPSG:{32600 + z}" for z in range(43, 54)]  # UTM 43N-53N (China)
              + ["EPSG:4214", "EPSG:4610"])                   # Beijing 1954, Xian 1980


def crs_catalogue() -> list[tuple[str, str]]:
    """(code, name) of every EPSG CRS PROJ knows: the common ones above first."""
    from pyproj.database import query_crs_info

    names = {f"{i.auth_name}:{i.code}": i.name for i in query_crs_info(auth_name="EPSG")
             if not i.deprecated}
    first = [(c, names[c]) for c in COMMON_CRS if c in names]
    seen = {c for c, _ in first}
    return first + sorted(((c, n) for c, n in names.items() if c not in seen),
                          key=lambda cn: int(cn[0].split(":")[1]))


def landing(bounds, crs) -> tuple[float, float, float, float] | None:
    """Where ``bounds`` in ``crs`` would land in WGS-84 (west, south, east, north), or None."""
    from pyproj import Transformer

    try:
        tr = Transformer.from_crs(CRS.from_user_input(crs), WGS84, always_xy=True)
        out = tuple(float(v) for v in tr.transform_bounds(*bounds))
    except Exception:  # noqa: BLE001 - any CRS PROJ cannot use lands nowhere
        return None
    return out if all(math.isfinite(v) for v in out) else None


def _num(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.6g}"


def looks_geographic(bounds) -> bool:
    xmin, ymin, xmax, ymax = bounds
    return (-180.0 <= xmin <= xmax <= 180.0) and (-90.0 <= ymin <= ymax <= 90.0)


def to_wgs84(gdf: gpd.GeoDataFrame, path, warnings: list[str], crs_override=None,
             named_lonlat: bool = False) -> gpd.GeoDataFrame:
    """Assign or check the CRS, then reproject to EPSG:4326.

    ``named_lonlat``: the coordinates came from columns called longitude/latitude, so values
    outside the lon/lat range are an out-of-range error rather than an unknown projection.
    """
    if crs_override is not None:
        crs = parse_crs(crs_override, path)
        if gdf.crs is not None and not gdf.crs.equals(crs):
            warnings.append(f"The file says its CRS is {crs_label(gdf.crs)}; using "
                            f"{crs_label(crs)} as requested instead.")
        gdf = gdf.set_crs(crs, allow_override=True)
    elif gdf.crs is None:
        bounds = gdf.total_bounds
        if len(gdf) and not looks_geographic(bounds) and named_lonlat:
            check_range(gdf, path)
        if len(gdf) and not looks_geographic(bounds):
            raise MissingCRSError(
                f"{display_name(path)} does not say which coordinate reference system (CRS) it "
                f"uses, and its coordinates (x {_num(bounds[0])} to {_num(bounds[2])}, y "
                f"{_num(bounds[1])} to {_num(bounds[3])}) are not longitude/latitude."
                f"{_gk_hint(bounds)} Choose the CRS in the CRS picker, or pass it on the command "
                f"line with --crs (for example --crs EPSG:4548).", path, bounds,
                suggest_crs(bounds))
        warnings.append("The file does not say which CRS it uses; its coordinates look like "
                        "longitude/latitude, so WGS-84 (EPSG:4326) was assumed.")
        gdf = gdf.set_crs(WGS84)
    if not gdf.crs.equals(WGS84) and gdf.crs.to_epsg() != 4326:
        src = crs_label(gdf.crs)
        try:
            gdf = gdf.to_crs(WGS84, checkpoint) if isinstance(gdf, PointData) else \
                gdf.to_crs(WGS84)
        except LayerLoadError:   # cancelled
            raise
        except Exception as exc:  # pyproj raises several types
            raise LayerLoadError(f"{display_name(path)} could not be reprojected from {src} to "
                                 f"WGS-84: {exc}", path) from exc
        warnings.append(f"Reprojected from {src} to WGS-84 (EPSG:4326).")
    else:
        gdf = gdf.set_crs(WGS84, allow_override=True)
    return gdf


def check_range(gdf: gpd.GeoDataFrame, path, hint: str = "") -> None:
    """Refuse longitudes/latitudes that cannot be on Earth (usually a wrong CRS or swapped columns)."""
    if len(gdf) == 0:
        return
    xmin, ymin, xmax, ymax = gdf.total_bounds
    finite = all(map(math.isfinite, (xmin, ymin, xmax, ymax)))
    if finite and -90 <= xmin <= xmax <= 90 and -180 <= ymin <= ymax <= 180 and (
            ymin < -90 or ymax > 90):
        hint += " The longitude and latitude look swapped."
    if not finite or xmin < -180.0 or xmax > 180.0 or ymin < -90.0 or ymax > 90.0:
        raise LayerLoadError(
            f"The coordinates in {display_name(path)} are out of range for longitude/latitude "
            f"(longitude {_num(xmin)} to {_num(xmax)}, latitude {_num(ymin)} to {_num(ymax)}; "
            f"allowed -180..180 and -90..90).{hint} Check the CRS (the --crs option or the CRS picker) "
            f"and that the x/longitude and y/latitude columns are not swapped.", path)


def apply_datum(gdf: gpd.GeoDataFrame, datum: str | None, path, warnings: list[str]):
    """Undo the GCJ-02 / BD-09 obfuscation of data that was declared to be in it."""
    if datum is None:
        return gdf
    key = str(datum).lower().replace("-", "").replace("_", "")
    if key in ("wgs84", "none", ""):
        return gdf
    if key not in DATUMS:
        raise LayerLoadError(
            f"Unknown datum {datum!r} given for {display_name(path)}; use 'gcj02' (AutoNavi/Gaode, "
            f"Tencent) or 'bd09' (Baidu).", path)
    import shapely

    from jjjmap.geo import datum as datum_mod  # lazy: a sibling module, may load late

    func = datum_mod.gcj02_to_wgs84 if key == "gcj02" else datum_mod.bd09_to_wgs84

    def _convert(coords: np.ndarray) -> np.ndarray:
        lon, lat = func(coords[:, 0], coords[:, 1])
        return np.column_stack([np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)])

    if isinstance(gdf, PointData):   # the arrays themselves
        lon, lat = func(gdf.x, gdf.y)
        gdf = gdf.with_xy(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    else:
        geoms = shapely.transform(np.asarray(gdf.geometry.array, dtype=object), _convert)
        gdf = gdf.set_geometry(gpd.GeoSeries(geoms, index=gdf.index, crs=gdf.crs))
    warnings.append(f"Converted from the {'GCJ-02' if key == 'gcj02' else 'BD-09'} datum to "
                    f"WGS-84 as requested (shifts of a few hundred metres).")
    return gdf
