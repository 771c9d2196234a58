/**
 * Offline kiosk: on kiosk pages only (<html class="kiosk-mode">), the service
 * worker (<base>/sw.js, kiosk/static/sw.js) keeps every report, its audio and
 * the bundles, so the kiosk still opens and reads aloud when the server or the
 * network is down.
 *
 * - Registration: from the start screen (where a kiosk boots and returns after
 *   every visitor), once it has been showing for `data-offline-delay` seconds
 *   (default 10), so the first download never competes with a visitor's reading.
 * - Updates: a new version of the content is a new worker. It installs in the
 *   background; it takes over only when nobody is listening to a reading and the
 *   screen has been left alone for `data-offline-quiet` seconds (default 15; at
 *   once on the start screen). The page then reloads, so the kiosk goes from one
 *   whole version to the next. Updates are looked for when the network comes
 *   back, every five minutes, and at every page load (by the browser).
 * - Elsewhere (phones, desktops) it removes a worker left by an earlier kiosk setup.
 */
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) return;
  var $html = document.documentElement;
  var container = navigator.serviceWorker;
  if (!$html.classList.contains("kiosk-mode")) {
    if (container.controller) {
      container.getRegistrations().then(function (all) {
        all.forEach(function (r) { r.unregister(); });
      });
    }
    return;
  }
  // Our own URL tells where the site lives: <base>/assets/bundle/kiosk-….js
  var script = /** @type {HTMLScriptElement|null} */ (document.currentScript);
  var src = script && script.src ? script.src : "";
  var cut = src.indexOf("/assets/bundle/");
  if (cut < 0) return;
  var base = src.slice(0, cut);
  var UPDATE_EVERY = 5 * 60 * 1000;
  var loaded = Date.now();
  var lastInput = loaded;
  var hadController = !!container.controller;
  var reloading = false;
  /** @type {ServiceWorkerRegistration|null} */
  var registration = null;

  /** @param {string} name @param {number} fallback seconds → ms */
  function setting(name, fallback) {
    var value = Number($html.getAttribute(name));
    return (isFinite(value) && $html.hasAttribute(name) ? value : fallback) * 1000;
  }
  function onStartScreen() {
    return !!document.body && document.body.classList.contains("kiosk-page--start");
  }
  function safeMoment() {
    if ($html.classList.contains("kiosk-speaking")) return false;  // never cut a reading short
    return onStartScreen() || Date.now() - lastInput >= setting("data-offline-quiet", 15);
  }

  function tick() {
    var reg = registration;
    if (reg && reg.waiting && hadController && safeMoment()) {
      reg.waiting.postMessage({ type: "kiosk:activate" });
    }
  }

  /** @param {ServiceWorkerRegistration} reg */
  function watch(reg) {
    if (registration) return;
    registration = reg;
    $html.setAttribute("data-offline", "registered");
    window.setInterval(function () { reg.update().catch(function () { /* offline */ }); }, UPDATE_EVERY);
    window.addEventListener("online", function () { reg.update().catch(function () { /* still offline */ }); });
  }

  ["pointerdown", "keydown", "wheel", "touchstart"].forEach(function (type) {
    document.addEventListener(type, function () { lastInput = Date.now(); }, { passive: true, capture: true });
  });
  document.addEventListener("kiosk:reset", function () { lastInput = 0; tick(); });

  container.addEventListener("controllerchange", function () {
    // The first worker taking control changes nothing on screen; a new version reloads.
    if (!hadController) { hadController = true; return; }
    if (reloading) return;
    reloading = true;
    location.reload();
  });

  window.addEventListener("load", function () {
    container.getRegistration(base + "/").then(function (reg) { if (reg) watch(reg); });
    window.setInterval(function () {
      if (!registration && onStartScreen() && Date.now() - loaded >= setting("data-offline-delay", 10)) {
        loaded = Infinity;  // once
        container.register(base + "/sw.js", { scope: base + "/" }).then(watch, function () {
          $html.setAttribute("data-offline", "failed");
        });
      }
      tick();
    }, 1000);
  });
})();
