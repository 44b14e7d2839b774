"""The traps of the wilayah_boundaries dumps: apostrophes, depth-4 paths, [lat, lng] order."""

from __future__ import annotations

import numpy as np
import shapely

from tests.boundary_fixtures import KEC_32, KEL_3204, read_rows, rows_by_code, write_dump
from tests.conftest import WILAYAH_DB

DB = WILAYAH_DB


def test_names_with_apostrophes(empty_db, cli, tmp_path):
    """Real Toraja kecamatan: a quote inside a name, and one ending a name (``Sangalla'``)."""
    kec = rows_by_code(DB / "kec" / "wilayah_boundaries_kec_73.sql",
                       "73.18.13", "73.18.33", "73.26.06", "73.26.12")
    rows = [*rows_by_code(DB / "prov" / "wilayah_boundaries_prov_6.sql", "73"),
            *rows_by_code(DB / "kab" / "wilayah_boundaries_kab_73.sql", "73.18", "73.26"), *kec]
    assert all("'" in r.name for r in kec)
    path = write_dump(tmp_path, "toraja.sql", rows)
    result = cli(empty_db, "boundaries", "import", str(path))
    assert result.code == 0, result.stderr
    with empty_db.connect() as conn:
        stored = dict(conn.execute("SELECT code, name FROM region WHERE level = 'kecamatan'"))
    assert stored == {
        "73.18.13": "Sangalla'", "73.18.33": "Sangalla' Selatan",
        "73.26.06": "Sa'Dan", "73.26.12": "Dende' Piongan Napo"}
    again = cli(empty_db, "boundaries", "import", str(path))
    assert again.code == 0, again.stderr
    assert "Baru / inserted 0, diubah / updated 0, tetap / unchanged 7" in again.stdout


def _parts(row) -> int:
    """Polygons of a depth-4 path once overlapping ones are dissolved (a MultiPolygon's parts
    may not overlap): a few coastal kecamatan list small islets that lie on the mainland."""
    polygons = [shapely.Polygon([(lng, lat) for lat, lng in rings[0]],
                                [[(lng, lat) for lat, lng in hole] for hole in rings[1:]])
                for rings in row.rings()]
    return shapely.get_num_geometries(shapely.union_all(polygons))


def test_depth4_paths_are_multipolygons(empty_db, cli):
    """Every kecamatan of Jawa Barat written as a list of polygons keeps one part per polygon.

    The part counts come from the file's JSON (32.02.22, on the south coast, lists 13
    polygons of which one islet overlaps the mainland: 12 parts), not from the importer.
    """
    depth4 = {r.code: _parts(r) for r in read_rows(KEC_32) if r.path.startswith("[[[[")}
    listed = {r.code: len(r.rings()) for r in read_rows(KEC_32) if r.path.startswith("[[[[")}
    assert len(depth4) >= 30 and depth4["32.02.22"] == 12 and listed["32.02.22"] == 13
    assert sum(depth4[c] == listed[c] for c in depth4) >= 30
    result = cli(empty_db, "boundaries", "import", "--area", "32",
                 str(DB / "prov" / "wilayah_boundaries_prov_3.sql"),
                 str(DB / "kab" / "wilayah_boundaries_kab_32.sql"), str(KEC_32))
    assert result.code == 0, result.stderr
    with empty_db.connect() as conn:
        stored = dict(conn.execute(
            "SELECT code, ST_NumGeometries(geom) FROM region WHERE code = ANY(%s)"
            " AND GeometryType(geom) = 'MULTIPOLYGON' AND ST_IsValid(geom)", (list(depth4),)))
    assert stored == depth4


def test_depth4_kecamatan_of_kabupaten_bandung(bandung_db):
    """32.04.33 is the one depth-4 kecamatan of Kabupaten Bandung: two parts."""
    assert bandung_db.scalar("SELECT ST_NumGeometries(geom) FROM region WHERE code = '32.04.33'"
                             ) == 2


def test_upstream_centroid_falls_in_its_own_desa(bandung_db):
    """The axis trap: the ``lat``, ``lng`` columns, read as (lon = lng, lat = lat), fall in
    their own desa polygon, or for a concave desa within a few hundred metres of it.
    Had the importer read the path as [lng, lat], no centroid would be near its polygon.
    """
    rows = read_rows(KEL_3204)
    assert len(rows) == 280
    lon = np.array([float(r.lng) for r in rows])
    lat = np.array([float(r.lat) for r in rows])
    with bandung_db.connect() as conn:
        found = conn.execute(
            """SELECT p.code, ST_Contains(r.geom, p.pt),
                      ST_Distance(r.geom::geography, p.pt::geography)
                 FROM (SELECT unnest(%s::text[]) AS code,
                              ST_SetSRID(ST_MakePoint(unnest(%s::float8[]),
                                                      unnest(%s::float8[])), 4326) AS pt) p
                 JOIN region r ON r.code = p.code""",
            ([r.code for r in rows], lon.tolist(), lat.tolist())).fetchall()
    assert len(found) == 280
    inside = [code for code, contained, _ in found if contained]
    near = {code: d for code, contained, d in found if not contained}
    assert len(inside) >= 270, near
    assert all(d < 500 for d in near.values()), near
    # The guard: the same points with their axes swapped are nowhere near Indonesia
    # (lon 94..142, lat -11..6), which is how the importer recognises swapped files.
    swapped_lon, swapped_lat = lat, lon
    assert np.all((swapped_lon < 94) | (swapped_lon > 142)
                  | (swapped_lat < -11) | (swapped_lat > 6))
