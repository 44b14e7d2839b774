"""The ``\\include`` lines of the SQL files (geomap.sql): every query the server runs is
expanded in full, the case filter has one source, and a bad include fails loudly."""

from __future__ import annotations

from pathlib import Path

import pytest

from geomap.config import LAYERS_DIR
from geomap.sql import expand, sql

CASE_FILTER_QUERIES = ["analysis/counts", "analysis/case_points",
                       "analysis/case_kecamatan_points", "export/cases_personal",
                       "overlays/heat"]


def _names() -> list[str]:
    return sorted(str(p.relative_to(LAYERS_DIR).with_suffix(""))
                  for p in LAYERS_DIR.rglob("*.sql"))


@pytest.mark.parametrize("name", _names())
def test_no_include_left_after_expansion(name: str) -> None:
    code = [line for line in sql(name).splitlines() if not line.lstrip().startswith("--")]
    assert not [line for line in code if "\\include" in line]


@pytest.mark.parametrize("name", CASE_FILTER_QUERIES)
def test_case_filter_has_one_source(name: str) -> None:
    raw = (LAYERS_DIR / f"{name}.sql").read_text(encoding="utf-8")
    assert "\\include analysis/case_filter" in raw
    assert "%(open_only)s OR" not in raw  # not written out again beside the include
    text = sql(name)
    assert "starts_with(c.desa_code, %(prefix)s)" in text
    assert "AND (NOT %(open_only)s OR c.status <> 'selesai')" in text


def test_expansion_keeps_the_keyword_and_indentation(tmp_path: Path) -> None:
    (tmp_path / "part.sql").write_text("-- a comment\n\nx = 1\nAND y = 2\n")
    (tmp_path / "q.sql").write_text("SELECT 1\n  WHERE a\n    AND \\include part\n  LIMIT 1\n")
    assert expand(tmp_path, "q") == ("SELECT 1\n  WHERE a\n    AND x = 1\n    AND y = 2\n"
                                     "  LIMIT 1\n")


def test_include_inside_a_comment_is_not_expanded(tmp_path: Path) -> None:
    (tmp_path / "part.sql").write_text("x = 1\nAND y = 2\n")
    (tmp_path / "q.sql").write_text("-- see \\include part\nSELECT 1\n")
    assert expand(tmp_path, "q") == "-- see \\include part\nSELECT 1\n"


def test_include_cycle_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.sql").write_text("WHERE \\include b\n")
    (tmp_path / "b.sql").write_text("x\nAND \\include a\n")
    with pytest.raises(ValueError, match="cycle: a -> b -> a"):
        expand(tmp_path, "a")


def test_empty_include_is_refused(tmp_path: Path) -> None:
    (tmp_path / "part.sql").write_text("-- only a comment\n")
    (tmp_path / "q.sql").write_text("SELECT 1 WHERE\n\\include part\n")
    with pytest.raises(ValueError, match="no SQL"):
        expand(tmp_path, "q")
