"""Security deposits: the required amount per category and currency, paying through the sandbox card
page (the ledger's entries, the store opening), the gate for stores approved since deposits exist,
the daily check (reminder, suspension after 15 days, top-up), and the staff page."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection, connections
from django.db.models import Sum
from django.utils import timezone
from djmoney.money import Money

from marketplace import selectors as catalog_selectors
from marketplace.errors import ProductNotAllowed
from marketplace.models import Product
from merchants import services as merchant_services
from merchants.models import Merchant, MerchantEvent, SecurityDeposit
from payments import merchant_selectors, services
from payments.errors import DepositNothingDue
from payments.models import LedgerAccount, LedgerEntry, LedgerTransaction, Payment
from tests.factories import (
    CategoryFactory,
    MerchantFactory,
    MerchantMemberFactory,
    ProductFactory,
    StaffFactory,
    UserFactory,
    paid_order,
)

pytestmark = pytest.mark.django_db

@pytest.fixture(autouse=True)
def _english(settings):
    """These tests read the English wording of pages and emails (the site's default is Chinese)."""
    settings.LANGUAGE_CODE = "en"


CARD = {"holder": "Sato", "number": "4242 4242 4242 4242", "expiry": "12/30", "cvc": "123"}


def _finance_staff():
    from django.contrib.auth.models import Permission

    staff = StaffFactory()
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_finance", "manage_finance"]))
    return type(staff).objects.get(pk=staff.pk)


def _ledger(account, currency, **filters):
    total = LedgerEntry.objects.filter(account=account, amount_currency=currency, **filters).aggregate(
        t=Sum("amount")
    )["t"]
    return Decimal(str(total or 0)).quantize(Decimal("0.01"))


def _member(**merchant):
    # An owner who reads English: the store's emails go in its owners' languages (docs/rules.md).
    return MerchantMemberFactory(user__language="en", **{f"merchant__{k}": v for k, v in merchant.items()})


def pay_deposit(member, *, key="k"):
    """The store's owner pays what is due through the service and the sandbox card."""
    from tests.factories import pay

    payment = services.deposit_payment_start(merchant=member.merchant, actor=member.user)
    pay(payment, key=f"{key}-{payment.reference}")
    payment.refresh_from_db()
    return payment


def _draw(merchant, amount):
    """What the refund helpers post when the deposit pays for a refund after release."""
    money = Money(Decimal(amount), merchant.settlement_currency)
    return services.ledger_post(
        kind=LedgerTransaction.Kind.DEPOSIT_DRAWN,
        entries=[
            (LedgerAccount.MERCHANT_DEPOSIT, None, money, merchant),
            (LedgerAccount.GATEWAY_CLEARING, None, -money),
        ],
        merchant=merchant,
        description="refund after release, from the deposit",
    )


# --- The required amount ----------------------------------------------------------------------------


def test_required_amount_by_category_and_currency(rates, settings):
    settings.SECURITY_DEPOSIT_CNY = "150000"
    settings.SECURITY_DEPOSIT_SPECIAL_CNY = "300000"
    usd = MerchantFactory(settlement_currency="USD")
    requirement = merchant_selectors.deposit_requirement(usd)
    assert (requirement.required_cny, requirement.special) == (Decimal("150000"), False)
    assert requirement.required == (Decimal("150000") / Decimal("7.12")).quantize(Decimal("0.01"))

    # A product (even a draft) in a sub-category of a special category: the higher tier.
    special = CategoryFactory(special_deposit=True)
    ProductFactory(merchant=usd, category=CategoryFactory(parent=special), publish=False)
    requirement = merchant_selectors.deposit_requirement(usd)
    assert (requirement.required_cny, requirement.special) == (Decimal("300000"), True)
    assert requirement.required == Decimal("42134.83")  # 300000 / 7.12, half up to the cent

    # The yen has no minor unit: whole yen.
    jpy = MerchantFactory(settlement_currency="JPY")
    assert merchant_selectors.deposit_requirement(jpy).required == Decimal("3177966.00")  # 150000 / 0.0472
    krw = MerchantFactory(settlement_currency="KRW")
    assert merchant_selectors.deposit_requirement(krw).required == Decimal("29126214.00")


def test_once_paid_the_amount_stays_fixed_while_the_rate_moves(rates):
    member = _member(settlement_currency="USD")
    pay_deposit(member)
    deposit = SecurityDeposit.objects.get(merchant=member.merchant)
    catalog_selectors_rate = "7.50"
    from marketplace import services as catalog

    catalog.exchange_rate_set(currency="USD", rate=catalog_selectors_rate, source="tests")
    status = merchant_selectors.deposit_status(member.merchant)
    assert status.required == deposit.required.amount and status.is_paid
    assert services.deposits_check()["reminded"] == 0


# --- Paying, and the gate for new stores ------------------------------------------------------------


def _approved_through_review(django_capture_on_commit_callbacks):
    from tests.merchants.helpers import complete_application

    user, application = complete_application()
    user.language = "en"  # the store's emails go in its owner's language
    user.save(update_fields=["language"])
    merchant_services.merchant_application_submit(application=application, actor=user)
    with django_capture_on_commit_callbacks(execute=True):
        merchant_services.merchant_application_approve(application=application, reviewer=StaffFactory())
    user.refresh_from_db()
    return user, Merchant.objects.get(pk=application.merchant_id)


def test_a_new_store_pays_on_the_card_page_and_then_opens(rates, client, django_capture_on_commit_callbacks):
    user, merchant = _approved_through_review(django_capture_on_commit_callbacks)
    assert merchant.status == Merchant.Status.APPROVED and merchant.awaiting_deposit and not merchant.is_open
    assert "security deposit" in mail.outbox[-1].body

    # Closed until paid: a product cannot be published, a published one is not listed.
    brand = merchant.brand_authorizations.get().brand
    with pytest.raises(ProductNotAllowed):
        ProductFactory(merchant=merchant, brand=brand, prices=["1980"], authorized=False)
    draft = ProductFactory(merchant=merchant, brand=brand, prices=["1980"], authorized=False, publish=False)
    Product.objects.filter(pk=draft.pk).update(status=Product.Status.PUBLISHED)  # however it got there
    assert not catalog_selectors.products_visible().filter(pk=draft.pk).exists()
    assert client.get(merchant.get_absolute_url()).status_code == 404

    client.force_login(user)
    page = client.get("/seller/")
    assert b"data-deposit-notice" in page.content
    start = client.post("/seller/finance/deposit/pay/")
    payment = Payment.objects.get(merchant=merchant, purpose=Payment.Purpose.DEPOSIT)
    assert start.status_code == 302 and start["Location"] == f"/pay/{payment.reference}/"
    required = (Decimal("150000") / Decimal("0.0472")).quantize(Decimal("1"))
    assert payment.amount == Money(required, "JPY")

    card_page = client.get(start["Location"])
    assert card_page.status_code == 200 and b"data-deposit-summary" in card_page.content
    paid = client.post(start["Location"], {**CARD, "idempotency_key": "deposit-1"})
    assert paid.status_code == 302 and paid["Location"] == "/seller/finance/"

    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    txn = LedgerTransaction.objects.get(kind=LedgerTransaction.Kind.DEPOSIT_PAID, merchant=merchant)
    assert txn.payment == payment
    assert _ledger(LedgerAccount.MERCHANT_DEPOSIT, "JPY", merchant=merchant) == -required
    assert _ledger(LedgerAccount.GATEWAY_CLEARING, "JPY") == required
    merchant.refresh_from_db()
    deposit = SecurityDeposit.objects.get(merchant=merchant)
    assert merchant.is_open and not merchant.awaiting_deposit and deposit.paid_at is not None
    assert merchant.events.filter(kind=MerchantEvent.Kind.DEPOSIT_PAID).count() == 1
    assert catalog_selectors.products_visible().filter(pk=draft.pk).exists()
    assert b"data-deposit-notice" not in client.get("/seller/").content
    # Nothing more is due; the card page of the paid payment sends the store back to Finance.
    with pytest.raises(DepositNothingDue):
        services.deposit_payment_start(merchant=merchant, actor=user)
    assert client.get(f"/pay/{payment.reference}/")["Location"] == "/seller/finance/"


def test_stores_approved_before_deposits_existed_stay_open(rates):
    product = ProductFactory()
    assert product.merchant.is_open and not product.merchant.awaiting_deposit
    assert catalog_selectors.products_visible().filter(pk=product.pk).exists()


def test_asking_twice_reuses_the_waiting_payment_and_others_cannot_pay_it(rates, client):
    member = _member(settlement_currency="USD")
    first = services.deposit_payment_start(merchant=member.merchant, actor=member.user)
    assert services.deposit_payment_start(merchant=member.merchant, actor=member.user) == first
    colleague = MerchantMemberFactory(merchant=member.merchant, role="staff")
    client.force_login(colleague.user)
    assert client.get(f"/pay/{first.reference}/").status_code == 200  # any of the store's staff
    client.force_login(_member().user)
    assert client.get(f"/pay/{first.reference}/").status_code == 404  # another store's
    client.force_login(UserFactory())
    assert client.get(f"/pay/{first.reference}/").status_code == 404
    from merchants.errors import NotAllowed

    with pytest.raises(NotAllowed):
        services.deposit_payment_start(merchant=member.merchant, actor=UserFactory())


# --- The daily check --------------------------------------------------------------------------------


def test_a_draw_below_the_requirement_reminds_then_suspends_after_15_days(
    rates, settings, django_capture_on_commit_callbacks
):
    settings.SECURITY_DEPOSIT_GRACE_DAYS = 15
    member = _member(settlement_currency="USD")
    pay_deposit(member)
    merchant = member.merchant
    _draw(merchant, "1000.00")
    now = timezone.now()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert services.deposits_check(now=now) == {"reminded": 1, "suspended": 0, "cleared": 0}
    deposit = SecurityDeposit.objects.get(merchant=merchant)
    assert deposit.shortfall_since == now and deposit.reminded_at == now
    assert merchant.events.filter(kind=MerchantEvent.Kind.DEPOSIT_SHORTFALL).count() == 1
    # One to the owner (in their language, through the notification centre), one to the contact address.
    assert [m.subject for m in mail.outbox] == ["Please top up your security deposit"] * 2
    assert {tuple(m.to) for m in mail.outbox} == {(member.user.email,), (merchant.contact_email,)}
    assert "$1,000.00" in mail.outbox[0].body or "US$1,000.00" in mail.outbox[0].body

    # The same day again, and 14 days on: nothing new.
    assert services.deposits_check(now=now + timedelta(hours=1)) == {
        "reminded": 0,
        "suspended": 0,
        "cleared": 0,
    }
    assert services.deposits_check(now=now + timedelta(days=14, hours=23)) == {
        "reminded": 0,
        "suspended": 0,
        "cleared": 0,
    }
    status = merchant_selectors.deposit_status(merchant, now=now + timedelta(days=14, hours=23))
    assert status.days_left == 1 and status.shortfall == Decimal("1000.00")
    merchant.refresh_from_db()
    assert merchant.status == Merchant.Status.APPROVED

    # 15 days after the reminder: suspended once, by the platform's system account.
    assert services.deposits_check(now=now + timedelta(days=15))["suspended"] == 1
    merchant.refresh_from_db()
    assert merchant.status == Merchant.Status.SUSPENDED
    event = merchant.events.get(kind=MerchantEvent.Kind.SUSPENDED)
    assert event.actor.username == settings.DEPOSIT_SYSTEM_USERNAME and not event.actor.is_active
    assert services.deposits_check(now=now + timedelta(days=16)) == {
        "reminded": 0,
        "suspended": 0,
        "cleared": 0,
    }
    assert merchant.events.filter(kind=MerchantEvent.Kind.SUSPENDED).count() == 1


def test_a_top_up_pays_the_shortfall_and_clears_it(rates):
    member = _member(settlement_currency="USD")
    pay_deposit(member)
    merchant = member.merchant
    _draw(merchant, "250.50")
    services.deposits_check()
    top_up = pay_deposit(member, key="top-up")
    assert top_up.amount == Money("250.50", "USD")
    deposit = SecurityDeposit.objects.get(merchant=merchant)
    assert deposit.shortfall_since is None and deposit.reminded_at is None
    assert merchant.events.filter(kind=MerchantEvent.Kind.DEPOSIT_TOPPED_UP).count() == 1
    assert merchant_selectors.deposit_status(merchant).is_paid
    assert services.deposits_check() == {"reminded": 0, "suspended": 0, "cleared": 0}


def test_a_shortfall_made_good_elsewhere_is_cleared_by_the_check(rates):
    member = _member(settlement_currency="USD")
    pay_deposit(member)
    merchant = member.merchant
    txn = _draw(merchant, "10.00")
    services.deposits_check()
    # The draw was reversed by hand (a ledger correction): the deposit is whole again.
    services.ledger_post(
        kind=LedgerTransaction.Kind.DEPOSIT_PAID,
        entries=[(e.account, None, -e.amount, e.merchant) for e in txn.entries.all()],
        merchant=merchant,
    )
    assert services.deposits_check()["cleared"] == 1
    assert SecurityDeposit.objects.get(merchant=merchant).shortfall_since is None


def test_starting_to_sell_in_a_special_category_raises_the_requirement(rates, settings):
    member = _member(settlement_currency="USD")
    pay_deposit(member)
    ProductFactory(merchant=member.merchant, category=CategoryFactory(special_deposit=True))
    assert services.deposits_check()["reminded"] == 1
    status = merchant_selectors.deposit_status(member.merchant)
    assert status.required_cny == Decimal("300000") and status.shortfall > 0
    top_up = pay_deposit(member, key="special")
    assert top_up.amount.amount == status.shortfall
    assert merchant_selectors.deposit_status(member.merchant).is_paid


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: SQLite serialises writers")
def test_checks_and_a_top_up_at_once_remind_once(rates):
    member = _member(settlement_currency="USD")
    pay_deposit(member)
    _draw(member.merchant, "5.00")
    runs = 4
    barrier = threading.Barrier(runs)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=30)
            results.append(services.deposits_check()["reminded"])
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == [] and sum(results) == 1
    assert member.merchant.events.filter(kind=MerchantEvent.Kind.DEPOSIT_SHORTFALL).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: SQLite serialises writers")
def test_two_starts_at_once_make_one_payment(rates):
    member = _member(settlement_currency="USD")
    runs = 4
    barrier = threading.Barrier(runs)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=30)
            results.append(services.deposit_payment_start(merchant=member.merchant, actor=member.user).pk)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == [] and len(set(results)) == 1
    assert Payment.objects.filter(merchant=member.merchant).count() == 1


# --- Staff: who has paid ----------------------------------------------------------------------------


def test_finance_staff_see_who_has_paid(rates, client, django_assert_max_num_queries):
    paid = _member(settlement_currency="USD")
    pay_deposit(paid)
    short = _member(settlement_currency="JPY")
    pay_deposit(short)
    _draw(short.merchant, "1000")
    services.deposits_check()
    waiting = MerchantFactory(awaiting_deposit=True, settlement_currency="USD")
    for _ in range(5):
        MerchantFactory()

    client.force_login(StaffFactory())
    assert client.get("/staff/finance/deposits/").status_code == 403
    client.force_login(_finance_staff())
    with django_assert_max_num_queries(12):
        page = client.get("/staff/finance/deposits/")
    assert page.status_code == 200
    body = page.content.decode()
    assert f'data-merchant="{paid.merchant.slug}" data-paid="yes"' in body
    assert f'data-merchant="{short.merchant.slug}" data-paid="no"' in body
    assert f'data-merchant="{waiting.slug}" data-paid="no"' in body
    rows = dict(merchant_selectors.deposits_for_staff())
    status = next(s for m, s in rows.items() if m.pk == short.merchant.pk)
    assert status.shortfall == Decimal("1000.00") and status.days_left == 15 and status.reminded_at
    short_only = client.get("/staff/finance/deposits/?show=short").content.decode()
    assert paid.merchant.slug not in short_only and short.merchant.slug in short_only


def test_a_refund_after_release_drawing_on_the_deposit_reminds_at_once(
    rates, django_capture_on_commit_callbacks
):
    from .payout_helpers import bank_details, finance_staff, release

    owner = _member(settlement_currency="USD")
    merchant = owner.merchant
    pay_deposit(owner)
    order = release(paid_order(merchant=merchant, prices=("300.00",)))
    bank_details(merchant)
    services.payout_request(  # the whole balance paid out: the refund must come from the deposit
        merchant=merchant, actor=owner.user, amount=services.merchant_available_balance(merchant).amount
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.order_refund_by_staff(order=order, actor=finance_staff(), idempotency_key="draw-1")
    deposit = SecurityDeposit.objects.get(merchant=merchant)
    assert deposit.shortfall_since is not None and deposit.reminded_at is not None
    assert [m.subject for m in mail.outbox][-1:] == ["Please top up your security deposit"]
    status = merchant_selectors.deposit_status(merchant)
    assert status.shortfall > 0 and status.held == status.required - status.shortfall
    # The statement shows the draw as a change of the deposit.
    row = next(
        merchant_selectors.statement_row(txn, "USD")
        for txn in merchant_selectors.statement(merchant)
        if txn.kind == LedgerTransaction.Kind.REFUND_AFTER_RELEASE
    )
    assert row.deposit == -status.shortfall
