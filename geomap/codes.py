"""Kemendagri region codes: ``32`` > ``32.04`` > ``32.04.05`` > ``32.04.05.2001``.

The dots are part of the official notation. In a desa code the last part
starting with ``1`` is a kelurahan, with ``2`` a desa. Kabupaten/kota codes
from ``71`` up are kota.
"""

from __future__ import annotations

import re
from typing import Literal

Level = Literal["province", "kabupaten", "kecamatan", "desa"]
LEVELS: tuple[Level, ...] = ("province", "kabupaten", "kecamatan", "desa")

# ASCII digits only (re.ASCII: ``\d`` would match any script's digits, e.g. "３２"), and
# \Z, not $ (which also matches before a trailing newline).
_CODE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.[12]\d{3})?)?)?\Z", re.ASCII)
_LEVEL_BY_PARTS: dict[int, Level] = dict(zip((1, 2, 3, 4), LEVELS, strict=True))


class InvalidCode(ValueError):
    """Not a Kemendagri region code."""


def normalise(code: str) -> str:
    """Accept ``3204052001`` as well as ``32.04.05.2001``; return the dotted form."""
    code = code.strip()
    if "." not in code and code.isascii() and code.isdigit() and len(code) in (2, 4, 6, 10):
        parts = [code[0:2], code[2:4], code[4:6], code[6:10]]
        code = ".".join(p for p in parts if p)
    if not _CODE.match(code):
        raise InvalidCode(f"kode wilayah tidak sah / invalid region code: {code!r}")
    return code


def is_valid(code: str) -> bool:
    return bool(_CODE.match(code))


def level(code: str) -> Level:
    return _LEVEL_BY_PARTS[normalise(code).count(".") + 1]


def parent(code: str) -> str | None:
    """The code one level up, or None for a province."""
    code = normalise(code)
    return code.rsplit(".", 1)[0] if "." in code else None


def kind(code: str) -> str:
    """The finer kind: provinsi, kabupaten or kota, kecamatan, desa or kelurahan."""
    code = normalise(code)
    match level(code):
        case "province":
            return "provinsi"
        case "kabupaten":
            return "kota" if int(code[3:5]) >= 71 else "kabupaten"
        case "kecamatan":
            return "kecamatan"
        case _:
            return "kelurahan" if code[9] == "1" else "desa"


def kecamatan_of(code: str) -> str:
    """The kecamatan a desa (or kecamatan) code belongs to."""
    code = normalise(code)
    if level(code) not in ("kecamatan", "desa"):
        raise InvalidCode(f"bukan kode kecamatan/desa / not a kecamatan or desa code: {code}")
    return code[:8]


def contains(area: str, code: str) -> bool:
    """Whether ``code`` lies in (or is) ``area``."""
    return code == area or code.startswith(area + ".")
