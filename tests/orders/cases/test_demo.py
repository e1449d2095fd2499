"""The demo's after-sales cases: one of each stage, made through the services, not made twice."""

import random

import pytest
from django.core.management import call_command
from django.utils import timezone

from orders.cases.demo import seed_cases
from orders.models import AfterSalesCase

pytestmark = pytest.mark.django_db


def test_seed_demo_has_cases_at_each_stage_and_a_second_run_adds_none():
    call_command("seed_demo", products=60, no_images=True, verbosity=0)
    statuses = sorted(AfterSalesCase.objects.values_list("status", flat=True))
    assert statuses == ["arbitration", "refunded", "requested", "returning"]
    waiting = AfterSalesCase.objects.get(status="arbitration")
    assert waiting.escalated_at is not None and waiting.evidence.count() == 2
    returning = AfterSalesCase.objects.get(status="returning")
    assert returning.shipments.get().kind == "return"
    # the refunded case came out of the escrow: every store's deposit stays whole
    from merchants.models import Merchant
    from payments import merchant_selectors

    assert all(
        merchant_selectors.deposit_status(m).is_paid for m in Merchant.objects.exclude(status="pending")
    )
    assert seed_cases(now=timezone.now(), rng=random.Random(1), log=lambda _m: None) == 0
    assert AfterSalesCase.objects.count() == 4
    # (`--reset` deleting them is covered by tests/marketplace/test_seed_demo.py)
