#!/usr/bin/env bash
# Install what geomap needs on a fresh Debian/Ubuntu machine, idempotently:
# system packages (PostgreSQL + PostGIS, GDAL tools, Chromium, poppler, fonts),
# a virtual environment in .venv with geomap installed, and the web assets
# (Leaflet and plugins from npm) vendored into server/static/vendor.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
fi

# Debian packages, each installed only when what it provides is missing. Node.js and
# npm are checked as commands: machines that carry NodeSource's nodejs (which bundles
# npm) cannot also install Debian's npm package.
PACKAGES=(postgresql postgresql-15-postgis-3 gdal-bin chromium poppler-utils fonts-dejavu-core)
missing=()
for pkg in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
"${PYTHON:-python3}" -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
# Where another PostgreSQL major is the distribution's default, take its PostGIS.
if [[ " ${missing[*]} " == *" postgresql-15-postgis-3 "* ]] && ! apt-cache show postgresql-15-postgis-3 >/dev/null 2>&1; then
    major=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1)
    missing=("${missing[@]/postgresql-15-postgis-3/postgresql-${major:-15}-postgis-3}")
fi
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ] && [ -z "$SUDO" ]; then
        echo "Perlu dipasang / please install (as root): ${missing[*]}" >&2
        exit 1
    fi
    say "Memasang paket sistem / installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -q >/dev/null
    $SUDO apt-get install -y -q "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    say "Membuat virtualenv / creating .venv"
    "$PY" -m venv .venv
fi
stamp=.venv/.geomap-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    say "Memasang geomap / installing geomap and its dependencies"
    .venv/bin/pip install -q --upgrade pip >/dev/null
    .venv/bin/pip install -q -e '.[test]'
    touch "$stamp"
fi

if [ ! -f server/static/vendor/.stamp ] || [ package.json -nt server/static/vendor/.stamp ]; then
    say "Menyiapkan aset peta / vendoring map assets from npm"
    bash scripts/vendor-assets.sh
fi
