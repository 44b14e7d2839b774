/*
 * geomap's early requests: inlined at the top of the map page's <head> (geomap/render/
 * page.py), after maplink.js and before Leaflet and the other scripts, it starts the
 * requests of the data the first view will show: the answers of the overlays on (the
 * PMKS choropleth: the server's counts, seconds for a province when the data just
 * changed) and the boundary layers drawn as GeoJSON (the kecamatan). Without it they
 * started only once every script had loaded and run, half a second or more later. The
 * scripts and style sheets of the overlays on are preloaded too (<link rel="preload">):
 * map.js loads an overlay's assets only when it is on, and finds these in the cache.
 *
 * It reads window.geomapEarlyConfig, which the page sets just before it: {area, lang,
 * layers: the GeoJSON layers [{name, url}], overlays: [{name, url, show, filters,
 * assets: {scripts, styles}}]}, and the link (the layers on in its hash, the filters in
 * its query string) through maplink.js, which also builds each overlay's URL, as map.js
 * does. map.js's fetchJson asks geomapEarly.take(url) first: a request started here for
 * the same URL (the same parameters in any order) is used once; any other URL is
 * fetched as usual.
 */
(function () {
  'use strict';

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

  function preload(url, as) {
    var link = document.createElement('link');
    link.rel = 'preload';
    link.as = as;
    link.href = url;
    document.head.appendChild(link);
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

  var config = window.geomapEarlyConfig, link = window.geomapLink;
  if (!config || !link || !window.fetch || !window.URLSearchParams) { return; }
  var search = new URLSearchParams(window.location.search);
  var view = link.readHash(window.location.hash), shown = view && view.shown;

  function on(def) { return shown ? shown.indexOf(def.name) >= 0 : def.show; }

  // map.js fetches every GeoJSON layer when the page starts, shown or not.
  config.layers.forEach(function (def) { start(def.url); });
  config.overlays.forEach(function (def) {
    if (!on(def)) { return; }
    var keys = link.keysOf(def.filters);
    start(link.overlayUrl(def, config.area, config.lang, link.read(search, keys)));
    def.assets.styles.forEach(function (url) { preload(url, 'style'); });
    def.assets.scripts.forEach(function (url) { preload(url, 'script'); });
  });
}());
