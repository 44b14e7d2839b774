"""gunicorn's size against PostgreSQL's: the connections a server may hold fit the database.

``server.serving`` sizes the server (read its docstring); ``geomap serve`` refuses a size
whose pools could take more connections than PostgreSQL allows, instead of failing
later, under load, with "too many clients".
"""

from __future__ import annotations

from server import serving

LOCAL_CORES = (1, 2, 4, 8, 64)


def test_the_default_size_fits_the_local_cluster_on_any_machine(bandung_db, monkeypatch):
    """The local cluster (``geomap.db.cluster``, like the test one) allows 100 connections."""
    allowed = int(bandung_db.scalar("SHOW max_connections"))
    for name in ("GEOMAP_WORKERS", "GEOMAP_THREADS", "GEOMAP_POOL_SIZE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert serving.default_workers() == 5  # the 2-core reference machine
    assert serving.pool_size() == serving.threads() + 2 == 6
    for cores in LOCAL_CORES:
        monkeypatch.setattr("os.cpu_count", lambda cores=cores: cores)
        assert serving.connections_needed(serving.default_workers()) <= allowed, cores


def test_serve_refuses_a_size_the_database_cannot_hold(bandung_db, cli):
    done = cli(bandung_db, "serve", "--port", "1", "--workers", "40")
    assert done.code == 1
    assert "PostgreSQL mengizinkan 100" in done.stderr and "allows 100" in done.stderr
    done = cli(bandung_db, "serve", "--port", "1", env={"GEOMAP_POOL_SIZE": "0"})
    assert done.code == 1 and "GEOMAP_POOL_SIZE" in done.stderr
    done = cli(bandung_db, "serve", "--port", "1", env={"GEOMAP_PROXIES": "satu"})
    assert done.code == 1 and "GEOMAP_PROXIES" in done.stderr
