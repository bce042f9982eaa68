// The question form: show only the parts that apply to the kind chosen (choices,
// grid rows, numbers). Without JavaScript every part is shown.
(function () {
  "use strict";
  document.querySelectorAll("[data-question-form]").forEach(function (form) {
    var kind = form.querySelector("select[name='kind']");
    if (!kind) return;
    function apply() {
      form.querySelectorAll("[data-kinds]").forEach(function (part) {
        var kinds = part.getAttribute("data-kinds").split(" ");
        part.hidden = kinds.indexOf(kind.value) === -1;
      });
    }
    kind.addEventListener("change", apply);
    apply();
  });
})();
