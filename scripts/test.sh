#!/usr/bin/env bash
# Command 2: set everything up and run the whole test suite against a throwaway PostGIS.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export GEOMAP_BOUNDARY_MIRROR=${GEOMAP_BOUNDARY_MIRROR:-$(cd .. && pwd)/shared/data/boundaries/wilayah_boundaries}
.venv/bin/ruff check .
exec .venv/bin/python -m pytest "$@"
