"""The Gap overlay: need against coverage per desa (a 3x3 bivariate map) and the ranked
table of the desa with most need and least coverage.

Need is the PMKS rate per 1,000 residents (the count when population is not loaded),
coverage the E2SFCA score of the chosen PSKS categories; both cut into tertiles by
:func:`geomap.analysis.gap.gap`. For a planner a desa whose count is hidden has no
known need: no class (not drawn) and no row, and the table's cases are the count
table's labels ("<5", "*"). Each row names the desa's box, so the page can move the
map to it and a link to that view can be shared. Distances are from the desa's point
to the nearest resource: never a case's own position.
"""

from __future__ import annotations

import math
from typing import Any

from geomap.analysis.gap import gap
from geomap.area import area_param
from geomap.sql import sql
from layers.overlays import BadParameter, OverlayQuery, legend
from layers.overlays import psks as psks_param
from layers.overlays.coverage import access_overlay, compute, finite
from layers.overlays.resources import texts
from layers.registry import Text

TITLE = Text("Kesenjangan: kebutuhan vs cakupan", "Gap: need vs coverage")
NEED = {"rate": Text("Kebutuhan: kasus per 1.000 penduduk", "Need: cases per 1,000 residents"),
        "count": Text("Kebutuhan: jumlah kasus", "Need: number of cases")}
COVER = Text("Cakupan: skor E2SFCA", "Coverage: E2SFCA score")
NEED_AXIS, COVER_AXIS = Text("kebutuhan", "need"), Text("cakupan", "coverage")
TERTILES = (Text("rendah", "low"), Text("sedang", "middle"), Text("tinggi", "high"))
HIDDEN = Text("Desa dengan jumlah disembunyikan tidak diwarnai",
              "Desa whose count is hidden are not coloured")
# Joshua Stevens' purple-blue bivariate scheme: [need][coverage], low to high. High need
# with low coverage (the gap) is the magenta corner.
COLORS = (("#e8e8e8", "#ace4e4", "#5ac8c8"),
          ("#dfb0d6", "#a5add3", "#5698b9"),
          ("#be64ac", "#8c62aa", "#3b4994"))
TEXTS = {"title": Text("Desa dengan kebutuhan tertinggi dan cakupan terendah",
                       "Desa with the most need and least coverage"),
         "rank": Text("No.", "No."), "desa": Text("Desa", "Desa"),
         "kecamatan": Text("Kecamatan", "Kecamatan"), "cases": Text("Kasus", "Cases"),
         "nearest": Text("Sumber daya terdekat", "Nearest resource"),
         "score": Text("Skor", "Score"), "need": Text("Kebutuhan", "Need"),
         "coverage": Text("Cakupan", "Coverage"),
         "unknown": Text("Jumlah disembunyikan: tanpa kelas", "Count hidden: no class")}
DEFAULT_ROWS, MAX_ROWS = 20, 200


def row_limit(raw: str | None) -> int:
    value = (raw or "").strip() or str(DEFAULT_ROWS)
    if not value.isdigit() or not 1 <= int(value) <= MAX_ROWS:
        raise BadParameter(f"parameter rows: 1-{MAX_ROWS} baris / rows")
    return int(value)


def bounds(query: OverlayQuery, codes: list[str]) -> dict[str, list[float]]:
    """Each desa's box [west, south, east, north], read inside the caller's area."""
    if query.user is None or not codes:
        return {}
    found = query.conn.execute(sql("overlays/desa_bounds"),
                               {"codes": codes, "user_area": area_param(query.user)})
    return {code: [w, s, e, n] for code, w, s, e, n in found.fetchall()}


def build(query: OverlayQuery) -> dict[str, Any]:
    limit = row_limit(query.args.get("rows"))
    access = compute(query)
    result = gap(access.table, access.coverage)
    desa = result.desa
    units = {code: {"need": int(n), "coverage": int(c), "color": COLORS[n][c]}
             for code, n, c in zip(desa["code"], desa["need_class"], desa["coverage_class"],
                                   strict=True) if n >= 0 and c >= 0}
    counts: dict[tuple[int, int], int] = {}
    for unit in units.values():
        key = (unit["need"], unit["coverage"])
        counts[key] = counts.get(key, 0) + 1
    ranked = result.ranked(limit).merge(desa[["code", "kecamatan"]], on="code")
    boxes = bounds(query, ranked["code"].tolist())
    rows = [{"code": r.code, "name": r.name, "kecamatan": r.kecamatan,
             "kecamatan_name": r.kecamatan_name, "cases": r.cases,
             "nearest_m": None if finite(r.nearest_m) is None else round(r.nearest_m),
             "score": None if access.ordinal else finite(r.score), "need": finite(r.need),
             "gap": finite(r.gap), "bounds": boxes.get(r.code)}
            for r in ranked.itertuples(index=False)]
    lang = query.lang
    # Need from high (the grid's top row) to low, coverage from low (left) to high.
    entries = [{"label": f"{NEED_AXIS(lang)} {TERTILES[n](lang)}, {COVER_AXIS(lang)} "
                         f"{TERTILES[c](lang)}", "color": COLORS[n][c], "need": n, "coverage": c,
                "count": counts.get((n, c), 0)} for n in (2, 1, 0) for c in range(3)]
    words = texts(TEXTS, lang) | {"tertiles": [t(lang) for t in TERTILES]}

    def cuts(values: list[float]) -> list[float]:
        return [round(v, 4) for v in values if math.isfinite(v)]

    return {
        "level": "desa", "units": units, "psks": list(access.psks) if access.psks else None,
        "need_measure": result.need_measure, "need_breaks": cuts(result.need_breaks),
        "coverage_breaks": None if access.ordinal else cuts(result.coverage_breaks),
        "colors": COLORS, "ranked": rows,
        "categories": psks_param.categories(lang), "texts": words,
        "legend": legend(TITLE(lang), entries,
                         ["↑ " + NEED[result.need_measure](lang), COVER(lang) + " →",
                          HIDDEN(lang) if access.table.suppressed else ""])
        | {"bivariate": True, "x": COVER(lang), "y": NEED[result.need_measure](lang)},
    }


OVERLAY = access_overlay(
    name="gap",
    title=TITLE,
    build=build,
    description=Text("Kebutuhan tinggi dan cakupan rendah: ungu muda",
                     "High need and low coverage: magenta"),
    order=320,
    filters=("categories", "period", "psks"),
)
