"""The JSON API of PSKS resources.

``GET /api/resources?category=&area=``
    Resources in the caller's area (and in ``area``, a code inside it; one outside is a
    404), for ``admin``, ``dinas`` and ``planner``. Resources are services, not people,
    but a contact (and a TKSK's account name) reaches a person: a ``planner`` gets
    neither.
``POST /api/resources``
    One resource object, a list, or ``{"resources": [...]}`` (keys as in a file:
    category, name, lat, lon, capacity, radius_km, active, contact, username; Bahasa
    Indonesia names work too). Valid ones are written, rejected ones reported with row,
    column, code and bilingual reason: 201 if something was added, 200 if all were
    already there (a repeated request adds nothing), 422 if none was accepted.
``PATCH /api/resources/<id>``
    Any of capacity, radius_km, active, contact: checked like a new row; 422 with the
    problems, 404 for a resource outside the caller's area.
``POST /api/resources/uploads`` (multipart ``file``), ``GET .../uploads/<id>``,
``POST .../uploads/<id>/confirm``, ``DELETE .../uploads/<id>``
    A file's preview (a dry run) then its import, as on the upload page.

Writes are for ``admin`` and ``dinas`` (a dinas only inside its kabupaten), with a
Bearer token or the browser session plus ``X-CSRFToken`` (:mod:`server.auth`).
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from werkzeug.exceptions import BadRequest

from server import case_ingest
from server import resources_ingest as ingest
from server.auth import current_user, roles_required
from server.db import connection
from server.write_requests import json_records, write_status

bp = Blueprint("resources_api", __name__, url_prefix="/api/resources")


@bp.before_request
def _size_limit() -> None:
    case_ingest.apply_size_limit()


@bp.get("")
@roles_required(*ingest.READER_ROLES)
def list_resources():
    """Resources in the caller's area (admin, dinas, planner without contacts).
    ---
    get:
      summary: Sumber daya PSKS / PSKS resources
      operationId: listResources
      parameters:
        - Area
        - Category
      responses:
        200: {json: ResourceList}
    """
    with connection() as conn:
        rows = ingest.listing(conn, current_user(), request.args.get("category") or None,
                              request.args.get("area") or None)
    return jsonify({"count": len(rows), "resources": rows})


@bp.post("")
@roles_required(*ingest.WRITER_ROLES)
def create_resources():
    """Add resources (201), all already there (200), none accepted (422).
    ---
    post:
      summary: Tambah sumber daya / Add resources
      operationId: createResources
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/ResourceInputs"}
      responses:
        201: ResourcesCreated
        200: ResourcesAlreadyThere
        422: ResourcesNoneAccepted
        413: TooLarge
    """
    records = json_records("resources", "sumber daya", "resource")
    with connection() as conn:
        result = ingest.write_records(conn, current_user(), records, "api")
    return jsonify(result), write_status(result.get("inserted", 0), result["accepted"])


@bp.patch("/<int:resource_id>")
@roles_required(*ingest.WRITER_ROLES)
def patch_resource(resource_id: int):
    """Change a resource's capacity, radius, active flag or contact.
    ---
    patch:
      summary: Ubah sumber daya / Change a resource
      operationId: patchResource
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              minProperties: 1
              additionalProperties: false
              properties:
                capacity: {}
                radius_km: {}
                active: {}
                contact: {}
      responses:
        200: {json: Resource}
        422: {json: RowsRefused, description: "Tidak ada baris yang diterima / No row accepted"}
    """
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not body or set(body) - set(ingest.EDITABLE):
        raise BadRequest("ubah hanya / change only: " + ", ".join(ingest.EDITABLE))
    with connection() as conn:
        try:
            row = ingest.edit_resource(conn, current_user(), resource_id, body)
        except ingest.EditRefused as refused:
            return jsonify({"id": resource_id, "errors": refused.errors}), 422
    return jsonify(row)


# --- files --------------------------------------------------------------------------------

@bp.post("/uploads")
@roles_required(*ingest.WRITER_ROLES)
def upload():
    """Check a file of resources (a dry run) and keep it as a preview.
    ---
    post:
      summary: Unggah berkas sumber daya (pratinjau) / Upload a resource file (preview)
      operationId: uploadResources
      requestBody: FileUpload
      responses:
        201: {json: ResourcePreview, description: "Preview"}
        413: TooLarge
    """
    upload_file = case_ingest.file_from_request()
    with connection() as conn:
        return jsonify(ingest.preview_file(conn, current_user(), upload_file)), 201


@bp.get("/uploads/<int:draft_id>")
@roles_required(*ingest.WRITER_ROLES)
def upload_preview(draft_id: int):
    """A resource file's preview.
    ---
    get:
      summary: Pratinjau berkas sumber daya / A resource file's preview
      operationId: getResourceUpload
      responses:
        200: {json: ResourcePreview}
    """
    with connection() as conn:
        return jsonify(ingest.load_preview(conn, current_user(), draft_id))


@bp.post("/uploads/<int:draft_id>/confirm")
@roles_required(*ingest.WRITER_ROLES)
def confirm(draft_id: int):
    """Import a previewed resource file.
    ---
    post:
      summary: Simpan berkas sumber daya / Import a previewed resource file
      operationId: confirmResourceUpload
      responses:
        200: {json: ResourcePreview}
        409: UploadClosed
    """
    with connection() as conn:
        return jsonify(ingest.confirm_file(conn, current_user(), draft_id))


@bp.delete("/uploads/<int:draft_id>")
@roles_required(*ingest.WRITER_ROLES)
def discard(draft_id: int):
    """Throw a resource file's preview away.
    ---
    delete:
      summary: Buang berkas sumber daya / Discard a resource file
      operationId: discardResourceUpload
      responses:
        200: {json: Discarded}
    """
    with connection() as conn:
        ingest.discard_file(conn, current_user(), draft_id)
    return jsonify({"id": draft_id, "status": "discarded"})
