"""The Coverage overlay: how well PSKS resources reach each desa (E2SFCA), and TKSK load.

The figures are :mod:`geomap.analysis.access`'s, for the page's case filter and
``?psks=`` (one PSKS category, several, or all): each desa's E2SFCA score as a
choropleth (classes by the page's method), the share of the filter's cases with at
least one resource in reach, each kecamatan's cases per active TKSK, and the
kecamatan without one (the page hatches them).

Privacy: case counts come from the same :func:`count_table` as the PMKS choropleth,
suppressed for a planner ("<5", "*"), so a caseload is hidden when its count is (the
ratio would give the count back). The exact demand per desa never leaves the server.
The share in reach is withheld from a planner when the cases in or out of reach
number 1 to threshold-1 (with the area total it would be a small count).

A score is itself a ratio of capacity to demand: with TKSK alone (one per kecamatan,
serving all of it) a desa's score is the TKSK's capacity over its kecamatan's cases, and
scores of several categories together are linear equations in the desa's cases. So a
planner's scores take residents as demand when population is loaded for every desa
(classic E2SFCA: nothing of the cases in them). Otherwise a planner gets each desa's
class only, an order without numbers (no score, no class bounds): rounding the scores
would not do, two significant digits still pin a count below about 90 (see the tests).
An order still says which of two desa is better served: weaker than the rule for
counts, and the reason to load population.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from geomap.analysis.access import (
    Caseload,
    Coverage,
    published_coverage,
    scores_publishable,
    tksk_caseload,
)
from geomap.analysis.area import AreaNotFound, load_area
from geomap.analysis.classify import classify
from geomap.analysis.counts import CountTable, count_table
from geomap.analysis.privacy import suppress_below
from layers.overlays import BadParameter, Overlay, OverlayQuery, legend, palette
from layers.overlays import psks as psks_param
from layers.overlays.resources import VENDOR, psks_of, texts
from layers.registry import LOGGED_IN, Text

TITLE = Text("Cakupan layanan (E2SFCA)", "Service coverage (E2SFCA)")
MEASURE = {"cases": Text("Skor aksesibilitas: kapasitas per kasus dalam jangkauan",
                         "Accessibility score: capacity per case in reach"),
           "population": Text("Skor aksesibilitas: kapasitas per penduduk dalam jangkauan",
                              "Accessibility score: capacity per resident in reach")}
SHARE = Text("Kasus dengan minimal satu sumber daya dalam jangkauan: {}",
             "Cases with at least one resource in reach: {}")
SHARE_HIDDEN = Text("disembunyikan (jumlah kecil)", "hidden (small count)")
NO_TKSK = Text("Kecamatan tanpa TKSK (arsir)", "Kecamatan without a TKSK (hatched)")
NO_CASES = Text("tidak ada kasus", "no cases")
TEXTS = {"score": Text("Skor E2SFCA", "E2SFCA score"), "kecamatan": Text("Kecamatan", "Kecamatan"),
         "kecamatan_cases": Text("Kasus di kecamatan", "Cases in the kecamatan"),
         "caseload": Text("Beban TKSK", "TKSK caseload"),
         "per_tksk": Text("kasus/TKSK", "cases/TKSK"), "cases": Text("kasus", "cases"),
         "no_tksk": Text("tanpa TKSK", "no TKSK")}
CMAP = "YlGnBu"  # more coverage, darker (need is YlOrRd on the PMKS choropleth)
NO_TKSK_COLOR = "#d7301f"
ORDINAL = Text("kelas {} dari {}", "class {} of {}")
ORDINAL_ENDS = (Text("terendah", "lowest"), Text("tertinggi", "highest"))
ORDINAL_NOTE = Text("Tanpa data penduduk, skor hanya ditampilkan sebagai urutan kelas",
                    "Without population data, scores are shown as ordered classes only")


@dataclass
class Access:
    """Everything the Coverage and Gap overlays compute for one query."""

    coverage: Coverage
    table: CountTable  # the filter's counts, suppressed for a planner
    caseload: Caseload
    psks: tuple[str, ...] | None

    @property
    def ordinal(self) -> bool:
        """Whether only the order of the scores may be shown (see the module docstring)."""
        return not scores_publishable(self.coverage, self.table.suppressed)


class Computed:
    """The last :class:`Access` computations of this process, shared by Coverage and Gap.

    Both overlays need the same E2SFCA and count table for a query (the Gap is need
    against this very coverage); switched on together they were computed twice. One is
    kept under what it depends on: the database, the area, the case filter, the PSKS
    categories, the privacy treatment and threshold, and the stamps of the cases,
    population, boundaries (``stamp.sql``) and of the resources and radii
    (``resource_stamp.sql``), so any change of those makes it miss. A second request
    for a key being computed waits for it instead of computing it again. Kept per
    process: an Access is pandas frames, not a payload the workers could share.
    """

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self.entries: OrderedDict[tuple, Access] = OrderedDict()
        self.busy: dict[tuple, threading.Lock] = {}
        self.lock = threading.Lock()

    def get(self, key: tuple, make: Callable[[], Access]) -> Access:
        with self.lock:
            if key in self.entries:
                self.entries.move_to_end(key)
                return self.entries[key]
            flight = self.busy.setdefault(key, threading.Lock())
        try:
            with flight:  # one computation per key at a time
                with self.lock:
                    found = self.entries.get(key)
                if found is None:
                    found = make()
                    with self.lock:
                        self.entries[key] = found
                        while len(self.entries) > self.size:
                            self.entries.popitem(last=False)
            return found
        finally:
            with self.lock:
                self.busy.pop(key, None)


COMPUTED = Computed()


def access_key(query: OverlayQuery, chosen: tuple[str, ...] | None) -> tuple:
    """What an :class:`Access` depends on (see :class:`Computed`)."""
    return (query.conn.info.dsn, query.area, query.cases, chosen, query.suppressed,
            suppress_below(), query.case_stamp, query.resource_stamp)


def compute(query: OverlayQuery) -> Access:
    """E2SFCA for the query's area, filter and PSKS categories, with its count table,
    computed once for Coverage and Gap (:class:`Computed`)."""
    chosen = psks_of(query)
    return COMPUTED.get(access_key(query, chosen), lambda: _compute(query, chosen))


def _compute(query: OverlayQuery, chosen: tuple[str, ...] | None) -> Access:
    try:
        area = load_area(query.conn, query.area)
    except AreaNotFound as exc:
        raise BadParameter(str(exc)) from None
    cov = published_coverage(query.conn, area, query.cases, chosen,
                             suppressed=query.suppressed)
    table = count_table(query.conn, query.cases, suppress=query.suppressed)
    return Access(cov, table, tksk_caseload(query.conn, table, area), chosen)


def ordinal_label(i: int, k: int, lang: str) -> str:
    """A class named by its rank only: "class 1 of 5 (lowest)"."""
    end = ORDINAL_ENDS[0] if i == 0 else ORDINAL_ENDS[1] if i == k - 1 else None
    return ORDINAL(lang).format(i + 1, k) + (f" ({end(lang)})" if end else "")


def finite(value: float) -> float | None:
    """JSON has no NaN or infinity: None instead."""
    return float(value) if value is not None and math.isfinite(value) else None


def share_in_reach(access: Access) -> float | None:
    """The share of cases in reach, None when there are none or when, for a planner, the
    cases in or out of reach are a small count."""
    cov, table = access.coverage, access.table
    if not cov.cases:
        return None
    if table.suppressed:
        small = range(1, table.threshold)
        if (cov.cases_in_reach in small or cov.cases - cov.cases_in_reach in small
                or not table.total_label.isdigit()):
            return None
    return cov.share_in_reach


def kecamatan_rows(access: Access) -> list[dict[str, Any]]:
    """Each kecamatan's cases (as the count table shows them), TKSK and caseload."""
    k = access.caseload.kecamatan
    return [{"code": code, "name": name, "cases": label, "tksk": int(tksk),
             "caseload": finite(load)}
            for code, name, label, tksk, load in zip(k["code"], k["name"], k["label"],
                                                     k["tksk"], k["caseload"], strict=True)]


def build(query: OverlayQuery) -> dict[str, Any]:
    access = compute(query)
    desa = access.coverage.desa
    cls, classes = classify(desa["score"].to_numpy(float), query.method, query.k)
    colors = palette(len(classes.breaks), CMAP)
    ordinal, k = access.ordinal, len(classes.breaks)
    units = {code: {"cls": int(c)} if ordinal else {"value": round(float(score), 4),
                                                     "cls": int(c)}
             for code, score, c in zip(desa["code"], desa["score"], cls, strict=True)}
    lows = [classes.minimum, *classes.breaks[:-1]] if classes.breaks else []
    entries = [{"label": ordinal_label(i, k, query.lang) if ordinal else f"{lo:.2f}–{hi:.2f}",
                "color": color, "count": n}
               for i, (lo, hi, color, n) in enumerate(zip(lows, classes.breaks, colors,
                                                          classes.counts, strict=True))]
    share = share_in_reach(access)
    if not access.coverage.cases:
        share_text = NO_CASES(query.lang)
    else:
        share_text = f"{share:.1%}" if share is not None else SHARE_HIDDEN(query.lang)
    without = access.caseload.without_tksk
    entries.append({"label": NO_TKSK(query.lang), "color": NO_TKSK_COLOR, "outline": True,
                    "hatch": True, "count": len(without)})
    return {
        "level": "desa", "units": units, "psks": list(access.psks) if access.psks else None,
        "colors": colors, "breaks": None if ordinal else classes.breaks,
        "method": classes.method, "demand": access.coverage.demand, "ordinal": ordinal,
        "share_in_reach": share, "cases": access.table.total_label,
        "kecamatan": kecamatan_rows(access), "without_tksk": without,
        "categories": psks_param.categories(query.lang), "texts": texts(TEXTS, query.lang),
        "legend": legend(TITLE(query.lang), entries,
                         [MEASURE[access.coverage.demand](query.lang),
                          ORDINAL_NOTE(query.lang) if ordinal else "",
                          SHARE(query.lang).format(share_text)]),
    }


def access_overlay(name: str, title: Text, build: Callable[[OverlayQuery], dict[str, Any]],
                   description: Text, order: int, filters: tuple[str, ...]) -> Overlay:
    """An overlay drawn from :func:`compute` (Coverage, Gap): per desa, for every logged-in
    role, with the PSKS overlays' scripts; aggregates only, so its answer is kept until
    the cases or the resources change. One place, so the two cannot part on that."""
    return Overlay(name=name, title=title, roles=LOGGED_IN, kind="units", build=build,
                   description=description, order=order, filters=filters, vendor=VENDOR,
                   cacheable=True, uses_resources=True)


OVERLAY = access_overlay(
    name="coverage",
    title=TITLE,
    build=build,
    description=Text("Aksesibilitas sumber daya PSKS per desa (E2SFCA)",
                     "Accessibility of PSKS resources per desa (E2SFCA)"),
    order=310,
    filters=("categories", "period", "method", "psks"),
)
