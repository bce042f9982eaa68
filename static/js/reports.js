/* Report form: add opinion streams without reloading, and save the draft as you type. */
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) return;

  // --- Add an opinion stream from the empty-form template --------------------------
  var total = form.querySelector("input[name='streams-TOTAL_FORMS']");
  var template = document.getElementById("stream-template");
  var container = document.getElementById("streams");
  function renumber() {
    container.querySelectorAll("[data-stream]").forEach(function (el, i) {
      var number = el.querySelector(".stream-number");
      if (number) number.textContent = String(i + 1);
    });
  }
  document.getElementById("add-stream").addEventListener("click", function () {
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var fieldset = holder.firstElementChild;
    container.appendChild(fieldset);
    total.value = String(index + 1);
    renumber();
    var first = fieldset.querySelector("textarea, select, input");
    if (first) first.focus();
    dirty = true;
  });
  renumber();

  // --- Autosave: every few seconds while something changed, and on leaving a field --
  var status = document.getElementById("autosave-status");
  var reportInput = document.getElementById("id_report");
  var url = form.dataset.autosaveUrl;
  var dirty = false;
  var saving = false;
  var submitting = false;
  var pendingSubmitter = null;
  var INTERVAL = 4000;

  // The draft's version on the server: a post (or the outbox sending it later)
  // names it, so a change made on the server meanwhile is not overwritten.
  function setVersion(version) {
    if (version === undefined || version === null) return;
    var input = form.querySelector("input[name='base_version']");
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = "base_version";
      input.id = "id_base_version";
      reportInput.after(input);
    }
    input.value = String(version);
  }

  function save() {
    if (!dirty || saving || submitting) return;
    saving = true;
    dirty = false;
    var data = new FormData(form);
    data.delete("attachments");
    data.delete("action");
    fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "XMLHttpRequest" },
    })
      .then(function (response) {
        return response.json().then(function (body) {
          return { ok: response.ok, body: body };
        });
      })
      .then(function (result) {
        if (result.ok && result.body.saved) {
          setVersion(result.body.version);
          if (!reportInput.value) {
            reportInput.value = result.body.id;
            form.action = result.body.edit_url;
            window.history.replaceState(null, "", result.body.edit_url);
          }
          status.textContent = result.body.message;
        } else if (!result.ok) {
          dirty = true;
          status.textContent = status.dataset.failed || "";
        }
      })
      .catch(function () {
        // Offline: keep the changes marked, the next tick tries again.
        dirty = true;
        status.textContent = form.dataset.offline || "";
      })
      .finally(function () {
        saving = false;
        if (pendingSubmitter) {
          // A submit waited for this save so the two never race on the server.
          var submitter = pendingSubmitter;
          pendingSubmitter = null;
          form.requestSubmit(submitter);
        }
      });
  }

  form.addEventListener("input", function (event) {
    if (event.target.type !== "file") dirty = true;
  });
  form.addEventListener("change", function (event) {
    if (event.target.type === "file") return;
    dirty = true;
    save();
  });
  form.addEventListener("submit", function (event) {
    if (saving) {
      event.preventDefault();
      pendingSubmitter = event.submitter || null;
      return;
    }
    submitting = true;
    dirty = false;
  });
  window.setInterval(save, INTERVAL);
  window.addEventListener("beforeunload", function () {
    if (dirty && !submitting && navigator.sendBeacon) {
      var data = new FormData(form);
      data.delete("attachments");
      data.delete("action");
      navigator.sendBeacon(url, data);
    }
  });
})();
