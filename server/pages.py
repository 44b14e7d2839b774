"""The pages people open: ``/`` (choose an area) and ``/map?area=32.04`` (its map).

The language is Bahasa Indonesia unless the visitor chose English with
``?lang=en``; the choice is kept in a cookie so every later page follows it.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    render_template,
    request,
    send_from_directory,
    url_for,
)

from geomap import taxonomy
from geomap.analysis.classify import METHOD_NAMES
from geomap.config import settings
from geomap.render import area as areas
from geomap.render.page import Basemap, LayerUrls, OverlayPanel, map_page
from geomap.render.strings import DEFAULT_LANGUAGE, LANGUAGES, TEXTS, both, text
from geomap.sql import sql
from layers.overlays import pick, visible_overlays
from layers.registry import Layer, visible_layers
from server import exports
from server.db import connection
from server.security import nonce
from server.visibility import viewer_role

bp = Blueprint("pages", __name__)

LANG_COOKIE = "geomap_lang"
LANG_COOKIE_AGE = 365 * 24 * 3600


def language() -> str:
    """The page language: ``?lang=`` first, then the cookie, else Bahasa Indonesia."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        g.lang_chosen = asked
        return asked
    kept = request.cookies.get(LANG_COOKIE)
    return kept if kept in LANGUAGES else DEFAULT_LANGUAGE


@bp.after_app_request
def keep_language(response: Response) -> Response:
    if chosen := g.get("lang_chosen"):
        response.set_cookie(LANG_COOKIE, chosen, max_age=LANG_COOKIE_AGE, httponly=True,
                            samesite="Lax", secure=request.is_secure)
    return response


def switch_url(lang: str) -> str:
    """This page in the other language."""
    other = "en" if lang == "id" else "id"
    return url_for(request.endpoint, **{**request.args.to_dict(), **(request.view_args or {}),
                                        "lang": other})


def layer_urls(layer: Layer, area: str | None) -> LayerUrls:
    from server.tiles import tile_template

    query = {"area": area} if area else {}
    data = (tile_template(layer.name, area) if layer.output == "mvt"
            else url_for("layers_api.geojson", name=layer.name, **query))
    labels = (url_for("layers_api.labels", name=layer.name, **query)
              if layer.label_field else None)
    return LayerUrls(data, labels)


def overlay_panel(lang: str) -> OverlayPanel:
    """The overlays the viewer may see, with the filter panel's choices."""
    return OverlayPanel(
        overlays=[(o, url_for("map_api.overlay_json", name=o.name))
                  for o in visible_overlays(viewer_role())],
        categories=[(c.code, c.name_en if lang == "en" else c.name_id)
                    for c in taxonomy.pmks()],
        methods=[(key, pick(name, lang)) for key, name in METHOD_NAMES.items()])


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for it on pages that name no icon (error pages, other blueprints')."""
    return send_from_directory(current_app.static_folder, "geomap/favicon.svg",
                               mimetype="image/svg+xml", max_age=86400)


@bp.get("/")
def landing():
    lang = language()
    with connection() as conn:
        rows = conn.execute(sql("output/areas")).fetchall()
    default = settings().default_area
    choices = [{"code": code, "name": name, "level": text(f"level.{level}", lang),
                "parent": parent, "depth": ("province", "kabupaten", "kecamatan").index(level)}
               for code, name, level, _kind, parent in rows]
    selected = default if any(c["code"] == default for c in choices) else None
    return render_template("landing.html", lang=lang, t={k: v(lang) for k, v in TEXTS.items()},
                           choices=choices, selected=selected, switch_url=switch_url(lang))


@bp.get("/map")
def map_view():
    lang = language()
    try:
        code = areas.parse(request.args.get("area", settings().default_area))
    except areas.BadArea:
        abort(400, description=both("error.bad_area"))
    with connection() as conn:
        try:
            area = areas.find(conn, code)
        except areas.UnknownArea:
            abort(404, description=both("error.unknown_area"))
    config = settings()
    basemap = (Basemap(config.basemap_url, config.basemap_attribution)
               if config.basemap_url else None)
    html = map_page(
        area=area, lang=lang, nonce=nonce(), basemap=basemap,
        layers=[(layer, layer_urls(layer, area.code)) for layer in visible_layers(viewer_role())],
        lang_switch_url=switch_url(lang), areas_url=url_for("pages.landing"),
        static_url=lambda path: url_for("static", filename=path),
        panel=overlay_panel(lang), export_label=exports.button_label(lang))
    return Response(html, mimetype="text/html")
