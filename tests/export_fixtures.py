"""Helpers of the export tests: the seeded demo database and reading PDFs back."""

from __future__ import annotations

import subprocess
from pathlib import Path

SEED_ARGS = ("demo", "seed", "--cases", "2000", "--seed", "1", "--today", "2026-11-23")


def seed(db, cli) -> None:
    """Kabupaten Bandung with the demo's 2,000 cases, resources and accounts (via the CLI)."""
    done = cli(db, *SEED_ARGS)
    assert done.code == 0, done.stderr


def pdf_info(path: Path) -> dict[str, str]:
    """``pdfinfo``'s fields (Pages, Page size...)."""
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return {k.strip(): v.strip() for k, v in
            (line.split(":", 1) for line in out.stdout.splitlines() if ":" in line)}


def page_size_pt(path: Path) -> tuple[float, float]:
    """The first page's width and height in points."""
    size = pdf_info(path)["Page size"].split()  # "841.89 x 595.276 pts (A4)"
    return float(size[0]), float(size[2])


def pdf_text(path: Path, page: int | None = None) -> str:
    args = ["pdftotext", "-layout"]
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    return subprocess.run([*args, str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def rasterise(path: Path, out_dir: Path, dpi: int = 30) -> list[Path]:
    """Every page as a PNG with ``pdftoppm`` (what a reader would show)."""
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(path), str(out_dir / "page")],
                   check=True)
    return sorted(out_dir.glob("page*.png"))
