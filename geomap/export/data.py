"""Data out: the aggregated layers as GeoPackage, GeoJSON, CSV, XLSX, and the heat
raster as GeoTIFF.

Every number is ``geomap.analysis``'s, from one count table per export (so the desa,
kecamatan and coverage layers of one file were suppressed together, in one audit).
For a suppressed export (a planner, or no ``--as``) a unit's published count is its
label ("<5", "*" or the number) and its ``value`` is empty when hidden; the raw count
column is only there when the user may read cases. Personal data never appears:
cases only as counts, resources without contacts, a TKSK without a name.

Spreadsheet outputs (CSV, XLSX) pass every text cell through
``geomap.ingest.output.neutralise``, so a desa or resource name beginning with
``=``, ``+``, ``-`` or ``@`` is text in Excel, never a formula.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import psycopg
import shapely

from geomap.analysis.area import Area, load_area
from geomap.analysis.choropleth import Choropleth, choropleth
from geomap.analysis.classify import Method
from geomap.analysis.counts import CountTable, count_table
from geomap.analysis.filters import CaseFilter
from geomap.export.source import polygons
from geomap.ingest.output import neutralise
from geomap.sql import sql

WGS84 = 4326
FORMATS = ("gpkg", "geojson", "csv", "xlsx", "tif")


@dataclass
class Aggregates:
    """The layers of one export, each in EPSG:4326 (``resources`` points, the rest polygons)."""

    area: Area
    layers: dict[str, gpd.GeoDataFrame]
    suppressed: bool
    notes: list[str] = field(default_factory=list)  # what could not be included, and why

    def tables(self) -> dict[str, pd.DataFrame]:
        """The same layers without geometry (resources keep lon/lat: a place, not a person)."""
        out = {}
        for name, layer in self.layers.items():
            frame = pd.DataFrame(layer.drop(columns="geometry"))
            if name in ("resources", "cases") and len(layer):  # points
                frame["lon"], frame["lat"] = layer.geometry.x.round(6), layer.geometry.y.round(6)
            out[name] = frame
        return out


def _choropleth_layer(conn: psycopg.Connection, table: CountTable, area: Area, level: str,
                      method: Method, k: int = 5) -> gpd.GeoDataFrame:
    layer = choropleth(table, level, method, k)  # type: ignore[arg-type]
    return choropleth_frame(conn, table, layer, area)


def choropleth_frame(conn: psycopg.Connection, table: CountTable, layer: Choropleth,
                     area: Area, simplify: float = 0) -> gpd.GeoDataFrame:
    """The polygons of ``layer``'s level (EPSG:4326) with its published columns: ``cases``
    (the label), ``value``, ``class`` and ``class_label``; ``count`` only unsuppressed."""
    units = table.desa if layer.level == "desa" else table.kecamatan
    rows = layer.rows.drop(columns=["categories"]).rename(columns={"label": "cases"})
    rows["measure"] = layer.measure
    labels = dict(enumerate(layer.classes.labels))
    rows["class_label"] = rows["cls"].map(labels).fillna(layer.hidden_label or "")
    if not table.suppressed:
        rows["count"] = units["count"].to_numpy()
    rows["population"] = units["population"].to_numpy()
    shapes = polygons(conn, area.code, layer.level, WGS84, simplify=simplify)[
        ["code", "area_km2", "geometry"]]
    return shapes.merge(rows.rename(columns={"cls": "class"}), on="code", how="inner")


def _resources(conn: psycopg.Connection, area: Area) -> gpd.GeoDataFrame:
    with conn.cursor() as cur:
        cur.execute(sql("export/resources"), {"prefix": area.code + ".", "srid": WGS84})
        columns = [d.name for d in cur.description]
        frame = pd.DataFrame(cur.fetchall(), columns=columns)
    geom = shapely.from_wkb([bytes(g) for g in frame.pop("geom")]) if len(frame) else []
    return gpd.GeoDataFrame(frame, geometry=geom, crs=f"EPSG:{WGS84}")


def _coverage(conn: psycopg.Connection, area: Area, where: CaseFilter, table: CountTable,
              desa: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """E2SFCA score, nearest resource and the gap classes per desa (``geomap.analysis``).

    The coverage's own ``demand`` column (exact cases per desa) is left out: the
    published count is the choropleth's, with its suppression. A suppressed export gets
    scores only where they give no count back (``access.published_coverage``: residents
    as demand); otherwise only the classes.
    """
    from geomap.analysis.access import published_coverage, scores_publishable
    from geomap.analysis.gap import gap

    cov = published_coverage(conn, area, where, suppressed=table.suppressed)
    result = gap(table, cov).desa
    cols = ["code", "score", "nearest_m", "need_class", "coverage_class", "gap"]
    if not scores_publishable(cov, table.suppressed):
        cols.remove("score")
    return desa[["code", "name", "geometry"]].merge(result[cols], on="code", how="inner")


def aggregates(conn: psycopg.Connection, where: CaseFilter, *, suppress: bool,
               method: Method = "quantiles", with_coverage: bool = True,
               k: int = 5) -> Aggregates:
    """Every aggregated layer of the filter's area."""
    area = load_area(conn, where.area)
    table = count_table(conn, where, suppress=suppress)
    desa = _choropleth_layer(conn, table, area, "desa", method, k)
    layers = {"choropleth_desa": desa,
              "choropleth_kecamatan": _choropleth_layer(conn, table, area, "kecamatan", method,
                                                        k),
              "resources": _resources(conn, area)}
    out = Aggregates(area, layers, suppress)
    if with_coverage:
        try:
            layers["coverage_desa"] = _coverage(conn, area, where, table, desa)
        except ValueError as exc:  # e.g. population demand without population
            out.notes.append(f"coverage: {exc}")
    return out


def neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns made formula-safe for a spreadsheet (empty cells stay empty)."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            values = out[col]
            out[col] = values.where(values.isna(), neutralise(values))
    return out


def write_gpkg(agg: Aggregates, path: Path) -> dict[str, int]:
    """One GeoPackage, one layer per aggregate; returns the feature count of each."""
    import pyogrio

    path.unlink(missing_ok=True)
    for name, layer in agg.layers.items():
        pyogrio.write_dataframe(layer, path, layer=name, driver="GPKG",
                                append=path.exists())
    return {name: len(layer) for name, layer in agg.layers.items()}


def write_geojson(agg: Aggregates, layer: str, path: Path) -> int:
    import pyogrio

    frame = agg.layers[layer]
    path.unlink(missing_ok=True)
    pyogrio.write_dataframe(frame, path, driver="GeoJSON")
    return len(frame)


def write_csv(agg: Aggregates, layer: str, path: Path) -> int:
    table = neutralised(agg.tables()[layer])
    table.to_csv(path, index=False, encoding="utf-8")
    return len(table)


def write_xlsx(agg: Aggregates, path: Path) -> dict[str, int]:
    """One sheet per aggregate table."""
    tables = agg.tables()
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, table in tables.items():
            neutralised(table).to_excel(writer, sheet_name=name[:31], index=False)
    return {name: len(t) for name, t in tables.items()}


def write_density(conn: psycopg.Connection, where: CaseFilter, path: Path) -> dict[str, object]:
    """The heat raster of the filter's cases, by the analysis module's own writer
    (its privacy rule: a cell is drawn only where enough cases lie near)."""
    from geomap.analysis.density import case_density

    raster = case_density(conn, load_area(conn, where.area), where)
    raster.write_geotiff(path)
    return {"crs": f"EPSG:{raster.grid.srid}", "width": raster.grid.width,
            "height": raster.grid.height, "cell_m": raster.grid.cell}
