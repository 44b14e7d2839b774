"""Writing demo cases: one COPY into a staging table, one INSERT for cases and people.

The columns are those of a confirmed upload (``layers/schema/0004_cases.sql``): the
NIK's keyed hash (:func:`geomap.nik.nik_hmac_many`), and a fingerprint, the keyed
hash of the normalised row (category, point to 6 decimals, date recorded, NIK), so
the same case written twice is one case.
"""

from __future__ import annotations

import hashlib
import hmac
import io

import numpy as np
import pandas as pd
import psycopg

from geomap.config import secret_key
from geomap.nik import nik_hmac_many
from geomap.sql import sql


def fingerprints(frame: pd.DataFrame) -> np.ndarray:
    """HMAC-SHA256 (server secret) of ``category|lon|lat|date|nik`` for each case row."""
    text = (frame["kategori"] + "|" + np.char.mod("%.6f", frame["bujur"].to_numpy())
            + "|" + np.char.mod("%.6f", frame["lintang"].to_numpy()) + "|"
            + frame["tanggal"] + "|" + frame["nik"])
    key = secret_key()
    return np.array([hmac.digest(key, t.encode(), hashlib.sha256) for t in text], dtype=object)


def _hex(values: np.ndarray) -> pd.Series:
    """bytea in COPY's CSV text form."""
    return pd.Series(values).map(lambda b: "\\x" + b.hex())


def write_cases(conn: psycopg.Connection, frame: pd.DataFrame, created_by: pd.Series,
                upload_id: int, dinas: str) -> int:
    """Insert the cases not yet there (by fingerprint); return how many were added."""
    stage = pd.DataFrame({
        "category_code": frame["kategori"], "lon": frame["bujur"], "lat": frame["lintang"],
        "desa_code": frame["desa"], "snapped": frame["snapped"], "recorded_on": frame["tanggal"],
        "status": frame["status"], "closed_on": frame["selesai_pada"],
        "sex": frame["jenis_kelamin"], "age_group": frame["kelompok_umur"],
        "household_size": frame["jumlah_anggota_keluarga"], "name": frame["nama"],
        "nik": frame["nik"], "address": frame["alamat"], "phone": frame["telepon"],
        "nik_hmac": _hex(nik_hmac_many(frame["nik"])), "fingerprint": _hex(fingerprints(frame)),
        "created_by": created_by.to_numpy()})
    buffer = io.StringIO()
    stage.to_csv(buffer, header=False, index=False, float_format="%.6f")
    with conn.cursor() as cur:
        cur.execute(sql("demo/case_stage"))
        with cur.copy("COPY demo_case_stage FROM STDIN WITH (FORMAT csv)") as copy:
            copy.write(buffer.getvalue())
        cur.execute(sql("demo/case_insert"), {"upload": upload_id, "dinas": dinas})
        return cur.rowcount
