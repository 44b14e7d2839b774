"""geomap: social-welfare mapping for Indonesia's Dinas Sosial offices.

The package holds the domain (codes, boundaries, cases, analysis, rendering);
``layers`` holds the PostGIS schema and layer SQL; ``server`` the Flask app.
"""

__version__ = "0.1.0"
