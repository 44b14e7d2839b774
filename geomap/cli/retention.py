"""``geomap retention``: delete personal data past its retention period."""

from __future__ import annotations

import click

from geomap import retention as policy
from geomap.cli.common import connection, fail


@click.group()
def retention() -> None:
    """Retensi data pribadi / personal-data retention."""


@retention.command()
@click.option("--days", type=click.IntRange(min=1),
              help=f"Retention period in days (default GEOMAP_RETENTION_DAYS, "
                   f"{policy.DEFAULT_DAYS}).")
@click.option("--dry-run", is_flag=True, help="Only count what would be deleted.")
def run(days: int | None, dry_run: bool) -> None:
    """Delete closed cases (selesai) closed longer ago than the retention period, with
    their personal data, stale upload previews, ended login sessions and old login
    attempts. Audited."""
    try:
        days = days or policy.retention_days()
    except ValueError as exc:
        fail(str(exc))
    with connection() as conn:
        if dry_run:
            count = policy.due(conn, days)
            click.echo(f"Akan dihapus / would delete: {count} kasus selesai / closed cases "
                       f"(> {days} hari / days).")
            return
        done = policy.run(conn, days)
    click.echo(f"Dihapus / deleted: {done.cases} kasus selesai / closed cases (> {days} hari / "
               f"days); {done.stale_uploads} pratinjau basi / stale previews; "
               f"{done.sessions} sesi login berakhir / ended login sessions, {done.attempts} "
               f"percobaan login lama / old login attempts.")
