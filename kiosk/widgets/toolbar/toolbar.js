// @ts-check
/**
 * 无障碍浏览工具条 — the embeddable accessibility toolbar, v1.
 *
 * One tag on the host page:
 *   <script src="https://<our-host>/widget/v1/toolbar.js" defer></script>
 * Options (data- attributes on that tag): data-lang (zh-CN | en),
 * data-position (left | right | top | bottom), data-features (a comma list:
 * sound, speed, point, continuous, zoom, text, scheme, cursor, crosshair,
 * caption, textonly, qr, elder), data-shortcuts (on | off).
 *
 * The toolbar's UI lives in a shadow root. Page-wide effects come from one
 * stylesheet whose selectors are all scoped under data-kiosk-a11y-* attributes
 * on <html>; 重置 removes it, the attributes and the saved settings. Nothing
 * starts by itself; nothing is added to the host's content except the
 * data-kiosk-a11y-reading attribute on the element being read, removed after.
 * Everything it loads comes from the server the script came from.
 * The interface strings are built in (zh-CN and en): a third-party widget
 * cannot use the kiosk's gettext catalogs. See kiosk/widgets/toolbar/README.md.
 */
(function () {
  "use strict";

  var ID = "kiosk-a11y-root";
  var ONCE = Symbol.for("kiosk-a11y");
  if (/** @type {*} */ (window)[ONCE]) return; // a second copy of the tag does nothing
  /** @type {*} */ (window)[ONCE] = true;
  var A = "data-kiosk-a11y";
  var READING = A + "-reading";
  var KEY = "kiosk-a11y";
  var MAX = 500;
  var CSS = "/*@inline toolbar.css*/";
  var script = /** @type {HTMLScriptElement | null} */ (document.currentScript);
  var BASE = new URL(script && script.src ? script.src : "/", location.href).origin;
  var NONCE = script ? script.nonce : "";

  var ZOOMS = [100, 125, 150, 175, 200];
  var TEXTS = [100, 125, 150, 175, 200];
  var SPEEDS = ["slow", "normal", "fast"];
  var RATES = { slow: 0.8, normal: 1, fast: 1.3 };
  /** background, text, links, reading highlight, outline: the kiosk's own schemes (kiosk/assets/css/kiosk.css). */
  var SCHEMES = {
    dark: ["#000000", "#ffffff", "#ffff00", "#333300", "#00e5ff"],
    light: ["#ffffff", "#000000", "#0000cc", "#ffff80", "#0000cc"],
    blue: ["#002b80", "#ffff00", "#ffffff", "#000040", "#ffffff"],
    yellow: ["#ffff00", "#000000", "#0000b3", "#ffffff", "#0000b3"]
  };
  var SCHEME_NAMES = ["default", "dark", "light", "blue", "yellow"];
  var FEATURES = ["sound", "speed", "point", "continuous", "zoom", "text", "scheme", "cursor", "crosshair", "caption", "textonly", "qr", "elder"];
  /** Actions that belong to a feature of another name. */
  var FEATURE_OF = { zoomIn: "zoom", zoomOut: "zoom", textUp: "text", textDown: "text", pinyin: "caption" };
  /** Blocks read one by one (连读) and pointed at (指读). */
  var BLOCKS = "p,li,h1,h2,h3,h4,h5,h6,dt,dd,td,th,caption,figcaption,blockquote,pre,address";
  var POINTABLE = "a[href],button,summary,label,legend,img[alt],input,select,textarea";
  /**
   * Elements whose text 大字 enlarges (only the outermost: zoom multiplies): text blocks, inline text, and
   * containers with no block inside (a <div> or <nav> that holds one line of text and links).
   */
  var LINES = ":is(div,nav,section,article,aside,header,footer,main,center,form):not(:empty,:has(" +
    "div,p,ul,ol,dl,table,section,article,aside,header,footer,nav,main,form,fieldset,figure,blockquote,pre," +
    "h1,h2,h3,h4,h5,h6,img,picture,video,iframe,canvas,svg,object,embed))";
  var SIZED = ":is(" + BLOCKS + ",label,legend,summary,a,span,strong,em,b,i,font,small,time,button,input,select,textarea," + LINES + ")";
  var KEYS = [
    ["KeyA", "toggle", "A"], ["KeyV", "sound", "V"], ["KeyS", "speed", "S"], ["KeyP", "point", "P"],
    ["KeyR", "continuous", "R"], ["Equal", "zoomIn", "="], ["Minus", "zoomOut", "-"], ["KeyL", "textUp", "L"],
    ["KeyK", "textDown", "K"], ["KeyC", "scheme", "C"], ["KeyM", "cursor", "M"], ["KeyX", "crosshair", "X"],
    ["KeyU", "caption", "U"], ["KeyY", "pinyin", "Y"], ["KeyT", "textonly", "T"], ["KeyQ", "qr", "Q"],
    ["KeyE", "elder", "E"], ["Digit0", "reset", "0"], ["KeyH", "help", "H"]
  ];
  var ARROW = "M3 1.5v18.5l4.8-4.6 3.3 7.3 3.2-1.5-3.2-7h6.6z";
  var HAND = "M9 2.5a1.5 1.5 0 0 1 3 0V10h.5V8.5a1.5 1.5 0 0 1 3 0V10h.5v-.5a1.5 1.5 0 0 1 3 0v6c0 3.5-2.5 6-6 6h-1c-2.5 0-3.8-1-5-3l-3.2-5.5a1.5 1.5 0 0 1 2.6-1.5L9 14z";

  var STRINGS = {
    zh: {
      launcher: "无障碍", title: "无障碍浏览", region: "无障碍工具条", close: "关闭",
      gRead: "朗读", speed: "语速", pageZoom: "页面缩放", textSize: "文字大小", gScheme: "配色", gMore: "更多",
      sound: "声音", point: "指读", continuous: "连读", slow: "慢", normal: "中", fast: "快",
      zoomIn: "放大", zoomOut: "缩小", textUp: "大字", textDown: "小字",
      cursor: "大鼠标", crosshair: "十字光标", caption: "大字幕", pinyin: "拼音", textonly: "纯文本",
      "default": "默认", dark: "黑底白字", light: "白底黑字", blue: "蓝底黄字", yellow: "黄底黑字",
      elder: "适老模式", qr: "扫码", reset: "重置", help: "帮助", toggle: "打开/关闭工具条", scheme: "配色",
      fromTop: "从正文开头读",
      armed: "请点击要开始朗读的位置。", done: "朗读完毕。", stopped: "已停止朗读。",
      needSound: "请先打开声音。", noText: "这里没有可以朗读的文字。",
      fallback: "语音服务暂时无法使用，改用浏览器自带的朗读。", noSpeech: "无法朗读：语音服务不可用。",
      blocked: "浏览器阻止了声音：请先点击一下页面，再试一次。",
      qrAlt: "本页二维码", qrHint: "用手机扫描二维码，在手机上打开本页。", qrError: "本页地址不能生成二维码。",
      resetDone: "已恢复网页原样，设置已清除。", on: "开", off: "关",
      feature: "功能", keys: "快捷键", shortcuts: "启用快捷键",
      helpText: "朗读、放大、配色等功能都只在您按下按钮或快捷键后才开启。指读：鼠标停留、点按或用 Tab 键移到哪里就读哪里。连读：按下后点击要开始的位置，一直读到正文结束。",
      privacy: "本工具条不使用 Cookie，不统计、不跟踪访问；设置只保存在本网站的本地存储中，按“重置”即全部清除。"
    },
    en: {
      launcher: "Accessibility", title: "Accessibility tools", region: "Accessibility toolbar", close: "Close",
      gRead: "Reading aloud", speed: "Speed", pageZoom: "Page zoom", textSize: "Text size", gScheme: "Colours", gMore: "More",
      sound: "Sound", point: "Point to read", continuous: "Read on", slow: "Slow", normal: "Normal", fast: "Fast",
      zoomIn: "Zoom in", zoomOut: "Zoom out", textUp: "Larger text", textDown: "Smaller text",
      cursor: "Big cursor", crosshair: "Crosshair", caption: "Captions", pinyin: "Pinyin", textonly: "Text only",
      "default": "Default", dark: "White on black", light: "Black on white", blue: "Yellow on blue", yellow: "Black on yellow",
      elder: "Easy reading", qr: "QR code", reset: "Reset", help: "Help", toggle: "Open or close the toolbar", scheme: "Colours",
      fromTop: "Read from the start",
      armed: "Click where the reading should start.", done: "Finished reading.", stopped: "Reading stopped.",
      needSound: "Turn the sound on first.", noText: "There is no text to read here.",
      fallback: "The speech service is unavailable; using the browser's own voice.", noSpeech: "Cannot read aloud: speech is unavailable.",
      blocked: "The browser blocked the sound: click the page once, then try again.",
      qrAlt: "QR code of this page", qrHint: "Scan the code to open this page on your phone.", qrError: "This page's address cannot be made into a QR code.",
      resetDone: "The page is back to normal and the settings are cleared.", on: "on", off: "off",
      feature: "Feature", keys: "Shortcut", shortcuts: "Keyboard shortcuts",
      helpText: "Reading aloud, zoom, colours and every other feature only start when you press their button or shortcut. Point to read: reads what the pointer rests on, what you tap or what you Tab to. Read on: press it, then click where to start; it reads to the end of the main text.",
      privacy: "This toolbar uses no cookies and does not count or track visits; its settings stay in this site's local storage and Reset clears them."
    }
  };

  /** @param {string} name @param {string} fallback */
  function option(name, fallback) {
    var value = script && script.getAttribute("data-" + name);
    return value ? value.trim() : fallback;
  }
  var LANG = /^en/i.test(option("lang", /^en/i.test(document.documentElement.lang) ? "en" : "zh-CN")) ? "en" : "zh";
  var t = /** @type {Object<string, string>} */ (STRINGS[LANG]);
  var POSITION = option("position", "right");
  if (["left", "right", "top", "bottom"].indexOf(POSITION) < 0) POSITION = "right";
  var wanted = option("features", "").split(/[\s,]+/).filter(function (f) { return FEATURES.indexOf(f) >= 0; });
  var ENABLED = wanted.length ? wanted : FEATURES;
  // A touch-only phone has no mouse pointer: 大鼠标 and 十字光标 would do nothing there.
  var TOUCH_ONLY = !!(window.matchMedia && window.matchMedia("(hover: none) and (pointer: coarse)").matches);
  if (TOUCH_ONLY) ENABLED = ENABLED.filter(function (f) { return f !== "cursor" && f !== "crosshair"; });
  var SHORTCUTS = option("shortcuts", "on").toLowerCase() !== "off";

  /** @param {string} action @returns {boolean} */
  function allowed(action) {
    var feature = FEATURE_OF[action] || action;
    return FEATURES.indexOf(feature) < 0 || ENABLED.indexOf(feature) >= 0;
  }

  // -- settings: first-party localStorage of the host, key "kiosk-a11y" ------------------

  /**
   * @typedef {{sound: boolean, speed: string, point: boolean, zoom: number, text: number,
   *   scheme: string, cursor: boolean, crosshair: boolean, caption: boolean, pinyin: boolean,
   *   textonly: boolean, elder: boolean, shortcuts: boolean, before: ?Object<string, *>}} State
   */
  /** @returns {State} */
  function defaults() {
    return {
      sound: true, speed: "normal", point: false, zoom: 100, text: 100, scheme: "default",
      cursor: false, crosshair: false, caption: false, pinyin: false, textonly: false,
      elder: false, shortcuts: SHORTCUTS, before: null
    };
  }
  /** @param {string} key @param {*} value */
  function valid(key, value) {
    if (key === "speed") return SPEEDS.indexOf(value) >= 0;
    if (key === "zoom") return ZOOMS.indexOf(value) >= 0;
    if (key === "text") return TEXTS.indexOf(value) >= 0;
    if (key === "scheme") return SCHEME_NAMES.indexOf(value) >= 0;
    return true;
  }
  /** @returns {State} */
  function load() {
    var s = /** @type {Object<string, *>} */ (defaults());
    try {
      var saved = JSON.parse(localStorage.getItem(KEY) || "null");
      if (saved && typeof saved === "object") {
        Object.keys(s).forEach(function (k) {
          var v = saved[k];
          if (k === "before") s.before = v && typeof v === "object" ? v : null;
          else if (typeof v === typeof s[k] && valid(k, v) && (k === "shortcuts" || allowed(k))) s[k] = v;
        });
      }
    } catch (e) { /* storage blocked or unreadable: the defaults */ }
    return /** @type {State} */ (s);
  }
  function save() {
    try {
      var json = JSON.stringify(state);
      if (json === JSON.stringify(defaults())) localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, json);
    } catch (e) { /* storage blocked: settings last for this page only */ }
  }
  var state = load();

  // -- small helpers ---------------------------------------------------------------------

  /**
   * An element with attributes and children, built with DOM APIs only.
   * @param {string} tag @param {Object<string, string>=} attrs @param {Array<Node|string|null>=} kids
   * @returns {HTMLElement}
   */
  function h(tag, attrs, kids) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { el.setAttribute(k, (attrs || {})[k]); });
    (kids || []).forEach(function (k) { if (k !== null) el.append(k); });
    return el;
  }
  /** @param {string} text */
  function clean(text) {
    return String(text || "").replace(/[\ue000-\uf8ff\u200b\ufeff]/g, "").replace(/\s+/g, " ").trim();
  }
  /** @param {*} node */
  function isOurs(node) {
    return node === host || (node instanceof Node && host.contains(node));
  }
  function noop() { /* ignore */ }
  /** @param {string} path @param {Object} body @returns {Promise<Response>} */
  function post(path, body) {
    return fetch(BASE + path, {
      method: "POST", mode: "cors", credentials: "omit", referrerPolicy: "no-referrer",
      headers: { "Content-Type": "application/json" }, body: JSON.stringify(body)
    });
  }
  /** @param {boolean} fallback */
  function failure(fallback) {
    var error = /** @type {*} */ (new Error("request failed"));
    error.fallback = fallback;
    return error;
  }
  /** @param {Element | null} el @param {string} text @returns {string} */
  function langOf(el, text) {
    if (/[\u3400-\u9fff]/.test(text)) return "zh-CN";
    if (/[a-z]/i.test(text)) return "en";
    var owner = (el && el.closest("[lang]")) || document.documentElement;
    return /^en/i.test(owner.getAttribute("lang") || "") ? "en" : "zh-CN";
  }

  // -- the page-wide stylesheet ----------------------------------------------------------

  /** @param {string} path */
  function cursor(path) {
    var svg = "<svg xmlns='http://www.w3.org/2000/svg' width='48' height='48' viewBox='0 0 24 24'><path d='" +
      path + "' fill='#000' stroke='#fff' stroke-width='1.5' stroke-linejoin='round'/></svg>";
    return 'url("data:image/svg+xml,' + encodeURIComponent(svg) + '")';
  }

  /** Every page-wide rule; each selector starts with html[data-kiosk-a11y…]. @returns {string} */
  function pageCss() {
    var H = "html[" + A, out = [];
    ZOOMS.forEach(function (z) {
      if (z === 100) return;
      var s = H + '-zoom="' + z + '"]';
      out.push(s + " body{zoom:" + z / 100 + "!important}");
      out.push(s + " #" + ID + "{zoom:" + (100 / z).toFixed(6) + "!important}");
    });
    TEXTS.forEach(function (z) {
      var s = H + '-text="' + z + '"] body ';
      if (z !== 100) out.push(s + SIZED + "{zoom:" + z / 100 + "!important}", s + SIZED + " " + SIZED + "{zoom:1!important}");
    });
    var R = "[" + READING + "]", on = H + "] " + R;
    out.push(on + "{outline:3px solid #b34700!important;outline-offset:2px!important;background-color:#fff0a0!important;color:#1a1a1a!important}");
    out.push(on + " *{background-color:transparent!important;color:#1a1a1a!important}");
    out.push(on + " a{color:#0a4a9e!important}");
    Object.keys(SCHEMES).forEach(function (name) {
      var c = SCHEMES[name], s = H + '-scheme="' + name + '"]';
      out.push(s + "," + s + " :where(body,body *:not(#" + ID + ")){background-color:" + c[0] + "!important;color:" + c[1] +
        "!important;border-color:" + c[1] + "!important;background-image:none!important;text-shadow:none!important;box-shadow:none!important}");
      out.push(s + " :where(a,a *){color:" + c[2] + "!important;text-decoration-line:underline!important}");
      out.push(s + " ::placeholder{color:" + c[1] + "!important;opacity:1!important}");
      out.push(s + " " + R + "," + s + " " + R + " *{background-color:" + c[3] + "!important;color:" + c[1] + "!important}");
      out.push(s + " " + R + " a{color:" + c[2] + "!important}");
      out.push(s + " " + R + "{outline-color:" + c[4] + "!important}");
    });
    var cur = H + "-cursor]";
    out.push(cur + " :where(body,body *){cursor:" + cursor(ARROW) + " 6 3,auto!important}");
    out.push(cur + " :where(a[href],a[href] *,button,button *,summary,label,select,[role=button]){cursor:" + cursor(HAND) + " 21 2,pointer!important}");
    out.push(cur + " :where(input:not([type=button],[type=submit],[type=checkbox],[type=radio]),textarea){cursor:text!important}");
    var only = H + "-textonly]";
    out.push(only + " body :where(img,picture,video,audio,iframe,object,embed,canvas,svg,[role=img]){display:none!important}");
    out.push(only + " body{max-width:48em!important;margin:0 auto!important;padding:16px!important;font:20px/1.7 system-ui,sans-serif!important}");
    out.push(only + " body *{background-image:none!important}");
    out.push(only + " body :where(button,input,select,textarea){font-size:inherit!important}");
    out.push(H + "-caption] body{padding-bottom:35vh!important}");
    return out.join("\n");
  }

  /** @type {CSSStyleSheet | HTMLStyleElement | null} */
  var pageSheet = null;
  /**
   * One stylesheet for the page: a constructed sheet when the browser has them (a host's
   * Content-Security-Policy cannot block it and it causes no violation reports), else
   * <style id="kiosk-a11y-style"> carrying the nonce of our script tag.
   */
  function installPageStyle() {
    if (pageSheet) return;
    var doc = /** @type {*} */ (document);
    if (doc.adoptedStyleSheets && "replaceSync" in CSSStyleSheet.prototype) {
      try {
        var sheet = new CSSStyleSheet();
        sheet.replaceSync(pageCss());
        doc.adoptedStyleSheets = doc.adoptedStyleSheets.concat([sheet]);
        pageSheet = sheet;
        return;
      } catch (e) { /* fall back to a <style> */ }
    }
    var style = /** @type {HTMLStyleElement} */ (h("style", { id: "kiosk-a11y-style" }, [pageCss()]));
    if (NONCE) style.nonce = NONCE;
    document.head.appendChild(style);
    pageSheet = style;
  }
  function removePageStyle() {
    var doc = /** @type {*} */ (document), sheet = pageSheet;
    if (!sheet) return;
    if (sheet instanceof CSSStyleSheet) {
      doc.adoptedStyleSheets = doc.adoptedStyleSheets.filter(function (/** @type {*} */ s) { return s !== sheet; });
    } else sheet.remove();
    pageSheet = null;
  }
  /** @param {string} name @param {?string} value */
  function htmlAttr(name, value) {
    var root = document.documentElement, full = name ? A + "-" + name : A;
    if (value === null) root.removeAttribute(full);
    else if (root.getAttribute(full) !== value) root.setAttribute(full, value);
  }

  /** @type {Array<CSSStyleSheet>} */
  var disabledSheets = [];
  /** 纯文本: switch the host's stylesheets off (remembering which), or back on. @param {boolean} on */
  function hostSheets(on) {
    if (!on) {
      disabledSheets.forEach(function (s) { s.disabled = false; });
      disabledSheets = [];
      return;
    }
    if (disabledSheets.length) return;
    var sheets = Array.prototype.slice.call(document.styleSheets).concat(/** @type {*} */ (document).adoptedStyleSheets || []);
    sheets.forEach(function (/** @type {CSSStyleSheet} */ s) {
      var node = /** @type {Element | null} */ (s.ownerNode);
      if (s === pageSheet || (node && node.id === "kiosk-a11y-style") || s.disabled) return;
      s.disabled = true;
      disabledSheets.push(s);
    });
  }

  function refreshStyle() {
    var active = state.zoom !== 100 || state.text !== 100 || state.scheme !== "default" ||
      state.cursor || state.textonly || state.caption || marked !== null;
    if (active) installPageStyle(); else removePageStyle();
    htmlAttr("", active ? "" : null);
  }

  /** Put the state on the page: attributes on <html>, the stylesheet, the UI. */
  function apply() {
    htmlAttr("zoom", state.zoom !== 100 ? String(state.zoom) : null);
    htmlAttr("text", state.text !== 100 ? String(state.text) : null);
    htmlAttr("scheme", state.scheme !== "default" ? state.scheme : null);
    htmlAttr("cursor", state.cursor ? "" : null);
    htmlAttr("textonly", state.textonly ? "" : null);
    htmlAttr("caption", state.caption ? "" : null);
    hostSheets(state.textonly);
    refreshStyle();
    $cap.hidden = !state.caption || !captionText;
    drawCross();
    render();
  }

  // -- speech: our server first, the browser's voice only when it cannot be reached --------

  /** @type {Map<string, Promise<string>>} */
  var audioCache = new Map();
  /** @type {Map<string, Promise<Array<{char: string, pinyin: ?string}>>>} */
  var pinyinCache = new Map();
  var gen = 0;
  /** @type {Element | null} */
  var marked = null;
  var warned = false;

  /** Split text into pieces of at most 500 characters, at sentence ends. @param {string} text */
  function chunks(text) {
    /** @type {string[]} */
    var out = [];
    var cur = "";
    (text.match(/[^。！？；!?;]+[。！？；!?;]*/g) || [text]).forEach(function (part) {
      while (part.length > MAX) {
        if (cur) out.push(cur);
        cur = "";
        out.push(part.slice(0, MAX));
        part = part.slice(MAX);
      }
      if (cur && (cur + part).length > 200) { out.push(cur); cur = ""; }
      cur += part;
    });
    if (cur) out.push(cur);
    return out.map(function (s) { return s.trim(); }).filter(function (s) { return /[\p{L}\p{N}]/u.test(s); });
  }
  /**
   * A small least-recently-used cache.
   * @template T @param {Map<string, T>} map @param {string} key @param {() => T} make
   * @param {function(T): void=} drop what to do with an entry pushed out
   * @returns {T}
   */
  function cached(map, key, make, drop) {
    var hit = map.get(key);
    if (hit !== undefined) { map.delete(key); map.set(key, hit); return hit; }
    var value = make();
    map.set(key, value);
    if (map.size > 30) {
      var oldest = /** @type {string} */ (map.keys().next().value), gone = /** @type {T} */ (map.get(oldest));
      map.delete(oldest);
      if (drop) drop(gone);
    }
    return value;
  }
  /** The audio of one piece, as a blob: URL. @param {string} text @param {string} lang @returns {Promise<string>} */
  function audioFor(text, lang) {
    var key = state.speed + "\n" + lang + "\n" + text;
    return cached(audioCache, key, function () {
      var p = post("/api/speak", { text: text, lang: lang, speed: state.speed }).then(function (r) {
        if (!r.ok) throw failure(r.status === 429 || r.status >= 500);
        return r.blob();
      }, function () { throw failure(true); }).then(function (blob) { return URL.createObjectURL(blob); });
      p.catch(function () { audioCache.delete(key); });
      return p;
    }, function (gone) {
      gone.then(function (url) { if ($audio.src !== url) URL.revokeObjectURL(url); }, noop);
    });
  }
  /** @param {Element} el */
  function mark(el) {
    unmark();
    marked = el;
    el.setAttribute(READING, "");
    refreshStyle();
  }
  function unmark() {
    if (marked) marked.removeAttribute(READING);
    marked = null;
    document.querySelectorAll("[" + READING + "]").forEach(function (el) { el.removeAttribute(READING); });
  }
  function stopSpeech() {
    gen++;
    $audio.pause();
    if ($audio.hasAttribute("src")) { $audio.removeAttribute("src"); $audio.load(); }
    if (window.speechSynthesis) window.speechSynthesis.cancel();
    unmark();
    refreshStyle();
  }
  /**
   * Speak text aloud, highlighting el while it is spoken; then call done.
   * @param {Element} el @param {string} text @param {?function(): void} done
   */
  function speakText(el, text, done) {
    stopSpeech();
    var my = gen, lang = langOf(el, text), parts = chunks(text), i = 0;
    if (!state.sound || !parts.length) { if (done) done(); return; }
    mark(el);
    function next() {
      if (my !== gen) return;
      if (i >= parts.length) { unmark(); refreshStyle(); if (done) done(); return; }
      var part = parts[i++], audio = audioFor(part, lang);
      if (i < parts.length) audioFor(parts[i], lang).catch(noop); // the next piece, meanwhile
      audio.then(function (url) {
        if (my !== gen) return;
        $audio.onended = function () { if (my === gen) next(); };
        $audio.onerror = function () { if (my === gen) browserSay(part, lang, my, next); };
        $audio.src = url;
        $audio.play().catch(function (/** @type {*} */ err) {
          if (my !== gen) return;
          if (err && err.name === "NotAllowedError") { say(t.blocked); stopReading(); } else browserSay(part, lang, my, next);
        });
      }, function (/** @type {*} */ err) {
        if (my !== gen) return;
        if (err && err.fallback) browserSay(part, lang, my, next); else next();
      });
    }
    next();
  }
  /**
   * The browser's own voice: only when our server cannot be reached (or is overloaded).
   * @param {string} text @param {string} lang @param {number} my @param {function(): void} next
   */
  function browserSay(text, lang, my, next) {
    var synth = window.speechSynthesis;
    if (!synth || !window.SpeechSynthesisUtterance) { say(t.noSpeech); stopReading(); return; }
    if (!warned) { warned = true; say(t.fallback); }
    var u = new SpeechSynthesisUtterance(text), finished = false;
    u.lang = lang === "en" ? "en-US" : "zh-CN";
    u.rate = RATES[state.speed] || 1;
    var timer = setTimeout(finish, 2000 + text.length * 400);
    function finish() {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      if (my === gen) next();
    }
    u.onend = u.onerror = finish;
    synth.speak(u);
  }

  // -- 连读: block by block from a chosen point to the end of the main content --------------

  /** @type {?{list: Array<{el: Element, text: string}>, i: number}} */
  var run = null;
  var armed = false;

  function mainRoot() {
    return document.querySelector("main,[role=main]") || document.querySelector("article") || document.body;
  }
  /** The nearest block around an element. @param {Element} el @param {Map<Element, string>} displays */
  function blockOf(el, displays) {
    for (var e = /** @type {Element | null} */ (el); e && e !== document.body; e = e.parentElement) {
      if (e.matches(BLOCKS)) return e;
      var d = displays.get(e);
      if (d === undefined) { d = getComputedStyle(e).display; displays.set(e, d); }
      if (d.indexOf("inline") !== 0 && d !== "contents") return e;
    }
    return el;
  }
  /** The readable blocks of the main content, in order, each with its own text. */
  function readingBlocks() {
    /** @type {Map<Element, {el: Element, text: string}>} */
    var byBlock = new Map();
    var displays = new Map(), list = [];
    var walker = document.createTreeWalker(mainRoot(), NodeFilter.SHOW_TEXT);
    for (var n = walker.nextNode(); n; n = walker.nextNode()) {
      var parent = n.parentElement, data = /** @type {Text} */ (n).data;
      if (!parent || !/\S/.test(data) || isOurs(parent) || !parent.getClientRects().length) continue;
      var block = blockOf(parent, displays), entry = byBlock.get(block);
      if (!entry) { entry = { el: block, text: "" }; byBlock.set(block, entry); list.push(entry); }
      entry.text += data;
    }
    return list.map(function (e) { return { el: e.el, text: clean(e.text) }; }).filter(function (e) { return e.text; });
  }
  /** @param {?Element} from */
  function startReading(from) {
    if (!state.sound) { say(t.needSound); return; }
    var focused = document.activeElement;
    if (!from && focused && focused !== document.body && !isOurs(focused)) from = focused;
    if (!from) { armed = true; say(t.armed); render(); return; }
    readFrom(from);
  }
  /** @param {?Element} from the element chosen, or null for the start of the main content */
  function readFrom(from) {
    armed = false;
    var list = readingBlocks();
    var i = !from ? 0 : list.findIndex(function (b) {
      return b.el === from || b.el.contains(from) || !!(from.compareDocumentPosition(b.el) & Node.DOCUMENT_POSITION_FOLLOWING);
    });
    if (i < 0 || !list.length) { say(t.noText); render(); return; }
    stopSpeech();
    run = { list: list, i: i };
    say("");
    render();
    step();
  }
  function step() {
    if (!run) return;
    var item = run.list[run.i], following = run.list[run.i + 1];
    if (!item) { run = null; say(t.done); render(); return; }
    var box = item.el.getBoundingClientRect();
    if (box.top < 0 || box.bottom > innerHeight * 0.75) {
      item.el.scrollIntoView({ block: "center", behavior: matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth" });
    }
    if (state.caption) showCaption(item.text, langOf(item.el, item.text));
    speakText(item.el, item.text, function () { if (run) { run.i++; step(); } });
    if (following) { // fetched while this block is read
      var first = chunks(following.text)[0];
      if (first) audioFor(first, langOf(following.el, first)).catch(noop);
    }
  }
  function stopReading() {
    var was = !!run || armed;
    run = null;
    armed = false;
    stopSpeech();
    render();
    return was;
  }

  // -- 指读 and 大字幕: what the pointer rests on, what is tapped or focused ----------------

  /** @param {*} node @returns {Element | null} */
  function pointable(node) {
    var el = node instanceof Element ? node : node && node.parentElement;
    if (!el || isOurs(el) || el === document.body || el === document.documentElement) return null;
    var hit = el.closest(POINTABLE) || el.closest(BLOCKS);
    for (var e = el, k = 0; !hit && e && e !== document.body && k < 4; e = e.parentElement, k++) {
      if (Array.prototype.some.call(e.childNodes, function (/** @type {Node} */ c) { return c.nodeType === 3 && /\S/.test(c.nodeValue || ""); })) hit = e;
    }
    return hit && !isOurs(hit) && textOf(hit) ? hit : null;
  }
  /** The text a person sees on an element (never the value a visitor typed). @param {Element} el */
  function textOf(el) {
    var tag = el.tagName, text = "", field = /** @type {HTMLInputElement} */ (el);
    if (tag === "IMG") text = el.getAttribute("alt") || "";
    else if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") {
      text = el.getAttribute("aria-label") || (field.labels && field.labels[0] ? field.labels[0].innerText : "") || el.getAttribute("placeholder") || "";
      if (!text && /^(submit|button|reset)$/.test(field.type)) text = field.value;
    } else text = /** @type {HTMLElement} */ (el).innerText || "";
    return clean(text) || clean(el.getAttribute("aria-label") || el.getAttribute("title") || "");
  }
  /** @param {Element} el */
  function pointAt(el) {
    var text = textOf(el);
    if (!text || run) return;
    if (state.caption) showCaption(text, langOf(el, text));
    if (state.point && el !== marked) speakText(el, text, null);
  }
  /** @type {Element | null} */
  var hovered = null;
  var dwell = 0;
  /** @param {PointerEvent} e */
  function onOver(e) {
    if ((!state.point && !state.caption) || e.pointerType === "touch") return;
    var el = pointable(e.target);
    if (el === hovered) return;
    hovered = el;
    clearTimeout(dwell);
    if (el) dwell = window.setTimeout(function () { if (hovered === el) pointAt(el); }, 300);
  }
  /** @param {PointerEvent} e */
  function onDown(e) {
    if ((!state.point && !state.caption) || e.pointerType === "mouse") return;
    var el = pointable(e.target);
    if (el) { hovered = el; pointAt(el); }
  }
  /** @param {FocusEvent} e */
  function onFocus(e) {
    if (!state.point && !state.caption) return;
    var el = pointable(e.target);
    if (el) { hovered = el; pointAt(el); }
  }

  var captionText = "";
  /** @param {string} text @param {string} lang */
  function showCaption(text, lang) {
    captionText = text;
    $capText.setAttribute("lang", lang);
    $capText.textContent = text;
    $cap.hidden = false;
    if (state.pinyin && lang !== "en" && /[\u3400-\u9fff]/.test(text)) {
      pinyinOf(text).then(function (items) {
        if (captionText !== text || !state.pinyin) return;
        var frag = document.createDocumentFragment();
        items.forEach(function (item) {
          if (!item.pinyin) { frag.append(item.char); return; }
          frag.append(h("ruby", {}, [item.char, h("rp", {}, ["("]), h("rt", {}, [item.pinyin]), h("rp", {}, [")"])]));
        });
        $capText.replaceChildren(frag);
      }, noop);
    }
  }
  /** Per-character pinyin from our server, 500 characters a request. @param {string} text */
  function pinyinOf(text) {
    return cached(pinyinCache, text, function () {
      var chars = Array.from(text), parts = [];
      for (var i = 0; i < chars.length; i += MAX) parts.push(chars.slice(i, i + MAX).join(""));
      var p = Promise.all(parts.map(function (part) {
        return post("/api/pinyin", { text: part }).then(function (r) {
          if (!r.ok) throw failure(false);
          return r.json();
        }).then(function (data) { return data.items; });
      })).then(function (lists) { return [].concat.apply([], lists); });
      p.catch(function () { pinyinCache.delete(text); });
      return p;
    });
  }

  // -- 十字光标 -----------------------------------------------------------------------------

  var moved = false, cx = 0, cy = 0, frame = 0;
  /** @param {PointerEvent} e */
  function onMove(e) {
    if (!state.crosshair) return;
    cx = e.clientX;
    cy = e.clientY;
    moved = true;
    if (!frame) frame = requestAnimationFrame(drawCross);
  }
  function drawCross() {
    frame = 0;
    $x.style.transform = "translateY(" + cy + "px)";
    $y.style.transform = "translateX(" + cx + "px)";
    $x.hidden = $y.hidden = !(state.crosshair && moved);
  }

  // -- the UI ------------------------------------------------------------------------------

  var host = h("div", { id: ID });
  var shadow = host.attachShadow({ mode: "open" });
  if (/** @type {*} */ (shadow).adoptedStyleSheets && "replaceSync" in CSSStyleSheet.prototype) {
    var own = new CSSStyleSheet();
    own.replaceSync(CSS);
    /** @type {*} */ (shadow).adoptedStyleSheets = [own];
  } else {
    var ownStyle = /** @type {HTMLStyleElement} */ (h("style", {}, [CSS]));
    if (NONCE) ownStyle.nonce = NONCE;
    shadow.append(ownStyle);
  }

  /**
   * A toolbar button, or null when its feature is not enabled on this site.
   * @param {string} act @param {string} label @param {string=} value @param {string=} extra
   */
  function btn(act, label, value, extra) {
    if (!allowed(act)) return null;
    var attrs = /** @type {Object<string, string>} */ ({ type: "button", class: "t__btn" + (extra || ""), "data-act": act });
    if (value) attrs["data-value"] = value;
    return h("button", attrs, [label]);
  }
  /** A labelled group of buttons, or null when it has none. @param {Array<Node|string>} legend @param {Array<HTMLElement|null>} buttons */
  function group(legend, buttons) {
    var kids = buttons.filter(Boolean);
    return kids.length ? h("fieldset", {}, [h("legend", {}, legend), h("div", { class: "t__grid" }, kids)]) : null;
  }
  function icon() {
    var ns = "http://www.w3.org/2000/svg", svg = document.createElementNS(ns, "svg"), path = document.createElementNS(ns, "path");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    path.setAttribute("d", "M12 1.5a2.3 2.3 0 1 1 0 4.6 2.3 2.3 0 0 1 0-4.6zM3 7h18v2.3h-6.2V22h-2.3v-6.5h-1V22H9.2V9.3H3z");
    svg.append(path);
    return svg;
  }

  var $launcher = h("button", { type: "button", class: "t__launcher", "aria-expanded": "false", "aria-controls": "kiosk-a11y-panel" }, [icon(), h("span", {}, [t.launcher])]);
  var $zoomValue = h("span", { class: "t__value" });
  var $textValue = h("span", { class: "t__value" });
  var $msg = h("p", { class: "t__msg" });
  var $fromTop = h("button", { type: "button", class: "t__btn", "data-act": "fromTop", hidden: "" }, [t.fromTop]);
  var $live = h("p", { class: "t__sr", role: "status" });
  var $keys = /** @type {HTMLInputElement} */ (h("input", { type: "checkbox", id: "kiosk-a11y-keys" }));
  var $qrImg = /** @type {HTMLImageElement} */ (h("img", { alt: t.qrAlt, width: "220", height: "220", referrerpolicy: "no-referrer", hidden: "" }));
  var $qrMsg = h("p", {});
  var $qr = h("div", { id: "kiosk-a11y-qr", class: "t__box t__qr", hidden: "" }, [$qrImg, $qrMsg]);
  var $help = h("div", { id: "kiosk-a11y-help", class: "t__box", hidden: "" }, [
    h("p", {}, [t.helpText]),
    h("table", { class: "t__keys" }, [
      h("thead", {}, [h("tr", {}, [h("th", { scope: "col" }, [t.feature]), h("th", { scope: "col" }, [t.keys])])]),
      h("tbody", {}, KEYS.filter(function (k) { return allowed(k[1]); }).map(function (k) {
        return h("tr", {}, [h("td", {}, [t[k[1]]]), h("td", {}, [h("kbd", {}, ["Alt+Shift+" + k[2]])])]);
      }))
    ]),
    h("label", { class: "t__check", for: "kiosk-a11y-keys" }, [$keys, t.shortcuts]),
    h("p", {}, [t.privacy])
  ]);
  var $panel = h("div", { id: "kiosk-a11y-panel", class: "t__panel", role: "dialog", "aria-labelledby": "kiosk-a11y-title", hidden: "" }, [
    h("div", { class: "t__head" }, [h("p", { id: "kiosk-a11y-title", class: "t__title" }, [t.title]), btn("close", t.close, "", " t__close")]),
    group([t.gRead], [btn("sound", t.sound), btn("point", t.point), btn("continuous", t.continuous)]),
    allowed("speed") ? group([t.speed], SPEEDS.map(function (s) { return btn("speed", t[s], s); })) : null,
    group([t.pageZoom, " ", $zoomValue], [btn("zoomIn", t.zoomIn), btn("zoomOut", t.zoomOut)]),
    group([t.textSize, " ", $textValue], [btn("textUp", t.textUp), btn("textDown", t.textDown)]),
    allowed("scheme") ? group([t.gScheme], SCHEME_NAMES.map(function (s) { return btn("scheme", t[s], s, " t__scheme t__scheme--" + s); })) : null,
    group([t.gMore], [
      btn("cursor", t.cursor), btn("crosshair", t.crosshair), btn("caption", t.caption), btn("pinyin", t.pinyin),
      btn("textonly", t.textonly), btn("elder", t.elder), btn("qr", t.qr), btn("help", t.help), btn("reset", t.reset)
    ]),
    $msg, $fromTop, $qr, $help
  ]);
  var $capText = h("p", { class: "t__cap-text" });
  // Focusable so that a long caption can be scrolled from the keyboard too.
  var $cap = h("div", { class: "t__cap", role: "region", "aria-label": t.caption, tabindex: "0", hidden: "" }, [$capText]);
  var $x = h("div", { class: "t__x", hidden: "" });
  var $y = h("div", { class: "t__y", hidden: "" });
  var $audio = /** @type {HTMLAudioElement} */ (h("audio", { preload: "auto" }));
  shadow.append(h("div", { class: "t t--" + POSITION, lang: LANG === "en" ? "en" : "zh-CN" }, [
    h("aside", { "aria-label": t.region }, [$launcher, $panel, $live, $cap, $x, $y, $audio])
  ]));

  /** A message for everyone: shown in the panel and told to screen readers, on user actions only. @param {string} text */
  function say(text) {
    $msg.textContent = text;
    $live.textContent = text;
    $fromTop.hidden = !armed;
  }

  function render() {
    $panel.querySelectorAll("[data-act]").forEach(function (b) {
      var act = b.getAttribute("data-act") || "", value = b.getAttribute("data-value"), s = /** @type {*} */ (state);
      var pressed = null, disabled = false;
      if (["sound", "point", "cursor", "crosshair", "caption", "pinyin", "textonly", "elder"].indexOf(act) >= 0) pressed = s[act];
      else if (act === "continuous") pressed = !!run || armed;
      else if (act === "speed" || act === "scheme") pressed = s[act] === value;
      else if (act === "zoomIn") disabled = state.zoom >= ZOOMS[ZOOMS.length - 1];
      else if (act === "zoomOut") disabled = state.zoom <= ZOOMS[0];
      else if (act === "textUp") disabled = state.text >= TEXTS[TEXTS.length - 1];
      else if (act === "textDown") disabled = state.text <= TEXTS[0];
      else if (act === "qr" || act === "help") {
        b.setAttribute("aria-expanded", String(!(act === "qr" ? $qr : $help).hidden));
        b.setAttribute("aria-controls", "kiosk-a11y-" + act);
      }
      if (pressed !== null) b.setAttribute("aria-pressed", String(!!pressed));
      if (disabled) b.setAttribute("aria-disabled", "true"); else b.removeAttribute("aria-disabled");
    });
    $zoomValue.textContent = state.zoom + "%";
    $textValue.textContent = state.text + "%";
    $keys.checked = state.shortcuts;
    $fromTop.hidden = !armed;
  }

  var isOpen = false;
  /** @type {?HTMLElement} */
  var returnTo = null;
  /** @param {?HTMLElement} from where focus goes back to on closing */
  function openPanel(from) {
    if (!isOpen) {
      isOpen = true;
      returnTo = from;
      $panel.hidden = false;
      $launcher.setAttribute("aria-expanded", "true");
    }
    var first = /** @type {HTMLElement | null} */ ($panel.querySelector("fieldset button"));
    if (first) first.focus();
  }
  function closePanel() {
    if (!isOpen) return;
    isOpen = false;
    $panel.hidden = true;
    $launcher.setAttribute("aria-expanded", "false");
    var back = returnTo && returnTo.isConnected ? returnTo : $launcher;
    returnTo = null;
    back.focus();
  }
  /** @returns {?HTMLElement} the host element that has focus, if any */
  function hostFocus() {
    var el = document.activeElement;
    return el instanceof HTMLElement && el !== document.body && !isOurs(el) ? el : null;
  }
  /** @param {HTMLElement} box */
  function toggleBox(box) {
    var show = box.hidden;
    $qr.hidden = $help.hidden = true;
    box.hidden = !show;
    if (show && box === $qr) {
      var page = location.origin + location.pathname + location.search;
      $qrMsg.textContent = "";
      $qrImg.src = BASE + "/api/qr.svg?lang=" + (LANG === "en" ? "en" : "zh-CN") + "&url=" + encodeURIComponent(page);
    }
    if (show) box.scrollIntoView({ block: "nearest" });
  }
  /** @param {number[]} steps @param {number} value @param {number} by */
  function stepOf(steps, value, by) {
    var i = Math.max(0, Math.min(steps.length - 1, steps.indexOf(value) + by));
    return steps[i];
  }
  function elder() {
    if (!state.elder) {
      state.before = { text: state.text, scheme: state.scheme, cursor: state.cursor, caption: state.caption };
      if (allowed("text")) state.text = Math.max(150, state.text);
      if (allowed("scheme") && state.scheme !== "dark") state.scheme = "light";
      if (allowed("cursor")) state.cursor = true;
      if (allowed("caption")) state.caption = true;
      state.elder = true;
    } else {
      var b = /** @type {Object<string, *>} */ (state.before || {});
      state.text = valid("text", b.text) ? b.text : 100;
      state.scheme = valid("scheme", b.scheme) ? b.scheme : "default";
      state.cursor = !!b.cursor;
      state.caption = !!b.caption;
      state.elder = false;
      state.before = null;
    }
  }
  function reset() {
    stopReading();
    clearTimeout(dwell);
    hovered = null;
    state = defaults();
    try { localStorage.removeItem(KEY); } catch (e) { /* nothing stored */ }
    captionText = "";
    $capText.textContent = "";
    moved = false;
    $qr.hidden = $help.hidden = true;
    apply();
    say(t.resetDone);
  }

  /**
   * Do what a button or a shortcut asks.
   * @param {string} action @param {?string} value @param {boolean} byKey
   */
  function act(action, value, byKey) {
    if (!allowed(action)) return;
    var s = /** @type {*} */ (state);
    switch (action) {
      case "toggle": if (isOpen) closePanel(); else openPanel(hostFocus() || $launcher); return;
      case "close": closePanel(); return;
      case "reset": reset(); return;
      case "fromTop": readFrom(null); return;
      case "continuous": if (!stopReading()) startReading(byKey ? hostFocus() : null); else say(t.stopped); return;
      case "qr": case "help":
        if (!isOpen) openPanel(hostFocus() || $launcher);
        toggleBox(action === "qr" ? $qr : $help);
        render();
        return;
      case "sound": state.sound = !state.sound; if (!state.sound) stopReading(); break;
      case "speed": state.speed = value || SPEEDS[(SPEEDS.indexOf(state.speed) + 1) % SPEEDS.length]; break;
      case "scheme": state.scheme = value || SCHEME_NAMES[(SCHEME_NAMES.indexOf(state.scheme) + 1) % SCHEME_NAMES.length]; break;
      case "point": state.point = !state.point; if (!state.point && !run) stopSpeech(); break;
      case "zoomIn": case "zoomOut": state.zoom = stepOf(ZOOMS, state.zoom, action === "zoomIn" ? 1 : -1); break;
      case "textUp": case "textDown": state.text = stepOf(TEXTS, state.text, action === "textUp" ? 1 : -1); break;
      case "pinyin": state.pinyin = !state.pinyin; if (state.pinyin) state.caption = true; break;
      case "elder": elder(); break;
      case "shortcuts": state.shortcuts = value === "on"; break;
      case "cursor": case "crosshair": case "caption": case "textonly": s[action] = !s[action]; break;
      default: return;
    }
    if (action === "crosshair" && !state.crosshair) moved = false;
    if (action === "caption" || action === "pinyin") {
      if (state.caption && captionText) showCaption(captionText, langOf(null, captionText));
    }
    save();
    apply();
    if (byKey) {
      var shown = action === "speed" ? t[state.speed] : action === "scheme" ? t[state.scheme] :
        action.indexOf("zoom") === 0 ? state.zoom + "%" : action.indexOf("text") === 0 && action !== "textonly" ? state.text + "%" :
          s[action] ? t.on : t.off;
      say(t[action] + ": " + shown);
    }
  }

  $launcher.addEventListener("click", function () {
    if (isOpen) closePanel(); else openPanel($launcher);
  });
  $panel.addEventListener("click", function (e) {
    var b = /** @type {Element} */ (e.target).closest("button[data-act]");
    if (!b || b.getAttribute("aria-disabled") === "true") return;
    act(b.getAttribute("data-act") || "", b.getAttribute("data-value"), false);
  });
  $keys.addEventListener("change", function () { act("shortcuts", $keys.checked ? "on" : "off", false); });
  $qrImg.addEventListener("load", function () { $qrImg.hidden = false; $qrMsg.textContent = t.qrHint; });
  $qrImg.addEventListener("error", function () { $qrImg.hidden = true; $qrMsg.textContent = t.qrError; });
  shadow.addEventListener("keydown", function (e) {
    var key = /** @type {KeyboardEvent} */ (e);
    if (key.key !== "Escape" || !isOpen) return;
    key.preventDefault();
    key.stopPropagation();
    if (armed) stopReading();
    closePanel();
  });
  // Shortcuts: Alt+Shift+letter only; never Tab, never a bare key. Host handlers run first.
  document.addEventListener("keydown", function (e) {
    if (!state.shortcuts || !e.altKey || !e.shiftKey || e.ctrlKey || e.metaKey || e.isComposing) return;
    var hit = KEYS.filter(function (k) { return k[0] === e.code; })[0];
    if (!hit || !allowed(hit[1])) return;
    e.preventDefault();
    act(hit[1], null, true);
  });
  document.addEventListener("click", function (e) {
    var target = /** @type {Element} */ (e.target);
    if (armed && !isOurs(target)) {
      e.preventDefault();
      e.stopPropagation();
      readFrom(target);
      return;
    }
    // Optional hooks for the host's own links: data-kiosk-a11y-open, data-kiosk-a11y-elder.
    var hook = target instanceof Element ? target.closest("[data-kiosk-a11y-open],[data-kiosk-a11y-elder]") : null;
    if (!hook || isOurs(hook)) return;
    e.preventDefault();
    if (hook.hasAttribute("data-kiosk-a11y-elder")) act("elder", null, false);
    else openPanel(/** @type {HTMLElement} */ (hook));
  }, true);
  document.addEventListener("pointerover", onOver, true);
  document.addEventListener("pointerdown", onDown, true);
  document.addEventListener("focusin", onFocus, true);
  document.addEventListener("pointermove", onMove, { capture: true, passive: true });
  document.documentElement.addEventListener("pointerleave", function () { moved = false; drawCross(); });

  function init() {
    if (document.getElementById(ID)) return;
    document.body.append(host);
    apply();
  }
  if (document.body) init(); else document.addEventListener("DOMContentLoaded", init);
})();
