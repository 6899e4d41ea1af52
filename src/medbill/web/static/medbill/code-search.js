// Type-ahead for inputs marked data-code-search="<api url>": results refresh as you type.
(function () {
  "use strict";

  function cell(text, tag) {
    var td = document.createElement(tag || "td");
    td.textContent = text;
    return td;
  }

  function render(table, hits) {
    var body = table.tBodies[0];
    body.textContent = "";
    if (!hits.length) {
      var row = body.insertRow();
      var td = cell("No codes found.");
      td.colSpan = 5;
      row.appendChild(td);
      return;
    }
    hits.forEach(function (hit) {
      var row = body.insertRow();
      var code = document.createElement("code");
      code.textContent = hit.code;
      var first = document.createElement("td");
      first.appendChild(code);
      row.appendChild(first);
      row.appendChild(cell(hit.system));
      row.appendChild(cell(hit.description));
      row.appendChild(cell(hit.billable ? "yes" : "header"));
      row.appendChild(cell(hit.matched.join(", ")));
    });
  }

  function attach(input) {
    var form = input.form;
    var table = document.getElementById(input.getAttribute("aria-controls"));
    var timer = null;
    var latest = 0;

    function run() {
      var q = input.value;
      if (!q.trim()) {
        table.tBodies[0].textContent = "";
        return;
      }
      var params = new URLSearchParams({ q: q, limit: "25" });
      if (input.dataset.practice) params.set("practice", input.dataset.practice);
      var system = form && form.elements.system;
      if (system && system.value) params.append("system", system.value);
      var day = form && form.elements.date;
      if (day && day.value) params.set("date", day.value);
      var ticket = ++latest;
      fetch(input.dataset.codeSearch + "?" + params.toString(), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (hits) { if (ticket === latest) render(table, hits); })
        .catch(function () {});
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(run, 120);
    });
    if (form) {
      ["system", "date"].forEach(function (name) {
        if (form.elements[name]) form.elements[name].addEventListener("change", run);
      });
    }
  }

  document.querySelectorAll("input[data-code-search]").forEach(attach);
})();
