"""Benchmark: the planner's small-count suppression of a whole count table.

What a planner's first (cold) view of a filter waits for: ``counts.build`` with
suppression, for Kabupaten Bandung (the demo's 20,000 cases) and for all Jawa Barat
(220,000 cases, ~5,950 desa). Baseline, in the same run: the same table built without
suppression (what dinas and admin get), so the ratio is what the privacy rule costs.

It also prints what the rule hides (cells "*", kecamatan and desa totals "*") and, with
``--lp-audit``, checks every hidden and "<5" cell of the Bandung table with the tests'
linear programme (the attacker's best interval), which must find none recoverable.

    .venv/bin/python bench/suppression.py [--runs 3] [--save DIR | --load DIR] [--lp-audit]

``--save DIR`` keeps the count tables' inputs (desa units and counts per desa and
category) as pickles so later runs can ``--load`` them without the 3-minute setup.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import pandas as pd
from _setup import machine, throwaway_database
from page import prepare

from geomap.analysis import counts, privacy
from geomap.analysis.filters import CaseFilter
from geomap.analysis.query import frame
from tests.analysis_fixtures import recoverable

AREAS = {"Kabupaten Bandung (32.04)": "32.04", "Jawa Barat (32)": "32"}
THRESHOLD = 5


def inputs_from_database(connect) -> dict[str, tuple[pd.DataFrame, pd.DataFrame]]:
    out = {}
    with connect() as conn:
        for title, area in AREAS.items():
            where = CaseFilter(area)
            desa = counts._units(conn, where)
            pairs = frame(conn, "counts", where.params())
            out[title] = (desa, pairs[pairs["desa_code"].isin(desa.index)])
    return out


def save(tables: dict, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for title, (desa, pairs) in tables.items():
        desa.to_pickle(folder / f"{AREAS[title]}-desa.pkl")
        pairs.to_pickle(folder / f"{AREAS[title]}-pairs.pkl")


def load(folder: Path) -> dict:
    return {title: (pd.read_pickle(folder / f"{area}-desa.pkl"),
                    pd.read_pickle(folder / f"{area}-pairs.pkl"))
            for title, area in AREAS.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--save", type=Path)
    parser.add_argument("--load", type=Path)
    parser.add_argument("--lp-audit", action="store_true")
    args = parser.parse_args()
    print(machine())
    if args.load:
        tables = load(args.load)
    else:
        with throwaway_database() as (url, connect):
            prepare(url, connect)
            tables = inputs_from_database(connect)
        if args.save:
            save(tables, args.save)
    failed = False
    for title, (desa, pairs) in tables.items():
        plain, with_rule = [], []
        for _ in range(args.runs):
            start = time.perf_counter()
            counts.build(desa, pairs, suppress=False, threshold=THRESHOLD)
            plain.append(time.perf_counter() - start)
            start = time.perf_counter()
            table = counts.build(desa, pairs, suppress=True, threshold=THRESHOLD)
            with_rule.append(time.perf_counter() - start)
        status = table.cell_status
        base, rule = statistics.median(plain), statistics.median(with_rule)
        print(f"{title}: {len(status):,} cells, {len(table.equations.total):,} sums, "
              f"{int(pairs['n'].sum()):,} cases")
        print(f"  suppression: median {rule:.3f} s ({', '.join(f'{t:.3f}' for t in with_rule)})"
              f"; baseline (no suppression) {base:.3f} s; ratio {rule / base:.1f}x")
        print(f"  hidden: {int((status == privacy.HIDDEN).sum()):,} cells '*', "
              f"{int((status == privacy.SMALL).sum()):,} '<5'; kecamatan totals '*': "
              f"{int((table.kecamatan.status == privacy.HIDDEN).sum())} of "
              f"{len(table.kecamatan)}; desa totals '*': "
              f"{int((table.desa.status == privacy.HIDDEN).sum())} of {len(table.desa)}")
        if args.lp_audit and "Bandung" in title:
            start = time.perf_counter()
            pinned = len(recoverable(table.cells, table.cell_status, table.equations,
                                     THRESHOLD))
            print(f"  LP audit of every non-shown cell: {pinned} recoverable "
                  f"({time.perf_counter() - start:.0f} s)")
            failed |= pinned > 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
