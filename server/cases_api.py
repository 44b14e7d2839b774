"""The JSON API of PMKS cases and case uploads.

Authentication is a Bearer token (scripts) or the browser session with its CSRF token
(``X-CSRFToken``); see :mod:`server.auth`. Writes go through the one validation path of
:mod:`geomap.ingest` (via :mod:`server.case_ingest`), the same as files and the form.

Reads obey the area rule in SQL (:mod:`geomap.case_reads`): a case outside the caller's
area is 404, exactly like a case that does not exist. A ``planner`` gets counts only
(``/api/cases/counts``); the case list and single cases, which carry points, are 403 for
it. Personal data comes only with ``?personal=1&purpose=...``, to tksk/dinas/admin, and
every such read is written to the audit log with the ids read.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from werkzeug.exceptions import BadRequest, Forbidden, NotFound

from geomap import case_reads, codes
from server import case_ingest
from server.auth import current_user, login_required, roles_required
from server.case_params import case_filter, case_json, purpose, wants_personal
from server.db import connection
from server.errors import on_database_fault
from server.write_requests import json_records, write_status

bp = Blueprint("cases_api", __name__, url_prefix="/api")

CASE_READERS = case_reads.CASE_ROW_ROLES
WRITERS = case_ingest.WRITER_ROLES


@bp.before_request
def _size_limit() -> None:
    case_ingest.apply_size_limit()


def _with_persons(rows: list[dict], audit_detail: dict) -> list[dict]:
    """The rows, with personal data added (and the read audited) when explicitly asked."""
    if not wants_personal(request.args):
        return [case_json(r) for r in rows]
    user = current_user()
    why = purpose(request.args)
    if not case_reads.may_read_personal(user):
        raise Forbidden()
    with connection() as conn:
        persons = case_reads.read_personal(conn, user, [r["id"] for r in rows], why,
                                           audit_detail)
    return [case_json(r, persons.get(r["id"], {})) for r in rows]


@bp.get("/cases")
@roles_required(*CASE_READERS)
def list_cases():
    """Cases in the caller's area (tksk, dinas, admin).
    ---
    get:
      summary: Kasus PMKS / PMKS cases
      operationId: listCases
      parameters:
        - Area
        - Category
        - {name: from, in: query, schema: {type: string, format: date}}
        - {name: to, in: query, schema: {type: string, format: date}}
        - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 10000}}
        - {name: offset, in: query, schema: {type: integer, minimum: 0}}
        - Personal
        - Purpose
      responses:
        200: {json: CaseList}
    """
    query = case_filter(request.args)
    with connection() as conn:
        rows = case_reads.list_cases(conn, current_user(), query)
    cases = _with_persons(rows, {"endpoint": "GET /api/cases", "query": request.args.to_dict()})
    return jsonify({"count": len(cases), "limit": query.limit, "offset": query.offset,
                    "personal": wants_personal(request.args), "cases": cases})


@bp.get("/cases/<int:case_id>")
@roles_required(*CASE_READERS)
def get_case(case_id: int):
    """One case (404 outside the caller's area).
    ---
    get:
      summary: Satu kasus / One case
      operationId: getCase
      parameters:
        - Personal
        - Purpose
      responses:
        200: {json: Case}
    """
    with connection() as conn:
        row = case_reads.get_case(conn, current_user(), case_id)
    if row is None:
        raise NotFound()
    return jsonify(_with_persons([row], {"endpoint": "GET /api/cases/<id>"})[0])


@bp.get("/cases/counts")
@login_required
def counts():
    """Cases per kecamatan and category: what every role may see; a planner's small
    counts are suppressed as on the maps (``label`` "<5" or "*", ``count`` null).
    ---
    get:
      summary: Jumlah kasus per kecamatan dan kategori / Case counts per kecamatan and category
      operationId: caseCounts
      parameters:
        - Area
        - Category
        - {name: from, in: query, schema: {type: string, format: date}}
        - {name: to, in: query, schema: {type: string, format: date}}
      responses:
        200: {json: Counts}
    """
    query = case_filter(request.args)
    if query.within and codes.level(query.within) == "desa":
        raise BadRequest("parameter area: provinsi, kabupaten atau kecamatan / a province, "
                         "kabupaten or kecamatan")
    with connection() as conn:
        body = case_reads.counts(conn, current_user(), query)
    return jsonify(body)


# --- writes ---------------------------------------------------------------------------

@bp.post("/cases")
@roles_required(*WRITERS)
def create_cases():
    """One case or a list: valid rows are written at once, rejected rows reported.

    201 when at least one case was written, 200 when every row was already there
    (a repeated request adds nothing), 422 when none was accepted.
    ---
    post:
      summary: Tambah kasus / Add cases
      operationId: createCases
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/CaseInputs"}
      responses:
        201: CasesCreated
        200: CasesAlreadyThere
        422: CasesNoneAccepted
        413: TooLarge
    """
    records = json_records("cases", "kasus", "case")
    with connection() as conn:
        result = case_ingest.write_records(conn, current_user(), records, "api")
    kept = result["already_recorded"] or result["accepted"]
    return jsonify(result), write_status(result["created"], kept)


@bp.post("/uploads")
@on_database_fault(case_ingest.UPLOAD_NOT_SAVED)
@roles_required(*WRITERS)
def upload():
    """Check a file of cases and keep it as a preview.
    ---
    post:
      summary: Unggah berkas kasus (pratinjau) / Upload a case file (preview)
      operationId: uploadCases
      requestBody: FileUpload
      responses:
        201: {json: CaseUploadPreview, description: "Preview"}
        413: TooLarge
    """
    upload_file = case_ingest.file_from_request()
    with connection() as conn:
        preview = case_ingest.stage_file(conn, current_user(), upload_file)
        body = case_ingest.preview_json(preview, conn, current_user())
    return jsonify(body), 201


@bp.get("/uploads/<int:upload_id>")
@roles_required(*WRITERS)
def upload_preview(upload_id: int):
    """The preview of one of the caller's uploads.
    ---
    get:
      summary: Pratinjau unggahan / An upload's preview
      operationId: getCaseUpload
      responses:
        200: {json: CaseUploadPreview}
    """
    with connection() as conn:
        preview = case_ingest.load_preview(conn, current_user(), upload_id)
        body = case_ingest.preview_json(preview, conn, current_user())
    return jsonify(body)


@bp.get("/uploads/<int:upload_id>/points")
@roles_required(*WRITERS)
def upload_points(upload_id: int):
    """The accepted points of this user's staged upload, as GeoJSON (for the preview map).
    ---
    get:
      summary: Titik unggahan / An upload's points
      operationId: getCaseUploadPoints
      responses:
        200: {json: FeatureCollection}
    """
    with connection() as conn:
        collection = case_ingest.staged_points(conn, current_user(), upload_id)
    return jsonify(collection)


@bp.post("/uploads/<int:upload_id>/confirm")
@on_database_fault(case_ingest.CONFIRM_NOT_DONE)
@roles_required(*WRITERS)
def confirm(upload_id: int):
    """Write a previewed upload's accepted rows as cases.
    ---
    post:
      summary: Simpan unggahan / Confirm an upload
      operationId: confirmCaseUpload
      responses:
        200: {json: CaseUploadConfirmed}
        409: UploadClosed
    """
    with connection() as conn:
        result = case_ingest.confirm(conn, current_user(), upload_id)
    return jsonify(result)


@bp.delete("/uploads/<int:upload_id>")
@roles_required(*WRITERS)
def discard(upload_id: int):
    """Throw a preview away.
    ---
    delete:
      summary: Buang unggahan / Discard an upload
      operationId: discardCaseUpload
      responses:
        200: {json: Discarded}
    """
    with connection() as conn:
        case_ingest.discard(conn, current_user(), upload_id)
    return jsonify({"id": upload_id, "status": "discarded"})
