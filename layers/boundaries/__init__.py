"""Boundary import SQL and the kecamatan and desa boundary layers."""
