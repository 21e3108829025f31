"""The one way a user's file reaches GDAL: one driver per sniffed format, and no network.

A stranger's file must not choose how it is read. GDAL normally picks the driver by content,
so a file named ``.kml`` that holds ``<OGRVRTDataSource>`` is opened by the VRT driver, which
reads any local file (and, through SQLite SQL with ``ogr_geocode``, sends it to a URL). A
GeoJSON ``crs`` of type ``link`` (on the collection or on any geometry) makes GDAL fetch the
URL while opening. pyogrio 0.13 has no ``driver=`` / allowed-drivers argument for reading, so
the policy is enforced here, process-wide and before every open:

- ``lock_down()`` deregisters every GDAL driver but the six jjjmap reads and writes
  (``ALLOWED``): no VRT, GML, WFS, OAPIF, WMS-like, HTTP, SQLite, CSV, XLSX, LIBKML ... exist
  in the process. It replaces GDAL's HTTP fetcher (``CPLHTTPSetFetchCallback``) with one that
  refuses every URL without connecting, and sets deny-everything config options (``CONFIG``)
  for the ``/vsicurl`` family and SQLite.
- ``checked(path, fmt)`` refuses paths GDAL would treat as virtual (``/vsi...``, ``scheme://``),
  and asks GDAL (``GDALIdentifyDriverEx``, header only) which driver would open the file: it
  must be exactly the one for the format sniff.py found, or the file is refused unread.

Every pyogrio read of a user file goes through ``list_layers`` / ``read_dataframe`` /
``read_info`` below (readers.py, describe.py). Writes (write.py) use the same lock-down.
"""
from __future__ import annotations

import ctypes
import os
import threading

from .errors import LayerLoadError, display_name

# sniffed format -> the only GDAL driver that may open it
DRIVER_FOR = {"shapefile": "ESRI Shapefile", "geojson": "GeoJSON", "gpkg": "GPKG",
              "kml": "KML", "gpx": "GPX", "fgb": "FlatGeobuf", "geojsonseq": "GeoJSONSeq"}
ALLOWED = frozenset(DRIVER_FOR.values())

# Deny-everything settings; none of them is needed by jjjmap. They are set process-wide (GDAL's
# config is global, and reads run on two worker threads at once, so set-and-restore around a
# read would race) and re-asserted before every user-file read.
CONFIG = {
    # /vsicurl and friends: fetch nothing (no extension matches), list nothing
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".jjjmap-no-network",
    "CPL_VSIL_CURL_ALLOWED_FILENAME": "/jjjmap-no-network",
    "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
    "GDAL_HTTP_MAX_RETRY": "0",
    "GDAL_HTTP_TIMEOUT": "1",
    "GDAL_HTTP_CONNECTTIMEOUT": "1",
    # SQLite / GeoPackage: no extension loading, no virtual OGR tables, no external access
    "OGR_SQLITE_LOAD_EXTENSIONS": "",
    "OGR_SQLITE_ALLOW_EXTERNAL_ACCESS": "NO",
    "OGR_SQLITE_LIST_VIRTUAL_OGR": "NO",
    "OGR_SQLITE_STATIC_VIRTUAL_OGR": "NO",
    "OGR_SQLITE_DIALECT_ALLOW_CREATE_VIRTUAL_TABLE": "NO",
    # GML is deregistered; should it come back, it must not download schemas or resolve links
    "GML_DOWNLOAD_SCHEMA": "NO",
    "GML_SKIP_RESOLVE_ELEMS": "ALL",
    "GDAL_SKIP": "",   # filled in by lock_down (documentation of what was dropped)
}

_GDAL_OF_VECTOR = 0x04
_lock = threading.Lock()
_state: dict = {}

# CPLHTTPResult *cb(const char *url, CSLConstList options, GDALProgressFunc, void *progress_arg,
#                   CPLHTTPFetchWriteFunc, void *write_arg, void *user_data)
_FETCH = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p, ctypes.c_void_p,
                          ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)
refused_urls: list[str] = []   # what GDAL tried to fetch (for tests and --debug); never fetched


class _HTTPResult(ctypes.Structure):
    """GDAL's CPLHTTPResult (cpl_http.h), unchanged since GDAL 1.x."""
    _fields_ = [("nStatus", ctypes.c_int), ("pszContentType", ctypes.c_void_p),
                ("pszErrBuf", ctypes.c_void_p), ("nDataLen", ctypes.c_int),
                ("nDataAlloc", ctypes.c_int), ("pabyData", ctypes.c_void_p),
                ("papszHeaders", ctypes.c_void_p), ("nMimePartCount", ctypes.c_int),
                ("pasMimePart", ctypes.c_void_p)]


@_FETCH
def _refuse_fetch(url, _options, _progress, _progress_arg, _write, _write_arg, _user):
    """Answer every GDAL HTTP request with a failed result, without connecting anywhere.

    (Returning no result would make GDAL fall back to its own curl fetch.) The result is
    allocated by GDAL's allocator, as CPLHTTPDestroyResult frees it."""
    if len(refused_urls) < 100:
        refused_urls.append((url or b"").decode("utf-8", "replace"))
    lib = _state["lib"]
    res = lib.CPLCalloc(1, ctypes.sizeof(_HTTPResult))
    if not res:
        return None
    result = _HTTPResult.from_address(res)
    result.nStatus = 1
    result.pszErrBuf = lib.CPLStrdup(b"jjjmap: network access is disabled while reading files")
    return res


def _gdal_candidates() -> list[str]:
    """Where the GDAL that pyogrio uses can be: its extension module (on ELF/Mach-O, symbol
    lookup through it reaches the GDAL it links), else the library its wheel bundles."""
    import glob

    import pyogrio
    import pyogrio._ogr as ogr

    pkg = os.path.dirname(pyogrio.__file__)
    found = [ogr.__file__]
    for pattern in ("../pyogrio.libs/*gdal*", ".dylibs/*gdal*", "*gdal*.dll",
                    "../pyogrio.libs/*gdal*.dll"):
        found += sorted(glob.glob(os.path.join(pkg, pattern)))
    return found


def _libgdal():
    """GDAL's C API from the very library pyogrio loaded (not a second copy)."""
    lib = None
    for cand in _gdal_candidates():
        try:
            lib = ctypes.CDLL(cand)
            lib.GDALIdentifyDriverEx   # noqa: B018 - raises AttributeError if not reachable
            break
        except (OSError, AttributeError):
            lib = None
    if lib is None:   # fail closed: without the C API no user file is opened through GDAL
        raise LayerLoadError("jjjmap cannot restrict GDAL on this system, so it does not open "
                             "files through it.")
    lib.GDALGetDriverByName.restype = ctypes.c_void_p
    lib.GDALGetDriverByName.argtypes = [ctypes.c_char_p]
    lib.GDALDeregisterDriver.restype = None
    lib.GDALDeregisterDriver.argtypes = [ctypes.c_void_p]
    lib.GDALIdentifyDriverEx.restype = ctypes.c_void_p
    lib.GDALIdentifyDriverEx.argtypes = [ctypes.c_char_p, ctypes.c_uint, ctypes.c_void_p,
                                         ctypes.c_void_p]
    lib.GDALGetDriverShortName.restype = ctypes.c_char_p
    lib.GDALGetDriverShortName.argtypes = [ctypes.c_void_p]
    lib.CPLCalloc.restype = ctypes.c_void_p
    lib.CPLCalloc.argtypes = [ctypes.c_size_t, ctypes.c_size_t]
    lib.CPLStrdup.restype = ctypes.c_void_p
    lib.CPLStrdup.argtypes = [ctypes.c_char_p]
    lib.CPLHTTPSetFetchCallback.restype = None
    lib.CPLHTTPSetFetchCallback.argtypes = [_FETCH, ctypes.c_void_p]
    return lib


def lock_down() -> None:
    """Make the process safe for user files (idempotent, cheap when already done)."""
    import pyogrio

    with _lock:
        lib = _state.get("lib")
        if lib is None:
            lib = _state["lib"] = _libgdal()
            lib.CPLHTTPSetFetchCallback(_refuse_fetch, None)
        extra = [d for d in pyogrio.list_drivers() if d not in ALLOWED]
        for name in extra:
            handle = lib.GDALGetDriverByName(name.encode())
            if handle:
                lib.GDALDeregisterDriver(handle)
        dropped = _state["dropped"] = sorted(set(_state.get("dropped", ())) | set(extra))
        # re-asserted on every call: some other code may have changed GDAL's global config
        pyogrio.set_gdal_config_options({**CONFIG, "GDAL_SKIP": " ".join(
            d for d in dropped if " " not in d)})
        if extra:
            left = set(pyogrio.list_drivers()) - ALLOWED
            if left:   # pragma: no cover - GDAL refused to drop a driver: never read then
                raise RuntimeError(f"GDAL drivers could not be disabled: {sorted(left)}")


def driver_for_file(path) -> str | None:
    """The driver GDAL would open ``path`` with now (header identification only), or None."""
    lock_down()
    handle = _state["lib"].GDALIdentifyDriverEx(os.fsencode(os.fspath(path)), _GDAL_OF_VECTOR,
                                                None, None)
    return _state["lib"].GDALGetDriverShortName(handle).decode() if handle else None


def checked(path, fmt: str, shown=None) -> str:
    """``path`` as the string to give pyogrio, once it is safe to open as ``fmt``."""
    from .sniff import LABELS

    shown = path if shown is None else shown
    text = os.path.abspath(os.fspath(path))   # never a "DRIVER:..." or relative prefix form
    expected = DRIVER_FOR.get(fmt)
    if expected is None:
        raise LayerLoadError(f"{display_name(shown)} is not a format jjjmap reads through "
                             f"GDAL.", shown)
    if text.startswith("/vsi") or "://" in text:
        raise LayerLoadError(f"{display_name(shown)} is not a plain file path; jjjmap does not "
                             f"open virtual or network paths.", shown)
    found = driver_for_file(text)
    if found != expected:
        raise LayerLoadError(
            f"{display_name(shown)} is named and starts like {LABELS[fmt]}, but its content is "
            f"something else that jjjmap does not open (GDAL would read it as "
            f"{found or 'nothing it knows'}).", shown)
    return text


def list_layers(path, fmt: str, shown=None):
    import pyogrio

    return pyogrio.list_layers(checked(path, fmt, shown))


# formats GDAL reads by feature index from disk (a batch does not re-read what came before)
BATCHED_FORMATS = ("shapefile", "gpkg")
BATCH_FEATURES = 50_000


def read_dataframe(path, fmt: str, shown=None, **kwargs):
    """``pyogrio.read_dataframe``; when someone listens for progress (io.cancel.report) and
    the file is large, in batches of ``BATCH_FEATURES`` with a report and a cancel
    checkpoint between them."""
    import pyogrio

    from .cancel import checkpoint, listening, report

    text = checked(path, fmt, shown)
    if not listening() or fmt not in BATCHED_FORMATS or "skip_features" in kwargs:
        return pyogrio.read_dataframe(text, **kwargs)
    info = pyogrio.read_info(text, layer=kwargs.get("layer"), encoding=kwargs.get("encoding"))
    total = int(info.get("features") or 0)
    if total <= 2 * BATCH_FEATURES or not info.get("capabilities", {}).get(
            "fast_set_next_by_index"):
        return pyogrio.read_dataframe(text, **kwargs)
    import pandas as pd

    parts = []
    report(0, total, "features")
    for start in range(0, total, BATCH_FEATURES):
        parts.append(pyogrio.read_dataframe(text, skip_features=start,
                                            max_features=BATCH_FEATURES, **kwargs))
        report(min(start + BATCH_FEATURES, total), total, "features")
        checkpoint()
    return pd.concat(parts, ignore_index=True)


def read_info(path, fmt: str, shown=None, **kwargs) -> dict:
    import pyogrio

    info = pyogrio.read_info(checked(path, fmt, shown), **kwargs)
    if info.get("driver") not in (None, DRIVER_FOR[fmt]):   # belt and braces
        raise LayerLoadError(f"{display_name(shown or path)} was not opened as "
                             f"{DRIVER_FOR[fmt]}; jjjmap does not read it.", shown or path)
    return info
