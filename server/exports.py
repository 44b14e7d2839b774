"""Exports over HTTP: the files ``geomap export`` makes, for the logged-in user.

``POST /api/exports`` (session + ``X-CSRFToken``, or ``Authorization: Bearer``) with
form fields, query parameters or a JSON object:

- ``kind``: ``map`` (``format`` pdf/png), ``atlas`` (pdf), ``slides`` (pptx), ``data``
  (gpkg, geojson, csv, xlsx, tif: the heat raster) or ``html`` (a standalone map);
- the map page's own state: ``area``, ``categories`` (``KM,AT``; or one ``category``),
  ``from``, ``to``, ``level`` (desa/kecamatan), ``method``, ``k``, and the ``layer``
  shown (choropleth-desa, choropleth-kecamatan, boundaries, or an overlay: coverage, gap,
  heat, resources, drawn as the caller's map draws it, with ``psks`` (its PSKS
  categories), ``radius=1`` (the resources' service circles) and ``lang`` (id/en, its
  legend); the heat layer prints as the density raster, never case points);
- the page: ``paper`` (A4/A3), ``orientation``, ``title``, a ``logo`` file (PNG/JPEG,
  multipart); ``coverage=0`` leaves the E2SFCA layer out of a GeoPackage/XLSX;
- ``personal=1&purpose=...``: the cases with their personal data in a data file (as the
  cases API: tksk of the area, dinas, admin only; 403 for a planner; audited).

The answer is ``202`` with the job (``Location``: its status URL). ``GET
/api/exports/<id>`` gives its state and progress (an atlas counts pages), ``GET
/api/exports/<id>/file`` the file, as an attachment under a safe name. Why a job and
not the file in the answer: see :mod:`geomap.export.jobs` (an atlas takes tens of
seconds; a request must not hang that long). Each gunicorn worker makes one export at
a time in one background thread (matplotlib's pyplot is not thread-safe, and two
renders at once would only share the same cores), the others queue.

The area is the page's, narrowed to the caller's area by the same rule as the map's
overlays (:func:`geomap.area.narrow`: a tksk asking for its kabupaten gets its
kecamatan; an area beside the caller's is 404). The privacy rule is the caller's role:
a planner's counts are suppressed ("<5") exactly as on its map.
"""

from __future__ import annotations

import atexit
import contextlib
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO

from flask import Blueprint, jsonify, request, send_file, url_for
from flask_wtf.csrf import generate_csrf
from PIL import Image, UnidentifiedImageError
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest, Forbidden, NotFound, TooManyRequests

from geomap import area as area_rule
from geomap.accounts import User
from geomap.analysis.area import AreaNotFound
from geomap.analysis.classify import METHODS
from geomap.analysis.filters import CaseFilter, FilterError
from geomap.case_reads import CASE_ROW_ROLES, may_read_personal
from geomap.config import settings
from geomap.export import jobs
from geomap.export.run import (
    FORMATS,
    KINDS,
    LAYER_CHOICES,
    MEDIA_TYPES,
    ExportError,
    ExportRequest,
    Personal,
)
from geomap.render import area as areas
from layers.overlays import psks as psks_param
from server.auth import current_user, login_required
from server.case_params import case_filter, category_codes, purpose, wants_personal
from server.db import connection, pool

bp = Blueprint("exports", __name__, url_prefix="/api/exports")

MAX_LOGO_BYTES = 2 * 1024 * 1024
MAX_TITLE = 120
MAX_QUEUE = 8  # waiting exports per worker process before new ones are refused
_JOB_ID = re.compile(r"^[0-9a-f]{32}$")
_executor: ThreadPoolExecutor | None = None
_slots = threading.BoundedSemaphore(MAX_QUEUE)

TEXTS = {  # the dialog's texts (server/static/geomap/export.js)
    "export": ("Ekspor", "Export"),
    "title": ("Ekspor peta ini", "Export this map"),
    "format": ("Format", "Format"),
    "paper": ("Kertas", "Paper"),
    "orientation": ("Orientasi", "Orientation"),
    "landscape": ("Lanskap", "Landscape"),
    "portrait": ("Potret", "Portrait"),
    "heading": ("Judul (opsional)", "Title (optional)"),
    "start": ("Buat berkas", "Make the file"),
    "cancel": ("Tutup", "Close"),
    "working": ("Sedang dibuat...", "Being made..."),
    "ready": ("Siap: unduh", "Ready: download"),
    "failed": ("Ekspor gagal", "The export failed"),
    "fmt.map-pdf": ("Peta PDF", "Map PDF"), "fmt.map-png": ("Peta PNG", "Map PNG"),
    "fmt.atlas-pdf": ("Atlas PDF (per kecamatan)", "Atlas PDF (one page per kecamatan)"),
    "fmt.slides-pptx": ("Presentasi PPTX", "Slides PPTX"),
    "fmt.html-html": ("Peta interaktif HTML (luring)", "Interactive HTML map (offline)"),
    "fmt.data-gpkg": ("GeoPackage (semua lapisan)", "GeoPackage (every layer)"),
    "fmt.data-geojson": ("GeoJSON", "GeoJSON"), "fmt.data-csv": ("CSV", "CSV"),
    "fmt.data-xlsx": ("Excel XLSX", "Excel XLSX"),
    "fmt.data-tif": ("Raster kepadatan GeoTIFF", "Heat raster GeoTIFF"),
    "personal": ("Sertakan kasus dengan data pribadi (dicatat di log audit; hanya GPKG, "
                 "GeoJSON, CSV, XLSX)", "Include the cases with their personal data "
                 "(written to the audit log; GPKG, GeoJSON, CSV, XLSX only)"),
    "purpose": ("Keperluan (wajib untuk data pribadi)", "Purpose (required for personal data)"),
}


def _pool() -> ThreadPoolExecutor:
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="geomap-export")
        atexit.register(_executor.shutdown, wait=False, cancel_futures=True)
    return _executor


def _args() -> MultiDict:
    """Form fields and query parameters, or a JSON object's values as text."""
    if request.is_json:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise BadRequest("badan JSON harus objek / the JSON body must be an object")
        return MultiDict({str(k): "" if v is None else str(v) for k, v in body.items()})
    return MultiDict(request.values)


def _choice(args: MultiDict, name: str, allowed: tuple[str, ...], default: str) -> str:
    value = (args.get(name) or "").strip() or default
    if value not in allowed:
        raise BadRequest(f"parameter {name}: pilih salah satu / choose one of: "
                         f"{', '.join(allowed)}")
    return value


def _int(args: MultiDict, name: str, default: int, low: int, high: int) -> int:
    value = (args.get(name) or "").strip() or str(default)
    if not value.isdigit() or not low <= int(value) <= high:
        raise BadRequest(f"parameter {name}: {low}-{high}")
    return int(value)


def _flag(args: MultiDict, name: str, default: bool) -> bool:
    value = (args.get(name) or "").strip().lower()
    return default if not value else value not in ("0", "false", "no", "off")


def _psks(args: MultiDict) -> tuple[str, ...] | None:
    """The overlays' PSKS categories (``psks``, as on the map page), 400 when unknown."""
    try:
        return psks_param.parse(args.get("psks"))
    except FilterError as exc:
        raise BadRequest(str(exc)) from None


def _area(args: MultiDict, user: User) -> str:
    """The page's area narrowed to the caller's (404 beside it, 400 for a desa)."""
    try:
        asked = areas.parse(args.get("area"))
    except areas.BadArea:
        raise BadRequest("parameter area: kode wilayah tidak sah / invalid region code") \
            from None
    try:
        return area_rule.narrow(user, asked) or settings().default_area
    except PermissionError:
        raise NotFound() from None


def _title(args: MultiDict) -> str | None:
    text = " ".join((args.get("title") or "").split())  # no control characters, one line
    if len(text) > MAX_TITLE:
        raise BadRequest(f"title: maksimal {MAX_TITLE} karakter / at most {MAX_TITLE} "
                         "characters")
    return text or None


def export_request(args: MultiDict, user: User) -> ExportRequest:
    """The export the caller asked for, under the caller's privacy rule; 400/403/404."""
    kind = _choice(args, "kind", KINDS, "map")
    fmt = _choice(args, "format", FORMATS[kind], FORMATS[kind][0])
    parsed = case_filter(args)  # from, to, category (and the generic checks)
    try:
        where = CaseFilter(_area(args, user), category_codes(args), parsed.date_from,
                           parsed.date_to)
    except FilterError as exc:
        raise BadRequest(str(exc)) from None
    personal = None
    if wants_personal(args):
        why = purpose(args)
        if not may_read_personal(user):
            raise Forbidden("data pribadi hanya untuk tksk wilayahnya, dinas dan admin / "
                            "personal data only for a tksk of the area, dinas or admin")
        personal = Personal(user, why)
    level = _choice(args, "level", ("desa", "kecamatan"), "desa")
    default_layer = f"choropleth-{level}"
    try:
        return ExportRequest(
            kind=kind, fmt=fmt, where=where, suppress=user.role not in CASE_ROW_ROLES,
            layer=_choice(args, "layer", LAYER_CHOICES, default_layer),
            method=_choice(args, "method", METHODS, "quantiles"),
            k=_int(args, "k", 5, 2, 9),
            paper=_choice(args, "paper", ("A4", "A3"), "A4"),
            orientation=_choice(args, "orientation", ("landscape", "portrait"), "landscape"),
            title=_title(args), level=level,
            coverage=_flag(args, "coverage", True), personal=personal, user=user,
            lang=_choice(args, "lang", ("id", "en"), "id"), psks=_psks(args),
            radius=_flag(args, "radius", False))
    except ExportError as exc:
        raise BadRequest(str(exc)) from None


def _logo() -> tuple[bytes, str] | None:
    """The uploaded logo and its extension, checked to be a PNG or JPEG image (400
    otherwise)."""
    upload = request.files.get("logo")
    if upload is None or not upload.filename:
        return None
    data = upload.read(MAX_LOGO_BYTES + 1)
    if len(data) > MAX_LOGO_BYTES:
        raise BadRequest("logo: maksimal 2 MB / at most 2 MB")
    try:
        with Image.open(BytesIO(data)) as image:
            image.verify()
            kind = image.format
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        kind = None
    if kind not in ("PNG", "JPEG"):
        raise BadRequest("logo tidak dapat dibaca (PNG/JPEG) / the logo cannot be read "
                         "(PNG/JPEG)")
    return data, "logo.png" if kind == "PNG" else "logo.jpg"


def failure_text(exc: BaseException) -> str:
    """What the user reads about a failed job (never an exception's own details, except
    the bilingual texts geomap wrote for the user)."""
    from geomap.export.page import LogoError

    if isinstance(exc, ExportError | FilterError | AreaNotFound | LogoError):
        return str(exc)
    if isinstance(exc, RuntimeError):
        return ("penekanan jumlah kecil gagal; ekspor dibatalkan / small-count suppression "
                "failed; nothing exported")
    return "terjadi kesalahan pada server / something went wrong on the server"


def _job_json(job: dict) -> dict:
    state, job_id = job["state"], job["id"]
    out = {"id": job_id, "kind": job["kind"], "format": job["format"], "state": state,
           "done": job["done"], "total": job["total"],
           "percent": 100 if state == "done" else round(100 * job["done"] / max(job["total"], 1)),
           "personal": job["personal"], "download_name": job["download_name"],
           "status_url": url_for("exports.status", job_id=job_id)}
    if state == "done":
        out["file_url"] = url_for("exports.download", job_id=job_id)
        out["report"] = job["report"]
    if state == "failed":
        out["error"] = job["error"] or ("pekerjaan terhenti; coba lagi / the job stopped; "
                                        "try again")
    return out


def button_label(lang: str) -> str | None:
    """The map page's Export button for the caller, in ``lang``; None for a visitor, who
    gets no button (``options`` answers it ``allowed: false``)."""
    return None if current_user() is None else TEXTS["export"][1 if lang == "en" else 0]


@bp.get("/options")
def options():
    """What the export dialog offers this caller, its texts and a CSRF token; for a
    visitor only ``{"allowed": false}`` (the page then shows no button).
    ---
    get:
      summary: Pilihan ekspor / What the export dialog offers
      operationId: getExportOptions
      responses:
        200:
          description: the options (allowed false for a visitor)
          content:
            application/json:
              schema:
                type: object
                required: [allowed]
                properties:
                  allowed: {type: boolean}
    """
    from server.pages import language

    user = current_user()
    if user is None:
        return jsonify({"allowed": False})
    lang = language()
    return jsonify({
        "allowed": True, "csrf_token": generate_csrf(), "kinds": FORMATS, "layers": LAYER_CHOICES,
        "personal": may_read_personal(user), "suppressed": user.role not in CASE_ROW_ROLES,
        "create_url": url_for("exports.create"),
        "texts": {k: v[1] if lang == "en" else v[0] for k, v in TEXTS.items()}})


@bp.post("")
@login_required
def create():
    """Start an export job (202 with its status).
    ---
    post:
      summary: Mulai ekspor / Start an export
      operationId: createExport
      requestBody:
        content:
          application/json:
            schema: {$ref: "#/components/schemas/ExportRequest"}
          application/x-www-form-urlencoded:
            schema: {$ref: "#/components/schemas/ExportRequest"}
          multipart/form-data:
            schema: {$ref: "#/components/schemas/ExportRequest"}
      responses:
        202: {json: ExportJob, description: "the job, queued"}
        429: {json: Error, description: "Terlalu banyak ekspor / Too many exports at once"}
    """
    user = current_user()
    args = _args()
    req = export_request(args, user)
    logo = _logo()
    if not _slots.acquire(blocking=False):
        raise TooManyRequests("server sibuk; coba lagi sebentar / the server is busy; try "
                              "again shortly")
    try:
        with connection() as conn:
            jobs.expire(conn)
            if jobs.active(conn, user) >= jobs.MAX_ACTIVE:
                raise TooManyRequests(f"maksimal {jobs.MAX_ACTIVE} ekspor berjalan / at most "
                                      f"{jobs.MAX_ACTIVE} exports at a time")
            params = {k: v for k, v in args.items() if k not in ("csrf_token", "purpose")}
            job_id = jobs.create(conn, user, req, params)
            job = jobs.get(conn, user, job_id)
        if logo is not None:
            path = jobs.file_path(job_id, logo[1])
            path.write_bytes(logo[0])
            req = req.with_logo(path)
        app_pool = pool()

        def work() -> None:
            try:
                jobs.execute(lambda: app_pool.connection(timeout=30), job_id, req,
                             failure_text)
            finally:
                _slots.release()

        _pool().submit(work)
    except BaseException:
        _slots.release()
        raise
    response = jsonify(_job_json(job))
    response.status_code = 202
    response.headers["Location"] = url_for("exports.status", job_id=job_id)
    return response


def _own_job(job_id: str) -> dict:
    if not _JOB_ID.match(job_id):
        raise NotFound()
    with connection() as conn:
        job = jobs.get(conn, current_user(), job_id)
    if job is None:
        raise NotFound()
    return job


@bp.get("/<job_id>")
@login_required
def status(job_id: str):
    """An export job's state.
    ---
    get:
      summary: Status ekspor / An export's state
      operationId: getExport
      responses:
        200: {json: ExportJob, description: "the job"}
    """
    response = jsonify(_job_json(_own_job(job_id)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<job_id>/file")
@login_required
def download(job_id: str):
    """An export job's file, once done.
    ---
    get:
      summary: Unduh hasil ekspor / Download an export
      operationId: downloadExport
      responses:
        200:
          description: the file (PDF, PNG, PPTX, HTML, GeoPackage, GeoJSON, CSV, XLSX, GeoTIFF)
          content:
            application/octet-stream:
              schema: {type: string, format: binary}
    """
    job = _own_job(job_id)
    path = jobs.file_path(job["id"], job["format"])
    if job["state"] != "done" or not path.exists():
        raise NotFound("berkas belum siap atau sudah kedaluwarsa / the file is not ready or "
                       "has expired")
    response = send_file(path, mimetype=MEDIA_TYPES[job["format"]], as_attachment=True,
                         download_name=job["download_name"], max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    with contextlib.suppress(KeyError):
        del response.headers["ETag"]
    return response
