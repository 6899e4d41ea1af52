// Coverage form: the subscriber's fields matter only when the patient is not the subscriber.
(function () {
  "use strict";
  var relation = document.getElementById("id_relationship_to_subscriber");
  var box = document.getElementById("subscriber");
  if (!relation || !box) return;
  function sync() { box.classList.toggle("dimmed", relation.value === "self"); }
  relation.addEventListener("change", sync);
  sync();
})();
