"""Personal data in an export: the cases of the filter with name, NIK, address, phone.

Only on an explicit request (:class:`geomap.export.run.Personal`: the user and the
purpose), only for a role that may read personal data (tksk of the area, dinas,
admin), and only the cases inside that user's area (the area rule in the SQL). The
read and its ``personal.export`` audit row (every case id exported) are one
transaction: if the audit cannot be written, nothing is exported.

The layer is added to the export's :class:`~geomap.export.data.Aggregates` as
``cases``; its CSV/XLSX cells pass the same formula neutralisation as every other
spreadsheet cell (a name "=HYPERLINK(...)" stays text).
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from geomap import audit
from geomap.analysis.filters import CaseFilter
from geomap.area import area_param
from geomap.export.data import WGS84, Aggregates
from geomap.sql import sql


def add_cases(conn, agg: Aggregates, where: CaseFilter, personal) -> int:
    """Add the ``cases`` layer; returns the id of the audit row."""
    user = personal.user
    params = where.params() | {"area": area_param(user), "srid": WGS84}
    with conn.transaction(), conn.cursor() as cur:
        cur.execute(sql("export/cases_personal"), params)
        columns = [d.name for d in cur.description]
        frame = pd.DataFrame(cur.fetchall(), columns=columns)
        audit_id = audit.record(
            conn, user, "personal.export", frame["id"].tolist(), personal.purpose,
            {"area": where.area, "filter": where.as_params(), "cases": len(frame)})
    geom = shapely.from_wkb([bytes(g) for g in frame.pop("geom")]) if len(frame) else []
    frame["recorded_on"] = frame["recorded_on"].astype(str)
    agg.layers["cases"] = gpd.GeoDataFrame(frame, geometry=geom, crs=f"EPSG:{WGS84}")
    return audit_id
