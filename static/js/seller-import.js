// Import page: while an import runs, ask the server for its progress every second and move the bar.
// When it finishes, reload once so the error report shows. Without JavaScript, reloading does the same.
(function () {
  var panel = document.querySelector("[data-import-status]");
  if (!panel || panel.dataset.finished === "true") return;
  var bar = panel.querySelector(".progress__bar");
  var progress = panel.querySelector("[role=progressbar]");
  var badge = panel.querySelector("[data-import-status-class]");

  function show(data) {
    bar.style.width = data.percent + "%";
    progress.setAttribute("aria-valuenow", data.percent);
    document.querySelectorAll("[data-import-field]").forEach(function (el) {
      var key = el.dataset.importField;
      if (key in data) el.textContent = data[key];
    });
    if (badge) badge.className = "status status--" + data.status;
  }

  function poll() {
    fetch(panel.dataset.importStatus, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (data) {
        show(data);
        if (data.finished) window.setTimeout(function () { window.location.reload(); }, 600);
        else window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
})();
