"""Helpers for the case import tests: real points per kecamatan, valid NIKs, files.

Points are label points of desa in a kecamatan, kept only when the real desa rule
(:func:`geomap.assign.assign_desa`) puts them in that kecamatan, so "a point in
Cileunyi" is one the validation will also put there. Files are written in a
test's ``tmp_path`` in every format the import reads.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from openpyxl import Workbook, load_workbook

from geomap.assign import assign_desa
from tests.conftest import Database

KECAMATAN = "32.04.05"  # Cileunyi
OTHER_KECAMATAN = "32.04.06"  # Cimenyan
HEADER = ["lintang", "bujur", "kategori", "tanggal", "status", "jenis kelamin",
          "kelompok umur", "jumlah anggota keluarga", "catatan", "nama", "NIK", "alamat",
          "telepon"]
YESTERDAY = (date.today() - timedelta(days=1)).isoformat()


def points_in(db: Database, kecamatan: str, n: int) -> list[tuple[float, float]]:
    """``n`` distinct (lon, lat) points the desa rule puts in ``kecamatan``."""
    with db.connect() as conn:
        rows = conn.execute(
            "SELECT ST_X(p), ST_Y(p) FROM (SELECT (ST_Dump(ST_GeneratePoints(geom, %s, 7)))"
            ".geom AS p FROM region WHERE level = 'kecamatan' AND code = %s) s",
            (4 * n, kecamatan)).fetchall()
        lon = np.array([r[0] for r in rows])
        lat = np.array([r[1] for r in rows])
        desa = assign_desa(conn, lon, lat).desa_code
    keep = [(round(x, 6), round(y, 6)) for x, y, d in zip(lon, lat, desa, strict=True)
            if d and d.startswith(kecamatan + ".")]
    assert len(keep) >= n, "not enough points inside the kecamatan"
    return keep[:n]


def nik(kecamatan: str = KECAMATAN, born: str = "120385", serial: int = 1) -> str:
    """A NIK valid in form: region of ``kecamatan``, birth ``DDMMYY``, serial."""
    return kecamatan.replace(".", "") + born + f"{serial:04d}"


def row(point: tuple[float, float], **values: str) -> dict[str, str]:
    """A valid row at ``point`` (lon, lat), with ``values`` replacing fields by header."""
    out = {h: "" for h in HEADER}
    out.update({"lintang": str(point[1]), "bujur": str(point[0]), "kategori": "FM",
                "tanggal": YESTERDAY})
    out.update({k.replace("_", " "): v for k, v in values.items()})
    return out


def write_csv(path: Path, rows: list[dict[str, str]], *, sep: str = ",",
              encoding: str = "utf-8", decimal_comma: bool = False) -> Path:
    """``rows`` as CSV; ``decimal_comma`` writes coordinates as ``-6,93``."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), delimiter=sep,
                            lineterminator="\r\n")
    writer.writeheader()
    for r in rows:
        if decimal_comma:
            r = {**r, "lintang": r["lintang"].replace(".", ","),
                 "bujur": r["bujur"].replace(".", ",")}
        writer.writerow(r)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[dict[str, str]], *, numbers: bool = True) -> Path:
    """``rows`` as XLSX; coordinates as numbers (as people type them) when ``numbers``."""
    book = Workbook()
    sheet = book.active
    sheet.append(list(rows[0]))
    for r in rows:
        values: list[object] = list(r.values())
        if numbers:
            values = [float(v) if k in ("lintang", "bujur") and v else v
                      for k, v in r.items()]
        sheet.append(values)
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:  # text that looks like a formula stays text (a text cell)
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    book.save(path)
    return path


def write_geojson(path: Path, rows: list[dict[str, str]]) -> Path:
    """``rows`` as GeoJSON points (coordinates from lintang/bujur, the rest as properties)."""
    features = []
    for r in rows:
        props = {k: v for k, v in r.items() if k not in ("lintang", "bujur")}
        geometry = ({"type": "Point", "coordinates": [float(r["bujur"]), float(r["lintang"])]}
                    if r["lintang"] and r["bujur"] else None)
        features.append({"type": "Feature", "geometry": geometry, "properties": props})
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}),
                    encoding="utf-8")
    return path


def read_rows(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV, XLSX or GeoJSON file geomap wrote (a rejected file)."""
    if path.suffix == ".xlsx":
        sheet = load_workbook(path, read_only=True).worksheets[0]
        values = [["" if v is None else str(v) for v in r] for r in sheet.iter_rows(
            values_only=True)]
        return [dict(zip(values[0], r, strict=True)) for r in values[1:]]
    if path.suffix == ".geojson":
        doc = json.loads(path.read_text(encoding="utf-8"))
        return [{**f["properties"], "bujur": str(f["geometry"]["coordinates"][0]),
                 "lintang": str(f["geometry"]["coordinates"][1])} for f in doc["features"]]
    text = path.read_bytes().decode("utf-8-sig")
    sep = ";" if text.split("\n")[0].count(";") > text.split("\n")[0].count(",") else ","
    return list(csv.DictReader(io.StringIO(text), delimiter=sep))


def count(db: Database, table: str) -> int:
    return db.scalar(f"SELECT count(*) FROM {table}")
