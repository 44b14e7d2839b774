"""Write ``catalogue.toml`` from a folder with the upstream layout.

Run when the pinned commit changes:
``python data/boundaries/make_catalogue.py ../shared/data/boundaries/wilayah_boundaries``.
It records, per file, its path and SHA-256, and which provinces each province
file holds, so that ``geomap boundaries fetch`` can verify every download.
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

COMMIT = "3c5a7960f4d227a38489094d84252bdbb3f978a5"
REPOSITORY = "https://github.com/cahyadsn/wilayah_boundaries"
BASE_URL = f"https://raw.githubusercontent.com/cahyadsn/wilayah_boundaries/{COMMIT}/"


def main(root: Path) -> str:
    out = [
        "# The upstream source of geomap's boundaries; written by make_catalogue.py.",
        "[source]",
        'name = "wilayah_boundaries"',
        f'repository = "{REPOSITORY}"',
        f'commit = "{COMMIT}"',
        f'base_url = "{BASE_URL}"',
        'licence = "MIT"',
        'licence_file = "LICENSE"',
        'code_list = "Kepmendagri No 300.2.2-2430 Tahun 2025"',
        'axis_order = "lat,lng"',
        "",
        "# Where each level's file is, by province PP and kabupaten PP.KK.",
        "[layout]",
        'kabupaten = "db/kab/wilayah_boundaries_kab_{province}.sql"',
        'kecamatan = "db/kec/wilayah_boundaries_kec_{province}.sql"',
        'desa = "db/kel/{province}/wilayah_boundaries_kel_{kabupaten}.sql"',
        "",
        "# The province files hold several provinces each.",
        "[province_file]",
    ]
    for path in sorted((root / "db/prov").glob("*.sql")):
        text = path.read_text(encoding="utf-8")
        for code in re.findall(r"^\s*\('(\d{2})',", text, re.M):
            out.append(f'"{code}" = "db/prov/{path.name}"')
    out += ["", "# SHA-256 of every file known at the pinned commit.", "[sha256]"]
    for path in sorted(root.glob("db/**/*.sql")):
        if path.name.startswith("ddl"):
            continue
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        out.append(f'"{path.relative_to(root).as_posix()}" = "{digest}"')
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    target = Path(__file__).with_name("catalogue.toml")
    target.write_text(main(Path(sys.argv[1])), encoding="utf-8")
    print(f"wrote {target}")
