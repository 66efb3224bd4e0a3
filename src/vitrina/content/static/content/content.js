// Rubric colours come as data attributes (no inline styles under the CSP).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-colour]").forEach(function (element) {
      element.style.setProperty("--rubric-colour", element.getAttribute("data-colour"));
    });
  });
})();
