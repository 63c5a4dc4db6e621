// Commune maps of the observatory: one circle per commune, its area in proportion to a count
// (the population, people reached), its colour the class of a value (an index, a rate).
// Each map is a [data-commune-map] element naming the JSON script that holds its figures.
// Leaflet is served by Maillage; the background comes from map-tiles.js (tiles, or a plain
// background when no tile server is configured or reachable). A table on the page gives the same figures.
(function () {
  "use strict";

  function draw(element) {
    var data = document.getElementById(element.getAttribute("data-commune-map"));
    if (!data || typeof L === "undefined") { return; }
    var config = JSON.parse(data.textContent);
    var map = L.map(element, { scrollWheelZoom: false });
    window.MaillageMap.background(map, element, config);
    var largest = 1;
    config.communes.forEach(function (c) { largest = Math.max(largest, c.population); });
    var bounds = [];
    config.communes.forEach(function (c) {
      var point = [c.lat, c.lon];
      bounds.push(point);
      var cls = config.classes.find(function (k) { return c.index < k.upper; }) ||
        config.classes[config.classes.length - 1];
      L.circleMarker(point, {
        radius: 3 + 14 * Math.sqrt(c.population / largest),
        color: "#1f2430", weight: 1, fillColor: cls.color, fillOpacity: 0.85
      }).bindTooltip(window.MaillageMap.text(c.name + " : " + c.label)).addTo(map);
    });
    if (bounds.length) { map.fitBounds(bounds, { padding: [16, 16] }); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-commune-map]").forEach(draw);
  });
})();
