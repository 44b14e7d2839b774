"""Synthetic demo data: a kabupaten of fake people, PMKS cases, PSKS resources and accounts.

``tables`` holds every number the data is drawn from, ``places`` where people live,
``people`` names and NIKs, ``cases`` and ``resources`` the rows, ``store`` the bulk
write and ``seed`` puts them together for ``geomap demo seed``.
"""
