// Results map: Leaflet (served by Maillage); its background comes from map-tiles.js (tiles, or
// a plain background when no tile server is configured or reachable).
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
    window.MaillageMap.background(map, element, config);
    var bounds = [];
    config.markers.forEach(function (marker) {
      var point = [marker.lat, marker.lon];
      bounds.push(point);
      var link = document.createElement("a");
      link.href = marker.url;
      link.textContent = marker.name;
      // Leaflet inserts a string as HTML: names come from external feeds, so they go in as
      // text nodes, never as strings.
      L.circleMarker(point, { radius: 8, color: "#1d4e89", weight: 2, fillOpacity: 0.7 })
        .bindPopup(link)
        .bindTooltip(window.MaillageMap.text(marker.name))
        .addTo(map);
    });
    if (config.center) {
      L.circleMarker(config.center, { radius: 5, color: "#a4161a", fillOpacity: 1 })
        .bindTooltip(window.MaillageMap.text(config.center_label)).addTo(map);
      bounds.push(config.center);
    }
    if (bounds.length) { map.fitBounds(bounds, { padding: [24, 24], maxZoom: 13 }); }
  }

  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:afterSettle", draw);
})();
