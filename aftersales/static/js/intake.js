// The public help form (/help/): the little it needs beyond htmx.
// No inline scripts anywhere: the Content-Security-Policy forbids them.
(function () {
  "use strict";

  // "Not solved: continue with my request" closes the article and goes on to the photos.
  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-intake-continue]");
    if (!button) { return; }
    const details = button.closest("details");
    if (details) { details.open = false; }
    const next = document.querySelector("#help-form input[type=file]") ||
      document.getElementById("help-submit");
    if (next) { next.scrollIntoView({ block: "center" }); }
  });

  // Too many photos chosen: say so before sending (the server checks it too).
  document.addEventListener("change", function (event) {
    const input = event.target;
    if (!input.matches || !input.matches("#help-form input[type=file]")) { return; }
    const warning = document.getElementById("photos-too-many");
    if (!warning) { return; }
    const max = parseInt(warning.getAttribute("data-max"), 10) || 0;
    const tooMany = max > 0 && input.files && input.files.length > max;
    warning.classList.toggle("d-none", !tooMany);
    input.classList.toggle("is-invalid", tooMany);
  });

  // One tap sends the form once: the button waits while the photos go up.
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (form.id !== "help-form") { return; }
    const button = document.getElementById("help-submit");
    if (button) { window.setTimeout(function () { button.disabled = true; }, 0); }
  });
})();
