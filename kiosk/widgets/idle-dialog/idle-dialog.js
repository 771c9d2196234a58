/**
 * Idle reset for the kiosk: after `data-timeout` seconds without input, ask
 * "还在阅读吗?" for `data-countdown` seconds; then forget the visitor —
 * speech, storage, cookies (the server's /-/reset clears them) — and go back to
 * the start screen.
 */
(function () {
  "use strict";
  var Kiosk = window.Kiosk;

  function reset() {
    Kiosk.emit("kiosk:reset");
    try { localStorage.clear(); sessionStorage.clear(); } catch (e) { /* storage may be disabled */ }
    // A POST, so that no other site can wipe a visitor's settings with a link.
    var $form = document.createElement("form");
    $form.method = "post";
    $form.action = "/-/reset";
    document.body.appendChild($form);
    $form.submit();
  }

  Kiosk.modules["kiosk-idle"] = function ($root) {
    if (!Kiosk.isKiosk) return;
    var $dialog = /** @type {HTMLDialogElement} */ ($root);
    var timeout = Number($dialog.getAttribute("data-timeout")) * 1000;
    var countdown = Number($dialog.getAttribute("data-countdown"));
    var label = $dialog.getAttribute("data-label") || "%(seconds)s";
    var $status = $dialog.querySelector(".kiosk-idle__status");
    var idleTimer = 0;
    var tick = 0;
    var left = countdown;

    function render() {
      if ($status) $status.textContent = label.replace("%(seconds)s", String(left));
    }
    function ask() {
      left = countdown;
      render();
      if (!$dialog.open) $dialog.showModal();
      tick = window.setInterval(function () {
        left -= 1;
        if (left <= 0) { window.clearInterval(tick); reset(); return; }
        render();
      }, 1000);
    }
    function activity() {
      if ($dialog.open) return; // only 继续阅读 (or Escape) closes the question
      window.clearTimeout(idleTimer);
      idleTimer = window.setTimeout(ask, timeout);
    }
    function resume() {
      window.clearInterval(tick);
      if ($dialog.open) $dialog.close();
      activity();
    }
    var $continue = $dialog.querySelector(".kiosk-js-idle-continue");
    if ($continue) $continue.addEventListener("click", resume);
    $dialog.addEventListener("cancel", function (e) { e.preventDefault(); resume(); });
    ["pointerdown", "keydown", "wheel", "touchstart", "scroll"].forEach(function (type) {
      document.addEventListener(type, activity, { passive: true, capture: true });
    });
    // Speech counts as reading: a playing report keeps the kiosk awake.
    document.addEventListener("kiosk:speaking", activity);
    activity();
  };
})();
