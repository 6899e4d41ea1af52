// Behaviour every page shares. Loaded as a file: the Content-Security-Policy allows no
// inline script.
(function () {
  "use strict";

  // <select data-autosubmit> and <input data-autosubmit> submit their form when changed.
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.hasAttribute && field.hasAttribute("data-autosubmit") && field.form) {
      field.form.submit();
    }
  });

  // Idle sign-out warning. The server ends a session unused for data-idle-seconds; this
  // asks it how long is left (asking does not count as use), warns data-idle-warning
  // seconds before, and offers to stay signed in. Other tabs may keep the session alive,
  // so the server's answer always wins over this page's own clock.
  var body = document.body;
  var idle = parseInt(body.dataset.idleSeconds || "0", 10);
  if (!idle) { return; }
  var warning = Math.min(parseInt(body.dataset.idleWarning || "120", 10), idle);
  var box = document.getElementById("idle-warning");
  var countdown = document.getElementById("idle-countdown");
  var stay = document.getElementById("idle-stay");
  var timer = null;
  var ticker = null;
  var deadline = 0;

  function signedOut() {
    window.location.assign(window.location.pathname + window.location.search);
  }

  function schedule(remaining) {
    clearTimeout(timer);
    clearInterval(ticker);
    if (remaining <= 0) { signedOut(); return; }
    if (remaining > warning) {
      box.hidden = true;
      timer = setTimeout(check, (remaining - warning) * 1000);
      return;
    }
    deadline = Date.now() + remaining * 1000;
    box.hidden = false;
    tick();
    ticker = setInterval(tick, 1000);
    timer = setTimeout(check, remaining * 1000 + 1000);
  }

  function tick() {
    var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    var minutes = Math.floor(left / 60);
    var seconds = left % 60;
    countdown.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
  }

  function answer(response) {
    return response.json().then(function (data) {
      if (!data.signed_in) { signedOut(); return; }
      schedule(data.remaining);
    });
  }

  function check() {
    fetch(body.dataset.sessionStatus, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(answer)
      .catch(function () { timer = setTimeout(check, 15000); });
  }

  stay.addEventListener("click", function () {
    fetch(body.dataset.sessionKeepalive, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": body.dataset.csrf }
    }).then(answer);
  });

  schedule(idle);
}());
