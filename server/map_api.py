"""The overlays' data: ``GET /api/map/<overlay>.json`` for the map page.

``?area=32.04&categories=KM,AT&from=2025-01-01&to=2025-12-31&level=desa&method=quantiles&k=5``
(every parameter optional). The answer is what the overlay's ``build`` returns
(``layers/overlays``), plus the overlay's name and kind, the area drawn and the filter
and period as text, so the legend can say what the figures are.

Who may ask is the overlay's ``roles`` (401 when not logged in, 403 when the role may
not). The area is the page's, narrowed by the area rule to the caller's own
(:func:`geomap.area.narrow`: a tksk asking for its kabupaten gets its kecamatan; an
area beside the caller's is 404, as if it did not exist). Bad parameters are 400 with a
bilingual reason.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from datetime import date

import psycopg
from flask import Blueprint, Response, abort, current_app, request
from werkzeug.exceptions import BadRequest

from geomap import area as area_rule
from geomap.analysis.classify import METHODS
from geomap.analysis.filters import CaseFilter, FilterError
from geomap.analysis.privacy import suppress_below
from geomap.config import settings
from geomap.render.strings import text
from geomap.sql import sql
from layers import overlays as registry
from layers.overlays import LEVELS, LINK_DEFAULTS, BadParameter, Overlay, OverlayQuery
from server.api import requested_area
from server.auth import current_user
from server.case_params import case_filter, category_code
from server.db import connection
from server.pages import language
from server.visibility import visible

bp = Blueprint("map_api", __name__, url_prefix="/api/map")

MAX_CLASSES = 9


class AnswerCache:
    """The last answers of cacheable overlays (``Overlay.cacheable``): in this process,
    and behind it in the database (``overlay_answer``), shared by every worker.

    A planner's province choropleth takes seconds (the suppression audit), and planners
    open the same views every day; an answer is kept under its query, the caller's area
    and privacy treatment, and the stamp of the data it was made from
    (``layers/overlays/stamp.sql``), so a new, deleted or re-imported row makes it miss.
    """

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self.entries: OrderedDict[tuple, bytes] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, conn: psycopg.Connection, key: tuple) -> bytes | None:
        with self.lock:
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
                return found
        row = conn.execute(sql("overlays/answer_get"), {"key": self.digest(key)}).fetchone()
        if row is None:
            return None
        self.remember(key, bytes(row[0]))
        return bytes(row[0])

    def put(self, conn: psycopg.Connection, key: tuple, value: bytes) -> None:
        conn.execute(sql("overlays/answer_put"), {"key": self.digest(key), "payload": value})
        self.remember(key, value)

    @staticmethod
    def digest(key: tuple) -> bytes:
        return hashlib.sha256(repr(key).encode()).digest()

    def remember(self, key: tuple, value: bytes) -> None:
        with self.lock:
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


ANSWERS = AnswerCache()


def cache_key(overlay: Overlay, query: OverlayQuery) -> tuple:
    resources = query.resource_stamp if overlay.uses_resources else ()
    return (current_app.config["DATABASE_URL"], overlay.name, query.area, query.suppressed,
            suppress_below(), query.lang,
            tuple(sorted(request.args.items(multi=True))), query.case_stamp, resources)


def visible_overlay(name: str) -> Overlay:
    """The overlay ``name`` if the caller may see it: 404 / 401 / 403 otherwise."""
    return visible(name, registry.get, registry.UnknownOverlay)


def categories(value: str | None) -> tuple[str, ...] | None:
    """``categories=KM,AT`` as PMKS codes (names and numbers work too); None for all."""
    raw = (value or "").strip()
    if raw.lower() in ("", "all", "semua"):
        return None
    return tuple(dict.fromkeys(category_code(part) for part in raw.split(",") if part.strip()))


def choice(name: str, allowed: tuple[str, ...], default: str) -> str:
    value = (request.args.get(name) or "").strip() or default
    if value not in allowed:
        raise BadRequest(f"parameter {name}: pilih salah satu / choose one of: "
                         f"{', '.join(allowed)}")
    return value


def classes() -> int:
    value = (request.args.get("k") or "").strip() or LINK_DEFAULTS["k"]
    if not value.isdigit() or not 2 <= int(value) <= MAX_CLASSES:
        raise BadRequest(f"parameter k: jumlah kelas 2-{MAX_CLASSES} / number of classes "
                         f"2-{MAX_CLASSES}")
    return int(value)


def drawn_area() -> str:
    """The page's area narrowed to the caller's (the area rule); 404 for one beside it."""
    asked = requested_area()
    user = current_user()
    if user is None:  # an overlay for visitors: the area asked, else the default
        return asked or settings().default_area
    try:
        area = area_rule.narrow(user, asked)
    except PermissionError:
        abort(404)
    return area or settings().default_area


def period_text(date_from: date | None, date_to: date | None, lang: str) -> str:
    """The period in words, for the legend."""
    if date_from and date_to:
        return text("overlay.period.between", lang).format(date_from.isoformat(),
                                                           date_to.isoformat())
    if date_from:
        return text("overlay.period.from", lang).format(date_from.isoformat())
    if date_to:
        return text("overlay.period.to", lang).format(date_to.isoformat())
    return text("overlay.period.all", lang)


def overlay_query(conn) -> OverlayQuery:
    area = drawn_area()
    parsed = case_filter(request.args)  # from, to (and the generic checks), 400 if bad
    try:
        cases = CaseFilter(area, categories(request.args.get("categories")),
                           parsed.date_from, parsed.date_to)
    except FilterError as exc:
        raise BadRequest(str(exc)) from None
    level = choice("level", LEVELS, LINK_DEFAULTS["level"])
    return OverlayQuery(conn=conn, user=current_user(), area=area, cases=cases,
                        level=level,  # type: ignore[arg-type]
                        method=choice("method", METHODS, LINK_DEFAULTS["method"]),  # type: ignore[arg-type]
                        k=classes(), lang=language(), args=request.args.to_dict())


@bp.get("/<name>.json")
def overlay_json(name: str):
    """An overlay's figures for the map page.
    ---
    get:
      summary: Data lapisan tambahan peta / A map overlay's data
      operationId: getMapOverlay
      parameters:
        - OverlayName
        - Area
        - {name: categories, in: query, description: "PMKS codes, comma-separated, or all",
           schema: {type: string}}
        - {name: from, in: query, schema: {type: string, format: date}}
        - {name: to, in: query, schema: {type: string, format: date}}
        - {name: level, in: query, schema: {type: string, enum: [desa, kecamatan]}}
        - {name: method, in: query, schema: {type: string}}
        - {name: k, in: query, schema: {type: integer, minimum: 2, maximum: 9}}
        - {name: measure, in: query, description: "choropleth: count, or rate per 1,000
             residents (default: rate when population is loaded)",
           schema: {type: string, enum: [count, rate]}}
        - {name: psks, in: query, description: "resources, coverage, gap: PSKS codes,
             comma-separated, or all", schema: {type: string}}
        - {name: rows, in: query, description: "gap: rows of the ranked table (default 20)",
           schema: {type: integer, minimum: 1, maximum: 200}}
      responses:
        200: {json: Overlay, description: "the overlay's data, legend and filter"}
    """
    overlay = visible_overlay(name)
    with connection() as conn:
        query = overlay_query(conn)
        key = cache_key(overlay, query) if overlay.cacheable else None
        payload = ANSWERS.get(conn, key) if key else None
        hit = payload is not None
        if payload is None:
            try:
                body = overlay.build(query)
            except BadParameter as exc:
                raise BadRequest(str(exc)) from None
            period = period_text(query.cases.date_from, query.cases.date_to, query.lang)
            if isinstance(body.get("legend"), dict):
                body["legend"].setdefault("period", period)
            payload = current_app.json.dumps(  # as jsonify would (dates, decimals...)
                {"overlay": overlay.name, "kind": overlay.kind, "area": query.area,
                 "filter": query.cases.as_params(), "period": period,
                 "suppressed": query.suppressed, **body}).encode()
            if key:
                ANSWERS.put(conn, key, payload)
    response = Response(payload, mimetype="application/json")
    if overlay.cacheable:
        response.headers["X-Geomap-Cache"] = "hit" if hit else "miss"
    # Case points are homes: never kept by a cache; other figures briefly, by the viewer.
    response.headers["Cache-Control"] = ("private, no-store" if overlay.kind == "points"
                                         else "private, max-age=60")
    return response
