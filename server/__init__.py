"""The Flask app: pages, JSON API, tiles. ``create_app`` is the factory."""

from server.app import create_app

__all__ = ["create_app"]
