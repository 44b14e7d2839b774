"""The ``geomap`` command: one entry point for every job.

Each group of commands lives in its own module and is registered here.
"""

from __future__ import annotations

import click

from geomap import __version__
from geomap.cli.analysis import analysis
from geomap.cli.backup import backup, restore
from geomap.cli.boundaries import boundaries
from geomap.cli.cases import cases
from geomap.cli.db import db
from geomap.cli.demo import demo
from geomap.cli.export import export
from geomap.cli.population import population
from geomap.cli.resources import resources
from geomap.cli.retention import retention
from geomap.cli.serve import serve
from geomap.cli.users import users


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="geomap")
def main() -> None:
    """geomap: pemetaan sosial PMKS dan PSKS / social mapping of PMKS and PSKS."""


for command in (db, boundaries, serve, cases, backup, restore, demo, resources, retention, users):
    main.add_command(command)
main.add_command(population)
main.add_command(analysis)
main.add_command(export)
