/*
 * The PMKS heat map (layers/overlays/heat.py): Leaflet.heat over the case points, for
 * the roles that may see them (the server refuses everyone else). data.points is
 * [[lat, lon, cases], ...] (cases at the same place, about 11 m, added up).
 */
(function () {
  'use strict';

  geomap.overlays.register('heat', {
    draw: function (ctx, data) {
      if (!data.points.length) { return; }
      L.heatLayer(data.points, {radius: 18, blur: 22, maxZoom: 15, minOpacity: 0.3})
        .addTo(ctx.group);
    }
  });
}());
