/* Home dashboard: the last six periods' streams by direction, by topic, and the
   reporting rate, drawn from the summaries' snapshots. The tables below carry the
   same figures. */
(function () {
  "use strict";
  var source = document.getElementById("summary-trend");
  if (!source || typeof Chart === "undefined") return;
  var trend = JSON.parse(source.textContent);
  var directionColours = { support: "#1b7f3b", oppose: "#b02a37", concern: "#b36b00", unclear: "#5c636a" };
  var palette = ["#0a4fb0", "#8b1a1a", "#1b7f3b", "#b36b00", "#5c2d91"];
  var dashes = [[], [6, 4], [2, 3], [10, 3, 2, 3], [1, 1]];
  var common = { responsive: true, maintainAspectRatio: false, plugins: { legend: { position: "bottom" } } };

  var directions = document.getElementById("trend-directions-chart");
  if (directions) {
    new Chart(directions, {
      type: "bar",
      data: {
        labels: trend.labels,
        datasets: trend.directions.map(function (set) {
          return { label: set.label, data: set.data, backgroundColor: directionColours[set.key] };
        }),
      },
      options: Object.assign({}, common, { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } }),
    });
  }
  var topics = document.getElementById("trend-topics-chart");
  if (topics) {
    new Chart(topics, {
      type: "line",
      data: {
        labels: trend.labels,
        datasets: trend.topics.map(function (set, index) {
          var colour = palette[index % palette.length];
          return { label: set.label, data: set.data, borderColor: colour, backgroundColor: colour, borderDash: dashes[index % dashes.length], spanGaps: false };
        }),
      },
      options: Object.assign({}, common, { scales: { y: { beginAtZero: true } } }),
    });
  }
  var rates = document.getElementById("trend-rates-chart");
  if (rates) {
    new Chart(rates, {
      type: "line",
      data: {
        labels: trend.labels,
        datasets: [{ label: trend.rates.label, data: trend.rates.data, borderColor: "#0a4fb0", backgroundColor: "#0a4fb0", spanGaps: false }],
      },
      options: Object.assign({}, common, { scales: { y: { min: 0, max: 100, ticks: { callback: function (v) { return v + " %"; } } } } }),
    });
  }
})();
