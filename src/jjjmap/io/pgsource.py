"""PostGIS layer addresses and connections, the libpq way (Qt-free).

A layer address is a libpq URI plus our own three query parameters (the syntax is fixed):

    postgresql://USER@HOST:PORT/DB?table=SCHEMA.TABLE[&geometry=COLUMN]
    postgresql://USER@HOST:PORT/DB?sql=SELECT...            (URL-encoded)
    postgresql:///?service=NAME&table=SCHEMA.TABLE          (pg_service.conf)

``table``, ``geometry`` and ``sql`` are taken out; everything else (host, port, user, dbname,
``service``, ``sslmode``, ...) goes to libpq untouched, so ``PG*`` environment variables,
``pg_service.conf`` and ``~/.pgpass`` work exactly as in psql: we never look a password up
ourselves. A password typed into a URI or a dialog is used for connecting and kept in memory
only: ``display`` and ``storable`` never carry it, and every message is scrubbed of it.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from .errors import LayerLoadError

SCHEMES = ("postgresql", "postgres")
OUR_KEYS = ("table", "geometry", "sql")
STATEMENT_TIMEOUT_MS = 30_000
CONNECT_TIMEOUT_S = 10


class PostgisError(LayerLoadError):
    """A PostGIS layer could not be listed, opened or drawn; the message names the connection
    (never its password) and the problem."""


class PasswordNeeded(PostgisError):
    """libpq found no password for this connection (none in the URI, PGPASSWORD or .pgpass)."""


def is_postgis_uri(text) -> bool:
    return isinstance(text, str) and text.split(":", 1)[0].lower() in SCHEMES and "://" in text


def split_table_name(text: str) -> tuple[str | None, str]:
    r"""'schema.table' -> ('schema', 'table'); a part may be double-quoted as in SQL, with
    "" for a quote inside; no dot: (None, table), found through search_path."""
    parts, i, n = [], 0, len(text)
    while i <= n:
        if i < n and text[i] == '"':
            j, buf = i + 1, []
            while True:
                k = text.find('"', j)
                if k < 0:
                    raise ValueError(f"unbalanced double quote in the table name {text!r}")
                buf.append(text[j:k])
                if k + 1 < n and text[k + 1] == '"':
                    buf.append('"')
                    j = k + 2
                    continue
                break
            parts.append("".join(buf))
            i = k + 1
            if i < n and text[i] != ".":
                raise ValueError(f"unexpected text after a quoted name in {text!r}")
        else:
            k = text.find(".", i)
            k = n if k < 0 or len(parts) >= 1 else k
            parts.append(text[i:k])
            i = k
        if i >= n:
            break
        i += 1   # the dot
    if not parts or any(p == "" for p in parts) or len(parts) > 2:
        raise ValueError(f"{text!r} is not a table name (SCHEMA.TABLE or TABLE)")
    return (None, parts[0]) if len(parts) == 1 else (parts[0], parts[1])


def quote_table_name(schema: str | None, table: str) -> str:
    """The inverse of split_table_name, for building a layer address."""
    def q(s: str) -> str:
        return s if re.fullmatch(r"[^\s.\"]+", s) else '"' + s.replace('"', '""') + '"'
    return q(table) if schema is None else f"{q(schema)}.{q(table)}"


@dataclass(frozen=True)
class PgAddress:
    """A parsed layer address. ``conninfo`` is what libpq gets (it may hold a typed password;
    never show or store it: use ``display`` and ``storable``)."""

    conninfo: str
    table: tuple[str | None, str] | None = None
    sql: str | None = None
    geometry: str | None = None
    password: str | None = field(default=None, repr=False, compare=False)

    @property
    def display(self) -> str:
        """How messages name the connection: user@host:port/db or service=NAME, no password."""
        parts = _conninfo_dict(self.conninfo)
        if parts.get("service") and not parts.get("host"):
            where = f"service={parts['service']}"
            if parts.get("dbname"):
                where += f"/{parts['dbname']}"
        else:
            host = parts.get("host") or "localhost"
            port = parts.get("port")
            where = (f"{parts['user']}@" if parts.get("user") else "") + host
            where += f":{port}" if port else ""
            where += f"/{parts['dbname']}" if parts.get("dbname") else ""
        return where

    @property
    def what(self) -> str:
        """The table or 'query' part of the name."""
        if self.sql is not None:
            return "SQL query"
        schema, table = self.table
        return quote_table_name(schema, table)

    def storable(self) -> str:
        """The layer address without any password: for projects, logs and exports."""
        return _strip_password(self.uri())

    def uri(self) -> str:
        split = urlsplit(self.conninfo)
        query = parse_qsl(split.query, keep_blank_values=True)
        if self.table is not None:
            query.append(("table", quote_table_name(*self.table)))
        if self.sql is not None:
            query.append(("sql", self.sql))
        if self.geometry is not None:
            query.append(("geometry", self.geometry))
        return _unsplit((split.scheme, split.netloc, split.path,
                           urlencode(query, quote_via=quote), ""))

    def with_password(self, password: str | None) -> "PgAddress":
        return replace(self, password=password)

    def scrub(self, text: str) -> str:
        """``text`` with every password this address knows replaced by ***."""
        for secret in (self.password, _conninfo_dict(self.conninfo).get("password")):
            if secret:
                text = text.replace(secret, "***")
        return text


def parse_address(text: str, *, need_layer: bool = True) -> PgAddress:
    """A layer address (see the module docstring) -> PgAddress; PostgisError if malformed."""
    if not is_postgis_uri(text):
        raise PostgisError(f"{_strip_password(str(text))!r} is not a PostGIS address; it starts "
                           f"with postgresql://", None)
    split = urlsplit(text.strip())
    ours: dict[str, str] = {}
    rest = []
    for key, value in parse_qsl(split.query, keep_blank_values=True):
        if key in OUR_KEYS:
            ours[key] = value
        else:
            rest.append((key, value))
    conninfo = _unsplit((split.scheme, split.netloc, split.path,
                           urlencode(rest, quote_via=quote), ""))
    shown = _strip_password(conninfo)
    table = None
    if ours.get("table"):
        try:
            table = split_table_name(ours["table"])
        except ValueError as exc:
            raise PostgisError(f"PostGIS {shown}: {exc}", None) from exc
    sql = ours.get("sql") or None
    if sql is not None:
        sql = sql.strip().rstrip(";").strip()
    if table is not None and sql is not None:
        raise PostgisError(f"PostGIS {shown}: give either table= or sql=, not both", None)
    if need_layer and table is None and sql is None:
        raise PostgisError(f"PostGIS {shown}: say which layer: add ?table=SCHEMA.TABLE or "
                           f"?sql=SELECT... (URL-encoded) to the address", None)
    try:
        _conninfo_dict(conninfo)
    except Exception as exc:  # libpq's parser says what is wrong
        raise PostgisError(f"PostGIS {shown}: the connection part is not valid: "
                           f"{_strip_password(str(exc))}", None) from exc
    return PgAddress(conninfo=conninfo, table=table, sql=sql, geometry=ours.get("geometry") or None)


def _unsplit(parts) -> str:
    """urlunsplit, but keeping the empty host of ``postgresql:///?service=...``."""
    scheme, netloc, path, query, _ = parts
    return f"{scheme}://{netloc}{path}" + (f"?{query}" if query else "")


def _conninfo_dict(conninfo: str) -> dict:
    from psycopg.conninfo import conninfo_to_dict

    return {k: (str(v) if v is not None else None) for k, v in conninfo_to_dict(conninfo).items()}


def _strip_password(uri: str) -> str:
    """A URI with the password taken out of the user part and the query."""
    try:
        split = urlsplit(uri)
    except ValueError:
        return re.sub(r"(//[^:/@]*):[^@/]*@", r"\1@", uri)
    netloc = split.netloc
    if "@" in netloc:
        userinfo, _, hostport = netloc.rpartition("@")
        netloc = userinfo.split(":", 1)[0] + "@" + hostport
    query = [(k, v) for k, v in parse_qsl(split.query, keep_blank_values=True) if k != "password"]
    return _unsplit((split.scheme, netloc, split.path, urlencode(query, quote_via=quote), ""))


# -- connecting -------------------------------------------------------------------------------

def connect(address: PgAddress):
    """A new autocommit, read-only connection with a statement timeout (psycopg 3).

    Only what the user gave is passed: libpq itself applies PG* variables, the service file and
    .pgpass. Read-only: a query layer (possibly from a stranger's project) cannot write.
    """
    import psycopg

    given = _conninfo_dict(address.conninfo)
    kwargs = {"autocommit": True}
    if address.password:
        kwargs["password"] = address.password
    if "connect_timeout" not in given:
        kwargs["connect_timeout"] = CONNECT_TIMEOUT_S
    if "application_name" not in given:
        kwargs["application_name"] = "jjjmap"
    try:
        conn = psycopg.connect(address.conninfo, **kwargs)
    except psycopg.Error as exc:
        raise connection_error(address, exc) from None
    try:
        conn.execute("SELECT set_config('default_transaction_read_only', 'on', false)")
        if "statement_timeout" not in (given.get("options") or ""):
            conn.execute("SELECT set_config('statement_timeout', %s, false)",
                         (str(STATEMENT_TIMEOUT_MS),))
    except psycopg.Error as exc:
        conn.close()
        raise query_error(address, exc) from None
    return conn


_CONNECT_PROBLEMS = (
    (re.compile(r"no password supplied|password is required", re.I),
     "the server asks for a password and none was found (not in the address, PGPASSWORD "
     "or ~/.pgpass)"),
    (re.compile(r'password authentication failed for user "([^"]*)"', re.I),
     "the server refused the password for user {0}"),
    (re.compile(r"""could not translate host name "([^"]*)"|failed to resolve host '([^']*)'""",
                re.I),
     "the host {0} is unknown (check the name and the network)"),
    (re.compile(r"Connection refused|No such file or directory", re.I),
     "no database server answers there (is it running, and is the port right?)"),
    (re.compile(r"timeout expired", re.I), "the server did not answer in time"),
    (re.compile(r'database "([^"]*)" does not exist', re.I), "the database {0} does not exist"),
    (re.compile(r'role "([^"]*)" does not exist', re.I), "the user {0} does not exist"),
    (re.compile(r'definition of service "([^"]*)" not found', re.I),
     "the service {0} is not in pg_service.conf"),
    (re.compile(r"the database system is (starting up|shutting down)", re.I),
     "the database server is {0}"),
)


def connection_error(address: PgAddress, exc: BaseException) -> PostgisError:
    text = " ".join(str(exc).split())
    for pattern, problem in _CONNECT_PROBLEMS:
        m = pattern.search(text)
        if m:
            cls = PasswordNeeded if pattern is _CONNECT_PROBLEMS[0][0] else PostgisError
            found = [g for g in m.groups() if g is not None]
            return cls(address.scrub(f"PostGIS {address.display}: cannot connect: "
                                     + problem.format(*found)), None)
    return PostgisError(address.scrub(f"PostGIS {address.display}: cannot connect: "
                                      f"{_first_line(text)}"), None)


def query_error(address: PgAddress, exc: BaseException, what: str | None = None) -> PostgisError:
    """A failed statement, worded for the user (a dropped table, a syntax error, a timeout,
    a lost connection)."""
    import psycopg
    from psycopg import errors as pe

    what = what or address.what
    head = f"PostGIS {address.display}, {what}: "
    detail = _first_line(getattr(getattr(exc, "diag", None), "message_primary", None) or str(exc))
    if isinstance(exc, pe.UndefinedTable):
        problem = f"the table no longer exists or cannot be seen ({detail})"
    elif isinstance(exc, pe.UndefinedColumn):
        problem = f"a column is missing ({detail})"
    elif isinstance(exc, pe.SyntaxError):
        problem = f"the SQL has a syntax error ({detail})"
    elif isinstance(exc, pe.QueryCanceled):
        if "timeout" in str(exc):
            problem = "the query took longer than the statement timeout"
        else:
            problem = "the query was cancelled"
    elif isinstance(exc, pe.InsufficientPrivilege):
        problem = f"permission denied ({detail})"
    elif isinstance(exc, pe.ReadOnlySqlTransaction):
        problem = "the query tries to change the database; jjjmap only reads"
    elif isinstance(exc, (psycopg.OperationalError, psycopg.InterfaceError)):
        problem = f"the connection to the server was lost ({detail})"
    else:
        problem = detail
    return PostgisError(address.scrub(head + problem), None)


def _first_line(text: str, limit: int = 240) -> str:
    text = " ".join(str(text).strip().splitlines()[0].split()) if str(text).strip() else "unknown error"
    return text if len(text) <= limit else text[:limit] + "…"


def plain_value(value):
    """A database value as pandas and the file writers take it."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if hasattr(value, "isoformat"):
        return value
    return str(value)
