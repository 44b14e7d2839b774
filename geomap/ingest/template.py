"""The XLSX template offices fill in: the columns geomap reads, dropdowns for the lists.

The category column offers the 26 official PMKS categories (by Indonesian name, which
the validator accepts as well as codes and English names), listed on a second sheet
that also gives codes and English names; status, sex and age group have dropdowns
of their own. The NIK column is formatted as text so that 16 digits stay 16 digits.
"""

from __future__ import annotations

import io

from geomap import taxonomy
from geomap.ingest.columns import FIELDS
from geomap.ingest.validate import AGE_GROUPS, STATUSES

TEMPLATE_ROWS = 5000  # rows the dropdowns cover
TEMPLATE_FIELDS = ("lat", "lon", "category", "date", "status", "sex", "age_group",
                   "household_size", "notes", "name", "nik", "address", "phone")


def template_xlsx() -> bytes:
    """The template as XLSX bytes (for ``geomap cases template`` and the web download)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = "Kasus PMKS"
    sheet.append([FIELDS[f][0] for f in TEMPLATE_FIELDS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"

    categories = book.create_sheet("Kategori")
    categories.append(["no", "kode / code", "nama / name", "name (English)"])
    for c in taxonomy.pmks():
        categories.append([c.no, c.code, c.name_id, c.name_en])
    last = len(taxonomy.pmks()) + 1

    def column(field: str) -> str:
        return get_column_letter(TEMPLATE_FIELDS.index(field) + 1)

    def dropdown(field: str, formula: str, title: str) -> None:
        rule = DataValidation(type="list", formula1=formula, allow_blank=True,
                              showErrorMessage=True, errorTitle=title,
                              error="Pilih dari daftar / choose from the list")
        rule.add(f"{column(field)}2:{column(field)}{TEMPLATE_ROWS + 1}")
        sheet.add_data_validation(rule)

    dropdown("category", f"Kategori!$C$2:$C${last}", "Kategori / category")
    dropdown("status", '"' + ",".join(STATUSES) + '"', "Status")
    dropdown("sex", '"L,P"', "Jenis kelamin / sex")
    dropdown("age_group", '"' + ",".join(AGE_GROUPS) + '"', "Kelompok umur / age group")
    for row in range(2, TEMPLATE_ROWS + 2):
        sheet[f"{column('nik')}{row}"].number_format = "@"
        sheet[f"{column('date')}{row}"].number_format = "yyyy-mm-dd"
    for i, field in enumerate(TEMPLATE_FIELDS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = max(14, len(FIELDS[field][0]) + 2)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
