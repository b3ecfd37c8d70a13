// The customer portal's bits of behaviour (no inline scripts: CSP forbids them).
(function () {
  "use strict";

  // A form with a [data-submit-once] button is sent once: the button is disabled after
  // the first tap (the server also recognises a second post of the same form).
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (event.defaultPrevented) { return; }
    const button = form.querySelector("[data-submit-once]");
    if (!button) { return; }
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
    // Disabled after this tick, so the button's own name/value still goes with the form.
    window.setTimeout(function () { button.disabled = true; }, 0);
  });

  // Going back to a page kept in the browser's cache: the form may be sent again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    document.querySelectorAll("form[data-sent]").forEach(function (form) {
      delete form.dataset.sent;
      form.querySelectorAll("[data-submit-once]").forEach(function (b) { b.disabled = false; });
    });
  });
})();
