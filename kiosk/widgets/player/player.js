/**
 * Spoken mode. The big 朗读 button reads the report from the chosen (or first)
 * sentence; 上一句 / 重读 / 下一句, three speeds and volume. The sentence being
 * read is highlighted and kept in view (on the kiosk the page turns with it).
 * Tapping a sentence chooses where to read from. Any other action pauses;
 * navigation and the idle reset stop it. Never starts by itself.
 */
(function () {
  "use strict";
  var Kiosk = window.Kiosk;

  Kiosk.modules["kiosk-player"] = function ($root) {
    var $main = /** @type {HTMLButtonElement} */ ($root.querySelector(".kiosk-js-player-main"));
    var $status = $root.querySelector(".kiosk-player__status");
    var format = $root.getAttribute("data-format") || "mp3";
    var labels = {
      play: $root.getAttribute("data-label-play"), pause: $root.getAttribute("data-label-pause"),
      resume: $root.getAttribute("data-label-resume"), fromHere: $root.getAttribute("data-label-from-here"),
      status: $root.getAttribute("data-label-status") || "%(n)s / %(total)s",
      loading: $root.getAttribute("data-label-loading"), unavailable: $root.getAttribute("data-label-unavailable"),
      finished: $root.getAttribute("data-label-finished")
    };
    /** @type {Array<{id: string, audio: Object<string, string>}>} */
    var sentences = [];
    var speed = "normal";
    var index = 0;
    var playing = false;
    var started = false;
    var audio = new Audio();
    var prefetch = new Audio();
    prefetch.preload = "auto";
    var reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    $root.hidden = false;

    /** @param {string} text */
    function say(text) { if ($status) $status.textContent = text || ""; }

    function load() {
      say(labels.loading || "");
      // speech-<speed>.json: a plain file name, so static exports serve it too.
      var url = ($root.getAttribute("data-speech") || "").replace(/speech\.json$/, "speech-" + speed + ".json");
      return fetch(url)
        .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
        .then(function (data) {
          if (!data.available) throw new Error("unavailable");
          sentences = data.sentences;
          return sentences;
        });
    }

    /** The first sentence the reader can see: reading starts where they are. */
    function firstVisible() {
      var $pages = document.getElementById("kiosk-pages");
      var box = $pages && document.documentElement.classList.contains("kiosk-paged")
        ? $pages.getBoundingClientRect()
        : { left: 0, right: window.innerWidth, top: 0, bottom: window.innerHeight };
      for (var i = 0; i < sentences.length; i++) {
        var $s = element(i);
        if (!$s) continue;
        var r = $s.getBoundingClientRect();
        if (r.right > box.left + 1 && r.left < box.right - 1 && r.bottom > box.top && r.top < box.bottom) return i;
      }
      return 0;
    }

    /** @param {number} i */
    function element(i) { return sentences[i] ? document.getElementById(sentences[i].id) : null; }

    /** @param {number} i */
    function highlight(i) {
      document.querySelectorAll(".kiosk-sentence--current").forEach(function ($e) { $e.classList.remove("kiosk-sentence--current"); });
      var $el = element(i);
      if (!$el) return;
      $el.classList.add("kiosk-sentence--current");
      Kiosk.emit("kiosk:sentence", { id: sentences[i].id });
      if (document.documentElement.classList.contains("kiosk-paged")) {
        Kiosk.emit("kiosk:goto", { id: sentences[i].id });
      } else {
        $el.scrollIntoView({ block: "center", behavior: reduceMotion ? "auto" : "smooth" });
      }
    }

    function render() {
      $main.textContent = playing ? labels.pause : (started ? labels.resume : labels.play);
      $main.setAttribute("aria-pressed", String(playing));
      document.documentElement.classList.toggle("kiosk-speaking", started);
      $root.classList.toggle("kiosk-player--started", started || sentences.length > 0);
      if (sentences.length && started) {
        say(labels.status.replace("%(n)s", String(index + 1)).replace("%(total)s", String(sentences.length)));
      }
    }

    /** @param {number} i */
    function play(i) {
      if (i < 0) i = 0;
      if (i >= sentences.length) { stop(); say(labels.finished); return; }
      index = i;
      started = true;
      playing = true;
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

    function pause() { if (!playing) return; playing = false; audio.pause(); render(); }
    function stop() {
      playing = false; started = false; audio.pause();
      document.querySelectorAll(".kiosk-sentence--current").forEach(function ($e) { $e.classList.remove("kiosk-sentence--current"); });
      render();
    }

    /** @param {function(): void} then */
    function withSentences(then) {
      if (sentences.length) { then(); return; }
      load().then(then, function () { say(labels.unavailable); stop(); });
    }

    audio.addEventListener("ended", function () { if (playing) play(index + 1); });
    audio.addEventListener("timeupdate", function () { Kiosk.emit("kiosk:speaking"); });
    audio.addEventListener("error", function () {
      if (!playing) return;
      playing = false; render(); say(labels.unavailable);
    });

    $main.addEventListener("click", function () {
      if (playing) { pause(); return; }
      withSentences(function () {
        var $chosen = document.querySelector(".kiosk-sentence--chosen");
        if ($chosen) {
          $chosen.classList.remove("kiosk-sentence--chosen");
          var at = sentences.findIndex(function (s) { return s.id === $chosen.id; });
          play(at < 0 ? 0 : at);
        } else if (started && audio.src && !audio.ended) {
          playing = true; audio.play().catch(failed); render();
        } else {
          play(started ? index : firstVisible());
        }
      });
    });
    $root.querySelector(".kiosk-js-player-prev").addEventListener("click", function () { withSentences(function () { play(index - 1); }); });
    $root.querySelector(".kiosk-js-player-next").addEventListener("click", function () { withSentences(function () { play(index + 1); }); });
    $root.querySelector(".kiosk-js-player-repeat").addEventListener("click", function () { withSentences(function () { play(index); }); });
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
        var step = Number($b.getAttribute("data-step")) * 0.2;
        audio.volume = Math.max(0.2, Math.min(1, Math.round((audio.volume + step) * 10) / 10));
      });
    });

    // Tap a sentence: read from there (now if speaking, else on the next 朗读).
    document.addEventListener("click", function (e) {
      var $t = e.target instanceof Element ? e.target : null;
      var $s = $t && !$t.closest("a, button") ? $t.closest(".kiosk-sentence, .kiosk-report__table tr[id]") : null;
      if (!$s) return;
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
    });
    // Any other action interrupts: a touch or key outside the player and the text.
    document.addEventListener("pointerdown", function (e) {
      var $t = e.target instanceof Element ? e.target : null;
      if (!playing || !$t || $root.contains($t) || $t.closest(".kiosk-sentence, .kiosk-report__table tr[id]")) return;
      pause();
    }, true);
    document.addEventListener("keydown", function (e) {
      var $t = e.target instanceof Element ? e.target : null;
      var pressingPlayer = $t && $root.contains($t) && (e.key === "Enter" || e.key === " " || e.key === "Tab");
      if (playing && !pressingPlayer) pause();  // page keys and others interrupt
    }, true);
    document.addEventListener("kiosk:reset", stop);
    window.addEventListener("pagehide", stop);
    render();
    say("");
  };
})();
