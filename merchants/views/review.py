"""The review console: platform staff work the application queue, decide on brands and brand
authorizations, and hold merchants to the rules. Every action is a POST that calls a service."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.confirm import confirmation_page, is_confirmed
from marketplace.errors import DomainError
from marketplace.models import Brand

from .. import selectors, services
from ..errors import ReasonRequired
from ..forms.review import BlacklistForm, ReasonsForm, ViolationForm
from ..models import BrandAuthorization, Merchant, MerchantApplication
from ..permissions import platform_staff_required


@platform_staff_required
def queue(request):
    waiting = list(selectors.review_queue())  # the template shows how long each has waited
    return render(
        request,
        "merchants/review/queue.html",
        {
            "applications": waiting,
            "needs_info": MerchantApplication.objects.filter(state=MerchantApplication.State.NEEDS_INFO)
            .select_related("merchant")
            .order_by("updated_at"),
            "pending_brands": Brand.objects.filter(status=Brand.Status.PENDING).count(),
            "pending_authorizations": BrandAuthorization.objects.filter(
                status=BrandAuthorization.Status.PENDING, merchant__status=Merchant.Status.APPROVED
            ).count(),
            "proposed": Merchant.objects.filter(blacklist_proposed_at__isnull=False).exclude(
                status=Merchant.Status.BLACKLISTED
            ),
        },
    )


@platform_staff_required
def application_detail(request, pk):
    application = get_object_or_404(MerchantApplication.objects.select_related("merchant"), pk=pk)
    merchant = application.merchant
    return render(
        request,
        "merchants/review/application.html",
        {
            "application": application,
            "merchant": merchant,
            "warnings": selectors.application_warnings(application),
            "problems": services.application_problems(application),
            "authorizations": application.brand_authorizations.select_related("brand").prefetch_related(
                "documents"
            ),
            "documents": merchant.documents.filter(brand_authorization__isnull=True),
            "decisions": application.decisions.select_related("reviewer"),
            "events": merchant.events.select_related("actor")[:20],
            "form": ReasonsForm(),
        },
    )


APPLICATION_ACTIONS = {
    "approve": lambda app, user, reasons: services.merchant_application_approve(
        application=app, reviewer=user, note=reasons
    ),
    "reject": lambda app, user, reasons: services.merchant_application_reject(
        application=app, reviewer=user, reasons=reasons
    ),
    "request-info": lambda app, user, reasons: services.merchant_application_request_info(
        application=app, reviewer=user, reasons=reasons
    ),
}


@require_POST
@platform_staff_required
def application_decide(request, pk, action):
    application = get_object_or_404(MerchantApplication, pk=pk)
    if action not in APPLICATION_ACTIONS:
        raise Http404
    form = ReasonsForm(request.POST)
    form.is_valid()
    try:
        APPLICATION_ACTIONS[action](application, request.user, form.cleaned_data.get("reasons", ""))
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("review:application", pk=pk)
    application.refresh_from_db()
    messages.success(
        request,
        _("%(company)s: %(state)s. The applicant was notified by email.")
        % {"company": application.legal_name, "state": application.get_state_display()},
    )
    return redirect("review:queue")


@platform_staff_required
def brands(request):
    return render(
        request,
        "merchants/review/brands.html",
        {
            "brands": Brand.objects.filter(status=Brand.Status.PENDING)
            .annotate(requests=Count("authorizations"))
            .order_by("created_at"),
            "authorizations": BrandAuthorization.objects.filter(
                status=BrandAuthorization.Status.PENDING, merchant__status=Merchant.Status.APPROVED
            )
            .select_related("brand", "merchant")
            .prefetch_related("documents")
            .order_by("created_at"),
            "form": ReasonsForm(),
        },
    )


@require_POST
@platform_staff_required
def brand_decide(request, pk, action):
    brand = get_object_or_404(Brand, pk=pk)
    form = ReasonsForm(request.POST)
    form.is_valid()
    reasons = form.cleaned_data.get("reasons", "")
    try:
        if action == "approve":
            services.brand_approve(brand=brand, reviewer=request.user, note=reasons)
        elif action == "reject":
            services.brand_reject(brand=brand, reviewer=request.user, reasons=reasons)
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        brand.refresh_from_db()
        messages.success(request, f"{brand.name}: {brand.get_status_display()}")
    return redirect("review:brands")


@require_POST
@platform_staff_required
def authorization_decide(request, pk, action):
    authorization = get_object_or_404(BrandAuthorization, pk=pk)
    form = ReasonsForm(request.POST)
    form.is_valid()
    reasons = form.cleaned_data.get("reasons", "")
    try:
        if action == "approve":
            services.brand_authorization_approve(
                authorization=authorization, reviewer=request.user, note=reasons
            )
        elif action == "reject":
            services.brand_authorization_reject(
                authorization=authorization, reviewer=request.user, reasons=reasons
            )
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Decision recorded; the merchant was notified."))
    return redirect("review:brands")


@platform_staff_required
def merchants(request):
    status = request.GET.get("status", "")
    q = request.GET.get("q", "").strip()
    queryset = Merchant.objects.exclude(status=Merchant.Status.PENDING).order_by("legal_name")
    if status in Merchant.Status.values:
        queryset = queryset.filter(status=status)
    if q:
        queryset = queryset.filter(
            Q(legal_name__icontains=q)
            | Q(name_zh__icontains=q)
            | Q(name_en__icontains=q)
            | Q(registration_number__icontains=selectors.normalize_registration_number(q) or q)
        )
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "merchants/review/merchants.html",
        {
            "page": page,
            "query_string": urlencode({k: v for k, v in (("q", q), ("status", status)) if v}),
            "merchants": page.object_list,
            "status": status,
            "q": q,
            "statuses": Merchant.Status.choices,
        },
    )


@platform_staff_required
def merchant_detail(request, pk):
    merchant = get_object_or_404(Merchant, pk=pk)
    return render(
        request,
        "merchants/review/merchant.html",
        {
            "merchant": merchant,
            "penalty": selectors.penalty_status(merchant),
            "thresholds": selectors.penalty_thresholds(),
            "violations": merchant.violations.select_related("kind", "recorded_by"),
            "events": merchant.events.select_related("actor")[:30],
            "blacklist_entries": merchant.blacklist_entries.all(),
            "violation_form": ViolationForm(),
            "blacklist_form": BlacklistForm(),
            "reasons_form": ReasonsForm(),
        },
    )


@require_POST
@platform_staff_required
def merchant_action(request, pk, action):
    merchant = get_object_or_404(Merchant, pk=pk)
    user = request.user
    try:
        if action == "violation":
            form = ViolationForm(request.POST)
            if not form.is_valid():
                raise ReasonRequired()
            data = form.cleaned_data
            services.violation_record(
                merchant=merchant,
                kind=data["kind"],
                note=data["note"],
                recorded_by=user,
                occurred_on=data["occurred_on"],
            )
        elif action == "blacklist":
            form = BlacklistForm(request.POST)
            if not form.is_valid():
                raise ReasonRequired()
            if not is_confirmed(request):  # closing a store is asked twice (marketplace/confirm.py)
                return confirmation_page(
                    request,
                    title=_("Blacklist %(merchant)s?") % {"merchant": merchant.legal_name},
                    message=_(
                        "The store closes at once, its listings come down and it appears on the public "
                        "blacklist. Only lifting the blacklisting, with a recorded reason, reopens it."
                    ),
                    button=_("Yes, blacklist"),
                    back_url=reverse("review:merchant", args=[merchant.pk]),
                )
            services.merchant_blacklist(
                merchant=merchant,
                actor=user,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        else:
            reasons = request.POST.get("reasons", "")
            if action == "suspend":
                services.merchant_suspend(merchant=merchant, actor=user, reason=reasons)
            elif action == "lift-suspension":
                services.merchant_suspension_lift(merchant=merchant, actor=user, note=reasons)
            elif action == "lift-blacklist":
                services.merchant_blacklist_lift(merchant=merchant, actor=user, reason=reasons)
            else:
                raise Http404
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        merchant.refresh_from_db()
        messages.success(
            request,
            _("Recorded. %(merchant)s is now %(status)s.")
            % {"merchant": merchant.legal_name, "status": merchant.get_status_display()},
        )
    return redirect("review:merchant", pk=pk)
