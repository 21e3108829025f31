"""A throwaway PostgreSQL + PostGIS cluster for the tests (a pytest plugin, see conftest.py).

No mocks: ``initdb`` in a temporary folder, ``pg_ctl start`` on a free localhost port with its
unix socket in that folder, ``CREATE EXTENSION postgis`` in a fresh database, stopped at the
end of the session. Host connections need a password (scram-sha-256), so wrong passwords are
real refusals; the tests find the password the libpq way, through ``PGPASSFILE``.

initdb refuses to run as root, so as root the cluster runs as the ``postgres`` user (Debian's
postgresql package creates it). Missing binaries fail the tests in CI (``CI=true``) and skip
them elsewhere.
"""
from __future__ import annotations

import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

DEBIAN_PACKAGES = "postgresql postgresql-15-postgis-3"


def _bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _has_postgis(bindir: Path) -> bool:
    version = bindir.parts[-2]
    return bool(glob.glob(f"/usr/share/postgresql/{version}/extension/postgis.control"))


def missing_reason() -> str | None:
    bindir = _bindir()
    if bindir is None:
        return f"PostgreSQL is not installed (Debian: apt-get install {DEBIAN_PACKAGES})"
    if not _has_postgis(bindir):
        return f"PostGIS is not installed for {bindir} (Debian: apt-get install {DEBIAN_PACKAGES})"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class PgServer:
    bindir: Path
    base: Path          # the temporary folder: data/, the socket, the log, the pgpass file
    port: int
    user: str
    password: str
    dbname: str = "jjjtest"
    host: str = "127.0.0.1"

    @property
    def data(self) -> Path:
        return self.base / "data"

    @property
    def pgpass(self) -> Path:
        return self.base / "pgpass"

    def uri(self, **query: str) -> str:
        """A URI without the password (libpq finds it in PGPASSFILE)."""
        from urllib.parse import urlencode

        q = ("?" + urlencode(query)) if query else ""
        return f"postgresql://{self.user}@{self.host}:{self.port}/{self.dbname}{q}"

    def conninfo(self, dbname: str | None = None) -> str:
        return (f"host={self.host} port={self.port} user={self.user} "
                f"password={self.password} dbname={dbname or self.dbname}")

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = [str(a) for a in args]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, check=check, capture_output=True, text=True, timeout=120)

    def start(self) -> None:
        opts = f"-p {self.port} -k {self.base} -c listen_addresses={self.host} -c fsync=off"
        self._run(self.bindir / "pg_ctl", "-D", self.data, "-o", opts, "-l",
                  self.base / "server.log", "-w", "start")

    def stop(self) -> None:
        self._run(self.bindir / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop",
                  check=False)

    def running(self) -> bool:
        return self._run(self.bindir / "pg_ctl", "-D", self.data, "status", check=False).returncode == 0

    def execute(self, sql: str, params=None, dbname: str | None = None) -> list[tuple]:
        """Run SQL as the superuser (set-up and the tests' own independent checks)."""
        import psycopg

        with psycopg.connect(self.conninfo(dbname), autocommit=True) as conn:
            cur = conn.execute(sql, params)
            return cur.fetchall() if cur.description else []


def _make_server() -> PgServer:
    bindir = _bindir()
    base = Path(tempfile.mkdtemp(prefix="jjjmap-pg-"))
    os.chmod(base, 0o755)
    password = "pw-" + secrets.token_hex(8)
    user = "postgres"
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    else:
        import getpass
        user = getpass.getuser()
    pwfile = base / "pwfile"
    pwfile.write_text(password + "\n")
    if os.geteuid() == 0:
        shutil.chown(pwfile, "postgres", "postgres")
    server = PgServer(bindir=bindir, base=base, port=_free_port(), user=user, password=password)
    server._run(bindir / "initdb", "-D", server.data, "-U", user, "--pwfile", pwfile,
                "--auth-local=scram-sha-256", "--auth-host=scram-sha-256", "-E", "UTF8",
                "--locale=C.UTF-8")
    pwfile.unlink()
    server.pgpass.write_text(f"{server.host}:{server.port}:*:{user}:{password}\n")
    os.chmod(server.pgpass, 0o600)
    for attempt in range(5):
        try:
            server.start()
            break
        except subprocess.CalledProcessError:
            if attempt == 4:
                raise
            server.port = _free_port()   # someone took the port meanwhile
            server.pgpass.write_text(f"{server.host}:{server.port}:*:{user}:{password}\n")
    server.execute(f"CREATE DATABASE {server.dbname}", dbname="postgres")
    server.execute("CREATE EXTENSION postgis")
    return server


@pytest.fixture(scope="session")
def pg_server():
    """The running cluster (session-wide); PGPASSFILE points at its password."""
    reason = missing_reason()
    if reason is not None:
        if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
            pytest.fail(f"postgis tests cannot run in CI: {reason}")
        pytest.skip(reason)
    server = _make_server()
    old = os.environ.get("PGPASSFILE")
    os.environ["PGPASSFILE"] = str(server.pgpass)
    try:
        yield server
    finally:
        if old is None:
            os.environ.pop("PGPASSFILE", None)
        else:
            os.environ["PGPASSFILE"] = old
        server.stop()
        shutil.rmtree(server.base, ignore_errors=True)


# -- test data (invented, except the built-in counties; every generated table says so) ------

POINTS_ROWS = 250_000    # above io.postgis.WHOLE_ROWS: the "large" table is view-driven
HEBEI_BOX = (113.5, 36.0, 119.8, 42.6)   # the generated points' box (lon/lat, WGS-84)


def load_test_data(server: PgServer) -> None:
    """Tables for the tests: the built-in counties, generated points, and the awkward cases."""
    import psycopg
    import shapely

    from jjjmap import catalog

    counties = catalog.load_layer("counties").gdf
    with psycopg.connect(server.conninfo(), autocommit=True) as conn:
        conn.execute("CREATE TABLE counties (gid serial PRIMARY KEY, code text, name_zh text, "
                     "name_en text, level text, parent text, area_km2 double precision, "
                     "geom geometry(MultiPolygon, 4326))")
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO counties (code, name_zh, name_en, level, parent, area_km2, geom) "
                "VALUES (%s, %s, %s, %s, %s, %s, ST_Multi(ST_GeomFromWKB(%s, 4326)))",
                [(r.code, r.name_zh, r.name_en, r.level, r.parent, float(r.area_km2),
                  shapely.to_wkb(r.geometry)) for r in counties.itertuples()])
        w, s, e, n = HEBEI_BOX
        conn.execute(f'''
            SELECT setseed(0.16);
            CREATE TABLE pts (id bigint PRIMARY KEY, name text, value integer,
                              note text DEFAULT 'generated test point, not real data',
                              geom geometry(Point, 4326));
            INSERT INTO pts (id, name, value, geom)
              SELECT i, 'point ' || i, (random() * 1000)::int,
                     ST_SetSRID(ST_MakePoint({w} + random() * {e - w}, {s} + random() * {n - s}), 4326)
              FROM generate_series(1, {POINTS_ROWS}) i;
            CREATE INDEX pts_geom ON pts USING gist (geom);
            ANALYZE pts;
            CREATE VIEW pts_big_values AS SELECT id, value, geom FROM pts WHERE value > 900;
            CREATE SCHEMA other;
            CREATE TABLE other.places_3857 (id serial PRIMARY KEY, label text,
                                            geom geometry(Point, 3857));
            INSERT INTO other.places_3857 (label, geom)
              SELECT 'generated ' || i, ST_Transform(ST_SetSRID(ST_MakePoint(
                       {w} + random() * {e - w}, {s} + random() * {n - s}), 4326), 3857)
              FROM generate_series(1, 500) i;
            CREATE TABLE geog_pts (id serial PRIMARY KEY, label text, geog geography(Point, 4326));
            INSERT INTO geog_pts (label, geog)
              SELECT 'generated ' || i, ST_MakePoint(116 + i * 0.01, 39 + i * 0.005)::geography
              FROM generate_series(1, 40) i;
            CREATE TABLE nosrid (id serial PRIMARY KEY, label text, geom geometry);
            INSERT INTO nosrid (label, geom)
              SELECT 'generated ' || i, ST_MakePoint(115 + i * 0.02, 38 + i * 0.01)
              FROM generate_series(1, 30) i;
            CREATE TABLE nosrid_projected (id serial PRIMARY KEY, geom geometry);
            INSERT INTO nosrid_projected (geom) VALUES (ST_MakePoint(39500000, 4400000));
            CREATE TABLE mixed_srid (id serial PRIMARY KEY, geom geometry);
            INSERT INTO mixed_srid (geom) VALUES (ST_SetSRID(ST_MakePoint(116, 39), 4326)),
                                                 (ST_SetSRID(ST_MakePoint(1.29e7, 4.7e6), 3857));
            CREATE TABLE invalid_polys (id serial PRIMARY KEY, label text,
                                        geom geometry(Polygon, 4326));
            INSERT INTO invalid_polys (label, geom) VALUES
              ('bow-tie, self-intersecting (invented)',
               ST_GeomFromText('POLYGON((116 39, 116.2 39.2, 116.2 39, 116 39.2, 116 39))', 4326)),
              ('valid square (invented)',
               ST_GeomFromText('POLYGON((116.5 39, 116.6 39, 116.6 39.1, 116.5 39.1, 116.5 39))', 4326));
            CREATE SCHEMA "京津冀数据";
            CREATE TABLE "京津冀数据"."weird ""name""" (id serial PRIMARY KEY, "标签" text,
                                                    geom geometry(Point, 4326));
            INSERT INTO "京津冀数据"."weird ""name""" ("标签", geom) VALUES
              ('天安门 (approximate, invented test row)', ST_SetSRID(ST_MakePoint(116.3975, 39.9087), 4326)),
              ('second invented row', ST_SetSRID(ST_MakePoint(117.2, 39.1), 4326));
            ANALYZE;
        ''')


@pytest.fixture(scope="session")
def pg_data(pg_server):
    """The cluster with the test tables loaded (once per session)."""
    load_test_data(pg_server)
    return pg_server
