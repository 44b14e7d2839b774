"""The case filter shared by every layer: validation, URL round trip, effect in SQL."""

from __future__ import annotations

import datetime as dt

import pytest

from geomap.analysis.counts import count_table
from geomap.analysis.filters import CaseFilter, FilterError
from tests.analysis_fixtures import add_cases


def test_categories_one_several_all() -> None:
    assert CaseFilter("3204").area == "32.04"
    assert CaseFilter("32.04", ("at",)).categories == ("AT",)
    assert CaseFilter("32.04", ("FM", "AT", "AT")).categories == ("AT", "FM")
    assert CaseFilter("32.04").params()["categories"] is None
    with pytest.raises(FilterError, match="unknown PMKS category"):
        CaseFilter("32.04", ("XYZ",))
    with pytest.raises(FilterError, match="at least one category"):
        CaseFilter("32.04", ())


def test_area_and_period_are_checked() -> None:
    with pytest.raises(FilterError, match="invalid region code"):
        CaseFilter("32.4")
    with pytest.raises(FilterError, match="must be a province, kabupaten or kecamatan"):
        CaseFilter("32.04.01.2001")
    with pytest.raises(FilterError, match="period from is after period to"):
        CaseFilter("32.04", None, dt.date(2026, 5, 1), dt.date(2026, 4, 1))


def test_url_round_trip() -> None:
    f = CaseFilter("32.04.05", ("AT", "FM"), dt.date(2026, 1, 1), dt.date(2026, 6, 30), True)
    assert CaseFilter.from_params(f.as_params(), "32.04") == f
    assert CaseFilter.from_params({}, "32.04") == CaseFilter("32.04")
    assert CaseFilter.from_params({"categories": "all"}, "32.04").categories is None
    with pytest.raises(FilterError, match="invalid 'from' date"):
        CaseFilter.from_params({"from": "1 Januari"}, "32.04")


def test_filters_select_cases_in_sql(bandung_db) -> None:
    with bandung_db.connect() as conn:
        kec = conn.execute("SELECT min(code) FROM region WHERE level = 'kecamatan'").fetchone()[0]
        other = conn.execute("SELECT max(code) FROM region WHERE level = 'kecamatan'"
                             ).fetchone()[0]
        pts = conn.execute(
            "SELECT ST_X(p), ST_Y(p) FROM region, ST_PointOnSurface(geom) p"
            " WHERE code IN (SELECT min(code) FROM region WHERE parent_code IN (%s, %s)"
            " GROUP BY parent_code) ORDER BY code", (kec, other)).fetchall()
        add_cases(conn, [pts[0][0]] * 6, [pts[0][1]] * 6, "AT", dt.date(2026, 1, 5))
        add_cases(conn, [pts[0][0]] * 3, [pts[0][1]] * 3, "FM", dt.date(2026, 2, 5))
        add_cases(conn, [pts[1][0]] * 4, [pts[1][1]] * 4, "FM", dt.date(2026, 3, 5),
                  status="selesai")

        def total(f: CaseFilter) -> int:
            return count_table(conn, f, suppress=False).total

        assert total(CaseFilter("32.04")) == 13
        assert total(CaseFilter(kec)) == 9 and total(CaseFilter(other)) == 4
        assert total(CaseFilter("32.04", ("FM",))) == 7
        assert total(CaseFilter("32.04", ("FM", "AT"))) == 13
        assert total(CaseFilter("32.04", date_from=dt.date(2026, 2, 1))) == 7
        assert total(CaseFilter("32.04", date_to=dt.date(2026, 2, 5))) == 9
        assert total(CaseFilter("32.04", open_only=True)) == 9
        assert len(count_table(conn, CaseFilter(kec), suppress=False).desa) < 280
