/*
 * What the PSKS overlays (Resources, Coverage, Gap: layers/overlays/{resources,coverage,
 * gap}.py) share, loaded once before their scripts (their Overlay.vendor), by map.js
 * when the first of them is switched on:
 *
 * - the ``psks`` filter (one PSKS category or all) in the filter panel and the URL,
 *   sent with every overlay request; its options are named once an answer brings the
 *   category names in the page's language (data.categories);
 * - geomap.psks.box(ctx, className): a Leaflet control box for an overlay's own panel;
 * - geomap.psks.hatch(map): the SVG pattern that hatches an area (url(#geomap-hatch)).
 *
 * Texts from the data go in with textContent, never as HTML.
 */
(function () {
  'use strict';

  var LABEL = {id: 'Kategori PSKS', en: 'PSKS category'};
  var select = null;

  function lang() { return document.documentElement.lang === 'en' ? 'en' : 'id'; }

  geomap.overlays.addFilter('psks', {
    label: function () { return LABEL[lang()]; },
    control: function (value, texts) {
      select = document.createElement('select');
      select.name = 'psks';
      var all = document.createElement('option');
      all.value = '';
      all.textContent = texts['overlay.all'];
      select.appendChild(all);
      if (value) {  // from a link: offered before the names arrive
        var chosen = document.createElement('option');
        chosen.value = value;
        chosen.textContent = value;
        select.appendChild(chosen);
      }
      select.value = value;
      return select;
    }
  });

  // Name the options from an answer's categories ([{code, name}], official order).
  function label(categories) {
    if (!select || !categories) { return; }
    var value = select.value;
    while (select.options.length > 1) { select.remove(1); }
    categories.forEach(function (c) {
      var option = document.createElement('option');
      option.value = c.code;
      option.textContent = c.code + ' · ' + c.name;
      select.appendChild(option);
    });
    select.value = value;
  }

  function box(ctx, className, position) {
    var control = L.control({position: position || 'bottomleft'});
    control.onAdd = function () {
      var node = ctx.element('div', 'geomap-box ' + className);
      L.DomEvent.disableClickPropagation(node);
      L.DomEvent.disableScrollPropagation(node);
      return node;
    };
    return control;
  }

  // One hidden <svg> holding the hatch pattern, for paths filled with url(#geomap-hatch).
  function hatch() {
    if (document.getElementById('geomap-hatch')) { return 'url(#geomap-hatch)'; }
    var ns = 'http://www.w3.org/2000/svg';
    var svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('width', '0');
    svg.setAttribute('height', '0');
    svg.setAttribute('aria-hidden', 'true');
    svg.style.position = 'absolute';
    var pattern = document.createElementNS(ns, 'pattern');
    pattern.setAttribute('id', 'geomap-hatch');
    pattern.setAttribute('patternUnits', 'userSpaceOnUse');
    pattern.setAttribute('width', '8');
    pattern.setAttribute('height', '8');
    pattern.setAttribute('patternTransform', 'rotate(45)');
    var line = document.createElementNS(ns, 'line');
    line.setAttribute('x1', '0');
    line.setAttribute('y1', '0');
    line.setAttribute('x2', '0');
    line.setAttribute('y2', '8');
    line.setAttribute('stroke', '#d7301f');
    line.setAttribute('stroke-width', '3');
    pattern.appendChild(line);
    var defs = document.createElementNS(ns, 'defs');
    defs.appendChild(pattern);
    svg.appendChild(defs);
    document.body.appendChild(svg);
    return 'url(#geomap-hatch)';
  }

  geomap.psks = {label: label, box: box, hatch: hatch};
}());
