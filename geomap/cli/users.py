"""``geomap users``: accounts and API tokens, for whoever runs the server.

Every change is written to the audit trail as done by the system (the person at the
server's console), with the operating-system user in the detail.
"""

from __future__ import annotations

import getpass
import json
import sys

import click

from geomap import accounts, audit
from geomap.cli.common import connection, fail

_PURPOSE = "administrasi akun / account administration"


def _audit(conn, action: str, **detail: object) -> None:
    try:
        os_user = getpass.getuser()
    except (KeyError, OSError):
        os_user = None
    audit.record(conn, None, action, (), _PURPOSE, {"via": "cli", "os_user": os_user, **detail})


def _read_password(from_stdin: bool) -> str:
    """The new password: the first line of stdin, or typed twice without echo."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Kata sandi / password", hide_input=True,
                        confirmation_prompt="Ulangi kata sandi / repeat the password",
                        err=True)


_password_stdin = click.option(
    "--password-stdin", is_flag=True,
    help="Read the password from the first line of standard input instead of prompting.")


@click.group()
def users() -> None:
    """Pengguna / users: accounts, roles, areas and API tokens."""


@users.command()
@click.argument("username")
# Not click.Choice: its error would be English only; check_role_area's is bilingual.
@click.option("--role", required=True, metavar="|".join(accounts.ROLES),
              help="admin, dinas (a kabupaten office), planner (aggregates only) or tksk "
                   "(one kecamatan).")
@click.option("--area", default=None,
              help="Kemendagri code of the user's area, a loaded region: a kecamatan "
                   "(32.04.05) for tksk, a kabupaten (32.04) or province for dinas and "
                   "planner, anything or nothing for admin.")
@_password_stdin
def add(username: str, role: str, area: str | None, password_stdin: bool) -> None:
    """Add USERNAME with a role, an area and a password (at least 10 characters)."""
    with connection() as conn:
        try:
            # Everything but the password is checked before the password is asked for.
            name = accounts.normalise_username(username)
            accounts.check_role_area(conn, role, area)
            if accounts.list_accounts(conn, [name]):
                raise accounts.AccountError(f"nama pengguna {name} sudah dipakai / username "
                                            f"{name} is already taken")
            password = _read_password(password_stdin)
            with conn.transaction():
                user = accounts.create_user(conn, name, role, area, password)
                _audit(conn, "account.create", username=user.username, role=role,
                       area_code=user.area)
        except accounts.AccountError as exc:
            fail(str(exc))
    click.echo(f"Ditambahkan / added: {user.username} ({user.role}, "
               f"{user.area or 'semua wilayah / every area'}), id {user.id}")


@users.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def list_command(as_json: bool) -> None:
    """List every account with its role, area and state."""
    with connection() as conn:
        rows = accounts.list_accounts(conn)
    if as_json:
        click.echo(json.dumps([{
            "id": a.id, "username": a.username, "role": a.role, "area_code": a.area_code,
            "area_name": a.area_name, "disabled": a.disabled,
            "created_at": a.created_at.isoformat(), "active_tokens": a.active_tokens,
        } for a in rows], ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("Belum ada pengguna / no users yet.")
        return
    width = max(len(a.username) for a in rows)
    for a in rows:
        state = "NONAKTIF / disabled" if a.disabled else "aktif / enabled"
        click.echo(f"{a.id:>5}  {a.username:<{width}}  {a.role:<7}  {a.area_code or '-':<8}  "
                   f"{(a.area_name or '?'):<24}  {state}")


def _set_disabled(username: str, disabled: bool) -> None:
    with connection() as conn:
        try:
            with conn.transaction():
                accounts.set_disabled(conn, username, disabled)
                _audit(conn, "account.disable" if disabled else "account.enable",
                       username=username.strip().lower())
        except accounts.AccountError as exc:
            fail(str(exc))


@users.command()
@click.argument("username")
def disable(username: str) -> None:
    """Disable USERNAME: its sessions end at once and its tokens stop working."""
    _set_disabled(username, True)
    click.echo(f"Dinonaktifkan / disabled: {username}")


@users.command()
@click.argument("username")
def enable(username: str) -> None:
    """Enable USERNAME again."""
    _set_disabled(username, False)
    click.echo(f"Diaktifkan / enabled: {username}")


@users.command("set-password")
@click.argument("username")
@_password_stdin
def set_password(username: str, password_stdin: bool) -> None:
    """Set a new password for USERNAME; its sessions end."""
    with connection() as conn:
        # Check the user exists before asking for a password that would be wasted.
        if not accounts.list_accounts(conn, [username]):
            fail(f"pengguna tidak ditemukan / no such user: {username}")
        password = _read_password(password_stdin)
        try:
            with conn.transaction():
                accounts.set_password(conn, username, password)
                _audit(conn, "account.password", username=username.strip().lower())
        except accounts.AccountError as exc:
            fail(str(exc))
    click.echo(f"Kata sandi diganti / password changed: {username}")


@users.command()
@click.argument("username")
@click.option("--name", default="cli", show_default=True,
              help="What the token is for, e.g. 'upload script'.")
def token(username: str, name: str) -> None:
    """Create an API token for USERNAME and print it: it is shown only this once.

    Only the token goes to standard output, so TOKEN=$(geomap users token ...) works;
    scripts send it as ``Authorization: Bearer <token>``. Only its SHA-256 is stored.
    """
    with connection() as conn:
        try:
            with conn.transaction():
                token_id, secret = accounts.create_token(conn, username, name)
                _audit(conn, "account.token_create", username=username.strip().lower(),
                       token_id=token_id, name=name)
        except accounts.AccountError as exc:
            fail(str(exc))
    click.echo(f"Token {token_id} dibuat; simpan sekarang, tidak akan ditampilkan lagi / "
               f"token {token_id} created; keep it now, it will not be shown again:", err=True)
    click.echo(secret)


@users.command("revoke-token")
@click.argument("token_id", type=int)
def token_revoke(token_id: int) -> None:
    """Revoke the token with id TOKEN_ID."""
    with connection() as conn, conn.transaction():
        if not accounts.revoke_token(conn, token_id):
            fail(f"tidak ada token aktif dengan id {token_id} / no live token with id {token_id}")
        _audit(conn, "account.token_revoke", token_id=token_id)
    click.echo(f"Dicabut / revoked: token {token_id}")


@users.command("tokens")
@click.argument("username", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def token_list(username: str | None, as_json: bool) -> None:
    """List tokens (of USERNAME, or all): id, name, created, last used, revoked."""
    with connection() as conn:
        tokens = accounts.list_tokens(conn, username)
    if as_json:
        click.echo(json.dumps([{
            "id": t.id, "username": t.username, "name": t.name,
            "created_at": t.created_at.isoformat(),
            "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
            "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
        } for t in tokens], ensure_ascii=False, indent=2))
        return
    for t in tokens:
        used = t.last_used_at.strftime("%Y-%m-%d %H:%M") if t.last_used_at else "-"
        state = "dicabut / revoked" if t.revoked_at else "aktif / live"
        click.echo(f"{t.id:>5}  {t.username}  {t.name}  {t.created_at:%Y-%m-%d}  "
                   f"terakhir / last used {used}  {state}")
