/* Check-in by scanning the worker's QR code with the device camera (progressive enhancement).
   Where the browser has BarcodeDetector (QR) and getUserMedia, a "scan" button appears; a code read
   fills the same form's input and submits it. Without them nothing changes: the form works as typed. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-scan]");
  if (!form || !("BarcodeDetector" in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    return;
  }
  var start = form.querySelector("[data-scan-start]");
  var stop = form.querySelector("[data-scan-stop]");
  var view = form.querySelector("[data-scan-view]");
  var video = form.querySelector("[data-scan-video]");
  var note = form.querySelector("[data-scan-note]");
  var input = form.querySelector("input[name=code]");
  var stream = null;
  var timer = null;

  function halt() {
    if (timer) { clearTimeout(timer); timer = null; }
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); stream = null; }
    view.hidden = true;
    start.hidden = false;
  }

  Promise.resolve(window.BarcodeDetector.getSupportedFormats ? window.BarcodeDetector.getSupportedFormats() : ["qr_code"])
    .then(function (formats) {
      if (formats.indexOf("qr_code") === -1) { return; }
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      start.hidden = false;

      function look() {
        detector.detect(video).then(function (codes) {
          var value = codes.length ? String(codes[0].rawValue || "").trim() : "";
          if (value) {
            input.value = value;
            halt();
            form.submit();
            return;
          }
          timer = setTimeout(look, 250);
        }).catch(function () { timer = setTimeout(look, 500); });
      }

      start.addEventListener("click", function () {
        navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
          .then(function (s) {
            stream = s;
            video.srcObject = s;
            view.hidden = false;
            start.hidden = true;
            return video.play();
          })
          .then(look)
          .catch(function () {
            halt();
            note.textContent = start.getAttribute("data-denied") || "";
            input.focus();
          });
      });
      stop.addEventListener("click", function () { halt(); input.focus(); });
      window.addEventListener("pagehide", halt);
    })
    .catch(function () { /* no QR support: the typed form is all there is */ });
}());
