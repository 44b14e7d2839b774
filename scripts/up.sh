#!/usr/bin/env bash
# Command 1: set everything up, load Kabupaten Bandung and the demo data, serve the map.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export GEOMAP_BOUNDARY_MIRROR=${GEOMAP_BOUNDARY_MIRROR:-$(cd .. && pwd)/shared/data/boundaries/wilayah_boundaries}
.venv/bin/geomap db start
.venv/bin/geomap boundaries fetch 32.04
if .venv/bin/geomap --help | grep -q "^  demo"; then
    .venv/bin/geomap demo seed
fi
exec .venv/bin/geomap serve --host "${GEOMAP_HOST:-127.0.0.1}" --port "${GEOMAP_PORT:-5000}"
