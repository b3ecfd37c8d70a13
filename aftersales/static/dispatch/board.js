// Dispatch board: pick a center or a day without a Show button, and say that planning is
// running while the solver works (it may take ten seconds).
(function () {
  "use strict";
  document.querySelectorAll("[data-board-autosubmit]").forEach(function (field) {
    field.addEventListener("change", function () {
      if (field.form) field.form.submit();
    });
  });
  document.querySelectorAll("form[data-board-plan]").forEach(function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      if (!button) return;
      button.disabled = true;
      var busy = form.querySelector("[data-board-busy]");
      if (busy) busy.classList.remove("d-none");
    });
  });
})();
