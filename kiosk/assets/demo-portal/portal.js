/* The demo portal's own script (/widget/demo), as district portals have it:
   [字体: 大 中 小] resizes the article, 打印保存 prints. Not part of the toolbar. */
(function () {
  "use strict";
  var body = document.querySelector(".pt-body");
  var sizes = document.querySelectorAll(".pt-js-size");
  sizes.forEach(function (button) {
    button.addEventListener("click", function () {
      body.classList.remove("pt-body--l", "pt-body--s");
      var size = button.getAttribute("data-size");
      if (size !== "m") body.classList.add("pt-body--" + size);
      sizes.forEach(function (other) { other.setAttribute("aria-pressed", String(other === button)); });
    });
  });
  var print = document.querySelector(".pt-js-print");
  if (print) print.addEventListener("click", function () { window.print(); });
})();
