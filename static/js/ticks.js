/* "Tick every lead": one box ticks or unticks all the boxes of its list. */
(function () {
  "use strict";
  document.querySelectorAll("[data-ticks]").forEach(function (all) {
    var boxes = document.querySelectorAll('input[name="' + all.getAttribute("data-ticks") + '"]');
    all.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = all.checked; });
    });
  });
})();
