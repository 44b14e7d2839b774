"""Settings read from the environment, in one place.

Every setting has a default that works on a developer's machine with no
configuration: the database is the project's own cluster under ``var/``.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LAYERS_DIR = PROJECT_ROOT / "layers"
SHARED_DIR = PROJECT_ROOT.parent / "shared"


@dataclass(frozen=True)
class Settings:
    """What geomap needs to know about its surroundings."""

    var_dir: Path
    database_url: str | None
    boundary_mirror: str | None
    snap_tolerance_m: float
    # The map: a tile URL template for the basemap (None: no basemap, a plain background),
    # its attribution, and the area ``/`` shows (when that area is not loaded: everything).
    basemap_url: str | None = None
    basemap_attribution: str = ""
    default_area: str = "32.04"

    @property
    def cluster_dir(self) -> Path:
        return self.var_dir / "pg"


def secret_key() -> bytes:
    """The server's secret: sessions, CSRF and the keyed hash of NIKs depend on it.

    ``GEOMAP_SECRET_KEY`` when set; otherwise a random key made once and kept in
    ``var/secret.key`` (mode 0600), so that restarts keep sessions and NIK hashes.
    """
    if env := os.environ.get("GEOMAP_SECRET_KEY"):
        return env.encode()
    path = settings().var_dir / "secret.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(os.urandom(32).hex().encode())
    return path.read_bytes().strip()


_NAMES = ("GEOMAP_VAR_DIR", "GEOMAP_DATABASE_URL", "GEOMAP_BOUNDARY_MIRROR",
          "GEOMAP_SNAP_TOLERANCE_M", "GEOMAP_BASEMAP_URL", "GEOMAP_BASEMAP_ATTRIBUTION",
          "GEOMAP_DEFAULT_AREA")


def settings() -> Settings:
    """Read the settings now (not at import), so tests can change the environment. The
    same environment gives the same object without touching the disk again: every
    response reads the basemap for its security headers, and resolving ``var_dir`` is
    a tenth of a millisecond of a tile's."""
    return _settings(tuple(os.environ.get(name) for name in _NAMES))


@functools.lru_cache(maxsize=16)
def _settings(values: tuple[str | None, ...]) -> Settings:
    env = {name: value for name, value in zip(_NAMES, values, strict=True) if value is not None}
    return Settings(
        var_dir=Path(env.get("GEOMAP_VAR_DIR", PROJECT_ROOT / "var")).resolve(),
        database_url=env.get("GEOMAP_DATABASE_URL") or None,
        boundary_mirror=env.get("GEOMAP_BOUNDARY_MIRROR") or None,
        snap_tolerance_m=float(env.get("GEOMAP_SNAP_TOLERANCE_M", "250")),
        basemap_url=env.get("GEOMAP_BASEMAP_URL") or None,
        basemap_attribution=env.get("GEOMAP_BASEMAP_ATTRIBUTION", ""),
        default_area=env.get("GEOMAP_DEFAULT_AREA") or "32.04",
    )
