// "/" anywhere (outside a text field) puts the cursor in the header's patient search.
// A page with its own "/" key (the coding screen's code search) marks it data-own-slash.
(function () {
  "use strict";
  var box = document.getElementById("patient-search");
  if (!box || document.querySelector("[data-own-slash]")) return;
  document.addEventListener("keydown", function (evt) {
    if (evt.key !== "/" || evt.ctrlKey || evt.metaKey || evt.altKey) return;
    var t = evt.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)) return;
    evt.preventDefault();
    box.focus();
    box.select();
  });
})();
