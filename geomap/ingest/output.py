"""Files geomap writes back out: the rejected rows, in the format they came in.

Anything a spreadsheet might run as a formula (a cell starting with ``=``, ``+``,
``-``, ``@``, tab or carriage return that is not a plain number) gets an
apostrophe in front; the readers take that apostrophe off again, so a rejected
file can be fixed and uploaded as it is.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from werkzeug.utils import secure_filename

from geomap.ingest.columns import REASON_COLUMN
from geomap.ingest.readers import Table

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
}
_FORMULA = r"^[=+\-@\t\r]"
_PLAIN_NUMBER = r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$"


def neutralise(values: pd.Series) -> pd.Series:
    """Put an apostrophe before text a spreadsheet would take for a formula."""
    text = values.astype(str)
    risky = text.str.match(_FORMULA) & ~text.str.match(_PLAIN_NUMBER)
    return text.where(~risky, "'" + text)


def neutralise_text(value: str) -> str:
    """:func:`neutralise` for one value (GeoJSON properties)."""
    risky = re.match(_FORMULA, value) and not re.match(_PLAIN_NUMBER, value)
    return "'" + value if risky else value


@dataclass(frozen=True)
class RejectedFile:
    filename: str
    media_type: str
    content: bytes


def rejected_name(filename: str, fmt: str) -> str:
    """The download name of a file's rejected rows: the uploaded name's stem in safe
    characters only (Werkzeug's ``secure_filename``), so a name the uploader chose, such
    as ``..\\..\\x.csv`` or one with quotes or line breaks, is never a path nor breaks
    the Content-Disposition header."""
    stem = Path(secure_filename(filename)).stem or "unggahan"
    suffix = {"csv": ".csv", "xlsx": ".xlsx", "geojson": ".geojson"}[fmt]
    return f"{stem}-ditolak-rejected{suffix}"


def rejected_file(table: Table, accepted: np.ndarray, reasons: pd.Series) -> RejectedFile | None:
    """The rejected rows with a reason column, or None when nothing was rejected.

    ``reasons`` is indexed by table position: the reasons of that row in one text.
    API/form rows (format ``records``) have no file to give back.
    """
    at = np.flatnonzero(~accepted)
    if not len(at) or table.format not in MEDIA_TYPES:
        return None
    why = reasons.reindex(at).fillna("").to_numpy(dtype=object)
    name = rejected_name(table.filename, table.format)
    if table.format == "geojson":
        return RejectedFile(name, MEDIA_TYPES["geojson"], _geojson(table, at, why))
    frame = table.frame.iloc[at][[c for c in table.frame.columns if not c.startswith("__")]]
    frame = frame.assign(**{REASON_COLUMN: why}).reset_index(drop=True)
    frame = frame.apply(neutralise)
    if table.format == "csv":
        content = frame.to_csv(sep=table.delimiter, index=False, lineterminator="\r\n")
        return RejectedFile(name, MEDIA_TYPES["csv"], content.encode("utf-8-sig"))
    return RejectedFile(name, MEDIA_TYPES["xlsx"], _xlsx(frame))


def _xlsx(frame: pd.DataFrame) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Ditolak - Rejected")
    sheet.append(list(frame.columns))
    for row in frame.itertuples(index=False, name=None):
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _geojson(table: Table, at: np.ndarray, why: np.ndarray) -> bytes:
    features = []
    for i, reason in zip(at, why, strict=True):
        feature = (table.features or [])[i]
        props = feature.get("properties") if isinstance(feature.get("properties"), dict) else {}
        props = {k: neutralise_text(v) if isinstance(v, str) else v for k, v in props.items()}
        props[REASON_COLUMN] = neutralise_text(str(reason))
        features.append({"type": "Feature", "geometry": feature.get("geometry"),
                         "properties": props})
    return json.dumps({"type": "FeatureCollection", "features": features},
                      ensure_ascii=False).encode("utf-8")
