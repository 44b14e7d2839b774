/*
 * The PMKS choropleth (layers/overlays/choropleth.py): colours the page's own desa
 * tiles or kecamatan outlines by class, and answers a click with the unit's counts per
 * category. data.units[code] = [class, label, value]; class -1 is a count hidden by the
 * privacy rule (a planner sees "<5" or "*"), drawn in the legend's last (grey) colour.
 */
(function () {
  'use strict';

  var HIDDEN = '#bdbdbd';

  // Count or rate per 1,000 residents (the default: rate when population is loaded).
  geomap.overlays.addFilter('measure', {
    label: function (texts) { return texts['overlay.measure']; },
    control: function (value, texts) {
      var input = document.createElement('select');
      input.name = 'measure';
      [['', 'overlay.measure.auto'], ['count', 'overlay.total'], ['rate', 'overlay.rate']]
        .forEach(function (choice) {
          var option = document.createElement('option');
          option.value = choice[0];
          option.textContent = texts[choice[1]];
          option.selected = choice[0] === value;
          input.appendChild(option);
        });
      return input;
    }
  });

  geomap.overlays.register('choropleth', {
    draw: function (ctx, data) {
      var colours = data.legend.entries.map(function (entry) { return entry.color; });
      ctx.paint(data.level, function (code) {
        var unit = data.units[code];
        if (!unit) { return null; }
        var colour = unit[0] >= 0 ? colours[unit[0]] : HIDDEN;
        return {fillColor: colour, fillOpacity: 0.75};
      });
    },

    popup: function (ctx, code, properties) {
      var data = ctx.data, unit = data.units[code];
      if (!unit) { return null; }
      var box = ctx.element('div', 'geomap-popup geomap-popup-choropleth');
      box.appendChild(ctx.element('strong', null, properties.name || code));
      if (properties.kecamatan) {
        box.appendChild(ctx.element('div', 'geomap-popup-sub', properties.kecamatan));
      }
      var table = ctx.element('table');
      function row(label, value, className) {
        var tr = ctx.element('tr', className);
        tr.appendChild(ctx.element('th', null, label));
        tr.appendChild(ctx.element('td', null, value));
        table.appendChild(tr);
      }
      row(ctx.texts['overlay.total'], unit[1], 'geomap-popup-total');
      if (data.measure === 'rate' && unit[2] !== null) {
        row(ctx.texts['overlay.rate'], unit[2].toFixed(2), 'geomap-popup-rate');
      }
      (data.categories[code] || []).forEach(function (pair) {
        row(pair[0] + ' · ' + (data.category_names[pair[0]] || ''), pair[1],
            'geomap-popup-category');
      });
      box.appendChild(table);
      box.appendChild(ctx.element('div', 'geomap-popup-period', data.period));
      return box;
    }
  });
}());
