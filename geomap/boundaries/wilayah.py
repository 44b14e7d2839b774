"""Reader for the wilayah_boundaries SQL dumps (MySQL-flavoured INSERTs).

Each file holds ``DELETE`` statements and ``INSERT INTO wilayah_boundaries
(kode,nama,lat,lng,path) VALUES (...),(...);``. ``path`` is JSON of
**[latitude, longitude]** pairs: depth 3 is a list of rings, depth 4 a list
of polygons (each a list of rings). The reader is strict: anything it does
not recognise, including a file cut off mid-row, is an error naming the line
and row, so that a damaged download never replaces good boundaries.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from geomap.boundaries.errors import BoundaryError

_SKIP = re.compile(r"(?:\s+|/\*.*?\*/|--[^\n]*\n?|#[^\n]*\n?)*", re.S)
_DELETE = re.compile(r"DELETE\s+FROM\s+`?wilayah_boundaries`?\b(?:[^;']|'[^']*(?:''[^']*)*')*;",
                     re.I)
_INSERT = re.compile(
    r"INSERT\s+INTO\s+`?wilayah_boundaries`?\s*\(\s*`?kode`?\s*,\s*`?nama`?\s*,\s*`?lat`?\s*,"
    r"\s*`?lng`?\s*,\s*`?path`?\s*\)\s*VALUES\s*", re.I)
_STRING = r"'([^']*(?:''[^']*)*)'"
_NUMBER = r"(NULL|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)"
_TUPLE = re.compile(
    rf"\(\s*{_STRING}\s*,\s*{_STRING}\s*,\s*{_NUMBER}\s*,\s*{_NUMBER}\s*,\s*(?:{_STRING}|NULL)\s*\)",
    re.I)
_SEPARATOR = re.compile(r"\s*([,;])")


@dataclass(frozen=True)
class WilayahRow:
    """One row of a dump, as written (path still JSON text)."""

    source: str
    row: int
    line: int
    code: str
    name: str
    lat: float | None
    lng: float | None
    path: str | None

    def rings(self) -> list[list[np.ndarray]]:
        """The path as groups of rings, each an (n, 2) array of [lat, lng] (one group per polygon).

        Depth 3 gives one group holding every ring (which of them are holes is
        decided later, by containment); depth 4 gives one group per polygon.
        """
        if not self.path or not self.path.strip():
            return []
        try:
            data = json.loads(self.path)
        except ValueError as exc:
            raise self.error(f"path bukan JSON yang sah / path is not valid JSON ({exc})") from exc
        depth, probe = 0, data
        while isinstance(probe, list) and probe:
            depth, probe = depth + 1, probe[0]
        if depth == 3:
            groups = [data]
        elif depth == 4:
            groups = data
        else:
            raise self.error(f"path berkedalaman {depth}, seharusnya 3 atau 4 / "
                             f"path has depth {depth}, expected 3 or 4")
        try:
            return [[_ring_array(ring) for ring in group] for group in groups]
        except (TypeError, ValueError) as exc:
            raise self.error("cincin path tidak terbaca / unreadable ring in path") from exc

    def error(self, reason: str) -> BoundaryError:
        return BoundaryError(self.source, reason, row=self.row, line=self.line, code=self.code)


def _ring_array(ring: object) -> np.ndarray:
    """A ring as an (n, 2) float array; anything but a list of number pairs is a ValueError.

    numpy checks the points in C: a Python check per point cost more than the rest of
    reading Jawa Barat together.
    """
    if not isinstance(ring, list):
        raise ValueError("ring is not a list")
    arr = np.asarray(ring)  # ragged lists raise ValueError; strings, null, bool show in dtype
    if arr.ndim != 2 or arr.shape[1] != 2 or arr.dtype.kind not in "if":
        raise ValueError("not a list of [lat, lng] number pairs")
    return arr.astype(np.float64, copy=False)


def _unquote(text: str | None) -> str | None:
    return None if text is None else text.replace("''", "'")


def _number(text: str) -> float | None:
    return None if text.upper() == "NULL" else float(text)


def read_wilayah_sql(path: Path | str, text: str | None = None) -> Iterator[WilayahRow]:
    """Yield the rows of a dump in file order; raise BoundaryError on anything unexpected."""
    source = str(path)
    if text is None:
        raw = Path(path).read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BoundaryError(source, f"bukan UTF-8 / not UTF-8 ({exc})") from exc
    pos, line, row = 0, 1, 0

    def advance(to: int) -> None:
        nonlocal pos, line
        line += text.count("\n", pos, to)
        pos = to

    while True:
        advance(_SKIP.match(text, pos).end())
        if pos >= len(text):
            return
        if m := _DELETE.match(text, pos):
            advance(m.end())
            continue
        m = _INSERT.match(text, pos)
        if not m:
            snippet = text[pos:pos + 40].split("\n")[0]
            raise BoundaryError(
                source, f"pernyataan tak dikenal / unexpected statement: {snippet!r}", line=line)
        advance(m.end())
        while True:
            row += 1
            advance(_SKIP.match(text, pos).end())
            t = _TUPLE.match(text, pos)
            if not t:
                reason = ("berkas terpotong / file is truncated" if "\n" not in text[pos:].strip()
                          or text.find(")", pos) == -1 else
                          "rekord tidak terbaca / unreadable row")
                raise BoundaryError(source, reason, row=row, line=line)
            code, name, lat, lng, path_json = t.groups()
            yield WilayahRow(source, row, line, code, _unquote(name) or "", _number(lat),
                             _number(lng), _unquote(path_json))
            advance(t.end())
            sep = _SEPARATOR.match(text, pos)
            if not sep:
                raise BoundaryError(source, "berkas terpotong / file is truncated"
                                    if pos >= len(text.rstrip()) else
                                    "pemisah rekord tidak terduga / unexpected text after row",
                                    row=row, line=line)
            advance(sep.end())
            if sep.group(1) == ";":
                break
