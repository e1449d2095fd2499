// Payment return page: the browser's return is only a hint. Ask the server every two seconds whether
// Stripe's webhook has marked the payment paid; then show the outcome. Without JavaScript, reload.
(function () {
  var panel = document.querySelector("[data-pay-status]");
  if (!panel || panel.dataset.state !== "processing") return;
  var tries = 0;
  function poll() {
    tries += 1;
    fetch(panel.dataset.payStatus, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (data) {
        if (data.state !== "processing") { window.location.reload(); return; }
        if (tries < 150) window.setTimeout(poll, 2000);
      })
      .catch(function () { if (tries < 150) window.setTimeout(poll, 4000); });
  }
  window.setTimeout(poll, 1000);
})();
