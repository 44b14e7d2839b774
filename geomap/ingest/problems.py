"""Why a row (or a whole file) is refused: stable codes and what a person reads.

The code is the machine name clients branch on (``outside_area``...); it never
changes once published. The reason is Bahasa Indonesia, then English, as every
message geomap shows. Reasons never quote personal data back (no NIK, no name):
the row number and column are enough to find the cell.
"""

from __future__ import annotations

from dataclasses import dataclass

# code -> (Bahasa Indonesia, English)
REASONS: dict[str, tuple[str, str]] = {
    "missing_coordinates": ("koordinat kosong", "coordinates missing"),
    "invalid_coordinates": ("koordinat tidak dapat dibaca atau di luar jangkauan",
                            "coordinates unreadable or out of range"),
    "swapped_coordinates": ("lintang dan bujur tertukar", "latitude and longitude swapped"),
    "outside_area": ("koordinat di luar wilayah", "outside the area"),
    "missing_category": ("kategori PMKS kosong", "PMKS category missing"),
    "unknown_category": ("kategori PMKS tidak dikenal", "unknown PMKS category"),
    "missing_date": ("tanggal kosong", "date missing"),
    "invalid_date": ("tanggal tidak dapat dibaca", "date unreadable"),
    "future_date": ("tanggal di masa depan", "date in the future"),
    "invalid_nik": ("NIK tidak sah", "invalid NIK"),
    "duplicate": ("data ganda", "duplicate"),
    "invalid_status": ("status tidak dikenal (baru, ditangani, dirujuk, selesai)",
                       "unknown status (baru, ditangani, dirujuk, selesai)"),
    "invalid_sex": ("jenis kelamin tidak dikenal (L/P)", "unknown sex (L/P)"),
    "invalid_age_group": ("kelompok umur tidak dikenal (balita, anak, remaja, dewasa, lansia)",
                          "unknown age group (balita, anak, remaja, dewasa, lansia)"),
    "invalid_household_size": ("jumlah anggota keluarga harus bilangan bulat 1-99",
                               "household size must be a whole number 1-99"),
    "invalid_phone": ("nomor telepon tidak sah", "invalid phone number"),
    "text_too_long": ("teks terlalu panjang", "text too long"),
}


def reason(code: str, detail_id: str = "", detail_en: str = "") -> str:
    """``"alasan (detail) / reason (detail)"`` for a code."""
    id_, en = REASONS[code]
    if detail_id:
        id_ = f"{id_} ({detail_id})"
    if detail_en:
        en = f"{en} ({detail_en})"
    return f"{id_} / {en}"


class UploadError(ValueError):
    """The whole file is refused (too large, unreadable, no coordinate column...).

    The message is bilingual and safe to show; nothing was written.
    """


class UploadTooLarge(UploadError):
    """Over the size limit: refused before a byte of it is parsed."""


class UploadStateError(UploadError):
    """Confirm/discard of an upload that is not (or no longer) a preview of this user."""


@dataclass(frozen=True)
class RowError:
    """One problem in one row: what :func:`geomap.ingest.stage` reports per row.

    ``row`` is the number the user sees in the file (CSV/XLSX: the header is row 1;
    GeoJSON: the feature's position, from 1); ``column`` is the header as written
    in the file (``geometry`` for a GeoJSON point).
    """

    row: int
    column: str
    code: str
    reason: str
    suggestion: str | None = None

    def as_dict(self) -> dict:
        out = {"row": self.row, "column": self.column, "reason": self.reason, "code": self.code}
        if self.suggestion is not None:
            out["suggestion"] = self.suggestion
        return out
