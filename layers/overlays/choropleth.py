"""The PMKS choropleth: cases per desa or kecamatan (or per 1,000 residents), in classes.

Built from :func:`geomap.analysis.counts.count_table` (one table of every count the page
shows, suppressed together for a planner) and :func:`geomap.analysis.choropleth.choropleth`
(rate when every unit has a population, unless ``measure=count``; classes by quantiles,
natural breaks or equal interval). The answer colours the page's own boundary features
by code::

    {"level": "desa", "measure": "count",
     "units": {"32.04.05.2001": [class, "label", value], ...},   # class -1: hidden
     "categories": {"32.04.05.2001": [["AT", "12"], ["KM", "<5"]], ...},
     "category_names": {"AT": "Anak Terlantar", ...},
     "legend": {...}, "total": "1234"}

For a planner a suppressed unit has no value and no class (its label is "<5" or "*"),
so neither its colour nor a class boundary narrows it down.
"""

from __future__ import annotations

import math
from typing import Any

from geomap import taxonomy
from geomap.analysis.choropleth import MEASURE_NAMES, choropleth
from geomap.analysis.classify import METHOD_NAMES
from geomap.analysis.counts import count_table
from geomap.render.strings import text
from layers.overlays import BadParameter, Overlay, OverlayQuery, legend, palette, pick
from layers.registry import LOGGED_IN, Text

HIDDEN_COLOR = "#bdbdbd"


def category_names(lang: str) -> dict[str, str]:
    return {c.code: (c.name_en if lang == "en" else c.name_id) for c in taxonomy.pmks()}


def build(query: OverlayQuery) -> dict[str, Any]:
    lang = query.lang
    try:
        table = count_table(query.conn, query.cases, suppress=query.suppressed)
    except RuntimeError:
        if not query.suppressed:
            raise
        # The suppression audit could not finish: publish nothing rather than too much.
        return {"level": query.level, "measure": "count", "units": {}, "categories": {},
                "category_names": {}, "total": "*", "withheld": True,
                "legend": legend(pick(MEASURE_NAMES["count"], lang), [],
                                 [text("overlay.withheld", lang)])}
    measure = (query.args.get("measure") or "").strip() or None
    if measure not in (None, *MEASURE_NAMES):
        raise BadParameter("parameter measure: count atau rate / count or rate")
    try:
        layer = choropleth(table, query.level, query.method, query.k, measure)
    except ValueError as exc:  # a rate without population for every unit
        raise BadParameter(str(exc)) from None
    colors = palette(len(layer.classes.breaks))
    rows = layer.rows
    codes = rows["code"].tolist()  # plain lists: item access on pandas columns is slow
    units = {code: [cls, str(label), None if math.isnan(value) else round(value, 3)]
             for code, cls, label, value in zip(codes, rows["cls"].tolist(),
                                                rows["label"].tolist(), rows["value"].tolist(),
                                                strict=True)}
    # The (category, label) pairs as they are (labels are already text; JSON writes a
    # tuple as an array): a new list per pair cost a quarter second for a province.
    cats = {code: pairs
            for code, pairs in zip(codes, rows["categories"].tolist(), strict=True) if pairs}
    names = category_names(lang)
    used = sorted({c for pairs in cats.values() for c, _ in pairs})
    entries = [{"label": label, "color": color, "count": count}
               for label, color, count in zip(layer.classes.labels, colors,
                                              layer.classes.counts, strict=True)]
    if layer.hidden_label:
        entries.append({"label": text("overlay.hidden", lang).format(table.threshold),
                        "color": HIDDEN_COLOR})
    chosen = query.cases.categories
    notes = [pick(METHOD_NAMES[layer.classes.method], lang),
             ", ".join(names[c] for c in chosen) if chosen else text("overlay.all", lang)]
    title = f"{pick(MEASURE_NAMES[layer.measure], lang)} · {text(f'level.{query.level}', lang)}"
    return {"level": query.level, "measure": layer.measure, "units": units,
            "categories": cats, "category_names": {c: names[c] for c in used},
            "total": table.total_label, "withheld": False,
            "legend": legend(title, entries, notes)}


OVERLAY = Overlay(
    name="choropleth",
    cacheable=True,
    title=Text("PMKS per wilayah", "PMKS by area"),
    roles=LOGGED_IN,
    kind="units",
    build=build,
    order=10,
    filters=("categories", "period", "level", "method", "measure"),
)
