/**
 * 语音导览: the kiosk speaks itself, for visitors who cannot see the screen or
 * cannot read it (EZ Access, ADA 2010 §707.5, the explore-by-touch model of
 * phone screen readers).
 *
 * - On: the 语音导览 button, touching and holding the start screen for 2 s, or
 *   the G key. The state is the visitor's (sessionStorage; the idle reset
 *   clears it). With the guide off nothing is said, except once, on the first
 *   touch of the start screen, how to turn it on.
 * - Touch: one touch speaks what is under the finger (focus follows, drawn
 *   thick); touching it again within 3 s, or a double tap anywhere, uses it;
 *   sliding a finger speaks each item crossed.
 * - Keys: ↑ ↓ move and speak, Enter uses, ? helps, Escape goes back (kiosk.js),
 *   R repeats, − + set the guide volume, any key or touch stops the speech.
 * - Screens speak themselves on arrival, page turns, opened panels, changed
 *   settings, the idle question and its countdown.
 *
 * What a control says comes from the DOM: its accessible name, role and state
 * (aria-pressed, -expanded, -checked, disabled, its value, the choices of the
 * panel it controls). Hints, screen names and help come from the template
 * (`data-strings`, `data-script`). Audio: the server's own voice
 * (`/guide/prompt.wav`, one clip per clause, prompts of the catalogs pre-built),
 * played through Web Audio with a volume of its own.
 *
 * Tests read `window.kioskGuide.log` (the text of every utterance) and
 * `window.kioskGuide.timings` (touch-or-key to first sound, in ms).
 */
(function () {
  "use strict";
  var Kiosk = window.Kiosk;
  var STATE_KEY = "kiosk-guide";
  var VOLUME_KEY = "kiosk-guide-volume";
  var HINTED_KEY = "kiosk-guide-hinted";
  var CONTROL = "a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [role=link], [tabindex]:not([tabindex='-1'])";
  var TEXT = "h1, h2, h3, h4, h5, h6, p, li, blockquote, dt, dd, td, th, caption, figcaption, legend";
  var HOLD_MS = 2000;
  var AGAIN_MS = 3000;
  var DOUBLE_MS = 350;
  var SLOP_PX = 12;
  var LEVELS = [0.2, 0.4, 0.6, 0.8, 1.0];
  var DEFAULT_LEVEL = 3;  // of 5: a middle level

  /** @param {string} key @returns {string|null} */
  function stored(key) { try { return sessionStorage.getItem(key); } catch (e) { return null; } }
  /** @param {string} key @param {string|null} value */
  function store(key, value) {
    try { if (value === null) sessionStorage.removeItem(key); else sessionStorage.setItem(key, value); } catch (e) { /* storage disabled: this page only */ }
  }
  /** @param {string} template @param {Object<string, (string|number)>} values */
  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, name) { return String(values[name]); });
  }
  /** @param {{clientX: number, clientY: number}} a @param {{x: number, y: number}} b */
  function distance(a, b) { return Math.hypot(a.clientX - b.x, a.clientY - b.y); }

  /** Text of an element as a screen reader would read it (no aria-hidden parts). @param {Node} $node @returns {string} */
  function textOf($node) {
    var out = "";
    $node.childNodes.forEach(function ($child) {
      if ($child.nodeType === 3) { out += $child.nodeValue; return; }
      if ($child.nodeType !== 1) return;
      var $el = /** @type {HTMLElement} */ ($child);
      if ($el.getAttribute("aria-hidden") === "true" || $el.hidden || /^(SCRIPT|STYLE|TEMPLATE)$/.test($el.tagName)) return;
      if ($el.tagName === "IMG") { out += $el.getAttribute("alt") || ""; return; }
      if ($el.matches("input, select, textarea")) return;
      out += " " + textOf($el) + " ";
    });
    return out.replace(/\s+/g, " ").trim();
  }

  /** The accessible name (aria-labelledby, aria-label, label, content, title). @param {HTMLElement} $el */
  function nameOf($el) {
    var ids = $el.getAttribute("aria-labelledby");
    if (ids) {
      var parts = ids.split(/\s+/).map(function (id) { var $l = document.getElementById(id); return $l ? textOf($l) : ""; });
      var joined = parts.filter(Boolean).join(" ");
      if (joined) return joined;
    }
    var label = ($el.getAttribute("aria-label") || "").trim();
    if (label) return label;
    var $labels = /** @type {HTMLInputElement} */ ($el).labels;
    if ($labels && $labels.length) return textOf($labels[0]);
    if ($el.matches("input, select, textarea")) return $el.getAttribute("placeholder") || $el.title || "";
    return textOf($el) || $el.title || "";
  }

  /** @param {Element} $el */
  function isControl($el) { return $el.matches(CONTROL); }
  /** @param {Element} $el */
  function isField($el) { return $el.matches("input:not([type=button]):not([type=submit]):not([type=reset]), textarea, select"); }

  /** "button", "link", "textbox", "heading" or "". @param {Element} $el */
  function roleOf($el) {
    var role = $el.getAttribute("role");
    if (role === "button" || $el.matches("button, summary, input[type=button], input[type=submit], input[type=reset]")) return "button";
    // A link that opens a panel in place acts as a (disclosure) button.
    if ($el.matches("a[href]") && $el.hasAttribute("aria-expanded")) return "button";
    if (role === "link" || $el.matches("a[href]")) return "link";
    if (isField($el)) return "textbox";
    if ($el.matches("h1, h2, h3, h4, h5, h6")) return "heading";
    return "";
  }

  /** Names of the chosen options inside a panel. @param {Element} $panel @returns {string[]} */
  function choicesIn($panel) {
    var out = [];
    $panel.querySelectorAll("[aria-pressed=true], [aria-checked=true], input:checked, option:checked").forEach(function ($c) {
      var name = nameOf(/** @type {HTMLElement} */ ($c));
      if (name && out.indexOf(name) < 0) out.push(name);
    });
    return out;
  }

  /** @param {Element} $el */
  function visible($el) {
    if ($el.closest("[hidden], [aria-hidden=true], dialog:not([open])")) return false;
    var box = $el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle($el).visibility !== "hidden";
  }

  /** The item (control, or block of text) an element belongs to. @param {Element|null} $t @returns {HTMLElement|null} */
  function itemOf($t) {
    if (!$t || !$t.closest || $t.closest(".kiosk-skip-link")) return null;
    var $control = $t.closest(CONTROL);
    if ($control) return /** @type {HTMLElement} */ ($control);
    var $block = $t.closest(TEXT);
    return $block && textOf($block) ? /** @type {HTMLElement} */ ($block) : null;
  }

  /** Items in reading order: controls and text blocks without items inside (inside an open dialog only). */
  function items() {
    var $scope = document.querySelector("dialog[open]") || document.body;
    return Array.prototype.filter.call($scope.querySelectorAll(CONTROL + ", " + TEXT), function ($el) {
      if ($el.matches(".kiosk-skip-link") || !visible($el)) return false;
      if (isControl($el)) return true;
      if ($el.closest(CONTROL) || $el.querySelector(CONTROL + ", " + TEXT)) return false;
      return !!textOf($el);
    });
  }

  Kiosk.modules["kiosk-guide"] = function ($root) {
    if (!Kiosk.isKiosk) return;
    // A static export has no prompt endpoint: no button that cannot speak.
    if (document.documentElement.hasAttribute("data-kiosk-export")) { $root.hidden = true; return; }
    /** @type {Object<string, string>} */
    var S = JSON.parse($root.getAttribute("data-strings") || "{}");
    /** @type {Object<string, string>} */
    var script = JSON.parse($root.getAttribute("data-script") || "{}");
    var screen = $root.getAttribute("data-screen") || "other";
    var endpoint = $root.getAttribute("data-endpoint") || "/guide/prompt.wav";
    var lang = document.documentElement.lang || "zh-CN";
    var zh = lang.indexOf("zh") === 0;
    var $toggle = /** @type {HTMLButtonElement} */ ($root.querySelector(".kiosk-js-guide-toggle"));
    var $volume = /** @type {HTMLElement} */ ($root.querySelector(".kiosk-guide__volume"));
    var $hint = $root.querySelector(".kiosk-guide__hint");
    var on = stored(STATE_KEY) === "on";
    var level = Number(stored(VOLUME_KEY)) || DEFAULT_LEVEL;

    var api = {
      /** @type {string[]} every utterance, in order */
      log: [],
      /** @type {{text: string, ms: number}[]} touch or key to first sound */
      timings: [],
      isOn: function () { return on; },
      level: function () { return level; },
      /** @type {function(): boolean} */
      speaking: function () { return false; },
      /** @type {function(): string} */
      audioState: function () { return "none"; }
    };
    window.kioskGuide = api;

    // -- speech: clips from the server, one per clause, through Web Audio -------------
    /** @type {AudioContext|null} */
    var ctx = null;
    /** @type {GainNode|null} */
    var gain = null;
    /** @type {Object<string, Promise<AudioBuffer|null>>} */
    var clips = {};
    var token = 0;
    /** @type {AudioBufferSourceNode|null} */
    var playing = null;
    /** @type {{text: string, lang: string, audio?: string}[]} */
    var queue = [];
    var inputAt = 0;  // the input a speech answers: for timings
    var touchedAt = 0;  // the visitor's last touch or key
    /** @type {Array<Array<string|{text: string, lang: string}>>} */
    var lastSaid = [];

    function audio() {
      if (!ctx) {
        var AC = window.AudioContext || /** @type {any} */ (window).webkitAudioContext;
        if (!AC) return null;
        ctx = new AC();
        gain = ctx.createGain();
        gain.gain.value = LEVELS[level - 1];
        gain.connect(ctx.destination);
      }
      if (ctx.state === "suspended") ctx.resume().catch(function () { /* resumed by the next touch */ });
      return ctx;
    }

    /**
     * A clip, fetched and decoded once per page. `ready` (preloading): only if the
     * server has it made already — preloading never keeps the engine busy.
     * @param {{text: string, lang: string, audio?: string}} seg @param {boolean=} ready @returns {Promise<AudioBuffer|null>}
     */
    function clip(seg, ready) {
      var voice = /^en\b/i.test(seg.lang) ? "en" : "zh-CN";  // the interface languages' voices
      var key = seg.audio || voice + "\u001f" + seg.text;
      if (!clips[key]) {
        var url = seg.audio || endpoint + "?lang=" + voice + "&text=" + encodeURIComponent(seg.text) + (ready ? "&ready=1" : "");
        clips[key] = fetch(url, { credentials: "same-origin" }).then(function (r) {
          if (r.status !== 200) throw new Error(String(r.status));
          return r.arrayBuffer();
        }).then(function (data) {
          var c = audio();
          if (!c) return null;
          return new Promise(function (resolve, reject) { c.decodeAudioData(data, resolve, reject); });
        }).catch(function () {
          delete clips[key];  // busy or offline: try again next time
          return null;
        });
      }
      return clips[key];
    }

    /** Clips of at most ~120 characters, cut at sentence ends. @param {string} text @param {string} l */
    function segments(text, l) {
      var out = [];
      var parts = text.match(/[^。！？!?；;.]+[。！？!?；;.]*/g) || [text];
      var current = "";
      parts.forEach(function (p) {
        if (current && (current + p).length > 120) { out.push(current); current = ""; }
        current += p;
      });
      if (current.trim()) out.push(current);
      return out.map(function (t) { return { text: t.trim(), lang: l }; }).filter(function (s) { return /[\p{L}\p{N}]/u.test(s.text); });
    }

    /** @param {string|{text: string, lang: string}} clause */
    function clauseText(clause) { return typeof clause === "string" ? clause : clause.text; }
    /** @param {string|{text: string, lang: string}} clause */
    function clauseLang(clause) { return typeof clause === "string" ? lang : clause.lang; }

    /** The written form of an utterance: clauses joined by commas, sentences ended.
     * @param {Array<Array<string|{text: string, lang: string}>>} sentences */
    function written(sentences) {
      var comma = zh ? "，" : ", ";
      return sentences.map(function (clauses) {
        var out = "";
        clauses.map(clauseText).filter(Boolean).forEach(function (c, i) {
          if (i > 0) out += /[。！？：，；]$/.test(out) ? "" : (/[!?:,;.]$/.test(out) ? " " : comma);
          out += c;
        });
        if (out && !/[。！？!?.]$/.test(out)) out += zh ? "。" : ".";
        return out;
      }).filter(Boolean).join(zh ? "" : " ").trim();
    }

    /** Whether the guide is saying something now (or about to). */
    api.speaking = function () { return !!playing || loading || queue.length > 0; };
    /** The audio output's state: "running", "suspended" (the browser wants a touch first) or "none". */
    api.audioState = function () { return ctx ? ctx.state : "none"; };

    var loading = false;  // the next clip is on its way: one chain of clips at a time

    function stop() {
      token += 1;
      queue = [];
      loading = false;
      if (playing) { try { playing.stop(); } catch (e) { /* already ended */ } playing = null; }
    }

    function pump() {
      if (playing || loading || !queue.length) return;
      var my = token;
      var seg = queue.shift();
      loading = true;
      clip(seg).then(function (buffer) {
        if (my !== token) return;
        loading = false;
        var c = audio();
        if (!buffer || !c || !gain) { pump(); return; }
        var source = c.createBufferSource();
        source.buffer = buffer;
        source.connect(gain);
        source.onended = function () { if (playing === source) { playing = null; pump(); } };
        playing = source;
        source.start();
        if (inputAt) {
          api.timings.push({ text: seg.text, ms: Math.round(performance.now() - inputAt) });
          inputAt = 0;
        }
      });
    }

    /**
     * Say sentences of clauses; interrupts what is being said unless `append`.
     * @param {Array<Array<string|{text: string, lang: string}>>} sentences
     * @param {boolean=} append
     */
    function say(sentences, append) {
      var text = written(sentences);
      if (!text) return;
      if (!append) stop();
      api.log.push(text);
      lastSaid = sentences;
      var segs = [];
      sentences.forEach(function (clauses) {
        clauses.forEach(function (c) {
          if (typeof c !== "string" && c.audio) segs.push({ text: c.text, lang: c.lang, audio: c.audio });
          else segs = segs.concat(segments(clauseText(c), clauseLang(c)));
        });
      });
      segs.forEach(function (seg) { clip(seg); });  // all on their way: no gap between clips
      queue = queue.concat(segs);
      Kiosk.emit("kiosk:speaking");  // the guide speaking counts as use (idle timer)
      pump();
    }

    /** Fetch and decode the clips this screen will need, so a touch speaks at once. */
    function preload() {
      loadSentenceAudio();
      var texts = Object.keys(S).map(function (k) { return S[k]; }).filter(function (t) { return t.indexOf("%(") < 0; });
      if (script.name) texts.push(script.name);
      items().slice(0, 60).forEach(function ($el) { if (isControl($el)) texts.push(nameOf($el)); });
      texts.forEach(function (t) { segments(t, lang).forEach(function (seg) { clip(seg, true); }); });
    }

    // -- what an item says ------------------------------------------------------------
    var keys = false;  // the last input was a key: hints name keys, not touches

    /** @param {HTMLElement} $el */
    function langOf($el) {
      var $l = $el.closest("[lang]");
      return $l ? ($l.getAttribute("lang") || lang) : lang;
    }

    /** @param {HTMLElement} $el */
    function stateOf($el) {
      var out = [];
      var pressed = $el.getAttribute("aria-pressed") || $el.getAttribute("aria-checked");
      if (pressed === "true") out.push(S.selected);
      if (pressed === "false") out.push(S.notSelected);
      var expanded = $el.getAttribute("aria-expanded");
      if (expanded === "true") out.push(S.expanded);
      if (expanded === "false") out.push(S.collapsed);
      if (/** @type {HTMLButtonElement} */ ($el).disabled || $el.getAttribute("aria-disabled") === "true") out.push(S.unavailable);
      if (isField($el)) out.push(/** @type {HTMLInputElement} */ ($el).value || S.empty);
      var $panel = $el.hasAttribute("aria-controls") ? document.getElementById($el.getAttribute("aria-controls") || "") : null;
      var chosen = $panel ? choicesIn($panel) : [];
      if (chosen.length) out.push(S.current + chosen.join(zh ? "，" : ", "));
      return out;
    }

    // -- a report's own audio -----------------------------------------------------------
    // On a report page a block of text is read from the report's sentence audio (made
    // before, in the visitor's voice, like 朗读), not synthesised again as a prompt.
    /** @type {Object<string, string>|null} sentence id → its audio URL */
    var sentenceAudio = null;
    function loadSentenceAudio() {
      var $player = document.querySelector(".kiosk-player[data-speech]");
      if (!$player || sentenceAudio) return;
      sentenceAudio = {};
      var url = $player.getAttribute("data-speech") || "";
      var voice = $player.getAttribute("data-voice");
      if (voice) url += "?voice=" + encodeURIComponent(voice);
      fetch(url, { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
        .then(function (data) {
          if (!data.available) return;
          data.sentences.forEach(function (/** @type {{id: string, audio: Object<string, string>}} */ x) {
            if (sentenceAudio) sentenceAudio[x.id] = x.audio.mp3;
          });
        })
        .catch(function () { sentenceAudio = null; });  // prompts meanwhile; tried again next time
    }
    /**
     * The sentences of a block as clauses with their audio, or null when one is unknown.
     * @param {HTMLElement} $el @returns {Array<{text: string, lang: string, audio: string}>|null}
     */
    function reportSentences($el) {
      var $sentences = $el.querySelectorAll(".kiosk-sentence[id]");
      if (!$sentences.length || !sentenceAudio) return null;
      var out = [];
      for (var i = 0; i < $sentences.length; i++) {
        var $s = /** @type {HTMLElement} */ ($sentences[i]);
        var audioUrl = sentenceAudio[$s.id];
        if (!audioUrl) return null;
        out.push({ text: textOf($s), lang: langOf($el), audio: audioUrl });
      }
      return out;
    }

    /** @param {HTMLElement} $el @returns {Array<Array<string|{text: string, lang: string, audio?: string}>>} */
    function describe($el) {
      if (!isControl($el)) {
        var text = { text: textOf($el), lang: langOf($el) };
        if (roleOf($el) === "heading") return [[text, S.heading]];
        var read = reportSentences($el);
        return read ? [read] : [[text]];
      }
      var role = roleOf($el);
      var first = [{ text: nameOf($el), lang: langOf($el) }, S[role] || ""].concat(stateOf($el));
      if (/** @type {HTMLButtonElement} */ ($el).disabled) return [first];
      var opens = role === "link" || $el.getAttribute("aria-expanded") === "false";
      var hint = opens ? (keys ? S.keyOpen : S.tapOpen) : (keys ? S.keyUse : S.tapUse);
      return [first, [hint]];
    }

    /** @param {Element} $panel */
    function panelSummary($panel) {
      var ids = ($panel.getAttribute("aria-labelledby") || "").split(/\s+/);
      var $title = document.getElementById(ids[0] || "") || $panel.querySelector("h1, h2, h3");
      var out = [[$title ? textOf($title) : nameOf(/** @type {HTMLElement} */ ($panel))]];
      var chosen = choicesIn($panel);
      if (chosen.length) out.push([S.current + chosen.join(zh ? "，" : ", ")]);
      return out;
    }

    // -- focus that follows the finger or the arrows ------------------------------------
    /** @type {HTMLElement|null} */
    var $focus = null;
    /** @type {Element|null} the exact element touched inside $focus */
    var $touched = null;
    var focusAt = 0;
    var movingFocus = false;

    /** @param {HTMLElement} $el @param {boolean=} scroll */
    function setFocus($el, scroll) {
      if ($focus) $focus.classList.remove("kiosk-guide-focus");
      $focus = $el;
      $el.classList.add("kiosk-guide-focus");
      if (!isControl($el) && !$el.hasAttribute("tabindex")) $el.setAttribute("tabindex", "-1");
      movingFocus = true;
      try { $el.focus({ preventScroll: !scroll }); } finally { movingFocus = false; }
    }

    /** @param {HTMLElement} $el @param {Element|null} $target */
    function explore($el, $target) {
      setFocus($el, false);
      $touched = $target;
      focusAt = performance.now();
      say(describe($el));
    }

    /** @param {number} dir */
    function move(dir) {
      var list = items();
      if (!list.length) return;
      var $anchor = $focus && $focus.isConnected ? $focus : document.getElementById("main");
      var i = $anchor ? list.indexOf(/** @type {HTMLElement} */ ($anchor)) : -1;
      var n;
      if (i >= 0) n = i + dir;
      else {
        // Not an item (the start, an opened panel): the nearest item after or before it.
        n = dir > 0 ? list.length : -1;
        for (var k = 0; k < list.length && $anchor; k++) {
          var after = $anchor.compareDocumentPosition(list[k]) & Node.DOCUMENT_POSITION_FOLLOWING || $anchor.contains(list[k]);
          if (after) { n = dir > 0 ? k : k - 1; break; }
        }
      }
      n = (n + list.length) % list.length;
      setFocus(list[n], true);
      $touched = null;
      say(describe(list[n]));
    }

    /** What to find again after the page replaces an element (htmx swaps). @param {HTMLElement} $el */
    function signature($el) {
      return { id: $el.id, name: $el.getAttribute("name"), value: $el.getAttribute("value"), tag: $el.tagName, label: nameOf($el) };
    }
    /** @type {ReturnType<typeof signature>|null} */
    var pending = null;
    /** @param {ReturnType<typeof signature>} sig @returns {HTMLElement|null} */
    function find(sig) {
      if (sig.id && document.getElementById(sig.id)) return document.getElementById(sig.id);
      var found = null;
      document.querySelectorAll(sig.tag).forEach(function ($c) {
        if (found || !visible($c)) return;
        if (sig.name !== null && $c.getAttribute("name") === sig.name && $c.getAttribute("value") === sig.value) found = $c;
        else if (sig.name === null && nameOf(/** @type {HTMLElement} */ ($c)) === sig.label) found = $c;
      });
      return found;
    }

    var letThrough = false;
    var activatedAt = 0;
    /** @type {HTMLElement|null} */
    var $activated = null;
    /** Use an item: a click, as the page expects. @param {HTMLElement} $el */
    function activate($el) {
      focusAt = 0;
      activatedAt = performance.now();
      $activated = $el;
      if (!$el.isConnected) return;
      if (isField($el)) { setFocus($el, false); return; }
      var $target = !isControl($el) && $touched && $el.contains($touched) ? /** @type {HTMLElement} */ ($touched) : $el;
      pending = isControl($el) ? signature($el) : null;
      letThrough = true;
      try { $target.click(); } finally { letThrough = false; }
    }

    // -- screens that speak themselves -----------------------------------------------------
    /** @type {{page: number, total: number}|null} */
    var pageInfo = null;

    function arrival() {
      var out = [];
      if (script.name) out.push([script.name]);
      if (script.read) {
        document.querySelectorAll(script.read).forEach(function ($el) {
          if (visible($el) && textOf($el)) out.push([{ text: textOf($el), lang: langOf(/** @type {HTMLElement} */ ($el)) }]);
        });
      }
      if (!out.length) {
        var $h1 = document.querySelector("main h1");
        if ($h1) out.push([textOf($h1)]);
      }
      if (pageInfo && pageInfo.total > 1) out.push([fill(S.page, pageInfo)]);
      if (script.count) {
        var n = Array.prototype.filter.call(document.querySelectorAll(script.count), visible).length;
        if (n) out.push([fill(script.count_text, { n: n })]);
      }
      var $first = script.first ? document.querySelector(script.first) : null;
      if ($first && visible($first)) out.push([script.first_text, { text: nameOf(/** @type {HTMLElement} */ ($first)), lang: langOf(/** @type {HTMLElement} */ ($first)) }]);
      var $panel = document.body.classList.contains("kiosk-page--settings") ? document.getElementById("kiosk-settings") : null;
      if ($panel) out = out.concat(panelSummary($panel).slice(1));
      return out;
    }

    function help() {
      var out = [];
      if (script.help) out.push([script.help]);
      out.push([S.keys]);
      return out;
    }

    // -- on and off -------------------------------------------------------------------------
    function render() {
      document.documentElement.classList.toggle("kiosk-guide-on", on);
      $toggle.setAttribute("aria-pressed", String(on));
      $volume.hidden = !on;
      if (on && $hint) $hint.textContent = "";
    }

    function turnOn() {
      on = true;
      store(STATE_KEY, "on");
      render();
      audio();
      say([[S.on]].concat(arrival()));
      preload();
    }

    function turnOff() {
      say([[S.off]]);
      on = false;
      store(STATE_KEY, null);
      if ($focus) $focus.classList.remove("kiosk-guide-focus");
      $focus = null;
      render();
    }

    /** @param {number} step */
    function setVolume(step) {
      level = Math.max(1, Math.min(LEVELS.length, level + step));
      store(VOLUME_KEY, String(level));
      if (gain && ctx) gain.gain.setValueAtTime(LEVELS[level - 1], ctx.currentTime);
      say([[fill(S.volume, { n: level })]]);
    }

    $toggle.addEventListener("click", function () { if (on) turnOff(); else turnOn(); });
    $root.querySelectorAll(".kiosk-js-guide-volume").forEach(function ($b) {
      $b.addEventListener("click", function () { setVolume(Number($b.getAttribute("data-step")) || 0); });
    });

    // -- touch ------------------------------------------------------------------------------
    /** @type {{x: number, y: number, sliding: boolean, double: boolean, again: boolean, ignore: boolean, prev: HTMLElement|null}|null} */
    var down = null;
    /** @type {{t: number, x: number, y: number, prev: HTMLElement|null}|null} */
    var lastTap = null;
    var holdTimer = 0;
    /** @type {{x: number, y: number}|null} */
    var holdAt = null;
    var swallow = false;  // the touch that turned the guide on, or gave the hint, does nothing else

    /** @param {PointerEvent} e */
    function itemAt(e) {
      var $t = document.elementFromPoint(e.clientX, e.clientY);
      var $dialog = document.querySelector("dialog[open]");
      if ($dialog && $t && !$dialog.contains($t)) return null;
      var $item = itemOf($t);
      return $item && visible($item) ? $item : null;
    }

    /** The guide is off: the start screen's hint and touch-and-hold. @param {PointerEvent} e */
    function offDown(e) {
      if (screen !== "start" || !(e.target instanceof Element) || e.target.closest(".kiosk-guide")) return;
      if (!stored(HINTED_KEY)) {
        store(HINTED_KEY, "1");
        inputAt = performance.now();
        if ($hint) $hint.textContent = S.hint;
        say([[S.hint]]);
        // A touch on the background would start reading: let this one give the hint only.
        swallow = !e.target.closest("a, button, input, select, textarea");
      }
      holdAt = { x: e.clientX, y: e.clientY };
      window.clearTimeout(holdTimer);
      holdTimer = window.setTimeout(function () {
        holdTimer = 0;
        swallow = true;
        inputAt = performance.now();
        turnOn();
      }, HOLD_MS);
    }

    // A field the page focused on arrival (the kiosk's question box, autofocus) is not
    // typed in until the visitor touches it or types there: the guide's keys (G, R, ?, …)
    // still work in it, and the key that starts the typing is typed.
    /** @type {WeakSet<Element>} */
    var engaged = new WeakSet();
    /** @param {Element} $t */
    function typingIn($t) {
      var $field = $t.closest && $t.closest("input:not([type=button]):not([type=submit]), textarea, select, [contenteditable]");
      return !!$field && (!$field.hasAttribute("autofocus") || engaged.has($field));
    }
    var GUIDE_KEYS = ["g", "?", "r", "-", "+", "=", "Enter", "Escape", "ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight"];

    window.addEventListener("pointerdown", function (e) {
      if (!e.isPrimary) return;
      touchedAt = performance.now();
      if (e.target instanceof Element && e.target.matches("[autofocus]")) engaged.add(e.target);
      swallow = false;
      if (!on) { offDown(e); return; }
      e.preventDefault();
      e.stopImmediatePropagation();
      stop();
      keys = false;
      inputAt = performance.now();
      Kiosk.emit("kiosk:speaking");  // the touch is stopped here: tell the idle timer
      var $dialog = document.querySelector("dialog[open]");
      if ($dialog) {
        // "轻触任意处继续阅读": the dialog's own cancel (Escape) is 继续阅读.
        $dialog.dispatchEvent(new Event("cancel", { cancelable: true }));
        down = null;
        swallow = true;
        return;
      }
      var now = performance.now();
      var isDouble = !!lastTap && now - lastTap.t < DOUBLE_MS && distance(e, lastTap) < 80;
      var $item = itemAt(e);
      var again = !!$item && $item === $focus && now - focusAt < AGAIN_MS;
      down = { x: e.clientX, y: e.clientY, sliding: false, double: isDouble, again: again, ignore: now - activatedAt < DOUBLE_MS && (!$item || $item === $activated), prev: $focus };
      if (isDouble || down.ignore || again) return;
      if ($item) explore($item, /** @type {Element} */ (e.target));
    }, true);

    window.addEventListener("pointermove", function (e) {
      if (!on) {
        if (holdTimer && holdAt && distance(e, holdAt) > 30) { window.clearTimeout(holdTimer); holdTimer = 0; }
        return;
      }
      e.stopImmediatePropagation();
      if (!down) return;
      if (!down.sliding && distance(e, down) > SLOP_PX) { down.sliding = true; lastTap = null; }
      if (!down.sliding) return;
      var $item = itemAt(e);
      if ($item && $item !== $focus) explore($item, /** @type {Element} */ (e.target));
    }, true);

    window.addEventListener("pointerup", function (e) {
      if (!on) {
        window.clearTimeout(holdTimer);
        holdTimer = 0;
        if (swallow) { e.stopImmediatePropagation(); e.preventDefault(); }
        return;
      }
      e.preventDefault();
      e.stopImmediatePropagation();
      var d = down;
      down = null;
      if (!d || d.sliding || d.ignore) { lastTap = null; return; }
      if (d.double) {
        var $use = (lastTap && lastTap.prev) || $focus;
        lastTap = null;
        if ($use) { setFocus($use, false); activate($use); }
        return;
      }
      if (d.again && $focus) { lastTap = null; activate($focus); return; }
      lastTap = { t: performance.now(), x: e.clientX, y: e.clientY, prev: d.prev };
    }, true);

    // Browsers let a page sound only after a tap or key (a long press is neither):
    // what was said meanwhile starts when the finger lifts.
    ["pointerup", "keyup", "touchend"].forEach(function (type) {
      window.addEventListener(type, function () {
        if (ctx && ctx.state === "suspended") ctx.resume().catch(function () { /* not yet allowed */ });
      }, true);
    });

    window.addEventListener("pointercancel", function () { down = null; window.clearTimeout(holdTimer); holdTimer = 0; }, true);

    // Clicks a finger makes are the guide's to give (activate); keyboard clicks (detail 0) pass.
    window.addEventListener("click", function (e) {
      if (letThrough || !e.isTrusted) return;
      if (swallow || (on && e.detail > 0)) {
        swallow = false;
        e.preventDefault();
        e.stopImmediatePropagation();
      }
    }, true);

    // -- keys -------------------------------------------------------------------------------
    window.addEventListener("keydown", function (e) {
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      touchedAt = performance.now();
      var $t = /** @type {Element} */ (e.target);
      var key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
      if ($t.matches && $t.matches("[autofocus]") && (on ? GUIDE_KEYS : ["g"]).indexOf(key) < 0) engaged.add($t);
      var typing = typingIn($t);
      if (!on) {
        if (key === "g" && !typing) { e.preventDefault(); inputAt = performance.now(); keys = true; turnOn(); }
        return;
      }
      stop();  // any key stops the speech
      keys = true;
      inputAt = performance.now();
      if (typing && key !== "Escape" && key !== "ArrowUp" && key !== "ArrowDown") return;
      var paged = !!document.querySelector(".kiosk-page-turner:not([hidden])");
      if (key === "ArrowDown" || (key === "ArrowRight" && !paged)) { e.preventDefault(); move(1); }
      else if (key === "ArrowUp" || (key === "ArrowLeft" && !paged)) { e.preventDefault(); move(-1); }
      else if (key === "g") { e.preventDefault(); turnOff(); }
      else if (key === "?") { e.preventDefault(); say(help()); }
      else if (key === "r") { e.preventDefault(); if (lastSaid.length) say(lastSaid); }
      else if (key === "-") { e.preventDefault(); setVolume(-1); }
      else if (key === "+" || key === "=") { e.preventDefault(); setVolume(1); }
      else if (key === "Enter" && $focus && !isControl($focus) && itemOf($focus) === $focus) { e.preventDefault(); activate($focus); }
      else if (key === "Enter" && $focus && isControl($focus)) { pending = signature($focus); }
    }, true);

    // Tab and the page's own focus moves: speak where focus lands.
    document.addEventListener("focusin", function (e) {
      if (!on || movingFocus || !keys) return;
      var $item = itemOf(/** @type {Element} */ (e.target));
      if (!$item || $item === $focus) return;
      setFocus($item, true);
      say(describe($item));
    });

    // -- changes on the screen ------------------------------------------------------------
    document.addEventListener("kiosk:page", function (e) {
      var detail = /** @type {CustomEvent} */ (e).detail || {};
      var turned = !!pageInfo && pageInfo.page !== detail.page;
      pageInfo = { page: detail.page, total: detail.total };
      // The visitor's turns, not the reading's own (it turns pages as it reads).
      var theirs = performance.now() - touchedAt < 2000;
      if (on && turned && theirs) say([[fill(S.page, pageInfo)]], api.speaking());
    });

    function afterChange() {
      if (!on || !pending) return;
      var sig = pending;
      if ($focus && $focus.isConnected) return;  // nothing was replaced (yet)
      var $new = find(sig);
      pending = null;
      if (!$new) return;
      setFocus($new, false);
      if ($new.getAttribute("aria-pressed") === "true" || $new.getAttribute("aria-checked") === "true") {
        say([[fill(S.chosen, { name: nameOf($new) })]]);
      }
    }
    document.addEventListener("htmx:after:swap", function () { window.setTimeout(afterChange, 0); });

    /** @type {Element|null} */
    var $countdown = null;
    new MutationObserver(function (records) {
      if (!on) return;
      records.forEach(function (r) {
        var $el = /** @type {HTMLElement} */ (r.target);
        if (r.type === "attributes" && r.attributeName === "aria-expanded" && $el.getAttribute("aria-expanded") === "true") {
          var $panel = document.getElementById($el.getAttribute("aria-controls") || "");
          if ($panel && !$panel.hidden) {
            $focus = $panel;  // the arrows continue inside the panel
            say(panelSummary($panel));
          }
        } else if (r.type === "attributes" && r.attributeName === "aria-expanded" && $el.getAttribute("aria-expanded") === "false") {
          // A panel closed with the guide inside it: back to the control that opened it.
          var $closed = document.getElementById($el.getAttribute("aria-controls") || "");
          if ($closed && $focus && ($closed === $focus || $closed.contains($focus) || !$focus.isConnected)) {
            setFocus($el, true);
            say(describe($el));
          }
        } else if (r.type === "attributes" && r.attributeName === "aria-pressed" && $el === $focus) {
          say([[nameOf($el)].concat(stateOf($el))]);
        } else if (r.type === "attributes" && r.attributeName === "open" && $el.tagName === "DIALOG" && $el.hasAttribute("open")) {
          $countdown = $el.querySelector("[aria-live]");
          var title = $el.getAttribute("aria-labelledby") ? document.getElementById($el.getAttribute("aria-labelledby") || "") : null;
          say([[title ? textOf(title) : nameOf($el)], [$countdown ? textOf($countdown) : ""], [S.idle]]);
        } else if (r.type === "childList" && $countdown && $countdown.contains($el) && $countdown.closest("dialog[open]")) {
          var seconds = Number((textOf($countdown).match(/\d+/) || ["0"])[0]);
          if (seconds === 10 || seconds === 5) say([[textOf($countdown)]]);
        }
      });
    }).observe(document.body, { attributes: true, attributeFilter: ["aria-expanded", "aria-pressed", "open"], subtree: true, childList: true, characterData: false });

    // -- start --------------------------------------------------------------------------------
    render();
    if (on) {
      // Other components start after this one (the page turner tells its page): speak once they have.
      window.setTimeout(function () { audio(); say(arrival()); preload(); }, 0);
    }
  };
})();
