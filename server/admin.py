"""The admin page ``/admin/users``: accounts and API tokens, for the ``admin`` role only.

The same operations as ``geomap users`` (both go through :mod:`geomap.accounts`), done
in the browser: list, add, disable/enable, reset a password, issue and revoke tokens.
Every form carries a CSRF token; every change is written to the audit trail with the
admin who made it. A new token is shown once, on a page that is not cached.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from werkzeug.exceptions import NotFound
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from geomap import accounts, audit
from server.auth import current_user, roles_required
from server.db import connection

bp = Blueprint("admin", __name__, url_prefix="/admin")

_REASON = "administrasi akun / account administration"


class AddUserForm(FlaskForm):
    username = StringField("Nama pengguna / username", validators=[DataRequired(),
                                                                    Length(max=64)])
    role = SelectField("Peran / role", choices=list(accounts.ROLES))
    area = StringField("Kode wilayah / area code", validators=[Optional(), Length(max=20)],
                       description="32.04.05 (tksk), 32.04 (dinas, planner); "
                                   "admin: boleh kosong / may be empty")
    password = PasswordField("Kata sandi / password", validators=[
        DataRequired(), Length(max=accounts.MAX_PASSWORD_LENGTH)])
    confirm = PasswordField("Ulangi kata sandi / repeat the password", validators=[
        DataRequired(), EqualTo("password", "Kata sandi tidak sama / the passwords differ")])


class PasswordForm(FlaskForm):
    password = PasswordField("Kata sandi baru / new password", validators=[
        DataRequired(), Length(max=accounts.MAX_PASSWORD_LENGTH)])


class TokenForm(FlaskForm):
    name = StringField("Nama token / token name", validators=[DataRequired(),
                                                               Length(max=100)])


class ActionForm(FlaskForm):
    """A button that changes something: only its CSRF token."""


def _record(conn, action: str, **detail: object) -> None:
    audit.record(conn, current_user(), action, (), _REASON, {"via": "web", **detail})


def _page(add_form: AddUserForm | None = None, status: int = 200):
    with connection() as conn:
        rows = accounts.list_accounts(conn)
        tokens = [t for t in accounts.list_tokens(conn) if t.revoked_at is None]
    body = render_template("admin/users.html", accounts=rows, tokens=tokens,
                           add_form=add_form or AddUserForm(formdata=None),
                           password_form=PasswordForm(formdata=None),
                           token_form=TokenForm(formdata=None),
                           action_form=ActionForm(formdata=None), me=current_user())
    return body, status, {"Cache-Control": "no-store"}


def _errors(form: FlaskForm) -> list[str]:
    return [f"{getattr(form, name).label.text}: {message}"
            for name, messages in form.errors.items() if name != "csrf_token"
            for message in messages]


@bp.get("/users")
@roles_required("admin")
def users():
    return _page()


@bp.post("/users")
@roles_required("admin")
def add_user():
    form = AddUserForm()
    if not form.validate_on_submit():
        for message in _errors(form):
            flash(message)
        return _page(form, 400)
    try:
        with connection() as conn, conn.transaction():
            user = accounts.create_user(conn, form.username.data, form.role.data,
                                        form.area.data, form.password.data)
            _record(conn, "account.create", username=user.username, role=user.role,
                    area_code=user.area)
    except accounts.AccountError as exc:
        flash(str(exc))
        return _page(form, 400)
    flash(f"Ditambahkan / added: {user.username}")
    return redirect(url_for("admin.users"))


def _change(username: str, change) -> None:
    """Run ``change(conn)`` for an existing user; 404 if there is none."""
    with connection() as conn, conn.transaction():
        if not accounts.list_accounts(conn, [username]):
            raise NotFound(f"Pengguna tidak ditemukan / no such user: {username}")
        change(conn)


def _set_disabled(username: str, disabled: bool, done: str):
    """Disable or enable an account: the same form check, audited change and answer for
    both, so the two buttons cannot come to differ in what they check or record."""
    if not ActionForm().validate_on_submit():
        return _page(status=400)
    if disabled and username == current_user().username:
        flash("Anda tidak dapat menonaktifkan akun sendiri / you cannot disable your own "
              "account")
        return _page(status=400)

    def change(conn) -> None:
        accounts.set_disabled(conn, username, disabled)
        _record(conn, "account.disable" if disabled else "account.enable", username=username)
    _change(username, change)
    flash(f"{done}: {username}")
    return redirect(url_for("admin.users"))


@bp.post("/users/<username>/disable")
@roles_required("admin")
def disable(username: str):
    return _set_disabled(username, True, "Dinonaktifkan / disabled")


@bp.post("/users/<username>/enable")
@roles_required("admin")
def enable(username: str):
    return _set_disabled(username, False, "Diaktifkan / enabled")


@bp.post("/users/<username>/password")
@roles_required("admin")
def reset_password(username: str):
    form = PasswordForm()
    if not form.validate_on_submit():
        for message in _errors(form):
            flash(message)
        return _page(status=400)

    def change(conn) -> None:
        accounts.set_password(conn, username, form.password.data)
        _record(conn, "account.password", username=username)
    try:
        _change(username, change)
    except accounts.AccountError as exc:
        flash(str(exc))
        return _page(status=400)
    flash(f"Kata sandi diganti / password changed: {username}")
    return redirect(url_for("admin.users"))


@bp.post("/users/<username>/tokens")
@roles_required("admin")
def issue_token(username: str):
    form = TokenForm()
    if not form.validate_on_submit():
        for message in _errors(form):
            flash(message)
        return _page(status=400)
    issued: dict[str, object] = {}

    def change(conn) -> None:
        issued["id"], issued["token"] = accounts.create_token(conn, username, form.name.data)
        _record(conn, "account.token_create", username=username, token_id=issued["id"],
                name=form.name.data)
    try:
        _change(username, change)
    except accounts.AccountError as exc:
        flash(str(exc))
        return _page(status=400)
    body = render_template("admin/token.html", username=username, name=form.name.data,
                           token_id=issued["id"], token=issued["token"])
    return body, 201, {"Cache-Control": "no-store"}


@bp.post("/tokens/<int:token_id>/revoke")
@roles_required("admin")
def revoke_token(token_id: int):
    if not ActionForm().validate_on_submit():
        return _page(status=400)
    with connection() as conn, conn.transaction():
        if not accounts.revoke_token(conn, token_id):
            raise NotFound(f"Tidak ada token aktif dengan id {token_id} / "
                           f"no live token with id {token_id}")
        _record(conn, "account.token_revoke", token_id=token_id)
    flash(f"Dicabut / revoked: token {token_id}")
    return redirect(url_for("admin.users"))
