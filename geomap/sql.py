"""SQL kept in ``.sql`` files under ``layers/``, read once and cached.

A clause that several queries share (the case filter of the map, the analyses and the
exports) lives in one file of its own and is pulled in by a line ``\\include NAME``,
optionally after ``WHERE`` or ``AND``: the line is replaced by that file's SQL (its
leading comment lines dropped), the following lines indented as the ``\\include`` line
is. The text the server receives is the same as if the clause had been written out in
place, so the planner sees what it saw before (no function call to inline, no change to
the generic plans of prepared statements). A file that PostgreSQL received unexpanded
would fail on the backslash: it can never run without its filter.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from geomap.config import LAYERS_DIR

_INCLUDE = re.compile(r"^(?P<indent>[ \t]*)(?P<lead>(?:WHERE|AND)[ \t]+)?"
                      r"\\include[ \t]+(?P<name>[\w/]+)[ \t]*$", re.M)


@cache
def sql(name: str) -> str:
    """The text of ``layers/<name>.sql`` (``name`` like ``boundaries/upsert``), its
    ``\\include`` lines expanded."""
    return expand(LAYERS_DIR, name)


def expand(root: Path, name: str, seen: tuple[str, ...] = ()) -> str:
    """``root/<name>.sql`` with its ``\\include`` lines replaced, recursively."""
    if name in seen:
        raise ValueError(f"SQL include cycle: {' -> '.join((*seen, name))}")
    text = (root / f"{name}.sql").read_text(encoding="utf-8")

    def include(match: re.Match[str]) -> str:
        first, *rest = _fragment(expand(root, match["name"], (*seen, name)))
        indent = match["indent"]
        return "\n".join([indent + (match["lead"] or "") + first,
                          *(indent + line if line else line for line in rest)])

    return _INCLUDE.sub(include, text)


def _fragment(text: str) -> list[str]:
    """The lines of an included file without its leading comments and trailing blanks."""
    lines = text.rstrip().splitlines()
    while lines and (not lines[0].strip() or lines[0].lstrip().startswith("--")):
        lines.pop(0)
    if not lines:
        raise ValueError("an included SQL file holds no SQL")
    return lines
