"""The case filter every layer shares: area, PMKS categories, period.

One definition, turned into the same named parameters for every SQL file in
``layers/analysis`` (``%(prefix)s``, ``%(categories)s``, ``%(date_from)s``,
``%(date_to)s``), so a count, a density and a coverage for one filter always
see the same cases.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from geomap import codes


@dataclass(frozen=True)
class CaseFilter:
    area: str  # a province, kabupaten or kecamatan code
    categories: tuple[str, ...] | None = None  # PMKS codes; None = all
    date_from: dt.date | None = None  # recorded_on, inclusive
    date_to: dt.date | None = None  # recorded_on, inclusive
    open_only: bool = False  # only cases not 'selesai'

    def __post_init__(self) -> None:
        object.__setattr__(self, "area", codes.normalise(self.area))
        if self.categories is not None:
            object.__setattr__(self, "categories", tuple(self.categories))
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError("periode terbalik / period from is after period to")

    def params(self) -> dict[str, object]:
        return {"prefix": self.area + ".", "categories": list(self.categories)
                if self.categories is not None else None, "date_from": self.date_from,
                "date_to": self.date_to, "open_only": self.open_only}
