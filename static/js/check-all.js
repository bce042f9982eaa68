// Buttons marked data-check="all" or "none" tick or untick the invitee checkboxes.
document.querySelectorAll("[data-check]").forEach(function (button) {
  button.addEventListener("click", function () {
    var on = button.dataset.check === "all";
    document.querySelectorAll("input[name=collaborators]").forEach(function (box) {
      box.checked = on;
    });
  });
});
