/* Một Cửa: progressive enhancement only. Every page works without this file. */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.remove("no-js");
  root.classList.add("js");

  setUpFilingForm();
  setUpInlineChecks();
  setUpAutosave();
  setUpUploads();

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

  function csrfToken(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // Inline checks: the same rules and the same messages as the server (procedures.formschema), run when a field
  // loses focus. The server still validates everything; this only tells the person sooner.
  function setUpInlineChecks() {
    var form = document.querySelector(".filing-form");
    if (!form) return;

    function problem(control) {
      var checks = JSON.parse(control.getAttribute("data-checks"));
      var value = (control.value || "").trim();
      if (!value) return checks.required || "";
      if (checks.pattern && !new RegExp("^(?:" + checks.pattern[0] + ")$").test(value)) return checks.pattern[1];
      if (checks.digits && !/^\d{12}$/.test(value)) return checks.digits[1];
      if (checks.min || checks.max) {
        var number = Number(value.replace(",", "."));
        if (!isNaN(number)) {
          if (checks.min && number < checks.min[0]) return checks.min[1];
          if (checks.max && number > checks.max[0]) return checks.max[1];
        }
      }
      return "";
    }

    function show(control, message) {
      var box = control.closest(".form-field");
      var label = box && box.querySelector("label.form-field__label");
      if (!label) return;
      var slot = label.querySelector(".form-field__error");
      if (!slot && message) {
        slot = document.createElement("span");
        slot.className = "form-field__error";
        label.appendChild(document.createTextNode(" "));
        label.appendChild(slot);
      }
      if (slot) slot.textContent = message;
      box.classList.toggle("form-field--error", !!message);
      if (message) control.setAttribute("aria-invalid", "true");
      else control.removeAttribute("aria-invalid");
    }

    form.querySelectorAll("[data-checks]").forEach(function (control) {
      control.addEventListener("blur", function () {
        var box = control.closest("[data-visible-if]");
        if (box && box.hidden) return;
        show(control, problem(control));
      });
    });
  }

  // Drafts save themselves: a few seconds after a change (or when a field loses focus) the form is posted in the
  // background with `_autosave`; the server keeps what is valid and answers with the draft's id and version.
  // A new filing becomes a draft at the first save, and the page's address moves to that draft's edit page.
  function setUpAutosave() {
    var form = document.querySelector("form[data-autosave]");
    if (!form || !window.fetch || !window.FormData) return;
    var status = form.querySelector(".autosave-status");
    var dirty = false, busy = false, stopped = false, pendingSubmit = null;

    function say(text) { if (status) status.textContent = text; }
    function state(value) { form.setAttribute("data-autosave-state", value); }

    function save() {
      if (!dirty || busy || stopped) return;
      dirty = false;
      busy = true;
      state("saving");
      say(status.getAttribute("data-saving"));
      var body = new FormData(form);
      body.append("_autosave", "1");
      fetch(form.getAttribute("action") || window.location.pathname, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch", "X-CSRFToken": csrfToken(form) }
      })
        .then(function (response) {
          return response.json().then(function (json) { return { ok: response.ok, json: json }; });
        })
        .then(function (result) {
          if (!result.ok) throw new Error(result.json.detail || "save failed");
          var draft = result.json;
          var version = form.querySelector("input[name=version]");
          if (!version) {
            version = document.createElement("input");
            version.type = "hidden";
            version.name = "version";
            form.appendChild(version);
            form.setAttribute("action", draft.edit_url);
            if (window.history && history.replaceState) history.replaceState(null, "", draft.edit_url);
          }
          version.value = draft.version;
          form.setAttribute("data-dossier", draft.id);
          var time = new Date(draft.saved_at).toLocaleTimeString(document.documentElement.lang, {
            hour: "2-digit", minute: "2-digit", timeZone: "Asia/Ho_Chi_Minh"
          });
          var text = status.getAttribute("data-saved") + " " + time;
          if (draft.skipped.length) text += " (" + draft.skipped.length + " " + status.getAttribute("data-skipped") + ")";
          say(text);
          state(dirty ? "dirty" : "saved");
        })
        .catch(function () {
          dirty = true;
          state("failed");
          say(status.getAttribute("data-failed"));
        })
        .then(function () {
          busy = false;
          if (pendingSubmit) {
            // The person pressed a button while a background save was running: send the form now, with the
            // version that save returned (sending it earlier would be refused as stale).
            var submitter = pendingSubmit;
            pendingSubmit = null;
            if (form.requestSubmit) form.requestSubmit(submitter.tagName ? submitter : undefined);
            else form.submit();
          }
        });
    }

    function changed() { dirty = true; state("dirty"); }
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    form.addEventListener("focusout", function () { window.setTimeout(save, 0); });
    form.addEventListener("submit", function (event) {
      if (busy) {
        event.preventDefault();
        pendingSubmit = event.submitter || true;
        return;
      }
      stopped = true;
    });
    window.setInterval(save, 4000);
  }

  // Uploads with a progress bar (XMLHttpRequest reports upload progress; fetch does not). Without JavaScript the
  // same form posts to the page and the server answers with the page again.
  function setUpUploads() {
    if (!window.FormData || !window.XMLHttpRequest) return;
    document.querySelectorAll("form[data-upload-url]").forEach(function (form) {
      var input = form.querySelector("input[type=file]");
      var box = form.querySelector(".upload__progress");
      var bar = box && box.querySelector("progress");
      var status = box && box.querySelector(".upload__status");
      form.addEventListener("submit", function (event) {
        if (!input || !input.files.length || !box) return;
        event.preventDefault();
        var file = input.files[0];
        var limit = Number(form.getAttribute("data-max-bytes") || 0);
        box.hidden = false;
        box.classList.remove("upload__progress--failed");
        if (limit && file.size > limit) {
          bar.value = 0;
          status.textContent = form.querySelector(".form-field__hint").textContent;
          return;
        }
        var body = new FormData();
        body.append("requirement", form.querySelector("input[name=requirement]").value);
        body.append("file", file);
        var request = new XMLHttpRequest();
        request.open("POST", form.getAttribute("data-upload-url"));
        request.setRequestHeader("X-CSRFToken", csrfToken(form));
        request.setRequestHeader("Accept", "application/json");
        request.upload.addEventListener("progress", function (e) {
          if (e.lengthComputable) {
            bar.value = Math.round((e.loaded / e.total) * 100);
            status.textContent = bar.value + "%";
          }
        });
        request.addEventListener("load", function () {
          if (request.status === 201) {
            bar.value = 100;
            window.location.reload();
            return;
          }
          // A refused file was sent in full, but it is not uploaded: no full bar beside the error.
          bar.value = 0;
          box.classList.add("upload__progress--failed");
          var message = "";
          try {
            var json = JSON.parse(request.responseText);
            message = json.detail || [].concat(json.file || json.requirement || []).join(" ");
          } catch (err) { /* not JSON */ }
          status.textContent = message || String(request.status);
        });
        request.addEventListener("error", function () { form.submit(); });
        request.send(body);
      });
    });
  }
})();
