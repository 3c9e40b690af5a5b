/* Progressive enhancement for the template editor's formsets: add a row from the <template>, remove (ticks the
   DELETE box and fades the row), move up/down (renumbers the ORDER inputs). Without JavaScript the same actions work
   through the "add a row" submit button, the DELETE checkbox and the order numbers. */
(function () {
  "use strict";

  function rows(container) {
    return Array.prototype.slice.call(container.querySelectorAll(":scope > [data-editor-row]"));
  }

  function renumber(container) {
    rows(container).forEach(function (row, index) {
      var order = row.querySelector("input[name$='-ORDER']");
      if (order) { order.value = index + 1; }
      var number = row.querySelector("[data-row-number]");
      if (number) { number.textContent = index + 1; }
    });
  }

  function addTools(row, container) {
    var tools = row.querySelector("[data-row-tools]");
    if (!tools || tools.dataset.enhanced) { return; }
    tools.dataset.enhanced = "1";
    [["↑", "up", tools.dataset.up], ["↓", "down", tools.dataset.down], ["✕", "remove", tools.dataset.remove]].forEach(function (spec) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = spec[1] === "remove" ? "button button--danger-outline" : "button button--secondary";
      button.textContent = spec[0];
      button.setAttribute("aria-label", spec[2] || spec[1]);
      button.addEventListener("click", function () {
        if (spec[1] === "up" && row.previousElementSibling && row.previousElementSibling.hasAttribute("data-editor-row")) {
          container.insertBefore(row, row.previousElementSibling);
        } else if (spec[1] === "down" && row.nextElementSibling && row.nextElementSibling.hasAttribute("data-editor-row")) {
          container.insertBefore(row.nextElementSibling, row);
        } else if (spec[1] === "remove") {
          var del = row.querySelector("input[name$='-DELETE']");
          if (del) {
            del.checked = !del.checked;
            row.classList.toggle("editor-row--deleted", del.checked);
            return;
          }
        }
        renumber(container);
        button.focus();
      });
      tools.appendChild(button);
    });
  }

  function setUp(formset) {
    var prefix = formset.dataset.prefix;
    var container = formset.querySelector("[data-editor-rows]");
    var template = formset.querySelector("template[data-empty-row]");
    var total = document.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
    rows(container).forEach(function (row) { addTools(row, container); });
    var add = formset.querySelector("[data-add-row]");
    if (add && template && total) {
      add.addEventListener("click", function (event) {
        event.preventDefault();
        var index = parseInt(total.value, 10);
        var html = template.innerHTML.replace(/__prefix__/g, index);
        var holder = document.createElement("div");
        holder.innerHTML = html.trim();
        var row = holder.firstElementChild;
        container.appendChild(row);
        total.value = index + 1;
        addTools(row, container);
        renumber(container);
        var first = row.querySelector("input:not([type=hidden]), select, textarea");
        if (first) { first.focus(); }
      });
    }
  }

  document.querySelectorAll("[data-editor-formset]").forEach(setUp);
})();
