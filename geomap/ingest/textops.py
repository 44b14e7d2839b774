"""Whole-column text operations that skip the work when no value needs it.

Without pyarrow, pandas runs ``.str`` methods as a Python call per value. Most
columns of a real file need no change (no control characters, no stray spaces,
no decimal comma), so each operation first searches the whole column joined into
one string (a single C-level regex search) and only then touches the values.
"""

from __future__ import annotations

import re

import pandas as pd

# Joins the values: a Unicode noncharacter, matched by none of the patterns used here
# (controls, white space); a value holding one makes every check fall back to the slow way.
SEP = "\uffff"


def joined(values: pd.Series) -> str:
    return SEP.join(values.tolist())


def needs(values: pd.Series, pattern: str | re.Pattern) -> bool:
    """Whether any value matches ``pattern`` (or holds the separator: then assume so)."""
    text = joined(values)
    return text.count(SEP) != max(len(values) - 1, 0) or bool(re.search(pattern, text))


def replace(values: pd.Series, pattern: str, repl: str, probe: str | None = None) -> pd.Series:
    """``values.str.replace(pattern, repl, regex=True)``, skipped when nothing matches.

    ``probe`` is the search on the joined column when ``pattern`` is anchored (``^``
    matches only at the start of the joined text; the probe writes ``(?:^|\uffff)``).
    """
    if needs(values, probe or pattern):
        return values.str.replace(pattern, repl, regex=True)
    return values


def strip(values: pd.Series) -> pd.Series:
    """``values.str.strip()``, skipped when no value starts or ends with white space."""
    edge = rf"(?:^|{SEP})\s|\s(?:{SEP}|$)"
    return values.str.strip() if needs(values, edge) else values


def fold_few(values: pd.Series) -> pd.Series:
    """Lower case, single spaces, ``_`` as space: computed once per distinct value."""
    unique = values.unique()
    return values.map({v: " ".join(str(v).lower().replace("_", " ").split()) for v in unique})
