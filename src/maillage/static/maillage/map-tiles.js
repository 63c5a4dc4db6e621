// The background of Maillage's maps. With a tile server configured (MAILLAGE_MAP_TILES_URL),
// its tiles; without one (closed networks, tests), or when the server cannot be reached (its
// first tiles all fail), a plain background with a note saying so, so that the markers —
// drawn by the page — stay readable either way.
(function () {
  "use strict";

  function offline(element) {
    if (element.classList.contains("map-offline")) { return; }
    element.classList.add("map-offline");
    var label = element.dataset.offlineLabel;
    if (!label) { return; }
    var note = document.createElement("p");
    note.className = "map-offline-note";
    note.textContent = label;
    element.parentNode.insertBefore(note, element.nextSibling);
  }

  window.MaillageMap = {
    // What a tooltip or popup shows, as a text node inside a span: Leaflet inserts a string
    // as HTML, so no data ever reaches it as a string.
    text: function (value) {
      var span = document.createElement("span");
      span.textContent = value == null ? "" : String(value);
      return span;
    },
    background: function (map, element, config) {
      if (!config.tiles) { offline(element); return; }
      var layer = L.tileLayer(config.tiles, { attribution: config.attribution, maxZoom: 18 });
      var loaded = 0, failed = 0;
      layer.on("tileload", function () { loaded += 1; });
      layer.on("tileerror", function () {
        failed += 1;
        if (loaded === 0 && failed >= 3) {  // the server does not answer: no grey squares
          map.removeLayer(layer);
          offline(element);
        }
      });
      layer.addTo(map);
    }
  };
})();
