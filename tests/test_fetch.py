"""``geomap boundaries fetch``: from a mirror folder, over HTTP on loopback, and refusing
a file whose checksum differs from the catalogue's."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from geomap.boundaries.catalogue import Catalogue
from tests.boundary_fixtures import region_fingerprint
from tests.conftest import WILAYAH

BANDUNG = {"province": 1, "kabupaten": 1, "kecamatan": 31, "desa": 280}


@pytest.fixture
def serve():
    """Serve a folder over HTTP on 127.0.0.1 from a thread; return its base URL and the
    list the paths it is asked for are appended to."""
    servers: list[http.server.ThreadingHTTPServer] = []

    def start(folder: Path) -> tuple[str, list[str]]:
        handler = functools.partial(_QuietHandler, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        server.requests = []  # type: ignore[attr-defined]
        return f"http://127.0.0.1:{server.server_address[1]}/", server.requests

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        self.server.requests.append(self.path)  # type: ignore[attr-defined]


def _counts(db) -> dict[str, int]:
    with db.connect() as conn:
        return dict(conn.execute("SELECT level, count(*) FROM region GROUP BY level"))


def _env(mirror: str, var_dir: Path) -> dict[str, str]:
    return {"GEOMAP_BOUNDARY_MIRROR": mirror, "GEOMAP_VAR_DIR": str(var_dir)}


def _cached(var_dir: Path) -> Iterator[Path]:
    return (p for p in (var_dir / "cache").rglob("*") if p.is_file())


def test_fetch_from_a_mirror_folder(empty_db, cli, tmp_path):
    result = cli(empty_db, "boundaries", "fetch", "32.04", env=_env(str(WILAYAH), tmp_path))
    assert result.code == 0, result.stderr
    assert _counts(empty_db) == BANDUNG
    assert "Mengunduh / downloading" in result.stderr
    # The downloads are kept, under the pinned commit, and match the catalogue.
    catalogue = Catalogue.load()
    cached = {p.relative_to(tmp_path / "cache" / "boundaries" / catalogue.commit).as_posix()
              for p in _cached(tmp_path)}
    assert cached == set(catalogue.files_for("32.04"))
    again = cli(empty_db, "boundaries", "fetch", "32.04", env=_env(str(WILAYAH), tmp_path))
    assert again.code == 0, again.stderr
    assert "Baru / inserted 0, diubah / updated 0, tetap / unchanged 313" in again.stdout


def test_fetch_over_http(empty_db, cli, tmp_path, serve):
    base, requests = serve(WILAYAH)
    result = cli(empty_db, "boundaries", "fetch", "32.04", env=_env(base, tmp_path))
    assert result.code == 0, result.stderr
    assert sorted(requests) == sorted("/" + p for p in Catalogue.load().files_for("32.04"))
    assert _counts(empty_db) == BANDUNG
    assert empty_db.scalar("SELECT name FROM region WHERE code = '32.04'") == "Kabupaten Bandung"


def test_checksum_mismatch_is_refused(bandung_db, cli, tmp_path, serve):
    """A mirror with the upstream layout whose desa file was altered by one character."""
    mirror = tmp_path / "mirror"
    for path in Catalogue.load().files_for("32.04"):
        target = mirror / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((WILAYAH / path).read_bytes())
    kel = mirror / "db" / "kel" / "32" / "wilayah_boundaries_kel_32.04.sql"
    kel.write_bytes(kel.read_bytes().replace(b"'Cileunyi Kulon'", b"'Cileunyi Kulom'", 1))
    before = region_fingerprint(bandung_db)
    var_dir = tmp_path / "var"
    for source in (serve(mirror)[0], str(mirror)):
        result = cli(bandung_db, "boundaries", "fetch", "32.04", env=_env(source, var_dir))
        assert result.code != 0
        assert "checksum tidak cocok / checksum mismatch" in result.stderr
        assert "wilayah_boundaries_kel_32.04.sql" in result.stderr
        assert "Tidak ada yang diubah / nothing was changed." in result.stderr
        assert region_fingerprint(bandung_db) == before
        assert not any(p.name.startswith("wilayah_boundaries_kel") for p in _cached(var_dir))


def test_fetch_needs_a_province_or_kabupaten(empty_db, cli, tmp_path):
    result = cli(empty_db, "boundaries", "fetch", "32.04.05", env=_env(str(WILAYAH), tmp_path))
    assert result.code != 0
    assert "fetch a province or a kabupaten" in result.stderr
    bad = cli(empty_db, "boundaries", "fetch", "3204x", env=_env(str(WILAYAH), tmp_path))
    assert bad.code != 0 and "invalid region code" in bad.stderr
    assert "Traceback" not in result.stderr + bad.stderr


def test_catalogue_lists_every_desa_file_of_a_province():
    """``fetch 32`` needs every kabupaten's desa file; the catalogue's checksums cover them."""
    catalogue = Catalogue.load()
    files = catalogue.files_for("32")
    desa = [p for p in files if p.startswith("db/kel/32/")]
    on_disk = sorted(p.relative_to(WILAYAH).as_posix()
                     for p in (WILAYAH / "db" / "kel" / "32").glob("*.sql"))
    assert desa == on_disk and len(desa) == 27
    assert files[:3] == ["db/prov/wilayah_boundaries_prov_3.sql",
                         "db/kab/wilayah_boundaries_kab_32.sql",
                         "db/kec/wilayah_boundaries_kec_32.sql"]
    assert catalogue.files_for("32.04")[3:] == ["db/kel/32/wilayah_boundaries_kel_32.04.sql"]
