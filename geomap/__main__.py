"""``python -m geomap`` runs the CLI."""

from geomap.cli import main

main()
