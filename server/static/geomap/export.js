/*
 * The map page's Export button: a small dialog (what to make, paper, orientation, title)
 * that exports what is on screen, made on the server (POST /api/exports, see
 * server/exports.py) as a job whose progress it shows, then downloads the file.
 *
 * "What is on screen" is read when the dialog is sent, never remembered: the filters
 * from the URL's query string (area, categories, from, to, level, method, k: map.js
 * keeps them there; psks for the PSKS overlays), the page's area and language from its
 * config, and the layer on screen from window.geomap.state: the overlay switched on last
 * (ctx.since) among those the print map draws (choropleth, coverage, gap, heat and
 * density, resources with its service circles when ticked), else the boundaries. The
 * server applies the caller's role and area to all of it (a planner's file is
 * suppressed like its map; the heat prints as a density raster, never points).
 *
 * The button is map.js's (shown to a logged-in viewer, config.export); this file and
 * export.css are loaded on its first click, when map.js calls geomap.exportDialog(wrap,
 * button): it asks GET /api/exports/options for what to offer, puts the dialog under the
 * button, opens it, and from then on the button opens and closes it. Personal data is
 * offered only to the roles that may read it (options.personal), with a purpose, as the
 * cases API asks. Texts come from the server in the page's language and go in with
 * textContent.
 */
(function () {
  'use strict';

  var FILTER_KEYS = ['area', 'categories', 'category', 'from', 'to', 'level', 'method', 'k',
                     'psks'];
  var POLL_MS = 500;

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function getJson(url) {
    return fetch(url, {credentials: 'same-origin', headers: {Accept: 'application/json'}})
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) { throw body; }
          return body;
        });
      });
  }

  // The print layer of each overlay (the server's geomap/export/run.py LAYER_CHOICES):
  // the heat of points prints as the density raster, as a planner's heat map.
  var PRINTED = {coverage: 'coverage', gap: 'gap', heat: 'heat', density: 'heat',
                 resources: 'resources'};

  // The layer the page shows: of the overlays that are on, the one switched on last (it
  // is on top and its legend is the newest); the PMKS choropleth at the filter's level;
  // with none on, the boundaries.
  function shownLayer(state, level) {
    var last = null;
    Object.keys((state && state.overlays) || {}).forEach(function (name) {
      var ctx = state.overlays[name];
      var printable = name === 'choropleth' || PRINTED[name];
      if (printable && state.map.hasLayer(ctx.handle) && (!last || ctx.since > last.since)) {
        last = ctx;
      }
    });
    if (!last) { return {layer: 'boundaries'}; }
    var name = last.def.name;
    if (name === 'choropleth') {
      return {layer: 'choropleth-' + (level === 'kecamatan' ? 'kecamatan' : 'desa')};
    }
    return {layer: PRINTED[name], radius: name === 'resources' && !!last.showRadius};
  }

  // The page's state now: its filters (URL) and layer (map), as form fields.
  function pageState() {
    var state = window.geomap && window.geomap.state;
    var search = new URLSearchParams(window.location.search), form = new FormData();
    FILTER_KEYS.forEach(function (key) {
      var value = search.get(key);
      if (value) { form.set(key, value); }
    });
    if (!form.has('area') && state && state.config.area.code) {
      form.set('area', state.config.area.code);
    }
    var shown = shownLayer(state, search.get('level'));
    form.set('layer', shown.layer);
    if (shown.radius) { form.set('radius', '1'); }
    if (state) { form.set('lang', state.config.lang); }
    return form;
  }

  function select(name, label, choices) {
    var wrap = element('label', 'geomap-export-field', label);
    var box = element('select');
    box.name = name;
    choices.forEach(function (choice) {
      var option = element('option', null, choice[1]);
      option.value = choice[0];
      box.appendChild(option);
    });
    wrap.appendChild(box);
    return wrap;
  }

  function dialog(options) {
    var t = options.texts, box = element('form', 'geomap-export geomap-box');
    box.hidden = true;
    box.setAttribute('aria-label', t.title);
    box.appendChild(element('h2', null, t.title));
    var formats = [];
    Object.keys(options.kinds).forEach(function (kind) {
      options.kinds[kind].forEach(function (fmt) {
        var key = 'fmt.' + kind + '-' + fmt;
        formats.push([kind + ':' + fmt, t[key] || (kind + ' ' + fmt)]);
      });
    });
    box.appendChild(select('what', t.format, formats));
    box.appendChild(select('paper', t.paper, [['A4', 'A4'], ['A3', 'A3']]));
    box.appendChild(select('orientation', t.orientation,
                           [['landscape', t.landscape], ['portrait', t.portrait]]));
    var title = element('label', 'geomap-export-field', t.heading), input = element('input');
    input.name = 'title';
    input.maxLength = 120;
    title.appendChild(input);
    box.appendChild(title);
    if (options.personal) {
      // Only offered to roles that may read personal data; the server checks again,
      // refuses it without a purpose and audits every such export.
      var personal = element('label', 'geomap-export-personal'), tick = element('input');
      tick.type = 'checkbox';
      tick.name = 'personal';
      personal.appendChild(tick);
      personal.appendChild(element('span', null, t.personal));
      box.appendChild(personal);
      var why = element('label', 'geomap-export-field', t.purpose), reason = element('input');
      reason.name = 'purpose';
      reason.maxLength = 500;
      why.appendChild(reason);
      box.appendChild(why);
    }
    var buttons = element('div', 'geomap-export-buttons');
    var go = element('button', 'geomap-export-start', t.start);
    go.type = 'submit';
    var close = element('button', 'geomap-export-close', t.cancel);
    close.type = 'button';
    buttons.appendChild(go);
    buttons.appendChild(close);
    box.appendChild(buttons);
    var status = element('p', 'geomap-export-status');
    status.setAttribute('role', 'status');
    box.appendChild(status);
    close.addEventListener('click', function () { box.hidden = true; });
    box.addEventListener('submit', function (e) {
      e.preventDefault();
      send(options, box, status, go);
    });
    return box;
  }

  function send(options, box, status, go) {
    var t = options.texts, form = pageState(), what = box.elements.what.value.split(':');
    form.set('kind', what[0]);
    form.set('format', what[1]);
    form.set('paper', box.elements.paper.value);
    form.set('orientation', box.elements.orientation.value);
    if (box.elements.title.value.trim()) { form.set('title', box.elements.title.value.trim()); }
    if (box.elements.personal && box.elements.personal.checked) {
      form.set('personal', '1');
      form.set('purpose', box.elements.purpose.value.trim());
    }
    go.disabled = true;
    status.textContent = t.working;
    fetch(options.create_url, {method: 'POST', body: form, credentials: 'same-origin',
                               headers: {'X-CSRFToken': options.csrf_token,
                                         Accept: 'application/json'}})
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) { throw body; }
          return body;
        });
      })
      .then(function (job) { poll(options, job, status, go); })
      .catch(function (error) { failed(t, status, go, error); });
  }

  function poll(options, job, status, go) {
    var t = options.texts;
    if (job.state === 'done') {
      go.disabled = false;
      status.textContent = '';
      var link = element('a', 'geomap-export-download', t.ready + ' ' + job.download_name);
      link.href = job.file_url;
      link.download = job.download_name;
      status.appendChild(link);
      window.geomap.lastExport = job;
      link.click();
      return;
    }
    if (job.state === 'failed') { failed(t, status, go, {error: {detail: job.error}}); return; }
    status.textContent = t.working + ' ' + job.percent + '%';
    window.setTimeout(function () {
      getJson(job.status_url).then(function (next) { poll(options, next, status, go); })
        .catch(function (error) { failed(t, status, go, error); });
    }, POLL_MS);
  }

  function failed(t, status, go, error) {
    go.disabled = false;
    var detail = error && error.error ? (error.error.detail || error.error.message_en) : '';
    status.textContent = t.failed + (detail ? ': ' + detail : '');
  }

  // The dialog under map.js's Export button, open (see the header). A promise: map.js
  // reports a failure.
  function exportDialog(wrap, button) {
    var state = window.geomap.state;
    var lang = state ? state.config.lang : 'id';
    return getJson('/api/exports/options?lang=' + encodeURIComponent(lang))
      .then(function (options) {
        if (!options.allowed) { throw new Error('export not allowed'); }
        var box = dialog(options);
        button.addEventListener('click', function () { box.hidden = !box.hidden; });
        wrap.appendChild(box);
        box.hidden = false;
      }, function (error) {
        throw error instanceof Error ? error : new Error(JSON.stringify(error));
      });
  }

  window.geomap.exportDialog = exportDialog;
}());
