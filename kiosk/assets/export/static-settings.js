/**
 * Reading settings in a static export (`kiosk export`), where no server can set
 * the settings cookie. `kiosk export` loads this file as a plain (blocking)
 * script at the top of <head> of pages that carry `data-kiosk-export` on <html>;
 * it does nothing anywhere else (on the live server the form posts as usual).
 *
 * - Before the first paint: the saved settings (localStorage) go onto <html>.
 * - The settings panel's buttons change size, colours, line spacing and 适老版 in
 *   place — the same rules as kiosk/prefs.py Prefs.updated — and save them. It
 *   tells the page through the `kiosk:prefs` event, as the server's htmx answer does.
 * - Language: every string is written by the server, so choosing the other one
 *   posts the form to the live server (`data-kiosk-live`; the export pointed the
 *   form there) with the reader's settings, and reading carries on there; with no
 *   live server, the other language is not offered.
 * The kiosk's idle reset clears localStorage, so the next visitor starts afresh.
 */
(function () {
  "use strict";
  var $html = document.documentElement;
  if (!$html.hasAttribute("data-kiosk-export")) return;
  var KEY = "kiosk-export-prefs";
  var live = $html.getAttribute("data-kiosk-live") || "";
  var SIZES = ["1", "2", "3", "4", "5"];
  var SCHEMES = ["default", "dark", "light", "blue", "yellow"];
  var SPACINGS = ["15", "18", "20"];
  var PREF_CLASS = /^kiosk-(size|scheme|spacing)-|^kiosk-elder$/;

  /** @typedef {{size: string, scheme: string, spacing: string, elder: boolean}} Prefs */

  /** @returns {Prefs} what the page was rendered with */
  function rendered() {
    var p = { size: "2", scheme: "default", spacing: "15", elder: false };
    $html.classList.forEach(function (c) {
      var m = /^kiosk-(size|scheme|spacing)-(.+)$/.exec(c);
      if (m) p[/** @type {"size"|"scheme"|"spacing"} */ (m[1])] = m[2];
      if (c === "kiosk-elder") p.elder = true;
    });
    return p;
  }
  var DEFAULTS = rendered();

  /** @returns {Prefs|null} */
  function load() {
    try {
      var p = JSON.parse(localStorage.getItem(KEY) || "null");
      if (!p || SIZES.indexOf(String(p.size)) < 0 || SCHEMES.indexOf(p.scheme) < 0 || SPACINGS.indexOf(p.spacing) < 0) return null;
      return { size: String(p.size), scheme: p.scheme, spacing: p.spacing, elder: !!p.elder };
    } catch (e) { return null; }
  }
  /** @param {Prefs} p */
  function save(p) { try { localStorage.setItem(KEY, JSON.stringify(p)); } catch (e) { /* private mode */ } }

  /** @param {Prefs} p */
  function htmlClass(p) {
    return ["kiosk-size-" + p.size, "kiosk-scheme-" + p.scheme, "kiosk-spacing-" + p.spacing]
      .concat(p.elder ? ["kiosk-elder"] : []).join(" ");
  }
  /** @param {Prefs} p */
  function apply(p) {
    var keep = Array.prototype.filter.call($html.classList, function (c) { return !PREF_CLASS.test(c); });
    $html.className = keep.concat(htmlClass(p).split(" ")).join(" ");
  }

  /** Prefs.updated, for one button. @param {Prefs} p @param {string} name @param {string} value @returns {Prefs} */
  function updated(p, name, value) {
    var n = { size: p.size, scheme: p.scheme, spacing: p.spacing, elder: p.elder };
    if (name === "reset") return { size: "2", scheme: "default", spacing: "15", elder: false };
    if (name === "elder") {
      return value === "1" ? { size: "4", scheme: "light", spacing: "18", elder: true }
        : { size: "2", scheme: "default", spacing: "15", elder: false };
    }
    if (name === "size" && SIZES.indexOf(value) >= 0) n.size = value;
    if (name === "bigger") n.size = String(Math.min(5, Number(n.size) + 1));
    if (name === "smaller") n.size = String(Math.max(1, Number(n.size) - 1));
    if (name === "scheme" && SCHEMES.indexOf(value) >= 0) n.scheme = value;
    if (name === "spacing" && SPACINGS.indexOf(value) >= 0) n.spacing = value;
    return n;
  }

  /** The panel's buttons show the current settings. @param {Prefs} p */
  function mark(p) {
    document.querySelectorAll(".kiosk-settings__form button[name]").forEach(function ($b) {
      var b = /** @type {HTMLButtonElement} */ ($b);
      var on = null;
      if (b.name === "size") on = b.value === p.size;
      if (b.name === "scheme") on = b.value === p.scheme;
      if (b.name === "spacing") on = b.value === p.spacing;
      if (b.name === "elder") { on = p.elder; b.value = p.elder ? "0" : "1"; }
      if (b.name === "lang") {
        var here = b.value === ($html.getAttribute("lang") || "");
        on = here;
        if (!here && !live) { b.disabled = true; b.title = "需要在线服务 · needs the live service"; }
      }
      if (on !== null) b.setAttribute("aria-pressed", String(on));
    });
  }

  var current = load();
  if (current) apply(current);  // before the first paint: this script blocks in <head>
  current = current || DEFAULTS;

  document.addEventListener("DOMContentLoaded", function () { mark(current); });

  // Capture on window: runs before htmx and before the form is submitted.
  window.addEventListener("click", function (e) {
    var $t = e.target instanceof Element ? e.target.closest(".kiosk-settings__form button[name]") : null;
    if (!$t) return;
    var b = /** @type {HTMLButtonElement} */ ($t);
    if (b.name === "lang" && live && b.value !== ($html.getAttribute("lang") || "")) {
      // The form goes to the live server's /settings (the export pointed it there), with
      // the reader's settings: the server keeps them all in its cookie and carries on there.
      var form = b.form;
      if (!form) return;
      [["size", current.size], ["scheme", current.scheme], ["spacing", current.spacing]]
        .concat(current.elder ? [["elder", "1"]] : []).forEach(function (pair) {
          var $i = document.createElement("input");
          $i.type = "hidden"; $i.name = pair[0]; $i.value = pair[1];
          form.appendChild($i);
        });
      e.stopImmediatePropagation();  // the browser submits the form, not htmx
      return;
    }
    e.preventDefault();
    e.stopImmediatePropagation();
    if (b.name === "lang") return;  // this language, or no live server: nothing to do
    current = updated(current, b.name, b.value);
    save(current);
    mark(current);
    document.dispatchEvent(new CustomEvent("kiosk:prefs", { detail: { htmlClass: htmlClass(current) } }));
  }, true);
})();
