/**
 * The report page around the text: 从上次的位置继续 (the place this visitor
 * left, kept in sessionStorage, which the idle reset clears), the contents
 * landing a heading at the top of a page with a brief highlight, and the
 * "continued from the service hall" notice placed where a phone lands.
 */
(function () {
  "use strict";
  var Kiosk = window.Kiosk;
  var SENTENCES = ".kiosk-sentence[id], tr[id]";

  /** Keep scroll margins below the sticky header, whatever its height. */
  function trackHeader() {
    var $header = document.querySelector(".kiosk-header");
    if (!$header) return;
    var set = function () {
      document.documentElement.style.setProperty("--kiosk-header-height", $header.getBoundingClientRect().height + "px");
    };
    set();
    if (window.ResizeObserver) new ResizeObserver(set).observe($header);
  }

  /** @param {Element} $el */
  function flash($el) {
    $el.classList.remove("kiosk-flash");
    void /** @type {HTMLElement} */ ($el).offsetWidth;  // restart the animation
    $el.classList.add("kiosk-flash");
    window.setTimeout(function () { $el.classList.remove("kiosk-flash"); }, 2600);
  }

  Kiosk.modules["kiosk-reader"] = function ($article) {
    var key = "kiosk-place:" + ($article.getAttribute("data-slug") || "");
    var paged = function () { return document.documentElement.classList.contains("kiosk-paged"); };
    var $resume = /** @type {HTMLElement|null} */ (document.querySelector(".kiosk-js-resume"));

    /** The first sentence the reader sees. @returns {string|null} */
    function firstSeen() {
      var box = paged() ? $article.getBoundingClientRect() : { left: 0, right: window.innerWidth, top: 0, bottom: window.innerHeight };
      var $header = document.querySelector(".kiosk-header");
      var top = !paged() && $header ? $header.getBoundingClientRect().bottom : box.top;
      var $all = $article.querySelectorAll(SENTENCES);
      for (var i = 0; i < $all.length; i++) {
        var r = $all[i].getBoundingClientRect();
        if (r.right > box.left + 1 && r.left < box.right - 1 && r.bottom > top && r.top < box.bottom) return $all[i].id;
      }
      return null;
    }
    /** @param {string|null} id */
    function remember(id) {
      try { if (id) sessionStorage.setItem(key, id); } catch (e) { /* private mode: no memory */ }
    }

    /** Go to a sentence or heading: on the kiosk its page, on a phone below the header. @param {Element} $el */
    function go($el) {
      if (paged()) Kiosk.emit("kiosk:goto", { id: $el.id });
      else $el.scrollIntoView({ block: "start" });
    }

    // 从上次的位置继续: offered when this visitor opened the report before (in this session).
    var saved = null;
    try { saved = sessionStorage.getItem(key); } catch (e) { saved = null; }
    var $saved = saved ? document.getElementById(saved) : null;
    var $first = $article.querySelector(SENTENCES);
    if ($resume && $saved && $saved !== $first && !location.hash) {
      $resume.hidden = false;
      var $go = $resume.querySelector("button");
      if ($go) $go.addEventListener("click", function () {
        $resume.hidden = true;
        go(/** @type {Element} */ ($saved));
        if ($saved) flash($saved);
      });
    }

    document.addEventListener("kiosk:page", function () { remember(firstSeen()); });
    document.addEventListener("kiosk:sentence", function (e) { remember(/** @type {CustomEvent} */ (e).detail.id); });
    var timer = 0;
    window.addEventListener("scroll", function () {
      if (paged()) return;
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { remember(firstSeen()); }, 300);
    }, { passive: true });

    // Contents: the heading lands at the top of a page (a column break before
    // it), then is highlighted briefly.
    document.addEventListener("click", function (e) {
      var $a = e.target instanceof Element ? e.target.closest(".kiosk-toc a[href^='#']") : null;
      var $target = $a ? document.getElementById(($a.getAttribute("href") || "").slice(1)) : null;
      if (!$target || !$article.contains($target)) return;
      if (paged() && !$target.classList.contains("kiosk-report__heading--top")) {
        $article.querySelectorAll(".kiosk-report__heading--top").forEach(function ($h) { $h.classList.remove("kiosk-report__heading--top"); });
        $target.classList.add("kiosk-report__heading--top");
        Kiosk.emit("kiosk:relayout");
      }
      flash($target);
    }, true);  // before the page turner's own handler turns to the target

    // Arrived from the kiosk at a sentence: the notice goes right above it.
    var $notice = document.querySelector(".kiosk-js-from-kiosk");
    var $landing = location.hash ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
    if ($notice && $landing && $article.contains($landing) && !paged()) {
      $landing.parentNode.insertBefore($notice, $landing);
      var place = function () {
        var $header = document.querySelector(".kiosk-header");
        var top = $header ? $header.getBoundingClientRect().bottom : 0;
        window.scrollBy(0, /** @type {Element} */ ($notice).getBoundingClientRect().top - top - 8);
      };
      place();
      // The browser's own jump to the #fragment comes after this script: place it again then.
      if (document.readyState !== "complete") window.addEventListener("load", function () { window.setTimeout(place, 0); });
    }
  };

  document.addEventListener("DOMContentLoaded", trackHeader);
})();
