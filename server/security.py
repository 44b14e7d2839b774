"""Security headers on every response: a strict Content-Security-Policy and friends.

Pages load only what the app serves ('self'). The map page's inline script and
styles (folium writes them into the page) carry a nonce made for each request, so
no other inline code can run even if some text slipped into the page unescaped.
The only other origin allowed is the basemap's tile server, for images, and only
when ``GEOMAP_BASEMAP_URL`` names one (plus ``data:`` images, which load nothing).
"""

from __future__ import annotations

import functools
import secrets
from urllib.parse import urlsplit

from flask import Blueprint, Response, g

from geomap.config import settings

bp = Blueprint("security", __name__)


def nonce() -> str:
    """The current request's CSP nonce (made on first use; only then is it in the policy)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def basemap_origin(url: str | None) -> str | None:
    """The CSP source of a tile URL template: ``https://{s}.tile.example.org/...``
    gives ``https://*.tile.example.org``; None for none or a URL of the app itself."""
    if not url:
        return None
    parts = urlsplit(url.replace("{s}", "*"))
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


@functools.lru_cache(maxsize=64)
def policy(request_nonce: str | None, basemap_url: str | None) -> str:
    """The Content-Security-Policy value (kept: every data response has the same)."""
    inline = f" 'nonce-{request_nonce}'" if request_nonce else ""
    # data: images never reach the network; Leaflet's tile layers need them (an unloaded
    # tile's src is set to a data: GIF), and so do raster overlays drawn in the page.
    images = "'self' data:"
    if origin := basemap_origin(basemap_url):
        images += f" {origin}"
    return "; ".join((
        "default-src 'self'",
        f"script-src 'self'{inline}",
        f"style-src 'self'{inline}",
        f"img-src {images}",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ))


@bp.after_app_request
def add_headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = policy(
        g.get("csp_nonce"), settings().basemap_url)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    return response
