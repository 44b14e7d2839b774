#!/usr/bin/env bash
# Vendor the map's browser assets from npm into server/static/vendor, so every
# script, style sheet, image and font a page loads is served by geomap itself
# (pages must work with no internet). Versions are pinned by package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v npm >/dev/null 2>&1; then
    echo "npm tidak ada; pasang nodejs dan npm / npm is missing: install nodejs and npm" >&2
    exit 1
fi
npm ci --no-audit --no-fund --ignore-scripts --loglevel=error

nm=node_modules
out=server/static/vendor
rm -rf "$out"
mkdir -p "$out"

copy() {  # copy SRC... DEST_DIR (relative to $out)
    local dest="$out/${*: -1}"
    mkdir -p "$dest"
    cp -R "${@:1:$#-1}" "$dest/"
}

copy $nm/leaflet/dist/leaflet.js $nm/leaflet/dist/leaflet.css $nm/leaflet/dist/images \
     $nm/leaflet/LICENSE leaflet
copy $nm/leaflet.heat/dist/leaflet-heat.js $nm/leaflet.heat/LICENSE leaflet.heat
copy $nm/leaflet.markercluster/dist/leaflet.markercluster.js \
     $nm/leaflet.markercluster/dist/MarkerCluster.css \
     $nm/leaflet.markercluster/dist/MarkerCluster.Default.css \
     $nm/leaflet.markercluster/MIT-LICENCE.txt leaflet.markercluster
copy $nm/leaflet.awesome-markers/dist/leaflet.awesome-markers.js \
     $nm/leaflet.awesome-markers/dist/leaflet.awesome-markers.css \
     $nm/leaflet.awesome-markers/dist/images $nm/leaflet.awesome-markers/LICENSE \
     leaflet.awesome-markers
copy $nm/leaflet.vectorgrid/dist/Leaflet.VectorGrid.bundled.min.js \
     $nm/leaflet.vectorgrid/package.json leaflet.vectorgrid
copy $nm/@fortawesome/fontawesome-free/css/all.min.css fontawesome/css
copy $nm/@fortawesome/fontawesome-free/webfonts/. fontawesome/webfonts
copy $nm/@fortawesome/fontawesome-free/LICENSE.txt fontawesome

# Which versions were vendored; setup.sh re-vendors when package.json is newer.
node -e 'const l = require("./package-lock.json").packages;
  for (const [k, v] of Object.entries(l)) if (k) console.log(k.replace("node_modules/", ""), v.version);' \
  > "$out/.stamp"
echo "aset peta siap / map assets vendored into $out" >&2
