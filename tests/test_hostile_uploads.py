"""Hostile uploads: whatever bytes arrive, the parsers answer with a table or a clear,
bilingual UploadError, within bounded time and memory, and the database is unchanged.

Property-based (hypothesis) over the three readers, plus the shapes attackers and
broken exports actually send: wrong encodings, huge cells, a million columns, deep
JSON, every GeoJSON geometry type, NaN and infinite coordinates, an XLSX zip bomb.
"""

from __future__ import annotations

import io
import json
import time
import tracemalloc
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geomap import ingest
from geomap.ingest import Upload, UploadError

SECONDS = 5.0          # what any single upload may cost to parse
MEGABYTES = 400        # peak Python allocation while parsing


def parse(name: str, data: bytes):
    """Read an upload, returning the table or the UploadError, never anything else."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        try:
            return ingest.read(Upload(name, data))
        except UploadError as exc:
            message = str(exc)
            assert " / " in message, message  # Bahasa Indonesia / English
            assert "Traceback" not in message
            return exc
    finally:
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        assert elapsed < SECONDS, f"{name}: {elapsed:.1f} s"
        assert peak < MEGABYTES, f"{name}: {peak:.0f} MB"


quick = settings(max_examples=60, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@quick
@given(data=st.binary(max_size=4096),
       name=st.sampled_from(["kasus.csv", "kasus.xlsx", "kasus.geojson", "kasus.txt", "x"]))
def test_random_bytes_never_crash_a_reader(name, data):
    parse(name, data)


@quick
@given(text=st.text(max_size=2000),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1"]))
def test_any_text_in_any_encoding(text, encoding):
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8", "replace")
    parse("kasus.csv", data)


json_values = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False) | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner,
                                                                  max_size=5),
    max_leaves=40)


@quick
@given(doc=json_values)
def test_any_json_document(doc):
    parse("kasus.geojson", json.dumps(doc).encode())


@quick
@given(features=st.lists(st.fixed_dictionaries({
    "type": st.just("Feature"),
    "geometry": json_values,
    "properties": json_values,
}), max_size=10))
def test_any_feature_collection(features):
    doc = {"type": "FeatureCollection", "features": features}
    parse("kasus.geojson", json.dumps(doc).encode())


def test_deep_json_is_refused():
    for depth in (1_000, 100_000):
        result = parse("deep.geojson", b"[" * depth + b"]" * depth)
        assert isinstance(result, UploadError)
        result = parse("deep.geojson", b'{"a":' * depth + b"1" + b"}" * depth)
        assert isinstance(result, UploadError)


def test_a_million_columns_is_refused():
    header = ",".join(f"c{i}" for i in range(1_000_000)).encode()
    assert isinstance(parse("wide.csv", header + b"\n" + b"1," * 999_999 + b"1\n"), UploadError)
    props = {f"c{i}": i for i in range(200_000)}
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [107.6, -7.0]},
         "properties": props}]}
    result = parse("wide.geojson", json.dumps(doc).encode())
    assert isinstance(result, UploadError)


def test_a_huge_cell_is_bounded():
    data = b"lat,lon,kategori,catatan\n-7.0,107.6,Fakir Miskin," + b"x" * 20_000_000 + b"\n"
    parse("huge.csv", data)


def xlsx_bomb(unpacked_mb: int) -> bytes:
    """A valid-looking XLSX whose one sheet unpacks to ``unpacked_mb`` MB of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            chunk = b"0" * (1 << 20)
            for _ in range(unpacked_mb):
                sheet.write(chunk)
    return buffer.getvalue()


def test_an_xlsx_zip_bomb_is_refused_before_unpacking(monkeypatch):
    monkeypatch.setenv("GEOMAP_MAX_UPLOAD_MB", "1")
    bomb = xlsx_bomb(100)
    assert len(bomb) < 1_000_000
    result = parse("bomb.xlsx", bomb)
    assert isinstance(result, UploadError)


@pytest.mark.parametrize("geometry", [
    {"type": "LineString", "coordinates": [[107.6, -7.0], [107.7, -7.1]]},
    {"type": "Polygon", "coordinates": [[[107.6, -7.0], [107.7, -7.0], [107.7, -7.1],
                                         [107.6, -7.0]]]},
    {"type": "MultiPoint", "coordinates": [[107.6, -7.0]]},
    {"type": "MultiLineString", "coordinates": [[[107.6, -7.0], [107.7, -7.1]]]},
    {"type": "MultiPolygon", "coordinates": []},
    {"type": "GeometryCollection", "geometries": []},
    {"type": "Point", "coordinates": []},
    {"type": "Point", "coordinates": ["107.6", "-7.0"]},
    {"type": "Point", "coordinates": [True, False]},
    "POINT(107.6 -7.0)",
])
def test_every_geometry_type_that_is_not_a_point_is_a_row_error(geometry):
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": geometry, "properties": {"kategori": "Fakir Miskin"}}]}
    table = parse("shapes.geojson", json.dumps(doc).encode())
    assert not isinstance(table, UploadError)
    assert table.bad_geometry.tolist() == [True]


@pytest.mark.parametrize("coordinates", ["[NaN, -7.0]", "[107.6, Infinity]",
                                         "[-Infinity, 1e999]", "[1e308, -1e308]"])
def test_nan_and_infinite_coordinates_are_rejected_rows(bandung_db, coordinates):
    text = ('{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": '
            '{"type": "Point", "coordinates": ' + coordinates + '}, "properties": '
            '{"kategori": "Fakir Miskin", "tanggal": "2026-01-05"}}]}')
    with bandung_db.connect() as conn:
        before = conn.execute("SELECT count(*) FROM pmks_case").fetchone()[0]
        preview = ingest.check(conn, ingest.SystemImport("32.04"),
                               Upload("nan.geojson", text.encode()))
        assert preview.accepted == 0 and preview.rejected == 1
        assert preview.errors[0].code in ("invalid_coordinates", "missing_coordinates",
                                          "outside_area")
        assert conn.execute("SELECT count(*) FROM pmks_case").fetchone()[0] == before
