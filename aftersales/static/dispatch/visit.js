// The technician's visit page: fill the position of a step from the phone's GPS, and the
// customer's signature pad. Loaded with <script src> (the CSP forbids inline scripts);
// without JavaScript or GPS the forms still work, only without a position or signature.
(function () {
  "use strict";

  // Forms with data-geolocate get their hidden latitude/longitude filled when the page
  // opens (the phone asks once); a form sent before the answer simply has none.
  function geolocate(form) {
    const status = form.querySelector("[data-geo-status]");
    if (!("geolocation" in navigator)) { return; }
    navigator.geolocation.getCurrentPosition(function (position) {
      form.querySelector("[name=latitude]").value = position.coords.latitude.toFixed(6);
      form.querySelector("[name=longitude]").value = position.coords.longitude.toFixed(6);
      if (status) { status.textContent = "GPS ✓ ±" + Math.round(position.coords.accuracy) + " m"; }
    }, function () {
      if (status) { status.textContent = ""; }
    }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
  }

  // A canvas the customer signs on with a finger, pen or mouse (pointer events).
  function signaturePad(form) {
    const canvas = form.querySelector("[data-signature-pad]");
    const field = form.querySelector("[name=signature]");
    if (!canvas || !field) { return; }
    const ctx = canvas.getContext("2d");
    ctx.lineWidth = 3;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.strokeStyle = "#111";
    let drawing = false;
    let signed = false;

    function point(event) {
      const box = canvas.getBoundingClientRect();
      return {
        x: (event.clientX - box.left) * (canvas.width / box.width),
        y: (event.clientY - box.top) * (canvas.height / box.height),
      };
    }
    canvas.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      drawing = true;
      canvas.setPointerCapture(event.pointerId);
      const p = point(event);
      ctx.beginPath();
      ctx.moveTo(p.x, p.y);
      ctx.lineTo(p.x + 0.1, p.y + 0.1);
      ctx.stroke();
      signed = true;
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) { return; }
      event.preventDefault();
      const p = point(event);
      ctx.lineTo(p.x, p.y);
      ctx.stroke();
    });
    function stop() { drawing = false; }
    canvas.addEventListener("pointerup", stop);
    canvas.addEventListener("pointercancel", stop);
    canvas.addEventListener("pointerleave", stop);

    const clear = form.querySelector("[data-signature-clear]");
    if (clear) {
      clear.addEventListener("click", function () {
        ctx.clearRect(0, 0, canvas.width, canvas.height);
        signed = false;
        field.value = "";
      });
    }
    form.addEventListener("submit", function () {
      field.value = signed ? canvas.toDataURL("image/png") : "";
    });
  }

  function start() {
    document.querySelectorAll("form[data-geolocate]").forEach(geolocate);
    document.querySelectorAll("form[data-signature-form]").forEach(signaturePad);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
