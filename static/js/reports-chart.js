/* Issue page: direction mix of the opinion streams, period by period. */
(function () {
  "use strict";
  var source = document.getElementById("direction-mix");
  var canvas = document.getElementById("direction-chart");
  if (!source || !canvas || typeof Chart === "undefined") return;
  var mix = JSON.parse(source.textContent);
  // Distinct colours and patterns of order; the table below the chart carries the numbers.
  var colours = { support: "#1b7f3b", oppose: "#b02a37", concern: "#b36b00", unclear: "#5c636a" };
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: mix.labels,
      datasets: mix.datasets.map(function (set) {
        return { label: set.label, data: set.data, backgroundColor: colours[set.key] || "#0a4fb0" };
      }),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { position: "bottom" } },
    },
  });
})();
