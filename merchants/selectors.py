"""Read helpers for merchants: who may sell what, review queues, warnings, credit profiles."""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace import identifiers
from marketplace.errors import InvalidIdentifier

from .models import (
    BlacklistEntry,
    BrandAuthorization,
    Merchant,
    MerchantApplication,
    Violation,
)


def merchants_open() -> QuerySet[Merchant]:
    """Stores shoppers can visit: approved, and the security deposit paid when one is owed."""
    return Merchant.objects.filter(status=Merchant.Status.APPROVED, awaiting_deposit=False)


def normalize_registration_number(number: str) -> str:
    """Registration numbers compared without spaces, dashes or case ("12-345 ab" == "12345AB"), in
    ASCII (`marketplace.identifiers.registration_number_key`); "" for what is not a registration
    number at all (a search for anything else)."""
    try:
        return identifiers.registration_number_key(number)
    except InvalidIdentifier:
        return ""


def registration_blacklisted(number: str) -> BlacklistEntry | None:
    normalized = normalize_registration_number(number)
    if not normalized:
        return None
    return BlacklistEntry.objects.filter(registration_number=normalized, lifted_at__isnull=True).first()


def registration_other_merchant(number: str, merchant: Merchant) -> Merchant | None:
    normalized = normalize_registration_number(number)
    if not normalized:
        return None
    return (
        Merchant.objects.filter(registration_number=normalized)
        .exclude(pk=merchant.pk)
        .exclude(status=Merchant.Status.PENDING)
        .first()
    )


def brand_authorizations_in_force(merchant, *, today=None) -> QuerySet[BrandAuthorization]:
    today = today or timezone.localdate()
    return (
        BrandAuthorization.objects.filter(merchant=merchant, status=BrandAuthorization.Status.APPROVED)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    )


def merchant_may_sell_brand(merchant, brand, *, today=None) -> bool:
    return brand_authorizations_in_force(merchant, today=today).filter(brand=brand).exists()


def brands_sellable(merchant):
    """Approved brands the merchant holds an authorization in force for (for product forms)."""
    from marketplace.models import Brand

    return Brand.objects.filter(
        status=Brand.Status.APPROVED,
        pk__in=brand_authorizations_in_force(merchant).values("brand_id"),
    ).order_by("name")


def seller_products(merchant, *, status: str = "", q: str = ""):
    """A merchant's own products for the dashboard and its API, newest change first: filtered by status
    and by a word in the Chinese or English name or a SKU, with variant count, total stock and the cover
    image, in a fixed number of queries."""
    from marketplace.models import Product, ProductImage, ProductVariant

    products = Product.objects.filter(merchant=merchant)
    if status:
        products = products.filter(status=status)
    q = (q or "").strip()
    if q:
        skus = ProductVariant.objects.filter(product=OuterRef("pk"), sku__icontains=q)
        products = products.filter(Q(name_zh__icontains=q) | Q(name_en__icontains=q) | Exists(skus))
    return (
        products.select_related("brand", "category", "tax_category")
        .annotate(variant_count=Count("variants"), stock_total=Sum("variants__stock"))
        .prefetch_related(
            Prefetch(
                "images", queryset=ProductImage.objects.order_by("position", "id"), to_attr="cover_images"
            )
        )
        .order_by("-updated_at", "-pk")
    )


def seller_product_counts(merchant) -> dict[str, int]:
    from marketplace.models import Product

    return dict(
        Product.objects.filter(merchant=merchant)
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )


def application_current(merchant) -> MerchantApplication | None:
    return merchant.applications.order_by("-pk").first()


@dataclass(frozen=True)
class SellerStanding:
    """Where a store stands, as the seller dashboard shows it: `state` names the badge's style."""

    state: str
    label: str
    approved: bool
    application: MerchantApplication | None = None


def seller_standing(merchant: Merchant) -> SellerStanding:
    """An approved, suspended or blacklisted store shows its status; a store not yet approved shows
    where its application really stands (a draft is not "pending review")."""
    if merchant.status != Merchant.Status.PENDING:
        return SellerStanding(
            merchant.status, merchant.get_status_display(), merchant.status == Merchant.Status.APPROVED
        )
    application = application_current(merchant)
    state = application.state if application else MerchantApplication.State.DRAFT
    labels = {
        MerchantApplication.State.DRAFT: _("Application not yet submitted"),
        MerchantApplication.State.SUBMITTED: _("Application waiting for review"),
        MerchantApplication.State.NEEDS_INFO: _("More information requested"),
        MerchantApplication.State.REJECTED: _("Application rejected"),
        MerchantApplication.State.APPROVED: Merchant.Status.APPROVED.label,
    }
    return SellerStanding(state, str(labels[state]), False, application)


def review_queue() -> QuerySet[MerchantApplication]:
    """Applications waiting for a reviewer, oldest first (answers to requests count from when they
    were re-submitted)."""
    return (
        MerchantApplication.objects.filter(state=MerchantApplication.State.SUBMITTED)
        .select_related("merchant")
        .annotate(brand_count=Count("brand_authorizations", distinct=True))
        .order_by("submitted_at", "pk")
    )


def application_warnings(application: MerchantApplication, *, today=None) -> list[str]:
    """What a reviewer should know before deciding: history of the registration number and
    authorizations that are expired or about to expire."""
    today = today or timezone.localdate()
    warnings = []
    number = application.registration_number
    normalized = normalize_registration_number(number)
    if normalized:
        entries = BlacklistEntry.objects.filter(registration_number=normalized)
        for entry in entries:
            if entry.is_active:
                warnings.append(
                    _("Registration number %(number)s is on the blacklist (%(reason)s, since %(date)s).")
                    % {
                        "number": number,
                        "reason": entry.get_reason_display(),
                        "date": entry.created_at.date(),
                    }
                )
            else:
                warnings.append(
                    _("Registration number %(number)s was blacklisted before (%(reason)s, lifted %(date)s).")
                    % {"number": number, "reason": entry.get_reason_display(), "date": entry.lifted_at.date()}
                )
        other = registration_other_merchant(number, application.merchant)
        if other:
            warnings.append(
                _("Registration number %(number)s belongs to another merchant: %(merchant)s (%(status)s).")
                % {"number": number, "merchant": other.legal_name, "status": other.get_status_display()}
            )
        past = (
            Violation.objects.filter(merchant__registration_number=normalized)
            .exclude(merchant=application.merchant)
            .aggregate(count=Count("pk"))
        )
        if past["count"]:
            warnings.append(
                _("Companies with this registration number have %(count)s recorded violations.")
                % {"count": past["count"]}
            )
    soon = today + timezone.timedelta(days=settings.AUTHORIZATION_EXPIRY_WARNING_DAYS)
    for authorization in application.brand_authorizations.select_related("brand"):
        if authorization.is_expired(today):
            warnings.append(
                _("The authorization for %(brand)s expired on %(date)s.")
                % {"brand": authorization.brand.name, "date": authorization.valid_until}
            )
        elif authorization.valid_until and authorization.valid_until <= soon:
            warnings.append(
                _("The authorization for %(brand)s expires soon, on %(date)s.")
                % {"brand": authorization.brand.name, "date": authorization.valid_until}
            )
        if authorization.brand.status != authorization.brand.Status.APPROVED:
            warnings.append(
                _("The brand %(brand)s is not approved yet (%(status)s).")
                % {"brand": authorization.brand.name, "status": authorization.brand.get_status_display()}
            )
    return warnings


def penalty_points(merchant, *, year=None) -> int:
    """Points count per calendar year and reset on 1 January."""
    year = year or timezone.localdate().year
    return (
        Violation.objects.filter(merchant=merchant, occurred_on__year=year).aggregate(total=Sum("points"))[
            "total"
        ]
        or 0
    )


@dataclass
class PenaltyStatus:
    points: int
    level: str  # "good", "warned", "suspended", "blacklist"
    label: str


def penalty_thresholds() -> dict[str, int]:
    return dict(settings.MERCHANT_PENALTY_THRESHOLDS)


def penalty_status(merchant, *, points=None) -> PenaltyStatus:
    points = penalty_points(merchant) if points is None else points
    thresholds = settings.MERCHANT_PENALTY_THRESHOLDS
    if merchant.status == Merchant.Status.BLACKLISTED:
        return PenaltyStatus(points, "blacklist", _("Blacklisted"))
    if points >= thresholds["blacklist"]:
        return PenaltyStatus(points, "blacklist", _("Proposed for the blacklist"))
    if points >= thresholds["suspend"] or merchant.status == Merchant.Status.SUSPENDED:
        return PenaltyStatus(points, "suspended", _("Suspended"))
    if points >= thresholds["warn"]:
        return PenaltyStatus(points, "warned", _("Warned"))
    return PenaltyStatus(points, "good", _("In good standing"))


def blacklist_public() -> QuerySet[BlacklistEntry]:
    return (
        BlacklistEntry.objects.filter(lifted_at__isnull=True)
        .select_related("merchant")
        .order_by("-created_at", "-pk")
    )


def merchant_credit(merchant, *, now=None) -> dict:
    """What the public credit page shows: qualifications, products on sale, and the figures computed
    from the records (`merchants.credit`: ratings, shipping, disputes, replies, penalties), in a fixed
    number of queries."""
    from marketplace.selectors import products_visible

    from .credit import credit_for_store

    figures = credit_for_store(merchant, now=now)
    return {
        "authorizations": list(brand_authorizations_in_force(merchant).select_related("brand")),
        "product_count": products_visible().filter(merchant=merchant).count(),
        "figures": figures,
        "penalty": figures.penalty,
        "days_on_platform": figures.days_on_platform,
    }


# --- Security deposit: how much a store must keep on deposit ----------------------------------


def special_deposit_category_ids() -> set[int]:
    """Categories whose goods call for the higher deposit: marked `special_deposit`, or below one
    that is (the tree is small: one query)."""
    from marketplace.models import Category

    rows = list(Category.objects.values_list("pk", "parent_id", "special_deposit"))
    parent = {pk: parent_id for pk, parent_id, _special in rows}
    marked = {pk for pk, _parent, special in rows if special}
    special = set()
    for pk, _parent, _special in rows:
        node, seen = pk, set()
        while node is not None and node not in seen:
            if node in marked:
                special.add(pk)
                break
            seen.add(node)
            node = parent.get(node)
    return special


def merchants_in_special_categories(merchant_ids=None, *, special_ids=None) -> set[int]:
    """Ids of the merchants (of `merchant_ids`, or all) with any product, whatever its status, in a
    special-deposit category: a draft counts, as the store means to sell it."""
    from marketplace.models import Product

    special_ids = special_deposit_category_ids() if special_ids is None else special_ids
    products = Product.objects.filter(category_id__in=special_ids)
    if merchant_ids is not None:
        products = products.filter(merchant_id__in=list(merchant_ids))
    return set(products.order_by().values_list("merchant_id", flat=True).distinct())


def deposit_required_cny(merchant, *, special: bool | None = None) -> tuple[Decimal, bool]:
    """The deposit a store owes in CNY and whether it is the higher (special-category) tier:
    `SECURITY_DEPOSIT_SPECIAL_CNY` when it sells (or prepares to sell) in a category marked
    `special_deposit`, else `SECURITY_DEPOSIT_CNY`."""
    if special is None:
        special = merchant.pk in merchants_in_special_categories([merchant.pk])
    amount = settings.SECURITY_DEPOSIT_SPECIAL_CNY if special else settings.SECURITY_DEPOSIT_CNY
    return Decimal(str(amount)), special
