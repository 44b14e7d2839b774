"""Desa and kelurahan boundaries: public, drawn below the kecamatan, labelled when zoomed in.

They go as vector tiles: a kabupaten has hundreds of desa, a province thousands.
"""

from layers.registry import EVERYONE, Layer, LegendEntry, Style, Text

STYLE = Style(color="#3d7f7a", weight=0.8, fill_color="#cfe6df", fill_opacity=0.35)

LAYER = Layer(
    name="desa",
    title=Text("Desa/Kelurahan", "Desa/Kelurahan (village)"),
    sql="boundaries/desa",
    style=STYLE,
    legend=(LegendEntry(Text("Batas desa/kelurahan", "Desa/kelurahan boundary"), STYLE),),
    roles=EVERYONE,
    order=10,
    simplify=0.0001,
    label_field="name",
    label_min_zoom=13,
    tooltip_fields=("name", "kecamatan"),
    output="mvt",
)
