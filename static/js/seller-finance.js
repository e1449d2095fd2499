// The seller's finance page: releases per day, drawn with the vendored Chart.js from the page's JSON.
(function () {
  "use strict";
  function draw() {
    var canvas = document.getElementById("releases-chart");
    var source = document.getElementById("releases-data");
    if (!canvas || !source || typeof window.Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [{ label: data.currency, data: data.values.map(Number), backgroundColor: "#d4380d" }],
      },
      options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } },
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
