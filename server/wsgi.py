"""The WSGI entry point for gunicorn: ``server.wsgi:app``.

gunicorn loads this module once in its master process (``preload_app`` in
``server/gunicorn_conf.py``) and forks the workers from it, so what is imported here is
imported once and shared by every worker. Hence :func:`warm`: the analysis stack the
map overlays use (pandas, scipy and rasterio through the overlay modules, mapclassify,
which brings scikit-learn, and matplotlib's colour maps) takes about two seconds to
import. Imported lazily, each of the five workers paid it on its first overlay request:
the first view after a restart waited seconds more on whichever worker it met
(bench/README.md, "Page, session 4").
"""

from server import create_app


def warm() -> None:
    """Import what the overlays import on their first request (see the module docstring)."""
    import mapclassify  # noqa: F401  (geomap.analysis.classify imports it lazily)

    from layers.overlays import overlays, palette

    overlays()  # every overlay module, and what each imports
    palette(5)  # matplotlib's colour maps


app = create_app()
warm()
