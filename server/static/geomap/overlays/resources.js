/*
 * The Resources overlay (layers/overlays/resources.py): each PSKS resource as an icon in
 * its category's colour, clustered at low zoom (Leaflet.markercluster), a popup with
 * what the viewer may see, and the service circles when the "radius" box is ticked (a
 * TKSK has none: it serves its kecamatan). ctx.cluster and ctx.circles are the layers,
 * for tests.
 */
(function () {
  'use strict';

  function icon(ctx, r, color) {
    var badge = ctx.element('span', 'geomap-psks-badge', r.category);
    badge.style.backgroundColor = color;
    return L.divIcon({className: 'geomap-psks-icon geomap-psks-' + r.category, html: badge,
                      iconSize: [34, 18], iconAnchor: [17, 9], popupAnchor: [0, -8]});
  }

  function popup(ctx, data, r, names) {
    var t = data.texts, box = ctx.element('div', 'geomap-popup geomap-popup-resource');
    box.appendChild(ctx.element('strong', null, r.name || names[r.category]));
    box.appendChild(ctx.element('div', 'geomap-popup-sub', r.category + ' · ' +
                                names[r.category]));
    var table = ctx.element('table');
    function row(label, value) {
      if (value === null || value === undefined || value === '') { return; }
      var tr = ctx.element('tr');
      tr.appendChild(ctx.element('th', null, label));
      tr.appendChild(ctx.element('td', null, value));
      table.appendChild(tr);
    }
    row(t.capacity, r.capacity);
    row(t.radius, r.radius_km === null ? t.whole_kecamatan : r.radius_km + ' km');
    row(t.desa, r.desa_name);
    row(t.kecamatan, r.kecamatan_name);
    row(t.contact, r.contact);
    box.appendChild(table);
    return box;
  }

  function radiusToggle(ctx, data) {
    var control = geomap.psks.box(ctx, 'geomap-radius-toggle', 'topleft');
    var onAdd = control.onAdd;
    control.onAdd = function (map) {
      var node = onAdd.call(control, map), label = ctx.element('label');
      var input = ctx.element('input');
      input.type = 'checkbox';
      input.name = 'resource-radius';
      input.checked = !!ctx.showRadius;
      input.addEventListener('change', function () {
        ctx.showRadius = input.checked;
        if (input.checked) { ctx.group.addLayer(ctx.circles); }
        else { ctx.group.removeLayer(ctx.circles); }
      });
      label.appendChild(input);
      label.appendChild(ctx.element('span', null, ' ' + data.texts.show_radius));
      node.appendChild(label);
      return node;
    };
    return control;
  }

  geomap.overlays.register('resources', {
    draw: function (ctx, data) {
      geomap.psks.label(data.categories);
      // markercluster needs the map's own maxZoom (folium gives it to tile layers only).
      if (ctx.map.options.maxZoom === undefined) { ctx.map.setMaxZoom(19); }
      var colors = {}, names = {};
      data.categories.forEach(function (c) { colors[c.code] = c.color; names[c.code] = c.name; });
      var cluster = L.markerClusterGroup({showCoverageOnHover: false, maxClusterRadius: 50,
                                          disableClusteringAtZoom: 16, chunkedLoading: true});
      var circles = L.featureGroup(), markers = [];
      data.resources.forEach(function (r) {
        var color = colors[r.category] || '#808080';
        var marker = L.marker([r.lat, r.lon], {icon: icon(ctx, r, color),
                                               title: r.category + ': ' + (r.name || '')});
        marker.resourceId = r.id;
        marker.bindPopup(function () { return popup(ctx, data, r, names); });
        markers.push(marker);
        if (r.radius_km !== null) {
          circles.addLayer(L.circle([r.lat, r.lon], {
            radius: r.radius_km * 1000, color: color, weight: 1, opacity: 0.8,
            fillColor: color, fillOpacity: 0.06, interactive: false,
            className: 'geomap-psks-radius'}));
        }
      });
      cluster.addLayers(markers);
      ctx.cluster = cluster;
      ctx.circles = circles;
      ctx.group.addLayer(cluster);
      if (ctx.showRadius) { ctx.group.addLayer(circles); }
      ctx.toggle = radiusToggle(ctx, data).addTo(ctx.map);
    },

    clear: function (ctx) {
      if (ctx.toggle) { ctx.toggle.remove(); ctx.toggle = null; }
      ctx.cluster = ctx.circles = null;
    }
  });
}());
