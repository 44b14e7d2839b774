"""The case filter every layer shares: area, PMKS categories, period.

One definition, turned into the same named parameters (``%(prefix)s``,
``%(categories)s``, ``%(date_from)s``, ``%(date_to)s``, ``%(open_only)s``) for one
WHERE clause, ``layers/analysis/case_filter.sql``, that every query of the filter
includes (``\\include``, :mod:`geomap.sql`), so a count, a density, a coverage, the
heat map and a personal export for one filter always see the same cases. The area is
applied in SQL (a prefix of the desa code), so cases outside it never leave PostgreSQL.

``from_params`` reads the filter from a page's URL (the map state is in the URL
so a link can be shared); every bad value is refused with a bilingual reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from geomap import codes, taxonomy


class FilterError(ValueError):
    """A filter value is not acceptable; the message is bilingual and names no data."""


@dataclass(frozen=True)
class CaseFilter:
    area: str  # a province, kabupaten or kecamatan code
    categories: tuple[str, ...] | None = None  # PMKS codes; None = all
    date_from: dt.date | None = None  # recorded_on, inclusive
    date_to: dt.date | None = None  # recorded_on, inclusive
    open_only: bool = False  # only cases not 'selesai'

    def __post_init__(self) -> None:
        try:
            area = codes.normalise(self.area)
        except codes.InvalidCode as exc:
            raise FilterError(str(exc)) from exc
        if codes.level(area) == "desa":
            raise FilterError("wilayah harus provinsi, kabupaten atau kecamatan / the area must "
                              "be a province, kabupaten or kecamatan")
        object.__setattr__(self, "area", area)
        if self.categories is not None:
            cats = tuple(dict.fromkeys(c.strip().upper() for c in self.categories))
            if not cats:
                raise FilterError("pilih minimal satu kategori / choose at least one category")
            known = {c.code.upper(): c.code for c in taxonomy.pmks()}
            unknown = [c for c in cats if c not in known]
            if unknown:
                raise FilterError(f"kategori PMKS tidak dikenal / unknown PMKS category: "
                                  f"{unknown[0][:20]}")
            object.__setattr__(self, "categories", tuple(sorted(known[c] for c in cats)))
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise FilterError("periode terbalik / period from is after period to")

    def params(self) -> dict[str, object]:
        return {"prefix": self.area + ".", "categories": list(self.categories)
                if self.categories is not None else None, "date_from": self.date_from,
                "date_to": self.date_to, "open_only": self.open_only}

    def as_params(self) -> dict[str, str]:
        """The filter as URL parameters, the inverse of ``from_params``."""
        out = {"area": self.area}
        if self.categories is not None:
            out["categories"] = ",".join(self.categories)
        if self.date_from:
            out["from"] = self.date_from.isoformat()
        if self.date_to:
            out["to"] = self.date_to.isoformat()
        if self.open_only:
            out["open"] = "1"
        return out

    @classmethod
    def from_params(cls, params: Mapping[str, str], default_area: str) -> CaseFilter:
        """From URL parameters: area, categories (comma list; absent or "all" = all),
        from and to (YYYY-MM-DD), open (1 = open cases only)."""
        raw = (params.get("categories") or "").strip()
        categories = None if raw in ("", "all", "semua") else tuple(raw.split(","))
        return cls(params.get("area") or default_area, categories,
                   _date(params.get("from"), "from"), _date(params.get("to"), "to"),
                   params.get("open") in ("1", "true", "ya", "yes"))


def _date(value: str | None, name: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError as exc:
        raise FilterError(f"tanggal '{name}' tidak sah (YYYY-MM-DD) / invalid '{name}' date "
                          "(YYYY-MM-DD)") from exc
