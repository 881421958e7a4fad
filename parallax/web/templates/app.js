// Parallax pages work without this script; it only adds conveniences.
"use strict";
(function () {
  function clusters() { return Array.prototype.slice.call(document.querySelectorAll("details.cluster")); }
  function setAll(open) { clusters().forEach(function (d) { d.open = open; }); }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-toggle-clusters]");
    if (!button) { return; }
    var open = !clusters().every(function (d) { return d.open; });
    setAll(open);
    button.textContent = open ? "Collapse all quotes" : "Expand all quotes";
  });
  // Printing shows every quote cluster, folded or not.
  window.addEventListener("beforeprint", function () { setAll(true); });
})();
