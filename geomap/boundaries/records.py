"""Boundary records from any source, as columns ready for the database.

Two readers fill the same ``BoundaryRecords``: the wilayah_boundaries SQL
dumps, and any vector file GDAL reads (GeoJSON, GeoPackage, Shapefile) with a
field mapping, so that an office can load BIG's or another official release.
Checks that do not need the database happen here: code format, duplicates,
coordinates inside Indonesia.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely

from geomap import codes
from geomap.boundaries.errors import BoundaryError
from geomap.boundaries.geometry import Built, Rings, build_multipolygons, outside_indonesia
from geomap.boundaries.wilayah import WilayahRow, read_wilayah_sql


@dataclass
class BoundaryRecords:
    """Column arrays, one entry per region."""

    code: list[str] = field(default_factory=list)
    name: list[str] = field(default_factory=list)
    source: list[str] = field(default_factory=list)
    row: list[int] = field(default_factory=list)
    label_lon: np.ndarray = field(default_factory=lambda: np.empty(0))
    label_lat: np.ndarray = field(default_factory=lambda: np.empty(0))
    geom: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=object))
    repaired: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=bool))

    def __len__(self) -> int:
        return len(self.code)

    def extend(self, other: BoundaryRecords) -> None:
        self.code += other.code
        self.name += other.name
        self.source += other.source
        self.row += other.row
        self.label_lon = np.concatenate([self.label_lon, other.label_lon])
        self.label_lat = np.concatenate([self.label_lat, other.label_lat])
        self.geom = np.concatenate([self.geom, other.geom])
        self.repaired = np.concatenate([self.repaired, other.repaired])

    def select(self, mask: np.ndarray) -> BoundaryRecords:
        idx = np.flatnonzero(mask)
        return BoundaryRecords(
            [self.code[i] for i in idx], [self.name[i] for i in idx],
            [self.source[i] for i in idx], [self.row[i] for i in idx],
            self.label_lon[idx], self.label_lat[idx], self.geom[idx], self.repaired[idx])

    def within(self, area: str) -> BoundaryRecords:
        """Only the regions in ``area`` and the ones above it (its province, kabupaten)."""
        keep = np.fromiter((codes.contains(area, c) or codes.contains(c, area) for c in self.code),
                           dtype=bool, count=len(self))
        return self.select(keep)

    def error(self, i: int, reason: str) -> BoundaryError:
        return BoundaryError(self.source[i], reason, row=self.row[i], code=self.code[i])

    def check(self) -> None:
        """Codes well-formed and unique; every coordinate inside Indonesia."""
        seen: dict[str, int] = {}
        for i, code in enumerate(self.code):
            if not codes.is_valid(code):
                raise self.error(i, "kode wilayah tidak sah / invalid region code")
            if code in seen:
                j = seen[code]
                raise self.error(i, f"kode ganda, juga di {self.source[j]} rekord {self.row[j]} / "
                                    "duplicate code")
            seen[code] = i
        labels_bad = np.flatnonzero(np.isfinite(self.label_lon)
                                    & outside_indonesia(self.label_lon, self.label_lat))
        if len(labels_bad):
            raise self.error(int(labels_bad[0]), _outside_reason(
                self.label_lon[labels_bad[0]], self.label_lat[labels_bad[0]]))
        present = np.flatnonzero(self.geom != None)  # noqa: E711 - elementwise
        if len(present):
            xy, idx = shapely.get_coordinates(self.geom[present], return_index=True)
            bad = np.flatnonzero(outside_indonesia(xy[:, 0], xy[:, 1]))
            if len(bad):
                raise self.error(int(present[idx[bad[0]]]),
                                 _outside_reason(xy[bad[0], 0], xy[bad[0], 1]))


def _outside_reason(lon: float, lat: float) -> str:
    return (f"koordinat di luar Indonesia (lon {lon:.5f}, lat {lat:.5f}); sumbu tertukar? / "
            "coordinates outside Indonesia (lon 94..142, lat -11..6); axes swapped?")


def from_wilayah_sql(path: Path) -> BoundaryRecords:
    """Read one wilayah_boundaries dump."""
    rows: list[WilayahRow] = list(read_wilayah_sql(path))
    groups = [r.rings() for r in rows]
    rings = Rings.from_latlng_groups(groups)
    bad = rings.first_row_outside_indonesia()
    if bad is not None:
        r = rows[bad]
        raise r.error(_outside_reason(*_first_outside(groups[bad])))
    built: Built = build_multipolygons(rings)
    nan = float("nan")
    return BoundaryRecords(
        [r.code for r in rows], [r.name.strip() for r in rows], [str(path)] * len(rows),
        [r.row for r in rows],
        np.array([nan if r.lng is None else r.lng for r in rows], dtype=float),
        np.array([nan if r.lat is None else r.lat for r in rows], dtype=float),
        built.geoms, built.repaired)


def _first_outside(groups: list) -> tuple[float, float]:
    pts = np.concatenate([np.asarray(ring, dtype=float).reshape(-1, 2)
                          for g in groups for ring in g])
    bad = np.flatnonzero(outside_indonesia(pts[:, 1], pts[:, 0]))[0]
    return float(pts[bad, 1]), float(pts[bad, 0])


@dataclass(frozen=True)
class FieldMapping:
    """Which columns of a vector file hold the code, the name and (optionally) the level."""

    code: str
    name: str
    level: str | None = None


def from_vector(path: Path, mapping: FieldMapping, layer: str | None = None) -> BoundaryRecords:
    """Read a GeoJSON, GeoPackage or Shapefile through GDAL (pyogrio)."""
    import pyogrio

    source = str(path)
    try:
        frame = pyogrio.read_dataframe(path, layer=layer)
    except Exception as exc:  # GDAL's own errors have many types
        raise BoundaryError(source, f"berkas tidak terbaca / unreadable file ({exc})") from exc
    for column in (mapping.code, mapping.name, mapping.level):
        if column and column not in frame.columns:
            raise BoundaryError(source, f"kolom {column!r} tidak ada / no column {column!r}; "
                                        f"ada / there are: {', '.join(map(str, frame.columns))}")
    if frame.crs is None:
        raise BoundaryError(source, "CRS tidak diketahui / the file declares no CRS")
    frame = frame.to_crs(4326)
    rows = list(range(1, len(frame) + 1))
    code_list: list[str] = []
    for i, raw in enumerate(frame[mapping.code].astype(str)):
        try:
            code_list.append(codes.normalise(raw))
        except codes.InvalidCode as exc:
            raise BoundaryError(source, str(exc), row=rows[i], code=raw) from exc
    if mapping.level:
        for i, (code, lvl) in enumerate(zip(code_list, frame[mapping.level].astype(str),
                                            strict=True)):
            if _LEVEL_ALIASES.get(lvl.strip().lower()) != codes.level(code):
                raise BoundaryError(source, f"tingkat {lvl!r} tidak cocok dengan kode / level "
                                            "does not match the code", row=rows[i], code=code)
    geoms = frame.geometry.to_numpy()
    polygonal = np.isin(shapely.get_type_id(geoms), [3, 6]) | shapely.is_missing(geoms)
    if not polygonal.all():
        i = int(np.flatnonzero(~polygonal)[0])
        raise BoundaryError(source, "geometri bukan poligon / geometry is not a polygon",
                            row=rows[i], code=code_list[i])
    valid = shapely.is_valid(geoms) | shapely.is_missing(geoms)
    fixed = geoms.copy()
    fixed[~valid] = shapely.make_valid(geoms[~valid], method="structure", keep_collapsed=False)
    multi = np.full(len(geoms), None, dtype=object)
    parts, idx = shapely.get_parts(fixed, return_index=True)
    keep = shapely.get_type_id(parts) == 3
    if keep.any():
        rows_with, dense = np.unique(idx[keep], return_inverse=True)
        multi[rows_with] = shapely.multipolygons(parts[keep], indices=dense)
    names = frame[mapping.name].fillna("").astype(str).str.strip().tolist()
    return BoundaryRecords(code_list, names, [source] * len(frame), rows,
                           np.full(len(frame), np.nan), np.full(len(frame), np.nan),
                           multi, ~valid)


_LEVEL_ALIASES = {
    "province": "province", "provinsi": "province", "prov": "province", "1": "province",
    "kabupaten": "kabupaten", "kota": "kabupaten", "kab": "kabupaten", "kabkota": "kabupaten",
    "2": "kabupaten", "kecamatan": "kecamatan", "kec": "kecamatan", "3": "kecamatan",
    "desa": "desa", "kelurahan": "desa", "kel": "desa", "desa/kelurahan": "desa", "4": "desa",
}


def read_sources(paths: Iterable[Path], mapping: FieldMapping | None = None,
                 progress: Callable[[Path], None] | None = None) -> BoundaryRecords:
    """Read every source into one set of records: SQL dumps by their suffix, else GDAL."""
    records = BoundaryRecords()
    for path in paths:
        if path.suffix.lower() == ".sql":
            records.extend(from_wilayah_sql(path))
        else:
            if mapping is None:
                raise BoundaryError(str(path), "berkas vektor perlu pemetaan kolom (--code-field, "
                                    "--name-field) / a vector file needs a field mapping")
            records.extend(from_vector(path, mapping))
        if progress:
            progress(path)
    return records
