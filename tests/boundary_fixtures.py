"""Helpers for boundary tests: real wilayah_boundaries rows, read and damaged in tmp_path.

The shared dumps hold one value row per line (``\\t('code','name',lat,lng,'path'),``).
These helpers read those lines with their own simple text handling, deliberately
not through ``geomap.boundaries.wilayah``, so that a test counting or editing rows
does not trust the parser it is testing. Damaged copies are written to a test's
``tmp_path``; nothing from ``../shared`` is ever copied into the repository.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

from tests.conftest import WILAYAH_DB, Database

KEC_32 = WILAYAH_DB / "kec" / "wilayah_boundaries_kec_32.sql"
KEL_3204 = WILAYAH_DB / "kel" / "32" / "wilayah_boundaries_kel_32.04.sql"
INSERT = "INSERT INTO wilayah_boundaries(kode,nama,lat,lng,path) VALUES"

# ('code','name',lat,lng,'path') with '' as an escaped quote; the path holds no quote.
_ROW = re.compile(r"^\s*\('([0-9.]+)','((?:[^']|'')*)',"
                  r"([-0-9.eE]+),([-0-9.eE]+),'([^']*)'\)[,;]?\s*$")


@dataclass(frozen=True)
class Row:
    """One value row of a dump, as text fields."""

    code: str
    name: str  # unescaped
    lat: str
    lng: str
    path: str  # JSON text of [lat, lng] pairs

    def sql(self) -> str:
        name = self.name.replace("'", "''")
        return f"\t('{self.code}','{name}',{self.lat},{self.lng},'{self.path}')"

    def rings(self) -> list:
        """The path as a list of polygons, each a list of rings (depth 3 becomes one polygon)."""
        data = json.loads(self.path)
        return data if isinstance(data[0][0][0], list) else [data]

    def with_path(self, groups: list) -> Row:
        return replace(self, path=json.dumps(groups, separators=(",", ":")))


def value_lines(path: Path) -> list[str]:
    """The value-row lines of a dump: every line that starts (after indent) with ``('``."""
    with open(path, encoding="utf-8") as fh:
        return [line for line in fh if line.lstrip().startswith("('")]


def count_rows(path: Path) -> int:
    return len(value_lines(path))


def read_rows(path: Path) -> list[Row]:
    rows = []
    for line in value_lines(path):
        m = _ROW.match(line)
        assert m, f"unexpected row in {path}: {line[:80]}"
        code, name, lat, lng, geo = m.groups()
        rows.append(Row(code, name.replace("''", "'"), lat, lng, geo))
    return rows


def rows_by_code(path: Path, *wanted: str) -> list[Row]:
    """Rows of ``path`` with exactly these codes, in the order asked."""
    found = {r.code: r for r in read_rows(path)}
    return [found[c] for c in wanted]


def dump_text(rows: list[Row]) -> str:
    """A dump like upstream's: a DELETE, then one INSERT with a row per line.

    Row k (from 1) is on line k + 2.
    """
    return ("DELETE FROM wilayah_boundaries WHERE kode LIKE '32.%';\n" + INSERT + "\n"
            + ",\n".join(r.sql() for r in rows) + ";\n")


def write_dump(directory: Path, name: str, rows: list[Row] | str) -> Path:
    path = directory / name
    path.write_text(rows if isinstance(rows, str) else dump_text(rows), encoding="utf-8")
    return path


def swap_axes(row: Row) -> Row:
    """The row's path written [lng, lat], as a tool that forgot the trap would write it."""
    return row.with_path([[[[lng, lat] for lat, lng in ring] for ring in group]
                          for group in row.rings()])


def renamed(rows: list[Row], suffix: str = " (diubah)") -> list[Row]:
    """The rows with changed names: what a non-atomic import would write before failing."""
    return [replace(r, name=r.name + suffix) for r in rows]


def region_fingerprint(db: Database) -> tuple[dict[str, int], str]:
    """Counts per level and a checksum over every region's code, name, parent and geometry."""
    with db.connect() as conn:
        counts = dict(conn.execute("SELECT level, count(*) FROM region GROUP BY level"))
        digest = conn.execute(
            "SELECT md5(string_agg(code || '|' || name || '|' || COALESCE(parent_code, '') || '|'"
            " || COALESCE(encode(ST_AsEWKB(geom), 'hex'), ''), ',' ORDER BY code))"
            " FROM region").fetchone()[0]
        pieces = conn.execute("SELECT count(*) FROM desa_piece").fetchone()[0]
    return counts, f"{digest}/{pieces}"


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
