/**
 * Page turner: flows the kiosk reader into screen-sized pages (CSS columns)
 * and turns them with the big buttons, the arrow keys, or a swipe.
 * Other components ask for a page with `kiosk:goto` ({id}) and are told
 * about turns with `kiosk:page` ({page, total}).
 */
(function () {
  "use strict";
  var Kiosk = window.Kiosk;

  Kiosk.modules["kiosk-page-turner"] = function ($turner) {
    if (!Kiosk.isKiosk) return;
    // Paging needs room: a narrow or zoomed-in window scrolls instead (WCAG 1.4.10).
    if (window.innerWidth < 600) return;
    var $pages = document.getElementById($turner.getAttribute("data-target") || "");
    if (!$pages) return;
    var $prev = /** @type {HTMLButtonElement} */ ($turner.querySelector(".kiosk-js-page-prev"));
    var $next = /** @type {HTMLButtonElement} */ ($turner.querySelector(".kiosk-js-page-next"));
    var $status = $turner.querySelector(".kiosk-page-turner__status");
    var label = $turner.getAttribute("data-label") || "%(page)s / %(total)s";
    var page = 0;
    var total = 1;
    document.documentElement.classList.add("kiosk-paged");
    $turner.hidden = false;

    function step() {
      var gap = parseFloat(getComputedStyle($pages).columnGap) || 0;
      return $pages.clientWidth + gap;
    }

    function layout() {
      var $bar = document.querySelector(".kiosk-bottom-bar");
      var top = $pages.getBoundingClientRect().top + window.scrollY;
      var bottom = $bar ? $bar.getBoundingClientRect().height : 0;
      var height = Math.max(200, window.innerHeight - top - bottom - 16);
      $pages.style.setProperty("--kiosk-page-height", height + "px");
      $pages.style.setProperty("--kiosk-page-width", $pages.clientWidth + "px");
      total = Math.max(1, Math.round($pages.scrollWidth / step()));
    }

    var shownPage = -1;
    var shownTotal = -1;
    /** @param {number} n */
    function show(n) {
      page = Math.max(0, Math.min(total - 1, n));
      $pages.scrollLeft = page * step();
      $prev.disabled = page === 0;
      $next.disabled = page >= total - 1;
      if ($status) $status.textContent = label.replace("%(page)s", String(page + 1)).replace("%(total)s", String(total));
      if (page !== shownPage || total !== shownTotal) {  // only real turns are news
        shownPage = page;
        shownTotal = total;
        Kiosk.emit("kiosk:page", { page: page + 1, total: total });
      }
    }

    /** The page an element starts on (the centre of its first box). @param {Element} $el @returns {number} */
    function pageOf($el) {
      var box = $el.getClientRects()[0] || $el.getBoundingClientRect();
      var centre = box.left + Math.min(box.width, step()) / 2;
      var left = centre - $pages.getBoundingClientRect().left + $pages.scrollLeft;
      return Math.max(0, Math.floor(left / step()));
    }

    /** The first sentence on the current page: kept in view when the layout changes. */
    function anchor() {
      var $current = $pages.querySelector(".kiosk-sentence--current");
      if ($current) return $current;  // reading aloud: keep the sentence being read in view
      var $all = $pages.querySelectorAll(".kiosk-sentence, tr[id]");
      for (var i = 0; i < $all.length; i++) {
        var n = pageOf($all[i]);
        if (n === page) return $all[i];
        if (n > page) break;
      }
      return null;
    }

    var $kept = null;
    function relayout() {
      var $keep = $kept || anchor();
      $kept = null;
      layout();
      show($keep ? pageOf($keep) : page);
    }

    $prev.addEventListener("click", function () { show(page - 1); });
    $next.addEventListener("click", function () { show(page + 1); });
    document.addEventListener("keydown", function (e) {
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      var $t = /** @type {Element} */ (e.target);
      if ($t.closest && $t.closest("input, textarea, select, [role=dialog], dialog, .kiosk-settings")) return;
      if (e.key === "ArrowRight" || e.key === "PageDown") { show(page + 1); e.preventDefault(); }
      if (e.key === "ArrowLeft" || e.key === "PageUp") { show(page - 1); e.preventDefault(); }
    });
    var startX = null;
    $pages.addEventListener("pointerdown", function (e) { startX = e.clientX; });
    $pages.addEventListener("pointerup", function (e) {
      if (startX === null) return;
      var dx = e.clientX - startX;
      startX = null;
      if (Math.abs(dx) > 80) show(page + (dx < 0 ? 1 : -1));
    });
    // Focus moved by Tab onto another page: follow it.
    $pages.addEventListener("focusin", function (e) {
      var n = pageOf(/** @type {Element} */ (e.target));
      if (n !== page) show(n);
    });
    $pages.addEventListener("scroll", function () {
      var n = Math.round($pages.scrollLeft / step());
      if (n !== page) show(n);
    });
    // In-page links (contents, skip link, deep links) turn to the target's page.
    document.addEventListener("click", function (e) {
      var $a = e.target instanceof Element ? e.target.closest("a[href^='#']") : null;
      var id = $a ? ($a.getAttribute("href") || "").slice(1) : "";
      var $target = id ? document.getElementById(id) : null;
      if (!$target || !$pages.contains($target)) return;
      e.preventDefault();
      show(pageOf($target));
      if (!$target.hasAttribute("tabindex")) $target.setAttribute("tabindex", "-1");
      /** @type {HTMLElement} */ ($target).focus({ preventScroll: true });
      $pages.scrollLeft = page * step();
    });
    /**
     * The page holding the part of an element at `fraction` of its text (0 = its
     * start): a sentence longer than a page turns within itself with the audio.
     * @param {Element} $el @param {number} fraction @returns {number}
     */
    function pageAt($el, fraction) {
      var rects = Array.prototype.filter.call($el.getClientRects(), function (r) { return r.width > 0; });
      if (!rects.length) return pageOf($el);
      var total = rects.reduce(function (sum, r) { return sum + r.width; }, 0);
      var want = Math.max(0, Math.min(1, fraction || 0)) * total;
      var box = $pages.getBoundingClientRect();
      for (var i = 0; i < rects.length; i++) {
        want -= rects[i].width;
        if (want <= 0 || i === rects.length - 1) {
          var centre = rects[i].left + rects[i].width / 2 - box.left + $pages.scrollLeft;
          return Math.max(0, Math.floor(centre / step()));
        }
      }
      return page;
    }

    document.addEventListener("kiosk:goto", function (e) {
      var detail = /** @type {CustomEvent} */ (e).detail;
      var $el = detail.id && document.getElementById(detail.id);
      if ($el && $pages.contains($el)) {
        var n = pageAt($el, detail.fraction || 0);
        if (n !== page) show(n);
      }
    });
    // Settings are about to change the layout: remember what the reader sees.
    document.addEventListener("kiosk:before-relayout", function () { $kept = anchor(); });
    document.addEventListener("kiosk:relayout", relayout);
    window.addEventListener("resize", relayout);
    // The bottom bar grows when the player shows its controls: pages must shrink with it.
    var $bottomBar = document.querySelector(".kiosk-bottom-bar");
    if ($bottomBar && window.ResizeObserver) {
      var barHeight = $bottomBar.getBoundingClientRect().height;
      new ResizeObserver(function () {
        var h = $bottomBar.getBoundingClientRect().height;
        if (Math.abs(h - barHeight) > 1) { barHeight = h; relayout(); }
      }).observe($bottomBar);
    }
    if (document.fonts && document.fonts.ready) document.fonts.ready.then(relayout);
    layout();
    var hash = location.hash.slice(1);
    var $target = hash ? document.getElementById(hash) : null;
    show($target && $pages.contains($target) ? pageOf($target) : 0);
  };
})();
