"""Who may open which page. One rule for pages and API: the seller dashboard belongs to a
merchant's own staff, the review console to platform staff; other people's objects are 404."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from .models import Merchant


def is_merchant_member(user) -> bool:
    return bool(user and user.is_authenticated and user.merchant is not None)


def is_approved_merchant_member(user) -> bool:
    """Staff of a store that has passed review. A store suspended or blacklisted since still sees its
    products (the services refuse publishing); a store still applying has none to manage."""
    return is_merchant_member(user) and user.merchant.status != Merchant.Status.PENDING


def is_platform_staff(user) -> bool:
    return bool(user and user.is_authenticated and user.is_staff)


def merchant_member_required(view):
    """Anonymous visitors log in first; signed-in users who work for no merchant get 403. The view
    receives the user's merchant as `request.merchant`."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_merchant_member(request.user):
            raise PermissionDenied
        request.merchant = merchant = request.user.merchant
        from . import selectors

        # The dashboard's sidebar badge: read only when a page shows it.
        request.seller_standing = SimpleLazyObject(lambda: selectors.seller_standing(merchant))
        return view(request, *args, **kwargs)

    return wrapper


def approved_merchant_required(view):
    """`merchant_member_required`, and the store must have been approved: selling pages (products,
    bulk import, orders) of a store still applying answer 403 with a page that says where the
    application stands and what to do next. Suspended and blacklisted stores keep their pages (they
    still have orders to ship and refund); what they may do there is the services' business."""

    @merchant_member_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        standing = request.seller_standing
        if request.merchant.status == request.merchant.Status.PENDING:
            return render(
                request, "merchants/seller/not_approved.html", {"standing": standing}, status=403
            )
        return view(request, *args, **kwargs)

    return wrapper


def platform_staff_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_platform_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


class IsMerchantMember(permissions.BasePermission):
    message = "Only a merchant's own staff may use this endpoint."

    def has_permission(self, request, view):
        return is_merchant_member(request.user)

    def has_object_permission(self, request, view, obj):
        merchant_id = getattr(obj, "merchant_id", None)
        return merchant_id is not None and merchant_id == request.user.merchant.pk


class IsPlatformStaff(permissions.BasePermission):
    message = "Only platform staff may use this endpoint."

    def has_permission(self, request, view):
        return is_platform_staff(request.user)


class IsApprovedStore(permissions.BasePermission):
    """After `IsMerchantMember`: the user's store has passed review (see `is_approved_merchant_member`)."""

    message = _("Your store has not been approved yet: you can manage products once the review is done.")
    code = "store_not_approved"  # the same code the product-create service's refusal carries

    def has_permission(self, request, view):
        return is_approved_merchant_member(request.user)
