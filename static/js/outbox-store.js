/* The outbox on the phone (issue 22): items kept in IndexedDB (through idb) and
   the sender, shared by the pages (outbox.js) and the service worker (sw.js).
   One item is one form post the network did not take:
   {id: client_id, owner, kind, label, url, fields: [[name, value, filename?]],
    created, state, attempts, nextTry, reason, message, server?, version?}.
   Items go one at a time (navigator.locks where the browser has it), each
   removed from the phone only once the server confirmed it. */
(function (root) {
  "use strict";
  var DB_NAME = "dluan-outbox";
  var LOCK = "dluan-outbox-send";
  // The waits between tries after a network error or a server fault.
  var BACKOFF = [30, 60, 120, 300, 600, 900];
  var SENT_KEPT_MS = 24 * 3600 * 1000;
  var FORMS_KEPT_MS = 30 * 24 * 3600 * 1000;
  var SEND_LIMIT_S = 120;
  var SENDING_STALE_MS = (SEND_LIMIT_S + 10) * 1000;
  var opening = null;
  var channel = typeof BroadcastChannel === "function" ? new BroadcastChannel(DB_NAME) : null;

  function db() {
    if (!opening) {
      opening = root.idb.openDB(DB_NAME, 1, {
        upgrade: function (database) {
          database.createObjectStore("items", { keyPath: "id" });
          database.createObjectStore("meta");
        },
        // Signing out deletes the database: let it go.
        blocking: function () { close(); },
        terminated: function () { opening = null; },
      });
    }
    return opening;
  }

  function close() {
    if (!opening) return Promise.resolve();
    var closing = opening;
    opening = null;
    return closing.then(function (database) { database.close(); }, function () {});
  }

  function changed() {
    if (channel) channel.postMessage("changed");
  }

  function exists() {
    // Pages of a signed-out person read the outbox only if there is one.
    if (!root.indexedDB || !root.indexedDB.databases) return Promise.resolve(true);
    return root.indexedDB.databases().then(function (list) {
      return list.some(function (entry) { return entry.name === DB_NAME; });
    }, function () { return true; });
  }

  function all() {
    return db().then(function (database) { return database.getAll("items"); });
  }

  function get(id) {
    return db().then(function (database) { return database.get("items", id); });
  }

  function put(item) {
    return db().then(function (database) {
      return database.put("items", item);
    }).then(function () { changed(); return item; });
  }

  function update(id, changes) {
    return db().then(function (database) {
      var tx = database.transaction("items", "readwrite");
      return tx.store.get(id).then(function (item) {
        if (!item) return tx.done.then(function () { return null; });
        Object.keys(changes).forEach(function (key) { item[key] = changes[key]; });
        tx.store.put(item);
        return tx.done.then(function () { return item; });
      });
    }).then(function (item) { changed(); return item; });
  }

  function remove(id) {
    return db().then(function (database) {
      return database.delete("items", id);
    }).then(changed);
  }

  function getMeta(key) {
    return db().then(function (database) { return database.get("meta", key); });
  }

  function setMeta(key, value) {
    return db().then(function (database) { return database.put("meta", value, key); });
  }

  // Everything of anyone but ``owner`` (another person signed in on this phone).
  function removeOthers(owner) {
    return all().then(function (items) {
      var gone = items.filter(function (item) { return item.owner !== owner; });
      return Promise.all(gone.map(function (item) { return remove(item.id); }))
        .then(function () { return gone.length; });
    });
  }

  function removeAll() {
    return db().then(function (database) {
      return Promise.all([database.clear("items"), database.clear("meta")]);
    }).then(changed);
  }

  function destroy() {
    // Resolves once deleted, or after a second if another tab holds it open
    // (the sign-out answer's Clear-Site-Data removes it then).
    return close().then(function () {
      return new Promise(function (resolve) {
        var request = root.indexedDB.deleteDatabase(DB_NAME);
        request.onsuccess = request.onerror = function () { resolve(); };
        setTimeout(resolve, 1000);
      });
    });
  }

  function kindOf(url) {
    return url.indexOf("/surveys/") === 0 ? "interview" : "report";
  }

  function fieldValue(fields, name) {
    for (var i = 0; i < fields.length; i++) {
      if (fields[i][0] === name && typeof fields[i][1] === "string") return fields[i][1];
    }
    return "";
  }

  function newId() {
    if (root.crypto && root.crypto.randomUUID) return root.crypto.randomUUID();
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ (root.crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16);
    });
  }

  // A form post the network did not take, kept for later (called by sw.js).
  function keep(url, fields) {
    var id = fieldValue(fields, "client_id");
    if (!id) {
      id = newId();
      fields = fields.filter(function (field) { return field[0] !== "client_id"; });
      fields.push(["client_id", id]);
    }
    return Promise.all([getMeta("user"), getMeta("form:" + url)]).then(function (known) {
      var form = known[1] || {};
      var title = fieldValue(fields, "title").trim();
      return put({
        id: id,
        owner: known[0] || "",
        kind: form.kind || kindOf(url),
        label: title || form.label || "",
        url: url,
        fields: fields,
        created: Date.now(),
        state: "waiting",
        attempts: 0,
        nextTry: 0,
        reason: "",
        message: "",
      });
    });
  }

  function withLock(work) {
    if (root.navigator && root.navigator.locks) {
      return root.navigator.locks.request(LOCK, function () { return work(true); });
    }
    return work(false);
  }

  // A request the network holds without answering gives up, so the lock is freed.
  function limited(url, options, seconds) {
    if (typeof AbortController !== "function") return fetch(url, options);
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, seconds * 1000);
    options.signal = controller.signal;
    return fetch(url, options).finally(function () { clearTimeout(timer); });
  }

  function fetchState() {
    return limited("/offline/state/", { credentials: "same-origin", cache: "no-store" }, 15)
      .then(function (response) {
        return response.json().then(function (body) {
          return { status: response.status, user: body.user, csrf: body.csrf };
        }, function () { return { status: response.status }; });
      }, function () { return { status: 0 }; });
  }

  function backoff(item, reason, message) {
    var attempts = (item.attempts || 0) + 1;
    var wait = BACKOFF[Math.min(attempts - 1, BACKOFF.length - 1)];
    return update(item.id, {
      state: "waiting",
      attempts: attempts,
      nextTry: Date.now() + wait * 1000,
      reason: reason,
      message: message || "",
    });
  }

  function body(item, csrf) {
    var data = new FormData();
    item.fields.forEach(function (field) {
      if (field[0] === "csrfmiddlewaretoken") data.append(field[0], csrf);
      else if (field.length > 2) data.append(field[0], field[1], field[2]);
      else data.append(field[0], field[1]);
    });
    return data;
  }

  // One item: "sent", "kept" (refused, conflict, retry later) or "stop" (signed out).
  function sendOne(item, state) {
    return update(item.id, { state: "sending", sending: Date.now() }).then(function () {
      return limited(item.url, {
        method: "POST",
        body: body(item, state.csrf),
        credentials: "same-origin",
        redirect: "manual",
        headers: { "X-Dluan-Outbox": "1", "X-CSRFToken": state.csrf },
      }, SEND_LIMIT_S);
    }).then(function (response) {
      return response.json().then(function (data) {
        return { status: response.status, data: data || {} };
      }, function () { return { status: response.status, data: null }; });
    }, function () {
      return { status: 0, data: null };
    }).then(function (answer) {
      var data = answer.data;
      if (!data) return backoff(item, "network").then(function () { return "kept"; });
      var status = data.status;
      if ((answer.status === 201 && status === "created") ||
          (answer.status === 200 && status === "duplicate")) {
        return update(item.id, {
          state: "sent", fields: [], sentAt: Date.now(), reason: status,
          message: data.message || "", link: data.url || "",
        }).then(function () { return "sent"; });
      }
      if (answer.status === 409 && status === "conflict") {
        return update(item.id, {
          state: "conflict", reason: "conflict", message: data.message || "",
          server: data.server || {}, version: data.version || "", link: data.url || "",
        }).then(function () { return "kept"; });
      }
      if (answer.status === 409 || answer.status === 422) {
        return update(item.id, {
          state: "refused", reason: status || "refused", message: data.message || "",
          errors: data.errors || {}, link: data.url || "",
        }).then(function () { return "kept"; });
      }
      if (answer.status === 401 || answer.status === 403) {
        return update(item.id, {
          state: "waiting", reason: answer.status === 401 ? "signed_out" : "forbidden",
          message: data.message || "",
        }).then(function () { return "stop"; });
      }
      return backoff(item, "network", data.message).then(function () { return "kept"; });
    });
  }

  function due(item, options, locked, now) {
    if (options.only && item.id !== options.only) return false;
    if (item.state === "sending") {
      // Under the lock a "sending" item is one whose sender died mid-way.
      if (!locked && now - (item.sending || 0) < SENDING_STALE_MS) return false;
    } else if (item.state !== "waiting" && !(options.only && item.state === "refused")) {
      return false;
    }
    return options.force || options.only || (item.nextTry || 0) <= now;
  }

  /* Send what is due, one at a time. options: {force: ignore the back-off,
     only: one item's id}. Resolves to {sent, kept, signedOut, offline}. */
  function sendAll(options) {
    options = options || {};
    return withLock(function (locked) {
      var result = { sent: 0, kept: 0, signedOut: false, offline: false };
      return all().then(function (items) {
        var now = Date.now();
        var waiting = items.filter(function (item) { return due(item, options, locked, now); });
        if (!waiting.length) return result;
        return fetchState().then(function (state) {
          if (state.status === 401) {
            result.signedOut = true;
            return setMeta("signedOut", true).then(function () { changed(); return result; });
          }
          if (state.status !== 200 || !state.user) {
            result.offline = true;
            return result;
          }
          var mine = waiting.filter(function (item) { return item.owner === state.user; });
          mine.sort(function (a, b) { return a.created - b.created; });
          return setMeta("signedOut", false).then(function () {
            var chain = Promise.resolve(false);
            mine.forEach(function (item) {
              chain = chain.then(function (stopped) {
                if (stopped) return true;
                // Another tab may have sent it meanwhile.
                return get(item.id).then(function (fresh) {
                  if (!fresh || !due(fresh, options, locked, Date.now())) return false;
                  return sendOne(fresh, state).then(function (outcome) {
                    if (outcome === "sent") result.sent += 1;
                    else result.kept += 1;
                    if (outcome === "stop") result.signedOut = true;
                    return outcome === "stop";
                  });
                });
              });
            });
            return chain.then(function () { return result; });
          });
        });
      });
    });
  }

  // Receipts of sent items are kept a day, without their fields; what the
  // pages told the worker about their forms, a month.
  function prune() {
    var old = Date.now() - SENT_KEPT_MS;
    var receipts = all().then(function (items) {
      return Promise.all(items.filter(function (item) {
        return item.state === "sent" && (item.sentAt || 0) < old;
      }).map(function (item) { return remove(item.id); }));
    });
    var stale = Date.now() - FORMS_KEPT_MS;
    return Promise.all([receipts, db().then(function (database) {
      return database.getAllKeys("meta").then(function (keys) {
        return Promise.all(keys.filter(function (key) {
          return String(key).indexOf("form:") === 0;
        }).map(function (key) {
          return database.get("meta", key).then(function (form) {
            if (!form || (form.at || 0) < stale) return database.delete("meta", key);
          });
        }));
      });
    })]);
  }

  root.dluanOutbox = {
    exists: exists,
    all: all,
    get: get,
    put: put,
    update: update,
    remove: remove,
    removeOthers: removeOthers,
    removeAll: removeAll,
    destroy: destroy,
    close: close,
    getMeta: getMeta,
    setMeta: setMeta,
    keep: keep,
    sendAll: sendAll,
    prune: prune,
    fieldValue: fieldValue,
    newId: newId,
    channel: channel,
  };
})(self);
