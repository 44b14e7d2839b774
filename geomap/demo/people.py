"""Fake people for the demo: names, NIKs valid in form, addresses, phone numbers.

Everything is drawn from the caller's numpy Generator in whole arrays, so the
same seed gives the same people. The names are common Sundanese and Indonesian
names composed at random; no real person is meant.
"""

from __future__ import annotations

import numpy as np

from geomap.demo import tables

GIVEN_MALE = ("Asep", "Ujang", "Dedi", "Agus", "Budi", "Cecep", "Dadang", "Eko", "Hendra",
              "Iwan", "Jajang", "Rudi", "Yayan", "Deden", "Ade", "Wawan", "Andi", "Rizky",
              "Fajar", "Dimas", "Engkus", "Ruslan", "Tatang", "Aep", "Herman", "Yusuf")
GIVEN_FEMALE = ("Siti", "Euis", "Neng", "Ani", "Dewi", "Yuyun", "Imas", "Eneng", "Rina", "Sri",
                "Nur", "Lilis", "Tuti", "Wati", "Putri", "Ayu", "Rini", "Nining", "Entin",
                "Cucu", "Iis", "Popon", "Aisyah", "Nenden", "Ida", "Tini")
FAMILY_MALE = ("Hidayat", "Permana", "Gunawan", "Kurniawan", "Setiawan", "Sutisna", "Suryana",
               "Nugraha", "Ramdani", "Firmansyah", "Sopian", "Supriatna", "Mulyana",
               "Hermawan", "Rohman", "Sulaeman", "Maulana", "Kusnadi", "Ruhiyat", "Saputra")
FAMILY_FEMALE = ("Rahmawati", "Nurhayati", "Lestari", "Handayani", "Susanti", "Kurniasih",
                 "Fitriani", "Komalasari", "Nuraeni", "Rosita", "Hasanah", "Mulyani",
                 "Sulastri", "Marlina", "Yulianti", "Apriani", "Suryani", "Wulandari")
KAMPUNG = ("Babakan", "Cibeber", "Cikoneng", "Sukamaju", "Sindangsari", "Cijambe", "Pasirjati",
           "Margahayu", "Ciburial", "Legok", "Sukamanah", "Cipeundeuy", "Tegalluar",
           "Pasanggrahan", "Cisalak", "Bojong", "Leuwigajah", "Rancamanyar", "Gandasari")
JALAN = ("Jl. Raya", "Jl. Mawar", "Jl. Melati", "Jl. Merdeka", "Jl. Pahlawan", "Jl. Kenanga",
         "Jl. Siliwangi", "Jl. Sukarno-Hatta", "Jl. Pramuka", "Jl. Veteran", "Jl. Cempaka")
# Indonesian mobile prefixes after the leading 08 (Telkomsel, Indosat, XL, Tri, Smartfren).
MOBILE = ("11", "12", "13", "21", "22", "23", "52", "53", "57", "59", "77", "78", "81", "82",
          "83", "85", "87", "88", "95", "96", "97", "98")


def _pick(rng: np.random.Generator, words: tuple[str, ...], n: int) -> np.ndarray:
    return np.asarray(words, dtype=object)[rng.integers(0, len(words), n)]


def names(rng: np.random.Generator, female: np.ndarray) -> np.ndarray:
    """Given name + family name, by sex."""
    n = len(female)
    given = np.where(female, _pick(rng, GIVEN_FEMALE, n), _pick(rng, GIVEN_MALE, n))
    family = np.where(female, _pick(rng, FAMILY_FEMALE, n), _pick(rng, FAMILY_MALE, n))
    return given + " " + family


def _digits(values: np.ndarray, width: int) -> np.ndarray:
    return np.char.zfill(values.astype(str), width).astype(object)


def addresses(rng: np.random.Generator, desa_name: np.ndarray, urban: np.ndarray) -> np.ndarray:
    """``Kp. X RT 003/RW 007, Desa Y`` in a desa; ``Jl. X No. 12 RT .../RW ..., Kel. Y``."""
    n = len(desa_name)
    rt = "RT " + _digits(rng.integers(1, 13, n), 3) + "/RW " + _digits(rng.integers(1, 16, n), 3)
    street = (_pick(rng, JALAN, n) + " No. " + rng.integers(1, 200, n).astype(str).astype(object)
              + " " + rt + ", Kel. " + desa_name)
    kampung = "Kp. " + _pick(rng, KAMPUNG, n) + " " + rt + ", Desa " + desa_name
    return np.where(urban, street, kampung)


def phones(rng: np.random.Generator, n: int) -> np.ndarray:
    """``08xx`` + 8 digits; ``tables.NO_PHONE`` of them None."""
    number = "08" + _pick(rng, MOBILE, n) + _digits(rng.integers(0, 100_000_000, n), 8)
    return np.where(rng.random(n) < tables.NO_PHONE, None, number)


def birth_dates(rng: np.random.Generator, recorded: np.ndarray, group: np.ndarray) -> np.ndarray:
    """A birth date (datetime64[D]) giving an age in the age group on the date recorded.

    ``group`` holds indices into ``tables.AGE_GROUPS``.
    """
    low = np.array([tables.AGE_YEARS[g][0] for g in tables.AGE_GROUPS])[group]
    high = np.array([tables.AGE_YEARS[g][1] for g in tables.AGE_GROUPS])[group]
    # Age in days in [low years, high + 1 years), a day short of the next birthday.
    days = rng.integers(np.ceil(low * 365.25), np.floor((high + 1) * 365.25) - 1)
    return recorded.astype("datetime64[D]") - days.astype("timedelta64[D]")


def niks(rng: np.random.Generator, kecamatan: np.ndarray, birth: np.ndarray,
         female: np.ndarray) -> np.ndarray:
    """16-digit NIKs valid in form, unique within the batch.

    ``PPKKCC`` is the kecamatan code without dots, then the birth date as ``DDMMYY``
    (women: day + 40), then a serial from 0001 to 9999. A serial that repeats a NIK
    already drawn is drawn again (in rounds over the repeats, not per person).
    """
    birth = birth.astype("datetime64[D]")
    year = birth.astype("datetime64[Y]").astype(int) + 1970
    month = birth.astype("datetime64[M]").astype(int) % 12 + 1
    day = (birth - birth.astype("datetime64[M]")).astype(int) + 1 + np.where(female, 40, 0)
    region = np.char.replace(kecamatan.astype(str), ".", "").astype(object)
    stem = region + _digits(day, 2) + _digits(month, 2) + _digits(year % 100, 2)
    serial = rng.integers(1, 10_000, len(stem))
    for _ in range(50):
        nik = stem + _digits(serial, 4)
        _, first = np.unique(nik.astype(str), return_index=True)
        again = np.setdiff1d(np.arange(len(nik)), first)
        if not len(again):
            return nik
        serial[again] = rng.integers(1, 10_000, len(again))
    raise RuntimeError("NIK demo tidak unik / could not draw unique demo NIKs")
