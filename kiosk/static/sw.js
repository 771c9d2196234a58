/**
 * The offline kiosk's service worker (served at <base>/sw.js by kiosk/offline.py,
 * or written by `kiosk export`). It keeps one complete version of everything the
 * kiosk shows — pages, speech JSON, normal-speed audio, bundles — in the cache
 * "kiosk-offline-<version>", and never mixes two versions:
 *
 * - install: fetch the manifest, check it is still this worker's version, copy
 *   every URL into a new cache (unchanged audio and bundles are copied from the
 *   previous cache, the rest is downloaded), check the version again. Any failure
 *   fails the install: the old worker and its cache stay in charge, and the
 *   browser tries again at the next update check.
 * - waiting → active: only when the page says it is a good moment (offline.js
 *   posts "kiosk:activate" when nobody is listening to a reading); the page then
 *   reloads. activate deletes every other kiosk-offline-* cache.
 * - fetch: pages and JSON from the network while it answers (the server applies
 *   the visitor's reading settings), from the cache when it does not; audio and
 *   bundles (their URLs change with their content) from the cache first. A page
 *   that came from the cache gets its speech JSON from the same cache; a page that
 *   came from the network never gets a cached speech JSON of another version.
 *
 * No URL here is root-absolute: everything is relative to the worker's scope, so
 * a static export under a sub-path works the same.
 */
"use strict";

var VERSION = "__KIOSK_OFFLINE_VERSION__";
var PREFIX = "kiosk-offline-";
var CACHE = PREFIX + VERSION;
var SCOPE = self.registration.scope;  // "https://host/" or "https://cdn/kiosk/"
var BASE = new URL(SCOPE).pathname.replace(/\/$/, "");  // "" or "/kiosk"
var MANIFEST = new URL("-/offline-manifest.json", SCOPE).href;
var NETWORK_TIMEOUT = 4000;  // ms before a hanging network counts as down
var PARALLEL = 4;  // downloads at a time while installing (the server synthesises missing audio)
var RETRIES = 5;
/** Where each page came from, by client id: "network" or "cache" (lost when the worker sleeps). */
var sources = new Map();

/** @param {string} client @param {string} source */
function remember(client, source) {
  if (!client) return;
  sources.set(client, source);
  while (sources.size > 64) sources.delete(sources.keys().next().value);  // old pages
}

/** @param {string} path  path below the scope, starting with "/" */
function immutable(path) {
  return /^\/audio\//.test(path) || /^\/assets\/(bundle|vendor)\//.test(path);
}

/** @param {number} ms */
function sleep(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }

/**
 * fetch() that gives up after NETWORK_TIMEOUT and counts 5xx (a proxy in front of a
 * stopped server answers 502) as the network being down.
 * @param {Request} request
 */
function network(request) {
  var controller = new AbortController();
  var timer = setTimeout(function () { controller.abort(); }, NETWORK_TIMEOUT);
  return fetch(request, { signal: controller.signal }).then(function (response) {
    clearTimeout(timer);
    if (response.status >= 500) throw new Error("server error " + response.status);
    return response;
  }, function (error) { clearTimeout(timer); throw error; });
}

/**
 * @param {Request|string} request
 * @param {boolean=} ignoreSearch
 */
function cached(request, ignoreSearch) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request, { ignoreSearch: !!ignoreSearch });
  });
}

function manifest() {
  return fetch(MANIFEST, { cache: "no-store", credentials: "omit" }).then(function (r) {
    if (!r.ok) throw new Error("manifest: " + r.status);
    return r.json();
  });
}

/**
 * Download one URL for the cache: without cookies (pages in the default settings),
 * past the HTTP cache, retrying a busy speech engine (503) and network hiccups.
 * @param {string} url
 */
function download(url) {
  var attempt = 0;
  function once() {
    attempt++;
    return fetch(new Request(url, { credentials: "omit", cache: "no-cache" })).then(function (r) {
      if (r.ok) return r;
      if ((r.status === 503 || r.status === 429) && attempt < RETRIES) {
        var wait = Number(r.headers.get("Retry-After")) || attempt;
        return sleep(wait * 1000).then(once);
      }
      throw new Error(url + ": " + r.status);
    }, function (error) {
      if (attempt < RETRIES) return sleep(attempt * 1000).then(once);
      throw error;
    });
  }
  return once();
}

/** @param {Cache} cache @param {Array<string>} urls */
function fill(cache, urls) {
  return caches.keys().then(function (names) {
    var older = names.filter(function (n) { return n.indexOf(PREFIX) === 0 && n !== CACHE; });
    var next = 0;
    /** Copy from an older version when the URL is content-addressed, else download. */
    function one(url) {
      var path = new URL(url, SCOPE).pathname.slice(BASE.length);
      var reuse = immutable(path)
        ? older.reduce(function (found, name) {
            return found.then(function (hit) {
              return hit || caches.open(name).then(function (c) { return c.match(url); });
            });
          }, Promise.resolve(undefined))
        : Promise.resolve(undefined);
      return reuse.then(function (hit) { return hit || download(url); })
        .then(function (response) { return cache.put(url, response); });
    }
    function worker() {
      if (next >= urls.length) return Promise.resolve();
      var url = urls[next++];
      return one(url).then(worker);
    }
    var workers = [];
    for (var i = 0; i < PARALLEL; i++) workers.push(worker());
    return Promise.all(workers);
  });
}

function install() {
  return manifest().then(function (m) {
    // The server moved on since it gave us this script: the next update check brings
    // the worker of the newer version; this one must not cache a version it is not.
    if (m.version !== VERSION) throw new Error("content changed during the update");
    return caches.delete(CACHE).then(function () { return caches.open(CACHE); }).then(function (cache) {
      return fill(cache, m.urls).then(manifest).then(function (again) {
        if (again.version !== VERSION) throw new Error("content changed during the update");
      });
    });
  }).catch(function (error) {
    // Leave nothing half-filled behind; the old version keeps serving.
    return caches.delete(CACHE).then(function () { throw error; });
  });
}

self.addEventListener("install", function (event) {
  event.waitUntil(install());
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) {
      return n.indexOf(PREFIX) === 0 && n !== CACHE;
    }).map(function (n) { return caches.delete(n); }));
  }).then(function () {
    sources.clear();
    return self.clients.claim();
  }));
});

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "kiosk:activate") self.skipWaiting();
  if (data.type === "kiosk:version" && event.source) {
    event.source.postMessage({ type: "kiosk:version", version: VERSION });
  }
});

/** A page nobody cached, with the network down: say so, and offer the start. */
function offlinePage() {
  var html = "<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'>" +
    "<title>离线 · Offline</title><body style='font:32px/1.6 sans-serif;margin:2em'>" +
    "<h1>暂时无法连接服务器</h1><p>这一页没有保存在本机。</p>" +
    "<p lang=en>The server cannot be reached and this page is not kept on this kiosk.</p>" +
    "<p><a href='" + SCOPE + "'>返回首页 · Start</a></p></body>";
  return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

/** @param {FetchEvent} event */
function page(event) {
  var request = event.request;
  var client = event.resultingClientId;
  return network(request).then(function (response) {
    remember(client, "network");
    return response;
  }, function () {
    return cached(request, true).then(function (hit) {
      if (!hit) return offlinePage();
      remember(client, "cache");
      return hit;
    });
  });
}

/**
 * JSON and the like: what the page it belongs to was built from.
 * @param {FetchEvent} event
 */
function dependent(event) {
  var request = event.request;
  if (sources.get(event.clientId) === "cache") {
    return cached(request).then(function (hit) { return hit || fetch(request); });
  }
  return network(request).catch(function (error) {
    // A newer worker is on its way: the server's version differs from ours, so our
    // copy may not match the page the network gave. Better no audio than the wrong one.
    if (self.registration.installing || self.registration.waiting) throw error;
    return cached(request).then(function (hit) {
      if (!hit) throw error;
      return hit;
    });
  });
}

/** @param {Request} request */
function cacheFirst(request) {
  return cached(request).then(function (hit) { return hit || fetch(request); });
}

/**
 * The idle reset: the server forgets the visitor (cookies) and sends the start
 * screen; offline, go to the start screen straight away.
 * @param {Request} request
 */
function reset(request) {
  return network(request).then(function (response) {
    // A static export's file server cannot answer a POST (405): go home all the same.
    return response.type === "opaqueredirect" || response.ok ? response : Response.redirect(SCOPE, 303);
  }).catch(function () { return Response.redirect(SCOPE, 303); });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.indexOf(BASE + "/") !== 0) return;
  var path = url.pathname.slice(BASE.length);
  // The idle reset (a POST): must end on the start screen even with the server down.
  if (path === "/-/reset" && request.mode === "navigate") { event.respondWith(reset(request)); return; }
  if (request.method !== "GET") return;
  if (path === "/sw.js" || path === "/-/offline-manifest.json") return;
  if (request.mode === "navigate") { event.respondWith(page(event)); return; }
  if (immutable(path)) { event.respondWith(cacheFirst(request)); return; }
  if (/\.json$/.test(path)) { event.respondWith(dependent(event)); return; }
  // Everything else (the QR refresh, settings) needs the server: no offline copy.
});
