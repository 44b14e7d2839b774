"""The registry of PSKS resources: who and what can meet the need, and where.

A resource has one of the 12 official PSKS categories, a name, a point (its desa
from the one point rule), a capacity, a service radius (a default per category,
editable) and an active flag; a TKSK serves its whole kecamatan and is linked to
its user. Files come in through :func:`geomap.resources.load.import_rows`, which
the CLI, the demo seed and any other way in share.
"""
