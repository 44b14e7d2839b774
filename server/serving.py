"""How the app is served: gunicorn's size, the database pool per worker, reverse proxies.

Sizing (one machine running both gunicorn and PostgreSQL)
---------------------------------------------------------
- ``GEOMAP_WORKERS`` gunicorn worker processes, default ``min(8, 2 x cores + 1)``: 5 on
  the 2-core reference machine. Workers are processes, so a long upload in one (its
  validation is CPU work in Python) leaves the others serving maps.
- ``GEOMAP_THREADS`` threads per worker (gthread), default 4: a request spends most of
  its time waiting for PostgreSQL (a tile, a count), so a worker overlaps a few.
- ``GEOMAP_POOL_SIZE`` database connections per worker, default threads + 2 (a request
  holds one connection at a time; the two spare cover a caller asked for twice in one
  request). A large upload also opens one connection per core for a moment
  (``geomap.assign``), outside the pool.

So the server's pools hold at most ``workers x pool`` connections: on 2 cores 5 x 6 = 30,
on 8 cores and more 8 x 6 = 48, against ``max_connections = 100`` of the local cluster
(``geomap.db.cluster``), with 20 kept free (:data:`RESERVED_CONNECTIONS`: the CLI, a
backup, psql, and the per-core connections of an upload being assigned, 2 on the
reference machine). ``geomap serve`` refuses to start a server whose pools could take
more than that (:func:`connections_needed`). On a larger machine with its own
PostgreSQL server, raise ``GEOMAP_WORKERS`` with the cores, keep threads at 4, and give
PostgreSQL ``max_connections`` above workers x pool + 20 + cores; beyond a few hundred
connections put a pooler (PgBouncer) between them instead.

Behind a reverse proxy
----------------------
``GEOMAP_PROXIES`` (default 0) is the number of reverse proxies in front of geomap
(nginx, Caddy, a load balancer: usually 1). With N > 0, werkzeug's ``ProxyFix`` takes
the client's address, the scheme, the host and the port from the last N entries of
``X-Forwarded-For`` / ``-Proto`` / ``-Host`` / ``-Port``: the login rate limit and the
session's address see the real client, Secure cookies and ``url_for(_external=True)``
see https. With 0 these headers are ignored (anyone can send them), gunicorn's own
handling of them included (``server.gunicorn_conf``).
"""

from __future__ import annotations

import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

DEFAULT_THREADS = 4
MAX_DEFAULT_WORKERS = 8
SPARE_CONNECTIONS = 2
# Connections kept free for what is not in the pools: the CLI, backups, psql, the
# per-core connections of a large upload's desa assignment (geomap.assign).
RESERVED_CONNECTIONS = 20


def _count(name: str, default: int, minimum: int) -> int:
    value = os.environ.get(name, "")
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        number = minimum - 1
    if number < minimum:
        raise ValueError(f"{name} harus bilangan bulat >= {minimum} / must be a whole number "
                         f">= {minimum}, not {value!r}")
    return number


def default_workers(cores: int | None = None) -> int:
    return min(MAX_DEFAULT_WORKERS, 2 * (cores or os.cpu_count() or 1) + 1)


def workers() -> int:
    """gunicorn worker processes: ``GEOMAP_WORKERS`` or :func:`default_workers`."""
    return _count("GEOMAP_WORKERS", default_workers(), 1)


def threads() -> int:
    return _count("GEOMAP_THREADS", DEFAULT_THREADS, 1)


def pool_size() -> int:
    """Database connections per worker: ``GEOMAP_POOL_SIZE`` or threads + 2."""
    return _count("GEOMAP_POOL_SIZE", threads() + SPARE_CONNECTIONS, 1)


def connections_needed(n_workers: int) -> int:
    """The most connections the pools of ``n_workers`` may hold, and the room kept free."""
    return n_workers * pool_size() + RESERVED_CONNECTIONS


def proxies() -> int:
    """How many reverse proxies stand in front: ``GEOMAP_PROXIES`` (default 0)."""
    return _count("GEOMAP_PROXIES", 0, 0)


def init_app(app: Flask) -> None:
    """Trust ``X-Forwarded-*`` from ``app.config["PROXIES"]`` proxies, and no more."""
    n = app.config.get("PROXIES", 0)
    if n:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n)
