"""The print map of every map layer (coverage, gap, heat, resources), through the CLI and
HTTP: each PDF's text has the layer's legend (as the map page's overlay states it) and
its rendered page shows the layer's colours; a planner never gets case points."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import numpy as np
import pytest
from matplotlib.colors import to_rgb
from PIL import Image
from pptx import Presentation

from geomap.export.page import _LAYOUT
from layers.overlays import palette
from layers.overlays.coverage import CMAP as COVERAGE_CMAP
from layers.overlays.coverage import NO_TKSK_COLOR
from layers.overlays.gap import COLORS as GAP_COLORS
from layers.overlays.psks import COLORS as PSKS_COLORS
from tests.auth_fixtures import bearer
from tests.export_fixtures import pdf_text, rasterise, seed
from tests.test_export_http import fetch

GAP_PALETTE = [c for row in GAP_COLORS for c in row]


def _pixels(png: Path | bytes, box: list[float] | None) -> np.ndarray:
    """The RGB pixels of ``box`` (figure fractions [left, bottom, width, height]) of a page."""
    image = Image.open(io.BytesIO(png) if isinstance(png, bytes) else png).convert("RGB")
    rgb = np.asarray(image).astype(int)
    if box is None:
        return rgb
    h, w, _ = rgb.shape
    left, bottom, width, height = box
    return rgb[int(h * (1 - bottom - height)) + 2:int(h * (1 - bottom)) - 2,
               int(w * left) + 2:int(w * (left + width)) - 2]


def map_pixels(pdf: Path, tmp_path: Path, dpi: int = 60, landscape: bool = True) -> np.ndarray:
    """The map frame of the PDF's first page as pdftoppm draws it (legend, inset left out)."""
    out = tmp_path / pdf.stem
    out.mkdir()
    return _pixels(rasterise(pdf, out, dpi)[0], _LAYOUT[landscape]["map"])


def count(rgb: np.ndarray, colour: str, tol: int = 3) -> int:
    """Pixels of ``colour`` (within ``tol`` of each channel)."""
    target = np.array(to_rgb(colour)) * 255
    return int((np.abs(rgb - target).max(axis=2) <= tol).sum())


def warm(rgb: np.ndarray) -> int:
    """Orange-red pixels (the density raster's YlOrRd), which no boundary line has."""
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    return int(((r > 180) & (r - b > 90) & (g < 225)).sum())


def export(db, cli, out: Path, *args: str) -> dict:
    done = cli(db, "export", "map", "--area", "32.04", *args, str(out))
    assert done.code == 0, done.stderr
    return json.loads(done.stdout)


def points_read(db) -> int:
    return db.scalar("SELECT count(*) FROM audit_log WHERE action = 'points.read'")


def test_every_layer_by_cli_has_its_legend_and_colours(bandung_db, cli, tmp_path):
    seed(bandung_db, cli)
    pdf = {name: tmp_path / f"{name}.pdf" for name in
           ("coverage", "gap", "heat", "resources", "boundaries")}
    for name, out in pdf.items():
        extra = ("--radius",) if name == "resources" else ()
        report = export(bandung_db, cli, out, "--layer", name, "--as", "dinas", *extra)
        assert report["layer"] == name and report["suppressed"] is False
    control = map_pixels(pdf["boundaries"], tmp_path)

    # Coverage: the E2SFCA classes (YlGnBu, the page's palette), their bounds, the share
    # of cases in reach, the kecamatan without a TKSK hatched in red.
    text = pdf_text(pdf["coverage"])
    assert "Cakupan layanan (E2SFCA)" in text
    assert "Kecamatan tanpa TKSK (arsir) (3)" in text  # the demo leaves three without
    assert "Kasus dengan minimal satu sumber daya" in text
    assert "Skor aksesibilitas: kapasitas per kasus" in text
    assert text.count("–") >= 5  # five classes with their bounds (dinas sees scores)
    rgb = map_pixels(pdf["coverage"], tmp_path)
    for colour in palette(5, COVERAGE_CMAP):
        assert count(rgb, colour) > 40, colour
        assert count(control, colour) == 0, colour
    assert count(rgb, NO_TKSK_COLOR, tol=25) > 40  # the hatching and its outline

    # Gap: the 3x3 bivariate colours on the map and in the 3x3 legend.
    text = pdf_text(pdf["gap"])
    assert "Kesenjangan: kebutuhan vs cakupan" in text
    assert "Cakupan: skor E2SFCA" in text and "Kebutuhan: jumlah kasus" in text
    assert {"rendah", "sedang", "tinggi"} <= set(text.split())
    rgb = map_pixels(pdf["gap"], tmp_path)
    on_map = [c for c in GAP_PALETTE if count(rgb, c) > 40]
    assert len(on_map) >= 8, on_map
    assert sum(count(control, c) > 0 for c in GAP_PALETTE[1:]) == 0
    (tmp_path / "gap-legend").mkdir()
    legend = _pixels(rasterise(pdf["gap"], tmp_path / "gap-legend", 60)[0],
                     _LAYOUT[True]["legend"])
    assert all(count(legend, c) > 100 for c in GAP_PALETTE)  # the 3x3 grid

    # Heat: the density raster (cases per km²), drawn in warm colours; no point read.
    text = pdf_text(pdf["heat"])
    assert "Kepadatan kasus per km²" in text and "Kernel Gauss 1 km" in text
    assert warm(map_pixels(pdf["heat"], tmp_path)) > 500 and warm(control) == 0
    assert points_read(bandung_db) == 0

    # Resources: a marker per resource in its category's colour, with the service circles.
    text = pdf_text(pdf["resources"])
    assert "Sumber daya PSKS" in text and "PSP: Pekerja Sosial Profesional" in text
    assert "Lingkaran: radius layanan" in text
    rgb = map_pixels(pdf["resources"], tmp_path, dpi=150)
    shown = [code for code, colour in PSKS_COLORS.items() if count(rgb, colour) > 10]
    assert len(shown) >= 6, shown

    # The atlas and the slides reuse the page: a kecamatan's gap page, a coverage slide.
    atlas = tmp_path / "atlas.pdf"
    done = cli(bandung_db, "export", "atlas", "--area", "32.04.05", "--layer", "gap",
               "--as", "dinas", str(atlas))
    assert done.code == 0, done.stderr
    assert json.loads(done.stdout)["pages"] == 1
    assert "Kesenjangan: kebutuhan vs cakupan" in pdf_text(atlas)
    rgb = map_pixels(atlas, tmp_path)
    assert sum(count(rgb, c) > 20 for c in GAP_PALETTE) >= 3
    deck = tmp_path / "rapat.pptx"
    done = cli(bandung_db, "export", "slides", "--area", "32.04", "--layer", "coverage",
               "--layer", "heat", "--as", "dinas", str(deck))
    assert done.code == 0, done.stderr
    slides = list(Presentation(str(deck)).slides)
    assert len(slides) == 4 and "Priority desa" in slides[3].shapes.title.text
    [picture] = [s for s in slides[1].shapes if s.shape_type == 13]
    rgb = _pixels(picture.image.blob, _LAYOUT[True]["map"])
    assert sum(count(rgb, c, tol=2) > 100 for c in palette(5, COVERAGE_CMAP)) == 5


@pytest.fixture
def seeded(bandung_db, cli, tmp_path, monkeypatch):
    monkeypatch.setenv("GEOMAP_VAR_DIR", str(tmp_path / "var"))
    seed(bandung_db, cli)
    return bandung_db


@pytest.fixture
def client_of(web_app, api_token):
    """A test client and Bearer headers for a user."""
    return lambda user: (web_app.test_client(), bearer(api_token(user)))


def screen(client, headers, name: str, **params) -> dict:
    """The map page's answer for an overlay (what the browser draws and lists)."""
    answer = client.get(f"/api/map/{name}.json", query_string=params, headers=headers)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.json


def exported(client, headers, tmp_path: Path, name: str, **params) -> tuple[dict, Path]:
    job, answer = fetch(client, headers, kind="map", format="pdf", area="32.04", **params)
    out = tmp_path / f"{name}.pdf"
    out.write_bytes(answer.data)
    return job, out


def test_http_layers_have_the_screens_legend_and_colours(seeded, users, client_of, tmp_path):
    client, headers = client_of(users["dinas"])
    for name in ("coverage", "gap"):
        shown = screen(client, headers, name, area="32.04", lang="en", psks="TKSK,LKS")
        job, pdf = exported(client, headers, tmp_path, name, layer=name, lang="en",
                            psks="TKSK,LKS")
        assert job["report"]["layer"] == name
        assert job["download_name"].startswith(f"geomap_map_{name}_32.04_")
        text = " ".join(pdf_text(pdf).split())
        assert shown["legend"]["title"] in text
        rgb = map_pixels(pdf, tmp_path)
        for entry in shown["legend"]["entries"]:
            if name == "coverage":  # the classes are listed with their counts
                assert f"{entry['label']} ({entry['count']})" in text, entry
            if entry.get("count") and not entry.get("outline"):  # drawn on the map
                assert count(rgb, entry["color"]) > 10 * min(entry["count"], 4), entry
        # The PSKS categories reached the renderer: all of them give other classes.
        every = screen(client, headers, name, area="32.04", lang="en")
        if name == "coverage":
            assert every["legend"]["entries"] != shown["legend"]["entries"]
            assert not all(e["label"] in text for e in every["legend"]["entries"][:5])

    # A planner: the same rules as its map. Its coverage has ordered classes only (no
    # population loaded: scores would give counts back), its heat layer is the density.
    client, headers = client_of(users["planner"])
    shown = screen(client, headers, "coverage", area="32.04")
    assert shown["ordinal"] is True
    job, pdf = exported(client, headers, tmp_path, "planner-coverage", layer="coverage")
    assert job["report"]["suppressed"] is True
    text = pdf_text(pdf)
    assert "kelas 1 dari 5 (terendah)" in text and "kelas 5 dari 5 (tertinggi)" in text
    assert "Tanpa data penduduk" in text
    assert not re.search(r"\d\.\d\d–\d", text)  # no score bounds
    job, pdf = exported(client, headers, tmp_path, "planner-heat", layer="heat")
    assert "Kepadatan kasus per km²" in pdf_text(pdf)
    assert warm(map_pixels(pdf, tmp_path)) > 500
    assert points_read(seeded) == 0
    answer = client.post("/api/exports", headers=headers,
                         data={"kind": "map", "layer": "heat", "psks": "NOPE"})
    assert answer.status_code == 400 and "PSKS" in answer.get_data(as_text=True)
    answer = client.post("/api/exports", headers=headers,
                         data={"kind": "html", "format": "html", "layer": "gap"})
    assert answer.status_code == 400


def test_no_case_point_reaches_paper(bandung_db, cli, tmp_path):
    """The heat layer is the density raster for every role: a day of one to four cases
    prints nothing (fewer than five within 1 km), for a planner as for dinas."""
    seed(bandung_db, cli)
    day, n = bandung_db.connect().execute(
        "SELECT recorded_on, count(*) FROM pmks_case GROUP BY 1 HAVING count(*) < 5 "
        "ORDER BY 2 DESC, 1 LIMIT 1").fetchone()
    assert 1 <= n <= 4
    for who in (("--as", "planner"), ("--as", "dinas"), ()):
        out = tmp_path / f"heat-{'-'.join(who) or 'default'}.pdf"
        report = export(bandung_db, cli, out, "--layer", "heat", "--from", str(day),
                        "--to", str(day), *who)
        assert report["suppressed"] is (who != ("--as", "dinas"))
        text = pdf_text(out)
        assert "Tidak ada wilayah yang cukup padat" in text
        assert warm(map_pixels(out, tmp_path)) == 0
    # The same layer over all the cases does show the density: the filter made it empty.
    out = tmp_path / "heat-all.pdf"
    export(bandung_db, cli, out, "--layer", "heat", "--as", "planner")
    assert warm(map_pixels(out, tmp_path)) > 500
    assert points_read(bandung_db) == 0
    # A planner's coverage: classes in order only (no population: a score would give a
    # count back), as on its map; no --as is a planner's view too.
    for who in (("--as", "planner"), ()):
        out = tmp_path / f"coverage-{'-'.join(who) or 'default'}.pdf"
        export(bandung_db, cli, out, "--layer", "coverage", *who)
        text = pdf_text(out)
        assert "kelas 1 dari 5 (terendah)" in text and "Tanpa data penduduk" in text
        assert not re.search(r"\d\.\d\d–\d", text)
