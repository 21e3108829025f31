"""PostGIS tables, views and SQL queries as layers (Qt-free).

``list_tables(address)`` names every table and view with a geometry or geography column
(schema, table, column, type, SRID, estimated rows). ``open_postgis(uri)`` resolves one layer
and either loads it whole (below ``WHOLE_ROWS`` rows: it then is an ordinary layer, exactly like
one read from a file) or returns a *view-driven* layer whose features stay on the server and
are asked for by view (``io.pgview``).

Identifiers always go through ``psycopg.sql.Identifier`` and values are always parameters; the
only SQL text taken from the user is the query of a query layer, which runs as a sub-query in a
read-only session.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .pgsource import (PgAddress, PostgisError, connect, parse_address, plain_value,
                       query_error, quote_table_name)

# Below this many rows a layer is loaded whole (about 200 MB of memory at most for polygons
# of a few hundred vertices; a million points would take ~1 s to read and draw, but every
# pan would then redraw them all). Above it the layer stays on the server.
WHOLE_ROWS = 200_000
SRID_SAMPLE = 10_000   # rows looked at to find mixed SRIDs in a large layer

_LIST_SQL = """
SELECT g.schema, g.tbl, g.col, g.gtype, g.srid, g.kind, c.relkind, c.reltuples::bigint
FROM (
  SELECT f_table_schema::text AS schema, f_table_name::text AS tbl,
         f_geometry_column::text AS col, type::text AS gtype, srid, 'geometry' AS kind
  FROM geometry_columns
  UNION ALL
  SELECT f_table_schema::text, f_table_name::text, f_geography_column::text, type::text, srid,
         'geography'
  FROM geography_columns
) g
JOIN pg_namespace n ON n.nspname = g.schema
JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = g.tbl
"""


@dataclass(frozen=True)
class TableInfo:
    schema: str
    table: str
    column: str
    geometry_type: str
    srid: int
    kind: str                 # "geometry" or "geography"
    relkind: str              # r table, v view, m materialized view, p partitioned, f foreign
    estimated_rows: int | None

    @property
    def is_view(self) -> bool:
        return self.relkind in ("v", "m")

    def address(self, base: PgAddress) -> str:
        """The layer address of this table on ``base``'s connection (no password)."""
        addr = PgAddress(conninfo=base.conninfo, table=(self.schema, self.table),
                         geometry=self.column)
        return addr.storable()


def list_tables(address: PgAddress | str, conn=None) -> list[TableInfo]:
    """Every table and view with a geometry or geography column, by schema and name."""
    if isinstance(address, str):
        address = parse_address(address, need_layer=False)
    own = conn is None
    conn = conn or connect(address)
    try:
        rows = conn.execute(_LIST_SQL + " ORDER BY 1, 2, 3").fetchall()
    except Exception as exc:  # noqa: BLE001 - psycopg errors, worded for the user
        raise query_error(address, exc, "listing the tables") from None
    finally:
        if own:
            conn.close()
    return [TableInfo(s, t, c, gt or "GEOMETRY", int(srid or 0), k, rk,
                      int(n) if n is not None and n >= 0 else None)
            for s, t, c, gt, srid, k, rk, n in rows]


@dataclass
class Resolved:
    """What a layer address points at, found once when the layer opens."""

    address: PgAddress
    relation: object                 # psycopg.sql.Composable: the FROM item
    column: str                      # geometry or geography column
    kind: str                        # "geometry" | "geography"
    srid: int                        # 0: not stated
    geometry_type: str
    columns: list[str]               # attribute columns (no geometry)
    key: str | None                  # primary key column (identify); None: none usable
    estimated_rows: int | None
    title: str
    warnings: list[str] = field(default_factory=list)
    types: dict[str, str] = field(default_factory=dict)   # column -> SQL type (tables)
    has_ctid: bool = False    # a table (not a view or query): rows found again by ctid

    def geom4326(self, sql):
        """The geometry in WGS-84, transformed on the server where needed."""
        col = sql.Identifier(self.column)
        if self.kind == "geography":
            return sql.SQL("{}::geometry").format(col)
        if self.srid in (0, 4326):
            return sql.SQL("{}").format(col)
        return sql.SQL("ST_Transform({}, 4326)").format(col)


def resolve(address: PgAddress, conn) -> Resolved:
    """Find the relation, its geometry column, SRID, attribute columns and key."""
    from psycopg import sql

    try:
        if address.sql is not None:
            return _resolve_query(address, conn, sql)
        return _resolve_table(address, conn, sql)
    except PostgisError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise query_error(address, exc) from None


def _resolve_table(address: PgAddress, conn, sql) -> Resolved:
    schema, table = address.table
    if schema is None:
        row = conn.execute(
            "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relname = %s AND n.nspname = ANY(current_schemas(false)) "
            "ORDER BY array_position(current_schemas(false), n.nspname) LIMIT 1",
            (table,)).fetchone()
        if row is None:
            raise PostgisError(f"PostGIS {address.display}: there is no table or view named "
                               f"{quote_table_name(None, table)}", None)
        schema = row[0]
    found = [t for t in _tables_named(address, conn, schema, table)]
    name = quote_table_name(schema, table)
    if not found:
        exists = conn.execute(
            "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relname = %s AND n.nspname = %s", (table, schema)).fetchone()
        problem = ("has no geometry or geography column" if exists
                   else "does not exist (or you may not see it)")
        raise PostgisError(f"PostGIS {address.display}: {name} {problem}", None)
    warnings = []
    if address.geometry is not None:
        pick = [t for t in found if t.column == address.geometry]
        if not pick:
            raise PostgisError(f"PostGIS {address.display}: {name} has no geometry column "
                               f"{address.geometry!r}; it has "
                               f"{', '.join(t.column for t in found)}", None)
        info = pick[0]
    else:
        info = found[0]
        if len(found) > 1:
            warnings.append(f"{name} has {len(found)} geometry columns; showing {info.column!r} "
                            f"(add &geometry=COLUMN to the address for another).")
    relation = sql.Identifier(schema, table)
    cols = conn.execute(
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
        "JOIN pg_class c ON c.oid = a.attrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND c.relname = %s AND a.attnum > 0 AND NOT a.attisdropped "
        "AND format_type(a.atttypid, a.atttypmod) !~ '^(geometry|geography)' "
        "ORDER BY a.attnum", (schema, table)).fetchall()
    key = conn.execute(
        "SELECT a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = i.indkey[0] "
        "WHERE n.nspname = %s AND c.relname = %s AND i.indisprimary AND i.indnatts = 1",
        (schema, table)).fetchone()
    estimated = info.estimated_rows
    if estimated is None or estimated == 0:
        # never analysed, or a view: count, but only up to just past the threshold
        estimated = conn.execute(sql.SQL("SELECT count(*) FROM (SELECT 1 FROM {} LIMIT %s) q")
                                 .format(relation), (WHOLE_ROWS + 1,)).fetchone()[0]
    res = Resolved(address=address, relation=relation, column=info.column, kind=info.kind,
                   srid=info.srid, geometry_type=info.geometry_type,
                   columns=[c for c, _ in cols], key=key[0] if key else None,
                   estimated_rows=estimated, title=table, warnings=warnings,
                   types=dict(cols), has_ctid=info.relkind in ("r", "p"))
    _check_srid(res, conn, sql)
    return res


def _tables_named(address, conn, schema, table) -> list[TableInfo]:
    rows = conn.execute(_LIST_SQL + " WHERE g.schema = %s AND g.tbl = %s ORDER BY 3",
                        (schema, table)).fetchall()
    return [TableInfo(s, t, c, gt or "GEOMETRY", int(srid or 0), k, rk,
                      int(n) if n is not None and n >= 0 else None)
            for s, t, c, gt, srid, k, rk, n in rows]


def _resolve_query(address: PgAddress, conn, sql) -> Resolved:
    # the user's own SQL, as a sub-query; its % signs are not our placeholders (every
    # statement with it passes parameters, even none, so %% reaches the server as %)
    relation = sql.SQL("({}) AS jjj_query").format(sql.SQL(address.sql.replace("%", "%%")))
    cur = conn.execute(sql.SQL("SELECT * FROM {} LIMIT 0").format(relation), {})
    types = dict(conn.execute("SELECT oid, typname FROM pg_type "
                              "WHERE typname IN ('geometry', 'geography')").fetchall())
    names = [d.name for d in cur.description]
    geo = [(d.name, types[d.type_code]) for d in cur.description if d.type_code in types]
    if len(set(names)) != len(names):
        raise PostgisError(f"PostGIS {address.display}, SQL query: two result columns have the "
                           f"same name; give them distinct names (AS ...)", None)
    if not geo:
        raise PostgisError(f"PostGIS {address.display}, SQL query: the result has no geometry "
                           f"or geography column", None)
    warnings = []
    if address.geometry is not None:
        pick = [g for g in geo if g[0] == address.geometry]
        if not pick:
            raise PostgisError(f"PostGIS {address.display}, SQL query: no geometry column "
                               f"{address.geometry!r} in the result", None)
        column, kind = pick[0]
    else:
        column, kind = geo[0]
        if len(geo) > 1:
            warnings.append(f"The query returns {len(geo)} geometry columns; showing {column!r}.")
    geo_names = {g[0] for g in geo}
    estimated = conn.execute(sql.SQL("SELECT count(*) FROM (SELECT 1 FROM {} LIMIT %s) q")
                             .format(relation), (WHOLE_ROWS + 1,)).fetchone()[0]
    res = Resolved(address=address, relation=relation, column=column, kind=kind, srid=0,
                   geometry_type="GEOMETRY", columns=[n for n in names if n not in geo_names],
                   key=None, estimated_rows=estimated, title="SQL query", warnings=warnings)
    _check_srid(res, conn, sql, stated=False)
    return res


def _check_srid(res: Resolved, conn, sql, stated: bool = True) -> None:
    """A column without a stated SRID (0) may still hold one, or several: look at the rows."""
    if res.kind == "geography":
        return
    if stated and res.srid != 0:
        return
    limit = SRID_SAMPLE if (res.estimated_rows or 0) > WHOLE_ROWS else WHOLE_ROWS + 1
    found = [s for (s,) in conn.execute(
        sql.SQL("SELECT DISTINCT ST_SRID(g) FROM (SELECT {} AS g FROM {} WHERE {} IS NOT NULL "
                "LIMIT %s) q").format(sql.Identifier(res.column), res.relation,
                                      sql.Identifier(res.column)), (limit,)).fetchall()]
    if len(found) > 1:
        raise PostgisError(
            f"PostGIS {res.address.display}, {res.address.what}: the column {res.column!r} mixes "
            f"SRIDs ({', '.join(str(s) for s in sorted(found))}); a layer needs one. Choose one "
            f"with a query layer (WHERE ST_SRID(...) = ...) or ST_Transform them.", None)
    if found:
        res.srid = int(found[0])


# -- loading whole ------------------------------------------------------------------------

def load_whole(res: Resolved, conn):
    """Every row, as a GeoDataFrame (geometry in WGS-84 where the SRID says so)."""
    import geopandas as gpd
    import pandas as pd
    import shapely
    from psycopg import sql

    cols = [sql.Identifier(c) for c in res.columns]
    query = sql.SQL("SELECT {cols}ST_AsBinary({geom}) FROM {rel}").format(
        cols=sql.SQL("").join(sql.SQL("{}, ").format(c) for c in cols),
        geom=res.geom4326(sql), rel=res.relation)
    try:
        with conn.cursor(binary=True) as cur:
            cur.execute(query, {})
            rows = cur.fetchall()
    except Exception as exc:  # noqa: BLE001
        raise query_error(res.address, exc) from None
    n = len(res.columns)
    data = {c: [plain_value(r[i]) for r in rows] for i, c in enumerate(res.columns)}
    geoms = shapely.from_wkb([r[n] for r in rows], on_invalid="ignore")
    crs = None if res.srid == 0 else "EPSG:4326"
    return gpd.GeoDataFrame(pd.DataFrame(data), geometry=gpd.GeoSeries(geoms, crs=crs), crs=crs)


def open_postgis(uri: str | PgAddress, *, password: str | None = None,
                 whole_rows: int | None = None) -> list:
    """A layer address -> [Layer]: loaded whole if small, else view-driven (``io.pgview``).

    Raises PostgisError (a LayerLoadError) naming the connection and the problem;
    PasswordNeeded when libpq finds no password (ask, then call again with ``password``).
    """
    from jjjmap.model import Layer, Provenance

    from .stages import RawRead, finish

    address = parse_address(uri) if isinstance(uri, str) else uri
    if password is not None:
        address = address.with_password(password)
    limit = WHOLE_ROWS if whole_rows is None else whole_rows
    conn = connect(address)
    try:
        res = resolve(address, conn)
        name = address.storable()
        meta = {"postgis": name, "pg_table": address.what, "pg_rows": res.estimated_rows}
        crs_read = f"EPSG:{res.srid}" if res.srid else ""
        if (res.estimated_rows or 0) <= limit:
            gdf = load_whole(res, conn)
            conn.close()
            conn = None
            raw = RawRead(gdf, "postgis", warnings=list(res.warnings))
            layers = []
            for placed in finish(raw, name, None, None):
                title = res.title + (f" ({placed.family})" if placed.family else "")
                prov = Provenance(format="postgis", crs_read=crs_read, warnings=placed.warnings,
                                  part=placed.family)
                layers.append(Layer(gdf=placed.gdf, title_en=title, kind="vector",
                                    group="custom", source=name, meta=dict(meta),
                                    provenance=prov))
            if not layers:
                raise PostgisError(f"PostGIS {address.display}, {address.what}: no features "
                                   f"to show", None)
            return layers
        from .pgview import ViewSource, empty_frame

        source = ViewSource(res, conn)
        conn = None   # the source owns it now
        meta.update(pg_view=True, pg_source=source)
        prov = Provenance(format="postgis", crs_read=crs_read, warnings=list(res.warnings))
        return [Layer(gdf=empty_frame(res), title_en=res.title, kind="postgis", group="custom",
                      source=name, meta=meta, provenance=prov)]
    finally:
        if conn is not None:
            conn.close()


def describe_postgis(uri: str) -> dict:
    """``jjjmap info`` for an address: the layer's column, type, SRID, rows and fields; with
    no table= or sql=, every geometry table of the database."""
    address = parse_address(uri, need_layer=False)
    conn = connect(address)
    try:
        if address.table is None and address.sql is None:
            tables = list_tables(address, conn)
            return {"path": address.storable(), "format": "postgis", "size_bytes": None,
                    "tables": tables, "layers": []}
        res = resolve(address, conn)
        from psycopg import sql

        ext = conn.execute(sql.SQL("SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM "
                                   "(SELECT ST_Extent({}) AS e FROM {}) q").format(
            res.geom4326(sql), res.relation), {}).fetchone() if (res.estimated_rows or 0) <= WHOLE_ROWS \
            else None
        bounds = tuple(float(v) for v in ext) if ext and ext[0] is not None else None
        mode = ("loaded whole" if (res.estimated_rows or 0) <= WHOLE_ROWS
                else "view-driven (stays on the server)")
        return {"path": address.storable(), "format": "postgis", "size_bytes": None, "layers": [{
            "name": f"{address.what} ({res.column}, {mode})",
            "geometry_type": f"{res.geometry_type} ({res.kind})",
            "feature_count": res.estimated_rows if res.estimated_rows is not None else -1,
            "crs": f"EPSG:{res.srid}" if res.srid else "",
            "crs_name": f"EPSG:{res.srid}" if res.srid else "not stated (SRID 0)",
            "fields": [{"name": c, "type": res.types.get(c, "")} for c in res.columns],
            "bounds": None, "bounds_wgs84": bounds, "encoding": None,
            "warnings": res.warnings + ([f"primary key: {res.key}"] if res.key else []),
        }]}
    finally:
        conn.close()


def format_tables(tables: list[TableInfo]) -> str:
    lines = [f"{'schema':16s} {'table':28s} {'column':16s} {'type':18s} {'SRID':>6s} "
             f"{'est. rows':>12s}"]
    for t in tables:
        rows = f"{t.estimated_rows:,}" if t.estimated_rows is not None else "unknown"
        kind = t.geometry_type + (" (geog.)" if t.kind == "geography" else "")
        view = " (view)" if t.is_view else ""
        lines.append(f"{t.schema:16s} {t.table + view:28s} {t.column:16s} {kind:18s} "
                     f"{t.srid:>6d} {rows:>12s}")
    return "\n".join(lines)



def load_project_entry(entry: dict, project_path, ask_password=None, asked: dict | None = None):
    """The layer a project's ``postgis`` entry names (io.project); None to leave it out.

    The project holds the address without a password; libpq finds one (PGPASSWORD, .pgpass,
    a service file) or ``ask_password(connection)`` is asked, once per connection.
    """
    from .errors import ProjectFileError, display_name
    from .pgsource import PasswordNeeded

    asked = {} if asked is None else asked
    title = entry.get("title") or "?"
    try:
        address = parse_address(str(entry["postgis"]))
        key = ("postgis-password", address.display)
        try:
            layers = open_postgis(address, password=asked.get(key))
        except PasswordNeeded:
            if ask_password is None or asked.get(key):
                raise
            asked[key] = ask_password(address.display)
            if asked[key] is None:
                return None
            layers = open_postgis(address, password=asked[key])
    except PostgisError as exc:
        raise ProjectFileError(f"The project {display_name(project_path)} could not load layer "
                               f"{title!r}: {exc}", project_path) from exc
    part = entry.get("part")
    return next((lyr for lyr in layers if lyr.provenance.part == part), layers[0])
