// The resource form: the point comes from a tap on the map or the lat/lon fields; the
// radius field shows the chosen category's default. The server checks everything.
(function () {
  "use strict";
  var mapDiv = document.getElementById("form-map");
  var lat = document.getElementById("lat");
  var lon = document.getElementById("lon");
  var category = document.getElementById("category");
  var radius = document.getElementById("radius_km");
  var center = mapDiv.dataset.center.split(",").map(Number);
  var map = L.map(mapDiv).setView(center, 12);
  window.geomapOutline(map, mapDiv.dataset.outline, "#0b4f6c");
  var marker = null;

  function place(latlng) {
    if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng).addTo(map); }
  }

  function showDefault() {
    var option = category.options[category.selectedIndex];
    var km = option ? option.dataset.radius : "";
    radius.placeholder = km ? km + " km" : "kecamatan";
  }

  map.on("click", function (e) {
    lat.value = e.latlng.lat.toFixed(6);
    lon.value = e.latlng.lng.toFixed(6);
    place(e.latlng);
  });
  function fromFields() {
    var y = Number(lat.value), x = Number(lon.value);
    if (lat.value && lon.value && isFinite(y) && isFinite(x)) {
      place(L.latLng(y, x));
      map.setView([y, x], Math.max(map.getZoom(), 14));
    }
  }
  lat.addEventListener("change", fromFields);
  lon.addEventListener("change", fromFields);
  category.addEventListener("change", showDefault);
  showDefault();
  fromFields();
}());
