"""Loading boundary records into PostGIS: atomic, idempotent, with a report.

All rows of an import are staged and checked in one transaction; only when
every row passes are regions inserted or updated. A failure anywhere rolls
back the whole import, so the previous boundaries stay as they were. Rows
identical to what is stored are left alone, so a second import changes nothing.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field

import numpy as np
import psycopg
import shapely

from geomap import codes
from geomap.boundaries.errors import BoundaryError
from geomap.boundaries.overlaps import desa_overlaps
from geomap.boundaries.records import BoundaryRecords
from geomap.sql import sql


@dataclass
class ImportReport:
    """What an import did, for the terminal and for ``boundary_import``."""

    counts: dict[str, int] = field(default_factory=dict)
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    repaired: list[str] = field(default_factory=list)
    overlap_pairs: int = 0
    overlap_km2: float = 0.0
    without_geometry: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        levels = ", ".join(f"{lvl} {self.counts.get(lvl, 0)}" for lvl in codes.LEVELS)
        out = [
            f"Wilayah / regions: {levels}",
            f"Baru / inserted {self.inserted}, diubah / updated {self.updated}, "
            f"tetap / unchanged {self.unchanged}",
            f"Geometri diperbaiki / geometries repaired: {len(self.repaired)}"
            + (f" ({', '.join(self.repaired[:10])}{' ...' if len(self.repaired) > 10 else ''})"
               if self.repaired else ""),
            f"Desa bertumpang tindih / overlapping desa pairs: {self.overlap_pairs}, "
            f"luas bersama / shared area {self.overlap_km2:.3f} km²",
            f"Kode tanpa geometri / codes without a geometry: {len(self.without_geometry)}"
            + (f" ({', '.join(self.without_geometry[:10])})" if self.without_geometry else ""),
        ]
        return out


def _stage(cur: psycopg.Cursor, records: BoundaryRecords) -> None:
    cur.execute(sql("boundaries/stage"))
    ewkb = shapely.to_wkb(shapely.set_srid(records.geom, 4326), hex=True, include_srid=True)
    with cur.copy("COPY boundary_stage (code, level, kind, parent_code, name, label_point, geom,"
                  " source, source_row) FROM STDIN") as copy:
        for i, code in enumerate(records.code):
            lon, lat = records.label_lon[i], records.label_lat[i]
            label = f"SRID=4326;POINT({float(lon)!r} {float(lat)!r})" if lon == lon else None
            copy.write_row((code, codes.level(code), codes.kind(code), codes.parent(code),
                            records.name[i], label,
                            ewkb[i],
                            records.source[i], records.row[i]))


def load(conn: psycopg.Connection, records: BoundaryRecords) -> ImportReport:
    """Write ``records`` in one transaction; raise BoundaryError and write nothing on failure."""
    records.check()
    report = ImportReport()
    is_desa = np.fromiter((codes.level(c) == "desa" for c in records.code), dtype=bool,
                          count=len(records))
    with ThreadPoolExecutor(max_workers=1) as pool, conn.transaction(), conn.cursor() as cur:
        # The overlap report is computed beside the database's work, not after it.
        overlaps = pool.submit(desa_overlaps, records.geom[is_desa])
        cur.execute("SET LOCAL jit = off")  # spatial functions gain nothing from JIT
        _stage(cur, records)
        orphan = cur.execute(sql("boundaries/orphans")).fetchone()
        if orphan:
            code, parent, source, row = orphan
            raise BoundaryError(
                source, f"induk {parent} tidak dikenal / parent {parent} is unknown",
                row=row, code=code)
        changed = cur.execute(sql("boundaries/upsert")).fetchall()
        changed_desa = [c for c, lvl, _ in changed if lvl == "desa"]
        report.inserted = sum(1 for *_, ins in changed if ins)
        report.updated = len(changed) - report.inserted
        report.unchanged = len(records) - len(changed)
        if changed_desa:
            cur.execute(sql("boundaries/pieces"), {"codes": changed_desa})
        report.overlap_pairs, report.overlap_km2 = overlaps.result()
        for code in records.code:
            lvl = codes.level(code)
            report.counts[lvl] = report.counts.get(lvl, 0) + 1
        report.repaired = [c for c, r in zip(records.code, records.repaired, strict=True) if r]
        report.without_geometry = [c for c, g in zip(records.code, records.geom, strict=True)
                                   if g is None]
        cur.execute("INSERT INTO boundary_import (sources, inserted, updated, unchanged, report)"
                    " VALUES (%s, %s, %s, %s, %s)",
                    (sorted(set(records.source)), report.inserted, report.updated,
                     report.unchanged, json.dumps(asdict(report))))
    if changed_desa:
        conn.execute("ANALYZE desa_piece")
    return report


def stats(conn: psycopg.Connection, area: str | None = None) -> dict:
    """``{"levels": {level: {"count": N, "area_km2": X}}}`` for all regions or under ``area``."""
    area = codes.normalise(area) if area else None
    rows = conn.execute(sql("boundaries/stats"), {"area": area}).fetchall()
    found = {lvl: (n, km2, missing) for lvl, n, km2, missing in rows}
    return {"area": area, "levels": {
        lvl: {"count": found.get(lvl, (0, 0.0, 0))[0],
              "area_km2": round(found.get(lvl, (0, 0.0, 0))[1], 3),
              "without_geometry": found.get(lvl, (0, 0.0, 0))[2]}
        for lvl in codes.LEVELS}}
