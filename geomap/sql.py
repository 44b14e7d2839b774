"""SQL kept in ``.sql`` files under ``layers/``, read once and cached."""

from __future__ import annotations

from functools import cache

from geomap.config import LAYERS_DIR


@cache
def sql(name: str) -> str:
    """The text of ``layers/<name>.sql`` (``name`` like ``boundaries/upsert``)."""
    return (LAYERS_DIR / f"{name}.sql").read_text(encoding="utf-8")
