/*
 * The Coverage overlay (layers/overlays/coverage.py): each desa coloured by its E2SFCA
 * class, the kecamatan without an active TKSK hatched and outlined in red, and each
 * kecamatan's TKSK caseload (cases per TKSK) as a badge at its label point, drawn from
 * the page's own kecamatan outlines. A click on a desa tells its score and its
 * kecamatan's caseload. ctx.hatched and ctx.badges are the layers, for tests.
 */
(function () {
  'use strict';

  function kecamatanFeatures(ctx, ready) {
    var state = ctx.state, layer = state.layers.kecamatan;
    if (!layer) { return; }
    var seq = ctx.seq;
    function go() {
      if (seq === ctx.seq && ctx.data) { ready(layer.getLayers().map(function (p) { return p.feature; })); }
    }
    if (state.loaded.kecamatan) { go(); return; }
    state.map.on('geomap:loaded', function wait(e) {
      if (e.name !== 'kecamatan') { return; }
      state.map.off('geomap:loaded', wait);
      go();
    });
  }

  function caseloadText(t, row) {
    if (!row.tksk) { return t.no_tksk; }
    return row.caseload === null ? row.cases + ' / ' + row.tksk + ' TKSK'
      : Math.round(row.caseload) + ' ' + t.per_tksk;
  }

  geomap.overlays.register('coverage', {
    draw: function (ctx, data) {
      geomap.psks.label(data.categories);
      ctx.paint('desa', function (code) {
        var unit = data.units[code];
        return unit ? {fillColor: data.colors[unit.cls], fillOpacity: 0.75} : null;
      });
      var rows = {};
      data.kecamatan.forEach(function (row) { rows[row.code] = row; });
      ctx.rows = rows;
      kecamatanFeatures(ctx, function (features) {
        var without = {};
        data.without_tksk.forEach(function (code) { without[code] = true; });
        ctx.hatched = L.geoJSON(features.filter(function (f) {
          return without[f.properties.code];
        }), {
          interactive: false,
          style: function () {
            return {color: '#d7301f', weight: 3, dashArray: '6 4', fill: true,
                    fillColor: geomap.psks.hatch(), fillOpacity: 0.6,
                    className: 'geomap-no-tksk'};
          }
        });
        ctx.badges = L.layerGroup();
        features.forEach(function (f) {
          var row = rows[f.properties.code], at = f.properties.label_at;
          if (!row || !at) { return; }
          var text = caseloadText(data.texts, row);
          var badge = ctx.element('span', null, text);
          var marker = L.marker([at[1], at[0]], {
            icon: L.divIcon({className: 'geomap-caseload' + (row.tksk ? '' : ' geomap-caseload-none'),
                             html: badge, iconSize: null}),
            keyboard: false, title: row.name + ': ' + row.cases + ' ' + data.texts.cases +
              ', ' + row.tksk + ' TKSK'});
          marker.kecamatan = row.code;
          ctx.badges.addLayer(marker);
        });
        ctx.group.addLayer(ctx.hatched);
        ctx.group.addLayer(ctx.badges);
        ctx.map.fire('geomap:coverage-drawn');
      });
    },

    clear: function (ctx) { ctx.hatched = ctx.badges = null; },

    popup: function (ctx, code, properties) {
      var data = ctx.data, unit = data.units[code], t = data.texts;
      if (!unit) { return null; }
      var box = ctx.element('div', 'geomap-popup geomap-popup-coverage');
      box.appendChild(ctx.element('strong', null, properties.name || code));
      var table = ctx.element('table');
      function row(label, value) {
        var tr = ctx.element('tr');
        tr.appendChild(ctx.element('th', null, label));
        tr.appendChild(ctx.element('td', null, value));
        table.appendChild(tr);
      }
      // A planner without population data gets the class only (its rank), no score.
      row(t.score, unit.value === undefined ? data.legend.entries[unit.cls].label
                                            : unit.value.toFixed(3));
      var kec = ctx.rows[code.slice(0, 8)];
      if (kec) {
        row(t.kecamatan, kec.name);
        row(t.kecamatan_cases, kec.cases);
        row('TKSK', String(kec.tksk));
        row(t.caseload, caseloadText(t, kec));
      }
      box.appendChild(table);
      return box;
    }
  });
}());
