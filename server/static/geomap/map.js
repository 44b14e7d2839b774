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
 *
 * OVERLAYS (analysis layers over the boundaries; layers/overlays/<name>.py on the server)
 * -------------------------------------------------------------------------------
 * config.panel.overlays lists those the viewer may see: {name, title, kind ("units",
 * "points", "raster"), url (GET /api/map/<name>.json), assets ({scripts, styles}: the
 * vendored libraries it needs, then its own drawing code, server/static/geomap/overlays/
 * <name>.js), show, filters}. The page does not load an overlay's assets: this file
 * does, the first time the overlay is switched on (or is on in the link when the page
 * opens: early.js has preloaded them then), and waits for them before drawing; scripts
 * run in their order. The drawing code registers itself:
 *
 *   geomap.overlays.register('<name>', {
 *     draw: function (ctx, data) { ... },   // required: data is the endpoint's JSON
 *     clear: function (ctx) { ... },        // optional: undo what draw did beyond ctx
 *     popup: function (ctx, code, properties) { return node or null; }  // optional
 *   });
 *
 * When the overlay is switched on, and again whenever a filter it uses changes while it
 * is on, this file fetches its url with the page's area and the filters it lists in
 * def.filters ("categories"; "period": from, to; "level"; "method": method, k; an
 * overlay's own filter by its key) and calls clear then draw with the answer (a stale
 * answer is dropped). A filter it does not list is not sent, and changing it does not
 * fetch the overlay again (Resources has no case filter).
 * ctx, one per overlay, gives:
 *   ctx.map, ctx.def (its config entry), ctx.state, ctx.texts, ctx.lang, ctx.data,
 *   ctx.since (a number that grows each time an overlay is switched on)
 *   ctx.group                 an L.layerGroup on the map while the overlay is on: add
 *                             your Leaflet layers to it (markers, heat, image overlays);
 *                             it is emptied before each draw and when switched off
 *   ctx.paint(level, fn)      colour the boundary features of level ("desa" or
 *                             "kecamatan", the existing tiles / GeoJSON) by code:
 *                             fn(code, properties) returns Leaflet path options to
 *                             merge over the boundary's style, or null; the overlay
 *                             switched on last wins a level; undone automatically
 *   ctx.element(tag, class, text), ctx.swatch(style), ctx.fetchJson(url)
 * An overlay with a filter of its own registers it once, at load:
 *   geomap.overlays.addFilter('psks', {label: function (texts) {...},
 *                                      control: function (value, texts) { return input; }})
 * (the input's name is the key; its default is ''. The value is read from the URL when
 * the page opens, before any overlay script has loaded, and goes in the URL and in the
 * requests of the overlays listing the key; the panel keeps a place for the control
 * and shows it once the filter is registered.)
 * data.legend ({title, entries: [{label, color, count?, outline?}], notes, period}) is
 * drawn in the legend box as .geomap-legend-<name> without anything to do; popup(...)
 * is asked for the content when a painted unit is clicked (build it with
 * ctx.element: texts from data go in as textContent, never as HTML).
 * The layers on, the filters and the view are in the URL: filters in the query string
 * (?area=..&categories=KM,AT&from=..&to=..&level=..&method=..&k=..), the view and the
 * layers on in the hash (#zoom/lat/lon/layer,overlay,...), so a link opens the same map.
 * The rules of that link (defaults, which request an overlay makes) are maplink.js's,
 * shared with early.js.
 *
 * The Export button (config.export: {label, assets}, for a logged-in viewer) loads its
 * dialog, export.js and export.css, on the first click.
 */
(function () {
  'use strict';

  var link = window.geomapLink;  // the link's rules (maplink.js, inlined in the page)

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

  // A request early.js started for the same URL when the page opened, else a new one.
  function fetchJson(url) {
    var early = window.geomapEarly ? window.geomapEarly.take(url) : null;
    return (early || fetch(url, {credentials: 'same-origin',
                                 headers: {Accept: 'application/json'}}))
      .then(function (response) {
        if (!response.ok) { throw new Error(url + ': HTTP ' + response.status); }
        return response.json();
      });
  }

  // The scripts and style sheets of an overlay or of the export dialog, loaded the first
  // time they are needed: <script> and <link> elements for the app's own files, which
  // the CSP's 'self' allows as it allows the page's own (no nonce needed; only inline
  // code carries one). Scripts are not async, so they run in the order they were added
  // (a library before the code using it). Each file is loaded once; a failed one is
  // tried again the next time it is asked for.
  var assets = {};

  function loadAsset(url, style) {
    if (!assets[url]) {
      assets[url] = new Promise(function (resolve, reject) {
        var node = element(style ? 'link' : 'script');
        if (style) {
          node.rel = 'stylesheet';
          node.href = url;
        } else {
          node.async = false;
          node.src = url;
        }
        node.onload = function () { resolve(url); };
        node.onerror = function () {
          delete assets[url];
          node.remove();
          reject(new Error(url + ': not loaded'));
        };
        document.head.appendChild(node);
      });
    }
    return assets[url];
  }

  // Every style sheet and script of ``spec`` ({scripts, styles}), loaded.
  function load(spec) {
    return Promise.all(spec.styles.map(function (url) { return loadAsset(url, true); })
      .concat(spec.scripts.map(function (url) { return loadAsset(url, false); })));
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
    this.defs = {};          // boundary layer configs by name
    this.paints = [];        // overlays colouring boundary units: [{name, level, fn}]
    this.overlays = {};      // overlay contexts by name
    this.slots = {};         // the filter panel's places of the overlays' own filters
    this.keys = filterKeys(config);
    this.filters = link.read(new URLSearchParams(window.location.search), this.keys);
  }

  // Every filter of the page: the panel's shared ones and the overlays' own.
  function filterKeys(config) {
    var keys = link.shared.slice();
    (config.panel ? config.panel.overlays : []).forEach(function (def) {
      link.keysOf(def.filters).forEach(function (key) {
        if (keys.indexOf(key) < 0) { keys.push(key); }
      });
    });
    return keys;
  }

  // The style of a boundary feature: its layer's, with the paint of the overlay that
  // colours that level (the one switched on last), if any.
  State.prototype.styleOf = function (def, properties) {
    var painter = this.painter(def.name), extra = null;
    if (painter) { extra = painter.fn(properties[def.id_field], properties); }
    return extra ? L.extend({}, def.style, extra) : def.style;
  };

  State.prototype.painter = function (level) {
    for (var i = this.paints.length - 1; i >= 0; i--) {
      if (this.paints[i].level === level) { return this.paints[i]; }
    }
    return null;
  };

  // Restyle the features of a boundary layer already drawn (new tiles ask styleOf).
  State.prototype.repaint = function (level) {
    var layer = this.layers[level], def = this.defs[level], state = this;
    if (!layer || !def) { return; }
    var painted = this.painter(level) !== null;
    this.map.getContainer().classList.toggle('geomap-painted-' + level, painted);
    if (def.output === 'mvt') {
      var style = function (properties) { return state.styleOf(def, properties); };
      Object.keys(layer._vectorTiles || {}).forEach(function (key) {
        var tile = layer._vectorTiles[key];
        Object.keys(tile._features || {}).forEach(function (id) {
          layer._updateStyles(tile._features[id].feature, tile, style);
        });
      });
    } else {
      layer.setStyle(function (feature) { return state.styleOf(def, feature.properties); });
    }
    if (painted && !this.map.hasLayer(layer)) { layer.addTo(this.map); }
  };

  // The popup of the overlay painting ``level`` for a clicked unit; true when shown.
  State.prototype.popupAt = function (level, properties, latlng) {
    var painter = this.painter(level), def = this.defs[level];
    if (!painter || !def) { return false; }
    var ctx = this.overlays[painter.name], impl = registered[painter.name];
    if (!impl || !impl.popup || !ctx.data) { return false; }
    var content = impl.popup(ctx, properties[def.id_field], properties);
    if (!content) { return false; }
    L.popup({maxWidth: 320}).setLatLng(latlng).setContent(content).openOn(this.map);
    return true;
  };

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
      style: function (feature) {
        return L.extend({className: 'geomap-path-' + def.name},
                        state.styleOf(def, feature.properties));
      },
      onEachFeature: function (feature, path) {
        if (def.tooltip_fields.length) {
          path.bindTooltip(tooltipContent(feature.properties, def.tooltip_fields), {sticky: true});
        }
        path.on('click', function (e) {
          if (state.popupAt(def.name, feature.properties, e.latlng)) {
            L.DomEvent.stopPropagation(e);
          }
        });
        if (def.zoom_on_click) {
          path.on('click', function (e) {
            if (state.painter(def.name)) { return; }  // a painted unit answers with its popup
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
    styles[def.name] = function (properties) { return state.styleOf(def, properties); };
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
    layer.on('click', function (e) {
      if (state.popupAt(def.name, e.layer.properties, e.latlng)) {
        L.DomEvent.stopPropagation(e);
      }
    });
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
      state.legendOverlays = box.appendChild(element('div', 'geomap-legend-overlays'));
      return box;
    };
    return control;
  }

  // An overlay's part of the legend: title, classes (swatch, label, units in it), period
  // and notes; replaced on every draw, removed when the overlay goes off.
  function overlayLegend(state, name, spec) {
    var holder = state.legendOverlays;
    if (!holder) { return; }
    var old = holder.querySelector('.geomap-legend-' + name);
    if (old) { holder.removeChild(old); }
    if (!spec) { return; }
    var box = element('section', 'geomap-legend-overlay geomap-legend-' + name);
    box.appendChild(element('h3', null, spec.title));
    (spec.entries || []).forEach(function (entry) {
      var line = element('div', 'geomap-legend-entry geomap-legend-class');
      line.appendChild(swatch(entry.outline ? {color: entry.color, weight: 2, fillColor: 'transparent'}
                                            : {color: '#666', weight: 1, fillColor: entry.color}));
      line.appendChild(element('span', 'geomap-legend-label', entry.label));
      if (entry.count !== undefined && entry.count !== null) {
        line.appendChild(element('span', 'geomap-legend-count', '(' + entry.count + ')'));
      }
      box.appendChild(line);
    });
    if (spec.period) { box.appendChild(element('div', 'geomap-legend-period', spec.period)); }
    (spec.notes || []).forEach(function (note) {
      box.appendChild(element('div', 'geomap-legend-note', note));
    });
    var order = state.config.panel.overlays.map(function (d) { return d.name; });
    var before = null;
    Array.prototype.forEach.call(holder.children, function (child) {
      var other = child.getAttribute('data-overlay');
      if (!before && order.indexOf(other) > order.indexOf(name)) { before = child; }
    });
    box.setAttribute('data-overlay', name);
    holder.insertBefore(box, before);
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
    var view = link.readHash(window.location.hash);
    if (!view) { return null; }
    var shown = view.shown ? view.shown.filter(function (name) {
      return Object.prototype.hasOwnProperty.call(state.layers, name);
    }) : null;
    return {zoom: view.zoom, center: L.latLng(view.lat, view.lon), shown: shown};
  }

  function writeHash(state) {
    var map = state.map, center = map.getCenter(), shown = [];
    Object.keys(state.layers).forEach(function (name) {
      if (map.hasLayer(state.layers[name])) { shown.push(name); }
    });
    var hash = '#' + map.getZoom() + '/' + center.lat.toFixed(5) + '/' +
      center.lng.toFixed(5) + '/' + shown.join(',');
    var search = link.write(new URLSearchParams(window.location.search), state.filters)
      .toString();
    search = search ? '?' + search : '';
    if (hash !== window.location.hash || search !== window.location.search) {
      window.history.replaceState(null, '', window.location.pathname + search + hash);
    }
    var lang = document.querySelector('.geomap-lang');
    if (lang) {
      var target = new URL(state.config.links.lang, window.location.href);
      link.write(target.searchParams, state.filters);
      lang.href = target.pathname + target.search + hash;
    }
  }

  // --- overlays (the contract is in the header) -------------------------------------

  var registered = {}, extraFilters = {}, switchedOn = 0;

  // A filter of its own for some overlays (e.g. a PSKS category): ``key`` is in the URL
  // and in the requests of the overlays listing it; ``control(value, texts)`` returns the
  // input (its name must be ``key``), shown in the panel's place for it (its overlay's
  // script registers it when first loaded, after the panel is drawn).
  function addFilter(key, spec) {
    extraFilters[key] = spec;
    if (window.geomap.state) { fillSlot(window.geomap.state, key); }
  }

  // A labelled input in ``box``.
  function field(box, label, input) {
    var wrap = element('label', 'geomap-field');
    wrap.appendChild(element('span', null, label));
    wrap.appendChild(input);
    box.appendChild(wrap);
    return input;
  }

  // The control of an overlay's own filter in its place in the panel, once both exist.
  function fillSlot(state, key) {
    var slot = state.slots[key], spec = extraFilters[key], texts = state.config.texts;
    if (!slot || !spec || slot.firstChild) { return; }
    field(slot, spec.label(texts), spec.control(state.filters[key] || '', texts));
    slot.hidden = false;
  }

  function register(name, impl) {
    if (!impl || typeof impl.draw !== 'function') {
      throw new Error('geomap.overlays.register(' + name + '): draw is required');
    }
    registered[name] = impl;
  }

  // The overlay's data URL with the page's area and the filters it uses (see the header).
  function overlayUrl(state, def) {
    return link.overlayUrl(def, state.config.area.code, state.config.lang, state.filters);
  }

  function overlayContext(state, def) {
    var ctx = {
      map: state.map, def: def, state: state, texts: state.config.texts,
      lang: state.config.lang, data: null, group: L.layerGroup(), seq: 0,
      element: element, swatch: swatch, fetchJson: fetchJson,
      paint: function (level, fn) {
        state.paints = state.paints.filter(function (p) { return p.name !== def.name; });
        state.paints.push({name: def.name, level: level, fn: fn});
        state.repaint(level);
      }
    };
    return ctx;
  }

  // Undo what the overlay drew: its own clear, its layers, its paint, its legend.
  function clearOverlay(state, ctx) {
    var impl = registered[ctx.def.name];
    if (impl && impl.clear) { impl.clear(ctx); }
    ctx.group.clearLayers();
    var levels = [];
    state.paints = state.paints.filter(function (p) {
      if (p.name === ctx.def.name) { levels.push(p.level); return false; }
      return true;
    });
    levels.forEach(function (level) { state.repaint(level); });
    state.map.closePopup();
    overlayLegend(state, ctx.def.name, null);
  }

  // Its answer and (the first time) its scripts, both asked for at once; then drawn.
  function loadOverlay(state, ctx) {
    var def = ctx.def, seq = ++ctx.seq;
    state.loaded[def.name] = false;
    if (!ctx.data) {  // first load: say so where its legend will be
      overlayLegend(state, def.name, {title: def.title,
                                      notes: [state.config.texts['overlay.loading']]});
    }
    ctx.url = overlayUrl(state, def);
    Promise.all([fetchJson(ctx.url), load(def.assets)]).then(function (got) {
      var data = got[0], impl = registered[def.name];
      if (seq !== ctx.seq || !state.map.hasLayer(ctx.handle)) { return; }  // stale or off
      if (!impl) { throw new Error('no drawing code registered'); }
      clearOverlay(state, ctx);
      ctx.data = data;
      impl.draw(ctx, data);
      if (data.legend) { overlayLegend(state, def.name, data.legend); }
      state.done(def.name);
    }).catch(function (error) {
      if (seq === ctx.seq && !ctx.data) { overlayLegend(state, def.name, null); }
      state.failed(def.name)(error);
    });
  }

  // The entry of an overlay in the layer control: a layer group that, when added to
  // the map, loads and draws the overlay (its own layers go in ctx.group).
  function overlayHandle(state, def) {
    var ctx = overlayContext(state, def), handle = L.layerGroup([ctx.group]);
    ctx.handle = handle;
    state.overlays[def.name] = ctx;
    handle.on('add', function () {
      ctx.since = ++switchedOn;  // which overlay was switched on last (export.js prints it)
      loadOverlay(state, ctx);
    });
    handle.on('remove', function () {
      ctx.seq++;
      clearOverlay(state, ctx);
      ctx.data = null;
      state.loaded[def.name] = false;
    });
    return handle;
  }

  function reloadOverlays(state) {
    Object.keys(state.overlays).forEach(function (name) {
      var ctx = state.overlays[name];
      // Only when its answer may differ: a filter it uses changed (see the header).
      if (state.map.hasLayer(ctx.handle) && ctx.url !== overlayUrl(state, ctx.def)) {
        loadOverlay(state, ctx);
      }
    });
    writeHash(state);
  }

  // The filter panel: PMKS categories, period, units and classes; a change redraws the
  // overlays that are on and goes into the URL.
  function filterPanel(state) {
    var panel = state.config.panel, texts = state.config.texts, control = L.control(
      {position: 'topleft'});
    var used = {};
    panel.overlays.forEach(function (def) {
      def.filters.forEach(function (f) { used[f] = true; });
    });

    function select(name, options, value, multiple) {
      var input = element('select');
      input.name = name;
      input.multiple = !!multiple;
      options.forEach(function (o) {
        var option = element('option', null, o.name);
        option.value = o.key;
        option.selected = multiple ? value.indexOf(o.key) >= 0 : o.key === value;
        input.appendChild(option);
      });
      return input;
    }

    control.onAdd = function () {
      var box = element('form', 'geomap-filters geomap-box');
      box.setAttribute('aria-label', texts['overlay.filters']);
      box.appendChild(element('h2', null, texts['overlay.filters']));
      var f = state.filters;
      if (used.categories) {
        var chosen = f.categories ? f.categories.split(',') : [];
        var cats = select('categories', panel.categories.map(function (c) {
          return {key: c.code, name: c.code + ' · ' + c.name};
        }), chosen, true);
        cats.size = 6;
        field(box, texts['overlay.categories'], cats);
      }
      if (used.period) {
        var from = element('input'), to = element('input');
        from.type = to.type = 'date';
        from.name = 'from';
        to.name = 'to';
        from.value = f.from;
        to.value = f.to;
        var row = element('div', 'geomap-field-row');
        field(row, texts['overlay.from'], from);
        field(row, texts['overlay.to'], to);
        box.appendChild(row);
      }
      if (used.level) {
        field(box, texts['overlay.level'], select('level', panel.levels, f.level));
      }
      if (used.method) {
        var row2 = element('div', 'geomap-field-row');
        field(row2, texts['overlay.method'], select('method', panel.methods, f.method));
        field(row2, texts['overlay.k'], select('k', [3, 4, 5, 6, 7].map(function (k) {
          return {key: String(k), name: String(k)};
        }), f.k));
        box.appendChild(row2);
      }
      // The overlays' own filters: a place each, in the overlays' order, filled when the
      // overlay's script registers the filter (fillSlot).
      Object.keys(used).forEach(function (name) {
        if (link.panelFilter(name)) { return; }
        var slot = box.appendChild(element('div', 'geomap-field-own'));
        slot.hidden = true;
        state.slots[name] = slot;
        fillSlot(state, name);
      });
      var reset = element('button', 'geomap-filters-reset', texts['overlay.reset']);
      reset.type = 'button';
      reset.addEventListener('click', function () {
        Array.prototype.forEach.call(box.elements, function (input) {
          if (!input.name) { return; }
          if (input.multiple) {
            Array.prototype.forEach.call(input.options, function (o) { o.selected = false; });
          } else {
            input.value = link.defaultOf(input.name);
          }
        });
        box.dispatchEvent(new Event('change'));
      });
      box.appendChild(reset);
      box.addEventListener('submit', function (e) { e.preventDefault(); });
      box.addEventListener('change', function () {
        var next = {};
        state.keys.forEach(function (key) { next[key] = state.filters[key]; });
        Array.prototype.forEach.call(box.elements, function (input) {
          if (!input.name) { return; }
          if (input.multiple) {
            next[input.name] = Array.prototype.filter.call(input.options, function (o) {
              return o.selected;
            }).map(function (o) { return o.value; }).join(',');
          } else {
            next[input.name] = input.value;
          }
        });
        state.filters = next;
        reloadOverlays(state);
      });
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    return control;
  }

  // The Export button, for a viewer who may export (config.export). Its dialog is
  // export.js's (with export.css), loaded on the first click, which hands the button
  // over to it (geomap.exportDialog). Near the top of its corner (after the zoom
  // buttons), above the filter panel: the panels that grow from the bottom-left (the
  // gap's ranked table) must not cover it.
  function exportButton(state) {
    var spec = state.config.export, control = L.control({position: 'topleft'});
    control.onAdd = function () {
      var wrap = element('div', 'geomap-export-control');
      var button = element('button', 'geomap-export-button geomap-box', spec.label);
      button.type = 'button';
      var open = function () {
        button.disabled = true;
        load(spec.assets).then(function () {
          return window.geomap.exportDialog(wrap, button);
        }).catch(function (error) {
          button.addEventListener('click', open, {once: true});  // a next click tries again
          state.failed('export')(error);
        }).then(function () { button.disabled = false; });
      };
      button.addEventListener('click', open, {once: true});
      wrap.appendChild(button);
      L.DomEvent.disableClickPropagation(wrap);
      L.DomEvent.disableScrollPropagation(wrap);
      return wrap;
    };
    control.addTo(state.map);
    var node = control.getContainer(), corner = node.parentNode;
    var zoom = corner.querySelector('.leaflet-control-zoom');
    corner.insertBefore(node, zoom ? zoom.nextSibling : corner.firstChild);
    return control;
  }

  function start(map, config) {
    var state = new State(map, config);
    var overlays = {};
    window.geomap.state = state;
    titleBar(state).addTo(map);
    config.layers.forEach(function (def) {
      state.defs[def.name] = def;
      var layer = def.output === 'mvt' ? tileLayer(state, def) : geojsonLayer(state, def);
      state.layers[def.name] = layer;
      overlays[def.title] = layer;
    });
    var analysis = config.panel ? config.panel.overlays : [];
    analysis.forEach(function (def) {
      if (state.layers[def.name]) { throw new Error('geomap: two layers named ' + def.name); }
      state.layers[def.name] = overlayHandle(state, def);
      overlays[def.title] = state.layers[def.name];
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
    if (config.panel) { filterPanel(state).addTo(map); }
    if (config.export) { exportButton(state); }
    // Overlays go on after the legend exists (their draw writes into it).
    analysis.forEach(function (def) {
      if (linked && linked.shown ? linked.shown.indexOf(def.name) >= 0 : def.show) {
        state.layers[def.name].addTo(map);
      }
    });
    map.on('moveend overlayadd overlayremove', function () { writeHash(state); });
    writeHash(state);
    return state;
  }

  window.geomap = {start: start, state: null, overlays: {register: register, addFilter: addFilter}};
}());
