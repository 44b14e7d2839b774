"""All of Jawa Barat through ``geomap boundaries import``: every row of every file lands.

Row counts come from the files themselves (one value row per line), not from the
importer's parser. The command runs with its stderr on a pseudo-terminal, as in a
developer's shell, so that the progress bar is drawn. How long it takes is measured
by ``bench/import_jabar.py``, not here.
"""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import threading

from geomap.config import PROJECT_ROOT
from tests.boundary_fixtures import count_rows
from tests.conftest import WILAYAH_DB

PROV = WILAYAH_DB / "prov" / "wilayah_boundaries_prov_3.sql"
KAB = WILAYAH_DB / "kab" / "wilayah_boundaries_kab_32.sql"
KEC = WILAYAH_DB / "kec" / "wilayah_boundaries_kec_32.sql"
KEL = sorted((WILAYAH_DB / "kel" / "32").glob("wilayah_boundaries_kel_32.*.sql"))


def _run_on_a_terminal(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    """Run the CLI with stderr on a pty; return (exit code, stdout, what the terminal showed)."""
    master, slave = pty.openpty()
    shown: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # the other end closed
                return
            if not data:
                return
            shown.append(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        done = subprocess.run([sys.executable, "-m", "geomap", *args], stdout=subprocess.PIPE,
                              stderr=slave, env=env, cwd=PROJECT_ROOT, timeout=900)
    finally:
        os.close(slave)
    reader.join(timeout=10)
    os.close(master)
    return done.returncode, done.stdout.decode(), b"".join(shown).decode(errors="replace")


def test_all_of_jawa_barat(empty_db):
    assert len(KEL) == 27
    expected = {"province": count_rows(PROV), "kabupaten": count_rows(KAB),
                "kecamatan": count_rows(KEC), "desa": sum(count_rows(p) for p in KEL)}
    assert expected["kabupaten"] == 27 and expected["desa"] > 5900
    code, out, terminal = _run_on_a_terminal(
        empty_db.env, "boundaries", "import", *map(str, [PROV, KAB, KEC, *KEL]))
    assert code == 0, terminal
    with empty_db.connect() as conn:
        counts = dict(conn.execute("SELECT level, count(*) FROM region GROUP BY level"))
        invalid = conn.execute("SELECT count(*) FROM region WHERE geom IS NOT NULL"
                               " AND NOT ST_IsValid(geom)").fetchone()[0]
        kabupaten = conn.execute("SELECT count(DISTINCT substr(code, 1, 5)) FROM region"
                                 " WHERE level = 'desa'").fetchone()[0]
    assert counts == expected
    assert invalid == 0 and kabupaten == 27
    levels = ", ".join(f"{lvl} {n}" for lvl, n in expected.items())
    assert f"Wilayah / regions: {levels}" in out
    # The progress bar was drawn and reached the end.
    assert "Membaca / reading" in terminal and "[####" in terminal and "100%" in terminal
    assert "wilayah_boundaries_kel_32." in terminal
