"""The numbers the demo data is drawn from, in one documented place.

None of these are statistics of a real office: they are plausible proportions
for a Kabupaten like Bandung, chosen so the maps and charts look like what a
Dinas Sosial sees (poverty, the elderly and disability dominate; trafficking
victims and remote indigenous communities are rare). Keys are the official
codes of ``geomap.taxonomy`` (``../shared/domain``); a code missing here is an
error at import time, so the table cannot drift from the official list.
"""

from __future__ import annotations

from geomap import taxonomy

# Population of the area the demo spreads cases over (BPS, mid-2024 estimate,
# Kabupaten Bandung Dalam Angka 2025). Other areas get Kabupaten Bandung's mean
# density (this total over its official area of about 1,762 km²) times their area.
POPULATION = {"32.04": 3_839_721}
REFERENCE_DENSITY_PER_KM2 = 3_839_721 / 1_762.0

# A desa's synthetic population is proportional to area_km2 ** POPULATION_EXPONENT
# (so small desa are denser), times the metro factor below, times KELURAHAN_FACTOR for
# urban kelurahan, times a log-normal factor (sigma POPULATION_NOISE) drawn from the
# seed; then scaled so the area sums to its total.
POPULATION_EXPONENT = 0.3
KELURAHAN_FACTOR = 2.0
POPULATION_NOISE = 0.25
# The urban kecamatan ring Kota Bandung: a desa's weight is also multiplied by
# METRO_FLOOR + exp(-distance to METRO_CENTRE / METRO_DECAY_KM), so the suburbs around
# the city (Margahayu, Dayeuhkolot, Baleendah, Cileunyi...) are denser than the
# mountain kecamatan of the south (Pangalengan, Rancabali, Kertasari).
METRO_CENTRE = (107.6098, -6.9147)  # Alun-alun Bandung, lon/lat
METRO_DECAY_KM = 12.0
METRO_FLOOR = 0.35
# People live in a few settlements per desa: one per PEOPLE_PER_SETTLEMENT people,
# between 1 and MAX_SETTLEMENTS; cases lie Gaussian around them with a spread of
# SETTLEMENT_SPREAD × sqrt(desa area / settlements).
PEOPLE_PER_SETTLEMENT = 4_000
MAX_SETTLEMENTS = 8
SETTLEMENT_SPREAD = 0.25

# Cases per 1000 (relative weights; they need not sum to 1000).
PMKS_WEIGHT: dict[str, float] = {
    "FM": 300,    # Fakir Miskin
    "LUT": 140,   # Lanjut Usia Terlantar
    "PD": 110,    # Penyandang Disabilitas
    "AT": 80,     # Anak Terlantar
    "PRSE": 55,   # Perempuan Rawan Sosial Ekonomi
    "KBA": 40,    # Korban Bencana Alam (the Citarum floods)
    "ABT": 35,
    "ADK": 35,
    "KBSP": 30,
    "PML": 20,
    "KTK": 15,
    "PG": 12,
    "AKTK": 12,
    "AMPK": 10,
    "AJ": 10,
    "GL": 10,
    "KPN": 10,
    "PMBS": 10,
    "BWBLP": 8,
    "ODHA": 8,
    "ABH": 8,
    "KBS": 8,
    "TS": 4,
    "KM": 3,
    "KT": 1,      # Korban Trafficking: very rare
    "KAT": 0.2,   # Komunitas Adat Terpencil: very rare in Kabupaten Bandung
}
# Street life is an urban problem: these weigh this much more in a kelurahan.
URBAN_FACTOR: dict[str, float] = {"AJ": 4, "GL": 4, "PG": 4, "PML": 3, "TS": 3}

AGE_GROUPS = ("balita", "anak", "remaja", "dewasa", "lansia")
# Age in whole years at the date recorded, per group: [low, high].
AGE_YEARS = {"balita": (0, 4), "anak": (5, 12), "remaja": (13, 17), "dewasa": (18, 59),
             "lansia": (60, 90)}
_CHILD = (0.0, 0.55, 0.45, 0.0, 0.0)
_ADULT = (0.0, 0.0, 0.0, 0.8, 0.2)
_ALL_AGES = (0.08, 0.15, 0.10, 0.50, 0.17)
# Probability of each age group (balita, anak, remaja, dewasa, lansia); default _ADULT.
AGE_MIX: dict[str, tuple[float, ...]] = {
    "ABT": (1.0, 0.0, 0.0, 0.0, 0.0),
    "AT": _CHILD, "AJ": (0.0, 0.5, 0.5, 0.0, 0.0), "ABH": (0.0, 0.15, 0.85, 0.0, 0.0),
    "ADK": (0.2, 0.5, 0.3, 0.0, 0.0), "AKTK": (0.1, 0.5, 0.4, 0.0, 0.0),
    "AMPK": (0.15, 0.45, 0.4, 0.0, 0.0),
    "LUT": (0.0, 0.0, 0.0, 0.0, 1.0),
    "PD": (0.0, 0.0, 0.0, 0.7, 0.3), "FM": (0.0, 0.0, 0.0, 0.7, 0.3),
    "TS": (0.0, 0.0, 0.0, 1.0, 0.0), "BWBLP": (0.0, 0.0, 0.0, 1.0, 0.0),
    "PMBS": (0.0, 0.0, 0.0, 1.0, 0.0), "KPN": (0.0, 0.0, 0.2, 0.8, 0.0),
    "KT": (0.0, 0.0, 0.3, 0.7, 0.0), "ODHA": (0.0, 0.0, 0.05, 0.95, 0.0),
    "PG": (0.0, 0.0, 0.0, 0.6, 0.4), "PML": (0.0, 0.0, 0.05, 0.8, 0.15),
    "KBA": _ALL_AGES, "KBS": _ALL_AGES,
}
# Probability that the person is a woman (sex P); default 0.5.
FEMALE_SHARE: dict[str, float] = {
    "PRSE": 1.0, "TS": 0.9, "KTK": 0.8, "KT": 0.75, "PMBS": 0.7, "LUT": 0.58,
    "PML": 0.35, "AJ": 0.3, "GL": 0.3, "BWBLP": 0.1, "KPN": 0.15, "ABH": 0.1,
}
# Household size is 1 + Poisson(lambda); default HOUSEHOLD_LAMBDA_DEFAULT, at most 15.
HOUSEHOLD_LAMBDA: dict[str, float] = {"LUT": 0.8, "GL": 0.2, "PG": 1.0, "FM": 3.0,
                                      "KAT": 3.5, "KBA": 3.0}
HOUSEHOLD_LAMBDA_DEFAULT = 2.5

# Cases are recorded over the last DAYS days, more of them recently (TKSK taking up
# the tool): days ago = DAYS × u ** RECENCY for uniform u.
DAYS = 730
RECENCY = 1.3
# Status by how old the record is (f = days ago / DAYS): selesai rises from 5 % to 70 %,
# dirujuk stays at 10 %, ditangani falls from 25 % to 12.5 %, baru is the rest.
STATUSES = ("baru", "ditangani", "dirujuk", "selesai")
# A finished case was closed after an exponential number of days with this mean
# (drawn from the case's fingerprint in layers/demo/case_history.sql).
DAYS_TO_CLOSE = 45
# Share of cases with no phone number.
NO_PHONE = 0.25

# PSKS resources per category: (how many per desa on average, capacity low, high).
# Kabupaten Bandung has 280 desa, so 0.8 per desa is about 224 PSM.
PSKS_PER_DESA: dict[str, tuple[float, int, int]] = {
    "PSP": (0.15, 20, 60),
    "PSM": (0.8, 10, 30),
    "TAGANA": (0.05, 30, 80),
    "LKS": (0.2, 20, 120),
    "KT": (0.6, 15, 40),
    "LK3": (0.01, 50, 200),
    "KP": (0.07, 5, 15),
    "WKSBM": (0.2, 15, 40),
    "WPKS": (0.15, 10, 25),
    "PS": (0.04, 50, 150),
    "TKSK": (0.0, 50, 150),  # one per kecamatan, not per desa: see WITHOUT_TKSK
    "DU": (0.09, 20, 200),
}
# Share of kecamatan left without a TKSK (the gap the map should show): 3 of 31.
WITHOUT_TKSK = 0.1
# A TKSK drawn where the point rule puts it in the neighbouring kecamatan is drawn again,
# at most this many times.
TKSK_PLACEMENT_ROUNDS = 20
# Share of resources (other than TKSK) marked inactive.
INACTIVE = 0.05


def _check() -> None:
    """Fail loudly if a table names a code that is not official, or misses one."""
    pmks = {c.code for c in taxonomy.pmks()}
    psks = {c.code for c in taxonomy.psks()}
    problems = []
    if set(PMKS_WEIGHT) != pmks:
        problems.append(f"PMKS_WEIGHT: {sorted(set(PMKS_WEIGHT) ^ pmks)}")
    if set(PSKS_PER_DESA) != psks:
        problems.append(f"PSKS_PER_DESA: {sorted(set(PSKS_PER_DESA) ^ psks)}")
    for name, table in (("URBAN_FACTOR", URBAN_FACTOR), ("AGE_MIX", AGE_MIX),
                        ("FEMALE_SHARE", FEMALE_SHARE), ("HOUSEHOLD_LAMBDA", HOUSEHOLD_LAMBDA)):
        if unknown := set(table) - pmks:
            problems.append(f"{name}: {sorted(unknown)}")
    if problems:
        raise RuntimeError("Tabel demo tidak cocok dengan kategori resmi / demo tables do not "
                           "match the official categories: " + "; ".join(problems))


_check()
