"""Database access: where the database is, connections, and migrations."""

from __future__ import annotations

import psycopg

from geomap.config import settings
from geomap.db.cluster import Cluster


def local_cluster() -> Cluster:
    """The project's own cluster under ``var/pg``."""
    return Cluster(settings().cluster_dir)


def database_url() -> str:
    """``GEOMAP_DATABASE_URL`` when set, else the project's own cluster."""
    return settings().database_url or local_cluster().url()


def connect(**kwargs) -> psycopg.Connection:
    """A new autocommit connection; group writes with ``conn.transaction()``."""
    kwargs.setdefault("autocommit", True)
    return psycopg.connect(database_url(), **kwargs)
