/*
 * geomap's map pages: draw the layers of the page's config on the map folium made.
 *
 * The page hands over one JSON object (see geomap/render/page.py): the layers the
 * viewer may see, each with its data URL (GeoJSON, or a {z}/{x}/{y} vector tile
 * template), style, legend entries, label settings and tooltip fields. Texts come
 * from the server in the page's language. Every text from the data is put in the
 * page with textContent, never as HTML.
 *
 * window.geomap.state holds the map and its layers, for tests and for other scripts.
 */
(function () {
  'use strict';

  // Leaflet.VectorGrid 1.3 still calls L.DomEvent.fakeStop, which Leaflet 1.8 removed;
  // marking the event as handled is what it did.
  if (!L.DomEvent.fakeStop) {
    L.DomEvent.fakeStop = function (e) { e._stopped = true; };
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function fetchJson(url) {
    return fetch(url, {credentials: 'same-origin', headers: {Accept: 'application/json'}})
      .then(function (response) {
        if (!response.ok) { throw new Error(url + ': HTTP ' + response.status); }
        return response.json();
      });
  }

  function tooltipContent(properties, fields) {
    var box = element('div', 'geomap-tooltip');
    fields.forEach(function (field, i) {
      var value = properties[field];
      if (value !== undefined && value !== null && value !== '') {
        box.appendChild(element(i === 0 ? 'strong' : 'div', null, value));
      }
    });
    return box;
  }

  function State(map, config) {
    this.map = map;
    this.config = config;
    this.layers = {};
    this.labels = {};
    this.loaded = {};
    this.errors = [];
    this.selected = null;
  }

  State.prototype.done = function (name) {
    this.loaded[name] = true;
    this.map.fire('geomap:loaded', {name: name});
  };

  State.prototype.failed = function (name) {
    var state = this;
    return function (error) {
      state.errors.push(name);
      console.error('geomap: ' + name + ': ' + error.message);
      state.notice(state.config.texts['map.load_failed'] + ': ' + name);
    };
  };

  State.prototype.notice = function (message) {
    var box = document.querySelector('.geomap-notice');
    if (!box) {
      box = element('div', 'geomap-notice');
      this.map.getContainer().appendChild(box);
    }
    box.textContent = message;
  };

  function geojsonLayer(state, def) {
    var selectedStyle = L.extend({}, def.style, {weight: def.style.weight * 2});
    var layer = L.geoJSON(null, {
      style: function () { return def.style; },
      onEachFeature: function (feature, path) {
        if (def.tooltip_fields.length) {
          path.bindTooltip(tooltipContent(feature.properties, def.tooltip_fields), {sticky: true});
        }
        if (def.zoom_on_click) {
          path.on('click', function (e) {
            L.DomEvent.stopPropagation(e);
            layer.resetStyle();
            path.setStyle(selectedStyle);
            state.selected = feature.properties[def.id_field];
            state.map.fitBounds(path.getBounds());
          });
        }
      }
    });
    fetchJson(def.url).then(function (data) {
      layer.addData(data);
      state.done(def.name);
    }).catch(state.failed(def.name));
    return layer;
  }

  function tileLayer(state, def) {
    var styles = {};
    styles[def.name] = def.style;
    var layer = L.vectorGrid.protobuf(def.url, {
      vectorTileLayerStyles: styles,
      rendererFactory: L.svg.tile,
      interactive: def.tooltip_fields.length > 0,
      getFeatureId: function (feature) { return feature.properties[def.id_field]; },
      maxNativeZoom: 16,
      zIndex: 5,
      // No requests for tiles outside the area: they would be empty.
      bounds: state.config.area.loaded ? L.latLngBounds(state.config.area.bounds) : undefined
    });
    var tooltip = L.tooltip({sticky: true});
    layer.on('mouseover', function (e) {
      tooltip.setContent(tooltipContent(e.layer.properties, def.tooltip_fields));
      tooltip.setLatLng(e.latlng);
      state.map.openTooltip(tooltip);
    });
    layer.on('mouseout', function () { state.map.closeTooltip(tooltip); });
    layer.on('load', function () { state.done(def.name); });
    layer.on('tileerror', function () { state.failed(def.name)(new Error('tile')); });
    return layer;
  }

  // Labels of a layer: shown while the layer is on and the zoom is at least
  // label_min_zoom, and only for the points in view (a province has thousands).
  function labelLayer(state, def, parent) {
    var map = state.map, group = L.layerGroup(), points = null, loading = false;

    function draw() {
      var on = map.hasLayer(parent) && map.getZoom() >= def.label_min_zoom;
      if (!on) {
        if (map.hasLayer(group)) { map.removeLayer(group); }
        return;
      }
      if (points === null) {
        if (!loading) {
          loading = true;
          fetchJson(def.labels_url).then(function (data) {
            points = data;
            draw();
          }).catch(state.failed(def.name + ' labels'));
        }
        return;
      }
      var view = map.getBounds().pad(0.25);
      group.clearLayers();
      points.forEach(function (point) {
        var at = L.latLng(point[2], point[1]);
        if (!view.contains(at)) { return; }
        var icon = L.divIcon({
          className: 'geomap-label geomap-label-' + def.name,
          html: element('span', null, point[0]),
          iconSize: null
        });
        group.addLayer(L.marker(at, {icon: icon, interactive: false, keyboard: false}));
      });
      if (!map.hasLayer(group)) { group.addTo(map); }
    }

    map.on('moveend', draw);
    map.on('layeradd layerremove', function (e) { if (e.layer === parent) { draw(); } });
    draw();
    return group;
  }

  function swatch(style) {
    var box = element('span', 'geomap-swatch');
    box.style.borderColor = style.color;
    box.style.borderWidth = Math.max(1, Math.round(style.weight)) + 'px';
    box.style.backgroundColor = style.fillColor;
    if (style.dashArray) { box.style.borderStyle = 'dashed'; }
    return box;
  }

  function legend(state) {
    var control = L.control({position: 'bottomright'});
    control.onAdd = function () {
      var box = element('div', 'geomap-legend geomap-box');
      box.appendChild(element('h2', null, state.config.texts['map.legend']));
      state.config.layers.forEach(function (def) {
        def.legend.forEach(function (entry) {
          var line = element('div', 'geomap-legend-entry geomap-legend-' + def.name);
          line.appendChild(swatch(entry.style));
          line.appendChild(element('span', null, entry.label));
          box.appendChild(line);
        });
      });
      return box;
    };
    return control;
  }

  function titleBar(state) {
    var control = L.control({position: 'topright'});
    control.onAdd = function () {
      var config = state.config, box = element('div', 'geomap-title geomap-box');
      box.appendChild(element('h1', null, config.area.name || ''));
      var nav = element('nav');
      var areas = element('a', 'geomap-areas', config.texts['map.areas']);
      areas.href = config.links.areas;
      var lang = element('a', 'geomap-lang', config.texts['lang.switch']);
      lang.href = config.links.lang;
      lang.hreflang = config.lang === 'id' ? 'en' : 'id';
      nav.appendChild(areas);
      nav.appendChild(lang);
      box.appendChild(nav);
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    return control;
  }

  // The view and the layers shown live in the URL's hash, #zoom/lat/lon/layer,layer, so a
  // link opens the same map (the area and language are in the query string).
  function readHash(state) {
    var parts = window.location.hash.replace(/^#/, '').split('/');
    if (parts.length < 3) { return null; }
    var zoom = parseInt(parts[0], 10), lat = parseFloat(parts[1]), lon = parseFloat(parts[2]);
    if (isNaN(zoom) || isNaN(lat) || isNaN(lon)) { return null; }
    var shown = parts.length > 3 ? parts[3].split(',').filter(function (name) {
      return Object.prototype.hasOwnProperty.call(state.layers, name);
    }) : null;
    return {zoom: zoom, center: L.latLng(lat, lon), shown: shown};
  }

  function writeHash(state) {
    var map = state.map, center = map.getCenter(), shown = [];
    Object.keys(state.layers).forEach(function (name) {
      if (map.hasLayer(state.layers[name])) { shown.push(name); }
    });
    var hash = '#' + map.getZoom() + '/' + center.lat.toFixed(5) + '/' +
      center.lng.toFixed(5) + '/' + shown.join(',');
    if (hash !== window.location.hash) {
      window.history.replaceState(null, '', window.location.pathname + window.location.search +
                                  hash);
    }
    var lang = document.querySelector('.geomap-lang');
    if (lang) { lang.href = state.config.links.lang + hash; }
  }

  function start(map, config) {
    var state = new State(map, config);
    var overlays = {};
    titleBar(state).addTo(map);
    config.layers.forEach(function (def) {
      var layer = def.output === 'mvt' ? tileLayer(state, def) : geojsonLayer(state, def);
      state.layers[def.name] = layer;
      overlays[def.title] = layer;
    });
    var linked = readHash(state);
    if (linked) {
      map.setView(linked.center, linked.zoom, {animate: false});
    } else {
      map.fitBounds(config.area.bounds, {animate: false});
    }
    config.layers.forEach(function (def) {
      var layer = state.layers[def.name];
      if (linked && linked.shown ? linked.shown.indexOf(def.name) >= 0 : def.show) {
        layer.addTo(map);
      }
      if (def.labels_url && def.label_min_zoom !== null) {
        state.labels[def.name] = labelLayer(state, def, layer);
      }
    });
    L.control.layers(null, overlays, {collapsed: false, position: 'topright'}).addTo(map);
    legend(state).addTo(map);
    map.on('moveend overlayadd overlayremove', function () { writeHash(state); });
    window.geomap.state = state;
    return state;
  }

  window.geomap = {start: start, state: null};
}());
