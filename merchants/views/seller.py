"""The seller dashboard: joining, the application, documents and brands, penalties. Views are thin:
they validate the form and call `merchants.services`; a domain error becomes a form error."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from marketplace.errors import DomainError
from marketplace.models import Product

from .. import selectors, services
from ..forms.application import (
    BrandAuthorizationForm,
    CompanyForm,
    DocumentForm,
    MerchantSignupForm,
    StoreContactForm,
)
from ..models import BrandAuthorization, QualificationDocument
from ..permissions import is_merchant_member, is_platform_staff, merchant_member_required

STEPS = [
    ("company", gettext_lazy("Company")),
    ("store", gettext_lazy("Store and contact")),
    ("brands", gettext_lazy("Brands")),
    ("documents", gettext_lazy("Documents")),
    ("review", gettext_lazy("Review and submit")),
]


def join(request):
    """Sign up as a merchant (or, signed in, start applying with this account)."""
    if is_merchant_member(request.user):
        return redirect("seller:application")
    if request.user.is_authenticated:
        if request.method == "POST":
            services.merchant_application_start(user=request.user)
            return redirect("seller:application_step", step="company")
        return render(request, "merchants/seller/join.html", {"form": None})
    form = MerchantSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        services.merchant_application_start(user=user)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Your account is ready. Tell us about your company."))
        return redirect("seller:application_step", step="company")
    return render(request, "merchants/seller/join.html", {"form": form})


@merchant_member_required
def overview(request):
    merchant = request.merchant
    application = selectors.application_current(merchant)
    if merchant.status == merchant.Status.PENDING:
        return redirect("seller:application")
    counts = dict(
        Product.objects.filter(merchant=merchant)
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    soon = timezone.localdate() + timedelta(days=settings.AUTHORIZATION_EXPIRY_WARNING_DAYS)
    expiring = (
        selectors.brand_authorizations_in_force(merchant)
        .filter(valid_until__lte=soon)
        .select_related("brand")
    )
    penalty = selectors.penalty_status(merchant)
    from orders.selectors import orders_for_merchant  # the dashboard shows the orders app's numbers

    to_ship = orders_for_merchant(merchant, status="paid").count()
    from logistics import selectors as logistics  # the store's shipping record and held parcels

    return render(
        request,
        "merchants/seller/overview.html",
        {
            "application": application,
            "counts": counts,
            "to_ship": to_ship,
            "shipping": logistics.merchant_shipping_numbers(merchant),
            "held": list(logistics.customs_held_for_merchant(merchant)[:20]),
            "penalty": penalty,
            "expiring": expiring,
            "events": merchant.events.select_related("actor")[:8],
        },
    )


def _application_for_edit(request):
    application = selectors.application_current(request.merchant)
    if application is None:
        raise Http404  # a store that joined before online applications has none to edit
    return application


@merchant_member_required
def application(request):
    """Where the application stands, with every step and what is still missing."""
    app = selectors.application_current(request.merchant)
    if app is None:  # stores that joined before online applications have no record to show
        return render(request, "merchants/seller/application.html", {"application": None})
    return render(
        request,
        "merchants/seller/application.html",
        {
            "application": app,
            "steps": STEPS,
            "problems": services.application_problems(app) if app.is_editable else [],
            "decisions": app.decisions.select_related("reviewer"),
            "authorizations": app.brand_authorizations.select_related("brand").prefetch_related("documents"),
            "documents": request.merchant.documents.select_related("brand_authorization__brand"),
        },
    )


@merchant_member_required
def application_step(request, step):
    app = _application_for_edit(request)
    names = [s for s, _label in STEPS]
    if step not in names:
        raise Http404
    if not app.is_editable:
        messages.info(
            request,
            _("Your application is %(state)s and cannot be changed.") % {"state": app.get_state_display()},
        )
        return redirect("seller:application")
    next_step = names[min(names.index(step) + 1, len(names) - 1)]
    context = {"application": app, "steps": STEPS, "step": step, "next_step": next_step}
    if step in ("company", "store"):
        form_class = CompanyForm if step == "company" else StoreContactForm
        form = form_class(request.POST or None, instance=app)
        if request.method == "POST" and form.is_valid():
            try:
                services.merchant_application_update(
                    application=app, actor=request.user, **{f: form.cleaned_data[f] for f in form.fields}
                )
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Saved."))
                return redirect("seller:application_step", step=next_step)
        context["form"] = form
    elif step == "brands":
        form = BrandAuthorizationForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid() and _brand_authorization_add(request, form):
            return redirect("seller:application_step", step="brands")
        context["form"] = form
        context["authorizations"] = app.brand_authorizations.select_related("brand").prefetch_related(
            "documents"
        )
    elif step == "documents":
        form = DocumentForm(request.POST or None, request.FILES or None, merchant=request.merchant)
        if request.method == "POST" and form.is_valid() and _document_upload(request, form):
            return redirect("seller:application_step", step="documents")
        context["form"] = form
        context["documents"] = request.merchant.documents.select_related("brand_authorization__brand")
    else:
        context["problems"] = services.application_problems(app)
    # A refused submission (an unknown country code, a look-alike registration number...) is a 400.
    form = context.get("form")
    status = 400 if form is not None and form.is_bound and form.errors else 200
    return render(request, "merchants/seller/application_step.html", context, status=status)


def _brand_authorization_add(request, form) -> bool:
    data = form.cleaned_data
    try:
        authorization = services.brand_authorization_request(
            merchant=request.merchant,
            actor=request.user,
            kind=data["kind"],
            brand=data["brand"],
            new_brand_name=data["new_brand_name"],
            new_brand_country=data["new_brand_country"],
            authorized_by=data["authorized_by"],
            valid_from=data["valid_from"],
            valid_until=data["valid_until"],
            document=data["document"] or None,
        )
    except DomainError as exc:
        form.add_error(None, str(exc))
        return False
    messages.success(request, _("%(brand)s added.") % {"brand": authorization.brand.name})
    return True


def _document_upload(request, form) -> bool:
    data = form.cleaned_data
    try:
        services.qualification_document_upload(
            merchant=request.merchant,
            actor=request.user,
            kind=data["kind"],
            uploaded_file=data["file"],
            brand_authorization=data["brand_authorization"],
        )
    except DomainError as exc:
        form.add_error("file", str(exc))
        return False
    messages.success(request, _("Document uploaded."))
    return True


@require_POST
@merchant_member_required
def application_submit(request):
    app = _application_for_edit(request)
    try:
        services.merchant_application_submit(application=app, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("seller:application_step", step="review")
    messages.success(request, _("Submitted. We usually review applications within three working days."))
    return redirect("seller:application")


@require_POST
@merchant_member_required
def brand_authorization_delete(request, pk):
    authorization = get_object_or_404(BrandAuthorization, pk=pk, merchant=request.merchant)
    try:
        services.brand_authorization_remove(authorization=authorization, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect(request.POST.get("next") or reverse("seller:application_step", args=["brands"]))


@require_POST
@merchant_member_required
def document_delete(request, pk):
    document = get_object_or_404(QualificationDocument, pk=pk, merchant=request.merchant)
    try:
        services.qualification_document_delete(document=document, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect(request.POST.get("next") or reverse("seller:application_step", args=["documents"]))


def document_download(request, pk):
    """A document, shown in the browser, to the merchant's own staff and to platform staff only.
    Anonymous visitors get 403 and everyone else 404, so document numbers reveal nothing."""
    if not request.user.is_authenticated:
        raise PermissionDenied  # no login redirect: a document link must not even look valid
    document = get_object_or_404(QualificationDocument, pk=pk)
    own = is_merchant_member(request.user) and request.user.merchant.pk == document.merchant_id
    if not (own or is_platform_staff(request.user)):
        raise Http404
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=document.content_type, filename=document.original_name)
    response["Content-Disposition"] = response["Content-Disposition"].replace("attachment", "inline")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    )
    return response


@merchant_member_required
def documents(request):
    """An approved merchant's documents and brand authorizations; it can ask for more brands here."""
    merchant = request.merchant
    brand_form = BrandAuthorizationForm(
        request.POST if request.POST.get("action") == "brand" else None,
        request.FILES if request.POST.get("action") == "brand" else None,
    )
    document_form = DocumentForm(
        request.POST if request.POST.get("action") == "document" else None,
        request.FILES if request.POST.get("action") == "document" else None,
        merchant=merchant,
    )
    action = request.POST.get("action")
    if action == "brand" and brand_form.is_valid() and _brand_authorization_add(request, brand_form):
        return redirect("seller:documents")
    if action == "document" and document_form.is_valid() and _document_upload(request, document_form):
        return redirect("seller:documents")
    return render(
        request,
        "merchants/seller/documents.html",
        {
            "documents": merchant.documents.select_related("brand_authorization__brand"),
            "authorizations": merchant.brand_authorizations.select_related("brand").prefetch_related(
                "documents"
            ),
            "brand_form": brand_form,
            "document_form": document_form,
        },
    )


@merchant_member_required
def penalties(request):
    merchant = request.merchant
    return render(
        request,
        "merchants/seller/penalties.html",
        {
            "penalty": selectors.penalty_status(merchant),
            "thresholds": selectors.penalty_thresholds(),
            "violations": merchant.violations.select_related("kind"),
            "blacklist_entries": merchant.blacklist_entries.all(),
        },
    )
