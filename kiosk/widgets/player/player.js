/**
 * Spoken mode. The big 朗读 button reads the report from the chosen (or first
 * visible) sentence; 上一句 / 下一句 in the compact row, 重读, three speeds and
 * volume under 更多. The sentence being read is highlighted and kept wholly in
 * view: on the kiosk the page turns with it (`kiosk:goto` {id, fraction}, sent
 * again as the audio moves through a sentence longer than a page); on a phone
 * the page scrolls. Tapping a sentence (or Enter on it: the text has one tab
 * stop, ↑ ↓ move sentence by sentence) chooses where to read from. Any other
 * action pauses; navigation and the idle reset stop it. Never starts by itself.
 * The live region speaks only when the audio does not (loading, paused,
 * volume, finished).
 */
(function () {
  "use strict";
  /** A rough length of speech per character, for a sentence whose audio is still being made. */
  var SECONDS_PER_CHAR = 0.25;
  var Kiosk = window.Kiosk;
  var SENTENCES = ".kiosk-sentence, .kiosk-report__table tr[id]";

  Kiosk.modules["kiosk-player"] = function ($root) {
    var $main = /** @type {HTMLButtonElement} */ ($root.querySelector(".kiosk-js-player-main"));
    var $status = $root.querySelector(".kiosk-player__status");
    var $position = $root.querySelector(".kiosk-player__position");
    var $more = /** @type {HTMLElement} */ ($root.querySelector(".kiosk-player__more"));
    var $moreButton = $root.querySelector(".kiosk-js-player-more");
    var $volumeLevel = $root.querySelector(".kiosk-js-player-volume-level");
    var format = $root.getAttribute("data-format") || "mp3";
    var labels = {
      play: $root.getAttribute("data-label-play"), pause: $root.getAttribute("data-label-pause"),
      resume: $root.getAttribute("data-label-resume"), fromHere: $root.getAttribute("data-label-from-here"),
      status: $root.getAttribute("data-label-status") || "%(n)s / %(total)s",
      paused: $root.getAttribute("data-label-paused") || "%(n)s / %(total)s",
      volume: $root.getAttribute("data-label-volume") || "%(n)s / 5",
      loading: $root.getAttribute("data-label-loading"), unavailable: $root.getAttribute("data-label-unavailable"),
      finished: $root.getAttribute("data-label-finished")
    };
    /** @type {Array<{id: string, text: string, spoken: string, duration: ?number, audio: Object<string, string>}>} */
    var sentences = [];
    var speed = "normal";
    var index = 0;
    var playing = false;
    var started = false;
    var volume = 3;  // of 5: a middle level to start, announced when changed
    var audio = new Audio();
    audio.volume = volume / 5;
    var prefetch = new Audio();
    prefetch.preload = "auto";
    var reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    $root.hidden = false;

    var sayTimer = 0;
    /** @param {string} text @param {boolean=} brief cleared after a few seconds (it floats over the text) */
    function say(text, brief) {
      window.clearTimeout(sayTimer);
      if ($status) $status.textContent = text || "";
      if (brief) sayTimer = window.setTimeout(function () { if ($status) $status.textContent = ""; }, 6000);
    }
    /** @param {string} template @param {number} n */
    function fill(template, n) {
      return template.replace("%(n)s", String(n)).replace("%(total)s", String(sentences.length));
    }
    function paged() { return document.documentElement.classList.contains("kiosk-paged"); }

    function load() {
      say(labels.loading || "");
      // speech-<speed>.json: a plain file name, so static exports serve it too.
      var url = ($root.getAttribute("data-speech") || "").replace(/speech\.json$/, "speech-" + speed + ".json");
      // 女声/男声 from the reading settings (static exports have the default voice only).
      var voice = $root.getAttribute("data-voice");
      if (voice) url += "?voice=" + encodeURIComponent(voice);
      return fetch(url)
        .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
        .then(function (data) {
          if (!data.available) throw new Error("unavailable");
          sentences = data.sentences;
          say("");
          return sentences;
        });
    }

    /**
     * The first sentence that starts on screen: reading starts where the reader
     * is, without turning back to a sentence begun on the page before.
     */
    function firstVisible() {
      var $pages = document.getElementById("kiosk-pages");
      var view = viewport();
      var box = $pages && paged()
        ? $pages.getBoundingClientRect()
        : { left: 0, right: window.innerWidth, top: view.top, bottom: view.bottom };
      for (var i = 0; i < sentences.length; i++) {
        var $s = element(i);
        if (!$s) continue;
        var r = $s.getClientRects()[0] || $s.getBoundingClientRect();
        if (r.left >= box.left - 1 && r.right <= box.right + 1 && r.top >= box.top - 1 && r.bottom <= box.bottom + 1) return i;
      }
      return 0;
    }

    /** @param {number} i */
    function element(i) { return sentences[i] ? document.getElementById(sentences[i].id) : null; }

    /** The strip of the window between the sticky bars (a phone). */
    function viewport() {
      var top = 0;
      var bottom = window.innerHeight;
      var $header = document.querySelector(".kiosk-header");
      var $bar = $root.closest(".kiosk-player-bar, .kiosk-bottom-bar");
      if ($header && getComputedStyle($header).position !== "static") top = Math.max(0, $header.getBoundingClientRect().bottom);
      if ($bar && getComputedStyle($bar).position !== "static") bottom = Math.min(bottom, $bar.getBoundingClientRect().top);
      return { top: top, bottom: bottom };
    }

    /**
     * Keep the part being heard in view. fraction: how far the audio is through the sentence.
     * @param {Element} $el @param {number} fraction
     */
    function follow($el, fraction) {
      if (paged()) { Kiosk.emit("kiosk:goto", { id: $el.id, fraction: fraction }); return; }
      var view = viewport();
      var r = $el.getBoundingClientRect();
      var room = view.bottom - view.top;
      var behavior = reduceMotion ? "auto" : "smooth";
      if (r.height <= room - 16) {
        if (r.top >= view.top && r.bottom <= view.bottom) return;  // wholly on screen already
        window.scrollBy({ top: r.top - view.top - Math.max(8, (room - r.height) / 3), behavior: behavior });
        return;
      }
      // Taller than the screen: the line being heard, a little below the header.
      var line = r.top + r.height * fraction;
      if (line < view.top + 8 || line > view.bottom - room / 4) {
        window.scrollBy({ top: line - view.top - 8, behavior: behavior });
      }
    }

    /**
     * Seconds of sentence i: the audio's own length, or while it is still being made
     * (streamed, length unknown) speech.json's, or else a guess from its spoken length.
     * @param {number} i
     */
    function lengthOf(i) {
      if (isFinite(audio.duration) && audio.duration > 0) return audio.duration;
      var s = sentences[i];
      if (!s) return 0;
      return s.duration || (s.spoken || s.text || "").length * SECONDS_PER_CHAR;
    }

    /** @param {number} i */
    function highlight(i) {
      document.querySelectorAll(".kiosk-sentence--current").forEach(function ($e) { $e.classList.remove("kiosk-sentence--current"); });
      var $el = element(i);
      if (!$el) return;
      $el.classList.add("kiosk-sentence--current");
      Kiosk.emit("kiosk:sentence", { id: sentences[i].id });
      follow($el, 0);
    }

    function render() {
      $main.textContent = playing ? labels.pause : (started ? labels.resume : labels.play);
      document.documentElement.classList.toggle("kiosk-speaking", started);
      $root.classList.toggle("kiosk-player--started", started || sentences.length > 0);
      $root.classList.toggle("kiosk-player--playing", playing);
      if ($position && sentences.length) $position.textContent = fill(labels.status, index + 1);
    }

    /** @param {boolean} open */
    function expand(open) {
      if (!$more || !$moreButton) return;
      $more.hidden = !open;
      $moreButton.setAttribute("aria-expanded", String(open));
    }

    /** @param {number} i */
    function play(i) {
      if (i < 0) i = 0;
      if (i >= sentences.length) { stop(); say(labels.finished); return; }
      index = i;
      started = true;
      playing = true;
      say("");  // silent while the audio speaks
      highlight(i);
      audio.src = sentences[i].audio[format];
      audio.play().catch(failed);
      var next = sentences[i + 1];
      if (next) prefetch.src = next.audio[format];
      render();
    }

    /**
     * A play() that failed — except one cut short by the next sentence (AbortError).
     * @param {Error} err
     */
    function failed(err) {
      if (err && err.name === "AbortError") return;
      playing = false;
      render();
    }

    function pause() {
      if (!playing) return;
      playing = false; audio.pause(); expand(false); render();
      say(fill(labels.paused, index + 1), true);
    }
    function stop() {
      playing = false; started = false; audio.pause(); expand(false);
      document.querySelectorAll(".kiosk-sentence--current").forEach(function ($e) { $e.classList.remove("kiosk-sentence--current"); });
      render();
    }

    /** @param {function(): void} then */
    function withSentences(then) {
      if (sentences.length) { then(); return; }
      load().then(then, function () { stop(); say(labels.unavailable); });
    }

    audio.addEventListener("ended", function () { if (playing) play(index + 1); });
    audio.addEventListener("timeupdate", function () {
      Kiosk.emit("kiosk:speaking");
      var $el = element(index);
      var total = lengthOf(index);
      if (playing && $el && total > 0) follow($el, Math.min(1, audio.currentTime / total));
    });
    audio.addEventListener("error", function () {
      if (!playing) return;
      playing = false; render(); say(labels.unavailable);
    });

    /** Read from a sentence (when speaking), or choose it for the next 朗读. @param {Element} $s */
    function choose($s) {
      if (playing) {
        withSentences(function () {
          var at = sentences.findIndex(function (s) { return s.id === $s.id; });
          if (at >= 0) play(at);
        });
        return;
      }
      document.querySelectorAll(".kiosk-sentence--chosen").forEach(function ($e) { $e.classList.remove("kiosk-sentence--chosen"); });
      $s.classList.add("kiosk-sentence--chosen");
      $main.textContent = labels.fromHere;
      Kiosk.emit("kiosk:sentence", { id: $s.id });  // the QR code follows the tap
    }

    $main.addEventListener("click", function () {
      if (playing) { pause(); return; }
      withSentences(function () {
        var $chosen = document.querySelector(".kiosk-sentence--chosen");
        if ($chosen) {
          $chosen.classList.remove("kiosk-sentence--chosen");
          var at = sentences.findIndex(function (s) { return s.id === $chosen.id; });
          play(at < 0 ? 0 : at);
        } else if (started && audio.src && !audio.ended) {
          playing = true; say(""); audio.play().catch(failed); render();
        } else {
          play(started ? index : firstVisible());
        }
      });
    });
    $root.querySelector(".kiosk-js-player-prev").addEventListener("click", function () { withSentences(function () { play(index - 1); }); });
    $root.querySelector(".kiosk-js-player-next").addEventListener("click", function () { withSentences(function () { play(index + 1); }); });
    $root.querySelector(".kiosk-js-player-repeat").addEventListener("click", function () { withSentences(function () { play(index); }); });
    if ($moreButton) $moreButton.addEventListener("click", function () { expand(!!$more && $more.hidden); });
    $root.querySelectorAll(".kiosk-js-player-speed").forEach(function ($b) {
      $b.addEventListener("click", function () {
        speed = $b.getAttribute("data-speed") || "normal";
        $root.querySelectorAll(".kiosk-js-player-speed").forEach(function ($o) { $o.setAttribute("aria-pressed", String($o === $b)); });
        var wasPlaying = playing;
        audio.pause();
        sentences = [];
        withSentences(function () { if (wasPlaying) play(index); else render(); });
      });
    });
    $root.querySelectorAll(".kiosk-js-player-volume").forEach(function ($b) {
      $b.addEventListener("click", function () {
        volume = Math.max(1, Math.min(5, volume + Number($b.getAttribute("data-step"))));
        audio.volume = volume / 5;
        var text = labels.volume.replace("%(n)s", String(volume));
        if ($volumeLevel) $volumeLevel.textContent = text;
        if (!playing) say(text, true);  // announced, unless it would talk over the reading
      });
    });

    // The text has one tab stop (roving tabindex): ↑ ↓ move by sentence, Enter reads from there.
    var $roving = null;
    /** @param {Element|null} $s */
    function rove($s) {
      if (!$s || $s === $roving) return;
      if ($roving) $roving.setAttribute("tabindex", "-1");
      $s.setAttribute("tabindex", "0");
      $roving = $s;
    }
    var $all = document.querySelectorAll(SENTENCES);
    $all.forEach(function ($s) { $s.setAttribute("tabindex", "-1"); });
    rove($all[0] || null);
    document.addEventListener("kiosk:page", function () {
      // The text's tab stop is on the page the reader sees.
      if (document.activeElement && document.activeElement.matches(SENTENCES)) return;
      var $pages = document.getElementById("kiosk-pages");
      if (!$pages) return;
      var box = $pages.getBoundingClientRect();
      for (var i = 0; i < $all.length; i++) {
        var r = $all[i].getBoundingClientRect();
        if (r.right > box.left + 1 && r.left < box.right - 1) { rove($all[i]); return; }
      }
    });
    document.addEventListener("keydown", function (e) {
      var $t = e.target instanceof Element ? e.target : null;
      if (!$t || !$t.matches(SENTENCES) || e.altKey || e.ctrlKey || e.metaKey) return;
      var at = Array.prototype.indexOf.call($all, $t);
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); choose($t); return; }
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        var $to = $all[at + (e.key === "ArrowDown" ? 1 : -1)];
        if ($to) { e.preventDefault(); rove($to); /** @type {HTMLElement} */ ($to).focus(); }
      }
    });

    // Tap a sentence: read from there (now if speaking, else on the next 朗读).
    document.addEventListener("click", function (e) {
      var $t = e.target instanceof Element ? e.target : null;
      var $s = $t && !$t.closest("a, button") ? $t.closest(SENTENCES) : null;
      if ($s) choose($s);
    });
    // Any other action interrupts: a touch or key outside the player and the text.
    document.addEventListener("pointerdown", function (e) {
      var $t = e.target instanceof Element ? e.target : null;
      if (!playing || !$t || $root.contains($t) || $t.closest(SENTENCES)) return;
      pause();
    }, true);
    document.addEventListener("keydown", function (e) {
      var $t = e.target instanceof Element ? e.target : null;
      var pressingPlayer = $t && $root.contains($t) && (e.key === "Enter" || e.key === " " || e.key === "Tab");
      var onText = $t && $t.matches(SENTENCES) && /^(Enter| |ArrowUp|ArrowDown|Tab)$/.test(e.key);
      if (playing && !pressingPlayer && !onText) pause();  // page keys and others interrupt
    }, true);
    document.addEventListener("kiosk:reset", stop);
    window.addEventListener("pagehide", stop);
    render();
    say("");
  };
})();
