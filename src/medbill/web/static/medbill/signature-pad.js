// Signature pad: draw with a finger, pen or mouse; the PNG goes in a hidden field on submit.
// Strokes are kept as points so a resize (a tablet turned sideways) redraws them, not loses them.
(function () {
  "use strict";
  var canvas = document.getElementById("signature-pad");
  if (!canvas) return;
  var ctx = canvas.getContext("2d");
  var output = document.getElementById("drawn-signature");
  var drawn = document.getElementById("sig-drawn");
  var typed = document.getElementById("sig-typed");
  var strokes = [];
  var current = null;
  var size = "";

  function pen() {
    ctx.lineWidth = 2.4;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.strokeStyle = "#10243e";
    ctx.fillStyle = "#10243e";
  }

  function paint(stroke) {
    ctx.beginPath();
    ctx.moveTo(stroke[0].x, stroke[0].y);
    if (stroke.length === 1) {
      ctx.arc(stroke[0].x, stroke[0].y, 1.2, 0, Math.PI * 2);
      ctx.fill();
      return;
    }
    for (var i = 1; i < stroke.length; i++) ctx.lineTo(stroke[i].x, stroke[i].y);
    ctx.stroke();
  }

  function fit() {
    var ratio = window.devicePixelRatio || 1;
    var box = canvas.getBoundingClientRect();
    if (!box.width) return;
    var next = box.width + "x" + box.height + "@" + ratio;
    if (next === size) return;
    size = next;
    canvas.width = Math.round(box.width * ratio);
    canvas.height = Math.round(box.height * ratio);
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    pen();
    strokes.forEach(paint);
  }

  function point(event) {
    var box = canvas.getBoundingClientRect();
    return { x: event.clientX - box.left, y: event.clientY - box.top };
  }

  canvas.addEventListener("pointerdown", function (event) {
    event.preventDefault();
    if (canvas.setPointerCapture) canvas.setPointerCapture(event.pointerId);
    current = [point(event)];
    strokes.push(current);
    canvas.classList.remove("needs-ink");
    paint(current);
  });
  canvas.addEventListener("pointermove", function (event) {
    if (!current) return;
    event.preventDefault();
    var last = current[current.length - 1];
    var p = point(event);
    current.push(p);
    ctx.beginPath();
    ctx.moveTo(last.x, last.y);
    ctx.lineTo(p.x, p.y);
    ctx.stroke();
  });
  function stop() { current = null; }
  canvas.addEventListener("pointerup", stop);
  canvas.addEventListener("pointercancel", stop);

  document.getElementById("clear-signature").addEventListener("click", function () {
    strokes = [];
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    output.value = "";
  });

  document.querySelectorAll("input[name=method]").forEach(function (radio) {
    radio.addEventListener("change", function () {
      if (!radio.checked) return;
      var useTyped = radio.value === "typed";
      drawn.hidden = useTyped;
      typed.hidden = !useTyped;
      if (!useTyped) fit();
    });
  });

  var form = canvas.closest("form");
  form.addEventListener("submit", function (event) {
    var method = form.querySelector("input[name=method]:checked");
    if (!method || method.value !== "drawn") return;
    var inked = strokes.some(function (s) { return s.length > 1; });
    if (!inked) {
      event.preventDefault();
      canvas.classList.add("needs-ink");
      canvas.scrollIntoView({ block: "center" });
      return;
    }
    output.value = canvas.toDataURL("image/png");
  });

  window.addEventListener("resize", fit);
  fit();
})();
