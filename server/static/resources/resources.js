// The registry page's map: the listed resources as points, each with its service radius
// (TKSK serve a whole kecamatan and have none). The points come from a JSON block of the
// page (escaped by the server), so the map shows exactly the table's rows.
(function () {
  "use strict";
  var div = document.getElementById("resource-map");
  var points = JSON.parse(document.getElementById("resource-points").textContent);
  var center = div.dataset.center.split(",").map(Number);
  var map = L.map(div).setView(center, 11);
  window.geomapOutline(map, div.dataset.outline, "#777");  // the area's kecamatan
  var group = L.featureGroup().addTo(map);
  points.forEach(function (p) {
    var colour = p.active ? "#0b4f6c" : "#999";
    var marker = L.circleMarker([p.lat, p.lon], { radius: 5, color: colour }).addTo(group);
    // An element, not a string: Leaflet would read a string as HTML, and names are text.
    var label = document.createElement("span");
    label.textContent = p.category + ": " + p.name;
    marker.bindTooltip(label);
    if (p.radius_km) {
      L.circle([p.lat, p.lon], { radius: p.radius_km * 1000, weight: 1, color: colour,
                                 fillOpacity: 0.05, interactive: false }).addTo(group);
    }
  });
  var bounds = group.getBounds();
  if (bounds.isValid()) { map.fitBounds(bounds, { maxZoom: 15 }); }
}());
