// The public site's enhancements. Every feature works without this file: it only saves clicks.
"use strict";
(function () {
  document.documentElement.classList.add("js");

  // Filters apply as soon as they change; the Filter button stays for browsers without script.
  var form = document.querySelector("form.filters");
  if (form) {
    form.addEventListener("change", function () {
      form.requestSubmit ? form.requestSubmit() : form.submit();
    });
  }

  // On a wide screen the filters are a sidebar, never a closed sheet (for browsers that do not
  // know ::details-content yet).
  var sheet = document.querySelector(".filter-sheet");
  var wide = window.matchMedia("(min-width: 60.01rem)");
  function sidebar() {
    if (sheet && wide.matches) sheet.open = true;
  }
  sidebar();
  wide.addEventListener("change", sidebar);

  // Escape closes an open sheet or menu, and gives the focus back to its button.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details[open]").forEach(function (details) {
      if (details === sheet && wide.matches) return;
      details.open = false;
      details.querySelector("summary").focus();
    });
  });
})();
