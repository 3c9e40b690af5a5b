/* Live numbers on the IOC dashboard: poll the statistics API every 30 s and update the [data-stat] elements.
   No library. Charts and tables are server-rendered; reload the page for them. */
(function () {
  "use strict";
  var root = document.getElementById("dash");
  if (!root || !window.fetch) { return; }
  var statsUrl = root.getAttribute("data-stats-url");
  var overdueUrl = root.getAttribute("data-overdue-url");
  var status = document.getElementById("dash-live-status");
  var lang = document.documentElement.lang || "vi";
  var integer = new Intl.NumberFormat(lang);
  var percent = new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  var decimal2 = new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 });

  function pick(data, path) {
    return path.split(".").reduce(function (value, key) {
      return value === null || value === undefined ? undefined : value[key];
    }, data);
  }

  function format(value, kind) {
    if (value === null || value === undefined) { return "—"; }
    if (kind === "pct") { return percent.format(value * 100) + "%"; }
    if (kind === "pct100" || kind === "dec1") { return percent.format(value); }
    if (kind === "dec2") { return decimal2.format(value); }
    if (kind === "text") { return String(value); }
    return integer.format(value);
  }

  function getJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) { throw new Error(String(r.status)); }
      return r.json();
    });
  }

  function refresh() {
    if (document.hidden) { return; }
    var jobs = [getJson(statsUrl).then(function (data) {
      root.querySelectorAll("[data-stat]").forEach(function (element) {
        var text = format(pick(data, element.getAttribute("data-stat")), element.getAttribute("data-format"));
        if (element.textContent.trim() !== text) {
          element.textContent = text;
          element.classList.add("dash-updated");
        }
      });
    })];
    if (overdueUrl) {
      jobs.push(getJson(overdueUrl).then(function (data) {
        root.querySelectorAll("[data-overdue-count]").forEach(function (element) {
          element.textContent = integer.format(data.count);
        });
      }));
    }
    Promise.all(jobs).then(function () {
      if (status) {
        status.textContent = root.getAttribute("data-msg-updated") + " " + new Date().toLocaleTimeString(lang);
      }
    }).catch(function () {
      if (status) { status.textContent = root.getAttribute("data-msg-failed"); }
    });
  }

  window.setInterval(refresh, 30000);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) { refresh(); } });
})();
