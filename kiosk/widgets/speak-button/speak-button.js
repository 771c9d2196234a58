/**
 * 朗读 for one sentence: plays `data-src` (audio of a sentence of our reports),
 * a second press stops it; only one plays at a time.
 */
(function () {
  "use strict";
  var Kiosk = window.Kiosk;
  /** @type {HTMLAudioElement|null} */
  var current = null;
  /** @type {HTMLElement|null} */
  var currentButton = null;

  function stop() {
    if (current) current.pause();
    if (currentButton) {
      currentButton.setAttribute("aria-pressed", "false");
      currentButton.textContent = currentButton.getAttribute("data-label-play");
    }
    current = null;
    currentButton = null;
  }

  Kiosk.modules["kiosk-speak"] = function ($button) {
    $button.hidden = false;
    $button.addEventListener("click", function () {
      var mine = currentButton === $button;
      stop();
      if (mine) return;
      current = new Audio($button.getAttribute("data-src") || "");
      currentButton = $button;
      $button.setAttribute("aria-pressed", "true");
      $button.textContent = $button.getAttribute("data-label-stop");
      current.addEventListener("ended", stop);
      current.addEventListener("timeupdate", function () { Kiosk.emit("kiosk:speaking"); });
      current.play().catch(function (err) { if (!err || err.name !== "AbortError") stop(); });
    });
  };
  document.addEventListener("kiosk:reset", stop);
})();
