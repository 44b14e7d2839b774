// The one-case form: the point comes from the phone's GPS (with its accuracy shown, and a
// warning when it is worse than the limit) or from a tap on the map. The server validates
// the point like any uploaded row; this only fills the two inputs.
(function () {
  "use strict";
  var mapDiv = document.getElementById("form-map");
  var lat = document.getElementById("lat");
  var lon = document.getElementById("lon");
  var accuracy = document.getElementById("accuracy");
  var status = document.getElementById("gps-status");
  var warning = document.getElementById("gps-warning");
  var limit = Number(mapDiv.dataset.maxAccuracy);
  var center = mapDiv.dataset.center.split(",").map(Number);
  var map = L.map(mapDiv).setView(center, 12);
  // No base tiles from the internet: the page works offline. The desa boundaries of the
  // user's area (the app's own layer API) show where the point falls.
  window.geomapOutline(map, mapDiv.dataset.outline, "#0b4f6c");
  var marker = null;
  var circle = null;

  function place(latlng, radius) {
    lat.value = latlng.lat.toFixed(6);
    lon.value = latlng.lng.toFixed(6);
    if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng).addTo(map); }
    if (circle) { map.removeLayer(circle); circle = null; }
    if (radius) { circle = L.circle(latlng, { radius: radius }).addTo(map); }
    map.setView(latlng, Math.max(map.getZoom(), 15));
  }

  map.on("click", function (e) {
    accuracy.value = "";
    warning.hidden = true;
    status.textContent = "Titik dari peta / point from the map";
    place(e.latlng, 0);
  });

  document.getElementById("gps").addEventListener("click", function () {
    if (!navigator.geolocation) {
      status.textContent = "GPS tidak tersedia / GPS not available";
      return;
    }
    status.textContent = "Mencari lokasi… / locating…";
    navigator.geolocation.getCurrentPosition(function (pos) {
      var acc = Math.round(pos.coords.accuracy);
      accuracy.value = String(acc);
      status.textContent = "Akurasi / accuracy: ±" + acc + " m";
      warning.hidden = !(acc > limit);
      place(L.latLng(pos.coords.latitude, pos.coords.longitude), acc);
    }, function (err) {
      status.textContent = "GPS gagal / GPS failed (" + err.message + ")";
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 0 });
  });

  if (lat.value && lon.value) { place(L.latLng(Number(lat.value), Number(lon.value)), 0); }
}());
