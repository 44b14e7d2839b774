"""Kecamatan boundaries: public, drawn above the desa; a click zooms to the kecamatan."""

from layers.registry import EVERYONE, Layer, LegendEntry, Style, Text

STYLE = Style(color="#5b3a8c", weight=2.5, fill_color="#5b3a8c", fill_opacity=0.04)

LAYER = Layer(
    name="kecamatan",
    title=Text("Kecamatan", "Kecamatan (district)"),
    sql="boundaries/kecamatan",
    style=STYLE,
    legend=(LegendEntry(Text("Batas kecamatan", "Kecamatan boundary"), STYLE),),
    roles=EVERYONE,
    order=20,
    simplify=0.0001,
    label_field="name",
    label_min_zoom=11,
    tooltip_fields=("name",),
    zoom_on_click=True,
)
