"""Test helpers for the case web pages and JSON API: points inside a kecamatan, seeded
cases with recognisable personal data, and files in every upload format.

Import the fixtures into a test module (``from tests.cases_fixtures import seeded``).
Points are chosen with the real desa rule (:func:`geomap.assign.assign_desa`), so a point
"in Cileunyi" is one the upload validation will also put in Cileunyi.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pytest
from openpyxl import Workbook

from geomap.assign import assign_desa
from tests.auth_fixtures import KECAMATAN, OTHER_KECAMATAN

# Personal data that must never reach a planner, nor a tksk of another kecamatan.
SECRET_NAME = "Siti Rahasiawati"
SECRET_ADDRESS = "Jl. Tersembunyi No. 77"
SECRET_PHONE = "081299887766"


def points_in(conn, kecamatan: str, n: int = 3) -> list[tuple[float, float]]:
    """``n`` (lon, lat) points that the desa rule puts inside ``kecamatan``."""
    rows = conn.execute(
        "SELECT ST_X(p), ST_Y(p) FROM region r, ST_PointOnSurface(r.geom) p "
        "WHERE r.parent_code = %s AND r.level = 'desa' ORDER BY r.code", (kecamatan,)).fetchall()
    lon, lat = np.array([r[0] for r in rows]), np.array([r[1] for r in rows])
    where = assign_desa(conn, lon, lat, tolerance_m=0)
    ok = [i for i, code in enumerate(where.desa_code)
          if code is not None and code.startswith(kecamatan + ".")]
    assert len(ok) >= n, f"only {len(ok)} usable points in {kecamatan}"
    return [(round(float(lon[i]), 6), round(float(lat[i]), 6)) for i in ok[:n]]


def valid_nik(kecamatan: str, serial: int, female: bool = False) -> str:
    """A NIK registered in ``kecamatan`` (digits of its code), born 1980-05-12."""
    day = 12 + (40 if female else 0)
    return kecamatan.replace(".", "") + f"{day:02d}0580" + f"{serial:04d}"


def case_record(lon: float, lat: float, **extra) -> dict:
    """One case as the JSON API takes it (headers as a file would have them)."""
    record = {"lat": lat, "lon": lon, "kategori": "AT",
              "tanggal": (date.today() - timedelta(days=3)).isoformat(),
              "status": "baru", "jenis_kelamin": "P", "kelompok_umur": "anak",
              "jumlah_anggota_keluarga": 4, "catatan": "dicatat saat kunjungan"}
    record.update(extra)
    return record


def _headers(records: list[dict]) -> list[str]:
    return list(dict.fromkeys(k for r in records for k in r))


def csv_bytes(records: list[dict], delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=_headers(records), delimiter=delimiter)
    writer.writeheader()
    writer.writerows(records)
    return out.getvalue().encode("utf-8")


def xlsx_bytes(records: list[dict]) -> bytes:
    book = Workbook()
    sheet = book.active
    headers = _headers(records)
    sheet.append(headers)
    for r in records:
        sheet.append([r.get(k, "") for k in headers])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def geojson_bytes(records: list[dict]) -> bytes:
    features = [{"type": "Feature",
                 "geometry": {"type": "Point", "coordinates": [r["lon"], r["lat"]]},
                 "properties": {k: v for k, v in r.items() if k not in ("lon", "lat")}}
                for r in records]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


@dataclass(frozen=True)
class Seeded:
    """Cases put in the test database: ``mine`` in Cileunyi (the ``tksk`` user's
    kecamatan), ``other`` in Cimenyan (``tksk_other``'s); ``persons`` (name, NIK,
    address, phone) and ``points`` (lon, lat) in the order of ``mine + other``."""

    mine: list[int]
    other: list[int]
    persons: list[tuple[str, str, str, str]]
    points: list[tuple[float, float]]

    @property
    def niks(self) -> list[str]:
        return [p[1] for p in self.persons]


def _insert(conn, kecamatan: str, serial0: int) -> tuple[list[int], list, list]:
    points = points_in(conn, kecamatan, 2)
    ids, persons = [], []
    for i, (lon, lat) in enumerate(points):
        serial = serial0 + i
        person = (f"{SECRET_NAME} {serial:03d}", valid_nik(kecamatan, serial),
                  f"{SECRET_ADDRESS}/{serial:03d}", f"{SECRET_PHONE[:-3]}{serial:03d}")
        case_id = _insert_one(conn, lon, lat, i)
        conn.execute("INSERT INTO case_person (case_id, name, nik, address, phone) "
                     "VALUES (%s, %s, %s, %s, %s)", (case_id, *person))
        ids.append(case_id)
        persons.append(person)
    return ids, persons, points


def _insert_one(conn, lon: float, lat: float, i: int) -> int:
    desa = assign_desa(conn, np.array([lon]), np.array([lat]), tolerance_m=0).desa_code[0]
    return conn.execute(
        "INSERT INTO pmks_case (category_code, geom, desa_code, recorded_on, notes, fingerprint)"
        " VALUES ('AT', ST_SetSRID(ST_MakePoint(%s, %s), 4326), %s, %s, %s,"
        " uuid_send(gen_random_uuid())) RETURNING id",
        (lon, lat, desa, date(2026, 3, 1 + i), "<script>alert('x')</script> catatan")
    ).fetchone()[0]


@pytest.fixture
def seeded(bandung_db, users) -> Seeded:
    """Two cases with personal data in each of Cileunyi and Cimenyan."""
    with bandung_db.connect() as conn:
        mine, persons_a, pts_a = _insert(conn, KECAMATAN, 1)
        other, persons_b, pts_b = _insert(conn, OTHER_KECAMATAN, 11)
    return Seeded(mine, other, persons_a + persons_b, pts_a + pts_b)
