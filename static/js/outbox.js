/* The phone's side of the outbox on every page (issue 22): registers the service
   worker, prepares the forms it carries (client ids, the interview's start),
   shows what waits (the counter, the reminder, the /outbox/ page), sends it
   when the board can be reached, warns before signing out and clears the phone
   when its person signs out or another signs in. The items live in IndexedDB
   (outbox-store.js); the worker (sw.js) keeps the posts the network refused. */
(function () {
  "use strict";
  var store = window.dluanOutbox;
  var script = document.currentScript;
  var strings = JSON.parse(script.getAttribute("data-strings") || "{}");
  var meta = document.querySelector("meta[name='dluan-user']");
  var user = meta ? meta.content : "";
  var canStore = Boolean(window.indexedDB && window.idb && store);
  var DAY_MS = 24 * 3600 * 1000;
  // When the signal comes back to a whole commune at once, each phone waits a
  // random moment (up to this many seconds) before sending, so the board's server
  // meets the phones one after another rather than all in the same second
  // (bench/outbox_load.py's BENCH_OUTBOX_SPREAD). "Gửi ngay" sends at once.
  var ONLINE_SPREAD_SECONDS = 30;
  var PENDING = ["waiting", "sending", "refused", "conflict"];
  var timer = null;

  function format(text, values) {
    return String(text).replace(/%\((\w+)\)s/g, function (match, key) {
      return values[key] === undefined ? match : values[key];
    });
  }

  function two(n) { return (n < 10 ? "0" : "") + n; }

  function when(ms) {
    var d = new Date(ms);
    return two(d.getDate()) + "/" + two(d.getMonth() + 1) + "/" + d.getFullYear() +
      " " + two(d.getHours()) + ":" + two(d.getMinutes());
  }

  function make(tag, className, text) {
    var element = document.createElement(tag);
    if (className) element.className = className;
    if (text !== undefined && text !== null) element.textContent = text;
    return element;
  }

  // --- The forms the outbox carries ----------------------------------------------------

  function prepareForms() {
    document.querySelectorAll("form[data-outbox]").forEach(function (form) {
      var id = form.querySelector("input[name='client_id']");
      if (id && !id.value) id.value = store ? store.newId() : "";
      var started = form.querySelector("input[name='started_client']");
      if (started && !started.value) started.value = new Date().toISOString();
      if (!user || !canStore) return;
      // The worker, keeping a post, names it with this.
      var action = new URL(form.getAttribute("action") || location.href, location.href);
      store.setMeta("form:" + action.pathname, {
        kind: form.getAttribute("data-outbox"),
        label: form.getAttribute("data-outbox-label") || "",
        at: Date.now(),
      }).catch(function () {});
    });
  }

  // A page the phone kept has its CSRF tokens blanked: fill them when online.
  function fillTokens() {
    var blanks = Array.prototype.filter.call(
      document.querySelectorAll("input[name='csrfmiddlewaretoken']"),
      function (input) { return !input.value; }
    );
    var headers = document.body.getAttribute("data-hx-headers") || "";
    var blankHeader = /"X-CSRFToken"\s*:\s*""/.test(headers);
    if (!user || (!blanks.length && !blankHeader)) return;
    fetch(strings.stateUrl || "/offline/state/", { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (!state || !state.csrf) return;
        blanks.forEach(function (input) { input.value = state.csrf; });
        if (blankHeader) {
          document.body.setAttribute("data-hx-headers", JSON.stringify({ "X-CSRFToken": state.csrf }));
        }
      })
      .catch(function () {});
  }

  // An item refused by the board, opened again in its form to be corrected.
  function fillForm(form, fields) {
    var total = fields.filter(function (field) { return /-TOTAL_FORMS$/.test(field[0]); })[0];
    var add = document.getElementById("add-stream");
    if (total && add) {
      var input = form.querySelector("input[name='" + total[0] + "']");
      var guard = 50;
      while (input && parseInt(input.value, 10) < parseInt(total[1], 10) && guard--) add.click();
    }
    form.querySelectorAll("input[type=checkbox], input[type=radio]").forEach(function (box) {
      box.checked = false;
    });
    var files = {};
    fields.forEach(function (field) {
      var name = field[0];
      var value = field[1];
      if (name === "csrfmiddlewaretoken" || name === "action") return;
      if (field.length > 2) {
        (files[name] = files[name] || []).push(new File([value], field[2], { type: value.type }));
        return;
      }
      form.querySelectorAll("[name='" + name.replace(/'/g, "\\'") + "']").forEach(function (element) {
        if (element.type === "checkbox" || element.type === "radio") {
          if (element.value === value) element.checked = true;
        } else if (element.tagName === "SELECT" && element.multiple) {
          Array.prototype.forEach.call(element.options, function (option) {
            if (option.value === value) option.selected = true;
          });
        } else if (element.type !== "file" && element.type !== "submit") {
          element.value = value;
        }
      });
    });
    Object.keys(files).forEach(function (name) {
      var input = form.querySelector("input[type=file][name='" + name + "']");
      if (!input || !window.DataTransfer) return;
      var transfer = new DataTransfer();
      files[name].forEach(function (file) { transfer.items.add(file); });
      input.files = transfer.files;
    });
    form.querySelectorAll("[data-survey-questions]").forEach(function (root) {
      root.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  function prefill() {
    var match = location.hash.match(/^#outbox=([0-9a-f-]+)$/);
    var form = document.querySelector("form[data-outbox]");
    if (!match || !form || !canStore) return;
    store.get(match[1]).then(function (item) {
      if (item && item.fields && item.fields.length && (!user || item.owner === user)) {
        fillForm(form, item.fields);
      }
    }).catch(function () {});
  }

  // --- Whose phone this is --------------------------------------------------------------

  function deletePageCaches(all) {
    if (!window.caches) return Promise.resolve();
    return caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return all || name.indexOf("dluan-pages-") === 0;
      }).map(function (name) { return caches.delete(name); }));
    }).catch(function () {});
  }

  function tellWorker(message) {
    if (!("serviceWorker" in navigator) || !navigator.serviceWorker.controller) return;
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) registration.active.postMessage(message);
    });
  }

  /* Signed in: another person's items and kept pages leave the phone. Resolves
     to whether the pages must be fetched again now. */
  function checkPerson() {
    return Promise.all([store.getMeta("user"), store.getMeta("signedOut")]).then(function (known) {
      var last = known[0];
      var other = Boolean(last) && last !== user;
      return store.removeOthers(user).then(function () {
        return other ? deletePageCaches(false).then(function () { tellWorker({ type: "clear" }); }) : null;
      }).then(function () {
        return Promise.all([store.setMeta("user", user), store.setMeta("signedOut", false)]);
      }).then(function () {
        return other || !last || Boolean(known[1]);
      });
    });
  }

  function register() {
    if (!user || !("serviceWorker" in navigator) || !script.getAttribute("data-worker")) return;
    // sw.js itself is always asked afresh; the scripts it imports carry their
    // hash in their names (a new one changes sw.js), so the HTTP cache may serve them.
    navigator.serviceWorker.register(script.getAttribute("data-worker"), {
      scope: "/", updateViaCache: "imports",
    }).catch(function () {});
  }

  // --- What waits: the counter, the reminder, the outbox page -------------------------

  function mine(items, owner) {
    return items.filter(function (item) { return item.owner === owner; })
      .sort(function (a, b) { return b.created - a.created; });
  }

  function load() {
    if (!canStore) return Promise.resolve({ items: [], signedOut: !user });
    var ready = user ? Promise.resolve(true) : store.exists();
    return ready.then(function (exists) {
      if (!exists) return { items: [], signedOut: true };
      return Promise.all([store.all(), store.getMeta("user"), store.getMeta("signedOut")])
        .then(function (known) {
          var owner = user || known[1] || "";
          return { items: mine(known[0], owner), signedOut: !user || Boolean(known[2]) };
        });
    }).catch(function () { return { items: [], signedOut: !user }; });
  }

  function countText(pending) {
    var parts = [];
    var reports = pending.filter(function (item) { return item.kind !== "interview"; }).length;
    var interviews = pending.length - reports;
    if (reports) parts.push(format(reports === 1 ? strings.reportOne : strings.reportMany, { count: reports }));
    if (interviews) parts.push(format(interviews === 1 ? strings.interviewOne : strings.interviewMany, { count: interviews }));
    return format(strings.waiting, { items: parts.join(", ") });
  }

  function showCounter(view) {
    var pending = view.items.filter(function (item) { return PENDING.indexOf(item.state) !== -1; });
    var bar = document.getElementById("outbox-bar");
    if (bar) {
      bar.hidden = pending.length === 0;
      document.getElementById("outbox-counter").textContent = countText(pending);
      document.getElementById("outbox-sign-in").hidden = !view.signedOut;
    }
    var reminder = document.getElementById("outbox-reminder");
    if (reminder) {
      var old = pending.some(function (item) { return Date.now() - item.created > DAY_MS; });
      reminder.hidden = !old;
      reminder.firstElementChild.textContent = old ? strings.reminder : "";
    }
    return pending;
  }

  function fieldsText(item, name) {
    return item.fields ? store.fieldValue(item.fields, name) : "";
  }

  function versions(item) {
    var box = make("div", "row g-2 my-2");
    var yours = make("div", "col-12 col-md-6");
    var theirs = make("div", "col-12 col-md-6");
    var server = item.server || {};
    yours.appendChild(make("h3", "h6", strings.yours));
    theirs.appendChild(make("h3", "h6", strings.theirs));
    [[yours, fieldsText(item, "title"), fieldsText(item, "description"), "", ""],
     [theirs, server.title, server.description, server.status, server.question]]
      .forEach(function (side) {
        var list = make("dl", "small mb-0");
        [[strings.title, side[1]], [strings.description, side[2]],
         [strings.status, side[3]], [strings.question, side[4]]].forEach(function (row) {
          if (!row[1]) return;
          list.appendChild(make("dt", "", row[0]));
          list.appendChild(make("dd", "text-break", row[1]));
        });
        side[0].appendChild(list);
      });
    box.appendChild(yours);
    box.appendChild(theirs);
    return box;
  }

  function button(text, className, action, item) {
    var element = make("button", "btn btn-sm " + className, text);
    element.type = "button";
    element.setAttribute("data-action", action);
    element.setAttribute("data-id", item.id);
    return element;
  }

  function reasonText(item) {
    if (item.state === "sent") return item.message || strings.sent;
    if (item.reason === "signed_out") return strings.signedOut;
    if (item.reason === "forbidden") return item.message || strings.forbidden;
    if (item.reason === "network") return strings.networkError;
    return item.message || "";
  }

  function itemCard(item, signedOut) {
    var card = make("li", "card mb-2");
    card.setAttribute("data-testid", "outbox-item");
    card.setAttribute("data-state", item.state);
    card.setAttribute("data-id", item.id);
    card.setAttribute("data-attempts", item.state === "sent" ? "sent" : String(item.attempts || 0));
    var body = make("div", "card-body");
    var kind = strings.kinds[item.kind] || "";
    body.appendChild(make("h2", "h6 mb-1", item.label || kind));
    var photos = (item.fields || []).filter(function (field) { return field.length > 2; }).length;
    var facts = [kind, format(strings.created, { date: when(item.created) })];
    if (photos) facts.push(format(photos === 1 ? strings.photoOne : strings.photoMany, { count: photos }));
    body.appendChild(make("p", "small text-body-secondary mb-1", facts.join(" · ")));
    var state = make("p", "mb-1");
    var badge = make("span", "badge " + (item.state === "sent" ? "text-bg-success" :
      item.state === "waiting" || item.state === "sending" ? "text-bg-secondary" : "text-bg-danger"),
      strings.states[item.state] || item.state);
    badge.setAttribute("data-testid", "outbox-state");
    state.appendChild(badge);
    var reason = reasonText(item);
    if (reason) state.appendChild(document.createTextNode(" " + reason));
    body.appendChild(state);
    if (item.state === "waiting" && item.attempts) {
      body.appendChild(make("p", "small text-body-secondary mb-1",
        format(strings.attempts, { count: item.attempts, time: when(item.nextTry).slice(11) })));
    }
    var errors = item.errors || {};
    var names = Object.keys(errors);
    if (names.length && item.state === "refused") {
      var list = make("ul", "small text-danger mb-1");
      names.forEach(function (name) {
        (errors[name] || []).forEach(function (message) { list.appendChild(make("li", "", message)); });
      });
      body.appendChild(list);
    }
    if (item.state === "conflict") body.appendChild(versions(item));
    var actions = make("div", "d-flex flex-wrap gap-2 mt-2");
    if (item.state === "sent") {
      if (item.link) {
        var open = make("a", "btn btn-sm btn-outline-primary", strings.open);
        open.href = item.link;
        actions.appendChild(open);
      }
    } else if (item.state === "conflict") {
      actions.appendChild(button(strings.keepMine, "btn-primary", "keep-mine", item));
      actions.appendChild(button(strings.takeTheirs, "btn-outline-secondary", "take-theirs", item));
    } else {
      if (signedOut && strings.loginUrl) {
        var login = make("a", "btn btn-sm btn-primary", strings.signIn);
        login.href = strings.loginUrl + "?next=" + encodeURIComponent(strings.outboxUrl);
        actions.appendChild(login);
      } else {
        actions.appendChild(button(strings.sendNow, "btn-primary", "send", item));
      }
      if (item.state === "refused") {
        var edit = make("a", "btn btn-sm btn-outline-secondary", strings.edit);
        edit.href = item.url + "#outbox=" + item.id;
        actions.appendChild(edit);
      }
    }
    if (item.state !== "sending") {
      actions.appendChild(button(strings.remove, "btn-outline-danger", "delete", item));
    }
    body.appendChild(actions);
    card.appendChild(body);
    return card;
  }

  function showList(view) {
    var list = document.getElementById("outbox-list");
    if (!list) return;
    list.textContent = "";
    view.items.forEach(function (item) { list.appendChild(itemCard(item, view.signedOut)); });
    document.getElementById("outbox-empty").hidden = view.items.some(function (item) {
      return item.state !== "sent";
    });
    var sendAll = document.getElementById("outbox-send-all");
    sendAll.hidden = view.signedOut || !view.items.some(function (item) {
      return item.state === "waiting";
    });
  }

  function schedule(items) {
    if (timer) clearTimeout(timer);
    timer = null;
    var next = null;
    items.forEach(function (item) {
      if (item.state === "waiting" && item.attempts && (next === null || item.nextTry < next)) next = item.nextTry;
    });
    if (next !== null && user) {
      timer = setTimeout(function () { send({}); }, Math.max(1000, next - Date.now()));
    }
  }

  var rendering = null;
  function render() {
    if (rendering) return rendering;
    rendering = load().then(function (view) {
      var pending = showCounter(view);
      showList(view);
      schedule(view.items);
      askToKeep(pending);
      return view;
    }).finally(function () { rendering = null; });
    return rendering;
  }

  // The browser may drop the storage of a site it thinks unused: ask it to keep it.
  function askToKeep(pending) {
    if (!pending.length || !user || !navigator.storage || !navigator.storage.persist) return;
    store.getMeta("persistAsked").then(function (asked) {
      if (asked) return;
      return store.setMeta("persistAsked", true).then(function () {
        return navigator.storage.persist();
      });
    }).catch(function () {});
  }

  function notice(text) {
    var box = document.getElementById("outbox-notice");
    if (!box) return;
    box.textContent = "";
    if (text) box.appendChild(make("div", "alert alert-info", text));
  }

  function send(options) {
    if (!user || !canStore) return render();
    return store.sendAll(options).then(render, render);
  }

  // --- The outbox page's buttons ------------------------------------------------------

  function askDelete(item) {
    var dialog = document.getElementById("outbox-delete-dialog");
    if (!dialog || !dialog.showModal) return;
    document.getElementById("outbox-delete-label").textContent = item.label || strings.kinds[item.kind] || "";
    dialog.returnValue = "";
    dialog.addEventListener("close", function () {
      if (dialog.returnValue === "delete") store.remove(item.id).then(render);
    }, { once: true });
    dialog.showModal();
  }

  function onAction(event) {
    var target = event.target.closest("button[data-action]");
    if (!target) return;
    var id = target.getAttribute("data-id");
    var action = target.getAttribute("data-action");
    store.get(id).then(function (item) {
      if (!item) return render();
      if (action === "delete") return askDelete(item);
      if (action === "send") return send({ only: id });
      if (action === "take-theirs") {
        return store.remove(id).then(function () { location.href = item.link || "/"; });
      }
      if (action === "keep-mine") {
        var fields = item.fields.filter(function (field) { return field[0] !== "base_version"; });
        fields.push(["base_version", item.version || ""]);
        return store.update(id, {
          fields: fields, state: "waiting", reason: "", message: "", nextTry: 0, server: null,
        }).then(function () { return send({ only: id }); });
      }
    });
  }

  // --- Signing out ---------------------------------------------------------------------

  // The worker first (so it stores nothing more), then the outbox and the caches.
  function clearPhone() {
    var work = Promise.resolve();
    if ("serviceWorker" in navigator) {
      work = navigator.serviceWorker.getRegistrations().then(function (registrations) {
        return Promise.all(registrations.map(function (registration) { return registration.unregister(); }));
      }).catch(function () {});
    }
    work = work.then(function () {
      return canStore ? store.removeAll().catch(function () {}).then(store.destroy) : null;
    }).then(function () { return deletePageCaches(true); });
    var limit = new Promise(function (resolve) { setTimeout(resolve, 3000); });
    return Promise.race([work, limit]);
  }

  function watchSignOut() {
    document.querySelectorAll("form[data-outbox-logout]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var leave = function () {
          clearPhone().then(function () { form.submit(); });
        };
        load().then(function (view) {
          var pending = view.items.filter(function (item) { return PENDING.indexOf(item.state) !== -1; });
          var dialog = document.getElementById("outbox-logout-dialog");
          if (!pending.length || !dialog || !dialog.showModal) return leave();
          document.getElementById("outbox-logout-text").textContent = countText(pending);
          dialog.returnValue = "";
          dialog.addEventListener("close", function () {
            if (dialog.returnValue === "leave") leave();
          }, { once: true });
          dialog.showModal();
        }, leave);
      });
    });
  }

  // --- Start ---------------------------------------------------------------------------

  prepareForms();
  watchSignOut();
  var list = document.getElementById("outbox-list");
  if (list) list.addEventListener("click", onAction);
  var sendAllButton = document.getElementById("outbox-send-all");
  if (sendAllButton) sendAllButton.addEventListener("click", function () { send({ force: true }); });
  var saved = new URLSearchParams(location.search).get("saved");
  if (saved && list) notice(strings.saved);
  if (!canStore) return;
  if (store.channel) store.channel.addEventListener("message", function () { render(); });
  window.addEventListener("online", function () {
    setTimeout(function () { send({ force: true }); }, Math.random() * ONLINE_SPREAD_SECONDS * 1000);
  });

  if (!user) {
    // A session that ended keeps everything; its pages are fetched again at sign-in.
    store.exists().then(function (exists) {
      if (exists) return store.setMeta("signedOut", true);
    }).catch(function () {}).then(render);
    return;
  }
  register();
  fillTokens();
  checkPerson().then(function (fetchAgain) {
    if (navigator.onLine) tellWorker({ type: "refresh", force: fetchAgain });
    prefill();
    return store.prune();
  }).then(render).then(function () {
    if (navigator.onLine) return send({});
  }).catch(function () { render(); });
})();
