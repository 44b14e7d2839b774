"""Every script and style sheet a map page loads is served by geomap itself.

folium and its plugins name their assets (``"leaflet"``, ``"markerclusterjs"`` ...)
and point them at CDNs. :class:`LocalFigure` rewrites each one, by name, to the
copy ``scripts/vendor-assets.sh`` put under ``server/static/vendor`` (from the npm
packages in ``package.json``), drops the ones geomap does not use, and refuses
to render a page that would still load anything from another host: a page must
work with no internet, and must not tell a CDN who looks at which area.

A folium plugin (HeatMap, MarkerCluster ...) works unchanged as long as its asset
names are in :data:`VENDOR`. The overlays' own scripts are not in the page: ``map.js``
loads them when an overlay is switched on (``page.overlay_assets``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from branca.element import CssLink, Element, Figure, JavascriptLink
from jinja2 import Template

# folium's asset name -> the vendored file, relative to server/static/.
VENDOR: dict[str, str] = {
    "leaflet": "vendor/leaflet/leaflet.js",
    "leaflet_css": "vendor/leaflet/leaflet.css",
    "leaflet-heat.js": "vendor/leaflet.heat/leaflet-heat.js",
    "markerclusterjs": "vendor/leaflet.markercluster/leaflet.markercluster.js",
    "markerclustercss": "vendor/leaflet.markercluster/MarkerCluster.css",
    "markerclusterdefaultcss": "vendor/leaflet.markercluster/MarkerCluster.Default.css",
    "awesome_markers": "vendor/leaflet.awesome-markers/leaflet.awesome-markers.js",
    "awesome_markers_css": "vendor/leaflet.awesome-markers/leaflet.awesome-markers.css",
    "awesome_markers_font_css": "vendor/fontawesome/css/all.min.css",
    "vectorgrid": "vendor/leaflet.vectorgrid/Leaflet.VectorGrid.bundled.min.js",
    # geomap's own drawing code and styles.
    "geomap_js": "geomap/map.js",
    "geomap_css": "geomap/map.css",
    # What the PSKS overlays (resources, coverage, gap) share: the psks filter, styles.
    "geomap_psks_js": "geomap/psks.js",
    "geomap_psks_css": "geomap/psks.css",
    # The export dialog (issue 5), loaded by map.js on the first click of Export.
    "geomap_export_js": "geomap/export.js",
    "geomap_export_css": "geomap/export.css",
}

# What every map page loads, in place of folium's defaults: Leaflet, VectorGrid (for the
# layers that come as vector tiles) and geomap's own code. folium's other defaults
# (jQuery, Bootstrap 5 and 3's glyphicons, awesome markers, Font Awesome, the rotation
# CSS) are not used by geomap's pages and would only weigh on the first view.
MAP_JS = ("leaflet", "vectorgrid", "geomap_js")
MAP_CSS = ("leaflet_css", "geomap_css")

_OPENING_TAG = re.compile(r"<(script|style)>")


class ExternalAsset(RuntimeError):
    """A page would load a script or style sheet from outside the app."""


def asset_urls(names: tuple[str, ...], static_url: Callable[[str], str],
               ) -> dict[str, list[str]]:
    """``{"scripts": [...], "styles": [...]}``: the URLs of the vendored assets ``names``
    in their order, for map.js to load when a feature is first used (an overlay switched
    on, the export dialog opened) instead of with the page."""
    return {"scripts": [static_url(VENDOR[n]) for n in names if VENDOR[n].endswith(".js")],
            "styles": [static_url(VENDOR[n]) for n in names if VENDOR[n].endswith(".css")]}


def links(names: tuple[str, ...]) -> list[tuple[str, str]]:
    """``(name, name)`` pairs for a ``default_js``/``default_css`` list; URLs come at render."""
    return [(name, name) for name in names]


class LocalFigure(Figure):
    """A page whose assets all come from the app, whose inline code carries a CSP nonce."""

    _template = Template(
        "<!DOCTYPE html>\n"
        '<html lang="{{ this.lang }}">\n<head>\n'
        "<title>{{ this.title }}</title>\n"
        "{{ this.header.render(**kwargs) }}\n"
        "</head>\n<body>\n{{ this.html.render(**kwargs) }}\n</body>\n"
        "<script>\n{{ this.script.render(**kwargs) }}\n</script>\n</html>\n")

    def __init__(self, *, title: str, lang: str, static_url: Callable[[str], str],
                 nonce: str) -> None:
        super().__init__(title=title)
        self.lang = lang
        self.static_url = static_url
        self.nonce = nonce

    def render(self, **kwargs) -> str:
        for child in self._children.values():
            child.render(**kwargs)
        localise(self.header, self.static_url)
        html = self._template.render(this=self, kwargs=kwargs)
        # Every inline <script> and <style> here is folium's or geomap's own code (data
        # reaches the page as JSON, escaped), so each gets the request's nonce.
        return _OPENING_TAG.sub(rf'<\1 nonce="{self.nonce}">', html)


def localise(header: Element, static_url: Callable[[str], str]) -> None:
    """Point each asset link at its vendored copy; refuse any that leaves the app."""
    for name, child in header._children.items():
        if not isinstance(child, JavascriptLink | CssLink):
            continue
        if name in VENDOR:
            child.url = static_url(VENDOR[name])
        elif not child.url.startswith("/") or child.url.startswith("//"):
            raise ExternalAsset(f"{name}: {child.url}")
