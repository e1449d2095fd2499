"""Reconciliation: the ledger's gateway-facing movements against the gateway's own books.

Our side is built by one *source* per kind of movement (`LEDGER_SOURCES`: "charge", "refund"; the
payouts part registers "transfer" and "transfer_reversal" the same way); the gateway's side is
`get_gateway().records(since=, until=)`. A gateway record of a kind no source covers is not compared.

Matching, for each of our movements, in this order: the gateway's id we stored, else the idempotency
key of our call, else (charges only) our payment reference as the gateway knows it. Both sides are
read with a margin (`MATCH_MARGIN`) around the window so that a movement recorded a moment apart on
each side still matches; only movements inside the window are counted and reported.

Each movement is reported at most once, with the first difference that applies:
- status: one side says the money moved, the other says it failed (a refund we think failed that the
  gateway made, a charge we recorded that the gateway declined);
- ours_only: the ledger moved money the gateway has no record of;
- gateway_only: the gateway moved money the ledger has no record of;
- currency, then amount: both moved money, in another currency or another amount.
A movement that failed on both sides, or on our side with no gateway record, moved nothing: no
difference. The gateway is called with no lock held; the run is recorded before the call.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ..errors import FinancePeriodInvalid, NotFinanceStaff
from ..finance import day_bounds, local_today
from ..gateways import GatewayError, GatewayRecord, get_gateway
from ..models import (
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    Payment,
    PaymentAttempt,
    ReconciliationDifference,
    ReconciliationRun,
    Refund,
)
from ..permissions import is_finance_staff

__all__ = [
    "LedgerMovement",
    "LEDGER_SOURCES",
    "reconciliation_run",
    "reconciliation_daily",
    "reconciliation_alert",
    "reconciliation_latest_alert",
]

MATCH_MARGIN = timedelta(hours=6)
MAX_WINDOW = timedelta(days=31)
STALE_RUN = timedelta(hours=1)  # a scheduled run still "running" after this died with its worker
SUCCEEDED = "succeeded"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class LedgerMovement:
    """One gateway-facing movement as our records and ledger show it."""

    movement: str  # "charge", "refund", ... (the gateway record's kind)
    our_reference: str  # a reference a person can look up (payment reference, refund id)
    amount: Decimal  # from the ledger (what we booked)
    currency: str
    status: str  # "succeeded" or "failed"
    occurred_at: datetime
    reference: str = ""  # the gateway's id, when we stored it
    idempotency_key: str = ""
    payment_reference: str = ""


def _q(value) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENT)


def _charges(since, until) -> list[LedgerMovement]:
    """Every succeeded payment (orders or deposit): the amount the ledger debited to the gateway's
    clearing account for it, with the reference and key of the succeeded attempt."""
    payments = list(
        Payment.objects.filter(status=Payment.Status.SUCCEEDED, paid_at__gte=since, paid_at__lt=until)
    )
    ids = [p.pk for p in payments]
    booked = defaultdict(list)
    for row in (
        LedgerEntry.objects.filter(
            account=LedgerAccount.GATEWAY_CLEARING,
            amount__gt=0,
            transaction__payment_id__in=ids,
            transaction__kind__in=(LedgerTransaction.Kind.ESCROW_HOLD, LedgerTransaction.Kind.DEPOSIT_PAID),
        )
        .values("transaction__payment_id", "amount_currency")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        booked[row["transaction__payment_id"]].append((row["amount_currency"], _q(row["total"])))
    attempts = {
        a.payment_id: a
        for a in PaymentAttempt.objects.filter(payment_id__in=ids, status=PaymentAttempt.Status.SUCCEEDED)
    }
    movements = []
    for payment in payments:
        attempt = attempts.get(payment.pk)
        # Nothing in the ledger for a paid payment is a difference too: booked as zero.
        for currency, amount in booked.get(payment.pk) or [(str(payment.amount.currency), _q(0))]:
            movements.append(
                LedgerMovement(
                    movement="charge",
                    our_reference=payment.reference,
                    amount=amount,
                    currency=currency,
                    status=SUCCEEDED,
                    occurred_at=payment.paid_at,
                    reference=attempt.gateway_reference if attempt else "",
                    idempotency_key=attempt.idempotency_key if attempt else "",
                    payment_reference=payment.reference,
                )
            )
    return movements


def _refunds(since, until) -> list[LedgerMovement]:
    """Every refund that reached an answer: a succeeded one with the amount the ledger credited to
    the clearing account for it; a failed one (nothing booked) to catch a gateway that made it."""
    refunds = list(
        Refund.objects.filter(
            created_at__gte=since,
            created_at__lt=until,
            status__in=(Refund.Status.SUCCEEDED, Refund.Status.FAILED),
        ).select_related("payment", "order")
    )
    booked = defaultdict(list)
    for row in (
        LedgerEntry.objects.filter(
            account=LedgerAccount.GATEWAY_CLEARING,
            amount__lt=0,
            transaction__refund_id__in=[r.pk for r in refunds],
        )
        .values("transaction__refund_id", "amount_currency")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        booked[row["transaction__refund_id"]].append((row["amount_currency"], -_q(row["total"])))
    movements = []
    for refund in refunds:
        if refund.status == Refund.Status.SUCCEEDED:
            amounts = booked.get(refund.pk) or [(str(refund.amount.currency), _q(0))]
            status = SUCCEEDED
        else:
            amounts = [(str(refund.amount.currency), _q(refund.amount.amount))]
            status = "failed"
        for currency, amount in amounts:
            movements.append(
                LedgerMovement(
                    movement="refund",
                    our_reference=f"refund {refund.pk} · order {refund.order.number}",
                    amount=amount,
                    currency=currency,
                    status=status,
                    occurred_at=refund.created_at,
                    reference=refund.gateway_reference,
                    idempotency_key=refund.idempotency_key,
                    payment_reference=refund.payment.reference,
                )
            )
    return movements


# movement kind -> callable(since, until) -> list[LedgerMovement]. Another part adds its own kind here.
LEDGER_SOURCES = {"charge": _charges, "refund": _refunds}


def _moved(status: str) -> bool:
    return status == SUCCEEDED


def _compare(ours: list[LedgerMovement], theirs: list[GatewayRecord], since, until):
    """The differences between both sides, and the figures of the run."""
    by_reference, by_key, charge_by_payment = {}, {}, {}
    for index, record in enumerate(theirs):
        if record.reference:
            by_reference.setdefault((record.kind, record.reference), index)
        if record.idempotency_key:
            by_key.setdefault((record.kind, record.idempotency_key), index)
        if record.kind == "charge" and record.payment_reference and _moved(record.status):
            charge_by_payment.setdefault(record.payment_reference, index)

    def inside(moment):
        return moment is not None and since <= moment < until

    used: set[int] = set()
    differences = []
    stats = {"ours": 0, "gateway": 0, "matched": 0, "ours_totals": {}, "gateway_totals": {}}

    def add_total(side, kind, currency, amount):
        bucket = stats[side].setdefault(kind, {})
        bucket[currency] = str(_q(Decimal(bucket.get(currency, "0")) + amount))

    def difference(kind, mine=None, record=None):
        differences.append(
            ReconciliationDifference(
                kind=kind,
                movement=(mine.movement if mine else record.kind),
                reference=(record.reference if record else mine.reference)[:80],
                our_reference=(mine.our_reference if mine else record.payment_reference)[:80],
                our_amount=mine.amount if mine else None,
                our_currency=mine.currency if mine else "",
                our_status=mine.status if mine else "",
                gateway_amount=_q(record.amount) if record else None,
                gateway_currency=record.currency.upper() if record else "",
                gateway_status=record.status[:20] if record else "",
                occurred_at=mine.occurred_at if mine else record.created,
            )
        )

    for mine in ours:
        index = None
        for found in (
            by_reference.get((mine.movement, mine.reference)) if mine.reference else None,
            by_key.get((mine.movement, mine.idempotency_key)) if mine.idempotency_key else None,
            charge_by_payment.get(mine.payment_reference) if mine.movement == "charge" else None,
        ):
            if found is not None and found not in used:
                index = found
                break
        record = theirs[index] if index is not None else None
        if index is not None:
            used.add(index)
        if not inside(mine.occurred_at):
            continue
        if _moved(mine.status):
            stats["ours"] += 1
            add_total("ours_totals", mine.movement, mine.currency, mine.amount)
        if record is None:
            if _moved(mine.status):
                difference(ReconciliationDifference.Kind.OURS_ONLY, mine=mine)
            continue
        if _moved(mine.status) != _moved(record.status):
            difference(ReconciliationDifference.Kind.STATUS, mine=mine, record=record)
        elif not _moved(mine.status):
            continue  # failed on both sides: nothing moved
        elif mine.currency != record.currency.upper():
            difference(ReconciliationDifference.Kind.CURRENCY, mine=mine, record=record)
        elif mine.amount != _q(record.amount):
            difference(ReconciliationDifference.Kind.AMOUNT, mine=mine, record=record)
        else:
            stats["matched"] += 1

    for index, record in enumerate(theirs):
        if not _moved(record.status) or not inside(record.created):
            continue
        stats["gateway"] += 1
        add_total("gateway_totals", record.kind, record.currency.upper(), _q(record.amount))
        if index not in used:
            difference(ReconciliationDifference.Kind.GATEWAY_ONLY, record=record)
    return differences, stats


def _reconcile(run: ReconciliationRun) -> ReconciliationRun:
    """Do the work of a recorded run (no lock is held while the gateway answers)."""
    since, until = run.since, run.until
    try:
        theirs = [
            record
            for record in get_gateway().records(since=since - MATCH_MARGIN, until=until + MATCH_MARGIN)
            if record.kind in LEDGER_SOURCES
        ]
    except GatewayError as exc:
        ReconciliationRun.objects.filter(pk=run.pk).update(
            status=ReconciliationRun.Status.FAILED, finished_at=timezone.now(), error=str(exc)[:300]
        )
        run.refresh_from_db()
        return run
    ours = []
    for source in LEDGER_SOURCES.values():
        ours.extend(source(since - MATCH_MARGIN, until + MATCH_MARGIN))
    differences, stats = _compare(ours, theirs, since, until)
    with transaction.atomic():
        run = ReconciliationRun.objects.select_for_update().get(pk=run.pk)
        run.differences.all().delete()
        for row in differences:
            row.run = run
        ReconciliationDifference.objects.bulk_create(differences)
        run.status = ReconciliationRun.Status.DIFFERENCES if differences else ReconciliationRun.Status.CLEAN
        run.finished_at = timezone.now()
        run.ours_count = stats["ours"]
        run.gateway_count = stats["gateway"]
        run.matched_count = stats["matched"]
        run.difference_count = len(differences)
        run.ours_totals = stats["ours_totals"]
        run.gateway_totals = stats["gateway_totals"]
        run.error = ""
        run.save()
    return run


def reconciliation_run(*, since: datetime, until: datetime, actor=None) -> ReconciliationRun:
    """Compare the ledger with the gateway over [since, until) and store the run and its
    differences. `actor`: the finance staff member who asked (None: the system)."""
    if actor is not None and not is_finance_staff(actor):
        raise NotFinanceStaff()
    if since is None or until is None or until <= since or until - since > MAX_WINDOW:
        raise FinancePeriodInvalid(days=MAX_WINDOW.days)
    run = ReconciliationRun.objects.create(
        since=since, until=until, actor=actor, trigger=ReconciliationRun.Trigger.MANUAL
    )
    return _reconcile(run)


def reconciliation_daily(*, day=None) -> ReconciliationRun:
    """The daily job: reconcile the previous Asia/Shanghai day (or `day`) once, and alert finance
    staff if it differs. Running it again for the same day changes nothing and alerts no one twice;
    a run that failed (gateway unreachable) or died (still running after `STALE_RUN`) is done again."""
    day = day or local_today() - timedelta(days=1)
    since, until = day_bounds(day, day)
    scheduled = ReconciliationRun.Trigger.SCHEDULED
    run = ReconciliationRun.objects.filter(since=since, until=until, trigger=scheduled).first()
    if run is None:
        try:
            with transaction.atomic():
                run = ReconciliationRun.objects.create(since=since, until=until, trigger=scheduled)
        except IntegrityError:  # another worker started it: its run stands
            return ReconciliationRun.objects.get(since=since, until=until, trigger=scheduled)
        run = _reconcile(run)
    elif run.status == ReconciliationRun.Status.FAILED or (
        run.status == ReconciliationRun.Status.RUNNING and run.started_at < timezone.now() - STALE_RUN
    ):
        run = _reconcile(run)  # the gateway was down, or the worker died mid-run: do it again
    if run.status == ReconciliationRun.Status.DIFFERENCES:
        reconciliation_alert(run=run)
    return run


def reconciliation_alert(*, run: ReconciliationRun) -> bool:
    """Email finance staff (users with `payments.view_finance`) about a run's differences, once."""
    claimed = ReconciliationRun.objects.filter(pk=run.pk, alerted_at__isnull=True).update(
        alerted_at=timezone.now()
    )
    if not claimed:
        return False
    recipients = sorted(
        {
            email
            for email in get_user_model()
            .objects.with_perm("payments.view_finance", backend="django.contrib.auth.backends.ModelBackend")
            .filter(is_staff=True)
            .exclude(email="")
            .values_list("email", flat=True)
        }
    )
    if not recipients:
        return True
    path = reverse("staff_finance:reconciliation_detail", args=[run.pk])
    subject = _("Reconciliation: %(count)s difference(s) on %(day)s") % {
        "count": run.difference_count,
        "day": timezone.localtime(run.since).date().isoformat(),
    }
    body = _(
        "The reconciliation of the ledger with the payment gateway found %(count)s difference(s) "
        "between %(since)s and %(until)s.\n\nSee them on the finance pages: %(path)s"
    ) % {
        "count": run.difference_count,
        "since": timezone.localtime(run.since).strftime("%Y-%m-%d %H:%M"),
        "until": timezone.localtime(run.until).strftime("%Y-%m-%d %H:%M"),
        "path": path,
    }
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    return True


def reconciliation_latest_alert():
    """The banner of the finance pages: the latest finished run, when it found differences."""
    latest = (
        ReconciliationRun.objects.filter(~Q(status=ReconciliationRun.Status.RUNNING))
        .order_by("-finished_at", "-id")
        .first()
    )
    if latest is not None and latest.status == ReconciliationRun.Status.DIFFERENCES:
        return latest
    return None
