// Progressive enhancement only: every page works without this script.
(function () {
  // Product gallery: clicking a thumbnail shows it as the main image.
  document.querySelectorAll("[data-gallery]").forEach(function (gallery) {
    var main = gallery.querySelector("[data-gallery-main]");
    gallery.querySelectorAll("[data-gallery-thumb]").forEach(function (thumb) {
      thumb.addEventListener("click", function () {
        if (main) main.src = thumb.dataset.galleryThumb;
        gallery.querySelectorAll("[data-gallery-thumb]").forEach(function (t) { t.classList.remove("is-active"); });
        thumb.classList.add("is-active");
      });
    });
  });
  // Variant choice updates the price, tax and stock shown.
  var price = document.querySelector("[data-show-price]");
  var tax = document.querySelector("[data-show-tax]");
  var original = document.querySelector("[data-show-original]");
  var stock = document.querySelector("[data-stock-label]");
  var shipping = document.querySelector("[data-show-shipping]");
  var overLimitNotice = document.querySelector("[data-over-limit-notice]");
  var addButton = document.querySelector("[data-add-button]");
  document.querySelectorAll("input[name=variant]").forEach(function (input) {
    input.addEventListener("change", function () {
      if (price) price.textContent = input.dataset.price;
      if (tax) tax.textContent = input.dataset.tax;
      if (original) original.textContent = input.dataset.original;
      if (shipping && input.dataset.shipping) shipping.textContent = input.dataset.shipping;
      if (stock) stock.textContent = Number(input.dataset.stock) > 0 ? stock.dataset.inStock : stock.dataset.soldOut;
      // An option whose one unit is over the per-order limit cannot be added (the server refuses it too).
      var overLimit = input.dataset.overLimit === "1";
      if (overLimitNotice) overLimitNotice.hidden = !overLimit;
      if (addButton) addButton.disabled = overLimit;
    });
  });
  // Checkout: shipping depends on the delivery province, so choosing another address prices the page again.
  document.querySelectorAll("input[data-reprice-address]").forEach(function (input) {
    input.addEventListener("change", function () {
      window.location.search = "?address=" + encodeURIComponent(input.value);
    });
  });
  // Irreversible actions: a form with data-confirm asks in a dialog first, then is sent with confirm=yes.
  // (The server refuses the action without that field and asks on its own page instead.)
  var dialog = document.getElementById("confirm-dialog");
  if (dialog && typeof dialog.showModal === "function") {
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (!form.matches || !form.matches("form[data-confirm]") || form.querySelector("input[name=confirm]")) return;
      event.preventDefault();
      var submitter = event.submitter;
      var yes = dialog.querySelector("[data-confirm-yes]");
      dialog.querySelector("[data-confirm-message]").textContent = form.dataset.confirm;
      yes.textContent = form.dataset.confirmButton || yes.dataset.default;
      dialog.returnValue = "";
      dialog.addEventListener("close", function onClose() {
        dialog.removeEventListener("close", onClose);
        if (dialog.returnValue !== "yes") return;
        var input = document.createElement("input");
        input.type = "hidden";
        input.name = "confirm";
        input.value = "yes";
        form.appendChild(input);
        if (form.requestSubmit) form.requestSubmit(submitter && submitter.form === form ? submitter : undefined);
        else form.submit();
      });
      dialog.showModal();
    });
  }
  // Copy buttons (a waybill number): the text goes to the clipboard; the button says so for a moment.
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var label = button.textContent;
      var done = function () {
        button.textContent = button.dataset.copied || label;
        setTimeout(function () { button.textContent = label; }, 1500);
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(button.dataset.copy).then(done, function () {});
      } else {
        var field = document.createElement("textarea");
        field.value = button.dataset.copy;
        document.body.appendChild(field);
        field.select();
        try { document.execCommand("copy"); done(); } catch (e) { /* the number stays visible to copy by hand */ }
        document.body.removeChild(field);
      }
    });
  });
  // Filters start folded on a phone so the results come first.
  var panel = document.querySelector("[data-filters-panel]");
  if (panel && window.matchMedia("(max-width: 899px)").matches) panel.removeAttribute("open");
  // Filters: sort links and checkboxes apply at once.
  var filters = document.getElementById("filters");
  if (filters) {
    filters.querySelectorAll("input[type=checkbox], input[type=radio], select").forEach(function (el) {
      el.addEventListener("change", function () { filters.submit(); });
    });
  }
})();
