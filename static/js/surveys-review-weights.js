// The weights page while the weights are computed: ask every 3 s whether the
// job has ended, then offer the link to the result (the page is not reloaded
// under the reader).
(function () {
  var box = document.querySelector("[data-weighing]");
  if (!box) {
    return;
  }
  var timer = window.setInterval(function () {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (data && !data.running) {
          window.clearInterval(timer);
          box.querySelector("[data-weighing-text]").classList.add("d-none");
          box.querySelector("[data-weighing-done]").classList.remove("d-none");
        }
      })
      .catch(function () {});
  }, 3000);
})();
