"""Which character set a file's text is in, when the file does not say.

Chinese shapefiles are very often GBK without a ``.cpg``; GDAL would then guess ISO-8859-1 and
turn every name into mojibake. We look at the raw bytes of the text fields: strict UTF-8 wins
if it decodes, else GB18030 (a superset of GBK and GB2312), else whatever charset-normalizer says.
"""
from __future__ import annotations

import codecs
import re
from pathlib import Path

# .cpg spellings -> Python codec names
_CPG_ALIASES = {
    "utf8": "utf-8", "utf-8": "utf-8", "65001": "utf-8",
    "gbk": "gbk", "cp936": "gbk", "936": "gbk", "gb2312": "gbk", "gb18030": "gb18030",
    "big5": "big5", "950": "big5",
    "88591": "latin-1", "iso88591": "latin-1", "iso-8859-1": "latin-1", "latin1": "latin-1",
    "1252": "cp1252", "ansi 1252": "cp1252", "cp1252": "cp1252",
}


def read_cpg(shp: Path) -> str | None:
    """The encoding declared by the shapefile's .cpg, normalised, or None without one."""
    for cpg in (shp.with_suffix(".cpg"), shp.with_suffix(".CPG")):
        if cpg.exists():
            raw = cpg.read_bytes()[:64].decode("ascii", "ignore").strip()
            if not raw:
                return None
            key = raw.lower().replace("_", "-")
            codec = _CPG_ALIASES.get(key, _CPG_ALIASES.get(key.replace("-", "")))
            if codec is None:
                number = re.search(r"\d{3,5}", key)  # 'ANSI 936', 'CP1252', ...
                codec = _CPG_ALIASES.get(number.group(), f"cp{number.group()}") if number \
                    else raw
            try:
                codecs.lookup(codec)
            except LookupError:
                return None  # an unusable .cpg is as good as none: detect instead
            return codec
    return None


def dbf_text_bytes(dbf: Path, limit: int = 4 << 20) -> bytes:
    """The raw bytes of the character fields of a .dbf (up to ``limit`` bytes of records)."""
    with open(dbf, "rb") as fh:
        header = fh.read(32)
        if len(header) < 32:
            return b""
        header_len = int.from_bytes(header[8:10], "little")
        record_len = int.from_bytes(header[10:12], "little")
        if header_len < 33 or record_len < 1 or header_len > 65535:
            return b""
        descriptors = fh.read(header_len - 32)
        fields = []  # (offset, length) of C fields within a record
        names = []   # field names can be Chinese too
        offset = 1   # deletion flag
        for i in range(0, len(descriptors) - 31, 32):
            d = descriptors[i:i + 32]
            if d[0] == 0x0D:
                break
            ftype, flen = chr(d[11]), d[16]
            names.append(d[:11].split(b"\x00", 1)[0])
            if ftype == "C":
                fields.append((offset, flen))
            offset += flen
        fh.seek(header_len)
        data = fh.read(min(limit, max(record_len, 1) * 200000))
    chunks = list(names)
    for start in range(0, len(data) - record_len + 1, record_len):
        rec = data[start:start + record_len]
        for off, ln in fields:
            chunks.append(rec[off:off + ln].rstrip(b" \x00"))
    return b"\n".join(chunks)


def guess_encoding(raw: bytes) -> tuple[str, bool]:
    """(codec, is_plain_ascii) for a blob of text bytes."""
    try:
        raw.decode("ascii")
        return "utf-8", True
    except UnicodeDecodeError:
        pass
    try:
        raw.decode("utf-8")
        return "utf-8", False
    except UnicodeDecodeError as exc:
        # a multi-byte character cut at the end of the sample is still UTF-8
        if exc.start >= len(raw) - 3:
            try:
                raw[:exc.start].decode("utf-8")
                return "utf-8", False
            except UnicodeDecodeError:
                pass
    try:
        raw.decode("gb18030")
        return "gb18030", False
    except UnicodeDecodeError:
        pass
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(raw[:200000]).best()
        if best is not None and best.encoding:
            return best.encoding, False
    except Exception:  # noqa: BLE001 - a failed guess falls back to a lossless codec
        pass
    return "latin-1", False


def detect_text_file(path: Path, sample: int = 64 << 20) -> tuple[str, bool]:
    """Encoding of a text table; a UTF-8 BOM is honoured and removed ('utf-8-sig')."""
    with open(path, "rb") as fh:
        raw = fh.read(sample)
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig", False
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16", False
    return guess_encoding(raw)


ENCODING_LABELS = {"gb18030": "GB18030/GBK (Chinese)", "gbk": "GBK (Chinese)",
                   "utf-8": "UTF-8", "utf-8-sig": "UTF-8 (with BOM)", "latin-1": "Latin-1"}


def label(codec: str) -> str:
    return ENCODING_LABELS.get(codec.lower(), codec)
