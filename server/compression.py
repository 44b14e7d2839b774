"""Compressed responses (Flask-Compress): what the map pages fetch, made small on the wire.

The map's weight is its scripts, the kecamatan GeoJSON, the desa vector tiles and the
overlay values; all compress 3-8x with brotli or gzip, which is the difference between
a first view over 1 MB and one well under it on an office's slow link.

HTML is left uncompressed on purpose: pages carry the CSRF token beside text a visitor
can put in the URL, the pairing the BREACH attack needs to read a secret from the sizes
of compressed responses; the pages are small and the data they load is not HTML.

So are vector tiles under ``TILE_MIN_SIZE``: a tile's varints compress poorly (a z12
desa tile of 4.4 kB to 0.82 of its size, at any brotli or gzip level), so brotli saves
under 3 kB a tile and costs 0.1-0.2 ms of the server for each, a tenth of the tile's own
query (bench/README.md, "Tiles, session 5"). The overview tiles a province's first view
loads (z8-z9, tens of kB) are still compressed.
"""

from __future__ import annotations

from flask import Flask, Response
from flask_compress import Compress

from geomap.render.tiles import MVT

TILE_MIN_SIZE = 16 * 1024
MIMETYPES = [
    "application/javascript", "text/javascript", "text/css", "image/svg+xml",
    "application/json", "application/geo+json", MVT,
]


def init_app(app: Flask) -> None:
    app.config.setdefault("COMPRESS_MIMETYPES", MIMETYPES)
    app.config.setdefault("COMPRESS_MIN_SIZE", 1024)
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_BR_LEVEL", 5)
    app.config.setdefault("COMPRESS_LEVEL", 6)
    # Static files are streamed from disk: compressed as they stream (brotli; gzip cannot
    # be streamed by Flask-Compress), and only for the static endpoint, whose files are
    # the listed types; exports are streamed too but are not of those types.
    app.config.setdefault("COMPRESS_STREAMS", True)
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["br", "deflate"])
    app.config["COMPRESS_REGISTER"] = False  # registered below, small tiles left out
    compress = Compress(app)

    @app.after_request
    def compressed(response: Response) -> Response:
        if response.mimetype == MVT and (response.content_length or 0) < TILE_MIN_SIZE:
            return response
        return compress.after_request(response)
