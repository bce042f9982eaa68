/* Reporting discipline: reporting and on-time rates, period by period. */
(function () {
  "use strict";
  var source = document.getElementById("discipline-trend");
  var canvas = document.getElementById("discipline-chart");
  if (!source || !canvas || typeof Chart === "undefined") return;
  var trend = JSON.parse(source.textContent);
  // Solid and dashed lines tell the two apart without colour; the table carries the numbers.
  var styles = {
    reporting: { borderColor: "#0a4fb0", borderDash: [] },
    on_time: { borderColor: "#1b7f3b", borderDash: [6, 4] },
  };
  new Chart(canvas, {
    type: "line",
    data: {
      labels: trend.labels,
      datasets: trend.datasets.map(function (set) {
        var style = styles[set.key] || {};
        return {
          label: set.label,
          data: set.data,
          borderColor: style.borderColor,
          backgroundColor: style.borderColor,
          borderDash: style.borderDash,
          spanGaps: false,
        };
      }),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      scales: { y: { min: 0, max: 100, ticks: { callback: function (v) { return v + " %"; } } } },
      plugins: { legend: { position: "bottom" } },
    },
  });
})();
