"""A bad boundary file changes nothing and says which row is wrong and why.

Every bad file is made from real rows of Kabupaten Bandung's desa dump, with the
names of all its good rows changed: an import that was not atomic would write
those before reaching the bad row, and the fingerprint of the region table
(counts per level and a checksum of codes, names, parents and geometries) would
change.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.boundary_fixtures import (
    KEC_32,
    KEL_3204,
    dump_text,
    read_rows,
    region_fingerprint,
    renamed,
    swap_axes,
    write_dump,
)

NOTHING_CHANGED = "Tidak ada yang diubah / nothing was changed."


@pytest.fixture(scope="module")
def kel_rows():
    return renamed(read_rows(KEL_3204))


def _import_fails(db, cli, *paths) -> str:
    """Run the import, check it failed and changed nothing; return its stderr."""
    before = region_fingerprint(db)
    result = cli(db, "boundaries", "import", *map(str, paths))
    assert result.code != 0, result.stdout
    assert NOTHING_CHANGED in result.stderr
    assert "Traceback" not in result.stderr
    assert region_fingerprint(db) == before
    return result.stderr


def test_truncated_download(bandung_db, cli, tmp_path):
    """The real file cut off at 60 % of its bytes, mid-row, as an interrupted download."""
    data = KEL_3204.read_bytes()
    cut = data[: int(len(data) * 0.6)]
    head, _, partial = cut.decode().rpartition("\n")
    assert partial.lstrip().startswith("('"), "the cut should fall inside a row"
    row = sum(1 for line in head.split("\n") if line.lstrip().startswith("('")) + 1
    line = head.count("\n") + 2
    path = tmp_path / KEL_3204.name
    path.write_text(head + "\n" + partial, encoding="utf-8")
    err = _import_fails(bandung_db, cli, path)
    assert f"baris/line {line}, rekord/row {row}:" in err
    assert "berkas terpotong / file is truncated" in err


def test_truncated_after_good_rows(bandung_db, cli, tmp_path, kel_rows):
    text = dump_text(kel_rows[:120])
    cut = text[: text.index(kel_rows[119].sql()) + 300]
    err = _import_fails(bandung_db, cli, write_dump(tmp_path, "cut.sql", cut))
    assert "baris/line 122, rekord/row 120:" in err
    assert "file is truncated" in err


def test_unreadable_geometry(bandung_db, cli, tmp_path, kel_rows):
    bad = replace(kel_rows[49], path=kel_rows[49].path.replace("]]]", "]]", 1))
    rows = [*kel_rows[:49], bad, *kel_rows[50:]]
    err = _import_fails(bandung_db, cli, write_dump(tmp_path, "json.sql", rows))
    assert f"baris/line 52, rekord/row 50, kode {bad.code}:" in err
    assert "path bukan JSON yang sah / path is not valid JSON" in err


def test_ring_that_is_not_number_pairs(bandung_db, cli, tmp_path, kel_rows):
    """Valid JSON, but a coordinate is a string: the ring cannot be read."""
    first = kel_rows[59].path.split(",")[1]
    bad = replace(kel_rows[59], path=kel_rows[59].path.replace(first, '"107.7"]', 1))
    rows = [*kel_rows[:59], bad, *kel_rows[60:]]
    err = _import_fails(bandung_db, cli, write_dump(tmp_path, "ring.sql", rows))
    assert f"baris/line 62, rekord/row 60, kode {bad.code}:" in err
    assert "cincin path tidak terbaca / unreadable ring in path" in err


def test_unknown_parent(bandung_db, cli, tmp_path, kel_rows):
    """32.04.99 is no kecamatan of Kabupaten Bandung, in the file or in the database."""
    orphan = replace(kel_rows[99], code="32.04.99.2001")
    rows = [*kel_rows[:99], orphan, *kel_rows[100:]]
    err = _import_fails(bandung_db, cli, write_dump(tmp_path, "orphan.sql", rows))
    assert "rekord/row 100, kode 32.04.99.2001:" in err
    assert "induk 32.04.99 tidak dikenal / parent 32.04.99 is unknown" in err


def test_swapped_axes(bandung_db, cli, tmp_path, kel_rows):
    """A path written [lng, lat] lands near lon -7, lat 107: outside Indonesia."""
    rows = [*kel_rows[:199], swap_axes(kel_rows[199]), *kel_rows[200:]]
    err = _import_fails(bandung_db, cli, write_dump(tmp_path, "swapped.sql", rows))
    assert f"baris/line 202, rekord/row 200, kode {kel_rows[199].code}:" in err
    assert "koordinat di luar Indonesia" in err
    assert "outside Indonesia (lon 94..142, lat -11..6); axes swapped?" in err


def test_duplicate_code(bandung_db, cli, tmp_path, kel_rows):
    rows = [*kel_rows[:249], kel_rows[9], *kel_rows[250:]]
    err = _import_fails(bandung_db, cli, write_dump(tmp_path, "dup.sql", rows))
    assert f"rekord/row 250, kode {kel_rows[9].code}:" in err
    assert "duplicate code" in err


def test_bad_second_file_undoes_the_first(bandung_db, cli, tmp_path, kel_rows):
    """Atomic across files: good kecamatan changes are not kept when a desa file fails."""
    kec = renamed([r for r in read_rows(KEC_32) if r.code.startswith("32.04.")])
    bad = [*kel_rows[:10], replace(kel_rows[10], code="32.04.99.2001")]
    err = _import_fails(bandung_db, cli, write_dump(tmp_path, "kec.sql", kec),
                        write_dump(tmp_path, "kel.sql", bad))
    assert "kel.sql, rekord/row 11, kode 32.04.99.2001" in err


def test_the_good_version_does_import(bandung_db, cli, tmp_path, kel_rows):
    """The control: the same renamed rows, undamaged, are accepted and change 280 names."""
    result = cli(bandung_db, "boundaries", "import",
                 str(write_dump(tmp_path, "good.sql", kel_rows)))
    assert result.code == 0, result.stderr
    assert "diubah / updated 280" in result.stdout
    assert bandung_db.scalar("SELECT count(*) FROM region WHERE name LIKE '%(diubah)'") == 280
