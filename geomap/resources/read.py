"""Reading a resource file: the case uploads' reader (:mod:`geomap.ingest.readers`).

CSV (comma or semicolon, UTF-8 with or without BOM, or Windows-1252), XLSX and
GeoJSON points are read by the same code as case uploads, with the same size
limit; this module only hands the resource rules what they need: the text cells
under the file's own headers, a ``row`` column with the number a person sees
(the spreadsheet line, header = 1; the GeoJSON feature number), and a GeoJSON
point as ``bujur``/``lintang`` (a geometry that is not a usable point reads as
unparseable coordinates).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from geomap import ingest

UploadError = ingest.UploadError  # a file that cannot be read at all (bilingual message)


@dataclass(frozen=True)
class ResourceFile:
    frame: pd.DataFrame  # text cells and ``row``
    format: str          # csv, xlsx or geojson
    sha256: bytes


def read_file(path: Path) -> ResourceFile:
    return read_upload(ingest.Upload.from_path(path))


def read_upload(upload: ingest.Upload) -> ResourceFile:
    """A file as it arrived (name and bytes): the web upload's way in."""
    table = ingest.read(upload)
    frame = table.frame.copy()
    if "__lon" in frame.columns:
        frame = frame.rename(columns={"__lon": "bujur", "__lat": "lintang"})
        if table.bad_geometry is not None:
            frame.loc[table.bad_geometry, ["bujur", "lintang"]] = "?"
    frame.insert(0, "row", table.rows)
    return ResourceFile(frame, table.format, table.sha256)
