// Draws the dashboard's charts from the JSON data blocks next to each canvas. Each chart's
// figures are also in the table beside it (and its CSV), so nothing depends on this script.
// Series differ by dash pattern and point shape as well as color: never color alone.
(function () {
  "use strict";
  var COLORS = ["#1d4ed8", "#15803d", "#b45309", "#7c3aed"];
  var DASHES = [[], [6, 4], [2, 3], [10, 3, 2, 3]];
  var POINTS = ["circle", "rectRot", "triangle", "rect"];
  var PATTERN_ALPHA = ["cc", "88", "55", "33"];

  function draw(canvas) {
    var block = document.getElementById(canvas.dataset.chart);
    if (!block || typeof Chart === "undefined") return;
    var data = JSON.parse(block.textContent);
    var line = data.kind === "line";
    new Chart(canvas, {
      type: data.kind,
      data: {
        labels: data.labels,
        datasets: data.series.map(function (series, i) {
          var color = COLORS[i % COLORS.length];
          return {
            label: series.label,
            data: series.values,
            borderColor: color,
            backgroundColor: line ? color : color + PATTERN_ALPHA[i % PATTERN_ALPHA.length],
            borderWidth: line ? 2 : 1,
            borderDash: DASHES[i % DASHES.length],
            pointStyle: POINTS[i % POINTS.length],
            pointRadius: line && data.labels.length > 40 ? 0 : 3,
            // Straight segments: a count between two days is never a curve below zero.
            tension: 0
          };
        })
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        plugins: { legend: { labels: { usePointStyle: true } } },
        scales: { y: { beginAtZero: true } }
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  });
})();
