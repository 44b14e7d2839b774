"""PMKS cases in: the one validation path, and the preview before anything is stored.

Every way a case comes in (file upload, the one-case web form, the JSON API,
``geomap cases import``) goes through the same functions::

    from geomap import ingest

    upload = ingest.Upload.from_path("kasus.csv")      # or Upload(name, data): size-checked
    preview = ingest.stage(conn, user, upload)         # checked, kept as a preview
    preview.accepted, preview.rejected                 # counts
    preview.errors                                     # [RowError(row, column, code, reason,
                                                       #           suggestion)]
    preview.points_geojson()                           # accepted points, no personal data
    preview.rejected_file                              # RejectedFile(filename, media_type,
                                                       #   content) in the upload's format
    ingest.confirm(conn, preview.upload_id, user)      # -> Confirmed(inserted, skipped, ...)
    ingest.discard(conn, preview.upload_id, user)

* ``user`` is anything with ``id``, ``username``, ``role`` and ``area`` (a
  :class:`geomap.accounts.User`), or :class:`SystemImport` (an operator's import
  limited to an area, ``id`` None). ``tksk`` rows must fall in their kecamatan,
  ``dinas`` in their kabupaten, a system import in its area; ``admin`` anywhere
  a desa is loaded; ``planner`` may not add cases (:class:`UploadError`).
* ``source`` may be an :class:`Upload` (CSV, XLSX or GeoJSON, told by the name's
  suffix, else by content), a list of dicts (the JSON API and the web form: keys
  are headers, e.g. ``{"lat": .., "lon": .., "kategori": .., "tanggal": ..}``),
  or a :class:`Table` already read.
* :func:`check` is the dry run: the same :class:`Preview`, ``upload_id`` None,
  nothing written. :func:`load_preview` rebuilds a staged preview (a page reload),
  :func:`staged_points` gives its accepted points as GeoJSON (no personal data) and
  :func:`stored_rejected_file` its rejected file, later. These return None for an
  upload that is not the user's (admin: any). :func:`purge_stale` discards previews
  left unconfirmed (run it from a periodic job).
* Whole-file problems raise :class:`UploadError` (bilingual message, safe to show);
  :class:`UploadTooLarge` for a file over ``GEOMAP_MAX_UPLOAD_MB`` (default 50),
  checked on the byte count before parsing: web code should call
  :func:`check_size` with the request's Content-Length (or set Flask's
  ``MAX_CONTENT_LENGTH`` to :func:`max_upload_bytes`). Confirming or discarding an
  upload that is not this user's preview raises :class:`UploadStateError`.
* Row error codes are stable (:data:`REASONS`): ``missing_coordinates``,
  ``invalid_coordinates``, ``swapped_coordinates`` (suggestion ``"lat, lon"``),
  ``outside_area``, ``missing_category``, ``unknown_category`` (suggestion: the
  nearest official category), ``missing_date``, ``invalid_date``, ``future_date``,
  ``invalid_nik``, ``duplicate`` (within the file, a case already recorded, or an
  open case of the same NIK and category), ``invalid_status``, ``invalid_sex``,
  ``invalid_age_group``, ``invalid_household_size``, ``invalid_phone``,
  ``text_too_long``. Rows are numbered as the user sees them (header = row 1;
  GeoJSON: feature number from 1).
* The same row uploaded twice is one case: each row's fingerprint (HMAC of
  category, point to 1e-5°, date and NIK hash or name) is UNIQUE in ``pmks_case``
  and confirm inserts with ``ON CONFLICT DO NOTHING``.
* :func:`template_xlsx` is the downloadable template (bytes) with dropdowns.
* :func:`geomap.ingest.bulk.import_file` is ``geomap cases import``: a large CSV read,
  checked and stored a piece at a time (bounded memory; duplicates still found across
  the whole file; the database stores one piece while Python checks the next), all in
  one transaction.
"""

from geomap.ingest.output import RejectedFile, neutralise
from geomap.ingest.problems import (
    REASONS,
    RowError,
    UploadError,
    UploadStateError,
    UploadTooLarge,
)
from geomap.ingest.readers import Table, Upload, check_size, from_records, max_upload_bytes, read
from geomap.ingest.staging import (
    Confirmed,
    Preview,
    check,
    confirm,
    discard,
    load_preview,
    purge_stale,
    stage,
    staged_points,
    stored_rejected_file,
)
from geomap.ingest.template import template_xlsx
from geomap.ingest.validate import SystemImport, Uploader, check_table

__all__ = [
    "REASONS", "Confirmed", "Preview", "RejectedFile", "RowError", "SystemImport", "Table",
    "Upload", "UploadError", "UploadStateError", "UploadTooLarge", "Uploader", "check",
    "check_size", "check_table", "confirm", "discard", "from_records", "load_preview",
    "max_upload_bytes", "neutralise", "purge_stale", "read", "stage", "staged_points",
    "stored_rejected_file",
    "template_xlsx",
]
