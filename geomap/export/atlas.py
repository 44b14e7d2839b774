"""The atlas: one page per kecamatan of the chosen layer, in one PDF.

Loaded once (one count table, one classification over the whole area), drawn per
kecamatan: every page shares the legend's classes, so a colour means the same on
page 1 and page 31. Each page zooms to its kecamatan, names its desa, shows the
neighbouring desa around it, and its inset is the kabupaten with this kecamatan marked.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.backends.backend_pdf import PdfPages

from geomap.export.page import PageSpec, render
from geomap.export.source import LAYER_TITLES, MapData


def write_atlas(data: MapData, spec: PageSpec, out: Path | str,
                progress: Callable[[int, int], None] | None = None) -> int:
    """Write the atlas PDF; returns the number of pages (one per kecamatan).

    ``progress(done, total)`` is called after each page (the web app's export job shows
    it: an atlas of a kabupaten takes tens of seconds)."""
    kecamatan = data.kecamatan.sort_values("code")
    title = spec.title or LAYER_TITLES[data.layer]
    inset = kecamatan[["code", "geometry"]].copy()
    pages = 0
    with PdfPages(out, metadata={"Title": title, "Creator": "geomap"}) as pdf:
        for code, name, geom in zip(kecamatan["code"], kecamatan["name"], kecamatan.geometry,
                                    strict=True):
            inset["is_area"] = inset["code"] == code
            desa = data.desa[data.desa["parent"] == code]
            fig = render(data, spec, title=f"Kecamatan {name}: {title}",
                         subtitle=f"{code} · {data.subtitle()}", extent=tuple(geom.bounds),
                         labels=desa, inset=inset)
            pdf.savefig(fig)
            plt.close(fig)
            pages += 1
            if progress is not None:
                progress(pages, len(kecamatan))
    return pages
