/*
 * The Gap overlay (layers/overlays/gap.py): each desa in its bivariate need x coverage
 * colour (the legend's 3x3 grid is laid out by psks.css), and a side panel with the
 * ranked table of the desa with most need and least coverage. Each row's desa is a link
 * to this map at that desa (the view in the hash, the filters in the query string), so it
 * can be shared; a click moves the map there without reloading. ctx.panel is the table.
 */
(function () {
  'use strict';

  // The URL of this page showing ``bounds`` ([west, south, east, north]), with the
  // layers now on (the hash's fourth part) and the filters of the query string.
  function viewUrl(map, bounds) {
    var box = L.latLngBounds([bounds[1], bounds[0]], [bounds[3], bounds[2]]);
    var zoom = Math.min(map.getBoundsZoom(box), map.getMaxZoom()), center = box.getCenter();
    var shown = window.location.hash.replace(/^#/, '').split('/')[3] || '';
    return window.location.pathname + window.location.search + '#' + zoom + '/' +
      center.lat.toFixed(5) + '/' + center.lng.toFixed(5) + '/' + shown;
  }

  function go(ctx, row) {
    var b = row.bounds;
    ctx.state.selected = row.code;
    ctx.map.fitBounds([[b[1], b[0]], [b[3], b[2]]], {animate: false});
  }

  function distance(metres) {
    if (metres === null) { return '–'; }
    return metres < 1000 ? metres + ' m' : (metres / 1000).toFixed(1) + ' km';
  }

  function table(ctx, data) {
    var t = data.texts, control = geomap.psks.box(ctx, 'geomap-gap-table', 'bottomleft');
    var onAdd = control.onAdd;
    control.onAdd = function (map) {
      var node = onAdd.call(control, map);
      node.appendChild(ctx.element('h2', null, t.title));
      var tbl = ctx.element('table'), head = ctx.element('tr');
      [t.rank, t.desa, t.kecamatan, t.cases, t.nearest, t.score].forEach(function (h) {
        head.appendChild(ctx.element('th', null, h));
      });
      tbl.appendChild(ctx.element('thead')).appendChild(head);
      var body = tbl.appendChild(ctx.element('tbody'));
      data.ranked.forEach(function (row, i) {
        var tr = ctx.element('tr');
        tr.setAttribute('data-code', row.code);
        tr.appendChild(ctx.element('td', null, String(i + 1)));
        var cell = ctx.element('td'), link = ctx.element('a', 'geomap-gap-link', row.name);
        if (row.bounds) {
          link.href = viewUrl(map, row.bounds);
          link.addEventListener('click', function (e) {
            if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) { return; }
            e.preventDefault();
            go(ctx, row);
          });
        }
        cell.appendChild(link);
        tr.appendChild(cell);
        tr.appendChild(ctx.element('td', null, row.kecamatan_name));
        tr.appendChild(ctx.element('td', 'geomap-num', row.cases));
        tr.appendChild(ctx.element('td', 'geomap-num', distance(row.nearest_m)));
        tr.appendChild(ctx.element('td', 'geomap-num',
                                   row.score === null ? '–' : row.score.toFixed(3)));
        body.appendChild(tr);
      });
      node.appendChild(tbl);
      // Links follow the layers and filters as they change.
      ctx.refreshLinks = function () {
        Array.prototype.forEach.call(tbl.querySelectorAll('a.geomap-gap-link'), function (a, i) {
          var row = data.ranked[i];
          if (row.bounds) { a.href = viewUrl(map, row.bounds); }
        });
      };
      map.on('moveend overlayadd overlayremove', ctx.refreshLinks);
      return node;
    };
    return control;
  }

  geomap.overlays.register('gap', {
    draw: function (ctx, data) {
      geomap.psks.label(data.categories);
      ctx.paint('desa', function (code) {
        var unit = data.units[code];
        return unit ? {fillColor: unit.color, fillOpacity: 0.8} : null;
      });
      ctx.panel = table(ctx, data).addTo(ctx.map);
    },

    clear: function (ctx) {
      if (ctx.refreshLinks) { ctx.map.off('moveend overlayadd overlayremove', ctx.refreshLinks); }
      if (ctx.panel) { ctx.panel.remove(); }
      ctx.panel = ctx.refreshLinks = null;
    },

    popup: function (ctx, code, properties) {
      var data = ctx.data, unit = data.units[code], t = data.texts;
      var box = ctx.element('div', 'geomap-popup geomap-popup-gap');
      box.appendChild(ctx.element('strong', null, properties.name || code));
      box.appendChild(ctx.element('div', null, unit
        ? t.need + ': ' + t.tertiles[unit.need] + ' · ' + t.coverage + ': ' +
          t.tertiles[unit.coverage]
        : t.unknown));
      return box;
    }
  });
}());
