"""The store's reviews in the seller dashboard, with the one reply each may get. Only the store's own
reviews are read (`selectors.reviews_for_merchant`)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from marketplace.errors import DomainError
from merchants.permissions import approved_merchant_required

from . import selectors, services
from .forms import ReplyForm


@approved_merchant_required
@require_GET
def review_list(request):
    unanswered = request.GET.get("show") == "unanswered"
    reviews = selectors.reviews_for_merchant(request.merchant, unanswered=unanswered)
    page = Paginator(reviews, selectors.SELLER_REVIEWS_PER_PAGE).get_page(request.GET.get("page"))
    for review in page.object_list:
        review.shown_name = selectors.shown_name(review)
    return render(
        request,
        "orders/reviews/seller_reviews.html",
        {
            "page": page,
            "reviews": page.object_list,
            "unanswered": unanswered,
            "reply_form": ReplyForm(),
            "query_string": "show=unanswered" if unanswered else "",
        },
    )


@approved_merchant_required
@require_POST
def review_reply(request, pk):
    form = ReplyForm(request.POST)
    back = redirect("seller_reviews:list")
    if not form.is_valid():
        if not selectors.reviews_for_merchant(request.merchant).filter(pk=pk).exists():
            raise Http404(_("No such review."))
        messages.error(request, _("Please write a reply of at most 2000 characters."))
        return back
    try:
        services.review_reply(user=request.user, review_id=pk, text=form.cleaned_data["text"])
    except DomainError as exc:
        if exc.status == 404:
            raise Http404(str(exc)) from exc
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your reply is published under the review."))
    return back
