"""Reading an uploaded file into a table of strings, whatever its format.

CSV (comma, semicolon or tab; UTF-8 with or without BOM, else Windows-1252),
XLSX (openpyxl in read-only mode, bounded in rows, columns and unpacked size) and
GeoJSON points all become the same :class:`Table`: the file's own columns as
text, and the row number a person sees in the file. Nothing here judges the
values; :mod:`geomap.ingest.validate` does, the same way for every format.

The size limit (``GEOMAP_MAX_UPLOAD_MB``, default 50) is checked on the byte
count before anything is parsed; :meth:`Upload.from_path` checks the file's size
before reading it.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import json
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from geomap.ingest import textops
from geomap.ingest.columns import map_headers
from geomap.ingest.problems import UploadError, UploadTooLarge

FORMATS = ("csv", "xlsx", "geojson")
MAX_ROWS = 1_000_000
MAX_COLUMNS = 100
# An XLSX is a zip: its unpacked size is bounded too (a small file can unpack to gigabytes).
XLSX_UNPACKED_FACTOR = 25
GEOMETRY = "geometry"  # the column name errors give for a GeoJSON point
_UNESCAPE = r"^'(?=[=+\-@\t\r])"  # the apostrophe geomap puts before a formula-like cell


def max_upload_bytes() -> int:
    """The upload size limit in bytes, from ``GEOMAP_MAX_UPLOAD_MB`` (default 50)."""
    try:
        megabytes = float(os.environ.get("GEOMAP_MAX_UPLOAD_MB") or 50)
    except ValueError:
        megabytes = 50.0
    return int(megabytes * 1024 * 1024)


def check_size(n_bytes: int) -> None:
    """Refuse an upload over the limit (web: call with the Content-Length first)."""
    limit = max_upload_bytes()
    if n_bytes > limit:
        mb = limit / 1024 / 1024
        raise UploadTooLarge(f"berkas lebih besar dari batas {mb:g} MB / the file is larger "
                             f"than the {mb:g} MB limit")


@dataclass(frozen=True)
class Upload:
    """A file as it arrived: its name (for the format and the report) and its bytes."""

    filename: str
    data: bytes

    def __post_init__(self) -> None:
        check_size(len(self.data))

    @classmethod
    def from_path(cls, path: str | Path) -> Upload:
        path = Path(path)
        check_size(path.stat().st_size)
        return cls(path.name, path.read_bytes())


@dataclass
class Table:
    """A file's rows as text: ``frame`` has its columns (str, ``""`` when empty).

    ``rows`` is the row number a person sees (header = row 1; GeoJSON: feature
    number). ``columns`` maps geomap fields to the file's headers. GeoJSON points
    come as the hidden columns ``__lon``/``__lat``; ``bad_geometry`` marks
    features whose geometry is not a usable point.
    """

    filename: str
    format: str
    sha256: bytes
    frame: pd.DataFrame
    rows: np.ndarray
    columns: dict[str, str]
    delimiter: str = ","
    bad_geometry: np.ndarray | None = None
    features: list[dict] | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.frame)

    def values(self, name: str) -> pd.Series:
        """The text of a field in every row (``""`` when the file has no such column)."""
        header = self.columns.get(name)
        if header is None:
            return pd.Series("", index=self.frame.index, dtype=object)
        return self.frame[header]

    def label(self, name: str) -> str:
        """The column name to report for a field: the file's own header."""
        header = self.columns.get(name, name)
        return GEOMETRY if header.startswith("__") else header


def detect_format(filename: str, data: bytes) -> str:
    suffix = Path(filename).suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        return "csv"
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix in (".geojson", ".json"):
        return "geojson"
    if data[:2] == b"PK":
        return "xlsx"
    if data.lstrip()[:1] == b"{":
        return "geojson"
    return "csv"


def read(upload: Upload) -> Table:
    """Parse an upload into a :class:`Table`; raise :class:`UploadError` when it cannot be."""
    fmt = detect_format(upload.filename, upload.data)
    digest = hashlib.sha256(upload.data).digest()
    reader = {"csv": _read_csv, "xlsx": _read_xlsx, "geojson": _read_geojson}[fmt]
    table = reader(upload.data)
    table.filename, table.format, table.sha256 = upload.filename, fmt, digest
    if len(table) > MAX_ROWS:
        raise UploadError(f"lebih dari {MAX_ROWS:,} baris / more than {MAX_ROWS:,} rows")
    return table


def read_pieces(upload: Upload, rows: int) -> Iterator[Table]:
    """The upload as tables of at most ``rows`` rows each, numbered as in the whole file.

    A large CSV is parsed a piece at a time (a million rows as one table of strings
    would hold gigabytes); every piece has the file's name, format, hash and headers.
    XLSX and GeoJSON come as one table (their size limit keeps them small).
    """
    fmt = detect_format(upload.filename, upload.data)
    if fmt != "csv":
        yield read(upload)
        return
    digest = hashlib.sha256(upload.data).digest()
    seen = 0
    for piece in _csv_frames(upload.data, rows):
        numbers = np.arange(len(piece)) + seen + 2
        seen += len(piece)
        if seen > MAX_ROWS:
            raise UploadError(f"lebih dari {MAX_ROWS:,} baris / more than {MAX_ROWS:,} rows")
        table = _finish(piece.fillna(""), numbers, delimiter=piece.attrs["sep"])
        table.filename, table.format, table.sha256 = upload.filename, fmt, digest
        yield table
        del piece, table  # not held while the next piece is parsed
    if not seen:  # a header alone: the one table, with the whole-file checks
        yield read(upload)


def _finish(frame: pd.DataFrame, rows: np.ndarray, **kwargs) -> Table:
    """Text cells trimmed, formula guards taken off, blank rows dropped, headers mapped."""
    if len(frame.columns) > MAX_COLUMNS:
        raise UploadError(f"lebih dari {MAX_COLUMNS} kolom / more than {MAX_COLUMNS} columns")
    names = [str(c).strip() or f"kolom {i + 1}" for i, c in enumerate(frame.columns)]
    if len(set(names)) < len(names):  # e.g. "nama" and "nama " would shadow each other
        twice = sorted({n for n in names if names.count(n) > 1})[0]
        raise UploadError(f"kolom ganda / duplicate column: {twice[:50]}")
    frame.columns = names
    for column in frame.columns:
        frame[column] = textops.replace(textops.strip(frame[column]), _UNESCAPE, "",
                                        probe="'")  # rare: most files have no apostrophe
    filled = ((frame != "").any(axis=1).to_numpy() if len(frame.columns)
              else np.zeros(len(frame), bool))
    frame = frame.loc[filled].reset_index(drop=True)
    columns = map_headers([c for c in frame.columns if not c.startswith("__")])
    if "__lon" in frame.columns:
        columns.update(lon="__lon", lat="__lat")
    bad = kwargs.pop("bad_geometry", None)
    features = kwargs.pop("features", None)
    return Table("", "", b"", frame, rows[filled], columns,
                 bad_geometry=None if bad is None else bad[filled],
                 features=None if features is None else [f for f, k in
                                                         zip(features, filled, strict=True) if k],
                 **kwargs)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _delimiter(text: str) -> str:
    """The separator of the header line: the most frequent of ``;``, ``,`` and tab."""
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def _encoding(data: bytes) -> str:
    """UTF-8 (with or without BOM) if the whole file is valid UTF-8, else Windows-1252.

    Checked a megabyte at a time: the file's text is never held whole (pandas decodes
    as it parses), which keeps a large upload's memory down to its bytes and its table.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    step = 1 << 20
    try:
        for start in range(0, len(data), step):
            decoder.decode(data[start:start + step])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


def _read_csv(data: bytes) -> Table:
    frame = next(_csv_frames(data, None))
    # A blank line reads as one empty cell; rows are numbered as a spreadsheet shows them.
    return _finish(frame.fillna(""), np.arange(len(frame)) + 2, delimiter=frame.attrs["sep"])


def _blank(data: bytes) -> bool:
    """Nothing but ASCII white space after a BOM, looked at a megabyte at a time (a
    ``strip`` of the whole file would copy a large file once more)."""
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    return all(data[i:i + (1 << 20)].isspace() for i in range(start, len(data), 1 << 20))


def _csv_frames(data: bytes, rows: int | None) -> Iterator[pd.DataFrame]:
    """The CSV's rows as text frames: all in one (``rows`` None) or ``rows`` at a time.
    Each frame carries its delimiter in ``attrs["sep"]``."""
    encoding = _encoding(data)
    if _blank(data) or (len(data) < 65536 and len(data.strip()) < 4096
                        and not _decode(data).strip()):  # Unicode spaces too
        raise UploadError("berkas kosong / the file is empty")
    # The header line alone, decoded: a UTF-8 character never contains the byte \n.
    end = data.find(b"\n")
    first = data[:end if end >= 0 else len(data)].decode(encoding, errors="replace")
    sep = _delimiter(first)
    # Count the header's columns before pandas sees the file: a header of a million
    # columns would cost pandas minutes before _finish could refuse it.
    separators = first.count(sep)  # quoted separators may inflate it; so parse when near
    if separators > 10 * MAX_COLUMNS or (
            separators >= MAX_COLUMNS
            and len(next(csv.reader(io.StringIO(first), delimiter=sep), [])) > MAX_COLUMNS):
        raise UploadError(f"lebih dari {MAX_COLUMNS} kolom / more than {MAX_COLUMNS} columns")
    try:
        frames = pd.read_csv(io.BytesIO(data), sep=sep, dtype=str, keep_default_na=False,
                             skip_blank_lines=False, quotechar='"', engine="c",
                             na_filter=False, encoding=encoding, encoding_errors="replace",
                             chunksize=rows)
        for frame in [frames] if rows is None else frames:
            frame.attrs["sep"] = sep
            yield frame
            del frame
    except (pd.errors.ParserError, csv.Error, ValueError) as exc:
        raise UploadError(f"CSV tidak dapat dibaca / cannot read the CSV: "
                          f"{str(exc).splitlines()[0][:200]}") from None


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e17:
        return str(int(value))  # a NIK or a count typed into a number cell
    return str(value)


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise UploadError("XLSX tidak dapat dibaca / cannot read the XLSX") from None
    if unpacked > XLSX_UNPACKED_FACTOR * max_upload_bytes():
        raise UploadTooLarge("isi XLSX terlalu besar / the XLSX unpacks to too much data")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged file; none is worth showing
        raise UploadError("XLSX tidak dapat dibaca / cannot read the XLSX") from None
    try:
        sheet = book.worksheets[0]
        header: list[str] | None = None
        records: list[list[str]] = []
        numbers: list[int] = []
        for number, cells in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True),
                                       start=1):
            texts = [_cell_text(v) for v in cells]
            if header is None:
                if any(t.strip() for t in texts):
                    header = texts
                continue
            records.append(texts)
            numbers.append(number)
            if len(records) > MAX_ROWS:
                raise UploadError(f"lebih dari {MAX_ROWS:,} baris / more than {MAX_ROWS:,} rows")
    finally:
        book.close()
    if header is None:
        raise UploadError("berkas kosong / the file is empty")
    width = max(i + 1 for i, h in enumerate(header) if h.strip()) if header else 0
    names = [h.strip() or f"kolom {i + 1}" for i, h in enumerate(header[:width])]
    frame = pd.DataFrame([r[:width] + [""] * (width - len(r)) for r in records],
                         columns=names, dtype=object)
    return _finish(frame.fillna("").astype(str), np.asarray(numbers, dtype=np.int64))


def from_records(records: list[dict], name: str = "api") -> Table:
    """Rows given as dicts (the JSON API, a web form): keys are headers like a file's."""
    if len(records) > MAX_ROWS:
        raise UploadError(f"lebih dari {MAX_ROWS:,} baris / more than {MAX_ROWS:,} rows")
    frame = pd.DataFrame.from_records([r if isinstance(r, dict) else {} for r in records])
    frame = frame.astype(object).where(frame.notna(), "").astype(str)
    table = _finish(frame, np.arange(1, len(records) + 1))
    table.filename, table.format = name, "records"
    table.sha256 = hashlib.sha256(json.dumps(records, default=str).encode()).digest()
    return table


def _read_geojson(data: bytes) -> Table:
    try:
        doc = json.loads(_decode(data))
    except (ValueError, RecursionError):  # RecursionError: nesting deeper than Python's stack
        raise UploadError("GeoJSON tidak dapat dibaca / cannot read the GeoJSON") from None
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        doc = {"type": "FeatureCollection", "features": [doc]}
    if not (isinstance(doc, dict) and doc.get("type") == "FeatureCollection"
            and isinstance(doc.get("features"), list)):
        raise UploadError("GeoJSON harus FeatureCollection / the GeoJSON must be a "
                          "FeatureCollection")
    features = [f if isinstance(f, dict) else {} for f in doc["features"]]
    if len(features) > MAX_ROWS:
        raise UploadError(f"lebih dari {MAX_ROWS:,} baris / more than {MAX_ROWS:,} rows")
    props = [f.get("properties") if isinstance(f.get("properties"), dict) else {}
             for f in features]
    # Refuse too many property names before pandas builds a column for each of them.
    if len(set().union(*props)) > MAX_COLUMNS:
        raise UploadError(f"lebih dari {MAX_COLUMNS} kolom / more than {MAX_COLUMNS} columns")
    frame = pd.DataFrame.from_records(props) if props else pd.DataFrame()
    frame = frame.astype(object).where(frame.notna(), "").astype(str) if len(frame.columns) \
        else pd.DataFrame(index=range(len(features)))
    lon, lat, bad = _points(features)
    frame["__lon"], frame["__lat"] = lon, lat
    properties = map_headers(list(frame.columns[:-2]))
    if "lon" in properties and "lat" in properties:  # no geometry: the properties may say
        no_geometry = np.array([f.get("geometry") is None for f in features], dtype=bool)
        frame.loc[no_geometry, "__lon"] = frame.loc[no_geometry, properties["lon"]]
        frame.loc[no_geometry, "__lat"] = frame.loc[no_geometry, properties["lat"]]
    frame = frame.drop(columns=[properties[k] for k in ("lon", "lat") if k in properties])
    return _finish(frame, np.arange(1, len(features) + 1), bad_geometry=bad, features=features)


def _points(features: list[dict]) -> tuple[list[str], list[str], np.ndarray]:
    """Point coordinates as text ('' when there is no geometry); bad: not a usable point."""
    lon, lat = [""] * len(features), [""] * len(features)
    bad = np.zeros(len(features), dtype=bool)
    for i, feature in enumerate(features):
        geometry = feature.get("geometry")
        if geometry is None:
            continue
        coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
        if (isinstance(geometry, dict) and geometry.get("type") == "Point"
                and isinstance(coords, list) and len(coords) >= 2
                and all(isinstance(c, int | float) and not isinstance(c, bool)
                        for c in coords[:2])):
            lon[i], lat[i] = repr(float(coords[0])), repr(float(coords[1]))
        else:
            bad[i] = True
    return lon, lat, bad
