// Staff finance page: draws the per-day charts with the vendored Chart.js from the figures the page
// embeds with json_script (#finance-chart-data). Without JavaScript the tables show the same figures.
(function () {
  var source = document.getElementById("finance-chart-data");
  if (!source || typeof window.Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  var names = data.names || {};
  function numbers(key) {
    return (data.series[key] || []).map(function (value) { return Number(value); });
  }
  var colours = {
    released: "#0b5cad",
    refunded_before: "#d4380d",
    refunded_after: "#fa8c16",
    commission: "#389e0d",
    escrow_held: "#722ed1"
  };
  var flows = document.getElementById("finance-chart-flows");
  if (flows) {
    new window.Chart(flows, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: ["released", "refunded_before", "refunded_after", "commission"].map(function (key) {
          return { label: names[key] || key, data: numbers(key), backgroundColor: colours[key] };
        })
      },
      options: { responsive: true, maintainAspectRatio: false, scales: { y: { beginAtZero: true } } }
    });
  }
  var escrow = document.getElementById("finance-chart-escrow");
  if (escrow) {
    new window.Chart(escrow, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: [{
          label: names.escrow_held || "escrow_held",
          data: numbers("escrow_held"),
          borderColor: colours.escrow_held,
          backgroundColor: colours.escrow_held,
          tension: 0.2,
          fill: false
        }]
      },
      options: { responsive: true, maintainAspectRatio: false, scales: { y: { beginAtZero: true } } }
    });
  }
})();
