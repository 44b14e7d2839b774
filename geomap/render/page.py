"""The map page: a folium map of one area whose layers geomap's own script draws.

folium makes the page (the map, its view, the basemap, the assets); the layers are
fetched by ``server/static/geomap/map.js`` from the layer API and tile endpoints,
so the page itself stays small whatever the area, and a layer's data is only sent
to a viewer allowed to see it. What the script needs (layer URLs, styles, legend,
texts) reaches it as one JSON object, escaped for a ``<script>`` element.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import folium
from branca.element import Element, MacroElement
from jinja2 import Template
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from geomap.config import PROJECT_ROOT
from geomap.render.area import Area
from geomap.render.assets import MAP_CSS, MAP_JS, LocalFigure, asset_urls, links
from geomap.render.strings import text
from layers.overlays import LINK_DEFAULTS, Overlay
from layers.registry import Layer


@dataclass(frozen=True)
class LayerUrls:
    """Where the browser fetches a layer: GeoJSON or a tile template, and its labels."""

    data: str
    labels: str | None


@dataclass(frozen=True)
class Basemap:
    """A raster tile layer under the boundaries (an office's tile server, or OSM online)."""

    url: str
    attribution: str


@dataclass(frozen=True)
class OverlayPanel:
    """The overlays the viewer may see (with their data URL) and the filter panel's choices."""

    overlays: list[tuple[Overlay, str]]
    categories: list[tuple[str, str]]  # PMKS (code, name) in the page's language
    methods: list[tuple[str, str]]     # classification (key, name)


class GeomapLayers(MacroElement):
    """Hands the map to ``geomap.start`` with the page's layers, legend and texts."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            geomap.start({{ this._parent.get_name() }}, {{ this.config }});
        {% endmacro %}
    """)

    def __init__(self, config: dict) -> None:
        super().__init__()
        self._name = "GeomapLayers"
        self.config = Markup(htmlsafe_json_dumps(config))


def layer_config(layer: Layer, urls: LayerUrls, lang: str) -> dict:
    """What ``map.js`` needs to draw ``layer``."""
    return {
        "name": layer.name,
        "title": layer.title(lang),
        "output": layer.output,
        "url": urls.data,
        "labels_url": urls.labels,
        "label_min_zoom": layer.label_min_zoom,
        "style": layer.style.leaflet(),
        "legend": [{"label": entry.label(lang), "style": entry.style.leaflet()}
                   for entry in layer.legend],
        "tooltip_fields": list(layer.tooltip_fields),
        "zoom_on_click": layer.zoom_on_click,
        "show": layer.show,
        "id_field": layer.id_field,
    }


def overlay_assets(overlay: Overlay, static_url: Callable[[str], str]) -> dict[str, list[str]]:
    """The overlay's scripts and style sheets, its vendored libraries then its drawing code:
    map.js loads them when the overlay is first switched on, not with the page (most
    overlays are off in most views)."""
    assets = asset_urls(overlay.vendor, static_url)
    assets["scripts"].append(static_url(overlay.script))
    return assets


def overlay_config(overlay: Overlay, url: str, static_url: Callable[[str], str],
                   lang: str) -> dict:
    """What ``map.js`` needs to offer ``overlay`` (its data comes from ``url``)."""
    return {"name": overlay.name, "title": overlay.title(lang), "kind": overlay.kind,
            "url": url, "assets": overlay_assets(overlay, static_url), "show": overlay.show,
            "filters": list(overlay.filters),
            "description": overlay.description(lang) if overlay.description else None}


def panel_config(panel: OverlayPanel, static_url: Callable[[str], str], lang: str) -> dict:
    return {"overlays": [overlay_config(o, url, static_url, lang) for o, url in panel.overlays],
            "categories": [{"code": c, "name": n} for c, n in panel.categories],
            "methods": [{"key": k, "name": n} for k, n in panel.methods],
            "levels": [{"key": k, "name": text(f"level.{k}", lang)}
                       for k in ("desa", "kecamatan")]}


# The map page's first script, inlined at the top of <head>: the link's rules
# (maplink.js, which map.js uses too), then early.js, which starts the requests of the
# overlays on and the GeoJSON layers before Leaflet and the other scripts have loaded
# (read their headers).
EARLY_JS = "\n".join(
    (PROJECT_ROOT / "server" / "static" / "geomap" / name).read_text(encoding="utf-8")
    for name in ("maplink.js", "early.js"))


def early_requests(area: Area, lang: str, layers: list[tuple[Layer, LayerUrls]],
                   panel: OverlayPanel | None, static_url: Callable[[str], str]) -> Element:
    """``maplink.js`` and ``early.js`` inlined, after early.js's config
    (``geomapEarlyConfig``)."""
    config = {
        "area": area.code, "lang": lang, "defaults": LINK_DEFAULTS,
        "layers": [{"name": layer.name, "url": urls.data} for layer, urls in layers
                   if layer.output != "mvt"],
        "overlays": [{"name": o.name, "url": url, "show": o.show, "filters": list(o.filters),
                      "assets": overlay_assets(o, static_url)}
                     for o, url in (panel.overlays if panel else [])],
    }
    # Element's text is a Jinja template: raw, so no brace in the code or data is read.
    return Element(f"{{% raw %}}<script>\nwindow.geomapEarlyConfig = "
                   f"{htmlsafe_json_dumps(config)};\n{EARLY_JS}</script>{{% endraw %}}")


OVERLAY_TEXTS = ("overlay.filters", "overlay.categories", "overlay.all", "overlay.from",
                 "overlay.to", "overlay.level", "overlay.method", "overlay.k", "overlay.reset",
                 "overlay.total", "overlay.rate", "overlay.loading",
                 "overlay.measure", "overlay.measure.auto")


def map_page(*, area: Area, layers: list[tuple[Layer, LayerUrls]], lang: str,
             lang_switch_url: str, areas_url: str, nonce: str,
             static_url: Callable[[str], str], basemap: Basemap | None,
             panel: OverlayPanel | None = None, export_label: str | None = None) -> str:
    """The HTML of the map of ``area`` with ``layers`` (those the viewer may see); with
    ``export_label``, the Export button (for a viewer who may export)."""
    title = f"{area.name or text('landing.all', lang)} · {text('map.title', lang)} · geomap"
    figure = LocalFigure(title=title, lang=lang, static_url=static_url, nonce=nonce)
    icon = static_url("geomap/favicon.svg")
    figure.header.add_child(Element(f'<link rel="icon" type="image/svg+xml" href="{icon}">'),
                            name="icon")
    figure.header.add_child(early_requests(area, lang, layers, panel, static_url),
                            name="geomap_early")
    west, south, east, north = area.bounds
    fmap = folium.Map(location=((south + north) / 2, (west + east) / 2), zoom_start=10,
                      tiles=None, control_scale=True, min_zoom=5, max_zoom=19)
    # Only the app's own assets, never folium's CDN defaults (see geomap.render.assets).
    fmap.default_js = links(MAP_JS)
    fmap.default_css = links(MAP_CSS)
    figure.add_child(fmap)
    if basemap is not None:
        folium.TileLayer(basemap.url, attr=basemap.attribution or " ",
                         name=text("map.basemap", lang), max_zoom=19).add_to(fmap)
    GeomapLayers({
        "lang": lang,
        # The script fits the map to the area (without animation, which would end after
        # a view taken from the link), or shows the view the link names.
        "area": {"code": area.code, "name": area.name, "loaded": area.loaded,
                 "bounds": [[south, west], [north, east]]},
        "layers": [layer_config(layer, urls, lang) for layer, urls in layers],
        # The overlays this viewer may see (none for visitors) and the filter panel.
        "panel": panel_config(panel, static_url, lang) if panel and panel.overlays else None,
        "links": {"areas": areas_url, "lang": lang_switch_url},
        # The Export button; its dialog (export.js, export.css) loads on the first click.
        "export": {"label": export_label,
                   "assets": asset_urls(("geomap_export_js", "geomap_export_css"), static_url)}
        if export_label else None,
        "texts": {key: text(key, lang) for key in (
            "map.legend", "map.areas", "lang.switch", "map.load_failed", *OVERLAY_TEXTS)},
    }).add_to(fmap)
    # No overlay's scripts and no export dialog here: map.js loads them when needed.
    return figure.render()
