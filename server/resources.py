"""Web pages for PSKS resources: the registry of the caller's area (table and map), a
file upload with preview-then-confirm, and the form to add, edit or deactivate one.

For ``dinas`` (its kabupaten, filtered in SQL) and ``admin``; every other role gets 403.
Every write goes through :mod:`server.resources_ingest`, the one check shared with the
JSON API and ``geomap resources import``; every form is a POST with a CSRF token.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from geomap import taxonomy
from geomap.sql import sql
from server import case_ingest
from server import resources_ingest as ingest
from server.auth import current_user, roles_required
from server.db import connection

bp = Blueprint("resources", __name__, url_prefix="/resources")

WRITERS = ingest.WRITER_ROLES
MAX_ERRORS_SHOWN = 500
DEFAULT_CENTER = (-7.0, 107.6)  # Kabupaten Bandung


@bp.before_request
def _size_limit() -> None:
    case_ingest.apply_size_limit()


def _kecamatan(conn, area: str | None) -> list[tuple[str, str]]:
    """The kecamatan of the caller's area, for the filter (an admin: all loaded)."""
    return conn.execute(
        "SELECT code, name FROM region WHERE level = 'kecamatan' "
        "AND geomap_in_area(code, %s) ORDER BY name", (area or "",)).fetchall()


@bp.get("")
@roles_required(*WRITERS)
def index():
    user = current_user()
    category = request.args.get("category") or None
    within = request.args.get("kecamatan") or None
    with connection() as conn:
        rows = ingest.listing(conn, user, category, within)
        kecamatan = _kecamatan(conn, ingest.area_of(user))
    points = [{"id": r["id"], "lat": r["lat"], "lon": r["lon"], "name": r["name"],
               "category": r["category"], "radius_km": r["radius_km"], "active": r["active"]}
              for r in rows]
    return render_template("resources/index.html", rows=rows, points=points,
                           categories=taxonomy.psks(), kecamatan=kecamatan,
                           category=category or "", within=within or "",
                           center=_center(ingest.area_of(user)),
                           outline_url=_outline(ingest.area_of(user), "kecamatan"))


def _outline(area: str | None, layer: str) -> str | None:
    """The map layer API's outline of the caller's area (none for an admin: all of it)."""
    return f"/api/layers/{layer}.geojson?area={area}" if area else None


def _center(area: str | None) -> tuple[float, float]:
    if not area:
        return DEFAULT_CENTER
    with connection() as conn:
        row = conn.execute(sql("cases/center"), {"area": area}).fetchone()
    return (row[0], row[1]) if row else DEFAULT_CENTER


# --- files ------------------------------------------------------------------------------

@bp.get("/upload")
@roles_required(*WRITERS)
def upload_form():
    return render_template("resources/upload.html", max_mb=case_ingest.max_upload_mb())


@bp.post("/upload")
@roles_required(*WRITERS)
def upload():
    upload_file = case_ingest.file_from_request()
    with connection() as conn:
        preview = ingest.preview_file(conn, current_user(), upload_file)
    return redirect(url_for("resources.preview", draft_id=preview["id"]), 303)


@bp.get("/uploads/<int:draft_id>")
@roles_required(*WRITERS)
def preview(draft_id: int):
    with connection() as conn:
        shown = ingest.load_preview(conn, current_user(), draft_id)
    errors = shown["errors"]
    return render_template("resources/preview.html", preview=shown,
                           errors=errors[:MAX_ERRORS_SHOWN],
                           errors_truncated=max(0, len(errors) - MAX_ERRORS_SHOWN))


@bp.post("/uploads/<int:draft_id>/confirm")
@roles_required(*WRITERS)
def confirm(draft_id: int):
    with connection() as conn:
        result = ingest.confirm_file(conn, current_user(), draft_id)
    flash(ingest.confirm_message(result))
    return redirect(url_for("resources.index"), 303)


@bp.post("/uploads/<int:draft_id>/discard")
@roles_required(*WRITERS)
def discard(draft_id: int):
    with connection() as conn:
        ingest.discard_file(conn, current_user(), draft_id)
    flash("Unggahan dibatalkan; tidak ada yang disimpan / Upload discarded; nothing was saved")
    return redirect(url_for("resources.upload_form"), 303)


# --- one resource ---------------------------------------------------------------------------

def _render_form(values: dict, errors: list, resource_id: int | None = None,
                 status: int = 200):
    with connection() as conn:
        defaults = ingest.category_defaults(conn)
    area = ingest.area_of(current_user())
    return render_template(
        "resources/form.html", values=values, errors=errors, resource_id=resource_id,
        categories=taxonomy.psks(), defaults=defaults, center=_center(area),
        outline_url=_outline(area, "desa")), status


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*WRITERS)
def new_resource():
    if request.method == "GET":
        return _render_form({"active": True}, [])
    values = ingest.record_from_form(request.form)
    with connection() as conn:
        result = ingest.write_records(conn, current_user(), [values], "form")
    if not result["accepted"]:
        values["active"] = values["active"] == "ya"
        return _render_form(values, result["errors"], status=422)
    flash("Sumber daya tersimpan / Resource saved" if result.get("inserted") else
          "Sumber daya ini sudah tercatat / This resource was already recorded")
    return redirect(url_for("resources.index"), 303)


@bp.route("/<int:resource_id>/edit", methods=["GET", "POST"])
@roles_required(*WRITERS)
def edit(resource_id: int):
    user = current_user()
    if request.method == "GET":
        with connection() as conn, conn.transaction():
            row = ingest.get_resource(conn, user, resource_id)
        return _render_form(row, [], resource_id)
    values = ingest.record_from_form(request.form)
    with connection() as conn:
        try:
            ingest.edit_resource(conn, user, resource_id, values)
        except ingest.EditRefused as refused:
            values["active"] = values["active"] == "ya"
            return _render_form(values, refused.errors, resource_id, 422)
    flash("Sumber daya diubah / Resource updated")
    return redirect(url_for("resources.index"), 303)


@bp.post("/<int:resource_id>/deactivate")
@roles_required(*WRITERS)
def deactivate(resource_id: int):
    with connection() as conn:
        try:
            ingest.edit_resource(conn, current_user(), resource_id, {"active": False})
        except ingest.EditRefused as refused:  # a stored row the rules now refuse (rare)
            flash("; ".join(e["reason"] for e in refused.errors))
            return redirect(url_for("resources.index"), 303)
    flash("Sumber daya dinonaktifkan / Resource deactivated")
    return redirect(url_for("resources.index"), 303)
