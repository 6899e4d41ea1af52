// Progress of long work (claim builds, statement runs). A page that shows a run puts
// <div data-progress-url="…status.json"> around a <progress> and a [data-progress-text];
// this asks the server every second while the run is queued or running, moves the bar,
// keeps every [data-progress-disable] button disabled, and reloads the page when the run
// ends so the server renders the result. Loaded as a file: the CSP allows no inline script.
(function () {
  "use strict";

  // A form that starts a run: once sent, its buttons stay disabled (no second run by a
  // double click while the server starts the first).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-progress-form")) { return; }
    var sent = form.querySelectorAll("button");
    window.setTimeout(function () {
      for (var i = 0; i < sent.length; i++) {
        sent[i].disabled = true;
        sent[i].textContent = "Working…";
      }
    }, 0);
  });

  var box = document.querySelector("[data-progress-url]");
  if (!box) { return; }
  var url = box.getAttribute("data-progress-url");
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-progress-text]");
  var buttons = document.querySelectorAll("[data-progress-disable]");

  function show(state) {
    if (bar) {
      bar.max = state.total || 1;
      bar.value = state.total ? state.done : 0;
    }
    if (text) {
      // A run that does not know its size yet (an 835 not read yet) shows its state alone.
      text.textContent = state.total ? state.label + ": " + state.done + " of " +
        state.total + " (" + state.percent + "%)" : state.label;
    }
    for (var i = 0; i < buttons.length; i++) { buttons[i].disabled = state.running; }
  }

  function ask() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (state) {
        show(state);
        if (state.running) {
          window.setTimeout(ask, 1000);
        } else if (box.getAttribute("data-progress-running") === "true") {
          window.location.reload();  // the server renders what the run produced
        }
      })
      .catch(function () {
        if (text) { text.textContent = "Could not reach the server; retrying…"; }
        window.setTimeout(ask, 3000);
      });
  }

  if (box.getAttribute("data-progress-running") === "true") {
    for (var i = 0; i < buttons.length; i++) { buttons[i].disabled = true; }
    ask();
  }
})();
