"""Web pages for PMKS cases: file upload with preview-then-confirm, the one-case form
(GPS or a tap on the map), and a case's page.

Every write goes through :mod:`geomap.ingest` (via :mod:`server.case_ingest`), the one
validation path shared with the JSON API and the CLI. Every form is a POST with a CSRF
token (Flask-WTF, :mod:`server.auth`). Reads obey the area rule in SQL
(:mod:`geomap.case_reads`): a case outside the caller's area is a 404, never a 403.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from werkzeug.exceptions import Forbidden, NotFound

from geomap import case_reads, taxonomy
from geomap.sql import sql
from server import case_ingest
from server.auth import current_user, roles_required
from server.case_params import purpose
from server.db import connection
from server.errors import on_database_fault

bp = Blueprint("cases", __name__, url_prefix="/cases")

WRITERS = case_ingest.WRITER_ROLES
MAX_GPS_ACCURACY_M = 100  # the form warns when the phone's fix is worse than this
MAX_ERRORS_SHOWN = 500  # the preview page lists this many problems; the file has them all
DEFAULT_CENTER = (-7.0, 107.6)  # Kabupaten Bandung, where the form opens without a GPS fix
FORM_FIELDS = ("lat", "lon", "category", "date", "status", "sex", "age_group",
               "household_size", "notes", "name", "nik", "address", "phone")


@bp.before_request
def _size_limit() -> None:
    case_ingest.apply_size_limit()


@bp.get("/upload")
@roles_required(*WRITERS)
def upload_form():
    return render_template("cases/upload.html", error=None,
                           max_mb=case_ingest.max_upload_mb())


@bp.post("/upload")
@on_database_fault(case_ingest.UPLOAD_NOT_SAVED)
@roles_required(*WRITERS)
def upload():
    upload_file = case_ingest.file_from_request()
    with connection() as conn:
        preview = case_ingest.stage_file(conn, current_user(), upload_file)
    return redirect(url_for("cases.preview", upload_id=preview.upload_id), 303)


@bp.get("/uploads/<int:upload_id>")
@roles_required(*WRITERS)
def preview(upload_id: int):
    user = current_user()
    with connection() as conn:
        staged = case_ingest.load_preview(conn, user, upload_id)
        shown = case_ingest.preview_json(staged, conn, user)
    errors = shown["errors"]
    return render_template("cases/preview.html", preview=shown,
                           errors=errors[:MAX_ERRORS_SHOWN],
                           errors_truncated=max(0, len(errors) - MAX_ERRORS_SHOWN),
                           show_map=case_reads.may_see_cases(current_user()))


@bp.get("/uploads/<int:upload_id>/points")
@roles_required(*case_reads.CASE_ROW_ROLES)
def points(upload_id: int):
    with connection() as conn:
        return case_ingest.staged_points(conn, current_user(), upload_id)


@bp.post("/uploads/<int:upload_id>/confirm")
@on_database_fault(case_ingest.CONFIRM_NOT_DONE)
@roles_required(*WRITERS)
def confirm(upload_id: int):
    with connection() as conn:
        result = case_ingest.confirm(conn, current_user(), upload_id)
    flash(case_ingest.confirm_message(result))
    return redirect(url_for("cases.preview", upload_id=upload_id), 303)


@bp.post("/uploads/<int:upload_id>/discard")
@roles_required(*WRITERS)
def discard(upload_id: int):
    with connection() as conn:
        case_ingest.discard(conn, current_user(), upload_id)
    flash("Unggahan dibatalkan; tidak ada yang disimpan / Upload discarded; nothing was saved")
    return redirect(url_for("cases.upload"), 303)


@bp.get("/uploads/<int:upload_id>/rejected")
@roles_required(*WRITERS)
def rejected_file(upload_id: int):
    with connection() as conn:
        name, mimetype, data = case_ingest.rejected_file(conn, current_user(), upload_id)
    return send_file(data, mimetype=mimetype, as_attachment=True, download_name=name)


@bp.get("/template.xlsx")
@roles_required(*WRITERS)
def template():
    return send_file(case_ingest.template_xlsx(), as_attachment=True,
                     download_name="templat-kasus-pmks.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _map_start(area: str | None) -> tuple[float, float]:
    """(lat, lon) where the form's map opens: the middle of the user's area."""
    if not area:
        return DEFAULT_CENTER
    with connection() as conn:
        row = conn.execute(sql("cases/center"), {"area": area}).fetchone()
    return (row[0], row[1]) if row else DEFAULT_CENTER


def _render_form(values: dict, errors: list, status: int = 200):
    area = current_user().area
    return render_template(
        "cases/form.html", values=values, errors=errors, categories=taxonomy.pmks(),
        statuses=case_ingest.STATUSES, age_groups=case_ingest.AGE_GROUPS,
        today=date.today().isoformat(), max_accuracy_m=MAX_GPS_ACCURACY_M,
        center=_map_start(area),
        outline_url=f"/api/layers/desa.geojson?area={area}" if area else None), status


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*WRITERS)
def new_case():
    """One case from a phone: validated as a one-row upload and written at once."""
    if request.method == "GET":
        return _render_form({"date": date.today().isoformat(), "status": "baru"}, [])
    values = {f: request.form.get(f, "").strip() for f in FORM_FIELDS}
    with connection() as conn:
        result = case_ingest.write_records(conn, current_user(), [values], "form")
    if not result["accepted"]:
        return _render_form(values, result["errors"], 422)
    if not result["ids"]:  # accepted, but stored meanwhile by another request
        flash("Kasus ini sudah tercatat; tidak ada yang ditambahkan / This case was already "
              "recorded; nothing was added")
        return redirect(url_for("cases.new_case"), 303)
    flash("Kasus tersimpan / Case saved")
    return redirect(url_for("cases.show", case_id=result["ids"][0]), 303)


@bp.get("/<int:case_id>")
@roles_required(*case_reads.CASE_ROW_ROLES)
def show(case_id: int):
    """A case's page; its personal data only when a purpose is given (and audited)."""
    user = current_user()
    with connection() as conn:
        row = case_reads.get_case(conn, user, case_id)
        if row is None:
            raise NotFound()
        person = None
        if request.args.get("purpose"):
            if not case_reads.may_read_personal(user):
                raise Forbidden()
            person = case_reads.read_personal(conn, user, [case_id], purpose(request.args),
                                              {"endpoint": "GET /cases/<id>"}).get(case_id, {})
    return render_template("cases/case.html", case=row, person=person,
                           may_read_personal=case_reads.may_read_personal(user))
