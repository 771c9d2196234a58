/**
 * QR card: keeps the hand-off code on the reader's place. When the page turner
 * turns a page (`kiosk:page`) or the player moves to a sentence
 * (`kiosk:sentence`), or the reading settings change (`kiosk:prefs`), it fetches
 * `data-endpoint?at=<id>[&speak=1]` (an SVG made by our server for this
 * visitor's settings) and swaps it in, with the link beneath. On any error the
 * previous code stays: it still opens the report.
 */
(function () {
  "use strict";
  var Kiosk = window.Kiosk;

  Kiosk.modules["kiosk-qr-card"] = function ($root) {
    var endpoint = $root.getAttribute("data-endpoint");
    var $code = $root.querySelector(".kiosk-js-qr-code");
    var $link = $root.querySelector(".kiosk-js-qr-link");
    if (!endpoint || !$code) return;
    var wait = Number($root.getAttribute("data-delay") || 600);
    /** @type {string|null} */
    var at = null;
    var shown = "";
    var timer = 0;
    var request = 0;

    /** The first sentence (or table row) on the visible page of the paged reader. */
    function firstOnPage() {
      var $pages = document.querySelector(".kiosk-js-pages");
      if (!$pages) return null;
      var box = $pages.getBoundingClientRect();
      var $all = $pages.querySelectorAll(".kiosk-sentence[id], tr[id]");
      for (var i = 0; i < $all.length; i++) {
        var r = $all[i].getBoundingClientRect();
        if (r.right > box.left + 1 && r.left < box.right - 1 && r.bottom > box.top && r.top < box.bottom) {
          return $all[i].id;
        }
      }
      return null;
    }

    /** @param {string} url */
    function query(url) {
      var speaking = document.documentElement.classList.contains("kiosk-speaking");
      var params = [];
      if (at) params.push("at=" + encodeURIComponent(at));
      if (speaking) params.push("speak=1");
      return url + (params.length ? "?" + params.join("&") : "");
    }

    /** @param {boolean} force */
    function refresh(force) {
      var url = query(endpoint);
      if (url === shown && !force) return;
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var mine = ++request;
        fetch(url, { credentials: "same-origin" })
          .then(function (r) {
            if (!r.ok) throw new Error(String(r.status));
            var link = r.headers.get("X-Handoff-Link");
            return r.text().then(function (text) { return { text: text, link: link }; });
          })
          .then(function (res) {
            if (mine !== request) return;  // a newer place was asked for meanwhile
            var doc = new DOMParser().parseFromString(res.text, "image/svg+xml");
            var $svg = doc.documentElement;
            if (!$svg || $svg.localName !== "svg" || doc.querySelector("parsererror, script, foreignObject")) return;
            $code.replaceChildren(document.importNode($svg, true));
            if (res.link && $link) {
              // The code on a line of its own when the address wraps, as the server writes it.
              var cut = res.link.lastIndexOf("/r/");
              $link.textContent = cut < 0 ? res.link : res.link.slice(0, cut + 3);
              if (cut >= 0) $link.append(document.createElement("wbr"), res.link.slice(cut + 3));
              if ($link.hasAttribute("href")) $link.setAttribute("href", res.link);
            }
            shown = url;
          })
          .catch(function () { /* keep the code shown: it still opens the report */ });
      }, wait);
    }

    shown = query(endpoint);  // what the server rendered: the report's start
    document.addEventListener("kiosk:sentence", function (e) {
      var detail = /** @type {CustomEvent} */ (e).detail || {};
      if (typeof detail.id !== "string") return;
      at = detail.id;
      refresh(false);
    });
    /** Whether the sentence the code carries is on the page shown. */
    function atOnPage() {
      var $at = at ? document.getElementById(at) : null;
      var $pages = document.querySelector(".kiosk-js-pages");
      if (!$at || !$pages) return false;
      var box = $pages.getBoundingClientRect();
      var r = $at.getBoundingClientRect();
      return r.right > box.left + 1 && r.left < box.right - 1;
    }
    document.addEventListener("kiosk:page", function () {
      // Listening, or a sentence tapped on this page: the place is that sentence,
      // not the top of the page.
      if (document.documentElement.classList.contains("kiosk-speaking") || atOnPage()) return;
      at = firstOnPage();
      refresh(false);
    });
    // New settings: the cookie changed, and with it the code.
    document.addEventListener("kiosk:prefs", function () { refresh(true); });
    document.addEventListener("kiosk:reset", function () { window.clearTimeout(timer); request++; });
  };
})();

/**
 * The QR panel: the toolbar's 手机扫码 opens the card over the reader (the card
 * keeps following the reading while closed); Close, Escape or a touch outside
 * closes it and focus returns to the toolbar.
 */
(function () {
  "use strict";
  var Kiosk = window.Kiosk;
  Kiosk.modules["kiosk-qr-panel"] = function ($panel) {
    var $openers = document.querySelectorAll(".kiosk-js-qr-open");
    /** @param {boolean} open */
    function toggle(open) {
      $panel.classList.toggle("kiosk-qr-panel--open", open);
      // Modal: keyboard focus stays in the panel while it is open.
      Kiosk.modal($panel, open);
      $openers.forEach(function ($o) { $o.setAttribute("aria-expanded", String(open)); });
      if (open) $panel.focus();
      else if ($openers[0]) /** @type {HTMLElement} */ ($openers[0]).focus();
    }
    $openers.forEach(function ($o) {
      $o.addEventListener("click", function (e) {
        e.preventDefault();
        toggle(!$panel.classList.contains("kiosk-qr-panel--open"));
      });
    });
    var $close = $panel.querySelector(".kiosk-js-qr-close");
    if ($close) $close.addEventListener("click", function () { toggle(false); });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && $panel.classList.contains("kiosk-qr-panel--open")) { toggle(false); e.preventDefault(); }
    }, true);
    document.addEventListener("pointerdown", function (e) {
      var $t = e.target instanceof Element ? e.target : null;
      if (!$t || !$panel.classList.contains("kiosk-qr-panel--open")) return;
      if (!$panel.contains($t) && !$t.closest(".kiosk-js-qr-open")) toggle(false);
    }, true);
    document.addEventListener("kiosk:reset", function () { toggle(false); });
  };
})();
