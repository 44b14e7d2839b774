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

from geomap.render.area import Area
from geomap.render.assets import MAP_CSS, MAP_JS, LocalFigure, links
from geomap.render.strings import text
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


def map_page(*, area: Area, layers: list[tuple[Layer, LayerUrls]], lang: str,
             lang_switch_url: str, areas_url: str, nonce: str,
             static_url: Callable[[str], str], basemap: Basemap | None) -> str:
    """The HTML of the map of ``area`` with ``layers`` (those the viewer may see)."""
    title = f"{area.name or text('landing.all', lang)} · {text('map.title', lang)} · geomap"
    figure = LocalFigure(title=title, lang=lang, static_url=static_url, nonce=nonce)
    icon = static_url("geomap/favicon.svg")
    figure.header.add_child(Element(f'<link rel="icon" type="image/svg+xml" href="{icon}">'),
                            name="icon")
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
        "links": {"areas": areas_url, "lang": lang_switch_url},
        "texts": {key: text(key, lang) for key in (
            "map.legend", "map.areas", "lang.switch", "map.load_failed")},
    }).add_to(fmap)
    return figure.render()
