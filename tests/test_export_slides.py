"""``geomap export slides``: the PPTX read back with python-pptx."""

from __future__ import annotations

import io
import json

from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from tests.export_fixtures import seed


def _pictures(slide) -> list:
    return [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]


def test_slides_title_maps_and_gap_table(bandung_db, cli, tmp_path):
    seed(bandung_db, cli)
    out = tmp_path / "rapat.pptx"
    done = cli(bandung_db, "export", "slides", "--area", "32.04", "--as", "dinas",
               "--layer", "choropleth-desa", "--layer", "choropleth-kecamatan",
               "--layer", "boundaries", "--title", "Rapat dengan Bupati", "--top", "10",
               str(out))
    assert done.code == 0, done.stderr
    assert json.loads(done.stdout)["slides"] == 5
    deck = Presentation(str(out))
    slides = list(deck.slides)
    assert len(slides) == 5
    assert slides[0].shapes.title.text == "Rapat dengan Bupati"
    assert "Kabupaten Bandung" in slides[0].placeholders[1].text
    assert "per desa" in slides[1].shapes.title.text
    assert "per kecamatan" in slides[2].shapes.title.text
    for slide in slides[1:4]:
        [picture] = _pictures(slide)
        image = Image.open(io.BytesIO(picture.image.blob))
        assert image.width > 2000  # the 200 dpi A4 page of ``export map``
    [table] = [s for s in slides[4].shapes if s.has_table]
    assert "Priority desa" in slides[4].shapes.title.text
    rows = [[c.text for c in row.cells] for row in table.table.rows]
    assert len(rows) == 11 and rows[0][1] == "Desa"
    desa_names = set(bandung_db.connect().execute(
        "SELECT name FROM region WHERE level = 'desa'").fetchall())
    assert all((r[1],) in desa_names for r in rows[1:])


def test_slides_for_planner_show_only_published_counts(bandung_db, cli, tmp_path):
    seed(bandung_db, cli)
    out = tmp_path / "rapat.pptx"
    done = cli(bandung_db, "export", "slides", "--area", "32.04", "--categories", "FM",
               "--as", "planner", "--layer", "choropleth-desa", str(out))
    assert done.code == 0, done.stderr
    assert json.loads(done.stdout)["suppressed"] is True
    slides = list(Presentation(str(out)).slides)
    assert len(slides) == 3
    [table] = [s for s in slides[2].shapes if s.has_table]
    cases = [row.cells[3].text for row in list(table.table.rows)[1:]]
    assert cases and all(c.isdigit() and int(c) >= 5 for c in cases)
