// The review list: "tick all" and "untick all" for the responses of the page.
document.querySelectorAll("[data-pick]").forEach(function (button) {
  button.addEventListener("click", function () {
    var on = button.dataset.pick === "all";
    document.querySelectorAll("input[name=ids]").forEach(function (box) {
      box.checked = on;
    });
  });
});
