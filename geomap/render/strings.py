"""Every text the map pages show, in Bahasa Indonesia (the default) and English.

Kept in one place so a translation is one file to read; layer titles and legend
labels live with their layer (``layers/<group>/<name>.py``).
"""

from __future__ import annotations

from layers.registry import Text

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"

TEXTS: dict[str, Text] = {
    "app.title": Text("geomap: peta sosial", "geomap: social map"),
    "app.tagline": Text("Peta PMKS dan PSKS untuk Dinas Sosial",
                        "Maps of PMKS cases and PSKS resources for Dinas Sosial offices"),
    "landing.choose": Text("Pilih wilayah", "Choose an area"),
    "landing.open": Text("Buka peta", "Open the map"),
    "landing.all": Text("Semua wilayah yang dimuat", "Everything loaded"),
    "landing.empty": Text(
        "Belum ada batas wilayah. Muat dengan: geomap boundaries fetch 32.04",
        "No boundaries are loaded yet. Load them with: geomap boundaries fetch 32.04"),
    "map.title": Text("Peta", "Map"),
    "map.areas": Text("Pilih wilayah lain", "Choose another area"),
    "map.legend": Text("Legenda", "Legend"),
    "map.basemap": Text("Peta dasar", "Basemap"),
    "map.load_failed": Text("Lapisan gagal dimuat", "A layer failed to load"),
    "lang.switch": Text("English", "Bahasa Indonesia"),
    "overlay.filters": Text("Saring kasus PMKS", "Filter PMKS cases"),
    "overlay.categories": Text("Kategori PMKS (tanpa pilihan = semua)",
                               "PMKS categories (none chosen = all)"),
    "overlay.all": Text("Semua kategori", "All categories"),
    "overlay.from": Text("Dari tanggal", "From"),
    "overlay.to": Text("Sampai tanggal", "To"),
    "overlay.level": Text("Satuan wilayah", "Units"),
    "overlay.method": Text("Metode kelas", "Classes by"),
    "overlay.k": Text("Jumlah kelas", "Number of classes"),
    "overlay.reset": Text("Atur ulang", "Reset"),
    "overlay.period.all": Text("Periode: semua waktu", "Period: all time"),
    "overlay.period.from": Text("Periode: sejak {}", "Period: from {}"),
    "overlay.period.to": Text("Periode: sampai {}", "Period: until {}"),
    "overlay.period.between": Text("Periode: {} s.d. {}", "Period: {} to {}"),
    "overlay.total": Text("Jumlah kasus", "Cases"),
    "overlay.rate": Text("Per 1.000 penduduk", "Per 1,000 residents"),
    "overlay.loading": Text("Memuat...", "Loading..."),
    "overlay.measure": Text("Ukuran", "Measure"),
    "overlay.measure.auto": Text("Otomatis (per penduduk bila ada)",
                                 "Automatic (per resident when known)"),
    "overlay.hidden": Text("<{} atau disembunyikan (aturan privasi)",
                           "<{} or hidden (privacy rule)"),
    "overlay.heat.title": Text("Kepadatan titik kasus", "Density of case points"),
    "overlay.heat.low": Text("rendah", "low"),
    "overlay.heat.mid": Text("sedang", "medium"),
    "overlay.heat.high": Text("tinggi", "high"),
    "overlay.heat.count": Text("{} kasus di peta (akses tercatat)",
                               "{} cases on the map (access recorded)"),
    "overlay.density.title": Text("Kepadatan kasus per km²", "Cases per km²"),
    "overlay.density.method": Text("Kernel Gauss {:g} km, sel {:g} m",
                                   "Gaussian kernel {:g} km, {:g} m cells"),
    "overlay.density.none": Text("Tidak ada wilayah yang cukup padat untuk ditampilkan",
                                 "No place is dense enough to be shown"),
    "overlay.density.hidden": Text("Kosong bila kurang dari {} kasus dalam 1 km",
                                   "Empty where fewer than {} cases lie within 1 km"),
    "overlay.withheld": Text("Angka tidak dapat diterbitkan dengan aman untuk saringan ini",
                             "The figures cannot be published safely for this filter"),
    "level.province": Text("Provinsi", "Province"),
    "level.kabupaten": Text("Kabupaten/Kota", "Kabupaten/Kota (regency/city)"),
    "level.kecamatan": Text("Kecamatan", "Kecamatan (district)"),
    "level.desa": Text("Desa/Kelurahan", "Desa/Kelurahan (village)"),
    "error.bad_area": Text(
        "Kode wilayah tidak sah (contoh: 32.04 atau 32.04.05)",
        "Invalid area code (for example 32.04 or 32.04.05)"),
    "error.unknown_area": Text("Wilayah belum dimuat", "That area is not loaded"),
    "error.bad_tile": Text("Ubin tidak sah (z 0-22, x dan y di dalam 0..2^z-1)",
                           "Invalid tile (z 0-22, x and y within 0..2^z-1)"),
    "error.not_tiled": Text("Lapisan ini tidak disajikan sebagai ubin vektor",
                            "This layer is not served as vector tiles"),
    "error.no_labels": Text("Lapisan ini tidak berlabel", "This layer has no labels"),
    "error.ogc_format": Text("Format tidak tersedia; hanya f=json",
                             "Format not available; only f=json"),
    "error.ogc_bbox": Text(
        "bbox tidak sah: barat,selatan,timur,utara dalam derajat (CRS84)",
        "Invalid bbox: west,south,east,north in degrees (CRS84)"),
    "error.ogc_paging": Text("limit (1 ke atas) atau offset (0 ke atas) tidak sah",
                             "Invalid limit (1 or more) or offset (0 or more)"),
}


def text(key: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """The text ``key`` in ``lang``."""
    return TEXTS[key](lang)


def both(key: str) -> str:
    """The text ``key`` in both languages, for error messages: "Indonesian / English"."""
    entry = TEXTS[key]
    return f"{entry.id} / {entry.en}"
