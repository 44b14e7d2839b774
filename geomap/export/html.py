"""A standalone interactive map: one HTML file that opens offline, from a USB stick.

folium makes the page (the map, the GeoJSON layer with its tooltips), as it does the
app's map pages; here every asset is *inlined* instead of linked: Leaflet's script
and style sheet (the copies ``scripts/vendor-assets.sh`` vendored, with the style
sheet's images as ``data:`` URIs), the aggregated layer as GeoJSON, and the legend.
The file asks for nothing when opened: no CDN, no tiles (no basemap), no fonts.

The data is what the print map shows (the same count table, classes and colours as
``geomap.export.page``): polygons of desa or kecamatan with their published label
("<5" for a planner) and class. Never case points or personal data.
"""

from __future__ import annotations

import base64
import html
import json
import re
from pathlib import Path

import folium
from branca.element import Element

from geomap.analysis.area import load_area
from geomap.analysis.choropleth import MEASURE_NAMES, choropleth
from geomap.analysis.counts import count_table
from geomap.config import PROJECT_ROOT
from geomap.export.data import WGS84, choropleth_frame
from geomap.export.page import EDGE_DESA, EMPTY_COLOUR, HIDDEN_COLOUR, class_colours
from geomap.export.source import LAYER_TITLES, polygons

LEAFLET = PROJECT_ROOT / "server" / "static" / "vendor" / "leaflet"
HTML_SIMPLIFY_DEG = 0.0001  # about 10 m: invisible at the zoom a desa fills the screen
_CSS_URL = re.compile(r"url\((['\"]?)(images/[A-Za-z0-9_.-]+\.png)\1\)")


class MissingAssets(RuntimeError):
    """Leaflet is not vendored (``scripts/vendor-assets.sh`` has not run)."""


def _leaflet() -> tuple[str, str]:
    """Leaflet's script and its style sheet with every image inlined."""
    try:
        script = (LEAFLET / "leaflet.js").read_text(encoding="utf-8")
        css = (LEAFLET / "leaflet.css").read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise MissingAssets("Leaflet belum divendor (scripts/vendor-assets.sh) / Leaflet is "
                            "not vendored (scripts/vendor-assets.sh)") from exc

    def inline(match: re.Match) -> str:
        data = base64.b64encode((LEAFLET / match.group(2)).read_bytes()).decode()
        return f"url(data:image/png;base64,{data})"

    # A "</script>" inside the code would end the element early; Leaflet has none, but
    # the escape costs nothing.
    return script.replace("</script", "<\\/script"), _CSS_URL.sub(inline, css)


def _layer(conn, req):
    """The units (EPSG:4326) with ``colour``, and the legend as (colour, label) pairs."""
    area = load_area(conn, req.where.area)
    if req.layer == "boundaries":
        units = polygons(conn, area.code, "desa", WGS84, simplify=HTML_SIMPLIFY_DEG)
        units = units[["code", "name", "geometry"]].copy()
        units["colour"] = EMPTY_COLOUR
        return area, units, [], LAYER_TITLES["boundaries"]
    level = "kecamatan" if req.layer == "choropleth-kecamatan" else "desa"
    table = count_table(conn, req.where, suppress=req.suppress)
    layer = choropleth(table, level, req.method, req.k)  # type: ignore[arg-type]
    units = choropleth_frame(conn, table, layer, area, simplify=HTML_SIMPLIFY_DEG)
    palette = class_colours(len(layer.classes.labels))
    units["colour"] = [palette[c] if c >= 0 else HIDDEN_COLOUR for c in units["class"]]
    legend = list(zip(palette, layer.classes.labels, strict=True))
    if layer.hidden_label:
        legend.append((HIDDEN_COLOUR, layer.hidden_label))
    keep = ["code", "name", "cases", "class", "class_label", "colour", "geometry"]
    return area, units[keep], legend, f"{LAYER_TITLES[req.layer]} · {MEASURE_NAMES[layer.measure]}"


def _legend_html(title: str, subtitle: str, legend: list[tuple[str, str]], note: str) -> str:
    rows = "".join(
        f'<div class="gm-entry"><span class="gm-swatch" style="background:{colour}"></span>'
        f"{html.escape(label)}</div>" for colour, label in legend)
    return (f'<div class="gm-legend" id="geomap-legend"><h1>{html.escape(title)}</h1>'
            f"<p>{html.escape(subtitle)}</p>{rows}<p class=\"gm-note\">{html.escape(note)}</p>"
            "</div>")


_STYLE = """<style>
html, body {margin: 0; height: 100%; font-family: "DejaVu Sans", Arial, sans-serif;}
.gm-legend {position: fixed; z-index: 1000; right: 10px; bottom: 20px; max-width: 300px;
  background: rgba(255,255,255,0.92); padding: 8px 10px; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0,0,0,0.3); font-size: 12px;}
.gm-legend h1 {font-size: 14px; margin: 0 0 4px;}
.gm-legend p {margin: 0 0 6px; color: #404040;}
.gm-entry {display: flex; align-items: center; gap: 6px; margin: 2px 0;}
.gm-swatch {display: inline-block; width: 18px; height: 12px; border: 1px solid #8c8c8c;}
.gm-note {font-size: 10px; margin-top: 6px !important;}
</style>"""


def write_html(conn, req, out: Path) -> dict:
    """Write the page; returns its feature count and size."""
    area, units, legend, title = _layer(conn, req)
    west, south, east, north = units.total_bounds if len(units) else area.geom.bounds
    fmap = folium.Map(location=((south + north) / 2, (west + east) / 2), zoom_start=10,
                      tiles=None, control_scale=True, prefer_canvas=False)
    fmap.default_js, fmap.default_css = [], []  # inlined below instead of CDN links
    script, css = _leaflet()
    root = fmap.get_root()
    root.header.add_child(Element(f"<style>{css}</style>{_STYLE}"), name="leaflet_css_inline")
    root.header.add_child(Element(f"<script>{script}</script>"), name="leaflet_js_inline")
    root.title = html.escape(req.title or title)  # type: ignore[attr-defined]
    tooltip_fields = ["name", "cases", "class_label"] if "cases" in units else ["name"]
    # folium's tooltip puts the values in as HTML: they are escaped here, so a region
    # name is only ever text (as on the app's pages).
    shown = units.copy()
    for field in tooltip_fields:
        shown[field] = [html.escape(str(v)) for v in shown[field]]
    geojson = json.loads(shown.to_json(drop_id=True))
    folium.GeoJson(
        geojson, name=title,
        style_function=lambda f: {"fillColor": f["properties"]["colour"], "color": EDGE_DESA,
                                  "weight": 0.6, "fillOpacity": 0.75},
        highlight_function=lambda f: {"weight": 2, "color": "#252525"},
        tooltip=folium.GeoJsonTooltip(fields=tooltip_fields,
                                      aliases=["Nama / Name", "Kasus / Cases",
                                               "Kelas / Class"][:len(tooltip_fields)]),
    ).add_to(fmap)
    fmap.fit_bounds([[south, west], [north, east]])
    note = "Sumber / Source: geomap (Dinas Sosial); batas wilayah Kemendagri."
    if req.suppress and req.layer != "boundaries":
        note += ' Jumlah kecil ditampilkan "<5" / small counts shown as "<5".'
    subtitle = f"{area.name} ({area.code})"
    root.html.add_child(Element(_legend_html(req.title or title, subtitle, legend, note)))
    page = root.render()
    external = re.findall(r"""<(?:script|link|img)\b[^>]*(?:src|href)=["'](?:https?:)?//[^"']+""",
                          page)
    if external:  # folium added an asset link: the file would not open offline
        raise MissingAssets(f"external asset in the page: {external[0][:80]}")
    out.write_text(page, encoding="utf-8")
    return {"layer": req.layer, "features": len(units), "bytes": out.stat().st_size,
            "suppressed": req.suppress}
