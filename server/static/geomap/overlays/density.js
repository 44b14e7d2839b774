/*
 * PMKS density (layers/overlays/density.py): the server's kernel density raster, one
 * PNG (a data: URL) stretched over its bounds. No point reaches the page.
 */
(function () {
  'use strict';

  geomap.overlays.register('density', {
    draw: function (ctx, data) {
      L.imageOverlay(data.image, data.bounds, {opacity: 0.75, className: 'geomap-density'})
        .addTo(ctx.group);
    }
  });
}());
