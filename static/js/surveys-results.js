/* Survey results: a horizontal bar chart of weighted percentages beside each choice
   question's table (the table is the chart's text alternative). Cells of fewer than
   10 answers never reach this data. */
(function () {
  "use strict";
  var source = document.getElementById("results-charts");
  if (!source || typeof Chart === "undefined") return;
  var charts = JSON.parse(source.textContent);
  var palette = ["#0a4fb0", "#8b1a1a", "#1b7f3b", "#b36b00", "#5c2d91", "#495057", "#0b6e79"];
  charts.forEach(function (chart) {
    var canvas = document.getElementById(chart.id);
    if (!canvas) return;
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: chart.labels,
        datasets: chart.datasets.map(function (set, index) {
          var colour = palette[index % palette.length];
          return { label: set.label, data: set.data, backgroundColor: colour, borderColor: colour };
        }),
      },
      options: {
        indexAxis: "y",
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          x: { stacked: chart.stacked, min: 0, max: 100, ticks: { callback: function (v) { return v + " %"; } } },
          y: { stacked: chart.stacked },
        },
        plugins: {
          legend: { display: chart.stacked, position: "bottom" },
          tooltip: { callbacks: { label: function (item) { return item.dataset.label + ": " + item.formattedValue + " %"; } } },
        },
      },
    });
  });
})();
