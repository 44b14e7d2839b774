"""The catalogue of the upstream boundary source, and downloading from it.

``data/boundaries/catalogue.toml`` pins the source to a commit and records the
SHA-256 of every file; a download whose checksum differs is refused. The base
URL can be replaced by ``GEOMAP_BOUNDARY_MIRROR``: a folder or a URL with the
upstream layout (tests point it at ``../shared/data/boundaries/wilayah_boundaries``).
"""

from __future__ import annotations

import hashlib
import shutil
import tomllib
import urllib.parse
import urllib.request
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from geomap import codes
from geomap.boundaries.errors import BoundaryError
from geomap.config import PROJECT_ROOT, settings

CATALOGUE = PROJECT_ROOT / "data" / "boundaries" / "catalogue.toml"


@dataclass(frozen=True)
class Catalogue:
    data: dict

    @classmethod
    def load(cls, path: Path = CATALOGUE) -> Catalogue:
        with open(path, "rb") as fh:
            return cls(tomllib.load(fh))

    @property
    def commit(self) -> str:
        return self.data["source"]["commit"]

    @cached_property
    def base(self) -> str:
        return settings().boundary_mirror or self.data["source"]["base_url"]

    def files_for(self, area: str) -> list[str]:
        """Upstream paths holding ``area`` (a province or kabupaten) and the levels above it."""
        area = codes.normalise(area)
        level = codes.level(area)
        if level not in ("province", "kabupaten"):
            raise BoundaryError(area, "ambil per provinsi atau kabupaten / fetch a province or a "
                                      "kabupaten")
        province = area[:2]
        layout = self.data["layout"]
        try:
            paths = [self.data["province_file"][province]]
        except KeyError as exc:
            raise BoundaryError(area, "provinsi tidak ada di katalog / province not in the "
                                      "catalogue") from exc
        paths += [layout["kabupaten"].format(province=province),
                  layout["kecamatan"].format(province=province)]
        if level == "kabupaten":
            paths.append(layout["desa"].format(province=province, kabupaten=area))
        else:
            # Every kabupaten's desa file: the layout up to the kabupaten code, then "PP.".
            head = layout["desa"].split("{kabupaten}")[0].format(province=province)
            paths += sorted(p for p in self.data["sha256"] if p.startswith(f"{head}{province}."))
        missing = [p for p in paths if p not in self.data["sha256"]]
        if missing:
            raise BoundaryError(area, f"berkas tidak ada di katalog / not in the catalogue: "
                                      f"{', '.join(missing)}")
        return paths

    def fetch(self, path: str, cache_dir: Path) -> Path:
        """Download one file (or reuse a verified copy) and return where it is."""
        expected = self.data["sha256"][path]
        target = cache_dir / self.commit / path
        if target.exists() and _sha256(target) == expected:
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".part")
        source = _join(self.base, path)
        try:
            if "://" in source and not source.startswith("file://"):
                with urllib.request.urlopen(source, timeout=60) as response, \
                        open(partial, "wb") as out:
                    shutil.copyfileobj(response, out)
            else:
                shutil.copyfile(source.removeprefix("file://"), partial)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise BoundaryError(source, f"unduhan gagal / download failed: {exc}") from exc
        actual = _sha256(partial)
        if actual != expected:
            partial.unlink()
            raise BoundaryError(source, f"checksum tidak cocok / checksum mismatch "
                                        f"(expected {expected[:12]}..., got {actual[:12]}...)")
        partial.replace(target)
        return target


def _join(base: str, path: str) -> str:
    if "://" in base:
        return urllib.parse.urljoin(base.rstrip("/") + "/", path)
    return str(Path(base) / path)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
