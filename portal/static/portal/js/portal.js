/* Một Cửa: progressive enhancement only. Every page works without this file. */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.remove("no-js");
  root.classList.add("js");

  setUpFilingForm();

  // Small screens: collapse the main navigation behind a "Danh mục" button (it stays open without JavaScript).
  var toggle = document.querySelector(".nav-toggle");
  var nav = document.getElementById("site-nav");
  if (!toggle || !nav) return;

  function setOpen(open) {
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    nav.setAttribute("data-collapsed", open ? "false" : "true");
  }

  toggle.hidden = false;
  setOpen(false);
  toggle.addEventListener("click", function () {
    setOpen(toggle.getAttribute("aria-expanded") !== "true");
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      toggle.focus();
    }
  });

  // Filing form: show a field only while its `visible_if` condition holds (the server ignores hidden answers
  // anyway), and refresh the commune list when the province changes instead of asking for a round trip.
  function setUpFilingForm() {
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();  // after a failed save, start at the list of what to fix
    var form = document.querySelector(".filing-form");
    if (!form) return;

    function valueOf(name) {
      var control = form.elements.namedItem(name);
      if (!control) return undefined;
      if (control instanceof RadioNodeList) {
        var values = [];
        for (var i = 0; i < control.length; i++) {
          if (control[i].checked) values.push(control[i].value);
        }
        return control[0] && control[0].type === "radio" ? values[0] : values;
      }
      if (control.type === "checkbox") return control.checked;
      return control.value;
    }

    function holds(element) {
      var name = element.getAttribute("data-visible-if");
      var expected = JSON.parse(element.getAttribute("data-equals"));
      var owner = form.querySelector('[data-visible-if] [name="' + CSS.escape(name) + '"]');
      var ownerBox = owner && owner.closest("[data-visible-if]");
      if (ownerBox && ownerBox.hidden) return false;  // a field hidden by its own condition hides its dependants
      var actual = valueOf(name);
      if (Array.isArray(actual)) return actual.indexOf(String(expected)) !== -1;
      if (typeof expected === "boolean") return actual === expected;
      return String(actual) === String(expected);
    }

    function refresh() {
      // In document order, so a condition sees the already-updated state of the field it depends on.
      form.querySelectorAll("[data-visible-if]").forEach(function (element) {
        element.hidden = !holds(element);
      });
    }

    form.querySelectorAll("[data-js-hide]").forEach(function (element) { element.hidden = true; });
    form.querySelectorAll(".form-field__condition").forEach(function (element) { element.hidden = true; });
    form.addEventListener("change", refresh);
    refresh();

    form.querySelectorAll("select[data-province-for]").forEach(function (province) {
      province.addEventListener("change", function () {
        var commune = document.getElementById(province.getAttribute("data-province-for"));
        if (!commune) return;
        var placeholder = commune.getAttribute("data-placeholder") || "";
        commune.length = 0;
        commune.add(new Option(placeholder, ""));
        if (!province.value) return;
        fetch("/api/v1/units/?province=" + encodeURIComponent(province.value), { credentials: "same-origin" })
          .then(function (response) { return response.ok ? response.json() : []; })
          .then(function (rows) {
            rows.forEach(function (row) { commune.add(new Option(row.name, row.code)); });
          })
          .catch(function () { /* the "refresh" button still works without this */ });
      });
    });
  }
})();
