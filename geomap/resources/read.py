"""Reading a resource file into a table of text cells: the small interface the registry needs.

``read_table(path)`` gives every cell as a string (nothing guessed: ``007`` stays
``007``) and a ``row`` column holding the number a person finds the row under: the
spreadsheet line (the header is line 1) or the GeoJSON feature number. The
resource rules only depend on this interface, so a shared reader for uploads can
take its place without touching them.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd

FORMATS = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".geojson": "geojson",
           ".json": "geojson"}


class UnreadableFile(ValueError):
    """The file cannot be read as a table; the message is bilingual and safe to show."""


def file_format(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise UnreadableFile(f"format berkas tidak didukung / unsupported file format: "
                             f"{path.suffix or path.name} (CSV, XLSX, GeoJSON)")
    return fmt


def _csv(data: bytes) -> pd.DataFrame:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    first = text.split("\n", 1)[0]
    sep = ";" if first.count(";") > first.count(",") else ","
    frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False,
                        skip_blank_lines=True)
    frame.insert(0, "row", frame.index + 2)
    return frame


def _xlsx(data: bytes) -> pd.DataFrame:
    frame = pd.read_excel(io.BytesIO(data), dtype=str, engine="openpyxl").fillna("")
    frame.insert(0, "row", frame.index + 2)
    return frame


def _geojson(data: bytes) -> pd.DataFrame:
    features = json.loads(data.decode("utf-8-sig")).get("features") or []
    frame = pd.json_normalize([f.get("properties") or {} for f in features]).astype(str)
    coords = [((f.get("geometry") or {}).get("coordinates") or [None, None])
              if (f.get("geometry") or {}).get("type") == "Point" else [None, None]
              for f in features]
    # GeoJSON is [longitude, latitude]; empty strings where there is no point.
    xy = pd.DataFrame([c[:2] for c in coords], columns=["bujur", "lintang"], dtype=object)
    frame = frame.drop(columns=[c for c in frame.columns if c.lower() in
                                ("lintang", "bujur", "lat", "lon", "lng", "latitude",
                                 "longitude")])
    frame["bujur"] = xy["bujur"].map(lambda v: "" if v is None else repr(v)).to_numpy()
    frame["lintang"] = xy["lintang"].map(lambda v: "" if v is None else repr(v)).to_numpy()
    frame.insert(0, "row", range(1, len(frame) + 1))
    return frame


def read_table(path: Path, data: bytes | None = None) -> pd.DataFrame:
    """Every row of the file as text cells, with its ``row`` number."""
    reader = {"csv": _csv, "xlsx": _xlsx, "geojson": _geojson}[file_format(path)]
    try:
        return reader(path.read_bytes() if data is None else data)
    except (ValueError, KeyError, AttributeError, TypeError, OSError) as exc:
        raise UnreadableFile(f"berkas tidak dapat dibaca / the file cannot be read: "
                             f"{path.name} ({type(exc).__name__})") from None
