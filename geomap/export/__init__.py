"""Exports for meetings and for GIS offices: print maps, atlas, slides, data files.

Everything here *draws or writes* numbers that ``geomap.analysis`` computed: the
counts, their small-count suppression, the classes and the density raster come
from there, so a printed map says exactly what the map page says. Rendering is
server-side (matplotlib, geopandas): no browser is needed.

- ``source``: loads what a map shows (polygons from PostGIS + the analysis layer);
- ``page``: one print page (title, map, legend, scale bar, north arrow, inset...);
- ``overlay``: the map page's overlays (coverage, gap, heat, resources) for a page;
- ``atlas``: one page per kecamatan in one PDF;
- ``data``: GeoPackage, GeoJSON, CSV, XLSX and GeoTIFF of the aggregates;
- ``slides``: a PPTX deck of maps and the gap table.
"""
