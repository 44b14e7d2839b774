"""``geomap demo``: demo data for trying geomap and for the tests."""

from __future__ import annotations

import datetime as dt
import json
import sys

import click
from click.core import ParameterSource

from geomap import codes
from geomap.cli.common import connection, fail
from geomap.demo.places import NoDesa
from geomap.demo.seed import (
    DEFAULT_AREA,
    DEFAULT_CASES,
    DEFAULT_SEED,
    DEMO_PASSWORD,
    AlreadySeeded,
    Params,
    seed,
)


@click.group()
def demo() -> None:
    """Data demo / demo data (fiktif / synthetic)."""


@demo.command("seed")
@click.option("--cases", "n_cases", type=click.IntRange(0, 5_000_000), default=DEFAULT_CASES,
              show_default=True, help="How many PMKS cases.")
@click.option("--seed", "seed_value", type=int, default=DEFAULT_SEED, show_default=True,
              help="Random seed: the same seed and date give the same data.")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Reference date (YYYY-MM-DD): cases fall in the two years before it. "
                   "Default: today.")
@click.option("--area", default=DEFAULT_AREA, show_default=True,
              help="Kemendagri code of the kabupaten to fill (its desa must be loaded).")
@click.option("--password-stdin", is_flag=True,
              help=f"Read the demo accounts' password from stdin (default {DEMO_PASSWORD!r}).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
@click.pass_context
def seed_command(ctx: click.Context, n_cases: int, seed_value: int, today: dt.datetime | None,
                 area: str, password_stdin: bool, as_json: bool) -> None:
    """Fill the database with synthetic cases, resources and demo accounts.

    Names, NIKs, addresses and phone numbers are fake (valid in form only). Accounts:
    admin, dinas, planner and tksk-<kecamatan> for each kecamatan with a TKSK, all with
    the demo password, printed once when they are created. Seeding again with the same
    parameters changes nothing; other parameters over an existing demo are refused
    (when no parameter was given, e.g. by scripts/up.sh on another day, the existing
    demo is kept and the command succeeds).
    """
    try:
        area = codes.normalise(area)
    except codes.InvalidCode as exc:
        fail(str(exc))
    if codes.level(area) != "kabupaten":
        fail(f"--area harus kode kabupaten/kota / must be a kabupaten/kota code (32.04), "
             f"bukan / not {area}")
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else DEMO_PASSWORD
    params = Params(n_cases, seed_value, (today.date() if today else dt.date.today()), area)
    explicit = any(ctx.get_parameter_source(p) is not ParameterSource.DEFAULT
                   for p in ("n_cases", "seed_value", "today", "area"))
    with connection() as conn:
        try:
            result = seed(conn, params, password)
        except AlreadySeeded as exc:
            if explicit:
                fail(str(exc))
            click.echo(f"{exc}", err=True)
            return
        except NoDesa as exc:
            fail(str(exc))
    if as_json:
        click.echo(json.dumps(result.as_json(), ensure_ascii=False))
    else:
        r = result.resources
        click.echo(f"Kasus baru / cases added: {result.cases_added} (of {params.cases}); "
                   f"sumber daya / resources: baru / inserted {r.inserted}, "
                   f"tetap / unchanged {r.unchanged}")
        gap = ", ".join(f"{name} ({code})" for code, name in result.without_tksk)
        click.echo(f"Kecamatan tanpa TKSK / without a TKSK: {gap}")
    if result.users_created:
        click.echo(f"Akun demo / demo accounts: {', '.join(result.users_created)}", err=True)
        if not password_stdin:
            click.echo(f"Kata sandi demo / demo password: {DEMO_PASSWORD} (semua akun demo; "
                       "jangan dipakai dengan data nyata / all demo accounts; never with real "
                       "data)", err=True)
