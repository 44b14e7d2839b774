"""NIK checks: region prefix against the loaded regions, birth date, serial, keyed hash."""

from __future__ import annotations

import hashlib
import hmac
import os
from datetime import date

import pandas as pd
import pytest

from geomap import nik

TODAY = date(2026, 11, 23)


@pytest.fixture
def prefixes(bandung_db) -> nik.RegionPrefixes:
    with bandung_db.connect() as conn:
        return nik.RegionPrefixes.load(conn)


@pytest.mark.parametrize(("value", "problem", "sex", "born"), [
    ("3204051203850001", None, "L", date(1985, 3, 12)),         # Cileunyi, a man
    ("3204055203850001", None, "P", date(1985, 3, 12)),         # the same day + 40: a woman
    ("32.0405-120385 0001", None, "L", date(1985, 3, 12)),      # typed with separators
    ("3204052902000001", None, "L", date(2000, 2, 29)),         # leap day of 2000
    ("3204052902010001", "birth_date", None, None),             # 29 Feb 2001 does not exist
    ("3204053203850001", "birth_date", None, None),             # day 32
    ("3204057203850001", "birth_date", None, None),             # day 72 (women: 41..71)
    ("3204051213850001", "birth_date", None, None),             # month 13
    ("3204051203850000", "serial", None, None),
    ("3204991203850001", "region", None, None),                 # kecamatan 99 not in 32.04
    ("9904011203850001", "region", None, None),                 # province 99 does not exist
    ("3171011203850001", None, "L", date(1985, 3, 12)),         # Jakarta: not loaded, real
    ("3171001203850001", "region", None, None),                 # kecamatan 00
    ("320405120385001", "format", None, None),                  # 15 digits
    ("32040512038500011", "format", None, None),                # 17 digits
    ("320405120385000A", "format", None, None),
    ("3204051203８50001", "format", None, None),                # a full-width digit
])
def test_check(prefixes, value, problem, sex, born):
    result = nik.check(value, prefixes, TODAY)
    assert (result.problem, result.sex, result.birth_date) == (problem, sex, born)
    assert result.valid is (problem is None)
    if problem:
        assert " / " in result.reason


def test_century_puts_the_birth_date_in_the_past(prefixes):
    assert nik.check("3204050101250001", prefixes, TODAY).birth_date == date(2025, 1, 1)
    assert nik.check("3204050112260001", prefixes, TODAY).birth_date == date(1926, 12, 1)
    assert nik.check("3204050101300001", prefixes, TODAY).birth_date == date(1930, 1, 1)


def test_many_at_once_matches_one_by_one(prefixes):
    values = pd.Series(["3204051203850001", "x", "3204055203850001", "3204991203850001", ""])
    many = nik.check_many(values, prefixes, TODAY)
    one = [nik.check(v, prefixes, TODAY).problem for v in values]
    assert list(many.problem) == one == [None, "format", None, "region", "format"]
    assert list(many.valid) == [True, False, True, False, False]


def test_hmac_is_keyed_and_ignores_separators(monkeypatch):
    plain = nik.nik_hmac("3204051203850001")
    assert nik.nik_hmac("3204-0512-0385-0001") == plain
    assert len(plain) == 32
    assert list(nik.nik_hmac_many(pd.Series(["3204051203850001", "", None]))) == [
        plain, None, None]
    monkeypatch.setenv("GEOMAP_SECRET_KEY", "another-secret")
    assert nik.nik_hmac("3204051203850001") != plain


@pytest.mark.parametrize("key_length", [0, 16, 32, 64, 65, 200])
def test_hmac_many_is_hmac(key_length):
    """The batched HMAC gives the very bytes of ``hmac.digest`` (stored NIK hashes and
    fingerprints must still match), for keys shorter, as long and longer than a block."""
    key = os.urandom(key_length)
    messages = [b"", b"3204051203850001", os.urandom(64), os.urandom(300)]
    assert nik.hmac_sha256_many(key, messages) == [hmac.digest(key, m, hashlib.sha256)
                                                   for m in messages]
