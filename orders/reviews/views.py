"""The shopper's review pages: review a line of a completed order (with photos), edit it once, rate
the store. Thin: the services check everything (docs/rules.md, "Reviews")."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from marketplace.errors import DomainError

from .. import selectors as order_selectors
from . import selectors, services
from .forms import ReviewForm, StoreRatingForm
from .services import MAX_PHOTOS


def _order_line(user, number, line_id):
    order = order_selectors.order_for_user(user, str(number)[:24])
    if order is None:
        raise Http404(_("No such order."))
    line = next((line for line in order.lines.all() if line.pk == line_id), None)
    if line is None:
        raise Http404(_("No such item in this order."))
    return order, line


def _refused(request, exc: DomainError):
    if exc.status == 404:
        raise Http404(str(exc)) from exc
    messages.error(request, str(exc))


@login_required
def review_create(request, number, line_id):
    order, line = _order_line(request.user, number, line_id)
    state = selectors.order_review_state(order)
    if line.pk in state["by_line"]:
        review = state["by_line"][line.pk]
        return redirect("reviews:edit", pk=review.pk) if selectors.can_edit(review) else redirect(order)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_create(
                user=request.user,
                order_line_id=line.pk,
                photos=request.FILES.getlist("photos"),
                **form.cleaned_data,
            )
        except DomainError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("Thank you: your review is published on the product page."))
            return redirect(order)
    elif request.method == "GET" and not state["open"]:
        messages.error(
            request,
            _(
                "This order cannot be reviewed: reviews open when an order is completed and close %(days)s "
                "days later."
            )
            % {"days": _window_days()},
        )
    return render(
        request,
        "orders/reviews/review_form.html",
        {"form": form, "order": order, "line": line, "review": None, "max_photos": MAX_PHOTOS},
    )


def _window_days():
    from django.conf import settings

    return settings.REVIEW_WINDOW_DAYS


@login_required
def review_edit(request, pk):
    review = selectors.review_for_user(request.user, pk)
    if review is None:
        raise Http404(_("No such review."))
    order = review.order_line.order
    initial = {"rating": review.rating, "text": review.text, "anonymous": review.anonymous}
    form = ReviewForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        photos = request.FILES.getlist("photos")
        try:
            services.review_edit(
                user=request.user,
                review_id=review.pk,
                # New photos replace the old ones; none sent keeps them (unless asked to remove them).
                photos=photos if photos or request.POST.get("remove_photos") else None,
                **form.cleaned_data,
            )
        except DomainError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("Your review was updated. It cannot be edited again."))
            return redirect(order)
    elif request.method == "GET" and not selectors.can_edit(review):
        messages.error(
            request, _("This review can no longer be changed: a review can be edited once, within 30 days.")
        )
    return render(
        request,
        "orders/reviews/review_form.html",
        {
            "form": form,
            "order": order,
            "line": review.order_line,
            "review": review,
            "max_photos": MAX_PHOTOS,
            "editable": selectors.can_edit(review),
        },
    )


@login_required
def store_rate(request, number):
    order = order_selectors.order_for_user(request.user, str(number)[:24])
    if order is None:
        raise Http404(_("No such order."))
    state = selectors.order_review_state(order)
    form = StoreRatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.store_rate(user=request.user, order_id=order.pk, **form.cleaned_data)
        except DomainError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("Thank you for rating %(store)s.") % {"store": order.merchant.name})
            return redirect(order)
    return render(
        request,
        "orders/reviews/store_rating_form.html",
        {"form": form, "order": order, "store_rating": state["store_rating"], "open": state["open"]},
    )
