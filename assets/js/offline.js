/**
 * Offline kiosk: on kiosk pages only (<html class="kiosk-mode">), register the
 * service worker (<base>/sw.js, kiosk/static/sw.js) that keeps every report,
 * its audio and the bundles, so the kiosk still opens and reads aloud when the
 * server or the network is down.
 *
 * A new version of the content is a new worker. It installs in the background;
 * this script lets it take over only when nobody is listening to a reading and
 * the screen has been left alone for a while (or the start screen is showing),
 * then reloads the page, so the kiosk switches from one whole version to the
 * next. It asks for updates when the network comes back and every few minutes.
 * Elsewhere (phones, desktops) it removes a worker left by an earlier kiosk setup.
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
  var lastInput = Date.now();
  var hadController = !!container.controller;
  var reloading = false;

  ["pointerdown", "keydown", "wheel", "touchstart"].forEach(function (type) {
    document.addEventListener(type, function () { lastInput = Date.now(); }, { passive: true, capture: true });
  });

  function safeMoment() {
    if ($html.classList.contains("kiosk-speaking")) return false;  // never cut a reading short
    if (document.body && document.body.classList.contains("kiosk-page--start")) return true;
    var quiet = Number($html.getAttribute("data-offline-quiet") || 15) * 1000;
    return Date.now() - lastInput >= quiet;
  }

  /** @param {ServiceWorkerRegistration} reg */
  function activateWhenSafe(reg) {
    if (reg.waiting && hadController && safeMoment()) reg.waiting.postMessage({ type: "kiosk:activate" });
  }

  container.addEventListener("controllerchange", function () {
    // The first worker taking control changes nothing on screen; a new version reloads.
    if (!hadController) { hadController = true; return; }
    if (reloading) return;
    reloading = true;
    location.reload();
  });

  window.addEventListener("load", function () {
    container.register(base + "/sw.js", { scope: base + "/" }).then(function (reg) {
      $html.setAttribute("data-offline", "registered");
      window.setInterval(function () { activateWhenSafe(reg); }, 1000);
      window.setInterval(function () { reg.update().catch(function () { /* offline */ }); }, UPDATE_EVERY);
      window.addEventListener("online", function () { reg.update().catch(function () { /* still offline */ }); });
      document.addEventListener("kiosk:reset", function () { lastInput = 0; activateWhenSafe(reg); });
    }, function () { $html.setAttribute("data-offline", "failed"); });
  });
})();
