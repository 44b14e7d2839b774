"""One print page of a map: title, subtitle, map, legend, scale bar, north arrow, inset
locator, source and date line, optional logo.

The map is drawn in the area's UTM zone, so the scale bar (matplotlib-scalebar, in
metres) is true everywhere on the page. Text is DejaVu Sans, which has every glyph
Indonesian needs, embedded as TrueType (``pdf.fonttype`` 42) so a PDF reader (and
``pdftotext``) finds the words. The layout is in figure fractions, one for landscape
and one for portrait, so A4 and A3 give the same page at another size.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import matplotlib
import numpy as np
import shapely

matplotlib.use("Agg")  # no display on a server

import matplotlib.pyplot as plt
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.path import Path as MplPath
from matplotlib_scalebar.scalebar import ScaleBar

from geomap.analysis.choropleth import MEASURE_NAMES, Choropleth
from geomap.analysis.classify import METHOD_NAMES
from geomap.export import overlay
from geomap.export.source import LAYER_TITLES, MapData

PAPER_MM = {"A4": (297.0, 210.0), "A3": (420.0, 297.0)}  # landscape width, height
PNG_DPI = 200
GRID_LABELS_IN = 0.4  # room left of a 3x3 legend for its axis labels, inches
# Characters across an A4 page (landscape, portrait): a longer title is set smaller, a
# longer source line wrapped; A3 takes 1.41 times as many.
TITLE_CHARS = {True: 72, False: 48}
SOURCE_CHARS = {True: 210, False: 150}
CMAP = "YlOrRd"
HIDDEN_COLOUR = "#d9d9d9"
EMPTY_COLOUR = "#f7f7f7"
EDGE_DESA = "#8c8c8c"
EDGE_KECAMATAN = "#252525"

matplotlib.rcParams.update({"font.family": "DejaVu Sans", "pdf.fonttype": 42,
                            "ps.fonttype": 42, "svg.fonttype": "none"})


class LogoError(ValueError):
    """The logo file cannot be read as an image."""


@dataclass(frozen=True)
class PageSpec:
    """How the page looks: paper, orientation, title, logo, date printed."""

    paper: str = "A4"
    orientation: str = "landscape"
    title: str | None = None
    logo: Path | None = None
    made_on: dt.date | None = None

    def size_inches(self) -> tuple[float, float]:
        w, h = PAPER_MM[self.paper]
        if self.orientation == "portrait":
            w, h = h, w
        return w / 25.4, h / 25.4

    @property
    def landscape(self) -> bool:
        return self.orientation == "landscape"


# Figure-fraction boxes [left, bottom, width, height] of each part.
_LAYOUT = {
    True: {"map": [0.03, 0.08, 0.68, 0.76], "legend": [0.73, 0.08, 0.25, 0.42],
           "inset": [0.75, 0.53, 0.21, 0.30], "logo": [0.88, 0.88, 0.10, 0.10],
           "title_y": 0.94, "subtitle_y": 0.895, "source_y": 0.03},
    False: {"map": [0.05, 0.30, 0.90, 0.56], "legend": [0.05, 0.06, 0.50, 0.22],
            "inset": [0.62, 0.07, 0.33, 0.21], "logo": [0.84, 0.925, 0.12, 0.065],
            "title_y": 0.955, "subtitle_y": 0.925, "source_y": 0.025},
}


def class_colours(n: int) -> list[str]:
    """``n`` sequential colours, light (few cases) to dark (many)."""
    if n <= 0:
        return []
    cmap = colormaps[CMAP]
    return [matplotlib.colors.to_hex(cmap(0.15 + 0.8 * i / max(n - 1, 1))) for i in range(n)]


def _fill(units: gpd.GeoDataFrame, layer: Choropleth | None,
          printed: overlay.PrintLayer | None = None) -> list[str]:
    if printed is not None:
        return [printed.fills.get(code, EMPTY_COLOUR) for code in units["code"].tolist()]
    if layer is None or "cls" not in units:
        return [EMPTY_COLOUR] * len(units)
    palette = class_colours(len(layer.classes.labels))
    return [palette[c] if c >= 0 else HIDDEN_COLOUR for c in units["cls"].tolist()]


def legend_handles(data: MapData) -> tuple[list, str]:
    """The legend entries and title: one patch per class (its label states the bounds),
    the suppressed entry for a planner, then the boundary lines."""
    handles: list = []
    title = LAYER_TITLES[data.layer]
    layer = data.layer_data
    if data.overlay is not None:
        handles += overlay.legend_handles(data.overlay)
        title = data.overlay.legend["title"]
    elif layer is not None:
        palette = class_colours(len(layer.classes.labels))
        handles += [Patch(facecolor=c, edgecolor=EDGE_DESA, label=label)
                    for c, label in zip(palette, layer.classes.labels, strict=True)]
        if layer.hidden_label:
            handles.append(Patch(facecolor=HIDDEN_COLOUR, edgecolor=EDGE_DESA,
                                 label=layer.hidden_label))
        title = f"{MEASURE_NAMES[layer.measure]}\n{METHOD_NAMES[layer.classes.method]}"
    handles += [Line2D([], [], color=EDGE_KECAMATAN, lw=1.2,
                       label="Batas kecamatan / Kecamatan boundary"),
                Line2D([], [], color=EDGE_DESA, lw=0.5, label="Batas desa / Desa boundary")]
    return handles, title


def polygon_paths(geoms: np.ndarray) -> list[MplPath]:
    """One compound matplotlib path per (multi)polygon, built with array operations.

    Why not ``GeoDataFrame.plot``: it redraws the whole figure after every call
    (``draw_idle``), which on an Agg canvas is a full render, several per page.
    """
    geoms = np.asarray(geoms, dtype=object)
    parts, part_of = shapely.get_parts(geoms, return_index=True)
    rings, ring_of = shapely.get_rings(parts, return_index=True)
    coords, vertex_ring = shapely.get_coordinates(rings, return_index=True)
    codes = np.full(len(coords), MplPath.LINETO, dtype=MplPath.code_type)
    change = vertex_ring[1:] != vertex_ring[:-1]
    codes[np.r_[True, change]] = MplPath.MOVETO
    codes[np.r_[change, True]] = MplPath.CLOSEPOLY
    per_geom = np.bincount(part_of[ring_of[vertex_ring]], minlength=len(geoms))
    cuts = np.cumsum(per_geom)[:-1]
    return [MplPath(v, c) for v, c in zip(np.split(coords, cuts), np.split(codes, cuts),
                                          strict=True)]


def draw_polygons(ax: Axes, geoms: np.ndarray, *, facecolor: object = "none",
                  edgecolor: str = EDGE_DESA, linewidth: float = 0.25,
                  zorder: float = 1) -> PathCollection:
    collection = PathCollection(polygon_paths(geoms), facecolors=facecolor,
                                edgecolors=edgecolor, linewidths=linewidth, zorder=zorder)
    collection.set_transform(ax.transData)
    ax.add_collection(collection, autolim=False)
    return collection


def draw_map(ax: Axes, data: MapData, extent: tuple[float, float, float, float] | None = None,
             labels: gpd.GeoDataFrame | None = None) -> None:
    """The polygons, boundaries and labels on ``ax``, zoomed to ``extent`` (x0, y0, x1, y1)."""
    desa, kec = data.desa, data.kecamatan
    if extent is not None:
        x0, y0, x1, y1 = extent
        desa, kec = desa.cx[x0:x1, y0:y1], kec.cx[x0:x1, y0:y1]
    if data.layer == "choropleth-kecamatan":
        draw_polygons(ax, kec.geometry.values, facecolor=_fill(kec, data.layer_data),
                      edgecolor="none", linewidth=0)
        draw_polygons(ax, desa.geometry.values, linewidth=0.2)
    else:
        draw_polygons(ax, desa.geometry.values,
                      facecolor=_fill(desa, data.layer_data, data.overlay))
    if data.overlay is not None:
        overlay.draw(ax, data.overlay, kec, draw_polygons)
    draw_polygons(ax, kec.geometry.values, edgecolor=EDGE_KECAMATAN, linewidth=0.8, zorder=2)
    if labels is not None and len(labels):
        points = labels.representative_point()
        for x, y, name in zip(points.x, points.y, labels["name"], strict=True):
            ax.annotate(name, (x, y), ha="center", va="center", fontsize=5, color="#111111",
                        bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none",
                              "alpha": 0.6}, annotation_clip=True)
    bounds = extent or tuple(data.units.total_bounds)
    _zoom(ax, bounds)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(0.6)
    ax.add_artist(ScaleBar(1.0, units="m", location="lower left", length_fraction=0.22,
                           box_alpha=0.8, font_properties={"size": 7}))
    _north_arrow(ax)


def _zoom(ax: Axes, bounds: tuple[float, ...], pad: float = 0.04) -> None:
    """Show ``bounds`` at one scale on both axes, widened to fill the axes' box."""
    x0, y0, x1, y1 = bounds
    w, h = max(x1 - x0, 1.0) * (1 + 2 * pad), max(y1 - y0, 1.0) * (1 + 2 * pad)
    box = ax.get_position()
    fw, fh = ax.figure.get_size_inches()
    ratio = (box.height * fh) / (box.width * fw)  # height / width of the box on paper
    w, h = max(w, h / ratio), max(h, w * ratio)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    ax.set_xlim(cx - w / 2, cx + w / 2)
    ax.set_ylim(cy - h / 2, cy + h / 2)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel("")
    ax.set_ylabel("")


def _north_arrow(ax: Axes) -> None:
    # UTM grid north is within a degree of true north over Indonesia: good for print.
    ax.annotate("U / N", xy=(0.96, 0.97), xytext=(0.96, 0.86), xycoords="axes fraction",
                ha="center", va="center", fontsize=8, fontweight="bold",
                arrowprops={"facecolor": "black", "width": 3, "headwidth": 9,
                            "headlength": 9})


def draw_inset(ax: Axes, shapes: gpd.GeoDataFrame, frame: tuple[float, ...] | None) -> None:
    """The locator: the wider region in grey, ours in red, the map's frame as a box."""
    if len(shapes):
        draw_polygons(ax, shapes.geometry.values, edgecolor="#737373", linewidth=0.3,
                      facecolor=np.where(shapes["is_area"].to_numpy(bool), "#fb6a4a",
                                         "#e5e5e5").tolist())
        x0, y0, x1, y1 = shapes.total_bounds
        if frame is not None:
            ax.add_patch(matplotlib.patches.Rectangle(
                (frame[0], frame[1]), frame[2] - frame[0], frame[3] - frame[1],
                fill=False, edgecolor="#67000d", linewidth=0.8))
            x0, y0 = min(x0, frame[0]), min(y0, frame[1])
            x1, y1 = max(x1, frame[2]), max(y1, frame[3])
        _zoom(ax, (x0, y0, x1, y1), pad=0.05)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title("Lokasi / Location", fontsize=7)


def _legend(fig: Figure, box: list[float], data: MapData) -> None:
    """The layer's legend in ``box``, as the map page shows it: title, entries, the
    overlay's notes; a bivariate overlay's 3x3 grid first (above, or left when the box
    is wide), the rest after it."""
    handles, title = legend_handles(data)
    printed = data.overlay
    left, bottom, width, height = box
    if printed is not None and printed.bivariate:
        fw, fh = fig.get_size_inches()
        wide = width * fw > height * fh
        side = min(height * 0.5 if not wide else height * 0.62, width * 0.5 * fw / fh)
        top = bottom + height - 0.03
        fig.text(left, bottom + height, title, fontsize=8, va="top")
        overlay.draw_grid(fig.add_axes([left + GRID_LABELS_IN / fw, top - side,
                                        side * fh / fw, side]), printed)
        title = None
        if wide:
            shift = side * fh / fw + 0.06
            left, width = left + shift, width - shift
        else:
            height = height - side - 0.07
    if printed is not None:
        handles += [Patch(facecolor="none", edgecolor="none", label=note)
                    for note in overlay.notes(printed)]
    legend_ax = fig.add_axes([left, bottom, width, height])
    legend_ax.set_axis_off()
    # A long legend (twelve PSKS categories on a portrait page) is set smaller to fit its
    # box: each entry takes 1.2 em a line and 0.5 em between entries, the title ~1.7 em.
    ems = 1.7 + sum(1.2 * (h.get_label().count("\n") + 1) + 0.5 for h in handles)
    size = max(5.0, min(7.5, height * fig.get_figheight() * 72 / ems))
    legend_ax.legend(handles=handles, title=title, loc="upper left", fontsize=size,
                     title_fontsize=min(8.0, size + 0.5), frameon=False, alignment="left")


def _logo(fig: Figure, box: list[float], path: Path) -> None:
    try:
        image = plt.imread(path)
    except (OSError, ValueError, SyntaxError) as exc:
        raise LogoError("logo tidak dapat dibaca (PNG/JPEG) / the logo cannot be read "
                        "(PNG/JPEG)") from exc
    ax = fig.add_axes(box)
    ax.imshow(image)
    ax.set_axis_off()


def source_line(data: MapData, made_on: dt.date) -> str:
    text = (f"Sumber / Source: data PMKS dan PSKS Dinas Sosial (geomap); batas wilayah "
            f"Kemendagri. Dibuat / Made {made_on:%d-%m-%Y}.")
    if data.suppressed and data.layer != "boundaries":
        t = data.table.threshold if data.table is not None else 5
        text += (f" Jumlah 1–{t - 1} ditampilkan \"<{t}\" / counts 1–{t - 1} shown as "
                 f"\"<{t}\".")
    return text


def render(data: MapData, spec: PageSpec, *, title: str | None = None,
           subtitle: str | None = None, extent: tuple[float, float, float, float] | None = None,
           labels: gpd.GeoDataFrame | None = None,
           inset: gpd.GeoDataFrame | None = None) -> Figure:
    """The page as a matplotlib figure (the caller saves and closes it)."""
    box = _LAYOUT[spec.landscape]
    fig = plt.figure(figsize=spec.size_inches())
    heading = title or spec.title or LAYER_TITLES[data.layer]
    fits = TITLE_CHARS[spec.landscape] * PAPER_MM[spec.paper][1] / 210  # of 17 pt
    fig.text(0.03 if spec.landscape else 0.05, box["title_y"], heading,
             fontsize=max(10.0, min(17.0, 17.0 * fits / max(len(heading), 1))),
             fontweight="bold", va="center")
    fig.text(0.03 if spec.landscape else 0.05, box["subtitle_y"], subtitle or data.subtitle(),
             fontsize=9.5, color="#404040", va="center")
    ax = fig.add_axes(box["map"])
    draw_map(ax, data, extent, labels)
    frame = (*ax.get_xlim(), *ax.get_ylim())
    draw_inset(fig.add_axes(box["inset"]), data.locator if inset is None else inset,
               (frame[0], frame[2], frame[1], frame[3]))
    _legend(fig, box["legend"], data)
    fig.text(0.03 if spec.landscape else 0.05, box["source_y"],
             textwrap.fill(source_line(data, spec.made_on or dt.date.today()),
                           int(SOURCE_CHARS[spec.landscape] * PAPER_MM[spec.paper][1] / 210)),
             fontsize=6.5, color="#505050", va="center")
    if spec.logo is not None:
        _logo(fig, box["logo"], spec.logo)
    return fig


def save(fig: Figure, out: Path | str, fmt: str, title: str) -> None:
    """Write the page as PDF (vector) or PNG (``PNG_DPI``) and free the figure."""
    try:
        if fmt == "pdf":
            fig.savefig(out, format="pdf", metadata={"Title": title, "Creator": "geomap"})
        else:
            fig.savefig(out, format="png", dpi=PNG_DPI)
    finally:
        plt.close(fig)
