/**
 * Kiosk core: a registry of components and their start-up.
 *
 * A component registers `Kiosk.modules["kiosk-name"] = function ($root) {…}`;
 * every element with `data-module="kiosk-name"` is initialised once.
 * Translatable strings come from the templates as data attributes.
 */
(function () {
  "use strict";

  /** @type {{modules: Object<string, function(HTMLElement): void>, isKiosk: boolean, emit: function(string, Object=): void, init: function(ParentNode=): void}} */
  var Kiosk = {
    modules: {},
    isKiosk: document.documentElement.classList.contains("kiosk-mode"),
    /**
     * Dispatch a kiosk event on the document.
     * @param {string} name
     * @param {Object=} detail
     */
    emit: function (name, detail) {
      document.dispatchEvent(new CustomEvent(name, { detail: detail || {} }));
    },
    /**
     * Initialise every component below `scope` that is not yet initialised.
     * @param {ParentNode=} scope
     */
    init: function (scope) {
      var $elements = (scope || document).querySelectorAll("[data-module]");
      $elements.forEach(function ($el) {
        var name = $el.getAttribute("data-module");
        var start = Kiosk.modules[name];
        if (!start || $el.hasAttribute("data-module-started")) return;
        $el.setAttribute("data-module-started", "");
        start(/** @type {HTMLElement} */ ($el));
      });
    }
  };
  window.Kiosk = Kiosk;
  document.documentElement.classList.add("kiosk-js");

  document.addEventListener("DOMContentLoaded", function () {
    Kiosk.init();
    if (Kiosk.isKiosk) {
      // Touch screens: long-press menus and stray text selection get in the way.
      document.addEventListener("contextmenu", function (e) { e.preventDefault(); });
    }
  });
  // Keypad: "?" opens help; Escape goes back when nothing else claims it.
  document.addEventListener("keydown", function (e) {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
    var $t = /** @type {Element} */ (e.target);
    if ($t.closest && $t.closest("input, textarea, select")) return;
    if (e.key === "?" && location.pathname !== "/help") { location.href = "/help"; }
    if (e.key === "Escape" && Kiosk.isKiosk && !document.querySelector("dialog[open]")) {
      // Up one level, as 返回 does; never history.back(): the history may hold the last visitor's pages.
      var $back = document.querySelector(".kiosk-js-back");
      var up = $back && $back.getAttribute("href");
      if (up) location.href = up;
    }
  });
  /**
   * Make a panel modal: everything else in the body is inert (focus and touch
   * stay in the panel), except the idle dialog, which must still be able to ask.
   * @param {HTMLElement} $panel
   * @param {boolean} open
   */
  Kiosk.modal = function ($panel, open) {
    Array.prototype.forEach.call(document.body.children, function ($el) {
      if ($el === $panel || $el.contains($panel) || $el.localName === "dialog" || $el.localName === "script") return;
      if (open) $el.setAttribute("inert", ""); else $el.removeAttribute("inert");
    });
    modalPanel = open ? $panel : (modalPanel === $panel ? null : modalPanel);
  };
  /** @type {HTMLElement|null} */
  var modalPanel = null;
  // Tab past the last control of an open panel comes back to its first (and Shift+Tab the other way).
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Tab" || !modalPanel || !modalPanel.isConnected) return;
    var $all = Array.prototype.filter.call(
      modalPanel.querySelectorAll("a[href], button:not([disabled]), input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex='-1'])"),
      function ($el) { return $el.getClientRects().length > 0; });
    if (!$all.length) return;
    var first = $all[0], last = $all[$all.length - 1], active = document.activeElement;
    var inside = modalPanel.contains(active);
    if (e.shiftKey && (active === first || active === modalPanel || !inside)) { last.focus(); e.preventDefault(); }
    else if (!e.shiftKey && (active === last || !inside)) { first.focus(); e.preventDefault(); }
  });
  // Fragments swapped in by htmx bring their own components.
  document.addEventListener("htmx:after:swap", function (e) {
    var target = e.target instanceof Element ? e.target : document;
    Kiosk.init(target.parentNode || document);
  });
  // Settings changed through htmx: the server names the new classes for <html>.
  document.addEventListener("kiosk:prefs", function (e) {
    var detail = /** @type {CustomEvent} */ (e).detail || {};
    if (typeof detail.htmlClass !== "string") return;
    var $html = document.documentElement;
    Kiosk.emit("kiosk:before-relayout");
    var keep = Array.prototype.filter.call($html.classList, function (c) {
      return !/^kiosk-(size|scheme|spacing)-|^kiosk-elder$/.test(c);
    });
    $html.className = keep.concat(detail.htmlClass.split(" ")).join(" ");
    Kiosk.emit("kiosk:relayout");
  });
})();
