/**
 * Kiosk start screen: one touch anywhere starts (the tiles and buttons keep
 * their own targets).
 */
(function () {
  "use strict";
  window.Kiosk.modules["kiosk-start"] = function ($root) {
    var href = $root.getAttribute("data-href") || "/library";
    document.addEventListener("pointerup", function (e) {
      var $t = e.target instanceof Element ? e.target : null;
      if ($t && $t.closest("a, button, input, dialog, .kiosk-header, .kiosk-settings")) return;
      location.href = href;
    });
  };
})();
