// The map of an upload's accepted points, fetched from the staged upload (this user's only).
(function () {
  "use strict";
  var div = document.getElementById("preview-map");
  var map = L.map(div);
  fetch(div.dataset.points, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
    .then(function (fc) {
      var layer = L.geoJSON(fc, {
        pointToLayer: function (f, ll) { return L.circleMarker(ll, { radius: 4 }); }
      }).addTo(map);
      var b = layer.getBounds();
      if (b.isValid()) { map.fitBounds(b, { maxZoom: 16 }); } else { map.setView([-7, 107.6], 10); }
    })
    .catch(function () { div.textContent = "Peta tidak dapat dimuat / the map could not be loaded"; });
}());
