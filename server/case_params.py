"""Reading the query parameters of the case endpoints (pages and JSON alike).

A bad parameter is a 400 with a bilingual reason, never a stack trace; the caller's area
is never a parameter (it comes from the login), only a narrower ``area`` inside it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest

from geomap import codes, taxonomy
from geomap.case_reads import MAX_LIMIT, CaseFilter


def _date(args: MultiDict, name: str) -> date | None:
    text = (args.get(name) or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadRequest(f"parameter {name}: tanggal tidak sah, pakai YYYY-MM-DD / "
                         f"invalid date, use YYYY-MM-DD") from None


def _int(args: MultiDict, name: str, default: int, low: int, high: int) -> int:
    text = (args.get(name) or "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise BadRequest(f"parameter {name}: harus bilangan bulat / must be a whole "
                         "number") from None
    if not low <= value <= high:
        raise BadRequest(f"parameter {name}: harus {low}-{high} / must be {low}-{high}")
    return value


def category_code(value: str | None) -> str | None:
    """A PMKS category code from a code, number or name; 400 with a suggestion if unknown."""
    text = (value or "").strip()
    if not text:
        return None
    match = taxonomy.find(taxonomy.pmks(), text)
    if match.category is None:
        hint = (f" (maksud Anda / did you mean: {match.suggestion.name_id}?)"
                if match.suggestion else "")
        raise BadRequest(f"parameter category: kategori PMKS tidak dikenal / unknown PMKS "
                         f"category{hint}")
    return match.category.code


def category_codes(args: MultiDict) -> tuple[str, ...] | None:
    """Several PMKS categories: ``categories=KM,AT`` (codes, numbers or names; absent,
    ``all`` or ``semua`` = all), else the single ``category``; None for all."""
    raw = (args.get("categories") or "").strip()
    if raw.lower() in ("", "all", "semua"):
        one = category_code(args.get("category"))
        return (one,) if one else None
    return tuple(dict.fromkeys(category_code(p) for p in raw.split(",") if p.strip())) or None


def case_filter(args: MultiDict) -> CaseFilter:
    """``category``, ``from``, ``to``, ``area`` (a region code), ``limit``, ``offset``."""
    within = (args.get("area") or "").strip() or None
    if within is not None:
        try:
            within = codes.normalise(within)
        except codes.InvalidCode:
            raise BadRequest("parameter area: kode wilayah tidak sah / invalid region "
                             "code") from None
    date_from, date_to = _date(args, "from"), _date(args, "to")
    if date_from and date_to and date_from > date_to:
        raise BadRequest("parameter from/to: awal sesudah akhir / from is after to")
    return CaseFilter(within=within, category=category_code(args.get("category")),
                      date_from=date_from, date_to=date_to,
                      limit=_int(args, "limit", 1000, 1, MAX_LIMIT),
                      offset=_int(args, "offset", 0, 0, 10**9))


def wants_personal(args: MultiDict) -> bool:
    return (args.get("personal") or "").strip().lower() in ("1", "true", "yes", "ya")


def purpose(args: MultiDict) -> str:
    """The stated purpose of a personal-data read; 400 without one."""
    text = (args.get("purpose") or "").strip()
    if not text:
        raise BadRequest("data pribadi hanya dengan parameter purpose (keperluan) / personal "
                         "data only with a purpose parameter")
    if len(text) > 500:
        raise BadRequest("purpose: maksimal 500 karakter / at most 500 characters")
    return text


def case_json(row: dict[str, Any], person: dict | None = None) -> dict[str, Any]:
    """A case as the API returns it (dates as ISO text, personal data only if given)."""
    out = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in row.items()}
    if person is not None:
        out["person"] = person
    return out
