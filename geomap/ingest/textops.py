"""Whole-column text checks that skip the work when no value needs it.

Without pyarrow, pandas runs ``.str`` methods as a Python call per value. Most
columns of a real file need no change (no control characters, no stray spaces,
no decimal comma), so each operation first looks at the whole column at once:
the values joined by NUL and encoded to UTF-8 bytes, checked with numpy (control
characters and ASCII white space are single bytes in UTF-8, never part of a
multi-byte character) or with one regex search. Only a column that needs it is
changed value by value.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

SEP = "\x00"
_SPACE = np.array([0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20], dtype=np.uint8)


def joined(values: pd.Series) -> str:
    return SEP.join(values.tolist())


def _bytes(values: pd.Series) -> tuple[np.ndarray, np.ndarray] | None:
    """The joined column as bytes and the separators' positions; None if a value has NUL."""
    raw = np.frombuffer(joined(values).encode("utf-8", "surrogatepass"), dtype=np.uint8)
    seps = np.flatnonzero(raw == 0)
    return None if len(seps) != max(len(values) - 1, 0) else (raw, seps)


def has_control(values: pd.Series, allowed: str = "") -> bool:
    """Whether any value holds a control character (other than those ``allowed``)."""
    found = _bytes(values)
    if found is None:
        return True
    raw = found[0]
    control = ((raw < 0x20) | (raw == 0x7F)) & (raw != 0)
    for char in allowed:
        control &= raw != ord(char)
    return bool(control.any())


def has_edge_space(values: pd.Series) -> bool:
    """Whether any value may start or end with white space (non-ASCII next to an edge:
    assume so)."""
    found = _bytes(values)
    if found is None:
        return True
    raw, seps = found
    if not len(raw):
        return False
    first = np.concatenate(([0], seps + 1))
    last = np.concatenate((seps - 1, [len(raw) - 1]))
    first, last = first[first < len(raw)], last[last >= 0]
    edge = np.concatenate((raw[first], raw[last]))
    return bool(np.isin(edge, _SPACE).any() or (edge >= 0x80).any())


def needs(values: pd.Series, pattern: str) -> bool:
    """Whether any value matches ``pattern`` (searched once over the joined column).

    ``^``/``$`` match only at the ends of the joined text: write ``(?:^|\\x00)``.
    """
    text = joined(values)
    return text.count(SEP) != max(len(values) - 1, 0) or bool(re.search(pattern, text))


def replace(values: pd.Series, pattern: str, repl: str, probe: str | None = None) -> pd.Series:
    """``values.str.replace(pattern, repl, regex=True)``, skipped when nothing matches."""
    if needs(values, probe or pattern):
        return values.str.replace(pattern, repl, regex=True)
    return values


def strip(values: pd.Series) -> pd.Series:
    """``values.str.strip()``, skipped when no value starts or ends with white space."""
    return values.str.strip() if has_edge_space(values) else values


def fold_few(values: pd.Series) -> pd.Series:
    """Lower case, single spaces, ``_`` as space: computed once per distinct value."""
    unique = values.unique()
    return values.map({v: " ".join(str(v).lower().replace("_", " ").split()) for v in unique})
