// Signature pad: draw with a finger, pen or mouse; the PNG goes in a hidden field on submit.
(function () {
  "use strict";
  var canvas = document.getElementById("signature-pad");
  if (!canvas) return;
  var ctx = canvas.getContext("2d");
  var output = document.getElementById("drawn-signature");
  var drawn = document.getElementById("sig-drawn");
  var typed = document.getElementById("sig-typed");
  var inked = false;
  var last = null;

  function fit() {
    // Keep the drawing buffer at the displayed size times the pixel ratio: sharp strokes.
    var ratio = window.devicePixelRatio || 1;
    var box = canvas.getBoundingClientRect();
    if (!box.width) return;
    canvas.width = Math.round(box.width * ratio);
    canvas.height = Math.round(box.height * ratio);
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.lineWidth = 2.4;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.strokeStyle = "#10243e";
    inked = false;
  }

  function point(event) {
    var box = canvas.getBoundingClientRect();
    return { x: event.clientX - box.left, y: event.clientY - box.top };
  }

  canvas.addEventListener("pointerdown", function (event) {
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    last = point(event);
    ctx.beginPath();
    ctx.arc(last.x, last.y, 1.2, 0, Math.PI * 2);
    ctx.fill();
  });
  canvas.addEventListener("pointermove", function (event) {
    if (!last) return;
    event.preventDefault();
    var p = point(event);
    ctx.beginPath();
    ctx.moveTo(last.x, last.y);
    ctx.lineTo(p.x, p.y);
    ctx.stroke();
    last = p;
    inked = true;
  });
  function stop() { last = null; }
  canvas.addEventListener("pointerup", stop);
  canvas.addEventListener("pointercancel", stop);
  canvas.addEventListener("pointerleave", stop);

  document.getElementById("clear-signature").addEventListener("click", function () {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    inked = false;
    output.value = "";
  });

  document.querySelectorAll("input[name=method]").forEach(function (radio) {
    radio.addEventListener("change", function () {
      var useTyped = radio.value === "typed" && radio.checked;
      if (radio.checked) {
        drawn.hidden = useTyped;
        typed.hidden = !useTyped;
        if (!useTyped) fit();
      }
    });
  });

  var form = canvas.closest("form");
  form.addEventListener("submit", function (event) {
    var method = form.querySelector("input[name=method]:checked");
    if (method && method.value === "drawn") {
      if (!inked) {
        event.preventDefault();
        canvas.classList.add("needs-ink");
        canvas.scrollIntoView({ block: "center" });
        return;
      }
      output.value = canvas.toDataURL("image/png");
    }
  });

  window.addEventListener("resize", fit);
  fit();
})();
