/* A survey's questions: show-if rules live (the same rules as surveys/rules.py),
   drafts saved as the interviewer types, one submission however often it is tapped.
   Without this script every question is shown and the form still posts. */
(function () {
  "use strict";

  // --- Show-if: evaluate(rule, answers) as surveys/rules.py does ---------------------
  function asText(value) {
    return value === null || value === undefined ? "" : String(value);
  }
  function isEmpty(value) {
    return value === null || value === undefined || value === "" ||
      (Array.isArray(value) && value.length === 0);
  }
  function evaluate(rule, answers) {
    if (!rule || Object.keys(rule).length === 0) return true;
    if (rule.op !== undefined) {
      var parts = rule.rules || [];
      if (rule.op === "and") {
        return parts.every(function (part) { return evaluate(part, answers); });
      }
      return parts.some(function (part) { return evaluate(part, answers); });
    }
    var answer = answers[rule.question];
    var value = rule.value;
    // A list (multiple choice) or rows (grid) never equals one code, as on the server.
    var plain = !Array.isArray(answer) && (answer === null || typeof answer !== "object");
    switch (rule.is) {
      case "equals":
        return plain && !isEmpty(answer) && asText(answer) === asText(value);
      case "one_of":
        return plain && (value || []).map(asText).indexOf(asText(answer)) !== -1;
      case "selected": {
        if (!Array.isArray(answer) && !plain) return false;
        var chosen = Array.isArray(answer) ? answer : [answer];
        return chosen.map(asText).indexOf(asText(value)) !== -1;
      }
    }
    return false;
  }

  function parseRule(el) {
    try {
      return JSON.parse(el.getAttribute("data-show-if") || "{}");
    } catch (e) {
      return {};
    }
  }

  function answerOf(el) {
    var name = el.getAttribute("data-question");
    var kind = el.getAttribute("data-kind");
    var inputs = el.querySelectorAll("input, textarea, select");
    if (kind === "multiple") {
      return Array.prototype.filter.call(inputs, function (i) {
        return i.name === "q-" + name && i.checked;
      }).map(function (i) { return i.value; });
    }
    if (kind === "single" || kind === "rating") {
      var checked = Array.prototype.filter.call(inputs, function (i) {
        return i.name === "q-" + name && i.checked;
      });
      return checked.length ? checked[0].value : null;
    }
    if (kind === "grid") {
      var rows = {};
      Array.prototype.forEach.call(inputs, function (i) {
        if (i.checked) rows[i.name.slice(("q-" + name + "-").length)] = i.value;
      });
      return Object.keys(rows).length ? rows : null;
    }
    var field = el.querySelector("[name='q-" + name + "']");
    return field && field.value.trim() !== "" ? field.value.trim() : null;
  }

  function setShown(el, shown) {
    el.hidden = !shown;
    // Hidden answers are not posted: the server refuses them.
    el.querySelectorAll("input, textarea, select").forEach(function (input) {
      input.disabled = !shown;
    });
  }

  function applyRules(root) {
    var seen = {};
    var sectionShown = true;
    root.querySelectorAll("[data-show-if]").forEach(function (el) {
      if (el.getAttribute("data-kind") === "section") {
        sectionShown = evaluate(parseRule(el), seen);
        el.hidden = !sectionShown;
        return;
      }
      // A question outside every section follows no section heading.
      var inSection = el.closest("fieldset[data-kind='section']") !== null;
      var shown = (!inSection || sectionShown) && evaluate(parseRule(el), seen);
      setShown(el, shown);
      if (shown) {
        var answer = answerOf(el);
        if (!isEmpty(answer)) seen[el.getAttribute("data-question")] = answer;
      }
    });
  }

  document.querySelectorAll("[data-survey-questions]").forEach(function (root) {
    applyRules(root);
    root.addEventListener("change", function () { applyRules(root); });
    root.addEventListener("input", function () { applyRules(root); });
  });

  // --- Drafts saved as they type, and one submission ----------------------------------
  var form = document.getElementById("interview-form");
  if (!form) return;
  var status = document.getElementById("autosave-status");
  var DELAY = 2000;
  var timer = null;
  var saving = false;
  var dirty = false;
  var submitting = false;
  var pendingSubmitter = null;

  function say(text) {
    if (status) status.textContent = text || "";
  }

  function payload() {
    var data = new FormData(form);
    data.set("action", "draft");
    return data;
  }

  function save() {
    timer = null;
    if (!dirty || saving || submitting) return;
    saving = true;
    dirty = false;
    say(form.dataset.saving);
    // form.action would be the buttons named "action": read the attribute.
    fetch(form.getAttribute("action"), {
      method: "POST",
      body: payload(),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    })
      .then(function (response) {
        return response.json().then(function (body) {
          return { ok: response.ok, body: body };
        });
      })
      .then(function (result) {
        // "Saved at 10:42", or why not (an answer to correct, the survey closed).
        say(result.body.message);
      })
      .catch(function () {
        dirty = true;
        say(form.dataset.offline);
      })
      .finally(function () {
        saving = false;
        if (pendingSubmitter) {
          var submitter = pendingSubmitter;
          pendingSubmitter = null;
          form.requestSubmit(submitter);
        } else if (dirty && !timer) {
          timer = window.setTimeout(save, DELAY);
        }
      });
  }

  function changed(event) {
    if (submitting || !event.target.name || event.target.name === "started") return;
    dirty = true;
    if (timer) window.clearTimeout(timer);
    timer = window.setTimeout(save, DELAY);
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);

  form.addEventListener("submit", function (event) {
    if (submitting) {
      event.preventDefault();
      return;
    }
    if (saving) {
      // Wait for the draft in flight, so the two never race on the server.
      event.preventDefault();
      pendingSubmitter = event.submitter || null;
      return;
    }
    submitting = true;
    if (timer) window.clearTimeout(timer);
    var submitter = event.submitter;
    if (submitter && submitter.name) {
      // A disabled button is not posted: its value goes in a hidden field.
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = submitter.name;
      hidden.value = submitter.value;
      form.appendChild(hidden);
    }
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        button.disabled = true;
      });
    }, 0);
  });
})();
