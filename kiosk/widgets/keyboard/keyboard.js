/**
 * On-screen keyboard with 拼音 input, for one text field on the kiosk.
 *
 * The field keeps the focus: keys are pressed with a tap or click (their
 * mousedown is cancelled so the field never blurs), or with the keypad's arrows
 * and Enter. Letters build a composition; `data-url?q=` (our /api/ime) returns
 * candidates, each saying how many characters of the composition it consumes.
 * Words this visitor chose come first next time; they live in sessionStorage,
 * which the idle reset clears.
 */
(function () {
  "use strict";
  var Kiosk = window.Kiosk;
  var LEARNED = "kiosk-ime-learned";
  var MAX_LEARNED = 50;
  var MAX_COMPOSITION = 40;

  /** @returns {string[]} */
  function learned() {
    try { return JSON.parse(sessionStorage.getItem(LEARNED) || "[]"); } catch (e) { return []; }
  }
  /** @param {string} word */
  function learn(word) {
    var words = learned().filter(function (w) { return w !== word; });
    words.unshift(word);
    try { sessionStorage.setItem(LEARNED, JSON.stringify(words.slice(0, MAX_LEARNED))); } catch (e) { /* storage off */ }
  }

  /**
   * Learned words first within each group of candidates that consume as much.
   * @param {Array<{word: string, consumed: number}>} list
   */
  function reorder(list) {
    var known = learned();
    var rank = function (/** @type {{word: string}} */ c) {
      var i = known.indexOf(c.word);
      return i < 0 ? known.length : i;
    };
    return list
      .map(function (c, i) { return { c: c, i: i }; })
      .sort(function (a, b) {
        return (b.c.consumed - a.c.consumed) || (rank(a.c) - rank(b.c)) || (a.i - b.i);
      })
      .map(function (x) { return x.c; });
  }

  Kiosk.modules["kiosk-keyboard"] = function ($root) {
    if (!Kiosk.isKiosk) return;
    var $field = /** @type {HTMLInputElement|null} */ (document.getElementById($root.getAttribute("data-target") || ""));
    if (!$field) return;
    var $input = $field;
    var url = $root.getAttribute("data-url") || "/api/ime";
    var $composition = /** @type {HTMLElement} */ ($root.querySelector(".kiosk-js-composition"));
    var $list = /** @type {HTMLElement} */ ($root.querySelector(".kiosk-js-candidates"));
    var $prev = /** @type {HTMLElement} */ ($root.querySelector(".kiosk-js-page-prev"));
    var $next = /** @type {HTMLElement} */ ($root.querySelector(".kiosk-js-page-next"));
    var $mode = /** @type {HTMLElement} */ ($root.querySelector(".kiosk-js-mode"));
    var waitingLabel = $root.getAttribute("data-label-waiting") || "";
    var noneLabel = $root.getAttribute("data-label-none") || "";
    var composition = "";
    /** @type {Array<{word: string, consumed: number}>} */
    var candidates = [];
    var pageStarts = [0];
    var page = 0;
    var english = false;
    var request = 0;
    var retry = 0;
    var chooseWhenReady = false; // 空格 pressed before the candidates of this composition came
    /** @type {HTMLElement|null} */
    var $current = null;

    $input.setAttribute("inputmode", "none"); // no system keyboard on top of ours

    function open() {
      if (!$root.hidden) return;
      $root.hidden = false;
      document.documentElement.classList.add("kiosk-keyboard-open");
      relayout();
      $input.scrollIntoView({ block: "nearest" });
    }
    function close() {
      $root.hidden = true;
      setCurrent(null);
      document.documentElement.classList.remove("kiosk-keyboard-open");
    }
    function relayout() {
      document.documentElement.style.setProperty("--kiosk-keyboard-height", $root.offsetHeight + "px");
    }

    // --- the field --------------------------------------------------------------

    /** @param {string} text */
    function insert(text) {
      var start = $input.selectionStart == null ? $input.value.length : $input.selectionStart;
      var end = $input.selectionEnd == null ? start : $input.selectionEnd;
      var max = $input.maxLength > 0 ? $input.maxLength : Infinity;
      var value = $input.value.slice(0, start) + text + $input.value.slice(end);
      if (value.length > max) return;
      $input.value = value;
      $input.setSelectionRange(start + text.length, start + text.length);
      $input.dispatchEvent(new Event("input", { bubbles: true }));
    }
    function backspace() {
      var start = $input.selectionStart == null ? $input.value.length : $input.selectionStart;
      var end = $input.selectionEnd == null ? start : $input.selectionEnd;
      if (start === end && start > 0) start -= 1;
      $input.value = $input.value.slice(0, start) + $input.value.slice(end);
      $input.setSelectionRange(start, start);
      $input.dispatchEvent(new Event("input", { bubbles: true }));
    }

    // --- composing --------------------------------------------------------------

    /** @param {string} text */
    function setComposition(text) {
      composition = text.slice(0, MAX_COMPOSITION);
      $composition.textContent = composition;
      chooseWhenReady = false;
      candidates = [];
      page = 0;
      pageStarts = [0];
      if (!composition) { renderCandidates(); return; }
      fetchCandidates();
    }
    function fetchCandidates() {
      var mine = ++request;
      window.clearTimeout(retry);
      fetch(url + "?q=" + encodeURIComponent(composition), { credentials: "same-origin" })
        .then(function (r) {
          if (r.status === 503) throw new Error("starting");
          if (!r.ok) throw new Error(String(r.status));
          return r.json();
        })
        .then(function (data) {
          if (mine !== request) return;
          candidates = reorder(data.candidates || []);
          page = 0;
          pageStarts = [0];
          renderCandidates();
          if (!candidates.length) $composition.textContent = composition + "  " + noneLabel;
          else if (chooseWhenReady) choose(0);
        })
        .catch(function (err) {
          if (mine !== request) return;
          if (err && err.message === "starting") {
            $composition.textContent = composition + "  " + waitingLabel;
            retry = window.setTimeout(function () { if (composition) fetchCandidates(); }, 1000);
          }
        });
    }
    /** Lay out one page: as many candidates as fit on the bar. */
    function renderCandidates() {
      $list.textContent = "";
      var start = pageStarts[page] || 0;
      var shown = 0;
      for (var i = start; i < candidates.length; i++) {
        var $b = document.createElement("button");
        $b.type = "button";
        $b.className = "kiosk-keyboard__candidate";
        $b.tabIndex = -1;
        $b.textContent = candidates[i].word;
        $b.setAttribute("data-index", String(i));
        $list.appendChild($b);
        if (shown > 0 && $list.scrollWidth > $list.clientWidth) { $list.removeChild($b); break; }
        shown += 1;
      }
      pageStarts[page + 1] = start + shown;
      $list.setAttribute("data-for", candidates.length ? composition : "");
      $prev.hidden = $next.hidden = candidates.length === 0;
      toggle($prev, page > 0);
      toggle($next, start + shown < candidates.length);
      if ($current && !$root.contains($current)) setCurrent(null);
      relayout();
    }
    /** @param {HTMLElement} $b @param {boolean} on */
    function toggle($b, on) { $b.setAttribute("aria-disabled", on ? "false" : "true"); }

    /** 空格: the first candidate, as soon as the bar shows this composition's. */
    function chooseFirst() {
      if (candidates.length) choose(0);
      else if (composition) chooseWhenReady = true;
    }
    /** @param {number} index */
    function choose(index) {
      var c = candidates[index];
      if (!c) return;
      insert(c.word);
      if (/[\u3400-\u9fff]/.test(c.word)) learn(c.word);
      setComposition(composition.slice(c.consumed).replace(/^[' ]+/, ""));
    }

    // --- keys ---------------------------------------------------------------------

    /** @param {HTMLElement} $key */
    function press($key) {
      $key.classList.add("kiosk-keyboard--pressed");
      window.setTimeout(function () { $key.classList.remove("kiosk-keyboard--pressed"); }, 150);
      if ($key.classList.contains("kiosk-keyboard__candidate")) { choose(Number($key.getAttribute("data-index"))); return; }
      if ($key === $prev || $key === $next) {
        if ($key.getAttribute("aria-disabled") === "true") return;
        page += $key === $next ? 1 : -1;
        renderCandidates();
        return;
      }
      var action = $key.getAttribute("data-action");
      var value = $key.getAttribute("data-value") || "";
      if (action === "char") typeChar(value);
      else if (action === "text") { commitRaw(); insert(value); }
      else if (action === "delete") { if (composition) setComposition(composition.slice(0, -1)); else backspace(); }
      else if (action === "clear") { setComposition(""); $input.value = ""; $input.dispatchEvent(new Event("input", { bubbles: true })); }
      else if (action === "space") { if (composition) chooseFirst(); else insert(" "); }
      else if (action === "enter") enter();
      else if (action === "hide") { commitRaw(); close(); }
      else if (action === "mode") {
        commitRaw();
        english = !english;
        $mode.setAttribute("aria-pressed", english ? "true" : "false");
      } else if (action === "layer") showLayer(value);
    }
    /** @param {string} ch */
    function typeChar(ch) {
      var letter = /^[a-z']$/.test(ch);
      if (english || (!letter && !composition)) { insert(ch); return; }
      if (!composition && ch === "'") return;
      setComposition(composition + ch);
    }
    function commitRaw() {
      if (composition) { insert(composition); setComposition(""); }
    }
    function enter() {
      if (composition) { commitRaw(); return; }
      var $form = $input.form;
      if (!$form) return;
      if ($form.requestSubmit) $form.requestSubmit(); else $form.submit();
    }
    /** @param {string} name */
    function showLayer(name) {
      $root.querySelectorAll(".kiosk-js-layer").forEach(function ($layer) {
        /** @type {HTMLElement} */ ($layer).hidden = $layer.getAttribute("data-layer") !== name;
      });
      setCurrent(null);
      relayout();
    }

    // --- the keypad: arrows move a highlight, Enter presses it ---------------------

    /** @param {HTMLElement|null} $el */
    function setCurrent($el) {
      if ($current) $current.classList.remove("kiosk-keyboard--current");
      $current = $el;
      if ($current) $current.classList.add("kiosk-keyboard--current");
    }
    function visibleKeys() {
      return Array.prototype.filter.call($root.querySelectorAll("button"), function (/** @type {HTMLElement} */ $b) {
        return $b.offsetParent !== null && !$b.closest("[hidden]");
      });
    }
    /** @param {string} key */
    function move(key) {
      var $all = visibleKeys();
      if (!$all.length) return;
      if (!$current || $all.indexOf($current) < 0) { setCurrent($all[0]); return; }
      var here = $current.getBoundingClientRect();
      var cx = here.left + here.width / 2, cy = here.top + here.height / 2;
      var best = null, bestScore = Infinity;
      $all.forEach(function (/** @type {HTMLElement} */ $b) {
        if ($b === $current) return;
        var r = $b.getBoundingClientRect();
        var x = r.left + r.width / 2, y = r.top + r.height / 2;
        var dx = x - cx, dy = y - cy;
        var sameRow = Math.abs(dy) < here.height / 2;
        var ok = key === "ArrowLeft" ? sameRow && dx < 0 : key === "ArrowRight" ? sameRow && dx > 0
          : key === "ArrowUp" ? dy < -here.height / 2 : dy > here.height / 2;
        if (!ok) return;
        var score = key === "ArrowLeft" || key === "ArrowRight" ? Math.abs(dx) : Math.abs(dy) * 4 + Math.abs(dx);
        if (score < bestScore) { bestScore = score; best = $b; }
      });
      if (best) setCurrent(best);
    }

    // --- events -----------------------------------------------------------------------

    // Keep the focus in the field: a key's mousedown must not move it.
    $root.addEventListener("mousedown", function (e) { e.preventDefault(); });
    $root.addEventListener("click", function (e) {
      var $key = /** @type {Element} */ (e.target).closest("button");
      if (!$key || !$root.contains($key)) return;
      press(/** @type {HTMLElement} */ ($key));
      if (document.activeElement !== $input && !$root.hidden) $input.focus({ preventScroll: true });
    });
    $input.addEventListener("focus", open);
    $input.addEventListener("click", open);
    $input.addEventListener("keydown", function (e) {
      // A key the page already used (语音导览's keys) is not typed.
      if ($root.hidden || e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
      var key = e.key;
      if (/^Arrow/.test(key)) { e.preventDefault(); move(key); return; }
      if (key === "Enter" && $current) { e.preventDefault(); press($current); return; }
      if (key === "Escape") { e.preventDefault(); commitRaw(); close(); return; }
      if (english) return;
      if (/^[a-zA-Z']$/.test(key) || (composition && /^[0-9]$/.test(key))) {
        e.preventDefault();
        typeChar(key.toLowerCase());
      } else if (composition && key === "Backspace") {
        e.preventDefault();
        setComposition(composition.slice(0, -1));
      } else if (composition && key === " ") {
        e.preventDefault();
        chooseFirst();
      } else if (composition && key === "Enter") {
        e.preventDefault();
        commitRaw();
      }
    });
    window.addEventListener("resize", function () { if (!$root.hidden) { page = 0; pageStarts = [0]; renderCandidates(); } });
    document.addEventListener("kiosk:relayout", function () { if (!$root.hidden) relayout(); });
    // The idle reset forgets this visitor: the composition, the field and the words learned.
    document.addEventListener("kiosk:reset", function () {
      setComposition("");
      $input.value = "";
      try { sessionStorage.removeItem(LEARNED); } catch (e) { /* storage off */ }
      close();
    });
    if (document.activeElement === $input) open();
  };
})();
