/* dluan's service worker (issue 22). The view serving /sw.js writes its first
   line, self.DLUAN_CONFIG: the libraries, the static shell with a version made
   from the files' hashes, the outbox URLs and the app's own URLs.

   - The static shell is precached (Workbox); an update of a static file changes
     this script, so the browser installs the new worker, which drops the old
     caches. The outbox (IndexedDB) is kept.
   - The pages of /offline/pages/ are fetched with the person's cookies when a
     page asks (after sign-in, on page loads, throttled) and served network
     first; their copies are stored with every CSRF token blanked.
   - A form post to an outbox URL goes to the network; only when the network
     fails or gives no answer in 20 s is it kept in the outbox (outbox-store.js)
     and answered with a 303 to the outbox page. */
/* global workbox, dluanOutbox */
"use strict";
var CONFIG = self.DLUAN_CONFIG;
importScripts.apply(self, CONFIG.libraries);

var PAGES = "dluan-pages-" + CONFIG.version;
var OUTBOX_URLS = CONFIG.outbox.map(function (pattern) { return new RegExp(pattern); });
var NETWORK_WAIT_MS = 20000;
var REFRESH_EVERY_MS = 10 * 60 * 1000;
var SHELL_PAGES = [CONFIG.outboxPage, CONFIG.fallback];

// --- Form posts: the network, or the outbox ----------------------------------------

function isOutboxUrl(url) {
  return url.origin === self.location.origin && OUTBOX_URLS.some(function (pattern) {
    return pattern.test(url.pathname);
  });
}

function readFields(request) {
  return request.formData().then(function (data) {
    var fields = [];
    data.forEach(function (value, name) {
      if (typeof value === "string") {
        fields.push([name, value]);
      } else if (value.size > 0) {
        // A photo: kept as a Blob with its file name.
        fields.push([name, value.slice(0, value.size, value.type), value.name]);
      }
    });
    return fields;
  });
}

function withTimeout(promise, ms) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () { reject(new Error("timeout")); }, ms);
    promise.then(function (value) { clearTimeout(timer); resolve(value); },
      function (error) { clearTimeout(timer); reject(error); });
  });
}

function keepPost(url, fields) {
  return dluanOutbox.keep(url.pathname, fields).then(function (item) {
    if (self.registration.sync) {
      self.registration.sync.register("dluan-outbox").catch(function () {});
    }
    return Response.redirect(
      CONFIG.outboxPage + "?saved=" + encodeURIComponent(item.id), 303
    );
  });
}

function catchPost(request) {
  var url = new URL(request.url);
  var reading = readFields(request.clone()).catch(function () { return null; });
  return reading.then(function (fields) {
    var token = fields && dluanOutbox.fieldValue(fields, "csrfmiddlewaretoken");
    if (fields && !token) {
      // A page the phone kept (its token blanked): the outbox sends it with a
      // fresh one, at once if the network is there.
      return keepPost(url, fields);
    }
    return withTimeout(fetch(request), NETWORK_WAIT_MS).then(function (response) {
      var id = fields && dluanOutbox.fieldValue(fields, "client_id");
      if (id && (response.type === "opaqueredirect" ||
                 (response.status >= 300 && response.status < 400))) {
        // Saved online: a copy of it waiting in the outbox is done with.
        dluanOutbox.get(id).then(function (item) {
          if (item && item.state !== "sent") return dluanOutbox.remove(id);
        }).catch(function () {});
      }
      return response;
    }, function (error) {
      if (!fields) throw error;
      return keepPost(url, fields);
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "POST" || request.mode !== "navigate") return;
  if (!isOutboxUrl(new URL(request.url))) return;
  event.respondWith(catchPost(request));
});

// --- The static shell ---------------------------------------------------------------

workbox.core.setCacheNameDetails({ prefix: "dluan", suffix: "shell" });
workbox.precaching.precacheAndRoute(CONFIG.precache, {
  ignoreURLParametersMatching: [/.*/],
});
workbox.precaching.cleanupOutdatedCaches();

// --- Pages kept for offline use -------------------------------------------------------

// Every CSRF token in a stored copy is blanked: none outlives the session.
function strip(html) {
  return html
    .replace(/(<input\b[^>]*\bname=["']csrfmiddlewaretoken["'][^>]*\bvalue=["'])[^"']*/gi, "$1")
    .replace(/(<input\b[^>]*\bvalue=["'])[^"']*(["'][^>]*\bname=["']csrfmiddlewaretoken["'])/gi, "$1$2")
    .replace(/("X-CSRFToken"\s*:\s*")[^"]*/g, "$1")
    .replace(/(&quot;X-CSRFToken&quot;\s*:\s*&quot;)(?:(?!&quot;).)*/g, "$1");
}

function stripped(response) {
  var type = response.headers.get("Content-Type") || "";
  if (response.status !== 200 || response.type === "opaqueredirect" ||
      type.indexOf("text/html") !== 0) {
    return Promise.resolve(null);
  }
  return response.clone().text().then(function (text) {
    var headers = new Headers(response.headers);
    headers.delete("Content-Length");
    return new Response(strip(text), {
      status: 200, statusText: response.statusText, headers: headers,
    });
  });
}

function pageKey(url) {
  return url.pathname + url.search;
}

function storePage(key, response) {
  return stripped(response).then(function (copy) {
    if (!copy) return false;
    return caches.open(PAGES).then(function (cache) {
      return cache.put(key, copy);
    }).then(function () { return true; });
  });
}

function fetchPage(url) {
  return fetch(url, { credentials: "same-origin", redirect: "manual", cache: "no-store" })
    .then(function (response) { return storePage(url, response); })
    .catch(function () { return false; });
}

var listed = null;
function listedPages() {
  if (listed) return Promise.resolve(listed);
  return dluanOutbox.getMeta("pages").then(function (pages) {
    listed = pages || [];
    return listed;
  }, function () { return []; });
}

/* Fetch the person's pages again (at most every 10 minutes unless forced),
   and drop the copies of pages no longer listed (a draft submitted since). */
function refreshPages(force) {
  return dluanOutbox.getMeta("pagesRefreshed").then(function (last) {
    if (!force && last && Date.now() - last < REFRESH_EVERY_MS) return;
    return fetch(CONFIG.pages, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (response.status === 200) return response.json();
        // Signed out: the next page signed in fetches them at once.
        return dluanOutbox.setMeta("pagesRefreshed", 0).then(function () { return null; });
      })
      .then(function (answer) {
        if (!answer) return;
        var pages = answer.pages || [];
        return dluanOutbox.setMeta("pages", pages).then(function () {
          listed = pages;
          var chain = Promise.all(SHELL_PAGES.map(fetchPage));
          pages.forEach(function (url) {
            chain = chain.then(function () { return fetchPage(url); });
          });
          return chain;
        }).then(function () {
          return caches.open(PAGES);
        }).then(function (cache) {
          return cache.keys().then(function (requests) {
            return Promise.all(requests.map(function (request) {
              var key = pageKey(new URL(request.url));
              if (pages.indexOf(key) === -1 && SHELL_PAGES.indexOf(key) === -1) {
                return cache.delete(request);
              }
            }));
          });
        }).then(function () {
          return dluanOutbox.setMeta("pagesRefreshed", Date.now());
        });
      });
  }).catch(function () {});
}

function clearPages() {
  listed = [];
  return caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("dluan-pages-") === 0;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () {
    return dluanOutbox.setMeta("pages", []);
  }).then(function () {
    return dluanOutbox.setMeta("pagesRefreshed", 0);
  });
}

function fromCache(key) {
  return caches.open(PAGES).then(function (cache) { return cache.match(key); });
}

function offlinePage() {
  return fromCache(CONFIG.fallback).then(function (response) {
    return response || Response.error();
  });
}

var pagesFirstFromNetwork = new workbox.strategies.NetworkFirst({
  cacheName: PAGES,
  networkTimeoutSeconds: 8,
  plugins: [{
    cacheWillUpdate: function (context) { return stripped(context.response); },
  }],
});

function handleNavigation(options) {
  var request = options.request;
  var url = new URL(request.url);
  if (url.pathname === CONFIG.outboxPage) {
    // The outbox and the offline page: whatever the query (?saved=…).
    var key = url.searchParams.has("offline") ? CONFIG.fallback : CONFIG.outboxPage;
    return fetch(request).then(function (response) {
      storePage(key, response.clone()).catch(function () {});
      return response;
    }, function () {
      return fromCache(key).then(function (response) {
        return response || Response.error();
      });
    });
  }
  return listedPages().then(function (pages) {
    if (pages.indexOf(pageKey(url)) !== -1) {
      return pagesFirstFromNetwork.handle(options).catch(offlinePage);
    }
    return fetch(request).catch(function () {
      return fromCache(pageKey(url)).then(function (response) {
        return response || offlinePage();
      });
    });
  });
}

workbox.routing.registerRoute(new workbox.routing.NavigationRoute(handleNavigation));

// --- Life cycle, messages, background sync ------------------------------------------

self.addEventListener("install", function (event) {
  self.skipWaiting();
  event.waitUntil(Promise.all(SHELL_PAGES.map(fetchPage)));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("dluan-pages-") === 0 && name !== PAGES;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () {
    return self.clients.claim();
  }).then(function () {
    return refreshPages(true);
  }));
});

self.addEventListener("message", function (event) {
  var message = event.data || {};
  if (message.type === "refresh") {
    event.waitUntil(refreshPages(Boolean(message.force)));
  } else if (message.type === "clear") {
    event.waitUntil(clearPages());
  } else if (message.type === "send") {
    event.waitUntil(dluanOutbox.sendAll({ force: Boolean(message.force) }));
  }
});

self.addEventListener("sync", function (event) {
  if (event.tag === "dluan-outbox") {
    event.waitUntil(dluanOutbox.sendAll({}));
  }
});
