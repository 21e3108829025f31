"""Join a table of numbers to a boundary layer, and say how every row was matched.

``match_table`` reads the key of each row (code, Chinese, English or pinyin name, old name of
a renamed district, city column or city prefix for duplicate short names) and returns a
``MatchReport``: matched, matched by a rule (which), ambiguous (with candidates), unmatched,
and features with no row. Nothing is applied until ``apply_join`` is called with the report,
so a dialog or the CLI can show it first; rows are never dropped or guessed in silence.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field

import pandas as pd

from . import keys as K
from .numbers import ColumnNote, is_text, numeric_columns

BUILTIN_TARGETS = ("counties", "prefectures", "provinces", "xiongan")
# header words that say "this column is the parent city / province"
PARENT_HINTS = ("city", "prefecture", "parent", "市", "城市", "地级市", "所属市", "所属地市",
                "地区", "省", "province")


class JoinError(ValueError):
    """The table cannot be joined as asked; the message names the file, column and problem."""


# ---- the target layer ------------------------------------------------------------------

@dataclass
class Target:
    """A polygon layer's features with every form of their keys, ready to look rows up."""
    gdf: object                    # GeoDataFrame (EPSG:4326)
    title: str
    codes: list[str]
    labels: list[str]              # how a feature is named in the report: 桥西区 (石家庄市) 130104
    parents: list[set[str]]        # normalised names / codes of each feature's city and province
    index: dict[str, dict[str, set[int]]] = field(default_factory=dict)
    prefixes: list[tuple[str, str]] = field(default_factory=list)   # (written, parent key)

    def add(self, kind: str, key: str, pos: int) -> None:
        if key:
            self.index.setdefault(kind, {}).setdefault(key, set()).add(pos)

    def get(self, kind: str, key: str) -> set[int]:
        return self.index.get(kind, {}).get(key, set())


def _parent_names() -> dict[str, tuple[str, str]]:
    """code -> (name_zh, name_en) of the built-in prefectures and provinces."""
    from jjjmap import catalog

    out = {}
    for key in ("prefectures", "provinces"):
        gdf = catalog.load_layer(key).gdf
        for code, zh, en in zip(gdf["code"], gdf["name_zh"], gdf["name_en"]):
            out[str(code)] = (str(zh), str(en))
    return out


def parent_keys(value) -> set[str]:
    if K.is_missing(value):
        return set()
    code = K.read_code(value)
    if code is not None:
        return {code.code}
    return {K.zh_short(value)} if K.has_han(value) else {K.en_short(value)}


def build_target(gdf, title: str) -> Target:
    """Index a layer's features by code, names and parents (built-in columns or a user's)."""
    names = _parent_names()
    cols = [c for c in gdf.columns if c != gdf.geometry.name]
    code_col = next((c for c in ("code", "adcode", "CODE", "ADCODE", "代码", "区划代码")
                     if c in cols), None)
    if code_col is None:
        code_col = next((c for c in cols if _share(gdf[c], lambda v: K.read_code(v) is not None)
                         >= 0.8), None)
    name_cols = [c for c in cols if c != code_col and is_text(gdf[c])
                 and c not in ("level", "parent", "members", "note", "note_zh")]
    t = Target(gdf=gdf, title=title, codes=[], labels=[], parents=[])
    for pos in range(len(gdf)):
        rec = gdf.iloc[pos]
        raw = rec[code_col] if code_col is not None else None
        code = K.read_code(raw) if raw is not None and not K.is_missing(raw) else None
        code_s = code.code if code else ""
        t.codes.append(code_s)
        t.add("code", code_s, pos)
        zh_name = ""
        for col in name_cols:
            value = rec[col]
            if K.is_missing(value):
                continue
            if K.has_han(value):
                zh_name = zh_name or K.zh_full(value)
                t.add("zh", K.zh_full(value), pos)
                t.add("zh_short", K.zh_short(value), pos)
            else:
                t.add("en", K.en_full(value), pos)
                t.add("en_short", K.en_short(value), pos)
        chain = []
        if code_s:
            for parent in (code_s[:4] + "00", code_s[:2] + "0000"):
                if parent != code_s and parent in names:
                    chain.append(parent)
        par_col = rec.get("parent") if "parent" in cols else None
        if par_col is not None and not K.is_missing(par_col):
            pc = K.read_code(par_col)
            if pc is not None and pc.code in names and pc.code not in chain:
                chain.insert(0, pc.code)
        keys_ = set()
        for parent in chain:
            zh, en = names[parent]
            keys_ |= {parent, K.zh_short(zh), K.en_short(en)}
        t.parents.append(keys_)
        city = names[chain[0]][0] if chain and chain[0] != code_s[:2] + "0000" else ""
        label = zh_name or (str(rec[name_cols[0]]) if name_cols else f"feature {pos + 1}")
        t.labels.append(label + (f" ({city})" if city else "") + (f" {code_s}" if code_s else ""))
    # "河北省石家庄市桥西区": the parents' names written in front of the key
    seen = set()
    for zh, _en in names.values():
        for written in (K.zh_full(zh), K.zh_short(zh)):
            if written and written not in seen:
                seen.add(written)
                t.prefixes.append((written, K.zh_short(zh)))
    t.prefixes.sort(key=lambda p: -len(p[0]))
    for entry in K.RENAMES:
        hits = [t.codes.index(c) for c in entry.new_codes if c in t.codes]
        if not hits:
            continue
        for h in hits:
            t.add("old_code", entry.old_code, h)
    return t


def _share(series, test) -> float:
    filled = [v for v in series if not K.is_missing(v)]
    return sum(1 for v in filled if test(v)) / len(filled) if filled else 0.0


def load_target(to: str, *, layer_title: str | None = None):
    """'counties' | 'prefectures' | 'provinces' | 'xiongan' | a polygon file -> Layer."""
    from jjjmap import catalog

    if to in BUILTIN_TARGETS:
        return catalog.load_layer(to)
    from jjjmap.io.readers import open_layer

    layers = [lyr for lyr in open_layer(to)
              if set(lyr.gdf.geom_type.dropna()) <= {"Polygon", "MultiPolygon"}]
    if not layers:
        raise JoinError(f"'{to}' holds no polygon layer to join a table to (use counties, "
                        f"prefectures, provinces, xiongan or a polygon file).")
    return layers[0]


# ---- matching --------------------------------------------------------------------------

@dataclass
class RowMatch:
    row: int                    # 1-based data row of the table
    key: str                    # the key cell as written
    parent: str = ""            # the city cell (or the city written in front of the key)
    status: str = "unmatched"   # matched | rule | manual | ambiguous | unmatched | conflict
    feature: int | None = None  # position in the target layer
    rule: str = ""
    candidates: list[int] = field(default_factory=list)
    reason: str = ""

    @property
    def applied(self) -> bool:
        return self.status in ("matched", "rule", "manual")


@dataclass
class MatchReport:
    table: str
    target: Target
    key_column: str
    parent_column: str | None
    rows: list[RowMatch]
    notes: list[ColumnNote] = field(default_factory=list)
    sheet: str | None = None

    def of(self, status: str) -> list[RowMatch]:
        return [r for r in self.rows if r.status == status]

    @property
    def features_without_row(self) -> list[int]:
        used = {r.feature for r in self.rows if r.applied}
        return [i for i in range(len(self.target.codes)) if i not in used]

    @property
    def complete(self) -> bool:
        """Every row found its one feature (features without a row are fine)."""
        return all(r.applied for r in self.rows)

    def summary(self) -> dict[str, int]:
        out = {s: len(self.of(s)) for s in ("matched", "rule", "manual", "ambiguous",
                                             "unmatched", "conflict")}
        out["features_without_row"] = len(self.features_without_row)
        return out

    def lines(self, limit: int = 40) -> list[str]:
        t = self.target
        s = self.summary()
        head = (f"Match report: {self.table}" + (f" (sheet {self.sheet!r})" if self.sheet else "")
                + f", key column {self.key_column!r}"
                + (f", city column {self.parent_column!r}" if self.parent_column else "")
                + f" -> {t.title} ({len(t.codes)} features)")
        out = [head,
               f"  {len(self.rows)} rows: {s['matched']} matched, {s['rule']} matched by a rule, "
               f"{s['manual']} fixed by hand, {s['ambiguous']} ambiguous, {s['unmatched']} "
               f"unmatched, {s['conflict']} in conflict; {s['features_without_row']} features "
               f"have no row"]
        for status, title in (("rule", "matched by a rule"), ("manual", "fixed by hand"),
                              ("ambiguous", "ambiguous (not applied)"),
                              ("unmatched", "unmatched (not applied)"),
                              ("conflict", "in conflict (not applied)")):
            rows = self.of(status)
            if not rows:
                continue
            out.append(f"  {title}:")
            for r in rows[:limit]:
                out.append("    " + self.describe(r))
            if len(rows) > limit:
                out.append(f"    ... and {len(rows) - limit} more")
        missing = self.features_without_row
        if missing and len(missing) < len(t.codes):
            shown = ", ".join(t.labels[i] for i in missing[:limit])
            more = f" and {len(missing) - limit} more" if len(missing) > limit else ""
            out.append(f"  features with no row: {shown}{more}")
        for note in self.notes:
            out.append(f"  {'problem' if note.problem else 'note'}: {note.text}")
        return out

    def describe(self, r: RowMatch) -> str:
        t = self.target
        where = f"row {r.row} {r.key!r}" + (f" ({r.parent})" if r.parent else "")
        if r.applied and r.feature is None:
            return f"{where}: {r.rule}"
        if r.applied:
            return f"{where} -> {t.labels[r.feature]}" + (f": {r.rule}" if r.rule else "")
        if r.candidates:
            cands = " | ".join(t.labels[i] for i in r.candidates)
            return f"{where}: {r.reason}; candidates: {cands}"
        return f"{where}: {r.reason}"


def _rename_rule(entry: K.Rename, t: Target) -> str:
    new = " and ".join(t.labels[t.codes.index(c)].split(" (")[0] for c in entry.new_codes
                       if c in t.codes)
    old = entry.old_zh + (f" ({entry.old_code})" if entry.old_code else "")
    verb = "was split between" if len(entry.new_codes) > 1 else "is"
    return f"renamed/merged: {old} {verb} {new} since {entry.year} [{entry.source}]"


def _renames(t: Target, test) -> dict[int, str]:
    out: dict[int, str] = {}
    for entry in K.RENAMES:
        if test(entry):
            for c in entry.new_codes:
                if c in t.codes:
                    out.setdefault(t.codes.index(c), _rename_rule(entry, t))
    return out


def _by_code(value, t: Target) -> tuple[dict[int, str], str]:
    code = K.read_code(value)
    if code is None:
        return {}, "not a 6-, 9- or 12-digit administrative code."
    hits = {i: code.rule or "" for i in t.get("code", code.code)}
    if not hits and code.code in K.MUNICIPALITIES:
        other = K.MUNICIPALITIES[code.code]
        hits = {i: f"municipality code {code.code} read as {other}" for i in t.get("code", other)}
    if not hits:
        hits = _renames(t, lambda e: e.old_code == code.code)
        if code.rule:
            hits = {i: f"{code.rule}; {rule}" for i, rule in hits.items()}
    if hits:
        return hits, ""
    if K.outside_region(code.code):
        return {}, f"code {code.code} is outside Beijing, Tianjin and Hebei."
    if len(t.codes) and code.code.endswith("00") and not any(c.endswith("00") for c in t.codes):
        return {}, f"code {code.code} is a city or province, not a feature of this layer."
    return {}, f"no feature has the code {code.code}."


def _by_name(value, t: Target) -> dict[int, str]:
    full, short = K.zh_full(value), K.zh_short(value)
    if K.has_han(value):
        hits = {i: "" for i in t.get("zh", full)}
        for i, rule in _renames(t, lambda e: e.old_zh == full).items():
            hits.setdefault(i, rule)
        if not hits:
            hits = {i: "name without its suffix" for i in t.get("zh_short", short)}
            for i, rule in _renames(t, lambda e: K.zh_short(e.old_zh) == short).items():
                hits.setdefault(i, rule)
        return hits
    ef, es = K.en_full(value), K.en_short(value)
    hits = {i: "English name" for i in t.get("en", ef)}
    if not hits:
        hits = {i: "English/pinyin name" for i in t.get("en_short", es)}
    for i, rule in _renames(t, lambda e: e.old_en == es).items():
        hits.setdefault(i, rule)
    return hits


def _split_prefix(value: str, t: Target) -> tuple[str, str] | None:
    """"石家庄市桥西区" -> ("桥西区", "石家庄"); "河北省石家庄市桥西区" likewise (the city wins)."""
    text, parent = K.zh_full(value), ""
    changed = True
    while changed:
        changed = False
        for written, key in t.prefixes:
            rest = text[len(written):]
            if text.startswith(written) and rest and rest not in K.ZH_SUFFIXES:
                text, parent, changed = rest, key, True
                break
    return (text, parent) if parent else None


def match_row(row: int, value, parent, t: Target) -> RowMatch:
    key = "" if K.is_missing(value) else str(value)
    par = "" if parent is None or K.is_missing(parent) else str(parent)
    m = RowMatch(row=row, key=key, parent=par)
    if not key:
        m.reason = "the key cell is empty."
        return m
    if K.is_total(key):
        m.reason = "a total row, not a place."
        return m
    pkeys = parent_keys(par)
    if K.looks_like_code(value):
        hits, reason = _by_code(value, t)
    else:
        hits, reason = _by_name(value, t), ""
        if not hits and K.has_han(value) and (split := _split_prefix(key, t)):
            rest, written_parent = split
            hits = {i: (rule + "; " if rule else "") + "city written before the name"
                    for i, rule in _by_name(rest, t).items()}
            pkeys = pkeys or {written_parent}
            m.parent = m.parent or written_parent
        if not hits:
            reason = "no feature of this layer has this name (outside the region, or misspelt?)."
    if not hits:
        m.reason = reason
        return m
    if pkeys and len(hits) > 1:
        kept = {i: r for i, r in hits.items() if t.parents[i] & pkeys}
        if not kept:
            m.status, m.candidates = "unmatched", sorted(hits)
            m.reason = f"none of the places named {key!r} is in {par or m.parent!r}"
            return m
        if len(kept) < len(hits):
            hits = {i: (r + "; " if r else "") + "duplicate name told apart by the city"
                    for i, r in kept.items()}
    elif pkeys and len(hits) == 1:
        (only,) = hits
        if t.parents[only] and not (t.parents[only] & pkeys):
            m.status, m.candidates = "unmatched", [only]
            m.reason = f"the only place named {key!r} is not in {par or m.parent!r}"
            return m
    if len(hits) > 1:
        m.status, m.candidates = "ambiguous", sorted(hits)
        m.reason = "several places have this name: add a city column or fix it by hand"
        return m
    ((pos, rule),) = hits.items()
    m.feature, m.rule = pos, rule
    m.status = "rule" if rule else "matched"
    return m


def _guess_key(df, t: Target, path: str) -> str:
    best, best_hits = None, 0
    for col in df.columns:
        sample = df[col].head(500)
        hits = sum(1 for i, v in enumerate(sample) if not K.is_missing(v)
                   and match_row(i + 1, v, None, t).status != "unmatched")
        if hits > best_hits:
            best, best_hits = col, hits
    if best is None:
        cols = ", ".join(repr(str(c)) for c in df.columns[:20])
        raise JoinError(f"{path}: no usable key column: none of the columns ({cols}) holds "
                        f"codes or names of {t.title}. Name one with --key.")
    return best


def _guess_parent(df, key: str, t: Target) -> str | None:
    known = set().union(*t.parents) if t.parents else set()
    if not known:
        return None
    for col in df.columns:
        if col == key:
            continue
        name = str(col).strip().lower()
        filled = [v for v in df[col] if not K.is_missing(v)]
        if not filled:
            continue
        share = sum(1 for v in filled if parent_keys(v) & known) / len(filled)
        hinted = any(h in name for h in PARENT_HINTS)
        if share >= 0.9 or (hinted and share >= 0.6):
            return col
    return None


def _check_key_column(df, key: str, path: str) -> None:
    values = [(i, v) for i, v in enumerate(df[key]) if not K.is_missing(v) and not K.is_total(v)]
    codes = [i for i, v in values if K.looks_like_code(v)]
    names = [i for i, v in values if not K.looks_like_code(v)]
    if min(len(codes), len(names)) >= max(2, 0.1 * len(values)):
        raise JoinError(f"{path}: the key column {key!r} mixes codes ({len(codes)} rows) and "
                        f"names ({len(names)} rows, e.g. row {names[0] + 1}); use one kind of "
                        f"key per column, or name the column to use with --key.")


def _check_duplicates(df, key: str, parent: str | None, path: str) -> None:
    seen: dict[tuple, list[int]] = {}
    for i, v in enumerate(df[key]):
        if K.is_missing(v) or K.is_total(v):
            continue
        code = K.read_code(v) if K.looks_like_code(v) else None
        norm = code.code if code else (K.zh_full(v) if K.has_han(v) else K.en_full(v))
        par = df[parent].iloc[i] if parent else None
        pk = tuple(sorted(parent_keys(par))) if par is not None else ()
        seen.setdefault((norm, pk), []).append(i + 1)
    dups = [(k, rows) for k, rows in seen.items() if len(rows) > 1]
    if dups:
        shown = "; ".join(f"{k[0]!r} in rows {', '.join(map(str, rows[:5]))}"
                          for k, rows in dups[:5])
        raise JoinError(f"{path}: the key column {key!r} has duplicate keys ({shown}); one row "
                        f"per place is needed (sum or remove the repeats first).")


def match_table(table, target_layer, *, key: str | None = None, parent: str | None = None,
                fixes: dict[int, str | None] | None = None) -> MatchReport:
    """Match each row of ``table`` (an io.tabledata.Table) to one feature of ``target_layer``.

    ``fixes`` maps a 1-based data row to a feature code chosen by hand (None: leave the row out
    on purpose). Raises JoinError for a table that cannot be joined at all.
    """
    df = table.df
    path = f"'{table.path}'" + (f", sheet {table.sheet!r}" if getattr(table, "sheet", None) else "")
    t = build_target(target_layer.gdf, target_layer.title("en"))
    if key is not None and key not in df.columns:
        raise JoinError(f"{path} has no column {key!r}; its columns are: "
                        f"{', '.join(repr(str(c)) for c in df.columns[:30])}.")
    if parent and parent not in df.columns:
        raise JoinError(f"{path} has no column {parent!r} (the city column).")
    key = key if key is not None else _guess_key(df, t, path)
    _check_key_column(df, key, path)
    # parent: a column, None (guess one) or "" (the table has no city column)
    parent = (parent or None) if parent is not None else _guess_parent(df, key, t)
    _check_duplicates(df, key, parent, path)
    rows = [match_row(i + 1, v, df[parent].iloc[i] if parent else None, t)
            for i, v in enumerate(df[key])]
    for row, code in (fixes or {}).items():
        if not 1 <= row <= len(rows):
            raise JoinError(f"{path}: a manual fix names row {row}, but the table has "
                            f"{len(rows)} data rows.")
        r = rows[row - 1]
        if code is None:
            r.status, r.feature, r.rule = "manual", None, "left out by hand"
            continue
        if str(code) not in t.codes:
            raise JoinError(f"{path}: row {row} was fixed by hand to {code!r}, which is not a "
                            f"feature code of {t.title}.")
        r.status, r.feature, r.rule = "manual", t.codes.index(str(code)), "fixed by hand"
    claimed: dict[int, list[RowMatch]] = {}
    for r in rows:
        if r.applied and r.feature is not None:
            claimed.setdefault(r.feature, []).append(r)
    for pos, rs in claimed.items():
        if len(rs) > 1:
            others = ", ".join(str(x.row) for x in rs)
            for r in rs:
                if r.status == "manual":
                    continue
                r.status, r.candidates, r.feature = "conflict", [pos], None
                r.reason = f"rows {others} all match the same feature"
    _, notes, _ = numeric_columns(df, {key} | ({parent} if parent else set()), path)
    return MatchReport(table=str(table.path), target=t, key_column=str(key),
                       parent_column=None if parent is None else str(parent), rows=rows,
                       notes=notes, sheet=getattr(table, "sheet", None))


# ---- applying --------------------------------------------------------------------------

@dataclass
class JoinResult:
    gdf: object                        # the target's features with the table's columns added
    columns: list[str]                 # the added columns, as named in gdf
    units: dict[str, str]              # column -> unit read from its cells (亿元, %, ...)
    report: MatchReport


def apply_join(table, target_layer, report: MatchReport) -> JoinResult:
    """The target's features (all of them) with the matched rows' columns added.

    Text columns holding numbers become numbers (see analysis.numbers); integer columns stay
    integers; a column named like an existing one gets the suffix "_table".
    """
    df = table.df
    skip = {report.key_column} | ({report.parent_column} if report.parent_column else set())
    skip = {c for c in df.columns if str(c) in skip}
    df, _, units = numeric_columns(df, skip, report.table)
    taken = set(target_layer.gdf.columns)
    names = {}
    for col in df.columns:
        name = str(col)
        while name in taken:
            name += "_table"
        names[col] = name
        taken.add(name)
    applied = [(r.row - 1, r.feature) for r in report.rows if r.applied and r.feature is not None]
    picked = df.iloc[[i for i, _ in applied]].copy()
    picked.index = [pos for _, pos in applied]
    for col in picked.columns:
        if pd.api.types.is_integer_dtype(picked[col]) and not isinstance(picked[col].dtype,
                                                                        pd.Int64Dtype):
            picked[col] = picked[col].astype("Int64")
        if pd.api.types.is_bool_dtype(picked[col]):
            picked[col] = picked[col].astype("boolean")
    gdf = target_layer.gdf.copy()
    positions = pd.RangeIndex(len(gdf))
    for col in picked.columns:
        series = picked[col].reindex(positions)
        gdf[names[col]] = series.to_numpy() if series.dtype == object else series.array
    return JoinResult(gdf=gdf, columns=[names[c] for c in picked.columns],
                      units={names[c]: u for c, u in units.items() if c in names}, report=report)


def joined_layer(result: JoinResult, target_layer, table_path: str):
    """A new Layer (among the user's own, so it can be removed): the target with the table's
    columns, drawn as the target is; meta["join"] says how to redo it."""
    from jjjmap.model import Layer, Style

    rep = result.report
    stem = str(table_path).replace("\\", "/").rsplit("/", 1)[-1]
    kind = target_layer.kind
    meta = dict(target_layer.meta)   # the project stores the join, not the bare built-in
    meta["join"] = {"table": str(table_path), "sheet": rep.sheet, "key": rep.key_column,
                    "parent": rep.parent_column,
                    "to": target_layer.builtin or target_layer.path,
                    "fixes": {str(r.row): (None if r.feature is None else rep.target.codes[r.feature])
                              for r in rep.rows if r.status == "manual"},
                    "units": dict(result.units)}
    style = Style.from_dict(target_layer.style.to_dict())
    return Layer(gdf=result.gdf, title_en=f"{target_layer.title('en')} + {stem}",
                 title_zh=f"{target_layer.title('zh')} + {stem}", kind=kind,
                 group="custom", style=style, path=target_layer.path,
                 source=f"{target_layer.source}; table {table_path}",
                 licence=target_layer.licence, precision=target_layer.precision,
                 level=target_layer.level, provenance=copy.deepcopy(target_layer.provenance),
                 meta=meta)
