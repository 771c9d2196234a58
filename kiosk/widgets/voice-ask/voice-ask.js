/**
 * 说出问题: record up to `data-max` seconds from the microphone, send the audio
 * to `data-url` (our /api/asr) and put the text in the field `data-target`.
 * The audio lives only in this page's memory and in the request. When nothing
 * was heard, the server's message is shown and spoken (/api/speak).
 */
(function () {
  "use strict";
  var Kiosk = window.Kiosk;

  Kiosk.modules["kiosk-voice"] = function ($root) {
    var $field = /** @type {HTMLInputElement|null} */ (document.getElementById($root.getAttribute("data-target") || ""));
    var $button = /** @type {HTMLElement} */ ($root.querySelector(".kiosk-js-voice"));
    var $level = /** @type {HTMLElement} */ ($root.querySelector(".kiosk-js-voice-level"));
    var $status = /** @type {HTMLElement} */ ($root.querySelector(".kiosk-js-voice-status"));
    var url = $root.getAttribute("data-url") || "/api/asr";
    var max = Number($root.getAttribute("data-max") || 15);
    var label = function (/** @type {string} */ name) { return $root.getAttribute("data-label-" + name) || ""; };
    var media = navigator.mediaDevices;
    if (!$field || !media || !media.getUserMedia || !media.enumerateDevices || !window.MediaRecorder) return;
    var $input = $field;
    /** @type {MediaRecorder|null} */
    var recorder = null;
    var tick = 0;

    // A microphone first; then ask the server, which starts loading the recogniser
    // so that the first question does not wait for it.
    media.enumerateDevices()
      .then(function (devices) {
        if (!devices.some(function (d) { return d.kind === "audioinput"; })) return null;
        return fetch(url, { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : { available: false }; })
          .then(function (data) { if (data.available) $root.hidden = false; });
      })
      .catch(function () { /* no button */ });

    /** @param {string} text */
    function status(text) { $status.textContent = text; }

    /** @param {string} text */
    function speak(text) {
      fetch("/api/speak?format=wav", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ text: text, lang: "zh-CN" })
      })
        .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.blob(); })
        .then(function (blob) {
          var audio = new Audio(URL.createObjectURL(blob));
          audio.play().catch(function () { /* the written message stays */ });
        })
        .catch(function () { /* the written message stays */ });
    }
    function failed() {
      status(label("failed"));
      speak(label("failed"));
    }

    /** @param {Blob} blob */
    function send(blob) {
      status(label("working"));
      $button.setAttribute("aria-disabled", "true");
      fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": blob.type || "application/octet-stream" },
        body: blob
      })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          if (data.heard && data.text) {
            $input.value = data.text;
            $input.dispatchEvent(new Event("input", { bubbles: true }));
            status("");
            $input.focus();  // editable (on the kiosk with the on-screen keyboard) before asking
          } else {
            failed();
          }
        })
        .catch(failed)
        .then(function () { $button.removeAttribute("aria-disabled"); });
    }

    function stop() {
      window.clearInterval(tick);
      if (recorder && recorder.state !== "inactive") recorder.stop();
    }

    function start() {
      media.getUserMedia({ audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true } })
        .then(function (stream) {
          var type = "audio/webm;codecs=opus";
          /** @type {MediaRecorderOptions} */
          var options = { audioBitsPerSecond: 24000 };
          if (MediaRecorder.isTypeSupported(type)) options.mimeType = type;
          var chunks = /** @type {Blob[]} */ ([]);
          var rec = new MediaRecorder(stream, options);
          recorder = rec;
          var context = new AudioContext();
          var analyser = context.createAnalyser();
          analyser.fftSize = 512;
          context.createMediaStreamSource(stream).connect(analyser);
          var samples = new Uint8Array(analyser.fftSize);
          var draw = function () {
            if (rec.state !== "recording") { $level.style.width = "0"; return; }
            analyser.getByteTimeDomainData(samples);
            var peak = 0;
            for (var i = 0; i < samples.length; i++) peak = Math.max(peak, Math.abs(samples[i] - 128));
            $level.style.width = Math.min(100, (peak / 128) * 200) + "%";
            window.requestAnimationFrame(draw);
          };
          rec.ondataavailable = function (e) { if (e.data.size) chunks.push(e.data); };
          rec.onstop = function () {
            stream.getTracks().forEach(function (t) { t.stop(); });  // the microphone indicator goes off
            context.close();
            recorder = null;
            $button.setAttribute("aria-pressed", "false");
            $button.textContent = label("start");
            send(new Blob(chunks, { type: rec.mimeType }));
          };
          var left = max;
          status(label("left").replace("%(seconds)s", String(left)));
          tick = window.setInterval(function () {
            left -= 1;
            if (left <= 0) { stop(); return; }
            status(label("left").replace("%(seconds)s", String(left)));
          }, 1000);
          $button.setAttribute("aria-pressed", "true");
          $button.textContent = label("stop");
          rec.start(250);
          draw();
        })
        .catch(failed);
    }

    $button.addEventListener("click", function () {
      if ($button.getAttribute("aria-disabled") === "true") return;
      if (recorder) stop(); else start();
    });
    // The idle reset: stop listening and forget what was said.
    document.addEventListener("kiosk:reset", function () { chunksOff(); });
    function chunksOff() {
      window.clearInterval(tick);
      if (recorder) { recorder.ondataavailable = null; recorder.onstop = null; if (recorder.state !== "inactive") recorder.stop(); recorder.stream.getTracks().forEach(function (t) { t.stop(); }); recorder = null; }
    }
  };
})();
