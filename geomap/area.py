"""The area rule: what part of the country a user may see, applied inside the database.

A user's area is a Kemendagri code; a record is in it when its code is the area or lies
under it (``32.04`` holds ``32.04.05`` and ``32.04.05.2001``), as :func:`geomap.codes.contains`
says. Queries filter in their WHERE clause so rows outside the area never leave
PostgreSQL, in one of two ways:

- SQL kept in a ``.sql`` file calls the function ``geomap_in_area(code, area)``
  (``layers/schema/0011_area_rule.sql``) with :func:`area_param` as the parameter::

      WHERE geomap_in_area(c.kecamatan_code, %(area)s)
      conn.execute(sql("cases/list"), {"area": area_param(user), ...})

- SQL built in Python adds :func:`area_filter` (a ``psycopg.sql`` fragment)::

      sql.SQL("SELECT ... FROM pmks_case c WHERE {}").format(area_filter(user, "c.desa_code"))

The Python checks at the bottom are for one record already in hand.

An ``admin`` sees everything, whatever its area (its area is only where its maps open):
an admin manages users of every area, so limiting it would only make it create itself
a second account. A ``planner`` sees its area but never personal data.
"""

from __future__ import annotations

from psycopg import sql

from geomap import codes
from geomap.accounts import User

# Who may read the personal data (name, NIK, address, phone) of a case, besides admin.
PERSONAL_DATA_ROLES = ("admin", "dinas", "tksk")

WHOLE_COUNTRY = ""  # geomap_in_area's area for "no limit"


def _column(column: str | sql.Composable) -> sql.Composable:
    if isinstance(column, sql.Composable):
        return column
    return sql.Identifier(*column.split("."))


def area_param(user: User) -> str:
    """The ``area`` argument of the SQL function ``geomap_in_area`` for this user.

    ``''`` (everything) for an admin; the user's code otherwise. A non-admin without an
    area cannot exist (a CHECK forbids it), but would raise here rather than see all.
    """
    if user.role == "admin":
        return WHOLE_COUNTRY
    if not user.area:
        raise PermissionError(f"user {user.username} has no area")
    return codes.normalise(user.area)


def area_filter(user: User, column: str | sql.Composable) -> sql.Composable:
    """A WHERE condition: ``column`` (a region code, e.g. ``"c.kecamatan_code"``) is in the
    user's area.

    The area goes in as a quoted literal, not a placeholder, so the fragment can be put
    in any query whatever its own parameter style (``%s`` or ``%(name)s``), and a constant
    prefix lets the planner use a btree index on the code (C collation). The code is
    checked first; codes are digits and dots, nothing LIKE would treat specially.
    """
    area = area_param(user)
    if area == WHOLE_COUNTRY:
        return sql.SQL("TRUE")
    return sql.SQL("({col} = {area} OR {col} LIKE {prefix})").format(
        col=_column(column), area=sql.Literal(area), prefix=sql.Literal(area + ".%"))


area_condition = area_filter  # the earlier name


def personal_filter(user: User, column: str | sql.Composable) -> sql.Composable:
    """A WHERE condition: the personal data of a record with this region code may be read
    by ``user`` (the database side of :func:`can_read_personal`)."""
    if user.role not in PERSONAL_DATA_ROLES:
        return sql.SQL("FALSE")
    return area_filter(user, column)


def in_area(user: User, code: str) -> bool:
    """Whether a region code (kecamatan, desa...) lies in the user's area."""
    area = area_param(user)
    return area == WHOLE_COUNTRY or codes.contains(area, codes.normalise(code))


def can_read_personal(user: User, kecamatan_code: str) -> bool:
    """tksk of that kecamatan, dinas whose kabupaten (or province) holds it, or admin."""
    return user.role in PERSONAL_DATA_ROLES and in_area(user, kecamatan_code)


def narrow(user: User | None, requested: str | None) -> str | None:
    """The area a restricted layer is drawn for: what was asked (None: everything
    loaded), narrowed to the user's area.

    An admin gets what it asked. For anyone else a request above their area becomes
    their area, one inside it stays, and one beside it raises :class:`PermissionError`
    (the caller answers 404: another area's data does not exist for this user).
    """
    if user is None:
        raise PermissionError("not logged in")
    own = area_param(user)
    if own == WHOLE_COUNTRY:
        return requested
    if requested is None or codes.contains(requested, own):
        return own
    if codes.contains(own, requested):
        return requested
    raise PermissionError(f"{requested} is outside {own}")
