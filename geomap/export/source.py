"""What an exported map shows: its area, the polygons, and the analysis layer on them.

Polygons come from PostGIS already transformed to the area's UTM zone (metres, so a
scale bar is true) and lightly simplified (a printed desa edge does not need
centimetre vertices). The counts, their suppression and their classes are
``geomap.analysis``'s: one ``count_table`` per export, so the desa and kecamatan
layers, the atlas pages and the data files of one run publish one audited table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

import geopandas as gpd
import pandas as pd
import psycopg
import shapely

from geomap import taxonomy
from geomap.accounts import User
from geomap.analysis.area import Area, load_area
from geomap.analysis.choropleth import Choropleth, choropleth
from geomap.analysis.classify import Method
from geomap.analysis.counts import CountTable, count_table
from geomap.analysis.filters import CaseFilter
from geomap.export import overlay
from geomap.sql import sql

LayerName = Literal["choropleth-desa", "choropleth-kecamatan", "boundaries", "coverage", "gap",
                    "heat", "resources"]
LAYERS: tuple[LayerName, ...] = get_args(LayerName)
LAYER_TITLES = {"choropleth-desa": "Sebaran PMKS per desa / PMKS cases per desa",
                "choropleth-kecamatan": "Sebaran PMKS per kecamatan / PMKS cases per kecamatan",
                "boundaries": "Batas wilayah / Administrative boundaries",
                **overlay.LAYER_TITLES}
PRINT_SIMPLIFY_DEG = 0.00005  # about 5 m: below a printed line's width at A3


def polygons(conn: psycopg.Connection, prefix: str, level: str, srid: int,
             simplify: float = PRINT_SIMPLIFY_DEG) -> gpd.GeoDataFrame:
    """The ``level`` polygons whose code starts with ``prefix``, in ``srid``."""
    with conn.cursor() as cur:
        cur.execute(sql("export/units"), {"prefix": prefix, "level": level, "srid": srid,
                                          "simplify": simplify})
        rows = cur.fetchall()
        columns = [d.name for d in cur.description]
    frame = pd.DataFrame(rows, columns=columns)
    geom = shapely.from_wkb([bytes(g) for g in frame.pop("geom")]) if len(frame) else []
    return gpd.GeoDataFrame(frame, geometry=geom, crs=f"EPSG:{srid}")


def locator(conn: psycopg.Connection, area: Area) -> gpd.GeoDataFrame:
    """The inset: the province and its kabupaten, ``is_area`` marking ours."""
    with conn.cursor() as cur:
        cur.execute(sql("export/locator"), {"area": area.code, "province": area.code[:2],
                                            "srid": area.srid, "simplify": 0.002})
        rows = cur.fetchall()
    frame = pd.DataFrame(rows, columns=["code", "level", "is_area", "geom"])
    geom = shapely.from_wkb([bytes(g) for g in frame.pop("geom")]) if len(frame) else []
    return gpd.GeoDataFrame(frame, geometry=geom, crs=f"EPSG:{area.srid}")


def period_text(where: CaseFilter) -> str:
    """The period as printed: both ends, one end, or all time."""
    if where.date_from and where.date_to:
        return f"{where.date_from:%d-%m-%Y} s.d. / to {where.date_to:%d-%m-%Y}"
    if where.date_from:
        return f"sejak / since {where.date_from:%d-%m-%Y}"
    if where.date_to:
        return f"sampai / until {where.date_to:%d-%m-%Y}"
    return "semua waktu / all time"


def categories_text(where: CaseFilter, limit: int = 3) -> str:
    """The PMKS categories as printed: all, or their Indonesian names (a few, then +n)."""
    if where.categories is None:
        return "semua kategori PMKS / all PMKS categories"
    names = {c.code: c.name_id for c in taxonomy.pmks()}
    shown = [names.get(c, c) for c in where.categories[:limit]]
    more = len(where.categories) - limit
    return ", ".join(shown) + (f" (+{more})" if more > 0 else "")


@dataclass
class MapData:
    """Everything a page (or an atlas) of one layer needs, loaded once."""

    area: Area
    where: CaseFilter
    layer: LayerName
    desa: gpd.GeoDataFrame  # polygons (UTM) with the choropleth columns when desa-level
    kecamatan: gpd.GeoDataFrame
    locator: gpd.GeoDataFrame
    table: CountTable | None
    layer_data: Choropleth | None
    suppressed: bool
    overlay: overlay.PrintLayer | None = None  # the map page's overlay, for its layers

    @property
    def units(self) -> gpd.GeoDataFrame:
        """The polygons the layer colours."""
        return self.kecamatan if self.layer == "choropleth-kecamatan" else self.desa

    def subtitle(self) -> str:
        return (f"{self.area.name} ({self.area.code}) · {period_text(self.where)} · "
                f"{categories_text(self.where)}")


def _join(units: gpd.GeoDataFrame, layer: Choropleth) -> gpd.GeoDataFrame:
    rows = layer.rows.drop(columns=["name", "categories"] + (
        ["kecamatan"] if "kecamatan" in layer.rows else []))
    out = units.merge(rows, on="code", how="left")
    out["cls"] = out["cls"].fillna(-1).astype(int)
    return out


def load_map(conn: psycopg.Connection, where: CaseFilter, layer: LayerName, *,
             suppress: bool, method: Method = "quantiles", k: int = 5,
             user: User | None = None, lang: str = "id", psks: tuple[str, ...] | None = None,
             radius: bool = False) -> MapData:
    """Load the area, its polygons and the analysis layer: a choropleth from the count
    table, any other from the map page's overlay as ``user`` would see it
    (:mod:`geomap.export.overlay`; ``psks``, ``radius``, ``lang`` are its parameters)."""
    area = load_area(conn, where.area)
    desa = polygons(conn, area.code, "desa", area.srid)
    kecamatan = polygons(conn, area.code, "kecamatan", area.srid)  # itself for a kecamatan
    table = data = None
    if layer in overlay.OVERLAY_OF:
        who = overlay.reader(user, area.code, suppress)
        printed = overlay.load(conn, layer, where, who, srid=area.srid, method=method, k=k,
                               lang=lang, psks=psks, radius=radius)
        return MapData(area, where, layer, desa, kecamatan, locator(conn, area), None, None,
                       who.role not in overlay.POINT_ROLES, printed)
    if layer != "boundaries":
        table = count_table(conn, where, suppress=suppress)
        level = "kecamatan" if layer == "choropleth-kecamatan" else "desa"
        data = choropleth(table, level, method, k)
        if level == "desa":
            desa = _join(desa, data)
        else:
            kecamatan = _join(kecamatan, data)
    return MapData(area, where, layer, desa, kecamatan, locator(conn, area), table, data,
                   suppress)
