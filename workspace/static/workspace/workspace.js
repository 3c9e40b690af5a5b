// Officer workspace enhancements; every page works without this file.
(function () {
  "use strict";
  document.querySelectorAll("[data-bulk]").forEach(function (form) {
    var all = form.querySelector("[data-select-all]");
    var boxes = form.querySelectorAll('input[name="dossier"]');
    var counter = form.querySelector("[data-selected-count]");
    function update() {
      var n = 0;
      boxes.forEach(function (b) { if (b.checked) { n += 1; } });
      if (counter) { counter.textContent = n ? "(" + n + ")" : ""; }
      if (all) { all.checked = n > 0 && n === boxes.length; all.indeterminate = n > 0 && n < boxes.length; }
    }
    if (all) {
      all.hidden = false;
      all.addEventListener("change", function () {
        boxes.forEach(function (b) { b.checked = all.checked; });
        update();
      });
    }
    boxes.forEach(function (b) { b.addEventListener("change", update); });
    update();
  });
})();
