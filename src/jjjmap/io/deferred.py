"""Coordinates first, attributes after (issue 21): a large point file is drawn before its
attribute columns are read.

At 10M rows the CSV parse of all columns was 5-7 s of the 11-12 s from file to drawn, and
the page needs only the coordinates (pandas reads two columns of the same file in 1.9 s; a
GeoParquet's geometry column alone in 1 s of its 2.6 s). ``open_layer(...,
defer_attributes=True)`` (the app's open) reads a file of at least ``DEFER_ABOVE_BYTES``
that way: its layer's ``PointData`` holds the coordinate columns only (a CSV's x/y columns,
a GeoParquet's none) and ``pending``, a ``DeferredColumns``; ``complete_attributes`` reads
the rest, rows aligned to the points (the rows skipped for their coordinates skipped again),
and returns the whole layer's data, which the app puts in place with
``MapDocument.replace_table``. The command line and the Python API read files whole.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from .cancel import cancellable, checkpoint
from .errors import LayerLoadError, display_name
from .memory import release_arrow_memory

DEFER_ABOVE_BYTES = 64 << 20   # a file from this size: its coordinates first (about 1M rows)
# fewer points than render.pointbin.BINARY_ABOVE: read whole after all (their page is made
# with the layer's fields; a larger layer's page fetches a point's attributes when clicked)
DEFER_MIN_POINTS = 50_000


class DeferredColumns:
    """The attribute columns of a point file not read yet: ``read()`` returns the whole
    attribute frame in the file's column order, one row per point."""

    def __init__(self, path: Path, order: list | None, have: pd.DataFrame,
                 read_rest: Callable, kept: np.ndarray | None, rows: int):
        self.path = path
        self.order = order             # every attribute column in the file's order (None:
                                       # those read with the points, then the rest's)
        self.have = have               # those read with the coordinates (may be none)
        self._read_rest = read_rest    # () -> a frame of the other columns, every row
        self.kept = kept               # rows of the file with a point, None: all
        self.rows = rows               # points

    def read(self) -> pd.DataFrame:
        rest = self._read_rest()
        checkpoint()
        before = self.rows if self.kept is None else len(self.kept)   # the file's rows
        if len(rest) != before:
            raise LayerLoadError(f"{display_name(self.path)} changed while it was read: "
                                 f"{len(rest):,} rows, {before:,} before.", self.path)
        if self.kept is not None:
            rest = rest.loc[self.kept]
        rest = rest.reset_index(drop=True)
        order = self.order if self.order is not None else list(self.have.columns) + [
            c for c in rest.columns if c not in self.have.columns]
        cols = {c: (self.have[c] if c in self.have.columns else rest[c]) for c in order}
        return pd.DataFrame(cols, index=pd.RangeIndex(self.rows), copy=False)


def complete_attributes(data, cancel=None, progress=None):
    """``data`` (a ``PointData`` whose ``pending`` columns are not read yet) with all of
    them: a new PointData, same points. Raises LayerLoadError (LayerLoadCancelled when
    ``cancel()`` said so); ``progress(done, total, unit)`` as ``open_layer``'s."""
    pending = data.pending
    if pending is None:
        return data
    with cancellable(cancel, pending.path, progress):
        try:
            frame = pending.read()
            release_arrow_memory()   # what the read's temporaries left in pyarrow's pool
        except LayerLoadError:
            raise
        except (pd.errors.ParserError, UnicodeDecodeError, ValueError, OSError) as exc:
            raise LayerLoadError(f"The attributes of {display_name(pending.path)} could not be "
                                 f"read: {exc}", pending.path) from exc
    return data.with_frame(frame)


def small_read_whole(points):
    """``points`` as read, or with their pending columns read now when there are too few
    to be worth drawing first (DEFER_MIN_POINTS)."""
    return complete_attributes(points) if len(points) <= DEFER_MIN_POINTS else points


def csv_coordinates(path: Path, encoding, warnings: list[str]):
    """(the points of a large CSV read from its coordinate columns alone, with their other
    columns pending; the encoding), or None when the file is small or has no coordinate
    columns in its header (then it is read whole)."""
    from . import tables

    if Path(path).stat().st_size < DEFER_ABOVE_BYTES:
        return None
    notes: list[str] = []
    layout = tables.csv_layout(path, encoding, notes)
    names = layout[2]
    xy = tables.find_xy(names) if names else None
    if xy is None or len(names) <= 2:
        return None
    warnings.extend(notes)
    # pandas: pyarrow's reader took 4.3-4.5 s over the same two columns in a new process
    # (3.0-3.1 s); low_memory: 2.1 s instead of 2.6 once warm, and a column typed
    # differently in places is coerced to numbers by coordinate_points all the same
    # the names are cleaned and unique already (tables.header_names), as read_csv's columns
    df, enc = tables.read_csv(path, encoding, warnings, layout=layout, usecols=list(xy),
                              low_memory=True)
    points, kept = tables.coordinate_points(df, xy, path, warnings)
    rest = [n for n in names if n not in xy]

    def read_rest() -> pd.DataFrame:
        return tables.read_csv(path, enc, [], layout=layout, usecols=rest)[0]

    return points.pending_columns(DeferredColumns(path, list(names), points.frame, read_rest,
                                                  kept, len(points))), enc


def parquet_pending(path: Path, columns: list, rows: int) -> DeferredColumns:
    """A GeoParquet's ``columns`` (all but its geometry), read when asked, as the whole read
    makes them (a stored pandas index becomes the index again, not a column)."""
    import pyarrow.parquet as pq

    def read_rest() -> pd.DataFrame:
        # split_blocks/self_destruct: each column handed over as it is converted, not the
        # table and its copy side by side (this read overlaps the points' index build)
        return pq.read_table(path, columns=columns).to_pandas(split_blocks=True,
                                                             self_destruct=True)

    return DeferredColumns(path, None, pd.DataFrame(index=pd.RangeIndex(rows)), read_rest,
                           None, rows)


__all__ = ["DEFER_ABOVE_BYTES", "DeferredColumns", "complete_attributes", "csv_coordinates",
           "parquet_pending", "small_read_whole"]
