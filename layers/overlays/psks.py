"""The PSKS categories as the Resources, Coverage and Gap overlays use them.

One place for the ``psks`` URL parameter (which resource categories an overlay is
about: one, several, or all) and for each category's colour, so the icons of the
Resources overlay and the Coverage overlay's "for category X" speak the same language.
"""

from __future__ import annotations

from geomap import taxonomy
from geomap.analysis.filters import FilterError

# One colour per PSKS category (12, ColorBrewer "Paired" order): the marker of a resource
# and its service circle. Keyed by code; a category added to ../shared/domain without a
# colour is drawn grey rather than refused.
COLORS: dict[str, str] = {
    "PSP": "#1f78b4", "PSM": "#33a02c", "TAGANA": "#e31a1c", "LKS": "#ff7f00",
    "KT": "#6a3d9a", "LK3": "#b15928", "KP": "#a6cee3", "WKSBM": "#b2df8a",
    "WPKS": "#fb9a99", "PS": "#fdbf6f", "TKSK": "#cab2d6", "DU": "#8c8c3a",
}
OTHER_COLOR = "#808080"


def parse(raw: str | None) -> tuple[str, ...] | None:
    """The ``psks`` parameter: a comma list of PSKS codes or names; absent or "all"
    (``semua``) is every category (None). Unknown ones are refused, bilingually."""
    raw = (raw or "").strip()
    if raw.lower() in ("", "all", "semua"):
        return None
    found: list[str] = []
    for part in raw.split(","):
        match = taxonomy.find(taxonomy.psks(), part.strip())
        if match.category is None:
            raise FilterError("kategori PSKS tidak dikenal / unknown PSKS category: "
                              f"{part.strip()[:20]}")
        found.append(match.category.code)
    return tuple(sorted(set(found)))


def categories(lang: str = "id") -> list[dict[str, object]]:
    """Every PSKS category in the official order, with its name and colour."""
    return [{"code": c.code, "name": c.name_en if lang == "en" else c.name_id,
             "color": COLORS.get(c.code, OTHER_COLOR),
             "serves_kecamatan": c.serves_kecamatan} for c in taxonomy.psks()]
