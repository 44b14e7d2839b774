// The boundaries under a small map (the case form, the resource form, the resource
// registry): the area's desa or kecamatan from the app's own layer API, thin lines that
// take no clicks. No base tiles come from the internet, so these show where a point
// falls; the map works without them (offline, a slow answer): a help, not a need.
window.geomapOutline = function (map, url, color) {
  "use strict";
  if (!url) { return; }
  fetch(url, { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (fc) {
      if (fc) {
        L.geoJSON(fc, { interactive: false,
                        style: { weight: 1, color: color, fill: false } }).addTo(map);
      }
    })
    .catch(function () { /* the outline is a help, not a need */ });
};
