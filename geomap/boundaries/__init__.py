"""Administrative boundaries: reading sources, building geometries, loading them."""
