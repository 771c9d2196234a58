/**
 * Settings panel: opened by any `.kiosk-js-settings-open` control, closed by
 * its Close button or Escape. Changes are posted by htmx; the server answers
 * with the new panel and a `kiosk:prefs` event carrying the classes for <html>.
 */
(function () {
  "use strict";
  var Kiosk = window.Kiosk;

  /** @param {boolean} open */
  function toggle(open) {
    var $panel = document.getElementById("kiosk-settings");
    if (!$panel) return;
    $panel.hidden = !open;
    if ($panel.getAttribute("role") === "dialog") Kiosk.modal($panel, open);
    document.querySelectorAll(".kiosk-js-settings-open").forEach(function ($b) {
      $b.setAttribute("aria-expanded", String(open));
    });
    if (open) $panel.focus();
  }

  Kiosk.modules["kiosk-settings"] = function ($root) {
    // Over a page it is a modal dialog; on /settings and the patterns page it is the page.
    if (!document.body.classList.contains("kiosk-page--settings") && !$root.closest(".kiosk-pattern")) {
      $root.setAttribute("role", "dialog");
      $root.setAttribute("aria-modal", "true");
      if (!$root.hidden) Kiosk.modal($root, true);  // swapped in by htmx while open
    }
    var $close = $root.querySelector(".kiosk-js-settings-close");
    if ($close) $close.addEventListener("click", function () {
      toggle(false);
      var $opener = document.querySelector(".kiosk-js-settings-open");
      if ($opener) /** @type {HTMLElement} */ ($opener).focus();
    });
    // After an htmx swap the new panel keeps focus where the reader was.
    if (!$root.hidden && document.activeElement === document.body) $root.focus();
  };

  document.addEventListener("click", function (e) {
    var $t = e.target instanceof Element ? e.target.closest(".kiosk-js-settings-open") : null;
    if (!$t) return;
    e.preventDefault();
    var $panel = document.getElementById("kiosk-settings");
    toggle(!!$panel && $panel.hidden);
  });
  // A touch outside the open panel closes it (the page underneath stays as it was).
  document.addEventListener("pointerdown", function (e) {
    var $panel = document.getElementById("kiosk-settings");
    var $t = e.target instanceof Element ? e.target : null;
    if (!$panel || $panel.hidden || !$t || document.body.classList.contains("kiosk-page--settings")) return;
    if ($panel.contains($t) || $t.closest(".kiosk-js-settings-open")) return;
    toggle(false);
  }, true);
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") {
      var $panel = document.getElementById("kiosk-settings");
      if ($panel && !$panel.hidden && !document.body.classList.contains("kiosk-page--settings")) { toggle(false); e.preventDefault(); }
    }
  }, true);
  document.addEventListener("kiosk:reset", function () { toggle(false); });
})();
