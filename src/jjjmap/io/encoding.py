"""Which character set a file's text is in, when the file does not say.

Chinese shapefiles are very often GBK without a ``.cpg``; GDAL would then guess ISO-8859-1 and
turn every name into mojibake. Western files are cp1252 or Latin-1, Taiwanese and Hong Kong
ones Big5. The evidence, strongest first: the user's choice, the ``.cpg``, the DBF header's
language driver byte (LDID), then the bytes themselves. GB18030 decodes almost any bytes, so
"it decodes" proves nothing: every candidate that decodes is scored by how plausible its text
is (frequent characters of one script, accents between Latin letters), and a close call is
said in a warning that names the alternative.

Codec names inside jjjmap are Python's (lower case: ``utf-8``, ``gbk``, ``cp1252`` ...);
``gdal_name`` gives the spelling GDAL's ``ENCODING`` option accepts (``latin-1`` is not one).
"""
from __future__ import annotations

import codecs
import re
import threading
from dataclasses import dataclass
from pathlib import Path

# Spellings seen in .cpg files and typed by users (GDAL's, Esri's, iconv's, Python's), keyed
# by their letters and digits only: 'ISO 8859-1', 'iso_8859_1' and '88591' are one key.
_ALIASES = {
    "utf8": "utf-8", "65001": "utf-8", "utf8sig": "utf-8-sig",
    "gbk": "gbk", "cp936": "gbk", "936": "gbk", "ansi936": "gbk", "gb2312": "gbk",
    "euccn": "gbk", "windows936": "gbk", "gb18030": "gb18030", "54936": "gb18030",
    "big5": "big5", "950": "big5", "cp950": "big5", "ansi950": "big5", "big5hkscs": "big5hkscs",
    "88591": "latin-1", "iso88591": "latin-1", "latin1": "latin-1", "l1": "latin-1",
    "28591": "latin-1", "iso885915": "iso8859-15", "885915": "iso8859-15",
    "1252": "cp1252", "ansi1252": "cp1252", "cp1252": "cp1252", "windows1252": "cp1252",
    "ansi": "cp1252", "1250": "cp1250", "1251": "cp1251", "ansi1250": "cp1250",
    "ansi1251": "cp1251", "932": "cp932", "ansi932": "cp932", "shiftjis": "cp932", "sjis": "cp932",
    "949": "cp949", "ansi949": "cp949", "euckr": "cp949", "ascii": "utf-8", "usascii": "utf-8",
}

# Python codec -> the name GDAL (iconv) knows. Everything not listed: Python's upper-cased.
_GDAL_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "latin-1": "ISO-8859-1",
               "iso8859-15": "ISO-8859-15", "gbk": "CP936", "gb18030": "GB18030",
               "big5": "CP950", "big5hkscs": "BIG5-HKSCS", "cp932": "CP932", "cp949": "CP949"}

# DBF language driver IDs (byte 29 of the header) -> code page, as dBASE, Esri and GDAL use
# them. 0 means "not set".
_LDID = {
    0x01: "cp437", 0x02: "cp850", 0x03: "cp1252", 0x08: "cp865", 0x09: "cp437", 0x0A: "cp850",
    0x0B: "cp437", 0x0D: "cp437", 0x0E: "cp850", 0x0F: "cp437", 0x10: "cp850", 0x11: "cp437",
    0x12: "cp850", 0x13: "cp932", 0x14: "cp850", 0x15: "cp437", 0x16: "cp850", 0x17: "cp865",
    0x18: "cp437", 0x19: "cp437", 0x1A: "cp850", 0x1B: "cp437", 0x1C: "cp863", 0x1D: "cp850",
    0x1F: "cp852", 0x22: "cp852", 0x23: "cp852", 0x24: "cp860", 0x25: "cp850", 0x26: "cp866",
    0x37: "cp850", 0x40: "cp852", 0x4D: "gbk", 0x4E: "cp949", 0x4F: "big5", 0x50: "cp874",
    0x57: "cp1252", 0x58: "cp1252", 0x59: "cp1252", 0x64: "cp852", 0x65: "cp866", 0x66: "cp865",
    0x67: "cp861", 0x6A: "cp737", 0x6B: "cp857", 0x6C: "cp863", 0x78: "big5", 0x79: "cp949",
    0x7A: "gbk", 0x7B: "cp932", 0x7C: "cp874", 0x7D: "cp1255", 0x7E: "cp1256", 0x86: "cp737",
    0x87: "cp852", 0x88: "cp857", 0xC8: "cp1250", 0xC9: "cp1251", 0xCA: "cp1254",
    0xCB: "cp1253", 0xCC: "cp1257",
}

ENCODING_LABELS = {"gb18030": "GB18030/GBK (Chinese)", "gbk": "GBK (Chinese)",
                   "big5": "Big5 (Traditional Chinese)", "cp1252": "Windows-1252 (Western)",
                   "utf-8": "UTF-8", "utf-8-sig": "UTF-8 (with BOM)",
                   "latin-1": "Latin-1 (ISO-8859-1)"}

# A close call: the runner-up scores within this much of the winner.
_CLOSE = 0.15
# Below this no candidate reads like text in its script.
_PLAUSIBLE = 0.5
_SAMPLE = 200_000   # bytes of text scored (strict decoding checks all of it)
_FEW = 12           # fewer non-ASCII characters than this: any readable runner-up is named


def _non_ascii(text: str) -> int:
    return sum(1 for ch in text if ch >= "\x80")


def label(codec: str) -> str:
    return ENCODING_LABELS.get(codec.lower(), codec)


def normalise(name: str | None) -> str | None:
    """A Python codec name for any spelling of an encoding, or None if it names none."""
    if name is None:
        return None
    key = re.sub(r"[^0-9a-z]", "", str(name).lower())
    if not key:
        return None
    codec = _ALIASES.get(key)
    iso = re.fullmatch(r"(?:iso)?8859(\d{1,2})", key)
    if codec is None and iso:
        codec = f"iso8859-{iso.group(1)}"
    if codec is None:
        number = re.fullmatch(r"(?:cp|ansi|windows|ibm|oem|dos)?(\d{3,5})", key)
        if number:
            codec = _ALIASES.get(number.group(1), f"cp{number.group(1)}")
        else:
            codec = str(name).strip()
    try:
        found = codecs.lookup(codec).name
    except LookupError:
        return None
    # keep our spellings where we have one, Python's otherwise ('iso8859-5', 'cp1251')
    return codec if codec in _GDAL_NAMES or codec in ENCODING_LABELS else found


def gdal_name(codec: str | None) -> str | None:
    """The spelling of ``codec`` that GDAL's ENCODING option (iconv) accepts."""
    if codec is None:
        return None
    codec = normalise(codec) or codec
    if codec in _GDAL_NAMES:
        return _GDAL_NAMES[codec]
    return codec.upper().replace("ISO8859-", "ISO-8859-")


def read_cpg(shp: Path) -> str | None:
    """The encoding declared by the shapefile's .cpg, normalised, or None without a usable one."""
    for cpg in (shp.with_suffix(".cpg"), shp.with_suffix(".CPG")):
        if cpg.exists():
            return normalise(cpg.read_bytes()[:64].decode("ascii", "ignore").strip())
    return None


def read_ldid(dbf: Path) -> str | None:
    """The code page the DBF header's language driver byte names, or None."""
    try:
        with open(dbf, "rb") as fh:
            header = fh.read(32)
    except OSError:
        return None
    return _LDID.get(header[29]) if len(header) >= 30 else None


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


@dataclass(frozen=True)
class Guess:
    """What the bytes say: the codec, whether the text is plain ASCII, and for a close call
    the runner-up (which the warning names)."""

    codec: str
    ascii_only: bool = False
    alternative: str | None = None
    plausible: bool = True
    score: float = 1.0

    def warning(self, what: str = "No .cpg file says how the text is encoded") -> str | None:
        if self.ascii_only:
            return None
        text = f"{what}; it was detected as {label(self.codec)}."
        if self.alternative:
            text += (f" {label(self.alternative)} reads almost as well: if names look wrong, "
                     f"choose that encoding.")
        elif not self.plausible:
            text += " The text does not read well in any encoding tried: check the names."
        return text


# -- scoring -------------------------------------------------------------------------------
_CJK_PUNCT = set("、。，：；？！（）《》〈〉「」『』【】“”‘’…—·～　")


def _cjk_value(ch: str, simplified: bool) -> float:
    """How usual a Han character is in the script a candidate stands for: the frequent
    (level-1) block of GB2312 or Big5 scores 1, the rest of that standard 0.6, the rest of
    GBK (Traditional characters in a Simplified file) 0.4, anything else 0.1."""
    codec, first, last = ("gb2312", 0xB0, 0xD7) if simplified else ("big5", 0xA4, 0xC6)
    try:
        b = ch.encode(codec)
        return 1.0 if first <= b[0] <= last else 0.6
    except UnicodeEncodeError:
        pass
    if simplified:
        try:
            ch.encode("gbk")
            return 0.4
        except UnicodeEncodeError:
            pass
    return 0.1


def _score_cjk(text: str, simplified: bool) -> float:
    """How much the non-ASCII text reads like Chinese (see _cjk_value); kana, Greek, Cyrillic,
    box drawing, symbols and private use, which a wrong CJK codec produces, score 0."""
    total = good = 0.0
    cache: dict[str, float] = {}
    for ch in text:
        if ch < "\x80":
            continue
        total += 1
        value = cache.get(ch)
        if value is None:
            if ch in _CJK_PUNCT or "\uff01" <= ch <= "\uff5e":
                value = 1.0
            elif "\u4e00" <= ch <= "\u9fff":
                value = _cjk_value(ch, simplified)
            else:
                value = 0.0
            cache[ch] = value
        good += value
    return good / total if total else 0.0


def _score_latin(text: str) -> float:
    """How much the non-ASCII text reads like a Latin-script language: accented letters in
    short runs within words score 1; symbols, controls and long runs of them 0."""
    total = good = 0.0
    run = 0
    for i, ch in enumerate(text):
        if ch < "\x80":
            run = 0
            continue
        total += 1
        run += 1
        if not ch.isalpha() and ch not in "’‘“”–—…€°ºª«»¿¡·":
            continue
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        near_word = before.isalpha() or after.isalpha() or before in " '-\n" or after in " '-\n"
        if run <= 2 and near_word:
            good += 1.0
    return good / total if total else 0.0


_CANDIDATES = (("gb18030", lambda t: _score_cjk(t, True)),
               ("big5", lambda t: _score_cjk(t, False)),
               ("cp1252", _score_latin),
               ("latin-1", _score_latin))


class _Cut(Exception):
    pass


_cuts = threading.local()


def _tail_only(exc: UnicodeDecodeError):
    """Error handler: a multi-byte character cut by a DBF field's width or by the end of
    the sample (its last bytes before a line end) is dropped and counted; anything else
    fails."""
    end, data = exc.end, exc.object
    at_end = end == len(data) or data[end:end + 1] == b"\n"
    if at_end and exc.end - exc.start <= 3:
        _cuts.n = getattr(_cuts, "n", 0) + 1
        return "", end
    raise _Cut


codecs.register_error("jjjmap-tail", _tail_only)


def _strict(raw: bytes, codec: str) -> str | None:
    """``raw`` decoded, or None if it does not decode. A few characters cut at field ends
    are forgiven, but only where more characters decoded whole than were cut: a lone high
    byte is no evidence for a multi-byte codec."""
    try:
        return raw.decode(codec)
    except UnicodeDecodeError:
        pass
    _cuts.n = 0
    try:
        text = raw.decode(codec, errors="jjjmap-tail")
    except (_Cut, UnicodeDecodeError):
        return None
    whole = sum(1 for ch in text if ch >= "\x80")
    return text if whole > _cuts.n else None


def guess(raw: bytes) -> Guess:
    """The most plausible encoding of a blob of text bytes."""
    try:
        raw.decode("ascii")
        return Guess("utf-8", ascii_only=True)
    except UnicodeDecodeError:
        pass
    sample = raw[:_SAMPLE]
    if len(raw) > _SAMPLE and b"\n" in sample:
        sample = sample[:sample.rindex(b"\n")]
    scored = []
    for codec, score in _CANDIDATES:
        if _strict(raw, codec) is None:
            continue
        text = _strict(sample, codec) or ""
        scored.append((score(text), codec))
    utf8 = _strict(raw, "utf-8")
    if utf8 is not None:
        # a few bytes of GBK or Big5 can happen to be valid UTF-8 ('纸薪' in GBK reads as
        # Hebrew and Cyrillic): on so little evidence, name the Chinese reading too
        other = [c for s, c in sorted(scored, key=lambda sc: -sc[0])
                 if c in ("gb18030", "big5") and s >= _PLAUSIBLE]
        few = _non_ascii(utf8) < _FEW
        return Guess("utf-8", alternative=other[0] if few and other else None)
    if not scored:
        return Guess(_charset_normalizer(raw) or "latin-1", plausible=False)
    # stable: on equal scores the earlier candidate (GB18030 first: this is a Chinese app)
    scored.sort(key=lambda sc: -sc[0])
    (best, codec), rest = scored[0], scored[1:]
    runner = next(((s, c) for s, c in rest if not _same_text(codec, c)), None)
    if best < _PLAUSIBLE:
        other = _charset_normalizer(raw)
        if other and other not in (codec,):
            return Guess(codec, alternative=other, plausible=False, score=best)
        return Guess(codec, plausible=False, score=best)
    alternative = runner[1] if runner and best - runner[0] < _CLOSE else None
    if alternative is None and runner and runner[0] >= _PLAUSIBLE \
            and _non_ascii(_strict(sample, codec) or "") < _FEW:
        alternative = runner[1]   # a handful of characters cannot tell two readings apart
    if alternative is None and codec in ("cp1252", "latin-1"):
        # Big5 and GBK trail bytes include ASCII letters, so a few Chinese characters can
        # read as accented capitals ('ÉTÚP'); when a Chinese reading decodes whole and reads
        # well, say so. (Latin text of some length rarely decodes as Big5 or GBK at all.)
        cjk = [(s, c) for s, c in rest if c in ("gb18030", "big5") and s >= _PLAUSIBLE]
        alternative = cjk[0][1] if cjk else None
    return Guess(codec, alternative=alternative, score=best)


def _family(codec: str) -> str:
    return {"gbk": "gb18030"}.get(codec, codec)


def _score_as(text: str, codec: str) -> float:
    """How plausible text decoded with ``codec`` is (codecs we have no scorer for are taken
    at their word)."""
    scorer = dict(_CANDIDATES).get(_family(codec))
    return 1.0 if scorer is None else scorer(text[:_SAMPLE])


def _same_text(a: str, b: str) -> bool:
    # cp1252 and Latin-1 agree on every letter; offering one for the other helps nobody
    return {a, b} == {"cp1252", "latin-1"}


def _charset_normalizer(raw: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(raw[:_SAMPLE]).best()
        return normalise(best.encoding) if best is not None and best.encoding else None
    except Exception:  # noqa: BLE001 - a failed guess falls back to the scored one
        return None


def shapefile_encoding(shp: Path, dbf: Path | None, override: str | None = None
                       ) -> tuple[str, str | None]:
    """(codec, warning or None) for a shapefile's attribute text: the user's choice, else the
    .cpg, else the DBF's language driver byte, else the bytes. The one decision behind both
    ``open_layer`` and ``describe``, so ``info`` reports what opening then gets."""
    if override is not None:
        return override, None
    declared = read_cpg(shp)
    if declared is not None:
        return declared, None
    if dbf is None:
        return "utf-8", None
    raw = dbf_text_bytes(dbf)
    ldid = read_ldid(dbf)
    if ldid is not None:
        text = _strict(raw, ldid)
        found = guess(raw)
        # the header is evidence, not proof: writers stamp a default byte on any text
        if text is not None and (found.ascii_only or _family(found.codec) == _family(ldid)
                                 or found.score - _score_as(text, ldid) < _CLOSE):
            return ldid, None
        return found.codec, (f"The file's header says its text is {label(ldid)}, but it does "
                             f"not read as that; it was detected as {label(found.codec)}.")
    found = guess(raw)
    return found.codec, found.warning()


def detect_text(path: Path, sample: int = 64 << 20) -> Guess:
    """Encoding of a text table; a UTF-8 BOM is honoured and removed ('utf-8-sig')."""
    with open(path, "rb") as fh:
        raw = fh.read(sample)
    if raw.startswith(b"\xef\xbb\xbf"):
        return Guess("utf-8-sig")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Guess("utf-16")
    return guess(raw)
