// Behaviour every page shares, kept out of the markup so that the Content-Security-Policy can
// forbid inline script: print buttons, and the colour swatches of map legends (a colour set
// through the CSS object model, which the policy allows, not through a style attribute).
(function () {
  "use strict";

  function swatches(root) {
    root.querySelectorAll("[data-swatch]").forEach(function (element) {
      var colour = element.getAttribute("data-swatch");
      if (/^#[0-9a-fA-F]{3,8}$/.test(colour)) { element.style.backgroundColor = colour; }
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-print]") : null;
    if (button) { window.print(); }
  });
  document.addEventListener("DOMContentLoaded", function () { swatches(document); });
  document.addEventListener("htmx:afterSettle", function (event) { swatches(event.target); });
})();
