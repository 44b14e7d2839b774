"""The one error a boundary source raises, naming the file, row and reason."""

from __future__ import annotations


class BoundaryError(ValueError):
    """A boundary source that cannot be imported; nothing of it is written."""

    def __init__(self, source: str, reason: str, *, row: int | None = None,
                 line: int | None = None, code: str | None = None) -> None:
        self.source, self.reason, self.row, self.line, self.code = source, reason, row, line, code
        where = [source]
        if line is not None:
            where.append(f"baris/line {line}")
        if row is not None:
            where.append(f"rekord/row {row}")
        if code:
            where.append(f"kode {code}")
        super().__init__(f"{', '.join(where)}: {reason}")
