// Results map: Leaflet (served by Maillage), tiles only when a tile server is configured.
// Without tiles (closed networks, tests) the markers stand on a plain background.
(function () {
  "use strict";
  var current = null;

  function draw() {
    var element = document.getElementById("results-map");
    var data = document.getElementById("results-map-data");
    if (current) { current.remove(); current = null; }
    if (!element || !data || typeof L === "undefined") { return; }
    var config = JSON.parse(data.textContent);
    var map = L.map(element, { scrollWheelZoom: false });
    current = map;
    if (config.tiles) {
      L.tileLayer(config.tiles, { attribution: config.attribution, maxZoom: 18 }).addTo(map);
    } else {
      element.classList.add("map-offline");
      var note = document.createElement("p");
      note.className = "map-offline-note";
      note.textContent = element.dataset.offlineLabel;
      element.parentNode.insertBefore(note, element.nextSibling);
    }
    var bounds = [];
    config.markers.forEach(function (marker) {
      var point = [marker.lat, marker.lon];
      bounds.push(point);
      var link = document.createElement("a");
      link.href = marker.url;
      link.textContent = marker.name;
      L.circleMarker(point, { radius: 8, color: "#1d4e89", weight: 2, fillOpacity: 0.7 })
        .bindPopup(link)
        .bindTooltip(marker.name)
        .addTo(map);
    });
    if (config.center) {
      L.circleMarker(config.center, { radius: 5, color: "#a4161a", fillOpacity: 1 })
        .bindTooltip(config.center_label).addTo(map);
      bounds.push(config.center);
    }
    if (bounds.length) { map.fitBounds(bounds, { padding: [24, 24], maxZoom: 13 }); }
  }

  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", draw);
})();
