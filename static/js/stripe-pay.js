// Stripe payment page: mount Stripe's card element, confirm the PaymentIntent (made server-side) with
// its client secret, then go to the return page, which waits for Stripe's webhook. Card details go
// from Stripe's element straight to Stripe; our server never sees them.
(function () {
  var form = document.querySelector("[data-stripe-form]");
  if (!form || typeof window.Stripe !== "function") return;
  var stripe = window.Stripe(form.dataset.publishableKey);
  var card = stripe.elements().create("card");
  card.mount(form.querySelector("[data-card-element]"));
  var errorBox = form.querySelector("[data-stripe-error]");
  var button = form.querySelector("[data-pay]");

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
    button.disabled = false;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var holder = form.querySelector("[data-card-holder]").value.trim();
    if (!holder) { showError(form.dataset.holderMissing); return; }
    errorBox.hidden = true;
    button.disabled = true;
    stripe.confirmCardPayment(form.dataset.clientSecret, {
      payment_method: { card: card, billing_details: { name: holder } },
      return_url: form.dataset.returnUrl
    }).then(function (result) {
      if (result.error) {
        showError(result.error.message || form.dataset.failed);
      } else {
        window.location.assign(form.dataset.returnUrl);
      }
    }, function () { showError(form.dataset.failed); });
  });
})();
