// aftersales: the little behaviour the pages need beyond htmx and Bootstrap.
// No inline scripts anywhere: the Content-Security-Policy forbids them.
(function () {
  "use strict";

  // Elements with data-autofocus get the cursor after a page or an htmx swap.
  function focusFirst(root) {
    const el = (root || document).querySelector("[data-autofocus]");
    if (el) { el.focus(); if (el.select) { el.select(); } }
  }

  // <select data-submit-on-change> submits its form (queue filters).
  document.addEventListener("change", function (event) {
    const el = event.target;
    if (el.matches("[data-submit-on-change]") && el.form) {
      if (el.form.requestSubmit) { el.form.requestSubmit(); } else { el.form.submit(); }
    }
  });

  // Buttons with data-confirm ask before submitting.
  document.addEventListener("click", function (event) {
    const el = event.target.closest("[data-confirm]");
    if (el && !window.confirm(el.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  // A button with data-fill-target copies its data-fill-value into that field.
  document.addEventListener("click", function (event) {
    const el = event.target.closest("[data-fill-target]");
    if (!el) { return; }
    const target = document.querySelector(el.getAttribute("data-fill-target"));
    if (target) { target.value = el.getAttribute("data-fill-value") || ""; target.focus(); }
  });

  // A button with data-copy="#field" copies that field's text (the customer's quote link).
  document.addEventListener("click", function (event) {
    const el = event.target.closest("[data-copy]");
    const field = el && document.querySelector(el.getAttribute("data-copy"));
    if (!field) { return; }
    field.select();
    const done = function () { if (el.dataset.copied) { el.textContent = el.dataset.copied; } };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done);
    } else if (document.execCommand("copy")) {
      done();
    }
  });

  // Buttons with data-print print the page (service forms, reports).
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) { window.print(); }
  });

  document.addEventListener("DOMContentLoaded", function () {
    focusFirst(document);
    // A modal marked data-show (a refused transition) opens again with its input kept.
    document.querySelectorAll(".modal[data-show]").forEach(function (el) {
      window.bootstrap.Modal.getOrCreateInstance(el).show();
    });
  });
  document.body.addEventListener("htmx:afterSwap", function (event) { focusFirst(event.target); });
})();
