/*
 * geomap's early requests: inlined at the top of the map page's <head> (geomap/render/
 * page.py), before Leaflet and the other scripts, it starts the requests of the data the
 * first view will show: the answers of the overlays on (the PMKS choropleth: the
 * server's counts, seconds for a province when the data just changed) and the boundary
 * layers drawn as GeoJSON (the kecamatan). Without it they started only once every
 * script had loaded and run, half a second or more later.
 *
 * It reads window.geomapEarlyConfig, which the page sets just before it: {area, lang,
 * defaults: the default of each filter, layers: the GeoJSON layers [{name, url}],
 * overlays: [{name, url, show, filters}]}, and the layers on from the link's hash as map.js does, and
 * builds each URL by map.js's rule (overlayUrl: the area, the language and the filters
 * the overlay lists). map.js's fetchJson asks geomapEarly.take(url) first: a request
 * started here for the same URL (the same parameters in any order) is used once; any
 * other URL is fetched as usual, so a URL built differently here costs a request, never
 * a wrong answer.
 */
(function () {
  'use strict';

  var KEYS = {categories: ['categories'], period: ['from', 'to'], level: ['level'],
              method: ['method', 'k']};
  var started = {};

  // The URL with its parameters sorted: the key of a request started here.
  function canonical(url) {
    var parsed = new URL(url, window.location.href);
    parsed.searchParams.sort();
    return parsed.pathname + parsed.search;
  }

  function start(url) {
    started[canonical(url)] = fetch(url, {credentials: 'same-origin',
                                          headers: {Accept: 'application/json'}});
  }

  window.geomapEarly = {
    taken: [],  // the URLs whose early request was used (for tests)
    // The response promise of a request started here for ``url``, once; else null.
    take: function (url) {
      var key = canonical(url), found = started[key] || null;
      delete started[key];
      if (found) { this.taken.push(key); }
      return found;
    }
  };

  var config = window.geomapEarlyConfig;
  if (!config || !window.fetch || !window.URLSearchParams) { return; }
  var search = new URLSearchParams(window.location.search);
  // The layers on, as map.js's readHash reads them: the hash's fourth part, when the
  // first three are a view.
  var parts = window.location.hash.replace(/^#/, '').split('/'), shown = null;
  if (parts.length > 3 && !isNaN(parseInt(parts[0], 10)) && !isNaN(parseFloat(parts[1])) &&
      !isNaN(parseFloat(parts[2]))) {
    shown = parts[3].split(',');
  }

  function on(def) { return shown ? shown.indexOf(def.name) >= 0 : def.show; }

  // map.js fetches every GeoJSON layer when the page starts, shown or not.
  config.layers.forEach(function (def) { start(def.url); });
  config.overlays.forEach(function (def) {
    if (!on(def)) { return; }
    var url = new URL(def.url, window.location.href), params = url.searchParams;
    if (config.area) { params.set('area', config.area); }
    params.set('lang', config.lang);
    def.filters.forEach(function (filter) {
      (KEYS[filter] || [filter]).forEach(function (key) {
        var value = search.get(key) || config.defaults[key] || '';
        if (value && value !== (config.defaults[key] || '')) { params.set(key, value); }
      });
    });
    start(url.pathname + url.search);
  });
}());
