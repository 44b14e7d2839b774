"""Analysis behind the maps: density, accessibility, classes, privacy and gaps.

Pure domain code: the pages call it, it never renders a page. Every function
that reads the database takes a psycopg connection and returns arrays or
frames; the numerical cores also take plain arrays so they can be tested and
benchmarked without a database.
"""
