/*
 * The map page's link rules, one place for early.js and map.js (geomap/render/page.py
 * inlines this file at the top of <head>, after window.geomapEarlyConfig and just
 * before early.js, so both can use it).
 *
 * The map's state is in its URL: the filters in the query string (?area=..&categories=
 * KM,AT&from=..&to=..&level=..&method=..&k=.. and an overlay's own filters, e.g. psks),
 * the view and the layers on in the hash (#zoom/lat/lon/layer,overlay,...). early.js
 * reads it to start the first view's requests before the other scripts have loaded;
 * map.js reads it, keeps it and asks for the same URLs: both build an overlay's request
 * with overlayUrl below, so they cannot drift apart (a URL built differently would cost
 * a second request).
 *
 * window.geomapLink:
 *   defaultOf(key)          a filter's default ('' for an overlay's own filters); a
 *                           default is left out of the URL and of overlay requests
 *   keysOf(filters)         the URL parameters of an overlay's def.filters ("period" is
 *                           from and to, "method" is method and k; an overlay's own
 *                           filter is its key)
 *   panelFilter(name)       whether ``name`` is one of the panel's shared filters (not an
 *                           overlay's own)
 *   read(search, keys)      {key: value} of a URLSearchParams, defaults filled in
 *   write(search, filters)  ``search`` with each filter set, or deleted when default
 *   overlayUrl(def, area, lang, filters)
 *                           an overlay's request: its url with the area, the language
 *                           and the filters it lists in def.filters (no other)
 *   readHash(hash)          {zoom, lat, lon, shown: [names] or null} of a view hash, or
 *                           null when the hash names no view
 */
(function () {
  'use strict';

  // The server's own defaults (layers/overlays LINK_DEFAULTS), in the page's config.
  var DEFAULTS = window.geomapEarlyConfig.defaults;
  var KEYS = {categories: ['categories'], period: ['from', 'to'], level: ['level'],
              method: ['method', 'k']};

  function has(object, key) { return Object.prototype.hasOwnProperty.call(object, key); }

  function defaultOf(key) { return has(DEFAULTS, key) ? DEFAULTS[key] : ''; }

  function keysOf(filters) {
    var keys = [];
    filters.forEach(function (filter) {
      (has(KEYS, filter) ? KEYS[filter] : [filter]).forEach(function (key) {
        if (keys.indexOf(key) < 0) { keys.push(key); }
      });
    });
    return keys;
  }

  function read(search, keys) {
    var out = {};
    keys.forEach(function (key) { out[key] = search.get(key) || defaultOf(key); });
    return out;
  }

  function write(search, filters) {
    Object.keys(filters).forEach(function (key) {
      var value = filters[key];
      if (value && value !== defaultOf(key)) { search.set(key, value); }
      else { search.delete(key); }
    });
    return search;
  }

  function overlayUrl(def, area, lang, filters) {
    var url = new URL(def.url, window.location.href), params = url.searchParams, own = {};
    if (area) { params.set('area', area); }
    params.set('lang', lang);
    keysOf(def.filters).forEach(function (key) { own[key] = filters[key]; });
    write(params, own);
    return url.pathname + url.search;
  }

  function readHash(hash) {
    var parts = hash.replace(/^#/, '').split('/');
    if (parts.length < 3) { return null; }
    var zoom = parseInt(parts[0], 10), lat = parseFloat(parts[1]), lon = parseFloat(parts[2]);
    if (isNaN(zoom) || isNaN(lat) || isNaN(lon)) { return null; }
    return {zoom: zoom, lat: lat, lon: lon, shown: parts.length > 3 ? parts[3].split(',') : null};
  }

  window.geomapLink = {
    defaultOf: defaultOf, keysOf: keysOf, read: read, write: write, overlayUrl: overlayUrl,
    readHash: readHash, panelFilter: function (name) { return has(KEYS, name); },
    // Every filter the panel shares (an overlay's own come from its def.filters).
    shared: Object.keys(DEFAULTS)
  };
}());
