"""The maps: areas, layer data from PostGIS, and folium pages built from the layer registry."""
