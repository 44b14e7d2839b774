"""A PPTX deck for a meeting: a title slide, one slide per map, and the gap table.

The map slides carry the same PNG pages as ``geomap export map`` (``page.render``),
so the deck and the printed map agree. The table slide is the analysis module's
ranked gap table (most need, least coverage first) when coverage can be computed,
else the desa with most cases; either way the case column is the published label
("<5" for a planner), never a count the user may not see.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pandas as pd
from pptx import Presentation
from pptx.util import Emu, Inches, Pt

from geomap.analysis import privacy
from geomap.analysis.counts import CountTable

SLIDE_W, SLIDE_H = Inches(13.333), Inches(7.5)  # 16:9
TITLE_LAYOUT, TITLE_ONLY_LAYOUT = 0, 5


@dataclass
class Table:
    """A ranked table for the last slide: title, header, rows of text."""

    title: str
    header: list[str]
    rows: list[list[str]]


def gap_table(ranked: pd.DataFrame, scores: bool = True) -> Table:
    """From ``Gap.ranked()``: desa, kecamatan, cases, nearest resource (km), score
    ("-" unless ``scores``: ``access.scores_publishable`` decides, as on the map)."""
    rows = [[str(i), str(r.name), str(r.kecamatan_name), str(r.cases),
             "-" if pd.isna(r.nearest_m) else f"{r.nearest_m / 1000:,.1f}",
             f"{r.score:,.3f}" if scores else "-"]
            for i, r in enumerate(ranked.itertuples(index=False), 1)]
    return Table("Desa prioritas: kebutuhan tinggi, jangkauan rendah / Priority desa: high "
                 "need, low coverage",
                 ["#", "Desa", "Kecamatan", "Kasus / Cases",
                  "PSKS terdekat (km) / Nearest (km)", "Skor E2SFCA / Score"], rows)


def top_table(table: CountTable, limit: int) -> Table:
    """The desa with most cases, among those whose count is published."""
    desa = table.desa
    shown = desa[desa["status"] == privacy.SHOWN].sort_values("count", ascending=False,
                                                               kind="stable").head(limit)
    rows = [[str(i), str(r.name), str(r.kecamatan_name), str(r.label)]
            for i, r in enumerate(shown.itertuples(index=False), 1)]
    return Table("Desa dengan kasus terbanyak / Desa with most cases",
                 ["#", "Desa", "Kecamatan", "Kasus / Cases"], rows)


def deck(title: str, subtitle: str, maps: list[tuple[str, bytes]], table: Table | None) -> bytes:
    """The PPTX bytes: title slide, one picture slide per (title, PNG), the table slide."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    first = prs.slides.add_slide(prs.slide_layouts[TITLE_LAYOUT])
    first.shapes.title.text = title
    first.placeholders[1].text = subtitle
    for map_title, png in maps:
        slide = prs.slides.add_slide(prs.slide_layouts[TITLE_ONLY_LAYOUT])
        _title(slide, map_title)
        top = Inches(1.2)
        height = SLIDE_H - top - Inches(0.2)
        width = Emu(int(height * 297 / 210))  # the A4 landscape page's ratio
        slide.shapes.add_picture(io.BytesIO(png), (SLIDE_W - width) // 2, top, width, height)
    if table is not None:
        slide = prs.slides.add_slide(prs.slide_layouts[TITLE_ONLY_LAYOUT])
        _title(slide, table.title)
        shape = slide.shapes.add_table(len(table.rows) + 1, len(table.header), Inches(0.4),
                                       Inches(1.3), SLIDE_W - Inches(0.8),
                                       Inches(0.3) * (len(table.rows) + 1))
        for j, text in enumerate(table.header):
            _cell(shape.table.cell(0, j), text, bold=True)
        for i, row in enumerate(table.rows, 1):
            for j, text in enumerate(row):
                _cell(shape.table.cell(i, j), text)
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


def _title(slide, text: str) -> None:
    slide.shapes.title.text = text
    slide.shapes.title.top, slide.shapes.title.height = Inches(0.2), Inches(0.9)
    slide.shapes.title.width = SLIDE_W - Inches(0.6)
    slide.shapes.title.left = Inches(0.3)
    for p in slide.shapes.title.text_frame.paragraphs:
        p.font.size = Pt(26)


def _cell(cell, text: str, bold: bool = False) -> None:
    cell.text = text
    for p in cell.text_frame.paragraphs:
        p.font.size = Pt(11)
        p.font.bold = bold
