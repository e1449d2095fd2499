# ruff: noqa: E501  (the table below is easier to read with one row per line)
"""The access table: every URL pattern of the project, and the answer each kind of visitor gets.

One row per route (and, for API routes, per HTTP method the view accepts). The test walks the root
URLconf (the API router's routes included) and fails, listing them, when a route has no row or a row
names a route that no longer exists. Each row x role is its own test case, e.g.
`test_access[GET /seller/products/<pk>/ other_merchant]`.

HOW TO ADD A ROW (when `test_every_route_has_a_row` fails):
  1. Copy the route exactly as the failure message prints it (converters are dropped: `<int:pk>` is
     `<pk>`; the API router's regexes are shown the same way) into TABLE below, in its section.
  2. Give the method the row tests and the answer of each column. Objects in the path belong to the
     first merchant's store ("merchant") or to the shopper: write `pk=W.product` and so on, using the
     names built in `_build_world` (add one there if needed), or a literal (`step="company"`).
  3. Answers: an HTTP status (200, 400, 403, 404, 405, ...), LOGIN (302 to the site's login page),
     ADMIN_LOGIN (302 to the staff console's login), To("url-name") (302 to that page), or 302 (a
     redirect anywhere else). An unsafe request (POST/PUT/PATCH/DELETE) that is refused must also
     write nothing to the database; that is checked for every refused cell.
  4. A cell that is wrong today and being fixed elsewhere: wrap it, e.g. `auth(401)`, which marks that
     case xfail(strict=True) with the helper's name, so it starts failing (XPASS) once fixed.

Roles (columns):
  anonymous       nobody signed in
  shopper         a consumer with a paid order, an unpaid checkout, an address and an identity
  applicant       a company whose application is submitted and waiting for review (store not approved)
  merchant        staff of an approved store: owns every merchant-side object in the paths
  other_merchant  staff of another approved store: must never reach the first store's objects
  staff           platform staff (the review console), with no admin model permissions
  superuser       a platform superuser
"""

import functools
import json
import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.admin.sites import AdminSite
from django.db import connection, transaction
from django.test.utils import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern
from django.utils import timezone
from rest_framework.views import APIView

from marketplace.models import ApiToken

ROLES = ("anonymous", "shopper", "applicant", "merchant", "other_merchant", "staff", "superuser")
# Columns a row may add by keyword (after-sales, issue 13): another shopper (must never reach the first
# shopper's cases) and a platform arbitrator (staff with `orders.arbitrate_case`). A row without them
# does not test them.
EXTRA_ROLES = ("other_shopper", "arbitrator")

LOGIN = "LOGIN"  # 302 to the site's login page, with ?next=
ADMIN_LOGIN = "ADMIN_LOGIN"  # 302 to the staff console's login page


@dataclass(frozen=True)
class To:
    """A 302 to the page named `url_name` (not the login page). `refused`: the redirect turns the
    visitor away, so the request must have written nothing."""

    url_name: str
    refused: bool = False

    def __str__(self):
        return f"302->{self.url_name}"


@dataclass(frozen=True)
class Later:
    """The right answer, which is not what the code answers today: another helper is fixing it."""

    answer: object
    fixer: str

    def __str__(self):
        return f"{self.answer} (after {self.fixer})"


class Ref(str):
    """The id (pk, slug, number, ...) of an object built in `_build_world`, named by `W.<name>`."""


class _Refs:
    def __getattr__(self, name):
        return Ref(name)


W = _Refs()


@dataclass
class Row:
    route: str
    method: str
    answers: dict
    args: dict = field(default_factory=dict)
    pending: str = ""  # the route does not exist yet: another helper adds it
    body: dict | None = None  # sent with the request (JSON for the API, a form for pages)
    get: object = 405  # what a GET answers on a page route the row tests with POST
    variant: bool = False  # another row for the same route and method, with other objects

    @property
    def label(self):
        """`GET /seller/products/<pk>/`; a variant row names its objects: `... (pk=draft_product)`."""
        objects = ",".join(f"{k}={v}" for k, v in self.args.items())
        return f"{self.method} /{self.route}" + (f" ({objects})" if self.variant else "")


def R(route, method, anonymous, shopper, applicant, merchant, other_merchant, staff, superuser, *, pending="", body=None, get=405, variant=False, other_shopper=None, arbitrator=None, **args):
    answers = dict(zip(ROLES, (anonymous, shopper, applicant, merchant, other_merchant, staff, superuser), strict=True))
    answers |= {role: answer for role, answer in (("other_shopper", other_shopper), ("arbitrator", arbitrator)) if answer is not None}
    return Row(route, method, answers, args, pending, body, get, variant)


# Redirects to named pages, short so the table stays readable.
HOME, CART, ADMIN = To("home", refused=True), To("orders:cart", refused=True), To("admin:index", refused=True)
APPLY = To("seller:application", refused=True)  # a store not approved yet is sent to its application

# What an applicant (store not approved) is refused with on the seller's pages that need an approved
# store: a 403 page saying where the application stands and what to do next.
NOT_YET = 403
# The anonymous answer of API routes that need a user.
API_ANON = 401
# A sandbox card that pays (the card page's test numbers, docs/rules.md).
CARD = {"card_number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123", "idempotency_key": "access-table"}

# fmt: off
TABLE = [
    # route                                                method     anonymous     shopper       applicant     merchant      other_merchant staff   superuser
    # --- Storefront (public) ---------------------------------------------------------------------
    R("",                                                  "GET",     200,          200,          200,          200,          200,          200,    200),
    R("products/",                                         "GET",     200,          200,          200,          200,          200,          200,    200),
    R("search/",                                           "GET",     200,          200,          200,          200,          200,          200,    200),
    R("category/<slug>/",                                  "GET",     200,          200,          200,          200,          200,          200,    200, slug=W.category),
    R("brands/",                                           "GET",     200,          200,          200,          200,          200,          200,    200),
    R("brands/<slug>/",                                    "GET",     200,          200,          200,          200,          200,          200,    200, slug=W.brand),
    R("pavilions/",                                        "GET",     200,          200,          200,          200,          200,          200,    200),
    R("pavilions/<code>/",                                 "GET",     200,          200,          200,          200,          200,          200,    200, code="jp"),
    R("product/<pk>/",                                     "GET",     200,          200,          200,          200,          200,          200,    200, pk=W.product),
    R("product/<pk>/",                                     "GET",     404,          404,          404,          404,          404,          404,    404, pk=W.draft_product, variant=True),
    R("stores/<slug>/",                                    "GET",     200,          200,          200,          200,          200,          200,    200, slug=W.store),
    R("stores/<slug>/credit/",                             "GET",     200,          200,          200,          200,          200,          200,    200, slug=W.store),
    R("stores/<slug>/",                                    "GET",     404,          404,          404,          404,          404,          404,    404, slug=W.applicant_store, variant=True),
    R("stores/<slug>/credit/",                             "GET",     404,          404,          404,          404,          404,          404,    404, slug=W.applicant_store, variant=True),
    R("blacklist/",                                        "GET",     200,          200,          200,          200,          200,          200,    200),
    R("media/<path>",                                      "GET",     404,          404,          404,          404,          404,          404,    404, path="products/no-such-file.jpg"),
    R("sitemap.xml",                                       "GET",     200,          200,          200,          200,          200,          200,    200),
    R("sitemap-<section>.xml",                             "GET",     200,          200,          200,          200,          200,          200,    200, section="products"),
    R("robots.txt",                                        "GET",     200,          200,          200,          200,          200,          200,    200),
    # --- Accounts and language ---------------------------------------------------------------------
    R("accounts/signup/",                                  "GET",     200,          HOME,         HOME,         HOME,         HOME,         HOME,   HOME),
    R("accounts/login/",                                   "GET",     200,          200,          200,          200,          200,          200,    200),
    R("accounts/logout/",                                  "POST",    302,          302,          302,          302,          302,          302,    302),
    R("accounts/password_change/",                         "GET",     LOGIN,        200,          200,          200,          200,          200,    200),
    R("accounts/password_change/done/",                    "GET",     LOGIN,        200,          200,          200,          200,          200,    200),
    R("accounts/password_reset/",                          "GET",     200,          200,          200,          200,          200,          200,    200),
    R("accounts/password_reset/done/",                     "GET",     200,          200,          200,          200,          200,          200,    200),
    R("accounts/reset/<uidb64>/<token>/",                  "GET",     200,          200,          200,          200,          200,          200,    200, uidb64="MQ", token="not-a-token"),
    R("accounts/reset/done/",                              "GET",     200,          200,          200,          200,          200,          200,    200),
    R("i18n/setlang/",                                     "POST",    302,          302,          302,          302,          302,          302,    302, get=302),
    # --- The notification centre: everyone signed in has one; a notification only its owner opens ----
    R("notifications/",                                    "GET",     LOGIN,        200,          200,          200,          200,          200,    200),
    R("notifications/read-all/",                           "POST",    LOGIN,        302,          302,          302,          302,          302,    302),
    R("notifications/<pk>/",                               "GET",     LOGIN,        302,          404,          404,          404,          404,    404, pk=W.notification),  # opens its page, marked read
    # --- The shopper's pages: their own objects only ---------------------------------------------
    R("cart/",                                             "GET",     200,          200,          200,          200,          200,          200,    200),
    R("cart/add/",                                         "POST",    302,          302,          302,          302,          302,          302,    302),
    R("cart/update/",                                      "POST",    302,          302,          302,          302,          302,          302,    302),
    R("checkout/",                                         "GET",     LOGIN,        CART,         CART,         CART,         CART,         CART,   CART),
    R("orders/",                                           "GET",     LOGIN,        200,          200,          200,          200,          200,    200),
    R("orders/<number>/",                                  "GET",     LOGIN,        200,          404,          404,          404,          404,    404, number=W.order),
    R("orders/<number>/cancel/",                           "POST",    LOGIN,        302,          404,          404,          404,          404,    404, number=W.order, body={"confirm": "yes"}),  # a paid order: the confirmation is part of the form
    R("orders/<number>/confirm-receipt/",                  "POST",    LOGIN,        302,          404,          404,          404,          404,    404, number=W.order, body={"confirm": "yes"}),  # paid, not shipped: back to the order with the reason
    # --- Conversations: the shopper's side (orders/conversations); polling, read marks and images for both sides
    R("messages/",                                         "GET",     LOGIN,        200,          200,          200,          200,          200,    200),
    R("messages/new/",                                     "GET",     LOGIN,        403,          403,          403,          403,          403,    403),  # no product or order named: nothing to ask about
    R("messages/<pk>/",                                    "GET",     LOGIN,        200,          404,          404,          404,          200,    200, pk=W.conversation),  # staff read, never write
    R("messages/<pk>/updates/",                            "GET",     403,          200,          404,          200,          404,          200,    200, pk=W.conversation),
    R("messages/<pk>/read/",                               "POST",    403,          200,          404,          200,          404,          404,    404, pk=W.conversation),
    R("messages/images/<pk>/",                             "GET",     403,          200,          404,          200,          404,          200,    200, pk=W.message_image),
    R("account/addresses/",                                "GET",     LOGIN,        200,          200,          200,          200,          200,    200),
    R("account/addresses/<pk>/delete/",                    "POST",    LOGIN,        302,          404,          404,          404,          404,    404, pk=W.address),
    R("account/identities/",                               "GET",     LOGIN,        200,          200,          200,          200,          200,    200),
    R("account/identities/<pk>/delete/",                   "POST",    LOGIN,        302,          404,          404,          404,          404,    404, pk=W.identity),
    # Reviews (orders/reviews): the shopper's completed orders; a line not reviewed yet, a review written
    R("orders/<number>/lines/<line_id>/review/",           "GET",     LOGIN,        200,          404,          404,          404,          404,    404, number=W.reviewable_order, line_id=W.reviewable_line),
    R("orders/<number>/lines/<line_id>/review/",           "POST",    LOGIN,        302,          404,          404,          404,          404,    404, number=W.reviewable_order, line_id=W.reviewable_line, body={"rating": "5", "text": "Access"}, get=200),
    R("orders/<number>/rate-store/",                       "GET",     LOGIN,        200,          404,          404,          404,          404,    404, number=W.reviewable_order),
    R("orders/<number>/rate-store/",                       "POST",    LOGIN,        302,          404,          404,          404,          404,    404, number=W.reviewable_order, body={"description": "5", "service": "4", "logistics": "4"}, get=200),
    R("account/reviews/<pk>/edit/",                        "GET",     LOGIN,        200,          404,          404,          404,          404,    404, pk=W.review),
    R("account/reviews/<pk>/edit/",                        "POST",    LOGIN,        302,          404,          404,          404,          404,    404, pk=W.review, body={"rating": "5", "text": "Edited"}, get=200),
    R("track/",                                            "GET",     200,          200,          200,          200,          200,          200,    200),
    R("track/<waybill>/",                                  "GET",     200,          200,          200,          200,          200,          200,    200, waybill=W.waybill),
    R("track/<waybill>/",                                  "GET",     404,          404,          404,          404,          404,          404,    404, waybill="EA000000000JP", variant=True),
    R("pay/<reference>/",                                  "GET",     LOGIN,        200,          404,          404,          404,          404,    404, reference=W.payment),
    R("pay/<reference>/return/",                           "GET",     LOGIN,        200,          404,          404,          404,          404,    404, reference=W.payment),
    R("pay/<reference>/status/",                           "GET",     LOGIN,        200,          404,          404,          404,          404,    404, reference=W.payment),
    # Stripe's signed webhooks: the signature is the authentication (the sandbox refuses every event)
    R("payments/webhooks/stripe/",                         "POST",    400,          400,          400,          400,          400,          400,    400, body={"id": "evt_1"}),
    # --- The seller dashboard: a merchant's own staff; the first store's objects ---------------------
    R("seller/",                                           "GET",     LOGIN,        403,          APPLY,        200,          200,          403,    403),
    R("seller/join/",                                      "GET",     200,          200,          APPLY,        APPLY,        APPLY,        200,    200),
    R("seller/application/",                               "GET",     LOGIN,        403,          200,          200,          200,          403,    403),
    R("seller/application/submit/",                        "POST",    LOGIN,        403,          302,          404,          404,          403,    403),
    R("seller/application/<step>/",                        "GET",     LOGIN,        403,          APPLY,        404,          404,          403,    403, step="company"),
    R("seller/brands/<pk>/delete/",                        "POST",    LOGIN,        403,          404,          302,          404,          403,    403, pk=W.authorization),
    R("seller/documents/",                                 "GET",     LOGIN,        403,          200,          200,          200,          403,    403),
    R("seller/documents/<pk>/",                            "GET",     403,          404,          404,          200,          404,          200,    200, pk=W.document),
    R("seller/documents/<pk>/delete/",                     "POST",    LOGIN,        403,          404,          302,          404,          403,    403, pk=W.document),
    R("seller/penalties/",                                 "GET",     LOGIN,        403,          200,          200,          200,          403,    403),
    # The seller connects its Stripe account (Stripe mode only: the sandbox refuses with 409)
    R("seller/finance/stripe/",                            "GET",     LOGIN,        403,          NOT_YET,      200,          200,          403,    403),
    R("seller/finance/stripe/",                            "POST",    LOGIN,        403,          NOT_YET,      409,          409,          403,    403, get=200),
    R("seller/finance/stripe/return/",                     "GET",     LOGIN,        403,          NOT_YET,      409,          409,          403,    403),
    R("seller/products/",                                  "GET",     LOGIN,        403,          NOT_YET,      200,          200,          403,    403),
    R("seller/products/new/",                              "GET",     LOGIN,        403,          NOT_YET,      200,          200,          403,    403),
    R("seller/products/<pk>/",                             "GET",     LOGIN,        403,          NOT_YET,      200,          404,          403,    403, pk=W.product),
    R("seller/products/<pk>/publish/",                     "POST",    LOGIN,        403,          NOT_YET,      302,          404,          403,    403, pk=W.draft_product),
    R("seller/products/<pk>/unpublish/",                   "POST",    LOGIN,        403,          NOT_YET,      302,          404,          403,    403, pk=W.product),
    R("seller/reviews/",                                   "GET",     LOGIN,        403,          NOT_YET,      200,          200,          403,    403),
    R("seller/reviews/<pk>/reply/",                        "POST",    LOGIN,        403,          NOT_YET,      302,          404,          403,    403, pk=W.review, body={"text": "Thank you"}),
    R("seller/products/<pk>/images/<image_pk>/delete/",    "POST",    LOGIN,        403,          NOT_YET,      302,          404,          403,    403, pk=W.product, image_pk=W.image),
    R("seller/products/import/",                           "GET",     LOGIN,        403,          NOT_YET,      200,          200,          403,    403),
    R("seller/products/import/template.csv",               "GET",     LOGIN,        403,          NOT_YET,      200,          200,          403,    403),
    R("seller/products/import/<pk>/",                      "GET",     LOGIN,        403,          NOT_YET,      200,          404,          403,    403, pk=W.product_import),
    R("seller/products/import/<pk>/status/",               "GET",     LOGIN,        403,          NOT_YET,      200,          404,          403,    403, pk=W.product_import),
    R("seller/products/import/<pk>/errors.csv",            "GET",     LOGIN,        403,          NOT_YET,      200,          404,          403,    403, pk=W.product_import),
    R("seller/finance/payouts/",                           "GET",     LOGIN,        403,          NOT_YET,      200,          200,          403,    403),
    R("seller/finance/payouts/request/",                   "POST",    LOGIN,        403,          NOT_YET,      400,          400,          403,    403),  # no amount: the form again
    R("seller/finance/payouts/account/",                   "POST",    LOGIN,        403,          NOT_YET,      302,          302,          403,    403),  # each store's own account
    R("seller/orders/",                                    "GET",     LOGIN,        403,          NOT_YET,      200,          200,          403,    403),
    R("seller/shipments/<waybill>/events/add/",            "GET",     LOGIN,        403,          NOT_YET,      200,          404,          403,    403, waybill=W.waybill),
    R("seller/orders/<number>/",                           "GET",     LOGIN,        403,          NOT_YET,      200,          404,          403,    403, number=W.order),
    R("seller/messages/",                                  "GET",     LOGIN,        403,          NOT_YET,      200,          200,          403,    403),
    R("seller/messages/<pk>/",                             "GET",     LOGIN,        403,          NOT_YET,      200,          404,          403,    403, pk=W.conversation),
    R("seller/shipping/<number>/",                         "GET",     LOGIN,        403,          NOT_YET,      200,          404,          403,    403, number=W.order),
    R("seller/shipping/batch/",                            "GET",     LOGIN,        403,          NOT_YET,      To("seller_orders:list"), To("seller_orders:list"), 403, 403),  # nothing ticked: back to the list
    R("seller/shipping/labels/",                           "GET",     LOGIN,        403,          NOT_YET,      404,          404,          403,    403),  # no waybill named
    R("seller/shipping-templates/",                        "GET",     LOGIN,        403,          NOT_YET,      200,          200,          403,    403),
    R("seller/shipping-templates/<mode>/",                 "GET",     LOGIN,        403,          NOT_YET,      200,          200,          403,    403, mode="direct_mail"),
    R("seller/shipping-templates/<mode>/",                 "POST",    LOGIN,        403,          NOT_YET,      400,          400,          403,    403, mode="direct_mail", get=200),
    R("seller/shipping-templates/<mode>/delete/",          "POST",    LOGIN,        403,          NOT_YET,      302,          404,          403,    403, mode="direct_mail"),
    R("seller/finance/",                                   "GET",     LOGIN,        403,          NOT_YET,      200,          200,          403,    403),
    R("seller/finance/statement/",                         "GET",     LOGIN,        403,          NOT_YET,      200,          200,          403,    403),
    R("seller/finance/statement.csv",                      "GET",     LOGIN,        403,          NOT_YET,      200,          200,          403,    403),
    R("seller/finance/statement.xlsx",                     "GET",     LOGIN,        403,          NOT_YET,      200,          200,          403,    403),
    R("seller/finance/deposit/pay/",                       "POST",    LOGIN,        403,          NOT_YET,      302,          302,          403,    403),  # to the card page of its own deposit
    # --- The review console: platform staff only ---------------------------------------------------
    R("staff/review/",                                     "GET",     LOGIN,        403,          403,          403,          403,          200,    200),
    R("staff/review/applications/<pk>/",                   "GET",     LOGIN,        403,          403,          403,          403,          200,    200, pk=W.application),
    R("staff/review/applications/<pk>/<action>/",          "POST",    LOGIN,        403,          403,          403,          403,          302,    302, pk=W.application, action="request-info"),
    R("staff/review/brands/",                              "GET",     LOGIN,        403,          403,          403,          403,          200,    200),
    R("staff/review/brands/<pk>/<action>/",                "POST",    LOGIN,        403,          403,          403,          403,          302,    302, pk=W.pending_brand, action="approve"),
    R("staff/review/authorizations/<pk>/<action>/",        "POST",    LOGIN,        403,          403,          403,          403,          302,    302, pk=W.pending_authorization, action="approve"),
    R("staff/review/merchants/",                           "GET",     LOGIN,        403,          403,          403,          403,          200,    200),
    R("staff/review/merchants/<pk>/",                      "GET",     LOGIN,        403,          403,          403,          403,          200,    200, pk=W.merchant),
    R("staff/review/merchants/<pk>/<action>/",             "POST",    LOGIN,        403,          403,          403,          403,          302,    302, pk=W.merchant, action="suspend"),
    R("staff/stores/",                                     "GET",     LOGIN,        403,          403,          403,          403,          200,    200),  # stores by credit figures
    # --- The logistics console: platform staff only -------------------------------------------------
    R("staff/logistics/customs/",                          "GET",     LOGIN,        403,          403,          403,          403,          200,    200),
    R("staff/finance/payouts/",                            "GET",     LOGIN,        403,          403,          403,          403,          403,    200),  # finance staff only
    R("staff/finance/payouts/batches/new/",                "POST",    LOGIN,        403,          403,          403,          403,          403,    302),  # nothing to batch: back with the reason
    R("staff/finance/payouts/batches/<pk>/",               "GET",     LOGIN,        403,          403,          403,          403,          403,    200, pk=W.payout_batch),
    R("staff/finance/payouts/batches/<pk>/export.csv",     "GET",     LOGIN,        403,          403,          403,          403,          403,    200, pk=W.payout_batch),
    R("staff/finance/payouts/batches/<pk>/paid/",          "POST",    LOGIN,        403,          403,          403,          403,          403,    302, pk=W.payout_batch, body={"bank_reference": "BANK-1"}),
    R("staff/finance/payouts/<pk>/failed/",                "POST",    LOGIN,        403,          403,          403,          403,          403,    302, pk=W.payout, body={"reason": "IBAN closed"}),
    R("staff/finance/refunds/",                            "GET",     LOGIN,        403,          403,          403,          403,          403,    200),
    R("staff/logistics/customs/<pk>/",                     "GET",     LOGIN,        403,          403,          403,          403,          200,    200, pk=W.held_declaration),
    R("staff/logistics/customs/<pk>/resolve/",             "POST",    LOGIN,        403,          403,          403,          403,          302,    302, pk=W.held_declaration),  # no body: sent back to the form
    R("staff/logistics/late-deliveries/",                  "GET",     LOGIN,        403,          403,          403,          403,          200,    200),
    R("staff/logistics/late-deliveries/<pk>/resolve/",     "POST",    LOGIN,        403,          403,          403,          403,          302,    302, pk=W.late_delivery, body={"note": "Carrier found it."}),
    # --- The finance pages: platform finance staff only (`staff` has no finance permission) ------------
    R("staff/finance/",                                    "GET",     LOGIN,        403,          403,          403,          403,          403,    200),
    R("staff/finance/reconciliation/",                     "GET",     LOGIN,        403,          403,          403,          403,          403,    200),
    R("staff/finance/reconciliation/run/",                 "POST",    LOGIN,        403,          403,          403,          403,          403,    302),  # no body: sent back with a message
    R("staff/finance/reconciliation/<pk>/",                "GET",     LOGIN,        403,          403,          403,          403,          403,    200, pk=W.reconciliation_run),
    R("staff/finance/deposits/",                           "GET",     LOGIN,        403,          403,          403,          403,          403,    200),  # finance staff (view_finance)
    R("staff/shipments/<waybill>/events/add/",             "GET",     LOGIN,        403,          403,          403,          403,          200,    200, waybill=W.waybill),
    # --- Payment holds: finance staff (payments.manage_finance) only --------------------------------
    R("staff/finance/holds/",                              "GET",     LOGIN,        403,          403,          403,          403,          403,    200),
    R("staff/finance/holds/place/",                        "POST",    LOGIN,        403,          403,          403,          403,          403,    302, body={"number": "0", "reason": "Access table"}),  # no such order: back to the list with the reason
    R("staff/finance/holds/<pk>/lift/",                    "POST",    LOGIN,        403,          403,          403,          403,          403,    302, pk=W.release_hold),
    # --- The staff console (Django admin): one row covers the admin site's routes, plus samples ------
    R("staff/",                                            "GET",     ADMIN_LOGIN,  ADMIN_LOGIN,  ADMIN_LOGIN,  ADMIN_LOGIN,  ADMIN_LOGIN,  200,    200),
    R("staff/login/",                                      "GET",     200,          200,          200,          200,          200,          ADMIN,  ADMIN),
    R("staff/orders/order/",                               "GET",     ADMIN_LOGIN,  ADMIN_LOGIN,  ADMIN_LOGIN,  ADMIN_LOGIN,  ADMIN_LOGIN,  403,    200),
    # --- API: catalogue (public, read-only) -------------------------------------------------------------
    R("api/v1/",                                           "GET",     200,          200,          200,          200,          200,          200,    200),
    R("api/v1/schema/",                                    "GET",     200,          200,          200,          200,          200,          200,    200),
    R("api/v1/docs/",                                      "GET",     200,          200,          200,          200,          200,          200,    200),
    R("api/v1/redoc/",                                     "GET",     200,          200,          200,          200,          200,          200,    200),
    R("api/v1/categories/",                                "GET",     200,          200,          200,          200,          200,          200,    200),
    R("api/v1/categories/<slug>/",                         "GET",     200,          200,          200,          200,          200,          200,    200, slug=W.category),
    R("api/v1/brands/",                                    "GET",     200,          200,          200,          200,          200,          200,    200),
    R("api/v1/brands/<slug>/",                             "GET",     200,          200,          200,          200,          200,          200,    200, slug=W.brand),
    R("api/v1/products/",                                  "GET",     200,          200,          200,          200,          200,          200,    200),
    R("api/v1/products/<pk>/",                             "GET",     200,          200,          200,          200,          200,          200,    200, pk=W.product),
    R("api/v1/products/<pk>/",                             "GET",     404,          404,          404,          404,          404,          404,    404, pk=W.draft_product, variant=True),
    R("api/v1/stores/<slug>/credit/",                      "GET",     200,          200,          200,          200,          200,          200,    200, slug=W.store),
    R("api/v1/stores/<slug>/credit/",                      "GET",     404,          404,          404,          404,          404,          404,    404, slug=W.applicant_store, variant=True),
    R("api/v1/tracking/<waybill>/",                        "GET",     200,          200,          200,          200,          200,          200,    200, waybill=W.waybill),
    # Carriers sign their callbacks; nobody's session or token counts (an unsigned post is 401).
    R("api/v1/logistics/callbacks/<provider_code>/",       "POST",    401,          401,          401,          401,          401,          401,    401, provider_code="ems"),
    # --- API: tokens ---------------------------------------------------------------------------------
    R("api/v1/auth/login/",                                "POST",    400,          400,          400,          400,          400,          400,    400),
    R("api/v1/auth/tokens/",                               "GET",     401,          200,          200,          200,          200,          200,    200),
    R("api/v1/auth/tokens/<token_id>/",                    "DELETE",  401,          204,          404,          404,          404,          404,    404, token_id=W.shopper_token),
    # Logout revokes the token the call was made with: a session has none, so only a token call can.
    R("api/v1/auth/logout/",                               "POST",    401,          401,          401,          401,          401,          401,    401),
    R("api/v1/auth/logout-all/",                           "POST",    401,          204,          204,          204,          204,          204,    204),
    # --- API: the notification centre (the caller's own) ----------------------------------------------
    R("api/v1/notifications/",                             "GET",     API_ANON,     200,          200,          200,          200,          200,    200),
    R("api/v1/notifications/unread-count/",                "GET",     API_ANON,     200,          200,          200,          200,          200,    200),
    R("api/v1/notifications/read-all/",                    "POST",    API_ANON,     200,          200,          200,          200,          200,    200),
    R("api/v1/notifications/<pk>/read/",                   "POST",    API_ANON,     200,          404,          404,          404,          404,    404, pk=W.notification),
    # --- API: the shopper's own cart, addresses, identities, orders and payments -------------------
    R("api/v1/cart/",                                      "GET",     API_ANON,     200,          200,          200,          200,          200,    200),
    R("api/v1/cart/",                                      "POST",    API_ANON,     400,          400,          400,          400,          400,    400),
    R("api/v1/cart/items/<variant_id>/",                   "PATCH",   API_ANON,     400,          400,          400,          400,          400,    400, variant_id=W.variant),
    R("api/v1/cart/items/<variant_id>/",                   "DELETE",  API_ANON,     200,          200,          200,          200,          200,    200, variant_id=W.variant),
    R("api/v1/checkout/",                                  "POST",    API_ANON,     400,          400,          400,          400,          400,    400),
    R("api/v1/addresses/",                                 "GET",     API_ANON,     200,          200,          200,          200,          200,    200),
    R("api/v1/addresses/",                                 "POST",    API_ANON,     400,          400,          400,          400,          400,    400),
    R("api/v1/addresses/<pk>/",                            "DELETE",  API_ANON,     204,          404,          404,          404,          404,    404, pk=W.address),
    R("api/v1/identities/",                                "GET",     API_ANON,     200,          200,          200,          200,          200,    200),
    R("api/v1/identities/",                                "POST",    API_ANON,     400,          400,          400,          400,          400,    400),
    R("api/v1/identities/<pk>/",                           "DELETE",  API_ANON,     204,          404,          404,          404,          404,    404, pk=W.identity),
    R("api/v1/orders/",                                    "GET",     API_ANON,     200,          200,          200,          200,          200,    200),
    R("api/v1/orders/<number>/",                           "GET",     API_ANON,     200,          404,          404,          404,          404,    404, number=W.order),
    R("api/v1/orders/<number>/cancel/",                    "POST",    API_ANON,     200,          404,          404,          404,          404,    404, number=W.order, body={"idempotency_key": "access-table"}),
    R("api/v1/orders/<number>/confirm-receipt/",           "POST",    API_ANON,     409,          404,          404,          404,          404,    404, number=W.order),  # paid, not shipped yet
    R("api/v1/conversations/",                             "GET",     API_ANON,     200,          200,          200,          200,          200,    200),
    R("api/v1/conversations/",                             "POST",    API_ANON,     201,          201,          403,          201,          201,    201, body={"product": W.product, "body": "Access table question"}),  # the store's own staff: 403
    R("api/v1/conversations/<pk>/",                        "GET",     API_ANON,     200,          404,          404,          404,          404,    404, pk=W.conversation),
    R("api/v1/conversations/<pk>/messages/",               "GET",     API_ANON,     200,          404,          404,          404,          404,    404, pk=W.conversation),
    R("api/v1/conversations/<pk>/messages/",               "POST",    API_ANON,     201,          404,          404,          404,          404,    404, pk=W.conversation, body={"body": "Access table answer"}),
    R("api/v1/conversations/<pk>/read/",                   "POST",    API_ANON,     200,          404,          404,          404,          404,    404, pk=W.conversation),
    R("api/v1/conversations/<pk>/images/<message_id>/",    "GET",     API_ANON,     200,          404,          404,          404,          404,    404, pk=W.conversation, message_id=W.message_image),
    R("api/v1/payments/<reference>/",                      "GET",     API_ANON,     200,          404,          404,          404,          404,    404, reference=W.payment),
    R("api/v1/payments/<reference>/confirm/",              "POST",    API_ANON,     200,          404,          404,          404,          404,    404, reference=W.payment, body=CARD),
    # --- API: reviews (orders/reviews) ---------------------------------------------------------------
    R("api/v1/products/<pk>/reviews/",                     "GET",     200,          200,          200,          200,          200,          200,    200, pk=W.product),
    R("api/v1/reviews/",                                   "GET",     API_ANON,     200,          200,          200,          200,          200,    200),
    R("api/v1/reviews/",                                   "POST",    API_ANON,     404,          404,          404,          404,          404,    404, body={"order_line": 999999999, "rating": 5}),  # no such line: nobody learns whose it is
    R("api/v1/reviews/<pk>/",                              "GET",     API_ANON,     200,          404,          404,          404,          404,    404, pk=W.review),
    R("api/v1/reviews/<pk>/",                              "PUT",     API_ANON,     200,          404,          404,          404,          404,    404, pk=W.review, body={"rating": 5, "text": "Edited"}),
    R("api/v1/store-ratings/",                             "POST",    API_ANON,     404,          404,          404,          404,          404,    404, body={"order": "NOSUCHORDER", "description": 5, "service": 5, "logistics": 5}),
    R("api/v1/seller/reviews/",                            "GET",     API_ANON,     403,          403,          200,          200,          403,    403),
    R("api/v1/seller/reviews/<pk>/reply/",                 "POST",    API_ANON,     403,          403,          200,          404,          403,    403, pk=W.review, body={"text": "Thank you"}),
    # --- API: the merchant's application, brands, documents and products ----------------------------
    R("api/v1/seller/payouts/",                            "GET",     API_ANON,     403,          403,          200,          200,          403,    403),
    R("api/v1/seller/payouts/",                            "POST",    API_ANON,     403,          403,          400,          400,          403,    403),
    R("api/v1/seller/application/",                        "GET",     API_ANON,     403,          200,          404,          404,          403,    403),
    R("api/v1/seller/application/",                        "PATCH",   API_ANON,     403,          400,          404,          404,          403,    403),
    R("api/v1/seller/application/start/",                  "POST",    API_ANON,     201,          400,          400,          400,          400,    400),
    R("api/v1/seller/application/submit/",                 "POST",    API_ANON,     403,          409,          404,          404,          403,    403),
    R("api/v1/seller/brand-authorizations/",               "GET",     API_ANON,     403,          200,          200,          200,          403,    403),
    R("api/v1/seller/brand-authorizations/",               "POST",    API_ANON,     403,          400,          400,          400,          403,    403),
    R("api/v1/seller/brand-authorizations/<pk>/",          "DELETE",  API_ANON,     403,          404,          204,          404,          403,    403, pk=W.authorization),
    R("api/v1/seller/documents/",                          "GET",     API_ANON,     403,          200,          200,          200,          403,    403),
    R("api/v1/seller/documents/",                          "POST",    API_ANON,     403,          400,          400,          400,          403,    403),
    R("api/v1/seller/documents/<pk>/",                     "GET",     API_ANON,     403,          404,          200,          404,          403,    403, pk=W.document),
    R("api/v1/seller/orders/<number>/quotes/",             "GET",     API_ANON,     403,          403,          200,          404,          403,    403, number=W.order),
    R("api/v1/seller/orders/<number>/ship/",               "POST",    API_ANON,     403,          403,          201,          404,          403,    403, number=W.order, body={"provider_code": "ems", "weight_grams": 500}),
    R("api/v1/seller/conversations/",                      "GET",     API_ANON,     403,          403,          200,          200,          403,    403),
    R("api/v1/seller/conversations/<pk>/",                 "GET",     API_ANON,     403,          403,          200,          404,          403,    403, pk=W.conversation),
    R("api/v1/seller/conversations/<pk>/messages/",        "GET",     API_ANON,     403,          403,          200,          404,          403,    403, pk=W.conversation),
    R("api/v1/seller/conversations/<pk>/messages/",        "POST",    API_ANON,     403,          403,          201,          404,          403,    403, pk=W.conversation, body={"body": "Access table answer"}),
    R("api/v1/seller/conversations/<pk>/read/",            "POST",    API_ANON,     403,          403,          200,          404,          403,    403, pk=W.conversation),
    R("api/v1/seller/conversations/<pk>/images/<message_id>/", "GET", API_ANON,     403,          403,          200,          404,          403,    403, pk=W.conversation, message_id=W.message_image),
    R("api/v1/seller/shipping/batch/",                     "POST",    API_ANON,     403,          403,          200,          200,          403,    403, body={"parcels": [{"order_number": "0", "provider_code": "ems", "weight_grams": 500}]}),  # an unknown order: reported in the results
    R("api/v1/seller/shipping/labels/",                    "GET",     API_ANON,     403,          403,          404,          404,          403,    403),  # no waybill named
    R("api/v1/seller/shipments/",                          "GET",     API_ANON,     403,          403,          200,          200,          403,    403),
    R("api/v1/seller/shipments/<waybill>/",                "GET",     API_ANON,     403,          403,          200,          404,          403,    403, waybill=W.waybill),
    R("api/v1/seller/shipments/<waybill>/events/",         "POST",    API_ANON,     403,          403,          400,          404,          403,    403, waybill=W.waybill),
    R("api/v1/seller/products/",                           "GET",     API_ANON,     403,          403,          200,          200,          403,    403),
    R("api/v1/seller/products/",                           "POST",    API_ANON,     403,          403,          400,          400,          403,    403),
    R("api/v1/seller/products/<pk>/",                      "GET",     API_ANON,     403,          403,          200,          404,          403,    403, pk=W.product),
    R("api/v1/seller/products/<pk>/",                      "PUT",     API_ANON,     403,          403,          400,          404,          403,    403, pk=W.product),
    R("api/v1/seller/products/<pk>/",                      "PATCH",   API_ANON,     403,          403,          200,          404,          403,    403, pk=W.product),
    R("api/v1/seller/products/<pk>/publish/",              "POST",    API_ANON,     403,          403,          200,          404,          403,    403, pk=W.draft_product),
    R("api/v1/seller/products/<pk>/unpublish/",            "POST",    API_ANON,     403,          403,          200,          404,          403,    403, pk=W.product),
    R("api/v1/seller/shipping-templates/",                 "GET",     API_ANON,     403,          403,          200,          200,          403,    403),
    R("api/v1/seller/shipping-templates/",                 "POST",    API_ANON,     403,          403,          400,          400,          403,    403),
    R("api/v1/seller/shipping-templates/<pk>/",            "GET",     API_ANON,     403,          403,          200,          404,          403,    403, pk=W.shipping_template),
    R("api/v1/seller/shipping-templates/<pk>/",            "PUT",     API_ANON,     403,          403,          400,          404,          403,    403, pk=W.shipping_template),
    R("api/v1/seller/shipping-templates/<pk>/",            "PATCH",   API_ANON,     403,          403,          200,          404,          403,    403, pk=W.shipping_template),
    R("api/v1/seller/shipping-templates/<pk>/",            "DELETE",  API_ANON,     403,          403,          204,          404,          403,    403, pk=W.shipping_template),
    R("api/v1/seller/finance/",                            "GET",     API_ANON,     403,          403,          200,          200,          403,    403),
    R("api/v1/seller/finance/statement/",                  "GET",     API_ANON,     403,          403,          200,          200,          403,    403),
    R("api/v1/seller/finance/statement/csv/",              "GET",     API_ANON,     403,          403,          200,          200,          403,    403),
    R("api/v1/seller/finance/statement/xlsx/",             "GET",     API_ANON,     403,          403,          200,          200,          403,    403),
    R("api/v1/seller/deposit/",                            "GET",     API_ANON,     403,          403,          200,          200,          403,    403),
    R("api/v1/seller/deposit/",                            "POST",    API_ANON,     403,          403,          201,          201,          403,    403),
    # --- API: review (platform staff) ----------------------------------------------------------------
    R("api/v1/review/applications/",                       "GET",     API_ANON,     403,          403,          403,          403,          200,    200),
    R("api/v1/review/applications/<pk>/",                  "GET",     API_ANON,     403,          403,          403,          403,          200,    200, pk=W.application),
    R("api/v1/review/applications/<pk>/approve/",          "POST",    API_ANON,     403,          403,          403,          403,          200,    200, pk=W.application),
    R("api/v1/review/applications/<pk>/reject/",           "POST",    API_ANON,     403,          403,          403,          403,          400,    400, pk=W.application),
    R("api/v1/review/applications/<pk>/request-info/",     "POST",    API_ANON,     403,          403,          403,          403,          400,    400, pk=W.application),
    R("api/v1/review/brand-authorizations/",               "GET",     API_ANON,     403,          403,          403,          403,          200,    200),
    R("api/v1/review/brand-authorizations/<pk>/",          "GET",     API_ANON,     403,          403,          403,          403,          200,    200, pk=W.pending_authorization),
    R("api/v1/review/brand-authorizations/<pk>/approve/",  "POST",    API_ANON,     403,          403,          403,          403,          200,    200, pk=W.pending_authorization),
    R("api/v1/review/brand-authorizations/<pk>/reject/",   "POST",    API_ANON,     403,          403,          403,          403,          400,    400, pk=W.pending_authorization),
    R("api/v1/review/brands/<pk>/approve/",                "POST",    API_ANON,     403,          403,          403,          403,          200,    200, pk=W.pending_brand),
    R("api/v1/review/brands/<pk>/reject/",                 "POST",    API_ANON,     403,          403,          403,          403,          400,    400, pk=W.pending_brand),
    R("api/v1/review/merchants/<pk>/",                     "GET",     API_ANON,     403,          403,          403,          403,          200,    200, pk=W.merchant),
    R("api/v1/review/merchants/<pk>/violations/",          "POST",    API_ANON,     403,          403,          403,          403,          400,    400, pk=W.merchant),
    R("api/v1/review/merchants/<pk>/suspend/",             "POST",    API_ANON,     403,          403,          403,          403,          400,    400, pk=W.merchant),
    R("api/v1/review/merchants/<pk>/lift-suspension/",     "POST",    API_ANON,     403,          403,          403,          403,          409,    409, pk=W.merchant),
    R("api/v1/review/merchants/<pk>/blacklist/",           "POST",    API_ANON,     403,          403,          403,          403,          400,    400, pk=W.merchant),
    R("api/v1/review/merchants/<pk>/lift-blacklist/",      "POST",    API_ANON,     403,          403,          403,          403,          400,    400, pk=W.merchant),
    # --- API: logistics (platform staff) --------------------------------------------------------------
    R("api/v1/staff/payout-batches/",                      "GET",     API_ANON,     403,          403,          403,          403,          403,    200),
    R("api/v1/staff/payout-batches/",                      "POST",    API_ANON,     403,          403,          403,          403,          403,    409),  # nothing to batch
    R("api/v1/staff/payout-batches/<pk>/mark-paid/",       "POST",    API_ANON,     403,          403,          403,          403,          403,    400, pk=W.payout_batch),
    R("api/v1/staff/payout-batches/<pk>/export/",          "GET",     API_ANON,     403,          403,          403,          403,          403,    200, pk=W.payout_batch),
    R("api/v1/staff/payouts/<pk>/fail/",                   "POST",    API_ANON,     403,          403,          403,          403,          403,    400, pk=W.payout),
    R("api/v1/staff/refunds/",                             "POST",    API_ANON,     403,          403,          403,          403,          403,    400),
    # --- API: finance (platform finance staff) --------------------------------------------------------
    R("api/v1/staff/finance/summary/",                     "GET",     API_ANON,     403,          403,          403,          403,          403,    200),
    R("api/v1/staff/finance/reconciliation/",              "GET",     API_ANON,     403,          403,          403,          403,          403,    200),
    R("api/v1/staff/finance/reconciliation/",              "POST",    API_ANON,     403,          403,          403,          403,          403,    400),  # no body
    R("api/v1/staff/customs/",                             "GET",     API_ANON,     403,          403,          403,          403,          200,    200),
    R("api/v1/staff/customs/<pk>/",                        "GET",     API_ANON,     403,          403,          403,          403,          200,    200, pk=W.held_declaration),
    R("api/v1/staff/customs/<pk>/resolve/",                "POST",    API_ANON,     403,          403,          403,          403,          400,    400, pk=W.held_declaration),
    R("api/v1/staff/late-deliveries/",                     "GET",     API_ANON,     403,          403,          403,          403,          200,    200),
    R("api/v1/staff/late-deliveries/<pk>/resolve/",        "POST",    API_ANON,     403,          403,          403,          403,          400,    400, pk=W.late_delivery),
    R("api/v1/staff/stores/",                              "GET",     API_ANON,     403,          403,          403,          403,          200,    200),  # stores by credit figures
    # --- API: payment holds (finance staff: payments.manage_finance) ---------------------------------
    R("api/v1/staff/release-holds/",                       "GET",     API_ANON,     403,          403,          403,          403,          403,    200),
    R("api/v1/staff/release-holds/",                       "POST",    API_ANON,     403,          403,          403,          403,          403,    400),
    R("api/v1/staff/release-holds/<pk>/lift/",             "POST",    API_ANON,     403,          403,          403,          403,          403,    200, pk=W.release_hold),
    # --- After-sales (issue 13): the shopper's requests, the store's answers, platform arbitration ------
    # The case (W.case) is the shopper's, on the first store's shipped order; its evidence photo is the
    # shopper's. Another shopper sees none of it; arbitrators read any case on their own pages.
    R("after-sales/",                                      "GET",     LOGIN,        200,          200,          200,          200,          200,    200, other_shopper=200, arbitrator=200),
    R("orders/<number>/after-sales/",                      "GET",     LOGIN,        200,          404,          404,          404,          404,    404, number=W.order, other_shopper=404, arbitrator=404),
    R("orders/<number>/after-sales/",                      "POST",    LOGIN,        400,          404,          404,          404,          404,    404, number=W.order, get=200, other_shopper=404, arbitrator=404),  # nothing ticked: the form again
    R("orders/<number>/after-sales/",                      "GET",     LOGIN,        302,          404,          404,          404,          404,    404, number=W.case_order, variant=True, other_shopper=404, arbitrator=404),  # a case is open: to it
    R("after-sales/<number>/",                             "GET",     LOGIN,        200,          404,          404,          404,          404,    404, number=W.case, other_shopper=404, arbitrator=404),
    R("after-sales/<number>/evidence/<pk>/",               "GET",     404,          200,          404,          200,          404,          404,    200, number=W.case, pk=W.evidence, other_shopper=404, arbitrator=200),
    R("after-sales/<number>/<action>/",                    "POST",    LOGIN,        302,          404,          404,          404,          404,    404, number=W.case, action="withdraw", other_shopper=404, arbitrator=404),
    R("after-sales/<number>/<action>/",                    "POST",    LOGIN,        302,          404,          404,          404,          404,    404, number=W.case, action="evidence", variant=True, body={"note": "The box was crushed."}, other_shopper=404, arbitrator=404),
    R("seller/after-sales/",                               "GET",     LOGIN,        403,          NOT_YET,      200,          200,          403,    403, other_shopper=403, arbitrator=403),
    R("seller/store-settings/",                            "GET",     LOGIN,        403,          200,          200,          200,          403,    403, other_shopper=403, arbitrator=403),
    R("seller/store-settings/",                            "POST",    LOGIN,        403,          400,          400,          400,          403,    403, get=200, other_shopper=403, arbitrator=403),  # no body: the form again
    R("seller/after-sales/<number>/",                      "GET",     LOGIN,        403,          NOT_YET,      200,          404,          403,    403, number=W.case, other_shopper=403, arbitrator=403),
    R("seller/after-sales/<number>/<action>/",             "POST",    LOGIN,        403,          NOT_YET,      302,          404,          403,    403, number=W.case, action="accept", other_shopper=403, arbitrator=403),
    R("staff/arbitration/",                                "GET",     LOGIN,        403,          403,          403,          403,          403,    200, other_shopper=403, arbitrator=200),
    R("staff/arbitration/<number>/",                       "GET",     LOGIN,        403,          403,          403,          403,          403,    200, number=W.case, other_shopper=403, arbitrator=200),
    R("staff/arbitration/<number>/info-request/",          "POST",    LOGIN,        403,          403,          403,          403,          403,    400, number=W.case, other_shopper=403, arbitrator=400),  # no body: the page again
    R("staff/arbitration/<number>/decide/",                "POST",    LOGIN,        403,          403,          403,          403,          403,    400, number=W.case, other_shopper=403, arbitrator=400),  # no body: the page again
    R("staff/arbitration/<number>/evidence/",              "POST",    LOGIN,        403,          403,          403,          403,          403,    302, number=W.case, other_shopper=403, arbitrator=302),  # no body: back with the error
    R("api/v1/cases/",                                     "GET",     API_ANON,     200,          200,          200,          200,          200,    200, other_shopper=200, arbitrator=200),
    R("api/v1/cases/",                                     "POST",    API_ANON,     400,          400,          400,          400,          400,    400, other_shopper=400, arbitrator=400),
    R("api/v1/cases/<number>/",                            "GET",     API_ANON,     200,          404,          404,          404,          404,    404, number=W.case, other_shopper=404, arbitrator=404),
    R("api/v1/cases/<number>/offer-accept/",               "POST",    API_ANON,     409,          404,          404,          404,          404,    404, number=W.case, other_shopper=404, arbitrator=404),  # no offer made
    R("api/v1/cases/<number>/withdraw/",                   "POST",    API_ANON,     200,          404,          404,          404,          404,    404, number=W.case, other_shopper=404, arbitrator=404),
    R("api/v1/cases/<number>/escalate/",                   "POST",    API_ANON,     409,          404,          404,          404,          404,    404, number=W.case, other_shopper=404, arbitrator=404),  # the store has not answered yet
    R("api/v1/cases/<number>/return-ship/",                "POST",    API_ANON,     400,          404,          404,          404,          404,    404, number=W.case, other_shopper=404, arbitrator=404),  # no body
    R("api/v1/cases/<number>/evidence/",                   "POST",    API_ANON,     400,          404,          404,          404,          404,    404, number=W.case, other_shopper=404, arbitrator=404),  # no photo, no statement
    R("api/v1/seller/cases/",                              "GET",     API_ANON,     403,          403,          200,          200,          403,    403, other_shopper=403, arbitrator=403),
    R("api/v1/seller/cases/<number>/",                     "GET",     API_ANON,     403,          403,          200,          404,          403,    403, number=W.case, other_shopper=403, arbitrator=403),
    R("api/v1/seller/cases/<number>/accept/",              "POST",    API_ANON,     403,          403,          200,          404,          403,    403, number=W.case, other_shopper=403, arbitrator=403),
    R("api/v1/seller/cases/<number>/offer/",               "POST",    API_ANON,     403,          403,          400,          404,          403,    403, number=W.case, other_shopper=403, arbitrator=403),  # no amount
    R("api/v1/seller/cases/<number>/refuse/",              "POST",    API_ANON,     403,          403,          400,          404,          403,    403, number=W.case, other_shopper=403, arbitrator=403),  # no reason
    R("api/v1/seller/cases/<number>/return-received/",     "POST",    API_ANON,     403,          403,          409,          404,          403,    403, number=W.case, other_shopper=403, arbitrator=403),  # nothing sent back yet
    R("api/v1/seller/cases/<number>/escalate/",            "POST",    API_ANON,     403,          403,          409,          404,          403,    403, number=W.case, other_shopper=403, arbitrator=403),  # not refused yet
    R("api/v1/seller/cases/<number>/evidence/",            "POST",    API_ANON,     403,          403,          400,          404,          403,    403, number=W.case, other_shopper=403, arbitrator=403),
    R("api/v1/staff/arbitration/",                         "GET",     API_ANON,     403,          403,          403,          403,          403,    200, other_shopper=403, arbitrator=200),
    R("api/v1/staff/arbitration/<number>/",                "GET",     API_ANON,     403,          403,          403,          403,          403,    200, number=W.case, other_shopper=403, arbitrator=200),
    R("api/v1/staff/arbitration/<number>/info-request/",   "POST",    API_ANON,     403,          403,          403,          403,          403,    400, number=W.case, other_shopper=403, arbitrator=400),
    R("api/v1/staff/arbitration/<number>/decide/",         "POST",    API_ANON,     403,          403,          403,          403,          403,    400, number=W.case, other_shopper=403, arbitrator=400),
    R("api/v1/staff/arbitration/<number>/evidence/",       "POST",    API_ANON,     403,          403,          403,          403,          403,    400, number=W.case, other_shopper=403, arbitrator=400),  # no photo, no statement
]
# fmt: on


# --- The routes that exist ---------------------------------------------------------------------------


def _strip_regex(regex: str) -> str:
    """`^products/(?P<pk>[^/.]+)/$` -> `products/<pk>/`: named groups become `<name>` (their bodies
    may nest parentheses), anchors go, escaped characters are unescaped."""
    out, i = [], 0
    while i < len(regex):
        if regex.startswith("(?P<", i):
            name_end = regex.index(">", i)
            name = regex[i + 4 : name_end]
            depth, j = 1, name_end + 1
            while depth:
                depth += {"(": 1, ")": -1}.get(regex[j], 0) if regex[j - 1] != "\\" else 0
                j += 1
            out.append(f"<{name}>")
            i = j
        elif regex[i] in "^$":
            i += 1
        elif regex[i] == "\\" and i + 1 < len(regex):
            out.append(regex[i + 1])
            i += 2
        else:
            out.append(regex[i])
            i += 1
    return "".join(out)


def _route_text(pattern) -> str:
    text = str(pattern.pattern)
    if isinstance(pattern.pattern, RegexPattern):
        return _strip_regex(text)
    return re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", text)


@dataclass
class Route:
    route: str
    name: str
    callback: object
    in_admin: bool  # one of the staff console's (Django admin) routes

    def methods(self) -> set[str]:
        """The HTTP methods each needing a row: every method a DRF view handles; one row (any method)
        for other views, whose accepted methods the URLconf does not show."""
        actions = getattr(self.callback, "actions", None)
        if actions:  # DRF adds "head" to this mapping once the view has answered a GET
            return {m.upper() for m in actions} - {"HEAD", "OPTIONS"}
        cls = getattr(self.callback, "cls", None)
        if cls is not None and issubclass(cls, APIView):
            return {m.upper() for m in ("get", "post", "put", "patch", "delete") if hasattr(cls, m)}
        return set()


def _walk(resolver, prefix="", in_admin=False):
    for pattern in resolver.url_patterns:
        text = prefix + _route_text(pattern)
        if isinstance(pattern, URLResolver):
            admin = in_admin or isinstance(getattr(pattern.urlconf_module, "__self__", None), AdminSite)
            admin = admin or (pattern.app_name == "admin")
            yield from _walk(pattern, text, admin)
        elif isinstance(pattern, URLPattern):
            yield Route(text, pattern.name or "", pattern.callback, in_admin)


def project_routes() -> list[Route]:
    return list(_walk(get_resolver()))


# --- The world: one set of objects per test module, rolled back after each test ---------------------


def _build_world(private_root: Path) -> dict:
    from django.apps import apps as django_apps

    from logistics.seed import seed_providers
    from marketplace import services as catalog
    from marketplace.models import Brand, ProductImage, User
    from merchants import services as merchants
    from merchants.models import BrandAuthorization, ProductImport, QualificationDocument
    from tests.factories import (
        BrandFactory,
        CategoryFactory,
        MerchantMemberFactory,
        ProductFactory,
        StaffFactory,
        TaxCategoryFactory,
        UserFactory,
        checkout,
        pay,
        shipment_for,
        shopper_with_cart,
    )
    from tests.merchants.helpers import complete_application, pdf

    for currency, rate in {"USD": "7.12", "JPY": "0.0472"}.items():
        catalog.exchange_rate_set(currency=currency, rate=rate, source="tests")

    # The first store and its objects.
    member = MerchantMemberFactory(user__username="access-merchant", merchant__slug="access-store")
    store = member.merchant
    brand = BrandFactory(slug="access-brand", country="JP")
    category = CategoryFactory(slug="access-category")
    tax = TaxCategoryFactory()
    product = ProductFactory(
        merchant=store, brand=brand, category=category, tax_category=tax, name_zh="访问表商品", name_en="Access item"
    )
    draft = ProductFactory(merchant=store, brand=brand, category=category, tax_category=tax, publish=False)
    image = ProductImage.objects.create(product=product, image="products/access-0.jpg", position=0)
    variant = product.variants.first()
    # A request for a new brand, still waiting: the only kind its merchant may withdraw.
    authorization = BrandAuthorization.objects.create(
        merchant=store,
        brand=BrandFactory(slug="access-requested", name="Access Requested Brand", status=Brand.Status.PENDING),
        kind=BrandAuthorization.Kind.AUTHORIZED,
        authorized_by="The brand owner",
        valid_from=timezone.localdate(),
        valid_until=timezone.localdate() + timedelta(days=365),
        status=BrandAuthorization.Status.PENDING,
    )
    document = merchants.qualification_document_upload(
        merchant=store,
        actor=member.user,
        kind=QualificationDocument.Kind.REGISTRATION_CERTIFICATE,
        uploaded_file=pdf("access-store-licence.pdf"),
    )
    product_import = ProductImport.objects.create(
        merchant=store,
        file="imports/access.csv",
        original_name="access.csv",
        file_format=ProductImport.Format.CSV,
        status=ProductImport.Status.DONE,
        created_by=member.user,
    )

    # Another approved store, with a product of its own.
    other = MerchantMemberFactory(user__username="access-other")
    ProductFactory(merchant=other.merchant, category=category, tax_category=tax)

    # A company that applied: submitted, waiting for review.
    applicant = UserFactory(username="access-applicant")
    applicant, application = complete_application(applicant)
    merchants.merchant_application_submit(application=application, actor=applicant)
    pending_authorization = application.brand_authorizations.first()
    pending_brand = BrandFactory(slug="access-pending-brand", status=Brand.Status.PENDING)

    # A shopper with a paid order, an unpaid checkout, an address and an identity.
    shopper, address, identity = shopper_with_cart((variant, 1), user=UserFactory(username="access-shopper"))
    paid = checkout(shopper, address, identity)
    pay(paid)
    order = paid.orders.get()
    from orders import services as orders

    # A second paid order of the first store, shipped: its parcel's waybill number.
    seed_providers(django_apps)  # a transactional test may have flushed the data migration's rows
    orders.cart_add(cart=orders.cart_get_or_create(user=shopper), variant_id=variant.pk, quantity=1)
    shipped = checkout(shopper, address, identity)
    pay(shipped)
    shipment = shipment_for(shipped.orders.get(), waybill_number="ACCESS0000001")

    # An after-sales request of the shopper on the shipped order, waiting for the store, with a photo.
    case, evidence = _world_case(shipped.orders.get(), shopper)

    orders.cart_add(cart=orders.cart_get_or_create(user=shopper), variant_id=variant.pk, quantity=1)
    unpaid = checkout(shopper, address, identity)
    from logistics.services.templates import shipping_template_create

    shipping_template = shipping_template_create(
        user=member.user,
        shipping_mode="direct_mail",
        name="Access template",
        first_weight_grams=1000,
        first_fee="10.00",
        additional_step_grams=500,
        additional_fee="5.00",
        regions=[{"provinces": ["新疆"], "first_fee": "20.00", "additional_fee": "10.00"}],
    )

    # A parcel of the shopper's held by customs, and a late delivery on it.
    from logistics.models import CustomsDeclaration, DeadlineBreach
    from tests.factories import shipment_for

    orders.cart_add(cart=orders.cart_get_or_create(user=shopper), variant_id=variant.pk, quantity=1)
    shipped = checkout(shopper, address, identity)
    pay(shipped)
    shipped_order = shipped.orders.get()
    shipment_for(shipped_order)
    held = CustomsDeclaration.objects.get(order=shipped_order)
    CustomsDeclaration.objects.filter(pk=held.pk).update(
        status=CustomsDeclaration.Status.HELD,
        hold_reason="The consignee's name on the waybill does not match the order.",
        checked_at=timezone.now(),
    )
    late_delivery = DeadlineBreach.objects.create(
        order=shipped_order, kind=DeadlineBreach.Kind.DELIVERY_LATE, deadline=timezone.now()
    )

    from payments.models import ReconciliationRun

    reconciliation_run = ReconciliationRun.objects.create(
        since=timezone.now() - timedelta(days=1), until=timezone.now(), status=ReconciliationRun.Status.CLEAN
    )

    superuser = UserFactory(
        username="access-superuser", is_staff=True, is_superuser=True, role=User.Role.STAFF
    )
    # A bank payout of the store, in a batch (payments, "Payouts, refunds after release and compensation").
    from djmoney.money import Money

    from payments.models import Payout, PayoutBatch

    payout_batch = PayoutBatch.objects.create(reference="PBACCESS", created_by=superuser)
    payout = Payout.objects.create(
        reference="POACCESS",
        merchant=store,
        amount=Money("100.00", store.settlement_currency),
        method=Payout.Method.BANK_BATCH,
        kind=Payout.Kind.ON_REQUEST,
        status=Payout.Status.PROCESSING,
        batch=payout_batch,
        idempotency_key="payout:POACCESS",
    )
    # The payment of the parcel held by customs is also on hold (finance staff lift it).
    from payments.models import ReleaseHold

    release_hold = ReleaseHold.objects.create(order=shipped_order, reason="Access table", placed_by=superuser)
    # A conversation of the shopper with the first store about its product: an image, then a question.
    from orders.conversations.services import conversation_start
    from tests.factories import image_upload

    conversation = conversation_start(shopper=shopper, product_id=product.pk, body="A photo", image=image_upload())
    message_image = conversation.messages.get()
    conversation = conversation_start(shopper=shopper, product_id=product.pk, body="Access table question")
    # Reviews (orders/reviews): a completed order of the shopper, reviewed, and another not yet.
    from orders.reviews import services as reviews
    from tests.factories import completed_order_of

    reviewed = completed_order_of(product, user=shopper)
    review = reviews.review_create(user=shopper, order_line_id=reviewed.lines.get().pk, rating=4, text="Access")
    reviewable = completed_order_of(product, user=shopper)
    ids = {
        "conversation": conversation.pk,
        "message_image": message_image.pk,
        "payout_batch": payout_batch.pk,
        "review": review.pk,
        "reviewable_order": reviewable.number,
        "reviewable_line": reviewable.lines.get().pk,
        "payout": payout.pk,
        "category": category.slug,
        "brand": brand.slug,
        "store": store.slug,
        "product": product.pk,
        "draft_product": draft.pk,
        "image": image.pk,
        "variant": variant.pk,
        "authorization": authorization.pk,
        "document": document.pk,
        "product_import": product_import.pk,
        "merchant": store.pk,
        "applicant_store": application.merchant.slug,
        "application": application.pk,
        "pending_authorization": pending_authorization.pk,
        "pending_brand": pending_brand.pk,
        "order": order.number,
        "payment": unpaid.reference,
        "address": address.pk,
        "identity": identity.pk,
        "held_declaration": held.pk,
        "late_delivery": late_delivery.pk,
        "reconciliation_run": reconciliation_run.pk,
        "release_hold": release_hold.pk,
        "shipping_template": shipping_template.pk,
        "waybill": shipment.waybill_number,
        "case": case.number,
        "case_order": case.order.number,
        "evidence": evidence.pk,
    }
    # What only the owner's lists may show (see test_lists_show_only_ones_own).
    ids |= {
        "sku": variant.sku,
        "product_name": product.name_zh,
        "street": address.street,
        "masked_id_number": identity.id_number_masked,
        "document_name": document.original_name,
        "requested_brand": authorization.brand.name,
        "applicant_company": application.legal_name,
    }
    ids["shopper_token"] = ApiToken.objects.create(user=shopper)[0].token_key  # an API token's id
    from marketplace.notifications.services import notify

    notice = notify(user=shopper, kind="order", title="Access-table notice 7F3Q", url=f"/orders/{ids['order']}/")
    ids["notification"], ids["notification_title"] = notice.pk, notice.title_en
    users = {
        "anonymous": None,
        "shopper": shopper.pk,
        "applicant": applicant.pk,
        "merchant": member.user.pk,
        "other_merchant": other.user.pk,
        "staff": StaffFactory(username="access-staff").pk,
        "superuser": superuser.pk,
        "other_shopper": UserFactory(username="access-other-shopper").pk,
        "arbitrator": _arbitrator().pk,
    }
    return {"ids": ids, "users": users}


def _world_case(order, shopper):
    """An open after-sales case (a return, waiting for the store) on `order`, and a buyer's photo."""
    import io

    from django.core.files.base import ContentFile
    from PIL import Image

    from orders.models import AfterSalesCase, CaseEvent, CaseEvidence, CaseLine

    line = order.lines.first()
    case = AfterSalesCase.objects.create(
        number="ASACCESS0001",
        order=order,
        user=shopper,
        merchant=order.merchant,
        kind=AfterSalesCase.Kind.RETURN,
        reason=AfterSalesCase.Reason.DAMAGED,
        description="The bottle arrived cracked.",
        amount_requested=line.goods_cny,
        respond_by=timezone.now() + timedelta(hours=48),
    )
    CaseLine.objects.create(case=case, order_line=line, quantity=1)
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.OPENED, to_status=case.status, actor=shopper)
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    evidence = CaseEvidence(case=case, party=CaseEvidence.Party.BUYER, uploaded_by=shopper, content_type="image/png")
    evidence.file.save("access-case.png", ContentFile(buffer.getvalue()), save=True)
    return case, evidence


def _arbitrator():
    from django.contrib.auth.models import Permission

    from tests.factories import StaffFactory

    user = StaffFactory(username="access-arbitrator")
    user.user_permissions.add(Permission.objects.get(codename="arbitrate_case", content_type__app_label="orders"))
    return user


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once per module inside a transaction; each test runs in a savepoint of it (pytest-django
    wraps a test's database access in a nested atomic block), so what one test writes is gone before
    the next, and the whole world is rolled back at the end."""
    private_root = tmp_path_factory.mktemp("access-private")
    with (
        django_db_blocker.unblock(),
        override_settings(
            PRIVATE_MEDIA_ROOT=private_root,
            MEDIA_ROOT=tmp_path_factory.mktemp("access-media"),
            CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
            | {"fragments": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        ),
        transaction.atomic(),
    ):
        built = _build_world(private_root)
        built["private_root"] = private_root
        yield built
        transaction.set_rollback(True)


# --- The cases ---------------------------------------------------------------------------------------

REFUSED = {LOGIN, ADMIN_LOGIN, 401, 403, 404, 405}
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


@functools.cache
def _routes() -> dict[str, Route]:
    return {route.route: route for route in project_routes()}


def _cases():
    for row in TABLE:
        for role in (*ROLES, *(role for role in EXTRA_ROLES if role in row.answers)):
            answer = row.answers[role]
            marks = []
            if isinstance(answer, Later):
                marks.append(pytest.mark.xfail(strict=True, reason=f"fixed by {answer.fixer}"))
            elif row.pending:
                marks.append(pytest.mark.xfail(strict=True, reason=f"route added by {row.pending}"))
            yield pytest.param(row, role, marks=marks, id=f"{row.label} {role}")


def _fill(route: str, row: Row, ids: dict) -> str:
    path = route
    for name, value in row.args.items():
        if isinstance(value, Ref):
            if value not in ids:
                pytest.fail(f"{row.route}: nothing named {value!r} in the world")
            value = ids[value]
        path = path.replace(f"<{name}>", str(value))
    return "/" + path


def _url(row: Row, ids: dict) -> str:
    url = _fill(row.route, row, ids)
    assert "<" not in url, f"{row.route}: give a value for every path argument ({row.args})"
    return url


class _Writes:
    """Statements that changed at least one row (a DELETE scoped to the user that matches nothing is
    not a write)."""

    def __init__(self):
        self.done = []

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if WRITE.match(sql) and context["cursor"].rowcount:
            self.done.append(sql)
        return result


def _request(client, method, url, body, api):
    if api and method != "GET":
        return client.generic(method, url, data=json.dumps(body or {}), content_type="application/json")
    if method == "POST":
        return client.post(url, body or {})
    return getattr(client, method.lower())(url)


def _check(response, expected, where):
    status, location = response.status_code, response.get("Location", "")
    said = f"{where}: expected {expected}, got {status} {location}".strip()
    if expected == LOGIN:
        assert status == 302 and location.startswith(reverse("login") + "?next="), said
    elif expected == ADMIN_LOGIN:
        assert status == 302 and location.startswith(reverse("admin:login")), said
    elif isinstance(expected, To):
        assert status == 302 and location.split("?")[0] == reverse(expected.url_name), said
    else:
        assert status == expected, said + f"\n{response.content[:300]!r}"
        if status == 302:
            assert not location.startswith(reverse("login")), said + " (the login page: write LOGIN)"
        if status == 401:
            assert response.get("WWW-Authenticate"), f"{where}: a 401 must say how to authenticate"


def _ask(client, method, url, body, api, expected, where):
    """Make the request, check the answer, and that a refused request wrote nothing."""
    writes = _Writes()
    with connection.execute_wrapper(writes):
        response = _request(client, method, url, body, api)
    _check(response, expected, where)
    if expected in REFUSED or getattr(expected, "refused", False):
        assert not writes.done, f"{where} was refused but wrote:\n" + "\n".join(writes.done)
    return response


@pytest.fixture
def _world_files(world, settings):
    settings.PRIVATE_MEDIA_ROOT = world["private_root"]


def _sign_in(client, world, role):
    from marketplace.models import User

    if world["users"][role] is not None:
        client.force_login(User.objects.get(pk=world["users"][role]))


@pytest.mark.django_db
@pytest.mark.usefixtures("_world_files")
@pytest.mark.parametrize(("row", "role"), list(_cases()))
def test_access(row, role, world, client):
    if row.pending and row.route not in _routes():
        pytest.fail(f"/{row.route} does not exist yet ({row.pending} adds it)")
    expected = row.answers[role]
    if isinstance(expected, Later):
        expected = expected.answer
    _sign_in(client, world, role)
    url = _url(row, world["ids"])
    api = row.route.startswith("api/")
    # A body may name world objects too (`body={"product": W.product}`).
    body = {k: world["ids"][v] if isinstance(v, Ref) else v for k, v in row.body.items()} if row.body else row.body
    _ask(client, row.method, url, body, api, expected, f"{row.method} {url} as {role}")


def _post_only_cases():
    """Page routes the table tests with POST: a GET must not do what the POST does."""
    for row in TABLE:
        if row.method == "POST" and not row.route.startswith("api/") and not row.pending:
            allowed = next((role for role in ROLES if row.answers[role] not in REFUSED), "anonymous")
            yield pytest.param(row, allowed, id=f"GET {row.route} {allowed}")


@pytest.mark.django_db
@pytest.mark.usefixtures("_world_files")
@pytest.mark.parametrize(("row", "role"), list(_post_only_cases()))
def test_post_only_page_refuses_get(row, role, world, client):
    _sign_in(client, world, role)
    url = _url(row, world["ids"])
    writes = _Writes()
    with connection.execute_wrapper(writes):
        response = client.get(url)
    _check(response, row.get, f"GET {url} as {role}")
    assert not writes.done, f"GET {url} as {role} wrote:\n" + "\n".join(writes.done)


# --- Every route has a row; every row names a route -----------------------------------------------


def _required_rows(routes):
    """(route, method) pairs that must have a row; method None means "any one row". The admin site's
    routes are covered by the row of its index."""
    required = set()
    for route in routes:
        if route.in_admin:
            if route.name == "index":
                required.add((route.route, None))
            continue
        methods = route.methods()
        required |= {(route.route, m) for m in methods} if methods else {(route.route, None)}
    return required


def _missing_rows(table) -> list[str]:
    rows = {(row.route, row.method) for row in table}
    routes_with_rows = {route for route, _ in rows}
    return sorted(
        f"{method or 'GET/POST'} {route}"
        for route, method in _required_rows(project_routes())
        if (route, method) not in rows and not (method is None and route in routes_with_rows)
    )


def _stale_rows(table) -> list[str]:
    routes = {route.route: route for route in project_routes()}
    stale = [f"{row.method} {row.route}: no such route" for row in table if row.route not in routes and not row.pending]
    stale += [
        f"{row.method} {row.route}: the view answers only {sorted(routes[row.route].methods())}"
        for row in table
        if row.route in routes and routes[row.route].methods() and row.method not in routes[row.route].methods()
    ]
    labels = [row.label for row in table]
    stale += [f"{label}: given twice (another row for a route needs variant=True)" for label in set(labels) if labels.count(label) > 1]
    return sorted(stale)


def test_every_route_has_a_row():
    missing = _missing_rows(TABLE)
    assert not missing, (
        "Routes without a row in the access table (add one to TABLE in tests/test_access_table.py):\n  "
        + "\n  ".join(missing)
    )


def test_every_row_names_a_route():
    stale = _stale_rows(TABLE)
    assert not stale, "Rows of the access table to remove or correct:\n  " + "\n  ".join(stale)


def test_the_table_checks_can_fail():
    """The two checks above are not vacuous: the walk finds the router's routes and the admin site, a
    table without a row is reported, and so is a row for a route that does not exist."""
    routes = project_routes()
    assert any(r.route == "api/v1/seller/products/<pk>/" for r in routes)
    assert any(r.in_admin for r in routes)
    without = [row for row in TABLE if (row.route, row.method) != ("api/v1/seller/products/<pk>/", "PATCH")]
    assert _missing_rows(without) == ["PATCH api/v1/seller/products/<pk>/"]
    without = [row for row in TABLE if row.route != "seller/products/<pk>/"]
    assert _missing_rows(without) == ["GET/POST seller/products/<pk>/"]
    gone = R("seller/gone/", "GET", 200, 200, 200, 200, 200, 200, 200)
    assert _stale_rows([*TABLE, gone]) == ["GET seller/gone/: no such route"]
    delete = R("api/v1/seller/products/<pk>/", "DELETE", 403, 403, 403, 403, 403, 403, 403)
    assert _stale_rows([*TABLE, delete]) == [
        "DELETE api/v1/seller/products/<pk>/: the view answers only ['GET', 'PATCH', 'PUT']"
    ]


@pytest.mark.django_db
@pytest.mark.usefixtures("_world_files")
def test_api_routes_have_no_json_twins(world, client):
    """The router made a `.json` twin of every API route, and the views whose actions take no `format`
    argument (identities, an order's cancel, a payment's confirm, ...) answered it with a 500."""
    _sign_in(client, world, "shopper")
    ids = world["ids"]
    for url in ("/api/v1/identities.json", f"/api/v1/orders/{ids['order']}/cancel.json", "/api/v1/.json"):
        assert client.get(url).status_code == 404, url
    assert client.get("/api/v1/identities/", HTTP_ACCEPT="application/json").status_code == 200


# --- Lists: a list page answers 200 to everyone who may have one, and must show only their own -------

# url, what must not leak (a world name or a literal), the roles whose list shows it
LISTS = [
    ("/orders/",                              W.order,             {"shopper"}),
    ("/api/v1/orders/",                       W.order,             {"shopper"}),
    ("/seller/orders/?status=all",            W.order,             {"merchant"}),
    ("/api/v1/seller/shipments/",             W.waybill,           {"merchant"}),
    ("/account/addresses/",                   W.street,            {"shopper"}),
    ("/api/v1/addresses/",                    W.street,            {"shopper"}),
    ("/account/identities/",                  W.masked_id_number,  {"shopper"}),
    ("/api/v1/identities/",                   W.masked_id_number,  {"shopper"}),
    ("/seller/products/",                     W.product_name,      {"merchant"}),
    ("/api/v1/seller/products/",              W.product_name,      {"merchant"}),
    ("/api/v1/seller/products/",              W.sku,               {"merchant"}),
    ("/seller/documents/",                    W.document_name,     {"merchant"}),
    ("/api/v1/seller/documents/",             W.document_name,     {"merchant"}),
    # (The name of a brand another store asked for, still pending, is offered in every store's brand
    # choice on /seller/documents/, so that two stores do not create the same brand twice.)
    ("/api/v1/seller/brand-authorizations/",  W.requested_brand,   {"merchant"}),
    ("/api/v1/review/applications/",          W.applicant_company, {"staff", "superuser"}),
    ("/staff/review/",                        W.applicant_company, {"staff", "superuser"}),
    ("/after-sales/",                         W.case,              {"shopper"}),
    ("/api/v1/cases/",                        W.case,              {"shopper"}),
    ("/seller/after-sales/?state=all",        W.case,              {"merchant"}),
    ("/api/v1/seller/cases/",                 W.case,              {"merchant"}),
    ("/messages/",                            "Access table question", {"shopper"}),
    ("/api/v1/conversations/",                "Access table question", {"shopper"}),
    ("/seller/messages/",                     "Access table question", {"merchant"}),
    ("/api/v1/seller/conversations/",         "Access table question", {"merchant"}),
    ("/notifications/",                       W.notification_title, {"shopper"}),
    ("/api/v1/notifications/",                W.notification_title, {"shopper"}),
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.usefixtures("_world_files")
@pytest.mark.parametrize(
    ("url", "marker", "seen_by", "role"),
    [pytest.param(*entry, role, id=f"{entry[0]} {role}") for entry in LISTS for role in ROLES],
)
def test_lists_show_only_ones_own(url, marker, seen_by, role, world, client):
    _sign_in(client, world, role)
    text = str(world["ids"][marker]) if isinstance(marker, Ref) else marker
    response = client.get(url)
    body = response.content.decode()
    if role in seen_by:
        assert response.status_code == 200 and text in body, f"{url} as {role} should list {text!r}"
    else:
        assert text not in body, f"{url} as {role} ({response.status_code}) shows another's {marker}: {text!r}"
